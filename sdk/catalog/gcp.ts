/**
 * GCP machine types with GPUs and their prices per region.
 *
 * The machine price list covers vCPU and RAM only, for every series: a machine's price here is the machine
 * figure plus the accelerator's per-GPU price times the GPU count (g2-standard-4 in us-central1:
 * 0.146792016 + 0.560040239). Spot prices are known for both parts; a few accelerator spot prices are the
 * source's 40% estimate (`spotEstimated`).
 */
import { Accelerator, acceleratorInfo, acceleratorOfGcpType } from "./accelerators";
import { GCP_ACCELERATORS, GCP_ACCELERATOR_SOURCE } from "./data/gcp-accelerators.data";
import { GCP_MACHINES, GCP_MACHINE_SOURCE } from "./data/gcp-machines.data";
import type { GcpAcceleratorRow, GcpMachineRow } from "./data/rows";
import { CatalogError } from "./errors";
import { builtInGpus, machineFamily, N1_T4_LIMITS } from "./gcp-shapes";
import { byName, sourceLabel } from "./format";
import { cheapestFitting, gpuCounts, withExactly, type OfferWords } from "./offers";

/** One GCP machine type with its GPUs in one region, with its price. */
export interface GcpMachineOffer {
    cloud: "gcp";
    machineType: string;
    /** Machine series: g2, n1, a2, a3. */
    family: string;
    /** Undefined for a machine without GPUs. */
    accelerator?: Accelerator;
    /** GCP accelerator type name, for example `nvidia-l4`; undefined without GPUs. */
    acceleratorType?: string;
    gpus: number;
    vcpus: number;
    memoryGiB: number;
    region: string;
    /** Zones of the region that have the accelerator (empty without GPUs). */
    zones: readonly string[];
    /** vCPU and RAM, USD per hour. */
    machineHourly: number;
    machineSpotHourly: number;
    /** One GPU, USD per hour (0 without GPUs). */
    gpuHourly: number;
    gpuSpotHourly: number;
    /** Machine plus GPUs, on-demand USD per hour. */
    onDemandHourly: number;
    /** Machine plus GPUs, spot USD per hour. */
    spotHourly: number;
    /** True when the GPU spot price is the source's 40%-of-on-demand estimate. */
    spotEstimated: boolean;
    /** Whether `hourly` is the spot price. */
    spot: boolean;
    /** USD per hour as requested: `spotHourly` when `spot`, else `onDemandHourly`. */
    hourly: number;
    /** The price lists: files, publisher, date. */
    source: string;
    date: string;
}

/** A GPU attached to an N1 machine (`guestAccelerators` entry). */
export interface GcpAttachedAccelerator {
    /** GCP accelerator type, for example `nvidia-tesla-t4`. */
    type: string;
    count: number;
}

/** What {@link findGcpMachine} looks for. */
export interface GcpMachineRequest {
    accelerator: Accelerator;
    minGpus: number;
    /** Least RAM per machine, GiB. Defaults to 0. */
    minMemoryGiB?: number;
    /** Fewest vCPUs per machine. Defaults to 0. */
    minVcpus?: number;
    region: string;
    /** Compare spot prices instead of on-demand. Defaults to false. */
    spot?: boolean;
}

const SOURCE = `${sourceLabel(GCP_MACHINE_SOURCE)} + ${GCP_ACCELERATOR_SOURCE.file}`;

function acceleratorRow(gcpType: string, region: string): GcpAcceleratorRow | undefined {
    return GCP_ACCELERATORS.find((a) => a.type === gcpType && a.region === region);
}

function build(row: GcpMachineRow, region: string, gpu: { row: GcpAcceleratorRow; count: number } | undefined, spot: boolean): GcpMachineOffer | undefined {
    const price = row.prices[region];
    if (!price) return undefined;
    const [machineHourly, machineSpotHourly] = price;
    const count = gpu?.count ?? 0;
    const onDemandHourly = machineHourly + count * (gpu?.row.onDemandPerGpu ?? 0);
    const spotHourly = machineSpotHourly + count * (gpu?.row.spotPerGpu ?? 0);
    return {
        cloud: "gcp",
        machineType: row.type,
        family: machineFamily(row.type),
        accelerator: gpu ? acceleratorOfGcpType(gpu.row.type) : undefined,
        acceleratorType: gpu?.row.type,
        gpus: count,
        vcpus: row.vcpus,
        memoryGiB: row.memoryGiB,
        region,
        zones: gpu?.row.zones ?? [],
        machineHourly,
        machineSpotHourly,
        gpuHourly: gpu?.row.onDemandPerGpu ?? 0,
        gpuSpotHourly: gpu?.row.spotPerGpu ?? 0,
        onDemandHourly,
        spotHourly,
        spotEstimated: gpu?.row.spotEstimated ?? false,
        spot,
        hourly: spot ? spotHourly : onDemandHourly,
        source: SOURCE,
        date: GCP_MACHINE_SOURCE.date,
    };
}

function notOnGcp(accelerator: Accelerator): CatalogError {
    const info = acceleratorInfo(accelerator);
    return new CatalogError(`${info.displayName} (${accelerator}) is not offered on GCP per the catalog (AWS ${info.awsFamilies.join(", ")} only).`);
}

function missingAccelerator(gcpType: string, region: string): CatalogError {
    const regions = GCP_ACCELERATORS.filter((a) => a.type === gcpType).map((a) => a.region);
    return new CatalogError(`GCP accelerator ${gcpType} is not offered in ${region} per the catalog; regions with it: ${regions.join(", ") || "none"}.`);
}

/**
 * One machine type's offer in a region. For g2, a2 and a3 the built-in GPUs are priced (`accelerators` is
 * not needed); for n1, pass the attached T4s. Throws {@link CatalogError} for a type, accelerator or region
 * not in the catalog.
 */
export function gcpMachine(machineType: string, region: string, options: { accelerators?: readonly GcpAttachedAccelerator[]; spot?: boolean } = {}): GcpMachineOffer {
    const row = GCP_MACHINES.find((m) => m.type === machineType);
    if (!row) {
        throw new CatalogError(`GCP machine type ${machineType} is not in the catalog, which holds the g2, n1, a2 and a3 series.`);
    }
    const builtIn = builtInGpus(machineType);
    let gpu: { row: GcpAcceleratorRow; count: number } | undefined;
    if (builtIn) {
        const gcpType = acceleratorInfo(builtIn.accelerator).gcpAcceleratorType as string;
        const accRow = acceleratorRow(gcpType, region);
        if (!accRow) throw missingAccelerator(gcpType, region);
        gpu = { row: accRow, count: builtIn.count };
    } else {
        const attached = (options.accelerators ?? []).filter((a) => a.count > 0);
        const types = [...new Set(attached.map((a) => a.type))];
        if (types.length > 1) throw new CatalogError(`${machineType}: one accelerator type per VM; received ${types.join(", ")}.`);
        if (types.length === 1) {
            if (types[0] !== "nvidia-tesla-t4") {
                throw new CatalogError(`${machineType} with ${types[0]}: the catalog prices N1 machines with nvidia-tesla-t4 only.`);
            }
            const accRow = acceleratorRow(types[0], region);
            if (!accRow) throw missingAccelerator(types[0], region);
            gpu = { row: accRow, count: attached.reduce((n, a) => n + a.count, 0) };
        }
    }
    const found = build(row, region, gpu, options.spot ?? false);
    if (!found) throw new CatalogError(`GCP machine type ${machineType} has no price in ${region}; regions with a price: ${Object.keys(row.prices).join(", ")}.`);
    return found;
}

/** Every machine shape that carries the accelerator in the region (any GPU count), cheapest first; throws {@link CatalogError} when none. */
export function gcpOffersIn(accelerator: Accelerator, region: string, spot: boolean): GcpMachineOffer[] {
    const gcpType = acceleratorInfo(accelerator).gcpAcceleratorType;
    if (!gcpType) throw notOnGcp(accelerator);
    const accRow = acceleratorRow(gcpType, region);
    const offers: GcpMachineOffer[] = [];
    if (accRow) {
        for (const row of GCP_MACHINES) {
            const builtIn = builtInGpus(row.type);
            if (builtIn?.accelerator === accelerator) {
                const o = build(row, region, { row: accRow, count: builtIn.count }, spot);
                if (o) offers.push(o);
            } else if (accelerator === Accelerator.T4 && machineFamily(row.type) === "n1") {
                for (const limit of N1_T4_LIMITS) {
                    if (row.vcpus > limit.maxVcpus || row.memoryGiB > limit.maxMemoryGiB || limit.gpus > accRow.maxPerVm) continue;
                    const o = build(row, region, { row: accRow, count: limit.gpus }, spot);
                    if (o) offers.push(o);
                }
            }
        }
    }
    if (offers.length === 0) {
        throw new CatalogError(
            `${acceleratorInfo(accelerator).displayName} (${gcpType}) is not offered on GCP in ${region} per the catalog; regions with it: ${gcpRegionsFor(accelerator).join(", ")}.`,
        );
    }
    return offers.sort((a, b) => a.hourly - b.hourly || byName(a.machineType, b.machineType) || a.gpus - b.gpus);
}

/** Regions where the catalog has both the accelerator and a machine type to carry it, sorted. */
export function gcpRegionsFor(accelerator: Accelerator): string[] {
    const gcpType = acceleratorInfo(accelerator).gcpAcceleratorType;
    if (!gcpType) return [];
    const carriers = GCP_MACHINES.filter((m) => builtInGpus(m.type)?.accelerator === accelerator || (accelerator === Accelerator.T4 && machineFamily(m.type) === "n1"));
    return GCP_ACCELERATORS.filter((a) => a.type === gcpType && carriers.some((m) => m.prices[a.region] !== undefined))
        .map((a) => a.region)
        .sort();
}

/** An N1 machine is named with its attached T4s (`n1-standard-4+2`): the same type carries 1, 2 or 4. */
const WORDS: OfferWords<GcpMachineOffer> = {
    type: "GCP machine type",
    unit: "machine",
    label: (o) => (o.family === "n1" ? `${o.machineType}+${o.gpus}` : o.machineType),
};

/**
 * The cheapest machine (with its GPUs) holding at least `minGpus` of the accelerator, `minMemoryGiB` RAM and
 * `minVcpus` vCPUs in the region, comparing spot prices when `spot`. Throws {@link CatalogError} naming what
 * exists when nothing fits.
 */
export function findGcpMachine(request: GcpMachineRequest): GcpMachineOffer {
    const spot = request.spot ?? false;
    return cheapestFitting(gcpOffersIn(request.accelerator, request.region, spot), request, spot ? "spot" : "on-demand", WORDS);
}

/** Every machine shape with exactly `gpusPerNode` GPUs of the accelerator in the region, cheapest first. */
export function gcpMachinesFor(accelerator: Accelerator, gpusPerNode: number, region: string, spot = false): GcpMachineOffer[] {
    return withExactly(gcpOffersIn(accelerator, region, spot), gpusPerNode, accelerator, region, WORDS);
}

/** GPU counts per machine the catalog offers for the accelerator in the region, ascending. */
export function gcpGpusPerInstanceOptions(accelerator: Accelerator, region: string): number[] {
    return gpuCounts(gcpOffersIn(accelerator, region, false));
}

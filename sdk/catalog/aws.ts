/**
 * AWS EC2 instance types of the supported accelerators and their prices per region.
 *
 * Spot: the price list has no AWS spot prices, and the catalog does not invent a discount. A spot offer
 * therefore carries `spotHourly: null` and uses the on-demand price as an upper bound (`hourlyIsUpperBound`).
 */
import { Accelerator, acceleratorInfo, acceleratorOfAwsFamily, isNvidia } from "./accelerators";
import { AWS_EC2_INSTANCES, AWS_EC2_SOURCE } from "./data/aws-ec2.data";
import type { AwsInstanceRow } from "./data/rows";
import { CatalogError } from "./errors";
import { byName, listOr, sourceLabel } from "./format";

/** How an instance is bought. */
export type Capacity = "on-demand" | "spot";

/** One AWS instance type in one region, with its price. */
export interface AwsInstanceOffer {
    cloud: "aws";
    instanceType: string;
    family: string;
    accelerator: Accelerator;
    /** Accelerator devices per instance (GPUs, or Neuron chips for Inferentia2). */
    gpus: number;
    /** Memory of one device in GB. */
    gpuMemoryGB: number;
    vcpus: number;
    memoryGiB: number;
    region: string;
    /** Linux on-demand USD per hour. */
    onDemandHourly: number;
    /** AWS spot prices are not in the catalog: always null (unknown), never a guessed discount. */
    spotHourly: null;
    capacity: Capacity;
    /** USD per hour used for `capacity`: the on-demand price; for spot, the on-demand price as an upper bound. */
    hourly: number;
    /** True when `hourly` is an upper bound rather than the price (spot, whose price is unknown). */
    hourlyIsUpperBound: boolean;
    /** The price list: file, publisher, date. */
    source: string;
    /** Date of the price list. */
    date: string;
}

/** What {@link findAwsInstance} looks for. */
export interface AwsInstanceRequest {
    accelerator: Accelerator;
    /** Fewest accelerator devices per instance. */
    minGpus: number;
    /** Least RAM per instance, GiB. Defaults to 0. */
    minMemoryGiB?: number;
    /** Fewest vCPUs per instance. Defaults to 0. */
    minVcpus?: number;
    region: string;
    /** Defaults to on-demand. */
    capacity?: Capacity;
}

function offer(row: AwsInstanceRow, region: string, capacity: Capacity): AwsInstanceOffer | undefined {
    const price = row.onDemand[region];
    const accelerator = acceleratorOfAwsFamily(row.family);
    if (price === undefined || accelerator === undefined) return undefined;
    return {
        cloud: "aws",
        instanceType: row.type,
        family: row.family,
        accelerator,
        gpus: row.gpus,
        gpuMemoryGB: acceleratorInfo(accelerator).memoryGB,
        vcpus: row.vcpus,
        memoryGiB: row.memoryGiB,
        region,
        onDemandHourly: price,
        spotHourly: null,
        capacity,
        hourly: price,
        hourlyIsUpperBound: capacity === "spot",
        source: sourceLabel(AWS_EC2_SOURCE),
        date: AWS_EC2_SOURCE.date,
    };
}

function byPrice(a: AwsInstanceOffer, b: AwsInstanceOffer): number {
    return a.hourly - b.hourly || byName(a.instanceType, b.instanceType);
}

/** Every catalog offer of an accelerator in a region, cheapest first; throws when the region has none. */
function offersIn(accelerator: Accelerator, region: string, capacity: Capacity): AwsInstanceOffer[] {
    const info = acceleratorInfo(accelerator);
    const offers = AWS_EC2_INSTANCES.filter((r) => info.awsFamilies.includes(r.family))
        .map((r) => offer(r, region, capacity))
        .filter((o): o is AwsInstanceOffer => o !== undefined)
        .sort(byPrice);
    if (offers.length === 0) {
        const regions = awsRegionsFor(accelerator);
        throw new CatalogError(
            `${info.displayName} (${accelerator}) is not offered on AWS in ${region} per the catalog ` +
                `(families ${info.awsFamilies.join(", ")}); regions with it: ${regions.join(", ")}.`,
        );
    }
    return offers;
}

/** Regions where the catalog has an instance type of the accelerator, sorted. */
export function awsRegionsFor(accelerator: Accelerator): string[] {
    const families = acceleratorInfo(accelerator).awsFamilies;
    const regions = new Set<string>();
    for (const row of AWS_EC2_INSTANCES) if (families.includes(row.family)) Object.keys(row.onDemand).forEach((r) => regions.add(r));
    return [...regions].sort();
}

/** The catalog row of an instance type, or undefined when the type is not in the catalog. */
export function awsInstanceSpec(instanceType: string): AwsInstanceRow | undefined {
    return AWS_EC2_INSTANCES.find((r) => r.type === instanceType);
}

/** One instance type's offer in a region. Throws {@link CatalogError} for a type or region not in the catalog. */
export function awsInstance(instanceType: string, region: string, capacity: Capacity = "on-demand"): AwsInstanceOffer {
    const row = awsInstanceSpec(instanceType);
    if (!row) {
        const families = [...new Set(AWS_EC2_INSTANCES.map((r) => r.family))].join(", ");
        throw new CatalogError(`AWS instance type ${instanceType} is not in the catalog, which holds the accelerator families ${families}.`);
    }
    const found = offer(row, region, capacity);
    if (!found) {
        throw new CatalogError(`AWS instance type ${instanceType} has no price in ${region}; regions with a price: ${Object.keys(row.onDemand).join(", ")}.`);
    }
    return found;
}

/** "GPUs", or "Neuron devices" for Inferentia2. */
function deviceWord(accelerator: Accelerator): string {
    return isNvidia(accelerator) ? "GPUs" : "Neuron devices";
}

function describe(request: AwsInstanceRequest): string {
    const parts = [`>= ${request.minGpus} x ${acceleratorInfo(request.accelerator).displayName}`];
    if (request.minMemoryGiB) parts.push(`>= ${request.minMemoryGiB} GiB RAM`);
    if (request.minVcpus) parts.push(`>= ${request.minVcpus} vCPUs`);
    return `${parts.join(", ")} (${request.capacity ?? "on-demand"}) in ${request.region}`;
}

/** What exists, for the message when nothing fits: GPU counts with their types, and the largest shape. */
function whatExists(offers: AwsInstanceOffer[], request: AwsInstanceRequest): string {
    const name = acceleratorInfo(request.accelerator).displayName;
    const unit = deviceWord(request.accelerator);
    const counts = [...new Set(offers.map((o) => o.gpus))].sort((a, b) => a - b);
    const bySize = (a: AwsInstanceOffer, b: AwsInstanceOffer) => a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB || byName(a.instanceType, b.instanceType);
    const perCount = counts.map((c) => `${c}: ${offers.filter((o) => o.gpus === c).sort(bySize).map((o) => o.instanceType).join(", ")}`);
    let text = `${name} instances in ${request.region} offer ${listOr(counts)} ${unit} per instance (${perCount.join("; ")})`;
    const enough = offers.filter((o) => o.gpus >= request.minGpus);
    if (enough.length === 0) return `${text}; none has ${request.minGpus} or more.`;
    const mostMemory = enough.reduce((a, b) => (b.memoryGiB > a.memoryGiB ? b : a));
    const mostVcpus = enough.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
    text += `; with >= ${request.minGpus} ${unit} the most RAM is ${mostMemory.memoryGiB} GiB (${mostMemory.instanceType})`;
    return `${text} and the most vCPUs ${mostVcpus.vcpus} (${mostVcpus.instanceType}).`;
}

/**
 * The cheapest instance type with at least `minGpus` devices of the accelerator, `minMemoryGiB` RAM and
 * `minVcpus` vCPUs in the region. Throws {@link CatalogError} naming what exists when nothing fits.
 */
export function findAwsInstance(request: AwsInstanceRequest): AwsInstanceOffer {
    const offers = offersIn(request.accelerator, request.region, request.capacity ?? "on-demand");
    const fitting = offers.filter(
        (o) => o.gpus >= request.minGpus && o.memoryGiB >= (request.minMemoryGiB ?? 0) && o.vcpus >= (request.minVcpus ?? 0),
    );
    if (fitting.length === 0) throw new CatalogError(`No AWS instance type fits ${describe(request)}. ${whatExists(offers, request)}`);
    return fitting[0];
}

/**
 * Every instance type with exactly `gpusPerNode` devices of the accelerator in the region, cheapest first:
 * the candidates of a node group that diversifies over instance types (for spot capacity).
 * Throws {@link CatalogError} when there is none.
 */
export function awsInstancesFor(accelerator: Accelerator, gpusPerNode: number, region: string, capacity: Capacity = "on-demand"): AwsInstanceOffer[] {
    const offers = offersIn(accelerator, region, capacity);
    const exact = offers.filter((o) => o.gpus === gpusPerNode);
    if (exact.length === 0) {
        const request = { accelerator, minGpus: gpusPerNode, region, capacity };
        throw new CatalogError(`No AWS instance type has exactly ${gpusPerNode} x ${acceleratorInfo(accelerator).displayName} in ${region}. ${whatExists(offers, request)}`);
    }
    return exact;
}

/** Device counts per instance the catalog offers for the accelerator in the region, ascending. */
export function awsGpusPerInstanceOptions(accelerator: Accelerator, region: string): number[] {
    return [...new Set(offersIn(accelerator, region, "on-demand").map((o) => o.gpus))].sort((a, b) => a - b);
}

/** The instance type with the lowest on-demand price per device: the "GPU-equivalent" price of one device. */
export function awsCheapestPerGpu(accelerator: Accelerator, region: string): AwsInstanceOffer {
    return offersIn(accelerator, region, "on-demand").reduce((a, b) => (b.hourly / b.gpus < a.hourly / a.gpus ? b : a));
}

/**
 * AWS EC2 instance types of the supported accelerators and their prices per region.
 *
 * Spot: the price list has no AWS spot prices, and the catalog does not invent a discount. A spot offer
 * therefore carries `spotHourly: null` and uses the on-demand price as an upper bound (`hourlyIsUpperBound`).
 */
import { Accelerator, acceleratorInfo, acceleratorOfAwsFamily } from "./accelerators";
import { AWS_EC2_INSTANCES, AWS_EC2_SOURCE } from "./data/aws-ec2.data";
import type { AwsInstanceRow } from "./data/rows";
import { CatalogError } from "./errors";
import { byName, sourceLabel } from "./format";
import { cheapestFitting, gpuCounts, withExactly, type OfferWords } from "./offers";

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

/** Every catalog offer of an accelerator in a region, cheapest first; throws {@link CatalogError} when the region has none. */
export function awsOffersIn(accelerator: Accelerator, region: string, capacity: Capacity): AwsInstanceOffer[] {
    const info = acceleratorInfo(accelerator);
    const offers = AWS_EC2_INSTANCES.filter((r) => info.awsFamilies.includes(r.family))
        .map((r) => offer(r, region, capacity))
        .filter((o): o is AwsInstanceOffer => o !== undefined)
        .sort(byPrice);
    if (offers.length === 0) {
        const regions = awsRegionsFor(accelerator);
        throw new CatalogError(
            `${info.displayName} (${accelerator}) is not offered on AWS in ${region} per the catalog ` + `(families ${info.awsFamilies.join(", ")}); regions with it: ${regions.join(", ")}.`,
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

/** AWS instance families of accelerated types, including those the catalog does not price (p3, g4ad, trn1, dl1, ...). */
const AWS_ACCELERATED_FAMILY = /^(p\d|g\d|gr\d|inf\d|trn\d|dl\d)/;

/** True for an AWS instance family with accelerators (`g6`, `p3`, `inf2`), whether the catalog prices it or not. */
export function isAcceleratedAwsFamily(family: string): boolean {
    return AWS_ACCELERATED_FAMILY.test(family);
}

/** What one AWS instance type carries, per the catalog; see {@link awsInstanceAccelerators}. */
export interface AwsInstanceAccelerators {
    /** The EC2 type (`g6.xlarge`): a SageMaker hosting type without its `ml.` prefix. */
    ec2Type: string;
    /** `g6`. */
    family: string;
    /** True when the catalog holds the type itself (and so knows its device count). */
    inCatalog: boolean;
    /** True when the type has accelerators: per the catalog, else by its family's name. */
    accelerated: boolean;
    /** Devices per instance: the catalog's count; 0 for a family without accelerators; undefined for an accelerated type the catalog does not hold. */
    gpus?: number;
    /** The catalog accelerator of the family; undefined for families without accelerators and those the catalog does not know. */
    accelerator?: Accelerator;
}

/**
 * The accelerators of an EC2 instance type (`g5.12xlarge`) or of a SageMaker hosting type (`ml.g5.12xlarge`, the
 * same machine): the one reading that prices, autoscaling targets and policies share.
 */
export function awsInstanceAccelerators(instanceType: string): AwsInstanceAccelerators {
    const ec2Type = instanceType.replace(/^ml\./, "");
    const family = ec2Type.split(".")[0];
    const spec = awsInstanceSpec(ec2Type);
    const accelerator = acceleratorOfAwsFamily(family);
    if (spec) return { ec2Type, family, inCatalog: true, accelerated: spec.gpus > 0, gpus: spec.gpus, accelerator };
    const accelerated = isAcceleratedAwsFamily(family);
    return { ec2Type, family, inCatalog: false, accelerated, gpus: accelerated ? undefined : 0, accelerator };
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

const WORDS: OfferWords<AwsInstanceOffer> = { type: "AWS instance type", unit: "instance", label: (o) => o.instanceType };

/**
 * The cheapest instance type with at least `minGpus` devices of the accelerator, `minMemoryGiB` RAM and
 * `minVcpus` vCPUs in the region. Throws {@link CatalogError} naming what exists when nothing fits.
 */
export function findAwsInstance(request: AwsInstanceRequest): AwsInstanceOffer {
    const capacity = request.capacity ?? "on-demand";
    return cheapestFitting(awsOffersIn(request.accelerator, request.region, capacity), request, capacity, WORDS);
}

/**
 * Every instance type with exactly `gpusPerNode` devices of the accelerator in the region, cheapest first:
 * the candidates of a node group that diversifies over instance types (for spot capacity).
 * Throws {@link CatalogError} when there is none.
 */
export function awsInstancesFor(accelerator: Accelerator, gpusPerNode: number, region: string, capacity: Capacity = "on-demand"): AwsInstanceOffer[] {
    return withExactly(awsOffersIn(accelerator, region, capacity), gpusPerNode, accelerator, region, WORDS);
}

/** Device counts per instance the catalog offers for the accelerator in the region, ascending. */
export function awsGpusPerInstanceOptions(accelerator: Accelerator, region: string): number[] {
    return gpuCounts(awsOffersIn(accelerator, region, "on-demand"));
}

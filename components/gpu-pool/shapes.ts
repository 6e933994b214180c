/**
 * Node shapes from the catalog: which AWS instance types or GCP machine type carry the requested accelerator
 * and GPU count in the region. Every catalog miss becomes a ValidationProblem on the argument that caused it,
 * with what the catalog does offer, so the user can fix the request without reading price tables.
 */
import { Accelerator, ACCELERATORS, acceleratorInfo, acceleratorOfAwsFamily, isNvidia } from "../../sdk/catalog/accelerators";
import { awsInstance, awsInstanceSpec, AwsInstanceOffer, builtInGpus, CatalogError, fitsNode, GcpMachineOffer, gpusPerInstanceOptions, machineFamily, nodeShapeCandidates } from "../../sdk/catalog";
import { listOr } from "../../sdk/catalog/format";
import { describeValue, ValidationProblem } from "../../sdk/validate";

/** Most instance types a spot node group lists when it chooses them itself. */
export const SPOT_INSTANCE_TYPES = 3;
/** A spot alternative costs at most this many times the cheapest type (upper bound of the pool's price). */
export const SPOT_PRICE_SPREAD = 2;

/** What the shape lookups need from the arguments. */
export interface ShapeRequest {
    accelerator: Accelerator;
    gpusPerNode: number;
    spot: boolean;
    /** Least vCPUs and memory per node, and whether the user set them (for the message). */
    minVcpus: number;
    minMemoryGiB: number;
    explicitMinimums: { vcpus: boolean; memory: boolean };
}

/** The instance types of an EKS pool, cheapest first. */
export interface AwsShape {
    offers: AwsInstanceOffer[];
}

/** The machine type of a GKE pool and the zones that offer its accelerator. */
export interface GcpShape {
    offer: GcpMachineOffer;
    zones: readonly string[];
}

/** A shape, or the problems that prevent one (then `shape` is undefined). */
export interface Found<T> {
    shape?: T;
    problems: ValidationProblem[];
}

function fail<T>(problems: ValidationProblem[]): Found<T> {
    return { problems };
}

/** The accelerators the catalog offers on a cloud in a region, for the message. */
function offeredAccelerators(cloud: "aws" | "gcp", region: string): Accelerator[] {
    return ACCELERATORS.filter((a) => {
        try {
            return isNvidia(a) && gpusPerInstanceOptions(cloud, a, region).length > 0;
        } catch {
            return false;
        }
    });
}

/** Problems with the accelerator or the GPU count in the region; undefined when both are offered. */
function countProblems(cloud: "aws" | "gcp", request: ShapeRequest, region: string): ValidationProblem[] {
    const name = acceleratorInfo(request.accelerator).displayName;
    const cloudName = cloud === "aws" ? "AWS" : "GCP";
    const typeWord = cloud === "aws" ? "an AWS instance type" : "a GCP machine type";
    if (!isNvidia(request.accelerator)) {
        return [
            {
                path: "accelerator",
                received: describeValue(request.accelerator),
                expected: `an NVIDIA accelerator: GpuPool sets up nvidia.com/gpu nodes, and ${name} needs the Neuron AMI and device plugin`,
            },
        ];
    }
    let options: number[];
    try {
        options = gpusPerInstanceOptions(cloud, request.accelerator, region);
    } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        const offered = offeredAccelerators(cloud, region);
        return [
            {
                path: "accelerator",
                received: describeValue(request.accelerator),
                expected: `an accelerator offered on ${cloudName} in ${region} (the catalog has ${listOr(offered) || "none"} there): ${error.message}`,
            },
        ];
    }
    if (!options.includes(request.gpusPerNode)) {
        return [{ path: "gpusPerNode", received: describeValue(request.gpusPerNode), expected: `a GPU count per node that ${typeWord} offers: ${listOr(options)} x ${name} in ${region}` }];
    }
    return [];
}

/**
 * The shapes with enough vCPUs and memory, cheapest first (the catalog's one fit, the same the cost model prices a
 * pod with), or the problem naming the limiting field.
 */
function fitting<T extends { vcpus: number; memoryGiB: number }>(candidates: T[], request: ShapeRequest, label: (o: T) => string, where: string): { fit: T[]; problems: ValidationProblem[] } {
    const minimums = { minVcpus: request.minVcpus, minMemoryGiB: request.minMemoryGiB };
    const fit = candidates.filter((o) => fitsNode(o, minimums));
    if (fit.length > 0) return { fit, problems: [] };
    const withVcpus = candidates.filter((o) => o.vcpus >= request.minVcpus);
    if (withVcpus.length === 0) {
        const most = candidates.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
        const note = request.explicitMinimums.vcpus ? "" : ` (its default is 4 per GPU plus 1, ${request.minVcpus})`;
        return {
            fit: [],
            problems: [
                {
                    path: "minNodeVcpus",
                    received: describeValue(request.explicitMinimums.vcpus ? request.minVcpus : undefined),
                    expected: `at most ${most.vcpus}${note}: the most vCPUs of a type with ${where} is ${most.vcpus} (${label(most)})`,
                },
            ],
        };
    }
    const most = withVcpus.reduce((a, b) => (b.memoryGiB > a.memoryGiB ? b : a));
    const note = request.explicitMinimums.memory ? "" : ` (its default is 16 GiB per GPU plus 1, ${request.minMemoryGiB})`;
    return {
        fit: [],
        problems: [
            {
                path: "minNodeMemoryGiB",
                received: describeValue(request.explicitMinimums.memory ? request.minMemoryGiB : undefined),
                expected: `at most ${most.memoryGiB}${note}: the most memory of a type with ${where} is ${most.memoryGiB} GiB (${label(most)})`,
            },
        ],
    };
}

/** The catalog request of a pool's node: exactly `gpusPerNode` devices, spot prices when spot. */
function exactly(request: ShapeRequest): { accelerator: Accelerator; gpus: number; exactGpus: true; spot: boolean } {
    return { accelerator: request.accelerator, gpus: request.gpusPerNode, exactGpus: true, spot: request.spot };
}

/** Why a listed AWS instance type does not fit the request; undefined when it does. */
function awsTypeProblem(type: string, index: number, request: ShapeRequest, region: string): ValidationProblem | undefined {
    const info = acceleratorInfo(request.accelerator);
    const path = `aws.instanceTypes[${index}]`;
    const wanted = `an instance type with ${request.gpusPerNode} x ${info.displayName} (families ${info.awsFamilies.join(", ")})`;
    const spec = awsInstanceSpec(type);
    const carried = spec ? acceleratorOfAwsFamily(spec.family) : undefined;
    if (!spec || carried === undefined) {
        return {
            path,
            received: describeValue(type),
            expected: `${wanted}; ${type} has no GPU per the catalog, which lists the accelerator families ${[...new Set(ACCELERATORS.flatMap((a) => acceleratorInfo(a).awsFamilies))].join(", ")}`,
        };
    }
    if (carried !== request.accelerator) return { path, received: describeValue(type), expected: `${wanted}; ${type} carries ${acceleratorInfo(carried).displayName}` };
    if (spec.gpus !== request.gpusPerNode) return { path, received: describeValue(type), expected: `${wanted}; ${type} has ${spec.gpus} GPUs (gpusPerNode is ${request.gpusPerNode})` };
    try {
        awsInstance(type, region);
    } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        return { path, received: describeValue(type), expected: `${wanted} priced in ${region}: ${error.message}` };
    }
    return undefined;
}

/**
 * The instance types of an EKS node group: the listed ones, or the cheapest catalog type (on-demand), or up to
 * {@link SPOT_INSTANCE_TYPES} types within {@link SPOT_PRICE_SPREAD} times the cheapest price (spot).
 */
export function awsShape(request: ShapeRequest, region: string, instanceTypes: readonly string[] | undefined): Found<AwsShape> {
    const problems = countProblems("aws", request, region);
    if (problems.length > 0) return fail(problems);
    const capacity = request.spot ? "spot" : "on-demand";
    if (instanceTypes !== undefined) {
        const listed = instanceTypes.map((t, i) => awsTypeProblem(t, i, request, region)).filter((p): p is ValidationProblem => p !== undefined);
        if (listed.length > 0) return fail(listed);
        return { shape: { offers: instanceTypes.map((t) => awsInstance(t, region, capacity)).sort((a, b) => a.hourly - b.hourly) }, problems: [] };
    }
    const where = `${request.gpusPerNode} x ${acceleratorInfo(request.accelerator).displayName} on AWS in ${region}`;
    const { fit, problems: sizeProblems } = fitting(nodeShapeCandidates({ cloud: "aws", ...exactly(request), region }) as AwsInstanceOffer[], request, (o) => o.instanceType, where);
    if (sizeProblems.length > 0) return fail(sizeProblems);
    const offers = request.spot ? fit.filter((o) => o.hourly <= fit[0].hourly * SPOT_PRICE_SPREAD).slice(0, SPOT_INSTANCE_TYPES) : [fit[0]];
    return { shape: { offers }, problems: [] };
}

/** Why a GCP machine type does not carry the request; the problem for `gcp.machineType`. */
function gcpTypeProblem(machineType: string, request: ShapeRequest, region: string): ValidationProblem {
    const info = acceleratorInfo(request.accelerator);
    const path = "gcp.machineType";
    const wanted = `a machine type with ${request.gpusPerNode} x ${info.displayName}`;
    const builtIn = builtInGpus(machineType);
    let why: string;
    if (builtIn && builtIn.accelerator !== request.accelerator) why = `${machineType} carries ${acceleratorInfo(builtIn.accelerator).displayName}`;
    else if (builtIn && builtIn.count !== request.gpusPerNode) why = `${machineType} has ${builtIn.count} GPUs (gpusPerNode is ${request.gpusPerNode})`;
    else if (builtIn) why = `${machineType} has no price in ${region} per the catalog`;
    else if (machineFamily(machineType) === "n1" && request.accelerator === Accelerator.T4)
        why = `${machineType} cannot carry ${request.gpusPerNode} T4 (GCP's N1 limits) or has no price in ${region}`;
    else if (machineFamily(machineType) === "n1") why = `N1 machines carry T4 GPUs only (${info.displayName} comes with g2, a2 or a3 machines)`;
    else why = `${machineType} has no GPU per the catalog, which holds the GPU series g2, a2, a3 and n1 (with T4)`;
    return { path, received: describeValue(machineType), expected: `${wanted}; ${why}` };
}

/** The machine type of a GKE node pool: the given one, or the cheapest catalog machine (spot price when spot). */
export function gcpShape(request: ShapeRequest, region: string, machineType: string | undefined): Found<GcpShape> {
    const problems = countProblems("gcp", request, region);
    if (problems.length > 0) return fail(problems);
    const candidates = nodeShapeCandidates({ cloud: "gcp", ...exactly(request), region }) as GcpMachineOffer[];
    if (machineType !== undefined) {
        const offer = candidates.find((o) => o.machineType === machineType);
        return offer ? { shape: { offer, zones: offer.zones }, problems: [] } : fail([gcpTypeProblem(machineType, request, region)]);
    }
    const where = `${request.gpusPerNode} x ${acceleratorInfo(request.accelerator).displayName} on GCP in ${region}`;
    const label = (o: GcpMachineOffer) => (o.family === "n1" ? `${o.machineType} + ${o.gpus} T4` : o.machineType);
    const { fit, problems: sizeProblems } = fitting(candidates, request, label, where);
    if (sizeProblems.length > 0) return fail(sizeProblems);
    return { shape: { offer: fit[0], zones: fit[0].zones }, problems: [] };
}

/**
 * Node shapes: the instance types (AWS) or machine shapes (GCP) that carry a number of accelerator devices with
 * enough vCPUs and memory, cheapest first. One choice for everything that picks a node: a GpuPool chooses its node
 * type with exactly N devices per node, and the cost model prices a pod as the cheapest node it fits on (at least
 * its devices, vCPUs and memory), so a pod and the pool beside it land on the same shape and the same price.
 */
import { Accelerator, acceleratorInfo } from "./accelerators";
import { awsInstancesFor, awsOffersIn, findAwsInstance, type AwsInstanceOffer, type Capacity } from "./aws";
import { CatalogError } from "./errors";
import { findGcpMachine, gcpMachinesFor, gcpOffersIn, type GcpMachineOffer } from "./gcp";

/** A cloud whose instance or machine types the catalog holds. */
export type NodeCloud = "aws" | "gcp";

/** An AWS instance type or a GCP machine shape, with its price in the region. */
export type NodeShape = AwsInstanceOffer | GcpMachineOffer;

/** What a node must carry. */
export interface NodeShapeRequest {
    cloud: NodeCloud;
    accelerator: Accelerator;
    /** Accelerator devices per node: at least this many, or exactly with `exactGpus`. */
    gpus: number;
    /** True for shapes with exactly `gpus` devices (a pool's fixed GPUs per node). Defaults to false: at least. */
    exactGpus?: boolean;
    /** Fewest vCPUs per node. Defaults to 0. */
    minVcpus?: number;
    /** Least memory per node, GiB. Defaults to 0. */
    minMemoryGiB?: number;
    region: string;
    /** Compare spot prices (GCP; AWS spot is priced on-demand as an upper bound). Defaults to false. */
    spot?: boolean;
}

/** `g6.2xlarge`, `g2-standard-8`, or `n1-standard-4 + 2 x nvidia-tesla-t4` (an N1 machine with its attached T4s). */
export function nodeShapeName(shape: NodeShape): string {
    if (shape.cloud === "aws") return shape.instanceType;
    return shape.family === "n1" ? `${shape.machineType} + ${shape.gpus} x ${shape.acceleratorType}` : shape.machineType;
}

/** `g6.2xlarge (1 x NVIDIA L4, 8 vCPU, 32 GiB)`. */
export function nodeShapeWords(shape: NodeShape): string {
    const name = shape.accelerator ? acceleratorInfo(shape.accelerator).displayName : "no accelerator";
    return `${nodeShapeName(shape)} (${shape.gpus} x ${name}, ${shape.vcpus} vCPU, ${shape.memoryGiB} GiB)`;
}

/** True when the shape has the vCPUs and memory asked for (node capacity; what the kubelet reserves is not deducted). */
export function fitsNode(shape: Pick<NodeShape, "vcpus" | "memoryGiB">, request: Pick<NodeShapeRequest, "minVcpus" | "minMemoryGiB">): boolean {
    return shape.vcpus >= (request.minVcpus ?? 0) && shape.memoryGiB >= (request.minMemoryGiB ?? 0);
}

/** Every shape with the devices (exact or at least) in the region, fitting or not, cheapest first. Throws {@link CatalogError} when the region has none with that count. */
export function nodeShapeCandidates(request: Omit<NodeShapeRequest, "minVcpus" | "minMemoryGiB">): NodeShape[] {
    const { accelerator, gpus, region } = request;
    const spot = request.spot ?? false;
    if (request.cloud === "aws") {
        const capacity: Capacity = spot ? "spot" : "on-demand";
        return request.exactGpus ? awsInstancesFor(accelerator, gpus, region, capacity) : awsOffersIn(accelerator, region, capacity).filter((o) => o.gpus >= gpus);
    }
    return request.exactGpus ? gcpMachinesFor(accelerator, gpus, region, spot) : gcpOffersIn(accelerator, region, spot).filter((o) => o.gpus >= gpus);
}

/** The shapes that fit the request, cheapest first; empty when none does. Throws {@link CatalogError} when the accelerator or count is not offered in the region. */
export function nodeShapes(request: NodeShapeRequest): NodeShape[] {
    return nodeShapeCandidates(request).filter((o) => fitsNode(o, request));
}

/**
 * The cheapest shape that fits the request. Throws {@link CatalogError} naming the request and what the region
 * offers when none fits.
 */
export function cheapestNodeShape(request: NodeShapeRequest): NodeShape {
    const fitting = nodeShapes(request);
    if (fitting.length > 0) return fitting[0];
    if (request.exactGpus) {
        const name = acceleratorInfo(request.accelerator).displayName;
        throw new CatalogError(
            `No ${request.cloud === "aws" ? "AWS instance type" : "GCP machine type"} with exactly ${request.gpus} x ${name} has ${request.minVcpus ?? 0} vCPUs and ${request.minMemoryGiB ?? 0} GiB in ${request.region}.`,
        );
    }
    // Nothing fits: the cloud's lookup throws with what the region does offer.
    const lookup = { accelerator: request.accelerator, minGpus: request.gpus, minVcpus: request.minVcpus, minMemoryGiB: request.minMemoryGiB, region: request.region };
    return request.cloud === "aws" ? findAwsInstance({ ...lookup, capacity: request.spot ? "spot" : "on-demand" }) : findGcpMachine({ ...lookup, spot: request.spot });
}

/**
 * SageMaker real-time hosting types by accelerator: an `ml.*` type is the EC2 type of the same name (`ml.g6.xlarge`
 * is a g6.xlarge: 1 NVIDIA L4, 4 vCPU, 16 GiB), priced at SageMaker's own hourly price. The cheapest type that
 * fits a model's accelerator, GPU count, vCPUs and memory is its default instance type.
 */
import { Accelerator, acceleratorInfo } from "./accelerators";
import { awsInstanceAccelerators, awsInstanceSpec } from "./aws";
import { SAGEMAKER_INSTANCES } from "./data/sagemaker.data";
import { CatalogError } from "./errors";
import { fitsNode } from "./node-shapes";
import { sagemakerInstance, type SageMakerInstanceOffer } from "./serverless";

/** A SageMaker hosting type with its EC2 shape. */
export interface SageMakerShape extends SageMakerInstanceOffer {
    accelerator: Accelerator;
    gpus: number;
    vcpus: number;
    memoryGiB: number;
}

/** What a model asks of its hosting instance. */
export interface SageMakerShapeRequest {
    accelerator: Accelerator;
    /** Devices per instance, at least. */
    gpus: number;
    minVcpus?: number;
    minMemoryGiB?: number;
    region: string;
}

/** Every priced hosting type of the accelerator in the region, with its shape, cheapest first. */
export function sagemakerShapesOf(accelerator: Accelerator, region: string): SageMakerShape[] {
    return SAGEMAKER_INSTANCES.filter((row) => row.region === region)
        .flatMap((row): SageMakerShape[] => {
            const { ec2Type, accelerator: carried, gpus } = awsInstanceAccelerators(row.type);
            const spec = awsInstanceSpec(ec2Type);
            if (carried !== accelerator || !spec || gpus === undefined) return [];
            return [{ ...sagemakerInstance(row.type, region), accelerator, gpus, vcpus: spec.vcpus, memoryGiB: spec.memoryGiB }];
        })
        .sort((a, b) => a.hourly - b.hourly || a.instanceType.localeCompare(b.instanceType, "en", { numeric: true }));
}

/**
 * The cheapest hosting type with at least the request's devices, vCPUs and memory. Throws {@link CatalogError}
 * naming the types the catalog prices for the accelerator when none fits.
 */
export function cheapestSageMakerShape(request: SageMakerShapeRequest): SageMakerShape {
    const offered = sagemakerShapesOf(request.accelerator, request.region);
    const fit = offered.find((o) => o.gpus >= request.gpus && fitsNode(o, request));
    if (fit) return fit;
    const name = acceleratorInfo(request.accelerator).displayName;
    const listed = offered.map((o) => `${o.instanceType} (${o.gpus} GPU, ${o.vcpus} vCPU, ${o.memoryGiB} GiB)`).join(", ");
    throw new CatalogError(
        `No SageMaker hosting type priced in ${request.region} has >= ${request.gpus} x ${name}, >= ${request.minVcpus ?? 0} vCPUs and >= ${request.minMemoryGiB ?? 0} GiB; ` +
            `the catalog prices ${listed || `no ${name} type`}.`,
    );
}

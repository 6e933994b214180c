/**
 * The accelerator and price catalog: which instance and machine types carry each accelerator on AWS and
 * GCP, what they cost per region (on-demand, and spot where known), SageMaker, Lambda and Cloud Run prices.
 * Every price comes from a public price list copied into `data/` with its source and date (SOURCES.md);
 * every offer names them. Lookups throw {@link CatalogError} with what does exist when nothing fits.
 */
import { Accelerator } from "./accelerators";
import { awsGpusPerInstanceOptions } from "./aws";
import { gcpGpusPerInstanceOptions } from "./gcp";

export * from "./accelerators";
export { CatalogError } from "./errors";
export { dollars, usd, sourceLabel } from "./format";
export type { PriceSource } from "./data/rows";
export {
    awsInstance,
    awsInstanceAccelerators,
    awsInstanceSpec,
    awsInstancesFor,
    awsRegionsFor,
    findAwsInstance,
    isAcceleratedAwsFamily,
    type AwsInstanceAccelerators,
    type AwsInstanceOffer,
    type AwsInstanceRequest,
    type Capacity,
} from "./aws";
export { findGcpMachine, gcpMachine, gcpMachinesFor, gcpRegionsFor, type GcpAttachedAccelerator, type GcpMachineOffer, type GcpMachineRequest } from "./gcp";
export { builtInGpus, machineFamily } from "./gcp-shapes";
export { cheapestNodeShape, fitsNode, nodeShapeCandidates, nodeShapeName, nodeShapes, nodeShapeWords, type NodeCloud, type NodeShape, type NodeShapeRequest } from "./node-shapes";
export { cheapestSageMakerShape, sagemakerShapesOf, type SageMakerShape, type SageMakerShapeRequest } from "./sagemaker-shapes";
export {
    CLOUD_RUN_GPU_MINIMUM,
    cloudRunComputePrices,
    cloudRunGpuHourly,
    lambdaPrices,
    sagemakerGpusPerInstance,
    sagemakerInstance,
    type CloudRunBilling,
    type CloudRunComputePrices,
    type CloudRunGpuOffer,
    type LambdaPrices,
    type SageMakerInstanceOffer,
} from "./serverless";

/** A cloud whose instance or machine types the catalog holds. */
export type Cloud = "aws" | "gcp";

/**
 * Accelerator counts per instance (AWS) or machine (GCP) the catalog offers in the region, ascending, for
 * example `[1, 4, 8]` for L4 on AWS. Throws {@link CatalogError} when the accelerator is not offered there.
 */
export function gpusPerInstanceOptions(cloud: Cloud, accelerator: Accelerator, region: string): number[] {
    return cloud === "aws" ? awsGpusPerInstanceOptions(accelerator, region) : gcpGpusPerInstanceOptions(accelerator, region);
}

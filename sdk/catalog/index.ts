/**
 * The accelerator and price catalog: which instance and machine types carry each accelerator on AWS and
 * GCP, what they cost per region (on-demand, and spot where known), SageMaker, Lambda and Cloud Run prices.
 * Every price comes from a public price list copied into `data/` with its source and date (SOURCES.md);
 * every offer names them. Lookups throw {@link CatalogError} with what does exist when nothing fits.
 */
import { Accelerator, acceleratorInfo } from "./accelerators";
import { awsCheapestPerGpu, awsGpusPerInstanceOptions } from "./aws";
import { gcpCheapestPerGpu, gcpGpusPerInstanceOptions } from "./gcp";

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
export {
    findGcpMachine,
    gcpMachine,
    gcpMachinesFor,
    gcpRegionsFor,
    type GcpAttachedAccelerator,
    type GcpMachineOffer,
    type GcpMachineRequest,
} from "./gcp";
export { builtInGpus, machineFamily } from "./gcp-shapes";
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

/** The price of one accelerator device for an hour, as the cheapest per-device share of a whole instance. */
export interface GpuHourlyEquivalent {
    cloud: Cloud;
    accelerator: Accelerator;
    region: string;
    /** USD per device-hour: the instance's on-demand price divided by its device count. */
    perGpuHourly: number;
    /** The instance or machine type that gives this price, with its device count. */
    instanceType: string;
    gpus: number;
    instanceHourly: number;
    source: string;
    date: string;
}

/**
 * The "GPU-equivalent" on-demand price of one device: the instance type with the lowest price per device in
 * the region, divided by its device count. Used to price pods on a cluster whose nodes are not in the stack.
 */
export function gpuHourlyEquivalent(cloud: Cloud, accelerator: Accelerator, region: string): GpuHourlyEquivalent {
    acceleratorInfo(accelerator);
    if (cloud === "aws") {
        const o = awsCheapestPerGpu(accelerator, region);
        return { cloud, accelerator, region, perGpuHourly: o.onDemandHourly / o.gpus, instanceType: o.instanceType, gpus: o.gpus, instanceHourly: o.onDemandHourly, source: o.source, date: o.date };
    }
    const o = gcpCheapestPerGpu(accelerator, region);
    const name = o.family === "n1" ? `${o.machineType} + ${o.gpus} x ${o.acceleratorType}` : o.machineType;
    return { cloud, accelerator, region, perGpuHourly: o.onDemandHourly / o.gpus, instanceType: name, gpus: o.gpus, instanceHourly: o.onDemandHourly, source: o.source, date: o.date };
}

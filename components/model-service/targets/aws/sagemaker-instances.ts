/**
 * Choosing and checking SageMaker real-time instance types.
 *
 * A GPU model without `sagemaker.instanceType` gets the catalog's cheapest hosting type with its accelerator, GPU
 * count, vCPUs and memory (ml.g6.xlarge for one L4 with the defaults, ml.g6e.xlarge for one L40S); a given type is
 * checked against the accelerator it asks for. The catalog holds vCPU and memory only for the EC2 GPU families, so a
 * CPU model without one gets the cheapest catalog-priced CPU type below that fits. The CPU shapes are AWS's published
 * instance sizes (https://aws.amazon.com/sagemaker/pricing/, "Instance details"); prices come from the catalog only.
 */
import { Accelerator, acceleratorInfo, awsInstanceAccelerators, CatalogError, cheapestSageMakerShape, sagemakerInstance } from "../../../../sdk/catalog";

/** vCPU and memory of the CPU hosting types the catalog has a price for. */
const CPU_TYPES: ReadonlyArray<{ type: string; vcpus: number; memoryGiB: number }> = [
    { type: "ml.c5.xlarge", vcpus: 4, memoryGiB: 8 },
    { type: "ml.c7i.xlarge", vcpus: 4, memoryGiB: 8 },
    { type: "ml.m5.xlarge", vcpus: 4, memoryGiB: 16 },
    { type: "ml.c5.2xlarge", vcpus: 8, memoryGiB: 16 },
    { type: "ml.c5.4xlarge", vcpus: 16, memoryGiB: 32 },
];

/** The region the catalog's SageMaker prices are recorded for; used only to order types by price. */
const PRICED_REGION = "us-east-1";

/** The cheapest catalog-priced CPU hosting type with at least `cpu` vCPUs and `memoryGiB` memory; undefined when none fits. */
export function cheapestCpuInstanceType(cpu: number, memoryGiB: number): string | undefined {
    return CPU_TYPES.filter((t) => t.vcpus >= cpu && t.memoryGiB >= memoryGiB)
        .map((t) => ({ type: t.type, hourly: sagemakerInstance(t.type, PRICED_REGION).hourly }))
        .sort((a, b) => a.hourly - b.hourly || a.type.localeCompare(b.type))[0]?.type;
}

/**
 * The cheapest catalog-priced hosting type with at least `gpus` of the accelerator, `cpu` vCPUs and `memoryGiB`
 * memory, or the catalog's reason when none fits (what it prices for the accelerator).
 */
export function cheapestGpuInstanceType(accelerator: Accelerator, gpus: number, cpu: number, memoryGiB: number): { instanceType?: string; reason?: string } {
    try {
        return { instanceType: cheapestSageMakerShape({ accelerator, gpus, minVcpus: cpu, minMemoryGiB: memoryGiB, region: PRICED_REGION }).instanceType };
    } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        return { reason: error.message };
    }
}

/** The largest CPU shape {@link cheapestCpuInstanceType} can pick, for error messages. */
export const LARGEST_CPU_TYPE = CPU_TYPES[CPU_TYPES.length - 1];

/**
 * Why `instanceType` cannot serve `gpus` devices of `accelerator`, or undefined when it can (or when the
 * catalog does not know the type's family, so nothing can be checked).
 */
export function gpuMismatch(instanceType: string, accelerator: Accelerator, gpus: number): string | undefined {
    const { family, accelerator: carried, gpus: devices } = awsInstanceAccelerators(instanceType);
    const wanted = acceleratorInfo(accelerator);
    if (carried === undefined) {
        return /^(c|m|r|t)\d/.test(family) ? `a GPU instance type (${instanceType} has no accelerator)` : undefined;
    }
    if (carried !== accelerator) {
        return `an instance type of the ${wanted.awsFamilies.map((f) => `ml.${f}`).join(" or ")} family for ${wanted.displayName} (${instanceType} carries ${acceleratorInfo(carried).displayName})`;
    }
    if (devices !== undefined && devices < gpus) {
        return `an instance type with at least ${gpus} x ${wanted.displayName} (${instanceType} has ${devices})`;
    }
    return undefined;
}

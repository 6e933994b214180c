/**
 * Prices of the managed serving platforms: SageMaker real-time hosting instances, AWS Lambda, Cloud Run.
 * Each lookup throws {@link CatalogError} for a type or region the catalog has no price for.
 */
import { Accelerator } from "./accelerators";
import { awsInstanceAccelerators } from "./aws";
import { CLOUD_RUN_INSTANCE_BASED, CLOUD_RUN_PRICED_REGIONS, CLOUD_RUN_REQUEST_BASED, type CloudRunUnitPrice } from "./data/cloud-run.data";
import type { PriceSource, ServerlessRow } from "./data/rows";
import { SAGEMAKER_INSTANCES, SAGEMAKER_SOURCES } from "./data/sagemaker.data";
import { SERVERLESS_PRICES, SERVERLESS_SOURCE } from "./data/serverless.data";
import { CatalogError } from "./errors";
import { sourceLabel } from "./format";

/** A SageMaker real-time hosting instance type and its price. */
export interface SageMakerInstanceOffer {
    instanceType: string;
    region: string;
    /** On-demand USD per hour for one hosting instance. */
    hourly: number;
    /** The accelerator of the matching EC2 family (`ml.g6.xlarge` -> L4); undefined for CPU types. */
    accelerator?: Accelerator;
    /** Devices per instance, from the matching EC2 type when it is in the catalog. */
    gpus?: number;
    source: string;
    date: string;
}

/**
 * The hourly price of a SageMaker hosting instance type (`ml.g5.xlarge`). The source states no region and
 * matches us-east-1, so only us-east-1 is priced.
 */
export function sagemakerInstance(instanceType: string, region = "us-east-1"): SageMakerInstanceOffer {
    const row = SAGEMAKER_INSTANCES.find((r) => r.type === instanceType);
    if (!row) {
        throw new CatalogError(`SageMaker instance type ${instanceType} is not in the catalog; priced types: ${SAGEMAKER_INSTANCES.map((r) => r.type).join(", ")}.`);
    }
    const source = SAGEMAKER_SOURCES[row.source];
    if (row.region !== region) {
        throw new CatalogError(`SageMaker prices are recorded for ${row.region} only (${source.file}); no price for ${instanceType} in ${region}.`);
    }
    const { accelerator, gpus } = awsInstanceAccelerators(instanceType);
    return {
        instanceType,
        region,
        hourly: row.hourly,
        accelerator,
        gpus: accelerator ? gpus : undefined,
        source: sourceLabel(source),
        date: source.date,
    };
}

/**
 * GPUs of one SageMaker hosting instance (`ml.g5.12xlarge`: 4), for targets that scale per GPU (a variant's
 * `GPUUtilization` sums its instance's GPUs); 1 when the type has no GPU or the catalog does not know it.
 */
export function sagemakerGpusPerInstance(instanceType: string | undefined): number {
    return (instanceType !== undefined && awsInstanceAccelerators(instanceType).gpus) || 1;
}

function serverlessRow(service: string, item: string): ServerlessRow & { usd: number } {
    const row = SERVERLESS_PRICES.find((r) => r.service === service && r.item === item);
    if (!row || row.usd === null) throw new Error(`catalog data: serverless_prices.csv has no priced row ${service} / ${item}`);
    return row as ServerlessRow & { usd: number };
}

/** AWS Lambda list prices (us-east-1, Tier 1 of the compute volume tiers). */
export interface LambdaPrices {
    region: string;
    /** USD per GB-second of compute, by architecture. */
    gbSecond: { x86_64: number; arm64: number };
    /** USD per million requests. */
    perMillionRequests: number;
    /** Monthly free tier: 1M requests and 400,000 GB-seconds (serverless_prices.csv, "free tier" row). */
    freeTier: { requests: number; gbSeconds: number };
    source: string;
    date: string;
}

/** AWS Lambda prices. Recorded for us-east-1 only. */
export function lambdaPrices(): LambdaPrices {
    return {
        region: "us-east-1",
        gbSecond: { x86_64: serverlessRow("aws-lambda", "compute x86_64").usd, arm64: serverlessRow("aws-lambda", "compute arm64").usd },
        perMillionRequests: serverlessRow("aws-lambda", "requests").usd,
        freeTier: { requests: 1_000_000, gbSeconds: 400_000 },
        source: sourceLabel(SERVERLESS_SOURCE),
        date: SERVERLESS_SOURCE.date,
    };
}

/** Cloud Run's L4 GPU price per instance-hour. */
export interface CloudRunGpuOffer {
    accelerator: Accelerator.L4;
    region: string;
    /** USD per GPU-hour, without zonal redundancy (`gpuZonalRedundancyDisabled: true`). */
    hourly: number;
    /** The zonal-redundant price is higher and not in the catalog. */
    zonalRedundancy: false;
    /** How far the figure can be trusted: "low-medium" (secondary sources, official SKU not verified). */
    confidence: string;
    /** The source's own words on the figure's reliability. */
    caveat: string;
    source: string;
    date: string;
}

/** Cloud Run needs at least this much per GPU instance (cloud.google.com/run/docs/configuring/services/gpu). */
export const CLOUD_RUN_GPU_MINIMUM = { vcpus: 4, memoryGiB: 16 } as const;

function cloudRunRegionCheck(region: string, what: string): void {
    if (!CLOUD_RUN_PRICED_REGIONS.includes(region)) {
        throw new CatalogError(`Cloud Run ${what} prices are recorded for ${CLOUD_RUN_PRICED_REGIONS.join(", ")} only; no price for ${region}.`);
    }
}

/** The Cloud Run L4 GPU price per hour in a region (us-central1 only; low-medium confidence). */
export function cloudRunGpuHourly(region: string): CloudRunGpuOffer {
    cloudRunRegionCheck(region, "GPU");
    const row = serverlessRow("gcp-cloud-run", "nvidia-l4 GPU (no zonal redundancy)");
    return {
        accelerator: Accelerator.L4,
        region,
        hourly: row.usd,
        zonalRedundancy: false,
        confidence: row.confidence.split(" ")[0],
        caveat: `${row.confidence}; ${row.source}`,
        source: `${SERVERLESS_SOURCE.file}, secondary sources`,
        // The date of the newest secondary source the figure was read from (brandonseppa.com, April 2026).
        date: "2026-04",
    };
}

/** How a Cloud Run service is billed: per instance lifetime, or per request (active time). */
export type CloudRunBilling = "instance" | "request";

/** Cloud Run vCPU-second and GiB-second prices, each with its source. */
export interface CloudRunComputePrices {
    region: string;
    billing: CloudRunBilling;
    vcpuSecond: number;
    gibSecond: number;
    /** The sources of the two figures (they differ in confidence). */
    sources: { vcpu: PriceSource; memory: PriceSource };
}

/** Cloud Run CPU and memory prices (Tier 1, us-central1 only). */
export function cloudRunComputePrices(region: string, billing: CloudRunBilling): CloudRunComputePrices {
    cloudRunRegionCheck(region, "CPU and memory");
    const table: Record<"vcpuSecond" | "gibSecond", CloudRunUnitPrice> = billing === "instance" ? CLOUD_RUN_INSTANCE_BASED : CLOUD_RUN_REQUEST_BASED;
    return {
        region,
        billing,
        vcpuSecond: table.vcpuSecond.usd,
        gibSecond: table.gibSecond.usd,
        sources: { vcpu: table.vcpuSecond.source, memory: table.gibSecond.source },
    };
}

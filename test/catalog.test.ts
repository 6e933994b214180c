/**
 * The accelerator and price catalog. Every expected price is computed by hand from the rows of
 * /work/shared/data/prices/*.csv quoted in the comments.
 */
import { describe, expect, it } from "vitest";
import {
    Accelerator,
    acceleratorInfo,
    awsInstance,
    awsInstanceAccelerators,
    awsInstancesFor,
    CatalogError,
    cloudRunComputePrices,
    dollars,
    cloudRunGpuHourly,
    findAwsInstance,
    findGcpMachine,
    gcpMachine,
    gcpMachinesFor,
    cheapestNodeShape,
    cheapestSageMakerShape,
    nodeShapeName,
    nodeShapes,
    nodeShapeWords,
    gpusPerInstanceOptions,
    lambdaPrices,
    sagemakerGpusPerInstance,
    sagemakerInstance,
} from "../sdk/catalog";

/** The CatalogError a lookup throws (fails the test when it throws something else or nothing). */
function catalogError(lookup: () => unknown): CatalogError {
    try {
        lookup();
    } catch (error) {
        expect(error).toBeInstanceOf(CatalogError);
        return error as CatalogError;
    }
    throw new Error("expected a CatalogError");
}

const EC2_SOURCE = "aws_ec2_gpu_prices.csv, vantage, 2026-01-21";
const GCP_SOURCE = "gcp_machine_type_prices.csv, GCP pricing via cocalc, 2026-02-24 + gcp_gpu_accelerator_prices.csv";

describe("accelerators", () => {
    it("describes each accelerator with its Kubernetes resource and cloud names", () => {
        expect(acceleratorInfo(Accelerator.L4)).toEqual({
            accelerator: "l4",
            displayName: "NVIDIA L4",
            memoryGB: 24,
            vendor: "NVIDIA",
            resourceName: "nvidia.com/gpu",
            awsFamilies: ["g6", "gr6"],
            gcpAcceleratorType: "nvidia-l4",
            karpenterGpuName: "l4",
        });
        expect(acceleratorInfo(Accelerator.Inferentia2)).toMatchObject({ vendor: "AWS", resourceName: "aws.amazon.com/neuron", awsFamilies: ["inf2"] });
        expect(acceleratorInfo(Accelerator.Inferentia2).gcpAcceleratorType).toBeUndefined();
        expect(acceleratorInfo(Accelerator.H200)).toMatchObject({ memoryGB: 141, awsFamilies: ["p5en"], gcpAcceleratorType: "nvidia-h200-141gb" });
    });
});

describe("AWS instance lookups", () => {
    it("finds the cheapest instance with at least 2 L4 GPUs and 48 GiB RAM in us-east-1", () => {
        // g6.12xlarge,g6,GPU instance,NVIDIA L4,4,24 GB GDDR6,48,192 GB,us-east-1,4.6016,...
        // (the only cheaper L4 types, g6.xlarge..g6.16xlarge and gr6.*, have 1 GPU)
        expect(findAwsInstance({ accelerator: Accelerator.L4, minGpus: 2, minMemoryGiB: 48, region: "us-east-1" })).toEqual({
            cloud: "aws",
            instanceType: "g6.12xlarge",
            family: "g6",
            accelerator: Accelerator.L4,
            gpus: 4,
            gpuMemoryGB: 24,
            vcpus: 48,
            memoryGiB: 192,
            region: "us-east-1",
            onDemandHourly: 4.6016,
            spotHourly: null,
            capacity: "on-demand",
            hourly: 4.6016,
            hourlyIsUpperBound: false,
            source: EC2_SOURCE,
            date: "2026-01-21",
        });
    });

    it("honours memory and vCPU minimums among single-GPU types", () => {
        // g6.4xlarge,...,1,...,16,64 GB,us-east-1,1.3232  (gr6.4xlarge 128 GB costs 1.5392)
        const byMemory = findAwsInstance({ accelerator: Accelerator.L4, minGpus: 1, minMemoryGiB: 64, region: "us-east-1" });
        expect([byMemory.instanceType, byMemory.hourly]).toEqual(["g6.4xlarge", 1.3232]);
        // g6.2xlarge,...,1,...,8,32 GB,us-east-1,0.9776
        const byVcpus = findAwsInstance({ accelerator: Accelerator.L4, minGpus: 1, minVcpus: 8, region: "us-east-1" });
        expect([byVcpus.instanceType, byVcpus.hourly]).toEqual(["g6.2xlarge", 0.9776]);
    });

    it("prices AWS spot at on-demand as an upper bound, never a guessed discount", () => {
        // g6.xlarge,...,us-east-1,0.8048
        const offer = findAwsInstance({ accelerator: Accelerator.L4, minGpus: 1, region: "us-east-1", capacity: "spot" });
        expect(offer).toMatchObject({ instanceType: "g6.xlarge", capacity: "spot", spotHourly: null, hourly: 0.8048, hourlyIsUpperBound: true });
    });

    it("says what exists when nothing fits", () => {
        expect(catalogError(() => findAwsInstance({ accelerator: Accelerator.L4, minGpus: 2, minMemoryGiB: 1000, region: "us-east-1" })).message).toBe(
            "No AWS instance type fits >= 2 x NVIDIA L4, >= 1000 GiB RAM (on-demand) in us-east-1. " +
                "NVIDIA L4 instances in us-east-1 offer 1, 4 or 8 GPUs per instance " +
                "(1: g6.xlarge, g6.2xlarge, g6.4xlarge, gr6.4xlarge, g6.8xlarge, gr6.8xlarge, g6.16xlarge; 4: g6.12xlarge, g6.24xlarge; 8: g6.48xlarge); " +
                "with >= 2 GPUs the most RAM is 768 GiB (g6.48xlarge) and the most vCPUs 192 (g6.48xlarge).",
        );
        expect(catalogError(() => findAwsInstance({ accelerator: Accelerator.L4, minGpus: 16, region: "us-east-1" })).message).toMatch(/offer 1, 4 or 8 GPUs per instance .*; none has 16 or more\.$/);
    });

    it("names the regions that have the accelerator when the requested one has none", () => {
        expect(catalogError(() => findAwsInstance({ accelerator: Accelerator.L40S, minGpus: 1, region: "ap-south-1" })).message).toBe(
            "NVIDIA L40S (l40s) is not offered on AWS in ap-south-1 per the catalog (families g6e); " +
                "regions with it: ap-northeast-1, ap-northeast-2, eu-central-1, eu-north-1, eu-south-2, us-east-1, us-east-2, us-west-2.",
        );
    });

    it("lists every instance type with exactly N GPUs, cheapest first, for diversification", () => {
        // us-east-1: g6.xlarge 0.8048, g6.2xlarge 0.9776, g6.4xlarge 1.3232, gr6.4xlarge 1.5392, g6.8xlarge 2.0144, gr6.8xlarge 2.4464, g6.16xlarge 3.3968
        expect(awsInstancesFor(Accelerator.L4, 1, "us-east-1").map((o) => [o.instanceType, o.hourly])).toEqual([
            ["g6.xlarge", 0.8048],
            ["g6.2xlarge", 0.9776],
            ["g6.4xlarge", 1.3232],
            ["gr6.4xlarge", 1.5392],
            ["g6.8xlarge", 2.0144],
            ["gr6.8xlarge", 2.4464],
            ["g6.16xlarge", 3.3968],
        ]);
        expect(catalogError(() => awsInstancesFor(Accelerator.L4, 2, "us-east-1")).message).toMatch(/^No AWS instance type has exactly 2 x NVIDIA L4 in us-east-1\. /);
    });

    it("looks up one instance type, and rejects types and regions without a price", () => {
        // inf2.xlarge,inf2,Machine Learning ASIC Instances,AWS Inferentia2,1,32 GB HBM,4,16 GB,us-east-1,0.7582
        expect(awsInstance("inf2.xlarge", "us-east-1")).toMatchObject({ accelerator: Accelerator.Inferentia2, gpus: 1, vcpus: 4, memoryGiB: 16, hourly: 0.7582 });
        expect(catalogError(() => awsInstance("t3.medium", "us-east-1")).message).toBe(
            "AWS instance type t3.medium is not in the catalog, which holds the accelerator families g4dn, g5, g6, g6e, gr6, inf2, p4d, p4de, p5, p5en.",
        );
        expect(catalogError(() => awsInstance("g6e.xlarge", "ap-south-1")).message).toMatch(/^AWS instance type g6e.xlarge has no price in ap-south-1; regions with a price: ap-northeast-1, /);
    });
});

describe("GCP machine lookups", () => {
    it("prices a g2 machine as the machine plus its built-in L4", () => {
        // g2-standard-4,us-central1,4,16,0.146792016,0.058736 + nvidia-l4,us-central1-a,us-central1,24,8,0.560040239,0.2231
        const offer = findGcpMachine({ accelerator: Accelerator.L4, minGpus: 1, region: "us-central1" });
        expect(offer).toMatchObject({
            machineType: "g2-standard-4",
            acceleratorType: "nvidia-l4",
            gpus: 1,
            machineHourly: 0.146792016,
            gpuHourly: 0.560040239,
            onDemandHourly: 0.706832255,
            spotHourly: 0.281836,
            spot: false,
            hourly: 0.706832255,
            zones: ["us-central1-a", "us-central1-b", "us-central1-c"],
            source: GCP_SOURCE,
            date: "2026-02-24",
        });
        // g2-standard-24,us-central1,24,96,0.880752096,... + 2 x 0.560040239 = 2.000832574
        expect(gcpMachine("g2-standard-24", "us-central1").onDemandHourly).toBeCloseTo(2.000832574, 9);
        // a2-highgpu-1g,us-central1,12,85,0.739477,0.295755 + nvidia-tesla-a100,...,2.933908,1.1472
        expect(gcpMachine("a2-highgpu-1g", "us-central1")).toMatchObject({ accelerator: Accelerator.A100_40GB, gpus: 1 });
        expect(gcpMachine("a2-highgpu-1g", "us-central1").onDemandHourly).toBeCloseTo(3.673385, 9);
    });

    it("uses spot prices when asked, and flags the source's 40% spot estimates", () => {
        // spot: 0.058736 + 0.2231
        const spot = findGcpMachine({ accelerator: Accelerator.L4, minGpus: 1, region: "us-central1", spot: true });
        expect(spot).toMatchObject({ machineType: "g2-standard-4", spot: true, spotEstimated: false });
        expect(spot.hourly).toBeCloseTo(0.281836, 9);
        // a3-ultragpu-8g,us-east5,224,2952,13.815191688,2.48648 + 8 x nvidia-h200-141gb,us-east5-a,...,9.31174,3.724696 (= 40%)
        const h200 = gcpMachine("a3-ultragpu-8g", "us-east5", { spot: true });
        expect(h200).toMatchObject({ accelerator: Accelerator.H200, gpus: 8, spotEstimated: true });
        expect(h200.onDemandHourly).toBeCloseTo(13.815191688 + 8 * 9.31174, 9);
        expect(h200.spotHourly).toBeCloseTo(2.48648 + 8 * 3.724696, 9);
    });

    it("attaches T4s to N1 machines within GCP's N1 limits", () => {
        // n1-standard-1,us-central1,1,3.75,0.04749975 + nvidia-tesla-t4,us-central1-a,...,0.35
        const one = findGcpMachine({ accelerator: Accelerator.T4, minGpus: 1, region: "us-central1" });
        expect([one.machineType, one.gpus]).toEqual(["n1-standard-1", 1]);
        expect(one.hourly).toBeCloseTo(0.39749975, 9);
        // n1-highmem-64,us-central1,64,416,3.785696 + 4 x 0.35 (n1-standard-96 has only 360 GB)
        const big = findGcpMachine({ accelerator: Accelerator.T4, minGpus: 4, minMemoryGiB: 400, region: "us-central1" });
        expect([big.machineType, big.gpus]).toEqual(["n1-highmem-64", 4]);
        expect(big.hourly).toBeCloseTo(5.185696, 9);
        // n1-standard-4,us-central1,4,15,0.189999 + 2 x 0.35
        expect(gcpMachine("n1-standard-4", "us-central1", { accelerators: [{ type: "nvidia-tesla-t4", count: 2 }] }).onDemandHourly).toBeCloseTo(0.889999, 9);
        expect(catalogError(() => gcpMachine("n1-standard-4", "us-central1", { accelerators: [{ type: "nvidia-tesla-v100", count: 1 }] })).message).toBe(
            "n1-standard-4 with nvidia-tesla-v100: the catalog prices N1 machines with nvidia-tesla-t4 only.",
        );
    });

    it("says what exists when nothing fits, and where an accelerator is offered", () => {
        expect(catalogError(() => findGcpMachine({ accelerator: Accelerator.T4, minGpus: 8, region: "us-central1" })).message).toMatch(
            /^No GCP machine type fits >= 8 x NVIDIA T4 \(on-demand\) in us-central1\. NVIDIA T4 machines in us-central1 offer 1, 2 or 4 GPUs per machine \(1: n1-standard-1\+1, n1-highcpu-2\+1 \.\. .* \(\d+ shapes\); .*\); none has 8 or more\.$/,
        );
        expect(catalogError(() => findGcpMachine({ accelerator: Accelerator.H200, minGpus: 1, region: "us-central1" })).message).toBe(
            "NVIDIA H200 (nvidia-h200-141gb) is not offered on GCP in us-central1 per the catalog; regions with it: europe-west1, us-east5, us-west1.",
        );
        expect(catalogError(() => findGcpMachine({ accelerator: Accelerator.A10G, minGpus: 1, region: "us-central1" })).message).toBe(
            "NVIDIA A10G (a10g) is not offered on GCP per the catalog (AWS g5 only).",
        );
    });

    it("lists machine shapes with exactly N GPUs", () => {
        // L4 x 2 in us-central1: only g2-standard-24
        expect(gcpMachinesFor(Accelerator.L4, 2, "us-central1").map((o) => o.machineType)).toEqual(["g2-standard-24"]);
    });
});

describe("helpers for components", () => {
    it("lists GPU counts per instance by cloud", () => {
        expect(gpusPerInstanceOptions("aws", Accelerator.L4, "us-east-1")).toEqual([1, 4, 8]);
        expect(gpusPerInstanceOptions("gcp", Accelerator.L4, "us-central1")).toEqual([1, 2, 4, 8]);
        expect(gpusPerInstanceOptions("gcp", Accelerator.T4, "us-central1")).toEqual([1, 2, 4]);
        expect(catalogError(() => gpusPerInstanceOptions("gcp", Accelerator.L40S, "us-central1")).message).toMatch(/not offered on GCP/);
    });

    it("reads the accelerators of EC2 and SageMaker types the same way, and of families it does not price", () => {
        // g5.12xlarge,g5,...,4 GPUs in aws_ec2_gpu_prices.csv; ml.g5.12xlarge is the same machine
        const g5 = { ec2Type: "g5.12xlarge", family: "g5", inCatalog: true, accelerated: true, gpus: 4, accelerator: Accelerator.A10G };
        expect(awsInstanceAccelerators("g5.12xlarge")).toEqual(g5);
        expect(awsInstanceAccelerators("ml.g5.12xlarge")).toEqual(g5);
        // p3 is accelerated but not in the price list: its device count is unknown, never guessed
        expect(awsInstanceAccelerators("ml.p3.2xlarge")).toEqual({ ec2Type: "p3.2xlarge", family: "p3", inCatalog: false, accelerated: true, gpus: undefined, accelerator: undefined });
        expect(awsInstanceAccelerators("ml.c5.xlarge")).toEqual({ ec2Type: "c5.xlarge", family: "c5", inCatalog: false, accelerated: false, gpus: 0, accelerator: undefined });
    });

    it("counts the GPUs of a SageMaker instance for per-GPU targets, 1 when there is none or it is not known", () => {
        expect(sagemakerGpusPerInstance("ml.g5.12xlarge")).toBe(4);
        expect(sagemakerGpusPerInstance("ml.g6.xlarge")).toBe(1);
        expect(sagemakerGpusPerInstance("ml.p3.2xlarge")).toBe(1);
        expect(sagemakerGpusPerInstance("ml.c5.xlarge")).toBe(1);
        expect(sagemakerGpusPerInstance(undefined)).toBe(1);
    });

    it("writes monthly figures in dollars and cents with thousands separators", () => {
        expect(dollars(1234.5)).toBe("$1,234.50");
        expect(dollars(0)).toBe("$0.00");
        expect(dollars(2063.954)).toBe("$2,063.95");
    });

    it("chooses one node shape for a pod and a pool: the cheapest with the devices, vCPUs and memory", () => {
        // One L4 with 8 vCPU and 32 GiB: g6.xlarge (4 vCPU, 16 GiB, 0.8048) is too small; g6.2xlarge,g6,GPU instance,NVIDIA L4,1,...,8,32 GB,us-east-1,0.9776
        const pod = cheapestNodeShape({ cloud: "aws", accelerator: Accelerator.L4, gpus: 1, minVcpus: 8, minMemoryGiB: 32, region: "us-east-1" });
        expect([nodeShapeName(pod), pod.onDemandHourly]).toEqual(["g6.2xlarge", 0.9776]);
        // A pool of exactly one L4 per node with the same minimums picks the same shape.
        expect(nodeShapes({ cloud: "aws", accelerator: Accelerator.L4, gpus: 1, exactGpus: true, minVcpus: 8, minMemoryGiB: 32, region: "us-east-1" }).map(nodeShapeName)[0]).toBe("g6.2xlarge");
        // Without CPU or memory: g6.xlarge 0.8048, the cheapest L4 shape.
        expect(nodeShapeName(cheapestNodeShape({ cloud: "aws", accelerator: Accelerator.L4, gpus: 1, region: "us-east-1" }))).toBe("g6.xlarge");
        // GCP: g2-standard-8,us-central1,8,32,0.293584032 + nvidia-l4 0.560040239 = 0.853624271
        const gcp = cheapestNodeShape({ cloud: "gcp", accelerator: Accelerator.L4, gpus: 1, minVcpus: 8, minMemoryGiB: 32, region: "us-central1" });
        expect(nodeShapeName(gcp)).toBe("g2-standard-8");
        expect(gcp.onDemandHourly).toBeCloseTo(0.853624271, 9);
        expect(nodeShapeWords(pod)).toBe("g6.2xlarge (1 x NVIDIA L4, 8 vCPU, 32 GiB)");
        expect(catalogError(() => cheapestNodeShape({ cloud: "aws", accelerator: Accelerator.L4, gpus: 1, minVcpus: 999, region: "us-east-1" })).message).toMatch(
            /^No AWS instance type fits >= 1 x NVIDIA L4, >= 999 vCPUs \(on-demand\) in us-east-1\./,
        );
    });
});

describe("serverless prices", () => {
    it("prices SageMaker hosting instances in us-east-1 only", () => {
        // ml.g5.xlarge,1.4084,us-east-1,...
        expect(sagemakerInstance("ml.g5.xlarge")).toEqual({
            instanceType: "ml.g5.xlarge",
            region: "us-east-1",
            hourly: 1.4084,
            accelerator: Accelerator.A10G,
            gpus: 1,
            source: "aws_sagemaker_inference_prices.csv, fmbench, 2025-01-26",
            date: "2025-01-26",
        });
        expect(catalogError(() => sagemakerInstance("ml.g5.xlarge", "eu-west-1")).message).toBe(
            "SageMaker prices are recorded for us-east-1 only (aws_sagemaker_inference_prices.csv); no price for ml.g5.xlarge in eu-west-1.",
        );
        expect(catalogError(() => sagemakerInstance("ml.g7.xlarge")).message).toMatch(
            /^SageMaker instance type ml.g7.xlarge is not in the catalog; priced types: ml.c5.2xlarge, ml.c5.4xlarge, ml.c5.xlarge, /,
        );
    });

    it("prices the SageMaker ml.g6 and ml.g6e families from the project's price-list rows, with their source", () => {
        // sdk/catalog/data/aws_sagemaker_price_list_prices.csv: ml.g6.xlarge,1.1267,us-east-1 ; ml.g6e.xlarge,2.6054,us-east-1
        const PRICE_LIST = "aws_sagemaker_price_list_prices.csv, AWS Price List API, 2026-09-20";
        expect(sagemakerInstance("ml.g6.xlarge")).toMatchObject({ hourly: 1.1267, accelerator: Accelerator.L4, gpus: 1, source: PRICE_LIST });
        expect(sagemakerInstance("ml.g6e.xlarge")).toMatchObject({ hourly: 2.6054, accelerator: Accelerator.L40S, gpus: 1, source: PRICE_LIST });
        expect(sagemakerInstance("ml.g6e.12xlarge")).toMatchObject({ hourly: 13.1158, gpus: 4 });
        // The shared list's rows keep theirs: ml.g6.2xlarge,1.222,us-east-1 (fmbench)
        expect(sagemakerInstance("ml.g6.2xlarge")).toMatchObject({ hourly: 1.222, source: "aws_sagemaker_inference_prices.csv, fmbench, 2025-01-26" });
    });

    it("picks the cheapest SageMaker hosting type for an accelerator: ml.g6.xlarge for L4, ml.g6e.xlarge for L40S", () => {
        // L4, 4 vCPU, 16 GiB: ml.g6.xlarge 1.1267 (g6.xlarge: 4 vCPU, 16 GiB) beats ml.g6.2xlarge 1.222
        expect(cheapestSageMakerShape({ accelerator: Accelerator.L4, gpus: 1, minVcpus: 4, minMemoryGiB: 16, region: "us-east-1" })).toMatchObject({ instanceType: "ml.g6.xlarge", hourly: 1.1267 });
        // L4 with 8 vCPU and 32 GiB: ml.g6.2xlarge 1.222
        expect(cheapestSageMakerShape({ accelerator: Accelerator.L4, gpus: 1, minVcpus: 8, minMemoryGiB: 32, region: "us-east-1" }).instanceType).toBe("ml.g6.2xlarge");
        // L40S: ml.g6e.xlarge 2.6054 (g6e.xlarge: 4 vCPU, 32 GiB)
        expect(cheapestSageMakerShape({ accelerator: Accelerator.L40S, gpus: 1, minVcpus: 4, minMemoryGiB: 16, region: "us-east-1" })).toMatchObject({ instanceType: "ml.g6e.xlarge", hourly: 2.6054 });
        // Four L4: ml.g6.12xlarge 5.752 is the only 4-GPU L4 type with a SageMaker price below ml.g6.24xlarge 8.344
        expect(cheapestSageMakerShape({ accelerator: Accelerator.L4, gpus: 4, region: "us-east-1" }).instanceType).toBe("ml.g6.12xlarge");
        expect(catalogError(() => cheapestSageMakerShape({ accelerator: Accelerator.H200, gpus: 1, region: "us-east-1" })).message).toBe(
            "No SageMaker hosting type priced in us-east-1 has >= 1 x NVIDIA H200, >= 0 vCPUs and >= 0 GiB; the catalog prices no NVIDIA H200 type.",
        );
    });

    it("keeps the Cloud Run GPU price's low confidence", () => {
        // gcp-cloud-run,nvidia-l4 GPU (no zonal redundancy),per GPU-hour,0.67,us-central1 (Tier 1),...,low-medium (...)
        expect(cloudRunGpuHourly("us-central1")).toMatchObject({ accelerator: Accelerator.L4, hourly: 0.67, zonalRedundancy: false, confidence: "low-medium", date: "2026-04" });
        expect(catalogError(() => cloudRunGpuHourly("europe-west4")).message).toBe("Cloud Run GPU prices are recorded for us-central1 only; no price for europe-west4.");
        expect(cloudRunComputePrices("us-central1", "instance")).toMatchObject({ vcpuSecond: 0.000018, gibSecond: 0.000002 });
        expect(cloudRunComputePrices("us-central1", "instance").sources.memory.confidence).toBe("medium");
    });

    it("gives Lambda's GB-second and request prices", () => {
        // aws-lambda,compute x86_64,per GB-second,0.0000166667 ; compute arm64 0.0000133334 ; requests per 1M 0.20
        expect(lambdaPrices()).toMatchObject({ region: "us-east-1", gbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 }, perMillionRequests: 0.2 });
    });
});

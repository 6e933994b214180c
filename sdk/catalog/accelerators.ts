import { CatalogError } from "./errors";

/**
 * The accelerators modelship knows. Enum values are the names users write (`accelerator: "l4"` in YAML
 * or Python, `Accelerator.L4` in TypeScript); each cloud's own names are mapped in the catalog data.
 */
export enum Accelerator {
    /** NVIDIA T4, 16 GB. AWS g4dn, GCP nvidia-tesla-t4 (n1 machines). */
    T4 = "t4",
    /** NVIDIA A10G, 24 GB. AWS g5 only. */
    A10G = "a10g",
    /** NVIDIA L4, 24 GB. AWS g6/gr6, GCP nvidia-l4 (g2 machines), Cloud Run GPU. */
    L4 = "l4",
    /** NVIDIA L40S, 48 GB. AWS g6e. */
    L40S = "l40s",
    /** NVIDIA A100 40 GB. AWS p4d, GCP nvidia-tesla-a100 (a2-highgpu machines). */
    A100_40GB = "a100-40gb",
    /** NVIDIA A100 80 GB. AWS p4de, GCP nvidia-a100-80gb (a2-ultragpu machines). */
    A100_80GB = "a100-80gb",
    /** NVIDIA H100 80 GB. AWS p5, GCP nvidia-h100-80gb (a3 machines). */
    H100 = "h100",
    /** NVIDIA H200 141 GB. AWS p5en, GCP nvidia-h200-141gb (a3-ultragpu machines). */
    H200 = "h200",
    /** AWS Inferentia2 (Neuron devices, not CUDA). AWS inf2 only. */
    Inferentia2 = "inferentia2",
}

/** Every accelerator name, in catalog order. */
export const ACCELERATORS: readonly Accelerator[] = Object.values(Accelerator);

/** True when the accelerator is an NVIDIA GPU (scheduled as `nvidia.com/gpu`). */
export function isNvidia(accelerator: Accelerator): boolean {
    return accelerator !== Accelerator.Inferentia2;
}

/** The Kubernetes extended resource an accelerator is scheduled as. */
export type AcceleratorResourceName = "nvidia.com/gpu" | "aws.amazon.com/neuron";

/** What modelship knows about an accelerator, independent of cloud and price. */
export interface AcceleratorInfo {
    accelerator: Accelerator;
    /** For messages and plans, for example `NVIDIA L4`. */
    displayName: string;
    /** Memory of one device in GB, as the vendor states it. */
    memoryGB: number;
    vendor: "NVIDIA" | "AWS";
    /** The Kubernetes resource a pod requests for one device. */
    resourceName: AcceleratorResourceName;
    /** AWS EC2 instance families carrying it (empty when AWS has none). */
    awsFamilies: readonly string[];
    /** GCP accelerator type name (`guest_accelerator.type`, `cloud.google.com/gke-accelerator`); undefined off GCP. */
    gcpAcceleratorType?: string;
    /** Value of Karpenter's `karpenter.k8s.aws/instance-gpu-name` label; undefined for Neuron devices. */
    karpenterGpuName?: string;
}

// Memory sizes are the vendors' product figures (T4 16 GB, A10G 24 GB, L4 24 GB, L40S 48 GB, A100 40/80 GB,
// H100 80 GB, H200 141 GB, Inferentia2 32 GB per device). Karpenter names the GPU by its lower-cased model
// ("a100" for both A100 sizes), so the A100s share a name.
const INFO: Record<Accelerator, Omit<AcceleratorInfo, "accelerator">> = {
    [Accelerator.T4]: {
        displayName: "NVIDIA T4",
        memoryGB: 16,
        vendor: "NVIDIA",
        resourceName: "nvidia.com/gpu",
        awsFamilies: ["g4dn"],
        gcpAcceleratorType: "nvidia-tesla-t4",
        karpenterGpuName: "t4",
    },
    [Accelerator.A10G]: { displayName: "NVIDIA A10G", memoryGB: 24, vendor: "NVIDIA", resourceName: "nvidia.com/gpu", awsFamilies: ["g5"], karpenterGpuName: "a10g" },
    [Accelerator.L4]: { displayName: "NVIDIA L4", memoryGB: 24, vendor: "NVIDIA", resourceName: "nvidia.com/gpu", awsFamilies: ["g6", "gr6"], gcpAcceleratorType: "nvidia-l4", karpenterGpuName: "l4" },
    [Accelerator.L40S]: { displayName: "NVIDIA L40S", memoryGB: 48, vendor: "NVIDIA", resourceName: "nvidia.com/gpu", awsFamilies: ["g6e"], karpenterGpuName: "l40s" },
    [Accelerator.A100_40GB]: {
        displayName: "NVIDIA A100 40GB",
        memoryGB: 40,
        vendor: "NVIDIA",
        resourceName: "nvidia.com/gpu",
        awsFamilies: ["p4d"],
        gcpAcceleratorType: "nvidia-tesla-a100",
        karpenterGpuName: "a100",
    },
    [Accelerator.A100_80GB]: {
        displayName: "NVIDIA A100 80GB",
        memoryGB: 80,
        vendor: "NVIDIA",
        resourceName: "nvidia.com/gpu",
        awsFamilies: ["p4de"],
        gcpAcceleratorType: "nvidia-a100-80gb",
        karpenterGpuName: "a100",
    },
    [Accelerator.H100]: {
        displayName: "NVIDIA H100",
        memoryGB: 80,
        vendor: "NVIDIA",
        resourceName: "nvidia.com/gpu",
        awsFamilies: ["p5"],
        gcpAcceleratorType: "nvidia-h100-80gb",
        karpenterGpuName: "h100",
    },
    [Accelerator.H200]: {
        displayName: "NVIDIA H200",
        memoryGB: 141,
        vendor: "NVIDIA",
        resourceName: "nvidia.com/gpu",
        awsFamilies: ["p5en"],
        gcpAcceleratorType: "nvidia-h200-141gb",
        karpenterGpuName: "h200",
    },
    [Accelerator.Inferentia2]: { displayName: "AWS Inferentia2", memoryGB: 32, vendor: "AWS", resourceName: "aws.amazon.com/neuron", awsFamilies: ["inf2"] },
};

/** Display name, memory, vendor, Kubernetes resource name and cloud names of an accelerator. */
export function acceleratorInfo(accelerator: Accelerator): AcceleratorInfo {
    const info = INFO[accelerator];
    if (!info) throw new CatalogError(`Unknown accelerator ${JSON.stringify(accelerator)}; expected one of ${ACCELERATORS.join(", ")}`);
    return { accelerator, ...info };
}

/** True when `value` is one of the {@link Accelerator} names. */
export function isAccelerator(value: unknown): value is Accelerator {
    return typeof value === "string" && (ACCELERATORS as readonly string[]).includes(value);
}

/** The accelerator of an AWS instance family (`g6` -> L4), or undefined for families outside the catalog. */
export function acceleratorOfAwsFamily(family: string): Accelerator | undefined {
    return ACCELERATORS.find((a) => INFO[a].awsFamilies.includes(family));
}

/** The accelerator of a GCP accelerator type name (`nvidia-l4` -> L4), or undefined. */
export function acceleratorOfGcpType(gcpType: string): Accelerator | undefined {
    return ACCELERATORS.find((a) => INFO[a].gcpAcceleratorType === gcpType);
}

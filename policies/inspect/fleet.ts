/**
 * GPU fleets: what one resource puts in GPUs. A node group of GPU nodes, a GKE node pool, a Karpenter NodePool
 * (counted in devices), the GPU pods of a Deployment on nodes outside the stack, a SageMaker variant, a Cloud
 * Run service with GPUs, a GPU VM. gpu-quota sums them at maximum scale, accelerator-allowlist reads what they
 * run on, nonprod-scale-to-zero reads their minimum and capacity type.
 */
import { Accelerator, acceleratorOfAwsFamily, acceleratorOfGcpType } from "../../sdk/catalog/accelerators";
import { awsInstanceAccelerators, isAcceleratedAwsFamily } from "../../sdk/catalog/aws";
import { ACCELERATOR_LABEL, acceleratorsNamedBy, KARPENTER_GPU_NAME_LABEL } from "../../sdk/naming";

/** An accelerator a resource names, in the catalog or not. */
export interface AcceleratorUse {
    /** The catalog accelerator; undefined when the catalog does not know what the resource names. */
    accelerator?: Accelerator;
    /** What the resource names, for messages: `g6.2xlarge`, `nvidia-tesla-v100`, `modelship.dev/accelerator=l4`. */
    named: string;
}

/** A bound that is not a number, and why. */
export interface MissingBound {
    /** `unbounded`: nothing caps the count; `unknown`: the count cannot be read (not in the catalog, not set). */
    kind: "unbounded" | "unknown";
    words: string;
}

/** The GPUs one resource (or one SageMaker variant) puts in the stack. */
export interface GpuFleet {
    urn: string;
    /** The resource's name, with the variant for SageMaker: `llm-config variant "primary"`. */
    label: string;
    /** Nodes or VMs the stack creates (true), or workloads that run on capacity elsewhere (false). */
    capacity: boolean;
    /** What is counted: `node`, `replica`, `instance`, `device`. */
    unit: string;
    /** Devices per unit; undefined with `perUnitMissing` when not known. */
    gpusPerUnit?: number;
    perUnitMissing?: string;
    /** Fewest units; undefined with `minMissing`. */
    min?: number;
    minMissing?: MissingBound;
    /** Most units; undefined with `maxMissing`. */
    max?: number;
    maxMissing?: MissingBound;
    /** Where the bounds come from: `scalingConfig 0-4`, `KEDA ScaledObject "llm" (0-100, ...)`. */
    boundsWords: string;
    /** Spot (or preemptible) capacity; undefined where the resource has no such choice. */
    spot?: boolean;
    /** The setting that makes the fleet scale to zero, and the one that makes it spot, for messages. */
    fix: { min?: string; spot?: string };
    accelerators: AcceleratorUse[];
    /** True when the resource may launch any accelerator (a GPU Karpenter NodePool with no GPU requirement). */
    anyAccelerator?: boolean;
}

/** What an AWS instance type (EC2 `g6.xlarge`, or SageMaker `ml.g6.xlarge`) carries, per the catalog's {@link awsInstanceAccelerators}. */
export function awsInstanceGpus(instanceType: string): { accelerated: boolean; gpus?: number; use?: AcceleratorUse } {
    const found = awsInstanceAccelerators(instanceType);
    if (found.inCatalog) return { accelerated: found.accelerated, gpus: found.gpus, use: { accelerator: found.accelerator, named: instanceType } };
    if (found.accelerated) return { accelerated: true, use: { named: `${instanceType} (not in the catalog)` } };
    return { accelerated: false, gpus: 0 };
}

/** What an AWS instance family (`g6`, a Karpenter requirement) carries; undefined for a family without accelerators. */
export function awsFamilyUse(family: string): AcceleratorUse | undefined {
    const accelerator = acceleratorOfAwsFamily(family);
    if (accelerator) return { accelerator, named: `instance family ${family}` };
    return isAcceleratedAwsFamily(family) ? { named: `instance family ${family} (not in the catalog)` } : undefined;
}

/** A GCP accelerator type (`nvidia-l4`) as a use. */
export function gcpAcceleratorUse(gcpType: string): AcceleratorUse {
    const accelerator = acceleratorOfGcpType(gcpType);
    return { accelerator, named: accelerator ? gcpType : `${gcpType} (not in the catalog)` };
}

/** The accelerators a Karpenter `karpenter.k8s.aws/instance-gpu-name` value names (`a100` names both A100s). */
export function karpenterGpuNameUses(gpuName: string): AcceleratorUse[] {
    const matches = acceleratorsNamedBy(KARPENTER_GPU_NAME_LABEL, gpuName) ?? [];
    if (matches.length === 0) return [{ named: `instance-gpu-name ${gpuName} (not in the catalog)` }];
    return matches.map((accelerator) => ({ accelerator, named: `instance-gpu-name ${gpuName}` }));
}

/** An {@link ACCELERATOR_LABEL} (`modelship.dev/accelerator`) value as a use. */
export function modelshipLabelUse(value: unknown): AcceleratorUse {
    const [accelerator] = typeof value === "string" ? (acceleratorsNamedBy(ACCELERATOR_LABEL, value) ?? []) : [];
    return accelerator ? { accelerator, named: `${ACCELERATOR_LABEL}=${accelerator}` } : { named: `${ACCELERATOR_LABEL}=${String(value)} (not in the catalog)` };
}

/** `2` or `0-4`. */
export function range(min: number | undefined, max: number | undefined): string {
    if (min === max && min !== undefined) return String(min);
    return `${min ?? "?"}-${max ?? "?"}`;
}

/**
 * GPU capacity the stack creates: EKS managed node groups, GKE node pools, Karpenter NodePools, and single
 * GPU VMs (EC2, Compute Engine). Counts follow the cost model's reading of the same inputs (sdk/cost/pricers).
 */
import { builtInGpus } from "../../sdk/catalog/gcp-shapes";
import { bool, get, list, num, quantityEntry, record, str } from "../../sdk/cost/inputs";
import { gkeNodeBounds } from "../../sdk/cost/pricers/gcp";
import { ACCELERATOR_LABEL } from "../../sdk/naming";
import type { PlainResource } from "../framework/types";
import { AcceleratorUse, awsFamilyUse, awsInstanceGpus, gcpAcceleratorUse, GpuFleet, karpenterGpuNameUses, MissingBound, modelshipLabelUse, range } from "./fleet";

const GPU = "nvidia.com/gpu";
const NEURON = "aws.amazon.com/neuron";
/** EKS AMI types for GPU or Neuron nodes: AL2_x86_64_GPU, AL2023_x86_64_NVIDIA, AL2023_x86_64_NEURON, BOTTLEROCKET_*_NVIDIA. */
const GPU_AMI = /GPU|NVIDIA|NEURON/;

function strings(root: unknown, path: string): string[] {
    return list(root, path).filter((v): v is string => typeof v === "string");
}

/** `aws:eks/nodeGroup:NodeGroup` with accelerated instance types or a GPU AMI. */
export function eksNodeGroupFleet(r: PlainResource): GpuFleet | undefined {
    const types = strings(r.inputs, "instanceTypes").map((t) => ({ type: t, ...awsInstanceGpus(t) }));
    const gpuAmi = GPU_AMI.test(str(r.inputs, "amiType") ?? "");
    if (!types.some((t) => t.accelerated) && !gpuAmi) return undefined;
    const unknownTypes = types.filter((t) => t.gpus === undefined).map((t) => t.type);
    const perUnitMissing =
        types.length === 0
            ? "instanceTypes is not set (the instance type comes from a launch template, which is not read)"
            : unknownTypes.length > 0
              ? `the GPU count of ${unknownTypes.join(", ")} is not in the catalog`
              : undefined;
    const min = num(r.inputs, "scalingConfig.minSize");
    const max = num(r.inputs, "scalingConfig.maxSize");
    return {
        urn: r.urn,
        label: r.name,
        capacity: true,
        unit: "node",
        gpusPerUnit: perUnitMissing ? undefined : Math.max(...types.map((t) => t.gpus ?? 0)),
        perUnitMissing,
        min,
        minMissing: min === undefined ? { kind: "unknown", words: "scalingConfig.minSize is not set" } : undefined,
        max,
        maxMissing: max === undefined ? { kind: "unbounded", words: "scalingConfig.maxSize is not set" } : undefined,
        boundsWords: `scalingConfig ${range(min, max)} node(s)`,
        spot: str(r.inputs, "capacityType") === "SPOT",
        fix: { min: "scalingConfig.minSize: 0", spot: 'capacityType: "SPOT"' },
        accelerators: types.flatMap((t) => (t.use ? [t.use] : [])),
    };
}

/** A GKE pool's node bounds as a fleet reads them: the cost model's reading ({@link gkeNodeBounds}), its gaps as missing bounds. */
function gkeFleetBounds(inputs: Record<string, unknown>): { min?: number; max?: number; minMissing?: MissingBound; maxMissing?: MissingBound; words: string } {
    const bounds = gkeNodeBounds(inputs);
    if (bounds.kind === "bounded") return { min: bounds.min, max: bounds.max, words: bounds.words };
    if (bounds.kind === "unbounded") return { min: bounds.min, maxMissing: { kind: "unbounded", words: bounds.reason }, words: bounds.words };
    return { minMissing: { kind: "unknown", words: "node count not set" }, maxMissing: { kind: "unknown", words: bounds.reason }, words: "node count not set" };
}

/** `gcp:container/nodePool:NodePool` with guest accelerators or an accelerator-optimized machine type. */
export function gkeNodePoolFleet(r: PlainResource): GpuFleet | undefined {
    const machineType = str(r.inputs, "nodeConfig.machineType");
    const guests = list(r.inputs, "nodeConfig.guestAccelerators").map((a) => ({ type: str(a, "type") ?? "", count: num(a, "count") ?? 0 }));
    const builtIn = machineType !== undefined ? builtInGpus(machineType) : undefined;
    const perNode = guests.length > 0 ? guests.reduce((sum, g) => sum + g.count, 0) : (builtIn?.count ?? 0);
    if (perNode === 0) return undefined;
    const accelerators: AcceleratorUse[] = guests.length > 0 ? guests.map((g) => gcpAcceleratorUse(g.type)) : builtIn ? [{ accelerator: builtIn.accelerator, named: machineType as string }] : [];
    const bounds = gkeFleetBounds(r.inputs);
    return {
        urn: r.urn,
        label: r.name,
        capacity: true,
        unit: "node",
        gpusPerUnit: perNode,
        min: bounds.min,
        minMissing: bounds.minMissing,
        max: bounds.max,
        maxMissing: bounds.maxMissing,
        boundsWords: bounds.words,
        spot: (bool(r.inputs, "nodeConfig.spot") ?? false) || (bool(r.inputs, "nodeConfig.preemptible") ?? false),
        fix: { min: "autoscaling.totalMinNodeCount: 0", spot: "nodeConfig.spot: true" },
        accelerators,
    };
}

/** Requirement keys of Karpenter (and its AWS provider) that select GPU instances. */
const KARPENTER_GPU_KEYS = [
    "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-manufacturer",
    "karpenter.k8s.aws/instance-accelerator-name",
    "karpenter.k8s.aws/instance-accelerator-count",
];

/**
 * `kubernetes:karpenter.sh/v1:NodePool` that launches GPU (or Neuron) nodes: one with a device limit, a GPU
 * requirement, an accelerated instance family or type, the {@link ACCELERATOR_LABEL} label or a GPU taint.
 * Counted in devices: its maximum is the device limit in `spec.limits`; Karpenter starts nodes only for pending
 * pods, so its minimum is zero.
 */
export function karpenterFleet(r: PlainResource): GpuFleet | undefined {
    const limits = record(r.inputs, "spec.limits");
    const limit = quantityEntry(limits, GPU, "spec.limits") ?? quantityEntry(limits, NEURON, "spec.limits");
    const requirements = list(r.inputs, "spec.template.spec.requirements").map((q) => ({
        key: str(q, "key") ?? "",
        operator: str(q, "operator") ?? "",
        values: strings(q, "values"),
    }));
    const valuesIn = (key: string) => requirements.filter((q) => q.key === key && q.operator === "In").flatMap((q) => q.values);
    const families = valuesIn("karpenter.k8s.aws/instance-family");
    const types = valuesIn("node.kubernetes.io/instance-type");
    const gpuNames = valuesIn("karpenter.k8s.aws/instance-gpu-name");
    const label = record(r.inputs, "spec.template.metadata.labels")[ACCELERATOR_LABEL];
    const taints = list(r.inputs, "spec.template.spec.taints").map((t) => str(t, "key"));
    const gpuRequirement = requirements.some((q) => KARPENTER_GPU_KEYS.includes(q.key) && !(q.operator === "In" && q.values.every((v) => v === "0")));
    const familyUses = families.flatMap((f) => awsFamilyUse(f) ?? []);
    const typeUses = types.flatMap((t) => awsInstanceGpus(t).use ?? []);
    const isGpu = limit !== undefined || gpuRequirement || familyUses.length > 0 || typeUses.length > 0 || label !== undefined || taints.includes(GPU) || taints.includes(NEURON);
    if (!isGpu) return undefined;

    const accelerators: AcceleratorUse[] = [...gpuNames.flatMap(karpenterGpuNameUses), ...familyUses, ...typeUses, ...(label !== undefined ? [modelshipLabelUse(label)] : [])];
    const spot = valuesIn("karpenter.sh/capacity-type").includes("spot");
    return {
        urn: r.urn,
        label: r.name,
        capacity: true,
        unit: "device",
        gpusPerUnit: 1,
        min: 0,
        max: limit,
        maxMissing: limit === undefined ? { kind: "unbounded", words: `spec.limits sets no ${GPU} (or ${NEURON}) limit, so Karpenter launches as many GPU nodes as pending pods ask for` } : undefined,
        boundsWords: limit !== undefined ? `spec.limits ${limit} device(s)` : "no device limit",
        spot,
        fix: { spot: 'a karpenter.sh/capacity-type requirement with "spot"' },
        accelerators,
        anyAccelerator: gpuNames.length === 0 && families.length === 0 && types.length === 0 && label === undefined,
    };
}

/** `aws:ec2/instance:Instance` of an accelerated type: one VM, on all month. */
export function ec2InstanceFleet(r: PlainResource): GpuFleet | undefined {
    const instanceType = str(r.inputs, "instanceType");
    const found = instanceType !== undefined ? awsInstanceGpus(instanceType) : undefined;
    if (!found?.accelerated) return undefined;
    const market = get(r.inputs, "instanceMarketOptions") === undefined ? undefined : (str(r.inputs, "instanceMarketOptions.marketType") ?? "spot");
    return {
        urn: r.urn,
        label: r.name,
        capacity: true,
        unit: "instance",
        gpusPerUnit: found.gpus,
        perUnitMissing: found.gpus === undefined ? `the GPU count of ${instanceType} is not in the catalog` : undefined,
        min: 1,
        max: 1,
        boundsWords: "one instance",
        spot: market === "spot",
        fix: { min: "an autoscaled node group or pool instead of a standalone instance", spot: 'instanceMarketOptions.marketType: "spot"' },
        accelerators: found.use ? [found.use] : [],
    };
}

/** `gcp:compute/instance:Instance` with guest accelerators or an accelerator-optimized machine type. */
export function gceInstanceFleet(r: PlainResource): GpuFleet | undefined {
    const machineType = str(r.inputs, "machineType");
    const guests = list(r.inputs, "guestAccelerators").map((a) => ({ type: str(a, "type") ?? "", count: num(a, "count") ?? 0 }));
    const builtIn = machineType !== undefined ? builtInGpus(machineType) : undefined;
    const gpus = guests.length > 0 ? guests.reduce((sum, g) => sum + g.count, 0) : (builtIn?.count ?? 0);
    if (gpus === 0) return undefined;
    return {
        urn: r.urn,
        label: r.name,
        capacity: true,
        unit: "instance",
        gpusPerUnit: gpus,
        min: 1,
        max: 1,
        boundsWords: "one instance",
        spot: str(r.inputs, "scheduling.provisioningModel") === "SPOT" || (bool(r.inputs, "scheduling.preemptible") ?? false),
        fix: { min: "an autoscaled node pool instead of a standalone instance", spot: 'scheduling.provisioningModel: "SPOT"' },
        accelerators: guests.length > 0 ? guests.map((g) => gcpAcceleratorUse(g.type)) : [{ accelerator: builtIn?.accelerator, named: machineType as string }],
    };
}

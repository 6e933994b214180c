/**
 * What one pod asks of a node, read from a pod spec as the scheduler reads it: accelerator devices, vCPUs and memory
 * (requests, else limits, which Kubernetes then copies into requests), the larger of the app containers' sum and
 * the largest init container. The cost model prices a pod as the cheapest node shape that fits this.
 */
import { Accelerator, ACCELERATORS, acceleratorInfo, isAccelerator } from "../catalog/accelerators";
import { ACCELERATOR_LABEL, ACCELERATOR_NODE_LABELS, acceleratorsNamedBy, GKE_ACCELERATOR_LABEL } from "../naming";
import { list, quantityEntry, record } from "./inputs";

export const GPU = "nvidia.com/gpu";
export const NEURON = "aws.amazon.com/neuron";

/** Devices one pod asks for: the sum over its containers of the GPU (or Neuron) limit, else request. */
export function devicesPerPod(podSpec: unknown): { count: number; resource: string } {
    let gpus = 0;
    let neuron = 0;
    for (const [i, container] of list(podSpec, "containers").entries()) {
        const path = `spec.template.spec.containers[${i}].resources`;
        const limits = record(container, "resources.limits");
        const requests = record(container, "resources.requests");
        gpus += quantityEntry(limits, GPU, `${path}.limits`) ?? quantityEntry(requests, GPU, `${path}.requests`) ?? 0;
        neuron += quantityEntry(limits, NEURON, `${path}.limits`) ?? quantityEntry(requests, NEURON, `${path}.requests`) ?? 0;
    }
    return neuron > 0 ? { count: neuron, resource: NEURON } : { count: gpus, resource: GPU };
}

/** A pod's devices, vCPUs and memory. */
export interface PodDemand {
    devices: number;
    /** `nvidia.com/gpu` or `aws.amazon.com/neuron`. */
    resource: string;
    vcpus: number;
    memoryGiB: number;
}

function containerRequest(container: unknown, key: "cpu" | "memory", path: string): number {
    const requests = record(container, "resources.requests");
    const limits = record(container, "resources.limits");
    return quantityEntry(requests, key, `${path}.requests`) ?? quantityEntry(limits, key, `${path}.limits`) ?? 0;
}

/** The pod's devices and its effective vCPU and memory requests. */
export function podDemand(podSpec: unknown): PodDemand {
    const sum = (containers: unknown[], key: "cpu" | "memory") => containers.reduce<number>((total, c, i) => total + containerRequest(c, key, `spec.template.spec.containers[${i}].resources`), 0);
    const largest = (containers: unknown[], key: "cpu" | "memory") =>
        containers.reduce<number>((most, c, i) => Math.max(most, containerRequest(c, key, `spec.template.spec.initContainers[${i}].resources`)), 0);
    const containers = list(podSpec, "containers");
    const inits = list(podSpec, "initContainers");
    const devices = devicesPerPod(podSpec);
    return {
        devices: devices.count,
        resource: devices.resource,
        vcpus: Math.max(sum(containers, "cpu"), largest(inits, "cpu")),
        memoryGiB: Math.max(sum(containers, "memory"), largest(inits, "memory")) / 1024 ** 3,
    };
}

/** `1 x NVIDIA L4, 8 vCPU, 32 GiB per pod`. */
export function demandWords(demand: PodDemand, accelerator?: Accelerator): string {
    const device = accelerator ? acceleratorInfo(accelerator).displayName : demand.resource;
    const parts = demand.devices > 0 ? [`${demand.devices} x ${device}`] : [];
    parts.push(`${Number(demand.vcpus.toFixed(3))} vCPU`, `${Number(demand.memoryGiB.toFixed(3))} GiB`);
    return `${parts.join(", ")} per pod`;
}

/** Where a pod's accelerator comes from: the cloud it implies and the label that names it. */
export interface PodAccelerator {
    accelerator: Accelerator;
    /** Set when the label names a cloud (GKE, Karpenter, Neuron); otherwise the cost options decide. */
    cloud?: "aws" | "gcp";
    label: string;
}

function modelshipLabel(value: unknown, label: string): PodAccelerator | string {
    if (!isAccelerator(value)) return `${ACCELERATOR_LABEL} ${JSON.stringify(value)} is not one of ${ACCELERATORS.join(", ")}`;
    return { accelerator: value, cloud: value === Accelerator.Inferentia2 ? "aws" : undefined, label };
}

/**
 * The accelerator a pod's node selector names (modelship's label, GKE's or Karpenter's), else the pod's own
 * `modelship.dev/accelerator` label (ModelService sets it without constraining placement); or why none is known.
 */
export function podAccelerator(podSpec: unknown, podLabels: Record<string, unknown>, resource: string): PodAccelerator | string {
    const selector = record(podSpec, "nodeSelector");
    for (const key of ACCELERATOR_NODE_LABELS) {
        const value = selector[key];
        if (value === undefined) continue;
        if (key === ACCELERATOR_LABEL) return modelshipLabel(value, `${key}=${String(value)}`);
        if (typeof value !== "string") continue;
        // The one reading of these labels (sdk/naming.ts), shared with the components' checks and the policies.
        const matches = acceleratorsNamedBy(key, value) ?? [];
        if (matches.length === 0) return `${key} ${value} names no accelerator in the catalog`;
        if (matches.length > 1) return `${key} ${value} names ${matches.join(" and ")}; add ${ACCELERATOR_LABEL}`;
        return { accelerator: matches[0], cloud: key === GKE_ACCELERATOR_LABEL ? "gcp" : "aws", label: `${key}=${value}` };
    }
    const label = podLabels[ACCELERATOR_LABEL];
    if (label !== undefined) return modelshipLabel(label, `${ACCELERATOR_LABEL}=${String(label)}, the pod's label`);
    if (resource === NEURON) return { accelerator: Accelerator.Inferentia2, cloud: "aws", label: NEURON };
    return `the pod's nodeSelector names no accelerator (${ACCELERATOR_NODE_LABELS.join(", ")})`;
}

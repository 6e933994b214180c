/**
 * Where pods land: accelerator requests, the node selector and tolerations (from the user or a GpuPool's
 * `placement` output), and topology spread across zones and nodes.
 *
 * Placement is decided by the node selector the caller passes, never by a label modelship invents: a
 * bring-your-own cluster has no `modelship.dev/accelerator` node label, and a selector on it would leave
 * every pod Pending. The accelerator is recorded on the pod as a label instead ({@link ACCELERATOR_LABEL}),
 * for the cost model and for humans; the GPU limit alone already keeps pods off nodes without GPUs.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, acceleratorInfo } from "../../sdk/catalog/accelerators";
import { ACCELERATOR_LABEL } from "../../sdk/naming";

type Toleration = kubernetes.types.input.core.v1.Toleration;
type TopologySpreadConstraint = kubernetes.types.input.core.v1.TopologySpreadConstraint;

/** Re-exported for the components that build pods; the one definition is sdk/naming's. */
export { ACCELERATOR_LABEL };

/** Accelerators per pod. */
export interface AcceleratorRequest {
    /** Devices per pod. */
    count: number;
    /** Which accelerator. */
    accelerator: Accelerator;
}

/** Node selection, as a GpuPool's `placement` output or the user gives it. */
export interface Placement {
    /** Node labels the pods require. Defaults to none. */
    nodeSelector?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Taints the pods tolerate. Defaults to none (plus the accelerator's taint when one is requested). */
    tolerations?: pulumi.Input<pulumi.Input<Toleration>[]>;
    /** PriorityClass of the pods (a GpuPool's `placement.priorityClassName`); empty means none. Defaults to none. */
    priorityClassName?: pulumi.Input<string>;
}

/** The extended resource of an accelerator (`nvidia.com/gpu`, or `aws.amazon.com/neuron` for Inferentia2). */
export function acceleratorResourceName(accelerator: Accelerator): string {
    return acceleratorInfo(accelerator).resourceName;
}

/**
 * The toleration of the taint GPU node groups carry (EKS, GKE and Karpenter GPU pools taint their nodes
 * `nvidia.com/gpu:NoSchedule`, Neuron pools `aws.amazon.com/neuron:NoSchedule`). Tolerating a taint a
 * node does not have is harmless, so it is always added with an accelerator.
 */
export function acceleratorToleration(accelerator: Accelerator): Toleration {
    return { key: acceleratorResourceName(accelerator), operator: "Exists", effect: "NoSchedule" };
}

/** The caller's tolerations plus the accelerator's, without duplicates. */
export function podTolerations(placement: Placement, accelerator?: AcceleratorRequest): pulumi.Input<pulumi.Input<Toleration>[]> | undefined {
    if (!accelerator) return placement.tolerations;
    const extra = acceleratorToleration(accelerator.accelerator);
    if (placement.tolerations === undefined) return [extra];
    return pulumi.output(placement.tolerations).apply((given) => {
        const list = given as Array<Record<string, unknown>>;
        const same = (t: Record<string, unknown>) => t.key === extra.key && t.operator === extra.operator && t.effect === extra.effect;
        return list.some(same) ? list : [...list, extra];
    }) as pulumi.Output<Toleration[]>;
}

/**
 * The pods' PriorityClass, or undefined for none. A GpuPool without one gives `""`, usually as an Output
 * (its `placement` output), so the empty name is dropped once known too.
 */
export function podPriorityClassName(placement: Placement): pulumi.Input<string> | undefined {
    const name = placement.priorityClassName;
    if (name === undefined || typeof name === "string") return name || undefined;
    return pulumi.output(name).apply((value) => value || undefined) as pulumi.Output<string>;
}

/**
 * Spread replicas over zones first, then nodes. `ScheduleAnyway`: a skew is better than a Pending GPU
 * pod when a zone has no capacity left. `pod-template-hash` keeps old and new ReplicaSets apart during a
 * rolling update, as the Kubernetes documentation recommends for Deployments.
 */
export function topologySpread(selector: Record<string, string>): TopologySpreadConstraint[] {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector },
        matchLabelKeys: ["pod-template-hash"],
    }));
}

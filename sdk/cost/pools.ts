/**
 * Node pools in the stack (EKS node groups, GKE node pools, Karpenter NodePools) and the pods that land on them.
 *
 * A pool's labels are the ones it sets on its nodes plus those its platform adds (EKS: the node group name, the
 * instance type and capacity type; GKE: the pool name, the accelerator, the machine type, spot; Karpenter: the
 * NodePool name and every `In` requirement). A pod lands on a pool when its nodeSelector names only labels the
 * pool's nodes carry. Its GPUs are then billed as that pool's nodes, so the cost model prices the nodes once and
 * shows the pod as "on pool X".
 */
import { acceleratorInfo } from "../catalog/accelerators";
import { builtInGpus } from "../catalog/gcp-shapes";
import { bool, list, record, str } from "./inputs";
import type { CostedResource } from "./types";

/** The cluster's worker nodes: when one of these is in the stack, the pods on it are priced through it. */
export const NODE_TYPES: ReadonlySet<string> = new Set([
    "aws:eks/nodeGroup:NodeGroup",
    "gcp:container/nodePool:NodePool",
    "kubernetes:karpenter.sh/v1:NodePool",
    "kubernetes:karpenter.sh/v1beta1:NodePool",
]);

/** A pool as pods see it: the labels of its nodes, each with every value a node may carry. */
export interface NodePoolView {
    urn: string;
    name: string;
    type: string;
    labels: ReadonlyMap<string, readonly string[]>;
}

function strings(root: unknown, path: string): string[] {
    return list(root, path).filter((v): v is string => typeof v === "string");
}

function add(labels: Map<string, string[]>, key: string, values: readonly (string | undefined)[]): void {
    const known = values.filter((v): v is string => v !== undefined);
    if (known.length > 0) labels.set(key, [...(labels.get(key) ?? []), ...known]);
}

function ownLabels(labels: Map<string, string[]>, map: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(map)) if (typeof value === "string") add(labels, key, [value]);
}

/** The labels of a pool's nodes; undefined for a resource that is not a node pool. */
export function nodePoolView(r: CostedResource): NodePoolView | undefined {
    if (!NODE_TYPES.has(r.type)) return undefined;
    const labels = new Map<string, string[]>();
    if (r.type === "aws:eks/nodeGroup:NodeGroup") {
        ownLabels(labels, record(r.inputs, "labels"));
        add(labels, "eks.amazonaws.com/nodegroup", [str(r.inputs, "nodeGroupName") ?? str(r.outputs, "nodeGroupName")]);
        add(labels, "node.kubernetes.io/instance-type", strings(r.inputs, "instanceTypes"));
        add(labels, "eks.amazonaws.com/capacityType", [str(r.inputs, "capacityType") ?? "ON_DEMAND"]);
    } else if (r.type === "gcp:container/nodePool:NodePool") {
        ownLabels(labels, record(r.inputs, "nodeConfig.labels"));
        add(labels, "cloud.google.com/gke-nodepool", [str(r.inputs, "name") ?? str(r.outputs, "name")]);
        const machineType = str(r.inputs, "nodeConfig.machineType");
        add(labels, "node.kubernetes.io/instance-type", [machineType]);
        const builtIn = machineType !== undefined ? builtInGpus(machineType) : undefined;
        add(labels, "cloud.google.com/gke-accelerator", [
            ...list(r.inputs, "nodeConfig.guestAccelerators").map((a) => str(a, "type")),
            builtIn ? acceleratorInfo(builtIn.accelerator).gcpAcceleratorType : undefined,
        ]);
        if (bool(r.inputs, "nodeConfig.spot") || bool(r.inputs, "nodeConfig.preemptible")) add(labels, "cloud.google.com/gke-spot", ["true"]);
    } else {
        ownLabels(labels, record(r.inputs, "spec.template.metadata.labels"));
        add(labels, "karpenter.sh/nodepool", [str(r.inputs, "metadata.name") ?? str(r.outputs, "metadata.name") ?? r.name]);
        for (const req of list(r.inputs, "spec.template.spec.requirements")) {
            const key = str(req, "key");
            if (key !== undefined && str(req, "operator") === "In") add(labels, key, strings(req, "values"));
        }
    }
    return { urn: r.urn, name: r.name, type: r.type, labels };
}

/**
 * The pool a pod with this nodeSelector lands on: the first (in registration order) whose nodes carry every label
 * of the selector. Undefined for an empty selector (the pod may land anywhere) or when no pool matches.
 */
export function poolOf(selector: Record<string, unknown>, pools: readonly NodePoolView[]): NodePoolView | undefined {
    const entries = Object.entries(selector);
    if (entries.length === 0) return undefined;
    return pools.find((pool) => entries.every(([key, value]) => typeof value === "string" && (pool.labels.get(key) ?? []).includes(value)));
}

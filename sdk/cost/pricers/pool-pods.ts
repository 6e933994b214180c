/**
 * What the pods of the stack need of a node pool: at their minimum replicas (and pre-warming), how many nodes of
 * the pool's cheapest node type that fits each pod. A pool that may scale to zero still runs the nodes its pods
 * need, so its minimum is the larger of its own and its pods'.
 */
import { dollars, usd } from "../../catalog/format";
import { HOURS_PER_MONTH, type PodsOnPool } from "../types";

/** One node type a pool may launch, with its price. */
export interface PoolNodeType {
    name: string;
    gpus: number;
    vcpus: number;
    memoryGiB: number;
    hourly: number;
}

/** The pods' need of a pool at their minimum. */
export interface PodsNeed {
    /** Nodes at the pods' minimum replicas. */
    nodes: number;
    /** USD per month of those nodes all month. */
    monthly: number;
    /** USD per month of the nodes pre-warming adds; null when a schedule cannot be read. */
    prewarmMonthly: number | null;
    /** One line per workload: replicas, nodes, node type, pre-warming. */
    words: string[];
}

/** The most pods the kubelet runs on one node by default. */
const MAX_PODS_PER_NODE = 110;

function podsPerNode(pod: PodsOnPool, node: PoolNodeType): number {
    const by = (have: number, want: number) => (want > 0 ? Math.floor(have / want + 1e-9) : MAX_PODS_PER_NODE);
    return Math.min(by(node.gpus, pod.devices), by(node.vcpus, pod.vcpus), by(node.memoryGiB, pod.memoryGiB), MAX_PODS_PER_NODE);
}

/**
 * The nodes the pods need at their minimum, each workload on the cheapest of `types` (cheapest first) that holds
 * one of its pods. A workload that fits none of the types is named (its pods would stay pending) and not counted.
 */
export function podsNeed(pods: readonly PodsOnPool[], types: readonly PoolNodeType[]): PodsNeed {
    const need: PodsNeed = { nodes: 0, monthly: 0, prewarmMonthly: 0, words: [] };
    for (const pod of pods) {
        const type = types.find((t) => podsPerNode(pod, t) > 0);
        const demand = `${pod.devices} GPU(s), ${Number(pod.vcpus.toFixed(3))} vCPU, ${Number(pod.memoryGiB.toFixed(3))} GiB per pod`;
        if (!type) {
            need.words.push(`${pod.name} (${demand}) fits none of the pool's node types: its pods would stay pending, so they are not counted`);
            continue;
        }
        const perNode = podsPerNode(pod, type);
        const nodes = Math.ceil(pod.replicas.min / perNode);
        need.nodes += nodes;
        need.monthly += nodes * type.hourly * HOURS_PER_MONTH;
        let words = `${pod.name}: ${pod.replicas.min} replica(s) of ${demand} need ${nodes} x ${type.name} (${perNode} pod(s) per node) at ${usd(type.hourly)}/h`;
        const prewarm = pod.replicas.prewarm;
        if (prewarm) {
            const hours = prewarm.replicaHoursPerMonth;
            if (hours === null || need.prewarmMonthly === null) need.prewarmMonthly = null;
            else need.prewarmMonthly += (hours / perNode) * type.hourly;
            words += hours === null ? `; pre-warming unknown: ${prewarm.words}` : `; pre-warming ${Number((hours / perNode).toFixed(2))} node-hours a month (${prewarm.words})`;
        }
        need.words.push(words);
    }
    return need;
}

/**
 * A pool's figure with its minimum raised to what its pods need (and their pre-warming added), the reason appended
 * to the basis. Unchanged when no pod of the stack lands on the pool.
 */
export function withPodsNeed<F extends { min: number | null; basis: string }>(
    figure: F,
    minNodes: number,
    maxNodes: number | undefined,
    types: readonly PoolNodeType[],
    pods: readonly PodsOnPool[],
): F {
    if (pods.length === 0) return figure;
    const need = podsNeed(pods, types);
    const raised = need.nodes > minNodes;
    const min = figure.min === null || need.prewarmMonthly === null ? null : Math.max(figure.min, need.monthly) + need.prewarmMonthly;
    let words = `pods of this stack on it: ${need.words.join("; ")}`;
    words += raised ? `; so the minimum is their ${need.nodes} node(s), not the pool's ${minNodes}` : `; within the pool's minimum of ${minNodes} node(s)`;
    if (need.prewarmMonthly !== 0) words += need.prewarmMonthly === null ? "; pre-warming unknown" : `; pre-warming adds ${dollars(need.prewarmMonthly)} a month`;
    if (maxNodes !== undefined && need.nodes > maxNodes) words += `; the pool's maximum of ${maxNodes} node(s) cannot hold them`;
    return { ...figure, min, basis: `${figure.basis}; ${words}` };
}

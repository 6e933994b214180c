/**
 * Kubernetes workloads.
 *
 * A GPU pod on a cluster whose nodes are not in the stack is priced as the cheapest node shape that fits it (its
 * devices, vCPUs and memory): the same catalog choice a GpuPool makes for its nodes, so a pod and a pool never
 * show two prices for one accelerator. When its pods land on a node pool of the stack (EKS node group, GKE node
 * pool, Karpenter NodePool), the pool prices the nodes and the workload shows $0 "on pool X". CPU-only pods run on
 * the cluster's nodes, priced where those are created: free here, with the reason.
 */
import { acceleratorInfo } from "../../catalog/accelerators";
import { usd } from "../../catalog/format";
import { cheapestNodeShape, nodeShapeWords } from "../../catalog/node-shapes";
import { free, monthly, PER_MONTH, range, unknown, type FreeFigure, type PricedFigure } from "../figures";
import { num, record } from "../inputs";
import { demandWords, podAccelerator, podDemand } from "../pods";
import type { ReplicaBounds } from "../types";
import type { PricingContext } from "./context";

export { devicesPerPod } from "../pods";

/** Where a workload keeps its pod template and how many pods it runs. */
interface WorkloadShape {
    kind: string;
    podSpec: string;
    labels: string;
    /**
     * `spec.replicas` (default 1), a single pod, Knative's `min-scale` / `max-scale` annotations on the revision
     * template, or pods the cost model cannot count (one per node, run to completion).
     */
    replicas: "spec.replicas" | "one" | "knative-scale" | { uncounted: string };
}

const TEMPLATE = { podSpec: "spec.template.spec", labels: "spec.template.metadata.labels" };

/** Every Kubernetes kind that runs pods, and how to read it. */
export const WORKLOADS: Readonly<Record<string, WorkloadShape>> = {
    "kubernetes:apps/v1:Deployment": { kind: "Deployment", ...TEMPLATE, replicas: "spec.replicas" },
    "kubernetes:apps/v1:StatefulSet": { kind: "StatefulSet", ...TEMPLATE, replicas: "spec.replicas" },
    "kubernetes:apps/v1:ReplicaSet": { kind: "ReplicaSet", ...TEMPLATE, replicas: "spec.replicas" },
    "kubernetes:core/v1:ReplicationController": { kind: "ReplicationController", ...TEMPLATE, replicas: "spec.replicas" },
    "kubernetes:core/v1:Pod": { kind: "Pod", podSpec: "spec", labels: "metadata.labels", replicas: "one" },
    "kubernetes:apps/v1:DaemonSet": { kind: "DaemonSet", ...TEMPLATE, replicas: { uncounted: "a DaemonSet runs one pod per node, and the node count is not in this stack" } },
    "kubernetes:batch/v1:Job": { kind: "Job", ...TEMPLATE, replicas: { uncounted: "a Job's pods run until it completes, for a time the stack does not state" } },
    "kubernetes:batch/v1:CronJob": {
        kind: "CronJob",
        podSpec: "spec.jobTemplate.spec.template.spec",
        labels: "spec.jobTemplate.spec.template.metadata.labels",
        replicas: { uncounted: "a CronJob's pods run on its schedule until they complete, for a time the stack does not state" },
    },
    // Knative Serving: the revisions' pods, between the template's min-scale and max-scale (knative.dev/docs/serving/autoscaling/scale-bounds).
    "kubernetes:serving.knative.dev/v1:Service": { kind: "Knative Service", ...TEMPLATE, replicas: "knative-scale" },
    "kubernetes:serving.knative.dev/v1:Configuration": { kind: "Knative Configuration", ...TEMPLATE, replicas: "knative-scale" },
};

/** Knative's scale annotations on a revision template (`autoscaling.knative.dev/...`). */
const KNATIVE_SCALE = { min: "autoscaling.knative.dev/min-scale", max: "autoscaling.knative.dev/max-scale" };

function readAnnotation(inputs: Record<string, unknown>, key: string): number | undefined {
    const value = record(inputs, "spec.template.metadata.annotations")[key];
    return value === undefined ? undefined : Number(value);
}

/** A Knative revision template's min-scale: 0 (scale to zero) when unset. */
export function knativeMinScale(inputs: Record<string, unknown>): number {
    return readAnnotation(inputs, KNATIVE_SCALE.min) ?? 0;
}

/**
 * The bounds of a Knative revision from its template's annotations: min-scale defaults to 0 (scale to zero), and a
 * max-scale unset or 0 means unbounded (the cluster's max-scale-limit, not in the stack): a reason instead.
 */
export function knativeScale(inputs: Record<string, unknown>): ReplicaBounds | string {
    const min = knativeMinScale(inputs);
    const max = readAnnotation(inputs, KNATIVE_SCALE.max);
    if (!Number.isFinite(min) || max === undefined || !Number.isFinite(max) || max <= 0) {
        return `its template sets no ${KNATIVE_SCALE.max} (unbounded: the cluster's max-scale-limit, not in this stack)`;
    }
    return { min, max, by: `${KNATIVE_SCALE.min} ${min} and ${KNATIVE_SCALE.max} ${max}` };
}

/** The replica bounds of a workload: its autoscaler's, else its own count. */
export function workloadReplicas(inputs: Record<string, unknown>, shape: WorkloadShape, linked: ReplicaBounds | undefined): ReplicaBounds {
    if (linked) return linked;
    if (shape.replicas === "knative-scale") {
        const bounds = knativeScale(inputs);
        return typeof bounds === "string" ? { min: 0, max: 0, by: "" } : bounds;
    }
    const count = shape.replicas === "spec.replicas" ? (num(inputs, "spec.replicas") ?? 1) : 1;
    return { min: count, max: count, by: "" };
}

function priceWorkload(shape: WorkloadShape, inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure | FreeFigure {
    const podSpec = record(inputs, shape.podSpec);
    const demand = podDemand(podSpec);
    const counted = typeof shape.replicas === "string";
    const replicas = workloadReplicas(inputs, shape, ctx.scaling.replicas);
    const by = replicas.by ? `; replicas from ${replicas.by}` : "";
    const pool = ctx.scaling.pool;
    if (pool) {
        const count = counted ? `${range(replicas.min, replicas.max)} replica(s) x ` : "";
        const named = demand.devices > 0 ? podAccelerator(podSpec, record(inputs, shape.labels), demand.resource) : undefined;
        const words = demandWords(demand, typeof named === "object" ? named.accelerator : undefined);
        return { min: 0, max: 0, onPool: pool.urn, basis: `on pool ${pool.name} (${pool.type}): ${count}${words}${by}; its nodes are priced on the pool` };
    }
    if (demand.devices === 0) return free(`CPU-only pods (${demandWords(demand)}) run on the cluster's nodes, priced where those are created`);
    if (typeof shape.replicas !== "string") return unknown(`${demand.devices} ${demand.resource} per pod, but ${shape.replicas.uncounted}`);
    const unbounded = shape.replicas === "knative-scale" && !ctx.scaling.replicas ? knativeScale(inputs) : undefined;
    if (typeof unbounded === "string") return unknown(`${demand.devices} ${demand.resource} per pod, but ${unbounded}`);
    const found = podAccelerator(podSpec, record(inputs, shape.labels), demand.resource);
    if (typeof found === "string") return unknown(`${demand.devices} ${demand.resource} per pod, but ${found}`);
    const cloud = found.cloud ?? ctx.kubernetesCloud;
    const region = cloud === "aws" ? ctx.awsRegion : ctx.gcpRegion;
    const node = cheapestNodeShape({ cloud, accelerator: found.accelerator, gpus: demand.devices, minVcpus: demand.vcpus, minMemoryGiB: demand.memoryGiB, region });
    const hourly = node.onDemandHourly;
    const prewarm = replicas.prewarm;
    const extra = prewarm ? (prewarm.replicaHoursPerMonth === null ? null : prewarm.replicaHoursPerMonth * hourly) : 0;
    const atMin = monthly(replicas.min, hourly);
    const where = ctx.scaling.nodesInStack ? "no node pool of this stack matches its nodeSelector" : "the cluster's nodes are not in this stack";
    const prewarmWords = prewarm ? `; pre-warming: ${prewarm.words}` : "";
    return {
        min: atMin === null || extra === null ? null : atMin + extra,
        max: monthly(replicas.max, hourly),
        basis:
            `${range(replicas.min, replicas.max)} replica(s) x ${demandWords(demand, found.accelerator)} (${found.label}), each priced as the cheapest node that fits it: ` +
            `${nodeShapeWords(node)} at ${usd(hourly)}/h on-demand, ${acceleratorInfo(found.accelerator).displayName} on ${cloud} ${region} (${node.source}) ${PER_MONTH}${by}${prewarmWords}; ${where}`,
    };
}

/** The pricer of every workload kind. */
export const WORKLOAD_PRICERS: Readonly<Record<string, (inputs: Record<string, unknown>, ctx: PricingContext) => PricedFigure | FreeFigure>> = Object.fromEntries(
    Object.entries(WORKLOADS).map(([type, shape]) => [type, (inputs: Record<string, unknown>, ctx: PricingContext) => priceWorkload(shape, inputs, ctx)]),
);

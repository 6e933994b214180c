/**
 * Kubernetes: what the target can do and which autoscaler object it gets (keda.ts or hpa.ts; with engine knative the
 * annotations of a Knative revision, knative.ts), the shape of one replica for the budget, and the check that a GPU
 * pool's maximum covers the pods' maximum.
 *
 * Scale from zero: with no replica running, nothing in the cluster holds an HTTP request (the gateway answers
 * 503 while the Service has no ready endpoint), and the pods' own metrics do not exist to activate on. So with KEDA
 * zero is accepted only where the work waits outside the pods: metric `queue-depth` or `custom` with a query that
 * counts it. HTTP traffic scales to zero with engine knative, whose activator holds the requests; otherwise keep
 * `minReplicas >= 1` (the default) and pre-warm on a schedule (docs/scaling.md).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import type { CostedResource } from "../../sdk/cost/types";
import { ACCELERATOR_LABEL, acceleratorResourceName } from "../kubernetes/placement";
import { describeValue, isDeferred, ModelshipValidationError, ValidationProblem } from "../../sdk/validate";
import { ServingRuntime } from "../../sdk/catalog/runtimes";
import { KubernetesScalingEngine, ScalingMetric } from "./args";
import { createHpa, hpaArgs } from "./hpa";
import { KNATIVE_SCALE_DOWN_DELAY_SECONDS, knativeProblems } from "./knative";
import { createScaledObject, ExternalTrigger, scaledObjectArgs } from "./keda";
import { at } from "./paths";
import { presetQuery, readsPodMetrics } from "./queries";
import type { ParsedAutoscalingArgs } from "./schema";
import { DEFAULT_POLLING_INTERVAL_SECONDS, defaultReplicaTarget, KUBERNETES_SCALE_DOWN_DELAY_SECONDS } from "./defaults";
import type { AutoscalerContext, AutoscalerSpec, KubernetesScaling, TargetRules } from "./spec";

/** The Deployment an autoscaler object targets, and the object's own name and labels. */
export interface KubernetesScaleRef {
    /** Name of the ScaledObject or HPA (the Deployment's name is a good one). */
    name: string;
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
    deploymentName: pulumi.Input<string>;
    /** Maps service-wide replica counts to this Deployment's (a canary version's share). Defaults to identity. */
    replicasOf?: (n: number) => number;
    /**
     * Queue mode: the KEDA trigger on the queue's backlog (a ModelService's queue backend makes it, with its
     * TriggerAuthentication), in place of the Prometheus triggers. Required to create the ScaledObject in queue mode; the
     * cost model's view leaves it out (it reads the bounds and the cron triggers).
     */
    trigger?: ExternalTrigger;
}

const HPA_METRIC_NAMES: Record<ScalingMetric, string | undefined> = {
    [ScalingMetric.InFlightRequests]: "in_flight_requests",
    [ScalingMetric.RequestsPerSecond]: "requests_per_second",
    [ScalingMetric.QueueDepth]: "queue_depth",
    [ScalingMetric.GpuUtilization]: "gpu_utilization",
    [ScalingMetric.Custom]: undefined,
};

/** The resolved engine of each `engine` value (the default is keda). */
const ENGINES: Record<KubernetesScalingEngine, KubernetesScaling["engine"]> = {
    [KubernetesScalingEngine.Keda]: "keda",
    [KubernetesScalingEngine.Hpa]: "hpa",
    [KubernetesScalingEngine.Knative]: "knative",
};

function resolve(ctx: AutoscalerContext, metric: ScalingMetric): Partial<AutoscalerSpec> {
    const given = ctx.kubernetes?.args ?? {};
    const kubernetesScaling: KubernetesScaling = {
        engine: ENGINES[given.engine ?? KubernetesScalingEngine.Keda],
        installKeda: given.installKeda ?? false,
        installKnative: given.installKnative ?? false,
        prometheusUrl: given.prometheusUrl,
        pollingIntervalSeconds: given.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
        hpaMetricName: given.hpaMetricName ?? HPA_METRIC_NAMES[metric] ?? "",
        gpuPoolMaxGpus: given.gpuPoolMaxGpus,
        runtime: ctx.kubernetes?.runtime ?? ServingRuntime.Custom,
        gpusPerReplica: ctx.kubernetes?.gpusPerReplica ?? 0,
        queue: ctx.queue ?? false,
    };
    return { kubernetes: kubernetesScaling };
}

function zeroProblems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext, k8s: KubernetesScaling): ValidationProblem[] {
    // Knative's activator holds HTTP requests while the first replica starts: zero is fine there.
    if (spec.min > 0 || k8s.engine === "knative") return [];
    const received = "0";
    if (k8s.engine === "hpa") {
        return [{ path: ctx.paths.min, received, expected: `at least 1 with ${at(ctx.paths.kubernetes, "engine")} hpa (a HorizontalPodAutoscaler cannot scale to zero; use engine keda)` }];
    }
    const queued = spec.metric === ScalingMetric.QueueDepth || spec.metric === ScalingMetric.Custom;
    if (!queued) {
        // Knative serves a ModelService only: a standalone SpikeAutoscaler scales a Deployment it did not make.
        const knative = ctx.kubernetes?.knativeServing ? `${at(ctx.paths.kubernetes, "engine")} knative` : "a ModelService with kubernetes.autoscaler.engine knative";
        return [
            {
                path: ctx.paths.min,
                received,
                expected:
                    `at least 1 with metric ${spec.metric} and engine keda: at zero replicas nothing holds the first requests (the gateway answers 503 ` +
                    `until a pod is ready) and the pods' metrics do not exist to wake on. Two ways to zero: ${knative} (its activator holds ` +
                    "the requests while the first replica starts), or metric queue-depth or custom, whose work waits outside the pods; else keep 1 and pre-warm (docs/scaling.md)",
            },
        ];
    }
    if (args.query === undefined && readsPodMetrics(spec.metric, k8s.runtime)) {
        return [
            {
                path: at(ctx.paths.block, "query"),
                received: describeValue(undefined),
                expected: "a query that counts the backlog outside the pods with minReplicas 0 (the preset reads the pods' own queue, which does not exist at zero)",
            },
        ];
    }
    return [];
}

/**
 * Queue mode (a ModelService's `scaling.mode: queue`; engine keda, the others are refused before): KEDA's queue scaler
 * reads the backlog from the queue itself, the metric that reaches zero and comes back, so there is no Prometheus here.
 */
function queueModeProblems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext, k8s: KubernetesScaling): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    const path = (field: string) => at(ctx.paths.kubernetes, field);
    const why = "KEDA's queue scaler reads the backlog from the queue itself (messages waiting and in flight), the metric that reaches zero replicas and comes back";
    if (spec.metric !== ScalingMetric.QueueDepth) out.push({ path: at(ctx.paths.block, "metric"), received: describeValue(spec.metric), expected: `queue-depth in queue mode: ${why}` });
    if (args.query !== undefined) out.push({ path: at(ctx.paths.block, "query"), received: describeValue(args.query), expected: `no query in queue mode: ${why}, not from Prometheus` });
    for (const field of ["prometheusUrl", "hpaMetricName"] as const) {
        const value = ctx.kubernetes?.args?.[field];
        if (value !== undefined) out.push({ path: path(field), received: describeValue(value), expected: `nothing in queue mode: ${why}, not from Prometheus` });
    }
    if (k8s.installKnative) out.push({ path: path("installKnative"), received: "true", expected: "false in queue mode (KEDA scales the Deployment; Knative is not used)" });
    return [...out, ...poolProblems(spec, k8s, ctx)];
}

function problems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const k8s = spec.kubernetes as KubernetesScaling;
    if (k8s.queue) return queueModeProblems(spec, args, ctx, k8s);
    const out = zeroProblems(spec, args, ctx, k8s);
    const path = (field: string) => at(ctx.paths.kubernetes, field);
    if (k8s.engine === "knative") return [...out, ...knativeProblems(spec, args, ctx), ...poolProblems(spec, k8s, ctx)];
    if (k8s.installKnative) out.push({ path: path("installKnative"), received: "true", expected: `false unless ${path("engine")} is knative (it is ${k8s.engine})` });
    if (k8s.engine === "hpa") {
        if (spec.prewarm.length > 0)
            out.push({
                path: at(ctx.paths.block, "prewarm"),
                received: `an array of ${spec.prewarm.length}`,
                expected: `no pre-warming with ${path("engine")} hpa (a HorizontalPodAutoscaler has no schedules; use engine keda)`,
            });
        if (k8s.installKeda) out.push({ path: path("installKeda"), received: "true", expected: `false with ${path("engine")} hpa` });
        if (args.query !== undefined)
            out.push({
                path: at(ctx.paths.block, "query"),
                received: describeValue(args.query),
                expected: `no query with ${path("engine")} hpa (the HPA reads ${path("hpaMetricName")} from the custom metrics API)`,
            });
        if (k8s.hpaMetricName === "") out.push({ path: path("hpaMetricName"), received: describeValue(undefined), expected: "the external metric's name with metric custom and engine hpa" });
        return out;
    }
    if (k8s.prometheusUrl === undefined) {
        out.push({
            path: path("prometheusUrl"),
            received: describeValue(undefined),
            expected: "the Prometheus server KEDA queries, such as http://prometheus-operated.monitoring.svc:9090 (engine keda)",
        });
    }
    if (args.query === undefined && presetQuery(spec.metric, k8s.runtime, Math.max(1, k8s.gpusPerReplica), spec.maxQueuedPerRunning) === undefined) {
        out.push({
            path: at(ctx.paths.block, "query"),
            received: describeValue(undefined),
            expected: `a Prometheus query for metric ${spec.metric}: the ${k8s.runtime} server has no preset query for it (presets: vllm, tgi, triton, torchserve; docs/scaling.md)`,
        });
    }
    if (spec.metric === ScalingMetric.GpuUtilization && k8s.gpusPerReplica === 0) {
        out.push({ path: at(ctx.paths.block, "metric"), received: describeValue(spec.metric), expected: "a metric other than gpu-utilization for pods without a GPU" });
    }
    out.push(...poolProblems(spec, k8s, ctx));
    return out;
}

/** GPUs the pods may ask for at most: billed replicas at the effective maximum x GPUs per replica. */
export function podsMaxGpus(spec: AutoscalerSpec): number {
    return spec.billedReplicas(spec.max) * (spec.kubernetes?.gpusPerReplica ?? 0);
}

function poolProblem(spec: AutoscalerSpec, poolMax: number, path: string): ValidationProblem | undefined {
    const needed = podsMaxGpus(spec);
    if (needed <= poolMax) return undefined;
    return {
        path,
        received: String(poolMax),
        expected: `at least ${needed} GPUs: the pods' maximum (${spec.billedReplicas(spec.max)} replica(s) x ${spec.kubernetes?.gpusPerReplica} GPU) must fit in the pool's maximum (raise the GpuPool's maxNodes, or lower maxReplicas)`,
    };
}

function poolProblems(spec: AutoscalerSpec, k8s: KubernetesScaling, ctx: AutoscalerContext): ValidationProblem[] {
    const pool = k8s.gpuPoolMaxGpus;
    if (pool === undefined || isDeferred(pool)) return [];
    const problem = poolProblem(spec, pool as number, at(ctx.paths.kubernetes, "gpuPoolMaxGpus"));
    return problem ? [problem] : [];
}

/**
 * The pool check once a `gpuPoolMaxGpus` Output (a GpuPool's `capacity.maxGpus`) is known: fails the deployment
 * with the usual error when the pool is too small. True when there is nothing to check.
 */
export function deferredPoolCheck(spec: AutoscalerSpec, componentType: string, name: string, path: string): pulumi.Output<boolean> {
    const pool = spec.kubernetes?.gpuPoolMaxGpus;
    if (pool === undefined || !isDeferred(pool)) return pulumi.output(true);
    return pulumi.output(pool).apply((value) => {
        const problem = poolProblem(spec, value, path);
        if (problem) throw new ModelshipValidationError(componentType, name, [problem]);
        return true;
    });
}

export const kubernetesRules: TargetRules = {
    defaultMetricTarget: defaultReplicaTarget,
    defaultScaleDownDelaySeconds: (ctx) => (ctx.kubernetes?.args?.engine === KubernetesScalingEngine.Knative ? KNATIVE_SCALE_DOWN_DELAY_SECONDS : KUBERNETES_SCALE_DOWN_DELAY_SECONDS),
    problems,
    resolve,
};

/**
 * Replicas as the cost model prices pods: the accelerator's device limit, the pod's vCPU and memory requests when
 * known, and the `modelship.dev/accelerator` label; each priced as the cheapest node shape that fits it. Without a
 * GPU the cost model prices nothing for them (CPU pods run on the cluster's nodes, priced where those are created).
 */
export function kubernetesReplicaShape(name: string, gpu?: { accelerator: Accelerator; count: number }, resources?: { cpu: number; memoryGiB: number }): (replicas: number) => CostedResource {
    const labels = gpu ? { [ACCELERATOR_LABEL]: gpu.accelerator } : {};
    const limits = gpu ? { [acceleratorResourceName(gpu.accelerator)]: String(gpu.count) } : {};
    const requests = resources ? { cpu: resources.cpu, memory: `${Math.ceil(resources.memoryGiB * 1024)}Mi` } : {};
    return (replicas) => ({
        urn: name,
        type: "kubernetes:apps/v1:Deployment",
        name,
        inputs: { spec: { replicas, template: { metadata: { labels }, spec: { containers: [{ name: "server", resources: { limits, requests } }] } } } },
    });
}

/** The autoscaler object (ScaledObject or HPA) as the cost model reads it: it sets the Deployment's bounds. */
export function kubernetesAutoscalerShape(spec: AutoscalerSpec, ref: KubernetesScaleRef): CostedResource {
    const keda = spec.kubernetes?.engine === "keda";
    return {
        urn: ref.name,
        type: keda ? "kubernetes:keda.sh/v1alpha1:ScaledObject" : "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        name: ref.name,
        inputs: (keda ? scaledObjectArgs(spec, ref) : hpaArgs(spec, ref)) as unknown as Record<string, unknown>,
    };
}

/** Creates the ScaledObject (engine keda) or the HPA; the role is the key in a component's `resources`. */
export function createKubernetesAutoscaler(
    logicalName: string,
    spec: AutoscalerSpec,
    ref: KubernetesScaleRef,
    opts: pulumi.CustomResourceOptions,
): { role: "scaledObject" | "horizontalPodAutoscaler"; resource: kubernetes.apiextensions.CustomResource | kubernetes.autoscaling.v2.HorizontalPodAutoscaler } {
    if (spec.kubernetes?.engine === "hpa") return { role: "horizontalPodAutoscaler", resource: createHpa(logicalName, spec, ref, opts) };
    return { role: "scaledObject", resource: createScaledObject(logicalName, spec, ref, opts) };
}

/**
 * Prometheus queries of the metrics, for KEDA's Prometheus trigger, built from each model server's metric names in
 * the runtimes table (sdk/catalog/runtimes). Each returns the metric summed over the Deployment's pods: KEDA divides
 * by the replica count (metricType AverageValue), so the threshold is the target per replica.
 *
 * Assumptions, stated in docs/scaling.md: the servers are scraped with `namespace` and `pod` labels (ModelService's
 * PodMonitor gives them through the Prometheus Operator, docs/observability.md; a Prometheus that scrapes the pods'
 * `prometheus.io/*` annotations with the usual relabelling does too); GPU utilisation comes from
 * NVIDIA's DCGM exporter with its pod mapping kept (`honorLabels`). Anything else: give `query`.
 */
import * as pulumi from "@pulumi/pulumi";
import { runtimeEntry, ServerMetricNames, ServingRuntime } from "../../sdk/catalog/runtimes";
import { ScalingMetric } from "./args";
import { DEFAULT_PANIC_THRESHOLD } from "./defaults";
import type { AutoscalerSpec, KubernetesScaling } from "./spec";

/** What decides whether the queue cap shapes the deployed query. */
type QueryChoice = Pick<AutoscalerSpec, "metric" | "query"> & { kubernetes?: Pick<KubernetesScaling, "engine" | "runtime"> };

/** A query with `SELECTOR` standing for the pod label matchers. */
type Template = string;
const SELECTOR = "__SELECTOR__";

/** The gauges of requests being served and queued, for the servers that report them apart (the runtimes table). */
function inFlightGauges(names: ServerMetricNames): { running: string; waiting: string } | undefined {
    return names.requestsRunning !== undefined && names.requestsWaiting !== undefined ? { running: names.requestsRunning, waiting: names.requestsWaiting } : undefined;
}

/**
 * In flight = running + queued, the queue counted at most `maxQueuedPerRunning` x running: `R + min(W, k x R)`,
 * written `R + (W < k * R or k * R)` (PromQL has no binary min; both sides are label-less sums, so they match).
 */
function inFlightTemplate(g: { running: string; waiting: string }, maxQueuedPerRunning: number): Template {
    const running = `sum(${g.running}{${SELECTOR}})`;
    if (maxQueuedPerRunning === 0) return running;
    const waiting = `sum(${g.waiting}{${SELECTOR}})`;
    const cap = `${maxQueuedPerRunning} * ${running}`;
    return `${running} + (${waiting} < ${cap} or ${cap})`;
}

/** The window of the arrival-rate query, in seconds: `rate()` needs two scrapes in it (scrapes every 15-30 s). */
export const ARRIVAL_WINDOW_SECONDS = 60;

/**
 * The in flight the arrivals make, for a second trigger beside in flight (the HPA takes the larger): the requests
 * arriving per second (completed, plus what running + queued grew by: `deriv`) times the mean time in service (mean
 * running / completion rate, Little's law), over the last minute. Unlike in flight with its queue capped, it sees the
 * whole demand of a steep ramp however few replicas run, and unlike the whole queue it does not grow while the
 * queue waits for replicas already asked for: it asks for what the arrivals need, in one step. Empty while nothing
 * completes (`> 0`), which KEDA reads as 0: in flight decides then.
 */
function arrivalTemplate(g: { running: string; waiting: string }, completed: string): Template {
    const w = `[${ARRIVAL_WINDOW_SECONDS}s`;
    const running = `sum(${g.running}{${SELECTOR}})`;
    const completions = `sum(rate(${completed}{${SELECTOR}}${w}]))`;
    const growth = `deriv((${running} + sum(${g.waiting}{${SELECTOR}}))${w}:15s])`;
    return `clamp_min((${completions} + ${growth}) * avg_over_time(${running}${w}:15s]) / (${completions} > 0), 0)`;
}

/** What a query of each metric is built from: the server's metric names (sdk/catalog/runtimes), the GPUs of a replica, the queue cap. */
type QueryBuilder = (names: ServerMetricNames, gpusPerReplica: number, maxQueuedPerRunning: number) => Template | undefined;

const QUERIES: Record<ScalingMetric, QueryBuilder> = {
    [ScalingMetric.InFlightRequests]: (names, _gpus, k) => {
        const gauges = inFlightGauges(names);
        return gauges && inFlightTemplate(gauges, k);
    },
    [ScalingMetric.RequestsPerSecond]: (names) => names.requestsCompleted && `sum(rate(${names.requestsCompleted}{${SELECTOR}}[1m]))`,
    [ScalingMetric.QueueDepth]: (names) => names.requestsWaiting && `sum(${names.requestsWaiting}{${SELECTOR}})`,
    // NVIDIA's DCGM exporter, whatever the server. One series per GPU: divided by the GPUs of a replica, so that the
    // target stays "percent per GPU".
    [ScalingMetric.GpuUtilization]: (_names, gpus) => {
        const sum = `sum(DCGM_FI_DEV_GPU_UTIL{${SELECTOR}})`;
        return gpus > 1 ? `${sum} / ${gpus}` : sum;
    },
    [ScalingMetric.Custom]: () => undefined,
};

/**
 * The preset query of a metric for a server, or undefined when there is none (give `query`). `maxQueuedPerRunning`
 * caps the queue in the in-flight presets.
 */
export function presetQuery(metric: ScalingMetric, runtime: ServingRuntime, gpusPerReplica: number, maxQueuedPerRunning: number): Template | undefined {
    return QUERIES[metric](runtimeEntry(runtime).metrics, gpusPerReplica, maxQueuedPerRunning);
}

/** True when the preset reads the pods' own metrics (absent while no pod runs). */
export function readsPodMetrics(metric: ScalingMetric, runtime: ServingRuntime): boolean {
    return presetQuery(metric, runtime, 1, 0) !== undefined;
}

/**
 * The queue cap the deployed query applies, or undefined when none does: metric in-flight-requests, KEDA, no query
 * of one's own, and a server reporting running and queued requests apart. The simulator runs exactly this.
 */
export function deployedQueueCap(spec: QueryChoice & Pick<AutoscalerSpec, "maxQueuedPerRunning">): number | undefined {
    return queueCapApplies(spec) ? spec.maxQueuedPerRunning : undefined;
}

/** True when {@link AutoscalerSpec.maxQueuedPerRunning} shapes the deployed query. */
export function queueCapApplies(spec: QueryChoice): boolean {
    const k8s = spec.kubernetes;
    return spec.metric === ScalingMetric.InFlightRequests && spec.query === undefined && k8s?.engine === "keda" && inFlightGauges(runtimeEntry(k8s.runtime).metrics) !== undefined;
}

/**
 * The ratio of the arrivals' in flight to the running requests above which the panic query counts the whole queue:
 * {@link DEFAULT_PANIC_THRESHOLD}, and at most 1 + the queue cap (k), where in flight with its queue capped at
 * k x running stops seeing the demand.
 */
export function panicThreshold(spec: Pick<AutoscalerSpec, "maxQueuedPerRunning">): number {
    return Math.min(DEFAULT_PANIC_THRESHOLD, 1 + spec.maxQueuedPerRunning);
}

/**
 * The panic query (Knative's panic mode, as a third trigger): the whole in flight, queue and all, only while the
 * arrivals' in flight is above `threshold` x the running requests ({@link panicThreshold}); empty otherwise (KEDA
 * reads it as 0). A steep ramp then asks for its backlog at the next sync, where the arrivals take a minute's window
 * to show in full; a short burst on running replicas does not panic.
 */
function panicTemplate(g: { running: string; waiting: string }, completed: string, threshold: number): Template {
    const running = `sum(${g.running}{${SELECTOR}})`;
    return `(${running} + sum(${g.waiting}{${SELECTOR}})) and on() (${arrivalTemplate(g, completed)} > ${threshold} * ${running})`;
}

/** The panic query of the server, where {@link arrivalQuery} has one; undefined otherwise. */
export function panicQuery(spec: QueryChoice & Pick<AutoscalerSpec, "maxQueuedPerRunning">): Template | undefined {
    if (arrivalQuery(spec) === undefined) return undefined;
    const names = runtimeEntry((spec.kubernetes as Pick<KubernetesScaling, "runtime">).runtime).metrics;
    return panicTemplate(inFlightGauges(names) as { running: string; waiting: string }, names.requestsCompleted as string, panicThreshold(spec));
}

/**
 * The arrival-rate query of the server, where the in-flight preset is deployed ({@link queueCapApplies}) and the
 * server counts its completed requests; undefined otherwise (no second trigger).
 */
export function arrivalQuery(spec: QueryChoice): Template | undefined {
    if (!queueCapApplies(spec)) return undefined;
    const names = runtimeEntry((spec.kubernetes as Pick<KubernetesScaling, "runtime">).runtime).metrics;
    const gauges = inFlightGauges(names);
    return gauges && names.requestsCompleted !== undefined ? arrivalTemplate(gauges, names.requestsCompleted) : undefined;
}

/**
 * The deployed arrival-rate trigger (its window) and panic trigger (the ratio of the arrivals' in flight to the
 * running requests above which the whole queue counts), or undefined when none is deployed. The simulator runs exactly this.
 */
export function deployedArrivalTriggers(spec: QueryChoice & Pick<AutoscalerSpec, "maxQueuedPerRunning">): { windowSeconds: number; panicAbove: number } | undefined {
    return arrivalQuery(spec) === undefined ? undefined : { windowSeconds: ARRIVAL_WINDOW_SECONDS, panicAbove: panicThreshold(spec) };
}

/**
 * The query for one Deployment: pods are `<deployment>-<replicaset hash>-<pod hash>`, so the pattern never matches
 * a sibling Deployment whose name starts the same (`llm` and `llm-next`).
 */
export function podQuery(template: Template, namespace: pulumi.Input<string>, deploymentName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.all([namespace, deploymentName]).apply(([ns, name]) => template.split(SELECTOR).join(`namespace="${ns}",pod=~"${name}-[a-z0-9]+-[a-z0-9]+"`));
}

/**
 * Engine `knative`: the autoscaling spec as Knative Serving's KPA annotations on a revision template
 * (`autoscaling.knative.dev/*`, knative.dev/docs/serving/autoscaling), and what the engine cannot do.
 *
 * The KPA decides every 2 s on the in-flight requests (metric `concurrency`) or requests per second (`rps`) the
 * queue-proxy of each pod reports, averaged over a 60 s stable window, and panics on a 6 s window when that asks for
 * twice the ready pods (scaling up at once and never down while panicking). At zero, the activator holds the requests
 * and wakes the revision at once: HTTP traffic can scale to zero here, unlike with KEDA or the HPA.
 *
 * Bounds from the Knative webhook (knative/serving pkg/apis/autoscaling/annotation_validation.go): scale-down-delay
 * and the last pod's retention at most 1 h, whole seconds; panic window 1-100% of the stable window; panic threshold
 * 110-1000%; activation-scale, when set, at least 2 (so it is left at Knative's 1).
 *
 * Pre-warming windows raise the serving revisions' min-scale on schedule, without a new revision (knative-prewarm.ts).
 */
import { ScalingMetric } from "./args";
import { at } from "./paths";
import type { ParsedAutoscalingArgs } from "./schema";
import type { AutoscalerContext, AutoscalerSpec } from "./spec";
import type { ValidationProblem } from "../../sdk/validate";
import { describeValue } from "../../sdk/validate";

/** Prefix of Knative's autoscaling annotations. */
export const KNATIVE_AUTOSCALING = "autoscaling.knative.dev";
/** The Knative Pod Autoscaler (the class that scales to zero and has a panic mode; the HPA class does neither). */
export const KPA_CLASS = "kpa.autoscaling.knative.dev";
/** Knative's stable window (config-autoscaler `stable-window`, 60 s): the metric is averaged over it. */
export const KNATIVE_STABLE_WINDOW_SECONDS = 60;
/** Knative's panic window, in percent of the stable window (`panic-window-percentage`, 10%: 6 s). */
export const KNATIVE_PANIC_WINDOW_PERCENTAGE = 10;
/** Knative's panic threshold (`panic-threshold-percentage`, 200%: panic when the panic window asks for twice the ready pods). */
export const KNATIVE_PANIC_THRESHOLD_PERCENTAGE = 200;
/** The KPA's decision period (config-autoscaler `tick-interval`, 2 s). */
export const KNATIVE_TICK_SECONDS = 2;
/** Knative's `scale-to-zero-grace-period` (30 s): the activator's time to get into the path before the last pod goes. */
export const KNATIVE_SCALE_TO_ZERO_GRACE_SECONDS = 30;
/**
 * The scale-down delay's default with engine knative: Knative's own (config-autoscaler `scale-down-delay`, 0 s). The
 * KPA already scales down on a 60 s average; a delay on top keeps more replicas through a spike's ramp, which raises
 * the panic mode's bar (twice the ready pods) and makes it drop more. Measured on the spike family against 60, 120 and
 * 240 s (docs/simulate.md, "Tuning against Knative").
 */
export const KNATIVE_SCALE_DOWN_DELAY_SECONDS = 0;
/** Longest scale-down-delay, retention and window the webhook accepts (`WindowMax`, 1 h). */
export const KNATIVE_WINDOW_MAX_SECONDS = 3600;

/** Knative's metric for each of ours; undefined where the KPA has none (it scales on concurrency and rps only). */
const KNATIVE_METRICS: Record<ScalingMetric, string | undefined> = {
    [ScalingMetric.InFlightRequests]: "concurrency",
    [ScalingMetric.RequestsPerSecond]: "rps",
    [ScalingMetric.QueueDepth]: undefined,
    [ScalingMetric.GpuUtilization]: undefined,
    [ScalingMetric.Custom]: undefined,
};

/** Settings of the other engines, refused with engine knative (the KPA reads the queue-proxy's metrics itself). */
const OTHER_ENGINE_SETTINGS = [
    { field: "prometheusUrl", why: "KEDA's Prometheus server: the KPA reads the queue-proxy's metrics itself" },
    { field: "installKeda", why: "KEDA is not used: install Knative Serving instead (docs/scaling.md)" },
    { field: "pollingIntervalSeconds", why: "KEDA's polling: the KPA decides every 2 s" },
    { field: "hpaMetricName", why: "the HPA's custom metric: the KPA reads the queue-proxy's metrics itself" },
] as const;

/** The problems of engine knative: the metric, the other engines' settings, what the KPA cannot do per service. */
export function knativeProblems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const engine = at(ctx.paths.kubernetes, "engine");
    if (!ctx.kubernetes?.knativeServing) {
        return [
            {
                path: engine,
                received: describeValue("knative"),
                expected: "keda or hpa: engine knative serves the model as a Knative Service, which a ModelService makes (target kubernetes); a SpikeAutoscaler scales an existing Deployment",
            },
        ];
    }
    const problems: ValidationProblem[] = [];
    if (KNATIVE_METRICS[spec.metric] === undefined) {
        problems.push({
            path: at(ctx.paths.block, "metric"),
            received: describeValue(spec.metric),
            expected: `in-flight-requests or requests-per-second with ${engine} knative (Knative's KPA scales on concurrency and rps only; use engine keda for ${spec.metric})`,
        });
    }
    if (args.query !== undefined) {
        problems.push({
            path: at(ctx.paths.block, "query"),
            received: describeValue(args.query),
            expected: `no query with ${engine} knative (the KPA reads the queue-proxy's metrics, not Prometheus)`,
        });
    }
    if (args.burstMultiplier !== undefined) {
        problems.push({
            path: at(ctx.paths.block, "burstMultiplier"),
            received: String(args.burstMultiplier),
            expected: `nothing with ${engine} knative: the scale-up rate is Knative's cluster-wide max-scale-up-rate (config-autoscaler, 1000 by default), not a per-service setting`,
        });
    }
    if (spec.min === 0 && spec.scaleToZeroAfterSeconds > KNATIVE_WINDOW_MAX_SECONDS) {
        problems.push({
            path: at(ctx.paths.block, "scaleToZeroAfterSeconds"),
            received: String(spec.scaleToZeroAfterSeconds),
            expected: `at most ${KNATIVE_WINDOW_MAX_SECONDS} with ${engine} knative (Knative's scale-to-zero-pod-retention-period is at most 1 h)`,
        });
    }
    const given = (ctx.kubernetes.args ?? {}) as Record<string, unknown>;
    for (const { field, why } of OTHER_ENGINE_SETTINGS) {
        if (given[field] !== undefined) problems.push({ path: at(ctx.paths.kubernetes, field), received: describeValue(given[field]), expected: `nothing with ${engine} knative (${why})` });
    }
    return problems;
}

/** A whole number of seconds as a Knative duration: `240s`. */
function seconds(value: number): string {
    return `${Math.round(value)}s`;
}

/**
 * The revision template's autoscaling annotations. `replicasOf` maps the service's replica counts to this revision's
 * (a canary version's share). The target is the metric's target per replica exactly: utilisation 100% (Knative's
 * default 70% would aim at 70% of it).
 */
export function knativeAutoscalingAnnotations(spec: AutoscalerSpec, replicasOf: (n: number) => number = (n) => n): Record<string, string> {
    const a = (key: string) => `${KNATIVE_AUTOSCALING}/${key}`;
    const min = replicasOf(spec.min);
    const annotations: Record<string, string> = {
        [a("class")]: KPA_CLASS,
        [a("metric")]: KNATIVE_METRICS[spec.metric] ?? "concurrency",
        [a("target")]: String(spec.metricTarget),
        [a("target-utilization-percentage")]: "100",
        [a("min-scale")]: String(min),
        [a("max-scale")]: String(replicasOf(spec.max)),
        // A new revision starts with its minimum (at least one: zero needs the cluster's allow-zero-initial-scale).
        [a("initial-scale")]: String(Math.max(1, min)),
        [a("window")]: seconds(KNATIVE_STABLE_WINDOW_SECONDS),
        [a("panic-window-percentage")]: KNATIVE_PANIC_WINDOW_PERCENTAGE.toFixed(1),
        [a("panic-threshold-percentage")]: KNATIVE_PANIC_THRESHOLD_PERCENTAGE.toFixed(1),
        [a("scale-down-delay")]: seconds(spec.scaleDownDelaySeconds),
    };
    if (spec.min === 0) annotations[a("scale-to-zero-pod-retention-period")] = seconds(spec.scaleToZeroAfterSeconds);
    return annotations;
}

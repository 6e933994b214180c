/**
 * Scaling in a SageMaker asynchronous endpoint (ModelService queue mode) on alarms modelship owns, instead of the one
 * target tracking creates for itself.
 *
 * Target tracking on `ApproximateBacklogSizePerInstance` scales in only after its own scale-in alarm, which Application
 * Auto Scaling creates and owns: 15 one-minute datapoints below the target (aws/containers-roadmap#638), not a setting
 * of the policy. After a spike the whole fleet then stays a quarter of an hour once the backlog has drained
 * (docs/simulate.md "Queue mode": 1.56x oracle-at-target on the morning spike). The Application Auto Scaling User Guide
 * ("Target tracking scaling policies", Multiple scaling policies) documents the way out: disable the scale-in portion
 * of the target tracking policy (`disableScaleIn`) and scale in with a step scaling policy. Built here:
 *
 * - the scale-in alarm (`<logicalName>-scale-in`), a metric math alarm on the endpoint's two backlog metrics (namespace
 *   AWS/SageMaker, dimension EndpointName, Average over one-minute periods: SageMaker publishes them every minute).
 *   Its expression is the change, in percent of the instances in service, that brings the backlog per instance back to
 *   the target: 100 x (CEIL(backlog / target) / instances - 1), the instances being backlog / backlog per instance. The
 *   CEIL keeps the last instance while anything waits. It is 0 (nothing to do) while no instance is in service (the
 *   per-instance metric is then missing; HasBacklogWithoutCapacity brings one: sagemaker-backlog.ts), and on an empty
 *   backlog -100 above a minimum of 0, 0 at a minimum of 0 (the idle alarm, below, removes the last ones). It breaches
 *   at -10 or below (at least 10% more instances than the backlog needs: target tracking's own margin, "usually more
 *   than 10% lower"), on every one of `scaleDownDelaySeconds / 60` datapoints, missing ones not breaching;
 * - its step scaling policy: PercentChangeInCapacity in steps of 5 points of that change, each removing the smaller
 *   share of its band (AAS rounds a removal of more than one instance towards zero, so it never removes more than the
 *   backlog allows), -100% at -100 (to `minReplicas`), and a cooldown of `scaleDownDelaySeconds`, so that a second
 *   scale-in waits until the alarm's datapoints have seen the smaller fleet;
 * - at a minimum of 0, the idle alarm (`<logicalName>-idle`): `ApproximateBacklogSize` at 0 on every one of
 *   `scaleToZeroAfterSeconds / 60` datapoints, and its step policy: -100%.
 *
 * The defaults were tuned with `modelship simulate` on the spike family's tuning set (docs/simulate.md "Queue mode").
 * Sources: CloudWatch metric math (Amazon CloudWatch User Guide, "Using math expressions with CloudWatch metrics": IF,
 * CEIL, a missing value compared as 0, a division by zero drops the datapoint), alarm evaluation (M of N datapoints,
 * treatMissingData) and Auto Scaling actions (invoked once a minute while the alarm stays in ALARM: "Using Amazon
 * CloudWatch alarms"); step adjustments, PercentChangeInCapacity's rounding and the scale-in cooldown in the
 * Application Auto Scaling User Guide ("Step scaling policies"), which allows 20 step adjustments per policy ("Quotas").
 */
import * as pulumi from "@pulumi/pulumi";
import type { ValidationProblem } from "../../sdk/validate";
import type { ParsedAutoscalingArgs } from "./schema";
import type { StepPolicyPart } from "./app-autoscaling";
import { at, type AutoscalerPaths } from "./paths";
import type { AutoscalerSpec } from "./spec";

/** CloudWatch's period of the SageMaker endpoint metrics: one minute (a standard-resolution metric). */
export const SCALE_IN_PERIOD_SECONDS = 60;
/**
 * The default scale-down delay in queue mode on SageMaker: one datapoint, and a 60 s cooldown. Tuned on the spike
 * family's tuning set (docs/simulate.md "Queue mode"): 60 s costs x1.167 oracle-at-target's GPU-hours there, 120 s
 * x1.211, 180 s x1.260, 300 s x1.360, the generic 600 s x1.602, at the same p99 waiting (660 s).
 */
export const SAGEMAKER_QUEUE_SCALE_DOWN_DELAY_SECONDS = 60;
/** The alarm breaches when the fleet is at least this many percent larger than the backlog needs. */
export const SCALE_IN_MARGIN_PERCENT = 10;
/** Width of each step, in points of the percent change: 19 steps, within AAS's 20 per policy. */
export const SCALE_IN_STEP_PERCENT = 5;
/** The id of the alarm's expression: the percent change in instances the backlog asks for. */
export const SCALE_IN_EXPRESSION_ID = "change";

/** The change on an empty backlog: -100 (to `minReplicas`) above a minimum of 0; at 0 the idle alarm acts instead. */
function emptyBacklogChange(spec: Pick<AutoscalerSpec, "min">): number {
    // At 0 the instances are unknown (0 / 0), and AAS rounds any percentage of one instance to a whole one: a step
    // here would remove the last instance after the scale-in alarm's datapoints, not the idle time.
    return spec.min > 0 ? -100 : 0;
}

/**
 * The alarm's expression as the simulator evaluates it, for one datapoint: `backlog` (ApproximateBacklogSize) and
 * `perInstance` (ApproximateBacklogSizePerInstance, NaN when missing). Mirrors {@link scaleInExpression}.
 */
export function scaleInChange(backlog: number, perInstance: number, spec: Pick<AutoscalerSpec, "metricTarget" | "min">): number {
    // CloudWatch compares a missing datapoint as 0 ("Comparison and logical operators").
    if (perInstance > 0) return 100 * ((Math.ceil(backlog / spec.metricTarget) * perInstance) / backlog - 1);
    return emptyBacklogChange(spec);
}

/** The metric math expression of the scale-in alarm (query ids `backlog` and `perInstance`). */
export function scaleInExpression(spec: Pick<AutoscalerSpec, "metricTarget" | "min">): string {
    return `IF(perInstance > 0, 100 * (CEIL(backlog / ${spec.metricTarget}) * perInstance / backlog - 1), ${emptyBacklogChange(spec)})`;
}

/** One-minute datapoints covering `seconds` (at least one). */
function datapoints(seconds: number): number {
    return Math.max(1, Math.ceil(seconds / SCALE_IN_PERIOD_SECONDS));
}

/** One of the endpoint's backlog metrics, as a metric query. */
function backlogMetric(metricName: string, endpointName: pulumi.Input<string>) {
    return { metricName, namespace: "AWS/SageMaker", period: SCALE_IN_PERIOD_SECONDS, stat: "Average", dimensions: { EndpointName: endpointName } };
}

/** The scale-in alarm's settings without its action. */
export function scaleInAlarmSettings(spec: Pick<AutoscalerSpec, "metricTarget" | "min" | "scaleDownDelaySeconds">, endpointName: pulumi.Input<string>) {
    const n = datapoints(spec.scaleDownDelaySeconds);
    return {
        comparisonOperator: "LessThanOrEqualToThreshold",
        threshold: -SCALE_IN_MARGIN_PERCENT,
        evaluationPeriods: n,
        datapointsToAlarm: n,
        treatMissingData: "notBreaching",
        metricQueries: [
            { id: "backlog", metric: backlogMetric("ApproximateBacklogSize", endpointName), returnData: false },
            { id: "perInstance", metric: backlogMetric("ApproximateBacklogSizePerInstance", endpointName), returnData: false },
            { id: SCALE_IN_EXPRESSION_ID, expression: scaleInExpression(spec), label: "Change in instances the backlog asks for (%)", returnData: true },
        ],
    };
}

/**
 * The scale-in step configuration: bounds relative to the alarm's threshold (-10), each band of 5 points removing the
 * smaller share (-10% for a change in (-15, -10], -15% for (-20, -15], ... -95% for (-100, -95]), and -100% at -100.
 */
export function scaleInConfiguration(spec: Pick<AutoscalerSpec, "scaleDownDelaySeconds">) {
    const threshold = -SCALE_IN_MARGIN_PERCENT;
    const steps: Array<{ metricIntervalLowerBound?: string; metricIntervalUpperBound: string; scalingAdjustment: number }> = [];
    for (let removed = SCALE_IN_MARGIN_PERCENT; removed < 100; removed += SCALE_IN_STEP_PERCENT) {
        // A change in (-(removed + step), -removed], relative to the threshold.
        steps.push({ metricIntervalLowerBound: String(-removed - SCALE_IN_STEP_PERCENT - threshold), metricIntervalUpperBound: String(-removed - threshold), scalingAdjustment: -removed });
    }
    // At -100 and below (only an empty backlog reaches it): the whole fleet, down to the minimum.
    steps.push({ metricIntervalUpperBound: String(-100 - threshold), scalingAdjustment: -100 });
    return { adjustmentType: "PercentChangeInCapacity", metricAggregationType: "Average", cooldown: spec.scaleDownDelaySeconds, stepAdjustments: steps };
}

/** The idle alarm (a minimum of 0 only): the backlog empty on every datapoint of `scaleToZeroAfterSeconds`. */
export function idleAlarmSettings(spec: Pick<AutoscalerSpec, "scaleToZeroAfterSeconds">, endpointName: pulumi.Input<string>) {
    const n = datapoints(spec.scaleToZeroAfterSeconds);
    return {
        metricName: "ApproximateBacklogSize",
        namespace: "AWS/SageMaker",
        statistic: "Average",
        period: SCALE_IN_PERIOD_SECONDS,
        evaluationPeriods: n,
        datapointsToAlarm: n,
        threshold: 0,
        comparisonOperator: "LessThanOrEqualToThreshold",
        // A backlog that is not reported is not taken for an empty one.
        treatMissingData: "notBreaching",
        dimensions: { EndpointName: endpointName },
    };
}

/** The idle step policy: -100% (to 0) while the idle alarm fires. */
export function idleConfiguration() {
    return {
        adjustmentType: "PercentChangeInCapacity",
        metricAggregationType: "Average",
        cooldown: SCALE_IN_PERIOD_SECONDS,
        stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -100 }],
    };
}

/** The resources' names and roles: `<logicalName>-scale-in` (scaleInPolicy, scaleInAlarm) and `<logicalName>-idle`. */
export function scaleInParts(spec: AutoscalerSpec, endpointName: pulumi.Input<string>): StepPolicyPart[] {
    const out: StepPolicyPart[] = [
        {
            suffix: "scale-in",
            role: "scaleIn",
            config: scaleInConfiguration(spec),
            alarm: scaleInAlarmSettings(spec, endpointName),
            description: pulumi.interpolate`SageMaker endpoint ${endpointName} has more instances than its backlog needs at ${spec.metricTarget} per instance: remove them (modelship queue mode)`,
        },
    ];
    if (spec.min === 0) {
        out.push({
            suffix: "idle",
            role: "idle",
            config: idleConfiguration(),
            alarm: idleAlarmSettings(spec, endpointName),
            description: pulumi.interpolate`SageMaker endpoint ${endpointName} has had no request for ${spec.scaleToZeroAfterSeconds} s: remove every instance (modelship queue mode)`,
        });
    }
    return out;
}

/** The settings the alarms and step policies cannot take: a delay or idle time that is not whole one-minute datapoints. */
export function scaleInProblems(args: ParsedAutoscalingArgs, paths: AutoscalerPaths): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    const fields = [
        ["scaleDownDelaySeconds", "the scale-in alarm's datapoints and the step policy's cooldown"],
        ["scaleToZeroAfterSeconds", "the idle alarm's datapoints"],
    ] as const;
    for (const [field, what] of fields) {
        const given = args[field];
        if (given === undefined || (given >= SCALE_IN_PERIOD_SECONDS && given % SCALE_IN_PERIOD_SECONDS === 0)) continue;
        out.push({
            path: at(paths.block, field),
            received: String(given),
            expected: `a multiple of ${SCALE_IN_PERIOD_SECONDS}, at least ${SCALE_IN_PERIOD_SECONDS}, in queue mode on aws-sagemaker: it sets ${what}, in CloudWatch's one-minute periods of the endpoint's backlog metrics`,
        });
    }
    return out;
}

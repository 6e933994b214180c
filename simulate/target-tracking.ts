/**
 * A queue-mode service on SageMaker as deployed (components/spike-autoscaler/sagemaker.ts, sagemaker-scale-in.ts,
 * sagemaker-backlog.ts): the `modelship` policy of `scaling.mode: queue`. Application Auto Scaling on the endpoint's
 * one-minute CloudWatch metrics, read from the settings the component deploys (never copied here):
 *
 * - every minute one datapoint of each metric: the backlog (`ApproximateBacklogSize`: requests queued or being
 *   processed) averaged over the minute, the backlog per instance in service (`ApproximateBacklogSizePerInstance`,
 *   missing while none is), and `HasBacklogWithoutCapacity` (1 all minute long while requests wait and no instance
 *   serves);
 * - target tracking scales out when the last {@link SCALE_OUT_DATAPOINTS} datapoints of the backlog per instance are
 *   all above the target, to the instances that bring it to the target (capacity x metric / target, on the instances
 *   in service: instances still starting count towards it, as AAS counts the capacity a scale-out added during its
 *   cooldown). Its scale-in portion is disabled (`disableScaleIn`) in queue mode; where it is not, it scales in after
 *   {@link SCALE_IN_DATAPOINTS} below the target, at most once per `scaleInCooldown`;
 * - each step scaling policy runs on its own CloudWatch alarm, as deployed: the alarm is in ALARM when
 *   `datapointsToAlarm` of its last `evaluationPeriods` datapoints breach (missing ones as `treatMissingData` says),
 *   and invokes the policy once a minute while it stays there; the policy takes the step whose bounds (relative to
 *   the threshold) hold the average of those datapoints (`metricAggregationType`), and changes the capacity by its
 *   adjustment type, rounded as AAS rounds a percentage; a scale-out does not repeat within its cooldown (the capacity
 *   it added counts), a scale-in is blocked within its cooldown unless a scale-out came in between;
 * - when several policies act in the same minute, the largest capacity wins (a scale-out before any scale-in), never
 *   below the minimum or a pre-warming window's count, never above the maximum.
 *
 * Target tracking's own alarms are not settings of the policy (AAS makes and owns them): three one-minute datapoints
 * above the target to scale out and fifteen below it to scale in are the alarms AAS is known to create, but could not
 * be read in a stored copy of AWS's documentation here (the Application Auto Scaling user guide, "Target tracking
 * scaling policies", says only that AAS creates and manages them). The 15-datapoint AlarmLow is reported in
 * aws/containers-roadmap#638; verify both on a deployed policy's alarms. Sources of the step scaling semantics:
 * components/spike-autoscaler/sagemaker-scale-in.ts.
 */
import { BACKLOG_WITHOUT_CAPACITY_METRIC, backlogAlarmSettings, scaleFromZeroConfiguration } from "../components/spike-autoscaler/sagemaker-backlog";
import { idleAlarmSettings, idleConfiguration, SCALE_IN_EXPRESSION_ID, scaleInAlarmSettings, scaleInChange, scaleInConfiguration } from "../components/spike-autoscaler/sagemaker-scale-in";
import { SAGEMAKER_SCALE_OUT_COOLDOWN_SECONDS } from "../components/spike-autoscaler/sagemaker";
import type { AutoscalerSpec } from "../components/spike-autoscaler/spec";
import { DEFAULT_STARTUP_TIMEOUT_SECONDS } from "../sdk/catalog/runtimes";
import type { ControlPolicy, LoopState } from "./policy";
import { prewarmFloor } from "./policy";
import { prewarmFloorByMinute } from "./prewarm";
import type { ScalingSpec } from "./policies";
import type { ServiceModel } from "./service";

/** CloudWatch's period of the SageMaker endpoint metrics the policies read: one minute. */
export const METRIC_PERIOD_SECONDS = 60;
/** Target tracking's scale-out alarm: this many one-minute datapoints above the target. */
export const SCALE_OUT_DATAPOINTS = 3;
/** Target tracking's scale-in alarm: this many one-minute datapoints below the target (when its scale-in is enabled). */
export const SCALE_IN_DATAPOINTS = 15;

/** One minute of the endpoint's CloudWatch metrics. */
export interface MinuteMetrics {
    /** ApproximateBacklogSize, averaged over the minute. */
    backlog: number;
    /** ApproximateBacklogSizePerInstance; NaN (missing) while no instance is in service. */
    perInstance: number;
    /** HasBacklogWithoutCapacity: 1 or 0. */
    withoutCapacity: number;
}

/** One step adjustment, its bounds relative to the alarm's threshold (absent bounds: infinite). */
export interface SimulatedStep {
    lower: number;
    upper: number;
    adjustment: number;
}

/** A CloudWatch alarm and the step scaling policy it invokes, as deployed. */
export interface SimulatedStepPolicy {
    /** The resource's role (`scale-in`, `from-zero`), for tests and reports. */
    name: string;
    /** The alarm's datapoint of a minute; NaN when missing. */
    datapoint: (m: MinuteMetrics) => number;
    comparisonOperator: string;
    threshold: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    treatMissingData: string;
    adjustmentType: string;
    cooldownSeconds: number;
    steps: SimulatedStep[];
    minAdjustmentMagnitude?: number;
}

/** The deployed scaling of a SageMaker asynchronous endpoint, as the simulator runs it. */
export interface TargetTracking {
    /** Datapoints above the target that scale out. */
    scaleOutDatapoints: number;
    /** Target tracking's `scaleOutCooldown` (a scale-out during it counts the capacity it added: no wait in effect). */
    scaleOutCooldownSeconds: number;
    /** Target tracking's own scale-in; undefined when `disableScaleIn` (queue mode scales in by a step policy). */
    scaleIn?: { datapoints: number; cooldownSeconds: number };
    /** The step scaling policies and their alarms (scale-in; from zero at a minimum of 0). */
    stepPolicies: SimulatedStepPolicy[];
}

/** What the policy remembers: the datapoints and when each policy last scaled. */
export class TrackingMemory {
    /** Backlog per instance of each minute (NaN: missing). */
    readonly perInstance: number[] = [];
    /** Each step policy's alarm datapoints. */
    readonly alarms = new Map<string, number[]>();
    lastTrackingScaleIn = -Infinity;
    /** Per step policy: when it last scaled in, when it last scaled out and from what capacity. */
    readonly lastScaleIn = new Map<string, number>();
    readonly lastScaleOut = new Map<string, { at: number; from: number }>();
}

/** Alarm comparison operators, as CloudWatch applies them (datapoint against the threshold). */
const COMPARISON: Record<string, (x: number, threshold: number) => boolean> = {
    GreaterThanOrEqualToThreshold: (x, t) => x >= t,
    GreaterThanThreshold: (x, t) => x > t,
    LessThanThreshold: (x, t) => x < t,
    LessThanOrEqualToThreshold: (x, t) => x <= t,
};

/** How a missing datapoint counts (CloudWatch's treatMissingData); `undefined`: the alarm keeps its state. */
const MISSING: Record<string, boolean | undefined> = { notBreaching: false, breaching: true, missing: false, ignore: undefined };

/** What an alarm's expression may read of the spec. */
type SeriesSpec = Pick<AutoscalerSpec, "metricTarget" | "min">;

/** The datapoints of each alarm's metric, by metric name or by the id of a metric math alarm's expression. */
const SERIES: Record<string, (spec: SeriesSpec) => (m: MinuteMetrics) => number> = {
    [BACKLOG_WITHOUT_CAPACITY_METRIC]: () => (m) => m.withoutCapacity,
    ApproximateBacklogSize: () => (m) => m.backlog,
    ApproximateBacklogSizePerInstance: () => (m) => m.perInstance,
    [SCALE_IN_EXPRESSION_ID]: (spec) => (m) => scaleInChange(m.backlog, m.perInstance, spec),
};

/** What the simulator reads of a deployed alarm: a plain metric, or a metric math alarm's returned expression. */
interface DeployedAlarm {
    metricName?: string;
    metricQueries?: Array<{ id: string; returnData?: boolean }>;
    comparisonOperator: string;
    threshold: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    treatMissingData: string;
}

/** What the simulator reads of a deployed step scaling configuration. */
interface DeployedStepConfiguration {
    adjustmentType: string;
    cooldown: number;
    minAdjustmentMagnitude?: number;
    stepAdjustments: Array<{ metricIntervalLowerBound?: string; metricIntervalUpperBound?: string; scalingAdjustment: number }>;
}

/** A deployed alarm and step policy, as the simulator runs them. */
export function simulatedStepPolicy(name: string, alarm: DeployedAlarm, config: DeployedStepConfiguration, spec: SeriesSpec): SimulatedStepPolicy {
    const key = alarm.metricName ?? alarm.metricQueries?.find((q) => q.returnData)?.id ?? "";
    const series = SERIES[key];
    if (!series) throw new Error(`the simulator has no series for the alarm metric ${key} (simulate/target-tracking.ts SERIES)`);
    for (const [what, value, table] of [
        ["comparison operator", alarm.comparisonOperator, COMPARISON],
        ["treatment of missing data", alarm.treatMissingData, MISSING],
        ["adjustment type", config.adjustmentType, ADJUST],
    ] as const) {
        if (!(value in table)) throw new Error(`the simulator has no ${what} ${value} (simulate/target-tracking.ts)`);
    }
    return {
        name,
        datapoint: series(spec),
        comparisonOperator: alarm.comparisonOperator,
        threshold: alarm.threshold,
        evaluationPeriods: alarm.evaluationPeriods,
        datapointsToAlarm: alarm.datapointsToAlarm,
        treatMissingData: alarm.treatMissingData,
        adjustmentType: config.adjustmentType,
        cooldownSeconds: config.cooldown,
        minAdjustmentMagnitude: config.minAdjustmentMagnitude,
        steps: config.stepAdjustments.map((s) => ({
            lower: s.metricIntervalLowerBound === undefined ? -Infinity : Number(s.metricIntervalLowerBound),
            upper: s.metricIntervalUpperBound === undefined ? Infinity : Number(s.metricIntervalUpperBound),
            adjustment: s.scalingAdjustment,
        })),
    };
}

/** The scaling spec's fields this policy reads. */
type QueueScalingSpec = Pick<ScalingSpec, "metricTarget" | "min" | "max" | "scaleDownDelaySeconds" | "scaleToZeroAfterSeconds" | "prewarm"> & Partial<Pick<AutoscalerSpec, "startupTimeoutSeconds">>;

/** The deployed scaling of a queue-mode endpoint: target tracking out, the step policy in, the step from zero at a minimum of 0. */
export function deployedQueueScaling(spec: QueueScalingSpec): TargetTracking {
    const steps = [simulatedStepPolicy("scale-in", scaleInAlarmSettings(spec, "endpoint"), scaleInConfiguration(spec), spec)];
    if (spec.min === 0) {
        steps.push(simulatedStepPolicy("idle", idleAlarmSettings(spec, "endpoint"), idleConfiguration(), spec));
        // The component's own step configuration (sagemaker-backlog.ts): +1, cooldown the cold-start budget.
        const budget = { startupTimeoutSeconds: spec.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS };
        steps.push(simulatedStepPolicy("from-zero", backlogAlarmSettings("endpoint"), scaleFromZeroConfiguration(budget), spec));
    }
    return { scaleOutDatapoints: SCALE_OUT_DATAPOINTS, scaleOutCooldownSeconds: SAGEMAKER_SCALE_OUT_COOLDOWN_SECONDS, stepPolicies: steps };
}

/** The `modelship` policy of a queue-mode service on SageMaker: the deployed Application Auto Scaling. */
export function sageMakerQueuePolicy(spec: QueueScalingSpec & ScalingSpec, service: ServiceModel, start: Date, seconds: number): ControlPolicy {
    return {
        name: "modelship",
        syncSeconds: METRIC_PERIOD_SECONDS,
        // The backlog counts requests queued and being processed (ApproximateBacklogSize): the simulator's in flight.
        targetPerReplica: spec.metricTarget,
        tolerance: 0,
        metricWindowSeconds: METRIC_PERIOD_SECONDS,
        scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
        burst: { multiplier: Infinity, minPods: 0 },
        min: spec.min,
        max: spec.max,
        scaleToZeroAfterSeconds: 0,
        activationPollSeconds: METRIC_PERIOD_SECONDS,
        prewarmFloorByMinute: spec.prewarm.length > 0 ? prewarmFloorByMinute(spec.prewarm, start, seconds) : new Int32Array(0),
        timeoutSeconds: service.timeoutSeconds,
        targetTracking: deployedQueueScaling(spec),
    };
}

/** The last `n` entries of `xs` all satisfy `test` (and there are `n`). */
function lastAll(xs: readonly number[], n: number, test: (x: number) => boolean): boolean {
    if (xs.length < n) return false;
    for (let i = xs.length - n; i < xs.length; i++) if (!test(xs[i])) return false;
    return true;
}

/** The alarm is in ALARM on its last datapoints, and the value the policy aggregates them to (their average). */
function alarmValue(p: SimulatedStepPolicy, points: readonly number[]): number | undefined {
    if (points.length < p.evaluationPeriods) return undefined;
    const compare = COMPARISON[p.comparisonOperator];
    const missingBreaches = MISSING[p.treatMissingData];
    let breaching = 0;
    let real = 0;
    let sum = 0;
    for (let i = points.length - p.evaluationPeriods; i < points.length; i++) {
        const x = points[i];
        if (Number.isNaN(x)) {
            if (missingBreaches) breaching++;
            continue;
        }
        real++;
        sum += x;
        if (compare(x, p.threshold)) breaching++;
    }
    // No real datapoint: INSUFFICIENT_DATA (or breaching, where missing data is treated so), nothing to aggregate.
    if (real === 0 || breaching < p.datapointsToAlarm) return undefined;
    return sum / real;
}

/**
 * The step holding `value`: bounds relative to the threshold, the lower one inclusive and the upper one exclusive on
 * an alarm that breaches above it, the other way round on one that breaches below it (a value at the threshold of a
 * `...OrEqualTo...` alarm breaches, so it takes the step its side of the threshold names).
 */
function stepFor(p: SimulatedStepPolicy, value: number): SimulatedStep | undefined {
    const d = value - p.threshold;
    const above = p.comparisonOperator.startsWith("Greater");
    return p.steps.find((s) => (above ? s.lower <= d && d < s.upper : s.lower < d && d <= s.upper));
}

/** AAS's rounding of a percentage change: towards zero beyond one instance, to one instance within it. */
export function percentChange(capacity: number, percent: number, minMagnitude = 0): number {
    const raw = (capacity * percent) / 100;
    if (raw === 0) return 0;
    let change = Math.abs(raw) < 1 ? Math.sign(raw) : Math.trunc(raw);
    if (Math.abs(change) < minMagnitude) change = Math.sign(raw) * minMagnitude;
    return change;
}

/** The capacity a step asks for from `capacity`. */
const ADJUST: Record<string, (capacity: number, step: SimulatedStep, p: SimulatedStepPolicy) => number> = {
    ChangeInCapacity: (c, s) => c + s.adjustment,
    ExactCapacity: (_, s) => s.adjustment,
    PercentChangeInCapacity: (c, s, p) => c + percentChange(c, s.adjustment, p.minAdjustmentMagnitude),
};

/** The minute's datapoints, from the loop's per-second in-flight sums. */
function minuteMetrics(s: LoopState): MinuteMetrics {
    const from = Math.max(0, s.t + 1 - METRIC_PERIOD_SECONDS);
    const backlog = (s.inflightSum[s.t + 1] - s.inflightSum[from]) / (s.t + 1 - from);
    const firstSecond = s.inflightSum[from + 1] - s.inflightSum[from];
    return {
        backlog,
        perInstance: s.ready > 0 ? backlog / s.ready : NaN,
        // 1 all minute long: requests waited from the minute's first second and no instance served.
        withoutCapacity: s.ready === 0 && firstSecond > 1e-9 && backlog > 1e-9 ? 1 : 0,
    };
}

/** One minute of the deployed scaling: records the minute's datapoints, then the count the alarms and policies ask for. */
export function decideTargetTracking(p: ControlPolicy, s: LoopState, mem: TrackingMemory): number {
    const tt = p.targetTracking as TargetTracking;
    const m = minuteMetrics(s);
    mem.perInstance.push(m.perInstance);
    const target = p.targetPerReplica;
    const floor = Math.min(p.max, Math.max(p.min, prewarmFloor(p, s.t)));
    const tracked = Math.ceil(m.backlog / target - 1e-9);
    const outs: number[] = [];
    const ins: Array<{ capacity: number; record: () => void }> = [];

    if (lastAll(mem.perInstance, tt.scaleOutDatapoints, (x) => x > target) && tracked > s.current) outs.push(tracked);
    else if (tt.scaleIn && lastAll(mem.perInstance, tt.scaleIn.datapoints, (x) => x < target) && s.t - mem.lastTrackingScaleIn >= tt.scaleIn.cooldownSeconds && tracked < s.current) {
        ins.push({ capacity: tracked, record: () => (mem.lastTrackingScaleIn = s.t) });
    }

    for (const policy of tt.stepPolicies) {
        let points = mem.alarms.get(policy.name);
        if (!points) mem.alarms.set(policy.name, (points = []));
        points.push(policy.datapoint(m));
        const value = alarmValue(policy, points);
        const step = value === undefined ? undefined : stepFor(policy, value);
        if (!step) continue;
        const asked = ADJUST[policy.adjustmentType](s.current, step, policy);
        if (asked > s.current) {
            // Within its cooldown a scale-out counts the capacity it added: only a larger step adds more.
            const last = mem.lastScaleOut.get(policy.name);
            const base = last && s.t - last.at < policy.cooldownSeconds ? Math.max(s.current, ADJUST[policy.adjustmentType](last.from, step, policy)) : asked;
            if (base > s.current) {
                outs.push(base);
                mem.lastScaleOut.set(policy.name, { at: s.t, from: s.current });
            }
        } else if (asked < s.current && s.t - (mem.lastScaleIn.get(policy.name) ?? -Infinity) >= policy.cooldownSeconds) {
            ins.push({ capacity: asked, record: () => mem.lastScaleIn.set(policy.name, s.t) });
        }
    }

    // A scheduled action raising the minimum raises the capacity at once.
    const held = Math.max(s.current, floor);
    if (outs.length > 0) {
        // A scale-out ends every scale-in cooldown.
        mem.lastScaleIn.clear();
        mem.lastTrackingScaleIn = -Infinity;
        return Math.min(p.max, Math.max(held, ...outs));
    }
    if (ins.length > 0) {
        // Of the policies scaling in, the one that keeps the largest capacity.
        const kept = ins.reduce((a, b) => (b.capacity > a.capacity ? b : a));
        const desired = Math.max(floor, kept.capacity);
        if (desired < held) {
            kept.record();
            return desired;
        }
    }
    return held;
}

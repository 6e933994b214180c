/**
 * A queue-mode service on SageMaker as deployed (components/spike-autoscaler/sagemaker.ts, sagemaker-backlog.ts): the
 * `modelship` policy of `scaling.mode: queue`. Application Auto Scaling target tracking on the endpoint's
 * `ApproximateBacklogSizePerInstance` (the requests queued or being processed, per instance), read as a CloudWatch
 * metric of one-minute periods, and from zero the step policy on the `HasBacklogWithoutCapacity` alarm:
 *
 * - every minute one datapoint: the backlog averaged over the minute, divided by the instances in service (missing
 *   while none is: the per-instance metric is undefined without instances);
 * - scale out when the last {@link SCALE_OUT_DATAPOINTS} datapoints are all above the target, to the instances that
 *   bring the backlog per instance to the target (capacity x metric / target, on the instances in service: instances
 *   still starting count towards it, as AAS counts the capacity a scale-out added during its cooldown);
 * - scale in when the last {@link SCALE_IN_DATAPOINTS} are all below it, at most once per scale-in cooldown
 *   (`scaleDownDelaySeconds`), to the same count, never below the minimum (or a pre-warming window's);
 * - at zero instances, the alarm on `HasBacklogWithoutCapacity` (1 while requests wait and no instance serves) fires
 *   after the deployed alarm's datapoints (`backlogAlarmSettings`: two of two one-minute periods) and adds one
 *   instance, then not again for the step policy's cooldown (the cold-start budget, `scaleFromZeroConfiguration`).
 *
 * The alarms target tracking creates are not settings of the policy (AAS makes and owns them): their evaluation
 * periods, three one-minute datapoints above the target to scale out and fifteen below it to scale in, are the alarms
 * AAS is known to create, but could not be read in a stored copy of AWS's documentation here (the Application Auto
 * Scaling user guide, "How target tracking scaling works", says only that AAS creates and manages the alarms). The
 * 15-datapoint AlarmLow is reported for target tracking's alarms in aws/containers-roadmap#638 (on ECS capacity
 * providers, whose AlarmHigh takes 1 datapoint: with 1 here, docs/simulate.md gives the figures); verify both on a
 * deployed policy's alarms. The scale-in alarm's exact threshold is not documented: below the target is taken.
 */
import { backlogAlarmSettings, scaleFromZeroConfiguration } from "../components/spike-autoscaler/sagemaker-backlog";
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
/** Target tracking's scale-in alarm: this many one-minute datapoints below the target. */
export const SCALE_IN_DATAPOINTS = 15;

/** The deployed scaling of a SageMaker asynchronous endpoint, as the simulator runs it. */
export interface TargetTracking {
    /** Datapoints above the target that scale out, and below it that scale in. */
    scaleOutDatapoints: number;
    scaleInDatapoints: number;
    /** Seconds after a scale-in before the next one (target tracking's `scaleInCooldown`). */
    scaleInCooldownSeconds: number;
    /** Target tracking's `scaleOutCooldown` (a scale-out during it counts the capacity it added: no wait in effect). */
    scaleOutCooldownSeconds: number;
    /** The step policy from zero; undefined at a minimum above 0 (none is deployed). */
    fromZero?: { datapoints: number; cooldownSeconds: number; adjustment: number };
}

/** What the policy remembers: its datapoints and when it last scaled. */
export class TrackingMemory {
    /** Backlog per instance of each minute (NaN: missing, no instance in service). */
    readonly perInstance: number[] = [];
    /** `HasBacklogWithoutCapacity` of each minute (1 or 0). */
    readonly withoutCapacity: number[] = [];
    lastScaleIn = -Infinity;
    lastStep = -Infinity;
}

/** The scaling spec's fields this policy reads. */
type QueueScalingSpec = Pick<ScalingSpec, "metricTarget" | "min" | "max" | "scaleDownDelaySeconds" | "prewarm"> & Partial<Pick<AutoscalerSpec, "startupTimeoutSeconds">>;

/** The `modelship` policy of a queue-mode service on SageMaker: target tracking on the backlog and the step from zero, as deployed. */
export function sageMakerQueuePolicy(spec: QueueScalingSpec & ScalingSpec, service: ServiceModel, start: Date, seconds: number): ControlPolicy {
    const alarm = backlogAlarmSettings("endpoint");
    // The component's own step configuration (components/spike-autoscaler/sagemaker-backlog.ts): +1, cooldown the cold-start budget.
    const step = scaleFromZeroConfiguration({ ...spec, startupTimeoutSeconds: spec.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS } as AutoscalerSpec);
    return {
        name: "modelship",
        syncSeconds: METRIC_PERIOD_SECONDS,
        // The backlog counts requests queued and being processed (ApproximateBacklogSize): the simulator's in flight.
        targetPerReplica: spec.metricTarget,
        tolerance: 0,
        metricWindowSeconds: alarm.period,
        scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
        burst: { multiplier: Infinity, minPods: 0 },
        min: spec.min,
        max: spec.max,
        scaleToZeroAfterSeconds: 0,
        activationPollSeconds: alarm.period,
        prewarmFloorByMinute: spec.prewarm.length > 0 ? prewarmFloorByMinute(spec.prewarm, start, seconds) : new Int32Array(0),
        timeoutSeconds: service.timeoutSeconds,
        targetTracking: {
            scaleOutDatapoints: SCALE_OUT_DATAPOINTS,
            scaleInDatapoints: SCALE_IN_DATAPOINTS,
            scaleInCooldownSeconds: spec.scaleDownDelaySeconds,
            scaleOutCooldownSeconds: SAGEMAKER_SCALE_OUT_COOLDOWN_SECONDS,
            ...(spec.min === 0 && { fromZero: { datapoints: alarm.datapointsToAlarm, cooldownSeconds: step.cooldown, adjustment: step.stepAdjustments[0].scalingAdjustment } }),
        },
    };
}

/** The last `n` entries of `xs` all satisfy `test` (and there are `n`). */
function lastAll(xs: readonly number[], n: number, test: (x: number) => boolean): boolean {
    if (xs.length < n) return false;
    for (let i = xs.length - n; i < xs.length; i++) if (!test(xs[i])) return false;
    return true;
}

/** One minute of the deployed scaling: records the minute's datapoints, then the count the alarms and policies ask for. */
export function decideTargetTracking(p: ControlPolicy, s: LoopState, mem: TrackingMemory): number {
    const tt = p.targetTracking as TargetTracking;
    const period = METRIC_PERIOD_SECONDS;
    const from = Math.max(0, s.t + 1 - period);
    const backlog = (s.inflightSum[s.t + 1] - s.inflightSum[from]) / (s.t + 1 - from);
    const firstSecond = s.inflightSum[from + 1] - s.inflightSum[from];
    mem.perInstance.push(s.ready > 0 ? backlog / s.ready : NaN);
    // 1 all minute long: requests waited from the minute's first second and no instance served.
    mem.withoutCapacity.push(s.ready === 0 && firstSecond > 1e-9 && backlog > 1e-9 ? 1 : 0);

    const target = p.targetPerReplica;
    const floor = Math.min(p.max, Math.max(p.min, prewarmFloor(p, s.t)));
    // A scheduled action raising the minimum raises the capacity at once.
    let desired = Math.max(s.current, floor);
    const tracked = Math.ceil(backlog / target - 1e-9);
    if (lastAll(mem.perInstance, tt.scaleOutDatapoints, (x) => x > target)) desired = Math.max(desired, Math.min(p.max, tracked));
    else if (lastAll(mem.perInstance, tt.scaleInDatapoints, (x) => x < target) && s.t - mem.lastScaleIn >= tt.scaleInCooldownSeconds) {
        const lower = Math.max(floor, tracked);
        if (lower < desired) {
            desired = lower;
            mem.lastScaleIn = s.t;
        }
    }
    const z = tt.fromZero;
    if (z && lastAll(mem.withoutCapacity, z.datapoints, (x) => x >= 1) && s.t - mem.lastStep >= z.cooldownSeconds) {
        desired = Math.min(p.max, Math.max(desired, s.current + z.adjustment));
        mem.lastStep = s.t;
    }
    return desired;
}

/**
 * The policies compared (the two oracles, `oracle` and `oracle-at-target`, are in oracle.ts). `modelship` is the service's own SpikeAutoscaler spec, resolved with its defaults by
 * components/spike-autoscaler/spec.ts (numbers are never copied here). The others are the documented defaults of
 * the systems people compare us with (../shared/reference/serving-facts.md), with the service's own bounds and
 * target per replica, so that what differs is the control loop. `static-peak` and `oracle` are the two ends.
 */
import type { AutoscalerSpec } from "../components/spike-autoscaler/spec";
import { BURST_MIN_PODS, BURST_PERIOD_SECONDS } from "../components/spike-autoscaler/defaults";
import { AutoscalerTarget, ScalingMetric } from "../components/spike-autoscaler/args";
import { deployedArrivalTriggers, deployedQueueCap } from "../components/spike-autoscaler/queries";
import {
    KNATIVE_PANIC_THRESHOLD_PERCENTAGE,
    KNATIVE_PANIC_WINDOW_PERCENTAGE,
    KNATIVE_SCALE_TO_ZERO_GRACE_SECONDS,
    KNATIVE_STABLE_WINDOW_SECONDS,
    KNATIVE_TICK_SECONDS,
} from "../components/spike-autoscaler/knative";
import { knativeTimeoutSeconds } from "../components/model-service/targets/kubernetes-knative-spec";
import { DEFAULT_STARTUP_TIMEOUT_SECONDS } from "../sdk/catalog/runtimes";
import { ControlPolicy } from "./policy";
import { sageMakerQueuePolicy } from "./target-tracking";
import { prewarmFloorByMinute } from "./prewarm";
import { pushTargetPerInstance } from "./pubsub-push";
import { ServiceModel, TARGET_UTILISATION } from "./service";

/** The scaling configuration the simulator reads from a resolved spec. */
export type ScalingSpec = Pick<
    AutoscalerSpec,
    "metric" | "metricTarget" | "query" | "min" | "max" | "specMax" | "scaleDownDelaySeconds" | "maxQueuedPerRunning" | "scaleToZeroAfterSeconds" | "burstMultiplier" | "prewarm"
> &
    /** The cold-start budget (Knative's request timeout at zero derives from it). Defaults to 600 s. */
    Partial<Pick<AutoscalerSpec, "startupTimeoutSeconds" | "target">> & {
        kubernetes?: Pick<NonNullable<AutoscalerSpec["kubernetes"]>, "pollingIntervalSeconds" | "engine" | "runtime">;
    };

/** The spec's target as in-flight requests per replica (the simulator's one metric). */
export function inFlightTarget(spec: ScalingSpec, service: ServiceModel): number {
    // Queue mode on Cloud Run: the spec's target is the concurrency cap, which Cloud Run's autoscaler fills to 60%.
    if (service.queue?.push) return pushTargetPerInstance(service);
    switch (spec.metric) {
        case ScalingMetric.RequestsPerSecond:
            return spec.metricTarget * service.serviceSeconds; // Little's law: in flight = rate x time
        case ScalingMetric.GpuUtilization:
            return (service.concurrency * spec.metricTarget) / 100;
        default:
            return spec.metricTarget;
    }
}

/** A replica's concurrency when not given: the in-flight target at Knative's 70% utilisation. */
export function defaultConcurrency(targetPerReplica: number): number {
    return Math.max(1, Math.ceil(targetPerReplica / TARGET_UTILISATION - 1e-9));
}

const NO_PREWARM = new Int32Array(0);

/** The HPA controller's sync period (`--horizontal-pod-autoscaler-sync-period`, 15 s by default): a cluster setting. */
export const HPA_SYNC_SECONDS = 15;

/**
 * SpikeAutoscaler as resolved for the service: HPA behaviour policies (or KEDA on top) with modelship's defaults, the
 * queue counted as its query counts it (capped for vLLM and TGI on KEDA), and the arrival-rate and panic triggers
 * beside it where the ScaledObject has them.
 */
export function modelshipPolicy(spec: ScalingSpec, service: ServiceModel, start: Date, seconds: number): ControlPolicy {
    if (spec.kubernetes?.engine === "knative") return knativeServicePolicy(spec, service, start, seconds);
    // Queue mode on SageMaker: the deployed Application Auto Scaling, its alarms and step policies (target-tracking.ts).
    if (service.queue && spec.target === AutoscalerTarget.AwsSageMaker) return sageMakerQueuePolicy(spec, service, start, seconds);
    // Above one replica the HPA decides, every sync period of the cluster's controller manager (15 s, a cluster
    // setting no ScaledObject changes): KEDA's metrics server answers it with a fresh query whatever its polling
    // interval. The polling interval only times KEDA's own checks for activation from zero.
    const poll = spec.kubernetes?.pollingIntervalSeconds ?? BURST_PERIOD_SECONDS;
    return {
        name: "modelship",
        syncSeconds: HPA_SYNC_SECONDS,
        targetPerReplica: inFlightTarget(spec, service),
        tolerance: 0.1,
        metricWindowSeconds: 1,
        queueCap: deployedQueueCap(spec),
        // The arrival-rate and panic triggers the deployed ScaledObject has, if any.
        arrivalTrigger: deployedArrivalTriggers(spec),
        scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
        burst: { multiplier: spec.burstMultiplier, minPods: BURST_MIN_PODS },
        min: spec.min,
        max: spec.max,
        scaleToZeroAfterSeconds: spec.scaleToZeroAfterSeconds,
        activationPollSeconds: poll,
        prewarmFloorByMinute: spec.prewarm.length > 0 ? prewarmFloorByMinute(spec.prewarm, start, seconds) : NO_PREWARM,
    };
}

/** Kubernetes HPA defaults: sync 15 s, tolerance 10%, scale-down stabilisation 300 s, +100% or +4 pods per 15 s; minimum at least 1. */
export function hpaPolicy(spec: ScalingSpec, service: ServiceModel): ControlPolicy {
    return {
        name: "hpa-default",
        syncSeconds: HPA_SYNC_SECONDS,
        targetPerReplica: inFlightTarget(spec, service),
        tolerance: 0.1,
        metricWindowSeconds: 1,
        scaleDownDelaySeconds: 300,
        burst: { multiplier: 2, minPods: 4 },
        min: Math.max(1, spec.min),
        max: spec.specMax,
        scaleToZeroAfterSeconds: 0,
        activationPollSeconds: 15,
        prewarmFloorByMinute: NO_PREWARM,
    };
}

/**
 * Knative KPA defaults: tick 2 s, 60 s stable window, 6 s panic window at 200%, scale-up rate up to 1000x, scale to
 * zero (min-scale 0) after a full stable window idle plus the 30 s grace period; the activator wakes at once.
 */
export function knativePolicy(spec: ScalingSpec, service: ServiceModel): ControlPolicy {
    return {
        name: "knative-default",
        syncSeconds: KNATIVE_TICK_SECONDS,
        targetPerReplica: inFlightTarget(spec, service),
        tolerance: 0,
        metricWindowSeconds: KNATIVE_STABLE_WINDOW_SECONDS,
        panic: KNATIVE_PANIC,
        scaleDownDelaySeconds: 0,
        burst: { multiplier: 1000, minPods: 1 },
        min: 0,
        max: spec.specMax,
        scaleToZeroAfterSeconds: KNATIVE_STABLE_WINDOW_SECONDS + KNATIVE_SCALE_TO_ZERO_GRACE_SECONDS,
        activationPollSeconds: 0,
        prewarmFloorByMinute: NO_PREWARM,
    };
}

/** Knative's panic mode: 10% of the 60 s stable window (6 s), at 200% of the ready pods (components/spike-autoscaler/knative.ts). */
const KNATIVE_PANIC = { windowSeconds: (KNATIVE_STABLE_WINDOW_SECONDS * KNATIVE_PANIC_WINDOW_PERCENTAGE) / 100, threshold: KNATIVE_PANIC_THRESHOLD_PERCENTAGE / 100 };

/**
 * SpikeAutoscaler on engine knative, as deployed (components/spike-autoscaler/knative.ts): Knative's KPA with the
 * service's own annotations: its target at 100% utilisation, min/max-scale, the scale-down delay, the last replica kept
 * for the retention period after a stable window idle (at least the grace period), the activator waking the first
 * replica at once and holding requests for the revision's request timeout (the cold-start budget included at zero).
 * Pre-warming windows raise the revisions' min-scale (components/spike-autoscaler/knative-prewarm.ts): a floor, as
 * the KPA applies min-scale to whatever the metric asks for.
 */
export function knativeServicePolicy(spec: ScalingSpec, service: ServiceModel, start: Date, seconds: number): ControlPolicy {
    return {
        name: "modelship",
        syncSeconds: KNATIVE_TICK_SECONDS,
        targetPerReplica: inFlightTarget(spec, service),
        tolerance: 0,
        metricWindowSeconds: KNATIVE_STABLE_WINDOW_SECONDS,
        panic: KNATIVE_PANIC,
        scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
        // Knative's max-scale-up-rate (config-autoscaler, cluster-wide: 1000 by default).
        burst: { multiplier: 1000, minPods: 1 },
        min: spec.min,
        max: spec.max,
        scaleToZeroAfterSeconds: KNATIVE_STABLE_WINDOW_SECONDS + Math.max(KNATIVE_SCALE_TO_ZERO_GRACE_SECONDS, spec.scaleToZeroAfterSeconds),
        activationPollSeconds: 0,
        prewarmFloorByMinute: spec.prewarm.length > 0 ? prewarmFloorByMinute(spec.prewarm, start, seconds) : NO_PREWARM,
        timeoutSeconds: knativeTimeoutSeconds({ min: spec.min, startupTimeoutSeconds: spec.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS }),
    };
}

/** KEDA defaults: polling 30 s for activation, cooldown 300 s before zero (minReplicaCount 0), the HPA's defaults above one. */
export function kedaPolicy(spec: ScalingSpec, service: ServiceModel): ControlPolicy {
    return { ...hpaPolicy(spec, service), name: "keda-default", min: 0, scaleToZeroAfterSeconds: 300, activationPollSeconds: 30 };
}

/** A fixed count all the time. */
export function staticPolicy(replicas: number): ControlPolicy {
    return {
        name: "static-peak",
        syncSeconds: 3600,
        targetPerReplica: 1,
        tolerance: 0,
        metricWindowSeconds: 1,
        scaleDownDelaySeconds: 0,
        burst: { multiplier: 1, minPods: 0 },
        min: replicas,
        max: replicas,
        scaleToZeroAfterSeconds: 0,
        activationPollSeconds: 0,
        prewarmFloorByMinute: NO_PREWARM,
    };
}

/**
 * The defaults of the autoscaling spec. docs/scaling.md gives the reasoning behind each and the numbers of the
 * systems people compare us with; docs/simulate.md the replays that tuned them.
 */
import { ScalingMetric } from "./args";

/** Seconds of one burst step: the Kubernetes HPA's sync period. */
export const BURST_PERIOD_SECONDS = 15;
/** Pods a burst step may add at least, however few run (the HPA's default scale-up: +4 pods or +100%). */
export const BURST_MIN_PODS = 4;
/**
 * How many times over the replica count may grow per 15 s step: x1000 (HPA `Percent` 99900%), Knative's
 * max-scale-up-rate, so that a steep ramp gets what it asks for in one step. The HPA's x2 takes eight steps (2 minutes)
 * from one replica to 600, on top of a GPU cold start; x10 three. What bounds each ask is the metric (the queue cap,
 * the arrivals), not the step: on the public traces x1000 costs what x2 did. Replays: docs/simulate.md, "A fast ramp".
 */
export const DEFAULT_BURST_MULTIPLIER = 1000;
/** The largest `burstMultiplier`: Knative's default max-scale-up-rate. */
export const MAX_BURST_MULTIPLIER = 1000;
/**
 * Seconds the load must stay low before pods go on Kubernetes. Shorter than the HPA's 300 s: a freed GPU node stays
 * about 10 minutes (Cluster Autoscaler's scale-down-unneeded-time), so a pod removed too early comes back in a model
 * load, not a full cold start. Tuned with `modelship simulate` on the public traces (docs/simulate.md).
 */
export const KUBERNETES_SCALE_DOWN_DELAY_SECONDS = 240;
/**
 * Where a removed replica's machine goes with it (SageMaker instances, Lambda environments) the delay is at least
 * this, and at least the cold-start budget: the HPA's stabilisation and KEDA's cooldown (300 s).
 */
export const MIN_SCALE_DOWN_DELAY_SECONDS = 300;
/**
 * With the in-flight metric, queued requests count at most this many times the requests being served (vLLM and
 * TGI presets). A queue that grows while new replicas start then asks for at most 9x the load being served, not
 * for the replicas already on their way. Tuned with `modelship simulate` (docs/simulate.md).
 */
export const DEFAULT_MAX_QUEUED_PER_RUNNING = 8;
/**
 * The panic trigger counts the whole queue while the arrivals' in flight is above this many times the running
 * requests (at most 1 + the queue cap: past that the capped query stops seeing the demand). Tuned on the spike
 * family's tuning set (docs/simulate.md, "Tuning against Knative"): 4 drops 14% fewer than 9 (1 + the queue cap)
 * at the same GPU-hours and changes nothing on the real traces; 3 and below drop fewer still but start panicking on
 * the Azure code trace's bursts (20.0 -> 34.5 GPU-hours).
 */
export const DEFAULT_PANIC_THRESHOLD = 4;
/** KEDA's polling interval: the HPA's sync period (KEDA's own default is 30 s). */
export const DEFAULT_POLLING_INTERVAL_SECONDS = 15;

/**
 * The target per replica where the metric is the replica's own (Kubernetes, SageMaker): in flight, 4 with a GPU (a
 * batching LLM server serves several at once; a start, not a fit) and 70 without (Knative's 100 at 70%); GPU
 * utilisation 70% per GPU (Knative's utilisation target). Undefined for metrics that need a target given.
 */
export function defaultReplicaTarget(metric: ScalingMetric, gpu: boolean): number | undefined {
    if (metric === ScalingMetric.InFlightRequests) return gpu ? 4 : 70;
    return metric === ScalingMetric.GpuUtilization ? 70 : undefined;
}

/**
 * A scaling policy as the simulator runs it: a control loop that reads the in-flight requests (queued and being
 * served; the queue capped where the deployed query caps it) every sync period and asks for a replica count. HPA, Knative's KPA, KEDA and SpikeAutoscaler are all
 * settings of this one loop (policies.ts).
 */

import type { TargetTracking } from "./target-tracking";
import { adaptiveHeld, type AdaptiveHold, type HoldSample } from "./hold";

/** Knative's panic mode: a short window that scales up at once when it sees `threshold` x the ready capacity. */
export interface PanicMode {
    windowSeconds: number;
    /** Panic when the short window asks for this many times the ready replicas (2 = 200%). */
    threshold: number;
}

/** The settings of one control loop. */
export interface ControlPolicy {
    name: string;
    /** Seconds between decisions. */
    syncSeconds: number;
    /** In-flight requests per replica the loop aims at. */
    targetPerReplica: number;
    /** No change while the ratio of needed to current stays within this fraction (HPA: 0.1). */
    tolerance: number;
    /** Seconds the metric is averaged over (1: the last second only). */
    metricWindowSeconds: number;
    /**
     * Queued requests count at most this many times the running ones (SpikeAutoscaler's in-flight query for vLLM and
     * TGI: `running + min(queued, k x running)`); undefined: the whole queue counts.
     */
    queueCap?: number;
    /**
     * A second trigger beside in flight (the HPA takes the larger): the in flight the arrivals of the last
     * `windowSeconds` make, by Little's law on what the servers report (SpikeAutoscaler's arrival-rate query,
     * components/spike-autoscaler/queries.ts): mean running x (completed + growth of in flight) / completed. It sees
     * the whole demand however small the running part (the queue cap does not bound it), and does not grow while the
     * queue waits for replicas already asked for.
     */
    arrivalTrigger?: {
        windowSeconds: number;
        /**
         * The panic trigger beside it (Knative's panic mode, as a query): while the arrivals' in flight is above this
         * many times the running requests (components/spike-autoscaler/queries.ts `panicThreshold`: 4, at most 1 + the
         * queue cap), the whole queue counts, so that a steep ramp asks for its backlog at the next sync.
         */
        panicAbove?: number;
    };
    panic?: PanicMode;
    /**
     * A candidate adaptive scale-down hold (hold.ts): a trigger holding the largest of the triggers above over its window
     * while its condition holds; undefined for none (what every deployed policy has).
     */
    adaptiveHold?: AdaptiveHold;
    /** Replicas go only to the highest count asked for over this many seconds (HPA stabilisation). */
    scaleDownDelaySeconds: number;
    /** Per decision, replicas may grow to at most max(current x multiplier, current + minPods). */
    burst: { multiplier: number; minPods: number };
    min: number;
    max: number;
    /** With min 0: seconds without any request before the last replica goes. */
    scaleToZeroAfterSeconds: number;
    /** With no replica: seconds between checks for work (KEDA's polling interval); 0 wakes at once (an activator). */
    activationPollSeconds: number;
    /** The floor from pre-warming windows in each minute of the trace (index: minute); none when empty. */
    prewarmFloorByMinute: Int32Array;
    /**
     * Seconds a request may wait before it is dropped, when the policy deploys its own request timeout (a Knative
     * revision's `timeoutSeconds`, which its activator applies from the request's arrival). Defaults to the service's.
     */
    timeoutSeconds?: number;
    /**
     * Application Auto Scaling on one-minute CloudWatch datapoints (target tracking, and step policies on their alarms),
     * instead of the loop above (a queue-mode service on SageMaker: simulate/target-tracking.ts); undefined for the loop.
     */
    targetTracking?: TargetTracking;
}

/** What the loop sees each decision. */
export interface LoopState {
    t: number;
    /** Replicas asked for (starting and ready). */
    current: number;
    ready: number;
    /** Prefix sums of in-flight per second: inflightSum[i] = sum of seconds < i. */
    inflightSum: Float64Array;
    /** Prefix sums of the requests being served (in flight less the queue), likewise. */
    runningSum: Float64Array;
    /** Prefix sums of the requests completed in each second, likewise. */
    completedSum: Float64Array;
    /** Last second with any request in flight, or -Infinity. */
    lastBusy: number;
}

/** Per-policy memory of the loop: past recommendations (for stabilisation) and the panic mode's end. */
export class LoopMemory {
    private readonly times: number[] = [];
    private readonly recs: number[] = [];
    private head = 0;
    panicUntil = -1;
    /** The adaptive hold's samples of the triggers' largest value (hold.ts). */
    readonly holdSamples: HoldSample[] = [];

    /** Records a recommendation and returns the highest over the last `window` seconds. */
    stabilised(t: number, rec: number, window: number): number {
        this.times.push(t);
        this.recs.push(rec);
        while (this.head < this.times.length && this.times[this.head] <= t - window) this.head++;
        let best = rec;
        for (let i = this.head; i < this.recs.length; i++) if (this.recs[i] > best) best = this.recs[i];
        if (this.head > 4096) {
            this.times.splice(0, this.head);
            this.recs.splice(0, this.head);
            this.head = 0;
        }
        return best;
    }
}

function windowAverage(sums: Float64Array, t: number, window: number): number {
    const from = Math.max(0, t + 1 - window);
    return (sums[t + 1] - sums[from]) / (t + 1 - from);
}

/** The metric over the last `window` seconds: in flight, or with the queue capped as the deployed query does. */
function average(p: ControlPolicy, s: LoopState, window: number): number {
    const inflight = windowAverage(s.inflightSum, s.t, window);
    if (p.queueCap === undefined) return inflight;
    const running = windowAverage(s.runningSum, s.t, window);
    return running + Math.min(inflight - running, p.queueCap * running);
}

/** The value of a prefix-summed series at second t. */
function at(sums: Float64Array, t: number): number {
    return t < 0 ? 0 : sums[t + 1] - sums[t];
}

/**
 * The arrival-rate trigger's in flight at second `s.t` (see {@link ControlPolicy.arrivalTrigger}): the requests that
 * arrived over the window (completed, plus what in flight grew by; requests dropped from the queue are not counted,
 * as the servers do not report them), times the mean time in service (mean running / completion rate, Little's
 * law). Nothing completed in the window: no value (KEDA reads an empty result as 0).
 */
export function arrivalInFlight(s: LoopState, windowSeconds: number): number {
    const from = Math.max(0, s.t + 1 - windowSeconds);
    const completed = s.completedSum[s.t + 1] - s.completedSum[from];
    if (completed <= 1e-9) return 0;
    const growth = at(s.inflightSum, s.t) - at(s.inflightSum, from - 1);
    return Math.max(0, (windowAverage(s.runningSum, s.t, windowSeconds) * (completed + growth)) / completed);
}

/** The replica floor of pre-warming at second t. */
export function prewarmFloor(p: ControlPolicy, t: number): number {
    const m = Math.floor(t / 60);
    return m < p.prewarmFloorByMinute.length ? p.prewarmFloorByMinute[m] : 0;
}

/** One decision of the loop: the replica count to ask for at second `s.t`. */
export function decide(p: ControlPolicy, s: LoopState, mem: LoopMemory): number {
    const prewarm = Math.min(p.max, prewarmFloor(p, s.t));
    // The HPA computes each metric's count, within its tolerance of the current one, and takes the largest.
    const count = (value: number) => (s.current > 0 && Math.abs(value / (p.targetPerReplica * s.current) - 1) <= p.tolerance ? s.current : Math.ceil(value / p.targetPerReplica - 1e-9));
    let top = average(p, s, p.metricWindowSeconds);
    let rec = count(top);
    if (p.arrivalTrigger) {
        const arrivals = arrivalInFlight(s, p.arrivalTrigger.windowSeconds);
        rec = Math.max(rec, count(arrivals));
        top = Math.max(top, arrivals);
        // The panic trigger: the whole in flight, while the arrivals are above what the capped queue can ask for.
        const panicAbove = p.arrivalTrigger.panicAbove;
        if (panicAbove !== undefined && arrivals > panicAbove * at(s.runningSum, s.t)) {
            rec = Math.max(rec, count(at(s.inflightSum, s.t)));
            top = Math.max(top, at(s.inflightSum, s.t));
        }
    }
    if (p.adaptiveHold) {
        // The opening count is what the loop asked for before the trace (model.ts seeds the stabilisation likewise).
        if (mem.holdSamples.length === 0) mem.holdSamples.push({ t: 0, value: s.current * p.targetPerReplica });
        const held = adaptiveHeld(p.adaptiveHold, mem.holdSamples, s.t, top);
        if (held > 0) rec = Math.max(rec, count(held));
    }
    // A window is a trigger like the metric (KEDA takes the largest), so its replicas also wait out the scale-down delay.
    rec = Math.max(rec, prewarm);
    if (p.panic) {
        const short = Math.ceil(average(p, s, p.panic.windowSeconds) / p.targetPerReplica - 1e-9);
        if (s.ready > 0 ? short >= p.panic.threshold * s.ready : short > 0) mem.panicUntil = s.t + p.metricWindowSeconds;
        // In panic the loop uses the short window and never scales down (Knative).
        if (s.t < mem.panicUntil) rec = Math.max(rec, short, s.current);
    }
    // Every recommendation enters the stabilisation window; only a scale-down waits for it.
    const held = mem.stabilised(s.t, rec, p.scaleDownDelaySeconds);
    let desired = rec > s.current ? rec : Math.min(s.current, held);
    if (desired > s.current) desired = Math.min(desired, Math.max(Math.ceil(s.current * p.burst.multiplier), s.current + p.burst.minPods));
    desired = Math.min(p.max, Math.max(p.min, desired));
    if (desired === 0 && s.current > 0 && s.t - s.lastBusy < p.scaleToZeroAfterSeconds) desired = 1;
    return desired;
}

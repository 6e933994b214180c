/**
 * A scaling policy as the simulator runs it: a control loop that reads the in-flight requests (queued and being
 * served; the queue capped where the deployed query caps it) every sync period and asks for a replica count. HPA, Knative's KPA, KEDA and SpikeAutoscaler are all
 * settings of this one loop (policies.ts).
 */

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
    panic?: PanicMode;
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
    /** Last second with any request in flight, or -Infinity. */
    lastBusy: number;
}

/** Per-policy memory of the loop: past recommendations (for stabilisation) and the panic mode's end. */
export class LoopMemory {
    private readonly times: number[] = [];
    private readonly recs: number[] = [];
    private head = 0;
    panicUntil = -1;

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

/** The replica floor of pre-warming at second t. */
export function prewarmFloor(p: ControlPolicy, t: number): number {
    const m = Math.floor(t / 60);
    return m < p.prewarmFloorByMinute.length ? p.prewarmFloorByMinute[m] : 0;
}

/** One decision of the loop: the replica count to ask for at second `s.t`. */
export function decide(p: ControlPolicy, s: LoopState, mem: LoopMemory): number {
    const prewarm = Math.min(p.max, prewarmFloor(p, s.t));
    const avg = average(p, s, p.metricWindowSeconds);
    let rec = Math.ceil(avg / p.targetPerReplica - 1e-9);
    if (s.current > 0 && Math.abs(avg / (p.targetPerReplica * s.current) - 1) <= p.tolerance) rec = s.current;
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

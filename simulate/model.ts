/**
 * The per-second, discrete-time simulation of one service under one scaling policy. Each second: requests
 * arrive (FIFO queue), requests waiting past the timeout are dropped, ready replicas start what their free slots
 * allow, the in-flight count is sampled, and on sync ticks the policy decides. New replicas are ready one cold
 * start later: a new node (provisioning, image pull, model load) or, on a node freed recently, the model load only.
 * Deterministic: no randomness.
 */
import { ControlPolicy, decide, LoopMemory, LoopState, prewarmFloor } from "./policy";
import { decideTargetTracking, TrackingMemory } from "./target-tracking";
import { RequestQueue } from "./queue";
import { headroomKept } from "./cold-start";
import { billedHours, fullColdStart, ServiceModel } from "./service";

/** What one policy did over the trace. */
export interface PolicyRun {
    name: string;
    /** Replicas (starting or ready), freed nodes still kept and the pool's warm headroom while kept, in hours. */
    replicaHours: number;
    /** Replica-hours x GPUs per replica: 0 for a CPU service. */
    gpuHours: number;
    /** The billed hours in the service's unit (service.ts, `hourUnit`): GPU-hours, or replica-hours for a CPU service. */
    hours: number;
    /** USD at the cost model's price per replica-hour; null when unknown. */
    costUsd: number | null;
    served: number;
    dropped: number;
    /** Requests served after waiting w seconds: waitHistogram[w]. */
    waitHistogram: Float64Array;
    /** Replicas (starting and ready) in each second. */
    replicas: Int32Array;
    /** Ready replicas in each second. */
    ready: Int32Array;
    /** Replicas ready to serve in each second: `ready` before the second's decision (which may remove some). */
    servingReady: Int32Array;
    /** Seconds a request could wait before it was dropped, when the policy set its own (ControlPolicy.timeoutSeconds); else the service's. */
    timeoutSeconds?: number;
}

/** Options of {@link simulatePolicy}. */
export interface SimulationStart {
    /** Ready replicas at second 0 (the service is up before the trace starts). Defaults to {@link openingReplicas}. */
    initialReplicas?: number;
}

/**
 * Nodes and replicas: replicas starting (ready at a second), freed nodes (released at a second) and the pool's warm
 * headroom (a node per slot, up at a second: -Infinity for one up before the trace).
 */
export class Fleet {
    readonly starting: number[] = [];
    /** For each starting replica, the second its node has the image in place (its ready second less the model load). */
    private readonly startingWarm: number[] = [];
    ready = 0;
    private readonly freeNodes: number[] = [];
    /** For each freed node, the second from which a replica on it needs the model load only. */
    private readonly freeWarm: number[] = [];
    private freeHead = 0;
    private readonly headroomUp: number[] = [];
    private headroomOpen = false;

    constructor(private readonly service: ServiceModel) {
        const h = service.headroom;
        if (h && headroomKept(h, 0)) {
            this.headroomOpen = true;
            for (let i = 0; i < h.replicas; i++) this.headroomUp.push(-Infinity);
        }
    }

    get count(): number {
        return this.ready + this.starting.length;
    }
    get idleNodes(): number {
        return this.freeNodes.length - this.freeHead;
    }
    /** Replicas' worth of headroom billed now: its GPUs while it is kept. */
    get headroomReplicas(): number {
        return this.headroomOpen && this.service.headroom ? this.service.headroom.gpus / Math.max(1, this.service.gpusPerReplica) : 0;
    }
    add(t: number, n: number): void {
        const c = this.service.coldStart;
        for (let i = 0; i < n; i++) {
            if (this.idleNodes > 0) {
                // Reuse the most recently freed node: its image is cached (and, with a node cache, its weights). A node
                // freed by a replica still starting is not up or has not pulled the image yet: the load starts once it has.
                this.freeNodes.pop();
                const warm = this.freeWarm.pop() as number;
                const load = this.service.warmLoadSeconds ?? c.loadSeconds;
                this.push(Math.max(t, warm) + load, Math.max(t, warm));
            } else if (this.headroomUp.length > 0) {
                const ready = this.onHeadroom(t);
                this.push(ready, ready - c.loadSeconds);
            } else {
                this.push(t + fullColdStart(c), t + fullColdStart(c) - c.loadSeconds);
            }
        }
    }
    private push(ready: number, warm: number): void {
        this.starting.push(ready);
        this.startingWarm.push(warm);
    }
    /**
     * A replica preempts the placeholder whose node is up first (or comes up first): it waits for that node, the rest
     * of the image pull (none once a pre-pull DaemonSet has pulled it: the DaemonSet starts with the node) and the model
     * load. The evicted placeholder goes pending and brings up a node one node start later.
     */
    private onHeadroom(t: number): number {
        const c = this.service.coldStart;
        let first = 0;
        for (let j = 1; j < this.headroomUp.length; j++) if (this.headroomUp[j] < this.headroomUp[first]) first = j;
        const up = Math.max(t, this.headroomUp[first]);
        const pull = this.service.headroom?.prePulled ? Math.max(0, this.headroomUp[first] + c.pullSeconds - up) : c.pullSeconds;
        this.headroomUp[first] = t + c.nodeSeconds;
        return up + pull + c.loadSeconds;
    }
    remove(t: number, n: number): void {
        for (let i = 0; i < n; i++) {
            // Starting replicas go first (the one furthest from ready), then ready ones.
            let warm = t;
            if (this.starting.length > 0) {
                let latest = 0;
                for (let j = 1; j < this.starting.length; j++) if (this.starting[j] > this.starting[latest]) latest = j;
                this.starting.splice(latest, 1);
                warm = this.startingWarm.splice(latest, 1)[0];
            } else this.ready--;
            if (this.service.nodeIdleSeconds > 0) {
                this.freeNodes.push(t + this.service.nodeIdleSeconds);
                this.freeWarm.push(warm);
            }
        }
    }
    tick(t: number): void {
        const h = this.service.headroom;
        if (h) {
            // A window opens: the placeholders go pending and bring up their nodes; it closes: they and their nodes go.
            const open = headroomKept(h, t);
            if (open && !this.headroomOpen) for (let i = 0; i < h.replicas; i++) this.headroomUp.push(t + this.service.coldStart.nodeSeconds);
            if (!open) this.headroomUp.length = 0;
            this.headroomOpen = open;
        }
        for (let j = this.starting.length - 1; j >= 0; j--) {
            if (this.starting[j] <= t) {
                this.ready++;
                this.starting.splice(j, 1);
                this.startingWarm.splice(j, 1);
            }
        }
        while (this.freeHead < this.freeNodes.length && this.freeNodes[this.freeHead] <= t) this.freeHead++;
        if (this.freeHead > 1024) {
            this.freeNodes.splice(0, this.freeHead);
            this.freeWarm.splice(0, this.freeHead);
            this.freeHead = 0;
        }
    }
}

/** Seconds of the trace's opening whose load the service is already sized for at second 0. */
export const OPENING_SECONDS = 60;

/**
 * Replicas at second 0: the service was up before the trace started, sized by its policy for the opening minute's
 * load (its steady-state count), within its floor and maximum. Without this every trace would open with a step.
 */
export function openingReplicas(requests: Float64Array, service: ServiceModel, policy: ControlPolicy): number {
    let sum = 0;
    const n = Math.min(OPENING_SECONDS, requests.length);
    for (let t = 0; t < n; t++) sum += requests[t];
    const inflight = n > 0 ? (sum / n) * Math.max(1, Math.round(service.serviceSeconds)) : 0;
    const floor = Math.max(policy.min, policy.prewarmFloorByMinute[0] ?? 0);
    return Math.min(policy.max, Math.max(floor, Math.ceil(inflight / policy.targetPerReplica - 1e-9)));
}

/** Simulates one policy over `requests` (requests arriving in each second). */
export function simulatePolicy(requests: Float64Array, service: ServiceModel, policy: ControlPolicy, start: SimulationStart = {}): PolicyRun {
    const T = requests.length;
    const S = Math.max(1, Math.round(service.serviceSeconds));
    const timeoutSeconds = policy.timeoutSeconds ?? service.timeoutSeconds;
    // What still waits when the trace ends is served after it or gives up at its timeout (a queue's retention, a
    // gateway's timeout), as it would had the trace been cut anywhere else: the run goes on without arrivals until the
    // queue is empty, its replicas billed meanwhile. (Counting it dropped made a loop caught short in the last seconds
    // drop what it would serve: knative-default's 148 on the Azure code trace, all served within 182 s.)
    const horizon = T + timeoutSeconds + S;
    const queue = new RequestQueue(horizon, S, timeoutSeconds);
    const waitHistogram = new Float64Array(timeoutSeconds + 1);
    const replicas = new Int32Array(horizon);
    const ready = new Int32Array(horizon);
    const servingReady = new Int32Array(horizon);
    const inflightSum = new Float64Array(horizon + 1);
    const runningSum = new Float64Array(horizon + 1);
    const completedSum = new Float64Array(horizon + 1);
    const fleet = new Fleet(service);
    const memory = new LoopMemory();
    const tracking = policy.targetTracking ? new TrackingMemory() : undefined;
    const initial = start.initialReplicas ?? openingReplicas(requests, service, policy);
    fleet.ready = initial;
    // The opening count is what the loop has been asking for before the trace: the scale-down delay counts from it.
    memory.stabilised(0, initial, policy.scaleDownDelaySeconds);
    let served = 0;
    let dropped = 0;
    let lastBusy = -Infinity;
    let nodeSeconds = 0;

    let end = T;
    for (let t = 0; t < horizon; t++) {
        // Past the end, until nothing waits (in queue mode, until the last request is done: its replicas stay until then).
        if (t >= T && queue.queued + (service.queue ? queue.inService : 0) <= 1e-9) break;
        end = t + 1;
        fleet.tick(t);
        // Requests finishing this second free their slots; new ones arrive; those that waited past the timeout give up.
        completedSum[t + 1] = completedSum[t] + queue.arrive(t, t < T ? requests[t] : 0, (_, n) => (dropped += n));
        servingReady[t] = fleet.ready;
        queue.serve(t, fleet.ready * service.concurrency, (arrival, n) => {
            waitHistogram[t - arrival] += n;
            served += n;
        });
        const inflight = queue.inService + queue.queued;
        if (inflight > 1e-9) lastBusy = t;
        inflightSum[t + 1] = inflightSum[t] + inflight;
        runningSum[t + 1] = runningSum[t] + queue.inService;

        const current = fleet.count;
        // At zero the HPA is off: only activation (work waiting, or a pre-warming window) brings the first replica.
        // Target tracking's alarms are evaluated every period, at zero too (the step policy from zero is one of them).
        const tick = t > 0 && t % policy.syncSeconds === 0 && (tracking !== undefined || current > 0 || prewarmFloor(policy, t) > 0);
        const wake = !tracking && current === 0 && inflight > 1e-9 && (policy.activationPollSeconds === 0 || t % policy.activationPollSeconds === 0);
        if (tick || wake) {
            const state: LoopState = { t, current, ready: fleet.ready, inflightSum, runningSum, completedSum, lastBusy };
            let desired = tracking ? decideTargetTracking(policy, state, tracking) : decide(policy, state, memory);
            if (wake) desired = Math.max(1, desired);
            if (desired > current) fleet.add(t, desired - current);
            else if (desired < current) fleet.remove(t, current - desired);
        }
        replicas[t] = fleet.count;
        ready[t] = fleet.ready;
        nodeSeconds += fleet.count + fleet.idleNodes + fleet.headroomReplicas;
    }
    const replicaHours = nodeSeconds / 3600;
    return {
        name: policy.name,
        replicaHours,
        gpuHours: replicaHours * service.gpusPerReplica,
        hours: billedHours(service, replicaHours),
        costUsd: service.hourlyUsd === null ? null : replicaHours * service.hourlyUsd,
        served,
        dropped: dropped + queue.queued,
        waitHistogram,
        replicas: replicas.subarray(0, T),
        ready: ready.subarray(0, T),
        // Past the trace's end too, while its queue drained (the replay of what binds follows it).
        servingReady: servingReady.subarray(0, Math.max(T, end)),
        timeoutSeconds: policy.timeoutSeconds,
    };
}

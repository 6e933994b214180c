/**
 * What binds: when a policy drops requests or waits past the SLO (p99 waiting within `--slo-p99` seconds), why.
 *
 * Every late request (dropped, or served after more than the SLO) is looked at in the second it became late (its
 * arrival + the SLO, or its drop if the timeout is shorter) and put down to one of three causes:
 * - `maxReplicas`: the policy had every replica its bound allows (`maxReplicas`, or the budget's bound where it is
 *   lower), and the trace's peak needs more, even with every replica filled to its capacity;
 * - `scalingLoop`: the loop had asked for fewer replicas than the arrivals of that second need at full capacity (its
 *   sync period, burst limit, target, tolerance, queue cap, or scale to zero held it back);
 * - `coldStart`: it had asked for enough, but some were still starting.
 * A request late behind a backlog while every replica asked for is ready (and enough for the arrivals) is put down to
 * what built the backlog: the cause of the late request before it (else the state when it arrived). So the bound is
 * named only when the trace needs more than it allows.
 *
 * The late requests are found by replaying the policy's queue (simulate/queue.ts, the model's own) against the replicas
 * that served in each second: what the queue does depends on nothing else.
 */
import type { AutoscalerSpec } from "../components/spike-autoscaler/spec";
import type { PolicyRun } from "./model";
import { neededReplicas, ORACLE, ORACLE_AT_TARGET } from "./oracle";
import { RequestQueue } from "./queue";
import { percentile } from "./report";
import { fullColdStart, ServiceModel } from "./service";

/** The SLO on waiting when `--slo-p99` is not given: p99 within 30 s (issue 14). */
export const DEFAULT_SLO_P99_SECONDS = 30;

/** What binds. */
export type LimitBound = "maxReplicas" | "coldStart" | "scalingLoop";

/** One cause of a policy's late requests (the `--json` `limits` entry). */
export interface Limit {
    policy: string;
    bound: LimitBound;
    /** maxReplicas: the replica bound; coldStart: a full cold start in seconds (node + image pull + model load); scalingLoop: null. */
    value: number | null;
    /** Where the value comes from: `maxReplicas` as given ("spec") or the budget ("budget"); the cold start settings ("coldStart"); the policy's loop ("policy"). */
    source: "spec" | "budget" | "coldStart" | "policy";
    /** With source "budget": the monthly budget that sets the bound. */
    budgetMonthlyUsd?: number;
    /** Replicas the arrivals need at full capacity (the oracle's count) at `atSecond`: for maxReplicas, the trace's peak. */
    replicasNeeded: number;
    /** The second of the trace the figures are at: the peak's (maxReplicas), else the first second a request became late for this cause. */
    atSecond: number;
    /** Replicas the policy had (starting or ready) at `atSecond`. */
    replicas: number;
    /** Replicas ready at `atSecond`. */
    ready: number;
    /** Requests dropped for this cause. */
    dropped: number;
    /** Requests served after waiting more than the SLO, for this cause. */
    waitedPastSlo: number;
}

/** The bounds of a spec the limits read: the effective maximum and where it comes from. */
export type BoundsSpec = Pick<AutoscalerSpec, "max" | "specMax"> & { budget?: Pick<NonNullable<AutoscalerSpec["budget"]>, "maxMonthlyUsd"> };

/** A policy's replica bound and its source: `modelship` keeps the budget's bound, the others `maxReplicas` as given (policies.ts). */
export function policyBound(policy: string, spec: BoundsSpec): { value: number; source: "spec" | "budget"; budgetMonthlyUsd?: number } {
    if (policy === "modelship" && spec.max < spec.specMax && spec.budget) return { value: spec.max, source: "budget", budgetMonthlyUsd: spec.budget.maxMonthlyUsd };
    return { value: policy === "modelship" ? spec.max : spec.specMax, source: "spec" };
}

/** Late requests of one run, by arrival second: its queue replayed against its ready replicas. */
export interface LateRequests {
    /** Requests that arrived in second a and were dropped (after the timeout, or still waiting at the end). */
    dropped: Float64Array;
    /** Requests that arrived in second a and were served after waiting more than the SLO. */
    late: Float64Array;
    /** Totals, to check against the run's own. */
    served: number;
    droppedTotal: number;
}

/**
 * Replays the queue of a run (the model's own queue, model.ts) against the replicas that served in each second
 * (`PolicyRun.servingReady`), recording by arrival second what was dropped and what was served past the SLO.
 */
export function replayQueue(requests: Float64Array, service: ServiceModel, servingReady: Int32Array, sloSeconds: number): LateRequests {
    const T = requests.length;
    // A run goes on past the trace while its queue drains (model.ts): servingReady is then longer than the trace.
    const horizon = Math.max(T, servingReady.length);
    const queue = new RequestQueue(horizon, Math.max(1, Math.round(service.serviceSeconds)), service.timeoutSeconds);
    const dropped = new Float64Array(T);
    const late = new Float64Array(T);
    let served = 0;
    const drop = (arrival: number, n: number) => (dropped[arrival] += n);
    for (let t = 0; t < horizon; t++) {
        queue.arrive(t, t < T ? requests[t] : 0, drop);
        queue.serve(t, servingReady[t] * service.concurrency, (arrival, n) => {
            if (t - arrival > sloSeconds) late[arrival] += n;
            served += n;
        });
    }
    queue.remaining(drop);
    return { dropped, late, served, droppedTotal: dropped.reduce((x, y) => x + y, 0) };
}

/** Options of {@link bindingLimits}. */
export interface LimitOptions {
    sloP99Seconds: number;
}

/** True when a run drops requests or waits past the SLO at p99. */
export function isBound(run: PolicyRun, sloP99Seconds: number): boolean {
    return run.dropped >= 0.5 || percentile(run.waitHistogram, 0.99) > sloP99Seconds;
}

/**
 * The limits of one service's runs: for every policy that drops requests or waits past the SLO at p99, one entry
 * per cause of its late requests, the largest first; policies in report order. The oracles never wait.
 */
export function bindingLimits(requests: Float64Array, service: ServiceModel, spec: BoundsSpec, runs: readonly PolicyRun[], options: LimitOptions): Limit[] {
    const slo = options.sloP99Seconds;
    const T = requests.length;
    const need = neededReplicas(requests, service);
    let peakAt = 0;
    for (let t = 1; t < T; t++) if (need[t] > need[peakAt]) peakAt = t;
    const limits: Limit[] = [];
    for (const run of runs) {
        if (run.name === ORACLE || run.name === ORACLE_AT_TARGET || !isBound(run, slo)) continue;
        const bound = policyBound(run.name, spec);
        // A policy with a request timeout of its own (Knative's revision timeout) holds requests that long.
        const timeoutSeconds = run.timeoutSeconds ?? service.timeoutSeconds;
        const replay = replayQueue(requests, { ...service, timeoutSeconds }, run.servingReady, slo);
        const causes = new Map<LimitBound, { dropped: number; late: number; first: number }>();
        let previous: LimitBound | undefined;
        const peakAbove = need[peakAt] > bound.value;
        for (let a = 0; a < T; a++) {
            const count = replay.dropped[a] + replay.late[a];
            if (count <= 1e-9) continue;
            const c = Math.min(T - 1, a + Math.min(Math.floor(slo), timeoutSeconds));
            const atBound = run.replicas[c] >= bound.value;
            const starting = run.replicas[c] > run.ready[c];
            const cause: LimitBound =
                atBound && peakAbove
                    ? "maxReplicas"
                    : run.replicas[c] < need[c]
                      ? "scalingLoop"
                      : starting
                        ? "coldStart"
                        : (previous ?? (run.replicas[a] > run.ready[a] ? "coldStart" : "scalingLoop"));
            previous = cause;
            let entry = causes.get(cause);
            if (!entry) causes.set(cause, (entry = { dropped: 0, late: 0, first: c }));
            entry.dropped += replay.dropped[a];
            entry.late += replay.late[a];
        }
        const entries: Limit[] = [...causes.entries()].map(([cause, e]) => {
            const at = cause === "maxReplicas" ? peakAt : e.first;
            return {
                policy: run.name,
                bound: cause,
                value: cause === "maxReplicas" ? bound.value : cause === "coldStart" ? fullColdStart(service.coldStart) : null,
                source: cause === "maxReplicas" ? bound.source : cause === "coldStart" ? "coldStart" : "policy",
                ...(cause === "maxReplicas" && bound.budgetMonthlyUsd !== undefined && { budgetMonthlyUsd: bound.budgetMonthlyUsd }),
                replicasNeeded: need[at],
                atSecond: at,
                replicas: run.replicas[at],
                ready: run.ready[at],
                dropped: e.dropped,
                waitedPastSlo: e.late,
            };
        });
        entries.sort((x, y) => y.dropped + y.waitedPastSlo - (x.dropped + x.waitedPastSlo));
        limits.push(...entries);
    }
    return limits;
}

/** The `--json` form of a limit: counts rounded, the second also as a UTC time on the trace's clock. */
export function limitJson(l: Limit, start: Date): Record<string, unknown> {
    return {
        policy: l.policy,
        bound: l.bound,
        value: l.value,
        source: l.source,
        ...(l.budgetMonthlyUsd !== undefined && { budgetMonthlyUsd: l.budgetMonthlyUsd }),
        replicasNeeded: l.replicasNeeded,
        atSecond: l.atSecond,
        at: new Date(start.getTime() + l.atSecond * 1000).toISOString(),
        replicas: l.replicas,
        ready: l.ready,
        dropped: Math.round(l.dropped),
        waitedPastSlo: Math.round(l.waitedPastSlo),
    };
}

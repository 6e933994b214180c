/**
 * What binds (simulate/limits.ts, the lines of simulate/describe.ts), `oracle-at-target`, and `static-peak` within
 * maxReplicas: on runs built by hand, whose late requests can be counted on paper, and on simulated runs.
 */
import { describe, expect, it } from "vitest";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import { clockTime, describeLimits, requestCount } from "../../simulate/describe";
import { bindingLimits, isBound, Limit, limitJson, replayQueue } from "../../simulate/limits";
import { PolicyRun, simulatePolicy } from "../../simulate/model";
import { ORACLE_AT_TARGET, oracleRun } from "../../simulate/oracle";
import { ScalingSpec, staticPolicy } from "../../simulate/policies";
import { runPolicies, staticPeakReplicas, summarise } from "../../simulate/report";
import { ServiceModel } from "../../simulate/service";
import { spikeTrace } from "../../simulate/spike";

const START = new Date("2026-01-05T00:00:00Z");
const clock = (t: number) => clockTime(START, t, 3600);
/** One request at a time, one second each: a request's wait is easy to count on paper. */
const one: ServiceModel = {
    concurrency: 1,
    serviceSeconds: 1,
    timeoutSeconds: 100,
    coldStart: { nodeSeconds: 10, pullSeconds: 5, loadSeconds: 3 },
    nodeIdleSeconds: 0,
    gpusPerReplica: 1,
    hourlyUsd: 1,
};
const spec = (over: Partial<ScalingSpec> = {}): ScalingSpec => ({
    metric: ScalingMetric.InFlightRequests,
    metricTarget: 4,
    min: 1,
    max: 20,
    specMax: 20,
    scaleDownDelaySeconds: 240,
    maxQueuedPerRunning: 8,
    scaleToZeroAfterSeconds: 600,
    burstMultiplier: 2,
    prewarm: [],
    ...over,
});

/** A run with the given replicas (starting or ready) and ready replicas per second, waits as given. */
function handRun(name: string, replicas: number[], ready: number[], waits: Float64Array): PolicyRun {
    return {
        name,
        replicaHours: 0,
        gpuHours: 0,
        hours: 0,
        costUsd: 0,
        served: 0,
        dropped: 0,
        waitHistogram: waits,
        replicas: Int32Array.from(replicas),
        ready: Int32Array.from(ready),
        servingReady: Int32Array.from(ready),
    };
}

describe("what binds", () => {
    it("puts each late request down to the loop, the cold start or the bound, in the second it became late", () => {
        // 1 request a second for 30 s. No replica asked for until 10 (the loop), one starting from 10 to 19 (the
        // cold start), then all 3 the bound allows, ready, draining the backlog of 20 at 2 a second.
        const requests = new Float64Array(30).fill(1);
        const replicas = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(3)];
        const ready = [...Array(20).fill(0), ...Array(10).fill(3)];
        const waits = new Float64Array(21);
        waits[20] = 30;
        const run = handRun("hpa-default", replicas, ready, waits);
        // Requests 0-20 wait until second 20; then 3 start a second: request a starts at 20 + floor(a / 3). Past
        // the SLO of 2 s: a = 0..25 (26 late), none dropped.
        const replay = replayQueue(requests, one, run.servingReady, 2);
        expect([replay.served, replay.droppedTotal, replay.late.reduce((a, b) => a + b, 0)]).toEqual([30, 0, 26]);
        // Late at a + 2: a = 0..7 before any replica was asked for, 8..17 while one started, 18..25 behind the
        // backlog once all 3 the bound allows are ready: the bound fits the peak (1), so the backlog is the cold start's.
        const limits = bindingLimits(requests, one, spec({ max: 3, specMax: 3 }), [run], { sloP99Seconds: 2 });
        expect(limits).toEqual([
            { policy: "hpa-default", bound: "coldStart", value: 18, source: "coldStart", replicasNeeded: 1, atSecond: 10, replicas: 1, ready: 0, dropped: 0, waitedPastSlo: 18 },
            { policy: "hpa-default", bound: "scalingLoop", value: null, source: "policy", replicasNeeded: 1, atSecond: 2, replicas: 0, ready: 0, dropped: 0, waitedPastSlo: 8 },
        ]);
        const summary = { name: "hpa-default", waitP99Seconds: 20 } as never;
        expect(describeLimits(limits, [summary], 2, clock)).toEqual([
            "hpa-default: the cold start (18 s) binds: at 00:00:10 1 replica was starting, 0 ready, 1 needed; 26 waited over 2 s (p99 20 s); also the scaling loop (8 requests)",
        ]);
        // 3 requests a second from second 20 on 2 replicas: nothing drains, the 30 from 20 on are still waiting at the
        // end. With maxReplicas 3, the loop that stays at 2 of the 3 needed binds after the cold start (a = 18..29).
        const more = Float64Array.from(requests, (r, t) => (t >= 20 ? 3 : r));
        const two = handRun(
            "hpa-default",
            replicas.map((n) => Math.min(n, 2)),
            ready.map((n) => Math.min(n, 2)),
            waits,
        );
        const counts = (l: Limit) => [l.bound, l.value, l.replicasNeeded, l.atSecond, l.dropped + l.waitedPastSlo];
        expect(bindingLimits(more, one, spec({ max: 3, specMax: 3 }), [two], { sloP99Seconds: 2 }).map(counts)).toEqual([
            ["scalingLoop", null, 1, 2, 40],
            ["coldStart", 18, 1, 10, 10],
        ]);
        // With maxReplicas 2, below the peak's 2 x 3 / 2 = 3 (at second 21), the bound binds from second 20.
        expect(bindingLimits(more, one, spec({ max: 2, specMax: 2 }), [two], { sloP99Seconds: 2 }).map(counts)).toEqual([
            ["maxReplicas", 2, 3, 20, 32],
            ["coldStart", 18, 1, 10, 10],
            ["scalingLoop", null, 1, 2, 8],
        ]);
    });

    it("names the budget when it sets the bound, and the trace's peak that needs more", () => {
        // 3 requests a second for 10 s on the 2 replicas the budget allows: request i starts at floor(i / 2).
        const requests = new Float64Array(10).fill(3);
        const run = { ...simulatePolicy(requests, one, staticPolicy(2), { initialReplicas: 2 }), name: "modelship" };
        // Served 30: 20 in the trace (i = 0..19) and the 10 still waiting at its end after it, within the timeout (100 s);
        // past 1 s: i = 8 and 10..29.
        expect([run.served, run.dropped]).toEqual([30, 0]);
        const bounds = { max: 2, specMax: 3, budget: { maxMonthlyUsd: 1000 } };
        const limits = bindingLimits(requests, one, bounds, [run], { sloP99Seconds: 1 });
        const limit = {
            policy: "modelship",
            bound: "maxReplicas",
            value: 2,
            source: "budget",
            budgetMonthlyUsd: 1000,
            replicasNeeded: 3,
            atSecond: 0,
            replicas: 2,
            ready: 2,
            dropped: 0,
            waitedPastSlo: 21,
        };
        expect(limits).toEqual([limit]);
        expect(limitJson(limits[0], START)).toEqual({ ...limit, at: "2026-01-05T00:00:00.000Z" });
        expect(describeLimits(limits, summarise([run]), 1, clock)).toEqual(["modelship: maxReplicas 2 (budget $1,000/month) binds: 3 replicas needed at 00:00:00; 21 waited over 1 s (p99 5 s)"]);
        // The other policies keep maxReplicas as given (3): enough here, nothing late.
        const hpa = { ...simulatePolicy(requests, one, staticPolicy(3), { initialReplicas: 3 }), name: "hpa-default" };
        expect([isBound(hpa, 1), bindingLimits(requests, one, bounds, [hpa], { sloP99Seconds: 1 })]).toEqual([false, []]);
    });

    it("replays every policy's queue as the model served it, and binds nothing that meets the SLO", () => {
        const trace = spikeTrace({ peakRatePerMinute: 3000, rampMinutes: 2, holdMinutes: 10, decayMinutes: 5, quietMinutes: 10 });
        const model: ServiceModel = { ...one, concurrency: 6, serviceSeconds: 2, timeoutSeconds: 300, coldStart: { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 }, nodeIdleSeconds: 600 };
        const s = spec({ max: 12, specMax: 12 });
        const runs = runPolicies(trace, s, model);
        for (const run of runs) {
            const replay = replayQueue(trace.requests, model, run.servingReady, 30);
            expect([run.name, replay.served, replay.droppedTotal]).toEqual([run.name, expect.closeTo(run.served, 6), expect.closeTo(run.dropped, 6)]);
        }
        const limits = bindingLimits(trace.requests, model, s, runs, { sloP99Seconds: 30 });
        const bound = runs.filter((r) => isBound(r, 30)).map((r) => r.name);
        // 50 requests a second need 17 replicas of 6 at the peak: every policy but the oracles is held at 12.
        expect(bound).toEqual(["modelship", "hpa-default", "knative-default", "keda-default", "static-peak"]);
        expect([...new Set(limits.map((l) => l.policy))]).toEqual(bound);
        for (const name of bound) {
            const own = limits.filter((l) => l.policy === name);
            const run = runs.find((r) => r.name === name)!;
            // Every dropped request is put down to one cause.
            expect(own.reduce((a, l) => a + l.dropped, 0)).toBeCloseTo(run.dropped, 6);
            expect(own.find((l) => l.bound === "maxReplicas")).toMatchObject({ value: 12, source: "spec", replicasNeeded: 17 });
        }
        // static-peak keeps maxReplicas (12), not the 17 the peak needs.
        expect([staticPeakReplicas(trace.requests, s, model), runs[4].replicas[0]]).toEqual([12, 12]);
        expect(staticPeakReplicas(trace.requests, spec({ max: 40, specMax: 40 }), model)).toBe(17);
    });
});

describe("oracle-at-target", () => {
    it("fills each replica to the target, so costs the oracle's x capacity / target on a steady load", () => {
        // 12 requests a second x 2 s = 24 in flight: 4 replicas of 6, or 6 at the target 4; both up at second 0.
        const model: ServiceModel = { ...one, concurrency: 6, serviceSeconds: 2 };
        const runs = summarise(runPolicies({ name: "steady", requests: new Float64Array(3600).fill(12) }, spec(), model));
        expect(runs.map((r) => r.name)).toEqual(["modelship", "hpa-default", "knative-default", "keda-default", "static-peak", "oracle", "oracle-at-target"]);
        const [oracle, atTarget] = runs.slice(5);
        expect(atTarget).toMatchObject({ name: ORACLE_AT_TARGET, dropped: 0, waitP99Seconds: 0, atTargetRatio: 1 });
        expect(atTarget.hours).toBeCloseTo((oracle.hours * 6) / 4, 2);
        expect(oracle.atTargetRatio).toBeCloseTo(4 / 6, 2);
        // A target above the capacity is held to it: the oracle's own figure.
        expect(oracleRun(new Float64Array(600).fill(12), model, { name: ORACLE_AT_TARGET, perReplica: 9 }).hours).toBeCloseTo(oracleRun(new Float64Array(600).fill(12), model).hours, 9);
    });
});

describe("the figures of a line", () => {
    it("are short counts and times on the trace's clock", () => {
        expect([0, 1234, 9999, 12_345, 123_456, 1_299_000, 12_345_678].map(requestCount)).toEqual(["0", "1,234", "9,999", "12.3k", "123k", "1.3M", "12.3M"]);
        expect([clockTime(START, 8 * 3600 + 31 * 60, 3 * 3600), clockTime(START, 86_400 + 61, 2 * 86_400)]).toEqual(["08:31:00", "Tue 00:01:01"]);
    });
});

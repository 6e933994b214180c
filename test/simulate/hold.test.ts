/**
 * The candidate adaptive scale-down holds (simulate/hold.ts, docs/simulate.md "An adaptive scale-down hold"): each
 * condition against series with known answers, and the loop with one: replicas kept through the gaps of recurring
 * bursts, a single spike's decay followed at once.
 */
import { describe, expect, it } from "vitest";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import { simulatePolicy } from "../../simulate/model";
import { adaptiveHeld, HOLD_CONDITIONS, type HoldCondition, type HoldSample } from "../../simulate/hold";
import { hpaPolicy, ScalingSpec } from "../../simulate/policies";
import type { ControlPolicy } from "../../simulate/policy";
import type { ServiceModel } from "../../simulate/service";

const spec: ScalingSpec = {
    metric: ScalingMetric.InFlightRequests,
    metricTarget: 4,
    min: 1,
    max: 50,
    specMax: 50,
    scaleDownDelaySeconds: 600,
    maxQueuedPerRunning: 8,
    scaleToZeroAfterSeconds: 600,
    burstMultiplier: 2,
    prewarm: [],
};
const service: ServiceModel = {
    concurrency: 6,
    serviceSeconds: 2,
    timeoutSeconds: 300,
    coldStart: { nodeSeconds: 100, pullSeconds: 30, loadSeconds: 20 },
    nodeIdleSeconds: 600,
    gpusPerReplica: 1,
    hourlyUsd: 0.8048,
};

describe("the hold's conditions, as their PromQL computes them", () => {
    const decay = [10, 8, 6, 4, 2];
    it.each<[HoldCondition, number[], number, boolean]>([
        // stddev / avg: 5 / 5 over two bursts; sqrt(8) / 6 = 0.47 over a linear decay.
        ["variation", [0, 10, 0, 10], 0.8, true],
        ["variation", [0, 10, 0, 10], 1.2, false],
        ["variation", decay, 0.5, false],
        // max / avg: 12 / 3 for a burst after a gap; 10 / 6 over the decay.
        ["peak-to-average", [0, 0, 0, 12], 3, true],
        ["peak-to-average", decay, 2, false],
        // A step up by more than t x the peak.
        ["rise", [0, 6, 0], 0.1, true],
        ["rise", decay, 0, false],
        // High, low, high: three changes against t x the peak; two for one burst, one for a decay.
        ["recurrence", [10, 0, 10, 0], 0.5, true],
        ["recurrence", [0, 10, 0], 0.5, false],
        ["recurrence", decay, 0.5, false],
        ["always", decay, 0, true],
    ])("%s on %j above %d: %s", (condition, values, threshold, expected) => {
        expect(HOLD_CONDITIONS[condition](values, threshold)).toBe(expected);
    });

    it("holds the largest value of the hold window while the condition holds over the lookback, else asks for nothing", () => {
        const samples: HoldSample[] = [];
        const hold = { holdSeconds: 30, lookbackSeconds: 60, condition: "variation" as const, threshold: 0.5 };
        // 15 s steps: 12, 0, 12, then 3: the lookback (60 s) varies, the hold window (30 s) keeps 12 from second 30.
        expect([0, 15, 30, 45].map((t, i) => adaptiveHeld(hold, samples, t, [12, 0, 12, 3][i]))).toEqual([0, 12, 12, 12]);
        // Then 3: the hold window (30 s) has only 3s from second 60; the lookback (60 s) varies until the last 12 leaves
        // it (second 90), and nothing is held from then.
        expect([60, 75, 90, 105].map((t) => adaptiveHeld(hold, samples, t, 3))).toEqual([3, 3, 0, 0]);
    });
});

describe("a loop with an adaptive hold", () => {
    // The HPA's loop with no scale-down stabilisation of its own: the hold alone keeps replicas.
    const none: ControlPolicy = { ...hpaPolicy(spec, service), scaleDownDelaySeconds: 0 };
    const withHold = (condition: HoldCondition, threshold: number): ControlPolicy => ({ ...none, adaptiveHold: { holdSeconds: 240, lookbackSeconds: 240, condition, threshold } });
    const replicasAt = (requests: Float64Array, policy: ControlPolicy, seconds: number[]) => {
        const run = simulatePolicy(requests, service, policy, { initialReplicas: 5 });
        return seconds.map((t) => run.replicas[t]);
    };

    it("keeps the replicas of recurring bursts through their gaps, as a plain hold does, where none scales down in each gap", () => {
        // 10 requests/s (20 in flight: 5 replicas) for 60 s every 180 s.
        const bursts = new Float64Array(1800).map((_, t) => (t % 180 < 60 ? 10 : 0));
        const gaps = [75, 120, 170, 300, 350];
        expect(replicasAt(bursts, withHold("variation", 0.5), gaps)).toEqual([5, 5, 5, 5, 5]);
        expect(replicasAt(bursts, withHold("always", 0), gaps)).toEqual([5, 5, 5, 5, 5]);
        expect(replicasAt(bursts, none, gaps)).toEqual([1, 1, 1, 1, 1]);
    });

    it("follows a single spike's decay at once, where a plain hold keeps its peak for the hold window", () => {
        // 20 requests/s for 10 minutes (10 replicas), then a linear decay to 0 over 10 minutes.
        const spike = new Float64Array(1800).map((_, t) => (t < 600 ? 20 : t < 1200 ? 20 * (1 - (t - 600) / 600) : 0));
        const decay = [700, 800, 900, 1000, 1100];
        expect(replicasAt(spike, withHold("variation", 0.5), decay)).toEqual([9, 7, 6, 4, 2]);
        expect(replicasAt(spike, none, decay)).toEqual([9, 7, 6, 4, 2]);
        expect(replicasAt(spike, withHold("always", 0), decay)).toEqual([10, 10, 9, 8, 6]);
    });
});

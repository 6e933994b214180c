/**
 * The fast ramp (issue 14, item 1): the arrival-rate and panic triggers beside in flight and the x1000 step, as the simulator
 * reads them from the resolved spec (what the ScaledObject deploys), against known answers and a steep spike: about
 * 100 calls a minute, a ramp of one minute to 1,200 requests a second held 15 minutes, then a 15-minute decay
 * (test/fixtures/steep-spike, the program of issue 14: vLLM, one L4, minReplicas 1, maxReplicas 700, `autoscaling: {}`).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import { ServingRuntime } from "../../components/model-service/args";
import { DEFAULT_BURST_MULTIPLIER, DEFAULT_MAX_QUEUED_PER_RUNNING, KUBERNETES_SCALE_DOWN_DELAY_SECONDS } from "../../components/spike-autoscaler/defaults";
import { simulatePolicy } from "../../simulate/model";
import { hpaPolicy, knativePolicy, modelshipPolicy, ScalingSpec } from "../../simulate/policies";
import { arrivalInFlight, LoopState } from "../../simulate/policy";
import { DEFAULT_COLD_START, ServiceModel } from "../../simulate/service";
import { percentile } from "../../simulate/report";
import { loadTrace } from "../../simulate/trace";
import { findShape, shapeTrace } from "../../simulate/family";

const START = new Date("2026-01-05T08:00:00Z");
/** modelship's defaults for a vLLM Deployment on KEDA, as spec.ts resolves them. */
const vllmOnKeda = (over: Partial<ScalingSpec> = {}): ScalingSpec => ({
    metric: ScalingMetric.InFlightRequests,
    metricTarget: 4,
    min: 1,
    max: 700,
    specMax: 700,
    scaleDownDelaySeconds: KUBERNETES_SCALE_DOWN_DELAY_SECONDS,
    maxQueuedPerRunning: DEFAULT_MAX_QUEUED_PER_RUNNING,
    scaleToZeroAfterSeconds: 600,
    burstMultiplier: DEFAULT_BURST_MULTIPLIER,
    prewarm: [],
    kubernetes: { engine: "keda", runtime: ServingRuntime.Vllm, pollingIntervalSeconds: 15 },
    ...over,
});
const service: ServiceModel = {
    concurrency: 6,
    serviceSeconds: 2,
    timeoutSeconds: 300,
    coldStart: DEFAULT_COLD_START,
    nodeIdleSeconds: 600,
    gpusPerReplica: 1,
    hourlyUsd: 0.8048,
};

/** A loop state from per-second series (in flight, running, completed), at second t. */
function state(t: number, inflight: number[], running: number[], completed: number[]): LoopState {
    const sums = (xs: number[]) => {
        const out = new Float64Array(xs.length + 1);
        xs.forEach((x, i) => (out[i + 1] = out[i] + x));
        return out;
    };
    return { t, current: 1, ready: 1, inflightSum: sums(inflight), runningSum: sums(running), completedSum: sums(completed), lastBusy: t };
}

describe("the arrival-rate trigger", () => {
    it("is in flight by Little's law: steady load gives the in flight itself", () => {
        // 10 requests/s for 2 s each: 20 running, 10 completed a second, nothing queued.
        const n = 120;
        expect(arrivalInFlight(state(n - 1, Array(n).fill(20), Array(n).fill(20), Array(n).fill(10)), 60)).toBeCloseTo(20, 9);
    });

    it("counts what the queue grew by at the mean time in service, however few replicas run", () => {
        // One saturated replica (6 running, 3 completed a second) while the queue grows by 300 a second: over the
        // minute in flight grew from 0 to 18,006 while 180 completed, at 6 / 3 = 2 s in service: (180 + 18,006) x 2 / 60
        // = 606.2 in flight (152 replicas at 4), where in flight with the queue capped at 8x the running counts 54 (14).
        const n = 60;
        const inflight = Array.from({ length: n }, (_, t) => 6 + 300 * (t + 1));
        expect(arrivalInFlight(state(n - 1, inflight, Array(n).fill(6), Array(n).fill(3)), 60)).toBeCloseTo(606.2, 9);
    });

    it("has no value while nothing completes (KEDA reads the empty result as 0)", () => {
        expect(arrivalInFlight(state(9, Array(10).fill(6), Array(10).fill(6), Array(10).fill(0)), 60)).toBe(0);
    });
});

describe("modelship's policy reads the fast ramp from the spec", () => {
    it("has the arrival and panic triggers and the x1000 step where the ScaledObject has them, and neither trigger elsewhere", () => {
        expect(modelshipPolicy(vllmOnKeda(), service, START, 3600)).toMatchObject({ arrivalTrigger: { windowSeconds: 60, panicAbove: 4 }, queueCap: 8, burst: { multiplier: 1000, minPods: 4 } });
        // A query of one's own, or the HPA (whose adapter rule is the team's): no preset, no second trigger.
        expect(modelshipPolicy(vllmOnKeda({ query: "sum(in_flight)" }), service, START, 3600).arrivalTrigger).toBeUndefined();
        expect(modelshipPolicy(vllmOnKeda({ kubernetes: { engine: "hpa", runtime: ServingRuntime.Vllm, pollingIntervalSeconds: 15 } }), service, START, 3600).arrivalTrigger).toBeUndefined();
        expect(modelshipPolicy(vllmOnKeda({ kubernetes: { engine: "keda", runtime: ServingRuntime.Triton, pollingIntervalSeconds: 15 } }), service, START, 3600).arrivalTrigger).toBeUndefined();
    });

    it("panics at 4x the running requests, never later than 1 + the queue cap (where the capped query stops seeing)", () => {
        const panicAt = (maxQueuedPerRunning: number) => modelshipPolicy(vllmOnKeda({ maxQueuedPerRunning }), service, START, 3600).arrivalTrigger?.panicAbove;
        expect([0, 2, 3, 8, 16].map(panicAt)).toEqual([1, 3, 4, 4, 4]);
    });

    it("decides every 15 s (the HPA controller's sync, a cluster setting) whatever KEDA's polling interval, which times only the activation", () => {
        const poll = (pollingIntervalSeconds: number) => modelshipPolicy(vllmOnKeda({ kubernetes: { engine: "keda", runtime: ServingRuntime.Vllm, pollingIntervalSeconds } }), service, START, 3600);
        expect([5, 15, 30].map((s) => [poll(s).syncSeconds, poll(s).activationPollSeconds])).toEqual([
            [15, 5],
            [15, 15],
            [15, 30],
        ]);
    });

    it("drops fewer at 4x than at 9x (1 + the queue cap, before the tuning) on the family's tuning shapes, for at most 3% more GPU-hours", () => {
        for (const name of ["0745-750k-in-12m-ramp-8m-exp", "1400-2M-in-30m-ramp-5m-exp"]) {
            const trace = shapeTrace(findShape(name));
            const policy = modelshipPolicy(vllmOnKeda(), service, trace.startTime as Date, trace.requests.length);
            const tuned = simulatePolicy(trace.requests, service, policy);
            const before = simulatePolicy(trace.requests, service, { ...policy, arrivalTrigger: { windowSeconds: 60, panicAbove: 9 } });
            // docs/simulate.md, "Tuning against Knative": 0745 96,194 -> 42,617 (385 -> 393 GPU-h); 1400 170,161 -> 140,692 (595 -> 603).
            expect(tuned.dropped).toBeLessThan(before.dropped * 0.85);
            expect(tuned.gpuHours).toBeLessThan(before.gpuHours * 1.03);
        }
    });

    it("a step far above what runs panics at the next sync; the arrivals alone take a minute; the capped queue waits for its 14", () => {
        // 1 request/s, then 300/s from second 600: 600 in flight, 150 replicas at 4.
        const requests = new Float64Array(1500).fill(1);
        requests.fill(300, 600);
        const policy = modelshipPolicy(vllmOnKeda(), service, START, 1500);
        const fast = simulatePolicy(requests, service, policy);
        const arrivalsOnly = simulatePolicy(requests, service, { ...policy, arrivalTrigger: { windowSeconds: 60 } });
        const capped = simulatePolicy(requests, service, { ...policy, arrivalTrigger: undefined });
        const at = (run: typeof fast) => [599, 600, 615, 630, 660, 675].map((t) => run.replicas[t]);
        // At 600 the capped queue of one replica asks for (6 + 48) / 4 = 14. At 615 the arrivals' in flight is above
        // 4x the 6 running: panic, the whole queue (~4,500) counts and the step (x1000) allows the maximum at once.
        expect(at(fast)).toEqual([1, 14, 700, 700, 700, 700]);
        // Without the panic trigger the arrivals show over their minute's window.
        expect(at(arrivalsOnly)).toEqual([1, 14, 43, 80, 150, 150]);
        expect(at(capped)).toEqual([1, 14, 14, 14, 14, 14]);
        // The trade: panic drops 5% fewer than the arrivals alone, for the backlog's replicas (1.6x the GPU-hours; Knative's
        // panic mode too). What waits when the trace ends is served after it (the capped queue's backlog, mostly).
        expect([fast, arrivalsOnly, capped].map((r) => Math.round(r.dropped))).toEqual([66_487, 69_846, 198_067]);
        expect(fast.gpuHours).toBeGreaterThan(arrivalsOnly.gpuHours);
    });

    it("changes little on bursty traffic (the Azure code trace): a burst on running replicas does not panic", () => {
        const code = loadTrace(path.resolve(__dirname, "../../data/traces/azure_llm_2023_code_per_second.csv"));
        const spec = vllmOnKeda({ max: 200, specMax: 200 });
        const fast = simulatePolicy(code.requests, service, modelshipPolicy(spec, service, START, code.requests.length));
        const before = simulatePolicy(code.requests, service, { ...modelshipPolicy(vllmOnKeda({ ...spec, burstMultiplier: 2 }), service, START, code.requests.length), arrivalTrigger: undefined });
        // 20.02 GPU-hours against 19.69, nothing dropped in either, the same p99 (docs/simulate.md).
        expect(fast.gpuHours).toBeLessThan(before.gpuHours * 1.02);
        expect([fast.dropped, before.dropped]).toEqual([0, 0]);
        expect(percentile(fast.waitHistogram, 0.99)).toBe(percentile(before.waitHistogram, 0.99));
    });
});

/**
 * The steep spike, second by second from 08:00: 100 calls a minute for 30 minutes, a linear ramp over one minute to
 * 1,200 a second, held 15 minutes, a linear decay over 15 minutes, 30 minutes at the base; fractions carry over.
 */
function steepSpike(): Float64Array {
    const [base, peak, quiet, ramp, hold, decay, tail] = [100 / 60, 1200, 1800, 60, 900, 900, 1800];
    const out = new Float64Array(quiet + ramp + hold + decay + tail);
    let carry = 0;
    for (let t = 0; t < out.length; t++) {
        const s = t - quiet;
        const rate = s < 0 ? base : s < ramp ? base + ((peak - base) * s) / ramp : s < ramp + hold ? peak : s < ramp + hold + decay ? peak + ((base - peak) * (s - ramp - hold)) / decay : base;
        carry += rate;
        out[t] = Math.floor(carry);
        carry -= out[t];
    }
    return out;
}

describe("the steep spike of issue 14 (test/fixtures/steep-spike)", () => {
    const trace = loadTrace(path.resolve(__dirname, "../fixtures/steep-spike/steep-spike.csv"));

    it("is the shape docs/simulate.md describes, from 08:00 UTC", () => {
        expect(Array.from(trace.requests)).toEqual(Array.from(steepSpike()));
        expect(trace.startTime?.toISOString()).toBe("2026-01-05T08:00:00.000Z");
    });

    it("drops fewer requests than the HPA and KEDA defaults and 79% fewer than the old defaults, and waits less at p99 than all three", () => {
        const run = (spec: ScalingSpec, over = {}) => simulatePolicy(trace.requests, service, { ...modelshipPolicy(spec, service, trace.startTime as Date, trace.requests.length), ...over });
        const fast = run(vllmOnKeda());
        const before = run(vllmOnKeda({ burstMultiplier: 2 }), { arrivalTrigger: undefined });
        const hpa = simulatePolicy(trace.requests, service, hpaPolicy(vllmOnKeda(), service));
        const knative = simulatePolicy(trace.requests, service, knativePolicy(vllmOnKeda(), service));
        expect(trace.requests.reduce((a, b) => a + b, 0)).toBe(1_662_800);
        // Numbers of docs/simulate.md ("A fast ramp").
        expect([before, fast, hpa, knative].map((r) => Math.round(r.dropped))).toEqual([1_126_461, 236_665, 333_535, 232_196]);
        expect([before, fast, hpa, knative].map((r) => percentile(r.waitHistogram, 0.99))).toEqual([300, 296, 300, 297]);
        expect([before, fast, hpa, knative].map((r) => Math.round(r.gpuHours * 10) / 10)).toEqual([313.2, 425.2, 417.6, 382.7]);
    });
});

/**
 * The simulator against cases with known answers: steady state, a step, an idle trace, and the oracle as the lower
 * bound. Specs are built by hand here (cli.test.ts resolves them from programs).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import { ServingRuntime } from "../../components/model-service/args";
import { simulatePolicy } from "../../simulate/model";
import { neededReplicas, oracleRun } from "../../simulate/oracle";
import { hpaPolicy, kedaPolicy, knativePolicy, modelshipPolicy, ScalingSpec, staticPolicy } from "../../simulate/policies";
import { renderTable, runPolicies, summarise } from "../../simulate/report";
import { serviceModel } from "../../simulate/simulate";
import { ServiceModel } from "../../simulate/service";
import { spikeTrace } from "../../simulate/spike";
import { loadTrace } from "../../simulate/trace";

const START = new Date("2026-01-05T00:00:00Z");
const spec = (over: Partial<ScalingSpec> = {}): ScalingSpec => ({
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
    ...over,
});
const service = (over: Partial<ServiceModel> = {}): ServiceModel => ({
    concurrency: 6,
    serviceSeconds: 2,
    timeoutSeconds: 300,
    coldStart: { nodeSeconds: 100, pullSeconds: 30, loadSeconds: 20 },
    nodeIdleSeconds: 600,
    gpusPerReplica: 1,
    hourlyUsd: 0.8048,
    ...over,
});
const constant = (perSecond: number, seconds: number) => new Float64Array(seconds).fill(perSecond);

describe("steady state", () => {
    it("constant load ends at its steady-state replica count under every control loop", () => {
        // 10 requests/s x 2 s = 20 in flight; target 4 per replica: 5 replicas.
        const requests = constant(10, 3600);
        const s = spec();
        for (const policy of [modelshipPolicy(s, service(), START, 3600), hpaPolicy(s, service()), knativePolicy(s, service()), kedaPolicy(s, service())]) {
            // From one replica (not the opening's steady state): the loop finds 5 on its own.
            const run = simulatePolicy(requests, service(), policy, { initialReplicas: 1 });
            expect([policy.name, run.replicas[3599], run.ready[3599]]).toEqual([policy.name, 5, 5]);
            expect(simulatePolicy(requests, service(), policy).replicas[0]).toBe(5);
            expect(run.served + run.dropped).toBe(36000);
        }
    });

    it("the oracle needs exactly the slots the load fills", () => {
        expect(Array.from(neededReplicas(constant(10, 5), service()))).toEqual([2, 4, 4, 4, 4]);
    });
});

describe("a step in load", () => {
    it("reaches capacity after exactly the wait for the next sync plus a cold start on new nodes", () => {
        // 1 request/s (2 in flight: 1 replica), then 10/s from second 100: 5 replicas needed.
        const requests = constant(1, 1200);
        requests.fill(10, 100);
        const run = simulatePolicy(requests, service(), hpaPolicy(spec(), service()));
        // Next sync at 105 (every 15 s); +4 pods (the burst limit allows 1 -> 5); 100 + 30 + 20 s on new nodes.
        expect(run.replicas[104]).toBe(1);
        expect(run.replicas[105]).toBe(5);
        expect(run.ready.findIndex((r) => r >= 5)).toBe(105 + 150);
    });

    it("a replica on a node freed within the idle time pays the model load only", () => {
        const requests = new Float64Array(2000);
        requests.fill(10, 0, 900);
        requests.fill(10, 1000, 2000);
        const s = spec({ scaleDownDelaySeconds: 60 });
        const run = simulatePolicy(requests, service(), modelshipPolicy(s, service(), START, 2000), { initialReplicas: 5 });
        // Idle from 900: replicas go by 1020 (after 60 s of low recommendations); load again at 1000 -> next sync 1005.
        const back = run.replicas.findIndex((r, t) => t >= 1000 && r >= 5);
        expect(run.ready.findIndex((r, t) => t > back && r >= 5)).toBe(back + 20);
    });

    it("a replica on a node freed while its first replica was still starting is ready no sooner than that one would have been", () => {
        // 10 requests/s from 100 to 120: 5 replicas asked at 105, ready at 255 (100 + 30 + 20 s). The queue drains and, with
        // no scale-down delay, the loop goes back to 1 by 180, before any was ready; the load returns at 200 and the loop
        // asks again at 210. The nodes it freed were still coming up: the new replicas wait for them (255), not 210 + the
        // model load (230), as if the image had been on them.
        const requests = constant(1, 600);
        requests.fill(10, 100, 120);
        requests.fill(0, 120, 200);
        requests.fill(10, 200);
        const run = simulatePolicy(requests, service(), { ...hpaPolicy(spec(), service()), scaleDownDelaySeconds: 0 }, { initialReplicas: 1 });
        expect([run.replicas[105], run.replicas[180], run.replicas[210]]).toEqual([5, 1, 5]);
        expect(run.ready.findIndex((r, t) => t >= 210 && r >= 5)).toBe(255);
    });

    it("serves after the trace what still waits when it ends, within the timeout, instead of counting it dropped", () => {
        // 1 request/s, then 20/s in the last 10 s: one replica (6 slots x 2 s: 3 a second) leaves ~170 waiting at the end.
        const requests = constant(1, 600);
        requests.fill(20, 590);
        const run = simulatePolicy(requests, service(), hpaPolicy(spec(), service()), { initialReplicas: 1 });
        expect(run.dropped).toBe(0);
        expect(run.served).toBeCloseTo(790, 6);
        // Served past the trace's end, and only as long as the queue lasted: billed until it drained, then the run stops.
        expect(run.servingReady.length).toBeGreaterThan(600);
        expect(run.servingReady.length).toBeLessThan(600 + 300);
    });
});

describe("the queue cap of modelship's in-flight query", () => {
    it("asks for at most (1 + cap) x the running requests while new replicas start, where the uncapped loop climbs to the maximum", () => {
        // One ready replica (6 slots), then 100 requests/s from second 100: the queue grows for a whole cold start (150 s).
        const requests = constant(1, 600);
        requests.fill(100, 100);
        const vllmOnKeda = { pollingIntervalSeconds: 15, engine: "keda" as const, runtime: ServingRuntime.Vllm };
        // The cap alone: without the arrival-rate and panic triggers beside it (policy-fast-ramp.test.ts has them).
        const capped = simulatePolicy(requests, service(), { ...modelshipPolicy(spec({ kubernetes: vllmOnKeda }), service(), START, 600), arrivalTrigger: undefined }, { initialReplicas: 1 });
        const uncapped = simulatePolicy(requests, service(), modelshipPolicy(spec(), service(), START, 600), { initialReplicas: 1 });
        // Capped: 6 running + min(queue, 8 x 6) = 54 in flight -> 14 replicas, reached through the burst limit (1 -> 5 -> 10 -> 14).
        expect([capped.replicas[104], capped.replicas[105], capped.replicas[120], capped.replicas[135], capped.replicas[254]]).toEqual([1, 5, 10, 14, 14]);
        // Uncapped: the whole queue counts, x2 per step up to max 50 before the first new replica is ready (255).
        expect([uncapped.replicas[135], uncapped.replicas[150], uncapped.replicas[165], uncapped.replicas[254]]).toEqual([20, 40, 50, 50]);
        expect(capped.ready.indexOf(5)).toBe(255);
    });

    it("is the deployed query's: only metric in-flight-requests with the vLLM or TGI preset on KEDA", () => {
        const k8s = (runtime: ServingRuntime, engine: "keda" | "hpa" = "keda") => ({ pollingIntervalSeconds: 15, engine, runtime });
        const cap = (over: Partial<ScalingSpec>) => modelshipPolicy(spec(over), service(), START, 60).queueCap;
        expect(cap({ kubernetes: k8s(ServingRuntime.Vllm) })).toBe(8);
        expect(cap({ kubernetes: k8s(ServingRuntime.Tgi), maxQueuedPerRunning: 2 })).toBe(2);
        expect(cap({ kubernetes: k8s(ServingRuntime.Triton) })).toBeUndefined();
        expect(cap({ kubernetes: k8s(ServingRuntime.Vllm, "hpa") })).toBeUndefined();
        expect(cap({ kubernetes: k8s(ServingRuntime.Vllm), query: "sum(my_in_flight)" })).toBeUndefined();
        expect(cap({ kubernetes: k8s(ServingRuntime.Vllm), metric: ScalingMetric.GpuUtilization, metricTarget: 70 })).toBeUndefined();
        expect(cap({})).toBeUndefined();
    });
});

describe("scale to zero and activation", () => {
    it("wakes from zero at KEDA's next 30 s poll, at once with Knative's activator, and goes back after the idle time", () => {
        const requests = new Float64Array(3000);
        requests[1000] = 1;
        const keda = simulatePolicy(requests, service(), kedaPolicy(spec({ min: 0 }), service()));
        const knative = simulatePolicy(requests, service(), knativePolicy(spec({ min: 0 }), service()));
        expect([keda.replicas[0], keda.replicas[1019], keda.replicas[1020], keda.ready.indexOf(1)]).toEqual([0, 0, 1, 1020 + 150]);
        expect([knative.replicas[999], knative.replicas[1000], knative.ready.indexOf(1)]).toEqual([0, 1, 1000 + 150]);
        // Served after its wait; then idle: KEDA's cooldown (300 s), Knative's stable window + grace (90 s).
        expect([keda.served, keda.waitHistogram[170], knative.waitHistogram[150]]).toEqual([1, 1, 1]);
        expect(knative.replicas.lastIndexOf(1)).toBeLessThan(1150 + 2 + 90 + 2);
        expect(keda.replicas.lastIndexOf(1)).toBeLessThan(1170 + 2 + 300 + 15);
    });
});

describe("an idle trace", () => {
    it("costs the minimum: min replicas all the time, nothing with scale to zero", () => {
        const idle = { name: "idle", requests: new Float64Array(7200) };
        const one = summarise(runPolicies(idle, spec(), service()));
        expect(one.find((p) => p.name === "modelship")?.gpuHours).toBeCloseTo(2, 9);
        expect(one.find((p) => p.name === "modelship")?.costUsd).toBeCloseTo(2 * 0.8048, 9);
        const zero = summarise(runPolicies(idle, spec({ min: 0 }), service()));
        expect(zero.map((p) => [p.name, p.gpuHours])).toEqual([
            ["modelship", 0],
            ["hpa-default", 2],
            ["knative-default", 0],
            ["keda-default", 0],
            ["static-peak", 2],
            ["oracle", 0],
            ["oracle-at-target", 0],
        ]);
    });
});

describe("the oracle", () => {
    const traces = [
        { name: "azure code", requests: loadTrace(path.join(__dirname, "../../data/traces/azure_llm_2023_code_per_second.csv")).requests },
        { name: "mooncake", requests: loadTrace(path.join(__dirname, "../../data/traces/mooncake_conversation_per_second.csv")).requests },
        { name: "spike", requests: spikeTrace({ peakRatePerMinute: 3000 }).requests },
        { name: "bursts", requests: Float64Array.from({ length: 3600 }, (_, t) => (t % 600 < 60 ? 30 : 1)) },
    ];
    it.each(traces)("is not beaten in GPU-hours by any policy that drops nothing ($name; docs/simulate.md: a policy letting requests wait can be)", ({ name, requests }) => {
        for (const gpus of [1, 2]) {
            const runs = summarise(runPolicies({ name, requests }, spec({ max: 400, specMax: 400 }), service({ gpusPerReplica: gpus })));
            const oracle = runs.find((r) => r.name === "oracle")!;
            for (const r of runs.filter((p) => p.dropped === 0)) expect([r.name, r.gpuHours >= oracle.gpuHours - 1e-9]).toEqual([r.name, true]);
        }
    });

    it("equals the needed replicas plus one cold start per replica when nothing stops", () => {
        const run = oracleRun(constant(10, 100), service());
        // 2 replicas at second 0 (up already, as every policy starts warm); 2 more from second 1, started 150 s ahead.
        expect(run.gpuHours * 3600).toBeCloseTo(2 * 100 + 2 * (150 + 99), 6);
        expect(run.dropped).toBe(0);
    });

    it("static-peak keeps the peak's replicas all the time", () => {
        const run = simulatePolicy(constant(10, 100), service(), staticPolicy(4), { initialReplicas: 4 });
        expect([run.gpuHours * 3600, run.dropped, run.replicas[99]]).toEqual([400, 0, 4]);
    });
});

describe("a CPU service", () => {
    const cpuSpec = { spec: { metric: ScalingMetric.InFlightRequests, metricTarget: 20, price: { monthly: 146, priced: true } } as never, gpusPerReplica: 0 };

    it("starts without a GPU node, pulls a CPU-sized image and keeps no node of its own (docs/simulate.md)", () => {
        const model = serviceModel(cpuSpec);
        expect(model).toMatchObject({ gpusPerReplica: 0, coldStart: { nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60 }, nodeIdleSeconds: 0, concurrency: 29 });
        expect(model.hourlyUsd).toBeCloseTo(0.2, 9); // $146 a month / 730 h
        // Overrides still win, one part at a time.
        expect(serviceModel(cpuSpec, { coldStart: { pullSeconds: 5 } }).coldStart).toEqual({ nodeSeconds: 0, pullSeconds: 5, loadSeconds: 60 });
        // A GPU service keeps the GPU defaults.
        expect(serviceModel({ ...cpuSpec, gpusPerReplica: 1 })).toMatchObject({ coldStart: { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 }, nodeIdleSeconds: 600 });
    });

    it("is reported in replica-hours: no GPU-hours, and a replica is ready after the image pull and the model load", () => {
        const cpu = service({ gpusPerReplica: 0, coldStart: { nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60 }, nodeIdleSeconds: 0, hourlyUsd: 0.2 });
        // Two replicas for an hour: 2 replica-hours, no GPU-hours, at the cost model's price of a replica (a load they
        // serve: an overloaded run would go on past the hour while its queue drains, billed).
        const run = simulatePolicy(constant(5, 3600), cpu, staticPolicy(2), { initialReplicas: 2 });
        expect([run.replicaHours, run.hours, run.gpuHours]).toEqual([2, 2, 0]);
        expect(run.costUsd).toBeCloseTo(0.4, 9);
        const summaries = summarise(runPolicies({ name: "steady", requests: constant(10, 3600) }, spec(), cpu));
        for (const s of summaries) expect([s.name, s.gpuHours, s.hours > 0]).toEqual([s.name, 0, true]);
        expect(renderTable(summaries, "replica-hours").split("\n")[0]).toMatch(/^policy +replica-hours +x oracle +x at target +cost USD /);
        // Two GPUs per replica: twice the replica-hours.
        const two = simulatePolicy(constant(5, 3600), service({ gpusPerReplica: 2 }), staticPolicy(2), { initialReplicas: 2 });
        expect([two.replicaHours, two.gpuHours, two.hours]).toEqual([2, 4, 4]);
    });

    it("waits a CPU cold start, not a GPU one, when load steps up", () => {
        const cpu = service({ gpusPerReplica: 0, coldStart: { nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60 }, nodeIdleSeconds: 0 });
        const requests = new Float64Array(1200);
        requests.fill(2, 0, 300);
        requests.fill(20, 300);
        const run = simulatePolicy(requests, cpu, hpaPolicy(spec({ max: 20, specMax: 20 }), cpu));
        const asked = Array.from(run.replicas).findIndex((n, t) => t >= 300 && n > run.replicas[299]);
        // Asked for on the first sync after the step (every 15 s), ready 35 + 60 s later.
        expect([asked, Array.from(run.ready).findIndex((n, t) => t > asked && n > run.ready[299]) - asked]).toEqual([300, 95]);
    });
});

/**
 * The simulator on a queue-mode ModelService (`scaling.mode: queue`, SageMaker asynchronous inference): requests wait in
 * the queue until served or until its retention, under every policy; modelship's policy is the deployed scaling
 * (target tracking on the backlog per instance over one-minute datapoints, and the step from zero on the
 * HasBacklogWithoutCapacity alarm, once per cooldown).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { referenceService, runFamily } from "../../bench/simulate-family";
import { findShape, shapeTrace } from "../../simulate/family";
import { Accelerator, ScalingMode, ServingRuntime, Target } from "../../index";
import { checkModelService } from "../../components/model-service/check";
import { modelServiceSchema } from "../../components/model-service/schema";
import type { AutoscalerSpec } from "../../components/spike-autoscaler/spec";
import { simulatePolicy } from "../../simulate/model";
import { hpaPolicy, modelshipPolicy } from "../../simulate/policies";
import { fullColdStart } from "../../simulate/service";
import { serviceModel } from "../../simulate/simulate";
import { percentChange, type TargetTracking } from "../../simulate/target-tracking";
import { scaleInChange, scaleInExpression } from "../../components/spike-autoscaler/sagemaker-scale-in";
import { cliInProcess } from "../cli-helpers";

const START = new Date("2026-01-05T00:00:00Z");
const FIXTURE = "test/fixtures/spike-family-queue";

/** A vLLM ModelService on one L4 in queue mode on SageMaker, resolved as `modelship simulate` resolves it. */
function queueService(scaling: Record<string, unknown>): { spec: AutoscalerSpec; retentionSeconds: number; concurrencyPerReplica?: number } {
    const parsed = modelServiceSchema.parse({
        model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        sagemaker: { instanceType: "ml.g6.xlarge" },
        scaling: { mode: ScalingMode.Queue, ...scaling },
        target: Target.AwsSageMaker,
    });
    const { problems, spec } = checkModelService("llm", parsed);
    expect(problems).toEqual([]);
    return { spec: spec?.autoscaling as AutoscalerSpec, retentionSeconds: spec?.queue?.retentionSeconds as number, concurrencyPerReplica: spec?.queue?.concurrencyPerReplica };
}

/** `rate` requests a second from `from` for `seconds`, in a trace of `length` seconds. */
function burst(length: number, from: number, seconds: number, rate: number): Float64Array {
    const requests = new Float64Array(length);
    for (let t = from; t < from + seconds; t++) requests[t] = rate;
    return requests;
}

/** The longest wait (seconds) of any served request. */
function longestWait(histogram: Float64Array): number {
    for (let w = histogram.length - 1; w >= 0; w--) if (histogram[w] > 0) return w;
    return -1;
}

describe("simulate a queue-mode service", () => {
    it("runs the deployed scaling as modelship's policy: target tracking out, the step policies in, to zero and from zero", () => {
        const q = queueService({ minReplicas: 0, maxReplicas: 8, queue: { concurrencyPerReplica: 3 } });
        const service = serviceModel({ spec: q.spec, gpusPerReplica: 1, queue: q });
        // The queue's retention, not the gateway's 300 s; SageMaker's MaxConcurrentInvocationsPerInstance; no node kept.
        expect(service).toMatchObject({ timeoutSeconds: 21600, queue: { retentionSeconds: 21600 }, concurrency: 3, nodeIdleSeconds: 0 });
        expect(service.coldStartSources?.node).toContain("SageMaker instance start: no public measurement sourced");
        const policy = modelshipPolicy(q.spec, service, START, 3600);
        // The backlog per instance target: AWS's example value, 5 (metric queue-depth).
        expect(policy).toMatchObject({ name: "modelship", syncSeconds: 60, targetPerReplica: 5, min: 0, max: 8, timeoutSeconds: 21600 });
        const tt = policy.targetTracking as TargetTracking;
        // Target tracking's scale-out alarm (3 datapoints, AAS's own); its scale-in is disabled as deployed.
        expect(tt).toMatchObject({ scaleOutDatapoints: 3, scaleOutCooldownSeconds: 60 });
        expect(tt.scaleIn).toBeUndefined();
        // The deployed alarms and step policies, read from the component: one datapoint and 60 s (the default delay),
        // the idle time (the cold-start budget, 600 s: 10 datapoints), and from zero two datapoints, +1, the budget as cooldown.
        const steps = tt.stepPolicies.map(({ datapoint: _, ...rest }) => rest);
        expect(steps.map((p) => [p.name, p.comparisonOperator, p.threshold, p.evaluationPeriods, p.datapointsToAlarm, p.treatMissingData, p.adjustmentType, p.cooldownSeconds])).toEqual([
            ["scale-in", "LessThanOrEqualToThreshold", -10, 1, 1, "notBreaching", "PercentChangeInCapacity", 60],
            ["idle", "LessThanOrEqualToThreshold", 0, 10, 10, "notBreaching", "PercentChangeInCapacity", 60],
            ["from-zero", "GreaterThanOrEqualToThreshold", 1, 2, 2, "missing", "ChangeInCapacity", q.spec.startupTimeoutSeconds],
        ]);
        expect(steps[0].steps[0]).toEqual({ lower: -5, upper: 0, adjustment: -10 });
        expect(steps[0].steps.at(-1)).toEqual({ lower: -Infinity, upper: -90, adjustment: -100 });
        expect(steps[2].steps).toEqual([{ lower: 0, upper: Infinity, adjustment: 1 }]);
        // Above a minimum of 0 neither the idle policy nor the step from zero is deployed.
        const warm = queueService({ minReplicas: 1, maxReplicas: 8 });
        const warmTt = modelshipPolicy(warm.spec, serviceModel({ spec: warm.spec, gpusPerReplica: 1, queue: warm }), START, 3600).targetTracking as TargetTracking;
        expect(warmTt.stepPolicies.map((p) => p.name)).toEqual(["scale-in"]);
    });

    it("rounds a percentage as Application Auto Scaling does, and evaluates the scale-in expression as deployed", () => {
        // The user guide's examples: 12.7 -> 12, 0.67 -> 1, -0.58 -> -1, -6.67 -> -6.
        expect([percentChange(127, 10), percentChange(67, 1), percentChange(58, -1), percentChange(667, -1)]).toEqual([12, 1, -1, -6]);
        expect(percentChange(4, 25, 2)).toBe(2);
        const spec = { metricTarget: 5, min: 0 };
        // 10 instances with 30 waiting: 6 would do, -40%. One instance with 3 waiting: CEIL keeps it (0).
        expect(scaleInChange(30, 3, spec)).toBeCloseTo(-40, 9);
        expect(scaleInChange(3, 3, spec)).toBe(0);
        // No instance in service (the per-instance metric missing): nothing to do; an empty backlog: the idle alarm's, or -100 above 0.
        expect([scaleInChange(12, NaN, spec), scaleInChange(0, 0, spec), scaleInChange(0, 0, { metricTarget: 5, min: 2 })]).toEqual([0, 0, -100]);
        expect(scaleInExpression(spec)).toBe("IF(perInstance > 0, 100 * (CEIL(backlog / 5) * perInstance / backlog - 1), 0)");
    });

    it("scales in one datapoint after the backlog falls (not target tracking's 15), a share at a time, and keeps the last instance while anything waits", () => {
        const q = queueService({ minReplicas: 0, maxReplicas: 50, queue: { concurrencyPerReplica: 6 } });
        const service = serviceModel({ spec: q.spec, gpusPerReplica: 1, queue: q });
        // 60 a second for 10 minutes, then 1 a second (2 in flight: one instance's worth) for 40 minutes.
        const requests = burst(4200, 0, 600, 60);
        for (let t = 600; t < 3000; t++) requests[t] = 1;
        const run = simulatePolicy(requests, service, modelshipPolicy(q.spec, service, START, requests.length), { initialReplicas: 24 });
        expect(run.replicas[599]).toBe(24);
        // The backlog is 2 from second 602: the minute ending at 660 is below the target, and one datapoint scales in, by
        // the step holding -96% (CEIL(2 / 5) = 1 of 24): -95% of 24, 22 instances, then 1 of 2 a minute later.
        expect([run.replicas[659], run.replicas[660], run.replicas[719], run.replicas[720]]).toEqual([24, 2, 2, 1]);
        // The last instance stays while requests arrive (never an empty backlog), then the idle time, 600 s, removes it.
        expect(Math.min(...run.replicas.subarray(720, 3000))).toBe(1);
        const zero = run.replicas.findIndex((n, t) => t > 3000 && n === 0);
        expect(zero).toBeGreaterThanOrEqual(3000 + 600);
        expect(zero).toBeLessThanOrEqual(3000 + 600 + 60);
        expect(run.dropped).toBe(0);
        // With scaleDownDelaySeconds 300: five datapoints below before the first scale-in, and 300 s before the next.
        const slow = queueService({ minReplicas: 0, maxReplicas: 50, queue: { concurrencyPerReplica: 6 }, autoscaling: { scaleDownDelaySeconds: 300 } });
        const later = simulatePolicy(requests, service, modelshipPolicy(slow.spec, service, START, requests.length), { initialReplicas: 24 });
        expect([later.replicas[899], later.replicas[900], later.replicas[1199], later.replicas[1200]]).toEqual([24, 2, 2, 1]);
    });

    it("drops nothing within the queue's retention, under every policy, and drops what waits past it", () => {
        const q = queueService({ minReplicas: 1, maxReplicas: 2, queue: { concurrencyPerReplica: 6 } });
        // 10 a second for 10 minutes against at most 2 replicas x 6 at once x 2 s (6 a second): a backlog of 2,400.
        const requests = burst(3600, 600, 600, 10);
        const total = 6000;
        const kept = serviceModel({ spec: q.spec, gpusPerReplica: 1, queue: q });
        for (const policy of [modelshipPolicy(q.spec, kept, START, requests.length), hpaPolicy(q.spec, kept)]) {
            const run = simulatePolicy(requests, kept, policy);
            expect([policy.name, run.dropped, run.served]).toEqual([policy.name, 0, total]);
            // The waiting is the backlog's: far past the gateway's 300 s would have allowed.
            expect(longestWait(run.waitHistogram)).toBeGreaterThan(300);
        }
        // The same trace with a 120 s retention: what waited longer expired, the rest was served.
        const short = serviceModel({ spec: q.spec, gpusPerReplica: 1, queue: { retentionSeconds: 120 } });
        const run = simulatePolicy(requests, short, modelshipPolicy(q.spec, short, START, requests.length));
        expect(run.dropped).toBeGreaterThan(0);
        expect(run.dropped + run.served).toBeCloseTo(total, 6);
        expect(longestWait(run.waitHistogram)).toBeLessThanOrEqual(120);
    });

    it("comes back from zero through the step policy: two minutes of backlog, +1 instance, no second one within the cooldown", () => {
        const q = queueService({ minReplicas: 0, maxReplicas: 8 });
        const service = serviceModel({ spec: q.spec, gpusPerReplica: 1, queue: q });
        const requests = new Float64Array(3600);
        requests[1800] = 1;
        const policy = modelshipPolicy(q.spec, service, START, requests.length);
        const run = simulatePolicy(requests, service, policy, { initialReplicas: 0 });
        expect([run.dropped, run.served]).toEqual([0, 1]);
        // The minute ending at 1860 and the one ending at 1920 have the backlog without capacity: the alarm fires at 1920.
        expect([run.replicas[1919], run.replicas[1920]]).toEqual([0, 1]);
        expect(run.waitHistogram.findIndex((n) => n > 0)).toBe(120 + fullColdStart(service.coldStart));
        // A cold start longer than the step's cooldown (the budget, 600 s): the alarm, still firing, adds a second
        // instance one cooldown later, not before.
        const slow = { ...service, coldStart: { nodeSeconds: 400, pullSeconds: 400, loadSeconds: 200 } };
        const again = simulatePolicy(requests, slow, modelshipPolicy(q.spec, slow, START, requests.length), { initialReplicas: 0 });
        const cooldown = q.spec.startupTimeoutSeconds;
        expect([again.replicas[1920], again.replicas[1920 + cooldown - 1], again.replicas[1920 + cooldown]]).toEqual([1, 1, 2]);
        expect(again.dropped).toBe(0);
    });

    it("scales out only after three one-minute datapoints above the target, to the backlog over the target", () => {
        const q = queueService({ minReplicas: 1, maxReplicas: 50, queue: { concurrencyPerReplica: 6 } });
        const service = serviceModel({ spec: q.spec, gpusPerReplica: 1, queue: q });
        const requests = burst(3600, 600, 1200, 20);
        const run = simulatePolicy(requests, service, modelshipPolicy(q.spec, service, START, requests.length), { initialReplicas: 1 });
        // The backlog is above 5 per instance from second 601: the minutes ending at 660, 720 and 780 breach, so the
        // first scale-out is at 780, to ceil(backlog / 5).
        expect([run.replicas[779], run.replicas[780] > 1]).toEqual([1, true]);
        expect(run.dropped).toBe(0);
    });

    it("prints the queue, its retention and the SageMaker cold start's source in the CLI's text and JSON (--recommend on the same queue)", async () => {
        const trace = "data/traces/azure_llm_2023_code_per_second.csv";
        const text = await cliInProcess(["simulate", FIXTURE, "--trace", trace]);
        expect(text.code).toBe(0);
        expect(text.stdout).toContain(
            "replica: 6 at once x 2 s, 1 GPU, cold start 120 + 334 + 60 s (node + image pull + model load); queue mode: requests wait in the queue up to its retention, 21600 s, under every policy",
        );
        expect(text.stdout).toContain("node 120 s: SageMaker instance start: no public measurement sourced");
        expect(text.stdout).toMatch(/^modelship .* 8819 +0 +/m);
        const json = await cliInProcess(["simulate", FIXTURE, "--trace", trace, "--json", "--recommend"]);
        expect(json.code).toBe(0);
        type Figures = { gpuHours: number; dropped: number; waitP99Seconds: number };
        type Policy = Figures & { name: string; served: number };
        const doc = JSON.parse(json.stdout) as { services: Array<{ queue: unknown; coldStart: { sources: { node: string } }; policies: Policy[]; recommendation: { current: Figures } }> };
        const [s] = doc.services;
        // --recommend simulates the same queue: its current figures are modelship's line.
        const ours = s.policies.find((p) => p.name === "modelship") as Policy;
        expect(s.recommendation.current).toMatchObject({ gpuHours: ours.gpuHours, dropped: 0, waitP99Seconds: ours.waitP99Seconds });
        expect(s.queue).toEqual({ retentionSeconds: 21600, concurrencyPerReplica: 6 });
        expect(s.coldStart.sources.node).toContain("SageMaker");
        // Every policy queues within the retention: nothing is dropped on this hour.
        expect(s.policies.map((p) => [p.name, p.dropped, p.served])).toEqual(s.policies.map((p) => [p.name, 0, 8819]));
    });

    it("drops nothing on the morning spike with the default cold start, at 1.01x oracle-at-target's GPU-hours: issue 16's goal of 1.1x (docs/simulate.md \"Queue mode\")", async () => {
        const report = await runFamily({ program: path.resolve(FIXTURE), shapes: ["0830-1.08M-in-15m-ramp-1m"] });
        const rows = Object.fromEntries(report.traces[0].policies.map((p) => [p.name, p]));
        for (const name of ["modelship", "hpa-default", "knative-default", "keda-default"]) expect([name, rows[name].dropped]).toEqual([name, 0]);
        // The deployed step scale-in removes the fleet one datapoint after the backlog drains; before it, target
        // tracking's own 15-datapoint scale-in alarm kept the whole fleet a quarter of an hour: 1.56x.
        expect(rows.modelship.oracleAtTargetRatio).toBeCloseTo(1.01, 2);
        expect(rows.modelship.oracleAtTargetRatio).toBeLessThanOrEqual(1.1);
        // What is left of the waiting: a cold start (514 s) behind target tracking's three-minute scale-out alarm.
        expect(rows.modelship.waitP99Seconds).toBe(659);

        // The same executor on the previous deployment (target tracking's own scale-in, 15 datapoints, cooldown 600 s,
        // and the step from zero): the "before" line, 421.9 GPU-hours.
        const { service } = await referenceService({ program: path.resolve(FIXTURE) });
        const trace = shapeTrace(findShape("0830-1.08M-in-15m-ramp-1m"));
        const model = serviceModel(service);
        const deployed = modelshipPolicy(service.spec, model, START, trace.requests.length);
        const tt = deployed.targetTracking as TargetTracking;
        const before = { ...tt, scaleIn: { datapoints: 15, cooldownSeconds: 600 }, stepPolicies: tt.stepPolicies.filter((p) => p.name === "from-zero") };
        const run = simulatePolicy(trace.requests, model, { ...deployed, targetTracking: before });
        expect(run.gpuHours).toBeCloseTo(421.9, 1);
        expect(run.gpuHours / report.traces[0].oracleAtTargetGpuHours).toBeCloseTo(1.56, 2);
    });
});

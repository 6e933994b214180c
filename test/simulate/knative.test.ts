/**
 * The simulator on a ModelService with `kubernetes.autoscaler.engine: knative`: modelship's policy is Knative's KPA on
 * the service's own resolved annotations (not the KEDA loop), and at zero the activator holds the first request for
 * the revision's request timeout while the first replica starts: nothing is lost.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runFamily, type FamilyPolicyRow } from "../../bench/simulate-family";
import { Accelerator, KubernetesScalingEngine, ServingRuntime, Target } from "../../index";
import { checkModelService } from "../../components/model-service/check";
import { modelServiceSchema } from "../../components/model-service/schema";
import type { AutoscalerSpec } from "../../components/spike-autoscaler/spec";
import { simulatePolicy } from "../../simulate/model";
import { kedaPolicy, knativePolicy, modelshipPolicy } from "../../simulate/policies";
import { runPolicies } from "../../simulate/report";
import { fullColdStart } from "../../simulate/service";
import { serviceModel } from "../../simulate/simulate";
import { runProgram } from "../../sdk/plan/run";
import { findShape, shapeTrace } from "../../simulate/family";
import { recommend } from "../../simulate/recommend";
import { candidateResolver } from "../../simulate/recommend-resolve";
import { selectServices } from "../../simulate/services";

const START = new Date("2026-01-05T00:00:00Z");

/** The resolved autoscaling spec of a vLLM ModelService on one L4, engine knative, as `modelship simulate` finds it. */
function knativeSpec(scaling: Record<string, unknown>): AutoscalerSpec {
    const parsed = modelServiceSchema.parse({
        model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        scaling,
        kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Knative } },
        target: Target.Kubernetes,
    });
    const { problems, spec } = checkModelService("llm", parsed);
    expect(problems).toEqual([]);
    return spec?.autoscaling as AutoscalerSpec;
}

describe("simulate with engine knative", () => {
    it("runs Knative's KPA on the service's own annotations as modelship's policy", () => {
        const spec = knativeSpec({ minReplicas: 0, maxReplicas: 8, autoscaling: { metricTarget: 3 } });
        const service = serviceModel({ spec, gpusPerReplica: 1 });
        expect(modelshipPolicy(spec, service, START, 3600)).toMatchObject({
            name: "modelship",
            syncSeconds: 2,
            targetPerReplica: 3,
            tolerance: 0,
            metricWindowSeconds: 60,
            panic: { windowSeconds: 6, threshold: 2 },
            scaleDownDelaySeconds: 0,
            burst: { multiplier: 1000, minPods: 1 },
            min: 0,
            max: 8,
            // A stable window idle, then the last pod kept for the retention period (the cold-start budget, 600 s).
            scaleToZeroAfterSeconds: 660,
            activationPollSeconds: 0,
            // The revision's timeoutSeconds: the longest request plus the cold-start budget.
            timeoutSeconds: 1500,
        });
        // With a replica always running the revision's timeout is the longest request's, as the gateway's elsewhere.
        const warm = knativeSpec({ minReplicas: 1, maxReplicas: 8, autoscaling: {} });
        expect(modelshipPolicy(warm, serviceModel({ spec: warm, gpusPerReplica: 1 }), START, 3600)).toMatchObject({ min: 1, timeoutSeconds: 300, targetPerReplica: 4 });
    });

    it("serves the first request at zero after one cold start, where KEDA's and Knative's default timeouts drop it", () => {
        const spec = knativeSpec({ minReplicas: 0, maxReplicas: 8, autoscaling: {} });
        const service = serviceModel({ spec, gpusPerReplica: 1 });
        const requests = new Float64Array(3600);
        requests[1800] = 1;
        const run = simulatePolicy(requests, service, modelshipPolicy(spec, service, START, requests.length), { initialReplicas: 0 });
        expect(run.dropped).toBe(0);
        expect(run.served).toBe(1);
        // The activator wakes the revision at once: the request waits one cold start onto a new GPU node (514 s by default).
        const waited = run.waitHistogram.findIndex((n) => n > 0);
        expect(waited).toBe(fullColdStart(service.coldStart));
        // The same trace with a 300 s request timeout (Knative's default revision timeout, the gateway's elsewhere) loses it.
        expect(simulatePolicy(requests, service, knativePolicy(spec, service), { initialReplicas: 0 }).dropped).toBe(1);
        expect(simulatePolicy(requests, service, kedaPolicy(spec, service), { initialReplicas: 0 }).dropped).toBe(1);
    });

    it("runs the service's pre-warming windows: the window's replicas are a floor from its start, in its time zone", () => {
        // Weekdays 07:30 in Paris (06:30 UTC in January), an hour, 3 replicas; the trace has no request at all.
        const spec = knativeSpec({ minReplicas: 0, maxReplicas: 8, autoscaling: { prewarm: [{ schedule: "30 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 60, replicas: 3 }] } });
        const service = serviceModel({ spec, gpusPerReplica: 1 });
        const policy = modelshipPolicy(spec, service, START, 8 * 3600);
        const opens = 6 * 3600 + 30 * 60;
        expect([
            policy.prewarmFloorByMinute[opens / 60 - 1],
            policy.prewarmFloorByMinute[opens / 60],
            policy.prewarmFloorByMinute[opens / 60 + 59],
            policy.prewarmFloorByMinute[opens / 60 + 60],
        ]).toEqual([0, 3, 3, 0]);
        const run = simulatePolicy(new Float64Array(8 * 3600), service, modelshipPolicy(spec, service, START, 8 * 3600), { initialReplicas: 0 });
        // Raised from zero by the KPA's next decisions (2 s apart; one replica first, Knative's scale-up rate from none ready),
        // ready one cold start later; back to zero after the window, once the last replica's retention (600 s) has passed.
        expect([run.replicas[opens - 1], run.replicas[opens + 2]]).toEqual([0, 3]);
        expect(run.ready[opens + 2 + fullColdStart(service.coldStart)]).toBe(3);
        expect(run.replicas[opens + 3600 + 60 + 660]).toBe(0);
        expect(run.gpuHours).toBeGreaterThan(1);
    });

    it("searches pre-warming windows for a Knative service with --recommend (issue 14's spike, engine knative)", async () => {
        const dir = path.join(__dirname, "../fixtures/spike-family-knative");
        const run = await runProgram({ dir });
        const [service] = selectServices(run.resources, dir);
        const resolver = candidateResolver(run.resources.find((r) => r.urn === service.urn)!);
        const trace = shapeTrace(findShape("0830-1.08M-in-15m-ramp-1m"));
        const rec = recommend(trace, service, resolver, { overrides: {}, sloP99Seconds: 30, keepTarget: true, budgetMs: 20_000 });
        expect(rec.predicted).toMatchObject({ dropped: 0 });
        expect(rec.predicted!.waitP99Seconds).toBeLessThanOrEqual(30);
        // Windows before the 08:30 ramp; the burst is Knative's cluster-wide rate, not searched (the component refuses it).
        expect(rec.autoscaling?.prewarm?.length).toBeGreaterThan(0);
        expect(rec.autoscaling?.burstMultiplier).toBeUndefined();
        expect(rec.current.dropped).toBeGreaterThan(0);
    }, 120_000);

    it("reports the KPA as modelship's line beside the baselines", () => {
        const spec = knativeSpec({ minReplicas: 0, maxReplicas: 8, autoscaling: {} });
        const service = serviceModel({ spec, gpusPerReplica: 1 });
        const requests = new Float64Array(3600);
        requests[1800] = 1;
        const runs = runPolicies({ name: "one-request", requests, startTime: START }, spec, service);
        expect(runs.map((r) => [r.name, r.dropped])).toEqual([
            ["modelship", 0],
            ["hpa-default", 0],
            ["knative-default", 1],
            ["keda-default", 1],
            ["static-peak", 0],
            ["oracle", 0],
            ["oracle-at-target", 0],
        ]);
    });
    it("meets issue 14's plain-defaults goals on the issue's own spike with engine knative (docs/simulate.md)", async () => {
        const report = await runFamily({ program: path.join(__dirname, "../fixtures/spike-family-knative"), shapes: ["0830-1.08M-in-15m-ramp-1m"] });
        const [trace] = report.traces;
        const row = (name: string) => trace.policies.find((p) => p.name === name) as FamilyPolicyRow;
        expect(trace.goals).toEqual({ drops: true, p99: true, cost: true, failures: [] });
        // Knative's KPA with the service's own settings drops what Knative's defaults drop, fewer than the HPA and KEDA.
        expect(row("modelship").dropped).toBe(row("knative-default").dropped);
        expect(row("modelship").dropped).toBeLessThan(row("hpa-default").dropped);
    }, 120_000);
});

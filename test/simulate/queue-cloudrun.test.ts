/**
 * The simulator on a queue-mode ModelService on Cloud Run (Pub/Sub push, simulate/pubsub-push.ts): the subscription's
 * deadline, retry backoff and dead-letter attempts read from the components; a push the service cannot take spends a
 * delivery attempt, is delivered again after the backoff, and goes to the dead-letter topic after the last one.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { familyMain, runFamily } from "../../bench/simulate-family";
import { Accelerator, ScalingMode, ServingRuntime, Target } from "../../index";
import { checkModelService } from "../../components/model-service/check";
import { modelServiceSchema } from "../../components/model-service/schema";
import { cloudRunSettings } from "../../components/model-service/targets/cloudrun-spec";
import type { ServingSpec } from "../../components/model-service/spec";
import { pushBackoffSeconds, pushDelivery, retryBackoffSeconds, simulatePushQueue, type PushDelivery } from "../../simulate/pubsub-push";
import { DEFAULT_COLD_START, type ServiceModel } from "../../simulate/service";
import { serviceModel } from "../../simulate/simulate";
import { modelServiceEntry } from "../../simulate/services";
import { cliInProcess } from "../cli-helpers";

const FIXTURE = "test/fixtures/spike-family-cloudrun-queue";

/** A vLLM ModelService on Cloud Run in queue mode, as `modelship simulate` resolves it. */
function cloudRunQueue(scaling: Record<string, unknown>): ServingSpec {
    const parsed = modelServiceSchema.parse({
        model: { uri: "gs://acme-models/qwen/", runtime: ServingRuntime.Vllm },
        resources: { cpu: 4, memoryGiB: 16, gpu: { accelerator: Accelerator.L4 } },
        scaling: { mode: ScalingMode.Queue, ...scaling },
        target: Target.GcpCloudRun,
    });
    const { problems, spec } = checkModelService("llm", parsed);
    expect(problems).toEqual([]);
    return spec as ServingSpec;
}

/** One instance at most, serving one request at a time for `serviceSeconds`. */
function oneSlot(serviceSeconds: number): ServiceModel {
    return {
        concurrency: 1,
        serviceSeconds,
        timeoutSeconds: 21600,
        queue: { retentionSeconds: 21600 },
        coldStart: DEFAULT_COLD_START,
        nodeIdleSeconds: 0,
        gpusPerReplica: 1,
        hourlyUsd: null,
    };
}

/** `counts[t]` messages published in second t, in a trace of `length` seconds. */
function trace(length: number, counts: Record<number, number>): Float64Array {
    const requests = new Float64Array(length);
    for (const [t, n] of Object.entries(counts)) requests[Number(t)] = n;
    return requests;
}

describe("queue mode on Cloud Run: the push as deployed", () => {
    it("reads the deadline, the retry policy and the dead-letter attempts from the components, and Cloud Run's 60% target", () => {
        const spec = cloudRunQueue({ minReplicas: 0, maxReplicas: 8, queue: { concurrencyPerReplica: 6 }, autoscaling: {} });
        // The subscription's ackDeadlineSeconds is the service's request timeout: 300 s of request + 60 s for the result store.
        expect(pushDelivery(spec)).toEqual({ maxDeliveries: 5, minBackoffSeconds: 10, maxBackoffSeconds: 600, deadlineSeconds: 360, concurrency: 6, scaleInDelaySeconds: 0, flowControl: true });
        expect(pushDelivery(cloudRunQueue({ minReplicas: 0, maxReplicas: 8, queue: { maxDeliveries: 20, requestTimeoutSeconds: 120 }, autoscaling: {} }))).toMatchObject({
            maxDeliveries: 20,
            deadlineSeconds: 180,
            // Without concurrencyPerReplica: Cloud Run's GPU default, 4.
            concurrency: 4,
        });
        const service = modelServiceEntry({ urn: "u", name: "llm", type: "modelship:index:ModelService" }, spec, spec.autoscaling as NonNullable<ServingSpec["autoscaling"]>);
        const model = serviceModel(service);
        // A removed Cloud Run instance is billed no further: no node is kept; each instance takes 6 pushes.
        expect(model).toMatchObject({ concurrency: 6, nodeIdleSeconds: 0, timeoutSeconds: 21600, queue: { retentionSeconds: 21600, push: { maxDeliveries: 5 } } });
    });

    it("deploys concurrencyPerReplica as the instance's cap with an autoscaling block too (it was replaced by the autoscaler's default 4)", () => {
        const spec = cloudRunQueue({ minReplicas: 0, maxReplicas: 8, queue: { concurrencyPerReplica: 6 }, autoscaling: {} });
        expect(spec.autoscaling?.metricTarget).toBe(6);
        expect(cloudRunSettings(spec).concurrency).toBe(6);
    });

    it("backs off 10 s doubling to 600 s between deliveries, and pauses pushes 100 ms to 60 s by the share of failed answers", () => {
        const push = { minBackoffSeconds: 10, maxBackoffSeconds: 600 };
        expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryBackoffSeconds(push, n))).toEqual([10, 20, 40, 80, 160, 320, 600, 600]);
        expect(pushBackoffSeconds(0)).toBe(0);
        // Google's examples: one failure in five, about 500 ms; all failing, 30 to 60 s.
        expect(pushBackoffSeconds(0.2)).toBeCloseTo(0.36, 2);
        expect(pushBackoffSeconds(1)).toBeCloseTo(60, 9);
    });
});

describe("queue mode on Cloud Run: pushes beyond capacity", () => {
    // Flow control off: every message is pushed as soon as it may be, so the timing is exact.
    const push: PushDelivery = { maxDeliveries: 5, minBackoffSeconds: 10, maxBackoffSeconds: 600, deadlineSeconds: 360, concurrency: 1, scaleInDelaySeconds: 0, flowControl: false };

    it("answers a push beyond max instances x concurrency with 429 after 10 s, delivers it again after the backoff, and dead-letters it after maxDeliveries attempts", () => {
        // Two messages, one instance of one slot busy 300 s with the first: the second fails at 11 s (Cloud Run's 10 s),
        // then after 10, 20, 40 and 80 s of backoff (at 21, 52, 103, 194 s), each failing 10 s later: five attempts.
        const run = simulatePushQueue(trace(400, { 0: 2 }), oneSlot(300), push, { min: 1, max: 1 });
        expect({ served: run.served, deadLettered: run.deadLettered, expired: run.expired, deliveries: run.deliveries, failedDeliveries: run.failedDeliveries, dropped: run.dropped }).toEqual({
            served: 1,
            deadLettered: 1,
            expired: 0,
            deliveries: 6,
            failedDeliveries: 5,
            dropped: 1,
        });
        // With a sixth attempt, the message is delivered again 160 s after the fifth failed (205 s), once the slot is free.
        const six = simulatePushQueue(trace(400, { 0: 2 }), oneSlot(300), { ...push, maxDeliveries: 6 }, { min: 1, max: 1 });
        expect({ served: six.served, deadLettered: six.deadLettered, failedDeliveries: six.failedDeliveries }).toEqual({ served: 2, deadLettered: 0, failedDeliveries: 5 });
        expect(six.waitHistogram[0]).toBe(1);
        expect(six.waitHistogram[365]).toBe(1);
    });

    it("fails a push that waits for a starting instance past the push deadline, and serves it on a later delivery", () => {
        // From zero the first instance starts in the default cold start (514 s), past the 360 s deadline: the first
        // delivery fails at 359 s (the answer must come within the deadline), the second is pushed at 369 s and served
        // at 514 s.
        const run = simulatePushQueue(trace(600, { 0: 1 }), oneSlot(2), push, { min: 0, max: 1, initialInstances: 0 });
        expect({ served: run.served, deadLettered: run.deadLettered, deliveries: run.deliveries, failedDeliveries: run.failedDeliveries }).toEqual({
            served: 1,
            deadLettered: 0,
            deliveries: 2,
            failedDeliveries: 1,
        });
        expect(run.waitHistogram[514]).toBe(1);
    });

    it("drops nothing, and fails no push, while the service has room for the load", () => {
        // 10 messages a second of 2 s, at most 10 instances of 6: Cloud Run keeps 20 in flight at 3.6 per instance (6 instances).
        const requests = new Float64Array(3600).fill(10);
        const model: ServiceModel = { ...oneSlot(2), concurrency: 6 };
        const run = simulatePushQueue(requests, model, { ...push, concurrency: 6, flowControl: true }, { min: 0, max: 10 });
        expect({ served: run.served, dropped: run.dropped, deliveries: run.deliveries, failedDeliveries: run.failedDeliveries }).toEqual({
            served: 36000,
            dropped: 0,
            deliveries: 36000,
            failedDeliveries: 0,
        });
        expect(run.replicas[3599]).toBe(6);
        expect(run.waitHistogram[0]).toBe(36000);
    });
});

describe("queue mode on Cloud Run: the reference service", () => {
    it("prints the push in the CLI's JSON, the dead letters of modelship's run, and --recommend on the same push", async () => {
        const json = await cliInProcess(["simulate", FIXTURE, "--trace", "data/traces/azure_llm_2023_code_per_second.csv", "--json", "--recommend"]);
        expect(json.code).toBe(0);
        type Policy = { name: string; served: number; dropped: number; gpuHours: number; deadLettered?: number; expired?: number; deliveries?: number; failedDeliveries?: number };
        type Figures = { gpuHours: number; dropped: number; waitP99Seconds: number };
        const doc = JSON.parse(json.stdout) as { services: Array<{ queue: unknown; policies: Policy[]; recommendation: { current: Figures; predicted: Figures; autoscaling: unknown } }> };
        const [s] = doc.services;
        expect(s.queue).toEqual({ retentionSeconds: 21600, concurrencyPerReplica: 6, push: { maxDeliveries: 5, minBackoffSeconds: 10, maxBackoffSeconds: 600, deadlineSeconds: 360 } });
        const ours = s.policies.find((p) => p.name === "modelship") as Policy;
        // The bursts of this trace need instances the default cold start (514 s) brings after the push deadline (360 s):
        // pushes waiting for them fail, and the instances go when the failed pushes leave Cloud Run; 388 messages run
        // out of their 5 attempts (docs/simulate.md "Queue mode on Cloud Run and Kubernetes").
        expect(ours).toMatchObject({ served: 8431, dropped: 388, deadLettered: 388, expired: 0 });
        expect((ours.deliveries as number) - (ours.failedDeliveries as number)).toBe(8431);
        // --recommend simulates the same push: its current figures are modelship's line; pre-warming windows (Cloud
        // Scheduler raising the service's minimum instances) are what it can search on Cloud Run.
        expect(s.recommendation.current).toMatchObject({ gpuHours: ours.gpuHours, dropped: 388 });
        expect(s.recommendation.predicted).toMatchObject({ dropped: 0, waitP99Seconds: 22 });
        expect(s.recommendation.autoscaling).toEqual({ prewarm: [{ schedule: "17 18 * * 1-5", timezone: "UTC", durationMinutes: 58, replicas: 4 }] });
        // The other policies are the comparisons over the same queue: no push, no dead letters.
        expect(s.policies.filter((p) => p.deadLettered !== undefined).map((p) => p.name)).toEqual(["modelship"]);
    });

    it("drops nothing on the morning spike with the default cold start and maxDeliveries 5, within 1.1x oracle-at-target (docs/simulate.md)", async () => {
        const report = await runFamily({ program: path.resolve(FIXTURE), shapes: ["0830-1.08M-in-15m-ramp-1m"] });
        expect(report.replica).toBe(
            "replica: 6 at once x 2 s, 1 GPU, cold start 120 + 334 + 60 s (node + image pull + model load); queue mode: requests wait in the queue up to its retention, 21600 s, under every policy (modelship: Pub/Sub pushes, 5 delivery attempts 10 to 600 s apart, a 360 s push deadline, then the dead-letter topic)",
        );
        const rows = Object.fromEntries(report.traces[0].policies.map((p) => [p.name, p]));
        expect(rows.modelship).toMatchObject({ dropped: 0, deadLettered: 0, waitP99Seconds: 583 });
        expect(rows.modelship.gpuHours).toBeCloseTo(340.9, 1);
        // oracle-at-target fills each instance to Cloud Run's own target, 60% of 6.
        expect(report.traces[0].oracleAtTargetGpuHours).toBeCloseTo(374.7, 1);
        expect(rows.modelship.oracleAtTargetRatio).toBeCloseTo(0.91, 2);
        // Without Pub/Sub's flow control (every message pushed at once, the bound on delivery attempts) 5 attempts are not
        // enough: a quarter of the spike is dead-lettered; 8 are.
        const unthrottled = await runFamily({ program: path.resolve(FIXTURE), shapes: ["0830-1.08M-in-15m-ramp-1m"], pushOverrides: { flowControl: false } });
        expect(unthrottled.traces[0].policies.find((p) => p.name === "modelship")?.deadLettered).toBe(426050);
        const eight = await runFamily({ program: path.resolve(FIXTURE), shapes: ["0830-1.08M-in-15m-ramp-1m"], pushOverrides: { flowControl: false, maxDeliveries: 8 } });
        expect(eight.traces[0].policies.find((p) => p.name === "modelship")?.deadLettered).toBe(0);
    });

    it("refuses a --push field the push delivery does not have, and --push on a service without one, naming what is accepted", async () => {
        const run = async (args: string[]) => {
            const out: string[] = [];
            const io = { stdout: { write: (x: string) => out.push(x) > 0 }, stderr: { write: (x: string) => out.push(x) > 0 } };
            return { code: await familyMain(["--shape", "0830-1.08M-in-15m-ramp-1m", ...args], io as never), text: out.join("") };
        };
        const unknown = await run(["--program", FIXTURE, "--push", '{"retries": 3}']);
        expect(unknown).toEqual({
            code: 2,
            text: "error: --push: retries is not a setting of the push delivery; set one of maxDeliveries, minBackoffSeconds, maxBackoffSeconds, deadlineSeconds, concurrency, scaleInDelaySeconds, flowControl\n",
        });
        expect(await run(["--program", FIXTURE, "--push", '{"maxDeliveries": "ten"}'])).toEqual({ code: 2, text: 'error: --push: maxDeliveries is "ten"; expected a number >= 0\n' });
        const sagemaker = await run(["--program", "test/fixtures/spike-family-queue", "--push", '{"maxDeliveries": 10}']);
        expect(sagemaker).toEqual({ code: 2, text: "error: --push: llm has no Pub/Sub push delivery (queue mode on gcp-cloudrun)\n" });
    });
});

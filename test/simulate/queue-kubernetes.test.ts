/**
 * The simulator on a queue-mode ModelService on Kubernetes (SQS, the consumer sidecar, KEDA's aws-sqs-queue trigger on
 * the backlog): the replicas pull what they have room for, so nothing is dropped within the queue's retention and a
 * message's deliveries are not spent by waiting; modelship's policy is the deployed ScaledObject (the HPA on the backlog
 * per replica, KEDA's activation from zero), read from the components' own spec.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { referenceService, runFamily } from "../../bench/simulate-family";
import { modelshipPolicy } from "../../simulate/policies";
import { serviceModel } from "../../simulate/simulate";

const FIXTURE = "test/fixtures/spike-family-k8s-queue";
const MORNING = "0830-1.08M-in-15m-ramp-1m";

describe("queue mode on Kubernetes: KEDA on the backlog", () => {
    it("runs the deployed ScaledObject: the whole backlog per replica at the replica's concurrency, no Prometheus triggers, activation from zero", async () => {
        const { service } = await referenceService({ program: path.resolve(FIXTURE) });
        const model = serviceModel(service);
        // The queue's retention, each replica pulling 6 at once; a freed GPU node is kept by the Cluster Autoscaler (10 min).
        expect(model).toMatchObject({ concurrency: 6, timeoutSeconds: 21600, queue: { retentionSeconds: 21600 }, nodeIdleSeconds: 600 });
        expect(model.queue?.push).toBeUndefined();
        const policy = modelshipPolicy(service.spec, model, new Date("2026-01-05T00:00:00Z"), 3600);
        expect(policy).toMatchObject({
            syncSeconds: 15,
            // queueLength: the replica's concurrency (metric queue-depth); KEDA counts messages waiting and in flight.
            targetPerReplica: 6,
            tolerance: 0.1,
            scaleDownDelaySeconds: 240,
            min: 0,
            max: 700,
            scaleToZeroAfterSeconds: 600,
            activationPollSeconds: 15,
        });
        // The SQS trigger replaces the Prometheus ones: no cap on the queue, no arrival-rate or panic trigger.
        expect(policy.queueCap).toBeUndefined();
        expect(policy.arrivalTrigger).toBeUndefined();
    });

    it("drops nothing on the morning spike with the default cold start, at 1.86x oracle-at-target; without the kept nodes, with a 60 s scale-down delay and a bound near the spike's need, 1.01x", async () => {
        const report = await runFamily({ program: path.resolve(FIXTURE), shapes: [MORNING] });
        const rows = Object.fromEntries(report.traces[0].policies.map((p) => [p.name, p]));
        for (const name of ["modelship", "hpa-default", "knative-default", "keda-default"]) expect([name, rows[name].dropped]).toEqual([name, 0]);
        expect(rows.modelship.gpuHours).toBeCloseTo(419.5, 1);
        expect(rows.modelship.oracleAtTargetRatio).toBeCloseTo(1.86, 2);
        expect(rows.modelship.waitP99Seconds).toBe(497);
        const tuned = await runFamily({ program: path.resolve(FIXTURE), shapes: [MORNING], overrides: { nodeIdleSeconds: 0 }, specOverrides: { scaleDownDelaySeconds: 60, max: 450 } });
        const ours = tuned.traces[0].policies.find((p) => p.name === "modelship");
        expect(ours).toMatchObject({ dropped: 0, waitP99Seconds: 499 });
        expect(ours?.oracleAtTargetRatio).toBeCloseTo(1.01, 2);
    });
});

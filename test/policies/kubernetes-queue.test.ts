/**
 * The pack on a queue-mode service on Kubernetes (SQS, a consumer beside the server, KEDA on the backlog):
 * nonprod-scale-to-zero reads the Deployment's bounds from its KEDA ScaledObject, so a service at a minimum of 0 passes
 * and one kept at 1 is named; public-endpoint-auth finds nothing, as nothing public is made (no Service, no HTTPRoute;
 * the queue has no resource policy and the bucket blocks public access).
 */
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesQueueProvider, ModelService, ScalingMode, ServingRuntime, Target } from "../../index";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (policy: string, resources: ResourceRecord[]) => findingsOf(policy, resources, {}).map((f) => `${short(f.urn)}: ${f.message}`);

const queued = (minReplicas: number) =>
    new ModelService("llm", {
        model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        scaling: { mode: ScalingMode.Queue, minReplicas, maxReplicas: 4 },
        kubernetes: { queue: { provider: KubernetesQueueProvider.AwsSqs, eksClusterName: "ml-dev", kedaRoleArn: "arn:aws:iam::123456789012:role/keda-operator" } },
        target: Target.Kubernetes,
    });

describe("the policy pack on a queue-mode service on Kubernetes", () => {
    it("nonprod-scale-to-zero accepts a queue-mode service that scales to zero, and names the way to zero when it keeps a replica", async () => {
        const atZero = (await rt.construct(() => queued(0))).resources;
        expect(found("nonprod-scale-to-zero", atZero)).toEqual([]);
        const warm = (await rt.construct(() => queued(1))).resources;
        expect(found("nonprod-scale-to-zero", warm)).toEqual([
            'llm: non-production (stack "dev" matches stackPattern): llm keeps 1 replica(s) with GPUs running (1-4 replica(s) from KEDA ScaledObject "llm" (1-4)); ' +
                "scale to zero: the autoscaler's minimum at 0 (a KEDA ScaledObject: minReplicaCount 0)",
        ]);
    });

    it("public-endpoint-auth finds nothing: no Service, no route, the queue and the bucket private", async () => {
        const resources = (await rt.construct(() => queued(0))).resources;
        expect(resources.filter((r) => r.type === "kubernetes:core/v1:Service" || r.type.startsWith("kubernetes:gateway.networking.k8s.io/"))).toEqual([]);
        expect(resources.filter((r) => r.type === "aws:sqs/queuePolicy:QueuePolicy")).toEqual([]);
        expect(found("public-endpoint-auth", resources)).toEqual([]);
    });
});

/**
 * The pack on a SageMaker asynchronous endpoint (ModelService queue mode): nonprod-scale-to-zero reads the variant's
 * bounds from its Application Auto Scaling target, so an endpoint at a minimum of 0 passes and one kept at 1 is named;
 * public-endpoint-auth finds nothing (SageMaker endpoints accept only SigV4-signed requests: IAM-only).
 */
import { describe, expect, it } from "vitest";
import { Accelerator, ModelService, ScalingMode, ServingRuntime, Target } from "../../index";
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
        target: Target.AwsSageMaker,
    });

describe("the policy pack on a SageMaker asynchronous endpoint", () => {
    it("nonprod-scale-to-zero accepts an asynchronous endpoint that scales to zero, and names the way to zero when it keeps an instance", async () => {
        const atZero = (await rt.construct(() => queued(0))).resources;
        expect(found("nonprod-scale-to-zero", atZero)).toEqual([]);
        const warm = (await rt.construct(() => queued(1))).resources;
        expect(found("nonprod-scale-to-zero", warm)).toEqual([
            'llm-config: non-production (stack "dev" matches stackPattern): llm-config variant "default" keeps 1 instance(s) with GPUs running (1-4 instance(s) from aws:appautoscaling Target "llm-scaling" (1-4)); ' +
                'scale to zero: asynchronous inference scaled to a minimum of 0 (ModelService scaling.mode "queue" with minReplicas 0), serverless inference (serverlessConfig), or no real-time endpoint outside production: a real-time variant keeps at least one instance',
        ]);
    });

    it("public-endpoint-auth finds nothing: the asynchronous endpoint is IAM-only and its bucket blocks public access", async () => {
        const resources = (await rt.construct(() => queued(0))).resources;
        expect(found("public-endpoint-auth", resources)).toEqual([]);
    });
});

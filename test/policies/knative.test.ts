/**
 * The pack on Knative Serving objects: nonprod-scale-to-zero reads a Knative Service's or Configuration's GPU pods
 * between its template's min-scale and max-scale (zero passes), public-endpoint-auth fails a Knative Service or Route
 * that is not cluster-local. ModelService with engine knative passes both.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record } from "./helpers";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const KNATIVE_SERVICE = "kubernetes:serving.knative.dev/v1:Service";
const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (policy: string, resources: ResourceRecord[]) => findingsOf(policy, resources, {}).map((f) => `${short(f.urn)}: ${f.message}`);

const llm = (minReplicas: number): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas, maxReplicas: 4, autoscaling: {} },
    kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Knative } },
    target: Target.Kubernetes,
});

/** A hand-written Knative Service with one L4 per pod. */
const knativeService = (labels: Record<string, string>, annotations: Record<string, string>) =>
    record(KNATIVE_SERVICE, "llm", {
        metadata: { name: "llm", labels },
        spec: {
            template: {
                metadata: { annotations },
                spec: { containers: [{ image: "vllm/vllm-openai@sha256:" + "a".repeat(64), resources: { limits: { "nvidia.com/gpu": "1" } } }], nodeSelector: { "modelship.dev/accelerator": "l4" } },
            },
        },
    });

describe("the policy pack on Knative Serving", () => {
    it("nonprod-scale-to-zero accepts a ModelService on Knative that scales to zero, and names min-scale when it does not", async () => {
        const atZero = (await rt.construct(() => new ModelService("llm", llm(0)))).resources;
        expect(found("nonprod-scale-to-zero", atZero).filter((f) => f.includes("scale to zero"))).toEqual([]);
        const warm = (await rt.construct(() => new ModelService("llm", llm(1)))).resources;
        expect(found("nonprod-scale-to-zero", warm).filter((f) => f.startsWith("llm: ") && f.includes("keeps"))).toEqual([
            'llm: non-production (stack "dev" matches stackPattern): llm keeps 1 replica(s) with GPUs running (1-4 replica(s) from autoscaling.knative.dev/min-scale 1 and autoscaling.knative.dev/max-scale 4); scale to zero: autoscaling.knative.dev/min-scale: "0" on the revision template (Knative\'s activator holds requests while the first replica starts)',
        ]);
    });

    it("nonprod-scale-to-zero reads min-scale on a hand-written Knative Service without max-scale (unbounded)", () => {
        const gpuFindings = (annotations: Record<string, string>) =>
            found("nonprod-scale-to-zero", [knativeService({ "networking.knative.dev/visibility": "cluster-local" }, annotations)]).filter((f) => f.includes("keeps"));
        // Knative's default min-scale is 0: nothing kept running.
        expect(gpuFindings({})).toEqual([]);
        expect(gpuFindings({ "autoscaling.knative.dev/min-scale": "2" })).toEqual([
            'llm: non-production (stack "dev" matches stackPattern): llm keeps 2 replica(s) with GPUs running (its template sets no autoscaling.knative.dev/max-scale ' +
                '(unbounded: the cluster\'s max-scale-limit, not in this stack)); scale to zero: autoscaling.knative.dev/min-scale: "0" on the revision template ' +
                "(Knative's activator holds requests while the first replica starts)",
        ]);
    });

    it("public-endpoint-auth passes ModelService's cluster-local Knative Service and fails a Knative Service or Route on the ingress", async () => {
        const resources = (await rt.construct(() => new ModelService("llm", llm(0)))).resources;
        expect(found("public-endpoint-auth", resources)).toEqual([]);
        const message = (kind: string) =>
            `llm: the ${kind} has no networking.knative.dev/visibility: cluster-local label, so Knative publishes it on its ingress, and Knative checks no credentials; label it cluster-local (ModelService with engine knative does), or put an authenticating gateway in front`;
        expect(found("public-endpoint-auth", [knativeService({}, {})])).toEqual([message("Knative Service")]);
        expect(found("public-endpoint-auth", [knativeService({ "networking.knative.dev/visibility": "cluster-local" }, {})])).toEqual([]);
        expect(found("public-endpoint-auth", [record("kubernetes:serving.knative.dev/v1:Route", "llm", { metadata: { name: "llm" }, spec: { traffic: [] } })])).toEqual([message("Knative Route")]);
    });
});

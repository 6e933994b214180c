// An LLM (Qwen2.5-3B-Instruct on vLLM, one NVIDIA L4 per replica) that scales to zero on Kubernetes: a Knative Service
// scaled by Knative's KPA on requests in flight. At zero, Knative's activator holds the first requests while a replica
// starts (a GPU node, the image, the model), so nothing is lost; after 10 minutes without a request the GPU is freed.
// On weekday mornings two replicas are started before the office opens, so the first requests of the day wait for none.
// Cluster-local: callers inside the cluster use `internalUrl`. README.md has the Knative install and its feature flags.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, KubernetesScalingEngine, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen", {
    model: {
        uri: "hf://Qwen/Qwen2.5-3B-Instruct",
        runtime: ServingRuntime.Vllm,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
    },
    resources: { cpu: 4, memoryGiB: 16, gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192"],
    scaling: {
        // Zero when idle: Knative's activator holds HTTP requests while the first replica starts.
        minReplicas: 0,
        maxReplicas: 4,
        // Every other setting is modelship's default on Knative: 4 requests in flight per L4, Knative's 60 s stable window
        // and 6 s panic window, the last replica kept 600 s (the cold-start budget) after the traffic stops.
        autoscaling: {
            // Weekdays 07:45-09:45 in Paris, two replicas: a cold start (about 9 minutes) before the 08:00 traffic. CronJobs
            // raise the serving revision's min-scale to 2 and restore 0; no new revision is made.
            prewarm: [{ schedule: "45 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 120, replicas: 2 }],
        },
    },
    kubernetes: {
        namespace: config.require("namespace"),
        autoscaler: { engine: KubernetesScalingEngine.Knative },
    },
    target: Target.Kubernetes,
});

export const internalUrl = llm.internalUrl;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

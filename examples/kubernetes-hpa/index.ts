// An LLM (Qwen2.5-3B-Instruct on vLLM, one NVIDIA L4 per replica) on a Kubernetes cluster without KEDA: the
// Deployment is scaled by the built-in HorizontalPodAutoscaler (autoscaling/v2) on a Pods metric,
// `in_flight_requests`, which the cluster's prometheus-adapter serves from vLLM's own gauges (README.md has the rule).
// 2 to 6 replicas, 8 requests in flight per replica, never more replicas than $3,000 a month pays for.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, KubernetesScalingEngine, ModelService, ScalingMetric, ServingRuntime, Target } from "modelship";

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
        // Two replicas at least: an HPA cannot scale to zero, and one L4 node going away would stop the service.
        minReplicas: 2,
        maxReplicas: 6,
        autoscaling: {
            metric: ScalingMetric.InFlightRequests,
            // vLLM batches continuously: 8 requests in flight per L4 before another replica is worth its cold start.
            metricTarget: 8,
            budget: { maxMonthlyUsd: 3000 },
        },
    },
    kubernetes: {
        namespace: config.require("namespace"),
        // The HPA reads `in_flight_requests` per pod from the custom metrics API: no KEDA, no Prometheus URL here.
        autoscaler: { engine: KubernetesScalingEngine.Hpa },
    },
    target: Target.Kubernetes,
});

export const internalUrl = llm.internalUrl;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

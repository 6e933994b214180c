// Spiky traffic, two ways to scale it.
//
// 1. Inline: an LLM (Qwen2.5-7B-Instruct on vLLM, one NVIDIA L4 per replica) on Kubernetes whose Deployment is
//    scaled by a KEDA ScaledObject on vLLM's in-flight requests: at least one replica (a cold L4 node takes minutes),
//    bursting to at most 12, 8 replicas pre-warmed on weekday mornings before the 08:00 peak, and never more
//    replicas than $6,000 a month pays for: 8 L4 pods (the outputs say which bound won).
// 2. Standalone: a fraud scorer on a SageMaker real-time endpoint, scaled by a SpikeAutoscaler attached to the
//    endpoint by name (data, not the object: the same works from Python, Go, .NET, Java and YAML).
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, AutoscalerTarget, ModelService, ScalingMetric, ServingRuntime, SpikeAutoscaler, Target } from "modelship";

const config = new pulumi.Config();
const timezone = config.require("timezone");

const llm = new ModelService("qwen", {
    model: {
        uri: "hf://Qwen/Qwen2.5-7B-Instruct",
        runtime: ServingRuntime.Vllm,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        startupTimeoutSeconds: 900,
    },
    resources: { cpu: 8, memoryGiB: 32, gpu: { accelerator: Accelerator.L4 } },
    scaling: {
        minReplicas: 1,
        maxReplicas: 12,
        autoscaling: {
            metric: ScalingMetric.InFlightRequests,
            // vLLM batches continuously: 8 requests in flight per L4 before another replica is worth its cold start.
            metricTarget: 8,
            // Start 15 minutes before the peak plus one cold start (900 s): 07:30 for 08:00, for 3 hours.
            prewarm: [{ schedule: "30 7 * * 1-5", timezone, durationMinutes: 180, replicas: 8 }],
            budget: { maxMonthlyUsd: 6000 },
        },
    },
    kubernetes: {
        namespace: config.require("namespace"),
        autoscaler: { prometheusUrl: config.require("prometheusUrl") },
    },
    target: Target.Kubernetes,
});

const scorer = new ModelService("scorer", {
    model: { image: config.require("scorerImage") },
    sagemaker: { instanceType: "ml.c5.xlarge" },
    // A fixed count here: the standalone autoscaler below owns the scaling of this endpoint's variant.
    scaling: { replicas: 2 },
    target: Target.AwsSageMaker,
});

const scorerAutoscaler = new SpikeAutoscaler(
    "scorer",
    {
        target: AutoscalerTarget.AwsSageMaker,
        // A single-version ModelService names its endpoint after itself and its variant `default`.
        sagemaker: { endpointName: "scorer", variantName: "default", instanceType: "ml.c5.xlarge" },
        minReplicas: 2,
        maxReplicas: 10,
        metric: ScalingMetric.InFlightRequests,
        metricTarget: 20,
        prewarm: [{ schedule: "0 7 * * 1-5", timezone, durationMinutes: 660, replicas: 4 }],
    },
    // Registers after every resource of the endpoint exists.
    { dependsOn: [scorer] },
);

export const llmUrl = llm.url;
export const llmMonthlyCost = llm.estimatedMonthlyCost;
export const scorerMaxInstances = scorerAutoscaler.effectiveMax;
export const scorerBindingBound = scorerAutoscaler.bindingBound;
export const scorerMonthlyCost = scorerAutoscaler.estimatedMonthlyCost;

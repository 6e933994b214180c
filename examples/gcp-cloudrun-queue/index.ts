// A chat model (Qwen2.5-1.5B-Instruct) served by vLLM on Cloud Run in queue mode: clients publish requests to a Pub/Sub
// topic, and a push subscription delivers each one to the private service, where a consumer container calls vLLM on
// loopback and writes the answer to Cloud Storage under the request's id. One NVIDIA L4 per instance, 0 to 3 instances:
// at zero nothing runs, and a request published then waits in the subscription for the first instance.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, ModelService, ScalingMode, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen-queue", {
    model: {
        uri: config.require("modelUri"),
        runtime: ServingRuntime.Vllm,
        servedModelName: "qwen",
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
    },
    resources: { cpu: 4, memoryGiB: 16, gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: {
        mode: ScalingMode.Queue,
        minReplicas: 0,
        maxReplicas: 3,
        queue: {
            // The consumer POSTs each message's body to vLLM's OpenAI-compatible chat endpoint.
            inferencePath: "/v1/chat/completions",
            // A request may wait 2 hours for an instance and run 5 minutes; 10 deliveries before the dead-letter topic.
            retentionSeconds: 7200,
            requestTimeoutSeconds: 300,
            maxDeliveries: 10,
            // Pushes one instance takes at once (the service's maxInstanceRequestConcurrency).
            concurrencyPerReplica: 8,
            resultRetentionDays: 3,
        },
    },
    target: Target.GcpCloudRun,
});

export const queue = llm.queue;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

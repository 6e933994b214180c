// An instruction-tuned LLM (Qwen2.5-1.5B-Instruct) served by vLLM's OpenAI-compatible server on Cloud Run,
// one NVIDIA L4 per instance, scaling to zero when idle. The weights are read from a Cloud Storage bucket
// mounted read-only at /models (copy them there first; see README.md). The service is private: internal
// ingress, and only the configured principal may invoke it.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen", {
    model: {
        uri: config.require("modelUri"),
        runtime: ServingRuntime.Vllm,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        // No startupTimeoutSeconds: on Cloud Run the startup probe then allows 240 s, its longest window
        // without an initial delay (a larger value, up to 480, delays every instance's first probe).
    },
    resources: { cpu: 4, memoryGiB: 16, gpu: { accelerator: Accelerator.L4 } },
    // vLLM keeps the model resident; extra flags go after the preset's `--model /models --port 8000`.
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: {
        minReplicas: 0,
        maxReplicas: 2,
        // Both instances fit in $1,600 a month; a Cloud Billing budget on the billing account (its currency must be USD)
        // watches the spend of everything labelled service=qwen, at 80%, 100% and the forecast.
        autoscaling: { budget: { maxMonthlyUsd: 1600, spendGuard: { gcpBillingAccount: config.require("billingAccount") } } },
    },
    cloudRun: { concurrency: 8, requestTimeoutSeconds: 600, invokers: [config.require("invoker")] },
    target: Target.GcpCloudRun,
});

export const url = llm.url;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

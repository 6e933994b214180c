// An instruction-tuned LLM (Qwen2.5-7B-Instruct) served by vLLM's OpenAI-compatible server on any Kubernetes
// cluster with NVIDIA L4 nodes. An init container downloads the weights from Hugging Face into the pod; the
// endpoint is public through an existing Gateway API Gateway, and Envoy Gateway checks an API key on every
// request. The cluster comes from the ambient kubeconfig (or pass `kubernetes.kubeconfig`).
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, AuthMode, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen", {
    model: {
        uri: "hf://Qwen/Qwen2.5-7B-Instruct",
        runtime: ServingRuntime.Vllm,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        // GPU node from the autoscaler, image pull, 15 GB download and load: allow 15 minutes.
        startupTimeoutSeconds: 900,
    },
    resources: { cpu: 8, memoryGiB: 32, gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: { replicas: 2 },
    exposure: { public: true, auth: AuthMode.ApiKey, hostname: config.require("hostname") },
    kubernetes: {
        namespace: config.require("namespace"),
        gateway: config.require("gateway"),
        // The keys live in a Secret managed outside Pulumi (see README.md); or pass
        // `apiKeys: { "team-a": config.requireSecret("apiKey") }` to keep them in Pulumi config as secrets.
        apiKeySecret: "qwen-api-keys",
        // Placement on L4 nodes: a GpuPool's `placement.nodeSelector`, or your cluster's own GPU label.
        nodeSelector: config.requireObject<Record<string, string>>("nodeSelector"),
    },
    target: Target.Kubernetes,
});

export const url = llm.url;
export const internalUrl = llm.internalUrl;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

// An instruction-tuned LLM (Qwen2.5-7B-Instruct) served by vLLM on an EKS cluster with NVIDIA L4 nodes, its weights
// downloaded once for the whole cluster: `model.cache` mode `cluster` keeps them in a ReadWriteMany claim on Amazon EFS
// (the EFS CSI driver's `efs-sc` class), which every replica mounts read-only. The first pod downloads each version;
// every later pod, on any node, starts from the claim. The cluster comes from the ambient kubeconfig.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, ModelCacheMode, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen", {
    model: {
        // Pinned to a commit of the Hugging Face repository: the cache directory is named after the URI, so the next
        // commit is a new directory and this one is never overwritten under running pods.
        uri: "hf://Qwen/Qwen2.5-7B-Instruct@a09a35458c702b33eeacc393d103063234e8bc28",
        runtime: ServingRuntime.Vllm,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        // 15.24 GB of safetensors (4 shards, model page "Files and versions"), 14.2 GiB: rounded up. Sizes the claim at
        // twice this, room for the next version while this one serves.
        sizeGiB: 15,
        cache: { mode: ModelCacheMode.Cluster, storageClassName: config.require("storageClassName") },
        // The first pod downloads 15 GB; the others wait for it (or find it done): allow 15 minutes.
        startupTimeoutSeconds: 900,
    },
    resources: { cpu: 8, memoryGiB: 32, gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: { replicas: 2 },
    kubernetes: {
        namespace: config.require("namespace"),
        // Placement on L4 nodes: a GpuPool's `placement.nodeSelector`, or your cluster's own GPU label.
        nodeSelector: config.requireObject<Record<string, string>>("nodeSelector"),
    },
    target: Target.Kubernetes,
});

export const internalUrl = llm.internalUrl;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

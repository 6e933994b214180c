// An instruction-tuned LLM (Qwen2.5-14B-Instruct) served by vLLM on an EKS cluster with NVIDIA L4 nodes, its weights
// streamed from S3 straight into GPU memory: `model.loadMode: stream` starts vLLM with its Run:ai model streamer
// (`--load-format runai_streamer`) on the s3:// prefix, so no init container downloads the model and no disk holds a
// copy. Two L4s per replica shard the model (`--tensor-parallel-size 2`, added by the preset). The pods read the bucket
// with an IAM role through IRSA. The cluster comes from the ambient kubeconfig.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, ModelLoadMode, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen", {
    model: {
        // A prefix of safetensors files with config.json and the tokenizer, as `huggingface-cli download` writes it.
        uri: "s3://acme-models/qwen2.5-14b-instruct/",
        runtime: ServingRuntime.Vllm,
        loadMode: ModelLoadMode.Stream,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        // 14.7 billion parameters in bf16 (model card): 29.4 GB, 27.4 GiB, rounded up. Read by `modelship simulate`.
        sizeGiB: 28,
        servedModelName: "Qwen/Qwen2.5-14B-Instruct",
        // GPU node from the autoscaler, image pull and the streamed load: allow 15 minutes.
        startupTimeoutSeconds: 900,
    },
    // 29.4 GB of weights do not fit one 24 GB L4: two shard them, with room for the KV cache.
    resources: { cpu: 16, memoryGiB: 64, gpu: { count: 2, accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: { replicas: 1 },
    kubernetes: {
        namespace: config.require("namespace"),
        // IRSA: the role may s3:GetObject and s3:ListBucket on the prefix; the streamer and boto3 in the image pick it up.
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": config.require("modelsRoleArn") },
        // Placement on L4 nodes: a GpuPool's `placement.nodeSelector`, or your cluster's own GPU label.
        nodeSelector: config.requireObject<Record<string, string>>("nodeSelector"),
    },
    target: Target.Kubernetes,
});

export const internalUrl = llm.internalUrl;
export const estimatedMonthlyCost = llm.estimatedMonthlyCost;

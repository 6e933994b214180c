// A spot NVIDIA L4 node group on an existing EKS cluster, scaling from zero to two nodes (maxNodes 4, capped by a $3,000 budget), and an
// instruction-tuned LLM (Qwen2.5-7B-Instruct) served by vLLM on it. The service lands on the pool through
// the pool's placement outputs (node selector and toleration), passed as data.
// The Kubernetes objects (the device plugin, the service) go to the cluster of the ambient kubeconfig:
// `aws eks update-kubeconfig --name <clusterName>` first, or pass a provider in `opts.providers`.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, CapacityType, GpuPool, GpuPoolCloud, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

// The preset's server, pinned by digest: a tag can later point at another build.
const serverImage = "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33";

const pool = new GpuPool("l4", {
    cloud: GpuPoolCloud.Aws,
    accelerator: Accelerator.L4,
    // Zero nodes while idle; the cluster autoscaler adds nodes when pods are pending, up to four or what the budget allows.
    minNodes: 0,
    maxNodes: 4,
    // Several g6/gr6 types with one L4 each, so that a reclaimed type does not empty the pool.
    capacityType: CapacityType.Spot,
    aws: {
        clusterName: config.require("clusterName"),
        subnetIds: config.requireObject<string[]>("privateSubnetIds"),
    },
    // A new node pulls the vLLM image (about 10 GB) as soon as it starts, before the pod is scheduled there. With an EBS
    // snapshot of a node's containerd store holding it (docs/cold-starts.md, "Image caching"), set imageCacheSnapshotId:
    // every node then starts with the image on a volume restored from the snapshot.
    imageCache: { prePullImages: [serverImage], snapshotId: config.get("imageCacheSnapshotId") },
    // At most $3,000 a month of nodes: 2 of the 4 at the dearest listed type's price. An AWS budget on the pool's tags
    // (its nodes carry them) watches the real spend and notifies the team's topic.
    budget: { maxMonthlyUsd: 3000 },
    observability: { notifications: { snsTopicArn: config.require("alertTopicArn") } },
});

const llm = new ModelService("qwen", {
    model: {
        uri: "hf://Qwen/Qwen2.5-7B-Instruct",
        runtime: ServingRuntime.Vllm,
        serverImage,
        // A GPU node from zero (2 to 10 min), the image pull and a 15 GB download: allow 15 minutes.
        startupTimeoutSeconds: 900,
    },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: { replicas: 1 },
    kubernetes: {
        namespace: config.require("namespace"),
        nodeSelector: pool.placement.nodeSelector,
        tolerations: pool.placement.tolerations,
    },
    target: Target.Kubernetes,
});

export const placement = pool.placement;
export const capacity = pool.capacity;
export const poolMonthlyCost = pool.estimatedMonthlyCost;
export const nodeRoleArn = pool.nodeRoleArn;
export const url = llm.url;

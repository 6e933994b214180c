// NVIDIA L4 capacity from Karpenter on an existing EKS cluster, and a coding assistant (Qwen2.5-Coder-7B-Instruct)
// served by vLLM on it. Karpenter launches the g6/gr6 instance that fits the pending pod within about a minute and
// removes the node once it is empty: no node group, no idle GPU. The service lands on the pool through the pool's
// placement outputs (node selector and toleration), passed as data.
// Karpenter 1.x and KEDA 2.x (for the headroom's window) must already run in the cluster (see README.md). The
// Kubernetes objects (the NodePool, the EC2NodeClass, the device plugin, the headroom, the service) go to the cluster
// of the ambient kubeconfig:
// `aws eks update-kubeconfig --name <clusterName>` first, or pass a provider in `opts.providers`.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, CapacityType, GpuPool, GpuPoolCloud, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const pool = new GpuPool("coder", {
    cloud: GpuPoolCloud.Aws,
    accelerator: Accelerator.L4,
    // Karpenter starts nodes for pending pods only: the pool is bounded in GPUs (NodePool limits), here two L4s.
    maxNodes: 2,
    // Spot over every g6/gr6 type with one L4 that fits the pod: Karpenter picks the cheapest available, and a
    // reclaimed type does not empty the pool.
    capacityType: CapacityType.Spot,
    aws: {
        clusterName: config.require("clusterName"),
        subnetIds: config.requireObject<string[]>("privateSubnetIds"),
        karpenter: true,
        // The nodes' root volumes under the team's own key (optional): its key policy must let Karpenter's controller
        // role use it, or the nodes are terminated before they are ready (README.md).
        volumeKmsKeyArn: config.get("volumeKmsKeyArn"),
    },
    // One warm L4 during working hours: a placeholder pod (negative priority) keeps a node up, and a new replica, a
    // rolling update's surge pod or a pod moved off a reclaimed spot node preempts it at once instead of waiting for
    // Karpenter's node. Outside the window KEDA scales the placeholder to zero and Karpenter removes the node.
    headroom: { gpus: 1, windows: [{ schedule: "45 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 600 }] },
});

const coder = new ModelService("coder", {
    model: {
        uri: "hf://Qwen/Qwen2.5-Coder-7B-Instruct",
        runtime: ServingRuntime.Vllm,
        // The preset's server, pinned by digest: a tag can later point at another build.
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        // A node from Karpenter (about a minute, plus the NVIDIA AMI's boot), the image pull and a 15 GB download.
        startupTimeoutSeconds: 900,
    },
    // Karpenter sizes the node to the pod: ask for what the server needs. 6 vCPUs and 24 GiB land on a g6.2xlarge
    // (8 vCPUs, 32 GiB); the default 4 and 16 would not fit a g6.xlarge once the kubelet's reservations are taken.
    resources: { cpu: 6, memoryGiB: 24, gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "16384", "--gpu-memory-utilization", "0.90"],
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
// Karpenter's controller needs iam:PassRole on this role to launch the nodes.
export const nodeRoleArn = pool.nodeRoleArn;
export const url = coder.url;

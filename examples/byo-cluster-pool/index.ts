// The GPUs of a cluster you run yourself (on-premises, k3s, another cloud's Kubernetes): two nodes with eight
// A100 80GB each. The pool deploys the NVIDIA device plugin on the GPU nodes, creates the serving and batch
// priority classes, and caps the GPUs each namespace may request. The cluster is the ambient kubeconfig's
// (or pass a provider in `opts.providers`).
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, GpuPool, GpuPoolCloud } from "modelship";

const config = new pulumi.Config();

const pool = new GpuPool("dgx", {
    cloud: GpuPoolCloud.Kubernetes,
    accelerator: Accelerator.A100_80GB,
    // What the cluster has, for the capacity output: the pool does not create nodes here.
    gpusPerNode: 8,
    minNodes: 2,
    maxNodes: 2,
    kubernetes: {
        // A label the GPU nodes already carry (here GPU feature discovery's).
        nodeSelector: config.requireObject<Record<string, string>>("gpuNodeSelector"),
        gpuQuotas: config.requireObject<Record<string, number>>("gpuQuotas"),
    },
});

export const placement = pool.placement;
export const capacity = pool.capacity;
export const servingPriorityClass = pool.placement.priorityClassName;

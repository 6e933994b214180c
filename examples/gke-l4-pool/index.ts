// An NVIDIA L4 node pool on an existing regional GKE cluster: one warm on-demand node, up to three, in the
// zones of the region that offer L4 GPUs. GKE installs the driver and runs its device plugin. Model services
// land on the pool with its `placement` outputs (see examples/eks-gpu-pool for a ModelService using them).
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, GpuDriverVersion, GpuPool, GpuPoolCloud } from "modelship";

const config = new pulumi.Config();

const pool = new GpuPool("l4", {
    cloud: GpuPoolCloud.Gcp,
    accelerator: Accelerator.L4,
    // One node stays up so the first request after a quiet night does not wait for a GPU node.
    minNodes: 1,
    maxNodes: 3,
    gcp: {
        clusterName: config.require("clusterName"),
        // A dedicated node service account with only the logging, monitoring and Artifact Registry reader roles.
        serviceAccount: config.require("nodeServiceAccount"),
        gpuDriverVersion: GpuDriverVersion.Latest,
    },
    // Image streaming is on by default: containers start while their Artifact Registry image is still being read. With a
    // disk image holding the model servers' images (docs/cold-starts.md, "Image caching"), set imageCacheDiskImage:
    // every node then gets it as a secondary boot disk, GKE's container image cache.
    imageCache: { diskImage: config.get("imageCacheDiskImage") },
});

export const nodeSelector = pool.placement.nodeSelector;
export const tolerations = pool.placement.tolerations;
export const capacity = pool.capacity;
export const monthlyCost = pool.estimatedMonthlyCost;

/** The GPU fleets of a resource, whatever its type (see fleet.ts). */
import type { ResourceScaling } from "../../sdk/cost/types";
import type { PlainResource } from "../framework/types";
import type { GpuFleet } from "./fleet";
import { ec2InstanceFleet, eksNodeGroupFleet, gceInstanceFleet, gkeNodePoolFleet, karpenterFleet } from "./fleets-nodes";
import { cloudRunFleet, knativeFleet, podFleet, sagemakerFleets } from "./fleets-serving";
import { AWS, GCP, K8S, KARPENTER_NODE_POOLS } from "./types";

/** Resource types that can hold GPUs. */
export function mayHoldGpus(type: string): boolean {
    return GPU_TYPES.has(type) || KARPENTER_NODE_POOLS.has(type);
}

const GPU_TYPES: ReadonlySet<string> = new Set([
    AWS.eksNodeGroup,
    AWS.ec2Instance,
    AWS.sagemakerEndpointConfig,
    GCP.gkeNodePool,
    GCP.gceInstance,
    GCP.cloudRunService,
    K8S.deployment,
    K8S.statefulSet,
    K8S.knativeService,
    K8S.knativeConfiguration,
]);

/**
 * The GPU fleets of one resource; empty for a resource without GPUs. `scaling` carries the autoscaler bounds
 * of the stack (sdk/cost `collectScaling`); without it, workloads count at their own replica settings.
 * Throws `UnknownInput` when a value it needs is not known yet.
 */
export function gpuFleets(r: PlainResource, scaling: ResourceScaling = {}): GpuFleet[] {
    const one = (fleet: GpuFleet | undefined) => (fleet ? [fleet] : []);
    if (KARPENTER_NODE_POOLS.has(r.type)) return one(karpenterFleet(r));
    switch (r.type) {
        case AWS.eksNodeGroup:
            return one(eksNodeGroupFleet(r));
        case AWS.ec2Instance:
            return one(ec2InstanceFleet(r));
        case AWS.sagemakerEndpointConfig:
            return sagemakerFleets(r, scaling);
        case GCP.gkeNodePool:
            return one(gkeNodePoolFleet(r));
        case GCP.gceInstance:
            return one(gceInstanceFleet(r));
        case GCP.cloudRunService:
            return one(cloudRunFleet(r));
        case K8S.deployment:
        case K8S.statefulSet:
            return one(podFleet(r, scaling));
        case K8S.knativeService:
        case K8S.knativeConfiguration:
            return one(knativeFleet(r));
        default:
            return [];
    }
}

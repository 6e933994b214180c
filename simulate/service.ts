/**
 * What the simulator knows about one service: how much one replica serves, how long one takes to start, and
 * what it costs. Defaults are public measurements (docs/cold-starts.md, ../shared/reference/serving-facts.md)
 * or stated assumptions (docs/simulate.md); every one can be overridden.
 */

import type { ColdStartSources, HeadroomModel } from "./cold-start";
import type { PushDelivery } from "./pubsub-push";

/** The parts of a cold start, in seconds. */
export interface ColdStart {
    /** A new GPU node: ~45 s at best, often 2-10 min (kserve#1247). Default 120 s, the common case's low end; 0 for CPU. */
    nodeSeconds: number;
    /** The image, uncached: 334 s for a 9.5 GB PyTorch image (terraform-aws-eks-blueprints ml-container-cache). Paid on new nodes only. */
    pullSeconds: number;
    /** The model into the server: ~1 min+ for 1 GB through KServe's storage initializer (kserve#2529). Default 60 s. */
    loadSeconds: number;
}

/** Documented cold-start defaults of a GPU replica (docs/cold-starts.md). */
export const DEFAULT_COLD_START: ColdStart = { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 };

/**
 * Cold-start defaults of a CPU replica (docs/simulate.md): no node of its own to wait for (CPU replicas are packed
 * onto the cluster's general-purpose nodes; a new one joins for many replicas, not for each); the pull of a 1 GB
 * image without the CUDA libraries at the measured rate (334 s for 9.5 GB: 35 s per GB); the same model load.
 */
export const DEFAULT_CPU_COLD_START: ColdStart = { nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60 };

/** Seconds a freed GPU node stays before it goes: the Kubernetes Cluster Autoscaler's scale-down-unneeded-time (10 min). */
export const DEFAULT_NODE_IDLE_SECONDS = 600;

/** What a service's hours count: GPUs for a GPU service, replicas for a CPU one. */
export type HourUnit = "gpu-hours" | "replica-hours";

/** The cold start of a replica with `gpus` GPUs (0: CPU), before overrides. */
export function defaultColdStart(gpus: number): ColdStart {
    return gpus > 0 ? DEFAULT_COLD_START : DEFAULT_CPU_COLD_START;
}

/** Seconds a freed node is kept and billed for a replica with `gpus` GPUs: a CPU replica has no node of its own. */
export function defaultNodeIdleSeconds(gpus: number): number {
    return gpus > 0 ? DEFAULT_NODE_IDLE_SECONDS : 0;
}
/** Seconds one request holds a slot (assumption: an LLM answer of a few hundred tokens; measure yours). */
export const DEFAULT_SERVICE_SECONDS = 2;
/** Seconds a request waits in the queue before it is dropped: the gateway's request timeout (docs/cold-starts.md). */
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** The in-flight target is this fraction of a replica's concurrency (Knative's 70% utilisation). */
export const TARGET_UTILISATION = 0.7;

/** One replica's service, and the service's cost. */
export interface ServiceModel {
    /** Requests one replica serves at once. */
    concurrency: number;
    /** Seconds one request takes once started (whole seconds, at least 1). */
    serviceSeconds: number;
    /** Seconds a request may wait before it is dropped: the gateway's timeout, or in queue mode the queue's retention. */
    timeoutSeconds: number;
    /**
     * Queue mode (ModelService `scaling.mode: queue`): requests wait in a durable queue until served or until its
     * retention (`timeoutSeconds` is then the retention), and every policy is a control loop over that same queue.
     * Undefined for an HTTP service.
     */
    queue?: {
        retentionSeconds: number;
        /** Cloud Run: messages are pushed to the service, and a push it cannot take spends a delivery attempt (simulate/pubsub-push.ts). */
        push?: PushDelivery;
    };
    coldStart: ColdStart;
    /** Seconds a freed node is kept (a replica started on it skips the node and the image pull); 0: none kept. */
    nodeIdleSeconds: number;
    /** Seconds of model load on a freed node that ran the service (a node cache holds its weights). Defaults to `coldStart.loadSeconds`. */
    warmLoadSeconds?: number;
    /** GPUs the pool keeps free for new replicas (simulate/cold-start.ts); none when undefined. */
    headroom?: HeadroomModel;
    /** Where each part of the cold start comes from (simulate/cold-start.ts). */
    coldStartSources?: ColdStartSources;
    /** GPUs per replica; 0 for a CPU service, whose hours are replica-hours. */
    gpusPerReplica: number;
    /** USD per replica-hour from the cost model; null when unknown. */
    hourlyUsd: number | null;
}

/** The unit a service's hours are reported in. */
export function hourUnit(service: Pick<ServiceModel, "gpusPerReplica">): HourUnit {
    return service.gpusPerReplica > 0 ? "gpu-hours" : "replica-hours";
}

/** Hours billed for `replicaHours` of replicas (and kept nodes), in the service's unit. */
export function billedHours(service: Pick<ServiceModel, "gpusPerReplica">, replicaHours: number): number {
    return service.gpusPerReplica > 0 ? replicaHours * service.gpusPerReplica : replicaHours;
}

/** Total seconds of a cold start onto a new node. */
export function fullColdStart(c: ColdStart): number {
    return c.nodeSeconds + c.pullSeconds + c.loadSeconds;
}

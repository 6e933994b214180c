/**
 * What the simulator knows about one service: how much one replica serves, how long one takes to start, and
 * what it costs. Defaults are public measurements (docs/cold-starts.md, ../shared/reference/serving-facts.md)
 * or stated assumptions (docs/simulate.md); every one can be overridden.
 */

/** The parts of a cold start, in seconds. */
export interface ColdStart {
    /** A new GPU node: ~45 s at best, often 2-10 min (kserve#1247). Default 120 s, the common case's low end. */
    nodeSeconds: number;
    /** The image, uncached: 334 s for a 9.5 GB PyTorch image (terraform-aws-eks-blueprints ml-container-cache). Paid on new nodes only. */
    pullSeconds: number;
    /** The model into the server: ~1 min+ for 1 GB through KServe's storage initializer (kserve#2529). Default 60 s. */
    loadSeconds: number;
}

/** Documented cold-start defaults (docs/cold-starts.md). */
export const DEFAULT_COLD_START: ColdStart = { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 };

/** Seconds a freed GPU node stays before it goes: the Kubernetes Cluster Autoscaler's scale-down-unneeded-time (10 min). */
export const DEFAULT_NODE_IDLE_SECONDS = 600;
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
    /** Seconds a request may wait before it is dropped. */
    timeoutSeconds: number;
    coldStart: ColdStart;
    /** Seconds a freed node is kept (a replica started on it skips the node and the image pull); 0: none kept. */
    nodeIdleSeconds: number;
    /** GPUs per replica (0 for CPU: GPU-hours then count replica-hours). */
    gpusPerReplica: number;
    /** USD per replica-hour from the cost model; null when unknown. */
    hourlyUsd: number | null;
}

/** Total seconds of a cold start onto a new node. */
export function fullColdStart(c: ColdStart): number {
    return c.nodeSeconds + c.pullSeconds + c.loadSeconds;
}

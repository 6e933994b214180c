/**
 * A ModelService's timing, as its target deploys it: how long a request can wait for the service to start serving
 * (its cold start, when it can be at zero), and how long one request may then take. They are the component's
 * `coldStartBudgetSeconds` and `requestTimeoutSeconds` outputs, which a ModelGateway route takes as `coldStartSeconds`
 * and `requestSeconds` (its timeout is their sum). Each target computes them in its `timing(spec)`, from the same
 * values its resources are given (the Kubernetes HTTPRoute's and Knative revision's timeouts are built from them), so
 * that what is reported is what is deployed.
 */
import { ServingSpec } from "./spec";

/**
 * The longest request modelship plans for on a server that applies no timeout of its own, in seconds (long generations
 * included): the request time on docker, and on kubernetes the HTTPRoute's and a stopping pod's (REQUEST_TIMEOUT_SECONDS).
 */
export const SERVER_REQUEST_TIMEOUT_SECONDS = 300;

/** How long a request can wait for the service, then take, in seconds. */
export interface ServingTiming {
    /**
     * The longest a request can wait for the service to start serving: the startup budget the target allows a replica
     * when the service can be at zero, 0 when a replica is always warm.
     */
    coldStartBudgetSeconds: number;
    /** The longest one request may take once a replica serves it: the request timeout the target applies. */
    requestTimeoutSeconds: number;
}

/** True when the service can be at zero replicas (`scaling.minReplicas: 0` or `scaling.replicas: 0`). */
export function canBeAtZero(spec: ServingSpec): boolean {
    return spec.replicas.min === 0;
}

/**
 * The request time of a service: in queue mode (`scaling.mode: queue`) `scaling.queue.requestTimeoutSeconds`, the time
 * the consumer gives one request, on every target; in HTTP mode the target's own (`httpSeconds`).
 */
export function requestSeconds(spec: ServingSpec, httpSeconds: number): number {
    return spec.queue ? spec.queue.requestTimeoutSeconds : httpSeconds;
}

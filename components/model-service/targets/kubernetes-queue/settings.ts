/**
 * The consumer's settings in queue mode on `target: kubernetes`, resolved from the spec: its environment
 * (docs/queue-mode.md, "Environment variables") and the stop order it sets. The rules are in spec.ts.
 */
import { PRE_STOP_SLEEP_SECONDS, type PreStopHttpGet } from "../../../kubernetes/container";
import { consumerInferencePath, type QueueSpec } from "../../queue";
import type { ServingSpec } from "../../spec";
import { REQUEST_TIMEOUT_SECONDS } from "../kubernetes-spec";

/**
 * The visibility the consumer gives a message on receive and on each extension, in seconds: its own default. The
 * heartbeat extends every third of it (20 s) while a request runs, so it only bounds how long a crashed replica's
 * messages stay hidden (docs/queue-mode.md, "Visibility, retention and the cold start").
 */
export const CONSUMER_VISIBILITY_SECONDS = 60;

/**
 * Where the consumer answers `GET /drained` (`DRAIN_PORT`), the server's preStop hook in queue mode: a port no runtime
 * preset of the catalog uses (sdk/catalog/runtimes.ts: 8000, 8002, 8080, 8082), moved up by one while the server's
 * `model.port` or metrics port takes it ({@link consumerDrainPort}). The hook reaches it at the pod's IP.
 */
export const CONSUMER_DRAIN_PORT = 9471;
export const CONSUMER_DRAIN_PATH = "/drained";

/** The consumer's settings, each one of its environment variables (docs/queue-mode.md, "Environment variables"). */
export interface ConsumerSettings {
    /** `MODEL_PORT`, `MODEL_PATH`: where the server takes a request on loopback. */
    modelPort: number;
    modelPath: string;
    /** `MODEL_READINESS_PATH`, and `MODEL_READINESS_TIMEOUT`: the cold-start budget (`model.startupTimeoutSeconds`). */
    readinessPath: string;
    readinessTimeoutSeconds: number;
    /** `REQUEST_TIMEOUT`: `scaling.queue.requestTimeoutSeconds`. */
    requestTimeoutSeconds: number;
    /** `VISIBILITY_TIMEOUT`: {@link CONSUMER_VISIBILITY_SECONDS}, also the queue's own. */
    visibilityTimeoutSeconds: number;
    /** `MAX_DELIVERIES`: `scaling.queue.maxDeliveries`, also the queue's redrive count. */
    maxDeliveries: number;
    /** `CONCURRENCY`: `scaling.queue.concurrencyPerReplica` (resolved in queue.ts). */
    concurrency: number;
    /** `STOP_TIMEOUT`: what a stopping replica gives the requests it runs ({@link stopTimeoutSeconds}). */
    stopTimeoutSeconds: number;
    /** `DRAIN_PORT`: where `GET /drained` answers, the server's preStop hook ({@link consumerDrainPort}). */
    drainPort: number;
}

/** {@link CONSUMER_DRAIN_PORT}, or the next port the server does not use (its HTTP and metrics ports). */
export function consumerDrainPort(spec: Pick<ServingSpec, "port" | "metricsPort">): number {
    let port = CONSUMER_DRAIN_PORT;
    while (port === spec.port || port === spec.metricsPort) port++;
    return port;
}

/**
 * What a stopping replica gives the requests in flight before it hands them back to the queue: the request time, at most
 * {@link REQUEST_TIMEOUT_SECONDS} (300 s, what a stopping pod gives its requests in HTTP mode). The model server outlives
 * that drain ({@link stopOrder}), but only as long as it really takes: an idle replica stops at once. A request still
 * running at the end is made visible again and resumes on another replica (one delivery more).
 */
export function stopTimeoutSeconds(queue: QueueSpec): number {
    return Math.min(queue.requestTimeoutSeconds, REQUEST_TIMEOUT_SECONDS);
}

/**
 * The stop order of queue mode: the consumer drains first, the server then stops. The kubelet runs each container's
 * preStop hook, then sends it SIGTERM, every container in parallel, and gives the pod its grace period from the start
 * (kubernetes.io, "Container Lifecycle Hooks", "Termination of Pods"). So the consumer (no hook) gets its SIGTERM at
 * once, while the server's hook is an HTTP GET of the consumer's `/drained`, which answers once the consumer has had its
 * SIGTERM and holds no message: at once for an idle replica, when its requests finish for a busy one, at the latest
 * {@link stopTimeoutSeconds} after the SIGTERM, once the consumer has handed back what still runs (docs/queue-mode.md,
 * "Stop order"). Only then does the server get its SIGTERM, so no request fails because the server went first.
 *
 * The grace period, `STOP_TIMEOUT + 2 x` {@link PRE_STOP_SLEEP_SECONDS}, is what it was with the fixed pre-stop sleep
 * (`STOP_TIMEOUT + 10` s, then 10 s for the server's own shutdown): the upper bound, should the consumer never answer. A
 * consumer already gone (the request is refused) is a failed hook, logged, and the server stops at once: nothing is held.
 */
export function stopOrder(spec: ServingSpec): { serverPreStop: PreStopHttpGet; terminationGracePeriodSeconds: number } {
    const drain = stopTimeoutSeconds(spec.queue as QueueSpec);
    return { serverPreStop: { port: consumerDrainPort(spec), path: CONSUMER_DRAIN_PATH }, terminationGracePeriodSeconds: drain + 2 * PRE_STOP_SLEEP_SECONDS };
}

/** The consumer's settings; `spec.queue` must be set (queue mode). */
export function consumerSettings(spec: ServingSpec): ConsumerSettings {
    const queue = spec.queue as QueueSpec;
    return {
        modelPort: spec.port,
        // Validation guarantees one (queueModeProblems).
        modelPath: consumerInferencePath(spec) as string,
        readinessPath: spec.readinessPath,
        readinessTimeoutSeconds: spec.startupTimeoutSeconds,
        requestTimeoutSeconds: queue.requestTimeoutSeconds,
        visibilityTimeoutSeconds: CONSUMER_VISIBILITY_SECONDS,
        // The consumer's default where not given (queue.ts).
        maxDeliveries: queue.maxDeliveries as number,
        // queue.ts resolves Kubernetes' default; 1 only if it did not (the consumer's own default).
        concurrency: queue.concurrencyPerReplica ?? 1,
        stopTimeoutSeconds: stopTimeoutSeconds(queue),
        drainPort: consumerDrainPort(spec),
    };
}

/** The backlog one replica takes, KEDA's threshold on every queue: `scaling.autoscaling.metricTarget`, else the consumer's concurrency. */
export function backlogPerReplica(spec: ServingSpec): number {
    return spec.autoscaling?.metricTarget ?? consumerSettings(spec).concurrency;
}

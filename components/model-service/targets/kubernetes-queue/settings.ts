/**
 * The consumer's settings in queue mode on `target: kubernetes`, resolved from the spec: its environment
 * (docs/queue-mode.md, "Environment variables") and the stop order it sets. The rules are in spec.ts.
 */
import { PRE_STOP_SLEEP_SECONDS } from "../../../kubernetes/container";
import { consumerInferencePath, type QueueSpec } from "../../queue";
import type { ServingSpec } from "../../spec";
import { REQUEST_TIMEOUT_SECONDS } from "../kubernetes-spec";

/**
 * The visibility the consumer gives a message on receive and on each extension, in seconds: its own default. The
 * heartbeat extends every third of it (20 s) while a request runs, so it only bounds how long a crashed replica's
 * messages stay hidden (docs/queue-mode.md, "Visibility, retention and the cold start").
 */
export const CONSUMER_VISIBILITY_SECONDS = 60;

/** Deliveries of a request before it is dead-lettered when `scaling.queue.maxDeliveries` is not given: the consumer's default. */
export const DEFAULT_MAX_DELIVERIES = 5;

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
}

/**
 * What a stopping replica gives the requests in flight before it hands them back to the queue: the request time, at most
 * {@link REQUEST_TIMEOUT_SECONDS} (300 s, what a stopping pod gives its requests in HTTP mode). The model server must
 * outlive that drain, so its pre-stop sleep is this plus {@link PRE_STOP_SLEEP_SECONDS}, and that sleep is paid on every
 * replica removed, busy or not: a longer drain would keep an idle GPU up to the request timeout after each scale-in.
 * A request still running then is made visible again and resumes on another replica (one delivery more).
 */
export function stopTimeoutSeconds(queue: QueueSpec): number {
    return Math.min(queue.requestTimeoutSeconds, REQUEST_TIMEOUT_SECONDS);
}

/** The server's pre-stop sleep and the pod's grace period in queue mode: the consumer drains first, the server then stops. */
export function stopOrder(queue: QueueSpec): { serverPreStopSleepSeconds: number; terminationGracePeriodSeconds: number } {
    const drain = stopTimeoutSeconds(queue) + PRE_STOP_SLEEP_SECONDS;
    // The server's own shutdown after its SIGTERM gets the same margin as in HTTP mode's pre-stop sleep.
    return { serverPreStopSleepSeconds: drain, terminationGracePeriodSeconds: drain + PRE_STOP_SLEEP_SECONDS };
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
        maxDeliveries: queue.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
        // queue.ts resolves Kubernetes' default; 1 only if it did not (the consumer's own default).
        concurrency: queue.concurrencyPerReplica ?? 1,
        stopTimeoutSeconds: stopTimeoutSeconds(queue),
    };
}

/** The backlog one replica takes, KEDA's threshold on every queue: `scaling.autoscaling.metricTarget`, else the consumer's concurrency. */
export function backlogPerReplica(spec: ServingSpec): number {
    return spec.autoscaling?.metricTarget ?? consumerSettings(spec).concurrency;
}

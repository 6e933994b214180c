/**
 * What `target: gcp-cloudrun` knows about queue mode before it creates anything: its rules, the consumer container's
 * shape (the service's ingress container, beside the model server), and the push deadline. The resources are in
 * cloudrun-queue.ts and gcp/pubsub-queue.ts; the rules every target shares in ../queue.ts.
 *
 * Sources (read 2026-12 through the search tool):
 * - a Pub/Sub push waits at most the subscription's `ackDeadlineSeconds` for its answer, 10 to 600 s ("for push
 *   delivery, this value is also used to set the request timeout for the call to the push endpoint");
 * - Cloud Run: one ingress container (the one with a port) and sidecars sharing its network namespace, a sidecar starts
 *   after the containers it `dependsOn` pass their startup probes; the GPU attaches to one container only
 *   (cloud.google.com/run/docs/configuring/services/gpu); an instance has at most 8 vCPU and 32 GiB
 *   (cloud.google.com/run/docs/configuring/services/cpu, memory-limits).
 */
import type { CostedResource } from "../../../sdk/cost/types";
import { describeValue, ValidationProblem } from "../../../sdk/validate";
import { inferencePathProblems } from "../queue";
import { ServingSpec } from "../spec";
import type { CloudRunSettings } from "./cloudrun-spec";
import { PUBSUB_ACK_DEADLINE_SECONDS, pubsubQueueProblems } from "./gcp/pubsub-limits";
import { pubsubQueueShapes } from "./gcp/pubsub-queue";

/** The consumer's share of an instance: a whole vCPU (the smallest size without first-generation limits) and 512 MiB. */
export const CONSUMER_RESOURCES = { cpu: 1, memoryGiB: 0.5, limits: { cpu: "1", memory: "512Mi" } } as const;
/** Where the consumer script is mounted (a Secret Manager volume) and run from. */
export const CONSUMER_MOUNT_PATH = "/opt/modelship";
export const CONSUMER_SCRIPT_FILE = "consumer.py";
/** The containers' names: the consumer `dependsOn` the model server by it. */
export const CONTAINERS = { consumer: "queue-consumer", model: "model-server" } as const;
/** The consumer's startup probe: it answers once the model server is ready, which `dependsOn` already waited for. 60 s for Python to start. */
export const CONSUMER_STARTUP_PROBE = { initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 30 } as const;
/** Secret Manager's largest secret version (cloud.google.com/secret-manager/quotas: payload size 64 KiB). */
export const SECRET_PAYLOAD_MAX_BYTES = 64 * 1024;
/**
 * Seconds the consumer needs beyond the model call to answer a push: its result check and its create-only write, each a
 * Cloud Storage call with a 30 s timeout (consumer.py `GoogleApi.call`).
 */
export const PUSH_MARGIN_SECONDS = 60;
const INSTANCE_MAX_CPU = 8;
const INSTANCE_MAX_MEMORY_GIB = 32;

/** The push deadline: the subscription's `ackDeadlineSeconds` and the service's request timeout (at least 61 s, above Pub/Sub's minimum of 10). */
export function pushDeadlineSeconds(requestTimeoutSeconds: number): number {
    return requestTimeoutSeconds + PUSH_MARGIN_SECONDS;
}

/** The consumer's port (Cloud Run's default 8080), moved when the model server already listens there. */
export function consumerPort(spec: ServingSpec): number {
    const taken = new Set([spec.port, spec.metricsPort]);
    let port = 8080;
    while (taken.has(port)) port++;
    return port;
}

/** The rules of queue mode on Cloud Run, and the queue-only setting refused without it. */
export function cloudRunQueueProblems(spec: ServingSpec, settings: CloudRunSettings): ValidationProblem[] {
    const given = spec.given.cloudRun ?? {};
    const queue = spec.queue;
    if (!queue) {
        if (given.queueConsumerImage === undefined) return [];
        return [{ path: "cloudRun.queueConsumerImage", received: describeValue(given.queueConsumerImage), expected: 'nothing without scaling.mode "queue" (an HTTP service has no consumer)' }];
    }
    const problems = pubsubQueueProblems(queue, "on gcp-cloudrun");
    if (spec.exposure.public) {
        problems.push({
            path: "exposure.public",
            received: "true",
            expected: 'false with scaling.mode "queue" on gcp-cloudrun: clients publish to the Pub/Sub topic (queue.submitUrl), and the service takes only the subscription\'s authenticated pushes',
        });
    }
    if (given.invokers !== undefined && given.invokers.length > 0) {
        problems.push({
            path: "cloudRun.invokers",
            received: describeValue(given.invokers),
            expected: 'none with scaling.mode "queue": only the push subscription\'s service account invokes the service; grant callers roles/pubsub.publisher on the topic instead',
        });
    }
    if (given.requestTimeoutSeconds !== undefined) {
        problems.push({
            path: "cloudRun.requestTimeoutSeconds",
            received: String(given.requestTimeoutSeconds),
            expected: `nothing with scaling.mode "queue" (the service's timeout is scaling.queue.requestTimeoutSeconds plus ${PUSH_MARGIN_SECONDS} s, the push deadline)`,
        });
    }
    const longest = PUBSUB_ACK_DEADLINE_SECONDS.max - PUSH_MARGIN_SECONDS;
    if (queue.requestTimeoutSeconds > longest) {
        problems.push({
            path: "scaling.queue.requestTimeoutSeconds",
            received: `${queue.requestTimeoutSeconds}${spec.given.scaling?.queue?.requestTimeoutSeconds === undefined ? " (the default)" : ""}`,
            expected: `at most ${longest} on gcp-cloudrun: Pub/Sub waits at most ${PUBSUB_ACK_DEADLINE_SECONDS.max} s (the longest ackDeadlineSeconds) for a push to be answered, and the consumer needs ${PUSH_MARGIN_SECONDS} s beyond the model call to check for and write the result (use target kubernetes for longer requests: its consumer extends the deadline while a request runs)`,
        });
    }
    if (spec.cpu + CONSUMER_RESOURCES.cpu > INSTANCE_MAX_CPU) {
        problems.push({
            path: "resources.cpu",
            received: String(spec.cpu),
            expected: `at most ${INSTANCE_MAX_CPU - CONSUMER_RESOURCES.cpu} with scaling.mode "queue" on gcp-cloudrun: the consumer container takes ${CONSUMER_RESOURCES.cpu} of an instance's ${INSTANCE_MAX_CPU} vCPU`,
        });
    }
    if (spec.memoryGiB + CONSUMER_RESOURCES.memoryGiB > INSTANCE_MAX_MEMORY_GIB) {
        problems.push({
            path: "resources.memoryGiB",
            received: String(spec.memoryGiB),
            expected: `at most ${INSTANCE_MAX_MEMORY_GIB - CONSUMER_RESOURCES.memoryGiB} with scaling.mode "queue" on gcp-cloudrun: the consumer container takes ${CONSUMER_RESOURCES.memoryGiB} GiB of an instance's ${INSTANCE_MAX_MEMORY_GIB}`,
        });
    }
    const perReplica = spec.given.scaling?.queue?.concurrencyPerReplica;
    const otherCap = given.concurrency !== undefined ? "cloudRun.concurrency" : spec.given.scaling?.autoscaling?.metricTarget !== undefined ? "scaling.autoscaling.metricTarget" : undefined;
    if (perReplica !== undefined && otherCap !== undefined) {
        problems.push({
            path: "scaling.queue.concurrencyPerReplica",
            received: String(perReplica),
            expected: `either scaling.queue.concurrencyPerReplica or ${otherCap} (both set the pushes an instance takes at once, maxInstanceRequestConcurrency: ${settings.concurrency})`,
        });
    }
    return [...problems, ...inferencePathProblems(spec)];
}

/** The billed resources of queue mode, as the cost model prices them: the queue's, and the consumer script's secret version. */
export function cloudRunQueueShapes(spec: ServingSpec): CostedResource[] {
    const script = `${spec.name}-queue-consumer`;
    return [...pubsubQueueShapes(spec.name), { urn: script, type: "gcp:secretmanager/secretVersion:SecretVersion", name: script, inputs: {} }];
}

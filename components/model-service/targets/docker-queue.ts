/**
 * Queue mode on `target: docker` (`scaling.mode: queue`): the development twin of the cloud queues. Clients `XADD`
 * requests to a Redis stream on 127.0.0.1 and read each result under its request id; modelship's queue consumer
 * (components/model-service/queue/consumer.py, the one consumer of every target) takes them, calls the model server on
 * loopback and writes the result records. What is made, beside the model server's container:
 *
 * - a network `<name>-queue` for the queue's containers;
 * - a Redis container (the official image, pinned) with append-only persistence on the volume `<name>-queue-data`, so
 *   queued requests and results survive a restart, published on 127.0.0.1 only (`docker.queueHostPort`);
 * - a pause container `<name>-pod` that holds the network namespace the model server and the consumer share, as a
 *   Kubernetes pod's does: each can restart without cutting the other off. (A container that joins another's
 *   namespace directly loses its network for good when that one restarts, docker/for-linux#1299, docker/compose#6626;
 *   a model server that runs out of memory and is restarted would leave the consumer unable to reach anything.)
 * - the consumer's container: a plain Python image with the consumer script uploaded into it, in that namespace, so
 *   127.0.0.1 is the model server.
 *
 * One replica: Docker has no autoscaler (`scaling.replicas` 0 or 1, as in HTTP mode). At 0 the queue runs and takes
 * requests, and the server and consumer are created stopped; `docker start <name> <name>-consumer` serves them.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { physicalName } from "../../../sdk/naming";
import { ValidationProblem } from "../../../sdk/validate";
import { ModelServiceQueueOutputs } from "../args";
import { consumerInferencePath, consumerQueueOutputs, inferencePathProblems } from "../queue";
import { consumerScript } from "../queue/consumer-script";
import { STANDARD_LIBRARY_CONSUMER_IMAGE } from "../queue/consumer-images";
import { ServingSpec } from "../spec";

/**
 * The queue's images, official ones pinned by the digests docker-library/repo-info records
 * (repos/redis/remote/7.4.11-alpine.md at 1742085), the consumer's standard-library image (../queue/consumer-images.ts), and Kubernetes'
 * pause image by the digest of its promotion manifest (kubernetes/k8s.io,
 * registry.k8s.io/images/k8s-staging-kubernetes/images.yaml at 005f141, `pause` 3.9). Redis 7.4 has the streams
 * commands the consumer uses (XAUTOCLAIM since 6.2); the consumer needs Python 3.11+ and its standard library only.
 */
export const QUEUE_IMAGES = {
    redis: "redis:7.4.11-alpine@sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf",
    consumer: STANDARD_LIBRARY_CONSUMER_IMAGE,
    pod: "registry.k8s.io/pause:3.9@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097",
} as const;

/** Redis's port, inside its container and, by default, on the host (`docker.queueHostPort`): redis-cli's default. */
export const REDIS_PORT = 6379;
/** The stream clients submit to, the consumer's dead-letter stream, and the key prefix of the result records. */
export const QUEUE_KEYS = { stream: "requests", deadLetter: "requests:dead-letter", resultPrefix: "result:" } as const;
/** Where the consumer script is uploaded in its container. */
export const CONSUMER_SCRIPT_FILE = "/opt/modelship/consumer.py";

/**
 * The consumer's timing on Docker. Visibility: the consumer's own 60 s (a crashed consumer's requests are taken again
 * after it; the heartbeat extends requests in flight, docs/queue-mode.md). Poll: a blocking read returns at once when a
 * request arrives, so the wait only delays taking back a retried request: 5 s, the first retry's backoff. Stop: the
 * consumer's own 25 s for the requests in flight; Docker waits 5 s more before it kills the container.
 */
const CONSUMER_TIMING = { visibilitySeconds: 60, pollWaitSeconds: 5, stopSeconds: 25, killAfterSeconds: 30 };

/** The queue's settings on Docker, defaults applied. */
export interface DockerQueueSettings {
    /** Host port of Redis, on 127.0.0.1. */
    hostPort: number;
    /** The server path the consumer posts requests to. */
    inferencePath: string;
    maxDeliveries: number;
    /** Requests the consumer sends the server at once. */
    concurrency: number;
}

/** Queue mode's settings, from the spec and the `docker` block's port; undefined in HTTP mode. */
export function dockerQueueSettings(spec: ServingSpec, hostPort: number): DockerQueueSettings | undefined {
    const queue = spec.queue;
    if (!queue) return undefined;
    return {
        hostPort,
        // Known: validation refuses queue mode without one (inferencePathProblems).
        inferencePath: consumerInferencePath(spec) as string,
        // The consumer's default where not given (queue.ts).
        maxDeliveries: queue.maxDeliveries as number,
        // The replica's in-flight requests, as the autoscaler counts them on the other targets.
        // The autoscaler's in-flight target where not given (queue.ts).
        concurrency: queue.concurrencyPerReplica as number,
    };
}

/** Queue mode's rules on Docker, and the queue's port refused in HTTP mode. */
export function dockerQueueProblems(spec: ServingSpec): ValidationProblem[] {
    const given = spec.given;
    const problems: ValidationProblem[] = [];
    const queuePort = given.docker?.queueHostPort;
    if (!spec.queue) {
        if (queuePort !== undefined) problems.push({ path: "docker.queueHostPort", received: String(queuePort), expected: 'nothing without scaling.mode "queue" (an HTTP service has no queue)' });
        return problems;
    }
    const hostPort = given.docker?.hostPort;
    if (hostPort !== undefined) {
        problems.push({
            path: "docker.hostPort",
            received: String(hostPort),
            expected: 'nothing with scaling.mode "queue": the server publishes no port, clients submit to the queue (docker.queueHostPort)',
        });
    }
    if (spec.exposure.public) {
        problems.push({
            path: "exposure.public",
            received: "true",
            expected: 'false with scaling.mode "queue" on target docker: the queue (Redis) has no authentication, so it is published on 127.0.0.1 only',
        });
    }
    const queueArgs = given.scaling?.queue;
    if (queueArgs?.retentionSeconds !== undefined) {
        problems.push({
            path: "scaling.queue.retentionSeconds",
            received: String(queueArgs.retentionSeconds),
            expected: "nothing on target docker: its Redis stream keeps every request until it is served (none expires, also while the server is stopped)",
        });
    }
    if (queueArgs?.resultRetentionDays !== undefined) {
        problems.push({
            path: "scaling.queue.resultRetentionDays",
            received: String(queueArgs.resultRetentionDays),
            expected: `nothing on target docker: results stay in Redis until deleted (DEL ${QUEUE_KEYS.resultPrefix}<request-id>.json)`,
        });
    }
    return [...problems, ...inferencePathProblems(spec)];
}

/** Redis as the consumer reaches it: by its container's name on the queue network. */
function redisUrl(spec: ServingSpec): string {
    return `redis://${physicalName(spec.name, "redis")}:${REDIS_PORT}/0`;
}

/** The consumer's environment (docs/queue-mode.md lists the variables), in a fixed order. */
export function consumerEnv(spec: ServingSpec, queue: DockerQueueSettings): Record<string, string> {
    return {
        QUEUE_BACKEND: "redis",
        REDIS_URL: redisUrl(spec),
        QUEUE: QUEUE_KEYS.stream,
        QUEUE_DEAD_LETTER: QUEUE_KEYS.deadLetter,
        RESULT_URL: `${redisUrl(spec)}/${QUEUE_KEYS.resultPrefix}`,
        CONSUMER_NAME: physicalName(spec.name, "consumer"),
        MODEL_PORT: String(spec.port),
        MODEL_PATH: queue.inferencePath,
        MODEL_READINESS_PATH: spec.readinessPath,
        // The cold-start budget: after a restart of the server, the consumer waits this long for it, then exits and restarts.
        MODEL_READINESS_TIMEOUT: String(spec.startupTimeoutSeconds),
        REQUEST_TIMEOUT: String((spec.queue as NonNullable<ServingSpec["queue"]>).requestTimeoutSeconds),
        MAX_DELIVERIES: String(queue.maxDeliveries),
        CONCURRENCY: String(queue.concurrency),
        VISIBILITY_TIMEOUT: String(CONSUMER_TIMING.visibilitySeconds),
        POLL_WAIT: String(CONSUMER_TIMING.pollWaitSeconds),
        STOP_TIMEOUT: String(CONSUMER_TIMING.stopSeconds),
        PYTHONDONTWRITEBYTECODE: "1",
    };
}

/** What clients need (the ModelService's `queue` output). */
export function dockerQueueOutputs(queue: DockerQueueSettings): ModelServiceQueueOutputs {
    const url = `redis://127.0.0.1:${queue.hostPort}/0`;
    return consumerQueueOutputs(url, `${url}/${QUEUE_KEYS.resultPrefix}`, `${url}/${QUEUE_KEYS.deadLetter}`);
}

/** What the containers of queue mode share: labels, restart policy, logs. */
export interface QueueContainerDefaults {
    labels: docker.types.input.ContainerLabel[];
    restart: string;
}

const LOGS = { logDriver: "json-file", logOpts: { "max-size": "20m", "max-file": "3" } };

/** The network, Redis and the pod that holds the shared namespace: everything the model server's container needs first. */
export interface DockerQueueInfrastructure {
    /** The model server's `networkMode`: the pod's namespace. */
    networkMode: pulumi.Output<string>;
    redis: docker.Container;
    resources: Record<string, pulumi.Resource>;
}

export function createQueueInfrastructure(spec: ServingSpec, queue: DockerQueueSettings, defaults: QueueContainerDefaults, parent: pulumi.Resource): DockerQueueInfrastructure {
    const { labels, restart } = defaults;
    const network = new docker.Network(`${spec.name}-queue`, { name: physicalName(spec.name, "queue"), driver: "bridge", labels }, { parent });
    const data = new docker.Volume(`${spec.name}-queue-data`, { name: physicalName(spec.name, "queue-data"), labels }, { parent });

    const redisImage = new docker.RemoteImage(`${spec.name}-redis-image`, { name: QUEUE_IMAGES.redis, keepLocally: true }, { parent });
    const redis = new docker.Container(
        `${spec.name}-redis`,
        {
            name: physicalName(spec.name, "redis"),
            image: redisImage.imageId,
            // Append-only file, fsync every second (Redis's persistence documentation): at most a second of submissions
            // is lost when the host crashes; a restart of the container loses nothing.
            command: ["redis-server", "--appendonly", "yes", "--appendfsync", "everysec"],
            mounts: [{ type: "volume", source: data.name, target: "/data" }],
            ports: [{ internal: REDIS_PORT, external: queue.hostPort, ip: "127.0.0.1", protocol: "tcp" }],
            networksAdvanced: [{ name: network.name }],
            // The image's redis user from the start (its entrypoint then skips its chown and privilege drop): no
            // capability needed, and Redis writes only to /data.
            user: "redis:redis",
            readOnly: true,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            healthcheck: { tests: ["CMD", "redis-cli", "ping"], interval: "10s", timeout: "3s", retries: 3, startPeriod: "10s", startInterval: "1s" },
            wait: true,
            waitTimeout: 60,
            restart,
            ...LOGS,
            labels,
        },
        { parent },
    );

    const podImage = new docker.RemoteImage(`${spec.name}-pod-image`, { name: QUEUE_IMAGES.pod, keepLocally: true }, { parent });
    const pod = new docker.Container(
        `${spec.name}-pod`,
        {
            name: physicalName(spec.name, "pod"),
            image: podImage.imageId,
            networksAdvanced: [{ name: network.name }],
            // The pause process only sleeps: any user, nothing to write, no capability.
            user: "65535:65535",
            readOnly: true,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            memory: 16,
            restart,
            ...LOGS,
            labels,
        },
        { parent },
    );
    return {
        // By ID: a new pod replaces the containers in its namespace (the engine resolves the name only when they start).
        networkMode: pulumi.interpolate`container:${pod.id}`,
        redis,
        resources: { queueNetwork: network, queueVolume: data, redisImage, redis, podImage, pod },
    };
}

/** The consumer's container, in the pod's namespace, started once the server is healthy and Redis answers. */
export function createConsumer(
    spec: ServingSpec,
    queue: DockerQueueSettings,
    infrastructure: DockerQueueInfrastructure,
    server: docker.Container,
    defaults: QueueContainerDefaults,
    parent: pulumi.Resource,
): Record<string, pulumi.Resource> {
    const image = new docker.RemoteImage(`${spec.name}-consumer-image`, { name: QUEUE_IMAGES.consumer, keepLocally: true }, { parent });
    const consumer = new docker.Container(
        `${spec.name}-consumer`,
        {
            name: physicalName(spec.name, "consumer"),
            image: image.imageId,
            command: ["python3", CONSUMER_SCRIPT_FILE],
            // A new script replaces the container (uploads are made once, before it starts). The root filesystem stays
            // writable for that: the engine copies no file into a read-only one. The consumer itself writes nothing.
            uploads: [{ file: CONSUMER_SCRIPT_FILE, content: consumerScript() }],
            envs: Object.entries(consumerEnv(spec, queue)).map(([k, v]) => `${k}=${v}`),
            networkMode: infrastructure.networkMode,
            // Debian's nobody: the script is world-readable, the consumer needs no privilege.
            user: "65534:65534",
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            // SIGTERM, then the consumer's STOP_TIMEOUT for its requests in flight before Docker kills it (Docker's own
            // wait is 10 s); `pulumi destroy` and replacements stop it the same way.
            stopTimeout: CONSUMER_TIMING.killAfterSeconds,
            destroyGraceSeconds: CONSUMER_TIMING.killAfterSeconds,
            start: spec.replicas.min > 0,
            memory: 256,
            cpus: "0.5",
            restart: defaults.restart,
            ...LOGS,
            labels: defaults.labels,
        },
        { parent, dependsOn: [server, infrastructure.redis] },
    );
    return { consumerImage: image, consumer };
}

/** The billed resources of queue mode: its three containers, on the local engine ($0, as the server's). */
export function dockerQueueShapes(spec: ServingSpec): CostedResource[] {
    return ["redis", "pod", "consumer"].map((role) => {
        const name = `${spec.name}-${role}`;
        return { urn: name, type: "docker:index/container:Container", name, inputs: {} };
    });
}

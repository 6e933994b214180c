/**
 * The queue consumer beside the model server (docs/queue-mode.md): a ConfigMap holding `consumerScript()`, mounted
 * read-only at /opt/modelship/, and a `queue-consumer` container running `python3 /opt/modelship/consumer.py` with the
 * backend's environment and the consumer's settings (settings.ts). It shares the pod's loopback with the server and
 * writes nothing locally, so its root filesystem is read-only. The server's preStop hook waits on the consumer's
 * `GET /drained`, so a stopping replica finishes (or hands back) its requests before the server goes, and no longer.
 */
import { createHash } from "node:crypto";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cpuQuantity, memoryQuantity, type SidecarSpec, type WorkloadSpec } from "../../../kubernetes";
import { consumerScript } from "../../queue/consumer-script";
import type { ServingSpec } from "../../spec";
import { consumerSettings, stopOrder } from "./settings";

/** Where the ConfigMap is mounted; the script is `consumer.py` there. */
export const CONSUMER_MOUNT_PATH = "/opt/modelship";
export const CONSUMER_SCRIPT = "consumer.py";
export const CONSUMER_CONTAINER = "queue-consumer";

/**
 * The consumer's requests: it waits on sockets (the queue's long poll, the server's answers); boto3 with an SQS and an S3
 * client holds about 50 MB (51 MB maximum resident set of Python 3 with boto3 1.43 and both clients, measured), the rest
 * is room for the bodies of `CONCURRENCY` requests in flight.
 */
export const CONSUMER_RESOURCES = { cpu: 0.1, memoryGiB: 0.25 } as const;

/** One pod's CPU and memory requests in queue mode: the server's and the consumer's (for the cost model's replica shape). */
export function queuePodResources(spec: ServingSpec): { cpu: number; memoryGiB: number } {
    return { cpu: spec.cpu + CONSUMER_RESOURCES.cpu, memoryGiB: spec.memoryGiB + CONSUMER_RESOURCES.memoryGiB };
}

/** The ConfigMap's data: the consumer script. */
export function consumerConfigMapData(): Record<string, string> {
    return { [CONSUMER_SCRIPT]: consumerScript() };
}

/** Creates the ConfigMap that holds the consumer script. */
export function createConsumerConfigMap(
    logicalName: string,
    meta: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> },
    opts: pulumi.CustomResourceOptions,
): kubernetes.core.v1.ConfigMap {
    return new kubernetes.core.v1.ConfigMap(logicalName, { metadata: meta, data: consumerConfigMapData() }, opts);
}

/** What the workload needs from the deployed queue: the ConfigMap's name and the backend's environment. */
export interface ConsumerRefs {
    configMapName: pulumi.Input<string>;
    backendEnv: Record<string, pulumi.Input<string>>;
    /** `kubernetes.queue.consumerImage`, else the backend's `defaultConsumerImage`. */
    image: pulumi.Input<string>;
}

/** The consumer's environment: the backend's, then its settings (docs/queue-mode.md). */
export function consumerEnv(spec: ServingSpec, backendEnv: Record<string, pulumi.Input<string>>): Record<string, pulumi.Input<string>> {
    const c = consumerSettings(spec);
    return {
        ...backendEnv,
        MODEL_PORT: String(c.modelPort),
        MODEL_PATH: c.modelPath,
        MODEL_READINESS_PATH: c.readinessPath,
        MODEL_READINESS_TIMEOUT: String(c.readinessTimeoutSeconds),
        REQUEST_TIMEOUT: String(c.requestTimeoutSeconds),
        VISIBILITY_TIMEOUT: String(c.visibilityTimeoutSeconds),
        MAX_DELIVERIES: String(c.maxDeliveries),
        CONCURRENCY: String(c.concurrency),
        STOP_TIMEOUT: String(c.stopTimeoutSeconds),
        DRAIN_PORT: String(c.drainPort),
        // The root filesystem is read-only: no .pyc files.
        PYTHONDONTWRITEBYTECODE: "1",
    };
}

/** The consumer sidecar: its container and the ConfigMap volume only it mounts. */
export function consumerSidecar(spec: ServingSpec, refs: ConsumerRefs): SidecarSpec {
    return {
        container: {
            name: CONSUMER_CONTAINER,
            image: refs.image,
            command: ["python3", `${CONSUMER_MOUNT_PATH}/${CONSUMER_SCRIPT}`],
            env: consumerEnv(spec, refs.backendEnv),
            resources: { cpu: cpuQuantity(CONSUMER_RESOURCES.cpu), memory: memoryQuantity(CONSUMER_RESOURCES.memoryGiB) },
            volumeMounts: [{ name: CONSUMER_CONTAINER, mountPath: CONSUMER_MOUNT_PATH, readOnly: true }],
        },
        // Read-only for everyone (0444): the non-root user reads the script, nobody writes it.
        volumes: [{ name: CONSUMER_CONTAINER, configMap: { name: refs.configMapName, defaultMode: 0o444 } }],
    };
}

/** The script's digest: a pod annotation, so that a new consumer rolls the pods (they read the script when they start). */
export function consumerScriptDigest(): string {
    return createHash("sha256").update(consumerScript()).digest("hex").slice(0, 16);
}

/** The workload with the consumer beside the server, the server's preStop hook on the consumer and the pod's grace period of queue mode. */
export function withConsumer(workload: WorkloadSpec, spec: ServingSpec, refs: ConsumerRefs): WorkloadSpec {
    const order = stopOrder(spec);
    return {
        ...workload,
        podAnnotations: { ...(workload.podAnnotations ?? {}), "modelship.dev/queue-consumer": consumerScriptDigest() },
        server: { ...workload.server, preStopSleepSeconds: undefined, preStopHttpGet: order.serverPreStop },
        sidecars: [...(workload.sidecars ?? []), consumerSidecar(spec, refs)],
        terminationGracePeriodSeconds: order.terminationGracePeriodSeconds,
    };
}

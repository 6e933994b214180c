/**
 * Queue mode on `target: gcp-cloudrun` (`scaling.mode: queue`): clients publish requests to a Pub/Sub topic, and a push
 * subscription delivers each one to the private service, whose ingress container is the queue consumer
 * (components/model-service/queue/consumer.py, `QUEUE_BACKEND=pubsub-push`); it calls the model server, a sidecar on
 * loopback, and writes the result to Cloud Storage (docs/queue-mode.md, "Cloud Run"). Cloud Run scales the instances on
 * the pushes in flight (`maxInstanceRequestConcurrency` each, up to `scaling.maxReplicas`), and to zero when none come.
 *
 * - The push subscription authenticates with an OIDC token of its own service account, which holds `roles/run.invoker`
 *   on this service and nothing else; Cloud Run checks the token (the service has no `allUsers` grant and internal
 *   ingress, which admits Pub/Sub pushes from the same project: cloud.google.com/run/docs/securing/ingress).
 * - The consumer script reaches its container through a Secret Manager secret mounted as a volume at /opt/modelship.
 *   Cloud Run has no ConfigMap, and its containers start from images: a secret volume is the one file source that is
 *   versioned, readable by this service's identity only, and needs no image of ours. The script (about 30 KB) is within
 *   a secret version's 64 KiB (cloud.google.com/secret-manager/quotas), and the volume names a pinned version, so a new
 *   script makes a new revision, rolled out like any other change. Rejected: a Cloud Storage volume (the script would sit
 *   in a bucket the consumer may write to, and a new script would reach running revisions unannounced), an environment
 *   variable (32 KiB at most per value, `python3 -c` loses the file name in tracebacks), an image of ours (a registry to
 *   publish and pin).
 * - The service's identity (one per revision on Cloud Run, shared by both containers) gets the results bucket
 *   (`objectCreator`, `objectViewer`) and `secretAccessor` on the script's secret.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpName } from "../../../sdk/naming";
import { consumerScript } from "../queue/consumer-script";
import { consumerInferencePath, type QueueSpec } from "../queue";
import { ServingSpec } from "../spec";
import { CONSUMER_MOUNT_PATH, CONSUMER_RESOURCES, CONSUMER_SCRIPT_FILE, CONSUMER_STARTUP_PROBE, consumerPort, CONTAINERS } from "./cloudrun-queue-spec";
import { cloudRunNames, CloudRunSettings, startupProbeTiming } from "./cloudrun-spec";
import { deliveryAttempts } from "./gcp/pubsub-limits";
import { createPubSubQueue, PubSubQueue } from "./gcp/pubsub-queue";

type Container = gcp.types.input.cloudrunv2.ServiceTemplateContainer;
type Volume = gcp.types.input.cloudrunv2.ServiceTemplateVolume;

const CONSUMER_VOLUME = "queue-consumer";

/** What the queue needs of the deployment (cloudrun.ts's context). */
export interface QueueContext {
    spec: ServingSpec;
    parent: pulumi.ComponentResource;
    /** The service account of the revisions, as an IAM member. */
    member: pulumi.Output<string>;
    labels: Record<string, string>;
    resources: Record<string, pulumi.Resource>;
}

/** What the service template gets in queue mode, and what is connected once the service exists. */
export interface CloudRunQueue {
    store: PubSubQueue;
    /** The ingress container. */
    consumer: Container;
    volumes: Volume[];
    /** Grants the first revision needs when it starts (the script's secret, the bucket). */
    grants: pulumi.Resource[];
}

/** The consumer's environment (docs/queue-mode.md, "Environment variables"); Cloud Run sets PORT. */
function consumerEnv(spec: ServingSpec, settings: CloudRunSettings, queue: QueueSpec, store: PubSubQueue) {
    const startup = startupProbeTiming(spec);
    const env: Record<string, pulumi.Input<string>> = {
        QUEUE_BACKEND: "pubsub-push",
        QUEUE: store.subscriptionPath,
        RESULT_URL: store.resultUrl,
        MODEL_PORT: String(spec.port),
        // Known: validation refuses queue mode without one (inferencePathProblems).
        MODEL_PATH: consumerInferencePath(spec) as string,
        MODEL_READINESS_PATH: spec.readinessPath,
        MODEL_READINESS_TIMEOUT: String(startup.initialDelaySeconds + startup.periodSeconds * startup.failureThreshold),
        REQUEST_TIMEOUT: String(queue.requestTimeoutSeconds),
        MAX_DELIVERIES: String(deliveryAttempts(queue)),
        CONCURRENCY: String(settings.concurrency),
        // The script's volume is read-only.
        PYTHONDONTWRITEBYTECODE: "1",
    };
    return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/** The queue, the consumer's script as a pinned secret version, and the consumer container: before the service. */
export function prepareCloudRunQueue(ctx: QueueContext, settings: CloudRunSettings, queue: QueueSpec): CloudRunQueue {
    const { spec, parent } = ctx;
    const store = createPubSubQueue({ name: spec.name, queue, location: settings.region, labels: ctx.labels }, { parent });
    const secret = new gcp.secretmanager.Secret(`${spec.name}-queue-consumer`, { secretId: cloudRunNames(spec).secretId(CONSUMER_VOLUME), replication: { auto: {} }, labels: ctx.labels }, { parent });
    const version = new gcp.secretmanager.SecretVersion(`${spec.name}-queue-consumer`, { secret: secret.id, secretData: consumerScript() }, { parent });
    const access = new gcp.secretmanager.SecretIamMember(
        `${spec.name}-queue-consumer-access`,
        { project: secret.project, secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member: ctx.member },
        { parent },
    );
    const bucketGrants = store.grantConsumer(ctx.member);
    Object.assign(ctx.resources, store.resources, { consumerScript: secret, consumerScriptVersion: version, consumerScriptAccess: access });

    const port = consumerPort(spec);
    const consumer: Container = {
        name: CONTAINERS.consumer,
        image: settings.queueConsumerImage,
        commands: ["python3", `${CONSUMER_MOUNT_PATH}/${CONSUMER_SCRIPT_FILE}`],
        ports: { containerPort: port, name: "http1" },
        envs: consumerEnv(spec, settings, queue, store),
        resources: { limits: { ...CONSUMER_RESOURCES.limits }, cpuIdle: !settings.cpuAlwaysAllocated },
        startupProbe: { httpGet: { path: "/healthz", port }, ...CONSUMER_STARTUP_PROBE },
        volumeMounts: [{ name: CONSUMER_VOLUME, mountPath: CONSUMER_MOUNT_PATH }],
        // Started once the model server passes its startup probe: no push is taken before the model can answer.
        dependsOns: [CONTAINERS.model],
    };
    return {
        store,
        consumer,
        volumes: [{ name: CONSUMER_VOLUME, secret: { secret: secret.secretId, items: [{ path: CONSUMER_SCRIPT_FILE, version: version.version }] } }],
        grants: [access, ...bucketGrants],
    };
}

/** The push: its service account, that account's invoker grant on this service, and the push subscription to the service URL. */
export function connectCloudRunPush(ctx: QueueContext, settings: CloudRunSettings, queue: CloudRunQueue, svc: gcp.cloudrunv2.Service): void {
    const { spec, parent } = ctx;
    const account = new gcp.serviceaccount.Account(
        `${spec.name}-push`,
        {
            accountId: gcpName(`${spec.name}-push`, 30),
            displayName: `modelship ${spec.name} queue push`,
            description: `Identity of the Pub/Sub push to the Cloud Run service ${cloudRunNames(spec).service}: run.invoker on that service only.`,
        },
        { parent },
    );
    const email = pulumi.interpolate`${account.accountId}@${account.project}.iam.gserviceaccount.com`;
    const invoker = new gcp.cloudrunv2.ServiceIamMember(
        `${spec.name}-push-invoker`,
        { project: svc.project, location: svc.location, name: svc.name, role: "roles/run.invoker", member: pulumi.interpolate`serviceAccount:${email}` },
        { parent },
    );
    Object.assign(ctx.resources, { pushServiceAccount: account, pushInvoker: invoker });
    queue.store.subscribe({
        ackDeadlineSeconds: settings.requestTimeoutSeconds,
        push: { endpoint: svc.uri, serviceAccountEmail: email },
        dependsOn: [invoker],
    });
    Object.assign(ctx.resources, queue.store.resources);
}

/**
 * The `gcp-pubsub` queue of queue mode on `target: kubernetes` (`kubernetes.queue.provider: gcp-pubsub`): the Pub/Sub
 * topic, pull subscription, dead-letter topic and results bucket of ../gcp/pubsub-queue.ts, a Google service account
 * the consumer sidecar runs as through GKE Workload Identity, and KEDA's `gcp-pubsub` scaler on the subscription's backlog.
 *
 * - Identity: a Google service account with no project roles: `roles/pubsub.subscriber` on the subscription and
 *   `objectCreator` + `objectViewer` on the bucket. The pods' Kubernetes ServiceAccount acts as it: the account grants
 *   `roles/iam.workloadIdentityUser` to `serviceAccount:<pool>[<namespace>/<ServiceAccount>]` only, and the
 *   ServiceAccount carries `iam.gke.io/gcp-service-account` (cloud.google.com/kubernetes-engine/docs/how-to/workload-identity).
 * - Pull: `ackDeadlineSeconds` = the consumer's `VISIBILITY_TIMEOUT` (60 s, its default): the consumer extends the
 *   deadline while a request runs, so a request may take longer than Pub/Sub's 600 s deadline (docs/queue-mode.md).
 * - KEDA: trigger `gcp-pubsub` on the subscription (its full path), `mode: SubscriptionSize` (undelivered messages),
 *   `value` = the backlog one replica takes (`backlogPerReplica`: `scaling.autoscaling.metricTarget`, else the consumer's
 *   concurrency), `activationValue: "0"` (one message wakes a Deployment at zero), `valueIfNull: "0"` (KEDA 2.15+: a subscription
 *   Cloud Monitoring has no series for yet reads as empty, not as an error). A TriggerAuthentication with
 *   `podIdentity.provider: gcp` makes KEDA read Cloud Monitoring as its own operator's workload identity, which needs
 *   `roles/monitoring.viewer` (keda.sh/docs/2.18/authentication-providers/gcp-workload-identity): set up with KEDA, not here.
 *   KEDA marks this scaler deprecated since its 2025-09-15 announcement (docs 2.15 onwards; keda.sh/blog/2025-09-15-gcp-deprecations):
 *   it reads Cloud Monitoring through MQL, which Google no longer recommends, and KEDA suggests its Prometheus scaler on
 *   Cloud Monitoring's PromQL API instead. Chosen anyway: KEDA keeps the scaler "as long as GCP supports MQL", and Google
 *   states MQL is not being shut down; its metadata names the subscription and the metric exactly, where a PromQL query
 *   over Pub/Sub's metric names could not be checked offline, and a wrong query reads as an empty backlog (the Prometheus
 *   scaler ignores null values by default), which would leave a Deployment at zero with requests waiting.
 * - The team's own subscription (`kubernetes.queue.subscription`, with its `topic`): no topic, subscription, dead-letter
 *   topic or service-agent grant is made; the consumer is granted that subscription and KEDA reads it. The team's own
 *   bucket (`resultBucket`): no bucket is made (docs/queue-mode.md, "A queue you already have").
 */
import * as gcp from "@pulumi/gcp";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stackGcpRegion } from "../../../../sdk/cost/regions";
import { cloudTags, gcpLabels, gcpName, kubernetesLabels, physicalName } from "../../../../sdk/naming";
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import { KubernetesQueueProvider, ModelServiceQueueOutputs } from "../../args";
import { ServingSpec } from "../../spec";
import { deliveryAttempts, pubsubQueueProblems } from "../gcp/pubsub-limits";
import { createPubSubQueue, createResultBucket, grantResults, PubSubQueueSettings, pubsubQueueShapes, RESULT_PREFIX } from "../gcp/pubsub-queue";
import { STANDARD_LIBRARY_CONSUMER_IMAGE } from "../../queue/consumer-images";
import type { KubernetesQueueBackend, QueueBackendContext, QueueBackendDeployment } from "./backend";
import { existingQueueProblems, parsePubSubPath } from "./existing-queue";
import { backlogPerReplica } from "./settings";
import { consumerQueueOutputs } from "../../queue";

/** The pull subscription's ack deadline: the consumer's default `VISIBILITY_TIMEOUT`, passed to it below. */
export const PULL_ACK_DEADLINE_SECONDS = 60;

/** The project and workload identity pool, with their defaults; undefined where neither is given nor configured. */
export function pubsubSettings(spec: ServingSpec): { project?: string; workloadIdentityPool?: string } {
    const given = spec.given.kubernetes?.queue;
    const project = given?.project ?? new pulumi.Config("gcp").get("project");
    return { project, workloadIdentityPool: given?.workloadIdentityPool ?? (project !== undefined ? `${project}.svc.id.goog` : undefined) };
}

/** `subscription` and `topic` together, and the settings of what is not made refused with them. */
function existingProblems(spec: ServingSpec): ValidationProblem[] {
    const given = spec.given.kubernetes?.queue ?? { provider: KubernetesQueueProvider.GcpPubSub };
    const out: ValidationProblem[] = [];
    if (given.subscription !== undefined && given.topic === undefined) {
        out.push({
            path: "kubernetes.queue.topic",
            received: describeValue(undefined),
            expected:
                "the topic of kubernetes.queue.subscription, projects/<project>/topics/<name>, with an existing subscription: it is where clients publish (queue.submitUrl), and only the cloud knows it (the plan runs offline)",
        });
    } else if (given.topic !== undefined && given.subscription === undefined) {
        out.push({
            path: "kubernetes.queue.topic",
            received: describeValue(given.topic),
            expected: "nothing without kubernetes.queue.subscription: modelship makes the topic of the subscription it makes",
        });
    }
    return [...out, ...existingQueueProblems(spec, given.subscription !== undefined ? "subscription" : undefined, "retention (messageRetentionDuration)")];
}

function problems(spec: ServingSpec): ValidationProblem[] {
    if (!spec.queue) return [];
    const existing = existingProblems(spec);
    // Pub/Sub's bounds apply to what modelship makes; with an existing subscription, maxDeliveries must still match its policy.
    const out = [...existing, ...pubsubQueueProblems(spec.queue, "with kubernetes.queue.provider gcp-pubsub").filter((p) => !existing.some((e) => e.path === p.path))];
    if (pubsubSettings(spec).project === undefined) {
        out.push({
            path: "kubernetes.queue.project",
            received: "nothing (no kubernetes.queue.project and no gcp:project config)",
            expected: "the GCP project of the queue, the results bucket and the consumer's service account (or set the gcp:project config)",
        });
    }
    return out;
}

/** What the consumer reads and writes, and the `queue` output: modelship's topic and subscription, or the team's. */
interface PullQueue {
    subscriptionPath: pulumi.Output<string>;
    resultUrl: pulumi.Output<string>;
    outputs: pulumi.Output<ModelServiceQueueOutputs>;
    resources: Record<string, pulumi.Resource>;
    /** Grants the consumer's identity the subscription and the results bucket. */
    grantConsumer(member: pulumi.Input<string>): void;
}

/** modelship's topic, pull subscription, dead-letter topic and (unless `resultBucket` is given) bucket. */
function ownQueue(settings: PubSubQueueSettings, cloudOpts: pulumi.CustomResourceOptions): PullQueue {
    const store = createPubSubQueue(settings, cloudOpts);
    const subscription = store.subscribe({ ackDeadlineSeconds: PULL_ACK_DEADLINE_SECONDS });
    return { ...store, outputs: store.outputs(), grantConsumer: (member) => store.grantConsumer(member, subscription) };
}

/**
 * The team's subscription (`kubernetes.queue.subscription`, with its `topic`): no topic, subscription or dead-letter topic
 * is made, nor the Pub/Sub service agent's grants (its dead-letter policy is the team's); the bucket unless `resultBucket`.
 */
function existingQueue(spec: ServingSpec, settings: PubSubQueueSettings, cloudOpts: pulumi.CustomResourceOptions): PullQueue {
    const given = spec.given.kubernetes?.queue as NonNullable<NonNullable<ServingSpec["given"]["kubernetes"]>["queue"]>;
    const subscriptionPath = pulumi.output(given.subscription as pulumi.Input<string>);
    const bucket = settings.resultBucket === undefined ? createResultBucket(settings, cloudOpts) : undefined;
    const bucketName = bucket ? bucket.name : pulumi.output(settings.resultBucket as pulumi.Input<string>);
    const resultUrl = pulumi.interpolate`gs://${bucketName}/${RESULT_PREFIX}`;
    const resources: Record<string, pulumi.Resource> = bucket ? { resultBucket: bucket } : {};
    const parsed = subscriptionPath.apply((path) => parsePubSubPath(path, "subscriptions"));
    return {
        subscriptionPath,
        resultUrl,
        resources,
        grantConsumer: (member) => {
            const subscriber = new gcp.pubsub.SubscriptionIAMMember(
                `${spec.name}-requests-consumer`,
                { project: parsed.project, subscription: parsed.name, role: "roles/pubsub.subscriber", member },
                cloudOpts,
            );
            Object.assign(resources, { requestSubscriber: subscriber }, grantResults(spec.name, bucketName, member, cloudOpts));
        },
        // The dead-letter topic is the team's: "" (not known here).
        outputs: pulumi.all([pulumi.output(given.topic as pulumi.Input<string>), resultUrl]).apply(([submitUrl, results]) => consumerQueueOutputs(submitUrl, results, "")),
    };
}

function deploy(context: QueueBackendContext): QueueBackendDeployment {
    const { spec, queue, cloudOpts, kubernetesOpts } = context;
    const { project, workloadIdentityPool } = pubsubSettings(spec) as { project: string; workloadIdentityPool: string };
    const labels = gcpLabels(cloudTags(spec.owner));
    const given = spec.given.kubernetes?.queue;
    const settings: PubSubQueueSettings = { name: spec.name, queue, project, location: stackGcpRegion(), labels, resultBucket: given?.resultBucket };
    const store = given?.subscription === undefined ? ownQueue(settings, cloudOpts) : existingQueue(spec, settings, cloudOpts);

    const account = new gcp.serviceaccount.Account(
        `${spec.name}-queue-consumer`,
        {
            project,
            accountId: gcpName(`${spec.name}-consumer`, 30),
            displayName: `modelship ${spec.name} queue consumer`,
            description: `Identity of the queue consumer of ModelService ${spec.name} (GKE Workload Identity): its subscription and results bucket only.`,
        },
        cloudOpts,
    );
    const email = pulumi.interpolate`${account.accountId}@${project}.iam.gserviceaccount.com`;
    store.grantConsumer(pulumi.interpolate`serviceAccount:${email}`);
    const workloadIdentity = new gcp.serviceaccount.IAMMember(
        `${spec.name}-queue-consumer-workload-identity`,
        {
            serviceAccountId: pulumi.interpolate`projects/${project}/serviceAccounts/${email}`,
            role: "roles/iam.workloadIdentityUser",
            member: pulumi.interpolate`serviceAccount:${workloadIdentityPool}[${context.namespace}/${context.serviceAccountName}]`,
        },
        cloudOpts,
    );
    const authName = physicalName(spec.name, "queue-auth", 253);
    const authentication = new kubernetes.apiextensions.CustomResource(
        `${spec.name}-queue-auth`,
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: { name: authName, namespace: context.namespace, labels: kubernetesLabels(spec.owner) },
            spec: { podIdentity: { provider: "gcp" } },
        },
        kubernetesOpts,
    );
    return {
        consumerEnv: {
            QUEUE_BACKEND: "pubsub",
            QUEUE: store.subscriptionPath,
            RESULT_URL: store.resultUrl,
            // The subscription's ack deadline and dead-letter policy, which the consumer must match (docs/queue-mode.md).
            VISIBILITY_TIMEOUT: String(PULL_ACK_DEADLINE_SECONDS),
            MAX_DELIVERIES: String(deliveryAttempts(queue)),
        },
        serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": email },
        trigger: {
            type: "gcp-pubsub",
            metadata: {
                subscriptionName: store.subscriptionPath,
                mode: "SubscriptionSize",
                value: String(backlogPerReplica(spec)),
                activationValue: "0",
                valueIfNull: "0",
            },
            authenticationRef: { name: authName },
        },
        outputs: store.outputs,
        resources: { ...store.resources, consumerServiceAccount: account, consumerWorkloadIdentity: workloadIdentity, queueTriggerAuthentication: authentication },
    };
}

export const pubsubQueueBackend: KubernetesQueueBackend = {
    provider: KubernetesQueueProvider.GcpPubSub,
    // The pubsub backend and the gcs store use only Python's standard library.
    defaultConsumerImage: STANDARD_LIBRARY_CONSUMER_IMAGE,
    problems,
    deploy,
    // Nothing for what the team already has: its subscription and bucket are billed to it whether or not this service runs.
    costedResources: (spec) => pubsubQueueShapes(spec.name, { queue: spec.given.kubernetes?.queue?.subscription === undefined, bucket: spec.given.kubernetes?.queue?.resultBucket === undefined }),
};

/**
 * The GCP queue of queue mode, shared by Cloud Run (a push subscription to the service) and by Kubernetes (a pull
 * subscription the consumer sidecar reads): what clients publish to, where the consumer writes results, and where
 * requests go after `scaling.queue.maxDeliveries` failed deliveries. What is made here:
 *
 * - the requests topic (clients publish to it: `gcloud pubsub topics publish`, docs/queue-mode.md);
 * - a dead-letter topic and its own subscription, so that dead letters are kept (7 days) for inspection and redrive:
 *   Pub/Sub drops what is published to a topic without subscriptions;
 * - the consumer's subscription: `messageRetentionDuration` = `scaling.queue.retentionSeconds`, a dead-letter policy
 *   (`maxDeliveryAttempts` = `scaling.queue.maxDeliveries`, default 5), never expiring (the default expires a subscription
 *   after 31 days without activity, which an idle service at zero would reach). Push: a retry policy, 10 s doubling to
 *   600 s (Pub/Sub's bounds), so that a service at its maximum spreads its redeliveries out; pull: none, the consumer
 *   delays each redelivery itself (`modifyAckDeadline`, docs/queue-mode.md), and a retry policy would add its backoff to it;
 * - the Pub/Sub service agent (`service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com`) may publish to the
 *   dead-letter topic and subscribe to the consumer's subscription, on those two only: what dead-lettering needs
 *   (cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions);
 * - the results bucket: uniform bucket-level access, public access prevention enforced, results deleted after
 *   `scaling.queue.resultRetentionDays` (a lifecycle rule on `results/`). As the SageMaker queue's bucket, it holds only
 *   transient objects, each written once under a request id: not versioned, soft delete off (it would keep every expired
 *   result a further 7 days, billed), and `pulumi destroy` empties it (`forceDestroy`). Auto-named (bucket names are global).
 *   Not made when the team names its own (`resultBucket`, Kubernetes' `kubernetes.queue.resultBucket`): the grants name that one.
 *
 * The consumer's identity gets `roles/storage.objectCreator` and `roles/storage.objectViewer` on the bucket (create a
 * record; read a record's metadata, which is how it finds an answered request) and, on a pull subscription,
 * `roles/pubsub.subscriber` on it: nothing at the project level.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import { gcpName, physicalName } from "../../../../sdk/naming";
import type { ModelServiceQueueOutputs } from "../../args";
import { consumerQueueOutputs, type QueueSpec } from "../../queue";
import { deliveryAttempts } from "./pubsub-limits";

/** The prefix of result records in the bucket: `gs://<bucket>/results/<request id>.json`. */
export const RESULT_PREFIX = "results/";
/** Dead letters are kept 7 days (Pub/Sub's default retention) for inspection and redrive. */
const DEAD_LETTER_RETENTION = "604800s";
/** An empty ttl: the subscription never expires. */
const NEVER_EXPIRES = { ttl: "" };
/** Push redeliveries: from Pub/Sub's default minimum (10 s) to its maximum (600 s). */
export const PUSH_RETRY_POLICY = { minimumBackoff: "10s", maximumBackoff: "600s" } as const;

/** What the queue is made for. */
export interface PubSubQueueSettings {
    /** The component's resource name: the base of every logical and physical name. */
    name: string;
    queue: QueueSpec;
    /** The project of every resource; undefined: the provider's. */
    project?: pulumi.Input<string>;
    /** The results bucket's location, a region. */
    location: string;
    labels: Record<string, string>;
    /** An existing results bucket, by name (`kubernetes.queue.resultBucket`): none is created. */
    resultBucket?: pulumi.Input<string>;
}

/** How the consumer's subscription delivers: pull, or push to an endpoint with an OIDC token of a service account. */
export interface Delivery {
    ackDeadlineSeconds: number;
    push?: { endpoint: pulumi.Input<string>; serviceAccountEmail: pulumi.Input<string> };
    /** Resources the subscription waits for (push: the invoker grant, so that the first pushes are let in). */
    dependsOn?: pulumi.Resource[];
}

export interface PubSubQueue {
    topic: gcp.pubsub.Topic;
    deadLetterTopic: gcp.pubsub.Topic;
    /** The results bucket's name (made here, or the one given). */
    bucketName: pulumi.Output<string>;
    /** `projects/<p>/topics/<t>`: where clients publish. */
    topicPath: pulumi.Output<string>;
    /** `projects/<p>/subscriptions/<s>`, known before the subscription exists (its name is set here). */
    subscriptionPath: pulumi.Output<string>;
    /** `gs://<bucket>/results/`. */
    resultUrl: pulumi.Output<string>;
    /** The resources by role (the component's escape hatches); `subscribe` and `grantConsumer` add theirs. */
    resources: Record<string, pulumi.Resource>;
    /** Creates the consumer's subscription, with its dead-letter policy and the service agent's two grants. */
    subscribe(delivery: Delivery): gcp.pubsub.Subscription;
    /** Grants a consumer identity the results bucket, and the subscription when it pulls. */
    grantConsumer(member: pulumi.Input<string>, pull?: gcp.pubsub.Subscription): pulumi.Resource[];
    /** The ModelService's `queue` output. */
    outputs(): pulumi.Output<ModelServiceQueueOutputs>;
}

/** Physical names, from the component name only (a model change renames nothing). */
export function pubsubNames(name: string): { requests: string; deadLetter: string; bucket: string } {
    return {
        requests: gcpName(`${name}-requests`, 255),
        deadLetter: gcpName(`${name}-dead-letter`, 255),
        // The logical name the provider auto-names the bucket from (it appends a dash and 7 characters; at most 63 in all).
        bucket: physicalName(`${name}-results`, "", 55),
    };
}

/** The lifecycle rule that deletes results after `resultRetentionDays`. */
export function resultLifecycleRules(queue: QueueSpec) {
    return [{ action: { type: "Delete" }, condition: { age: queue.resultRetentionDays, matchesPrefixes: [RESULT_PREFIX] } }];
}

/** The results bucket (see above): private, results deleted after `resultRetentionDays`, emptied by `pulumi destroy`. */
export function createResultBucket(settings: PubSubQueueSettings, opts: pulumi.CustomResourceOptions): gcp.storage.Bucket {
    const { queue, project, labels } = settings;
    const names = pubsubNames(settings.name);
    return new gcp.storage.Bucket(
        names.bucket,
        {
            project,
            // The API's canonical form of a location is upper case.
            location: settings.location.toUpperCase(),
            labels,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            softDeletePolicy: { retentionDurationSeconds: 0 },
            lifecycleRules: resultLifecycleRules(queue),
            forceDestroy: true,
        },
        opts,
    );
}

/** A consumer identity's grants on the results bucket: create a record, read a record's metadata. */
export function grantResults(name: string, bucket: pulumi.Input<string>, member: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): Record<string, pulumi.Resource> {
    const grant = (suffix: string, role: string) => new gcp.storage.BucketIAMMember(`${name}-results-${suffix}`, { bucket, role, member }, opts);
    return { resultWriter: grant("writer", "roles/storage.objectCreator"), resultReader: grant("reader", "roles/storage.objectViewer") };
}

/** The topics, the dead-letter subscription and the bucket; the consumer's subscription comes with `subscribe`. */
export function createPubSubQueue(settings: PubSubQueueSettings, opts: pulumi.CustomResourceOptions): PubSubQueue {
    const { name, queue, project, labels } = settings;
    const names = pubsubNames(name);
    const topic = new gcp.pubsub.Topic(`${name}-requests`, { project, name: names.requests, labels }, opts);
    const deadLetterTopic = new gcp.pubsub.Topic(`${name}-dead-letter`, { project, name: names.deadLetter, labels }, opts);
    const topicPath = pulumi.interpolate`projects/${topic.project}/topics/${topic.name}`;
    const deadLetterPath = pulumi.interpolate`projects/${deadLetterTopic.project}/topics/${deadLetterTopic.name}`;
    const deadLetterSubscription = new gcp.pubsub.Subscription(
        `${name}-dead-letter-subscription`,
        { project, name: names.deadLetter, topic: deadLetterPath, messageRetentionDuration: DEAD_LETTER_RETENTION, expirationPolicy: NEVER_EXPIRES, labels },
        opts,
    );
    const bucket = settings.resultBucket === undefined ? createResultBucket(settings, opts) : undefined;
    const bucketName = bucket ? bucket.name : pulumi.output(settings.resultBucket as pulumi.Input<string>);
    const resources: Record<string, pulumi.Resource> = { requestTopic: topic, deadLetterTopic, deadLetterSubscription, ...(bucket && { resultBucket: bucket }) };
    // The service agent of the topics' project: its number is not in any resource's outputs.
    const projectNumber = gcp.organizations.getProjectOutput({ projectId: topic.project }, { parent: opts.parent, provider: opts.provider }).number;
    const serviceAgent = pulumi.interpolate`serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;

    const subscribe = (delivery: Delivery): gcp.pubsub.Subscription => {
        const push = delivery.push;
        const subscription = new gcp.pubsub.Subscription(
            `${name}-requests-subscription`,
            {
                project,
                name: names.requests,
                topic: topicPath,
                labels,
                ackDeadlineSeconds: delivery.ackDeadlineSeconds,
                messageRetentionDuration: `${queue.retentionSeconds}s`,
                expirationPolicy: NEVER_EXPIRES,
                deadLetterPolicy: { deadLetterTopic: deadLetterPath, maxDeliveryAttempts: deliveryAttempts(queue) },
                retryPolicy: push ? PUSH_RETRY_POLICY : undefined,
                // The audience is the service URL, which Cloud Run accepts for its IAM check.
                pushConfig: push ? { pushEndpoint: push.endpoint, oidcToken: { serviceAccountEmail: push.serviceAccountEmail, audience: push.endpoint } } : undefined,
            },
            { ...opts, dependsOn: delivery.dependsOn },
        );
        const publisher = new gcp.pubsub.TopicIAMMember(`${name}-dead-letter-publisher`, { project, topic: deadLetterTopic.name, role: "roles/pubsub.publisher", member: serviceAgent }, opts);
        const forwarder = new gcp.pubsub.SubscriptionIAMMember(`${name}-requests-forwarder`, { project, subscription: subscription.name, role: "roles/pubsub.subscriber", member: serviceAgent }, opts);
        Object.assign(resources, { requestSubscription: subscription, deadLetterPublisher: publisher, deadLetterForwarder: forwarder });
        return subscription;
    };

    const grantConsumer = (member: pulumi.Input<string>, pull?: gcp.pubsub.Subscription): pulumi.Resource[] => {
        const grants: Record<string, pulumi.Resource> = grantResults(name, bucketName, member, opts);
        if (pull) {
            grants.requestSubscriber = new gcp.pubsub.SubscriptionIAMMember(`${name}-requests-consumer`, { project, subscription: pull.name, role: "roles/pubsub.subscriber", member }, opts);
        }
        Object.assign(resources, grants);
        return Object.values(grants);
    };

    const resultUrl = pulumi.interpolate`gs://${bucketName}/${RESULT_PREFIX}`;
    return {
        topic,
        deadLetterTopic,
        bucketName,
        topicPath,
        subscriptionPath: pulumi.interpolate`projects/${topic.project}/subscriptions/${names.requests}`,
        resultUrl,
        resources,
        subscribe,
        grantConsumer,
        outputs: () => pulumi.all([topicPath, resultUrl, deadLetterPath]).apply(([submitUrl, results, deadLetterQueue]) => consumerQueueOutputs(submitUrl, results, deadLetterQueue)),
    };
}

/**
 * The billed resources, as the cost model prices them: the two topics, the two subscriptions and the bucket; without the
 * queue (`queue: false`, an existing subscription) or the bucket (`bucket: false`, an existing one) where the team has them.
 */
export function pubsubQueueShapes(name: string, made: { queue: boolean; bucket: boolean } = { queue: true, bucket: true }): CostedResource[] {
    const names = pubsubNames(name);
    const shape = (type: string, logical: string, inputs: Record<string, unknown>): CostedResource => ({ urn: logical, type, name: logical, inputs });
    const queue = [
        shape("gcp:pubsub/topic:Topic", `${name}-requests`, { name: names.requests }),
        shape("gcp:pubsub/topic:Topic", `${name}-dead-letter`, { name: names.deadLetter }),
        shape("gcp:pubsub/subscription:Subscription", `${name}-dead-letter-subscription`, { name: names.deadLetter }),
        shape("gcp:pubsub/subscription:Subscription", `${name}-requests-subscription`, { name: names.requests }),
    ];
    return [...(made.queue ? queue : []), ...(made.bucket ? [shape("gcp:storage/bucket:Bucket", names.bucket, {})] : [])];
}

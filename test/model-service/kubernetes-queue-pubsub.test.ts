/**
 * The `gcp-pubsub` backend of queue mode on Kubernetes (targets/kubernetes-queue/gcp-pubsub.ts), tested on its own: its
 * deploy() inside a component on the mock runtime (the Kubernetes target that calls it is another file's), exactly what
 * it creates and returns, the KEDA objects against KEDA's schema (the harness validates every Kubernetes object), and
 * its problems().
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesQueueProvider, ModelService, ModelServiceArgs, ScalingMode, ServingRuntime, Target } from "../../index";
import { modelServiceSchema } from "../../components/model-service/schema";
import { resolveSpec, ServingSpec } from "../../components/model-service/spec";
import type { QueueBackendDeployment } from "../../components/model-service/targets/kubernetes-queue/backend";
import { pubsubQueueBackend } from "../../components/model-service/targets/kubernetes-queue/gcp-pubsub";
import type { AutoscalerSpec } from "../../components/spike-autoscaler/spec";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const CONFIG = { "gcp:project": "acme-ml", "gcp:region": "europe-west4", "modelship:team": "ml-platform" };
const rt = useMockRuntime({ config: CONFIG });

const image = "registry.example.com/llm@sha256:" + "a".repeat(64);
const LABELS = { environment: "dev", team: "ml-platform", service: "llm", "managed-by": "modelship" };
const CONSUMER = "llm-consumer@acme-ml.iam.gserviceaccount.com";
const PUBSUB_AGENT = "serviceAccount:service-000000000000@gcp-sa-pubsub.iam.gserviceaccount.com";
const key = (r: ResourceRecord) => `${r.type}::${r.name}`;

/** The resolved spec of a Kubernetes ModelService in queue mode on Pub/Sub. */
function specOf(queue: Record<string, unknown> = {}, kubernetesQueue: Record<string, unknown> = {}): ServingSpec {
    const args: ModelServiceArgs = {
        model: { image },
        scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4, queue },
        kubernetes: { namespace: "ml", queue: { provider: KubernetesQueueProvider.GcpPubSub, ...kubernetesQueue } },
        target: Target.Kubernetes,
    };
    return resolveSpec("llm", modelServiceSchema.parse(args));
}

/** A component that deploys the backend as the Kubernetes target does: cloud resources and Kubernetes objects as its children. */
class QueueHost extends pulumi.ComponentResource {
    readonly deployment: QueueBackendDeployment;
    constructor(name: string, spec: ServingSpec) {
        super("modelship:test:QueueHost", name, {}, {});
        this.deployment = pubsubQueueBackend.deploy({
            spec,
            queue: spec.queue as NonNullable<ServingSpec["queue"]>,
            namespace: "ml",
            serviceAccountName: "llm",
            cloudOpts: { parent: this },
            kubernetesOpts: { parent: this },
        });
        this.registerOutputs({});
    }
}

describe("the gcp-pubsub queue backend for Kubernetes", () => {
    it("creates a pull subscription, a dead-letter topic, a results bucket and a consumer identity through GKE Workload Identity", async () => {
        const { value: host, resources } = await rt.construct(() => new QueueHost("llm", specOf()));
        expect(resources.map(key).sort()).toEqual(
            [
                "modelship:test:QueueHost::llm",
                "gcp:pubsub/topic:Topic::llm-requests",
                "gcp:pubsub/topic:Topic::llm-dead-letter",
                "gcp:pubsub/subscription:Subscription::llm-dead-letter-subscription",
                "gcp:pubsub/subscription:Subscription::llm-requests-subscription",
                "gcp:pubsub/topicIAMMember:TopicIAMMember::llm-dead-letter-publisher",
                "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember::llm-requests-forwarder",
                "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember::llm-requests-consumer",
                "gcp:storage/bucket:Bucket::llm-results",
                "gcp:storage/bucketIAMMember:BucketIAMMember::llm-results-writer",
                "gcp:storage/bucketIAMMember:BucketIAMMember::llm-results-reader",
                "gcp:serviceaccount/account:Account::llm-queue-consumer",
                "gcp:serviceaccount/iAMMember:IAMMember::llm-queue-consumer-workload-identity",
                "kubernetes:keda.sh/v1alpha1:TriggerAuthentication::llm-queue-auth",
            ].sort(),
        );
        // Pull: the consumer's visibility timeout as the ack deadline, no retry policy (the consumer delays redeliveries itself).
        expect(rt.one("gcp:pubsub/subscription:Subscription", "llm-requests-subscription").inputs).toEqual({
            project: "acme-ml",
            name: "llm-requests",
            topic: "projects/acme-ml/topics/llm-requests",
            labels: LABELS,
            ackDeadlineSeconds: 60,
            messageRetentionDuration: "21600s",
            expirationPolicy: { ttl: "" },
            deadLetterPolicy: { deadLetterTopic: "projects/acme-ml/topics/llm-dead-letter", maxDeliveryAttempts: 5 },
        });
        expect(rt.one("gcp:storage/bucket:Bucket").inputs).toMatchObject({ project: "acme-ml", location: "EUROPE-WEST4", publicAccessPrevention: "enforced", uniformBucketLevelAccess: true });
        expect(rt.one("gcp:serviceaccount/account:Account").inputs).toEqual({
            project: "acme-ml",
            accountId: "llm-consumer",
            displayName: "modelship llm queue consumer",
            description: "Identity of the queue consumer of ModelService llm (GKE Workload Identity): its subscription and results bucket only.",
        });

        // Every grant, on one resource each: nothing at the project level.
        const grants = [
            "gcp:pubsub/topicIAMMember:TopicIAMMember",
            "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            "gcp:serviceaccount/iAMMember:IAMMember",
        ].flatMap((type) =>
            rt.ofType(type).map((r) => ({ name: r.name, role: r.inputs.role, member: r.inputs.member, on: r.inputs.topic ?? r.inputs.subscription ?? r.inputs.bucket ?? r.inputs.serviceAccountId })),
        );
        expect(grants).toEqual([
            { name: "llm-dead-letter-publisher", role: "roles/pubsub.publisher", member: PUBSUB_AGENT, on: "llm-dead-letter" },
            { name: "llm-requests-forwarder", role: "roles/pubsub.subscriber", member: PUBSUB_AGENT, on: "llm-requests" },
            { name: "llm-requests-consumer", role: "roles/pubsub.subscriber", member: `serviceAccount:${CONSUMER}`, on: "llm-requests" },
            { name: "llm-results-writer", role: "roles/storage.objectCreator", member: `serviceAccount:${CONSUMER}`, on: "llm-results" },
            { name: "llm-results-reader", role: "roles/storage.objectViewer", member: `serviceAccount:${CONSUMER}`, on: "llm-results" },
            {
                name: "llm-queue-consumer-workload-identity",
                role: "roles/iam.workloadIdentityUser",
                member: "serviceAccount:acme-ml.svc.id.goog[ml/llm]",
                on: `projects/acme-ml/serviceAccounts/${CONSUMER}`,
            },
        ]);

        // KEDA reads Cloud Monitoring as its own operator's workload identity.
        expect(rt.one("kubernetes:keda.sh/v1alpha1:TriggerAuthentication").inputs).toEqual({
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: { name: "llm-queue-auth", namespace: "ml", labels: expect.objectContaining({ "app.kubernetes.io/name": "llm", "modelship.dev/service": "llm" }) },
            spec: { podIdentity: { provider: "gcp" } },
        });

        const d = host.deployment;
        expect(await outputValue(pulumi.output(d.consumerEnv))).toEqual({
            QUEUE_BACKEND: "pubsub",
            QUEUE: "projects/acme-ml/subscriptions/llm-requests",
            RESULT_URL: "gs://llm-results/results/",
            VISIBILITY_TIMEOUT: "60",
            MAX_DELIVERIES: "5",
        });
        expect(await outputValue(pulumi.output(d.serviceAccountAnnotations))).toEqual({ "iam.gke.io/gcp-service-account": CONSUMER });
        expect(await outputValue(pulumi.output(d.trigger))).toEqual({
            type: "gcp-pubsub",
            metadata: { subscriptionName: "projects/acme-ml/subscriptions/llm-requests", mode: "SubscriptionSize", value: "70", activationValue: "0", valueIfNull: "0" },
            authenticationRef: { name: "llm-queue-auth" },
        });
        expect(await outputValue(d.outputs)).toEqual({
            submitUrl: "projects/acme-ml/topics/llm-requests",
            inputLocation: "",
            outputLocation: "gs://llm-results/results/",
            failureLocation: "gs://llm-results/results/",
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: "projects/acme-ml/topics/llm-dead-letter",
        });
        expect(Object.keys(d.resources)).toEqual([
            "requestTopic",
            "deadLetterTopic",
            "deadLetterSubscription",
            "resultBucket",
            "requestSubscription",
            "deadLetterPublisher",
            "deadLetterForwarder",
            "resultWriter",
            "resultReader",
            "requestSubscriber",
            "consumerServiceAccount",
            "consumerWorkloadIdentity",
            "queueTriggerAuthentication",
        ]);
    });

    it("takes the project, the cluster's workload identity pool, the deliveries and the backlog per replica from the arguments", async () => {
        const spec = specOf({ maxDeliveries: 20, concurrencyPerReplica: 8, retentionSeconds: 3600 }, { project: "acme-queues", workloadIdentityPool: "acme-gke.svc.id.goog" });
        const { value: host } = await rt.construct(() => new QueueHost("llm", spec));
        expect(rt.one("gcp:pubsub/subscription:Subscription", "llm-requests-subscription").inputs).toMatchObject({
            project: "acme-queues",
            topic: "projects/acme-queues/topics/llm-requests",
            messageRetentionDuration: "3600s",
            deadLetterPolicy: { deadLetterTopic: "projects/acme-queues/topics/llm-dead-letter", maxDeliveryAttempts: 20 },
        });
        expect(rt.one("gcp:serviceaccount/iAMMember:IAMMember").inputs).toEqual({
            serviceAccountId: "projects/acme-queues/serviceAccounts/llm-consumer@acme-queues.iam.gserviceaccount.com",
            role: "roles/iam.workloadIdentityUser",
            member: "serviceAccount:acme-gke.svc.id.goog[ml/llm]",
        });
        expect(await outputValue(pulumi.output(host.deployment.trigger.metadata))).toMatchObject({ subscriptionName: "projects/acme-queues/subscriptions/llm-requests", value: "8" });
        expect(host.deployment.consumerEnv.MAX_DELIVERIES).toBe("20");

        // scaling.autoscaling's metricTarget, where the target resolved one, is the backlog per replica.
        const scaled: ServingSpec = { ...spec, autoscaling: { metricTarget: 3 } as AutoscalerSpec };
        const { value: again } = await rt.construct(() => new QueueHost("llm", scaled));
        expect(again.deployment.trigger.metadata.value).toBe("3");
    });

    it("lists its billed resources for the cost model", () => {
        expect(pubsubQueueBackend.costedResources(specOf()).map((r) => `${r.type}::${r.name}`)).toEqual([
            "gcp:pubsub/topic:Topic::llm-requests",
            "gcp:pubsub/topic:Topic::llm-dead-letter",
            "gcp:pubsub/subscription:Subscription::llm-dead-letter-subscription",
            "gcp:pubsub/subscription:Subscription::llm-requests-subscription",
            "gcp:storage/bucket:Bucket::llm-results",
        ]);
    });

    it("refuses a retention and deliveries outside Pub/Sub's bounds, naming the field", () => {
        expect(pubsubQueueBackend.problems(specOf({ retentionSeconds: 300, maxDeliveries: 4, requestTimeoutSeconds: 60 }))).toEqual([
            {
                path: "scaling.queue.retentionSeconds",
                received: "300",
                expected: "600 to 2678400 with kubernetes.queue.provider gcp-pubsub (a Pub/Sub subscription's messageRetentionDuration is 10 minutes to 31 days)",
            },
            {
                path: "scaling.queue.maxDeliveries",
                received: "4",
                expected: "5 to 100 with kubernetes.queue.provider gcp-pubsub (the maxDeliveryAttempts a Pub/Sub dead-letter policy accepts)",
            },
        ]);
        expect(pubsubQueueBackend.problems(specOf({ maxDeliveries: 100 }))).toEqual([]);
    });

    it("refuses a stack without a project to put the queue in", () => {
        pulumi.runtime.setAllConfig({ "gcp:region": "europe-west4" });
        try {
            expect(pubsubQueueBackend.problems(specOf())).toEqual([
                {
                    path: "kubernetes.queue.project",
                    received: "nothing (no kubernetes.queue.project and no gcp:project config)",
                    expected: "the GCP project of the queue, the results bucket and the consumer's service account (or set the gcp:project config)",
                },
            ]);
            expect(pubsubQueueBackend.problems(specOf({}, { project: "acme-queues" }))).toEqual([]);
        } finally {
            pulumi.runtime.setAllConfig(CONFIG);
        }
    });

    it("checks the project and pool forms in the schema", () => {
        const parse = (queue: Record<string, unknown>) =>
            modelServiceSchema.safeParse({ model: { image }, scaling: { mode: ScalingMode.Queue }, kubernetes: { queue: { provider: "gcp-pubsub", ...queue } }, target: "kubernetes" }).success;
        expect(parse({ project: "acme-ml", workloadIdentityPool: "acme-ml.svc.id.goog" })).toBe(true);
        expect(parse({ project: "Acme_ML" })).toBe(false);
        expect(parse({ workloadIdentityPool: "acme-ml" })).toBe(false);
    });
});

describe("ModelService on kubernetes in queue mode with gcp-pubsub", () => {
    it("wires the backend into the pods and the ScaledObject: the consumer pulls the subscription as the Google service account, KEDA scales on its backlog", async () => {
        const args: ModelServiceArgs = {
            model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
            resources: { gpu: { accelerator: Accelerator.L4 } },
            scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4 },
            kubernetes: { namespace: "ml", queue: { provider: KubernetesQueueProvider.GcpPubSub } },
            target: Target.Kubernetes,
        };
        const { value: svc } = await rt.construct(() => new ModelService("llm", args));
        expect(rt.one("kubernetes:core/v1:ServiceAccount").inputs.metadata).toMatchObject({ annotations: { "iam.gke.io/gcp-service-account": CONSUMER } });
        const pod = (rt.one("kubernetes:apps/v1:Deployment").inputs.spec as { template: { spec: { containers: { name: string; env: { name: string; value: string }[] }[] } } }).template.spec;
        const consumer = pod.containers.find((c) => c.name === "queue-consumer");
        // The pubsub backend needs only the standard library: the plain Python image, not the boto3 one SQS needs.
        expect((consumer as unknown as { image: string }).image).toBe("docker.io/library/python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36");
        const env = Object.fromEntries((consumer?.env ?? []).map((e) => [e.name, e.value]));
        expect(env).toMatchObject({
            QUEUE_BACKEND: "pubsub",
            QUEUE: "projects/acme-ml/subscriptions/llm-requests",
            MODEL_PATH: "/v1/chat/completions",
            VISIBILITY_TIMEOUT: "60",
            MAX_DELIVERIES: "5",
            CONCURRENCY: "4",
        });
        // The bucket is auto-named (a random suffix) by a real engine; the mocks keep the logical name.
        expect(env.RESULT_URL).toBe("gs://llm-results/results/");
        const scaled = rt.one("kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec as { minReplicaCount: number; triggers: { name: string; type: string; metadata: Record<string, string> }[] };
        expect(scaled.minReplicaCount).toBe(0);
        expect(scaled.triggers).toEqual([
            expect.objectContaining({
                name: "queue-depth",
                type: "gcp-pubsub",
                metadata: { subscriptionName: "projects/acme-ml/subscriptions/llm-requests", mode: "SubscriptionSize", value: "4", activationValue: "0", valueIfNull: "0" },
            }),
        ]);
        const queue = await outputValue(svc.queue);
        expect(queue.submitUrl).toBe("projects/acme-ml/topics/llm-requests");
        expect(queue.deadLetterQueue).toBe("projects/acme-ml/topics/llm-dead-letter");
    });
});

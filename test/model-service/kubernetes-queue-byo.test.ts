/**
 * Queue mode on `target: kubernetes` with a queue the team already has (docs/queue-mode.md, "A queue you already have"):
 * an SQS queue by ARN (`kubernetes.queue.queueArn`), a Pub/Sub subscription by path (`subscription`, with its `topic`),
 * an existing result bucket (`resultBucket`). Exactly what is created then (no queue, dead-letter queue, topic or
 * subscription; no bucket with `resultBucket`), the grants that point at the team's queue, the consumer's environment,
 * KEDA's trigger, the outputs and the cost; then the errors.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesQueueProvider, ModelService, ModelServiceArgs, ScalingMode, ServingRuntime, Target } from "../../index";
import { estimateCost } from "../../sdk/cost";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";
import { validateKubernetesObjects } from "../kubernetes-schemas";
import { podSecurityViolations } from "../pod-security";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:project": "acme-ml", "gcp:region": "europe-west4", "modelship:team": "ml-platform" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = (r: ResourceRecord, key: string) => JSON.parse(r.inputs[key] as string) as unknown;
const keys = (resources: ResourceRecord[]) =>
    resources
        .filter((r) => r.custom)
        .map((r) => `${r.type}::${r.name}`)
        .sort();
const envOf = (): Record<string, string> => {
    const pod = (rt.one("kubernetes:apps/v1:Deployment").inputs.spec as Json).template;
    const consumer = pod.spec.containers.find((c: Json) => c.name === "queue-consumer");
    return Object.fromEntries(consumer.env.map((e: Json) => [e.name, e.value]));
};
const triggerOf = () => (rt.one("kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec as Json).triggers;

const KEDA_ROLE = "arn:aws:iam::123456789012:role/keda-operator";
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:111122223333:team-requests";
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/team-requests";
const SUBSCRIPTION = "projects/acme-data/subscriptions/llm-requests";
const TOPIC = "projects/acme-data/topics/llm-requests";
const CONSUMER = "llm-consumer@acme-ml.iam.gserviceaccount.com";
/** What every queue-mode service on Kubernetes makes: the pods, their identity and the consumer's ConfigMap. */
const KUBERNETES_OBJECTS = [
    "kubernetes:apps/v1:Deployment::llm",
    "kubernetes:core/v1:ConfigMap::llm-consumer",
    "kubernetes:core/v1:ServiceAccount::llm",
    "kubernetes:keda.sh/v1alpha1:ScaledObject::llm",
    "kubernetes:policy/v1:PodDisruptionBudget::llm",
    "kubernetes:monitoring.coreos.com/v1:PodMonitor::llm",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule::llm",
    "kubernetes:core/v1:ConfigMap::llm-dashboard",
];

const sqs = (queue: Record<string, unknown>) => ({ provider: KubernetesQueueProvider.AwsSqs, eksClusterName: "ml-prod", kedaRoleArn: KEDA_ROLE, ...queue });
const pubsub = (queue: Record<string, unknown>) => ({ provider: KubernetesQueueProvider.GcpPubSub, ...queue });
const queued = (queue: ModelServiceArgs["kubernetes"] extends infer K ? (K extends { queue?: infer Q } ? Q : never) : never, scaling: Json = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4, ...scaling },
    kubernetes: { namespace: "ml", queue },
    target: Target.Kubernetes,
});

describe("queue mode on kubernetes with the team's SQS queue", () => {
    it("makes no queue and no bucket: the consumer's and KEDA's grants, the consumer, the trigger and the outputs point at the team's", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued(sqs({ queueArn: QUEUE_ARN, resultBucket: "team-results" }))));
        expect(keys(resources)).toEqual(
            [
                "aws:eks/podIdentityAssociation:PodIdentityAssociation::llm-consumer",
                "aws:iam/role:Role::llm-consumer",
                "aws:iam/role:Role::llm-keda-scaler",
                "aws:iam/rolePolicy:RolePolicy::llm-consumer",
                "aws:iam/rolePolicy:RolePolicy::llm-keda-scaler",
                "kubernetes:keda.sh/v1alpha1:TriggerAuthentication::llm-queue",
                ...KUBERNETES_OBJECTS,
            ].sort(),
        );
        validateKubernetesObjects(resources);
        expect(podSecurityViolations(resources)).toEqual([]);

        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy", "llm-consumer"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ConsumeRequests", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], Resource: QUEUE_ARN },
                { Sid: "ReadWriteResults", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::team-results/results/*" },
                { Sid: "ListResults", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::team-results", Condition: { StringLike: { "s3:prefix": "results/*" } } },
            ],
        });
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy", "llm-keda-scaler"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "ReadQueueLength", Effect: "Allow", Action: "sqs:GetQueueAttributes", Resource: QUEUE_ARN }],
        });

        // The queue's region is its ARN's: the consumer and KEDA call SQS there.
        expect(envOf()).toMatchObject({
            QUEUE_BACKEND: "sqs",
            QUEUE: QUEUE_URL,
            RESULT_URL: "s3://team-results/results/",
            AWS_REGION: "eu-west-1",
            AWS_DEFAULT_REGION: "eu-west-1",
            MAX_DELIVERIES: "5",
        });
        expect(triggerOf()).toEqual([
            {
                name: "queue-depth",
                type: "aws-sqs-queue",
                metadata: { queueURL: QUEUE_URL, queueLength: "4", activationQueueLength: "0", awsRegion: "eu-west-1" },
                authenticationRef: { name: "llm-queue" },
            },
        ]);
        expect(await outputValue(svc.url)).toBe(QUEUE_URL);
        // The dead-letter queue is the team's: unknown here.
        expect(await outputValue(svc.queue)).toEqual({
            submitUrl: QUEUE_URL,
            inputLocation: "",
            outputLocation: "s3://team-results/results/",
            failureLocation: "s3://team-results/results/",
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: "",
        });
        expect(Object.keys(svc.resources)).not.toContain("requestQueue");

        // Cost: the pods only; nothing for a queue and a bucket not created (no SQS or S3 line in the basis).
        const cost = await outputValue(svc.estimatedMonthlyCost);
        expect(estimateCost(resources).knownMonthly).toEqual({ min: 0, max: 2854.59 });
        expect(cost.basis.filter((line: string) => /SQS|S3/.test(line))).toEqual([]);
    });

    it("with only the queue: makes the result bucket in the queue's region", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", queued(sqs({ queueArn: QUEUE_ARN }))));
        expect(resources.filter((r) => r.type === "aws:sqs/queue:Queue")).toEqual([]);
        const s3 = resources.filter((r) => r.type.startsWith("aws:s3/"));
        expect(s3.map((r) => r.type).sort()).toEqual([
            "aws:s3/bucket:Bucket",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ]);
        for (const r of s3) expect(r.inputs.region).toBe("eu-west-1");
        const bucket = rt.one("aws:s3/bucket:Bucket");
        expect(envOf().RESULT_URL).toBe(`s3://${bucket.outputs.bucket}/results/`);
    });

    it("takes the queue's ARN as an Output (another stack's): the URL and region derived once it resolves", async () => {
        await rt.construct(() => new ModelService("llm", queued(sqs({ queueArn: pulumi.output(QUEUE_ARN), resultBucket: "team-results" }))));
        expect(envOf()).toMatchObject({ QUEUE: QUEUE_URL, AWS_REGION: "eu-west-1" });
        expect(triggerOf()[0].metadata).toEqual({ queueURL: QUEUE_URL, queueLength: "4", activationQueueLength: "0", awsRegion: "eu-west-1" });
        expect((json(rt.one("aws:iam/rolePolicy:RolePolicy", "llm-keda-scaler"), "policy") as Json).Statement[0].Resource).toBe(QUEUE_ARN);
    });

    it("with only the bucket: makes the queue and its dead-letter queue, and grants the team's bucket", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued(sqs({ resultBucket: "team-results" }))));
        expect(resources.filter((r) => r.type.startsWith("aws:s3/"))).toEqual([]);
        expect(resources.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => r.name)).toEqual(["llm-dead-letter", "llm-requests"]);
        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy", "llm-consumer"), "policy") as Json).Statement;
        expect(statements.map((s: Json) => s.Resource).slice(1)).toEqual(["arn:aws:s3:::team-results/results/*", "arn:aws:s3:::team-results"]);
        expect((await outputValue(svc.queue)).deadLetterQueue).toMatch(/^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/llm-dead-letter-/);
    });
});

describe("queue mode on kubernetes with the team's Pub/Sub subscription", () => {
    it("makes no topic, subscription or dead-letter topic: the consumer subscribes to the team's, KEDA reads its backlog, clients publish to its topic", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued(pubsub({ subscription: SUBSCRIPTION, topic: TOPIC }))));
        expect(keys(resources)).toEqual(
            [
                "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember::llm-requests-consumer",
                "gcp:serviceaccount/account:Account::llm-queue-consumer",
                "gcp:serviceaccount/iAMMember:IAMMember::llm-queue-consumer-workload-identity",
                "gcp:storage/bucket:Bucket::llm-results",
                "gcp:storage/bucketIAMMember:BucketIAMMember::llm-results-reader",
                "gcp:storage/bucketIAMMember:BucketIAMMember::llm-results-writer",
                "kubernetes:keda.sh/v1alpha1:TriggerAuthentication::llm-queue-auth",
                ...KUBERNETES_OBJECTS,
            ].sort(),
        );
        validateKubernetesObjects(resources);
        expect(podSecurityViolations(resources)).toEqual([]);
        // The subscriber grant on the team's subscription, in its own project; nothing for the Pub/Sub service agent (its dead-letter policy is the team's).
        expect(rt.one("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember").inputs).toEqual({
            project: "acme-data",
            subscription: "llm-requests",
            role: "roles/pubsub.subscriber",
            member: `serviceAccount:${CONSUMER}`,
        });
        expect(rt.ofType("gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => r.inputs)).toEqual([
            { bucket: "llm-results", role: "roles/storage.objectCreator", member: `serviceAccount:${CONSUMER}` },
            { bucket: "llm-results", role: "roles/storage.objectViewer", member: `serviceAccount:${CONSUMER}` },
        ]);
        expect(envOf()).toMatchObject({ QUEUE_BACKEND: "pubsub", QUEUE: SUBSCRIPTION, RESULT_URL: "gs://llm-results/results/", VISIBILITY_TIMEOUT: "60", MAX_DELIVERIES: "5" });
        expect(triggerOf()).toEqual([
            {
                name: "queue-depth",
                type: "gcp-pubsub",
                metadata: { subscriptionName: SUBSCRIPTION, mode: "SubscriptionSize", value: "4", activationValue: "0", valueIfNull: "0" },
                authenticationRef: { name: "llm-queue-auth" },
            },
        ]);
        expect(await outputValue(svc.url)).toBe(TOPIC);
        expect(await outputValue(svc.queue)).toEqual({
            submitUrl: TOPIC,
            inputLocation: "",
            outputLocation: "gs://llm-results/results/",
            failureLocation: "gs://llm-results/results/",
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: "",
        });
        const cost = await outputValue(svc.estimatedMonthlyCost);
        expect(cost.basis.filter((line: string) => /Pub\/Sub/.test(line))).toEqual([]);
    });

    it("with the team's bucket too: makes no bucket, and grants that one", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", queued(pubsub({ subscription: SUBSCRIPTION, topic: TOPIC, resultBucket: "acme_results" }))));
        expect(resources.filter((r) => r.type === "gcp:storage/bucket:Bucket" || r.type.startsWith("gcp:pubsub/topic") || r.type === "gcp:pubsub/subscription:Subscription")).toEqual([]);
        expect(rt.ofType("gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => r.inputs.bucket)).toEqual(["acme_results", "acme_results"]);
        expect(envOf().RESULT_URL).toBe("gs://acme_results/results/");
    });

    it("with only the team's bucket: makes the topic and subscription, and no bucket", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", queued(pubsub({ resultBucket: "acme-results" }))));
        expect(resources.filter((r) => r.type === "gcp:storage/bucket:Bucket")).toEqual([]);
        expect(resources.filter((r) => r.type === "gcp:pubsub/subscription:Subscription").map((r) => r.name)).toEqual(["llm-dead-letter-subscription", "llm-requests-subscription"]);
        expect(envOf().RESULT_URL).toBe("gs://acme-results/results/");
    });
});

describe("the errors of an existing queue", () => {
    const invalid: [string, ModelServiceArgs, string][] = [
        [
            "a queue ARN that is a name",
            queued(sqs({ queueArn: "team-requests" })),
            '  - kubernetes.queue.queueArn: received "team-requests"; expected an SQS queue ARN such as arn:aws:sqs:us-east-1:111122223333:llm-requests',
        ],
        [
            "a queue ARN of another service",
            queued(sqs({ queueArn: "arn:aws:sns:eu-west-1:111122223333:team-requests" })),
            '  - kubernetes.queue.queueArn: received "arn:aws:sns:eu-west-1:111122223333:team-requests"; expected an SQS queue ARN such as arn:aws:sqs:us-east-1:111122223333:llm-requests',
        ],
        [
            "a retention with an existing queue",
            queued(sqs({ queueArn: QUEUE_ARN }), { queue: { retentionSeconds: 86400 } }),
            '  - scaling.queue.retentionSeconds: received 86400; expected nothing with kubernetes.queue.queueArn: modelship makes no queue to set it on; set the retention (MessageRetentionPeriod) on your queue (docs/queue-mode.md, "A queue you already have")',
        ],
        [
            "a region other than the queue's",
            queued(sqs({ queueArn: QUEUE_ARN, region: "us-east-1" })),
            "  - kubernetes.queue.region: received \"us-east-1\"; expected nothing, or the queue's region eu-west-1 (from kubernetes.queue.queueArn): the consumer and KEDA call SQS in the queue's region",
        ],
        [
            "a Cloud Storage bucket name on S3",
            queued(sqs({ resultBucket: "team_results" })),
            "  - kubernetes.queue.resultBucket: received \"team_results\"; expected an S3 bucket name with provider aws-sqs: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        ],
        [
            "a bucket name with capitals",
            queued(sqs({ resultBucket: "Team-Results" })),
            "  - kubernetes.queue.resultBucket: received \"Team-Results\"; expected a bucket name: lowercase letters, digits, '.', '-' (and '_' on Cloud Storage), starting and ending with a letter or digit",
        ],
        [
            "result days with an existing bucket",
            queued(sqs({ resultBucket: "team-results" }), { queue: { resultRetentionDays: 3 } }),
            "  - scaling.queue.resultRetentionDays: received 3; expected nothing with kubernetes.queue.resultBucket: modelship makes no bucket to set it on; expire results/ with a lifecycle rule of your bucket",
        ],
        [
            "a queue ARN with gcp-pubsub",
            queued(pubsub({ queueArn: QUEUE_ARN })),
            `  - kubernetes.queue.queueArn: received "${QUEUE_ARN}"; expected nothing with provider gcp-pubsub (a setting of aws-sqs)`,
        ],
        [
            "a subscription with aws-sqs",
            queued(sqs({ subscription: SUBSCRIPTION, topic: TOPIC })),
            `  - kubernetes.queue.subscription: received "${SUBSCRIPTION}"; expected nothing with provider aws-sqs (a setting of gcp-pubsub)`,
        ],
        [
            "a subscription without its topic",
            queued(pubsub({ subscription: SUBSCRIPTION })),
            "  - kubernetes.queue.topic: received nothing (the field is missing); expected the topic of kubernetes.queue.subscription, projects/<project>/topics/<name>, with an existing subscription: it is where clients publish (queue.submitUrl), and only the cloud knows it (the plan runs offline)",
        ],
        [
            "a topic without a subscription",
            queued(pubsub({ topic: TOPIC })),
            `  - kubernetes.queue.topic: received "${TOPIC}"; expected nothing without kubernetes.queue.subscription: modelship makes the topic of the subscription it makes`,
        ],
        [
            "a subscription's short name",
            queued(pubsub({ subscription: "llm-requests", topic: TOPIC })),
            '  - kubernetes.queue.subscription: received "llm-requests"; expected a Pub/Sub subscription path such as projects/acme-ml-prod/subscriptions/llm-requests',
        ],
        [
            "a retention with an existing subscription",
            queued(pubsub({ subscription: SUBSCRIPTION, topic: TOPIC }), { queue: { retentionSeconds: 86400 } }),
            '  - scaling.queue.retentionSeconds: received 86400; expected nothing with kubernetes.queue.subscription: modelship makes no queue to set it on; set the retention (messageRetentionDuration) on your queue (docs/queue-mode.md, "A queue you already have")',
        ],
    ];
    for (const [what, args, message] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                expect(() => new ModelService("bad", args)).toThrow(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

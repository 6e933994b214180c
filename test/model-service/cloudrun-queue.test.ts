/**
 * Queue mode on gcp-cloudrun: a Pub/Sub topic whose push subscription delivers to a private service whose ingress
 * container is the queue consumer, with the model server as its sidecar; a dead-letter topic kept by its own
 * subscription; a results bucket; least-privilege grants; and the errors.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ScalingMode, Target } from "../../index";
import { consumerScript } from "../../components/model-service/queue/consumer-script";
import { SECRET_PAYLOAD_MAX_BYTES } from "../../components/model-service/targets/cloudrun-queue-spec";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "gcp:project": "acme-ml", "gcp:region": "us-central1", "modelship:team": "ml-platform" } });

const image = "us-docker.pkg.dev/acme-ml/models/llm@sha256:" + "a".repeat(64);
const PYTHON = "docker.io/library/python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36";
const SERVICE = "gcp:cloudrunv2/service:Service";
const MODEL_SA = "serviceAccount:llm-model@acme-ml.iam.gserviceaccount.com";
const PUSH_SA = "llm-push@acme-ml.iam.gserviceaccount.com";
// The simulated project's number (sdk/plan/simulated-cloud.ts answers getProject with it).
const PUBSUB_AGENT = "serviceAccount:service-000000000000@gcp-sa-pubsub.iam.gserviceaccount.com";
const LABELS = { environment: "dev", team: "ml-platform", service: "llm", "managed-by": "modelship" };
const URL = "https://llm-487b91042c-uc.a.run.app";
const key = (r: ResourceRecord) => `${r.type}::${r.name}`;

const queued = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { image, port: 8000, readinessPath: "/health" },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 3, queue: { inferencePath: "/v1/chat/completions" } },
    target: Target.GcpCloudRun,
    ...extra,
});

type Container = Record<string, unknown> & { name: string; envs?: Array<{ name: string; value?: unknown }> };
const containersOf = (r: ResourceRecord) => (r.inputs.template as { containers: Container[] }).containers;
const envOf = (c: Container) => Object.fromEntries((c.envs ?? []).map((e) => [e.name, e.value]));

describe("ModelService on gcp-cloudrun in queue mode", () => {
    it("pushes a Pub/Sub topic to a private service: the consumer as ingress container, the model server as its sidecar", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued()));
        expect(resources.map(key).sort()).toEqual(
            [
                "modelship:index:ModelService::llm",
                "gcp:serviceaccount/account:Account::llm-sa",
                "gcp:serviceaccount/account:Account::llm-push",
                "gcp:pubsub/topic:Topic::llm-requests",
                "gcp:pubsub/topic:Topic::llm-dead-letter",
                "gcp:pubsub/subscription:Subscription::llm-dead-letter-subscription",
                "gcp:pubsub/subscription:Subscription::llm-requests-subscription",
                "gcp:pubsub/topicIAMMember:TopicIAMMember::llm-dead-letter-publisher",
                "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember::llm-requests-forwarder",
                "gcp:storage/bucket:Bucket::llm-results",
                "gcp:storage/bucketIAMMember:BucketIAMMember::llm-results-writer",
                "gcp:storage/bucketIAMMember:BucketIAMMember::llm-results-reader",
                "gcp:secretmanager/secret:Secret::llm-queue-consumer",
                "gcp:secretmanager/secretVersion:SecretVersion::llm-queue-consumer",
                "gcp:secretmanager/secretIamMember:SecretIamMember::llm-queue-consumer-access",
                `${SERVICE}::llm-service`,
                "gcp:cloudrunv2/serviceIamMember:ServiceIamMember::llm-push-invoker",
                // Observability is on by default (observability-gcp.test.ts).
                "gcp:monitoring/alertPolicy:AlertPolicy::llm-alert-latency",
                "gcp:monitoring/alertPolicy:AlertPolicy::llm-alert-errors",
                "gcp:monitoring/alertPolicy:AlertPolicy::llm-alert-max-instances",
                "gcp:monitoring/dashboard:Dashboard::llm-dashboard",
            ].sort(),
        );

        // The topics, named from the component; the dead letters kept a week by their own subscription.
        expect(rt.one("gcp:pubsub/topic:Topic", "llm-requests").inputs).toEqual({ name: "llm-requests", labels: LABELS });
        expect(rt.one("gcp:pubsub/topic:Topic", "llm-dead-letter").inputs).toEqual({ name: "llm-dead-letter", labels: LABELS });
        expect(rt.one("gcp:pubsub/subscription:Subscription", "llm-dead-letter-subscription").inputs).toEqual({
            name: "llm-dead-letter",
            topic: "projects/acme-ml/topics/llm-dead-letter",
            messageRetentionDuration: "604800s",
            expirationPolicy: { ttl: "" },
            labels: LABELS,
        });

        // The push subscription: the retention, the push deadline (300 s request + 60 s), the dead-letter policy, OIDC.
        const subscription = rt.one("gcp:pubsub/subscription:Subscription", "llm-requests-subscription");
        expect(subscription.inputs).toEqual({
            name: "llm-requests",
            topic: "projects/acme-ml/topics/llm-requests",
            labels: LABELS,
            ackDeadlineSeconds: 360,
            messageRetentionDuration: "21600s",
            expirationPolicy: { ttl: "" },
            deadLetterPolicy: { deadLetterTopic: "projects/acme-ml/topics/llm-dead-letter", maxDeliveryAttempts: 5 },
            retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" },
            pushConfig: { pushEndpoint: URL, oidcToken: { serviceAccountEmail: PUSH_SA, audience: URL } },
        });
        // Created after the invoker grant, so that its first pushes are let in.
        expect(subscription.options.dependencies).toContain(rt.one("gcp:cloudrunv2/serviceIamMember:ServiceIamMember").urn);

        // The results bucket: private, uniform access, results expired, soft delete off, emptied on destroy.
        expect(rt.one("gcp:storage/bucket:Bucket").inputs).toEqual({
            location: "US-CENTRAL1",
            labels: LABELS,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            softDeletePolicy: { retentionDurationSeconds: 0 },
            lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 7, matchesPrefixes: ["results/"] } }],
            forceDestroy: true,
        });

        // The service: private (internal ingress), its timeout the push deadline, scaling to zero and to maxReplicas.
        const service = rt.one(SERVICE);
        expect(service.inputs).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", location: "us-central1" });
        expect(service.inputs.template).toMatchObject({
            timeout: "360s",
            maxInstanceRequestConcurrency: 4,
            scaling: { minInstanceCount: 0, maxInstanceCount: 3 },
            volumes: [{ name: "queue-consumer", secret: { secret: "llm-queue-consumer", items: [{ path: "consumer.py", version: "1" }] } }],
        });
        const [consumer, model] = containersOf(service);
        expect(consumer).toEqual({
            name: "queue-consumer",
            image: PYTHON,
            commands: ["python3", "/opt/modelship/consumer.py"],
            ports: { containerPort: 8080, name: "http1" },
            envs: expect.any(Array),
            resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: false },
            startupProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 30 },
            volumeMounts: [{ name: "queue-consumer", mountPath: "/opt/modelship" }],
            dependsOns: ["model-server"],
        });
        expect(envOf(consumer)).toEqual({
            QUEUE_BACKEND: "pubsub-push",
            QUEUE: "projects/acme-ml/subscriptions/llm-requests",
            RESULT_URL: "gs://llm-results/results/",
            MODEL_PORT: "8000",
            MODEL_PATH: "/v1/chat/completions",
            MODEL_READINESS_PATH: "/health",
            MODEL_READINESS_TIMEOUT: "240",
            REQUEST_TIMEOUT: "300",
            MAX_DELIVERIES: "5",
            CONCURRENCY: "4",
            PYTHONDONTWRITEBYTECODE: "1",
        });
        // The sidecar: no port (only the ingress container has one), its probes on its own port, and the GPU.
        expect(model.name).toBe("model-server");
        expect(model.ports).toBeUndefined();
        expect(model.startupProbe).toMatchObject({ httpGet: { path: "/health", port: 8000 } });
        expect(model.resources).toEqual({ limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" }, cpuIdle: false });

        // The consumer script, as a pinned secret version that only the service's identity reads.
        const version = rt.one("gcp:secretmanager/secretVersion:SecretVersion");
        expect(version.inputs.secretData).toBe(consumerScript());
        expect(rt.one("gcp:secretmanager/secretIamMember:SecretIamMember").inputs).toMatchObject({ secretId: "llm-queue-consumer", role: "roles/secretmanager.secretAccessor", member: MODEL_SA });
        // The first revision starts with its script and bucket grants in place.
        for (const grant of ["gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:storage/bucketIAMMember:BucketIAMMember"]) {
            for (const r of rt.ofType(grant)) expect(service.options.dependencies).toContain(r.urn);
        }

        const queue = await outputValue(svc.queue);
        expect(queue).toEqual({
            submitUrl: "projects/acme-ml/topics/llm-requests",
            inputLocation: "",
            outputLocation: "gs://llm-results/results/",
            failureLocation: "gs://llm-results/results/",
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: "projects/acme-ml/topics/llm-dead-letter",
        });
        expect(await outputValue(svc.url)).toBe(URL);
        // At zero a push waits for the startup probe's 240 s; the consumer gives a request 300 s (the revision's 360 s above is the push deadline).
        expect(await outputValue(svc.endpointName)).toBe("llm");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(240);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);
    });

    it("grants each identity one thing: the push account invokes this service, the agent dead-letters, the service account writes results", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", queued()));
        const grants = [
            "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
            "gcp:pubsub/topicIAMMember:TopicIAMMember",
            "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            "gcp:secretmanager/secretIamMember:SecretIamMember",
        ].flatMap((type) =>
            rt
                .ofType(type)
                .map((r) => ({ name: r.name, role: r.inputs.role, member: r.inputs.member, on: r.inputs.name ?? r.inputs.topic ?? r.inputs.subscription ?? r.inputs.bucket ?? r.inputs.secretId })),
        );
        expect(grants).toEqual([
            { name: "llm-push-invoker", role: "roles/run.invoker", member: `serviceAccount:${PUSH_SA}`, on: "llm" },
            { name: "llm-dead-letter-publisher", role: "roles/pubsub.publisher", member: PUBSUB_AGENT, on: "llm-dead-letter" },
            { name: "llm-requests-forwarder", role: "roles/pubsub.subscriber", member: PUBSUB_AGENT, on: "llm-requests" },
            { name: "llm-results-writer", role: "roles/storage.objectCreator", member: MODEL_SA, on: "llm-results" },
            { name: "llm-results-reader", role: "roles/storage.objectViewer", member: MODEL_SA, on: "llm-results" },
            { name: "llm-queue-consumer-access", role: "roles/secretmanager.secretAccessor", member: MODEL_SA, on: "llm-queue-consumer" },
        ]);
        expect(rt.one("gcp:serviceaccount/account:Account", "llm-push").inputs).toMatchObject({ accountId: "llm-push" });
        expect(Object.keys(svc.resources)).toEqual([
            "serviceAccount",
            "requestTopic",
            "deadLetterTopic",
            "deadLetterSubscription",
            "resultBucket",
            "resultWriter",
            "resultReader",
            "consumerScript",
            "consumerScriptVersion",
            "consumerScriptAccess",
            "service",
            "pushServiceAccount",
            "pushInvoker",
            "requestSubscription",
            "deadLetterPublisher",
            "deadLetterForwarder",
            "alertLatency",
            "alertErrors",
            "alertMaxInstances",
            "dashboard",
        ]);
    });

    it("takes the concurrency, deliveries, retention and consumer image from scaling.queue and cloudRun, and moves the consumer off the model's port", async () => {
        const other = "us-docker.pkg.dev/acme-ml/tools/python@sha256:" + "c".repeat(64);
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image, port: 8080 },
                    resources: { cpu: 2, memoryGiB: 4 },
                    scaling: {
                        mode: ScalingMode.Queue,
                        minReplicas: 0,
                        maxReplicas: 10,
                        queue: { concurrencyPerReplica: 16, maxDeliveries: 12, retentionSeconds: 86400, requestTimeoutSeconds: 540, inferencePath: "/predict" },
                    },
                    cloudRun: { queueConsumerImage: other },
                    target: Target.GcpCloudRun,
                }),
        );
        const service = rt.one(SERVICE);
        expect(service.inputs.template).toMatchObject({ timeout: "600s", maxInstanceRequestConcurrency: 16, scaling: { minInstanceCount: 0, maxInstanceCount: 10 } });
        const [consumer, model] = containersOf(service);
        expect(consumer).toMatchObject({ image: other, ports: { containerPort: 8081, name: "http1" }, resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: true } });
        expect(envOf(consumer)).toMatchObject({ MODEL_PORT: "8080", MODEL_PATH: "/predict", REQUEST_TIMEOUT: "540", MAX_DELIVERIES: "12", CONCURRENCY: "16" });
        expect(model.resources).toEqual({ limits: { cpu: "2", memory: "4Gi" }, cpuIdle: true });
        expect(rt.one("gcp:pubsub/subscription:Subscription", "llm-requests-subscription").inputs).toMatchObject({
            ackDeadlineSeconds: 600,
            messageRetentionDuration: "86400s",
            deadLetterPolicy: { maxDeliveryAttempts: 12 },
        });
    });

    it("prices the consumer container with the instance, and the queue, bucket and script as billed per use", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", queued()));
        const cost = await outputValue(svc.estimatedMonthlyCost);
        // (4 + 1) vCPU x 0.000018 x 3600 + (16 + 0.5) GiB x 0.000002 x 3600 + one L4 at 0.67, instance-based, 0 to 3 instances.
        // The three alerting conditions: $1.50 a month each, idle or not.
        const hourly = 5 * 0.000018 * 3600 + 16.5 * 0.000002 * 3600 + 0.67;
        expect(cost.knownMin).toBe(4.5);
        expect(cost.knownMax).toBeCloseTo(3 * hourly * 730 + 4.5, 2);
        expect(cost.known).toBe(false);
        expect(cost.basis.slice(1)).toEqual([
            "Pub/Sub publish throughput (per TiB): $0 without requests; at full scale unknown (billed per use at a price not in the catalog)",
            "Pub/Sub publish throughput (per TiB): $0 without requests; at full scale unknown (billed per use at a price not in the catalog)",
            "Pub/Sub delivery throughput (per TiB) and storage of messages unacknowledged past 24 hours (per GiB-month): $0 without requests; at full scale unknown (billed per use at a price not in the catalog)",
            "Pub/Sub delivery throughput (per TiB) and storage of messages unacknowledged past 24 hours (per GiB-month): $0 without requests; at full scale unknown (billed per use at a price not in the catalog)",
            "unknown: Cloud Storage bills per use: storage per GB-month of what the bucket holds and operations per 1,000, with no fixed monthly part; neither price is in the catalog",
            "unknown: a Secret Manager active version (per version and location per month, and accesses per 10,000) is billed, but its price is not in the catalog",
            ...Array(3).fill(
                "1 alerting condition(s) x $1.5000/month (cloud.google.com/monitoring/alerts/cost-control, read 2026-12); per use: $0.3500 per million time series returned, not included",
            ),
        ]);
    });

    it("fits the consumer script in one Secret Manager secret version (64 KiB)", () => {
        expect(Buffer.byteLength(consumerScript(), "utf8")).toBeLessThanOrEqual(SECRET_PAYLOAD_MAX_BYTES);
    });

    const queue = { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 2 };
    const invalid: [string, ModelServiceArgs, string][] = [
        [
            "a retention shorter than Pub/Sub's minimum",
            queued({ model: { image, startupTimeoutSeconds: 60 }, scaling: { ...queue, queue: { retentionSeconds: 500, requestTimeoutSeconds: 30 } } }),
            "  - scaling.queue.retentionSeconds: received 500; expected 600 to 2678400 on gcp-cloudrun (a Pub/Sub subscription's messageRetentionDuration is 10 minutes to 31 days)",
        ],
        [
            "a request time Pub/Sub cannot wait for",
            queued({ scaling: { ...queue, queue: { requestTimeoutSeconds: 900 } } }),
            "  - scaling.queue.requestTimeoutSeconds: received 900; expected at most 540 on gcp-cloudrun: Pub/Sub waits at most 600 s (the longest ackDeadlineSeconds) for a push to be answered, and the consumer needs 60 s beyond the model call to check for and write the result (use target kubernetes for longer requests: its consumer extends the deadline while a request runs)",
        ],
        [
            "fewer deliveries than Pub/Sub's dead-letter minimum",
            queued({ scaling: { ...queue, queue: { maxDeliveries: 4 } } }),
            "  - scaling.queue.maxDeliveries: received 4; expected 5 to 100 on gcp-cloudrun (the maxDeliveryAttempts a Pub/Sub dead-letter policy accepts)",
        ],
        [
            "more deliveries than Pub/Sub's dead-letter maximum",
            queued({ scaling: { ...queue, queue: { maxDeliveries: 101 } } }),
            "  - scaling.queue.maxDeliveries: received 101; expected 5 to 100 on gcp-cloudrun (the maxDeliveryAttempts a Pub/Sub dead-letter policy accepts)",
        ],
        [
            "a public queue-mode service",
            queued({ exposure: { public: true, auth: AuthMode.Iam } }),
            '  - exposure.public: received true; expected false with scaling.mode "queue" on gcp-cloudrun: clients publish to the Pub/Sub topic (queue.submitUrl), and the service takes only the subscription\'s authenticated pushes',
        ],
        [
            "named invokers in queue mode",
            queued({ cloudRun: { invokers: ["group:ml@acme.example"] } }),
            '  - cloudRun.invokers: received an array of 1; expected none with scaling.mode "queue": only the push subscription\'s service account invokes the service; grant callers roles/pubsub.publisher on the topic instead',
        ],
        [
            "Cloud Run's own request timeout in queue mode",
            queued({ cloudRun: { requestTimeoutSeconds: 600 } }),
            '  - cloudRun.requestTimeoutSeconds: received 600; expected nothing with scaling.mode "queue" (the service\'s timeout is scaling.queue.requestTimeoutSeconds plus 60 s, the push deadline)',
        ],
        [
            "an instance's whole CPU for the model server",
            queued({ resources: { cpu: 8, memoryGiB: 32, gpu: { accelerator: Accelerator.L4 } } }),
            '  - resources.cpu: received 8; expected at most 7 with scaling.mode "queue" on gcp-cloudrun: the consumer container takes 1 of an instance\'s 8 vCPU\n  - resources.memoryGiB: received 32; expected at most 31.5 with scaling.mode "queue" on gcp-cloudrun: the consumer container takes 0.5 GiB of an instance\'s 32',
        ],
        [
            "two settings of the same concurrency cap",
            queued({ scaling: { ...queue, queue: { concurrencyPerReplica: 8 } }, cloudRun: { concurrency: 4 } }),
            "  - scaling.queue.concurrencyPerReplica: received 8; expected either scaling.queue.concurrencyPerReplica or cloudRun.concurrency (both set the pushes an instance takes at once, maxInstanceRequestConcurrency: 4)",
        ],
        [
            "a consumer image in HTTP mode",
            { model: { image }, cloudRun: { queueConsumerImage: PYTHON }, target: Target.GcpCloudRun },
            `  - cloudRun.queueConsumerImage: received "${PYTHON.slice(0, 77)}..."; expected nothing without scaling.mode "queue" (an HTTP service has no consumer)`,
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

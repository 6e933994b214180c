/**
 * Queue mode on `target: kubernetes` with AWS SQS (`kubernetes.queue.provider: aws-sqs`, docs/queue-mode.md): the request
 * queue and its dead-letter queue, the result bucket, the consumer's role through EKS Pod Identity, KEDA's scaler role and
 * TriggerAuthentication, the consumer sidecar beside the server and the stop order, the ScaledObject on the backlog, the
 * outputs and the cost; then the errors.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, KubernetesQueueProvider, KubernetesScalingEngine, ModelService, ModelServiceArgs, ScalingMetric, ScalingMode, ServingRuntime, Target } from "../../index";
import { consumerScript } from "../../components/model-service/queue/consumer-script";
import { estimateCost } from "../../sdk/cost";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { autoscaledServices } from "../../simulate/services";
import { outputValue, useMockRuntime } from "../harness";
import { validateKubernetesObjects } from "../kubernetes-schemas";
import { podSecurityViolations, writableRootContainers } from "../pod-security";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PARENT = "urn:pulumi:dev::test::modelship:index:ModelService";
const urnOf = (type: string, name: string) => `${PARENT}$${type}::${name}`;
const json = (r: ResourceRecord, key: string) => JSON.parse(r.inputs[key] as string) as unknown;
const keys = (resources: ResourceRecord[]) =>
    resources
        .filter((r) => r.custom)
        .map((r) => `${r.type}::${r.name}`)
        .sort();
const podOf = (r: ResourceRecord): Json => (r.inputs.spec as Json).template;

const TAGS = { environment: "dev", team: "ml-platform", service: "llm", "managed-by": "modelship" };
const ACCOUNT = "123456789012";
const QUEUE = "llm-requests-6fffaa349f0c45a9e60b2e013c";
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`;
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${QUEUE}`;
const DEAD_LETTER = "llm-dead-letter-514d4d2214e1bd4167d2a149b3";
const BUCKET = "llm-results-712782928429f3e417417b20e0";
const KEDA_ROLE = `arn:aws:iam::${ACCOUNT}:role/keda-operator`;
const SCALER_ROLE = `arn:aws:iam::${ACCOUNT}:role/modelship/keda-scaler/llm-keda-scaler`;
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const TRIGGER_AUTH = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";
const QUEUE_TYPE = "aws:sqs/queue:Queue";
const LABELS = {
    "app.kubernetes.io/component": "modelservice",
    "app.kubernetes.io/instance": "llm",
    "app.kubernetes.io/managed-by": "modelship",
    "app.kubernetes.io/name": "llm",
    "modelship.dev/environment": "dev",
    "modelship.dev/service": "llm",
    "modelship.dev/team": "ml-platform",
};

const sqs = { provider: KubernetesQueueProvider.AwsSqs, eksClusterName: "ml-prod", kedaRoleArn: KEDA_ROLE };
const queued = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4 },
    kubernetes: { namespace: "ml", queue: sqs },
    target: Target.Kubernetes,
    ...extra,
});

describe("ModelService on kubernetes in queue mode with aws-sqs", () => {
    it("takes requests from an SQS queue through a consumer beside vLLM, writes results to S3, and scales on the backlog to and from zero", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued()));
        expect(keys(resources)).toEqual(
            [
                "aws:eks/podIdentityAssociation:PodIdentityAssociation::llm-consumer",
                "aws:iam/role:Role::llm-consumer",
                "aws:iam/role:Role::llm-keda-scaler",
                "aws:iam/rolePolicy:RolePolicy::llm-consumer",
                "aws:iam/rolePolicy:RolePolicy::llm-keda-scaler",
                "aws:s3/bucket:Bucket::llm-results",
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::llm-results",
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls::llm-results",
                "aws:s3/bucketPolicy:BucketPolicy::llm-results",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::llm-results",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::llm-results",
                `${QUEUE_TYPE}::llm-dead-letter`,
                `${QUEUE_TYPE}::llm-requests`,
                `${DEPLOYMENT}::llm`,
                "kubernetes:core/v1:ConfigMap::llm-consumer",
                "kubernetes:core/v1:ServiceAccount::llm",
                `${TRIGGER_AUTH}::llm-queue`,
                `${SCALED_OBJECT}::llm`,
                "kubernetes:policy/v1:PodDisruptionBudget::llm",
                "kubernetes:monitoring.coreos.com/v1:PodMonitor::llm",
                "kubernetes:monitoring.coreos.com/v1:PrometheusRule::llm",
                "kubernetes:core/v1:ConfigMap::llm-dashboard",
            ].sort(),
        );
        // Every Kubernetes object validates against its upstream schema (KEDA's CRDs included); no Service, no HTTPRoute.
        validateKubernetesObjects(resources);

        // The queues: the consumer's visibility, SSE-SQS, the retention given (the default 21,600 s), redrive after 5 receives
        // to a dead-letter queue that keeps a request 14 days.
        expect(rt.one(QUEUE_TYPE, "llm-dead-letter").inputs).toEqual({ namePrefix: "llm-dead-letter-", messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true, tags: TAGS });
        const requests = rt.one(QUEUE_TYPE, "llm-requests");
        expect({ ...requests.inputs, redrivePolicy: undefined }).toEqual({
            namePrefix: "llm-requests-",
            messageRetentionSeconds: 21600,
            visibilityTimeoutSeconds: 60,
            sqsManagedSseEnabled: true,
            redrivePolicy: undefined,
            tags: TAGS,
        });
        expect(json(requests, "redrivePolicy")).toEqual({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${DEAD_LETTER}`, maxReceiveCount: 5 });

        // The result bucket: the SageMaker queue's private bucket, results expiring after 7 days.
        expect(rt.one("aws:s3/bucket:Bucket").inputs).toEqual({ bucketPrefix: "llm-results-", forceDestroy: true, tags: TAGS });
        expect(rt.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toEqual({
            bucket: BUCKET,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(rt.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs).toEqual({ bucket: BUCKET, rule: { objectOwnership: "BucketOwnerEnforced" } });
        expect(rt.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs).toEqual({
            bucket: BUCKET,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        });
        expect(rt.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs).toEqual({
            bucket: BUCKET,
            rules: [{ id: "expire-results", status: "Enabled", filter: { prefix: "results/" }, expiration: { days: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
        });
        expect(json(rt.one("aws:s3/bucketPolicy:BucketPolicy"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });

        // The consumer's role: EKS Pod Identity for this cluster, namespace and ServiceAccount; exactly the queue's and results' grants.
        const consumerRole = rt.one("aws:iam/role:Role", "llm-consumer");
        expect({ ...consumerRole.inputs, assumeRolePolicy: undefined }).toEqual({
            namePrefix: "llm-consumer-",
            description: "Queue consumer of the modelship ModelService llm (EKS Pod Identity)",
            assumeRolePolicy: undefined,
            tags: TAGS,
        });
        expect(json(consumerRole, "assumeRolePolicy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowEksPodIdentity",
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: { StringEquals: { "aws:RequestTag/eks-cluster-name": "ml-prod", "aws:RequestTag/kubernetes-namespace": "ml", "aws:RequestTag/kubernetes-service-account": "llm" } },
                },
            ],
        });
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy", "llm-consumer"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ConsumeRequests", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], Resource: QUEUE_ARN },
                { Sid: "ReadWriteResults", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/results/*` },
                { Sid: "ListResults", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${BUCKET}`, Condition: { StringLike: { "s3:prefix": "results/*" } } },
            ],
        });
        const association = rt.one("aws:eks/podIdentityAssociation:PodIdentityAssociation");
        expect(association.inputs).toEqual({ clusterName: "ml-prod", namespace: "ml", serviceAccount: "llm", roleArn: `arn:aws:iam::${ACCOUNT}:role/llm-consumer`, tags: TAGS });
        expect(association.options.dependencies).toContain(urnOf("aws:iam/rolePolicy:RolePolicy", "llm-consumer"));

        // KEDA's role: assumed from the KEDA operator's role, may only read the queue's attributes.
        const scalerRole = rt.one("aws:iam/role:Role", "llm-keda-scaler");
        expect({ ...scalerRole.inputs, assumeRolePolicy: undefined }).toEqual({
            namePrefix: "llm-scaler-",
            path: "/modelship/keda-scaler/",
            description: "KEDA reads the queue length of the modelship ModelService llm",
            assumeRolePolicy: undefined,
            tags: TAGS,
        });
        expect(json(scalerRole, "assumeRolePolicy")).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "AllowKedaOperator", Effect: "Allow", Principal: { AWS: KEDA_ROLE }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        });
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy", "llm-keda-scaler"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "ReadQueueLength", Effect: "Allow", Action: "sqs:GetQueueAttributes", Resource: QUEUE_ARN }],
        });
        const triggerAuth = rt.one(TRIGGER_AUTH);
        expect(triggerAuth.inputs).toEqual({
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: { name: "llm-queue", namespace: "ml", labels: LABELS },
            spec: { podIdentity: { provider: "aws", roleArn: SCALER_ROLE } },
        });
        expect(triggerAuth.options.dependencies).toContain(urnOf("aws:iam/rolePolicy:RolePolicy", "llm-keda-scaler"));

        // The consumer script in a ConfigMap, and the ServiceAccount with no annotation (Pod Identity needs none).
        expect(rt.one("kubernetes:core/v1:ConfigMap", "llm-consumer").inputs).toEqual({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "llm-consumer", namespace: "ml", labels: LABELS },
            data: { "consumer.py": consumerScript() },
        });
        expect(rt.one("kubernetes:core/v1:ServiceAccount").inputs).toMatchObject({ metadata: { name: "llm", namespace: "ml" }, automountServiceAccountToken: false });
        expect((rt.one("kubernetes:core/v1:ServiceAccount").inputs.metadata as Json).annotations).toBeUndefined();

        // The pod: the server, then the consumer on the same loopback. The server's preStop waits on the consumer's
        // GET /drained (at the pod's IP, port 9471), so it outlives the consumer's drain, at most 300 s, and no longer;
        // the grace period is the bound it had with the fixed 310 s sleep.
        const deployment = rt.one(DEPLOYMENT);
        expect((deployment.inputs.spec as Json).replicas).toBeUndefined();
        const pod = podOf(deployment);
        expect(pod.spec.containers.map((c: Json) => c.name)).toEqual(["server", "queue-consumer"]);
        expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { httpGet: { path: "/drained", port: 9471, scheme: "HTTP" } } });
        expect(pod.spec.terminationGracePeriodSeconds).toBe(320);
        expect(pod.metadata.annotations["modelship.dev/queue-consumer"]).toMatch(/^[0-9a-f]{16}$/);
        expect(pod.spec.containers[1]).toEqual({
            name: "queue-consumer",
            image: "public.ecr.aws/lambda/python:3.12@sha256:60d905e5b5329af7f2bd8289c5f989b91a33963e9908b29511b2d119721e67d0",
            command: ["python3", "/opt/modelship/consumer.py"],
            env: [
                { name: "QUEUE_BACKEND", value: "sqs" },
                { name: "QUEUE", value: QUEUE_URL },
                { name: "RESULT_URL", value: `s3://${BUCKET}/results/` },
                { name: "AWS_REGION", value: "us-east-1" },
                { name: "AWS_DEFAULT_REGION", value: "us-east-1" },
                { name: "MODEL_PORT", value: "8000" },
                { name: "MODEL_PATH", value: "/v1/chat/completions" },
                { name: "MODEL_READINESS_PATH", value: "/health" },
                { name: "MODEL_READINESS_TIMEOUT", value: "600" },
                { name: "REQUEST_TIMEOUT", value: "900" },
                { name: "VISIBILITY_TIMEOUT", value: "60" },
                { name: "MAX_DELIVERIES", value: "5" },
                { name: "CONCURRENCY", value: "4" },
                { name: "STOP_TIMEOUT", value: "300" },
                { name: "DRAIN_PORT", value: "9471" },
                { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
            ],
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
            volumeMounts: [{ name: "queue-consumer", mountPath: "/opt/modelship", readOnly: true }],
            terminationMessagePolicy: "FallbackToLogsOnError",
        });
        expect(pod.spec.volumes).toContainEqual({ name: "queue-consumer", configMap: { name: "llm-consumer", defaultMode: 0o444 } });
        // Pods start only once their identity exists (EKS injects its credentials when a pod is created).
        expect(deployment.options.dependencies).toContain(urnOf("aws:eks/podIdentityAssociation:PodIdentityAssociation", "llm-consumer"));
        expect(podSecurityViolations(resources)).toEqual([]);
        expect(writableRootContainers(resources)).toEqual([]);

        // KEDA on the queue's backlog: 4 messages per replica (the consumer's concurrency), awake at the first one, 0 to 4.
        const scaledObject = rt.one(SCALED_OBJECT);
        expect(scaledObject.inputs.spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 4, cooldownPeriod: 600, pollingInterval: 15 });
        expect((scaledObject.inputs.spec as Json).triggers).toEqual([
            {
                name: "queue-depth",
                type: "aws-sqs-queue",
                metadata: { queueURL: QUEUE_URL, queueLength: "4", activationQueueLength: "0", awsRegion: "us-east-1" },
                authenticationRef: { name: "llm-queue" },
            },
        ]);
        // The HPA behaviour of every KEDA ScaledObject: the fast ramp, and the Kubernetes scale-down delay.
        expect((scaledObject.inputs.spec as Json).advanced.horizontalPodAutoscalerConfig.behavior).toEqual({
            scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [
                    { type: "Percent", value: 99900, periodSeconds: 15 },
                    { type: "Pods", value: 4, periodSeconds: 15 },
                ],
            },
            scaleDown: { stabilizationWindowSeconds: 240, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
        });
        expect(scaledObject.options.dependencies).toContain(urnOf(TRIGGER_AUTH, "llm-queue"));

        // Callers submit to the queue: it is the URL, and nothing inside the cluster is.
        expect(await outputValue(svc.url)).toBe(QUEUE_URL);
        expect(await outputValue(svc.internalUrl)).toBe("");
        // The queue's times: at zero the cold start (600 s) before the consumer's request time (900 s); no HTTP endpoint.
        expect(await outputValue(svc.endpointName)).toBe("");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(600);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(900);
        expect(await outputValue(svc.queue)).toEqual({
            submitUrl: QUEUE_URL,
            inputLocation: "",
            outputLocation: `s3://${BUCKET}/results/`,
            failureLocation: `s3://${BUCKET}/results/`,
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${DEAD_LETTER}`,
        });
        expect(Object.keys(svc.resources)).toEqual(
            expect.arrayContaining([
                "requestQueue",
                "deadLetterQueue",
                "resultBucket",
                "consumerRole",
                "podIdentityAssociation",
                "kedaScalerRole",
                "triggerAuthentication",
                "consumerConfigMap",
                "scaledObject",
            ]),
        );

        // Cost: the pods (server and consumer: 1 L4, 4.1 vCPU, 16.25 GiB, so a g6.2xlarge at $0.9776/h) from 0 to 4 =
        // 4 x 0.9776 x 730 = 2,854.59, as the plan prices what was created; the queues per request and the bucket unknown, never $0.
        const cost = await outputValue(svc.estimatedMonthlyCost);
        const plan = estimateCost(resources);
        expect(cost).toMatchObject({ known: false, knownMin: plan.knownMonthly.min, knownMax: plan.knownMonthly.max });
        expect(plan.knownMonthly).toEqual({ min: 0, max: 2854.59 });
        expect(cost.basis).toContain("SQS requests (per million; every 64 KiB of a payload is one request): $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
        expect(cost.basis).toContain("unknown: S3 bills per use: storage per GB-month of what the bucket holds and requests per 1,000, with no fixed monthly part; neither price is in the catalog");
    });

    it("takes the queue's settings: retention, deliveries, concurrency, request time, result days, region, image, and the backlog target", async () => {
        const image = "registry.example.com/consumer@sha256:" + "c".repeat(64);
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    queued({
                        scaling: {
                            mode: ScalingMode.Queue,
                            minReplicas: 1,
                            maxReplicas: 8,
                            queue: { retentionSeconds: 86400, maxDeliveries: 3, concurrencyPerReplica: 16, requestTimeoutSeconds: 120, resultRetentionDays: 2 },
                            autoscaling: { metricTarget: 32 },
                        },
                        kubernetes: {
                            namespace: "ml",
                            serviceAccountAnnotations: { "example.com/owner": "ml" },
                            autoscaler: { installKeda: true },
                            queue: { ...sqs, region: "eu-west-1", consumerImage: image },
                        },
                    }),
                ),
        );
        const url = `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/${QUEUE}`;
        const requests = rt.one(QUEUE_TYPE, "llm-requests");
        expect(requests.inputs).toMatchObject({ region: "eu-west-1", messageRetentionSeconds: 86400, visibilityTimeoutSeconds: 60 });
        expect(json(requests, "redrivePolicy")).toEqual({ deadLetterTargetArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:${DEAD_LETTER}`, maxReceiveCount: 3 });
        expect(rt.one(QUEUE_TYPE, "llm-dead-letter").inputs.region).toBe("eu-west-1");
        // The bucket and each of its settings in the queue's region; the Pod Identity association in the cluster's (the provider's).
        for (const r of rt.recorder.all().filter((x) => x.type.startsWith("aws:s3/"))) expect(r.inputs.region).toBe("eu-west-1");
        expect(rt.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).toMatchObject([{ id: "expire-results", expiration: { days: 2 } }]);
        expect(rt.one("aws:eks/podIdentityAssociation:PodIdentityAssociation").inputs.region).toBeUndefined();

        const pod = podOf(rt.one(DEPLOYMENT));
        const consumer = pod.spec.containers[1];
        expect(consumer.image).toBe(image);
        const env = Object.fromEntries(consumer.env.map((e: Json) => [e.name, e.value]));
        expect(env).toMatchObject({ QUEUE: url, AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1", REQUEST_TIMEOUT: "120", MAX_DELIVERIES: "3", CONCURRENCY: "16", STOP_TIMEOUT: "120" });
        // A request of at most 120 s finishes on a stopping replica: the server waits for the drain, the pod has 140 s.
        expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { httpGet: { path: "/drained", port: 9471, scheme: "HTTP" } } });
        expect(pod.spec.terminationGracePeriodSeconds).toBe(140);
        expect(rt.one("kubernetes:core/v1:ServiceAccount").inputs.metadata).toMatchObject({ annotations: { "example.com/owner": "ml" } });

        const scaledObject = rt.one(SCALED_OBJECT);
        expect(scaledObject.inputs.spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 8 });
        expect((scaledObject.inputs.spec as Json).triggers[0].metadata).toEqual({ queueURL: url, queueLength: "32", activationQueueLength: "0", awsRegion: "eu-west-1" });
        // KEDA's objects wait for KEDA's CRDs.
        const release = urnOf("kubernetes:helm.sh/v3:Release", "llm-keda");
        expect(scaledObject.options.dependencies).toContain(release);
        expect(rt.one(TRIGGER_AUTH).options.dependencies).toContain(release);
    });

    it("keeps a fixed replica count without KEDA: no ScaledObject, no scaler role, no TriggerAuthentication; the consumer still beside each server", async () => {
        const fixed = queued({ scaling: { mode: ScalingMode.Queue, replicas: 2 }, kubernetes: { namespace: "ml", queue: { provider: KubernetesQueueProvider.AwsSqs, eksClusterName: "ml-prod" } } });
        const { resources } = await rt.construct(() => new ModelService("llm", fixed));
        expect(resources.filter((r) => r.type === SCALED_OBJECT || r.type === TRIGGER_AUTH || r.name === "llm-keda-scaler")).toEqual([]);
        expect(rt.one("aws:eks/podIdentityAssociation:PodIdentityAssociation").inputs.clusterName).toBe("ml-prod");
        const deployment = rt.one(DEPLOYMENT);
        expect((deployment.inputs.spec as Json).replicas).toBe(2);
        expect(podOf(deployment).spec.containers.map((c: Json) => c.name)).toEqual(["server", "queue-consumer"]);
    });

    it("moves the consumer's drain port off the server's own ports, the hook and DRAIN_PORT alike", async () => {
        const { resources } = await rt.construct(
            () => new ModelService("llm", queued({ model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm, port: 9471, metricsPort: 9472 } })),
        );
        validateKubernetesObjects(resources);
        const pod = podOf(rt.one(DEPLOYMENT));
        expect(pod.spec.containers[0].ports.map((p: Json) => p.containerPort)).toEqual([9471, 9472]);
        expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { httpGet: { path: "/drained", port: 9473, scheme: "HTTP" } } });
        const env = Object.fromEntries(pod.spec.containers[1].env.map((e: Json) => [e.name, e.value]));
        expect(env).toMatchObject({ MODEL_PORT: "9471", DRAIN_PORT: "9473" });
        expect(podSecurityViolations(resources)).toEqual([]);
    });

    it("gives the simulator what the component deploys: the backlog per replica, the consumer's concurrency, the retention", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", queued()));
        const [service] = autoscaledServices(resources);
        expect(service.queue).toEqual({ retentionSeconds: 21600, concurrencyPerReplica: 4 });
        expect(service.spec).toMatchObject({ metric: ScalingMetric.QueueDepth, metricTarget: 4, min: 0, max: 4, scaleDownDelaySeconds: 240 });
        expect(service.spec.kubernetes).toMatchObject({ engine: "keda", queue: true });
    });

    it("changes only the Deployment's pod template when the model's revision changes", async () => {
        const args = (revision: string) => queued({ model: { uri: `hf://Qwen/Qwen2.5-7B-Instruct@${revision}`, runtime: ServingRuntime.Vllm } });
        const before = (await rt.construct(() => new ModelService("llm", args("a".repeat(40))))).resources.filter((r) => r.custom);
        const after = (await rt.construct(() => new ModelService("llm", args("b".repeat(40))))).resources.filter((r) => r.custom);
        expect(keys(after)).toEqual(keys(before));
        const changed = after.filter((r) => !isDeepStrictEqual(r.inputs, before.find((b) => b.urn === r.urn)?.inputs)).map((r) => `${r.type}::${r.name}`);
        expect(changed).toEqual([`${DEPLOYMENT}::llm`]);
        const [a, b] = [before, after].map((rs) => rs.find((r) => r.type === DEPLOYMENT) as ResourceRecord);
        expect({ ...a.inputs, spec: { ...(a.inputs.spec as Json), template: undefined } }).toEqual({ ...b.inputs, spec: { ...(b.inputs.spec as Json), template: undefined } });
    });

    const image = "registry.example.com/scorer@sha256:" + "a".repeat(64);
    const queue = { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 2 };
    const invalid: [string, ModelServiceArgs, string][] = [
        [
            "queue mode without kubernetes.queue",
            { ...queued(), kubernetes: { namespace: "ml" } },
            '  - kubernetes.queue.provider: received nothing (the field is missing); expected the queue\'s cloud with scaling.mode "queue": aws-sqs or gcp-pubsub (docs/queue-mode.md)',
        ],
        [
            "a queue block in HTTP mode",
            { ...queued(), scaling: { minReplicas: 1 } },
            '  - kubernetes.queue: received an object with provider, eksClusterName, kedaRoleArn; expected nothing without scaling.mode "queue" (an HTTP service has no queue)',
        ],
        [
            "engine hpa",
            { ...queued(), kubernetes: { queue: sqs, autoscaler: { engine: KubernetesScalingEngine.Hpa } } },
            '  - kubernetes.autoscaler.engine: received "hpa"; expected keda (the default) with scaling.mode "queue": a HorizontalPodAutoscaler cannot read the queue\'s length nor scale to zero; KEDA\'s queue scalers (aws-sqs-queue, gcp-pubsub) do both',
        ],
        [
            "no EKS cluster name",
            { ...queued(), kubernetes: { queue: { provider: KubernetesQueueProvider.AwsSqs, kedaRoleArn: KEDA_ROLE } } },
            "  - kubernetes.queue.eksClusterName: received nothing (the field is missing); expected the EKS cluster's name with provider aws-sqs: the consumer's AWS role is given to the pods' ServiceAccount by an EKS Pod Identity association there",
        ],
        [
            "no KEDA role",
            { ...queued(), kubernetes: { queue: { provider: KubernetesQueueProvider.AwsSqs, eksClusterName: "ml-prod" } } },
            "  - kubernetes.queue.kedaRoleArn: received nothing (the field is missing); expected the IAM role the KEDA operator runs as, with provider aws-sqs: KEDA assumes the service's scaler role from it to read the queue's length (docs/queue-mode.md)",
        ],
        [
            "a KEDA role that is not a role ARN",
            { ...queued(), kubernetes: { queue: { ...sqs, kedaRoleArn: "keda-operator" } } },
            '  - kubernetes.queue.kedaRoleArn: received "keda-operator"; expected an IAM role ARN such as arn:aws:iam::111122223333:role/keda-operator',
        ],
        [
            "a retention shorter than a cold start and a request",
            { ...queued(), scaling: { ...queue, queue: { retentionSeconds: 1200 } } },
            "  - scaling.queue.retentionSeconds: received 1200; expected at least 1500: the cold start (model.startupTimeoutSeconds 600) plus the request time (scaling.queue.requestTimeoutSeconds 900), else a request that arrives at zero replicas can expire before the first one serves it",
        ],
        [
            "a public endpoint",
            { ...queued(), exposure: { public: true, auth: AuthMode.ApiKey }, kubernetes: { queue: sqs, gateway: "infra/public" } },
            "  - exposure.public: received true; expected false: in queue mode callers submit to the queue (the queue output's submitUrl) with their cloud identity, and the model server takes requests only from its consumer on loopback: no Service or HTTPRoute is made",
        ],
        [
            "a gateway",
            { ...queued(), kubernetes: { queue: sqs, gateway: "infra/internal" } },
            '  - kubernetes.gateway: received "infra/internal"; expected nothing: in queue mode callers submit to the queue',
        ],
        [
            "versions",
            {
                ...queued(),
                model: { image },
                versions: [
                    { name: "a", weight: 50 },
                    { name: "b", weight: 50 },
                ],
                scaling: { ...queue, queue: { inferencePath: "/predict" } },
            },
            '  - versions: received an array of 2; expected no versions with scaling.mode "queue": every version\'s replicas would take from the same queue at their own pace, so the weights could not split the requests; deploy a second ModelService with its own queue instead',
        ],
        [
            "a server whose route names the model, without inferencePath",
            { ...queued(), model: { uri: "s3://models/resnet/", runtime: ServingRuntime.Triton } },
            "  - scaling.queue.inferencePath: received nothing (the field is missing); expected the server path the queue consumer posts each request to on target kubernetes: runtime triton has no single inference path (torchserve: /predictions/<model name>, triton: /v2/models/<model name>/infer, custom: your server's)",
        ],
        [
            "an HTTP metric",
            { ...queued(), scaling: { ...queue, autoscaling: { metric: ScalingMetric.InFlightRequests } } },
            '  - scaling.autoscaling.metric: received "in-flight-requests"; expected queue-depth in queue mode: KEDA\'s queue scaler reads the backlog from the queue itself (messages waiting and in flight), the metric that reaches zero replicas and comes back',
        ],
        [
            "a Prometheus query",
            { ...queued(), scaling: { ...queue, autoscaling: { query: "sum(queue)" } }, kubernetes: { queue: sqs, autoscaler: { prometheusUrl: "http://prometheus:9090" } } },
            '  - scaling.autoscaling.query: received "sum(queue)"; expected no query in queue mode',
        ],
        [
            "zero replicas at most",
            { ...queued(), scaling: { mode: ScalingMode.Queue, replicas: 0 } },
            "  - scaling.replicas: received 0; expected maxReplicas 1 or more (minReplicas 0 scales to zero and back): with no replica nothing takes the queue's requests",
        ],
        [
            "the settings of gcp-pubsub with aws-sqs",
            { ...queued(), kubernetes: { queue: { ...sqs, project: "acme-ml-prod" } } },
            '  - kubernetes.queue.project: received "acme-ml-prod"; expected nothing with provider aws-sqs (a setting of gcp-pubsub)',
        ],
        [
            "the settings of aws-sqs with another provider",
            { ...queued(), kubernetes: { queue: { provider: KubernetesQueueProvider.GcpPubSub, region: "us-east-1" } } },
            '  - kubernetes.queue.region: received "us-east-1"; expected nothing with provider gcp-pubsub (a setting of aws-sqs)',
        ],
        [
            "a KEDA role with a fixed replica count",
            { ...queued(), scaling: { mode: ScalingMode.Queue, replicas: 2 } },
            `  - kubernetes.queue.kedaRoleArn: received "${KEDA_ROLE}"; expected nothing with a fixed replica count (maxReplicas equal to minReplicas): no KEDA ScaledObject reads the queue`,
        ],
        [
            "an autoscaler setting with a fixed replica count",
            { ...queued(), scaling: { mode: ScalingMode.Queue, replicas: 2 }, kubernetes: { queue: { ...sqs, kedaRoleArn: undefined }, autoscaler: { installKeda: true } } },
            "  - kubernetes.autoscaler: received an object with installKeda; expected nothing without scaling.autoscaling (or, in queue mode, maxReplicas above minReplicas)",
        ],
        [
            "a request path on SageMaker",
            {
                model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
                resources: { gpu: { accelerator: Accelerator.L4 } },
                scaling: { ...queue, queue: { inferencePath: "/v1/completions" } },
                target: Target.AwsSageMaker,
            },
            '  - scaling.queue.inferencePath: received "/v1/completions"; expected nothing on aws-sagemaker: SageMaker sends each request to the container\'s /invocations itself',
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

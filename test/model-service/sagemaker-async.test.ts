/**
 * Queue mode on aws-sagemaker: SageMaker asynchronous inference with its bucket, topics, least-privilege grants, backlog
 * scaling to and from zero (docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html), and the errors.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, KubernetesScalingEngine, ModelService, ModelServiceArgs, ScalingMetric, ScalingMode, ServingRuntime, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const TAGS = { environment: "dev", team: "ml-platform", service: "llm", "managed-by": "modelship" };
const BUCKET = "llm-queue-79e00ef8b49256fdc535cd6213";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LMI = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.36.0-lmi28.0.0-cu130";
const typeAndName = (resources: ResourceRecord[]) => resources.map((r) => `${r.type}::${r.name}`);
const json = (r: ResourceRecord, key: string) => JSON.parse(r.inputs[key] as string) as unknown;

const queued = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4 },
    target: Target.AwsSageMaker,
    ...extra,
});

describe("ModelService on aws-sagemaker in queue mode", () => {
    it("serves asynchronous inference from a private bucket with two encrypted topics, and scales on the backlog to and from zero", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued()));
        expect(typeAndName(resources)).toEqual([
            "modelship:index:ModelService::llm",
            "aws:cloudwatch/logGroup:LogGroup::llm-logs",
            "aws:sns/topic:Topic::llm-success",
            "aws:sns/topic:Topic::llm-error",
            "aws:s3/bucket:Bucket::llm-queue",
            "aws:iam/role:Role::llm-role",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls::llm-queue",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::llm-queue",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::llm-queue",
            "aws:s3/bucketPolicy:BucketPolicy::llm-queue",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::llm-queue",
            "aws:iam/rolePolicy:RolePolicy::llm-role-policy",
            "aws:sagemaker/model:Model::llm-model",
            "aws:sagemaker/endpointConfiguration:EndpointConfiguration::llm-config",
            "aws:sagemaker/endpoint:Endpoint::llm-endpoint",
            // Observability (aws/observability.ts, tested in observability-aws.test.ts): the dashboard; the growing backlog,
            // latency, instances at the maximum and errors alarms.
            "aws:cloudwatch/dashboard:Dashboard::llm-dashboard",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-backlog",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-latency",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-at-max",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-errors",
            "aws:appautoscaling/target:Target::llm-scaling",
            "aws:appautoscaling/policy:Policy::llm-scaling-idle",
            "aws:appautoscaling/policy:Policy::llm-scaling-from-zero",
            "aws:appautoscaling/policy:Policy::llm-scaling",
            "aws:appautoscaling/policy:Policy::llm-scaling-scale-in",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-scaling-idle",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-scaling-from-zero",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-scaling-scale-in",
        ]);

        // The bucket: auto-named, private, owned by the account (no ACLs), encrypted, TLS only, its transient objects expired.
        expect(rt.one("aws:s3/bucket:Bucket").inputs).toEqual({ bucketPrefix: "llm-queue-", forceDestroy: true, tags: TAGS });
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
        const bucketPolicy = rt.one("aws:s3/bucketPolicy:BucketPolicy");
        expect(json(bucketPolicy, "policy")).toEqual({
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
        expect(bucketPolicy.options.dependencies).toContain(rt.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").urn);
        const abort = { daysAfterInitiation: 1 };
        expect(rt.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs).toEqual({
            bucket: BUCKET,
            rules: [
                // 21,600 s of retention + 900 s of request time: one day, the shortest S3 expiry.
                { id: "expire-requests", status: "Enabled", filter: { prefix: "inputs/" }, expiration: { days: 1 }, abortIncompleteMultipartUpload: abort },
                { id: "expire-results", status: "Enabled", filter: { prefix: "outputs/" }, expiration: { days: 7 }, abortIncompleteMultipartUpload: abort },
                { id: "expire-failures", status: "Enabled", filter: { prefix: "failures/" }, expiration: { days: 7 }, abortIncompleteMultipartUpload: abort },
            ],
        });
        expect(rt.one("aws:sns/topic:Topic", "llm-success").inputs).toEqual({ name: "llm-success", kmsMasterKeyId: "alias/aws/sns", tags: TAGS });
        expect(rt.one("aws:sns/topic:Topic", "llm-error").inputs).toEqual({ name: "llm-error", kmsMasterKeyId: "alias/aws/sns", tags: TAGS });

        // The role: what every SageMaker endpoint gets, then exactly the queue's grants.
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                {
                    Sid: "PullModelImage",
                    Effect: "Allow",
                    Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    Resource: "arn:aws:ecr:us-east-1:763104351884:repository/djl-inference",
                },
                {
                    Sid: "WriteOwnLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    Resource: ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm:*"],
                },
                {
                    Sid: "PublishEndpointMetrics",
                    Effect: "Allow",
                    Action: "cloudwatch:PutMetricData",
                    Resource: "*",
                    Condition: { StringEquals: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } },
                },
                { Sid: "ReadQueuedRequests", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/inputs/*` },
                { Sid: "WriteQueueResults", Effect: "Allow", Action: "s3:PutObject", Resource: [`arn:aws:s3:::${BUCKET}/outputs/*`, `arn:aws:s3:::${BUCKET}/failures/*`] },
                {
                    Sid: "PublishQueueNotifications",
                    Effect: "Allow",
                    Action: "sns:Publish",
                    Resource: ["arn:aws:sns:us-east-1:123456789012:llm-success", "arn:aws:sns:us-east-1:123456789012:llm-error"],
                },
            ],
        });
        expect(rt.one("aws:sagemaker/model:Model").inputs.primaryContainer).toMatchObject({ image: LMI, environment: { HF_MODEL_ID: "Qwen/Qwen2.5-7B-Instruct" } });

        // The endpoint configuration: one instance to start (SageMaker's minimum), the asynchronous inference settings.
        expect(rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs).toEqual({
            productionVariants: [{ variantName: "default", modelName: "llm-model", instanceType: "ml.g6.xlarge", initialInstanceCount: 1, containerStartupHealthCheckTimeoutInSeconds: 600 }],
            asyncInferenceConfig: {
                outputConfig: {
                    s3OutputPath: `s3://${BUCKET}/outputs/`,
                    s3FailurePath: `s3://${BUCKET}/failures/`,
                    notificationConfig: { successTopic: "arn:aws:sns:us-east-1:123456789012:llm-success", errorTopic: "arn:aws:sns:us-east-1:123456789012:llm-error" },
                },
            },
            tags: TAGS,
        });

        // Scaling: 0 to 4 on the backlog per instance (AWS's example target, 5), and back from zero on HasBacklogWithoutCapacity.
        const target = rt.one("aws:appautoscaling/target:Target");
        expect(target.inputs).toEqual({
            serviceNamespace: "sagemaker",
            resourceId: "endpoint/llm/variant/default",
            scalableDimension: "sagemaker:variant:DesiredInstanceCount",
            minCapacity: 0,
            maxCapacity: 4,
            tags: TAGS,
        });
        const scalable = { serviceNamespace: "sagemaker", resourceId: "endpoint/llm/variant/default", scalableDimension: "sagemaker:variant:DesiredInstanceCount" };
        // Target tracking only scales out: its own scale-in alarm takes 15 one-minute datapoints, so step policies scale in.
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling").inputs).toEqual({
            ...scalable,
            policyType: "TargetTrackingScaling",
            targetTrackingScalingPolicyConfiguration: {
                targetValue: 5,
                customizedMetricSpecification: {
                    metricName: "ApproximateBacklogSizePerInstance",
                    namespace: "AWS/SageMaker",
                    statistic: "Average",
                    dimensions: [{ name: "EndpointName", value: "llm" }],
                },
                scaleOutCooldown: 60,
                disableScaleIn: true,
            },
        });
        // Scale in: the change in instances the backlog asks for, in steps of 5 points from -10% (at least 10% too many)
        // to -95%, and -100% at -100; one datapoint and a 60 s cooldown (scaleDownDelaySeconds' default in queue mode).
        const bands = Array.from({ length: 18 }, (_, i) => ({ metricIntervalLowerBound: String(-5 * (i + 1)), metricIntervalUpperBound: String(-5 * i), scalingAdjustment: -10 - 5 * i }));
        expect(bands[17]).toEqual({ metricIntervalLowerBound: "-90", metricIntervalUpperBound: "-85", scalingAdjustment: -95 });
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling-scale-in").inputs).toEqual({
            ...scalable,
            policyType: "StepScaling",
            stepScalingPolicyConfiguration: {
                adjustmentType: "PercentChangeInCapacity",
                metricAggregationType: "Average",
                cooldown: 60,
                stepAdjustments: [...bands, { metricIntervalUpperBound: "-90", scalingAdjustment: -100 }],
            },
        });
        const metric = (metricName: string) => ({ metricName, namespace: "AWS/SageMaker", period: 60, stat: "Average", dimensions: { EndpointName: "llm" } });
        expect(rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-scale-in").inputs).toEqual({
            comparisonOperator: "LessThanOrEqualToThreshold",
            threshold: -10,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            metricQueries: [
                { id: "backlog", metric: metric("ApproximateBacklogSize"), returnData: false },
                { id: "perInstance", metric: metric("ApproximateBacklogSizePerInstance"), returnData: false },
                {
                    id: "change",
                    // At a minimum of 0 an empty backlog is left to the idle alarm: 0, not -100.
                    expression: "IF(perInstance > 0, 100 * (CEIL(backlog / 5) * perInstance / backlog - 1), 0)",
                    label: "Change in instances the backlog asks for (%)",
                    returnData: true,
                },
            ],
            alarmDescription: "SageMaker endpoint llm has more instances than its backlog needs at 5 per instance: remove them (modelship queue mode)",
            alarmActions: ["arn:aws:appautoscaling:us-east-1:123456789012:policy/llm-scaling-scale-in"],
            tags: TAGS,
        });
        // To zero after the idle time (scaleToZeroAfterSeconds, by default the cold-start budget: 600 s, 10 datapoints).
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling-idle").inputs).toEqual({
            ...scalable,
            policyType: "StepScaling",
            stepScalingPolicyConfiguration: {
                adjustmentType: "PercentChangeInCapacity",
                metricAggregationType: "Average",
                cooldown: 60,
                stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -100 }],
            },
        });
        expect(rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-idle").inputs).toEqual({
            metricName: "ApproximateBacklogSize",
            namespace: "AWS/SageMaker",
            statistic: "Average",
            period: 60,
            evaluationPeriods: 10,
            datapointsToAlarm: 10,
            threshold: 0,
            comparisonOperator: "LessThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
            dimensions: { EndpointName: "llm" },
            alarmDescription: "SageMaker endpoint llm has had no request for 600 s: remove every instance (modelship queue mode)",
            alarmActions: ["arn:aws:appautoscaling:us-east-1:123456789012:policy/llm-scaling-idle"],
            tags: TAGS,
        });
        const step = rt.one("aws:appautoscaling/policy:Policy", "llm-scaling-from-zero");
        expect(step.inputs).toEqual({
            ...scalable,
            policyType: "StepScaling",
            stepScalingPolicyConfiguration: {
                adjustmentType: "ChangeInCapacity",
                metricAggregationType: "Average",
                cooldown: 600,
                stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
            },
        });
        expect(rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-from-zero").inputs).toEqual({
            metricName: "HasBacklogWithoutCapacity",
            namespace: "AWS/SageMaker",
            statistic: "Average",
            period: 60,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "missing",
            dimensions: { EndpointName: "llm" },
            alarmDescription: "Requests wait on SageMaker endpoint llm with no instance: start one (modelship queue mode)",
            alarmActions: ["arn:aws:appautoscaling:us-east-1:123456789012:policy/llm-scaling-from-zero"],
            tags: TAGS,
        });

        // What clients need to submit and fetch.
        expect(await outputValue(svc.url)).toBe("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm/async-invocations");
        // The queue's times: from zero the startup budget (600 s), then SageMaker's default invocation timeout (900 s).
        expect(await outputValue(svc.endpointName)).toBe("llm");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(600);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(900);
        expect(await outputValue(svc.queue)).toEqual({
            submitUrl: "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm/async-invocations",
            inputLocation: `s3://${BUCKET}/inputs/`,
            outputLocation: `s3://${BUCKET}/outputs/`,
            failureLocation: `s3://${BUCKET}/failures/`,
            successTopicArn: "arn:aws:sns:us-east-1:123456789012:llm-success",
            errorTopicArn: "arn:aws:sns:us-east-1:123456789012:llm-error",
            deadLetterQueue: "",
        });
        expect(Object.keys(svc.resources)).toEqual(
            expect.arrayContaining([
                "queueBucket",
                "queueBucketPolicy",
                "successTopic",
                "errorTopic",
                "scalingTarget",
                "scalingPolicy",
                "scaleInPolicy",
                "scaleInAlarm",
                "idlePolicy",
                "idleAlarm",
                "scaleFromZeroPolicy",
                "scaleFromZeroAlarm",
            ]),
        );

        // Instances from $0 (at zero) to 4 x ml.g6.xlarge at $1.1267/h x 730 h = 3,289.96; CloudWatch at $0.10 per alarm
        // metric: modelship's scale-in (2 metrics), idle and from-zero alarms, and the observability's errors (2), latency,
        // at the maximum and backlog, 9 metrics = $0.90, and the dashboard $3: + $3.90 at both ends. The bucket, topics and
        // target tracking's own alarms are billed per use or unknown.
        const cost = await outputValue(svc.estimatedMonthlyCost);
        expect(cost).toMatchObject({ known: false, knownMin: 3.9, knownMax: 3293.86 });
        expect(cost.basis).toContain("SNS publishes and deliveries (per million requests): $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
        expect(cost.basis).toContain("unknown: S3 bills per use: storage per GB-month of what the bucket holds and requests per 1,000, with no fixed monthly part; neither price is in the catalog");
        // Three alarms of modelship's own scaling (scale in, idle, from zero) and four of its observability (errors, latency, at
        // the maximum, backlog) beside target tracking's, each priced per alarm metric; the dashboard per month.
        expect(cost.basis.filter((line: string) => /^[12] standard-resolution alarm metric\(s\) x \$0\.10 a month in us-east-1/.test(line))).toHaveLength(7);
        expect(cost.basis.filter((line: string) => line.startsWith("1 CloudWatch dashboard x $3.00 a month"))).toHaveLength(1);
        expect(cost.basis).toContain("unknown: target tracking creates CloudWatch alarms (two or more), billed per alarm-month at a price not in the catalog");
    });

    it("encrypts the bucket, results and topics with a customer key the role may use, and takes the queue's settings", async () => {
        const { value: svc, resources } = await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    queued({
                        scaling: {
                            mode: ScalingMode.Queue,
                            minReplicas: 1,
                            maxReplicas: 3,
                            queue: { retentionSeconds: 3600, requestTimeoutSeconds: 1800, concurrencyPerReplica: 8, resultRetentionDays: 2 },
                            autoscaling: { metricTarget: 3 },
                        },
                        sagemaker: { kmsKeyArn: KEY },
                    }),
                ),
        );
        // At least one instance: target tracking has one to measure, so no step from zero and no idle alarm; the scale-in
        // alarm's empty backlog asks for -100% (AAS stops at the minimum, 1).
        expect(resources.filter((r) => r.type.startsWith("aws:appautoscaling/policy") || r.name.startsWith("llm-scaling-")).map((r) => `${r.type}::${r.name}`)).toEqual([
            "aws:appautoscaling/policy:Policy::llm-scaling",
            "aws:appautoscaling/policy:Policy::llm-scaling-scale-in",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-scaling-scale-in",
        ]);
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling").inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({ targetValue: 3, disableScaleIn: true });
        const queries = rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-scale-in").inputs.metricQueries as { id: string; expression?: string }[];
        expect(queries.find((q) => q.id === "change")?.expression).toBe("IF(perInstance > 0, 100 * (CEIL(backlog / 3) * perInstance / backlog - 1), -100)");
        expect(rt.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true },
        ]);
        for (const topic of rt.ofType("aws:sns/topic:Topic")) expect(topic.inputs.kmsMasterKeyId).toBe(KEY);
        expect(rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.asyncInferenceConfig).toEqual({
            outputConfig: {
                s3OutputPath: `s3://${BUCKET}/outputs/`,
                s3FailurePath: `s3://${BUCKET}/failures/`,
                kmsKeyId: KEY,
                notificationConfig: { successTopic: "arn:aws:sns:us-east-1:123456789012:llm-success", errorTopic: "arn:aws:sns:us-east-1:123456789012:llm-error" },
            },
            clientConfig: { maxConcurrentInvocationsPerInstance: 8 },
        });
        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Sid: string }[] }).Statement;
        expect(statements.at(-1)).toEqual({ Sid: "UseQueueKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY });
        const rules = rt.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { id: string; expiration: { days: number } }[];
        expect(rules.map((r) => [r.id, r.expiration.days])).toEqual([
            ["expire-requests", 1],
            ["expire-results", 2],
            ["expire-failures", 2],
        ]);
        // An instance kept: no cold start; a request gets the 1800 s asked for.
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(1800);
    });

    it("reports the cold start a new instance is allowed: the model download, then the startup health check", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", queued({ model: { uri: "s3://models-prod/qwen/v1/", runtime: ServingRuntime.Vllm, startupTimeoutSeconds: 900 } })));
        const [variant] = rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.productionVariants as Record<string, unknown>[];
        expect(variant).toMatchObject({ containerStartupHealthCheckTimeoutInSeconds: 900, modelDataDownloadTimeoutInSeconds: 900 });
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(1800);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(900);
    });

    it("sizes the way back from zero to the cold start: no second instance while the first one starts", async () => {
        await rt.construct(() => new ModelService("llm", queued({ model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm, startupTimeoutSeconds: 1230 } })));
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling-from-zero").inputs.stepScalingPolicyConfiguration).toMatchObject({ cooldown: 1230 });
        // The idle time before zero is the cold-start budget too, in whole minutes: 21 datapoints cover 1,230 s.
        expect(rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-idle").inputs).toMatchObject({ evaluationPeriods: 21, datapointsToAlarm: 21 });
        expect(rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.productionVariants).toMatchObject([{ containerStartupHealthCheckTimeoutInSeconds: 1230 }]);
    });

    it("scales in after the scale-down delay's datapoints, once per delay, and to zero after the idle time given", async () => {
        await rt.construct(
            () => new ModelService("llm", queued({ scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4, autoscaling: { scaleDownDelaySeconds: 300, scaleToZeroAfterSeconds: 1800 } } })),
        );
        expect(rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-scale-in").inputs).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 5, threshold: -10 });
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling-scale-in").inputs.stepScalingPolicyConfiguration).toMatchObject({ cooldown: 300 });
        expect(rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "llm-scaling-idle").inputs).toMatchObject({ evaluationPeriods: 30, datapointsToAlarm: 30 });
        // Target tracking's own scale-in is off, so its cooldown is not set.
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling").inputs.targetTrackingScalingPolicyConfiguration).not.toHaveProperty("scaleInCooldown");
    });

    it("keeps the real-time endpoint unchanged in HTTP mode: no bucket, no topics, the invocations URL and an empty queue output", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", queued({ scaling: { minReplicas: 1, maxReplicas: 2 } })));
        // No queue's scaling alarms; the observability alarms watch errors, latency and instances at the maximum, no backlog.
        expect(resources.filter((r) => r.type.startsWith("aws:s3/") || r.type.startsWith("aws:sns/") || r.name.startsWith("llm-scaling-"))).toEqual([]);
        expect(rt.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => r.name)).toEqual(["llm-alarm-latency", "llm-alarm-at-max", "llm-alarm-errors"]);
        expect(rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.asyncInferenceConfig).toBeUndefined();
        expect(await outputValue(svc.url)).toBe("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm/invocations");
        expect(await outputValue(svc.queue)).toEqual({ submitUrl: "", inputLocation: "", outputLocation: "", failureLocation: "", successTopicArn: "", errorTopicArn: "", deadLetterQueue: "" });
    });

    const image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud/scorer@sha256:" + "a".repeat(64);
    const queue = { mode: ScalingMode.Queue };
    const invalid: [string, ModelServiceArgs, string | RegExp][] = [
        [
            "queue mode on Lambda",
            { model: { image }, scaling: queue, target: Target.AwsLambda },
            '  - scaling.mode: received "queue"; expected "http" on target aws-lambda: Lambda queues asynchronous invocations itself: invoke the function with InvocationType Event (its queue keeps a request up to 6 hours) and collect results with an on-success destination',
        ],
        [
            "an inference path, which SageMaker chooses itself",
            { ...queued(), scaling: { ...queue, minReplicas: 0, maxReplicas: 2, queue: { inferencePath: "/v1/chat/completions" } } },
            '  - scaling.queue.inferencePath: received "/v1/chat/completions"; expected nothing on aws-sagemaker: SageMaker sends each request to the container\'s /invocations itself',
        ],
        [
            "queue mode with Knative",
            { model: { image }, scaling: queue, kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Knative } }, target: Target.Kubernetes },
            '  - kubernetes.autoscaler.engine: received "knative"; expected no engine knative with scaling.mode "queue": Knative holds HTTP requests in its activator while replicas start; queue mode has the replicas take requests from a durable queue instead',
        ],
        [
            "a retention shorter than a cold start and a request",
            { ...queued(), scaling: { ...queue, minReplicas: 0, maxReplicas: 2, queue: { retentionSeconds: 1200 } } },
            "  - scaling.queue.retentionSeconds: received 1200; expected at least 1500: the cold start (model.startupTimeoutSeconds 600) plus the request time (scaling.queue.requestTimeoutSeconds 900), else a request that arrives at zero replicas can expire before the first one serves it",
        ],
        [
            "a retention under a long cold start and request",
            {
                ...queued(),
                model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm, startupTimeoutSeconds: 3600 },
                scaling: { ...queue, queue: { retentionSeconds: 4000, requestTimeoutSeconds: 600 } },
            },
            "  - scaling.queue.retentionSeconds: received 4000; expected at least 4200",
        ],
        [
            "a retention above SageMaker's maximum",
            { ...queued(), scaling: { ...queue, queue: { retentionSeconds: 86400 } } },
            "  - scaling.queue.retentionSeconds: received 86400; expected at most 21600 on aws-sagemaker (the longest RequestTTLSeconds InvokeEndpointAsync accepts, 6 hours)",
        ],
        [
            "a queue block in HTTP mode",
            { ...queued(), scaling: { minReplicas: 1, queue: { retentionSeconds: 3600 } } },
            '  - scaling.queue: received an object with retentionSeconds; expected nothing without scaling.mode "queue" (an HTTP service has no queue)',
        ],
        [
            "queue mode on serverless inference",
            { model: { image }, scaling: queue, sagemaker: { serverless: true }, target: Target.AwsSageMaker },
            '  - sagemaker.serverless: received true; expected false with scaling.mode "queue" (asynchronous inference runs on instances; a serverless endpoint has no queue)',
        ],
        [
            "queue mode with a canary",
            {
                model: { image },
                versions: [
                    { name: "a", weight: 50 },
                    { name: "b", weight: 50 },
                ],
                scaling: queue,
                target: Target.AwsSageMaker,
            },
            '  - versions: received an array of 2; expected no versions with scaling.mode "queue": SageMaker measures the backlog per endpoint (EndpointName), so two variants could not each scale on their own; deploy a second ModelService instead',
        ],
        [
            "dead-lettering on SageMaker",
            { ...queued(), scaling: { ...queue, queue: { maxDeliveries: 3 } } },
            "  - scaling.queue.maxDeliveries: received 3; expected nothing on aws-sagemaker: asynchronous inference does not deliver a request twice; a failed request is written to the failure location and announced on the error topic",
        ],
        [
            "a KMS key in HTTP mode",
            { ...queued(), scaling: { minReplicas: 1 }, sagemaker: { kmsKeyArn: KEY } },
            `  - sagemaker.kmsKeyArn: received "${KEY}"; expected nothing without scaling.mode "queue" (it encrypts the queue's bucket, results and topics)`,
        ],
        ["a KMS alias instead of a key ARN", { ...queued(), sagemaker: { kmsKeyArn: "alias/queue" } }, /sagemaker\.kmsKeyArn: received "alias\/queue"; expected a KMS key ARN/],
        [
            "an HTTP metric in queue mode",
            { ...queued(), scaling: { ...queue, minReplicas: 0, maxReplicas: 2, autoscaling: { metric: ScalingMetric.InFlightRequests } } },
            '  - scaling.autoscaling.metric: received "in-flight-requests"; expected queue-depth in queue mode: the endpoint\'s backlog per instance (ApproximateBacklogSizePerInstance), the metric that reaches zero replicas and comes back',
        ],
        [
            "the invocations target in queue mode",
            { ...queued(), sagemaker: { invocationsPerInstanceTarget: 70 } },
            '  - sagemaker.invocationsPerInstanceTarget: received 70; expected nothing with scaling.mode "queue" (an asynchronous endpoint scales on its backlog per instance: scaling.autoscaling.metricTarget)',
        ],
        [
            "an idle time before zero of part of a minute",
            { ...queued(), scaling: { ...queue, minReplicas: 0, maxReplicas: 2, autoscaling: { scaleToZeroAfterSeconds: 90 } } },
            "  - scaling.autoscaling.scaleToZeroAfterSeconds: received 90; expected a multiple of 60, at least 60, in queue mode on aws-sagemaker: it sets the idle alarm's datapoints, in CloudWatch's one-minute periods of the endpoint's backlog metrics",
        ],
        [
            "a scale-down delay under a minute",
            { ...queued(), scaling: { ...queue, minReplicas: 0, maxReplicas: 2, autoscaling: { scaleDownDelaySeconds: 0 } } },
            "  - scaling.autoscaling.scaleDownDelaySeconds: received 0; expected a multiple of 60, at least 60, in queue mode on aws-sagemaker: it sets the scale-in alarm's datapoints and the step policy's cooldown, in CloudWatch's one-minute periods of the endpoint's backlog metrics",
        ],
        [
            "a scale-down delay of part of a minute",
            { ...queued(), scaling: { ...queue, minReplicas: 0, maxReplicas: 2, autoscaling: { scaleDownDelaySeconds: 150 } } },
            /scaling\.autoscaling\.scaleDownDelaySeconds: received 150; expected a multiple of 60, at least 60, in queue mode on aws-sagemaker/,
        ],
        [
            "zero replicas in queue mode",
            { ...queued(), scaling: { ...queue, replicas: 0 } },
            "  - scaling.replicas: received 0; expected minReplicas 0 with maxReplicas 1 or more, for an endpoint that scales to zero and back",
        ],
        [
            "zero instances on a real-time endpoint",
            { ...queued(), scaling: { minReplicas: 0, maxReplicas: 2 } },
            '  - scaling.minReplicas: received 0; expected at least 1 on a real-time SageMaker endpoint (it cannot scale to zero; use scaling.mode "queue" for an asynchronous endpoint that can, or sagemaker.serverless to pay per request)',
        ],
        [
            "the backlog metric on a real-time endpoint",
            { ...queued(), scaling: { minReplicas: 1, maxReplicas: 2, autoscaling: { metric: ScalingMetric.QueueDepth, metricTarget: 5 } } },
            '  - scaling.autoscaling.metric: received "queue-depth"; expected in-flight-requests, requests-per-second or gpu-utilization on a real-time SageMaker endpoint (CloudWatch has no Prometheus metric of an endpoint; queue-depth, the backlog, needs ModelService scaling.mode queue: asynchronous inference)',
        ],
        ["an auth mode other than IAM", { ...queued(), exposure: { public: true, auth: AuthMode.ApiKey } }, /exposure\.auth: received "api-key"; expected "iam" on target aws-sagemaker/],
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

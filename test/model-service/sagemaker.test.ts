import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { sagemakerContainerImage } from "../../components/model-service/targets/aws/sagemaker-images";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const TGI = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04";
/** AWS's Deep Learning Container registry in us-east-1. */
const LMI_ACCOUNT = "763104351884";
const ecr = (tag: string) => `111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud/scorer@sha256:${tag.repeat(64)}`;
const COMPONENT = "urn:pulumi:dev::test::modelship:index:ModelService::";
const TAGS = { environment: "dev", team: "ml-platform", service: "llm", "managed-by": "modelship" };

const typeAndName = (resources: ResourceRecord[]) => resources.map((r) => `${r.type}::${r.name}`);
const json = (r: ResourceRecord, key: string) => JSON.parse(r.inputs[key] as string) as unknown;

describe("ModelService on aws-sagemaker", () => {
    it("serves an S3 artifact on a GPU endpoint with a least-privilege role, secrets in Secrets Manager and autoscaling", async () => {
        const { value: svc, resources } = await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { uri: "s3://models-prod/llama/v1", runtime: ServingRuntime.Tgi, serverImage: TGI, startupTimeoutSeconds: 1200 },
                    resources: { gpu: { accelerator: Accelerator.A10G } },
                    sagemaker: { instanceType: "ml.g5.2xlarge" },
                    scaling: { minReplicas: 1, maxReplicas: 3 },
                    env: { MAX_INPUT_TOKENS: "4096" },
                    secrets: { HF_TOKEN: pulumi.secret("hf_s3cr3t") },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(typeAndName(resources)).toEqual([
            "modelship:index:ModelService::llm",
            "aws:cloudwatch/logGroup:LogGroup::llm-logs",
            "aws:secretsmanager/secret:Secret::llm-secret-hf-token",
            "aws:iam/role:Role::llm-role",
            "aws:secretsmanager/secretVersion:SecretVersion::llm-secret-hf-token",
            "aws:iam/rolePolicy:RolePolicy::llm-role-policy",
            "aws:sagemaker/model:Model::llm-model",
            "aws:sagemaker/endpointConfiguration:EndpointConfiguration::llm-config",
            "aws:sagemaker/endpoint:Endpoint::llm-endpoint",
            // Observability (aws/observability.ts, tested in observability-aws.test.ts), after the endpoint it watches.
            "aws:cloudwatch/dashboard:Dashboard::llm-dashboard",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-latency",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-at-max",
            "aws:cloudwatch/metricAlarm:MetricAlarm::llm-alarm-errors",
            "aws:appautoscaling/target:Target::llm-scaling",
            "aws:appautoscaling/policy:Policy::llm-scaling",
        ]);
        for (const r of resources.filter((x) => x.custom)) expect(r.parent).toBe(`${COMPONENT}llm`);

        const role = rt.one("aws:iam/role:Role");
        expect(json(role, "assumeRolePolicy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "sagemaker.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                },
            ],
        });
        expect(role.inputs.managedPolicyArns).toBeUndefined();
        expect(role.inputs.namePrefix).toBe("llm-");

        const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret/llm-secret-hf-token";
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ReadModelData", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::models-prod/llama/v1/*" },
                { Sid: "ListModelData", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::models-prod", Condition: { StringLike: { "s3:prefix": "llama/v1/*" } } },
                { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                {
                    Sid: "PullModelImage",
                    Effect: "Allow",
                    Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    Resource: "arn:aws:ecr:us-east-1:763104351884:repository/huggingface-pytorch-tgi-inference",
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
                { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [secretArn] },
            ],
        });

        const model = rt.one("aws:sagemaker/model:Model");
        expect(model.inputs.name).toBeUndefined();
        expect(model.inputs.executionRoleArn).toBe("arn:aws:iam::123456789012:role/llm-role");
        expect(model.inputs.primaryContainer).toEqual({
            image: TGI,
            mode: "SingleModel",
            modelDataSource: { s3DataSources: [{ s3Uri: "s3://models-prod/llama/v1/", s3DataType: "S3Prefix", compressionType: "None" }] },
            environment: { HF_MODEL_ID: "/opt/ml/model", SM_NUM_GPUS: "1", MAX_INPUT_TOKENS: "4096", HF_TOKEN_SECRET_ARN: secretArn },
        });
        expect(model.options.dependencies).toContain(rt.one("aws:iam/rolePolicy:RolePolicy").urn);

        // The secret value is only in the SecretVersion, as a Pulumi secret.
        const version = rt.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.inputs.secretString).toBe("hf_s3cr3t");
        expect(version.secretInputs).toEqual(["secretString"]);
        expect(rt.one("aws:secretsmanager/secret:Secret").inputs.namePrefix).toBe("llm/HF_TOKEN-");
        const elsewhere = resources.filter((r) => r.custom && r.type !== "aws:secretsmanager/secretVersion:SecretVersion");
        expect(JSON.stringify(elsewhere.map((r) => r.inputs))).not.toContain("hf_s3cr3t");

        const config = rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration");
        expect(config.inputs.name).toBeUndefined();
        expect(config.inputs.namePrefix).toBeUndefined();
        expect(config.options.deleteBeforeReplace).toBe(false);
        expect(config.inputs.productionVariants).toEqual([
            {
                variantName: "default",
                modelName: "llm-model",
                instanceType: "ml.g5.2xlarge",
                initialInstanceCount: 1,
                containerStartupHealthCheckTimeoutInSeconds: 1200,
                modelDataDownloadTimeoutInSeconds: 1200,
            },
        ]);

        const endpoint = rt.one("aws:sagemaker/endpoint:Endpoint");
        expect(endpoint.inputs).toEqual({ name: "llm", endpointConfigName: "llm-config", tags: TAGS });
        expect(endpoint.options.dependencies).toContain(rt.one("aws:cloudwatch/logGroup:LogGroup").urn);
        expect(rt.one("aws:cloudwatch/logGroup:LogGroup").inputs).toEqual({ name: "/aws/sagemaker/Endpoints/llm", retentionInDays: 30, tags: TAGS });

        expect(rt.one("aws:appautoscaling/target:Target").inputs).toEqual({
            serviceNamespace: "sagemaker",
            resourceId: "endpoint/llm/variant/default",
            scalableDimension: "sagemaker:variant:DesiredInstanceCount",
            minCapacity: 1,
            maxCapacity: 3,
            tags: TAGS,
        });
        expect(rt.one("aws:appautoscaling/policy:Policy").inputs.targetTrackingScalingPolicyConfiguration).toEqual({
            targetValue: 70,
            predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            scaleOutCooldown: 60,
            scaleInCooldown: 1200,
        });

        for (const type of ["aws:iam/role:Role", "aws:secretsmanager/secret:Secret", "aws:sagemaker/model:Model", "aws:sagemaker/endpointConfiguration:EndpointConfiguration"]) {
            expect(rt.one(type).inputs.tags).toEqual(TAGS);
        }

        expect(await outputValue(svc.url)).toBe("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm/invocations");
        expect(await outputValue(svc.internalUrl)).toBe("");
        // A real-time endpoint keeps an instance: no cold start whatever the startup budget; InvokeEndpoint's 60 s.
        expect(await outputValue(svc.endpointName)).toBe("llm");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(60);
        // ml.g5.2xlarge at $1.515/h (catalog, us-east-1) x 730 h: one instance at min, the autoscaling cap of 3 at max
        // (1105.95, 3317.85), plus the observability's CloudWatch: the errors alarm reads 2 metrics ($0.20), latency and at
        // the maximum 1 each ($0.10 each), the dashboard $3: $3.40. The target-tracking policy's own alarms and the log group
        // are billed at prices the catalog lacks: the totals are unknown, never the instances alone.
        const estimate = await outputValue(svc.estimatedMonthlyCost);
        expect(estimate).toEqual({
            knownMin: 1109.35,
            knownMax: 3321.25,
            known: false,
            basis: [
                expect.stringMatching(/^variant "default": 1-3 x ml\.g5\.2xlarge at \$1\.5150\/h in us-east-1/),
                expect.stringMatching(/^CloudWatch Logs bills ingestion and storage per GB/),
                expect.stringMatching(/^unknown: target tracking creates CloudWatch alarms/),
                // The observability alarms (errors, latency, at the maximum) and dashboard.
                expect.stringMatching(/^2 standard-resolution alarm metric\(s\) x \$0\.10 a month in us-east-1/),
                ...Array(2).fill(expect.stringMatching(/^1 standard-resolution alarm metric\(s\) x \$0\.10 a month in us-east-1/)),
                expect.stringMatching(/^1 CloudWatch dashboard x \$3\.00 a month/),
            ],
        });
        expect(Object.keys(svc.resources).sort()).toEqual([
            "atMaxAlarm",
            "dashboard",
            "endpoint",
            "endpointConfig",
            "errorsAlarm",
            "latencyAlarm",
            "logGroup",
            "model",
            "role",
            "rolePolicy",
            "scalingPolicy",
            "scalingTarget",
            "secret-HF_TOKEN",
        ]);
    });

    it("splits traffic between versions with one model and one weighted production variant each", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("fraud", {
                    model: { image: ecr("a") },
                    versions: [
                        { name: "stable", weight: 90 },
                        { name: "canary", image: ecr("b"), weight: 10 },
                    ],
                    scaling: { replicas: 2 },
                    target: Target.AwsSageMaker,
                }),
        );
        const models = rt.ofType("aws:sagemaker/model:Model");
        expect(models.map((m) => [m.name, (m.inputs.primaryContainer as { image: string }).image])).toEqual([
            ["fraud-model-stable", ecr("a")],
            ["fraud-model-canary", ecr("b")],
        ]);
        expect(rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.productionVariants).toEqual([
            {
                variantName: "stable",
                modelName: "fraud-model-stable",
                instanceType: "ml.c5.xlarge",
                initialInstanceCount: 2,
                initialVariantWeight: 90,
                containerStartupHealthCheckTimeoutInSeconds: 600,
            },
            {
                variantName: "canary",
                modelName: "fraud-model-canary",
                instanceType: "ml.c5.xlarge",
                initialInstanceCount: 2,
                initialVariantWeight: 10,
                containerStartupHealthCheckTimeoutInSeconds: 600,
            },
        ]);
        expect(rt.ofType("aws:appautoscaling/target:Target")).toEqual([]);
        // Both images come from one repository: one pull grant, and no S3 access for image-only models.
        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: Array<{ Sid: string; Resource: unknown }> }).Statement;
        expect(statements.map((s) => s.Sid)).toEqual(["EcrToken", "PullModelImage", "WriteOwnLogs", "PublishEndpointMetrics"]);
        expect(statements[1].Resource).toBe("arn:aws:ecr:us-east-1:111122223333:repository/fraud/scorer");
        // 2 variants x 2 x ml.c5.xlarge at $0.204/h x 730 h = 595.68; per variant an errors alarm of 2 metrics ($0.20) and a
        // latency alarm ($0.10), and the dashboard ($3): 595.68 + 0.60 + 3 = 599.28. The log group: $0 without logs, unknown
        // at full scale.
        expect(await outputValue(svc.estimatedMonthlyCost)).toMatchObject({ knownMin: 599.28, known: false });
        expect(await outputValue(svc.estimatedMonthlyCost)).not.toHaveProperty("max");
    });

    it("runs serverless with memory and max concurrency, CPU only", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("sentiment", {
                    model: { uri: "s3://models-prod/sentiment/model.tar.gz", runtime: ServingRuntime.TorchServe, serverImage: ecr("c") },
                    resources: { memoryGiB: 3 },
                    sagemaker: { serverless: true, serverlessMaxConcurrency: 5 },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.productionVariants).toEqual([
            { variantName: "default", modelName: "sentiment-model", serverlessConfig: { memorySizeInMb: 3072, maxConcurrency: 5 } },
        ]);
        expect((rt.one("aws:sagemaker/model:Model").inputs.primaryContainer as Record<string, unknown>).modelDataSource).toEqual({
            s3DataSources: [{ s3Uri: "s3://models-prod/sentiment/model.tar.gz", s3DataType: "S3Object", compressionType: "Gzip" }],
        });
        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: unknown[] }).Statement;
        expect(statements.slice(0, 2)).toEqual([
            { Sid: "ReadModelData", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::models-prod/sentiment/model.tar.gz" },
            { Sid: "ListModelData", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::models-prod", Condition: { StringLike: { "s3:prefix": "sentiment/model.tar.gz" } } },
        ]);
        expect(rt.ofType("aws:appautoscaling/target:Target")).toEqual([]);
        // Serverless Inference prices are not in the catalog: unknown at full scale, not zero; $0 without requests. The
        // observability's CloudWatch at rest: errors ($0.20, 2 metrics), latency ($0.10), the dashboard ($3); no instances alarm.
        expect(await outputValue(svc.estimatedMonthlyCost)).toMatchObject({ knownMin: 3.3, known: false });
        expect(await outputValue(svc.estimatedMonthlyCost)).not.toHaveProperty("max");
        // A serverless endpoint starts a container on demand: the model's startup budget (the default 600 s), then 60 s.
        expect(await outputValue(svc.endpointName)).toBe("sentiment");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(600);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(60);
    });

    it("points a TGI image at a Hugging Face Hub model without S3 access", async () => {
        await rt.construct(
            () =>
                new ModelService("qwen", {
                    model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Tgi, serverImage: TGI },
                    resources: { gpu: { count: 4, accelerator: Accelerator.L4 } },
                    sagemaker: { instanceType: "ml.g6.12xlarge" },
                    target: Target.AwsSageMaker,
                }),
        );
        const container = rt.one("aws:sagemaker/model:Model").inputs.primaryContainer as Record<string, unknown>;
        expect(container.modelDataSource).toBeUndefined();
        expect(container.environment).toEqual({ HF_MODEL_ID: "Qwen/Qwen2.5-0.5B-Instruct", SM_NUM_GPUS: "4" });
        const variant = (rt.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs.productionVariants as Array<Record<string, unknown>>)[0];
        expect(variant.modelDataDownloadTimeoutInSeconds).toBeUndefined();
        const sids = (json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid);
        expect(sids).toEqual(["EcrToken", "PullModelImage", "WriteOwnLogs", "PublishEndpointMetrics"]);
    });

    it("serves vLLM from the Hub on AWS's LMI container, with no image to build, under the Hub id clients send", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("qwen", {
                    model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    sagemaker: { instanceType: "ml.g6.2xlarge" },
                    env: { OPTION_MAX_MODEL_LEN: "8192" },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(rt.one("aws:sagemaker/model:Model").inputs.primaryContainer).toEqual({
            // LMI 28 (vLLM 0.26.0) from AWS's Deep Learning Container registry in the endpoint's region.
            image: `${LMI_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.36.0-lmi28.0.0-cu130`,
            mode: "SingleModel",
            environment: { HF_MODEL_ID: "Qwen/Qwen2.5-1.5B-Instruct", TENSOR_PARALLEL_DEGREE: "1", OPTION_SERVED_MODEL_NAME: "Qwen/Qwen2.5-1.5B-Instruct", OPTION_MAX_MODEL_LEN: "8192" },
        });
        // The role may pull exactly that AWS-owned repository, and reads no S3: the server downloads from the Hub.
        expect((json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: unknown[] }).Statement.slice(0, 2)).toEqual([
            { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            {
                Sid: "PullModelImage",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: `arn:aws:ecr:us-east-1:${LMI_ACCOUNT}:repository/djl-inference`,
            },
        ]);
        // ml.g6.2xlarge at $1.222/h (catalog, us-east-1) x 730 h = 892.06, and the CloudWatch alarms and dashboard, $3.30.
        expect(await outputValue(svc.estimatedMonthlyCost)).toMatchObject({ knownMin: 895.36, known: false });
        expect(await outputValue(svc.estimatedMonthlyCost)).not.toHaveProperty("max");
    });

    it("serves vLLM from an S3 prefix on the LMI container: SageMaker copies it, the role reads only that prefix", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { uri: "s3://models-prod/qwen2.5-7b/", runtime: ServingRuntime.Vllm, servedModelName: "assistant" },
                    resources: { gpu: { count: 4, accelerator: Accelerator.L4 } },
                    sagemaker: { instanceType: "ml.g6.12xlarge" },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(rt.one("aws:sagemaker/model:Model").inputs.primaryContainer).toEqual({
            image: `${LMI_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.36.0-lmi28.0.0-cu130`,
            mode: "SingleModel",
            modelDataSource: { s3DataSources: [{ s3Uri: "s3://models-prod/qwen2.5-7b/", s3DataType: "S3Prefix", compressionType: "None" }] },
            environment: { HF_MODEL_ID: "/opt/ml/model", TENSOR_PARALLEL_DEGREE: "4", OPTION_SERVED_MODEL_NAME: "assistant" },
        });
        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: Array<{ Sid: string; Resource: unknown }> }).Statement;
        expect(statements.map((st) => [st.Sid, st.Resource]).slice(0, 4)).toEqual([
            ["ReadModelData", "arn:aws:s3:::models-prod/qwen2.5-7b/*"],
            ["ListModelData", "arn:aws:s3:::models-prod"],
            ["EcrToken", "*"],
            ["PullModelImage", `arn:aws:ecr:us-east-1:${LMI_ACCOUNT}:repository/djl-inference`],
        ]);
    });

    it("serves every version of a vLLM canary under the one name clients send", async () => {
        await rt.construct(
            () =>
                new ModelService("assistant", {
                    model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm },
                    versions: [
                        { name: "stable", weight: 90 },
                        { name: "next", uri: "hf://Qwen/Qwen2.5-3B-Instruct", weight: 10 },
                    ],
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    sagemaker: { instanceType: "ml.g6.2xlarge" },
                    target: Target.AwsSageMaker,
                }),
        );
        const env = (m: ResourceRecord) => (m.inputs.primaryContainer as { environment: Record<string, string> }).environment;
        expect(rt.ofType("aws:sagemaker/model:Model").map((m) => [m.name, env(m).HF_MODEL_ID, env(m).OPTION_SERVED_MODEL_NAME])).toEqual([
            ["assistant-model-stable", "Qwen/Qwen2.5-1.5B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct"],
            ["assistant-model-next", "Qwen/Qwen2.5-3B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct"],
        ]);
    });

    it("serves TGI on the Hugging Face TGI container when no server image is given", async () => {
        await rt.construct(
            () =>
                new ModelService("qwen", {
                    model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Tgi },
                    resources: { gpu: { accelerator: Accelerator.A10G } },
                    sagemaker: { instanceType: "ml.g5.xlarge" },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(rt.one("aws:sagemaker/model:Model").inputs.primaryContainer).toEqual({ image: TGI, mode: "SingleModel", environment: { HF_MODEL_ID: "Qwen/Qwen2.5-0.5B-Instruct", SM_NUM_GPUS: "1" } });
    });

    it("takes AWS's containers from the registry account of the endpoint's region", () => {
        // github.com/aws/deep-learning-containers, docs/reference/region_availability.md.
        expect(sagemakerContainerImage(ServingRuntime.Vllm, "eu-west-1", "amazonaws.com")).toBe("763104351884.dkr.ecr.eu-west-1.amazonaws.com/djl-inference:0.36.0-lmi28.0.0-cu130");
        expect(sagemakerContainerImage(ServingRuntime.Vllm, "eu-south-1", "amazonaws.com")).toBe("692866216735.dkr.ecr.eu-south-1.amazonaws.com/djl-inference:0.36.0-lmi28.0.0-cu130");
        expect(sagemakerContainerImage(ServingRuntime.Tgi, "cn-north-1", "amazonaws.com.cn")).toBe(
            "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04",
        );
        expect(() => sagemakerContainerImage(ServingRuntime.Vllm, "xx-east-9", "amazonaws.com")).toThrow(
            "AWS publishes no Deep Learning Containers in region xx-east-9, so the SageMaker Large Model Inference container (vLLM) cannot be pulled there: set model.serverImage to an ECR image in that region",
        );
    });

    it("changing the model version replaces only the model and its configuration; the endpoint keeps its name", async () => {
        const args = (image: string): ModelServiceArgs => ({ model: { image }, scaling: { minReplicas: 1, maxReplicas: 2 }, target: Target.AwsSageMaker });
        const before = (await rt.construct(() => new ModelService("fraud", args(ecr("a"))))).resources;
        const after = (await rt.construct(() => new ModelService("fraud", args(ecr("b"))))).resources;
        expect(typeAndName(after)).toEqual(typeAndName(before));

        const inputsBefore = new Map(before.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const changed = after.filter((r) => inputsBefore.get(r.urn) !== JSON.stringify(r.inputs)).map((r) => `${r.type}::${r.name}`);
        // The component's own args change with the image; of its children only the Model does. The Model
        // has no explicit name, so the provider replaces it under a new one; the configuration, which names
        // the model, is then replaced too (auto-named, created before the old one is deleted) and the
        // endpoint is updated in place to the new configuration.
        expect(changed).toEqual(["modelship:index:ModelService::fraud", "aws:sagemaker/model:Model::fraud-model"]);
        const model = after.find((r) => r.type === "aws:sagemaker/model:Model")!;
        expect(model.inputs.name).toBeUndefined();
        const config = after.find((r) => r.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration")!;
        expect([config.inputs.name, config.options.deleteBeforeReplace]).toEqual([undefined, false]);
        expect(config.options.dependencies).toContain(model.urn);
        expect(after.find((r) => r.type === "aws:sagemaker/endpoint:Endpoint")!.inputs.name).toBe("fraud");
    });

    const digest = ecr("a");
    const invalid: Array<[string, ModelServiceArgs, string | RegExp]> = [
        [
            "serverless with a GPU",
            { model: { image: digest }, resources: { gpu: { accelerator: Accelerator.T4 } }, sagemaker: { serverless: true }, target: Target.AwsSageMaker },
            "  - resources.gpu: received an object with accelerator; expected no GPU with sagemaker.serverless (serverless inference is CPU only; use a real-time instance type such as ml.g5.xlarge)",
        ],
        [
            "a real-time endpoint with min replicas 0",
            { model: { image: digest }, scaling: { minReplicas: 0, maxReplicas: 2 }, target: Target.AwsSageMaker },
            '  - scaling.minReplicas: received 0; expected at least 1 on a real-time SageMaker endpoint (it cannot scale to zero; use scaling.mode "queue" for an asynchronous endpoint that can, or sagemaker.serverless to pay per request)',
        ],
        [
            "public without auth",
            { model: { image: digest }, exposure: { public: true }, target: Target.AwsSageMaker },
            /exposure\.auth: received nothing \(the field is missing\); expected an auth mode for a public endpoint/,
        ],
        [
            "an auth mode other than IAM",
            { model: { image: digest }, exposure: { public: true, auth: AuthMode.None }, target: Target.AwsSageMaker },
            '  - exposure.auth: received "none"; expected "iam" on target aws-sagemaker: SageMaker endpoints accept only SigV4-signed requests (sagemaker:InvokeEndpoint). For API keys, JWT or anonymous access use target aws-lambda, gcp-cloudrun or kubernetes, or put your own API in front',
        ],
        [
            "a GPU without an instance type that no priced SageMaker type carries",
            { model: { image: digest }, resources: { gpu: { accelerator: Accelerator.H200 } }, target: Target.AwsSageMaker },
            "  - sagemaker.instanceType: received nothing (the field is missing); expected an ml.* instance type for resources.gpu and resources.cpu/memoryGiB: " +
                "No SageMaker hosting type priced in us-east-1 has >= 1 x NVIDIA H200, >= 4 vCPUs and >= 16 GiB; the catalog prices no NVIDIA H200 type.",
        ],
        [
            "an instance type of another accelerator",
            { model: { image: digest }, resources: { gpu: { accelerator: Accelerator.L4 } }, sagemaker: { instanceType: "ml.g5.xlarge" }, target: Target.AwsSageMaker },
            '  - sagemaker.instanceType: received "ml.g5.xlarge"; expected an instance type of the ml.g6 or ml.gr6 family for NVIDIA L4 (ml.g5.xlarge carries NVIDIA A10G)',
        ],
        [
            "an instance type with too few GPUs",
            { model: { image: digest }, resources: { gpu: { count: 4, accelerator: Accelerator.A10G } }, sagemaker: { instanceType: "ml.g5.2xlarge" }, target: Target.AwsSageMaker },
            '  - sagemaker.instanceType: received "ml.g5.2xlarge"; expected an instance type with at least 4 x NVIDIA A10G (ml.g5.2xlarge has 1)',
        ],
        [
            "an image outside ECR",
            { model: { image: "docker.io/acme/fraud:1.0" }, target: Target.AwsSageMaker },
            '  - model.image: received "docker.io/acme/fraud:1.0"; expected an Amazon ECR image <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest> (SageMaker pulls only from ECR; the image must answer GET /ping and POST /invocations on port 8080)',
        ],
        [
            "a preset server image that is not in ECR",
            { model: { uri: "s3://models/resnet/", runtime: ServingRuntime.Triton }, target: Target.AwsSageMaker },
            "  - model.serverImage: received nothing (the preset's \"nvcr.io/nvidia/tritonserver:24.12-py3\"); expected an Amazon ECR image <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest> (SageMaker pulls only from ECR; the image must answer GET /ping and POST /invocations on port 8080); AWS's containers are the default only for runtimes vllm and tgi",
        ],
        [
            "vLLM's container on a CPU endpoint",
            { model: { uri: "s3://models/llm/", runtime: ServingRuntime.Vllm }, target: Target.AwsSageMaker },
            "  - resources.gpu: received nothing (the field is missing); expected a GPU with runtime vllm on target aws-sagemaker (the SageMaker Large Model Inference container (vLLM) serves on NVIDIA GPUs, for example accelerator l4 on sagemaker.instanceType ml.g6.2xlarge), or model.serverImage with an ECR image that serves on CPU",
        ],
        [
            "TGI's container on a serverless endpoint",
            { model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Tgi }, sagemaker: { serverless: true }, target: Target.AwsSageMaker },
            "  - sagemaker.serverless: received true; expected false with runtime tgi and no model.serverImage (serverless inference is CPU-only; the Hugging Face TGI container for SageMaker needs a GPU), or model.serverImage with an ECR image that serves on CPU",
        ],
        [
            "an https artifact",
            { model: { uri: "https://example.com/m.mar", runtime: ServingRuntime.TorchServe, serverImage: digest }, target: Target.AwsSageMaker },
            '  - model.uri: received "https://example.com/m.mar"; expected an s3:// or hf:// URI on target aws-sagemaker (SageMaker loads model data from S3 only: copy the artifact to S3)',
        ],
        [
            "a command",
            { model: { image: digest }, command: ["python", "serve.py"], target: Target.AwsSageMaker },
            "  - command: received an array of 2; expected no command on target aws-sagemaker (SageMaker starts the image with the argument `serve`; configure the server through env)",
        ],
        [
            "serverless settings without serverless",
            { model: { image: digest }, sagemaker: { serverlessMaxConcurrency: 10 }, target: Target.AwsSageMaker },
            "  - sagemaker.serverlessMaxConcurrency: received 10; expected nothing without sagemaker.serverless: true",
        ],
        [
            "serverless canaries",
            {
                model: { image: digest },
                versions: [
                    { name: "a", weight: 50 },
                    { name: "b", weight: 50 },
                ],
                sagemaker: { serverless: true },
                target: Target.AwsSageMaker,
            },
            "  - versions: received an array of 2; expected no versions with sagemaker.serverless (a serverless endpoint has one production variant; use real-time instances for canaries)",
        ],
    ];
    // Without sagemaker.instanceType a GPU model gets the cheapest priced type with its accelerator and resources
    // (defaults 4 vCPU and 16 GiB per GPU): aws_sagemaker_price_list_prices.csv ml.g6.xlarge,1.1267 (g6.xlarge: 4 vCPU,
    // 16 GiB) -> 1 x 1.1267 x 730 = 822.491; ml.g6e.xlarge,2.6054 (g6e.xlarge: 4 vCPU, 32 GiB) -> 1901.942; each with the
    // observability's errors ($0.20) and latency ($0.10) alarms and dashboard ($3): + 3.30. The log group's maximum is unknown.
    for (const [accelerator, instanceType, monthly] of [
        [Accelerator.L4, "ml.g6.xlarge", 825.79],
        [Accelerator.L40S, "ml.g6e.xlarge", 1905.24],
    ] as const) {
        it(`picks ${instanceType}, the cheapest priced type, for one ${accelerator} without an instance type`, async () => {
            const { value: svc, resources } = await rt.construct(() => new ModelService("gpu", { model: { image: digest }, resources: { gpu: { accelerator } }, target: Target.AwsSageMaker }));
            const config = resources.find((r) => r.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
            expect((config?.inputs.productionVariants as Array<{ instanceType: string }>)[0].instanceType).toBe(instanceType);
            expect(await outputValue(svc.estimatedMonthlyCost)).toMatchObject({ knownMin: monthly, known: false });
        });
    }

    for (const [what, args, message] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                expect(() => new ModelService("bad", args)).toThrow(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

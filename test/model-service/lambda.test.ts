import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:costCenter": "cc-1234" } });

const image = (digit: string) => `111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder@sha256:${digit.repeat(64)}`;
const COMPONENT = "urn:pulumi:dev::test::modelship:index:ModelService::";
const TAGS = { environment: "dev", "cost-center": "cc-1234", service: "embedder", "managed-by": "modelship" };
const LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/embedder";

const typeAndName = (resources: ResourceRecord[]) => resources.map((r) => `${r.type}::${r.name}`);
const json = (r: ResourceRecord, key: string) => JSON.parse(r.inputs[key] as string) as unknown;

describe("ModelService on aws-lambda", () => {
    it("creates a private function from an ECR image with its own log group and a role that writes only its logs and traces", async () => {
        const { value: svc, resources } = await rt.construct(
            () =>
                new ModelService("embedder", {
                    model: { image: image("a"), port: 8000, readinessPath: "/health" },
                    env: { MODEL_NAME: "bge-small" },
                    target: Target.AwsLambda,
                }),
        );
        expect(typeAndName(resources)).toEqual([
            "modelship:index:ModelService::embedder",
            "aws:cloudwatch/logGroup:LogGroup::embedder-logs",
            "aws:iam/role:Role::embedder-role",
            "aws:iam/rolePolicy:RolePolicy::embedder-role-policy",
            "aws:lambda/function:Function::embedder-function",
            // Observability (aws/observability.ts, tested in observability-aws.test.ts), after the function it watches.
            "aws:cloudwatch/dashboard:Dashboard::embedder-dashboard",
            "aws:cloudwatch/metricAlarm:MetricAlarm::embedder-alarm-throttles",
            "aws:cloudwatch/metricAlarm:MetricAlarm::embedder-alarm-errors",
        ]);
        for (const r of resources.filter((x) => x.custom)) expect(r.parent).toBe(`${COMPONENT}embedder`);

        const role = rt.one("aws:iam/role:Role");
        expect(json(role, "assumeRolePolicy")).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
        });
        expect(role.inputs.managedPolicyArns).toBeUndefined();
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [LOG_GROUP_ARN, `${LOG_GROUP_ARN}:*`] },
                // Active tracing: exactly X-Ray's two write actions, which have no resource-level permissions.
                { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
            ],
        });
        expect(rt.one("aws:cloudwatch/logGroup:LogGroup").inputs).toEqual({ name: "/aws/lambda/embedder", retentionInDays: 30, tags: TAGS });

        const fn = rt.one("aws:lambda/function:Function");
        expect(fn.inputs).toEqual({
            name: "embedder",
            description: `modelship ModelService embedder: ${image("a")}`,
            packageType: "Image",
            imageUri: image("a"),
            role: "arn:aws:iam::123456789012:role/embedder-role",
            architectures: ["x86_64"],
            memorySize: 2048,
            ephemeralStorage: { size: 512 },
            timeout: 60,
            reservedConcurrentExecutions: 10,
            publish: false,
            tracingConfig: { mode: "Active" },
            environment: { variables: { AWS_LWA_PORT: "8000", AWS_LWA_READINESS_CHECK_PATH: "/health", MODEL_NAME: "bge-small" } },
            loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/embedder" },
            tags: TAGS,
        });
        expect(fn.options.dependencies).toEqual(expect.arrayContaining([rt.one("aws:iam/rolePolicy:RolePolicy").urn, rt.one("aws:cloudwatch/logGroup:LogGroup").urn]));

        expect(await outputValue(svc.url)).toBe("https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/embedder/invocations");
        // The function's ARN (as the simulated cloud writes it). On demand: an Init of at most 10 s (a longer one runs
        // again within the invocation), then the function's 60 s.
        expect(await outputValue(svc.endpointName)).toBe("arn:aws:lambda:us-east-1:123456789012:function/embedder");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(10);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(60);
        // At most 10 concurrent executions x 2 GB x 2,628,000 s x $0.0000166667/GB-s (x86_64, us-east-1).
        const cost = await outputValue(svc.estimatedMonthlyCost);
        // The log group is billed per GB ingested and stored, at a price the catalog lacks: the maximum is unknown, not 876.
        // The observability's CloudWatch at both ends: the errors alarm reads 2 metrics ($0.20), throttles 1 ($0.10), the
        // dashboard $3: $3.30, the whole minimum (Lambda bills per request, the log group $0 without logs).
        expect(cost).toMatchObject({ min: 3.3, knownMin: 3.3, knownMax: 879.3, known: false });
        expect(cost).not.toHaveProperty("max");
        // Traces are billed per request like the requests themselves: named as not priced, never counted as $0.
        expect(cost.basis.join("\n")).toContain("X-Ray traces (per trace recorded beyond X-Ray's free tier) not priced");
    });

    it("describes the function within Lambda's 256 characters, from an image known only at deployment too", async () => {
        const longImage = `111122223333.dkr.ecr.us-east-1.amazonaws.com/${"team/".repeat(50)}embedder:v1`;
        await rt.construct(() => new ModelService("embedder", { model: { image: longImage }, target: Target.AwsLambda }));
        const description = rt.one("aws:lambda/function:Function").inputs.description as string;
        expect(description).toHaveLength(256);
        expect(description).toBe(`modelship ModelService embedder: ${longImage}`.slice(0, 253) + "...");

        await rt.construct(() => new ModelService("embedder", { model: { image: pulumi.output(image("c")) }, target: Target.AwsLambda }));
        expect(rt.one("aws:lambda/function:Function").inputs.description).toBe(`modelship ModelService embedder: ${image("c")}`);
    });

    it("keeps instances warm through an alias with provisioned concurrency", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("embedder", {
                    model: { image: image("a") },
                    resources: { cpu: 2, memoryGiB: 1 },
                    lambda: { reservedConcurrency: 20, provisionedConcurrency: 2, timeoutSeconds: 120, architecture: "arm64", ephemeralStorageMiB: 2048 },
                    target: Target.AwsLambda,
                }),
        );
        const fn = rt.one("aws:lambda/function:Function");
        // Two vCPUs need 2 x 1769 MB: memory is raised from the 1 GiB asked for.
        expect([fn.inputs.memorySize, fn.inputs.architectures, fn.inputs.timeout, fn.inputs.ephemeralStorage, fn.inputs.reservedConcurrentExecutions, fn.inputs.publish]).toEqual([
            3538,
            ["arm64"],
            120,
            { size: 2048 },
            20,
            true,
        ]);
        const alias = rt.one("aws:lambda/alias:Alias");
        expect([alias.name, alias.inputs.name, alias.inputs.functionName]).toEqual(["embedder-alias", "live", "embedder"]);
        expect(alias.options.dependencies).toContain(fn.urn);
        expect(rt.one("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig").inputs).toEqual({ functionName: "embedder", qualifier: "live", provisionedConcurrentExecutions: 2 });
        expect(await outputValue(svc.url)).toBe("https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/embedder/invocations?Qualifier=live");
        // The alias's ARN, whose invocations reach the warm environments; 2 of 20 provisioned: a burst still starts on demand.
        expect(await outputValue(svc.endpointName)).toBe("arn:aws:lambda:us-east-1:123456789012:alias/live");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(10);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(120);
        // Provisioned concurrency is billed at a price the catalog does not have: unknown, not zero.
        expect(await outputValue(svc.estimatedMonthlyCost)).toMatchObject({ known: false });
        expect(await outputValue(svc.estimatedMonthlyCost)).not.toHaveProperty("min");
    });

    it("reports no cold start when provisioned concurrency covers the reserved concurrency", async () => {
        const { value: svc } = await rt.construct(
            () => new ModelService("embedder", { model: { image: image("a") }, lambda: { reservedConcurrency: 4, provisionedConcurrency: 4, timeoutSeconds: 30 }, target: Target.AwsLambda }),
        );
        expect(await outputValue(svc.endpointName)).toBe("arn:aws:lambda:us-east-1:123456789012:alias/live");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(30);
    });

    it("gives six vCPUs Lambda's largest size, and defaults to fields given as undefined", async () => {
        await rt.construct(
            () =>
                new ModelService("embedder", {
                    model: { image: image("a") },
                    resources: { cpu: 6 },
                    lambda: { timeoutSeconds: undefined, reservedConcurrency: undefined, architecture: undefined },
                    target: Target.AwsLambda,
                }),
        );
        const fn = rt.one("aws:lambda/function:Function");
        // 6 x 1769 MB would exceed Lambda's 10,240 MB, which is where it gives 6 vCPUs.
        expect([fn.inputs.memorySize, fn.inputs.timeout, fn.inputs.reservedConcurrentExecutions, fn.inputs.architectures]).toEqual([10240, 60, 10, ["x86_64"]]);
    });

    it("exposes a function URL with IAM auth when public with auth iam", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("embedder", { model: { image: image("a") }, exposure: { public: true, auth: AuthMode.Iam }, target: Target.AwsLambda }));
        expect(rt.one("aws:lambda/functionUrl:FunctionUrl").inputs).toEqual({ functionName: "embedder", authorizationType: "AWS_IAM", invokeMode: "BUFFERED" });
        expect(rt.ofType("aws:lambda/permission:Permission")).toEqual([]);
        expect(await outputValue(svc.url)).toMatch(/^https:\/\/[0-9a-f]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
    });

    it("grants anonymous invocation through the URL only with an explicit auth none", async () => {
        await rt.construct(
            () =>
                new ModelService("embedder", {
                    model: { image: image("a") },
                    lambda: { provisionedConcurrency: 1 },
                    exposure: { public: true, auth: AuthMode.None },
                    target: Target.AwsLambda,
                }),
        );
        expect(rt.one("aws:lambda/functionUrl:FunctionUrl").inputs).toEqual({ functionName: "embedder", qualifier: "live", authorizationType: "NONE", invokeMode: "BUFFERED" });
        expect(rt.ofType("aws:lambda/permission:Permission").map((p) => [p.name, p.inputs])).toEqual([
            ["embedder-public-url", { action: "lambda:InvokeFunctionUrl", function: "embedder", qualifier: "live", principal: "*", functionUrlAuthType: "NONE" }],
            ["embedder-public-invoke", { action: "lambda:InvokeFunction", function: "embedder", qualifier: "live", principal: "*", invokedViaFunctionUrl: true }],
        ]);
    });

    it("puts an HTTP API with a JWT authorizer in front for auth jwt", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("embedder", {
                    model: { image: image("a") },
                    exposure: {
                        public: true,
                        auth: AuthMode.Jwt,
                        jwt: { issuer: "https://auth.example.com/", jwksUri: "https://auth.example.com/.well-known/jwks.json", audiences: ["embedder-api"] },
                    },
                    target: Target.AwsLambda,
                }),
        );
        expect(rt.ofType("aws:lambda/functionUrl:FunctionUrl")).toEqual([]);
        expect(rt.one("aws:apigatewayv2/api:Api").inputs).toEqual({ protocolType: "HTTP", description: "modelship ModelService embedder", tags: TAGS });
        expect(rt.one("aws:apigatewayv2/authorizer:Authorizer").inputs).toEqual({
            apiId: "embedder-api-id",
            authorizerType: "JWT",
            identitySources: ["$request.header.Authorization"],
            jwtConfiguration: { issuer: "https://auth.example.com/", audiences: ["embedder-api"] },
        });
        expect(rt.one("aws:apigatewayv2/integration:Integration").inputs).toEqual({
            apiId: "embedder-api-id",
            integrationType: "AWS_PROXY",
            integrationUri: "arn:aws:lambda:us-east-1:123456789012:function/embedder",
            payloadFormatVersion: "2.0",
            timeoutMilliseconds: 30000,
        });
        expect(rt.one("aws:apigatewayv2/route:Route").inputs).toEqual({
            apiId: "embedder-api-id",
            routeKey: "$default",
            authorizationType: "JWT",
            authorizerId: "embedder-jwt-id",
            target: "integrations/embedder-integration-id",
        });
        expect(rt.one("aws:apigatewayv2/stage:Stage").inputs).toEqual({ apiId: "embedder-api-id", name: "$default", autoDeploy: true, tags: TAGS });
        expect(rt.one("aws:lambda/permission:Permission").inputs).toEqual({
            action: "lambda:InvokeFunction",
            function: "embedder",
            principal: "apigateway.amazonaws.com",
            sourceArn: "arn:aws:execute-api:us-east-1:123456789012:embedder-api-id/*/*",
        });
        expect(await outputValue(svc.url)).toBe("https://embedder-api-id.execute-api.us-east-1.amazonaws.com/");
    });

    it("keeps secret values out of the function's environment", async () => {
        await rt.construct(() => new ModelService("embedder", { model: { image: image("a") }, secrets: { API_TOKEN: pulumi.secret("tok_123") }, target: Target.AwsLambda }));
        const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret/embedder-secret-api-token";
        const variables = (rt.one("aws:lambda/function:Function").inputs.environment as { variables: Record<string, string> }).variables;
        expect(variables.API_TOKEN_SECRET_ARN).toBe(secretArn);
        expect(JSON.stringify(rt.one("aws:lambda/function:Function").inputs)).not.toContain("tok_123");
        expect(rt.one("aws:secretsmanager/secretVersion:SecretVersion").secretInputs).toEqual(["secretString"]);
        expect((json(rt.one("aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: unknown[] }).Statement[2]).toEqual({
            Sid: "ReadOwnSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: [secretArn],
        });
    });

    it("changing the image updates only the function", async () => {
        const args = (tag: string): ModelServiceArgs => ({ model: { image: image(tag) }, exposure: { public: true, auth: AuthMode.Iam }, target: Target.AwsLambda });
        const before = (await rt.construct(() => new ModelService("embedder", args("a")))).resources;
        const after = (await rt.construct(() => new ModelService("embedder", args("b")))).resources;
        expect(typeAndName(after)).toEqual(typeAndName(before));
        const inputsBefore = new Map(before.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const changed = after.filter((r) => inputsBefore.get(r.urn) !== JSON.stringify(r.inputs));
        expect(changed.map((r) => `${r.type}::${r.name}`)).toEqual(["modelship:index:ModelService::embedder", "aws:lambda/function:Function::embedder-function"]);
        const fnBefore = JSON.parse(inputsBefore.get(changed[1].urn)!) as Record<string, unknown>;
        // In place: the image and the description that names it.
        expect({ ...fnBefore, imageUri: image("b"), description: `modelship ModelService embedder: ${image("b")}` }).toEqual(changed[1].inputs);
    });

    const ok = image("a");
    const invalid: Array<[string, ModelServiceArgs, string | RegExp]> = [
        [
            "a GPU",
            { model: { image: ok }, resources: { gpu: { accelerator: Accelerator.L4 } }, target: Target.AwsLambda },
            "  - resources.gpu: received an object with accelerator; expected no GPU on target aws-lambda (Lambda has no GPUs; use aws-sagemaker, gcp-cloudrun or kubernetes)",
        ],
        [
            "an image outside ECR",
            { model: { image: "ghcr.io/acme/embedder:1.4.0" }, target: Target.AwsLambda },
            '  - model.image: received "ghcr.io/acme/embedder:1.4.0"; expected an Amazon ECR image <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest> (Lambda runs container images from ECR in the function\'s region only)',
        ],
        [
            "an ECR image without a tag or digest",
            { model: { image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder" }, target: Target.AwsLambda },
            '  - model.image: received "111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder"; expected an Amazon ECR image',
        ],
        [
            "an artifact URI",
            { model: { uri: "s3://models/embedder/", runtime: ServingRuntime.TorchServe }, target: Target.AwsLambda },
            '  - model.uri: received "s3://models/embedder/"; expected model.image with the model built into it on target aws-lambda (a function has no volume to download a model into)',
        ],
        [
            "canary versions",
            {
                model: { image: ok },
                versions: [
                    { name: "a", weight: 90 },
                    { name: "b", image: image("b"), weight: 10 },
                ],
                target: Target.AwsLambda,
            },
            "  - versions: received an array of 2; expected no versions on target aws-lambda (an alias splits traffic only between published versions of one function, which cannot hold two images at once; use aws-sagemaker, gcp-cloudrun or kubernetes for canaries)",
        ],
        [
            "public without auth",
            { model: { image: ok }, exposure: { public: true }, target: Target.AwsLambda },
            /exposure\.auth: received nothing \(the field is missing\); expected an auth mode for a public endpoint/,
        ],
        [
            "API keys",
            { model: { image: ok }, exposure: { public: true, auth: AuthMode.ApiKey }, target: Target.AwsLambda },
            '  - exposure.auth: received "api-key"; expected iam, jwt or "none" on target aws-lambda (function URLs check IAM or nothing; the API Gateway HTTP API checks JWTs and has no API keys)',
        ],
        [
            "JWT without an audience",
            { model: { image: ok }, exposure: { public: true, auth: AuthMode.Jwt, jwt: { issuer: "https://auth.example.com/", jwksUri: "https://auth.example.com/jwks" } }, target: Target.AwsLambda },
            "  - exposure.jwt.audiences: received nothing (the field is missing); expected at least one audience on target aws-lambda (the API Gateway JWT authorizer requires one)",
        ],
        [
            "scaling",
            { model: { image: ok }, scaling: { replicas: 3 }, target: Target.AwsLambda },
            "  - scaling: received an object with replicas; expected no scaling on target aws-lambda without scaling.autoscaling (it scales per request: cap it with " +
                "lambda.reservedConcurrency, keep instances warm with lambda.provisionedConcurrency, or autoscale the provisioned concurrency with scaling.autoscaling)",
        ],
        [
            "more provisioned than reserved concurrency",
            { model: { image: ok }, lambda: { reservedConcurrency: 2, provisionedConcurrency: 5 }, target: Target.AwsLambda },
            "  - lambda.provisionedConcurrency: received 5; expected at most lambda.reservedConcurrency (2)",
        ],
        [
            "more memory than Lambda has",
            { model: { image: ok }, resources: { memoryGiB: 16 }, target: Target.AwsLambda },
            "  - resources.memoryGiB: received 16; expected 128 MB to 10240 MB (0.125 to 10 GiB) on target aws-lambda",
        ],
        [
            "an unknown architecture",
            { model: { image: ok }, lambda: { architecture: "riscv" }, target: Target.AwsLambda },
            '  - lambda.architecture: received "riscv"; expected one of "x86_64", "arm64"',
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

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayAuth, GatewayTarget, ModelGatewayArgs } from "../../components/model-gateway/args";
import { ModelGateway } from "../../components/model-gateway";
import { BackendKind, ConsumerSpec, GatewaySpec, RouteSpec } from "../../components/model-gateway/spec";
import { awsApiGateway } from "../../components/model-gateway/targets/aws-apigateway";
import { AUTHORIZER_HANDLER, consumersFile, keyHash } from "../../components/model-gateway/targets/aws/authorizer-source";
import { START_SYNC_EXECUTION_RESPONSE, startSyncExecutionTemplate } from "../../components/model-gateway/targets/aws/integrations";
import { ACCESS_LOG_FORMAT, deploymentTrigger } from "../../components/model-gateway/targets/aws/stage";
import { estimateCost } from "../../sdk/cost";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const KEY_A = "a".repeat(40);
const KEY_B = "b".repeat(24);
const ACCOUNT = "123456789012";
const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:fraud`;
const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:embedder`;
const G = (type: string) => `aws:apigateway/${type}`;
const EXEC = `arn:aws:execute-api:us-east-1:${ACCOUNT}:gw-api-id`;

function route(over: Partial<RouteSpec> & Pick<RouteSpec, "name" | "pathPrefix" | "backend">): RouteSpec {
    return { stripPrefix: true, coldStartSeconds: 0, requestSeconds: 20, timeoutSeconds: 20, maxBodyMiB: 10, retries: 0, anonymous: false, consumers: [], ...over };
}

function consumer(over: Partial<ConsumerSpec> & Pick<ConsumerSpec, "name">): ConsumerSpec {
    return { ratePerSecond: 5, burst: 10, routes: [], ...over };
}

function spec(over: Partial<GatewaySpec> = {}): GatewaySpec {
    return {
        name: "gw",
        target: GatewayTarget.AwsApiGateway,
        auth: GatewayAuth.ApiKey,
        routes: [
            route({ name: "llm", pathPrefix: "/llm", backend: { kind: BackendKind.SageMakerEndpoint, locator: "Qwen-Chat" }, consumers: ["team-a", "team-b"], timeoutSeconds: 29 }),
            route({ name: "fraud", pathPrefix: "/fraud", backend: { kind: BackendKind.StateMachine, locator: MACHINE }, consumers: ["team-b"], timeoutSeconds: 25 }),
            route({ name: "fraud-v2", pathPrefix: "/fraud/v2", stripPrefix: false, backend: { kind: BackendKind.Url, locator: "https://fraud.example.com/api/" }, consumers: ["team-b"] }),
            route({ name: "embed", pathPrefix: "/embed", stripPrefix: false, backend: { kind: BackendKind.LambdaFunction, locator: FUNCTION }, consumers: ["team-a"], timeoutSeconds: 10 }),
            route({ name: "health", pathPrefix: "/health", backend: { kind: BackendKind.Url, locator: "https://fraud.example.com" }, anonymous: true }),
        ],
        consumers: [consumer({ name: "team-a", routes: ["llm", "embed"] }), consumer({ name: "team-b", ratePerSecond: 0.5, burst: 20, monthlyQuota: 100000, routes: ["llm", "fraud", "fraud-v2"] })],
        kubernetes: { namespace: "default", gatewayClassName: "eg" },
        aws: { region: "us-east-1", stageName: "v1", maxIntegrationTimeoutSeconds: 29, logRetentionDays: 14 },
        gcp: { region: "us-central1" },
        docker: { port: 8088, image: "nginx" },
        tags: { team: "ml-platform" },
        ...over,
    };
}

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("modelship:index:ModelGateway", name, {});
    }
}

async function deploy(s: GatewaySpec) {
    return rt.construct(() => {
        const parent = new Parent(s.name);
        const keys = { "team-a": pulumi.secret(KEY_A), "team-b": pulumi.secret(KEY_B) };
        return awsApiGateway.deploy(s, keys, parent);
    });
}

const inputsOf = (type: string, name: string) => rt.one(type, name).inputs as Record<string, unknown>;

describe("ModelGateway on aws-apigateway: resources", () => {
    it("creates a Regional REST API reading keys from x-api-key, tagged, and the stage's URLs", async () => {
        const { value, resources } = await deploy(spec());
        expect(inputsOf(G("restApi:RestApi"), "gw-api")).toEqual({
            name: "gw",
            description: "modelship ModelGateway gw",
            endpointConfiguration: { types: "REGIONAL" },
            apiKeySource: "HEADER",
            region: "us-east-1",
            tags: { team: "ml-platform" },
        });
        expect(await outputValue(value.url)).toBe("https://gw-api-id.execute-api.us-east-1.amazonaws.com/v1");
        expect(await outputValue(value.routeUrls["fraud-v2"])).toBe("https://gw-api-id.execute-api.us-east-1.amazonaws.com/v1/fraud/v2");
        expect(Object.keys(value.resources)).toEqual(
            expect.arrayContaining(["restApi", "stage", "deployment", "authorizer", "authorizerFunction", "team-aUsagePlan", "team-bApiKey", "llmMethod", "llmProxyIntegration", "llmRole"]),
        );
        const created = resources.filter((r) => r.custom).map((r) => `${r.type}::${r.name}`);
        expect(new Set(created).size).toBe(created.length);
    });

    it("builds one resource tree: shared segments, a {proxy+} child under every prefix", async () => {
        await deploy(spec());
        const tree = rt.ofType(G("resource:Resource")).map((r) => [r.name, r.inputs.pathPart, r.inputs.parentId]);
        const root = rt.one(G("restApi:RestApi")).outputs.rootResourceId;
        expect(tree).toEqual([
            ["gw/embed", "embed", root],
            ["gw/fraud", "fraud", root],
            ["gw/health", "health", root],
            ["gw/llm", "llm", root],
            ["gw/embed/{proxy+}", "{proxy+}", "gw/embed-id"],
            ["gw/fraud/{proxy+}", "{proxy+}", "gw/fraud-id"],
            ["gw/fraud/v2", "v2", "gw/fraud-id"],
            ["gw/health/{proxy+}", "{proxy+}", "gw/health-id"],
            ["gw/llm/{proxy+}", "{proxy+}", "gw/llm-id"],
            ["gw/fraud/v2/{proxy+}", "{proxy+}", "gw/fraud/v2-id"],
        ]);
    });

    it("puts a root route on the API's root resource and its {proxy+} child", async () => {
        const s = spec();
        s.routes = [{ ...s.routes[2], pathPrefix: "/", stripPrefix: true }];
        await deploy(s);
        const root = rt.one(G("restApi:RestApi")).outputs.rootResourceId;
        expect(rt.ofType(G("resource:Resource")).map((r) => [r.name, r.inputs.parentId])).toEqual([["gw/{proxy+}", root]]);
        expect(inputsOf(G("method:Method"), "gw-fraud-v2-method").resourceId).toBe(root);
        expect(inputsOf(G("integration:Integration"), "gw-fraud-v2-integration").uri).toBe("https://fraud.example.com/api");
        expect(inputsOf(G("integration:Integration"), "gw-fraud-v2-proxy-integration").uri).toBe("https://fraud.example.com/api/{proxy}");
    });

    it("requires a key and the authorizer on every method but the anonymous route's", async () => {
        await deploy(spec());
        const method = (name: string) => inputsOf(G("method:Method"), name);
        expect(method("gw-llm-method")).toEqual({
            restApi: "gw-api-id",
            resourceId: "gw/llm-id",
            region: "us-east-1",
            httpMethod: "POST",
            authorization: "CUSTOM",
            authorizerId: "gw-authorizer-id",
            apiKeyRequired: true,
            requestParameters: { "method.request.header.Content-Type": false, "method.request.header.Accept": false },
        });
        expect(method("gw-embed-proxy-method")).toMatchObject({ httpMethod: "ANY", authorization: "CUSTOM", apiKeyRequired: true, resourceId: "gw/embed/{proxy+}-id" });
        expect(method("gw-fraud-v2-proxy-method").requestParameters).toEqual({ "method.request.path.proxy": true });
        expect(method("gw-fraud-method").httpMethod).toBe("POST");
        const health = method("gw-health-proxy-method");
        expect(health).toMatchObject({ httpMethod: "ANY", authorization: "NONE", apiKeyRequired: false });
        expect(health.authorizerId).toBeUndefined();
    });

    it("sends URL routes through HTTP_PROXY: the prefix kept or stripped, the consumer named, the route's timeout", async () => {
        await deploy(spec());
        const integration = (name: string) => inputsOf(G("integration:Integration"), name);
        expect(integration("gw-fraud-v2-integration")).toEqual({
            restApi: "gw-api-id",
            resourceId: "gw/fraud/v2-id",
            region: "us-east-1",
            httpMethod: "ANY",
            type: "HTTP_PROXY",
            integrationHttpMethod: "ANY",
            uri: "https://fraud.example.com/api/fraud/v2",
            timeoutMilliseconds: 20000,
            requestParameters: { "integration.request.header.x-modelship-consumer": "context.authorizer.consumer" },
        });
        expect(integration("gw-fraud-v2-proxy-integration")).toMatchObject({
            uri: "https://fraud.example.com/api/fraud/v2/{proxy}",
            requestParameters: { "integration.request.path.proxy": "method.request.path.proxy", "integration.request.header.x-modelship-consumer": "context.authorizer.consumer" },
        });
        // Stripped, at the backend's root; anonymous: no consumer header.
        expect(integration("gw-health-integration")).toMatchObject({ uri: "https://fraud.example.com/" });
        expect(integration("gw-health-integration").requestParameters).toBeUndefined();
        expect(integration("gw-health-proxy-integration")).toMatchObject({
            uri: "https://fraud.example.com/{proxy}",
            requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" },
        });
    });

    it("invokes Lambda functions as a proxy, allowed for this API's stage and the route's paths only", async () => {
        await deploy(spec());
        expect(inputsOf(G("integration:Integration"), "gw-embed-proxy-integration")).toMatchObject({
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION}/invocations`,
            timeoutMilliseconds: 10000,
        });
        expect(inputsOf("aws:lambda/permission:Permission", "gw-embed-permission")).toEqual({
            function: FUNCTION,
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            sourceArn: `${EXEC}/v1/*/embed`,
            region: "us-east-1",
        });
        expect(inputsOf("aws:lambda/permission:Permission", "gw-embed-proxy-permission").sourceArn).toBe(`${EXEC}/v1/*/embed/*`);
    });

    it("calls SageMaker's InvokeEndpoint with a role allowed that action on that endpoint only, mapping its answers", async () => {
        await deploy(spec());
        const integration = inputsOf(G("integration:Integration"), "gw-llm-integration");
        expect(integration).toMatchObject({
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: "arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/Qwen-Chat/invocations",
            passthroughBehavior: "WHEN_NO_TEMPLATES",
            timeoutMilliseconds: 29000,
            requestParameters: {
                "integration.request.header.Content-Type": "method.request.header.Content-Type",
                "integration.request.header.Accept": "method.request.header.Accept",
                "integration.request.header.X-Amzn-SageMaker-Custom-Attributes": "context.authorizer.consumer",
            },
        });
        const role = rt.one("aws:iam/role:Role", "gw-llm-role");
        expect(integration.credentials).toBe(role.outputs.arn);
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }],
        });
        expect(JSON.parse(inputsOf("aws:iam/rolePolicy:RolePolicy", "gw-llm-role-policy").policy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "InvokeEndpoint", Effect: "Allow", Action: "sagemaker:InvokeEndpoint", Resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/qwen-chat` }],
        });
        const responses = rt.ofType(G("integrationResponse:IntegrationResponse")).filter((r) => r.name.startsWith("gw-llm-integration"));
        expect(responses.map((r) => [r.inputs.statusCode, r.inputs.selectionPattern, r.inputs.responseParameters])).toEqual([
            ["200", undefined, { "method.response.header.Content-Type": "integration.response.header.Content-Type" }],
            ["400", "4[0-13-9]\\d|42[0-8]", { "method.response.header.Content-Type": "integration.response.header.Content-Type" }],
            ["429", "429", { "method.response.header.Content-Type": "integration.response.header.Content-Type" }],
            ["502", "5\\d{2}", { "method.response.header.Content-Type": "integration.response.header.Content-Type" }],
        ]);
        const pattern = (status: string) =>
            responses.filter((r) => r.inputs.selectionPattern && new RegExp(`^(?:${r.inputs.selectionPattern as string})$`).test(status)).map((r) => r.inputs.statusCode);
        expect([pattern("400"), pattern("424"), pattern("429"), pattern("499"), pattern("503"), pattern("200")]).toEqual([["400"], ["400"], ["429"], ["400"], ["502"], []]);
        expect(
            rt
                .ofType(G("methodResponse:MethodResponse"))
                .filter((r) => r.name.startsWith("gw-llm-response"))
                .map((r) => r.inputs.statusCode),
        ).toEqual(["200", "400", "429", "502"]);
    });

    it("runs state machines with StartSyncExecution: the body as input, the output as the answer, failures 502 and 504", async () => {
        await deploy(spec());
        const integration = inputsOf(G("integration:Integration"), "gw-fraud-proxy-integration");
        expect(integration).toMatchObject({
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution",
            passthroughBehavior: "NEVER",
            timeoutMilliseconds: 25000,
            requestTemplates: { "application/json": startSyncExecutionTemplate(MACHINE) },
        });
        expect(integration.requestParameters).toBeUndefined();
        expect(startSyncExecutionTemplate(MACHINE)).toBe(
            `{\n  "stateMachineArn": "${MACHINE}",\n  "name": "$context.requestId",\n  "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")"\n}`,
        );
        expect(JSON.parse(inputsOf("aws:iam/rolePolicy:RolePolicy", "gw-fraud-role-policy").policy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "StartSyncExecution", Effect: "Allow", Action: "states:StartSyncExecution", Resource: MACHINE }],
        });
        const ok = inputsOf(G("integrationResponse:IntegrationResponse"), "gw-fraud-proxy-integration-response-200");
        expect(ok).toMatchObject({ statusCode: "200", responseTemplates: { "application/json": START_SYNC_EXECUTION_RESPONSE } });
        expect(ok.selectionPattern).toBeUndefined();
        expect(START_SYNC_EXECUTION_RESPONSE).toContain("#set($context.responseOverride.status = 504)");
        expect(inputsOf(G("integrationResponse:IntegrationResponse"), "gw-fraud-proxy-integration-response-502")).toMatchObject({ selectionPattern: "[45]\\d{2}" });
        expect(
            rt
                .ofType(G("methodResponse:MethodResponse"))
                .filter((r) => r.name.startsWith("gw-fraud-proxy-response"))
                .map((r) => r.inputs.statusCode),
        ).toEqual(["200", "502", "504"]);
        expect(rt.ofType(G("integrationResponse:IntegrationResponse")).some((r) => r.inputs.statusCode === "504")).toBe(false);
    });

    it("creates the authorizer: a REQUEST authorizer cached per key and resource, its function, a role that only writes its logs", async () => {
        await deploy(spec());
        expect(inputsOf(G("authorizer:Authorizer"), "gw-authorizer")).toEqual({
            name: "api-keys",
            restApi: "gw-api-id",
            type: "REQUEST",
            authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function/gw-authorizer/invocations`,
            identitySource: "method.request.header.x-api-key, context.resourceId",
            authorizerResultTtlInSeconds: 300,
            region: "us-east-1",
        });
        const fn = rt.one("aws:lambda/function:Function", "gw-authorizer");
        expect(fn.inputs).toMatchObject({
            name: "gw-authorizer",
            runtime: "nodejs24.x",
            handler: "index.handler",
            memorySize: 128,
            timeout: 5,
            architectures: ["arm64"],
            loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/gw-authorizer" },
            region: "us-east-1",
        });
        expect(fn.inputs.environment).toBeUndefined();
        expect(fn.secretInputs).toContain("code");
        expect(JSON.stringify(fn.inputs)).not.toContain(KEY_A);
        expect(inputsOf("aws:cloudwatch/logGroup:LogGroup", "gw-authorizer-logs")).toEqual({
            name: "/aws/lambda/gw-authorizer",
            retentionInDays: 14,
            region: "us-east-1",
            tags: { team: "ml-platform" },
        });
        expect(JSON.parse(inputsOf("aws:iam/rolePolicy:RolePolicy", "gw-authorizer-role-policy").policy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/gw-authorizer:*` },
            ],
        });
        expect(inputsOf("aws:lambda/permission:Permission", "gw-authorizer-permission")).toEqual({
            function: "gw-authorizer",
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            sourceArn: `${EXEC}/authorizers/gw-authorizer-id`,
            region: "us-east-1",
        });
    });

    it("gives each consumer a secret API key and a usage plan on the stage with its rate, burst and monthly quota", async () => {
        await deploy(spec());
        const key = rt.one(G("apiKey:ApiKey"), "gw-team-b-api-key");
        expect(key.inputs).toEqual({
            name: "gw-team-b",
            description: "Consumer team-b of the modelship ModelGateway gw",
            enabled: true,
            value: KEY_B,
            region: "us-east-1",
            tags: { team: "ml-platform" },
        });
        expect(key.secretInputs).toEqual(["value"]);
        expect(inputsOf(G("usagePlan:UsagePlan"), "gw-team-b-usage-plan")).toEqual({
            name: "gw-team-b",
            description: "Consumer team-b of the modelship ModelGateway gw: 0.5/s, burst 20, 100000 a month",
            apiStages: [{ apiId: "gw-api-id", stage: "v1" }],
            throttleSettings: { rateLimit: 0.5, burstLimit: 20 },
            quotaSettings: { limit: 100000, period: "MONTH" },
            region: "us-east-1",
            tags: { team: "ml-platform" },
        });
        const a = inputsOf(G("usagePlan:UsagePlan"), "gw-team-a-usage-plan");
        expect(a.throttleSettings).toEqual({ rateLimit: 5, burstLimit: 10 });
        expect(a.quotaSettings).toBeUndefined();
        expect(inputsOf(G("usagePlanKey:UsagePlanKey"), "gw-team-a-usage-plan-key")).toEqual({
            keyId: "gw-team-a-api-key-id",
            keyType: "API_KEY",
            usagePlanId: "gw-team-a-usage-plan-id",
            region: "us-east-1",
        });
    });

    it("deploys after every method and integration, to a stage whose JSON access log never holds the key", async () => {
        await deploy(spec());
        const deployment = rt.one(G("deployment:Deployment"));
        expect(deployment.inputs).toMatchObject({ restApi: "gw-api-id", description: "modelship ModelGateway gw", region: "us-east-1" });
        expect((deployment.inputs.triggers as Record<string, string>).configuration).toMatch(/^[0-9a-f]{64}$/);
        expect(deployment.options.deleteBeforeReplace).toBe(false);
        const stage = rt.one(G("stage:Stage"));
        expect(stage.inputs).toEqual({
            restApi: "gw-api-id",
            deployment: "gw-deployment-id",
            stageName: "v1",
            description: "modelship ModelGateway gw",
            accessLogSettings: { destinationArn: rt.one("aws:cloudwatch/logGroup:LogGroup", "gw-access-logs").outputs.arn, format: ACCESS_LOG_FORMAT },
            region: "us-east-1",
            tags: { team: "ml-platform" },
        });
        expect(JSON.parse(ACCESS_LOG_FORMAT)).toEqual({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            method: "$context.httpMethod",
            path: "$context.path",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            integrationLatencyMs: "$context.integrationLatency",
            consumer: "$context.authorizer.consumer",
            apiKeyId: "$context.identity.apiKeyId",
            error: "$context.error.message",
        });
        expect(ACCESS_LOG_FORMAT).not.toContain('identity.apiKey"');
        expect(inputsOf("aws:cloudwatch/logGroup:LogGroup", "gw-access-logs")).toEqual({
            name: "/aws/apigateway/gw/v1/access",
            retentionInDays: 14,
            region: "us-east-1",
            tags: { team: "ml-platform" },
        });
    });

    it("redeploys when a route changes, not otherwise", async () => {
        const hash = (s: GatewaySpec) => outputValue(deploymentTrigger(s));
        const base = await hash(spec());
        expect(await hash(spec())).toBe(base);
        const longer = spec();
        longer.routes = [{ ...longer.routes[0], timeoutSeconds: pulumi.output(28) }, ...longer.routes.slice(1)];
        expect(await hash(longer)).not.toBe(base);
        const moved = spec();
        moved.routes = [{ ...moved.routes[0], pathPrefix: "/chat" }, ...moved.routes.slice(1)];
        expect(await hash(moved)).not.toBe(base);
    });

    it("creates no authorizer when every route is anonymous", async () => {
        const s = spec({ consumers: [] });
        s.routes = [s.routes[4]];
        const { resources } = await deploy(s);
        expect(resources.some((r) => r.type === G("authorizer:Authorizer") || r.type === "aws:lambda/function:Function")).toBe(false);
    });
});

describe("ModelGateway on aws-apigateway: the authorizer's handler, run in Node", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-authorizer-"));
    fs.writeFileSync(path.join(dir, "index.js"), AUTHORIZER_HANDLER);
    fs.writeFileSync(
        path.join(dir, "consumers.json"),
        consumersFile([
            { name: "team-a", key: KEY_A, prefixes: ["/llm", "/embed"] },
            { name: "team-b", key: KEY_B, prefixes: ["/"] },
        ]),
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(path.join(dir, "index.js")) as { handler: (event: unknown) => Promise<Record<string, unknown>> };
    const event = (key: string | undefined, resource: string, pathAsked: string) => ({
        type: "REQUEST",
        methodArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/v1/POST${pathAsked}`,
        resource,
        path: pathAsked,
        httpMethod: "POST",
        headers: key === undefined ? {} : { "X-Api-Key": key },
    });

    it("keeps hashes, never keys, in its package", () => {
        const file = fs.readFileSync(path.join(dir, "consumers.json"), "utf8");
        expect(file).not.toContain(KEY_A);
        expect(JSON.parse(file)[keyHash(KEY_A)]).toEqual({ consumer: "team-a", resources: ["/llm", "/llm/{proxy+}", "/embed", "/embed/{proxy+}"] });
    });

    it("allows a consumer's key on its routes, naming the consumer", async () => {
        expect(await handler(event(KEY_A, "/llm/{proxy+}", "/llm/v1/chat"))).toEqual({
            principalId: "team-a",
            policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/v1/*/llm/*` }] },
            context: { consumer: "team-a" },
            usageIdentifierKey: KEY_A,
        });
        const root = await handler(event(KEY_B, "/", "/"));
        expect(root.policyDocument).toEqual({
            Version: "2012-10-17",
            Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/v1/*/` }],
        });
    });

    it("denies a key on a route its consumer may not call", async () => {
        const answer = await handler(event(KEY_A, "/fraud", "/fraud"));
        expect(answer.policyDocument).toEqual({
            Version: "2012-10-17",
            Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/v1/*/fraud` }],
        });
        expect(answer.context).toEqual({ consumer: "team-a" });
    });

    it("answers 401 (the error Unauthorized) to a wrong or missing key", async () => {
        await expect(handler(event("x".repeat(40), "/llm", "/llm"))).rejects.toThrow(/^Unauthorized$/);
        await expect(handler(event(undefined, "/llm", "/llm"))).rejects.toThrow(/^Unauthorized$/);
        await expect(handler(event("constructor", "/llm", "/llm"))).rejects.toThrow(/^Unauthorized$/);
    });
});

describe("ModelGateway on aws-apigateway: rules", () => {
    it("limits timeouts by the integration timeout quota, naming it", () => {
        expect(awsApiGateway.timeoutLimit(spec())).toEqual({
            seconds: 29,
            limit: "API Gateway's integration timeout quota (aws.maxIntegrationTimeoutSeconds: 29 s unless your account's quota is raised)",
        });
        const raised = spec({ aws: { ...spec().aws, maxIntegrationTimeoutSeconds: 120 } });
        expect(awsApiGateway.timeoutLimit(raised)).toEqual({ seconds: 120, limit: "API Gateway's integration timeout quota as raised for this account (aws.maxIntegrationTimeoutSeconds: 120 s)" });
        expect(awsApiGateway.backends).toEqual([BackendKind.Url, BackendKind.SageMakerEndpoint, BackendKind.LambdaFunction, BackendKind.StateMachine]);
    });

    it("accepts the example spec", () => {
        expect(awsApiGateway.validate(spec())).toEqual([]);
    });

    it("refuses what API Gateway cannot do, each with the reason", () => {
        const s = spec({ auth: GatewayAuth.Jwt });
        s.routes = [
            { ...s.routes[0], header: { name: "x-model-version", value: "v2" }, retries: 1, maxBodyMiB: 20 },
            { ...s.routes[1], maxBodyMiB: 5, backend: { kind: BackendKind.StateMachine, locator: `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:fraud` } },
            { ...s.routes[2], backend: { kind: BackendKind.Url, locator: "http://fraud.default.svc.cluster.local:8080" } },
            { ...s.routes[3], stripPrefix: true, backend: { kind: BackendKind.LambdaFunction, locator: "embedder" } },
            { ...s.routes[0], name: "bad-endpoint", backend: { kind: BackendKind.SageMakerEndpoint, locator: "qwen_chat" } },
        ];
        expect(awsApiGateway.validate(s)).toEqual([
            {
                path: "auth",
                received: '"jwt"',
                expected: '"api-key" on aws-apigateway: JWT validation is on kubernetes only (a REST API would need a Cognito user pool or a JWT-verifying authorizer)',
            },
            { path: "routes[0].header", received: "an object with name, value", expected: "no header on aws-apigateway: a REST API routes by path only (give the route its own pathPrefix)" },
            { path: "routes[0].retries", received: "1", expected: "0 on aws-apigateway: API Gateway does not retry a failed integration request" },
            {
                path: "routes[0].maxBodyMiB",
                received: "20",
                expected: "no value (10) on aws-apigateway: API Gateway's payload limit is a fixed 10 MB that can be neither raised nor lowered per route",
            },
            expect.objectContaining({ path: "routes[1].maxBodyMiB", received: "5" }),
            {
                path: "routes[1].stateMachine",
                received: `"arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:fraud"`,
                expected: "a state machine in aws.region us-east-1 (the integration is created there), not eu-west-1",
            },
            {
                path: "routes[2].url",
                received: '"http://fraud.default.svc.cluster.local:8080"',
                expected: "a URL API Gateway can reach over the internet: an HTTP integration calls public endpoints (a private host needs a VPC link, which this target does not create)",
            },
            {
                path: "routes[3].stripPrefix",
                received: "true",
                expected:
                    "false for a lambdaFunction route on aws-apigateway: a Lambda proxy integration passes the whole path (event.path) and API Gateway cannot rewrite it (the path below the prefix is in event.pathParameters.proxy)",
            },
            { path: "routes[3].lambdaFunction", received: '"embedder"', expected: "a Lambda function ARN, arn:aws:lambda:<region>:<account>:function:<name>" },
            { path: "routes[4].sagemakerEndpoint", received: '"qwen_chat"', expected: "the name of a SageMaker endpoint: 1 to 63 letters, digits and '-', starting with a letter or digit" },
        ]);
        const keys = spec({
            consumers: [consumer({ name: "a", apiKey: "k".repeat(25) + "-_!" }), consumer({ name: "b", apiKey: "k".repeat(129) }), consumer({ name: "c", apiKey: pulumi.secret("x") })],
        });
        expect(awsApiGateway.validate(keys)).toEqual([
            {
                path: "consumers[0].apiKey",
                received: "a key of 28 characters with characters other than letters and digits",
                expected: "a key of 20 to 128 letters and digits (API Gateway's rule for API key values), or no apiKey to have one generated",
            },
            expect.objectContaining({ path: "consumers[1].apiKey", received: "a key of 129 characters" }),
        ]);
    });
});

describe("ModelGateway on aws-apigateway: cost", () => {
    it("prices the REST API per request ($0 idle, unknown at full scale), the authorizer per invocation, the rest free", () => {
        const report = estimateCost(awsApiGateway.costedResources(spec()));
        const api = report.items.find((i) => i.type === G("restApi:RestApi"));
        expect(api?.monthly).toEqual({ min: 0, max: null });
        expect(api?.basis).toBe("API Gateway REST API requests: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
        expect(report.items.map((i) => i.type).sort()).toEqual([G("restApi:RestApi"), "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/logGroup:LogGroup", "aws:lambda/function:Function"].sort());
        expect(report.monthly).toEqual({ min: 0, max: null });
        expect(report.free.find((f) => f.type === G("stage:Stage"))?.reason).toBe("a stage without a cache cluster: its requests are billed on its RestApi");
    });

    it("lists exactly what deploy creates", async () => {
        const { resources } = await deploy(spec());
        const created = resources.filter((r) => r.custom).map((r) => `${r.type}::${r.name}`);
        expect(
            awsApiGateway
                .costedResources(spec())
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
        ).toEqual(created.sort());
    });
});

describe("ModelGateway on aws-apigateway: the component", () => {
    const args: ModelGatewayArgs = {
        target: GatewayTarget.AwsApiGateway,
        routes: [
            { name: "llm", pathPrefix: "/llm", sagemakerEndpoint: "qwen-chat", coldStartSeconds: 0, requestSeconds: 20 },
            { name: "fraud", pathPrefix: "/fraud", stateMachine: MACHINE, requestSeconds: 25 },
        ],
        consumers: [
            { name: "chat-app", ratePerSecond: 2, routes: ["llm"] },
            { name: "payments", ratePerSecond: 50, monthlyQuota: 1_000_000, apiKey: pulumi.secret(KEY_A) },
        ],
    };

    it("deploys the resolved spec: timeouts, keys in API keys, outputs", async () => {
        const { value: gw } = await rt.construct(() => new ModelGateway("models", args));
        expect(await outputValue(gw.url)).toBe("https://models-api-id.execute-api.us-east-1.amazonaws.com/v1");
        expect(await outputValue(gw.routeUrls)).toEqual({
            llm: "https://models-api-id.execute-api.us-east-1.amazonaws.com/v1/llm",
            fraud: "https://models-api-id.execute-api.us-east-1.amazonaws.com/v1/fraud",
        });
        const keys = await outputValue(gw.consumerKeys);
        expect(keys.payments).toBe(KEY_A);
        expect(rt.one(G("apiKey:ApiKey"), "models-chat-app-api-key").inputs.value).toBe(keys["chat-app"]);
        expect(inputsOf(G("integration:Integration"), "models-llm-integration").timeoutMilliseconds).toBe(20000);
        expect(inputsOf(G("integration:Integration"), "models-fraud-integration").timeoutMilliseconds).toBe(25000);
        expect(inputsOf(G("usagePlan:UsagePlan"), "models-chat-app-usage-plan").throttleSettings).toEqual({ rateLimit: 2, burstLimit: 4 });
        const cost = await outputValue(gw.estimatedMonthlyCost);
        expect(cost).toMatchObject({ known: false, knownMin: 0 });
    });

    it("caps the default timeout at 29 s, with a warning", async () => {
        const long: ModelGatewayArgs = { ...args, routes: [{ ...args.routes[0], coldStartSeconds: 10, requestSeconds: 60 }, args.routes[1]] };
        await rt.construct(() => new ModelGateway("capped", long));
        expect(inputsOf(G("integration:Integration"), "capped-llm-integration").timeoutMilliseconds).toBe(29000);
    });

    it("refuses, before creating anything: a header, a timeout above the quota, a Cloud Run backend, a body limit, retries", async () => {
        const bad = (over: Partial<ModelGatewayArgs["routes"][number]>): ModelGatewayArgs => ({ ...args, routes: [{ ...args.routes[0], ...over }, args.routes[1]] });
        const { resources } = await rt.construct(() => {
            expect(() => new ModelGateway("bad", bad({ header: { name: "x-model-version", value: "v2" } }))).toThrow(
                'modelship:index:ModelGateway "bad": 1 invalid argument:\n  - routes[0].header: received an object with name, value; expected no header on aws-apigateway: a REST API routes by path only (give the route its own pathPrefix)',
            );
            expect(() => new ModelGateway("bad", bad({ timeoutSeconds: 60 }))).toThrow(
                "routes[0].timeoutSeconds: received 60; expected at most 29 (API Gateway's integration timeout quota (aws.maxIntegrationTimeoutSeconds: 29 s unless your account's quota is raised))",
            );
            expect(() => new ModelGateway("bad", bad({ sagemakerEndpoint: undefined, cloudRunService: "qwen" }))).toThrow(
                'routes[0].cloudRunService: received "qwen"; expected a backend target "aws-apigateway" routes to: url, sagemakerEndpoint, lambdaFunction or stateMachine',
            );
            expect(() => new ModelGateway("bad", bad({ maxBodyMiB: 6 }))).toThrow("routes[0].maxBodyMiB: received 6");
            expect(() => new ModelGateway("bad", bad({ retries: 2 }))).toThrow("routes[0].retries: received 2; expected 0 on aws-apigateway");
            expect(
                () =>
                    new ModelGateway("bad", {
                        ...args,
                        auth: GatewayAuth.Jwt,
                        jwt: { issuer: "https://id.example.com/", jwksUri: "https://id.example.com/jwks" },
                        consumers: [{ name: "chat-app", ratePerSecond: 2 }],
                    }),
            ).toThrow('auth: received "jwt"');
            expect(() => new ModelGateway("bad", { ...args, consumers: [{ name: "short", ratePerSecond: 1, apiKey: "x".repeat(19) }] })).toThrow("a key of 19 characters");
        });
        expect(resources).toEqual([]);
    });
});

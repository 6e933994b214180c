import { describe, expect, it } from "vitest";
import { Accelerator, PolyglotPipeline, StageLanguage, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";
import { ecr, fraudStages, json } from "./fixtures";

// The Amazon States Language validator (npm asl-validator): JSON schemas of every state type, JSONata expressions
// parsed, transitions and terminal states checked. It has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean; errors: { Message: string }[] };

const rt = useMockRuntime({ config: { "aws:region": "eu-west-1", "modelship:costCenter": "cc-7" } });

const ACCOUNT = "123456789012";
const PIPELINE = "urn:pulumi:dev::test::modelship:index:PolyglotPipeline::fraud";
/** The orchestrator's tags: the pipeline's, with `pipeline` as every stage carries it (the spend guard filters on it). */
const TAGS = { environment: "dev", "cost-center": "cc-7", pipeline: "fraud", service: "fraud", "managed-by": "modelship" };
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function/${name}`;

/** The definition as deployed, checked with asl-validator (on a copy: the validator fills in defaults). */
function definitionOf(machine: ResourceRecord): Record<string, unknown> {
    const definition = json(machine.inputs.definition) as Record<string, unknown>;
    const result = aslValidator(structuredClone(definition));
    expect(result.errors.map((e) => e.Message)).toEqual([]);
    expect(result.isValid).toBe(true);
    return definition;
}

describe("PolyglotPipeline on AWS (Step Functions Express)", () => {
    it("calls the Lambda stages from an Express state machine behind an IAM-authorized HTTP API", async () => {
        const { value: pipeline, resources } = await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(ecr), target: Target.AwsLambda }));
        const own = resources.filter((r) => r.parent === PIPELINE && r.type !== "modelship:index:ModelService").map((r) => `${r.type}::${r.name}`);
        expect(own.sort()).toEqual(
            [
                "aws:cloudwatch/logGroup:LogGroup::fraud-logs",
                "aws:iam/role:Role::fraud-role",
                "aws:iam/rolePolicy:RolePolicy::fraud-role-policy",
                "aws:sfn/stateMachine:StateMachine::fraud-state-machine",
                "aws:apigatewayv2/api:Api::fraud-api",
                "aws:iam/role:Role::fraud-api-role",
                "aws:iam/rolePolicy:RolePolicy::fraud-api-role-policy",
                "aws:apigatewayv2/integration:Integration::fraud-integration",
                "aws:apigatewayv2/route:Route::fraud-route",
                "aws:apigatewayv2/stage:Stage::fraud-stage",
                // The state machine's own alarms (observability on by default): stepfunctions-alarms.test.ts.
                "aws:cloudwatch/metricAlarm:MetricAlarm::fraud-alarm-failures",
                "aws:cloudwatch/metricAlarm:MetricAlarm::fraud-alarm-latency",
            ].sort(),
        );
        // The stages are private functions: no function URL, no API of their own; timeouts follow the stage's.
        expect(rt.ofType("aws:lambda/functionUrl:FunctionUrl")).toEqual([]);
        const decide = rt.one("aws:lambda/function:Function", "fraud-decide-function");
        expect(decide.inputs).toMatchObject({ name: "fraud-decide", timeout: 60, environment: { variables: { AWS_LWA_PORT: "8080", AWS_LWA_READINESS_CHECK_PATH: "/health" } } });
        // Stages are ModelServices: described, and traced by X-Ray with their role's trace-writing grant.
        expect(decide.inputs.tracingConfig).toEqual({ mode: "Active" });
        expect(decide.inputs.description).toBe(`modelship ModelService fraud-decide: ${decide.inputs.imageUri as string}`);
        const decidePolicy = JSON.parse(rt.one("aws:iam/rolePolicy:RolePolicy", "fraud-decide-role-policy").inputs.policy as string) as { Statement: { Sid?: string }[] };
        expect(decidePolicy.Statement.map((s) => s.Sid)).toContain("WriteTraces");

        const machine = rt.one("aws:sfn/stateMachine:StateMachine");
        expect(machine.inputs).toMatchObject({
            name: "fraud",
            type: "EXPRESS",
            roleArn: `arn:aws:iam::${ACCOUNT}:role/fraud-role`,
            loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: `${rt.one("aws:cloudwatch/logGroup:LogGroup", "fraud-logs").outputs.arn as string}:*` },
            tags: TAGS,
        });
        expect(rt.one("aws:cloudwatch/logGroup:LogGroup", "fraud-logs").inputs).toEqual({ name: "/aws/vendedlogs/states/fraud", retentionInDays: 30, tags: TAGS });

        const definition = definitionOf(machine);
        const states = definition.States as Record<string, Record<string, unknown>>;
        expect(definition).toMatchObject({ QueryLanguage: "JSONata", StartAt: "Start", TimeoutSeconds: 190 });
        expect(Object.keys(states)).toEqual([
            "Start",
            "features timed out",
            "features unreachable",
            "features",
            "features answered",
            "features failed",
            "features invalid response",
            "score timed out",
            "score unreachable",
            "score",
            "score answered",
            "score failed",
            "score invalid response",
            "decide timed out",
            "decide unreachable",
            "decide",
            "decide answered",
            "decide failed",
            "decide invalid response",
            "Done",
        ]);
        expect(states.Start).toEqual({
            Type: "Pass",
            Assign: { requestId: "{% $states.context.Execution.Name %}", request: "{% $states.input %}", results: {} },
            Next: "features",
        });
        // The Lambda Web Adapter gets an HTTP API event: POST /predict with the JSON body and the request id.
        expect(states.score).toEqual({
            Type: "Task",
            TimeoutSeconds: 60,
            Resource: "arn:aws:states:::lambda:invoke",
            Arguments: {
                FunctionName: fn("fraud-score"),
                Payload: {
                    version: "2.0",
                    routeKey: "$default",
                    rawPath: "/predict",
                    headers: { "content-type": "application/json", accept: "application/json", "x-request-id": "{% $requestId %}" },
                    requestContext: {
                        http: { method: "POST", path: "/predict", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "modelship-pipeline" },
                        requestId: "{% $requestId %}",
                        routeKey: "$default",
                        stage: "$default",
                    },
                    body: "{% $string($lookup($results, 'features')) %}",
                    isBase64Encoded: false,
                },
            },
            Retry: [
                {
                    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
                    IntervalSeconds: 1,
                    MaxAttempts: 2,
                    BackoffRate: 2,
                    JitterStrategy: "FULL",
                },
            ],
            Catch: [
                { ErrorEquals: ["States.Timeout"], Next: "score timed out" },
                { ErrorEquals: ["States.ALL"], Assign: { f1: "{% $states.errorOutput %}" }, Next: "score unreachable" },
            ],
            Assign: { r1: "{% $states.result.Payload %}" },
            Next: "score answered",
        });
        expect((states.features.Arguments as { Payload: { body: string } }).Payload.body).toBe("{% $string($request) %}");
        expect(states["score answered"]).toEqual({
            Type: "Choice",
            Choices: [
                {
                    Condition: "{% $r1.statusCode >= 200 and $r1.statusCode < 300 and $contains($lowercase($string($lookup($r1.headers, 'content-type'))), 'json') %}",
                    Assign: { results: "{% $merge([$results, {'score': $parse($r1.body)}]) %}" },
                    Next: "decide",
                },
                { Condition: "{% $r1.statusCode >= 200 and $r1.statusCode < 300 %}", Next: "score invalid response" },
            ],
            Default: "score failed",
        });
        expect(states["score failed"]).toEqual({
            Type: "Fail",
            Error: "StageFailed",
            Cause: "{% $string({'stage': 'score', 'status': $r1.statusCode, 'detail': $substring($string($r1.body), 0, 2000), 'requestId': $requestId}) %}",
        });
        expect(states["decide timed out"]).toEqual({ Type: "Fail", Error: "StageTimeout", Cause: "{% $string({'stage': 'decide', 'timeoutSeconds': 60, 'requestId': $requestId}) %}" });
        expect(states.Done).toEqual({ Type: "Succeed", Output: "{% $lookup($results, 'decide') %}" });

        // The state machine may invoke exactly its stages, and deliver its logs.
        expect(json(rt.one("aws:iam/role:Role", "fraud-role").inputs.assumeRolePolicy)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }],
        });
        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy", "fraud-role-policy").inputs.policy) as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements[0]).toEqual({
            Sid: "InvokeStageFunctions",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: ["features", "score", "decide"].flatMap((s) => [fn(`fraud-${s}`), `${fn(`fraud-${s}`)}:*`]),
        });
        expect(statements[1]).toMatchObject({ Sid: "DeliverLogs", Resource: "*" });
        expect(statements).toHaveLength(2);

        // The HTTP API starts a synchronous execution, with the caller's IAM identity checked. No Name: Step Functions names
        // it with a UUID; API Gateway's request id (JKJaXmPLvHcESHA=) is no valid execution name for a logged state machine.
        expect(rt.one("aws:apigatewayv2/integration:Integration").inputs).toEqual({
            apiId: "fraud-api-id",
            integrationType: "AWS_PROXY",
            integrationSubtype: "StepFunctions-StartSyncExecution",
            credentialsArn: `arn:aws:iam::${ACCOUNT}:role/fraud-api-role`,
            requestParameters: { StateMachineArn: `arn:aws:sfn:eu-west-1:${ACCOUNT}:statemachine/fraud`, Input: "$request.body" },
            payloadFormatVersion: "1.0",
            timeoutMilliseconds: 30000,
        });
        expect(rt.one("aws:apigatewayv2/route:Route").inputs).toMatchObject({ routeKey: "POST /", authorizationType: "AWS_IAM", target: "integrations/fraud-integration-id" });
        expect(json(rt.one("aws:iam/rolePolicy:RolePolicy", "fraud-api-role-policy").inputs.policy)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "StartPipeline", Effect: "Allow", Action: "states:StartSyncExecution", Resource: `arn:aws:sfn:eu-west-1:${ACCOUNT}:statemachine/fraud` }],
        });

        expect(await outputValue(pipeline.url)).toBe("https://fraud-api-id.execute-api.eu-west-1.amazonaws.com/");
        expect(await outputValue(pipeline.orchestratorId)).toBe(`arn:aws:sfn:eu-west-1:${ACCOUNT}:statemachine/fraud`);
        // Three on-demand functions called one after another: up to 10 s of Init each; the state machine's 180 s + 10 s.
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(30);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(190);
        expect(await outputValue(pipeline.stageUrls)).toEqual(
            Object.fromEntries(["features", "score", "decide"].map((s) => [s, `https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/fraud-${s}/invocations`])),
        );
        // Per-request charges the catalog has no price for make the estimate unknown, never free.
        const estimate = await outputValue(pipeline.estimatedMonthlyCost);
        expect(estimate.known).toBe(false);
        // Everything is billed per use or per GB: $0 without requests, unknown at full scale. Each stage's dashboard is $3 a
        // month (dashboards are global): 9; its alarms are billed per alarm metric at prices recorded for us-east-1 and
        // us-east-2 only, not this eu-west-1, so the minimum is unknown too: the stages' six alarms and the state machine's two.
        expect(estimate.min).toBeUndefined();
        expect(estimate.knownMin).toBe(9);
        expect(estimate.basis.filter((b) => b.endsWith("prices are recorded for us-east-1 and us-east-2 only, not eu-west-1"))).toHaveLength(8);
        expect(estimate.max).toBeUndefined();
        expect(estimate.basis).toContain("orchestrator: Step Functions executions: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
        expect(estimate.basis).toContain("orchestrator: API Gateway HTTP API requests: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
        // Each of the three stages: its function, its log group, its errors and throttles alarms and its dashboard.
        expect(estimate.basis.filter((b) => b.startsWith("stage "))).toHaveLength(15);
    });

    it("runs a GPU stage on SageMaker and fans out with a Parallel state, without the HTTP API", async () => {
        const { value: pipeline } = await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: [
                        { name: "prep", language: StageLanguage.Python, image: ecr("prep") },
                        { name: "gbm", language: StageLanguage.R, image: ecr("gbm"), timeoutSeconds: 20 },
                        {
                            name: "net",
                            language: StageLanguage.Python,
                            image: ecr("net"),
                            after: ["prep"],
                            target: Target.AwsSageMaker,
                            resources: { gpu: { accelerator: Accelerator.A10G } },
                            sagemaker: { instanceType: "ml.g5.xlarge" },
                        },
                        { name: "blend", language: StageLanguage.Jvm, image: ecr("blend"), after: ["gbm", "net"], lambda: { provisionedConcurrency: 1 } },
                    ],
                    stepFunctions: { httpApi: false, logRetentionDays: 7 },
                    target: Target.AwsLambda,
                }),
        );
        expect(rt.ofType("aws:apigatewayv2/api:Api").filter((r) => r.parent === PIPELINE)).toEqual([]);
        expect(rt.one("aws:sagemaker/model:Model").inputs).toMatchObject({ primaryContainer: { environment: expect.objectContaining({ UVICORN_PORT: "8080" }) } });

        const definition = definitionOf(rt.one("aws:sfn/stateMachine:StateMachine"));
        const states = definition.States as Record<string, Record<string, unknown>>;
        const stageStates = (s: string) => [`${s} timed out`, `${s} unreachable`, s, `${s} answered`, `${s} failed`, `${s} invalid response`];
        expect(Object.keys(states)).toEqual(["Start", ...stageStates("prep"), "Wave 2", ...stageStates("blend"), "Done"]);
        expect(definition.TimeoutSeconds).toBe(190);
        const wave = states["Wave 2"] as { Branches: { StartAt: string; States: Record<string, Record<string, unknown>> }[]; Assign: unknown; Next: string };
        expect(wave.Assign).toEqual({ results: "{% $merge([$results, {'gbm': $states.result[0], 'net': $states.result[1]}]) %}" });
        expect(wave.Next).toBe("blend");
        expect(wave.Branches.map((b) => b.StartAt)).toEqual(["gbm", "net"]);
        // The SageMaker stage: InvokeEndpoint through the SDK integration, its answer the branch's output.
        expect(wave.Branches[1].States.net).toEqual({
            Type: "Task",
            TimeoutSeconds: 60,
            Resource: "arn:aws:states:::aws-sdk:sagemakerruntime:invokeEndpoint",
            Arguments: {
                EndpointName: "fraud-net",
                ContentType: "application/json",
                Accept: "application/json",
                Body: "{% $string($lookup($results, 'prep')) %}",
                CustomAttributes: "{% 'request-id=' & $requestId %}",
                InferenceId: "{% $substring($requestId, 0, 64) %}",
            },
            Retry: [
                {
                    ErrorEquals: ["SageMakerRuntime.ServiceUnavailableException", "SageMakerRuntime.InternalFailureException"],
                    IntervalSeconds: 1,
                    MaxAttempts: 2,
                    BackoffRate: 2,
                    JitterStrategy: "FULL",
                },
            ],
            Catch: [
                { ErrorEquals: ["States.Timeout"], Next: "net timed out" },
                { ErrorEquals: ["SageMakerRuntime.ModelErrorException"], Assign: { f2: "{% $states.errorOutput %}" }, Next: "net failed" },
                { ErrorEquals: ["States.ALL"], Assign: { f2: "{% $states.errorOutput %}" }, Next: "net unreachable" },
            ],
            Output: "{% $parse($states.result.Body) %}",
            End: true,
        });
        expect(wave.Branches[0].States["gbm done"]).toEqual({ Type: "Succeed", Output: "{% $parse($r1.body) %}" });
        expect((states.blend.Arguments as { FunctionName: string; Payload: { body: string } }).Payload.body).toBe("{% $string({'gbm': $lookup($results, 'gbm'), 'net': $lookup($results, 'net')}) %}");
        // Provisioned concurrency lives on the alias: the state machine invokes it.
        expect((states.blend.Arguments as { FunctionName: string }).FunctionName).toBe(`arn:aws:lambda:eu-west-1:${ACCOUNT}:alias/live`);

        const statements = (json(rt.one("aws:iam/rolePolicy:RolePolicy", "fraud-role-policy").inputs.policy) as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements.find((s) => s.Sid === "InvokeStageEndpoints")).toEqual({
            Sid: "InvokeStageEndpoints",
            Effect: "Allow",
            Action: "sagemaker:InvokeEndpoint",
            Resource: [`arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/fraud-net`],
        });
        expect(rt.one("aws:cloudwatch/logGroup:LogGroup", "fraud-logs").inputs.retentionInDays).toBe(7);
        expect(await outputValue(pipeline.url)).toBe("https://sync-states.eu-west-1.amazonaws.com/");
        // The slowest path of cold starts: prep -> gbm -> blend, 10 s of Init each (blend has 1 provisioned of 10: a second
        // request still starts on demand); through net, a real-time endpoint (0), 20 s. Timeouts: prep, net and blend's
        // 60 s, plus 10 s.
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(30);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(190);
    });

    it("keeps each default for a setting given as undefined", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(ecr), stepFunctions: { httpApi: undefined, logRetentionDays: undefined }, target: Target.AwsLambda }));
        expect(rt.one("aws:cloudwatch/logGroup:LogGroup", "fraud-logs").inputs).toEqual({ name: "/aws/vendedlogs/states/fraud", retentionInDays: 30, tags: TAGS });
        expect(rt.ofType("aws:apigatewayv2/api:Api").map((r) => r.name)).toEqual(["fraud-api"]);
    });

    it("rejects a definition the validator finds broken (the check is real)", () => {
        const broken = { QueryLanguage: "JSONata", StartAt: "a", States: { a: { Type: "Choice", Choices: [{ Condition: "{% $x >= %}", Next: "nowhere" }] } } };
        const result = aslValidator(broken);
        expect(result.isValid).toBe(false);
        expect(result.errors.map((e) => e.Message)).toEqual(['/States/a/Choices/0/Condition is invalid. must match format "jsonata_string"']);
    });
});

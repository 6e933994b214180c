/**
 * `target: aws-lambda` / `aws-sagemaker`: an AWS Step Functions Express state machine calls the stages (definition
 * in stepfunctions-asl.ts). Express, because a pipeline request is short and synchronous: StartSyncExecution runs it
 * and returns the result in the same call, billed per request and duration.
 *
 * Stages are called directly with IAM (Lambda Invoke, SageMaker InvokeEndpoint), so they stay private: no function
 * URL or HTTP endpoint per stage, and no HTTP Task (which needs public HTTPS endpoints with EventBridge connection
 * credentials, and cannot sign with IAM).
 *
 * - The state machine's role may invoke exactly the stages' functions and endpoints, and deliver logs.
 * - Logs (errors only, without execution data, which may hold personal data) go to `/aws/vendedlogs/states/<name>`.
 * - In front, an API Gateway HTTP API (`POST /`, IAM-authorized) starts a synchronous execution and answers with
 *   StartSyncExecution's result (`name`, the request id; `status`, `output`, or `error` and `cause`). API Gateway
 *   ends requests after 30 s; longer pipelines call StartSyncExecution directly (`stepFunctions.httpApi: false`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../sdk/cost/types";
import { cloudTags, physicalName } from "../../sdk/naming";
import { ValidationProblem } from "../../sdk/validate";
import { Target } from "../model-service/args";
import { arn, AwsContext, awsContext } from "../model-service/targets/aws/context";
import { policy, PolicyStatement, serviceTrustPolicy } from "../model-service/targets/aws/iam";
import { criticalPathSeconds } from "./flow";
import { DeployedStage, OrchestratorDeployment, PipelineOrchestrator } from "./orchestrator";
import { PipelineSpec, pipelineOwner } from "./spec";
import { createStateMachineAlarms, stateMachineAlarmShapes } from "./stepfunctions-alarms";
import { executionTimeoutSeconds, EXPRESS_MAX_SECONDS, stateMachineDefinition, StageInvocation } from "./stepfunctions-asl";

/** API Gateway's longest integration timeout for an HTTP API, in seconds. */
const HTTP_API_MAX_SECONDS = 30;
/** Log delivery for Express state machines: these actions have no resource-level permissions. */
const LOG_DELIVERY_ACTIONS = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
];

function validate(spec: PipelineSpec): ValidationProblem[] {
    const slowest = criticalPathSeconds(spec.flow);
    if (slowest <= EXPRESS_MAX_SECONDS) return [];
    return [
        {
            path: "stages",
            received: `stage timeouts adding up to ${slowest} s along the slowest path`,
            expected: `at most ${EXPRESS_MAX_SECONDS} s on AWS: an Express execution runs for 5 minutes at most (lower the stages' timeoutSeconds)`,
        },
    ];
}

/** How the state machine calls each stage, from the resources its ModelService created. */
function invocations(stages: DeployedStage[]): pulumi.Output<Record<string, StageInvocation>> {
    const entries: pulumi.Output<[string, StageInvocation]>[] = stages.map(({ stage, service }) => {
        const r = service.resources;
        if (stage.target === Target.AwsSageMaker) return (r.endpoint as aws.sagemaker.Endpoint).name.apply((endpointName): [string, StageInvocation] => [stage.name, { endpointName }]);
        // With provisioned concurrency the warm instances are behind the alias: invoke it.
        const target = r.alias ? (r.alias as aws.lambda.Alias).arn : (r.function as aws.lambda.Function).arn;
        return target.apply((functionArn): [string, StageInvocation] => [stage.name, { functionArn }]);
    });
    return pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs));
}

/** The state machine's permissions: invoke exactly its stages, deliver its logs. */
function statePolicy(ctx: AwsContext, calls: Record<string, StageInvocation>): string {
    const functions = Object.values(calls).flatMap((c) => (c.functionArn ? [c.functionArn, `${c.functionArn}:*`] : []));
    const endpoints = Object.values(calls).flatMap((c) => (c.endpointName ? [arn(ctx, "sagemaker", `endpoint/${c.endpointName.toLowerCase()}`)] : []));
    const statements: PolicyStatement[] = [];
    if (functions.length > 0) statements.push({ Sid: "InvokeStageFunctions", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: functions });
    if (endpoints.length > 0) statements.push({ Sid: "InvokeStageEndpoints", Effect: "Allow", Action: "sagemaker:InvokeEndpoint", Resource: endpoints });
    statements.push({ Sid: "DeliverLogs", Effect: "Allow", Action: LOG_DELIVERY_ACTIONS, Resource: "*" });
    return JSON.stringify(policy(statements));
}

/** The HTTP API in front: `POST /` starts a synchronous execution, with the caller's IAM identity checked. */
function httpApi(spec: PipelineSpec, machine: aws.sfn.StateMachine, ctx: pulumi.Output<AwsContext>, tags: Record<string, string>, parent: pulumi.Resource) {
    const name = spec.name;
    const api = new aws.apigatewayv2.Api(`${name}-api`, { protocolType: "HTTP", description: `modelship PolyglotPipeline ${name}`, tags }, { parent });
    const role = new aws.iam.Role(
        `${name}-api-role`,
        {
            namePrefix: `${physicalName(name, "api", 30)}-`,
            description: `Lets the HTTP API of the modelship pipeline ${name} start its state machine`,
            assumeRolePolicy: ctx.apply((c) => JSON.stringify(serviceTrustPolicy("apigateway.amazonaws.com", c.accountId))),
            tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-api-role-policy`,
        { role: role.id, policy: machine.arn.apply((a) => JSON.stringify(policy([{ Sid: "StartPipeline", Effect: "Allow", Action: "states:StartSyncExecution", Resource: a }]))) },
        { parent },
    );
    const integration = new aws.apigatewayv2.Integration(
        `${name}-integration`,
        {
            apiId: api.id,
            integrationType: "AWS_PROXY",
            integrationSubtype: "StepFunctions-StartSyncExecution",
            credentialsArn: role.arn,
            // No Name: Step Functions names the execution with a UUID, the id every stage sees as X-Request-Id. API
            // Gateway's own request id cannot be used: an HTTP API's ends in `=` (`JKJaXmPLvHcESHA=`), and with logging
            // on an execution name may hold only letters, digits, `-` and `_`; parameter mapping cannot rewrite it.
            requestParameters: { StateMachineArn: machine.arn, Input: "$request.body" },
            payloadFormatVersion: "1.0",
            timeoutMilliseconds: HTTP_API_MAX_SECONDS * 1000,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const route = new aws.apigatewayv2.Route(
        `${name}-route`,
        { apiId: api.id, routeKey: "POST /", authorizationType: "AWS_IAM", target: pulumi.interpolate`integrations/${integration.id}` },
        { parent },
    );
    const stage = new aws.apigatewayv2.Stage(`${name}-stage`, { apiId: api.id, name: "$default", autoDeploy: true, tags }, { parent, dependsOn: [route] });
    const url = pulumi.interpolate`https://${api.id}.execute-api.${ctx.region}.${ctx.dnsSuffix}/`;
    return { url, resources: { api, apiRole: role, apiRolePolicy: rolePolicy, integration, route, stage } };
}

function deploy(spec: PipelineSpec, stages: DeployedStage[], parent: pulumi.ComponentResource): OrchestratorDeployment {
    const settings = spec.stepFunctions;
    const tags = cloudTags(pipelineOwner(spec));
    const ctx = awsContext(parent);
    const machineName = physicalName(spec.name, "", 80);
    const calls = invocations(stages);

    const logGroup = new aws.cloudwatch.LogGroup(`${spec.name}-logs`, { name: `/aws/vendedlogs/states/${machineName}`, retentionInDays: settings.logRetentionDays, tags }, { parent });
    const role = new aws.iam.Role(
        `${spec.name}-role`,
        {
            namePrefix: `${physicalName(spec.name, "", 30)}-`,
            description: `Step Functions role of the modelship pipeline ${spec.name}: invokes its stages`,
            assumeRolePolicy: ctx.apply((c) => JSON.stringify(serviceTrustPolicy("states.amazonaws.com", c.accountId))),
            tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(`${spec.name}-role-policy`, { role: role.id, policy: pulumi.all([ctx, calls]).apply(([c, k]) => statePolicy(c, k)) }, { parent });
    const machine = new aws.sfn.StateMachine(
        `${spec.name}-state-machine`,
        {
            name: machineName,
            type: "EXPRESS",
            roleArn: role.arn,
            definition: calls.apply((k) => JSON.stringify(stateMachineDefinition(spec, k))),
            loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
            tags,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const resources: Record<string, pulumi.Resource> = { logGroup, role, rolePolicy, stateMachine: machine, ...createStateMachineAlarms(spec, machine, tags, parent) };
    if (!settings.httpApi) {
        return { url: pulumi.interpolate`https://sync-states.${ctx.region}.${ctx.dnsSuffix}/`, id: machine.arn, resources };
    }
    if (criticalPathSeconds(spec.flow) > HTTP_API_MAX_SECONDS) {
        void pulumi.log.warn(
            `stage timeouts add up to ${criticalPathSeconds(spec.flow)} s, but API Gateway answers 503 after ${HTTP_API_MAX_SECONDS} s: call StartSyncExecution directly for slow requests (stepFunctions.httpApi: false)`,
            parent,
        );
    }
    const front = httpApi(spec, machine, ctx, tags, parent);
    return { url: front.url, id: machine.arn, resources: { ...resources, ...front.resources } };
}

function costedResources(spec: PipelineSpec): CostedResource[] {
    const machine = `${spec.name}-state-machine`;
    const costs: CostedResource[] = [{ urn: machine, type: "aws:sfn/stateMachine:StateMachine", name: machine, inputs: { type: "EXPRESS" } }, ...stateMachineAlarmShapes(spec)];
    if (spec.stepFunctions.httpApi) {
        const api = `${spec.name}-api`;
        costs.push({ urn: api, type: "aws:apigatewayv2/api:Api", name: api, inputs: { protocolType: "HTTP" } });
    }
    return costs;
}

/**
 * The state machine's timeout (stepfunctions-asl.ts): what StartSyncExecution, and a ModelGateway route on `orchestratorId`,
 * waits at most. The HTTP API in front (`url`) ends a request after 30 s whatever it is (a warning says so at deployment).
 */
export const stepFunctionsOrchestrator: PipelineOrchestrator = { validate, requestTimeoutSeconds: executionTimeoutSeconds, deploy, costedResources };

/**
 * The deployment, the stage with its access logs, and the consumers' API keys and usage plans.
 *
 * A REST API serves what was deployed, not what is configured: the deployment's `triggers` hash everything the routes
 * configure, so that a change replaces the deployment. Pulumi replaces create-before-destroy (the default, not
 * overridden here): the new deployment is made, the stage moves to it, then the old one is deleted, so the stage never
 * points at nothing.
 */
import * as crypto from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GatewaySpec } from "../../spec";
import { AUTHORIZER_IDENTITY_SOURCE } from "./authorizer";
import { START_SYNC_EXECUTION_RESPONSE, startSyncExecutionTemplate } from "./integrations";
import { SAGEMAKER_STATUSES, STATE_MACHINE_STATUSES } from "./names";

/**
 * The access log line, one JSON object per request: who (the consumer the authorizer named, the API key's id, the
 * client's address), what (method, path, status) and how long. Never the key itself (`$context.identity.apiKey`).
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
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

/** The access logs' log group. */
export const accessLogGroupName = (spec: GatewaySpec) => `/aws/apigateway/${spec.name}/${spec.aws.stageName}/access`;

/** What the deployment must change with: every route's match, backend, timeout and consumers, and the templates. */
export function deploymentTrigger(spec: GatewaySpec): pulumi.Output<string> {
    const routes = spec.routes.map((r) =>
        pulumi.all([r.backend.locator, r.timeoutSeconds]).apply(([locator, timeout]) => ({
            name: r.name,
            pathPrefix: r.pathPrefix,
            stripPrefix: r.stripPrefix,
            anonymous: r.anonymous,
            backend: r.backend.kind,
            locator,
            timeout,
            consumers: r.consumers,
        })),
    );
    const shapes = {
        identitySource: AUTHORIZER_IDENTITY_SOURCE,
        sagemaker: SAGEMAKER_STATUSES,
        stateMachine: STATE_MACHINE_STATUSES,
        templates: [startSyncExecutionTemplate(""), START_SYNC_EXECUTION_RESPONSE],
    };
    return pulumi.all(routes).apply((resolved) =>
        crypto
            .createHash("sha256")
            .update(JSON.stringify({ routes: resolved, shapes }))
            .digest("hex"),
    );
}

/** The deployment, the access log group and the stage. */
export function createStage(spec: GatewaySpec, api: aws.apigateway.RestApi, configuration: pulumi.Resource[], parent: pulumi.Resource) {
    const region = spec.aws.region;
    const deployment = new aws.apigateway.Deployment(
        `${spec.name}-deployment`,
        { restApi: api.id, description: `modelship ModelGateway ${spec.name}`, triggers: { configuration: deploymentTrigger(spec) }, region },
        { parent, dependsOn: configuration },
    );
    const accessLogs = new aws.cloudwatch.LogGroup(`${spec.name}-access-logs`, { name: accessLogGroupName(spec), retentionInDays: spec.aws.logRetentionDays, region, tags: spec.tags }, { parent });
    const stage = new aws.apigateway.Stage(
        `${spec.name}-stage`,
        {
            restApi: api.id,
            deployment: deployment.id,
            stageName: spec.aws.stageName,
            description: `modelship ModelGateway ${spec.name}`,
            accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
            region,
            tags: spec.tags,
        },
        { parent },
    );
    return { deployment, accessLogs, stage };
}

/** Each consumer's API key (the key given or generated), usage plan on this stage (rate, burst, monthly quota) and their link. */
export function createConsumers(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>, api: aws.apigateway.RestApi, stage: aws.apigateway.Stage, parent: pulumi.Resource) {
    const region = spec.aws.region;
    const resources: Record<string, pulumi.Resource> = {};
    for (const consumer of spec.consumers) {
        const base = `${spec.name}-${consumer.name}`;
        const apiKey = new aws.apigateway.ApiKey(
            `${base}-api-key`,
            { name: base, description: `Consumer ${consumer.name} of the modelship ModelGateway ${spec.name}`, enabled: true, value: keys[consumer.name], region, tags: spec.tags },
            { parent },
        );
        const plan = new aws.apigateway.UsagePlan(
            `${base}-usage-plan`,
            {
                name: base,
                description: `Consumer ${consumer.name} of the modelship ModelGateway ${spec.name}: ${consumer.ratePerSecond}/s, burst ${consumer.burst}${consumer.monthlyQuota ? `, ${consumer.monthlyQuota} a month` : ""}`,
                apiStages: [{ apiId: api.id, stage: stage.stageName }],
                throttleSettings: { rateLimit: consumer.ratePerSecond, burstLimit: consumer.burst },
                quotaSettings: consumer.monthlyQuota === undefined ? undefined : { limit: consumer.monthlyQuota, period: "MONTH" },
                region,
                tags: spec.tags,
            },
            { parent },
        );
        const planKey = new aws.apigateway.UsagePlanKey(`${base}-usage-plan-key`, { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: plan.id, region }, { parent });
        Object.assign(resources, { [`${consumer.name}ApiKey`]: apiKey, [`${consumer.name}UsagePlan`]: plan, [`${consumer.name}UsagePlanKey`]: planKey });
    }
    return resources;
}

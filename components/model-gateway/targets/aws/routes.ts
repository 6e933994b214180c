/**
 * The REST API's resource tree and each route's methods and integrations. A route answers on its prefix's resource and
 * on that resource's `{proxy+}` child (every sub-path); routes share their common segments (`/fraud` and `/fraud/v2`
 * share `/fraud`). A route that is not anonymous requires an API key (`apiKeyRequired`, so API Gateway meters the key
 * against its usage plan) and the authorizer (which decides whether the key's consumer may call the route).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../../../../sdk/naming";
import { AwsContext } from "../../../model-service/targets/aws/context";
import { policy, serviceTrustPolicy } from "../../../model-service/targets/aws/iam";
import { BackendKind, GatewaySpec, RouteSpec } from "../../spec";
import {
    backendStatement,
    httpMethodOf,
    httpUri,
    integrationRequestParameters,
    lambdaUri,
    methodRequestParameters,
    sagemakerUri,
    START_SYNC_EXECUTION_RESPONSE,
    startSyncExecutionTemplate,
    startSyncExecutionUri,
} from "./integrations";
import { needsRole, proxyPath, resourceName, resourcePaths, ROUTE_SLOTS, RouteSlot, slotName, statusesOf } from "./names";

/** What the routes are made of: the resources to deploy after, and the escape hatches. */
export interface DeployedRoutes {
    /** Methods, integrations and responses: the deployment must come after them and changes with them. */
    configuration: pulumi.Resource[];
    resources: Record<string, pulumi.Resource>;
}

/** The API's resources by path (`/` is the API's root resource). */
function resourceTree(spec: GatewaySpec, api: aws.apigateway.RestApi, parent: pulumi.Resource): Map<string, pulumi.Output<string>> {
    const ids = new Map<string, pulumi.Output<string>>([["/", api.rootResourceId]]);
    for (const path of resourcePaths(spec)) {
        const cut = path.lastIndexOf("/");
        const parentPath = cut === 0 ? "/" : path.slice(0, cut);
        const resource = new aws.apigateway.Resource(
            resourceName(spec, path),
            { restApi: api.id, parentId: ids.get(parentPath) as pulumi.Output<string>, pathPart: path.slice(cut + 1), region: spec.aws.region },
            { parent },
        );
        ids.set(path, resource.id);
    }
    return ids;
}

/** The role API Gateway signs a SageMaker or Step Functions call with: that one action on that one ARN. */
function backendRole(spec: GatewaySpec, route: RouteSpec, ctx: pulumi.Output<AwsContext>, parent: pulumi.Resource) {
    const role = new aws.iam.Role(
        `${spec.name}-${route.name}-role`,
        {
            namePrefix: `${physicalName(`${spec.name}-${route.name}`, "", 30)}-`,
            description: `Lets API Gateway call the backend of route ${route.name} of the modelship ModelGateway ${spec.name}`,
            assumeRolePolicy: ctx.apply((c) => JSON.stringify(serviceTrustPolicy("apigateway.amazonaws.com", c.accountId))),
            tags: spec.tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${spec.name}-${route.name}-role-policy`,
        {
            role: role.id,
            policy: pulumi.all([ctx, route.backend.locator]).apply(([c, locator]) => JSON.stringify(policy([backendStatement(route, locator, { ...c, region: spec.aws.region })]))),
        },
        { parent },
    );
    return { role, rolePolicy };
}

/** The integration arguments of one slot of a route (everything but the API, resource and method). */
function integrationArgs(spec: GatewaySpec, route: RouteSpec, slot: RouteSlot, ctx: pulumi.Output<AwsContext>, role?: aws.iam.Role) {
    const region = spec.aws.region;
    const locator = pulumi.output(route.backend.locator);
    const common = { timeoutMilliseconds: pulumi.output(route.timeoutSeconds).apply((s) => s * 1000), requestParameters: integrationRequestParameters(route, slot) };
    switch (route.backend.kind) {
        case BackendKind.Url:
            return { ...common, type: "HTTP_PROXY", integrationHttpMethod: "ANY", uri: locator.apply((url) => httpUri(url, route, slot)) };
        case BackendKind.LambdaFunction:
            return { ...common, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: pulumi.all([ctx, locator]).apply(([c, arn]) => lambdaUri(c.partition, region, arn)) };
        case BackendKind.SageMakerEndpoint:
            return {
                ...common,
                type: "AWS",
                integrationHttpMethod: "POST",
                uri: pulumi.all([ctx, locator]).apply(([c, name]) => sagemakerUri(c.partition, region, name)),
                credentials: role?.arn,
                // No request template: the body goes to the endpoint as it came, whatever its content type.
                passthroughBehavior: "WHEN_NO_TEMPLATES",
            };
        case BackendKind.StateMachine:
            return {
                ...common,
                type: "AWS",
                integrationHttpMethod: "POST",
                uri: ctx.apply((c) => startSyncExecutionUri(c.partition, region)),
                credentials: role?.arn,
                // JSON only: any other content type is answered 415 rather than sent unmapped.
                passthroughBehavior: "NEVER",
                requestTemplates: { "application/json": locator.apply(startSyncExecutionTemplate) },
            };
        default:
            throw new Error(`aws-apigateway cannot route to a ${route.backend.kind}`);
    }
}

/** The method, integration and responses of one slot of a route. */
function routeSlot(
    spec: GatewaySpec,
    route: RouteSpec,
    slot: RouteSlot,
    target: { api: aws.apigateway.RestApi; resourceId: pulumi.Input<string>; authorizer?: aws.apigateway.Authorizer },
    ctx: pulumi.Output<AwsContext>,
    backend: { role?: aws.iam.Role; rolePolicy?: aws.iam.RolePolicy },
    parent: pulumi.Resource,
): Record<string, pulumi.Resource> {
    const base = slotName(spec, route, slot);
    const region = spec.aws.region;
    const at = { restApi: target.api.id, resourceId: target.resourceId, region };
    const method = new aws.apigateway.Method(
        `${base}-method`,
        {
            ...at,
            httpMethod: httpMethodOf(route),
            authorization: route.anonymous ? "NONE" : "CUSTOM",
            authorizerId: route.anonymous ? undefined : target.authorizer?.id,
            apiKeyRequired: !route.anonymous,
            requestParameters: methodRequestParameters(route, slot),
        },
        { parent },
    );
    const integration = new aws.apigateway.Integration(
        `${base}-integration`,
        { ...at, httpMethod: method.httpMethod, ...integrationArgs(spec, route, slot, ctx, backend.role) },
        { parent, dependsOn: backend.rolePolicy ? [backend.rolePolicy] : [] },
    );
    const made: Record<string, pulumi.Resource> = { method, integration };
    for (const status of statusesOf(route)) {
        const contentType = "method.response.header.Content-Type";
        const methodResponse = new aws.apigateway.MethodResponse(
            `${base}-response-${status.statusCode}`,
            { ...at, httpMethod: method.httpMethod, statusCode: status.statusCode, responseParameters: { [contentType]: false } },
            { parent },
        );
        made[`response${status.statusCode}`] = methodResponse;
        if (status.methodOnly) continue;
        const stateMachineOk = route.backend.kind === BackendKind.StateMachine && status.selectionPattern === undefined;
        made[`integrationResponse${status.statusCode}`] = new aws.apigateway.IntegrationResponse(
            `${base}-integration-response-${status.statusCode}`,
            {
                ...at,
                httpMethod: method.httpMethod,
                statusCode: status.statusCode,
                selectionPattern: status.selectionPattern,
                // The backend's body as it came (SageMaker's answer, Step Functions' error), with its content type;
                // a state machine's result through its template.
                responseParameters: stateMachineOk ? { [contentType]: "'application/json'" } : { [contentType]: "integration.response.header.Content-Type" },
                responseTemplates: stateMachineOk ? { "application/json": START_SYNC_EXECUTION_RESPONSE } : undefined,
            },
            { parent, dependsOn: [integration, methodResponse] },
        );
    }
    return made;
}

/** A Lambda function's permission for this API's stage to invoke it on one slot of the route (its paths only). */
function lambdaPermission(spec: GatewaySpec, route: RouteSpec, slot: RouteSlot, api: aws.apigateway.RestApi, parent: pulumi.Resource) {
    const path = slot === "proxy" ? proxyPath(route.pathPrefix).replace("{proxy+}", "*") : route.pathPrefix;
    return new aws.lambda.Permission(
        `${slotName(spec, route, slot)}-permission`,
        {
            function: route.backend.locator,
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            // <api execution ARN>/<stage>/<method>/<path>: this stage, any method, the route's paths.
            sourceArn: pulumi.interpolate`${api.executionArn}/${spec.aws.stageName}/*${path}`,
            region: spec.aws.region,
        },
        { parent },
    );
}

/** Creates the resource tree and every route's methods, integrations, responses, roles and permissions. */
export function createRoutes(
    spec: GatewaySpec,
    api: aws.apigateway.RestApi,
    authorizer: aws.apigateway.Authorizer | undefined,
    ctx: pulumi.Output<AwsContext>,
    parent: pulumi.Resource,
): DeployedRoutes {
    const ids = resourceTree(spec, api, parent);
    const configuration: pulumi.Resource[] = [];
    const resources: Record<string, pulumi.Resource> = {};
    for (const route of spec.routes) {
        const backend: { role?: aws.iam.Role; rolePolicy?: aws.iam.RolePolicy } = needsRole(route) ? backendRole(spec, route, ctx, parent) : {};
        if (backend.role && backend.rolePolicy) Object.assign(resources, { [`${route.name}Role`]: backend.role, [`${route.name}RolePolicy`]: backend.rolePolicy });
        for (const slot of ROUTE_SLOTS) {
            const resourceId = ids.get(slot === "proxy" ? proxyPath(route.pathPrefix) : route.pathPrefix) as pulumi.Output<string>;
            const made = routeSlot(spec, route, slot, { api, resourceId, authorizer }, ctx, backend, parent);
            const prefix = `${route.name}${slot === "proxy" ? "Proxy" : ""}`;
            for (const [role, resource] of Object.entries(made)) {
                configuration.push(resource);
                resources[`${prefix}${role[0].toUpperCase()}${role.slice(1)}`] = resource;
            }
            if (route.backend.kind === BackendKind.LambdaFunction) resources[`${prefix}Permission`] = lambdaPermission(spec, route, slot, api, parent);
        }
    }
    return { configuration, resources };
}

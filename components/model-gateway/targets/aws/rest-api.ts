/**
 * `aws-apigateway`'s deployment: a Regional REST API whose keys are read from `x-api-key` (`apiKeySource: HEADER`, so
 * API Gateway meters every key against its consumer's usage plan), the Lambda authorizer that decides which routes a
 * key may call, the routes, the deployment and stage with access logs, and each consumer's key and usage plan.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../../../model-service/targets/aws/context";
import { GatewaySpec } from "../../spec";
import { GatewayDeployment } from "../target";
import { createAuthorizer } from "./authorizer";
import { createRoutes } from "./routes";
import { createConsumers, createStage } from "./stage";

/** The REST API's own arguments. */
export function restApiShape(spec: GatewaySpec) {
    return {
        name: spec.name,
        description: `modelship ModelGateway ${spec.name}`,
        // Regional: the integration timeout can be raised above 29 s for Regional (and private) REST APIs only.
        endpointConfiguration: { types: "REGIONAL" },
        apiKeySource: "HEADER",
        region: spec.aws.region,
        tags: spec.tags,
    };
}

/** Whether the gateway needs the authorizer: some route requires a key. A plain boolean: it decides what exists. */
export const needsAuthorizer = (spec: GatewaySpec): boolean => spec.routes.some((r) => !r.anonymous);

/** Creates the gateway's resources as children of `parent`. */
export function deployAwsGateway(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>, parent: pulumi.ComponentResource): GatewayDeployment {
    const ctx = awsContext(parent);
    const api = new aws.apigateway.RestApi(`${spec.name}-api`, restApiShape(spec), { parent });
    const auth = needsAuthorizer(spec) ? createAuthorizer(spec, keys, api, ctx, spec.tags, parent) : undefined;
    const routes = createRoutes(spec, api, auth?.authorizer, ctx, parent);
    const { deployment, accessLogs, stage } = createStage(spec, api, routes.configuration, parent);
    const consumers = createConsumers(spec, keys, api, stage, parent);
    const url = stage.invokeUrl.apply((u) => u.replace(/\/+$/, ""));
    const routeUrls = Object.fromEntries(spec.routes.map((r) => [r.name, r.pathPrefix === "/" ? url : pulumi.interpolate`${url}${r.pathPrefix}`]));
    return {
        url,
        routeUrls,
        resources: { restApi: api, ...(auth?.resources ?? {}), ...routes.resources, deployment, stage, accessLogs, ...consumers },
    };
}

/**
 * A JWT-checked HTTPS endpoint in front of a Lambda function: an API Gateway HTTP API whose one route
 * (`$default`) requires a valid token from the issuer, and proxies to the function.
 *
 * API Gateway finds the issuer's keys itself through `<issuer>/.well-known/openid-configuration`
 * (`exposure.jwt.jwksUri` is not used), requires at least one audience, and ends a request after 30 s.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { JwtArgs } from "../../args";
import { AwsContext } from "./context";

/** Longest integration timeout an HTTP API allows, in milliseconds. */
export const HTTP_API_MAX_TIMEOUT_MS = 30_000;

/** What {@link createJwtHttpApi} made. */
export interface JwtHttpApi {
    url: pulumi.Output<string>;
    resources: Record<string, pulumi.Resource>;
}

/**
 * The HTTP API, its JWT authorizer, the Lambda proxy integration and route, the auto-deployed `$default`
 * stage, and the permission for API Gateway to invoke exactly this API's routes.
 */
export function createJwtHttpApi(
    name: string,
    args: { jwt: JwtArgs; functionName: pulumi.Input<string>; invokeTarget: pulumi.Input<string>; qualifier?: pulumi.Input<string>; timeoutSeconds: number },
    ctx: pulumi.Output<AwsContext>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): JwtHttpApi {
    const api = new aws.apigatewayv2.Api(`${name}-api`, { protocolType: "HTTP", description: `modelship ModelService ${name}`, tags }, { parent });
    const authorizer = new aws.apigatewayv2.Authorizer(
        `${name}-jwt`,
        {
            apiId: api.id,
            authorizerType: "JWT",
            identitySources: ["$request.header.Authorization"],
            jwtConfiguration: { issuer: args.jwt.issuer, audiences: args.jwt.audiences ?? [] },
        },
        { parent },
    );
    const integration = new aws.apigatewayv2.Integration(
        `${name}-integration`,
        {
            apiId: api.id,
            integrationType: "AWS_PROXY",
            integrationUri: args.invokeTarget,
            payloadFormatVersion: "2.0",
            timeoutMilliseconds: Math.min(HTTP_API_MAX_TIMEOUT_MS, args.timeoutSeconds * 1000),
        },
        { parent },
    );
    const route = new aws.apigatewayv2.Route(
        `${name}-route`,
        { apiId: api.id, routeKey: "$default", authorizationType: "JWT", authorizerId: authorizer.id, target: pulumi.interpolate`integrations/${integration.id}` },
        { parent },
    );
    const stage = new aws.apigatewayv2.Stage(`${name}-stage`, { apiId: api.id, name: "$default", autoDeploy: true, tags }, { parent, dependsOn: [route] });
    const permission = new aws.lambda.Permission(
        `${name}-api-invoke`,
        {
            action: "lambda:InvokeFunction",
            function: args.functionName,
            qualifier: args.qualifier,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`arn:${ctx.partition}:execute-api:${ctx.region}:${ctx.accountId}:${api.id}/*/*`,
        },
        { parent },
    );
    // The $default stage serves at the API's root: https://<api id>.execute-api.<region>.<dns suffix>/
    const url = pulumi.interpolate`https://${api.id}.execute-api.${ctx.region}.${ctx.dnsSuffix}/`;
    return { url, resources: { api, authorizer, integration, route, stage, apiPermission: permission } };
}

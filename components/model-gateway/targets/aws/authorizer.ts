/**
 * The Lambda REQUEST authorizer that decides which routes a key may call (usage plans only throttle and count; they
 * cannot deny a route): its log group, a role that may write only there, the function (authorizer-source.ts), the
 * permission for this API's authorizer to invoke it, and the API Gateway authorizer, cached per key and resource.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../../../../sdk/naming";
import { logGroupArn, policy, serviceTrustPolicy } from "../../../model-service/targets/aws/iam";
import { AwsContext } from "../../../model-service/targets/aws/context";
import { API_KEY_HEADER, GatewaySpec } from "../../spec";
import { AUTHORIZER_HANDLER, consumersFile } from "./authorizer-source";
import { AUTHORIZER_CACHE_SECONDS } from "./limits";

/** The function's runtime: the newest Node.js the provider lists (@pulumi/aws types/enums/lambda, `NodeJS24dX`). */
export const AUTHORIZER_RUNTIME = "nodejs24.x";
/** Memory and timeout of the authorizer: it hashes a header and reads a small JSON file. */
export const AUTHORIZER_MEMORY_MB = 128;
export const AUTHORIZER_TIMEOUT_SECONDS = 5;

/** The identity sources: the key, and the resource, so that a cached answer is never reused for another route. */
export const AUTHORIZER_IDENTITY_SOURCE = `method.request.header.${API_KEY_HEADER}, context.resourceId`;

/** The function's name (Lambda: at most 64 characters) and its log group, which Lambda writes to by name. */
export function authorizerNames(spec: GatewaySpec) {
    const functionName = physicalName(spec.name, "authorizer", 64);
    return { functionName, logGroupName: `/aws/lambda/${functionName}` };
}

/** The deployment package: the handler and the consumers' key hashes with their resources (a secret, as the keys are). */
export function authorizerCode(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>): pulumi.Output<pulumi.asset.AssetArchive> {
    const prefix = (route: string) => spec.routes.find((r) => r.name === route)?.pathPrefix as string;
    return pulumi.secret(pulumi.all(keys)).apply((plain) => {
        const consumers = spec.consumers.map((c) => ({ name: c.name, key: plain[c.name], prefixes: c.routes.map(prefix) }));
        return new pulumi.asset.AssetArchive({
            "index.js": new pulumi.asset.StringAsset(AUTHORIZER_HANDLER),
            "consumers.json": new pulumi.asset.StringAsset(consumersFile(consumers)),
        });
    });
}

/** What the authorizer is made of. */
export interface GatewayAuthorizer {
    authorizer: aws.apigateway.Authorizer;
    resources: Record<string, pulumi.Resource>;
}

/**
 * Creates the authorizer of `api`.
 *
 * @param ctx the account and partition (the region is `spec.aws.region`)
 */
export function createAuthorizer(
    spec: GatewaySpec,
    keys: Record<string, pulumi.Output<string>>,
    api: aws.apigateway.RestApi,
    ctx: pulumi.Output<AwsContext>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): GatewayAuthorizer {
    const region = spec.aws.region;
    const { functionName, logGroupName } = authorizerNames(spec);
    const logGroup = new aws.cloudwatch.LogGroup(`${spec.name}-authorizer-logs`, { name: logGroupName, retentionInDays: spec.aws.logRetentionDays, region, tags }, { parent });
    const role = new aws.iam.Role(
        `${spec.name}-authorizer-role`,
        {
            namePrefix: `${physicalName(spec.name, "authorizer", 30)}-`,
            description: `Execution role of the API key authorizer of the modelship ModelGateway ${spec.name}: writes its own logs, nothing else`,
            assumeRolePolicy: ctx.apply((c) => JSON.stringify(serviceTrustPolicy("lambda.amazonaws.com", c.accountId))),
            tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${spec.name}-authorizer-role-policy`,
        {
            role: role.id,
            policy: ctx.apply((c) =>
                JSON.stringify(policy([{ Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn({ ...c, region }, logGroupName)}:*` }])),
            ),
        },
        { parent },
    );
    const fn = new aws.lambda.Function(
        `${spec.name}-authorizer`,
        {
            name: functionName,
            description: `API key authorizer of the modelship ModelGateway ${spec.name}`,
            runtime: AUTHORIZER_RUNTIME,
            handler: "index.handler",
            code: authorizerCode(spec, keys),
            role: role.arn,
            memorySize: AUTHORIZER_MEMORY_MB,
            timeout: AUTHORIZER_TIMEOUT_SECONDS,
            architectures: ["arm64"],
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            region,
            tags,
        },
        // The log group and the grant first: the function's first logs must have somewhere to go.
        { parent, dependsOn: [logGroup, rolePolicy] },
    );
    const authorizer = new aws.apigateway.Authorizer(
        `${spec.name}-authorizer`,
        {
            name: "api-keys",
            restApi: api.id,
            type: "REQUEST",
            authorizerUri: fn.invokeArn,
            identitySource: AUTHORIZER_IDENTITY_SOURCE,
            authorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
            region,
        },
        { parent },
    );
    const permission = new aws.lambda.Permission(
        `${spec.name}-authorizer-permission`,
        {
            function: fn.name,
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            // This API's authorizer only (execute-api ARNs of authorizers: <api execution ARN>/authorizers/<id>).
            sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
            region,
        },
        { parent },
    );
    return { authorizer, resources: { authorizer, authorizerFunction: fn, authorizerRole: role, authorizerRolePolicy: rolePolicy, authorizerLogs: logGroup, authorizerPermission: permission } };
}

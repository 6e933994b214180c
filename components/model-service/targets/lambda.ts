/**
 * `target: aws-lambda`: a CPU model in a Lambda function built from a container image in ECR.
 *
 * An execution role that may write only its own log group (created here, with retention), send X-Ray traces and
 * read only its own secrets; the function (described, with active tracing) with memory, `/tmp`, timeout and a
 * reserved-concurrency cap; an alias with
 * provisioned concurrency when some is asked for. Private by default (callers use the Lambda Invoke API
 * with IAM); public through a function URL (`auth: iam` or an explicit `auth: none`) or through an API
 * Gateway HTTP API with a JWT authorizer (`auth: jwt`). API keys are not offered: HTTP APIs have none.
 *
 * The settings step, the rules and the function's shape (which the cost model reads too): lambda-spec.ts.
 */
import { createExecutionRole, logGroupShape } from "./aws/execution-role";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { cloudTags } from "../../../sdk/naming";
import { AuthMode, Target } from "../args";
import { ServingSpec } from "../spec";
import { AutoscalerTarget } from "../../spike-autoscaler/args";
import { createJwtHttpApi } from "./aws/http-api";
import { policy, readSecretsStatement, writeLogsStatement, writeTracesStatement } from "./aws/iam";
import { functionDescription, functionShape, lambdaProblems, LambdaSettings, lambdaSettings, lambdaTiming } from "./lambda-spec";
import { ServingTarget, TargetDeployment } from "./target";
import { createLambdaScaling, LAMBDA_PRICE_UNKNOWN } from "../../spike-autoscaler/lambda";
import { trackingPolicyShape } from "../../spike-autoscaler/app-autoscaling";
import { createLambdaObservability, LambdaWatch, lambdaObservabilityShapes } from "./aws/observability-lambda";

/** The alias that carries provisioned concurrency (and that the URL and API invoke when it exists). */
const ALIAS = "live";

/** The log group Lambda writes the function's logs to (its fixed name pattern). */
function lambdaLogGroupName(settings: LambdaSettings): string {
    return `/aws/lambda/${settings.functionName}`;
}

/** True when the service has the `live` alias (provisioned concurrency, given or autoscaled): callers invoke it. */
function hasAlias(settings: LambdaSettings): boolean {
    return settings.provisionedConcurrency > 0 || settings.autoscaled;
}

/** What the alarms and dashboard watch (aws/observability-lambda.ts): the alias when callers invoke one. */
function watched(settings: LambdaSettings): LambdaWatch {
    const alias = hasAlias(settings);
    return { functionName: settings.functionName, alias: alias ? ALIAS : undefined, provisioned: alias, timeoutSeconds: settings.timeoutSeconds };
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const settings = lambdaSettings(spec);
    const tags = cloudTags(spec.owner);
    const version = spec.versions[0];
    const logGroupName = lambdaLogGroupName(settings);
    // The log group exists before the function, so the role needs no logs:CreateLogGroup; Lambda pulls
    // the image with the deployer's rights, so the role needs no ECR access either.
    const { ctx, logGroup, secrets, role, rolePolicy } = createExecutionRole(spec, tags, parent, {
        service: "lambda.amazonaws.com",
        workload: "Lambda",
        logGroupName,
        logRetentionDays: settings.logRetentionDays,
        policy: (c, arns) => {
            const secretsStatement = readSecretsStatement(arns);
            // Active tracing: Lambda sends the function's traces to X-Ray with the role's rights.
            return policy([writeLogsStatement(c, logGroupName, ["logs:CreateLogStream", "logs:PutLogEvents"]), writeTracesStatement(), ...(secretsStatement ? [secretsStatement] : [])]);
        },
    });

    const command = spec.command;
    const fn = new aws.lambda.Function(
        `${spec.name}-function`,
        {
            ...functionShape(settings),
            description: functionDescription(spec),
            imageUri: version.image,
            role: role.arn,
            imageConfig: command !== undefined || version.args.length > 0 ? { entryPoints: command, commands: version.args.length > 0 ? version.args : undefined } : undefined,
            environment: {
                variables: {
                    // Read by the AWS Lambda Web Adapter, which turns invocations into HTTP requests to the server.
                    AWS_LWA_PORT: String(spec.port),
                    AWS_LWA_READINESS_CHECK_PATH: spec.readinessPath,
                    ...spec.env,
                    ...secrets.env,
                },
            },
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const resources: Record<string, pulumi.Resource> = { role, rolePolicy, logGroup, function: fn, ...secrets.resources };

    let alias: aws.lambda.Alias | undefined;
    if (hasAlias(settings)) {
        alias = new aws.lambda.Alias(`${spec.name}-alias`, { name: ALIAS, functionName: fn.name, functionVersion: fn.version }, { parent });
        resources.alias = alias;
    }
    if (alias && settings.provisionedConcurrency > 0) {
        resources.provisionedConcurrency = new aws.lambda.ProvisionedConcurrencyConfig(
            `${spec.name}-provisioned`,
            { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: settings.provisionedConcurrency },
            // Autoscaled: the count starts at the minimum and Application Auto Scaling moves it; an update must not reset it.
            { parent, ignoreChanges: settings.autoscaled ? ["provisionedConcurrentExecutions"] : undefined },
        );
    }
    if (alias && spec.autoscaling) {
        const made = createLambdaScaling(`${spec.name}-scaling`, spec.autoscaling, { functionName: fn.name, alias: alias.name }, tags, {
            parent,
            dependsOn: [resources.provisionedConcurrency ?? alias],
        });
        Object.assign(resources, made);
    }
    Object.assign(resources, createLambdaObservability(spec, watched(settings), ctx, tags, parent, alias ?? fn));
    const qualifier = alias?.name;
    const auth = spec.exposure.auth ?? AuthMode.Iam;

    let url: pulumi.Output<string>;
    if (!spec.exposure.public) {
        // Private: the Lambda Invoke API, SigV4-signed with lambda:InvokeFunction on the function.
        url = pulumi.interpolate`https://lambda.${ctx.region}.${ctx.dnsSuffix}/2015-03-31/functions/${fn.name}/invocations${alias ? `?Qualifier=${ALIAS}` : ""}`;
    } else if (auth === AuthMode.Jwt) {
        const api = createJwtHttpApi(
            spec.name,
            { jwt: spec.exposure.jwt!, functionName: fn.name, invokeTarget: alias ? alias.arn : fn.arn, qualifier, timeoutSeconds: settings.timeoutSeconds },
            ctx,
            tags,
            parent,
        );
        Object.assign(resources, api.resources);
        url = api.url;
    } else {
        const functionUrl = new aws.lambda.FunctionUrl(
            `${spec.name}-url`,
            { functionName: fn.name, qualifier, authorizationType: auth === AuthMode.None ? "NONE" : "AWS_IAM", invokeMode: "BUFFERED" },
            { parent },
        );
        resources.functionUrl = functionUrl;
        if (auth === AuthMode.None) {
            // Anonymous access was asked for explicitly. Since October 2025 a public function URL needs both
            // grants: InvokeFunctionUrl for the URL, and InvokeFunction limited to calls through the URL.
            resources.publicUrlPermission = new aws.lambda.Permission(
                `${spec.name}-public-url`,
                { action: "lambda:InvokeFunctionUrl", function: fn.name, qualifier, principal: "*", functionUrlAuthType: "NONE" },
                { parent },
            );
            resources.publicInvokePermission = new aws.lambda.Permission(
                `${spec.name}-public-invoke`,
                { action: "lambda:InvokeFunction", function: fn.name, qualifier, principal: "*", invokedViaFunctionUrl: true },
                { parent },
            );
        }
        url = functionUrl.functionUrl;
    }
    // The alias when there is one: its provisioned concurrency serves only invocations of the alias.
    return { url, endpointName: alias ? alias.arn : fn.arn, resources };
}

function costedResources(spec: ServingSpec): CostedResource[] {
    const settings = lambdaSettings(spec);
    const fnName = `${spec.name}-function`;
    const out: CostedResource[] = [
        { urn: fnName, type: "aws:lambda/function:Function", name: fnName, inputs: functionShape(settings) },
        logGroupShape(spec, { logGroupName: lambdaLogGroupName(settings), logRetentionDays: settings.logRetentionDays }),
    ];
    // The provisioned concurrency it scales is listed above; the policy's CloudWatch alarms are billed on their own.
    if (spec.autoscaling) out.push(trackingPolicyShape(`${spec.name}-scaling`));
    if (settings.provisionedConcurrency > 0) {
        const name = `${spec.name}-provisioned`;
        out.push({
            urn: name,
            type: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
            name,
            inputs: { functionName: settings.functionName, qualifier: ALIAS, provisionedConcurrentExecutions: settings.provisionedConcurrency },
        });
    }
    // Alarms are billed per alarm-month, a dashboard per dashboard-month beyond the free tier.
    out.push(...lambdaObservabilityShapes(spec, watched(settings)));
    return out;
}

export const lambdaTarget: ServingTarget<LambdaSettings> = {
    target: Target.AwsLambda,
    settings: lambdaSettings,
    // The alias's provisioned concurrency, through Application Auto Scaling.
    autoscaling: { autoscaler: AutoscalerTarget.AwsLambda },
    validate: lambdaProblems,
    timing: lambdaTiming,
    deploy,
    costedResources,
    replicaPricing: () => ({ unknownReason: LAMBDA_PRICE_UNKNOWN }),
};

/**
 * `target: aws-lambda`: a CPU model in a Lambda function built from a container image in ECR.
 *
 * An execution role that may write only its own log group (created here, with retention) and read only
 * its own secrets; the function with memory, `/tmp`, timeout and a reserved-concurrency cap; an alias with
 * provisioned concurrency when some is asked for. Private by default (callers use the Lambda Invoke API
 * with IAM); public through a function URL (`auth: iam` or an explicit `auth: none`) or through an API
 * Gateway HTTP API with a JWT authorizer (`auth: jwt`). API keys are not offered: HTTP APIs have none.
 */
import { createExecutionRole } from "./aws/execution-role";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { cloudTags, physicalName } from "../../../sdk/naming";
import { describeValue, ValidationProblem } from "../../../sdk/validate";
import { AuthMode, Target } from "../args";
import { ServingSpec } from "../spec";
import { createJwtHttpApi } from "./aws/http-api";
import { policy, readSecretsStatement, writeLogsStatement } from "./aws/iam";
import { nonEcrImageProblems } from "./aws/validate";
import { ServingTarget, TargetDeployment } from "./target";
import { createLambdaScaling, LAMBDA_PRICE_UNKNOWN } from "../../spike-autoscaler/lambda";

const DEFAULTS = { reservedConcurrency: 10, provisionedConcurrency: 0, timeoutSeconds: 60, architecture: "x86_64", ephemeralStorageMiB: 512, logRetentionDays: 30 };
/** Lambda's memory bounds in MB, and the memory that buys one full vCPU (CPU is allocated in proportion, up to 6 vCPUs). */
const MEMORY_MB = { min: 128, max: 10240, perVcpu: 1769 };
const MAX_VCPUS = 6;
/** The alias that carries provisioned concurrency (and that the URL and API invoke when it exists). */
const ALIAS = "live";

/** The target's settings with defaults applied. */
interface LambdaPlan {
    functionName: string;
    memoryMb: number;
    reservedConcurrency: number;
    /** Provisioned concurrency at creation: `lambda.provisionedConcurrency`, or the autoscaler's minimum. */
    provisionedConcurrency: number;
    /** True when `scaling.autoscaling` scales the alias's provisioned concurrency. */
    autoscaled: boolean;
    timeoutSeconds: number;
    architecture: string;
    ephemeralStorageMiB: number;
    logRetentionDays: number;
}

/**
 * Memory is `resources.memoryGiB`, raised when an explicit `resources.cpu` needs more: Lambda has no CPU
 * setting and allocates CPU in proportion to memory.
 */
function planOf(spec: ServingSpec): LambdaPlan {
    // Field by field: a key given as `undefined` (which the schema keeps) must still get its default.
    const s = spec.args.lambda ?? {};
    const memory = Math.round(spec.memoryGiB * 1024);
    const cpu = spec.args.resources?.cpu;
    // Lambda's largest size carries the most vCPUs (6 at 10,240 MB, not 6 x 1,769 MB): cap what a CPU count asks for.
    const memoryForCpu = cpu !== undefined ? Math.min(MEMORY_MB.max, Math.ceil(cpu * MEMORY_MB.perVcpu)) : 0;
    return {
        functionName: physicalName(spec.name, "", 64),
        memoryMb: Math.max(memory, memoryForCpu),
        reservedConcurrency: s.reservedConcurrency ?? DEFAULTS.reservedConcurrency,
        provisionedConcurrency: spec.autoscaling ? spec.autoscaling.min : (s.provisionedConcurrency ?? DEFAULTS.provisionedConcurrency),
        autoscaled: spec.autoscaling !== undefined,
        timeoutSeconds: s.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
        architecture: s.architecture ?? DEFAULTS.architecture,
        ephemeralStorageMiB: s.ephemeralStorageMiB ?? DEFAULTS.ephemeralStorageMiB,
        logRetentionDays: s.logRetentionDays ?? DEFAULTS.logRetentionDays,
    };
}

function modelProblems(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.gpu) {
        problems.push({ path: "resources.gpu", received: describeValue(spec.args.resources?.gpu), expected: "no GPU on target aws-lambda (Lambda has no GPUs; use aws-sagemaker, gcp-cloudrun or kubernetes)" });
    }
    if (spec.canary) {
        problems.push({
            path: "versions",
            received: `an array of ${spec.versions.length}`,
            expected: "no versions on target aws-lambda (an alias splits traffic only between published versions of one function, which cannot hold two images at once; use aws-sagemaker, gcp-cloudrun or kubernetes for canaries)",
        });
    } else if (spec.versions[0].artifact) {
        problems.push({ path: "model.uri", received: describeValue(spec.versions[0].artifact.uri), expected: "model.image with the model built into it on target aws-lambda (a function has no volume to download a model into)" });
    } else {
        problems.push(...nonEcrImageProblems(spec, "Lambda runs container images from ECR in the function's region only"));
    }
    return problems;
}

function capacityProblems(spec: ServingSpec, plan: LambdaPlan): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const scaling = spec.args.scaling;
    if (scaling !== undefined && scaling.autoscaling === undefined) {
        problems.push({
            path: "scaling",
            received: describeValue(scaling),
            expected:
                "no scaling on target aws-lambda without scaling.autoscaling (it scales per request: cap it with lambda.reservedConcurrency, keep instances warm with " +
                "lambda.provisionedConcurrency, or autoscale the provisioned concurrency with scaling.autoscaling)",
        });
    } else if (scaling?.autoscaling !== undefined) {
        const { provisionedConcurrency } = spec.args.lambda ?? {};
        if (provisionedConcurrency !== undefined) {
            problems.push({ path: "lambda.provisionedConcurrency", received: String(provisionedConcurrency), expected: "nothing with scaling.autoscaling (scaling.minReplicas and maxReplicas bound the provisioned concurrency)" });
        }
        if ((scaling.maxReplicas ?? 0) > plan.reservedConcurrency) {
            problems.push({ path: "scaling.maxReplicas", received: String(scaling.maxReplicas), expected: `at most lambda.reservedConcurrency (${plan.reservedConcurrency}): provisioned concurrency counts against it` });
        }
    }
    const cpu = spec.args.resources?.cpu;
    if (cpu !== undefined && cpu > MAX_VCPUS) {
        problems.push({ path: "resources.cpu", received: String(cpu), expected: `at most ${MAX_VCPUS} vCPUs on target aws-lambda (CPU comes with memory: ${MAX_VCPUS} vCPUs at ${MEMORY_MB.max} MB)` });
    } else if (plan.memoryMb < MEMORY_MB.min || plan.memoryMb > MEMORY_MB.max) {
        problems.push({ path: "resources.memoryGiB", received: String(spec.memoryGiB), expected: `${MEMORY_MB.min} MB to ${MEMORY_MB.max} MB (0.125 to 10 GiB) on target aws-lambda` });
    }
    if (plan.provisionedConcurrency > plan.reservedConcurrency) {
        problems.push({ path: "lambda.provisionedConcurrency", received: String(plan.provisionedConcurrency), expected: `at most lambda.reservedConcurrency (${plan.reservedConcurrency})` });
    }
    return problems;
}

function exposureProblems(spec: ServingSpec): ValidationProblem[] {
    const { auth, jwt } = spec.exposure;
    if (auth === AuthMode.ApiKey) {
        return [{ path: "exposure.auth", received: describeValue(auth), expected: 'iam, jwt or "none" on target aws-lambda (function URLs check IAM or nothing; the API Gateway HTTP API checks JWTs and has no API keys)' }];
    }
    if (auth === AuthMode.Jwt && !spec.exposure.public) {
        return [{ path: "exposure.public", received: "false", expected: "true with auth jwt (a private function has no HTTP endpoint; callers invoke it with IAM)" }];
    }
    if (auth === AuthMode.Jwt && (jwt?.audiences?.length ?? 0) === 0) {
        return [{ path: "exposure.jwt.audiences", received: describeValue(jwt?.audiences), expected: "at least one audience on target aws-lambda (the API Gateway JWT authorizer requires one)" }];
    }
    return [];
}

function validate(spec: ServingSpec): ValidationProblem[] {
    return [...modelProblems(spec), ...capacityProblems(spec, planOf(spec)), ...exposureProblems(spec)];
}

/** The function as the cost model reads it (and as it is created, minus Outputs). */
function functionShape(plan: LambdaPlan) {
    return {
        name: plan.functionName,
        packageType: "Image",
        architectures: [plan.architecture],
        memorySize: plan.memoryMb,
        ephemeralStorage: { size: plan.ephemeralStorageMiB },
        timeout: plan.timeoutSeconds,
        reservedConcurrentExecutions: plan.reservedConcurrency,
        publish: plan.provisionedConcurrency > 0 || plan.autoscaled,
    };
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const plan = planOf(spec);
    const tags = cloudTags(spec.owner);
    const version = spec.versions[0];
    const logGroupName = `/aws/lambda/${plan.functionName}`;
    // The log group exists before the function, so the role needs no logs:CreateLogGroup; Lambda pulls
    // the image with the deployer's rights, so the role needs no ECR access either.
    const { ctx, logGroup, secrets, role, rolePolicy } = createExecutionRole(spec, tags, parent, {
        service: "lambda.amazonaws.com",
        workload: "Lambda",
        logGroupName,
        logRetentionDays: plan.logRetentionDays,
        policy: (c, arns) => {
            const secretsStatement = readSecretsStatement(arns);
            return policy([writeLogsStatement(c, logGroupName, ["logs:CreateLogStream", "logs:PutLogEvents"]), ...(secretsStatement ? [secretsStatement] : [])]);
        },
    });

    const command = spec.command;
    const fn = new aws.lambda.Function(
        `${spec.name}-function`,
        {
            ...functionShape(plan),
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
    if (plan.provisionedConcurrency > 0 || plan.autoscaled) {
        alias = new aws.lambda.Alias(`${spec.name}-alias`, { name: ALIAS, functionName: fn.name, functionVersion: fn.version }, { parent });
        resources.alias = alias;
    }
    if (alias && plan.provisionedConcurrency > 0) {
        resources.provisionedConcurrency = new aws.lambda.ProvisionedConcurrencyConfig(
            `${spec.name}-provisioned`,
            { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: plan.provisionedConcurrency },
            // Autoscaled: the count starts at the minimum and Application Auto Scaling moves it; an update must not reset it.
            { parent, ignoreChanges: plan.autoscaled ? ["provisionedConcurrentExecutions"] : undefined },
        );
    }
    if (alias && spec.autoscaling) {
        const made = createLambdaScaling(`${spec.name}-scaling`, spec.autoscaling, { functionName: fn.name, alias: alias.name }, tags, {
            parent,
            dependsOn: [resources.provisionedConcurrency ?? alias],
        });
        Object.assign(resources, made);
    }
    const qualifier = alias?.name;
    const auth = spec.exposure.auth ?? AuthMode.Iam;

    let url: pulumi.Output<string>;
    if (!spec.exposure.public) {
        // Private: the Lambda Invoke API, SigV4-signed with lambda:InvokeFunction on the function.
        url = pulumi.interpolate`https://lambda.${ctx.region}.${ctx.dnsSuffix}/2015-03-31/functions/${fn.name}/invocations${alias ? `?Qualifier=${ALIAS}` : ""}`;
    } else if (auth === AuthMode.Jwt) {
        const api = createJwtHttpApi(
            spec.name,
            { jwt: spec.exposure.jwt!, functionName: fn.name, invokeTarget: alias ? alias.arn : fn.arn, qualifier, timeoutSeconds: plan.timeoutSeconds },
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
    return { url, resources };
}

function costedResources(spec: ServingSpec): CostedResource[] {
    const plan = planOf(spec);
    const fnName = `${spec.name}-function`;
    const out: CostedResource[] = [{ urn: fnName, type: "aws:lambda/function:Function", name: fnName, inputs: functionShape(plan) }];
    if (plan.provisionedConcurrency > 0) {
        const name = `${spec.name}-provisioned`;
        out.push({
            urn: name,
            type: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
            name,
            inputs: { functionName: plan.functionName, qualifier: ALIAS, provisionedConcurrentExecutions: plan.provisionedConcurrency },
        });
    }
    return out;
}

export const lambdaTarget: ServingTarget = { target: Target.AwsLambda, validate, deploy, costedResources, replicaPricing: () => ({ unknownReason: LAMBDA_PRICE_UNKNOWN }) };

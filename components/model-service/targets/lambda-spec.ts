/**
 * What `target: aws-lambda` knows about Lambda: its limits, the `lambda` settings resolved with their defaults, the
 * target's validation rules, and the plain shape of the function that both the deployment and the cost model read
 * (so what is priced is exactly what is created).
 *
 * Sources: Lambda's memory range (128 to 10,240 MB) and CPU in proportion to memory (one vCPU at 1,769 MB, six at
 * 10,240 MB), docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html; a function description of at most
 * 256 characters (CreateFunction API reference); active tracing sends a trace per sampled request to X-Ray
 * (docs.aws.amazon.com/lambda/latest/dg/services-xray.html).
 */
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../../../sdk/naming";
import { describeValue, ValidationProblem, withDefaults } from "../../../sdk/validate";
import { AuthMode } from "../args";
import { ServingSpec } from "../spec";
import { ServingTiming } from "../timing";
import { nonEcrImageProblems } from "./aws/validate";

const DEFAULTS = { reservedConcurrency: 10, provisionedConcurrency: 0, timeoutSeconds: 60, architecture: "x86_64", ephemeralStorageMiB: 512, logRetentionDays: 30 };
/** Lambda's memory bounds in MB, and the memory that buys one full vCPU (CPU is allocated in proportion, up to 6 vCPUs). */
const MEMORY_MB = { min: 128, max: 10240, perVcpu: 1769 };
const MAX_VCPUS = 6;
/** The longest description Lambda accepts (CreateFunction `Description`). */
export const MAX_DESCRIPTION_LENGTH = 256;
/** X-Ray mode of every function: Lambda records a trace per sampled request and sends it with the role's X-Ray rights. */
export const TRACING_MODE = "Active";

/**
 * Lambda's limit on an on-demand execution environment's Init phase, in seconds: an Init that takes longer is stopped and
 * run again within the first invocation, where it counts against the function's timeout
 * (docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). Provisioned concurrency initialises its
 * environments before they take requests.
 */
export const ON_DEMAND_INIT_SECONDS = 10;

/** The `lambda` settings with their defaults applied, and what the target derives from the spec. */
export interface LambdaSettings {
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
export function lambdaSettings(spec: ServingSpec): LambdaSettings {
    const s = withDefaults(DEFAULTS, spec.given.lambda);
    const memory = Math.round(spec.memoryGiB * 1024);
    const cpu = spec.given.resources.cpu;
    // Lambda's largest size carries the most vCPUs (6 at 10,240 MB, not 6 x 1,769 MB): cap what a CPU count asks for.
    const memoryForCpu = cpu !== undefined ? Math.min(MEMORY_MB.max, Math.ceil(cpu * MEMORY_MB.perVcpu)) : 0;
    return {
        functionName: physicalName(spec.name, "", 64),
        memoryMb: Math.max(memory, memoryForCpu),
        reservedConcurrency: s.reservedConcurrency,
        provisionedConcurrency: spec.autoscaling ? spec.autoscaling.min : s.provisionedConcurrency,
        autoscaled: spec.autoscaling !== undefined,
        timeoutSeconds: s.timeoutSeconds,
        architecture: s.architecture,
        ephemeralStorageMiB: s.ephemeralStorageMiB,
        logRetentionDays: s.logRetentionDays,
    };
}

/**
 * The timing (timing.ts). A request that finds no initialised environment waits for an on-demand Init, at most
 * {@link ON_DEMAND_INIT_SECONDS}; an Init that needs longer (a model loading) is retried inside the invocation and counts
 * against the function's timeout, so cold start plus timeout bounds the wait. Only when the provisioned concurrency (its
 * minimum, when autoscaled) covers the reserved concurrency does every request reach an initialised environment: 0.
 * Below it a request beyond the provisioned environments starts an on-demand one. The request time is the function's timeout.
 */
export function lambdaTiming(spec: ServingSpec): ServingTiming {
    const settings = lambdaSettings(spec);
    const alwaysWarm = settings.provisionedConcurrency >= settings.reservedConcurrency;
    return { coldStartBudgetSeconds: alwaysWarm ? 0 : ON_DEMAND_INIT_SECONDS, requestTimeoutSeconds: settings.timeoutSeconds };
}

/** What the function serves, for the console and inventories: `modelship ModelService <name>: <image>`, within Lambda's limit. */
export function functionDescription(spec: ServingSpec): pulumi.Input<string> {
    const describe = (image: string) => {
        const text = `modelship ModelService ${spec.name}: ${image}`;
        return text.length <= MAX_DESCRIPTION_LENGTH ? text : `${text.slice(0, MAX_DESCRIPTION_LENGTH - 3)}...`;
    };
    const image = spec.versions[0].image;
    return typeof image === "string" ? describe(image) : pulumi.output(image).apply(describe);
}

/** The function as the cost model reads it (and as it is created, minus Outputs). */
export function functionShape(settings: LambdaSettings) {
    return {
        name: settings.functionName,
        packageType: "Image",
        architectures: [settings.architecture],
        memorySize: settings.memoryMb,
        ephemeralStorage: { size: settings.ephemeralStorageMiB },
        timeout: settings.timeoutSeconds,
        reservedConcurrentExecutions: settings.reservedConcurrency,
        publish: settings.provisionedConcurrency > 0 || settings.autoscaled,
        tracingConfig: { mode: TRACING_MODE },
    };
}

function modelProblems(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.gpu) {
        problems.push({
            path: "resources.gpu",
            received: describeValue(spec.given.resources.gpu),
            expected: "no GPU on target aws-lambda (Lambda has no GPUs; use aws-sagemaker, gcp-cloudrun or kubernetes)",
        });
    }
    if (spec.canary) {
        problems.push({
            path: "versions",
            received: `an array of ${spec.versions.length}`,
            expected:
                "no versions on target aws-lambda (an alias splits traffic only between published versions of one function, which cannot hold two images at once; use aws-sagemaker, gcp-cloudrun or kubernetes for canaries)",
        });
    } else if (spec.versions[0].artifact) {
        problems.push({
            path: "model.uri",
            received: describeValue(spec.versions[0].artifact.uri),
            expected: "model.image with the model built into it on target aws-lambda (a function has no volume to download a model into)",
        });
    } else {
        problems.push(...nonEcrImageProblems(spec, "Lambda runs container images from ECR in the function's region only"));
    }
    return problems;
}

function capacityProblems(spec: ServingSpec, settings: LambdaSettings): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const scaling = spec.given.scaling;
    if (scaling !== undefined && scaling.autoscaling === undefined) {
        problems.push({
            path: "scaling",
            received: describeValue(scaling),
            expected:
                "no scaling on target aws-lambda without scaling.autoscaling (it scales per request: cap it with lambda.reservedConcurrency, keep instances warm with " +
                "lambda.provisionedConcurrency, or autoscale the provisioned concurrency with scaling.autoscaling)",
        });
    } else if (scaling?.autoscaling !== undefined) {
        const provisionedConcurrency = spec.given.lambda?.provisionedConcurrency;
        if (provisionedConcurrency !== undefined) {
            problems.push({
                path: "lambda.provisionedConcurrency",
                received: String(provisionedConcurrency),
                expected: "nothing with scaling.autoscaling (scaling.minReplicas and maxReplicas bound the provisioned concurrency)",
            });
        }
        if ((scaling.maxReplicas ?? 0) > settings.reservedConcurrency) {
            problems.push({
                path: "scaling.maxReplicas",
                received: String(scaling.maxReplicas),
                expected: `at most lambda.reservedConcurrency (${settings.reservedConcurrency}): provisioned concurrency counts against it`,
            });
        }
    }
    const cpu = spec.given.resources.cpu;
    if (cpu !== undefined && cpu > MAX_VCPUS) {
        problems.push({ path: "resources.cpu", received: String(cpu), expected: `at most ${MAX_VCPUS} vCPUs on target aws-lambda (CPU comes with memory: ${MAX_VCPUS} vCPUs at ${MEMORY_MB.max} MB)` });
    } else if (settings.memoryMb < MEMORY_MB.min || settings.memoryMb > MEMORY_MB.max) {
        problems.push({ path: "resources.memoryGiB", received: String(spec.memoryGiB), expected: `${MEMORY_MB.min} MB to ${MEMORY_MB.max} MB (0.125 to 10 GiB) on target aws-lambda` });
    }
    if (settings.provisionedConcurrency > settings.reservedConcurrency) {
        problems.push({ path: "lambda.provisionedConcurrency", received: String(settings.provisionedConcurrency), expected: `at most lambda.reservedConcurrency (${settings.reservedConcurrency})` });
    }
    return problems;
}

function exposureProblems(spec: ServingSpec): ValidationProblem[] {
    const { auth, jwt } = spec.exposure;
    if (auth === AuthMode.ApiKey) {
        return [
            {
                path: "exposure.auth",
                received: describeValue(auth),
                expected: 'iam, jwt or "none" on target aws-lambda (function URLs check IAM or nothing; the API Gateway HTTP API checks JWTs and has no API keys)',
            },
        ];
    }
    if (auth === AuthMode.Jwt && !spec.exposure.public) {
        return [{ path: "exposure.public", received: "false", expected: "true with auth jwt (a private function has no HTTP endpoint; callers invoke it with IAM)" }];
    }
    if (auth === AuthMode.Jwt && (jwt?.audiences?.length ?? 0) === 0) {
        return [{ path: "exposure.jwt.audiences", received: describeValue(jwt?.audiences), expected: "at least one audience on target aws-lambda (the API Gateway JWT authorizer requires one)" }];
    }
    return [];
}

/** The rules of `target: aws-lambda`, in the format of every ModelService problem. */
export function lambdaProblems(spec: ServingSpec): ValidationProblem[] {
    return [...modelProblems(spec), ...capacityProblems(spec, lambdaSettings(spec)), ...exposureProblems(spec)];
}

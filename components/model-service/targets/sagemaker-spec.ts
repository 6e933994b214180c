/**
 * What `target: aws-sagemaker` knows about SageMaker: the `sagemaker` settings resolved with their defaults, the
 * target's validation rules, its part in autoscaling (the default invocations-per-instance policy), and the plain
 * shapes of the endpoint configuration and scaling targets that both the deployment and the cost model read.
 */
import type { Input } from "@pulumi/pulumi";
import { describeValue, ValidationProblem, withDefaults } from "../../../sdk/validate";
import { AutoscalerTarget, ScalingMetric } from "../../spike-autoscaler/args";
import { sagemakerScalingShape } from "../../spike-autoscaler/sagemaker";
import { AuthMode, ServingRuntime } from "../args";
import { parseArtifactUri, uriScheme } from "../artifact";
import { minReplicasPath, ServingSpec, ServingVersion } from "../spec";
import { canBeAtZero, requestSeconds, ServingTiming } from "../timing";
import { s3Artifact } from "./aws/sagemaker-model";
import { physicalName } from "../../../sdk/naming";
import { cheapestCpuInstanceType, cheapestGpuInstanceType, gpuMismatch, LARGEST_CPU_TYPE } from "./aws/sagemaker-instances";
import { hasSageMakerContainer, SAGEMAKER_CONTAINERS } from "./aws/sagemaker-images";
import { nonEcrImageProblems } from "./aws/validate";
import { DEFAULT_BACKLOG_PER_INSTANCE, queueModeProblems } from "./sagemaker-async-spec";
import { TargetAutoscaling } from "./target";

const DEFAULTS = { serverless: false, serverlessMaxConcurrency: 20, invocationsPerInstanceTarget: 70, logRetentionDays: 30 };
/** Serverless memory without `sagemaker.serverlessMemoryMiB` or `resources.memoryGiB`. */
const DEFAULT_SERVERLESS_MEMORY_MIB = 2048;

/** The `sagemaker` settings with their defaults applied. */
export interface SageMakerSettings {
    serverless: boolean;
    /** `sagemaker.instanceType`, else the cheapest type that fits the resources (undefined when none does). */
    instanceType?: string;
    /** Serverless memory. */
    memoryMiB: number;
    maxConcurrency: number;
    /**
     * Target of the default policy, in invocations per instance per minute: AWS's documented example of
     * SageMakerVariantInvocationsPerInstance, a starting point rather than a fit.
     */
    invocationsPerInstanceTarget: number;
    logRetentionDays: number;
    /** The customer managed key of the queue mode's bucket, results and topics; undefined for SSE-S3 and `alias/aws/sns`. */
    kmsKeyArn?: Input<string>;
}

export function sagemakerSettings(spec: ServingSpec): SageMakerSettings {
    const s = withDefaults(DEFAULTS, spec.given.sagemaker);
    const givenMemory = spec.given.resources.memoryGiB;
    return {
        serverless: s.serverless,
        // Searched in the catalog only when not given.
        instanceType:
            s.instanceType ?? (spec.gpu ? cheapestGpuInstanceType(spec.gpu.accelerator, spec.gpu.count, spec.cpu, spec.memoryGiB).instanceType : cheapestCpuInstanceType(spec.cpu, spec.memoryGiB)),
        memoryMiB: s.serverlessMemoryMiB ?? (givenMemory !== undefined ? Math.ceil(givenMemory) * 1024 : DEFAULT_SERVERLESS_MEMORY_MIB),
        maxConcurrency: s.serverlessMaxConcurrency,
        invocationsPerInstanceTarget: s.invocationsPerInstanceTarget,
        logRetentionDays: s.logRetentionDays,
        kmsKeyArn: s.kmsKeyArn,
    };
}

/**
 * Longest a real-time or serverless endpoint's container may take to answer an InvokeEndpoint request, in seconds: a
 * limit of SageMaker's that no setting changes ("Your model containers must respond to requests within 60 seconds").
 */
export const INVOKE_ENDPOINT_TIMEOUT_SECONDS = 60;

/** SageMaker's bounds for the startup health check and model download timeouts. */
const TIMEOUT_BOUNDS = { min: 60, max: 3600 };

/**
 * A variant's `containerStartupHealthCheckTimeoutInSeconds`, and its `modelDataDownloadTimeoutInSeconds` when SageMaker
 * copies an s3:// artifact: `model.startupTimeoutSeconds` within SageMaker's bounds.
 */
export function startupTimeoutSeconds(spec: ServingSpec): number {
    return Math.min(TIMEOUT_BOUNDS.max, Math.max(TIMEOUT_BOUNDS.min, spec.startupTimeoutSeconds));
}

/**
 * The timing (timing.ts). A real-time endpoint keeps at least one instance per variant (its minimum is at least 1, checked
 * below): no cold start. A serverless endpoint starts a container for a request when none is warm, and SageMaker bounds
 * that start by nothing it lets us configure (the startup timeouts are settings of instance-backed variants only): the
 * budget is the model's own, `model.startupTimeoutSeconds`. Both answer within {@link INVOKE_ENDPOINT_TIMEOUT_SECONDS}.
 * An asynchronous endpoint (queue mode) at zero instances: what its variant allows a new instance, the model download
 * (s3:// artifacts) then the container's startup health check ({@link startupTimeoutSeconds}); a request then takes the
 * queue's `requestTimeoutSeconds` (InvokeEndpointAsync's InvocationTimeoutSeconds).
 */
export function sagemakerTiming(spec: ServingSpec): ServingTiming {
    if (spec.queue) {
        const downloads = spec.versions.some((v) => s3Artifact(v) !== undefined);
        const cold = canBeAtZero(spec) ? startupTimeoutSeconds(spec) * (downloads ? 2 : 1) : 0;
        return { coldStartBudgetSeconds: cold, requestTimeoutSeconds: requestSeconds(spec, INVOKE_ENDPOINT_TIMEOUT_SECONDS) };
    }
    const serverless = sagemakerSettings(spec).serverless;
    return { coldStartBudgetSeconds: serverless ? spec.startupTimeoutSeconds : 0, requestTimeoutSeconds: INVOKE_ENDPOINT_TIMEOUT_SECONDS };
}

/** The Endpoint's physical name, also the base of its log group and runtime URL. */
export function endpointName(spec: ServingSpec): string {
    return physicalName(spec.name);
}

/** A production variant without its model name: what the cost model reads. */
interface VariantShape {
    variantName: string;
    instanceType?: string;
    initialInstanceCount?: number;
    initialVariantWeight?: number;
    serverlessConfig?: { memorySizeInMb: number; maxConcurrency: number };
}

export function variantShapes(spec: ServingSpec, settings: SageMakerSettings): VariantShape[] {
    if (settings.serverless) {
        return [{ variantName: spec.versions[0].name, serverlessConfig: { memorySizeInMb: settings.memoryMiB, maxConcurrency: settings.maxConcurrency } }];
    }
    return spec.versions.map((v) => ({
        variantName: v.name,
        instanceType: settings.instanceType,
        // SageMaker starts a variant with at least one instance (ProductionVariant InitialInstanceCount, minimum 1); an
        // asynchronous endpoint with minReplicas 0 then goes to zero through its scaling policy once the backlog is empty.
        initialInstanceCount: Math.max(1, spec.replicas.min),
        ...(spec.canary ? { initialVariantWeight: v.weight } : {}),
    }));
}

/** One autoscaling target per variant when the service autoscales (components/model-service/autoscaling.ts decides). */
export function scalingShapes(spec: ServingSpec, settings: SageMakerSettings): Record<string, unknown>[] {
    const autoscaling = spec.autoscaling;
    if (settings.serverless || !autoscaling) return [];
    return spec.versions.map((v) => sagemakerScalingShape(autoscaling, endpointName(spec), v.name));
}

/** True when `version` runs on AWS's SageMaker container for the runtime: an artifact, no `model.serverImage`, a runtime that has one. */
export function onSageMakerContainer(spec: ServingSpec, version: ServingVersion): boolean {
    return version.artifact !== undefined && spec.given.model.serverImage === undefined && hasSageMakerContainer(spec.runtime);
}

/** AWS's containers are GPU images: a CPU or serverless endpoint needs an image of its own. */
function containerProblems(spec: ServingSpec, settings: SageMakerSettings): ValidationProblem[] {
    const container = SAGEMAKER_CONTAINERS[spec.runtime];
    if (!container || !spec.versions.some((v) => onSageMakerContainer(spec, v))) return [];
    const cpuImage = "or model.serverImage with an ECR image that serves on CPU";
    if (settings.serverless) {
        return [
            {
                path: "sagemaker.serverless",
                received: "true",
                expected: `false with runtime ${spec.runtime} and no model.serverImage (serverless inference is CPU-only; ${container.description} needs a GPU), ${cpuImage}`,
            },
        ];
    }
    if (spec.gpu) return [];
    return [
        {
            path: "resources.gpu",
            received: describeValue(undefined),
            expected: `a GPU with runtime ${spec.runtime} on target aws-sagemaker (${container.description} serves on NVIDIA GPUs, for example accelerator l4 on sagemaker.instanceType ml.g6.2xlarge), ${cpuImage}`,
        },
    ];
}

function exposureProblems(spec: ServingSpec): ValidationProblem[] {
    const auth = spec.exposure.auth;
    if (auth === undefined || auth === AuthMode.Iam) return [];
    return [
        {
            path: "exposure.auth",
            received: describeValue(auth),
            expected:
                '"iam" on target aws-sagemaker: SageMaker endpoints accept only SigV4-signed requests (sagemaker:InvokeEndpoint). ' +
                "For API keys, JWT or anonymous access use target aws-lambda, gcp-cloudrun or kubernetes, or put your own API in front",
        },
    ];
}

function modelProblems(spec: ServingSpec): ValidationProblem[] {
    const problems = nonEcrImageProblems(spec, "SageMaker pulls only from ECR; the image must answer GET /ping and POST /invocations on port 8080", (i) =>
        onSageMakerContainer(spec, spec.versions[i]),
    ).map((p) =>
        p.path === "model.serverImage" && spec.given.model.serverImage === undefined
            ? { ...p, expected: `${p.expected}; AWS's containers are the default only for runtimes ${Object.keys(SAGEMAKER_CONTAINERS).join(" and ")}` }
            : p,
    );
    spec.versions.forEach((v, i) => {
        if (!v.artifact) return;
        const scheme = uriScheme(v.artifact.uri);
        const path = spec.canary && spec.given.versions[i]?.uri ? `versions[${i}].uri` : "model.uri";
        if (scheme === "hf" && spec.runtime !== ServingRuntime.Tgi && spec.runtime !== ServingRuntime.Vllm && spec.runtime !== ServingRuntime.Custom) {
            problems.push({
                path: "model.runtime",
                received: describeValue(spec.runtime),
                expected: "tgi, vllm or custom to serve an hf:// model on target aws-sagemaker (the server reads HF_MODEL_ID); or copy the model to S3",
            });
        } else if (scheme !== "s3" && scheme !== "hf") {
            problems.push({
                path,
                received: describeValue(v.artifact.uri),
                expected: "an s3:// or hf:// URI on target aws-sagemaker (SageMaker loads model data from S3 only: copy the artifact to S3)",
            });
        } else if (scheme === "hf" && parseArtifactUri(v.artifact.uri).revision !== undefined && !hasSageMakerContainer(spec.runtime)) {
            problems.push({
                path,
                received: describeValue(v.artifact.uri),
                expected: `hf://org/name without @revision with runtime ${spec.runtime} on target aws-sagemaker: only AWS's containers for ${Object.keys(SAGEMAKER_CONTAINERS).join(" and ")} read a revision (HF_MODEL_REVISION, HF_REVISION); give your server its revision in env`,
            });
        }
    });
    const { command, args, model } = spec.given;
    if (command !== undefined)
        problems.push({
            path: "command",
            received: describeValue(command),
            expected: "no command on target aws-sagemaker (SageMaker starts the image with the argument `serve`; configure the server through env)",
        });
    if (args !== undefined)
        problems.push({
            path: "args",
            received: describeValue(args),
            expected: "no args on target aws-sagemaker (SageMaker starts the image with the argument `serve`; configure the server through env)",
        });
    if (model.port !== undefined && model.port !== 8080)
        problems.push({ path: "model.port", received: String(model.port), expected: "8080 on target aws-sagemaker (SageMaker sends requests to port 8080)" });
    return problems;
}

function capacityProblems(spec: ServingSpec, settings: SageMakerSettings): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const s = spec.given.sagemaker ?? {};
    if (settings.serverless) {
        if (spec.gpu)
            problems.push({
                path: "resources.gpu",
                received: describeValue(spec.given.resources.gpu),
                expected: "no GPU with sagemaker.serverless (serverless inference is CPU only; use a real-time instance type such as ml.g5.xlarge)",
            });
        if (spec.canary)
            problems.push({
                path: "versions",
                received: `an array of ${spec.versions.length}`,
                expected: "no versions with sagemaker.serverless (a serverless endpoint has one production variant; use real-time instances for canaries)",
            });
        // Queue mode on serverless is refused about sagemaker.serverless (queueModeProblems).
        if (spec.given.scaling !== undefined && !spec.queue)
            problems.push({
                path: "scaling",
                received: describeValue(spec.given.scaling),
                expected: "no scaling with sagemaker.serverless (it scales per request up to sagemaker.serverlessMaxConcurrency)",
            });
        if (s.instanceType !== undefined)
            problems.push({ path: "sagemaker.instanceType", received: describeValue(s.instanceType), expected: "no instanceType with sagemaker.serverless (serverless endpoints have no instances)" });
        if (s.serverlessMemoryMiB === undefined && settings.memoryMiB > 6144)
            problems.push({
                path: "resources.memoryGiB",
                received: String(spec.given.resources.memoryGiB),
                expected: "at most 6 GiB with sagemaker.serverless (or set sagemaker.serverlessMemoryMiB)",
            });
        return problems;
    }
    for (const key of ["serverlessMemoryMiB", "serverlessMaxConcurrency"] as const) {
        if (s[key] !== undefined) problems.push({ path: `sagemaker.${key}`, received: String(s[key]), expected: "nothing without sagemaker.serverless: true" });
    }
    if (spec.replicas.min < 1 && !spec.queue) {
        problems.push({
            path: minReplicasPath(spec),
            received: String(spec.replicas.min),
            expected:
                'at least 1 on a real-time SageMaker endpoint (it cannot scale to zero; use scaling.mode "queue" for an asynchronous endpoint that can, or sagemaker.serverless to pay per request)',
        });
    }
    if (spec.gpu && s.instanceType === undefined) {
        const picked = cheapestGpuInstanceType(spec.gpu.accelerator, spec.gpu.count, spec.cpu, spec.memoryGiB);
        if (picked.reason)
            problems.push({ path: "sagemaker.instanceType", received: describeValue(undefined), expected: `an ml.* instance type for resources.gpu and resources.cpu/memoryGiB: ${picked.reason}` });
    } else if (spec.gpu && s.instanceType !== undefined) {
        const mismatch = gpuMismatch(s.instanceType, spec.gpu.accelerator, spec.gpu.count);
        if (mismatch) problems.push({ path: "sagemaker.instanceType", received: describeValue(s.instanceType), expected: mismatch });
    } else if (settings.instanceType === undefined) {
        problems.push({
            path: "sagemaker.instanceType",
            received: describeValue(undefined),
            expected: `an ml.* instance type for ${spec.cpu} vCPUs and ${spec.memoryGiB} GiB: the largest default is ${LARGEST_CPU_TYPE.type} (${LARGEST_CPU_TYPE.vcpus} vCPUs, ${LARGEST_CPU_TYPE.memoryGiB} GiB)`,
        });
    }
    return problems;
}

/** The rules of `target: aws-sagemaker`, in the format of every ModelService problem. */
export function sagemakerProblems(spec: ServingSpec): ValidationProblem[] {
    const settings = sagemakerSettings(spec);
    return [...modelProblems(spec), ...containerProblems(spec, settings), ...queueModeProblems(spec, settings), ...capacityProblems(spec, settings), ...exposureProblems(spec)];
}

/** True when the default policy applies: no `scaling.autoscaling`, a real-time endpoint, a maximum above the minimum. */
function defaultPolicy(spec: ServingSpec): boolean {
    return spec.given.scaling?.autoscaling === undefined && !sagemakerSettings(spec).serverless && spec.replicas.max > spec.replicas.min;
}

/** The autoscaler's context: in queue mode the backlog per instance (given block or not), else the default invocations policy. */
function scalingContext(spec: ServingSpec) {
    if (spec.queue) return { queue: true, defaults: { metric: ScalingMetric.QueueDepth, metricTarget: DEFAULT_BACKLOG_PER_INSTANCE } };
    return defaultPolicy(spec) ? { defaults: { metric: ScalingMetric.RequestsPerSecond, metricTarget: sagemakerSettings(spec).invocationsPerInstanceTarget / 60 } } : {};
}

/**
 * Application Auto Scaling of each variant's instance count. Without `scaling.autoscaling`, a real-time endpoint whose
 * maximum exceeds its minimum tracks invocations per instance (`sagemaker.invocationsPerInstanceTarget` a minute), and
 * an asynchronous one (queue mode) its backlog per instance ({@link DEFAULT_BACKLOG_PER_INSTANCE}).
 */
export const sagemakerAutoscaling: TargetAutoscaling = {
    autoscaler: AutoscalerTarget.AwsSageMaker,
    implicit: defaultPolicy,
    context: scalingContext,
    problems: (spec) => {
        const target = spec.given.sagemaker?.invocationsPerInstanceTarget;
        if (spec.queue && target !== undefined) {
            return [
                {
                    path: "sagemaker.invocationsPerInstanceTarget",
                    received: String(target),
                    expected: 'nothing with scaling.mode "queue" (an asynchronous endpoint scales on its backlog per instance: scaling.autoscaling.metricTarget)',
                },
            ];
        }
        if (spec.given.scaling?.autoscaling === undefined || target === undefined) return [];
        return [
            {
                path: "sagemaker.invocationsPerInstanceTarget",
                received: String(target),
                expected: "scaling.autoscaling.metric requests-per-second with metricTarget (per second) instead, with scaling.autoscaling",
            },
        ];
    },
};

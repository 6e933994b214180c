/**
 * `target: aws-sagemaker`: the model on a SageMaker real-time or serverless endpoint.
 *
 * An execution role limited to the model's S3 prefix, its ECR repository, its own log group, SageMaker's
 * metric namespace and its own secrets; one Model per version; an EndpointConfiguration with one production
 * variant per version (canary weights), auto-named so that an update creates the new configuration before
 * the old one is deleted; an Endpoint with a stable name; autoscaling when max replicas exceed min. Each
 * variant of a canary runs the replica bounds on its own instances (SageMaker weights route traffic, they do
 * not share instances).
 * SageMaker endpoints accept only SigV4-signed requests, so `auth` is `iam` (the default) or the target refuses.
 * A `uri` served by runtime vllm or tgi runs on AWS's own container for that runtime in the endpoint's region
 * (aws/sagemaker-images.ts) unless `model.serverImage` names another.
 */
import { createExecutionRole } from "./aws/execution-role";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { cloudTags, physicalName } from "../../../sdk/naming";
import { describeValue, ValidationProblem } from "../../../sdk/validate";
import { AuthMode, ServingRuntime, Target } from "../args";
import { uriScheme } from "../artifact";
import { minReplicasPath, ServingSpec, ServingVersion } from "../spec";
import { AwsContext } from "./aws/context";
import { executionPolicy, modelDataSource, presetEnvironment, s3Artifact } from "./aws/sagemaker-model";
import { cheapestCpuInstanceType, cheapestGpuInstanceType, gpuMismatch, LARGEST_CPU_TYPE } from "./aws/sagemaker-instances";
import { hasSageMakerContainer, SAGEMAKER_CONTAINERS, sagemakerContainerImage } from "./aws/sagemaker-images";
import { nonEcrImageProblems } from "./aws/validate";
import { ServingTarget, TargetDeployment } from "./target";
import type { ReplicaPricing } from "../../spike-autoscaler/budget";
import { scheduledActionShapes } from "../../spike-autoscaler/app-autoscaling";
import { createSageMakerScaling, sagemakerGpusPerInstance, sagemakerReplicaShape, sagemakerScalingShape } from "../../spike-autoscaler/sagemaker";

const DEFAULT_SERVERLESS_MEMORY_MIB = 2048;
const DEFAULT_SERVERLESS_MAX_CONCURRENCY = 20;
const DEFAULT_LOG_RETENTION_DAYS = 30;
/** SageMaker's bounds for the startup health check and model download timeouts. */
const TIMEOUT_BOUNDS = { min: 60, max: 3600 };

/** The target's settings with defaults applied. */
interface SageMakerPlan {
    serverless: boolean;
    instanceType?: string;
    memoryMiB: number;
    maxConcurrency: number;
}

function planOf(spec: ServingSpec): SageMakerPlan {
    const s = spec.args.sagemaker ?? {};
    const givenMemory = spec.args.resources?.memoryGiB;
    return {
        serverless: s.serverless ?? false,
        instanceType: s.instanceType ?? (spec.gpu ? cheapestGpuInstanceType(spec.gpu.accelerator, spec.gpu.count, spec.cpu, spec.memoryGiB).instanceType : cheapestCpuInstanceType(spec.cpu, spec.memoryGiB)),
        memoryMiB: s.serverlessMemoryMiB ?? (givenMemory !== undefined ? Math.ceil(givenMemory) * 1024 : DEFAULT_SERVERLESS_MEMORY_MIB),
        maxConcurrency: s.serverlessMaxConcurrency ?? DEFAULT_SERVERLESS_MAX_CONCURRENCY,
    };
}

/** The Endpoint's physical name, also the base of its log group and runtime URL. */
function endpointName(spec: ServingSpec): string {
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

function variantShapes(spec: ServingSpec, plan: SageMakerPlan): VariantShape[] {
    if (plan.serverless) {
        return [{ variantName: spec.versions[0].name, serverlessConfig: { memorySizeInMb: plan.memoryMiB, maxConcurrency: plan.maxConcurrency } }];
    }
    return spec.versions.map((v) => ({
        variantName: v.name,
        instanceType: plan.instanceType,
        initialInstanceCount: spec.replicas.min,
        ...(spec.canary ? { initialVariantWeight: v.weight } : {}),
    }));
}

/** One autoscaling target per variant when the service autoscales (components/model-service/autoscaling.ts decides). */
function scalingShapes(spec: ServingSpec, plan: SageMakerPlan): Record<string, unknown>[] {
    const autoscaling = spec.autoscaling;
    if (plan.serverless || !autoscaling) return [];
    return spec.versions.map((v) => sagemakerScalingShape(autoscaling, endpointName(spec), v.name));
}

/** True when `version` runs on AWS's SageMaker container for the runtime: an artifact, no `model.serverImage`, a runtime that has one. */
function onSageMakerContainer(spec: ServingSpec, version: ServingVersion): boolean {
    return version.artifact !== undefined && spec.args.model.serverImage === undefined && hasSageMakerContainer(spec.runtime);
}

/** The image a version's Model runs, in the account and region the endpoint is created in. */
function imageIn(ctx: AwsContext, spec: ServingSpec, version: ServingVersion): pulumi.Input<string> {
    return onSageMakerContainer(spec, version) ? sagemakerContainerImage(spec.runtime, ctx.region, ctx.dnsSuffix) : version.image;
}

/** AWS's containers are GPU images: a CPU or serverless endpoint needs an image of its own. */
function containerProblems(spec: ServingSpec, plan: SageMakerPlan): ValidationProblem[] {
    const container = SAGEMAKER_CONTAINERS[spec.runtime];
    if (!container || !spec.versions.some((v) => onSageMakerContainer(spec, v))) return [];
    const cpuImage = "or model.serverImage with an ECR image that serves on CPU";
    if (plan.serverless) {
        return [{ path: "sagemaker.serverless", received: "true", expected: `false with runtime ${spec.runtime} and no model.serverImage (serverless inference is CPU-only; ${container.description} needs a GPU), ${cpuImage}` }];
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
    ).map((p) => (p.path === "model.serverImage" && spec.args.model.serverImage === undefined ? { ...p, expected: `${p.expected}; AWS's containers are the default only for runtimes ${Object.keys(SAGEMAKER_CONTAINERS).join(" and ")}` } : p));
    spec.versions.forEach((v, i) => {
        if (!v.artifact) return;
        const scheme = uriScheme(v.artifact.uri);
        const path = spec.canary && spec.args.versions?.[i]?.uri !== undefined ? `versions[${i}].uri` : "model.uri";
        if (scheme === "hf" && spec.runtime !== ServingRuntime.Tgi && spec.runtime !== ServingRuntime.Vllm && spec.runtime !== ServingRuntime.Custom) {
            problems.push({ path: "model.runtime", received: describeValue(spec.runtime), expected: "tgi, vllm or custom to serve an hf:// model on target aws-sagemaker (the server reads HF_MODEL_ID); or copy the model to S3" });
        } else if (scheme !== "s3" && scheme !== "hf") {
            problems.push({ path, received: describeValue(v.artifact.uri), expected: "an s3:// or hf:// URI on target aws-sagemaker (SageMaker loads model data from S3 only: copy the artifact to S3)" });
        }
    });
    const { command, args, model } = spec.args;
    if (command !== undefined) problems.push({ path: "command", received: describeValue(command), expected: "no command on target aws-sagemaker (SageMaker starts the image with the argument `serve`; configure the server through env)" });
    if (args !== undefined) problems.push({ path: "args", received: describeValue(args), expected: "no args on target aws-sagemaker (SageMaker starts the image with the argument `serve`; configure the server through env)" });
    if (model.port !== undefined && model.port !== 8080) problems.push({ path: "model.port", received: String(model.port), expected: "8080 on target aws-sagemaker (SageMaker sends requests to port 8080)" });
    return problems;
}

function capacityProblems(spec: ServingSpec, plan: SageMakerPlan): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const s = spec.args.sagemaker ?? {};
    if (plan.serverless) {
        if (spec.gpu) problems.push({ path: "resources.gpu", received: describeValue(spec.args.resources?.gpu), expected: "no GPU with sagemaker.serverless (serverless inference is CPU only; use a real-time instance type such as ml.g5.xlarge)" });
        if (spec.canary) problems.push({ path: "versions", received: `an array of ${spec.versions.length}`, expected: "no versions with sagemaker.serverless (a serverless endpoint has one production variant; use real-time instances for canaries)" });
        if (spec.args.scaling !== undefined) problems.push({ path: "scaling", received: describeValue(spec.args.scaling), expected: "no scaling with sagemaker.serverless (it scales per request up to sagemaker.serverlessMaxConcurrency)" });
        if (s.instanceType !== undefined) problems.push({ path: "sagemaker.instanceType", received: describeValue(s.instanceType), expected: "no instanceType with sagemaker.serverless (serverless endpoints have no instances)" });
        if (s.serverlessMemoryMiB === undefined && plan.memoryMiB > 6144) problems.push({ path: "resources.memoryGiB", received: String(spec.args.resources?.memoryGiB), expected: "at most 6 GiB with sagemaker.serverless (or set sagemaker.serverlessMemoryMiB)" });
        return problems;
    }
    for (const key of ["serverlessMemoryMiB", "serverlessMaxConcurrency"] as const) {
        if (s[key] !== undefined) problems.push({ path: `sagemaker.${key}`, received: String(s[key]), expected: "nothing without sagemaker.serverless: true" });
    }
    if (spec.replicas.min < 1) {
        problems.push({ path: minReplicasPath(spec), received: String(spec.replicas.min), expected: "at least 1 on a real-time SageMaker endpoint (it cannot scale to zero; use sagemaker.serverless to pay per request)" });
    }
    if (spec.gpu && s.instanceType === undefined) {
        const picked = cheapestGpuInstanceType(spec.gpu.accelerator, spec.gpu.count, spec.cpu, spec.memoryGiB);
        if (picked.reason) problems.push({ path: "sagemaker.instanceType", received: describeValue(undefined), expected: `an ml.* instance type for resources.gpu and resources.cpu/memoryGiB: ${picked.reason}` });
    } else if (spec.gpu && s.instanceType !== undefined) {
        const mismatch = gpuMismatch(s.instanceType, spec.gpu.accelerator, spec.gpu.count);
        if (mismatch) problems.push({ path: "sagemaker.instanceType", received: describeValue(s.instanceType), expected: mismatch });
    } else if (plan.instanceType === undefined) {
        problems.push({
            path: "sagemaker.instanceType",
            received: describeValue(undefined),
            expected: `an ml.* instance type for ${spec.cpu} vCPUs and ${spec.memoryGiB} GiB: the largest default is ${LARGEST_CPU_TYPE.type} (${LARGEST_CPU_TYPE.vcpus} vCPUs, ${LARGEST_CPU_TYPE.memoryGiB} GiB)`,
        });
    }
    return problems;
}

function validate(spec: ServingSpec): ValidationProblem[] {
    const plan = planOf(spec);
    return [...modelProblems(spec), ...containerProblems(spec, plan), ...capacityProblems(spec, plan), ...exposureProblems(spec)];
}

function clampTimeout(seconds: number): number {
    return Math.min(TIMEOUT_BOUNDS.max, Math.max(TIMEOUT_BOUNDS.min, seconds));
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const plan = planOf(spec);
    const settings = spec.args.sagemaker ?? {};
    const tags = cloudTags(spec.owner);
    const name = endpointName(spec);
    const logGroupName = `/aws/sagemaker/Endpoints/${name}`;
    const { ctx, logGroup, secrets, role, rolePolicy } = createExecutionRole(spec, tags, parent, {
        service: "sagemaker.amazonaws.com",
        workload: "SageMaker",
        logGroupName,
        logRetentionDays: settings.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
        policy: (c, arns) => pulumi.all(spec.versions.map((v) => imageIn(c, spec, v))).apply((images) => executionPolicy(c, spec, images, logGroupName, arns)),
    });

    const shapes = variantShapes(spec, plan);
    const startupTimeout = clampTimeout(spec.startupTimeoutSeconds);
    const models: Record<string, aws.sagemaker.Model> = {};
    const variants = spec.versions.map((version, i) => {
        const data = s3Artifact(version);
        // Auto-named (no `name`): a new image or artifact replaces the Model under a new name, created
        // before the old one is deleted, and the endpoint moves to it through a new configuration.
        const model = new aws.sagemaker.Model(
            spec.canary ? `${spec.name}-model-${version.name}` : `${spec.name}-model`,
            {
                executionRoleArn: role.arn,
                primaryContainer: {
                    image: ctx.apply((c) => pulumi.output(imageIn(c, spec, version))),
                    mode: "SingleModel",
                    modelDataSource: data ? modelDataSource(data) : undefined,
                    environment: { ...presetEnvironment(spec, version), ...spec.env, ...secrets.env },
                },
                tags,
            },
            // CreateModel checks that the role can pull the image: the policy must be in place first.
            { parent, dependsOn: [rolePolicy] },
        );
        models[spec.canary ? `model-${version.name}` : "model"] = model;
        const shape = shapes[i];
        return plan.serverless
            ? { ...shape, modelName: model.name }
            : {
                  ...shape,
                  modelName: model.name,
                  containerStartupHealthCheckTimeoutInSeconds: startupTimeout,
                  modelDataDownloadTimeoutInSeconds: data ? startupTimeout : undefined,
              };
    });

    // Auto-named and create-before-delete: every configuration field forces a replacement, and the
    // endpoint must switch to the new configuration before the old one may go.
    const endpointConfig = new aws.sagemaker.EndpointConfiguration(`${spec.name}-config`, { productionVariants: variants, tags }, { parent, deleteBeforeReplace: false });
    const endpoint = new aws.sagemaker.Endpoint(`${spec.name}-endpoint`, { name, endpointConfigName: endpointConfig.name, tags }, { parent, dependsOn: [logGroup] });

    const resources: Record<string, pulumi.Resource> = { role, rolePolicy, logGroup, ...models, endpointConfig, endpoint, ...secrets.resources };
    const autoscaling = spec.autoscaling;
    if (autoscaling && !plan.serverless) {
        for (const version of spec.versions) {
            const suffix = spec.canary ? `-${version.name}` : "";
            // The endpoint's name as an Output: scaling registers after the endpoint exists.
            const ref = { endpointName: endpoint.name, variantName: version.name, gpusPerInstance: sagemakerGpusPerInstance(plan.instanceType) };
            const made = createSageMakerScaling(`${spec.name}-scaling${suffix}`, autoscaling, ref, tags, parent);
            for (const [role, resource] of Object.entries(made)) resources[`${role}${suffix}`] = resource;
        }
    }

    const url = pulumi.interpolate`https://runtime.sagemaker.${ctx.region}.${ctx.dnsSuffix}/endpoints/${endpoint.name}/invocations`;
    return { url, resources };
}

function costedResources(spec: ServingSpec): CostedResource[] {
    const plan = planOf(spec);
    const config = `${spec.name}-config`;
    const endpoint = `${spec.name}-endpoint`;
    // The Endpoint links the configuration (auto-named, so known by its resource name) to the autoscaling
    // targets, which name the endpoint: the cost model prices each variant at its target's bounds.
    const out: CostedResource[] = [
        { urn: config, type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: config, inputs: { productionVariants: variantShapes(spec, plan) } },
        { urn: endpoint, type: "aws:sagemaker/endpoint:Endpoint", name: endpoint, inputs: { name: endpointName(spec), endpointConfigName: config } },
    ];
    scalingShapes(spec, plan).forEach((shape, i) => {
        const name = `${spec.name}-scaling${spec.canary ? `-${spec.versions[i].name}` : ""}`;
        out.push({ urn: name, type: "aws:appautoscaling/target:Target", name, inputs: shape });
        // The pre-warming actions on the target: the cost model counts their hours in the minimum.
        if (spec.autoscaling) out.push(...scheduledActionShapes(name, spec.autoscaling, shape as { serviceNamespace: string; resourceId: string; scalableDimension: string }));
    });
    return out;
}

/** One instance of the service's instance type; a canary's variants each run the bounds on their own instances. */
function replicaPricing(spec: ServingSpec): ReplicaPricing {
    const plan = planOf(spec);
    const variants = spec.versions.length;
    return {
        shape: sagemakerReplicaShape(`${spec.name}-one-replica`, plan.instanceType),
        unknownReason: "the instance type is not known (sagemaker.instanceType)",
        billedReplicas: (n) => n * variants,
    };
}

export const sagemakerTarget: ServingTarget = { target: Target.AwsSageMaker, validate, deploy, costedResources, replicaPricing };

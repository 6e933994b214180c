/**
 * The zod schema of ModelServiceArgs and the checks that span fields. Target-specific rules live in each
 * target's file (`targets/<target>.ts`, `validate`).
 */
import { z } from "zod";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { KubernetesNameKind, kubernetesNameSchema } from "../../sdk/naming";
import {
    count,
    gcpRegion,
    gpusPerUnit,
    logRetentionDays,
    namespaceName,
    port,
    replicaCount,
    sagemakerInstanceType,
    startupTimeoutSeconds,
    stringInput,
    stringInputMap,
    tags,
    urlPath,
} from "../../sdk/schema-fields";
import { describeValue, foreignBlockProblems, input, ValidationProblem } from "../../sdk/validate";
import { autoscalingSchema, kubernetesScalingSchema } from "../spike-autoscaler/schema";
import { AuthMode, ModelLoadMode, ScalingMode, ServingRuntime, Target } from "./args";
import { artifactUriProblems } from "./artifact";
import { loadModeProblems } from "./load-mode";
import { modelCacheProblems, modelCacheSchema } from "./model-cache";
import { observabilityProblems, observabilitySchema } from "./observability";
import { servedModelNameProblems } from "./served-name";
import { placementIssues } from "./placement-check";
import { kubernetesQueueSchema, queueProblems, queueSchema } from "./queue";
import { DEFAULT_STARTUP_TIMEOUT_SECONDS } from "../../sdk/catalog/runtimes";

/** A version's name, which also names its resources and (Cloud Run) its revision. */
const versionName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/, "a name of 1 to 20 lowercase letters, digits and '-'");

const modelSchema = z
    .object({
        image: stringInput.optional(),
        uri: z.string().min(1).optional(),
        runtime: z.enum(ServingRuntime).optional(),
        serverImage: stringInput.optional(),
        servedModelName: z.string().min(1).optional(),
        port: port.optional(),
        readinessPath: urlPath.optional(),
        livenessPath: urlPath.optional(),
        startupPath: urlPath.optional(),
        metricsPath: urlPath.optional(),
        metricsPort: port.optional(),
        startupTimeoutSeconds: startupTimeoutSeconds.optional(),
        loadMode: z.enum(ModelLoadMode).optional(),
        sizeGiB: z.number().positive().optional(),
        cache: modelCacheSchema.optional(),
    })
    .strict();

const resourcesSchema = z
    .object({
        cpu: z.number().positive().optional(),
        memoryGiB: z.number().positive().optional(),
        gpu: z
            .object({ count: gpusPerUnit.optional(), accelerator: z.enum(Accelerator) })
            .strict()
            .optional(),
        sharedMemoryGiB: z.number().positive().optional(),
    })
    .strict();

const scalingSchema = z
    .object({
        mode: z.enum(ScalingMode).optional(),
        queue: queueSchema.optional(),
        replicas: replicaCount(0).optional(),
        minReplicas: replicaCount(0).optional(),
        maxReplicas: replicaCount(1).optional(),
        autoscaling: autoscalingSchema.optional(),
    })
    .strict();

const versionSchema = z
    .object({
        name: versionName,
        image: stringInput.optional(),
        uri: z.string().min(1).optional(),
        weight: z.number().int().min(0).max(100),
    })
    .strict();

const exposureSchema = z
    .object({
        public: z.boolean().optional(),
        auth: z.enum(AuthMode).optional(),
        jwt: z
            .object({ issuer: z.string().url(), jwksUri: z.string().url(), audiences: z.array(z.string()).optional() })
            .strict()
            .optional(),
        // A DNS name, as an HTTPRoute's `hostnames` take it (no wildcard: the name also makes the service's URL).
        hostname: z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "a lowercase host name such as llm.example.com")
            .max(253)
            .optional(),
    })
    .strict();

/** A Gateway API Gateway as `namespace/name`: a namespace name and a Gateway name (a DNS subdomain). */
const GATEWAY_REF = /^(?=[^/]{1,63}\/)[a-z0-9]([-a-z0-9]*[a-z0-9])?\/(?=[^/]{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const gatewayRef = z.string().regex(GATEWAY_REF, "a Gateway as 'namespace/name' (a namespace name, RFC 1123 label, then the Gateway's name, a DNS subdomain)");

const toleration = input(z.object({ key: stringInput.optional(), operator: stringInput.optional(), value: input(z.string()).optional(), effect: stringInput.optional() }).strict());

export const modelServiceSchema = z
    .object({
        model: modelSchema,
        target: z.enum(Target),
        kubernetes: z
            .object({
                namespace: input(namespaceName).optional(),
                kubeconfig: stringInput.optional(),
                nodeSelector: input(stringInputMap).optional(),
                tolerations: input(z.array(toleration)).optional(),
                gateway: gatewayRef.optional(),
                apiKeys: input(stringInputMap).optional(),
                apiKeySecret: kubernetesNameSchema(KubernetesNameKind.Subdomain, "a Secret name").optional(),
                serviceAccountAnnotations: input(stringInputMap).optional(),
                readOnlyRootFilesystem: z.boolean().optional(),
                // Empty means none: a GpuPool without PriorityClasses gives "".
                priorityClassName: input(z.literal("").or(kubernetesNameSchema(KubernetesNameKind.Subdomain, "a PriorityClass name, or empty for none"))).optional(),
                autoscaler: kubernetesScalingSchema.optional(),
                queue: kubernetesQueueSchema.optional(),
            })
            .strict()
            .optional(),
        sagemaker: z
            .object({
                instanceType: sagemakerInstanceType.optional(),
                serverless: z.boolean().optional(),
                serverlessMemoryMiB: z.number().int().min(1024).max(6144).multipleOf(1024).optional(),
                serverlessMaxConcurrency: count(1).max(200).optional(),
                invocationsPerInstanceTarget: z.number().positive().optional(),
                logRetentionDays: logRetentionDays.optional(),
                kmsKeyArn: input(
                    z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                ).optional(),
            })
            .strict()
            .optional(),
        lambda: z
            .object({
                reservedConcurrency: replicaCount(1).optional(),
                provisionedConcurrency: replicaCount(0).optional(),
                timeoutSeconds: count(1).max(900).optional(),
                architecture: z.enum(["x86_64", "arm64"]).optional(),
                ephemeralStorageMiB: count(512).max(10240).optional(),
                logRetentionDays: logRetentionDays.optional(),
            })
            .strict()
            .optional(),
        cloudRun: z
            .object({
                region: gcpRegion.optional(),
                concurrency: count(1).max(1000).optional(),
                requestTimeoutSeconds: count(1).max(3600).optional(),
                versionName: versionName.optional(),
                invokers: z.array(z.string().regex(/^[a-zA-Z]+:.+$/, "an IAM principal such as serviceAccount:name@project.iam.gserviceaccount.com")).optional(),
                cpuAlwaysAllocated: z.boolean().optional(),
                gpuZonalRedundancy: z.boolean().optional(),
                loadBalancerIngress: z.boolean().optional(),
                queueConsumerImage: z.string().min(1).optional(),
            })
            .strict()
            .optional(),
        docker: z
            .object({
                hostPort: port.optional(),
                queueHostPort: port.optional(),
                restart: z.enum(["no", "on-failure", "always", "unless-stopped"]).optional(),
            })
            .strict()
            .optional(),
        resources: resourcesSchema.optional(),
        env: stringInputMap.optional(),
        secrets: stringInputMap.optional(),
        command: z.array(stringInput).optional(),
        args: z.array(input(z.string())).optional(),
        scaling: scalingSchema.optional(),
        versions: z.array(versionSchema).optional(),
        exposure: exposureSchema.optional(),
        observability: observabilitySchema.optional(),
        tags: tags.optional(),
    })
    .strict()
    // Here rather than in crossFieldProblems: the node selector is often a GpuPool's placement Output, and the schema is
    // what validateArgs checks again once Outputs are known.
    .superRefine((args, ctx) => {
        for (const issue of placementIssues(args)) ctx.addIssue({ code: "custom", ...issue });
    });

/** The parsed arguments (Inputs passed through). */
export type ParsedModelServiceArgs = z.output<typeof modelServiceSchema>;

/** Settings-block key of each target. */
export const TARGET_BLOCKS: Record<Target, "kubernetes" | "sagemaker" | "lambda" | "cloudRun" | "docker"> = {
    [Target.Kubernetes]: "kubernetes",
    [Target.AwsSageMaker]: "sagemaker",
    [Target.AwsLambda]: "lambda",
    [Target.GcpCloudRun]: "cloudRun",
    [Target.Docker]: "docker",
};

/** Checks that span fields and hold for every target. */
export function crossFieldProblems(args: ParsedModelServiceArgs): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const { model } = args;
    const hasVersions = (args.versions?.length ?? 0) > 0;
    if (model.image === undefined && model.uri === undefined && !hasVersions) {
        problems.push({ path: "model", received: "neither image nor uri", expected: "model.image, or model.uri with model.runtime" });
    }
    if (model.image !== undefined && model.uri !== undefined) {
        problems.push({ path: "model.uri", received: describeValue(model.uri), expected: "either model.image or model.uri, not both" });
    }
    // The form of an artifact URI: its scheme, and an `@revision` only on `hf://` (artifact.ts).
    problems.push(...artifactUriProblems("model.uri", model.uri));
    const usesUri = model.uri !== undefined || (args.versions ?? []).some((v) => v.uri !== undefined);
    if (usesUri && (model.runtime === undefined || (model.runtime === ServingRuntime.Custom && model.serverImage === undefined))) {
        problems.push({
            path: "model.runtime",
            received: describeValue(model.runtime),
            expected: `a server preset (${Object.values(ServingRuntime)
                .filter((r) => r !== "custom")
                .join(", ")}) to serve an artifact URI, or custom with model.serverImage`,
        });
    }

    problems.push(...servedModelNameProblems(args));
    problems.push(...loadModeProblems(args));
    problems.push(...modelCacheProblems(args));
    problems.push(...observabilityProblems(args.target, args.observability));
    problems.push(...foreignBlockProblems(args, { field: "target", value: args.target }, TARGET_BLOCKS));
    problems.push(...queueProblems(args, model.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS));

    const s = args.scaling;
    if (s?.replicas !== undefined && (s.minReplicas !== undefined || s.maxReplicas !== undefined)) {
        problems.push({ path: "scaling.replicas", received: String(s.replicas), expected: "either replicas, or minReplicas/maxReplicas, not both" });
    }
    if (s?.minReplicas !== undefined && s.maxReplicas !== undefined && s.minReplicas > s.maxReplicas) {
        problems.push({ path: "scaling.minReplicas", received: String(s.minReplicas), expected: `a number <= scaling.maxReplicas (${s.maxReplicas})` });
    }

    const versions = args.versions ?? [];
    if (versions.length === 1) {
        problems.push({ path: "versions", received: "an array of 1", expected: "two or more versions (leave versions out for a single model)" });
    }
    if (versions.length >= 2) {
        const total = versions.reduce((sum, v) => sum + v.weight, 0);
        if (total !== 100) problems.push({ path: "versions", received: `weights summing to ${total}`, expected: "weights that sum to 100" });
        const seen = new Set<string>();
        versions.forEach((v, i) => {
            if (seen.has(v.name)) problems.push({ path: `versions[${i}].name`, received: describeValue(v.name), expected: "a name no other version has" });
            seen.add(v.name);
            problems.push(...artifactUriProblems(`versions[${i}].uri`, v.uri));
            if (v.image !== undefined && v.uri !== undefined) problems.push({ path: `versions[${i}].uri`, received: describeValue(v.uri), expected: "either image or uri, not both" });
            if (v.image === undefined && v.uri === undefined && model.image === undefined && model.uri === undefined) {
                problems.push({ path: `versions[${i}]`, received: "neither image nor uri", expected: "an image or uri here or in model" });
            }
        });
    }

    const exposure = args.exposure;
    if (exposure?.public === true && exposure.auth === undefined) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(undefined),
            expected: `an auth mode for a public endpoint: ${Object.values(AuthMode)
                .filter((a) => a !== "none")
                .join(", ")}, or "none" to expose it without authentication on purpose`,
        });
    }
    if (exposure?.auth === AuthMode.Jwt && exposure.jwt === undefined) {
        problems.push({ path: "exposure.jwt", received: describeValue(undefined), expected: "issuer and jwksUri with auth jwt" });
    }
    if (exposure?.jwt !== undefined && exposure.auth !== AuthMode.Jwt) {
        problems.push({ path: "exposure.jwt", received: describeValue(exposure.jwt), expected: 'no JWT settings without exposure.auth "jwt" (nothing would check the tokens)' });
    }
    return problems;
}

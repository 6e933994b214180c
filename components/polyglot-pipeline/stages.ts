/**
 * Each stage as the ModelService that deploys it: the stage's arguments with the language preset and the
 * pipeline's defaults applied, turned into ModelServiceArgs. Stage arguments are checked with ModelService's own
 * schema and target rules (the same code ModelService runs), before anything is registered, and the problems are
 * reported at the stage's path (`stages[1].resources.gpu`).
 */
import { toProblems, ValidationProblem } from "../../sdk/validate";
import { ModelServiceArgs, ServingRuntime, Target } from "../model-service/args";
import { crossFieldProblems, modelServiceSchema } from "../model-service/schema";
import { resolveSpec } from "../model-service/spec";
import { TARGETS } from "../model-service/targets";
import { PipelineStageArgs, PolyglotPipelineArgs } from "./args";
import { languagePreset } from "./presets";

/** Default request timeout of a stage, in seconds (SageMaker's and Lambda's default limit). */
export const DEFAULT_STAGE_TIMEOUT_SECONDS = 60;
/** Default port of the Docker router; stages are published on the ports after it. */
export const DEFAULT_ROUTER_PORT = 8080;
/** Longest startup Cloud Run can wait for (a 240 s initial delay, then a 240 s probe window). */
const CLOUD_RUN_MAX_STARTUP_SECONDS = 480;
/** Lambda's longest function timeout, in seconds. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** SageMaker's container contract: port 8080, `POST /invocations`, `GET /ping`. */
export const SAGEMAKER_CONTRACT = { port: 8080, path: "/invocations", readinessPath: "/ping" };

/** A stage with every default applied. */
export interface ResolvedStage {
    /** Position in `stages`, for error paths. */
    index: number;
    name: string;
    /** Name of the stage's ModelService: `<pipeline>-<stage>`. */
    serviceName: string;
    target: Target;
    port: number;
    /** Path of the stage's `POST` requests. */
    path: string;
    timeoutSeconds: number;
    /** Host port on docker (the router calls 127.0.0.1:<hostPort>). */
    hostPort?: number;
    serviceArgs: ModelServiceArgs;
}

function startupSeconds(stage: PipelineStageArgs, target: Target): number {
    const preset = languagePreset(stage.language).startupTimeoutSeconds;
    if (stage.startupTimeoutSeconds !== undefined) return stage.startupTimeoutSeconds;
    return target === Target.GcpCloudRun ? Math.min(preset, CLOUD_RUN_MAX_STARTUP_SECONDS) : preset;
}

/** The stage's target settings block, with the pipeline's defaults under the user's settings. */
function targetSettings(stage: PipelineStageArgs, index: number, target: Target, args: PolyglotPipelineArgs, timeoutSeconds: number): Partial<ModelServiceArgs> {
    switch (target) {
        case Target.Kubernetes:
            return { kubernetes: { namespace: args.kubernetes?.namespace ?? "default", ...stage.kubernetes } };
        case Target.AwsLambda:
            // Capped at Lambda's limit: a longer stage timeout is reported once, at the stage's timeoutSeconds.
            return { lambda: { timeoutSeconds: Math.min(timeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS), ...stage.lambda } };
        case Target.AwsSageMaker:
            return stage.sagemaker !== undefined ? { sagemaker: stage.sagemaker } : {};
        case Target.GcpCloudRun: {
            const concurrency = languagePreset(stage.language).cloudRunConcurrency;
            return { cloudRun: { requestTimeoutSeconds: timeoutSeconds, ...(concurrency !== undefined ? { concurrency } : {}), ...stage.cloudRun } };
        }
        default:
            return { docker: { hostPort: (args.docker?.port ?? DEFAULT_ROUTER_PORT) + 1 + index, ...stage.docker } };
    }
}

/** Every settings block a stage may carry, with the target it belongs to. */
const STAGE_BLOCKS: ReadonlyArray<readonly [keyof PipelineStageArgs, Target]> = [
    ["kubernetes", Target.Kubernetes],
    ["sagemaker", Target.AwsSageMaker],
    ["lambda", Target.AwsLambda],
    ["cloudRun", Target.GcpCloudRun],
    ["docker", Target.Docker],
];

/** The stage's defaults resolved and its ModelServiceArgs built. */
export function resolveStage(pipelineName: string, stage: PipelineStageArgs, index: number, args: PolyglotPipelineArgs): ResolvedStage {
    const target = stage.target ?? args.target;
    const preset = languagePreset(stage.language);
    const sagemaker = target === Target.AwsSageMaker;
    const port = stage.port ?? (sagemaker ? SAGEMAKER_CONTRACT.port : preset.port);
    const timeoutSeconds = stage.timeoutSeconds ?? DEFAULT_STAGE_TIMEOUT_SECONDS;
    const settings = targetSettings(stage, index, target, args, timeoutSeconds);
    // Blocks of other targets are passed on as given, so that ModelService reports them as it would for a service.
    const otherBlocks = Object.fromEntries(STAGE_BLOCKS.filter(([block, t]) => t !== target && stage[block] !== undefined).map(([block]) => [block, stage[block]]));
    const serviceArgs: ModelServiceArgs = {
        model: {
            image: stage.image,
            runtime: ServingRuntime.Custom,
            port,
            readinessPath: stage.readinessPath ?? (sagemaker ? SAGEMAKER_CONTRACT.readinessPath : "/health"),
            startupTimeoutSeconds: startupSeconds(stage, target),
        },
        target,
        ...settings,
        ...otherBlocks,
        resources: stage.resources,
        env: { ...preset.env(port, stage.resources), ...stage.env },
        secrets: stage.secrets,
        command: stage.command,
        args: stage.args,
        scaling: stage.scaling,
        tags: { ...args.tags, pipeline: pipelineName },
    };
    // Leave out what the stage does not set, so the service's recorded inputs show only what was given.
    for (const key of Object.keys(serviceArgs) as (keyof ModelServiceArgs)[]) if (serviceArgs[key] === undefined) delete serviceArgs[key];
    const docker = serviceArgs.docker;
    return {
        index,
        name: stage.name,
        serviceName: `${pipelineName}-${stage.name}`,
        target,
        port,
        path: stage.path ?? (sagemaker ? SAGEMAKER_CONTRACT.path : "/predict"),
        timeoutSeconds,
        hostPort: target === Target.Docker ? (docker?.hostPort ?? port) : undefined,
        serviceArgs,
    };
}

/** A ModelService problem path at the stage: `model.image` is the stage's `image`, other paths keep their names. */
function stagePath(index: number, path: string): string {
    const field = path.startsWith("model.") ? path.slice("model.".length) : path === "model" ? "image" : path;
    return `stages[${index}].${field}`;
}

/**
 * The problems ModelService would report for the stage's service, found with ModelService's own schema, cross-field
 * rules and target rules, at the stage's paths. Values that are still Outputs are checked by the ModelService itself.
 */
export function modelServiceProblems(stage: ResolvedStage): ValidationProblem[] {
    const parsed = modelServiceSchema.safeParse(stage.serviceArgs);
    let problems: ValidationProblem[];
    if (!parsed.success) {
        problems = toProblems(parsed.error.issues, stage.serviceArgs);
    } else {
        problems = crossFieldProblems(parsed.data);
        const target = TARGETS[parsed.data.target];
        if (problems.length === 0 && target) problems = target.validate(resolveSpec(stage.serviceName, parsed.data));
    }
    return problems.map((p) => ({ ...p, path: stagePath(stage.index, p.path) }));
}

/**
 * Each stage as the ModelService that deploys it: the stage's arguments with the language preset and the
 * pipeline's defaults applied, turned into ModelServiceArgs. Stage arguments are checked with ModelService's own
 * schema and every check it runs after it (`checkModelService`: cross-field, autoscaling and target rules, the same
 * code ModelService runs), before anything is registered, and the problems are reported at the stage's path
 * (`stages[1].resources.gpu`).
 */
import { describeValue, toProblems, ValidationProblem } from "../../sdk/validate";
import { ModelServiceArgs, ServingRuntime, Target } from "../model-service/args";
import { checkModelService } from "../model-service/check";
import { modelServiceSchema } from "../model-service/schema";
import { ServingSpec } from "../model-service/spec";
import { PipelineStageArgs, PolyglotPipelineArgs } from "./args";
import { languagePreset } from "./presets";
import { withDefaults } from "./settings";

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

/**
 * The stage's target settings block, with the pipeline's defaults under the user's settings. Field by field: a field
 * the stage gives as `undefined` keeps the pipeline's default.
 */
function targetSettings(stage: PipelineStageArgs, index: number, target: Target, args: PolyglotPipelineArgs, timeoutSeconds: number): Partial<ModelServiceArgs> {
    switch (target) {
        case Target.Kubernetes:
            return { kubernetes: withDefaults({ namespace: args.kubernetes?.namespace ?? "default" }, stage.kubernetes) };
        case Target.AwsLambda:
            // Capped at Lambda's limit: a longer stage timeout is reported once, at the stage's timeoutSeconds.
            return { lambda: withDefaults({ timeoutSeconds: Math.min(timeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS) }, stage.lambda) };
        case Target.AwsSageMaker:
            return stage.sagemaker !== undefined ? { sagemaker: stage.sagemaker } : {};
        case Target.GcpCloudRun: {
            const concurrency = languagePreset(stage.language).cloudRunConcurrency;
            return { cloudRun: withDefaults({ requestTimeoutSeconds: timeoutSeconds, ...(concurrency !== undefined ? { concurrency } : {}) }, stage.cloudRun) };
        }
        default:
            return { docker: withDefaults({ hostPort: (args.docker?.port ?? DEFAULT_ROUTER_PORT) + 1 + index }, stage.docker) };
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

/** A ModelService problem path at the stage: `model.image` is the stage's `image`, other paths keep their names. */
function stagePath(index: number, path: string): string {
    const field = path.startsWith("model.") ? path.slice("model.".length) : path === "model" ? "image" : path;
    return `stages[${index}].${field}`;
}

/**
 * What ModelService would find in the stage's service arguments, with its own schema and `checkModelService`, at the
 * stage's paths; and the resolved spec when there is nothing to report. Values that are still Outputs are checked by
 * the ModelService itself.
 */
function checkStageService(stageName: string, serviceName: string, index: number, serviceArgs: ModelServiceArgs): { problems: ValidationProblem[]; spec?: ServingSpec } {
    // ModelService's own name is the pipeline's and the stage's: a problem with it is the stage name's (the pipeline's
    // own name is checked before the stages).
    const renamed = (p: ValidationProblem): ValidationProblem =>
        p.path === "name"
            ? { path: `stages[${index}].name`, received: describeValue(stageName), expected: `a stage name that keeps its ModelService's name, ${JSON.stringify(serviceName)} (the pipeline's name, '-', the stage's), within Kubernetes' rules: ${p.expected}` }
            : { ...p, path: stagePath(index, p.path) };
    const at = (problems: ValidationProblem[]) => problems.map(renamed);
    const parsed = modelServiceSchema.safeParse(serviceArgs);
    if (!parsed.success) return { problems: at(toProblems(parsed.error.issues, serviceArgs, modelServiceSchema)) };
    const checked = checkModelService(serviceName, parsed.data);
    return checked.problems.length > 0 ? { problems: at(checked.problems) } : { problems: [], spec: checked.spec };
}

/** A stage resolved, and the problems ModelService would report for its service (at the stage's paths). */
export interface StageResolution {
    stage: ResolvedStage;
    problems: ValidationProblem[];
}

/** The stage's defaults resolved, its ModelServiceArgs built and checked with ModelService's own checks. */
export function resolveStage(pipelineName: string, stage: PipelineStageArgs, index: number, args: PolyglotPipelineArgs): StageResolution {
    const target = stage.target ?? args.target;
    const preset = languagePreset(stage.language);
    const sagemaker = target === Target.AwsSageMaker;
    const port = stage.port ?? (sagemaker ? SAGEMAKER_CONTRACT.port : preset.port);
    const timeoutSeconds = stage.timeoutSeconds ?? DEFAULT_STAGE_TIMEOUT_SECONDS;
    const serviceName = `${pipelineName}-${stage.name}`;
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
        env: stage.env,
        secrets: stage.secrets,
        command: stage.command,
        args: stage.args,
        scaling: stage.scaling,
        tags: { ...args.tags, pipeline: pipelineName },
    };
    const checked = checkStageService(stage.name, serviceName, index, serviceArgs);
    // The preset's environment goes under the stage's own, sized from the service as ModelService resolved it (its
    // CPUs). Checking without it finds the same problems: its names are none that a target reserves.
    if (checked.spec) serviceArgs.env = { ...preset.env(port, checked.spec.cpu), ...stage.env };
    // Leave out what the stage does not set, so the service's recorded inputs show only what was given.
    for (const key of Object.keys(serviceArgs) as (keyof ModelServiceArgs)[]) if (serviceArgs[key] === undefined) delete serviceArgs[key];
    const docker = serviceArgs.docker;
    const resolved: ResolvedStage = {
        index,
        name: stage.name,
        serviceName,
        target,
        port,
        path: stage.path ?? (sagemaker ? SAGEMAKER_CONTRACT.path : "/predict"),
        timeoutSeconds,
        hostPort: target === Target.Docker ? (docker?.hostPort ?? port) : undefined,
        serviceArgs,
    };
    return { stage: resolved, problems: checked.problems };
}

/**
 * Each stage as the ModelService that deploys it: the stage's arguments with the language preset and the
 * pipeline's defaults applied, turned into ModelServiceArgs. Stage arguments are checked with ModelService's own
 * schema and every check it runs after it (`checkModelService`: cross-field, autoscaling and target rules, the same
 * code ModelService runs), before anything is registered, and the problems are reported at the stage's path
 * (`stages[1].resources.gpu`).
 */
import { describeValue, toProblems, ValidationProblem } from "../../sdk/validate";
import { ModelServiceArgs, ScalingMode, ServingRuntime, Target } from "../model-service/args";
import { checkModelService } from "../model-service/check";
import { modelServiceSchema } from "../model-service/schema";
import { ServingSpec } from "../model-service/spec";
import { PipelineStageArgs } from "./args";
import { PipelineSettings } from "./pipeline-settings";
import { LanguagePreset, languagePreset } from "./presets";
import { STAGE_TARGETS, StageTarget } from "./stage-targets";

/** Default request timeout of a stage, in seconds (SageMaker's and Lambda's default limit). */
export const DEFAULT_STAGE_TIMEOUT_SECONDS = 60;

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
    /** The stage's ModelService as resolved (for the pipeline's budget: its minimum's cost, its pods on kubernetes). */
    serving?: ServingSpec;
}

function startupSeconds(stage: PipelineStageArgs, preset: LanguagePreset, rules: StageTarget): number {
    if (stage.startupTimeoutSeconds !== undefined) return stage.startupTimeoutSeconds;
    return Math.min(preset.startupTimeoutSeconds, rules.maxStartupSeconds ?? Infinity);
}

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
            ? {
                  path: `stages[${index}].name`,
                  received: describeValue(stageName),
                  expected: `a stage name that keeps its ModelService's name, ${JSON.stringify(serviceName)} (the pipeline's name, '-', the stage's), within Kubernetes' rules: ${p.expected}`,
              }
            : { ...p, path: stagePath(index, p.path) };
    const at = (problems: ValidationProblem[]) => problems.map(renamed);
    const parsed = modelServiceSchema.safeParse(serviceArgs);
    if (!parsed.success) return { problems: at(toProblems(parsed.error.issues, serviceArgs, modelServiceSchema)) };
    const checked = checkModelService(serviceName, parsed.data);
    return checked.problems.length > 0 ? { problems: at(checked.problems) } : { problems: [], spec: checked.spec };
}

/** A stage resolved, and the problems with it: its target's limits, then what ModelService would report for its service (at the stage's paths). */
export interface StageResolution {
    stage: ResolvedStage;
    problems: ValidationProblem[];
}

/** The stage's defaults resolved, its ModelServiceArgs built and checked with ModelService's own checks. */
export function resolveStage(pipelineName: string, stage: PipelineStageArgs, index: number, target: Target, pipeline: PipelineSettings): StageResolution {
    const rules = STAGE_TARGETS[target];
    const preset = languagePreset(stage.language);
    const port = stage.port ?? rules.contract?.port ?? preset.port;
    const timeoutSeconds = stage.timeoutSeconds ?? DEFAULT_STAGE_TIMEOUT_SECONDS;
    const serviceName = `${pipelineName}-${stage.name}`;
    const settings = rules.settings({ stage, index, preset, timeoutSeconds, pipeline });
    // Blocks of other targets are passed on as given, so that ModelService reports them as it would for a service.
    const otherBlocks = Object.fromEntries(
        Object.values(STAGE_TARGETS)
            .map((t) => t.block)
            .filter((block) => block !== rules.block && stage[block] !== undefined)
            .map((block) => [block, stage[block]]),
    );
    const serviceArgs: ModelServiceArgs = {
        model: {
            image: stage.image,
            runtime: ServingRuntime.Custom,
            port,
            readinessPath: stage.readinessPath ?? rules.contract?.readinessPath ?? "/health",
            startupTimeoutSeconds: startupSeconds(stage, preset, rules),
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
        tags: { ...pipeline.tags, pipeline: pipelineName },
        observability: pipeline.observability,
    };
    const checked = checkStageService(stage.name, serviceName, index, serviceArgs);
    // The preset's environment goes under the stage's own, sized from the service as ModelService resolved it (its
    // CPUs), with what the runtime needs on the target between them. Checking without it finds the same problems: its
    // names are none that a target reserves.
    if (checked.spec) serviceArgs.env = { ...preset.env(port, checked.spec.cpu), ...rules.runtimeEnv?.(preset, serviceArgs), ...stage.env };
    // Leave out what the stage does not set, so the service's recorded inputs show only what was given.
    for (const key of Object.keys(serviceArgs) as (keyof ModelServiceArgs)[]) if (serviceArgs[key] === undefined) delete serviceArgs[key];
    const resolved: ResolvedStage = {
        index,
        name: stage.name,
        serviceName,
        target,
        port,
        path: stage.path ?? rules.contract?.path ?? "/predict",
        timeoutSeconds,
        hostPort: rules.hostPort?.(serviceArgs, port),
        serviceArgs,
        serving: checked.spec,
    };
    const limits = rules.problems?.({ index, path: resolved.path, timeoutSeconds, serviceArgs, given: stage }) ?? [];
    return { stage: resolved, problems: [...limits, ...queueStageProblems(stage, index), ...checked.problems] };
}

/** A pipeline calls each stage and waits for its answer: a stage cannot be a queue-mode service, which answers later by id. */
function queueStageProblems(stage: PipelineStageArgs, index: number): ValidationProblem[] {
    const mode = stage.scaling?.mode;
    if (mode !== ScalingMode.Queue) return [];
    return [
        {
            path: `stages[${index}].scaling.mode`,
            received: describeValue(mode),
            expected: '"http" in a pipeline stage: the pipeline calls each stage and waits for its answer, and a queue-mode service answers later, by id',
        },
    ];
}

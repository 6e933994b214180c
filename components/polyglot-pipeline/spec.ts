/**
 * The resolved pipeline: every stage with its defaults and its ModelServiceArgs, the validated flow, and the
 * orchestrator. Everything is checked here, before anything is registered; orchestrators add their own rules.
 */
import type { Ownership } from "../../sdk/naming";
import { ValidationProblem } from "../../sdk/validate";
import type { BudgetArgs } from "../spike-autoscaler/args";
import { Target } from "../model-service/args";
import { PipelineStageArgs } from "./args";
import { PipelineFlow, resolveFlow } from "./flow";
import { PipelineSettings, pipelineSettings } from "./pipeline-settings";
import { imageLanguageProblem } from "./presets";
import { Orchestrator, ORCHESTRATOR_OF, ParsedPipelineArgs } from "./schema";
import { DEFAULT_STAGE_TIMEOUT_SECONDS, resolveStage, ResolvedStage } from "./stages";

/** A pipeline with every default applied: what the orchestrators read (never the raw arguments). */
export interface PipelineSpec extends PipelineSettings {
    /** The component's resource name. */
    name: string;
    target: Target;
    orchestrator: Orchestrator;
    stages: ResolvedStage[];
    flow: PipelineFlow;
    /** The pipeline's budget as given (budget.ts). */
    budget?: BudgetArgs;
}

/**
 * Who the orchestrator's resources belong to: the pipeline, tagged `pipeline: <name>` as every stage is (stages.ts), so
 * that one tag (GCP: label) names the whole pipeline's spend, as its budget filters it (budget.ts).
 */
export function pipelineOwner(spec: Pick<PipelineSpec, "name" | "tags">): Ownership {
    return { component: "PolyglotPipeline", service: spec.name, tags: { ...spec.tags, pipeline: spec.name } };
}

/** Stages published on the host (docker) each take their own host port, which the router's port must not take either. */
function hostPortProblems(stages: ResolvedStage[], settings: PipelineSettings): ValidationProblem[] {
    const owners = new Map<number, string>([[settings.docker.port, "the router (docker.port)"]]);
    const problems: ValidationProblem[] = [];
    for (const stage of stages) {
        if (stage.hostPort === undefined) continue;
        const owner = owners.get(stage.hostPort);
        if (owner) {
            problems.push({
                path: `stages[${stage.index}].docker.hostPort`,
                received: String(stage.hostPort),
                expected: `a host port that no other stage or the router uses (${owner} listens on ${stage.hostPort})`,
            });
        }
        owners.set(stage.hostPort, `stage ${JSON.stringify(stage.name)}`);
    }
    return problems;
}

/**
 * Validates and resolves the parsed arguments. Problems of the flow come first: with a broken flow, per-stage
 * problems would only repeat it.
 */
export function resolvePipelineSpec(name: string, args: ParsedPipelineArgs): { spec?: PipelineSpec; problems: ValidationProblem[] } {
    const resolvedFlow = resolveFlow(args.stages.map((s) => ({ name: s.name, after: s.after, timeoutSeconds: s.timeoutSeconds ?? DEFAULT_STAGE_TIMEOUT_SECONDS })));
    if (!resolvedFlow.flow) return { problems: resolvedFlow.problems };

    const settings = pipelineSettings(args);
    // The schema checks what the pipeline owns and leaves the ModelService fields of a stage to ModelService's checks.
    const given = args.stages as PipelineStageArgs[];
    const resolutions = given.map((stage, i) => resolveStage(name, stage, i, stage.target ?? args.target, settings));
    const stages = resolutions.map((r) => r.stage);
    const problems: ValidationProblem[] = [];
    for (const { stage, problems: stageProblems } of resolutions) {
        const image = imageLanguageProblem(`stages[${stage.index}].image`, given[stage.index].language, given[stage.index].image);
        if (image) problems.push(image);
        problems.push(...stageProblems);
    }
    problems.push(...hostPortProblems(stages, settings));
    if (problems.length > 0) return { problems };
    return { spec: { name, target: args.target, orchestrator: ORCHESTRATOR_OF[args.target], stages, flow: resolvedFlow.flow, budget: args.budget, ...settings }, problems: [] };
}

/** The resolved stage of a name. */
export function stageNamed(spec: PipelineSpec, name: string): ResolvedStage {
    return spec.stages.find((s) => s.name === name) as ResolvedStage;
}

/**
 * The resolved pipeline: every stage with its defaults and its ModelServiceArgs, the validated flow, and the
 * orchestrator. Everything is checked here, before anything is registered; orchestrators add their own rules.
 */
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { Target } from "../model-service/args";
import { PolyglotPipelineArgs } from "./args";
import { PipelineFlow, resolveFlow } from "./flow";
import { imageLanguageProblem } from "./presets";
import { Orchestrator, ORCHESTRATOR_OF, ParsedPipelineArgs } from "./schema";
import { DEFAULT_ROUTER_PORT, DEFAULT_STAGE_TIMEOUT_SECONDS, LAMBDA_MAX_TIMEOUT_SECONDS, resolveStage, ResolvedStage, SAGEMAKER_CONTRACT } from "./stages";

/** A pipeline with every default applied. */
export interface PipelineSpec {
    /** The component's resource name. */
    name: string;
    target: Target;
    orchestrator: Orchestrator;
    stages: ResolvedStage[];
    flow: PipelineFlow;
    args: ParsedPipelineArgs;
}

/** Rules on a stage that follow from where it runs. */
function stageTargetProblems(stage: ResolvedStage, args: ParsedPipelineArgs): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const given = args.stages[stage.index];
    const at = (field: string) => `stages[${stage.index}].${field}`;
    if (stage.target === Target.AwsSageMaker) {
        if (stage.path !== SAGEMAKER_CONTRACT.path) {
            problems.push({ path: at("path"), received: describeValue(given.path), expected: `${SAGEMAKER_CONTRACT.path} on target aws-sagemaker (InvokeEndpoint always posts there)` });
        }
        if (stage.timeoutSeconds > 60) {
            problems.push({ path: at("timeoutSeconds"), received: String(stage.timeoutSeconds), expected: "at most 60 on target aws-sagemaker (a real-time endpoint must answer within 60 s)" });
        }
    }
    const lambdaTimeout = stage.serviceArgs.lambda?.timeoutSeconds;
    if (stage.target === Target.AwsLambda && stage.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
        problems.push({ path: at("timeoutSeconds"), received: String(stage.timeoutSeconds), expected: `at most ${LAMBDA_MAX_TIMEOUT_SECONDS} on target aws-lambda (Lambda's longest function timeout)` });
    } else if (stage.target === Target.AwsLambda && lambdaTimeout !== undefined && lambdaTimeout < stage.timeoutSeconds) {
        problems.push({
            path: at("lambda.timeoutSeconds"),
            received: String(lambdaTimeout),
            expected: `at least the stage's timeoutSeconds (${stage.timeoutSeconds}): the function would be stopped before the pipeline gives up on it`,
        });
    }
    if (stage.target === Target.GcpCloudRun && stage.timeoutSeconds > 1800) {
        problems.push({ path: at("timeoutSeconds"), received: String(stage.timeoutSeconds), expected: "at most 1800 on target gcp-cloudrun (the longest HTTP request a workflow can make)" });
    }
    return problems;
}

/** On docker every stage is published on its own host port, which the router's port must not take either. */
function hostPortProblems(stages: ResolvedStage[], args: ParsedPipelineArgs): ValidationProblem[] {
    if (args.target !== Target.Docker) return [];
    const routerPort = args.docker?.port ?? DEFAULT_ROUTER_PORT;
    const owners = new Map<number, string>([[routerPort, "the router (docker.port)"]]);
    const problems: ValidationProblem[] = [];
    for (const stage of stages) {
        const port = stage.hostPort as number;
        const owner = owners.get(port);
        if (owner) {
            problems.push({ path: `stages[${stage.index}].docker.hostPort`, received: String(port), expected: `a host port that no other stage or the router uses (${owner} listens on ${port})` });
        }
        owners.set(port, `stage ${JSON.stringify(stage.name)}`);
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

    const resolutions = args.stages.map((stage, i) => resolveStage(name, stage as PolyglotPipelineArgs["stages"][number], i, args as PolyglotPipelineArgs));
    const stages = resolutions.map((r) => r.stage);
    const problems: ValidationProblem[] = [];
    for (const { stage, problems: serviceProblems } of resolutions) {
        const image = imageLanguageProblem(`stages[${stage.index}].image`, args.stages[stage.index].language, args.stages[stage.index].image);
        if (image) problems.push(image);
        problems.push(...stageTargetProblems(stage, args), ...serviceProblems);
    }
    problems.push(...hostPortProblems(stages, args));
    if (problems.length > 0) return { problems };
    return { spec: { name, target: args.target, orchestrator: ORCHESTRATOR_OF[args.target], stages, flow: resolvedFlow.flow, args }, problems: [] };
}

/** The resolved stage of a name. */
export function stageNamed(spec: PipelineSpec, name: string): ResolvedStage {
    return spec.stages.find((s) => s.name === name) as ResolvedStage;
}

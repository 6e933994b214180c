/**
 * The zod schema of PolyglotPipelineArgs. It checks what the pipeline owns; a stage's compute, secrets, scaling and
 * target settings are ModelService's arguments and are checked by ModelService's own schema (`stages.ts`).
 */
import { observabilitySchema } from "../model-service/observability";
import { budgetSchema } from "../spike-autoscaler/schema";
import { z } from "zod";
import { KubernetesNameKind, kubernetesResourceNameProblem } from "../../sdk/naming";
import { gcpRegion, logRetentionDays, namespaceName, port, replicaCount, startupTimeoutSeconds, stringInput, tags, urlPath } from "../../sdk/schema-fields";
import { describeValue, foreignBlockProblems, ValidationProblem } from "../../sdk/validate";
import { Target } from "../model-service/args";
import { StageLanguage } from "./args";

/** Stage names are DNS labels (they name Kubernetes objects and Cloud Run services) that start with a letter (Workflows step names). */
const STAGE_NAME = /^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/;

const stageSchema = z
    .object({
        name: z.string().regex(STAGE_NAME, "a name of 1 to 30 lowercase letters, digits and '-', starting with a letter"),
        language: z.enum(StageLanguage),
        image: stringInput,
        port: port.optional(),
        path: z
            .string()
            .regex(/^\/[^\s?#]*$/, "a path starting with '/', without query or fragment")
            .optional(),
        readinessPath: urlPath.optional(),
        startupTimeoutSeconds: startupTimeoutSeconds.optional(),
        timeoutSeconds: z.number().int().min(1).max(3600).optional(),
        after: z.array(z.string()).optional(),
        target: z.enum(Target).optional(),
        // ModelService's arguments: checked by ModelService's schema, at the stage's path.
        resources: z.unknown().optional(),
        env: z.unknown().optional(),
        secrets: z.unknown().optional(),
        command: z.unknown().optional(),
        args: z.unknown().optional(),
        scaling: z.unknown().optional(),
        kubernetes: z.unknown().optional(),
        sagemaker: z.unknown().optional(),
        lambda: z.unknown().optional(),
        cloudRun: z.unknown().optional(),
        docker: z.unknown().optional(),
    })
    .strict();

export const pipelineSchema = z
    .object({
        stages: z.array(stageSchema),
        target: z.enum(Target),
        stepFunctions: z.object({ httpApi: z.boolean().optional(), logRetentionDays: logRetentionDays.optional() }).strict().optional(),
        workflows: z
            .object({
                region: gcpRegion.optional(),
                callLogLevel: z.enum(["LOG_ERRORS_ONLY", "LOG_ALL_CALLS", "LOG_NONE"]).optional(),
            })
            .strict()
            .optional(),
        kubernetes: z
            .object({
                namespace: namespaceName.optional(),
                kubeconfig: stringInput.optional(),
                routerCpu: z.number().positive().max(64).optional(),
                routerMemoryMiB: z.number().int().min(64).optional(),
                routerMinReplicas: replicaCount(0).optional(),
                routerMaxReplicas: replicaCount(1).optional(),
            })
            .strict()
            .optional(),
        docker: z
            .object({ port: port.optional(), routerImage: z.string().min(1).optional(), maxBodyMiB: z.number().positive().max(1024).optional() })
            .strict()
            .optional(),
        tags: tags.optional(),
        observability: observabilitySchema.optional(),
        budget: budgetSchema.optional(),
    })
    .strict();

/** The parsed arguments (Inputs passed through). */
export type ParsedPipelineArgs = z.output<typeof pipelineSchema>;

/** The engine that calls the stages, per target. */
export enum Orchestrator {
    StepFunctions = "stepFunctions",
    Workflows = "workflows",
    InferenceGraph = "kubernetes",
    Router = "docker",
}

/** The orchestrator of each target; its value is also the name of its settings block. */
export const ORCHESTRATOR_OF: Record<Target, Orchestrator> = {
    [Target.AwsLambda]: Orchestrator.StepFunctions,
    [Target.AwsSageMaker]: Orchestrator.StepFunctions,
    [Target.GcpCloudRun]: Orchestrator.Workflows,
    [Target.Kubernetes]: Orchestrator.InferenceGraph,
    [Target.Docker]: Orchestrator.Router,
};

/** The targets an orchestrator calls. */
function targetsOf(orchestrator: Orchestrator): Target[] {
    return (Object.keys(ORCHESTRATOR_OF) as Target[]).filter((t) => ORCHESTRATOR_OF[t] === orchestrator);
}

/**
 * On Kubernetes the InferenceGraph (and the Deployment and Service KServe makes for it) carries the pipeline's name as
 * given, an RFC 1035 label as KServe requires; each stage's ModelService, `<pipeline>-<stage>`, is checked by ModelService.
 */
function nameProblems(name: string, args: ParsedPipelineArgs): ValidationProblem[] {
    if (args.target !== Target.Kubernetes) return [];
    const problem = kubernetesResourceNameProblem(name, KubernetesNameKind.Service, [
        { suffix: "", objects: "the KServe InferenceGraph, its Deployment and Service, and (with a '-' and the stage's name) each stage's objects" },
    ]);
    return problem ? [{ path: "name", ...problem }] : [];
}

/**
 * Checks that span fields: the pipeline's name where it names Kubernetes objects, settings blocks of another
 * orchestrator, stage targets another orchestrator cannot call.
 */
export function crossFieldProblems(args: ParsedPipelineArgs, name: string): ValidationProblem[] {
    const orchestrator = ORCHESTRATOR_OF[args.target];
    // An orchestrator's name is also the name of its settings block.
    const problems = [...nameProblems(name, args), ...foreignBlockProblems(args, { field: "target", value: args.target }, ORCHESTRATOR_OF)];
    args.stages.forEach((stage, i) => {
        if (stage.target !== undefined && ORCHESTRATOR_OF[stage.target] !== orchestrator) {
            const allowed = targetsOf(orchestrator)
                .map((t) => JSON.stringify(t))
                .join(" or ");
            problems.push({
                path: `stages[${i}].target`,
                received: describeValue(stage.target),
                expected: `${allowed} in a pipeline on ${JSON.stringify(args.target)} (one orchestrator calls every stage)`,
            });
        }
    });
    const k = args.kubernetes;
    if (k?.routerMinReplicas !== undefined && k.routerMaxReplicas !== undefined && k.routerMinReplicas > k.routerMaxReplicas) {
        problems.push({ path: "kubernetes.routerMinReplicas", received: String(k.routerMinReplicas), expected: `a number <= kubernetes.routerMaxReplicas (${k.routerMaxReplicas})` });
    }
    return problems;
}

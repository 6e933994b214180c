/**
 * A standalone SpikeAutoscaler's context and resources: what it knows about the workload it scales comes from its
 * target block (a Deployment, an endpoint variant, a Lambda alias, a Cloud Run service), passed as data. One file
 * per target; the table below is exhaustive, so a new AutoscalerTarget does not build until it has its file here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { stackCostOptions } from "../../../sdk/cost/estimate";
import { describeValue, foreignBlockProblems, ValidationProblem } from "../../../sdk/validate";
import { AutoscalerTarget } from "../args";
import type { ParsedSpikeAutoscalerArgs } from "../schema";
import type { AutoscalerContext, AutoscalerSpec } from "../spec";
import { cloudRunStandalone } from "./cloudrun";
import { kubernetesStandalone } from "./kubernetes";
import { lambdaStandalone } from "./lambda";
import { sagemakerStandalone } from "./sagemaker";
import type { BlockKey, StandaloneTarget } from "./target";

export const STANDALONE_TARGETS: Record<AutoscalerTarget, StandaloneTarget> = {
    [AutoscalerTarget.Kubernetes]: kubernetesStandalone,
    [AutoscalerTarget.AwsSageMaker]: sagemakerStandalone,
    [AutoscalerTarget.AwsLambda]: lambdaStandalone,
    [AutoscalerTarget.GcpCloudRun]: cloudRunStandalone,
};

/** Settings-block key of each target. */
const BLOCKS = Object.fromEntries(Object.entries(STANDALONE_TARGETS).map(([target, t]) => [target, t.block])) as Record<AutoscalerTarget, BlockKey>;

/** The target's block is there, and no other target's. */
function blockProblems(args: ParsedSpikeAutoscalerArgs, target: StandaloneTarget): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (args[target.block] === undefined) problems.push({ path: target.block, received: describeValue(undefined), expected: `${target.described} with target ${JSON.stringify(args.target)}` });
    problems.push(...foreignBlockProblems(args, { field: "target", value: args.target }, BLOCKS));
    return problems;
}

/** Targets on which a standalone autoscaler creates an alarm at the effective maximum (`observability`). */
const WATCHED_TARGETS: readonly AutoscalerTarget[] = [AutoscalerTarget.AwsSageMaker];

/** `observability.enabled: true` where the target gets no alarm: refused rather than silently ignored. */
function observabilityProblems(args: ParsedSpikeAutoscalerArgs): ValidationProblem[] {
    if (args.observability?.enabled !== true || WATCHED_TARGETS.includes(args.target)) return [];
    return [
        {
            path: "observability.enabled",
            received: describeValue(true),
            expected: `false or nothing: a standalone SpikeAutoscaler creates no alarm on target ${JSON.stringify(args.target)} (only on ${WATCHED_TARGETS.join(", ")}; docs/observability.md)`,
        },
    ];
}

/** The context of a standalone autoscaler, or the problems of its name and target block. */
export function standaloneContext(name: string, args: ParsedSpikeAutoscalerArgs): { ctx?: AutoscalerContext; problems: ValidationProblem[] } {
    const target = STANDALONE_TARGETS[args.target];
    const problems = [...target.nameProblems(name), ...blockProblems(args, target), ...target.problems(args), ...observabilityProblems(args)];
    const known = problems.length === 0 ? target.context(args, `${name}-one-replica`) : undefined;
    if (!known) return { problems };
    const ctx: AutoscalerContext = {
        target: args.target,
        paths: { block: "", min: "minReplicas", max: "maxReplicas", kubernetes: "kubernetes" },
        min: args.minReplicas ?? 1,
        max: args.maxReplicas,
        startupTimeoutSeconds: args.startupTimeoutSeconds,
        costOptions: stackCostOptions(),
        ...known,
    };
    return { ctx, problems };
}

/** Creates what a standalone autoscaler needs on its target, as children of `parent`. */
export function deployStandalone(name: string, args: ParsedSpikeAutoscalerArgs, spec: AutoscalerSpec, parent: pulumi.ComponentResource): Record<string, pulumi.Resource> {
    return STANDALONE_TARGETS[args.target].deploy(name, args, spec, parent);
}

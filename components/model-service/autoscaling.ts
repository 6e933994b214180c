/**
 * ModelService's inline autoscaling: `scaling.autoscaling` is the SpikeAutoscaler's spec, resolved here for the
 * service's target with the same code (components/spike-autoscaler/spec.ts), and priced on the target's shape of
 * one replica. Targets then read `spec.autoscaling` and the effective `spec.replicas`.
 *
 * SageMaker keeps its earlier behaviour without the block: when `maxReplicas` exceeds `minReplicas` it tracks
 * invocations per instance (`sagemaker.invocationsPerInstanceTarget`, default 70 a minute), through the same code.
 */
import { stackCostOptions } from "../../sdk/cost/estimate";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { AutoscalerTarget, ScalingMetric } from "../spike-autoscaler/args";
import { AutoscalerContext, resolveAutoscaling } from "../spike-autoscaler/spec";
import { Target } from "./args";
import { minReplicasPath, ServingSpec } from "./spec";
import { ServingTarget } from "./targets/target";

const AUTOSCALER_TARGETS: Partial<Record<Target, AutoscalerTarget>> = {
    [Target.Kubernetes]: AutoscalerTarget.Kubernetes,
    [Target.AwsSageMaker]: AutoscalerTarget.AwsSageMaker,
    [Target.AwsLambda]: AutoscalerTarget.AwsLambda,
    [Target.GcpCloudRun]: AutoscalerTarget.GcpCloudRun,
};
/** AWS's documented example target of SageMakerVariantInvocationsPerInstance, per minute: a starting point, not a fit. */
const DEFAULT_INVOCATIONS_PER_INSTANCE = 70;

function blockProblems(spec: ServingSpec): ValidationProblem[] {
    const { scaling = {}, kubernetes, sagemaker, cloudRun } = spec.args;
    const given = scaling.autoscaling;
    const problems: ValidationProblem[] = [];
    if (given === undefined) {
        if (kubernetes?.autoscaler !== undefined) problems.push({ path: "kubernetes.autoscaler", received: describeValue(kubernetes.autoscaler), expected: "nothing without scaling.autoscaling" });
        return problems;
    }
    if (spec.target === Target.Docker) {
        return [{ path: "scaling.autoscaling", received: describeValue(given), expected: "no autoscaling on target docker (one container and no autoscaler: use scaling.replicas 0 or 1)" }];
    }
    if (scaling.replicas !== undefined) problems.push({ path: "scaling.replicas", received: String(scaling.replicas), expected: "minReplicas and maxReplicas with scaling.autoscaling (a fixed count leaves nothing to scale)" });
    if (scaling.maxReplicas === undefined) problems.push({ path: "scaling.maxReplicas", received: describeValue(undefined), expected: "the autoscaler's upper bound with scaling.autoscaling" });
    if (sagemaker?.invocationsPerInstanceTarget !== undefined) {
        problems.push({ path: "sagemaker.invocationsPerInstanceTarget", received: String(sagemaker.invocationsPerInstanceTarget), expected: "scaling.autoscaling.metric requests-per-second with metricTarget (per second) instead, with scaling.autoscaling" });
    }
    if (cloudRun?.concurrency !== undefined && given.metricTarget !== undefined) {
        problems.push({ path: "cloudRun.concurrency", received: String(cloudRun.concurrency), expected: "either cloudRun.concurrency or scaling.autoscaling.metricTarget (both set the concurrency cap per instance)" });
    }
    return problems;
}

/** True when SageMaker's default policy applies: real-time, more than the minimum, no block. */
function sagemakerDefault(spec: ServingSpec): boolean {
    return spec.target === Target.AwsSageMaker && spec.args.scaling?.autoscaling === undefined && !(spec.args.sagemaker?.serverless ?? false) && spec.replicas.max > spec.replicas.min;
}

function defaults(spec: ServingSpec): AutoscalerContext["defaults"] {
    if (sagemakerDefault(spec)) {
        return { metric: ScalingMetric.RequestsPerSecond, metricTarget: (spec.args.sagemaker?.invocationsPerInstanceTarget ?? DEFAULT_INVOCATIONS_PER_INSTANCE) / 60 };
    }
    if (spec.target === Target.GcpCloudRun && spec.args.cloudRun?.concurrency !== undefined) return { metricTarget: spec.args.cloudRun.concurrency };
    return undefined;
}

/**
 * Resolves the service's autoscaling into `spec.autoscaling` and the effective `spec.replicas`. Returns the
 * problems (in ModelService's paths) and warnings to log. Nothing to do without the block (SageMaker aside).
 */
export function resolveServiceAutoscaling(spec: ServingSpec, target: ServingTarget): { problems: ValidationProblem[]; warnings: string[] } {
    const problems = blockProblems(spec);
    const autoscalerTarget = AUTOSCALER_TARGETS[spec.target];
    const given = spec.args.scaling?.autoscaling;
    if (problems.length > 0 || autoscalerTarget === undefined || (given === undefined && !sagemakerDefault(spec))) return { problems, warnings: [] };
    const ctx: AutoscalerContext = {
        target: autoscalerTarget,
        paths: { block: "scaling.autoscaling", min: minReplicasPath(spec), max: "scaling.maxReplicas", kubernetes: "kubernetes.autoscaler" },
        min: spec.replicas.min,
        max: spec.replicas.max,
        gpu: spec.gpu !== undefined,
        startupTimeoutSeconds: spec.startupTimeoutSeconds,
        pricing: target.replicaPricing?.(spec) ?? { unknownReason: `target ${spec.target} does not price a replica` },
        costOptions: stackCostOptions(),
        kubernetes: { args: spec.args.kubernetes?.autoscaler, runtime: spec.runtime, gpusPerReplica: spec.gpu?.count ?? 0 },
        defaults: defaults(spec),
    };
    const resolved = resolveAutoscaling(given ?? {}, ctx);
    if (resolved.spec) {
        spec.autoscaling = resolved.spec;
        spec.replicas = { min: resolved.spec.min, max: resolved.spec.max };
    }
    return { problems: resolved.problems, warnings: resolved.warnings };
}

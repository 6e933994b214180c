/**
 * ModelService's inline autoscaling: `scaling.autoscaling` is the SpikeAutoscaler's spec, resolved here for the
 * service's target with the same code (components/spike-autoscaler/spec.ts), and priced on the target's shape of
 * one replica. Targets then read `spec.autoscaling` and the effective `spec.replicas`.
 *
 * What differs per target (its autoscaler, defaults, rules, and a policy applied without the block, such as
 * SageMaker's invocations per instance) is the target's `autoscaling` member, in the target's own file.
 */
import { stackCostOptions } from "../../sdk/cost/estimate";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { AutoscalerContext, resolveAutoscaling } from "../spike-autoscaler/spec";
import { minReplicasPath, ServingSpec } from "./spec";
import { ServingTarget } from "./targets/target";

/** The rules of the block that hold on every target, then the target's own. */
function blockProblems(spec: ServingSpec, target: ServingTarget): ValidationProblem[] {
    const scaling = spec.given.scaling ?? {};
    const given = scaling.autoscaling;
    const own = "unsupported" in target.autoscaling ? undefined : target.autoscaling;
    if (given === undefined) return own?.problems?.(spec) ?? [];
    if (!own) {
        const why = (target.autoscaling as { unsupported: string }).unsupported;
        return [{ path: "scaling.autoscaling", received: describeValue(given), expected: `no autoscaling on target ${spec.target} (${why})` }];
    }
    const problems: ValidationProblem[] = [];
    if (scaling.replicas !== undefined)
        problems.push({ path: "scaling.replicas", received: String(scaling.replicas), expected: "minReplicas and maxReplicas with scaling.autoscaling (a fixed count leaves nothing to scale)" });
    if (scaling.maxReplicas === undefined) problems.push({ path: "scaling.maxReplicas", received: describeValue(undefined), expected: "the autoscaler's upper bound with scaling.autoscaling" });
    return [...problems, ...(own.problems?.(spec) ?? [])];
}

/**
 * Resolves the service's autoscaling into `spec.autoscaling` and the effective `spec.replicas`. Returns the
 * problems (in ModelService's paths) and warnings to log. Nothing to do without the block, unless the target
 * autoscales by default.
 */
export function resolveServiceAutoscaling(spec: ServingSpec, target: ServingTarget): { problems: ValidationProblem[]; warnings: string[] } {
    const problems = blockProblems(spec, target);
    const own = "unsupported" in target.autoscaling ? undefined : target.autoscaling;
    const given = spec.given.scaling?.autoscaling;
    if (problems.length > 0 || own === undefined || (given === undefined && !(own.implicit?.(spec) ?? false))) return { problems, warnings: [] };
    const ctx: AutoscalerContext = {
        target: own.autoscaler,
        paths: { block: "scaling.autoscaling", min: minReplicasPath(spec), max: "scaling.maxReplicas", kubernetes: "kubernetes.autoscaler" },
        min: spec.replicas.min,
        max: spec.replicas.max,
        gpu: spec.gpu !== undefined,
        startupTimeoutSeconds: spec.startupTimeoutSeconds,
        pricing: target.replicaPricing?.(spec) ?? { unknownReason: `target ${spec.target} does not price a replica` },
        costOptions: stackCostOptions(),
        ...own.context?.(spec),
    };
    const resolved = resolveAutoscaling(given ?? {}, ctx);
    if (resolved.spec) {
        spec.autoscaling = resolved.spec;
        spec.replicas = { min: resolved.spec.min, max: resolved.spec.max };
    }
    return { problems: resolved.problems, warnings: resolved.warnings };
}

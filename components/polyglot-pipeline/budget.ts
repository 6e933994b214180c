/**
 * PolyglotPipeline's `budget` (issue 18): the pipeline's month as a whole.
 *
 * - Deploy time: refused when the stages kept always running already cost more than `maxMonthlyUsd` at their minimum
 *   (each stage's ModelService priced by the cost model, as its `estimatedMonthlyCost.min`), with the figures.
 * - Run time: one spend guard for the whole pipeline (components/spend-guard/), filtered by the `pipeline` tag (GCP:
 *   label) that every stage's resources and the orchestrator's carry (stages.ts, spec.ts `pipelineOwner`); on
 *   kubernetes one PrometheusRule over every stage's pods, each at its replica's price. The stages get no guard from it:
 *   a stage's own `scaling.autoscaling.budget` caps and watches that stage.
 */
import { dollars } from "../../sdk/catalog/format";
import { estimateCost } from "../../sdk/cost";
import { stackCostOptions } from "../../sdk/cost/estimate";
import { cloudTags, kubernetesLabels, physicalName } from "../../sdk/naming";
import type { ValidationProblem } from "../../sdk/validate";
import { Target } from "../model-service/args";
import { SPEND_GUARD_CLOUD, servicePods } from "../model-service/spend-guard";
import { TARGETS } from "../model-service/targets";
import { type GuardedComponent, resolveSpendGuard, spendGuardProblems, type SpendGuardSpec } from "../spend-guard";
import { pipelineOwner, type PipelineSpec } from "./spec";

/** The label every spend alert of a pipeline carries naming it. */
const PIPELINE_ALERT_LABEL = "modelship_pipeline";

/** On kubernetes the guard is a PrometheusRule: on by default only where observability is. */
function defaultOn(spec: PipelineSpec): boolean {
    return spec.target !== Target.Kubernetes || (spec.observability?.enabled ?? true);
}

/** Each stage's monthly cost at its minimum, where the cost model knows it before deployment. */
function stageMinimums(spec: PipelineSpec): { stage: string; usd: number }[] {
    return spec.stages.flatMap((stage) => {
        if (!stage.serving) return [];
        try {
            const report = estimateCost(TARGETS[stage.serving.target].costedResources(stage.serving), stackCostOptions());
            return [{ stage: stage.name, usd: report.knownMonthly.min }];
        } catch {
            // A price that needs a value known only at deployment: the stage's own estimate reports it.
            return [];
        }
    });
}

/** The budget's rules: the spend guard's, and the floor of the stages kept always running. */
export function pipelineBudgetProblems(spec: PipelineSpec): ValidationProblem[] {
    const budget = spec.budget;
    if (!budget) return [];
    const problems = spendGuardProblems(
        {
            cloud: SPEND_GUARD_CLOUD[spec.target],
            path: "budget.spendGuard",
            notificationsPath: "observability.notifications",
            where: `target ${JSON.stringify(spec.target)}`,
            noneReason: "bills nothing: there is no spend to watch",
        },
        budget.spendGuard,
        spec.observability?.notifications,
        defaultOn(spec),
    );
    const running = stageMinimums(spec).filter((s) => s.usd > 0);
    const floor = Math.round(running.reduce((sum, s) => sum + s.usd, 0) * 100) / 100;
    if (floor > budget.maxMonthlyUsd + 1e-9) {
        problems.push({
            path: "budget.maxMonthlyUsd",
            received: String(budget.maxMonthlyUsd),
            expected: `at least ${dollars(floor)}: the stages kept always running cost that at their minimum (${running.map((s) => `${s.stage} ${dollars(s.usd)}`).join(", ")}); lower their minReplicas or raise the budget`,
        });
    }
    return problems;
}

/** The pipeline's spend guard, or undefined. */
export function pipelineSpendGuard(spec: PipelineSpec): SpendGuardSpec | undefined {
    return resolveSpendGuard(SPEND_GUARD_CLOUD[spec.target], spec.budget, spec.observability?.notifications, defaultOn(spec));
}

/** The pipeline as its guard watches it: the `pipeline` tag; on kubernetes every stage's pods. */
export function guardedPipeline(spec: PipelineSpec): GuardedComponent {
    const owner = pipelineOwner(spec);
    const component: GuardedComponent = { name: spec.name, tags: cloudTags(owner), filterTag: "pipeline" };
    if (spec.target !== Target.Kubernetes) return component;
    const stages = spec.stages.flatMap((s) => (s.serving ? [s.serving] : []));
    const namespace = spec.kubernetes.namespace;
    return {
        ...component,
        kubernetes: {
            namespace,
            labels: { ...kubernetesLabels(owner), ...(spec.observability?.prometheusLabels ?? {}) },
            watch: {
                // Pods the cost model does not price on their own (CPU pods: their nodes are priced where created) add nothing.
                pods: stages.map(servicePods).filter((p) => p.monthlyPerPodUsd > 0),
                where: `pipeline ${physicalName(spec.name)} in namespace ${namespace}`,
                alertPrefix: "PolyglotPipeline",
                labels: { [PIPELINE_ALERT_LABEL]: physicalName(spec.name) },
                budgetPath: "budget.maxMonthlyUsd",
            },
        },
    };
}

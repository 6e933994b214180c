/**
 * ModelService's spend guard: `scaling.autoscaling.budget.spendGuard`, notifying `observability.notifications`
 * (components/spend-guard/). aws-sagemaker and aws-lambda: an AWS Budgets budget on the service's tags; gcp-cloudrun:
 * a Cloud Billing budget on its `service` label, given `gcpBillingAccount`; kubernetes: a PrometheusRule on the spend
 * projected from its pods; docker: nothing (`enabled: true` is refused).
 */
import { cloudTags, kubernetesLabels, physicalName } from "../../sdk/naming";
import type { ValidationProblem } from "../../sdk/validate";
import type { PricedPods } from "../spend-guard/prometheus";
import { replicaMonthlyPrice } from "./observability/dashboard";
import { type GuardedComponent, resolveSpendGuard, SpendGuardCloud, spendGuardProblems, type SpendGuardSpec } from "../spend-guard";
import { Target } from "./args";
import type { ServingSpec } from "./spec";
import { podPattern, SERVICE_ALERT_LABEL } from "./targets/kubernetes-observability";
import { kubernetesSettings } from "./targets/kubernetes-spec";

/** What watches each target's spend (an exhaustive table: a new target must say). */
export const SPEND_GUARD_CLOUD: Record<Target, SpendGuardCloud> = {
    [Target.AwsSageMaker]: SpendGuardCloud.Aws,
    [Target.AwsLambda]: SpendGuardCloud.Aws,
    [Target.GcpCloudRun]: SpendGuardCloud.Gcp,
    [Target.Kubernetes]: SpendGuardCloud.Kubernetes,
    [Target.Docker]: SpendGuardCloud.None,
};

const PATH = "scaling.autoscaling.budget.spendGuard";

/** On kubernetes the guard is a PrometheusRule: on by default only where observability is (the cluster then has the Operator). */
function defaultOn(spec: ServingSpec): boolean {
    return spec.target !== Target.Kubernetes || spec.observability.enabled;
}

/** The rules of `spendGuard` on the service's target. */
export function serviceSpendGuardProblems(spec: ServingSpec): ValidationProblem[] {
    const budget = spec.given.scaling?.autoscaling?.budget;
    if (!budget) return [];
    const ctx = {
        cloud: SPEND_GUARD_CLOUD[spec.target],
        path: PATH,
        notificationsPath: "observability.notifications",
        where: `target ${JSON.stringify(spec.target)}`,
        noneReason: "bills nothing: there is no spend to watch",
    };
    return spendGuardProblems(ctx, budget.spendGuard, spec.observability.notifications, defaultOn(spec));
}

/** The guard the service gets, or undefined. */
export function serviceSpendGuard(spec: ServingSpec): SpendGuardSpec | undefined {
    return resolveSpendGuard(SPEND_GUARD_CLOUD[spec.target], spec.given.scaling?.autoscaling?.budget, spec.observability.notifications, defaultOn(spec));
}

/** The service's pods on kubernetes, at the cost model's price of one replica (the dashboard's cost panel's). */
export function servicePods(spec: ServingSpec): PricedPods {
    const price = replicaMonthlyPrice(spec);
    return {
        podSelector: `namespace="${kubernetesSettings(spec).namespace}",pod=~"${podPattern(spec)}"`,
        // A budget is refused on a replica the cost model cannot price (spike-autoscaler/spec.ts); elsewhere an unpriced pod is 0.
        monthlyPerPodUsd: price.monthly ?? 0,
        priceBasis: `the cost model's price of one replica: ${price.basis}`,
    };
}

/** The service as its guard watches it: its tags, and on kubernetes its pods and the cost model's price of one. */
export function guardedService(spec: ServingSpec): GuardedComponent {
    const component: GuardedComponent = { name: spec.name, tags: cloudTags(spec.owner) };
    if (spec.target !== Target.Kubernetes || !spec.autoscaling) return component;
    const namespace = kubernetesSettings(spec).namespace;
    const service = physicalName(spec.name);
    return {
        ...component,
        kubernetes: {
            namespace,
            labels: { ...kubernetesLabels(spec.owner), ...spec.observability.prometheusLabels },
            watch: {
                pods: [servicePods(spec)],
                where: `${service} in namespace ${namespace}`,
                alertPrefix: "ModelService",
                labels: { [SERVICE_ALERT_LABEL]: service },
                budgetPath: "scaling.autoscaling.budget.maxMonthlyUsd",
            },
        },
    };
}

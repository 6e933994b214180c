/**
 * The spend guard's resources: one shape per cloud (aws.ts, gcp.ts, prometheus.ts) feeding both the resource and the
 * cost model, so what is priced is exactly what is created. Components resolve the guard (spec.ts) and call these.
 */
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../sdk/cost/types";
import { physicalName } from "../../sdk/naming";
import { prometheusRule } from "../kubernetes/monitoring";
import { AWS_BUDGET_TYPE, awsBudgetArgs } from "./aws";
import { GCP_BUDGET_TYPE, gcpBudgetArgs } from "./gcp";
import { type PrometheusWatch, spendAlertRules } from "./prometheus";
import { SpendGuardCloud, type SpendGuardSpec } from "./spec";

export { SpendGuardCloud, resolveSpendGuard, spendGuardProblems, type SpendGuardContext, type SpendGuardSpec } from "./spec";

const PROMETHEUS_RULE_TYPE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

/** The component the guard watches. */
export interface GuardedComponent {
    /** The component's resource name: the guard's resource is `<name>-spend-guard`. */
    name: string;
    /** The component's cloud tags (sdk/naming.ts `cloudTags`): `filterTag` and `environment` are filtered on. */
    tags: Record<string, string>;
    /** The tag (GCP: label) that names every resource of the component: `service`, unless told (a pipeline's `pipeline`). */
    filterTag?: string;
    /** On kubernetes: where the PrometheusRule goes, its labels, and what its alerts watch. */
    kubernetes?: { namespace: pulumi.Input<string>; labels: Record<string, string>; watch: PrometheusWatch };
}

/** The one resource of a guard: its type token, resource name and arguments, exactly as the provider takes them. */
export type SpendGuardShape =
    | { type: typeof AWS_BUDGET_TYPE; name: string; args: aws.budgets.BudgetArgs }
    | { type: typeof GCP_BUDGET_TYPE; name: string; args: gcp.billing.BudgetArgs }
    | { type: typeof PROMETHEUS_RULE_TYPE; name: string; args: kubernetes.apiextensions.CustomResourceArgs };

/** The PrometheusRule of the spend alerts. */
export function spendRuleArgs(guard: SpendGuardSpec, k8s: NonNullable<GuardedComponent["kubernetes"]>, name: string): kubernetes.apiextensions.CustomResourceArgs {
    const base = physicalName(name, "spend");
    return prometheusRule({ name: base, namespace: k8s.namespace, labels: k8s.labels }, `modelship-${base}`, spendAlertRules(guard, k8s.watch));
}

/** The guard's resource as a shape, or undefined when there is none. */
export function spendGuardShape(guard: SpendGuardSpec | undefined, component: GuardedComponent): SpendGuardShape | undefined {
    if (!guard) return undefined;
    const name = `${component.name}-spend-guard`;
    switch (guard.cloud) {
        case SpendGuardCloud.Aws:
            return { type: AWS_BUDGET_TYPE, name, args: awsBudgetArgs(guard, component.tags, component.filterTag) };
        case SpendGuardCloud.Gcp:
            return { type: GCP_BUDGET_TYPE, name, args: gcpBudgetArgs(guard, component.tags, component.filterTag) };
        case SpendGuardCloud.Kubernetes:
            if (!component.kubernetes) throw new Error(`spend guard of ${component.name}: a kubernetes guard needs its namespace and pods`);
            return { type: PROMETHEUS_RULE_TYPE, name, args: spendRuleArgs(guard, component.kubernetes, component.name) };
        case SpendGuardCloud.None:
            return undefined;
        default: {
            const exhaustive: never = guard.cloud;
            return exhaustive;
        }
    }
}

/** The same, as the cost model reads it (a budget is free: sdk/cost/free.ts). */
export function spendGuardCosted(guard: SpendGuardSpec | undefined, component: GuardedComponent): CostedResource[] {
    const shape = spendGuardShape(guard, component);
    return shape ? [{ urn: shape.name, type: shape.type, name: shape.name, inputs: shape.args as unknown as Record<string, unknown> }] : [];
}

/** Creates the guard's resource as a child of the component; `{ spendGuard }`, or nothing. */
export function createSpendGuard(guard: SpendGuardSpec | undefined, component: GuardedComponent, opts: pulumi.CustomResourceOptions): Record<string, pulumi.Resource> {
    const shape = spendGuardShape(guard, component);
    if (!shape) return {};
    switch (shape.type) {
        case AWS_BUDGET_TYPE:
            return { spendGuard: new aws.budgets.Budget(shape.name, shape.args, opts) };
        case GCP_BUDGET_TYPE:
            return { spendGuard: new gcp.billing.Budget(shape.name, shape.args, opts) };
        case PROMETHEUS_RULE_TYPE:
            return { spendGuard: new kubernetes.apiextensions.CustomResource(shape.name, shape.args, opts) };
    }
}

/**
 * The spend guard on Kubernetes, where no billing API sees the pods: Prometheus alerts on the spend projected from the
 * pods that hold a node (`kube_pod_status_scheduled`, condition true: a scheduled pod keeps its node billed, starting
 * or not) x the price the cost model gives one replica running a month (730 hours). One alert per threshold on the last day's
 * average (a burst that passes does not page); with `forecast`, one on the pods scheduled now (the month if they kept
 * running). kube-state-metrics provides the series; the rule is read by the Prometheus Operator like the service's own.
 */
import { HOURS_PER_MONTH } from "../../sdk/cost/types";
import type { AlertRule } from "../kubernetes/monitoring";
import type { SpendGuardSpec } from "./spec";

/** Window of the projection, and its resolution. */
export const SPEND_WINDOW = { range: "1d", step: "5m" } as const;
/** How long a projection must hold before it fires: the average over a day moves slowly, so a short hold suffices. */
export const SPEND_FOR = { threshold: "15m", forecast: "1h" } as const;

/** Pods of one price: a service's (a pipeline watches one group per stage). */
export interface PricedPods {
    /** The PromQL label matchers of the pods, for example `namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"`. */
    podSelector: string;
    /** USD per month (730 h) of one pod running, from the cost model, and where that figure comes from. */
    monthlyPerPodUsd: number;
    priceBasis: string;
}

/** What the alerts watch on the cluster. */
export interface PrometheusWatch {
    /** The pods, by price; at least one group. */
    pods: PricedPods[];
    /** In words, for the annotations: `llm in namespace ml`. */
    where: string;
    /** Alert name prefix: `ModelService`, `PolyglotPipeline`. */
    alertPrefix: string;
    /** Labels every alert carries besides the routing labels and `severity` (the component's own label). */
    labels: Record<string, string>;
    /** The budget's path, for the descriptions: `scaling.autoscaling.budget.maxMonthlyUsd`. */
    budgetPath: string;
}

/** One alerting rule: the shape of the service's own alerts. */
export type SpendAlertRule = AlertRule;

/** A number as PromQL writes it: at most 6 decimals, no exponent. */
function promNumber(n: number): string {
    return String(Number(n.toFixed(6)));
}

/** The alerts, one per threshold and the forecast's. Pure: the tests run every expression through promtool. */
export function spendAlertRules(guard: SpendGuardSpec, watch: PrometheusWatch): SpendAlertRule[] {
    // USD a month of the pods scheduled now: each group's count x its price, summed.
    const terms = watch.pods.map((p) => `(sum(kube_pod_status_scheduled{${p.podSelector},condition="true"}) or vector(0)) * ${promNumber(p.monthlyPerPodUsd)}`);
    const monthly = `(${terms.join(" + ")})`;
    const dollars = (n: number) => `$${promNumber(n)}`;
    const labels = (percent: number) => ({ ...(guard.notifications.alertmanagerLabels ?? {}), severity: percent >= 100 ? "critical" : "warning", ...watch.labels });
    const price = watch.pods.map((p) => `$${promNumber(p.monthlyPerPodUsd)} per pod running ${HOURS_PER_MONTH} h (${p.priceBasis})`).join("; ");
    const rules: SpendAlertRule[] = guard.thresholdsPercent.map((percent) => {
        const limit = (guard.maxMonthlyUsd * percent) / 100;
        return {
            alert: `${watch.alertPrefix}SpendAbove${percent}Percent`,
            expr: `avg_over_time(${monthly}[${SPEND_WINDOW.range}:${SPEND_WINDOW.step}]) > ${promNumber(limit)}`,
            for: SPEND_FOR.threshold,
            labels: labels(percent),
            annotations: {
                summary: `${watch.where}: projected spend above ${percent}% of its ${dollars(guard.maxMonthlyUsd)}/month budget`,
                description: `The pods of ${watch.where} scheduled over the last day, on average, priced at ${price}, come to {{ $value | printf "%.2f" }} USD/month, above ${percent}% of ${watch.budgetPath} (${dollars(limit)}).`,
            },
        };
    });
    if (guard.forecast) {
        rules.push({
            alert: `${watch.alertPrefix}SpendForecastAbove100Percent`,
            expr: `${monthly} > ${promNumber(guard.maxMonthlyUsd)}`,
            for: SPEND_FOR.forecast,
            labels: labels(100),
            annotations: {
                summary: `${watch.where}: the pods scheduled now would spend more than its ${dollars(guard.maxMonthlyUsd)}/month budget`,
                description: `{{ $value | printf "%.2f" }} USD/month if the pods of ${watch.where} scheduled now ran all month (${price}), above ${watch.budgetPath} (${dollars(guard.maxMonthlyUsd)}).`,
            },
        });
    }
    return rules;
}

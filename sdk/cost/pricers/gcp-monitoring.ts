/**
 * Cloud Monitoring alerting (cloud.google.com/stackdriver/pricing, "Alerting"; cloud.google.com/monitoring/alerts/cost-control,
 * read 2026-12 through the search tool): from 2025 an alerting policy is billed per condition per month ($1.50, the
 * figure of the cost-control page's worked examples), plus the time series its conditions return per evaluation ($0.35
 * per million), a per-use part that depends on the series the filters match. Dashboards are free (free.ts).
 */
import { usd } from "../../catalog/format";
import { unknown, type PricedFigure } from "../figures";
import { list } from "../inputs";

/** USD per condition per month, and per million time series returned. */
export const ALERTING_PRICES = { perConditionMonthly: 1.5, perMillionSeriesReturned: 0.35, source: "cloud.google.com/monitoring/alerts/cost-control, read 2026-12" } as const;

/** `gcp:monitoring/alertPolicy:AlertPolicy`: its conditions at the per-condition price; the series returned are per use, not included. */
export function priceAlertPolicy(inputs: Record<string, unknown>): PricedFigure {
    const conditions = list(inputs, "conditions").length;
    if (conditions === 0) return unknown("an alerting policy is billed per condition, and its conditions are not known");
    const { perConditionMonthly, perMillionSeriesReturned, source } = ALERTING_PRICES;
    const figure = Math.round(conditions * perConditionMonthly * 100) / 100;
    return {
        min: figure,
        max: figure,
        basis: `${conditions} alerting condition(s) x ${usd(perConditionMonthly)}/month (${source}); per use: ${usd(perMillionSeriesReturned)} per million time series returned, not included`,
    };
}

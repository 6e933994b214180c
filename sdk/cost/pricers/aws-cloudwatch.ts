/**
 * CloudWatch alarms and dashboards, at the prices of ../../catalog/data/aws-cloudwatch.data.ts: an alarm per alarm
 * metric per month (each metric a metric-math alarm reads; standard or high resolution by the period), a dashboard per
 * month. The account's free tier (10 standard alarm metrics, 3 dashboards) is shared by everything in the account, so it
 * is not deducted: the figures are what these resources add once the account is past it.
 */
import { CLOUDWATCH_ALARM_METRIC_MONTHLY, CLOUDWATCH_ALARM_REGIONS, CLOUDWATCH_DASHBOARD_MONTHLY, CLOUDWATCH_FREE_TIER } from "../../catalog/data/aws-cloudwatch.data";
import { dollars, sourceLabel } from "../../catalog/format";
import { unknown, type PricedFigure } from "../figures";
import { get, list, str } from "../inputs";
import type { PricingContext } from "./context";

/** Periods below this many seconds make a high-resolution alarm. */
const STANDARD_RESOLUTION_SECONDS = 60;

/** The metrics an alarm reads, with their periods; undefined when the alarm reads something the catalog does not price. */
function alarmMetrics(inputs: Record<string, unknown>): { periods: number[] } | { unpriced: string } {
    const queries = list(inputs, "metricQueries");
    if (queries.length === 0) {
        if (str(inputs, "metricName") === undefined) return { unpriced: "an alarm without a metric or metric queries" };
        return { periods: [Number(get(inputs, "period") ?? STANDARD_RESOLUTION_SECONDS)] };
    }
    const periods: number[] = [];
    for (const q of queries) {
        const expression = str(q, "expression");
        // Anomaly detection bills three metrics per band and Metrics Insights per query: neither is priced here.
        if (expression !== undefined && /ANOMALY_DETECTION_BAND|SELECT\s/i.test(expression)) return { unpriced: `an alarm on ${expression.split("(")[0]}` };
        if (get(q, "metric") !== undefined) periods.push(Number(get(q, "metric.period") ?? STANDARD_RESOLUTION_SECONDS));
    }
    return { periods };
}

/** `aws:cloudwatch/metricAlarm:MetricAlarm`: its alarm metrics at the standard or high-resolution price. */
export function priceMetricAlarm(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = str(inputs, "region") ?? ctx.awsRegion;
    const metrics = alarmMetrics(inputs);
    if ("unpriced" in metrics) return unknown(`${metrics.unpriced} is billed, but its price is not in the catalog`);
    const { standardResolution, highResolution, source } = CLOUDWATCH_ALARM_METRIC_MONTHLY;
    if (!CLOUDWATCH_ALARM_REGIONS.includes(region)) {
        return unknown(`a CloudWatch alarm is billed per alarm metric; prices are recorded for ${CLOUDWATCH_ALARM_REGIONS.join(" and ")} only, not ${region}`);
    }
    const high = metrics.periods.filter((p) => p < STANDARD_RESOLUTION_SECONDS).length;
    const standard = metrics.periods.length - high;
    const figure = Math.round((standard * standardResolution + high * highResolution) * 100) / 100;
    const parts = [
        standard > 0 ? `${standard} standard-resolution alarm metric(s) x ${dollars(standardResolution)}` : "",
        high > 0 ? `${high} high-resolution alarm metric(s) x ${dollars(highResolution)}` : "",
    ].filter(Boolean);
    return {
        min: figure,
        max: figure,
        basis: `${parts.join(" + ")} a month in ${region} (${sourceLabel(source)}); the account's first ${CLOUDWATCH_FREE_TIER.standardAlarmMetrics} standard alarm metrics a month are free, not deducted`,
    };
}

/** `aws:cloudwatch/dashboard:Dashboard`: one dashboard-month (dashboards are global). */
export function priceDashboard(): PricedFigure {
    const { perDashboard, source } = CLOUDWATCH_DASHBOARD_MONTHLY;
    return {
        min: perDashboard,
        max: perDashboard,
        basis: `1 CloudWatch dashboard x ${dollars(perDashboard)} a month (${sourceLabel(source)}); the account's first ${CLOUDWATCH_FREE_TIER.dashboards} dashboards are free, not deducted`,
    };
}

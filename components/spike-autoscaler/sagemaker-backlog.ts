/**
 * Coming back from zero on a SageMaker asynchronous endpoint. Target tracking on `ApproximateBacklogSizePerInstance`
 * (sagemaker.ts) cannot scale out from zero instances: a backlog per instance is undefined without instances. AWS's
 * documented answer ("Autoscale an asynchronous endpoint", optional policy that scales up from zero for new requests,
 * docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html) is built here as written there: a step
 * scaling policy that adds one instance, triggered by a CloudWatch alarm on `HasBacklogWithoutCapacity` (namespace
 * AWS/SageMaker, dimension EndpointName, Average >= 1 over two one-minute periods, missing data left as missing).
 *
 * One change: the policy's cooldown is the cold-start budget (the guide's example has 300 s), so that while the first
 * instance starts (up to `startupTimeoutSeconds`), the alarm, still firing, does not add a second one.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StepPolicyPart } from "./app-autoscaling";
import type { AutoscalerSpec } from "./spec";

/** The alarm's metric: 1 while requests wait and the endpoint has no instance. */
export const BACKLOG_WITHOUT_CAPACITY_METRIC = "HasBacklogWithoutCapacity";

/** The step scaling configuration: +1 instance when the alarm fires, once per cold start. */
export function scaleFromZeroConfiguration(spec: Pick<AutoscalerSpec, "startupTimeoutSeconds">) {
    return {
        adjustmentType: "ChangeInCapacity",
        metricAggregationType: "Average",
        cooldown: spec.startupTimeoutSeconds,
        stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
    };
}

/** The alarm's settings without its action: the guide's values. */
export function backlogAlarmSettings(endpointName: pulumi.Input<string>) {
    return {
        metricName: BACKLOG_WITHOUT_CAPACITY_METRIC,
        namespace: "AWS/SageMaker",
        statistic: "Average",
        period: 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "missing",
        dimensions: { EndpointName: endpointName },
    };
}

/**
 * The step policy and alarm `<logicalName>-from-zero` (roles `scaleFromZeroPolicy`, `scaleFromZeroAlarm`), on the
 * scalable target of target tracking. Only for a minimum of 0: above it, target tracking has instances to measure.
 */
export function scaleFromZeroPart(spec: AutoscalerSpec, endpointName: pulumi.Input<string>): StepPolicyPart {
    return {
        suffix: "from-zero",
        role: "scaleFromZero",
        config: scaleFromZeroConfiguration(spec),
        alarm: backlogAlarmSettings(endpointName),
        description: pulumi.interpolate`Requests wait on SageMaker endpoint ${endpointName} with no instance: start one (modelship queue mode)`,
    };
}

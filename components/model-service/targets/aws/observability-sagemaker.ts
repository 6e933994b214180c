/**
 * `observability` on aws-sagemaker: the CloudWatch alarms and dashboard widgets of a SageMaker endpoint (the metrics and
 * their dimensions: observability.ts), and the instances-at-maximum alarm a standalone SpikeAutoscaler shares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import { ScalingBound } from "../../../spike-autoscaler/args";
import type { AutoscalerSpec } from "../../../spike-autoscaler/spec";
import type { ServingSpec } from "../../spec";
import { AlarmArgs, AlarmShape, errorRateAlarm, metric, thresholdAlarm } from "./alarms";
import type { AwsContext } from "./context";
import { createResources, latencyThresholdSeconds, observabilityShapes, Widget } from "./observability";

/** Minutes at the maximum before the instances alarm fires: a burst that the autoscaler absorbs does not page. */
const AT_MAX_MINUTES = 15;
/** 5-minute periods in a row that the backlog must grow before its alarm fires. */
const BACKLOG_GROWING_PERIODS = 3;
/** SageMaker's ModelLatency is in microseconds. */
const MICROSECONDS = 1_000_000;

/** Which bound the maximum is, in words: the budget cap or `maxReplicas` (a ModelService's autoscaling, or a standalone SpikeAutoscaler's spec). */
export function maxBoundWords(a: Pick<AutoscalerSpec, "bindingBound" | "budget" | "max" | "specMax">): string {
    const dollars = (n: number) => `$${n.toFixed(2).replace(/\.00$/, "")}`;
    if (a.bindingBound === ScalingBound.Budget && a.budget) return `the budget cap binds: ${dollars(a.budget.maxMonthlyUsd)}/month allows ${a.max} instances, below maxReplicas ${a.specMax}`;
    const budget = a.budget ? ` (the budget of ${dollars(a.budget.maxMonthlyUsd)}/month covers all ${a.max})` : "";
    return `maxReplicas ${a.max} binds${budget}`;
}
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
    return spec.observability.enabled ? observabilityShapes(spec, sagemakerAlarms(spec, watch)) : [];
}

/**
 * `observability` on aws-lambda: the CloudWatch alarms and dashboard widgets of a Lambda function, or of the alias
 * callers invoke (the metrics and their dimensions: observability.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import type { ServingSpec } from "../../spec";
import { AlarmShape, Dimensions, errorRateAlarm, metric, thresholdAlarm } from "./alarms";
import type { AwsContext } from "./context";
import { createResources, observabilityShapes, Widget } from "./observability";

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
    return spec.observability.enabled ? observabilityShapes(spec, lambdaAlarms(spec, watch)) : [];
}

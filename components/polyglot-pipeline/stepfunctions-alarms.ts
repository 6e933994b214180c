/**
 * The state machine's CloudWatch alarms, when the pipeline's `observability` is on (observability.ts): the share of
 * executions that did not succeed, and the average execution time. Built as plain shapes that both the deployment and
 * the cost model read. They publish to `observability.notifications.snsTopicArn` when they fire and when they clear,
 * and to nothing without it.
 *
 * Step Functions publishes per state machine, Express ones included, in namespace `AWS/States` with dimension
 * `StateMachineArn`: `ExecutionsStarted`, `ExecutionsFailed`, `ExecutionsTimedOut`, `ExecutionsAborted` (counts, Sum)
 * and `ExecutionTime` (from start to close, in milliseconds, like every Step Functions time metric).
 * docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../sdk/cost/types";
import { AlarmShape, metric, thresholdAlarm } from "../model-service/targets/aws/alarms";
import { pipelineLatencySeconds, pipelineObservability } from "./observability";
import { PipelineSpec } from "./spec";
import { executionTimeoutSeconds } from "./stepfunctions-asl";

const NAMESPACE = "AWS/States";
/** What did not succeed: a failed state, the state machine's timeout, a stopped execution. */
const NOT_SUCCEEDED = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] as const;
/** ExecutionTime is in milliseconds. */
const MILLISECONDS = 1000;

/** The two alarms of the state machine `stateMachineArn`; none with observability off. */
export function stateMachineAlarms(spec: PipelineSpec, stateMachineArn: pulumi.Input<string>): AlarmShape[] {
    const observability = pipelineObservability(spec);
    if (!observability.enabled) return [];
    const { errorRatePercent } = observability.thresholds;
    const timeout = executionTimeoutSeconds(spec);
    const latency = pipelineLatencySeconds(observability, timeout);
    const dims = { StateMachineArn: stateMachineArn };
    const where = `Step Functions state machine of the pipeline ${spec.name}`;
    const ids = ["failed", "timedOut", "aborted"];
    return [
        {
            name: `${spec.name}-alarm-failures`,
            role: "failuresAlarm",
            args: {
                alarmDescription: `${where}: more than ${errorRatePercent}% of executions failed, timed out or were aborted over 5 minutes ((ExecutionsFailed + ExecutionsTimedOut + ExecutionsAborted) / ExecutionsStarted)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: errorRatePercent,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                // No executions, no failures: an idle pipeline is healthy.
                treatMissingData: "notBreaching",
                metricQueries: [
                    { id: "started", metric: metric(NAMESPACE, "ExecutionsStarted", "Sum", dims), returnData: false },
                    ...NOT_SUCCEEDED.map((name, i) => ({ id: ids[i], metric: metric(NAMESPACE, name, "Sum", dims), returnData: false })),
                    {
                        id: "failureRate",
                        // A count with no datapoint in the period (nothing failed) is 0, not a gap that empties the sum.
                        expression: `IF(started > 0, 100 * (${ids.map((id) => `FILL(${id}, 0)`).join(" + ")}) / started, 0)`,
                        label: "executions not succeeded, % of ExecutionsStarted",
                        returnData: true,
                    },
                ],
            },
        },
        {
            name: `${spec.name}-alarm-latency`,
            role: "latencyAlarm",
            args: thresholdAlarm(metric(NAMESPACE, "ExecutionTime", "Average", dims), {
                threshold: latency * MILLISECONDS,
                operator: "GreaterThanThreshold",
                periods: 1,
                // No executions, no execution time: nothing is slow.
                missing: "notBreaching",
                description: `${where}: average ExecutionTime above ${latency} s over 5 minutes (the state machine's timeout is ${timeout} s; ExecutionTime is in milliseconds)`,
            }),
        },
    ];
}

/** Creates the alarms as children of `parent`, after the state machine; returns them by role. */
export function createStateMachineAlarms(spec: PipelineSpec, machine: aws.sfn.StateMachine, tags: Record<string, string>, parent: pulumi.Resource): Record<string, pulumi.Resource> {
    const topic = pipelineObservability(spec).notifications.snsTopicArn;
    const actions = topic !== undefined ? { alarmActions: [topic], okActions: [topic] } : {};
    return Object.fromEntries(
        stateMachineAlarms(spec, machine.arn).map((alarm) => [alarm.role, new aws.cloudwatch.MetricAlarm(alarm.name, { ...alarm.args, ...actions, tags }, { parent, dependsOn: [machine] })]),
    );
}

/** The same alarms, as the cost model reads them (the ARN does not change the price). */
export function stateMachineAlarmShapes(spec: PipelineSpec): CostedResource[] {
    return stateMachineAlarms(spec, "<state machine ARN>").map((a) => ({ urn: a.name, type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: a.name, inputs: a.args as Record<string, unknown> }));
}

/**
 * The workflow's Cloud Monitoring alert policy, when the pipeline's `observability` is on (observability.ts): the share
 * of finished executions that did not succeed over 5 minutes, above `thresholds.errorRatePercent`. It notifies
 * `observability.notifications.gcpNotificationChannels` (none by default: incidents stay in the console), closes 30
 * minutes after the condition clears, and carries the pipeline's labels, as the stages' policies do.
 *
 * Workflows reports `workflows.googleapis.com/finished_execution_count` on the monitored resource
 * `workflows.googleapis.com/Workflow` (labels `workflow_id`, `location`), with the execution's end state in the metric
 * label `status` (`SUCCEEDED`, `FAILED`, ...). A stage's call that times out or answers an error fails the execution.
 * No latency policy: the execution-time metric's type and unit could not be confirmed from Google's documentation.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../sdk/cost/types";
import { AUTO_CLOSE, PolicyArgs } from "../model-service/targets/gcp/monitoring";
import { pipelineObservability } from "./observability";
import { PipelineSpec } from "./spec";

const FINISHED = "workflows.googleapis.com/finished_execution_count";
/** The window of the share, as `thresholds.errorRatePercent` is defined. */
const WINDOW = "300s";

/** The workflow's policies by role (`alertFailures`); none with observability off. */
export function workflowAlertPolicies(spec: PipelineSpec, workflowName: string, labels: Record<string, string>): Array<{ key: string; name: string; args: PolicyArgs }> {
    const observability = pipelineObservability(spec);
    if (!observability.enabled) return [];
    const { errorRatePercent } = observability.thresholds;
    const channels = observability.notifications.gcpNotificationChannels ?? [];
    const finished = `resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="${workflowName}" AND resource.labels.location="${spec.workflows.region}" AND metric.type="${FINISHED}"`;
    const aggregations = [{ alignmentPeriod: WINDOW, perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.workflow_id"] }];
    const display = "executions not succeeded";
    return [
        {
            key: "alertFailures",
            name: `${spec.name}-alert-failures`,
            args: {
                displayName: `${workflowName}: ${display}`,
                combiner: "OR",
                notificationChannels: channels.length > 0 ? channels : undefined,
                userLabels: labels,
                alertStrategy: { autoClose: AUTO_CLOSE },
                documentation: {
                    mimeType: "text/markdown",
                    subject: `${workflowName}: ${display}`,
                    content: `Workflow \`${workflowName}\` in ${spec.workflows.region} (PolyglotPipeline ${spec.name}): more than ${errorRatePercent}% of executions finished over 5 minutes did not succeed (observability.thresholds.errorRatePercent). A stage that timed out or answered an error fails the execution; the stages' own alerts say whether one of them is the cause.`,
                },
                conditions: [
                    {
                        displayName: `executions not succeeded above ${errorRatePercent}%`,
                        conditionThreshold: {
                            filter: `${finished} AND metric.labels.status!="SUCCEEDED"`,
                            aggregations,
                            denominatorFilter: finished,
                            denominatorAggregations: aggregations,
                            comparison: "COMPARISON_GT",
                            thresholdValue: errorRatePercent / 100,
                            duration: "0s",
                            trigger: { count: 1 },
                        },
                    },
                ],
            },
        },
    ];
}

/** Creates the policies in the workflow's project, after it; returns them by role. */
export function createWorkflowAlerts(
    spec: PipelineSpec,
    workflow: gcp.workflows.Workflow,
    workflowName: string,
    labels: Record<string, string>,
    parent: pulumi.Resource,
): Record<string, pulumi.Resource> {
    return Object.fromEntries(
        workflowAlertPolicies(spec, workflowName, labels).map((p) => [p.key, new gcp.monitoring.AlertPolicy(p.name, { ...p.args, project: workflow.project }, { parent, dependsOn: [workflow] })]),
    );
}

/** The same, as the cost model prices them. */
export function workflowAlertShapes(spec: PipelineSpec, workflowName: string): CostedResource[] {
    return workflowAlertPolicies(spec, workflowName, {}).map((p) => ({ urn: p.name, type: "gcp:monitoring/alertPolicy:AlertPolicy", name: p.name, inputs: p.args as Record<string, unknown> }));
}

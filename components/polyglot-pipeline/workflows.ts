/**
 * `target: gcp-cloudrun`: a GCP Workflows workflow calls the Cloud Run stages (source in workflows-source.ts).
 *
 * - The stages stay private: internal ingress and no public invoker. Workflows may call a Cloud Run service whose
 *   ingress is internal-only in the same project (cloud.google.com/workflows/docs/calling-run-functions).
 * - The workflow runs as its own service account, with no project role but `roles/logging.logWriter` (call logs)
 *   and `roles/run.invoker` on exactly the stage services.
 * - Callers start an execution through the Workflows Executions API (`url`), with `roles/workflows.invoker`, and read
 *   its result; `gcloud workflows run` does both.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../sdk/cost/types";
import { cloudTags, gcpLabels, gcpName } from "../../sdk/naming";
import { criticalPathSeconds } from "./flow";
import { DeployedStage, OrchestratorDeployment, PipelineOrchestrator } from "./orchestrator";
import { PipelineSpec, pipelineOwner } from "./spec";
import { createWorkflowAlerts, workflowAlertShapes } from "./workflows-alerts";
import { workflowSource, WorkflowStageEndpoint } from "./workflows-source";

function deploy(spec: PipelineSpec, stages: DeployedStage[], parent: pulumi.ComponentResource): OrchestratorDeployment {
    const { region, callLogLevel } = spec.workflows;
    const labels = gcpLabels(cloudTags(pipelineOwner(spec)));
    const account = new gcp.serviceaccount.Account(
        `${spec.name}-workflow-sa`,
        {
            // Service account ids are 6 to 30 characters; the suffix keeps short names long enough.
            accountId: gcpName(`${spec.name}-pipeline`, 30),
            displayName: `modelship pipeline ${spec.name}`,
            description: `Identity of the workflow of the pipeline ${spec.name}: invokes its Cloud Run stages, writes call logs.`,
        },
        { parent },
    );
    const email = pulumi.interpolate`${account.accountId}@${account.project}.iam.gserviceaccount.com`;
    const member = pulumi.interpolate`serviceAccount:${email}`;
    const resources: Record<string, pulumi.Resource> = { serviceAccount: account };
    resources.logWriter = new gcp.projects.IAMMember(`${spec.name}-workflow-logs`, { project: account.project, role: "roles/logging.logWriter", member }, { parent });
    const grants = stages.map(({ stage, service }) => {
        const run = service.resources.service as gcp.cloudrunv2.Service;
        const grant = new gcp.cloudrunv2.ServiceIamMember(
            `${spec.name}-invoke-${stage.name}`,
            { project: run.project, location: run.location, name: run.name, role: "roles/run.invoker", member },
            { parent },
        );
        resources[`invoker-${stage.name}`] = grant;
        return grant;
    });

    const endpoints = pulumi.all(
        Object.fromEntries(stages.map(({ stage, service }) => [stage.name, service.url.apply((base): WorkflowStageEndpoint => ({ url: `${base}${stage.path}`, audience: base }))])),
    );
    const workflowName = gcpName(spec.name, 63);
    const workflow = new gcp.workflows.Workflow(
        `${spec.name}-workflow`,
        {
            name: workflowName,
            region,
            description: `modelship PolyglotPipeline ${spec.name}`,
            serviceAccount: email,
            sourceContents: endpoints.apply((e) => workflowSource(spec, e)),
            callLogLevel,
            labels,
            // The workflow holds no data; the provider's default (true) would make every replacement fail.
            deletionProtection: false,
        },
        // The first execution must be allowed to call its stages.
        { parent, dependsOn: grants },
    );
    resources.workflow = workflow;
    Object.assign(resources, createWorkflowAlerts(spec, workflow, workflowName, labels, parent));
    const url = pulumi.interpolate`https://workflowexecutions.googleapis.com/v1/projects/${workflow.project}/locations/${region}/workflows/${workflow.name}/executions`;
    return { url, id: workflow.id, resources };
}

function costedResources(spec: PipelineSpec): CostedResource[] {
    const name = `${spec.name}-workflow`;
    return [{ urn: name, type: "gcp:workflows/workflow:Workflow", name, inputs: {} }, ...workflowAlertShapes(spec, gcpName(spec.name, 63))];
}

/**
 * Workflows has no timeout of its own for an execution this short: each stage's call times out after the stage's
 * `timeoutSeconds` (workflows-source.ts), so an execution ends within the slowest path through the flow.
 */
export const workflowsOrchestrator: PipelineOrchestrator = { validate: () => [], requestTimeoutSeconds: (spec) => criticalPathSeconds(spec.flow), deploy, costedResources };

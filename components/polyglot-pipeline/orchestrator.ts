/**
 * The contract of each orchestrator file (stepfunctions.ts, workflows.ts, kubernetes.ts, docker.ts): its own
 * rules, what it shares with the stages (a provider), the resources that call the stages, and what they cost.
 */
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../sdk/cost/types";
import { ValidationProblem } from "../../sdk/validate";
import type { ModelService } from "../model-service";
import { ResolvedStage } from "./stages";
import { PipelineSpec } from "./spec";

/** A stage and the ModelService that deploys it. */
export interface DeployedStage {
    stage: ResolvedStage;
    service: ModelService;
}

/** What an orchestrator created. */
export interface OrchestratorDeployment {
    /** The pipeline's endpoint. */
    url: pulumi.Output<string>;
    /** The orchestrator's own identifier: state machine ARN, workflow name, `namespace/name` of the graph, router container name. */
    id: pulumi.Output<string>;
    /** The underlying resources by role (escape hatches). */
    resources: Record<string, pulumi.Resource>;
}

export interface PipelineOrchestrator {
    /** Rules of this orchestrator (run before anything is created). */
    validate(spec: PipelineSpec): ValidationProblem[];
    /** Resources the stages share with the orchestrator (a Kubernetes provider), and the options that pass them on. */
    prepare?(spec: PipelineSpec, parent: pulumi.ComponentResource): { options: pulumi.ComponentResourceOptions; resources: Record<string, pulumi.Resource> };
    /**
     * The pipeline's end-to-end request timeout as the orchestrator applies it, in seconds: the component's
     * `requestTimeoutSeconds`. It counts from the request's arrival, so a stage's cold start counts against it.
     */
    requestTimeoutSeconds(spec: PipelineSpec): number;
    /** Creates the resources that call the stages, as children of `parent`. */
    deploy(spec: PipelineSpec, stages: DeployedStage[], parent: pulumi.ComponentResource, shared: pulumi.ComponentResourceOptions): OrchestratorDeployment;
    /** The billable resources `deploy` creates, as type tokens and inputs for the cost model. */
    costedResources(spec: PipelineSpec): CostedResource[];
}

/**
 * The pipeline's own settings blocks (`stepFunctions`, `workflows`, `kubernetes`, `docker`) and `tags`, resolved once
 * with every default: the orchestrator files and the stages read these typed fields, never the raw arguments. Each
 * field goes through `withDefaults`, so a field given as `undefined` keeps its default.
 *
 * Only the chosen orchestrator's block may be given (the schema's cross-field check reports the others); the others
 * resolve to their defaults and are never read.
 */
import type { ObservabilityArgs } from "../model-service/args";
import * as pulumi from "@pulumi/pulumi";
import { stackGcpRegion } from "../../sdk/cost/regions";
import { withDefaults } from "../../sdk/validate";
import { ParsedPipelineArgs } from "./schema";

/** Default port of the Docker router; stages are published on the ports after it. */
const DEFAULT_ROUTER_PORT = 8080;
/** The official Node.js image the router runs in, pinned to a release (Node 22 LTS, as the package's engines). */
const DEFAULT_ROUTER_IMAGE = "node:22.23.3-alpine";

/** `stepFunctions` with its defaults. */
export interface StepFunctionsSettings {
    httpApi: boolean;
    logRetentionDays: number;
}

/** `workflows` with its defaults. */
export interface WorkflowsSettings {
    /** The `workflows.region`, else the stack's `gcp:region`, else `us-central1`. */
    region: string;
    callLogLevel: string;
}

/** `kubernetes` with its defaults. */
export interface KubernetesPipelineSettings {
    namespace: string;
    /** Kubeconfig of the one provider shared by the stages and the graph; absent for the ambient provider. */
    kubeconfig?: pulumi.Input<string>;
    routerCpu: number;
    routerMemoryMiB: number;
    routerMinReplicas: number;
    routerMaxReplicas: number;
}

/** `docker` with its defaults. */
export interface DockerPipelineSettings {
    port: number;
    routerImage: string;
    maxBodyMiB: number;
}

/** Every settings block of the pipeline, resolved. */
export interface PipelineSettings {
    stepFunctions: StepFunctionsSettings;
    workflows: WorkflowsSettings;
    kubernetes: KubernetesPipelineSettings;
    docker: DockerPipelineSettings;
    /** Extra cloud tags and Kubernetes labels; empty when none are given. */
    tags: Record<string, string>;
    /** Every stage's `observability`, as given (each stage's ModelService applies the defaults). */
    observability?: ObservabilityArgs;
}

/** The pipeline's settings blocks with their defaults under the given fields. */
export function pipelineSettings(args: ParsedPipelineArgs): PipelineSettings {
    return {
        stepFunctions: withDefaults({ httpApi: true, logRetentionDays: 30 }, args.stepFunctions),
        workflows: withDefaults({ region: stackGcpRegion(), callLogLevel: "LOG_ERRORS_ONLY" }, args.workflows),
        kubernetes: withDefaults({ namespace: "default", routerCpu: 0.5, routerMemoryMiB: 256, routerMinReplicas: 1, routerMaxReplicas: 3 }, args.kubernetes),
        docker: withDefaults({ port: DEFAULT_ROUTER_PORT, routerImage: DEFAULT_ROUTER_IMAGE, maxBodyMiB: 10 }, args.docker),
        tags: { ...args.tags },
        observability: args.observability,
    };
}

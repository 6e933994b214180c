/**
 * The contract every ModelService target implements. A new target is a new file that exports one of
 * these and is listed in `targets/index.ts`; nothing else changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import type { AutoscalerTarget } from "../../spike-autoscaler/args";
import type { ReplicaPricing } from "../../spike-autoscaler/budget";
import type { AutoscalerContext } from "../../spike-autoscaler/spec";
import { ValidationProblem } from "../../../sdk/validate";
import { ModelServiceQueueOutputs, Target } from "../args";
import { ServingSpec } from "../spec";
import { ServingTiming } from "../timing";

/** What a target deployed. */
export interface TargetDeployment {
    /** The endpoint callers use. */
    url: pulumi.Output<string>;
    /** The endpoint inside the cluster or network, where there is one. */
    internalUrl?: pulumi.Output<string>;
    /**
     * What a ModelGateway route names this backend by on the target: the SageMaker endpoint's name, the Lambda function's
     * ARN (its alias's, where there is one), the Cloud Run service's name, the in-cluster URL on kubernetes, the container's
     * URL on docker; empty where the service has no such endpoint (queue mode on kubernetes and docker).
     */
    endpointName: pulumi.Output<string>;
    /** What clients of a queue-mode service need; undefined in HTTP mode. */
    queue?: pulumi.Output<ModelServiceQueueOutputs>;
    /** The underlying resources by role (escape hatches), for example `{ deployment, service }`. */
    resources: Record<string, pulumi.Resource>;
}

/**
 * What a target adds to `scaling.autoscaling` (components/model-service/autoscaling.ts runs the part every target
 * shares): the autoscaler that scales it, and its own defaults, rules and settings.
 */
export interface TargetAutoscaling {
    /** The SpikeAutoscaler target that scales this serving target. */
    autoscaler: AutoscalerTarget;
    /** True when the target autoscales without `scaling.autoscaling` (a default policy, resolved from `{}` and `context`). */
    implicit?(spec: ServingSpec): boolean;
    /** The target's part of the autoscaler's context: defaults that replace the generic ones, Kubernetes settings, queue mode. */
    context?(spec: ServingSpec): Pick<AutoscalerContext, "defaults" | "kubernetes" | "queue">;
    /** Problems between the target's settings and `scaling.autoscaling` (given or not), in ModelService's paths. */
    problems?(spec: ServingSpec): ValidationProblem[];
}

/** A target without an autoscaler: `scaling.autoscaling` is refused, with the reason and what to do instead. */
export interface NoAutoscaling {
    unsupported: string;
}

/** One serving target; `Settings` is its settings block with every default applied (and what it derives from the spec). */
export interface ServingTarget<Settings extends object = object> {
    target: Target;
    /**
     * The one settings step: the target's block (`spec.given.<block>`) with every default applied, through
     * `withDefaults` so that a field given as `undefined` keeps its default. The target reads its settings here; it
     * reads `spec.given` only to tell a value given explicitly from its default (a rule about a field that was set).
     */
    settings(spec: ServingSpec): Settings;
    /** How `scaling.autoscaling` works on this target, or why it does not (required, so a new target must say). */
    autoscaling: TargetAutoscaling | NoAutoscaling;
    /** Rules that hold for this target only (run before anything is created). */
    validate(spec: ServingSpec): ValidationProblem[];
    /**
     * How long a request can wait for the service to start serving, then take, as deployed (timing.ts): the component's
     * `coldStartBudgetSeconds` and `requestTimeoutSeconds`. Known from the spec alone, so the pipeline and tests read it too.
     */
    timing(spec: ServingSpec): ServingTiming;
    /** Creates the target's resources as children of `parent`. */
    deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment;
    /**
     * The billable resources this target creates, as plain type tokens and inputs, for the cost model.
     * The same pricing code then serves the component's output, the plan and the policy pack.
     */
    costedResources(spec: ServingSpec): CostedResource[];
    /**
     * How one replica is billed (its shape for the cost model, and the replicas a canary bills per bound), for the
     * autoscaling budget. Defaults to unknown: a budget is then refused.
     */
    replicaPricing?(spec: ServingSpec): ReplicaPricing;
}

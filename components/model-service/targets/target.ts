/**
 * The contract every ModelService target implements. A new target is a new file that exports one of
 * these and is listed in `targets/index.ts`; nothing else changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import type { ReplicaPricing } from "../../spike-autoscaler/budget";
import { ValidationProblem } from "../../../sdk/validate";
import { Target } from "../args";
import { ServingSpec } from "../spec";

/** What a target deployed. */
export interface TargetDeployment {
    /** The endpoint callers use. */
    url: pulumi.Output<string>;
    /** The endpoint inside the cluster or network, where there is one. */
    internalUrl?: pulumi.Output<string>;
    /** The underlying resources by role (escape hatches), for example `{ deployment, service }`. */
    resources: Record<string, pulumi.Resource>;
}

export interface ServingTarget {
    target: Target;
    /** Rules that hold for this target only (run before anything is created). */
    validate(spec: ServingSpec): ValidationProblem[];
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

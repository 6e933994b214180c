/**
 * The shape every policy of the pack is written in: a pure function over plain resources (type token and
 * inputs) and the policy's parsed config, returning findings. `pack.ts` wraps it for @pulumi/policy
 * (`pulumi preview --policy-pack`), `evaluate.ts` runs the same function for the offline plan.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import type { Settings } from "./settings";
import type { CostedResource } from "../../sdk/cost/types";

/**
 * A resource as a policy sees it. The plan passes a ResourceRecord (inputs and outputs); the pack passes the
 * engine's view (`props`: inputs for resource policies, the state for stack policies, which holds a custom resource's inputs but
 * only what a component registered as its outputs: ModelGateway registers a `policyView` for that reason).
 * A value not known yet (a preview) reads as not known: the readers of sdk/cost/inputs throw `UnknownInput`.
 */
export interface PlainResource extends CostedResource {
    /** The provider the resource is created with: its type (`pulumi:providers:aws`) and settings (`defaultTags`). */
    provider?: { type: string; inputs: Record<string, unknown> };
    /**
     * URNs of the resources this one depends on (the engine's `dependencies`: every resource whose output its inputs
     * use, and `dependsOn`). Known during preview when the values that link them (an ID, a self link) are not, so the
     * gateway checks follow a load balancer's or an API's links through them. Absent where the runner does not say.
     */
    dependencies?: readonly string[];
}

/** One thing a policy found. */
export interface Finding {
    message: string;
    /** The resource concerned; absent for the whole stack. */
    urn?: string;
    /**
     * True for an advisory note of a policy whatever its own level: a price the catalog does not know, a value
     * not known during preview. The Pulumi engine reports unknown values during preview the same way.
     */
    advisory?: boolean;
}

/** What a policy knows about the stack besides its resources. */
export interface StackEnv {
    /** The stack's name; empty when the runtime does not say. */
    stack: string;
    /** Pulumi stack tags (Pulumi Cloud stacks only); empty elsewhere. */
    stackTags: ReadonlyMap<string, string>;
    /** Region of AWS resources without their own: the `aws:region` config. */
    awsRegion?: string;
    /** Region of GCP resources without a location: the `gcp:region` config. */
    gcpRegion?: string;
}

/** What every policy declares. */
interface PolicyInfo {
    /** The policy's name: public interface, keep stable. */
    name: string;
    description: string;
    /** The level when the policy config does not set one. */
    enforcementLevel: EnforcementLevel;
    /** The config properties, their defaults and what they accept. */
    settings: Settings;
    /** Guidance shown with violations in Pulumi Cloud. */
    remediationSteps: string;
}

/** A policy that looks at one resource at a time (`validateResource`). */
export interface ResourceRule<C = Record<string, unknown>> extends PolicyInfo {
    kind: "resource";
    /** The resource types the policy reads; others are not applicable. */
    appliesTo(type: string): boolean;
    check(resource: PlainResource, config: C, env: StackEnv): Finding[];
}

/** A policy that looks at the whole stack (`validateStack`). */
export interface StackRule<C = Record<string, unknown>> extends PolicyInfo {
    kind: "stack";
    check(resources: ReadonlyArray<PlainResource>, config: C, env: StackEnv): Finding[];
}

/** Any policy of the pack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each rule has its own config type; the runners only pass parsed config through.
export type Rule = ResourceRule<any> | StackRule<any>;

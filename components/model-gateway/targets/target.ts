/**
 * The contract every ModelGateway target implements. A new target is a new file that exports one of these and is
 * listed in `targets/index.ts`; nothing else changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { ValidationProblem } from "../../../sdk/validate";
import { GatewayTarget } from "../args";
import { BackendKind, GatewaySpec } from "../spec";

/** The longest timeout a target can give a route, and the name of the limit (quoted in errors and warnings). */
export interface TimeoutLimit {
    seconds: number;
    /** For example `API Gateway's integration timeout quota (aws.maxIntegrationTimeoutSeconds)`. */
    limit: string;
}

/** What a target deployed. */
export interface GatewayDeployment {
    /** The gateway's base URL, without a trailing `/`. */
    url: pulumi.Output<string>;
    /** Each route's URL (the base URL and the route's prefix), by route name. */
    routeUrls: Record<string, pulumi.Output<string>>;
    /** The underlying resources by role (escape hatches), for example `{ gateway, restApi }`. */
    resources: Record<string, pulumi.Resource>;
}

/** One gateway target. */
export interface GatewayTargetImpl {
    target: GatewayTarget;
    /** The backend kinds this target can route to. */
    backends: readonly BackendKind[];
    /** The longest route timeout the target allows; undefined when it has no hard limit. */
    timeoutLimit(spec: GatewaySpec): TimeoutLimit | undefined;
    /** Rules that hold for this target only (header matches, quotas, JWT, sizes), in argument paths. */
    validate(spec: GatewaySpec): ValidationProblem[];
    /**
     * Creates the target's resources as children of `parent`. `keys` holds every consumer's API key (given or
     * generated, secret) with `auth: api-key`, and is empty with JWT.
     */
    deploy(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>, parent: pulumi.ComponentResource): GatewayDeployment;
    /** The billable resources the target creates, as type tokens and inputs, for the cost model. */
    costedResources(spec: GatewaySpec): CostedResource[];
}

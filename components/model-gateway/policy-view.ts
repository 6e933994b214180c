/**
 * What the policy pack reads of a ModelGateway (policies/inspect/gateway-timeouts.ts and gateway-links.ts), registered
 * as the component's `policyView` output. A stack policy sees each resource's final outputs, and a component's outputs
 * are what it registers, not its arguments (the engine's AnalyzeStack reads `Outputs`; RegisterResourceOutputs replaces
 * them): without this output `pulumi preview --policy-pack` could not see the routes' cold starts and timeouts. Not a
 * class property, so not in the package schema.
 */
import * as pulumi from "@pulumi/pulumi";
import { ModelGatewayArgs } from "./args";
import { GatewaySpec } from "./spec";
import { TimeoutLimit } from "./targets/target";

/** One route as the policies read it. */
export interface PolicyRouteView {
    name: string;
    anonymous: boolean;
    coldStartSeconds: pulumi.Input<number>;
    requestSeconds: pulumi.Input<number>;
    /** The resolved timeout: given, or cold start + request capped at the target's limit. */
    timeoutSeconds: pulumi.Input<number>;
    /** Whether `timeoutSeconds` was given (else it is the default). */
    timeoutGiven: boolean;
    allowShortTimeout: boolean;
}

/** The gateway as the policies read it. */
export interface PolicyView {
    target: string;
    /** The target's limit on a route's timeout, with its name; absent when the target has none. */
    timeoutLimit?: TimeoutLimit;
    routes: PolicyRouteView[];
}

/** The policy view of a resolved gateway. */
export function policyView(spec: GatewaySpec, args: ModelGatewayArgs, limit: TimeoutLimit | undefined): PolicyView {
    return {
        target: spec.target,
        ...(limit ? { timeoutLimit: limit } : {}),
        routes: spec.routes.map((route, i) => ({
            name: route.name,
            anonymous: route.anonymous,
            coldStartSeconds: route.coldStartSeconds,
            requestSeconds: route.requestSeconds,
            timeoutSeconds: route.timeoutSeconds,
            timeoutGiven: args.routes[i]?.timeoutSeconds !== undefined,
            allowShortTimeout: args.routes[i]?.allowShortTimeout === true,
        })),
    };
}

/**
 * The names of a gateway's Kubernetes objects: its resource name exactly (never lower-cased or hashed, so `kubectl`
 * finds what the program says), and `<name>-<route>` for a route's objects.
 */
import { DerivedKubernetesName } from "../../../../sdk/naming";
import { GatewayAuth } from "../../args";
import { GatewaySpec, RouteSpec } from "../../spec";

/** Suffix of a route's key Secret. */
export const KEYS_SUFFIX = "keys";

/** The Gateway and the consumers' BackendTrafficPolicy: the gateway's name. */
export function gatewayObjectName(spec: GatewaySpec): string {
    return spec.name;
}

/** A route's HTTPRoute, SecurityPolicy, ReferenceGrant and (anonymous routes) BackendTrafficPolicy. */
export function routeObjectName(spec: GatewaySpec, route: RouteSpec): string {
    return `${spec.name}-${route.name}`;
}

/** A route's key Secret. */
export function routeSecretName(spec: GatewaySpec, route: RouteSpec): string {
    return `${spec.name}-${route.name}-${KEYS_SUFFIX}`;
}

/** Every object named after the gateway, for the name's length check. */
export function derivedNames(spec: GatewaySpec): DerivedKubernetesName[] {
    return [
        { suffix: "", objects: "the Gateway and its BackendTrafficPolicy" },
        ...spec.routes.flatMap((r) => {
            const route = { suffix: r.name, objects: `the HTTPRoute, SecurityPolicy and ReferenceGrant of route ${r.name}` };
            return spec.auth === GatewayAuth.ApiKey && !r.anonymous ? [route, { suffix: `${r.name}-${KEYS_SUFFIX}`, objects: `the key Secret of route ${r.name}` }] : [route];
        }),
    ];
}

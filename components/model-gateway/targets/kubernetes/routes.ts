/**
 * A route's HTTPRoute (gateway.networking.k8s.io/v1) and the ReferenceGrant (v1beta1) that lets it reach a Service in
 * another namespace. https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 *
 * Retries: neither the Gateway API's HTTPRoute `retry` (GEP-1731, supported by Envoy Gateway from v1.3, where it takes
 * precedence over BackendTrafficPolicy's: envoyproxy/gateway#5024) nor BackendTrafficPolicy's `retry` can be limited to
 * some methods: Envoy retries any method its retry policy covers. So each route has two rules: one matching only the
 * idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE), which retries when the route has retries, and one for every other
 * method (POST, PATCH...), which never does. A rule with a method match takes precedence over one without (Gateway API's
 * match precedence: path, then method, then number of headers), so every request takes exactly one of them; and since
 * every route has the same two rules, a route matched by a header still wins over another route of the same prefix.
 */
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_API_GROUP, gatewayDuration, gatewayParentRef } from "../../../kubernetes/route";
import { RouteSpec } from "../../spec";
import { ServiceBackend } from "./backend";

/** Methods that are safe to send twice (RFC 9110, section 9.2.2). */
export const IDEMPOTENT_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"] as const;

/** Answers retried: the backend did not take the request (connection failures are retried as well, GEP-1731). */
export const RETRY_STATUS_CODES = [502, 503] as const;

/** The matches of a route: its path prefix, its header, and a method when given. */
function matches(route: RouteSpec, method?: string): Record<string, unknown> {
    const match: Record<string, unknown> = { path: { type: "PathPrefix", value: route.pathPrefix } };
    if (route.header) match.headers = [{ type: "Exact", name: route.header.name, value: route.header.value }];
    if (method) match.method = method;
    return match;
}

/**
 * `/fraud/predict` reaches the backend as `/predict` (ReplacePrefixMatch `/`: "/foo/bar" with prefix "/foo" becomes
 * "/bar", per the Gateway API's HTTPPathModifier). With the prefix `/` there is nothing to strip: no filter.
 */
function filters(route: RouteSpec): Record<string, unknown>[] | undefined {
    if (!route.stripPrefix || route.pathPrefix === "/") return undefined;
    return [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }];
}

/** The HTTPRoute's `spec`, once the backend and the timeout are known. */
export function httpRouteSpec(route: RouteSpec, gateway: { name: string; namespace: string }, backend: ServiceBackend, timeoutSeconds: number): Record<string, unknown> {
    const base = {
        filters: filters(route),
        backendRefs: [{ group: "", kind: "Service", name: backend.service, namespace: backend.namespace, port: backend.port }],
        timeouts: { request: gatewayDuration(timeoutSeconds) },
    };
    // Every route has both rules, retries or not: with the method match on one route only, Gateway API's precedence
    // (method before headers) would send a GET meant for a header-matched route to another route of the same prefix.
    const idempotent = { ...base, matches: IDEMPOTENT_METHODS.map((m) => matches(route, m)) };
    const rules = [route.retries > 0 ? { ...idempotent, retry: { attempts: route.retries, codes: [...RETRY_STATUS_CODES] } } : idempotent, { ...base, matches: [matches(route)] }];
    return {
        parentRefs: [gatewayParentRef(gateway)],
        rules,
    };
}

/** {@link httpRouteSpec} from the route's Outputs. */
export function httpRouteSpecOutput(route: RouteSpec, gateway: { name: string; namespace: string }, backend: pulumi.Output<ServiceBackend>): pulumi.Output<Record<string, unknown>> {
    return pulumi.all([backend, route.timeoutSeconds]).apply(([b, t]) => httpRouteSpec(route, gateway, b, t));
}

/** The ReferenceGrant's `spec`: HTTPRoutes of the gateway's namespace may send to this one Service. */
export function referenceGrantSpec(gatewayNamespace: string, backend: ServiceBackend): Record<string, unknown> {
    return {
        from: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: gatewayNamespace }],
        to: [{ group: "", kind: "Service", name: backend.service }],
    };
}

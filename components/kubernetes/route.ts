/**
 * Gateway API HTTPRoutes (gateway.networking.k8s.io/v1): a workload's Services behind a Gateway, with
 * weighted backends for canaries and an explicit request timeout.
 *
 * Emitted as `CustomResource`s: @pulumi/kubernetes has no typed Gateway API classes. The Gateway must
 * allow routes from the route's namespace (`listeners[].allowedRoutes.namespaces`).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** API group of the Gateway API. */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/** A Gateway, by namespace and name. */
export interface GatewayRef {
    namespace: string;
    name: string;
}

/** Parses `namespace/name`. The format is checked by the caller's schema. */
export function parseGatewayRef(value: string): GatewayRef {
    const [namespace, name] = value.split("/");
    return { namespace, name };
}

/** One Service behind the route. */
export interface RouteBackend {
    serviceName: pulumi.Input<string>;
    port: number;
    /** Relative share of requests; with one backend, leave it out. */
    weight?: number;
}

/** An HTTPRoute to create. */
export interface HttpRouteSpec {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    gateway: GatewayRef;
    /** Host names the route answers. Defaults to every host of the Gateway's listeners. */
    hostnames?: string[];
    backends: RouteBackend[];
    /**
     * Longest time the gateway waits for a response. Always set: gateways default to far less than a
     * model needs (Envoy: 15 s), which cuts off long generations and requests held during a cold start.
     */
    requestTimeoutSeconds: number;
}

/** A route's `parentRefs` entry for a Gateway. */
export function gatewayParentRef(gateway: GatewayRef): Record<string, string> {
    return { group: GATEWAY_API_GROUP, kind: "Gateway", namespace: gateway.namespace, name: gateway.name };
}

/**
 * Seconds as a Gateway API Duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`): `90s`, `2s500ms`, `250ms`. Each part has at most
 * 5 digits, so durations past 99,999 s are written in hours and minutes (`27h46m40s`).
 */
export function gatewayDuration(seconds: number): string {
    const totalMs = Math.round(seconds * 1000);
    const whole = Math.floor(totalMs / 1000);
    const ms = totalMs % 1000;
    if (whole <= 99_999) return ms === 0 ? `${whole}s` : whole === 0 ? `${ms}ms` : `${whole}s${ms}ms`;
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const s = whole % 60;
    return [`${h}h`, m ? `${m}m` : "", s ? `${s}s` : "", ms ? `${ms}ms` : ""].join("");
}

/** The HTTPRoute's `spec`. */
export function httpRouteSpec(spec: HttpRouteSpec): Record<string, unknown> {
    return {
        parentRefs: [gatewayParentRef(spec.gateway)],
        hostnames: spec.hostnames,
        rules: [
            {
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: spec.backends.map((b) => ({ group: "", kind: "Service", name: b.serviceName, port: b.port, weight: b.weight })),
                timeouts: { request: gatewayDuration(spec.requestTimeoutSeconds) },
            },
        ],
    };
}

export function createHttpRoute(logicalName: string, spec: HttpRouteSpec, opts: pulumi.CustomResourceOptions): kubernetes.apiextensions.CustomResource {
    return new kubernetes.apiextensions.CustomResource(
        logicalName,
        {
            apiVersion: `${GATEWAY_API_GROUP}/v1`,
            kind: "HTTPRoute",
            metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
            spec: httpRouteSpec(spec),
        },
        opts,
    );
}

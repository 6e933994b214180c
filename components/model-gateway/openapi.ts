/**
 * The gateway's OpenAPI 3.0.3 document: one path for each route prefix (the prefix itself and everything under it),
 * the methods the gateway forwards, the header a route matches on, the security scheme (an API key in `x-api-key`
 * or a JWT bearer token; none on anonymous routes), the answers the gateway itself gives, and `x-modelship-*`
 * extensions with each route's timeout, body limit, backend kind and consumers' rates.
 */
import * as pulumi from "@pulumi/pulumi";
import { GatewayAuth } from "./args";
import { API_KEY_HEADER, BackendKind, ConsumerSpec, GatewaySpec, RouteSpec } from "./spec";

/** The methods every target forwards on every route (a gateway route is a proxy: the backend decides what it serves). */
export const ROUTED_METHODS = ["get", "post", "put", "delete", "head", "options", "patch"] as const;

/** The methods a route answers: POST only to a SageMaker endpoint or a state machine (an invocation), else all. */
function methodsOf(route: RouteSpec): readonly string[] {
    return route.backend.kind === BackendKind.SageMakerEndpoint || route.backend.kind === BackendKind.StateMachine ? ["post"] : ROUTED_METHODS;
}

/** The security scheme of each auth mode, by its name in `components.securitySchemes`. */
const SECURITY_SCHEMES: Record<GatewayAuth, { name: string; scheme: Record<string, string> }> = {
    [GatewayAuth.ApiKey]: { name: "apiKey", scheme: { type: "apiKey", in: "header", name: API_KEY_HEADER, description: "The consumer's API key (the gateway's consumerKeys output)." } },
    [GatewayAuth.Jwt]: { name: "bearerAuth", scheme: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A JWT from the configured issuer; a claim names the consumer." } },
};

/** The answers the gateway gives on its own, in addition to the backend's. */
const RESPONSES = {
    "200": { description: "The backend's answer (any status the backend returns is passed through)." },
    "401": { description: "No key or token, or one the gateway does not know." },
    "403": { description: "The consumer is not allowed on this route." },
    "413": { description: "The request body is larger than the route's limit (x-modelship-max-body-mib)." },
    "429": { description: "The consumer is over its rate (x-modelship-consumers) or its monthly quota." },
    "504": { description: "The backend did not answer within the route's timeout (x-modelship-timeout-seconds)." },
};

type Json = Record<string, unknown>;

function consumerRates(route: RouteSpec, consumers: readonly ConsumerSpec[]): Json {
    return Object.fromEntries(
        consumers
            .filter((c) => route.consumers.includes(c.name))
            .map((c) => [c.name, { ratePerSecond: c.ratePerSecond, burst: c.burst, ...(c.monthlyQuota !== undefined ? { monthlyQuota: c.monthlyQuota } : {}) }]),
    );
}

/** What the document says of one route, in the operation's `x-modelship-routes`. */
function routeExtension(route: RouteSpec, timeout: number, consumers: readonly ConsumerSpec[]): Json {
    return {
        name: route.name,
        ...(route.header ? { header: { name: route.header.name, value: route.header.value } } : {}),
        "x-modelship-timeout-seconds": timeout,
        "x-modelship-max-body-mib": route.maxBodyMiB,
        "x-modelship-retries": route.retries,
        "x-modelship-backend": route.backend.kind,
        "x-modelship-anonymous": route.anonymous,
        "x-modelship-consumers": consumerRates(route, consumers),
    };
}

/** The header parameter of the routes sharing a prefix: required when every one of them matches on it. */
function headerParameters(routes: readonly RouteSpec[]): Json[] {
    const names = [...new Set(routes.flatMap((r) => (r.header ? [r.header.name] : [])))];
    return names.map((name) => {
        const values = routes.flatMap((r) => (r.header?.name === name ? [r.header.value] : []));
        return {
            name,
            in: "header",
            required: routes.every((r) => r.header?.name === name),
            description: `Selects the route: ${routes.map((r) => (r.header?.name === name ? `${JSON.stringify(r.header.value)} for ${r.name}` : `absent for ${r.name}`)).join(", ")}.`,
            schema: { type: "string", enum: values },
        };
    });
}

function security(routes: readonly RouteSpec[], auth: GatewayAuth): Json[] {
    const scheme = { [SECURITY_SCHEMES[auth].name]: [] };
    if (routes.every((r) => r.anonymous)) return [];
    // `{}` makes the scheme optional: some routes under this path take requests without a key.
    return routes.some((r) => r.anonymous) ? [scheme, {}] : [scheme];
}

function operations(routes: readonly RouteSpec[], timeouts: Map<string, number>, spec: GatewaySpec, suffix: string): Json {
    const id = routes.map((r) => r.name).join("_");
    const extensions = routes.map((r) => routeExtension(r, timeouts.get(r.name) ?? 0, spec.consumers));
    const summary = routes.length === 1 ? `Route ${routes[0].name}` : `Routes ${routes.map((r) => r.name).join(", ")}, selected by header`;
    const methods = ROUTED_METHODS.filter((method) => routes.some((r) => methodsOf(r).includes(method)));
    return Object.fromEntries(
        methods.map((method) => [
            method,
            {
                operationId: `${id}_${method}${suffix}`,
                summary,
                parameters: headerParameters(routes),
                ...(method === "post" || method === "put" || method === "patch" ? { requestBody: { required: false, content: { "*/*": { schema: {} } } } } : {}),
                responses: RESPONSES,
                security: security(routes, spec.auth),
                "x-modelship-routes": extensions,
            },
        ]),
    );
}

/** The routes grouped by path prefix, in the order of their first route. */
function byPrefix(routes: readonly RouteSpec[]): Map<string, RouteSpec[]> {
    const groups = new Map<string, RouteSpec[]>();
    for (const route of routes) groups.set(route.pathPrefix, [...(groups.get(route.pathPrefix) ?? []), route]);
    return groups;
}

/**
 * The OpenAPI 3.0.3 document of the gateway's routes, as a JSON object.
 *
 * @param spec the resolved gateway
 * @param url the gateway's base URL (the document's server)
 * @param timeouts each route's resolved timeout in seconds, by route name
 */
export function openApiDocument(spec: GatewaySpec, url: string, timeouts: Map<string, number>): Json {
    const paths: Json = {};
    for (const [prefix, routes] of byPrefix(spec.routes)) {
        const base = prefix === "/" ? "" : prefix;
        paths[prefix] = operations(routes, timeouts, spec, "");
        paths[`${base}/{path}`] = {
            parameters: [{ name: "path", in: "path", required: true, description: "The rest of the path, passed to the backend.", schema: { type: "string" } }],
            ...operations(routes, timeouts, spec, "_path"),
        };
    }
    const scheme = SECURITY_SCHEMES[spec.auth];
    return {
        openapi: "3.0.3",
        info: { title: `${spec.name} (ModelGateway)`, version: "1", description: `The routes of the ModelGateway ${JSON.stringify(spec.name)} on ${spec.target}.` },
        servers: [{ url }],
        paths,
        components: { securitySchemes: { [scheme.name]: scheme.scheme } },
    };
}

/**
 * The document as a JSON string, once the URL and every route's timeout are known.
 *
 * @param spec the resolved gateway
 * @param url the gateway's base URL
 */
export function openApiOutput(spec: GatewaySpec, url: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.all([url, pulumi.all(spec.routes.map((r) => r.timeoutSeconds))]).apply(([base, timeouts]) => {
        const byName = new Map(spec.routes.map((r, i) => [r.name, timeouts[i]]));
        return JSON.stringify(openApiDocument(spec, base, byName), null, 2);
    });
}

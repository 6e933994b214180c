/**
 * Cloud gateways reachable from the internet without authentication:
 * - AWS API Gateway REST APIs: a Method with `authorization: "NONE"` and `apiKeyRequired` not true (an API key with a
 *   usage plan is what ModelGateway's aws-apigateway target checks; "CUSTOM", "AWS_IAM" and "COGNITO_USER_POOLS"
 *   authenticate). OPTIONS methods (CORS preflight) and methods of a PRIVATE REST API are not public endpoints.
 * - AWS API Gateway HTTP and WebSocket APIs: a Route with `authorizationType` "NONE" (its default).
 * - GCP global external load balancers: a GlobalForwardingRule with loadBalancingScheme EXTERNAL (its default) or
 *   EXTERNAL_MANAGED, followed to its target proxy, URL map and backend services (gateway-links.ts): a backend service
 *   with neither IAP enabled nor a Cloud Armor policy that denies by default (ModelGateway's policy per route denies
 *   with 403 every request without a consumer's key) is open. A policy outside the stack cannot be read and counts as
 *   guarding; a policy whose rules are unknown during preview gives an advisory note, unless it is a ModelGateway's
 *   policy on a route that is not anonymous, which denies by default.
 */
import { bool, get, list, num, str, UnknownInput } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";
import { anonymousRouteKey, gatewayRouteAnonymous, linked, refersAt } from "./gateway-links";
import { AWS, GCP, GCP_TARGET_PROXIES } from "./types";

const one = (type: string): ReadonlySet<string> => new Set([type]);

/** How an anonymous route is allowed on purpose, for the end of a message. */
function listIt(key: string): string {
    return `or, for a route anonymous on purpose, list it in anonymousRoutes as "${key}"`;
}

/** Whether a REST API is PRIVATE (reachable only through VPC endpoints): `endpointConfiguration.types` (a list, or one string in newer providers). */
function privateRestApi(api: PlainResource): boolean {
    const types = get(api.inputs, "endpointConfiguration.types");
    return Array.isArray(types) ? types.includes("PRIVATE") : types === "PRIVATE";
}

/** Why an API Gateway REST API Method is public without authentication; empty when it is not. */
export function restMethodProblems(method: PlainResource, resources: ReadonlyArray<PlainResource>, anonymous: readonly string[]): string[] {
    if (str(method.inputs, "authorization") !== "NONE" || bool(method.inputs, "apiKeyRequired") === true) return [];
    const httpMethod = str(method.inputs, "httpMethod") ?? "?";
    if (httpMethod === "OPTIONS") return [];
    if (linked(method, "restApi", one(AWS.restApi), resources).some(privateRestApi)) return [];
    const key = anonymousRouteKey(method, resources);
    if (anonymous.includes(key)) return [];
    return [
        `the REST API method ${httpMethod} has authorization "NONE" and requires no API key (apiKeyRequired is not true): anyone on the internet can call it; ` +
            `use a Lambda authorizer ("CUSTOM"), "AWS_IAM" or "COGNITO_USER_POOLS", or require an API key with a usage plan (apiKeyRequired: true), ${listIt(key)}`,
    ];
}

/** Why an API Gateway HTTP (or WebSocket) API Route is public without authentication; empty when it is not. */
export function httpApiRouteProblems(route: PlainResource, resources: ReadonlyArray<PlainResource>, anonymous: readonly string[]): string[] {
    const authorization = str(route.inputs, "authorizationType");
    if (authorization !== undefined && authorization !== "NONE") return [];
    const key = anonymousRouteKey(route, resources);
    if (anonymous.includes(key)) return [];
    const given = authorization === undefined ? "no authorizationType (the default is NONE)" : 'authorizationType "NONE"';
    return [`the HTTP API route ${str(route.inputs, "routeKey") ?? "?"} has ${given}: anyone on the internet can call it; use "AWS_IAM", "JWT" or "CUSTOM", ${listIt(key)}`];
}

/** Cloud Armor's default rule: the lowest priority, matching every request; GCP adds one that allows when none is given. */
const DEFAULT_RULE_PRIORITY = 2147483647;
/** Actions that let a request through. */
const PASSING = ["allow", "throttle", "rate_based_ban", "redirect"];

/** Whether a Cloud Armor rule matches every request by source (`srcIpRanges: ["*"]`, no expression). */
function matchesEveryone(rule: unknown): boolean {
    const ranges = list(rule, "match.config.srcIpRanges");
    return ranges.includes("*") && get(rule, "match.expr") === undefined;
}

/**
 * Why a Cloud Armor policy lets every request through, or undefined when it admits only requests that an earlier rule
 * lets through (its default rule denies and no earlier rule passes every source).
 */
function armorOpening(policy: PlainResource): string | undefined {
    const rules = list(policy.inputs, "rules");
    const fallback = rules.find((r) => num(r, "priority") === DEFAULT_RULE_PRIORITY);
    const action = fallback !== undefined ? (str(fallback, "action") ?? "") : "allow";
    if (!action.startsWith("deny")) return fallback !== undefined ? `its default rule (priority ${DEFAULT_RULE_PRIORITY}) is "${action}"` : "it has no default rule (GCP adds one that allows)";
    const everyone = rules.find((r) => num(r, "priority") !== DEFAULT_RULE_PRIORITY && PASSING.includes(str(r, "action") ?? "") && matchesEveryone(r));
    return everyone !== undefined ? `its rule of priority ${num(everyone, "priority")} lets every source through ("${str(everyone, "action")}")` : undefined;
}

/** Why a backend service admits anyone, or undefined when IAP or a Cloud Armor policy guards it. */
function backendOpening(service: PlainResource, resources: ReadonlyArray<PlainResource>): string | undefined {
    if (bool(service.inputs, "iap.enabled") === true) return undefined;
    const policies = linked(service, "securityPolicy", one(GCP.securityPolicy), resources);
    if (policies.length === 0) return refersAt(service, "securityPolicy") ? undefined : "no Cloud Armor securityPolicy and no IAP";
    let openings: Array<{ p: PlainResource; why: string | undefined }>;
    try {
        openings = policies.map((p) => ({ p, why: armorOpening(p) }));
    } catch (e) {
        // Rules not known yet (a preview: they hold generated keys). ModelGateway writes a policy that denies by
        // default on every route that is not anonymous (targets/gcp/armor.ts), so its arguments decide.
        if (e instanceof UnknownInput && gatewayRouteAnonymous(service, resources) === false) return undefined;
        throw e;
    }
    if (openings.some((o) => o.why === undefined)) return undefined;
    return openings.map((o) => `Cloud Armor policy ${o.p.name} admits everyone: ${o.why}`).join("; ") + "; no IAP";
}

/** The backend services a global forwarding rule sends to: through its target proxy and the proxy's URL map. */
function backendServices(rule: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource[] {
    const services = one(GCP.backendService);
    const found: PlainResource[] = [];
    for (const proxy of linked(rule, "target", GCP_TARGET_PROXIES, resources)) {
        found.push(...linked(proxy, "service", services, resources));
        for (const map of linked(proxy, "urlMap", one(GCP.urlMap), resources)) found.push(...linked(map, undefined, services, resources));
    }
    return [...new Set(found)];
}

/** Why a global external load balancer's forwarding rule fronts backends open to anyone; empty when it does not. */
export function loadBalancerProblems(rule: PlainResource, resources: ReadonlyArray<PlainResource>, anonymous: readonly string[]): string[] {
    const scheme = str(rule.inputs, "loadBalancingScheme") ?? "EXTERNAL";
    if (scheme !== "EXTERNAL" && scheme !== "EXTERNAL_MANAGED") return [];
    const unknown: UnknownInput[] = [];
    const open = backendServices(rule, resources).flatMap((service) => {
        const key = anonymousRouteKey(service, resources);
        if (anonymous.includes(key)) return [];
        try {
            const why = backendOpening(service, resources);
            return why === undefined ? [] : [{ service, why, key }];
        } catch (e) {
            if (!(e instanceof UnknownInput)) throw e;
            unknown.push(new UnknownInput(`backend service ${service.name}:`, e.message));
            return [];
        }
    });
    // A backend whose policy is not known yet (preview) gives the advisory note only when no other backend is open.
    if (open.length === 0 && unknown.length > 0) throw unknown[0];
    if (open.length === 0) return [];
    const listed = open.map((o) => `${o.service.name} (${o.why})`).join(", ");
    const keys = open.map((o) => `"${o.key}"`).join(", ");
    return [
        `the global external load balancer (loadBalancingScheme ${scheme}) sends requests to backend service(s) ${listed}: anyone on the internet reaches them without authentication; ` +
            `attach a Cloud Armor policy that denies by default and admits only authenticated requests (ModelGateway: a route with consumers), enable IAP (iap.enabled), ` +
            `or, for routes anonymous on purpose, list them in anonymousRoutes as ${keys}`,
    ];
}

/** Resource types these checks read, each with its check. */
export const GATEWAY_EXPOSURE_CHECKS: Readonly<Record<string, typeof restMethodProblems>> = {
    [AWS.restMethod]: restMethodProblems,
    [AWS.httpApiRoute]: httpApiRouteProblems,
    [GCP.globalForwardingRule]: loadBalancerProblems,
};

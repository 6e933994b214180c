/**
 * Cloud Armor: one security policy per route, attached to the route's backend service, and one for the default
 * service that answers 404. A policy per route because Cloud Armor already counts a rate limit per backend service
 * (cloud.google.com/armor/docs/rate-limiting-overview): a route's policy sees only that route's requests, so its
 * rules match on the key alone, one subexpression each, far within the five a rule may hold
 * (cloud.google.com/armor/docs/rules-language-reference), and no path or header expression can drift from the URL map.
 *
 * The keys end up in the rules' expressions: built from the secret Outputs, they stay secret in Pulumi's state, but
 * anyone with `compute.securityPolicies.get` on the project reads them in the API. That is the price of needing no
 * extra service to check keys.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpLabels } from "../../../../sdk/naming";
import { API_KEY_HEADER, CONSUMER_HEADER, GatewaySpec, RouteSpec } from "../../spec";
import { rateThreshold } from "./limits";
import { gcpResourceName } from "./names";

type Rule = gcp.types.input.compute.SecurityPolicyRule;

/** Cloud Armor's default rule: the lowest priority, matching every request. */
export const DEFAULT_RULE_PRIORITY = 2147483647;
/** The first consumer rule's priority; the next consumers follow in order. */
export const FIRST_CONSUMER_PRIORITY = 1000;

const EVERY_SOURCE = { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } };

/** A CEL string literal (single quotes; backslash and quote escaped). */
export function celString(value: string): string {
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The default rule: `action` for every request no earlier rule matched. */
export function defaultRule(action: string, description: string): Rule {
    return { priority: DEFAULT_RULE_PRIORITY, action, match: EVERY_SOURCE, description };
}

/**
 * The throttle rule of one consumer on one route: its key, its rate over the shortest window that holds its burst,
 * 429 above it, and its name in `x-modelship-consumer` for the backend.
 */
export function consumerRule(spec: GatewaySpec, consumer: string, key: string, priority: number): Rule {
    const c = spec.consumers.find((x) => x.name === consumer);
    if (!c) throw new Error(`consumer ${consumer} is not in the gateway`);
    return {
        priority,
        action: "throttle",
        description: `consumer ${consumer}`,
        match: { expr: { expression: `request.headers[${celString(API_KEY_HEADER)}] == ${celString(key)}` } },
        rateLimitOptions: {
            conformAction: "allow",
            exceedAction: "deny(429)",
            enforceOnKey: "HTTP_HEADER",
            enforceOnKeyName: API_KEY_HEADER,
            rateLimitThreshold: rateThreshold(c.ratePerSecond, c.burst),
        },
        headerAction: { requestHeadersToAdds: [{ headerName: CONSUMER_HEADER, headerValue: consumer }] },
    };
}

/**
 * The rules of one route: anonymous, one default rule that allows; else a throttle rule per allowed consumer and a
 * default rule that denies with 403 (no key, an unknown key, or a key whose consumer may not call the route). Cloud
 * Armor's deny answers 403, 404 or 502, never 401.
 */
export function routeRules(spec: GatewaySpec, route: RouteSpec, keys: Record<string, string>): Rule[] {
    if (route.anonymous) return [defaultRule("allow", `anonymous route ${route.name}`)];
    return [...route.consumers.map((consumer, i) => consumerRule(spec, consumer, keys[consumer], FIRST_CONSUMER_PRIORITY + i)), defaultRule("deny(403)", "no key, or a key not allowed on this route")];
}

/** The policy of one route. Its rules are an Output of the consumers' secret keys, secret themselves. */
export function routePolicy(spec: GatewaySpec, route: RouteSpec, keys: Record<string, pulumi.Output<string>>, parent: pulumi.Resource): gcp.compute.SecurityPolicy {
    const used = Object.fromEntries(route.consumers.map((c) => [c, keys[c]]));
    const rules = pulumi.secret(pulumi.all(used)).apply((plain) => routeRules(spec, route, plain));
    return new gcp.compute.SecurityPolicy(
        `${spec.name}-${route.name}-armor`,
        {
            name: gcpResourceName(spec, `${route.name}-armor`),
            description: `modelship ModelGateway ${spec.name}: keys and rates on route ${route.name}`,
            type: "CLOUD_ARMOR",
            rules,
            labels: gcpLabels(spec.tags),
        },
        { parent },
    );
}

/** The policy of the default service: every request that no route matches is answered 404. */
export function notFoundPolicy(spec: GatewaySpec, parent: pulumi.Resource): gcp.compute.SecurityPolicy {
    return new gcp.compute.SecurityPolicy(
        `${spec.name}-not-found-armor`,
        {
            name: gcpResourceName(spec, "not-found-armor"),
            description: `modelship ModelGateway ${spec.name}: paths no route matches`,
            type: "CLOUD_ARMOR",
            rules: [defaultRule("deny(404)", "no route matches the path")],
            labels: gcpLabels(spec.tags),
        },
        { parent },
    );
}

/**
 * Who may call a route: Envoy Gateway's SecurityPolicy on the route's HTTPRoute (components/kubernetes/auth-policy.ts),
 * and with API keys, a Secret per route holding exactly the keys of the consumers allowed on it.
 *
 * Envoy Gateway answers 401 to a request without a valid key or token, and 403 to a valid token that the authorization
 * rules refuse (JWT: a consumer not allowed on the route). With API keys a consumer not allowed on a route has no key in
 * that route's Secret, so its key is unknown there: 401.
 * https://gateway.envoyproxy.io/docs/tasks/security/apikey-auth/ and .../security/jwt-claim-authorization/
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AuthPolicySpec, createAuthPolicy } from "../../../kubernetes/auth-policy";
import { GatewayAuth } from "../../args";
import { CONSUMER_HEADER, GatewaySpec, RouteSpec } from "../../spec";

/** What a route's protection needs to know of the objects around it. */
export interface RouteAuthContext {
    namespace: string;
    labels: Record<string, string>;
    /** Name of the route's HTTPRoute (and of its SecurityPolicy). */
    objectName: string;
    /** Name of the route's key Secret. */
    secretName: string;
}

/** The key Secret's `stringData`: `<consumer>: <key>` for each consumer allowed on the route. A Pulumi secret. */
export function routeKeys(route: RouteSpec, keys: Record<string, pulumi.Output<string>>): pulumi.Output<Record<string, string>> {
    const entries = route.consumers.map((name) => pulumi.all([name, keys[name]]));
    return pulumi.secret(pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs)));
}

/** The SecurityPolicy of an authenticated route, as {@link createAuthPolicy} takes it. */
export function routeAuthPolicy(spec: GatewaySpec, route: RouteSpec, ctx: RouteAuthContext): AuthPolicySpec {
    const base = { name: ctx.objectName, namespace: ctx.namespace, labels: ctx.labels, routeName: ctx.objectName };
    // The consumer's name goes to the backend, its key does not (a model server has no use for it, and logs headers).
    if (spec.auth === GatewayAuth.ApiKey) return { ...base, apiKey: { secretName: ctx.secretName, forwardClientIdHeader: CONSUMER_HEADER, sanitize: true } };
    const jwt = spec.jwt!;
    return {
        ...base,
        jwt: {
            issuer: jwt.issuer,
            jwksUri: jwt.jwksUri,
            audiences: jwt.audiences,
            claimToHeader: { claim: jwt.consumerClaim, header: CONSUMER_HEADER },
            allowClaim: { claim: jwt.consumerClaim, values: route.consumers },
        },
    };
}

/** The route's Secret (API keys only) and SecurityPolicy; nothing for an anonymous route. */
export function createRouteAuth(
    spec: GatewaySpec,
    route: RouteSpec,
    ctx: RouteAuthContext,
    keys: Record<string, pulumi.Output<string>>,
    opts: pulumi.CustomResourceOptions,
): Record<string, pulumi.Resource> {
    if (route.anonymous) return {};
    const resources: Record<string, pulumi.Resource> = {};
    const policyOpts = { ...opts };
    if (spec.auth === GatewayAuth.ApiKey) {
        const secret = new kubernetes.core.v1.Secret(
            `${spec.name}-${route.name}-keys`,
            { metadata: { name: ctx.secretName, namespace: ctx.namespace, labels: ctx.labels }, type: "Opaque", stringData: routeKeys(route, keys) },
            opts,
        );
        resources[`${route.name}Keys`] = secret;
        policyOpts.dependsOn = [secret];
    }
    resources[`${route.name}SecurityPolicy`] = createAuthPolicy(`${spec.name}-${route.name}-auth`, routeAuthPolicy(spec, route, ctx), policyOpts);
    return resources;
}

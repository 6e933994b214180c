/**
 * Authentication at the gateway. The Gateway API has no standard authentication, so modelship emits
 * Envoy Gateway's `SecurityPolicy` (gateway.envoyproxy.io/v1alpha1), the most widely deployed
 * implementation with both JWT and API-key authentication (API keys need Envoy Gateway 1.3 or later).
 * https://gateway.envoyproxy.io/docs/concepts/gateway_api_extensions/security-policy/
 *
 * The policy attaches to one HTTPRoute, so it protects exactly that route. The ClusterIP Services behind
 * it stay reachable inside the cluster without credentials: restrict them with a NetworkPolicy.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_API_GROUP } from "./route";

/** API version of Envoy Gateway's policies. */
export const ENVOY_GATEWAY_API_VERSION = "gateway.envoyproxy.io/v1alpha1";

/** Header that carries the API key. */
export const API_KEY_HEADER = "x-api-key";

/** JWT validation against an issuer's key set. */
export interface JwtAuthSpec {
    issuer: string;
    jwksUri: string;
    /** Accepted audiences. Defaults to any. */
    audiences?: string[];
    /** Copy a claim's value into a request header (for rate limits that select on it). Defaults to none. */
    claimToHeader?: { claim: string; header: string };
    /**
     * Admit only tokens whose `claim` is one of `values`; every other token is refused (403). Defaults to admitting
     * every valid token.
     */
    allowClaim?: { claim: string; values: string[] };
}

/** Name of the JWT provider in the policy (authorization rules refer to it). */
export const JWT_PROVIDER_NAME = "issuer";

/** API keys kept in a Secret: each key of the Secret is a client id, its value that client's API key. */
export interface ApiKeyAuthSpec {
    secretName: pulumi.Input<string>;
    /** Header in which Envoy Gateway forwards the client id (the Secret's key) to the backend. Defaults to none. */
    forwardClientIdHeader?: string;
    /**
     * Remove the key from the request before it reaches the backend (`sanitize`, Envoy Gateway 1.5.0 with
     * `forwardClientIDHeader`, envoyproxy/gateway#6444). Defaults to false (the key goes through).
     */
    sanitize?: boolean;
}

/** A SecurityPolicy to create: exactly one of `jwt` and `apiKey`. */
export interface AuthPolicySpec {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Name of the HTTPRoute it protects (same namespace). */
    routeName: pulumi.Input<string>;
    jwt?: JwtAuthSpec;
    apiKey?: ApiKeyAuthSpec;
}

/** The SecurityPolicy's `spec`. */
export function authPolicySpec(spec: AuthPolicySpec): Record<string, unknown> {
    const out: Record<string, unknown> = {
        targetRefs: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", name: spec.routeName }],
    };
    if (spec.jwt) {
        const { claimToHeader, allowClaim } = spec.jwt;
        out.jwt = {
            providers: [
                {
                    name: JWT_PROVIDER_NAME,
                    issuer: spec.jwt.issuer,
                    audiences: spec.jwt.audiences,
                    remoteJWKS: { uri: spec.jwt.jwksUri },
                    claimToHeaders: claimToHeader ? [{ claim: claimToHeader.claim, header: claimToHeader.header }] : undefined,
                },
            ],
        };
        if (allowClaim) {
            out.authorization = {
                defaultAction: "Deny",
                rules: [{ name: "allowed-consumers", action: "Allow", principal: { jwt: { provider: JWT_PROVIDER_NAME, claims: [{ name: allowClaim.claim, values: allowClaim.values }] } } }],
            };
        }
    }
    if (spec.apiKey) {
        out.apiKeyAuth = {
            credentialRefs: [{ group: "", kind: "Secret", name: spec.apiKey.secretName }],
            extractFrom: [{ headers: [API_KEY_HEADER] }],
            forwardClientIDHeader: spec.apiKey.forwardClientIdHeader,
            sanitize: spec.apiKey.sanitize,
        };
    }
    return out;
}

export function createAuthPolicy(logicalName: string, spec: AuthPolicySpec, opts: pulumi.CustomResourceOptions): kubernetes.apiextensions.CustomResource {
    return new kubernetes.apiextensions.CustomResource(
        logicalName,
        {
            apiVersion: ENVOY_GATEWAY_API_VERSION,
            kind: "SecurityPolicy",
            metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
            spec: authPolicySpec(spec),
        },
        opts,
    );
}

/**
 * The Gateway API Gateway (gateway.networking.k8s.io/v1) of a ModelGateway: one listener, HTTPS on 443 terminating TLS
 * with the team's certificate Secret, or plain HTTP on 80 without one, admitting routes from its own namespace only.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 */
import { GATEWAY_API_GROUP } from "../../../kubernetes/route";
import { CONSUMER_HEADER, KubernetesGatewaySettings } from "../../spec";

/** The listener's name: the HTTPRoutes attach to the Gateway as a whole, so it only has to be stable. */
export function listenerName(settings: KubernetesGatewaySettings): string {
    return settings.tlsSecretName === undefined ? "http" : "https";
}

/** The Gateway's `spec`. */
export function gatewaySpec(settings: KubernetesGatewaySettings): Record<string, unknown> {
    const tls = settings.tlsSecretName;
    const listener: Record<string, unknown> = {
        name: listenerName(settings),
        protocol: tls === undefined ? "HTTP" : "HTTPS",
        port: tls === undefined ? 80 : 443,
        hostname: settings.hostname,
        // Routes of other namespaces cannot attach to this gateway and inherit its keys' front door.
        allowedRoutes: { namespaces: { from: "Same" } },
    };
    if (tls !== undefined) listener.tls = { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: tls }] };
    return { gatewayClassName: settings.gatewayClassName, listeners: [listener] };
}

/** `<apiVersion>` of the Gateway and HTTPRoute objects. */
export const GATEWAY_API_VERSION = `${GATEWAY_API_GROUP}/v1`;

/**
 * The ClientTrafficPolicy's `spec`: the consumer header a client sent is removed as the request arrives, before
 * routing and before any filter. The header is what the rate limits count by and what the backend trusts as the
 * caller's name; with API keys Envoy's filter overwrites it (`setCopy`), but with JWT the `claimToHeaders` of the
 * jwt_authn filter appends (`addCopy`), so a client could send `x-modelship-consumer: <another team>` next to its own
 * token and be counted against the other team's rate (Envoy's rate-limit header action reads the first value).
 * `headers.earlyRequestHeaders` is HTTP connection manager's early header mutation (Envoy Gateway's ClientTrafficPolicy,
 * https://gateway.envoyproxy.io/docs/api/extension_types/#headersettings).
 */
export function clientTrafficPolicySpec(gatewayName: string): Record<string, unknown> {
    return {
        targetRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gatewayName }],
        headers: { earlyRequestHeaders: { remove: [CONSUMER_HEADER] } },
    };
}

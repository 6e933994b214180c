/**
 * The Gateway API Gateway (gateway.networking.k8s.io/v1) of a ModelGateway: one listener, HTTPS on 443 terminating TLS
 * with the team's certificate Secret, or plain HTTP on 80 without one, admitting routes from its own namespace only.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 */
import { GATEWAY_API_GROUP } from "../../../kubernetes/route";
import { KubernetesGatewaySettings } from "../../spec";

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

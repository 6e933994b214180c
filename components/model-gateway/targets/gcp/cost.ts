/**
 * What the gcp-loadbalancer target creates, as the cost model sees it: the same names and the same pricing inputs as
 * deploy (load-balancer.ts and armor.ts build theirs from these shapes), keys replaced by a placeholder.
 */
import { gcpLabels } from "../../../../sdk/naming";
import { CostedResource } from "../../../../sdk/cost/types";
import { BackendKind, GatewaySpec } from "../../spec";
import { defaultRule, routeRules } from "./armor";
import { gcpResourceName } from "./names";

const COMPUTE = "gcp:compute";

/** The plain arguments of the gateway's forwarding rule (deploy adds the proxy and the address). */
export function forwardingRuleShape(spec: GatewaySpec) {
    return { name: gcpResourceName(spec, "https"), ipProtocol: "TCP", portRange: "443", loadBalancingScheme: "EXTERNAL_MANAGED", labels: gcpLabels(spec.tags) };
}

/** Every resource deploy creates, by type and logical name, with the inputs the pricers read. */
export function gcpCostedResources(spec: GatewaySpec): CostedResource[] {
    const item = (type: string, name: string, inputs: Record<string, unknown> = {}): CostedResource => ({ urn: name, type: `${COMPUTE}/${type}`, name, inputs });
    const hidden = Object.fromEntries(spec.consumers.map((c) => [c.name, "(secret)"]));
    const perRoute = spec.routes.flatMap((route) => {
        const base = `${spec.name}-${route.name}`;
        const policy = item("securityPolicy:SecurityPolicy", `${base}-armor`, { name: gcpResourceName(spec, `${route.name}-armor`), type: "CLOUD_ARMOR", rules: routeRules(spec, route, hidden) });
        const backend = item("backendService:BackendService", `${base}-backend`, { loadBalancingScheme: "EXTERNAL_MANAGED" });
        const negs =
            route.backend.kind === BackendKind.CloudRunService
                ? [item("regionNetworkEndpointGroup:RegionNetworkEndpointGroup", `${base}-neg`, { networkEndpointType: "SERVERLESS", region: spec.gcp.region })]
                : [
                      item("globalNetworkEndpointGroup:GlobalNetworkEndpointGroup", `${base}-neg`, { networkEndpointType: "INTERNET_FQDN_PORT" }),
                      item("globalNetworkEndpoint:GlobalNetworkEndpoint", `${base}-endpoint`),
                  ];
        return [policy, ...negs, backend];
    });
    return [
        ...perRoute,
        item("securityPolicy:SecurityPolicy", `${spec.name}-not-found-armor`, { type: "CLOUD_ARMOR", rules: [defaultRule("deny(404)", "no route matches the path")] }),
        item("backendService:BackendService", `${spec.name}-not-found`, { loadBalancingScheme: "EXTERNAL_MANAGED" }),
        item("uRLMap:URLMap", `${spec.name}-url-map`),
        item("globalAddress:GlobalAddress", `${spec.name}-address`, { addressType: "EXTERNAL", ipVersion: "IPV4" }),
        ...(spec.gcp.sslCertificate === undefined ? [item("managedSslCertificate:ManagedSslCertificate", `${spec.name}-certificate`, { type: "MANAGED" })] : []),
        item("targetHttpsProxy:TargetHttpsProxy", `${spec.name}-https-proxy`),
        item("globalForwardingRule:GlobalForwardingRule", `${spec.name}-https`, forwardingRuleShape(spec)),
    ];
}

/**
 * `gcp-loadbalancer`'s deployment: a global external Application Load Balancer (EXTERNAL_MANAGED) on one IPv4 address,
 * HTTPS only on 443 with a Google-managed certificate for `gcp.domain` or the certificate given, a URL map of the
 * routes, a backend service per route and Cloud Armor policies holding the keys and rates.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpLabels } from "../../../../sdk/naming";
import { GatewaySpec } from "../../spec";
import { GatewayDeployment } from "../target";
import { notFoundPolicy, routePolicy } from "./armor";
import { notFoundService, routeBackend } from "./backends";
import { forwardingRuleShape } from "./cost";
import { gcpResourceName } from "./names";
import { routePriorities, routeRule, urlMap } from "./url-map";

/** The certificate: Google-managed for the domain (free, renewed by Google), else the one given. */
function certificate(spec: GatewaySpec, parent: pulumi.Resource, resources: Record<string, pulumi.Resource>): pulumi.Input<string> {
    if (spec.gcp.sslCertificate !== undefined) return spec.gcp.sslCertificate;
    const cert = new gcp.compute.ManagedSslCertificate(
        `${spec.name}-certificate`,
        { name: gcpResourceName(spec, "certificate"), type: "MANAGED", managed: { domains: [spec.gcp.domain as string] } },
        { parent },
    );
    resources.certificate = cert;
    return cert.id;
}

/** Creates the gateway's resources as children of `parent`. */
export function deployGcpGateway(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>, parent: pulumi.ComponentResource): GatewayDeployment {
    const labels = gcpLabels(spec.tags);
    const resources: Record<string, pulumi.Resource> = {};
    const priorities = routePriorities(spec.routes);
    const rules = spec.routes.map((route) => {
        const policy = routePolicy(spec, route, keys, parent);
        const backend = routeBackend(spec, route, policy, parent);
        Object.assign(resources, { [`${route.name}Policy`]: policy }, backend.resources);
        return routeRule(route, priorities.get(route.name) as number, backend.service.id, backend.host);
    });
    rules.sort((a, b) => (a.priority as number) - (b.priority as number));
    const notFoundArmor = notFoundPolicy(spec, parent);
    const notFound = notFoundService(spec, notFoundArmor, parent);
    const map = urlMap(spec, gcpResourceName(spec, "url-map"), rules, notFound, parent);
    const address = new gcp.compute.GlobalAddress(`${spec.name}-address`, { name: gcpResourceName(spec, "address"), addressType: "EXTERNAL", ipVersion: "IPV4", labels }, { parent });
    const proxy = new gcp.compute.TargetHttpsProxy(
        `${spec.name}-https-proxy`,
        { name: gcpResourceName(spec, "https-proxy"), urlMap: map.id, sslCertificates: [certificate(spec, parent, resources)] },
        { parent },
    );
    const forwardingRule = new gcp.compute.GlobalForwardingRule(`${spec.name}-https`, { ...forwardingRuleShape(spec), target: proxy.id, ipAddress: address.id }, { parent });
    Object.assign(resources, { notFoundPolicy: notFoundArmor, notFound, urlMap: map, address, httpsProxy: proxy, forwardingRule });
    const url = spec.gcp.domain !== undefined ? pulumi.output(`https://${spec.gcp.domain}`) : pulumi.interpolate`https://${address.address}`;
    const routeUrls = Object.fromEntries(spec.routes.map((r) => [r.name, r.pathPrefix === "/" ? url : pulumi.interpolate`${url}${r.pathPrefix}`]));
    return { url, routeUrls, resources };
}

/**
 * One backend service per route (EXTERNAL_MANAGED, logging every request, behind the route's Cloud Armor policy):
 * - a Cloud Run service through a serverless NEG in `gcp.region`. No `timeoutSec`: the backend service timeout does
 *   not apply to serverless NEGs, Cloud Run's request timeout does (at most 3,600 s).
 * - a URL through an internet NEG (INTERNET_FQDN_PORT) with one endpoint, its host and port; HTTPS, `timeoutSec` the
 *   route's timeout. The URL map rewrites the Host header to the endpoint's host (routes.ts).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BackendKind, GatewaySpec, RouteSpec } from "../../spec";
import { parseBackendUrl } from "./limits";
import { gcpResourceName } from "./names";

/** What one route's backend is made of. */
export interface RouteBackend {
    service: gcp.compute.BackendService;
    /** The host of a URL backend (for the Host rewrite); undefined for Cloud Run. */
    host?: pulumi.Output<string>;
    resources: Record<string, pulumi.Resource>;
}

/** The endpoint of a URL backend, checked again once an Output resolves. */
export function urlEndpoint(spec: GatewaySpec, route: RouteSpec): pulumi.Output<{ fqdn: string; port: number }> {
    return pulumi.output(route.backend.locator).apply((url) => {
        const parsed = parseBackendUrl(url);
        if (typeof parsed === "string") throw new Error(`ModelGateway "${spec.name}": routes[${spec.routes.indexOf(route)}].url (route ${route.name}) is ${JSON.stringify(url)}; expected ${parsed}`);
        return parsed;
    });
}

function backendService(spec: GatewaySpec, route: RouteSpec, neg: pulumi.Input<string>, policy: gcp.compute.SecurityPolicy, parent: pulumi.Resource, url: boolean) {
    return new gcp.compute.BackendService(
        `${spec.name}-${route.name}-backend`,
        {
            name: gcpResourceName(spec, `${route.name}-backend`),
            description: `modelship ModelGateway ${spec.name}: route ${route.name}`,
            loadBalancingScheme: "EXTERNAL_MANAGED",
            protocol: url ? "HTTPS" : undefined,
            timeoutSec: url ? route.timeoutSeconds : undefined,
            backends: [{ group: neg }],
            securityPolicy: policy.id,
            logConfig: { enable: true, sampleRate: 1 },
        },
        { parent },
    );
}

/** The NEG and backend service of one route. */
export function routeBackend(spec: GatewaySpec, route: RouteSpec, policy: gcp.compute.SecurityPolicy, parent: pulumi.Resource): RouteBackend {
    if (route.backend.kind === BackendKind.CloudRunService) {
        const neg = new gcp.compute.RegionNetworkEndpointGroup(
            `${spec.name}-${route.name}-neg`,
            {
                name: gcpResourceName(spec, `${route.name}-neg`),
                region: spec.gcp.region,
                networkEndpointType: "SERVERLESS",
                cloudRun: { service: route.backend.locator },
            },
            { parent },
        );
        const service = backendService(spec, route, neg.id, policy, parent, false);
        return { service, resources: { [`${route.name}Neg`]: neg, [`${route.name}Backend`]: service } };
    }
    if (route.backend.kind !== BackendKind.Url) throw new Error(`gcp-loadbalancer cannot route to a ${route.backend.kind}`);
    const endpoint = urlEndpoint(spec, route);
    const neg = new gcp.compute.GlobalNetworkEndpointGroup(
        `${spec.name}-${route.name}-neg`,
        { name: gcpResourceName(spec, `${route.name}-neg`), networkEndpointType: "INTERNET_FQDN_PORT", defaultPort: endpoint.port },
        { parent },
    );
    const member = new gcp.compute.GlobalNetworkEndpoint(`${spec.name}-${route.name}-endpoint`, { globalNetworkEndpointGroup: neg.name, fqdn: endpoint.fqdn, port: endpoint.port }, { parent });
    const service = backendService(spec, route, neg.id, policy, parent, true);
    return {
        service,
        host: endpoint.fqdn,
        resources: { [`${route.name}Neg`]: neg, [`${route.name}Endpoint`]: member, [`${route.name}Backend`]: service },
    };
}

/**
 * The URL map's default service: a backend service without backends whose Cloud Armor policy answers every request
 * 404, so a path no route matches never reaches a model. (A backend bucket would serve 404 pages too, but is a bucket
 * to keep; a URL map cannot answer a status by itself.)
 */
export function notFoundService(spec: GatewaySpec, policy: gcp.compute.SecurityPolicy, parent: pulumi.Resource): gcp.compute.BackendService {
    return new gcp.compute.BackendService(
        `${spec.name}-not-found`,
        {
            name: gcpResourceName(spec, "not-found"),
            description: `modelship ModelGateway ${spec.name}: paths no route matches (404 from Cloud Armor)`,
            loadBalancingScheme: "EXTERNAL_MANAGED",
            securityPolicy: policy.id,
            logConfig: { enable: true, sampleRate: 1 },
        },
        { parent },
    );
}

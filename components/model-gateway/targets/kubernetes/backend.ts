/**
 * A route's backend on Kubernetes: a cluster Service named by its URL. The HTTPRoute's backendRef needs the Service's
 * name, namespace and port, so the URL must be a cluster Service URL, `http://<service>.<namespace>.svc[.cluster.local][:<port>]`
 * (what a ModelService's `internalUrl` and a PolyglotPipeline's `url` on kubernetes are).
 */
import * as pulumi from "@pulumi/pulumi";
import { isDeferred, ModelshipValidationError, ValidationProblem } from "../../../../sdk/validate";

const COMPONENT_TYPE = "modelship:index:ModelGateway";

/** A Service behind a route. */
export interface ServiceBackend {
    service: string;
    namespace: string;
    port: number;
}

/** What a backend URL must look like on kubernetes (quoted in errors). */
export const SERVICE_URL_FORM = "a cluster Service URL, http://<service>.<namespace>.svc[.cluster.local][:<port>] (a ModelService's internalUrl or a PolyglotPipeline's url on kubernetes)";

// RFC 1035 Service name, RFC 1123 namespace, optional `.cluster.local`, optional port, optional trailing `/`.
const SERVICE_URL = /^http:\/\/([a-z]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?(:([0-9]{1,5}))?\/?$/;

/** The Service a URL names, or undefined when the URL is not a cluster Service URL. Port 80 when none is given. */
export function parseServiceUrl(url: string): ServiceBackend | undefined {
    const match = SERVICE_URL.exec(url);
    if (!match || match[1].length > 63 || match[3].length > 63) return undefined;
    const port = match[7] === undefined ? 80 : Number(match[7]);
    if (port < 1 || port > 65535) return undefined;
    return { service: match[1], namespace: match[3], port };
}

/** The problem with a plain backend URL at `path`, or none (a URL still unknown is checked when it resolves). */
export function serviceUrlProblems(url: pulumi.Input<string>, path: string): ValidationProblem[] {
    if (isDeferred(url) || typeof url !== "string") return [];
    return parseServiceUrl(url) ? [] : [{ path, received: JSON.stringify(url), expected: SERVICE_URL_FORM }];
}

/**
 * The Service of a route's URL, an Output. A URL that resolves to something else fails the deployment with the same
 * words as a plain one: the HTTPRoute would otherwise point at nothing.
 */
export function serviceBackend(component: string, url: pulumi.Input<string>, path: string): pulumi.Output<ServiceBackend> {
    return pulumi.output(url).apply((value) => {
        const parsed = parseServiceUrl(value);
        if (!parsed) throw new ModelshipValidationError(COMPONENT_TYPE, component, [{ path, received: JSON.stringify(value), expected: SERVICE_URL_FORM }]);
        return parsed;
    });
}

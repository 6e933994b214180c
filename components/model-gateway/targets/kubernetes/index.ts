/**
 * The kubernetes gateway target: a Gateway API Gateway and one HTTPRoute per route, with Envoy Gateway's SecurityPolicy
 * (API keys or JWT) and BackendTrafficPolicy (rate limits, monthly quotas, body limit). Needs Envoy Gateway 1.5.1 or later
 * with its global rate-limit service (Redis) configured; see docs/gateway.md.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../../sdk/cost/types";
import { kubernetesLabels } from "../../../../sdk/naming";
import { authPolicySpec, ENVOY_GATEWAY_API_VERSION } from "../../../kubernetes/auth-policy";
import { GatewayTarget } from "../../args";
import { BackendKind, GatewaySpec, RouteSpec } from "../../spec";
import { GatewayDeployment, GatewayTargetImpl } from "../target";
import { serviceBackend } from "./backend";
import { clientTrafficPolicySpec, GATEWAY_API_VERSION, gatewaySpec } from "./gateway";
import { gatewayObjectName, routeObjectName, routeSecretName } from "./names";
import { httpRouteSpecOutput, referenceGrantSpec } from "./routes";
import { createRouteAuth, routeAuthPolicy } from "./security";
import { trafficPolicySpec } from "./traffic";
import { kubernetesGatewayProblems } from "./validation";

/** Labels of every object of the gateway. */
function labels(spec: GatewaySpec): Record<string, string> {
    return kubernetesLabels({ component: "ModelGateway", service: spec.name, tags: spec.tags });
}

/** The routes with consumers, which share the consumers' BackendTrafficPolicy. */
function authenticatedRoutes(spec: GatewaySpec): RouteSpec[] {
    return spec.routes.filter((r) => !r.anonymous);
}

/** The BackendTrafficPolicies: the consumers' one over every authenticated route, and one per anonymous route. */
function trafficPolicies(spec: GatewaySpec): { logicalName: string; role: string; name: string; spec: Record<string, unknown> }[] {
    const withConsumers = authenticatedRoutes(spec);
    const shared =
        withConsumers.length === 0
            ? []
            : [
                  {
                      logicalName: `${spec.name}-limits`,
                      role: "trafficPolicy",
                      name: gatewayObjectName(spec),
                      spec: trafficPolicySpec(
                          withConsumers.map((r) => routeObjectName(spec, r)),
                          withConsumers[0].maxBodyMiB,
                          spec.consumers,
                      ),
                  },
              ];
    const anonymous = spec.routes
        .filter((r) => r.anonymous)
        .map((r) => ({
            logicalName: `${spec.name}-${r.name}-traffic`,
            role: `${r.name}TrafficPolicy`,
            name: routeObjectName(spec, r),
            spec: trafficPolicySpec([routeObjectName(spec, r)], r.maxBodyMiB, []),
        }));
    return [...shared, ...anonymous];
}

/** The Gateway's arguments (also what the cost model reads). */
function gatewayArgs(spec: GatewaySpec): kubernetes.apiextensions.CustomResourceArgs {
    return {
        apiVersion: GATEWAY_API_VERSION,
        kind: "Gateway",
        metadata: { name: gatewayObjectName(spec), namespace: spec.kubernetes.namespace, labels: labels(spec) },
        spec: gatewaySpec(spec.kubernetes),
    };
}

/** The gateway's base URL: its host name, else the address the Gateway controller assigned (empty until it has). */
function baseUrl(spec: GatewaySpec, gateway: kubernetes.apiextensions.CustomResource): pulumi.Output<string> {
    const scheme = spec.kubernetes.tlsSecretName === undefined ? "http" : "https";
    if (spec.kubernetes.hostname !== undefined && !spec.kubernetes.hostname.startsWith("*.")) return pulumi.output(`${scheme}://${spec.kubernetes.hostname}`);
    const status = (gateway as unknown as { status: pulumi.Output<{ addresses?: { value?: string }[] } | undefined> }).status;
    return status.apply((s) => {
        const address = s?.addresses?.[0]?.value;
        return address === undefined ? "" : `${scheme}://${address}`;
    });
}

function deploy(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>, parent: pulumi.ComponentResource): GatewayDeployment {
    const resources: Record<string, pulumi.Resource> = {};
    let opts: pulumi.CustomResourceOptions = { parent };
    if (spec.kubernetes.kubeconfig !== undefined) {
        // A kubeconfig holds cluster credentials: secret in the state whatever the caller passed.
        const provider = new kubernetes.Provider(`${spec.name}-provider`, { kubeconfig: pulumi.secret(spec.kubernetes.kubeconfig) }, { parent });
        resources.provider = provider;
        opts = { parent, provider };
    }
    const namespace = spec.kubernetes.namespace;
    const objectLabels = labels(spec);
    if (spec.kubernetes.tlsSecretName === undefined) {
        void pulumi.log.warn(
            `the gateway listens on port 80 in plain HTTP: API keys and tokens cross the network in clear text. Give kubernetes.tlsSecretName (a kubernetes.io/tls Secret for kubernetes.hostname) or put TLS in front`,
            parent,
        );
    }
    // `status` named (undefined) so that the resource has it as an output: the live object's status.addresses.
    const gateway = new kubernetes.apiextensions.CustomResource(`${spec.name}-gateway`, { ...gatewayArgs(spec), status: undefined }, opts);
    resources.gateway = gateway;
    const gatewayRef = { name: gatewayObjectName(spec), namespace };
    const routeObjects: pulumi.Resource[] = [];
    spec.routes.forEach((route, i) => {
        const objectName = routeObjectName(spec, route);
        const backend = serviceBackend(spec.name, route.backend.locator, `routes[${i}].url`);
        // Always a grant, in the backend's namespace: the URL is usually another component's Output, so whether it names
        // another namespace is known only at deployment; a grant in the gateway's own namespace is valid and changes nothing.
        resources[`${route.name}ReferenceGrant`] = new kubernetes.apiextensions.CustomResource(
            `${spec.name}-${route.name}-grant`,
            {
                apiVersion: "gateway.networking.k8s.io/v1beta1",
                kind: "ReferenceGrant",
                metadata: { name: objectName, namespace: backend.namespace, labels: objectLabels },
                spec: backend.apply((b) => referenceGrantSpec(namespace, b)),
            },
            opts,
        );
        const httpRoute = new kubernetes.apiextensions.CustomResource(
            `${spec.name}-${route.name}-route`,
            {
                apiVersion: GATEWAY_API_VERSION,
                kind: "HTTPRoute",
                metadata: { name: objectName, namespace, labels: objectLabels },
                spec: httpRouteSpecOutput(route, gatewayRef, backend),
            },
            { ...opts, dependsOn: [gateway] },
        );
        resources[`${route.name}Route`] = httpRoute;
        routeObjects.push(httpRoute);
        const ctx = { namespace, labels: objectLabels, objectName, secretName: routeSecretName(spec, route) };
        Object.assign(resources, createRouteAuth(spec, route, ctx, keys, { ...opts, dependsOn: [httpRoute] }));
    });
    for (const policy of trafficPolicies(spec)) {
        resources[policy.role] = new kubernetes.apiextensions.CustomResource(
            policy.logicalName,
            { apiVersion: ENVOY_GATEWAY_API_VERSION, kind: "BackendTrafficPolicy", metadata: { name: policy.name, namespace, labels: objectLabels }, spec: policy.spec },
            { ...opts, dependsOn: routeObjects },
        );
    }
    resources.clientTrafficPolicy = new kubernetes.apiextensions.CustomResource(
        `${spec.name}-client-traffic`,
        {
            apiVersion: ENVOY_GATEWAY_API_VERSION,
            kind: "ClientTrafficPolicy",
            metadata: { name: gatewayObjectName(spec), namespace, labels: objectLabels },
            spec: clientTrafficPolicySpec(gatewayObjectName(spec)),
        },
        { ...opts, dependsOn: [gateway] },
    );
    const url = baseUrl(spec, gateway);
    const routeUrls = Object.fromEntries(spec.routes.map((r) => [r.name, url.apply((base) => (base === "" ? "" : `${base}${r.pathPrefix === "/" ? "" : r.pathPrefix}`))]));
    return { url, routeUrls, resources };
}

/** The Gateway (its load balancer: unknown, sdk/cost/free.ts) and the policies (free), as they are created. */
function costedResources(spec: GatewaySpec): CostedResource[] {
    const gateway = gatewayArgs(spec) as Record<string, unknown>;
    const policies = trafficPolicies(spec).map((p) => ({
        urn: p.logicalName,
        type: `kubernetes:${ENVOY_GATEWAY_API_VERSION}:BackendTrafficPolicy`,
        name: p.logicalName,
        inputs: { apiVersion: ENVOY_GATEWAY_API_VERSION, kind: "BackendTrafficPolicy", metadata: { name: p.name, namespace: spec.kubernetes.namespace }, spec: p.spec },
    }));
    const securityPolicies = authenticatedRoutes(spec).map((r) => {
        const ctx = { namespace: spec.kubernetes.namespace, labels: labels(spec), objectName: routeObjectName(spec, r), secretName: routeSecretName(spec, r) };
        const logicalName = `${spec.name}-${r.name}-auth`;
        return {
            urn: logicalName,
            type: `kubernetes:${ENVOY_GATEWAY_API_VERSION}:SecurityPolicy`,
            name: logicalName,
            inputs: {
                apiVersion: ENVOY_GATEWAY_API_VERSION,
                kind: "SecurityPolicy",
                metadata: { name: ctx.objectName, namespace: ctx.namespace },
                spec: authPolicySpec(routeAuthPolicy(spec, r, ctx)),
            },
        };
    });
    const clientTraffic = {
        urn: `${spec.name}-client-traffic`,
        type: `kubernetes:${ENVOY_GATEWAY_API_VERSION}:ClientTrafficPolicy`,
        name: `${spec.name}-client-traffic`,
        inputs: {
            apiVersion: ENVOY_GATEWAY_API_VERSION,
            kind: "ClientTrafficPolicy",
            metadata: { name: gatewayObjectName(spec), namespace: spec.kubernetes.namespace },
            spec: clientTrafficPolicySpec(gatewayObjectName(spec)),
        },
    };
    return [{ urn: `${spec.name}-gateway`, type: `kubernetes:${GATEWAY_API_VERSION}:Gateway`, name: `${spec.name}-gateway`, inputs: gateway }, ...policies, ...securityPolicies, clientTraffic];
}

export const kubernetesGateway: GatewayTargetImpl = {
    target: GatewayTarget.Kubernetes,
    backends: [BackendKind.Url],
    // The Gateway API's Duration allows hours, and Envoy has no ceiling on a route timeout: no hard limit.
    timeoutLimit: () => undefined,
    validate: kubernetesGatewayProblems,
    deploy,
    costedResources,
};

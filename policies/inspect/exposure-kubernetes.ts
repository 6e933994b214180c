/**
 * Kubernetes endpoints reachable from outside the cluster without authentication: Services of type
 * LoadBalancer on a public load balancer, Gateway API routes on a public Gateway that no Envoy Gateway
 * SecurityPolicy authenticates (the policy ModelService emits for exposure.auth jwt and api-key), and Knative
 * Services and Routes not labelled cluster-local.
 */
import { get, list, num, record, str } from "../../sdk/cost/inputs";
import { kubernetesName, kubernetesNamespace } from "../../sdk/cost/scaling";
import type { PlainResource } from "../framework/types";
import { anonymousRouteKey } from "./gateway-links";
import { K8S } from "./types";

/** Annotations that make a LoadBalancer Service internal, by cloud, with the values that do. */
const INTERNAL_LB_ANNOTATIONS: Readonly<Record<string, readonly string[]>> = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
    "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
    "networking.gke.io/load-balancer-type": ["Internal"],
    "cloud.google.com/load-balancer-type": ["Internal", "internal"],
    "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
};
const OPEN_RANGES = ["0.0.0.0/0", "::/0"];

/** Why a Service of type LoadBalancer is public without authentication; empty for other Services. */
export function loadBalancerServiceProblem(r: PlainResource): string[] {
    if (str(r.inputs, "spec.type") !== "LoadBalancer") return [];
    const annotations = record(r.inputs, "metadata.annotations");
    if (Object.entries(INTERNAL_LB_ANNOTATIONS).some(([key, values]) => values.includes(String(annotations[key])))) return [];
    const ranges = list(r.inputs, "spec.loadBalancerSourceRanges").filter((v): v is string => typeof v === "string");
    if (ranges.length > 0 && !ranges.some((range) => OPEN_RANGES.includes(range))) return [];
    const ports = list(r.inputs, "spec.ports").map((p) => num(p, "port"));
    return [
        `the Service of type LoadBalancer exposes port(s) ${ports.join(", ")} on a public load balancer, which authenticates no one; ` +
            "route it through a Gateway with an authenticating SecurityPolicy, or make the load balancer internal (for example service.beta.kubernetes.io/aws-load-balancer-scheme: internal)",
    ];
}

/** The label that keeps a Knative Service or Route off Knative's public ingress (knative.dev/docs/serving/services/private-services). */
const KNATIVE_VISIBILITY = "networking.knative.dev/visibility";

/**
 * Why a Knative Service or Route is public without authentication: without the cluster-local visibility label Knative
 * publishes it on its ingress under the cluster's domain, and Knative Serving checks no credentials.
 */
export function knativeVisibilityProblem(r: PlainResource): string[] {
    if (r.type !== K8S.knativeService && r.type !== K8S.knativeRoute) return [];
    if (record(r.inputs, "metadata.labels")[KNATIVE_VISIBILITY] === "cluster-local") return [];
    const kind = r.type === K8S.knativeService ? "Knative Service" : "Knative Route";
    return [
        `the ${kind} has no ${KNATIVE_VISIBILITY}: cluster-local label, so Knative publishes it on its ingress, and Knative checks no credentials; ` +
            "label it cluster-local (ModelService with engine knative does), or put an authenticating gateway in front",
    ];
}

/** The authentication methods of an Envoy Gateway SecurityPolicy. */
const AUTH_METHODS = ["jwt", "apiKeyAuth", "basicAuth", "oidc", "extAuth"];

/** Does a SecurityPolicy authenticate requests to this route (by name or label selector) or to this Gateway? */
function covers(policy: PlainResource, route: PlainResource, gateway: string): boolean {
    if (!AUTH_METHODS.some((m) => get(policy.inputs, `spec.${m}`) !== undefined)) return false;
    const namespace = kubernetesNamespace(policy);
    const routeKind = route.type.split(":").pop();
    const refs = [...list(policy.inputs, "spec.targetRefs"), ...(get(policy.inputs, "spec.targetRef") !== undefined ? [get(policy.inputs, "spec.targetRef")] : [])];
    for (const ref of refs) {
        const kind = str(ref, "kind");
        const name = str(ref, "name");
        if (kind === routeKind && name === kubernetesName(route) && namespace === kubernetesNamespace(route)) return true;
        if (kind === "Gateway" && `${namespace}/${name}` === gateway) return true;
    }
    const labels = record(route.inputs, "metadata.labels");
    return list(policy.inputs, "spec.targetSelectors").some((selector) => {
        const wanted = record(selector, "matchLabels");
        return str(selector, "kind") === routeKind && namespace === kubernetesNamespace(route) && Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => labels[k] === v);
    });
}

/**
 * Why a Gateway API route is public without authentication; empty when it is not, or when `anonymousRoutes` lists it
 * (`<gateway>/<route>` for a ModelGateway's route, else the HTTPRoute's resource name).
 */
export function gatewayRouteProblems(route: PlainResource, resources: ReadonlyArray<PlainResource>, internalGateways: readonly string[], anonymousRoutes: readonly string[] = []): string[] {
    const namespace = kubernetesNamespace(route);
    const gateways = list(route.inputs, "spec.parentRefs")
        .filter((p) => (str(p, "kind") ?? "Gateway") === "Gateway" && (str(p, "group") ?? "gateway.networking.k8s.io") === "gateway.networking.k8s.io")
        .map((p) => `${str(p, "namespace") ?? namespace}/${str(p, "name") ?? ""}`);
    const policies = resources.filter((r) => r.type === K8S.securityPolicy);
    const open = gateways.filter((g) => !internalGateways.includes(g) && !policies.some((p) => covers(p, route, g)));
    if (open.length === 0) return [];
    const key = anonymousRouteKey(route, resources);
    if (anonymousRoutes.includes(key)) return [];
    return [
        `the route is attached to Gateway ${open.join(", ")}, which is not listed in internalGateways, and no Envoy Gateway SecurityPolicy with authentication ` +
            `(${AUTH_METHODS.join(", ")}) targets the route or its Gateway; require authentication (ModelService: exposure.auth jwt or api-key; ModelGateway: a route with consumers), ` +
            `list the Gateway as internal, or, for a route anonymous on purpose, list it in anonymousRoutes as "${key}"`,
    ];
}

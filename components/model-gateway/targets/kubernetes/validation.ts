/**
 * What the kubernetes target refuses, before anything is created: names the API server would refuse, backends that are
 * not cluster Services, and what Envoy Gateway cannot do.
 */
import { isKubernetesName, KubernetesNameKind, kubernetesNameWords, kubernetesResourceNameProblem } from "../../../../sdk/naming";
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import { BackendKind, GatewaySpec } from "../../spec";
import { serviceUrlProblems } from "./backend";
import { derivedNames } from "./names";
import { MAX_BODY_MIB } from "./traffic";

// A Gateway API Hostname (a precise name or a `*.` wildcard), lower case; an IP address is not a hostname.
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The rules of `target: kubernetes`. */
export function kubernetesGatewayProblems(spec: GatewaySpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const name = kubernetesResourceNameProblem(spec.name, KubernetesNameKind.Label, derivedNames(spec));
    if (name) problems.push({ path: "name", ...name });
    const k = spec.kubernetes;
    if (!isKubernetesName(KubernetesNameKind.Label, k.namespace)) {
        problems.push({ path: "kubernetes.namespace", received: describeValue(k.namespace), expected: kubernetesNameWords(KubernetesNameKind.Label, "a namespace name") });
    }
    if (!isKubernetesName(KubernetesNameKind.Subdomain, k.gatewayClassName)) {
        problems.push({ path: "kubernetes.gatewayClassName", received: describeValue(k.gatewayClassName), expected: kubernetesNameWords(KubernetesNameKind.Subdomain, "a GatewayClass name") });
    }
    if (k.tlsSecretName !== undefined && !isKubernetesName(KubernetesNameKind.Subdomain, k.tlsSecretName)) {
        problems.push({ path: "kubernetes.tlsSecretName", received: describeValue(k.tlsSecretName), expected: kubernetesNameWords(KubernetesNameKind.Subdomain, "a Secret name") });
    }
    if (k.hostname !== undefined && (k.hostname.length > 253 || !HOSTNAME.test(k.hostname) || /^[0-9.]+$/.test(k.hostname))) {
        problems.push({
            path: "kubernetes.hostname",
            received: describeValue(k.hostname),
            expected: "a DNS name in lower case, optionally starting with '*.', at most 253 characters, not an IP address (the Gateway API's Hostname)",
        });
    }
    spec.routes.forEach((route, i) => {
        if (route.backend.kind === BackendKind.Url) problems.push(...serviceUrlProblems(route.backend.locator, `routes[${i}].url`));
        if (!Number.isInteger(route.maxBodyMiB) || route.maxBodyMiB > MAX_BODY_MIB) {
            problems.push({
                path: `routes[${i}].maxBodyMiB`,
                received: describeValue(route.maxBodyMiB),
                expected: `a whole number of MiB up to ${MAX_BODY_MIB} (Envoy Gateway's requestBuffer limit is a whole quantity below 4 GiB)`,
            });
        }
    });
    // Envoy Gateway applies one BackendTrafficPolicy to a route, and the consumers' shared counters need one policy over
    // every authenticated route: their body limit is that policy's.
    const authenticated = spec.routes.map((r, i) => ({ r, i })).filter(({ r }) => !r.anonymous);
    const first = authenticated[0];
    for (const { r, i } of authenticated.slice(1)) {
        if (r.maxBodyMiB !== first.r.maxBodyMiB) {
            problems.push({
                path: `routes[${i}].maxBodyMiB`,
                received: describeValue(r.maxBodyMiB),
                expected: `${first.r.maxBodyMiB}, as routes[${first.i}] (${first.r.name}): on kubernetes every route with consumers shares one BackendTrafficPolicy, which counts each consumer's rate over all its routes and carries one body limit`,
            });
        }
    }
    spec.consumers.forEach((c, i) => {
        if (c.ratePerSecond * 3600 < 1) {
            problems.push({
                path: `consumers[${i}].ratePerSecond`,
                received: describeValue(c.ratePerSecond),
                expected: "at least 1 request per hour (1/3600 per second): Envoy Gateway counts whole requests per Second, Minute or Hour",
            });
        }
    });
    return problems;
}

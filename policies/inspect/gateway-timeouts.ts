/**
 * Route timeouts against the cold start of the backend behind them (gateway-timeout):
 * - a ModelGateway's routes, from the component's `policyView` output (the resolved timeouts and the target's limit:
 *   under `pulumi preview --policy-pack` a stack policy sees a component's outputs, not its arguments), else from its
 *   arguments (`routes[].coldStartSeconds`, `requestSeconds`, `timeoutSeconds`, `allowShortTimeout`) with the
 *   component's own arithmetic (components/model-gateway/timeouts.ts): a route needs `coldStartSeconds + requestSeconds`; without
 *   `timeoutSeconds` it gets that, capped at the target's limit (aws-apigateway: `aws.maxIntegrationTimeoutSeconds`,
 *   29 by default; gcp-loadbalancer: 3,600 s with a Cloud Run route, else 86,400 s). The component refuses a given
 *   timeout below the need without `allowShortTimeout`, so what this finds in practice is the capped default, which
 *   the component only warns about.
 * - a hand-written Gateway API HTTPRoute (not a ModelGateway's): each rule's `timeouts.request` against the startup
 *   budget of the Deployments behind its Service backends (startupProbe initialDelaySeconds + failureThreshold x
 *   periodSeconds, Kubernetes' defaults 0, 3 and 10), when a Deployment can be at zero replicas (a KEDA ScaledObject
 *   with minReplicaCount 0, KEDA's default, or `spec.replicas: 0` without an autoscaler). The request's own time is not
 *   known there, so the check is the lower bound: a timeout below the startup budget alone.
 * Not checked: rules without `timeouts.request` (the implementation's default applies), Deployments without a
 * startupProbe (no declared budget), backends behind the KEDA HTTP add-on's interceptor or in other stacks, and
 * hand-written API Gateway integrations (`timeoutMilliseconds`): neither a Lambda function nor a SageMaker serverless
 * endpoint declares a cold-start budget to compare with.
 */
import { BACKEND_SERVICE_MAX_TIMEOUT_SECONDS, CLOUD_RUN_MAX_TIMEOUT_SECONDS } from "../../components/model-gateway/targets/gcp/limits";
import { DEFAULT_MAX_INTEGRATION_TIMEOUT_SECONDS, DEFAULT_REQUEST_SECONDS } from "../../components/model-gateway/defaults";
import { bool, get, list, num, record, str } from "../../sdk/cost/inputs";
import { kubernetesName, kubernetesNamespace } from "../../sdk/cost/scaling";
import type { ResourceScaling } from "../../sdk/cost/types";
import type { Finding, PlainResource } from "../framework/types";
import { checking } from "../framework/unknowns";
import { modelGatewayOf, policyViewOf } from "./gateway-links";
import { K8S } from "./types";

/** A target's hard limit on a route's timeout, as the component applies it. */
interface Limit {
    seconds: number;
    words: string;
}

/** The limit of a ModelGateway's target, read from its arguments; undefined for targets without one. */
function argsLimit(gateway: PlainResource): Limit | undefined {
    const target = str(gateway.inputs, "target");
    if (target === "aws-apigateway") {
        const seconds = num(gateway.inputs, "aws.maxIntegrationTimeoutSeconds") ?? DEFAULT_MAX_INTEGRATION_TIMEOUT_SECONDS;
        return { seconds, words: `API Gateway's integration timeout quota (aws.maxIntegrationTimeoutSeconds, ${seconds} s)` };
    }
    if (target === "gcp-loadbalancer") {
        const cloudRun = list(gateway.inputs, "routes").some((r) => get(r, "cloudRunService") !== undefined);
        return cloudRun
            ? { seconds: CLOUD_RUN_MAX_TIMEOUT_SECONDS, words: `Cloud Run's request timeout maximum (${CLOUD_RUN_MAX_TIMEOUT_SECONDS} s)` }
            : { seconds: BACKEND_SERVICE_MAX_TIMEOUT_SECONDS, words: `the longest backend service timeout Google recommends (${BACKEND_SERVICE_MAX_TIMEOUT_SECONDS} s)` };
    }
    return undefined;
}

/** How a gateway's routes are read: from its policy view (resolved timeouts) or from its arguments (the component's arithmetic). */
interface Reader {
    target: string | undefined;
    limit: Limit | undefined;
    routes: unknown[];
    /** The route's timeout and whether it was given. */
    timeout(route: unknown, need: number): { seconds: number; given: boolean };
}

function reader(gateway: PlainResource): Reader {
    const view = policyViewOf(gateway);
    if (view !== undefined) {
        const seconds = num(view, "timeoutLimit.seconds");
        return {
            target: str(view, "target"),
            limit: seconds !== undefined ? { seconds, words: str(view, "timeoutLimit.limit") ?? `${seconds} s` } : undefined,
            routes: list(view, "routes"),
            timeout: (route, need) => ({ seconds: num(route, "timeoutSeconds") ?? need, given: bool(route, "timeoutGiven") === true }),
        };
    }
    const limit = argsLimit(gateway);
    return {
        target: str(gateway.inputs, "target"),
        limit,
        routes: list(gateway.inputs, "routes"),
        timeout: (route, need) => {
            const given = num(route, "timeoutSeconds");
            return { seconds: given ?? (limit !== undefined ? Math.min(need, limit.seconds) : need), given: given !== undefined };
        },
    };
}

/** The message of one ModelGateway route whose timeout is short, or undefined. */
function componentRouteProblem(gateway: PlainResource, read: Reader, route: unknown): string | undefined {
    if (bool(route, "allowShortTimeout") === true) return undefined;
    const name = str(route, "name") ?? "?";
    const cold = num(route, "coldStartSeconds") ?? 0;
    const request = num(route, "requestSeconds") ?? DEFAULT_REQUEST_SECONDS;
    const need = cold + request;
    const timeout = read.timeout(route, need);
    if (timeout.seconds >= need) return undefined;
    const source = timeout.given ? "timeoutSeconds" : `the default, capped at ${read.limit?.words ?? "the target's limit"}`;
    const raise = !timeout.given && read.target === "aws-apigateway" ? "raise the limit (a Service Quotas increase, then aws.maxIntegrationTimeoutSeconds)" : "raise timeoutSeconds";
    return (
        `route "${name}" of ModelGateway "${gateway.name}" times out after ${timeout.seconds} s (${source}), below the ${need} s a request needs when the backend is cold ` +
        `(cold-start budget ${cold} s + request ${request} s): requests that arrive while the backend is at zero are answered 504; ` +
        `${raise}, keep a replica of the backend warm (its minimum replicas at 1 or more, then coldStartSeconds 0), or accept it with allowShortTimeout: true`
    );
}

/** The findings of one ModelGateway component. */
export function modelGatewayTimeoutFindings(gateway: PlainResource): Finding[] {
    const findings: Finding[] = [];
    let read: Reader | undefined;
    checking(findings, `the route timeouts of ModelGateway "${gateway.name}"`, gateway.urn, () => {
        read = reader(gateway);
    });
    read?.routes.forEach((route, i) => {
        checking(findings, `the timeout of ModelGateway "${gateway.name}" routes[${i}]`, gateway.urn, () => {
            const message = componentRouteProblem(gateway, read as Reader, route);
            if (message) findings.push({ urn: gateway.urn, message });
        });
    });
    return findings;
}

/** A Gateway API duration (`30s`, `1m30s`, `500ms`, `1h`) in seconds; undefined when it does not parse. */
export function durationSeconds(value: string): number | undefined {
    if (!/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(value)) return undefined;
    const factor: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/([0-9]+)(ms|h|m|s)/g)) total += Number(amount) * factor[unit];
    return total;
}

/** A Deployment's startup budget: the longest of its containers' startupProbes, with its words; undefined without one. */
function startupBudget(deployment: PlainResource): { seconds: number; words: string } | undefined {
    let best: { seconds: number; words: string } | undefined;
    for (const container of list(deployment.inputs, "spec.template.spec.containers")) {
        if (get(container, "startupProbe") === undefined) continue;
        const delay = num(container, "startupProbe.initialDelaySeconds") ?? 0;
        const failures = num(container, "startupProbe.failureThreshold") ?? 3;
        const period = num(container, "startupProbe.periodSeconds") ?? 10;
        const seconds = delay + failures * period;
        if (best === undefined || seconds > best.seconds) {
            best = { seconds, words: `startupProbe of container ${str(container, "name") ?? "?"}: initialDelaySeconds ${delay} + failureThreshold ${failures} x periodSeconds ${period}` };
        }
    }
    return best;
}

/** How a Deployment can be at zero replicas, or undefined when it always keeps one. */
function atZero(deployment: PlainResource, scaling: ResourceScaling): string | undefined {
    if (scaling.replicas) return scaling.replicas.min === 0 ? scaling.replicas.by : undefined;
    return num(deployment.inputs, "spec.replicas") === 0 ? "spec.replicas 0" : undefined;
}

/** The Deployments behind a Service: in its namespace, their pod labels holding its whole (non-empty) selector. */
function deploymentsOf(service: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource[] {
    const selector = record(service.inputs, "spec.selector");
    if (Object.keys(selector).length === 0) return [];
    return resources.filter((d) => {
        if (d.type !== K8S.deployment || kubernetesNamespace(d) !== kubernetesNamespace(service)) return false;
        const labels = record(d.inputs, "spec.template.metadata.labels");
        return Object.entries(selector).every(([k, v]) => labels[k] === v);
    });
}

/** The findings of one hand-written HTTPRoute (a ModelGateway's routes are checked from the component). */
export function httpRouteTimeoutFindings(route: PlainResource, resources: ReadonlyArray<PlainResource>, scalingOf: (r: PlainResource) => ResourceScaling): Finding[] {
    if (modelGatewayOf(route, resources)) return [];
    const findings: Finding[] = [];
    const namespace = kubernetesNamespace(route);
    checking(findings, "the route's timeouts against its backends' cold start", route.urn, () => {
        list(route.inputs, "spec.rules").forEach((rule, j) => {
            const raw = str(rule, "timeouts.request");
            const timeout = raw !== undefined ? durationSeconds(raw) : undefined;
            if (timeout === undefined || timeout === 0) return; // no timeout, or 0: none (Gateway API)
            for (const ref of list(rule, "backendRefs")) {
                if ((str(ref, "kind") ?? "Service") !== "Service" || (str(ref, "group") ?? "") !== "") continue;
                const refNamespace = str(ref, "namespace") ?? namespace;
                const services = resources.filter((s) => s.type === K8S.service && kubernetesName(s) === str(ref, "name") && kubernetesNamespace(s) === refNamespace);
                for (const deployment of services.flatMap((s) => deploymentsOf(s, resources))) {
                    const zero = atZero(deployment, scalingOf(deployment));
                    const budget = zero !== undefined ? startupBudget(deployment) : undefined;
                    if (zero === undefined || budget === undefined || timeout >= budget.seconds) continue;
                    findings.push({
                        urn: route.urn,
                        message:
                            `rules[${j}] of HTTPRoute ${kubernetesName(route)} times out after ${timeout} s (timeouts.request "${raw}"), below the cold-start budget of Deployment ${kubernetesName(deployment)}, ` +
                            `${budget.seconds} s (${budget.words}), which can be at zero replicas (${zero}); the request's own time comes on top: requests that arrive while it starts are answered 504; ` +
                            `raise timeouts.request to the cold-start budget plus the request time, or keep a replica warm (minReplicaCount 1)`,
                    });
                }
            }
        });
    });
    return findings;
}

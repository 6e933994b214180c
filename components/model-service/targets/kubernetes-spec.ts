/**
 * What `target: kubernetes` knows before it creates anything: the `kubernetes` settings resolved with their defaults,
 * the target's validation rules (names, gateway, auth, API keys), and its part in autoscaling (KEDA or an HPA, set by
 * `kubernetes.autoscaler`).
 */
import { runtimeEntry } from "../../../sdk/catalog/runtimes";
import { DerivedKubernetesName, KubernetesNameKind, kubernetesResourceNameProblem } from "../../../sdk/naming";
import { describeValue, ValidationProblem, withDefaults, WithDefaults } from "../../../sdk/validate";
import { AutoscalerTarget, KubernetesScalingEngine, ScalingMetric } from "../../spike-autoscaler/args";
import { AuthMode } from "../args";
import { modelCacheDerivedNames } from "../model-cache";
import { GivenArgs, ServingSpec } from "../spec";
import { canBeAtZero, requestSeconds, SERVER_REQUEST_TIMEOUT_SECONDS, ServingTiming } from "../timing";
import { TargetAutoscaling } from "./target";

/** Longest request the gateway lets run and a stopping pod finishes, in seconds (long generations included). */
export const REQUEST_TIMEOUT_SECONDS = SERVER_REQUEST_TIMEOUT_SECONDS;

/**
 * Time a rollout may take before the startup probe's clock starts, in seconds: a GPU node from a node
 * autoscaler (2 to 10 min), a multi-gigabyte image pull and the artifact download.
 */
export const PRE_START_BUDGET_SECONDS = 600;

/**
 * The timing of a Deployment (engines keda and hpa; Knative's is `knativeTiming`): at zero replicas the startup probe's
 * budget (`model.startupTimeoutSeconds`) first, then requests of {@link REQUEST_TIMEOUT_SECONDS} (in queue mode the
 * queue's request time). In HTTP mode their sum is the HTTPRoute's request timeout.
 */
export function deploymentTiming(spec: ServingSpec): ServingTiming {
    return { coldStartBudgetSeconds: canBeAtZero(spec) ? spec.startupTimeoutSeconds : 0, requestTimeoutSeconds: requestSeconds(spec, REQUEST_TIMEOUT_SECONDS) };
}

/** The HTTPRoute's request timeout: a cold start at zero, then the request ({@link deploymentTiming}). */
export function routeTimeoutSeconds(spec: ServingSpec): number {
    const { coldStartBudgetSeconds, requestTimeoutSeconds } = deploymentTiming(spec);
    return coldStartBudgetSeconds + requestTimeoutSeconds;
}

/** True when the service runs as a Knative Service (`kubernetes.autoscaler.engine: knative`; kubernetes-knative.ts). */
export function onKnative(spec: ServingSpec): boolean {
    return spec.given.kubernetes?.autoscaler?.engine === KubernetesScalingEngine.Knative;
}

/** Suffixes of the Secret of `secrets` and of the Secret of `kubernetes.apiKeys`: `<name>-secrets`, `<name>-api-keys`. */
export const SECRETS_SUFFIX = "secrets";
export const API_KEYS_SUFFIX = "api-keys";
/** Queue mode: suffixes of the consumer's ConfigMap and of the KEDA TriggerAuthentication of the queue (kubernetes-queue/). */
export const CONSUMER_SUFFIX = "consumer";
export const TRIGGER_AUTH_SUFFIX = "queue";

/** The `kubernetes` settings with their defaults applied (the others stay as given: optional). */
export type KubernetesSettings = WithDefaults<{ namespace: string; readOnlyRootFilesystem: boolean }, NonNullable<GivenArgs["kubernetes"]>>;

/** Namespace `default`; a read-only root filesystem where the runtime's server writes only to /tmp and $HOME. */
export function kubernetesSettings(spec: ServingSpec): KubernetesSettings {
    return withDefaults({ namespace: "default", readOnlyRootFilesystem: runtimeEntry(spec.runtime).filesystem.readOnlyRoot }, spec.given.kubernetes);
}

/** In queue mode KEDA scales on the queue's backlog whenever the bounds leave room, `scaling.autoscaling` given or not. */
function queueScaled(spec: ServingSpec): boolean {
    return spec.queue !== undefined && spec.replicas.max > spec.replicas.min;
}

/**
 * KEDA (or an HPA with `kubernetes.autoscaler.engine`) scales each version's Deployment; engine knative, Knative's KPA each
 * version's revisions. In queue mode KEDA scales on the queue's backlog (metric `queue-depth`), a replica's concurrency
 * per replica by default (`scaling.queue.concurrencyPerReplica`, resolved in queue.ts).
 */
export const kubernetesAutoscaling: TargetAutoscaling = {
    autoscaler: AutoscalerTarget.Kubernetes,
    implicit: queueScaled,
    context: (spec) => ({
        kubernetes: { args: spec.given.kubernetes?.autoscaler, runtime: spec.runtime, gpusPerReplica: spec.gpu?.count ?? 0, knativeServing: true },
        ...(spec.queue && { queue: true, defaults: { metric: ScalingMetric.QueueDepth, metricTarget: spec.queue.concurrencyPerReplica } }),
    }),
    problems: (spec) => {
        const autoscaler = spec.given.kubernetes?.autoscaler;
        if (spec.given.scaling?.autoscaling !== undefined || autoscaler === undefined || queueScaled(spec)) return [];
        return [
            {
                path: "kubernetes.autoscaler",
                received: describeValue(autoscaler),
                expected: `nothing without scaling.autoscaling${spec.queue ? " (or, in queue mode, maxReplicas above minReplicas)" : ""}`,
            },
        ];
    },
};

/**
 * True when an HTTPRoute is made: public endpoints, and canaries (the gateway applies the weights); never on Knative (its
 * Route splits the traffic), nor in queue mode (callers submit to the queue).
 */
export function routed(spec: ServingSpec): boolean {
    return !onKnative(spec) && !spec.queue && (spec.exposure.public || spec.canary);
}

/** Every Kubernetes object `deploy` names after the service, by the suffix of its name, for the name check. */
function derivedNames(spec: ServingSpec): DerivedKubernetesName[] {
    const settings = kubernetesSettings(spec);
    if (onKnative(spec)) return [...knativeDerivedNames(spec, settings), ...modelCacheDerivedNames(spec)];
    // Queue mode makes no Service: callers submit to the queue.
    const perService = ["ServiceAccount", ...(spec.queue ? [] : ["Service"]), ...(spec.canary ? [] : ["Deployment", "PodDisruptionBudget"]), ...(routed(spec) ? ["HTTPRoute"] : [])];
    const names: DerivedKubernetesName[] = [{ suffix: "", objects: `the ${perService.slice(0, -1).join(", ")} and ${perService[perService.length - 1]}` }];
    if (Object.keys(spec.secrets).length > 0) names.push({ suffix: SECRETS_SUFFIX, objects: "the Secret of secrets" });
    if (settings.apiKeys !== undefined) names.push({ suffix: API_KEYS_SUFFIX, objects: "the Secret of kubernetes.apiKeys" });
    if (spec.canary) for (const v of spec.versions) names.push({ suffix: v.name, objects: `the Deployment, PodDisruptionBudget and Service of version ${JSON.stringify(v.name)}` });
    if (spec.queue) {
        names.push({ suffix: CONSUMER_SUFFIX, objects: "the ConfigMap of the queue consumer" }, { suffix: TRIGGER_AUTH_SUFFIX, objects: "the KEDA TriggerAuthentication of the queue" });
    }
    return [...names, ...modelCacheDerivedNames(spec)];
}

/**
 * The names on Knative: the Knative Service (one version) or each version's Configuration and the Route, and the
 * revisions Knative names `<configuration>-00001` on, whose name must stay a DNS label too.
 */
function knativeDerivedNames(spec: ServingSpec, settings: KubernetesSettings): DerivedKubernetesName[] {
    const objects = spec.canary ? "the ServiceAccount and the Knative Route" : "the ServiceAccount, the Knative Service and PodDisruptionBudget";
    const names: DerivedKubernetesName[] = [{ suffix: "", objects }];
    if (Object.keys(spec.secrets).length > 0) names.push({ suffix: SECRETS_SUFFIX, objects: "the Secret of secrets" });
    if (settings.apiKeys !== undefined) names.push({ suffix: API_KEYS_SUFFIX, objects: "the Secret of kubernetes.apiKeys" });
    if ((spec.autoscaling?.prewarm.length ?? 0) > 0) names.push({ suffix: "prewarm", objects: "the ServiceAccount, Role and RoleBinding of the pre-warming windows" });
    const configurations = spec.canary ? spec.versions.map((v) => v.name) : [""];
    for (const c of configurations) {
        const what = c === "" ? "the Knative Service" : `the Knative Configuration and PodDisruptionBudget of version ${JSON.stringify(c)}`;
        if (c !== "") names.push({ suffix: c, objects: what });
        names.push({ suffix: c === "" ? "00001" : `${c}-00001`, objects: `the revisions of ${what} (Knative names them <name>-00001, -00002, ...)` });
    }
    return names;
}

/** The rules of `target: kubernetes`, in the format of every ModelService problem. */
export function kubernetesProblems(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const settings = kubernetesSettings(spec);
    const auth = spec.exposure.auth;
    // The objects carry the name as given (a Service's name is an RFC 1035 label): never lower-cased or hashed.
    const name = kubernetesResourceNameProblem(spec.name, spec.queue ? KubernetesNameKind.Label : KubernetesNameKind.Service, derivedNames(spec));
    if (name) problems.push({ path: "name", ...name });
    // Knative's own rules (exposure, gateway, ports): kubernetes-knative-spec.ts; queue mode's: kubernetes-queue/spec.ts.
    if (onKnative(spec) || spec.queue) return problems;
    if (settings.gateway === undefined && spec.exposure.public) {
        problems.push({ path: "kubernetes.gateway", received: describeValue(undefined), expected: "a Gateway as 'namespace/name' for a public endpoint (its HTTPRoute attaches there)" });
    } else if (settings.gateway === undefined && spec.canary) {
        problems.push({
            path: "kubernetes.gateway",
            received: describeValue(undefined),
            expected: "a Gateway as 'namespace/name' with versions: the gateway applies the traffic weights (a Service alone splits traffic by ready replicas, not by weight)",
        });
    }
    if (auth === AuthMode.Iam) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(auth),
            expected: '"api-key" or "jwt" (checked by Envoy Gateway), or "none": Kubernetes has no cloud IAM to check callers with',
        });
    } else if ((auth === AuthMode.ApiKey || auth === AuthMode.Jwt) && !routed(spec)) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(auth),
            expected: `"none" for a private service without versions: callers reach its ClusterIP Service directly and nothing checks ${auth} (make it public with kubernetes.gateway to enforce it)`,
        });
    }
    if (spec.exposure.hostname !== undefined && !routed(spec)) {
        problems.push({
            path: "exposure.hostname",
            received: describeValue(spec.exposure.hostname),
            expected: "no hostname for a private service without versions: it names the HTTPRoute's host, and no HTTPRoute is made (make it public with kubernetes.gateway)",
        });
    }
    const keysGiven = settings.apiKeys !== undefined || settings.apiKeySecret !== undefined;
    if (auth === AuthMode.ApiKey && routed(spec) && !keysGiven) {
        problems.push({ path: "kubernetes.apiKeys", received: describeValue(undefined), expected: "API keys (client id to key, as Pulumi secrets), or kubernetes.apiKeySecret, with auth api-key" });
    }
    if (settings.apiKeys !== undefined && settings.apiKeySecret !== undefined) {
        problems.push({ path: "kubernetes.apiKeySecret", received: describeValue(settings.apiKeySecret), expected: "either kubernetes.apiKeys or kubernetes.apiKeySecret, not both" });
    }
    if (keysGiven && auth !== AuthMode.ApiKey) {
        const path = settings.apiKeys !== undefined ? "kubernetes.apiKeys" : "kubernetes.apiKeySecret";
        problems.push({ path, received: describeValue(settings.apiKeys ?? settings.apiKeySecret), expected: `no API keys unless exposure.auth is "api-key" (it is ${describeValue(auth)})` });
    }
    return problems;
}

/**
 * What `target: kubernetes` with `kubernetes.autoscaler.engine: knative` knows before it creates anything: its rules
 * (exposure, reserved ports), its request timeout and progress deadline, and the Knative feature flags (config-features)
 * the revision's pod spec needs. Whether the service runs on Knative (`onKnative`) is in kubernetes-spec.ts.
 *
 * Knative's webhook refuses pod spec fields outside its allow-list unless a feature flag enables them
 * (knative/serving pkg/apis/serving/fieldmask.go, pkg/apis/config/features.go); {@link requiredFeatureFlags} reads
 * those modelship's pods use off the emitted spec.
 */
import type * as kubernetes from "@pulumi/kubernetes";
import { describeValue, ValidationProblem } from "../../../sdk/validate";
import { AuthMode, ModelCacheMode } from "../args";
import type { ServingSpec } from "../spec";
import type { ServingTiming } from "../timing";
import { kubernetesSettings, PRE_START_BUDGET_SECONDS, REQUEST_TIMEOUT_SECONDS } from "./kubernetes-spec";

type PodSpec = kubernetes.types.input.core.v1.PodSpec;

/**
 * Ports Knative keeps for its queue-proxy and activator (knative/serving pkg/apis/serving/k8s_validation.go
 * `reservedPorts`: 8012, 8013 the queue-proxy's HTTP and HTTP/2, 8022 its admin port, 9090 and 9091 its metrics,
 * 8008 profiling). The serving container may not listen on them.
 */
export const KNATIVE_RESERVED_PORTS: readonly number[] = [8008, 8012, 8013, 8022, 9090, 9091];

/** Environment variables Knative sets in the serving container itself (k8s_validation.go `reservedEnvVars`). */
export const KNATIVE_RESERVED_ENV: readonly string[] = ["PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION"];

/**
 * The timing of a Knative revision: requests of {@link REQUEST_TIMEOUT_SECONDS}, and with `minReplicas: 0` the cold-start
 * budget first, which the activator holds a request for: the node and image before the startup probe
 * ({@link PRE_START_BUDGET_SECONDS}) and the startup probe's budget (`model.startupTimeoutSeconds`), the revision's progress
 * deadline.
 */
export function knativeTiming(spec: { min: number; startupTimeoutSeconds: number }): ServingTiming {
    return { coldStartBudgetSeconds: spec.min === 0 ? knativeProgressDeadlineSeconds(spec.startupTimeoutSeconds) : 0, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS };
}

/**
 * The revision's request timeout (`timeoutSeconds`), which the activator applies to a request from its arrival, the
 * wait for a replica included (cmd/activator: the timeout handler takes the revision's timeoutSeconds): the longest
 * request, plus with `minReplicas: 0` the cold-start budget ({@link knativeTiming}), so that a request that wakes the
 * service is not cut off while the first replica starts.
 */
export function knativeTimeoutSeconds(spec: { min: number; startupTimeoutSeconds: number }): number {
    const timing = knativeTiming(spec);
    return timing.coldStartBudgetSeconds + timing.requestTimeoutSeconds;
}

/** The revision's progress deadline (`serving.knative.dev/progress-deadline`): the cold-start budget, as the Deployment's on the other engines. */
export function knativeProgressDeadlineSeconds(startupTimeoutSeconds: number): number {
    return startupTimeoutSeconds + PRE_START_BUDGET_SECONDS;
}

/** The config-features flag a pod spec field needs when set (fields Knative allows always are not listed). */
const FIELD_FLAGS: Readonly<Partial<Record<keyof PodSpec, string>>> = {
    nodeSelector: "kubernetes.podspec-nodeselector",
    tolerations: "kubernetes.podspec-tolerations",
    affinity: "kubernetes.podspec-affinity",
    topologySpreadConstraints: "kubernetes.podspec-topologyspreadconstraints",
    priorityClassName: "kubernetes.podspec-priorityclassname",
    runtimeClassName: "kubernetes.podspec-runtimeclassname",
    // Without the flag only seccompProfile is allowed at the pod level: runAsUser, runAsGroup, runAsNonRoot and fsGroup need it.
    securityContext: "kubernetes.podspec-securitycontext",
    initContainers: "kubernetes.podspec-init-containers",
};

/** The flag each volume source needs (emptyDir's is enabled by default: config-features kubernetes.podspec-volumes-emptydir). */
const VOLUME_FLAGS: Readonly<Record<string, string>> = {
    emptyDir: "kubernetes.podspec-volumes-emptydir",
    hostPath: "kubernetes.podspec-volumes-hostpath",
    csi: "kubernetes.podspec-volumes-csi",
    ephemeral: "kubernetes.podspec-volumes-ephemeral",
    image: "kubernetes.podspec-volumes-image",
};

/** An environment variable from the pod's own fields (the model cache's fetcher reads its pod's name) needs the fieldref flag. */
function fieldRefFlags(pod: PodSpec): string[] {
    const containers = [...((pod.containers ?? []) as unknown as Record<string, unknown>[]), ...((pod.initContainers ?? []) as unknown as Record<string, unknown>[])];
    const env = containers.flatMap((c) => (c.env ?? []) as { valueFrom?: { fieldRef?: unknown; resourceFieldRef?: unknown } }[]);
    return env.some((e) => e.valueFrom?.fieldRef !== undefined || e.valueFrom?.resourceFieldRef !== undefined) ? ["kubernetes.podspec-fieldref"] : [];
}

function volumeFlags(pod: PodSpec): string[] {
    return ((pod.volumes ?? []) as unknown as Record<string, unknown>[]).flatMap((volume) => {
        const flags = Object.entries(VOLUME_FLAGS).flatMap(([source, flag]) => (volume[source] !== undefined ? [flag] : []));
        const claim = volume.persistentVolumeClaim as { readOnly?: boolean } | undefined;
        if (claim !== undefined) flags.push("kubernetes.podspec-persistent-volume-claim", ...(claim.readOnly ? [] : ["kubernetes.podspec-persistent-volume-write"]));
        return flags;
    });
}

/** The config-features flags the pod spec needs enabled, sorted and without repeats. */
export function requiredFeatureFlags(pod: PodSpec): string[] {
    const fields = Object.entries(FIELD_FLAGS).flatMap(([field, flag]) => (pod[field as keyof PodSpec] !== undefined ? [flag as string] : []));
    return [...new Set([...fields, ...fieldRefFlags(pod), ...volumeFlags(pod)])].sort();
}

/** The rules of engine knative on `target: kubernetes`, in ModelService's paths. */
export function knativeServiceProblems(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.exposure.public) {
        problems.push({
            path: "exposure.public",
            received: "true",
            expected:
                "false with kubernetes.autoscaler.engine knative: the Knative Service is cluster-local. A Gateway API route cannot reach it through the Gateway modelship " +
                "authenticates on (Envoy Gateway does not route to the ExternalName Service a Knative Route makes, envoyproxy/gateway#5817); use engine keda for a public endpoint",
        });
    }
    const auth = spec.exposure.auth;
    if (auth !== undefined && auth !== AuthMode.None) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(auth),
            expected: '"none" with kubernetes.autoscaler.engine knative: the Knative Service is cluster-local, callers reach it directly and nothing would check the credentials',
        });
    }
    if (spec.exposure.hostname !== undefined) {
        problems.push({ path: "exposure.hostname", received: describeValue(spec.exposure.hostname), expected: "no hostname with kubernetes.autoscaler.engine knative (the service is cluster-local)" });
    }
    const gateway = spec.given.kubernetes?.gateway;
    if (gateway !== undefined) {
        problems.push({
            path: "kubernetes.gateway",
            received: describeValue(gateway),
            expected: "no Gateway with kubernetes.autoscaler.engine knative: Knative's Route splits the traffic of versions and the service is cluster-local",
        });
    }
    const settings = kubernetesSettings(spec);
    if (settings.apiKeys !== undefined || settings.apiKeySecret !== undefined) {
        const path = settings.apiKeys !== undefined ? "kubernetes.apiKeys" : "kubernetes.apiKeySecret";
        problems.push({ path, received: describeValue(settings.apiKeys ?? settings.apiKeySecret), expected: "no API keys with kubernetes.autoscaler.engine knative (the service is cluster-local)" });
    }
    if (spec.modelCache?.mode === ModelCacheMode.Node) {
        problems.push({
            path: "model.cache.mode",
            received: describeValue(spec.modelCache.mode),
            expected:
                "none or cluster with kubernetes.autoscaler.engine knative: Knative's webhook refuses the node cache's writable hostPath mount (a volume other than " +
                "emptyDir or a claim must be mounted read-only) and the CHOWN capability its init container needs (knative/serving k8s_validation.go, fieldmask.go)",
        });
    }
    const reserved = Object.keys(spec.env).filter((name) => KNATIVE_RESERVED_ENV.includes(name));
    for (const name of reserved) {
        problems.push({
            path: `env.${name}`,
            received: describeValue(spec.env[name]),
            expected: `no ${name} with kubernetes.autoscaler.engine knative (Knative sets ${KNATIVE_RESERVED_ENV.join(", ")} itself)`,
        });
    }
    if (KNATIVE_RESERVED_PORTS.includes(spec.port)) {
        problems.push({
            path: "model.port",
            received: String(spec.port),
            expected: `a port other than ${KNATIVE_RESERVED_PORTS.join(", ")} with kubernetes.autoscaler.engine knative (Knative's queue-proxy listens there)`,
        });
    }
    return problems;
}

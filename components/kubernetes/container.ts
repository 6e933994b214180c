/**
 * Containers of a workload: the serving container (ports, probes, resources, environment) and the init
 * containers that prepare its volumes. Plain functions from typed specs to Kubernetes container objects.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AcceleratorRequest, acceleratorResourceName } from "./placement";
import { restrictedContainerSecurityContext } from "./security";

type Container = kubernetes.types.input.core.v1.Container;
type EnvVar = kubernetes.types.input.core.v1.EnvVar;
type Probe = kubernetes.types.input.core.v1.Probe;
type VolumeMount = kubernetes.types.input.core.v1.VolumeMount;

/** Seconds the container keeps serving after it is told to stop, so endpoints are withdrawn first. */
export const PRE_STOP_SLEEP_SECONDS = 10;

/** Health endpoints of a server, all on its named `http` port. */
export interface ProbeSpec {
    /** Path checked until the server has started (the model is loaded). */
    startupPath: string;
    /** Path checked to route traffic to the pod. */
    readinessPath: string;
    /** Path checked to restart a hung server. */
    livenessPath: string;
    /** Longest time the server may take to start: startup probe period x failure threshold. */
    startupTimeoutSeconds: number;
}

/** CPU, memory and accelerators per container. */
export interface ResourceSpec {
    /** vCPUs requested (no limit: a CPU limit only throttles a model server between requests). */
    cpu: number;
    /** Memory in GiB, requested and limited alike (Guaranteed memory: no OOM kill from a noisy neighbour). */
    memoryGiB: number;
    /** Accelerators, requested and limited alike (extended resources cannot be overcommitted). */
    accelerator?: AcceleratorRequest;
}

/** Secret environment variables, read from one Secret by key. */
export interface SecretEnvSpec {
    /** Name of the Secret. */
    secretName: pulumi.Input<string>;
    /** Variable names; each is also the key in the Secret. */
    keys: string[];
}

/** The serving container. */
export interface ServerContainerSpec {
    name: string;
    image: pulumi.Input<string>;
    command?: pulumi.Input<string>[];
    args?: pulumi.Input<string>[];
    /** Port of the HTTP API, named `http`. */
    port: number;
    /** Port of the metrics endpoint when it differs from `port`, named `metrics`. */
    metricsPort?: number;
    /** Plain environment variables. */
    env: Record<string, pulumi.Input<string>>;
    secretEnv?: SecretEnvSpec;
    probes: ProbeSpec;
    resources: ResourceSpec;
    volumeMounts: VolumeMount[];
    /** Whether the image is known to write only to mounted volumes. */
    readOnlyRootFilesystem: boolean;
    /** Seconds the server keeps running after it is told to stop (its pre-stop sleep). Defaults to {@link PRE_STOP_SLEEP_SECONDS}. */
    preStopSleepSeconds?: number;
    /**
     * A pre-stop HTTP GET in place of the sleep: the server gets its SIGTERM once this request is answered (whatever the
     * status) or fails, at the latest when the pod's grace period ends. Excludes `preStopSleepSeconds`. Defaults to none.
     */
    preStopHttpGet?: PreStopHttpGet;
}

/**
 * A preStop `httpGet`. The kubelet sends it to the pod's IP (the hook has no host here), so the port may be any
 * container's of the pod; a number, since a port name resolves only among the hooked container's own ports. It keeps
 * the container running until the answer (the kubelet's lifecycle client has no timeout, the grace period bounds the
 * hook), and only a failed request, not a status, is a failed hook (kubernetes/kubernetes pkg/kubelet/lifecycle/handlers.go,
 * `runHTTPHandler`; pkg/kubelet/kubelet.go, `insecureContainerLifecycleHTTPClient`).
 */
export interface PreStopHttpGet {
    port: number;
    /** Absolute path, such as `/drained`. */
    path: string;
}

/**
 * A container beside the server for the pod's whole life (a queue consumer): restricted with a read-only root
 * filesystem, small resources of its own (memory requested and limited alike).
 */
export interface SidecarContainerSpec {
    name: string;
    image: pulumi.Input<string>;
    command: pulumi.Input<string>[];
    env: Record<string, pulumi.Input<string>>;
    /** CPU and memory quantities, such as `100m` and `256Mi`. */
    resources: { cpu: string; memory: string };
    volumeMounts: VolumeMount[];
}

/** A container that runs to completion before the server starts (for example an artifact download). */
export interface InitContainerSpec {
    name: string;
    image: string;
    command: string[];
    env: Record<string, string>;
    secretEnv?: SecretEnvSpec;
    /** Variables from the pod's own fields (downward API), name to field path, for example `{ POD_NAME: "metadata.name" }`. Defaults to none. */
    fieldEnv?: Record<string, string>;
    volumeMounts: VolumeMount[];
}

/** A CPU quantity: whole cores as `"4"`, fractions in millicores (`0.5` -> `"500m"`). */
export function cpuQuantity(cpu: number): string {
    return Number.isInteger(cpu) ? String(cpu) : `${Math.round(cpu * 1000)}m`;
}

/** A memory quantity: whole GiB as `"16Gi"`, fractions rounded up to MiB (`0.5` -> `"512Mi"`). */
export function memoryQuantity(gib: number): string {
    return Number.isInteger(gib) ? `${gib}Gi` : `${Math.ceil(gib * 1024)}Mi`;
}

/** Requests and limits of the serving container. */
export function containerResources(resources: ResourceSpec): { requests: Record<string, string>; limits: Record<string, string> } {
    const memory = memoryQuantity(resources.memoryGiB);
    const requests: Record<string, string> = { cpu: cpuQuantity(resources.cpu), memory };
    const limits: Record<string, string> = { memory };
    if (resources.accelerator) {
        const name = acceleratorResourceName(resources.accelerator.accelerator);
        requests[name] = String(resources.accelerator.count);
        limits[name] = String(resources.accelerator.count);
    }
    return { requests, limits };
}

/**
 * The startup probe's period and failure threshold, whose product is exactly the startup budget: the
 * longest period of 10, 5, 2 or 1 seconds that divides it (the schema allows whole seconds >= 10).
 */
export function startupProbeTiming(startupTimeoutSeconds: number): { periodSeconds: number; failureThreshold: number } {
    const periodSeconds = [10, 5, 2, 1].find((p) => startupTimeoutSeconds % p === 0) ?? 1;
    return { periodSeconds, failureThreshold: startupTimeoutSeconds / periodSeconds };
}

/** Startup, readiness and liveness probes. Readiness and liveness only run once startup has succeeded. */
export function probes(spec: ProbeSpec): { startupProbe: Probe; readinessProbe: Probe; livenessProbe: Probe } {
    const get = (path: string) => ({ path, port: "http" });
    const startup = startupProbeTiming(spec.startupTimeoutSeconds);
    return {
        startupProbe: { httpGet: get(spec.startupPath), ...startup, timeoutSeconds: Math.min(5, startup.periodSeconds) },
        // Out of rotation after 30 s of failures, back after one success.
        readinessProbe: { httpGet: get(spec.readinessPath), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
        // Restarted after a minute of failures: a server busy with long generations answers slowly, and a
        // restart costs a full model load.
        livenessProbe: { httpGet: get(spec.livenessPath), periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 4 },
    };
}

/** Plain variables first, then secret ones read from the Secret by key (visible by name in the pod spec). */
export function envVars(env: Record<string, pulumi.Input<string>>, secretEnv?: SecretEnvSpec): EnvVar[] {
    const plain: EnvVar[] = Object.entries(env).map(([name, value]) => ({ name, value }));
    if (!secretEnv) return plain;
    const secret: EnvVar[] = secretEnv.keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretEnv.secretName, key } } }));
    return [...plain, ...secret];
}

/**
 * The server's preStop: keep serving while the endpoint is withdrawn from Services and gateways, then get SIGTERM (the
 * native sleep action, Kubernetes 1.30+, needs no `sleep` binary in the image), or wait on an HTTP GET.
 */
export function preStopHandler(spec: Pick<ServerContainerSpec, "preStopSleepSeconds" | "preStopHttpGet">): kubernetes.types.input.core.v1.LifecycleHandler {
    if (!spec.preStopHttpGet) return { sleep: { seconds: spec.preStopSleepSeconds ?? PRE_STOP_SLEEP_SECONDS } };
    if (spec.preStopSleepSeconds !== undefined) throw new Error(`server container: preStopHttpGet and preStopSleepSeconds (${spec.preStopSleepSeconds}) exclude each other`);
    return { httpGet: { path: spec.preStopHttpGet.path, port: spec.preStopHttpGet.port, scheme: "HTTP" } };
}

/** The serving container. */
export function serverContainer(spec: ServerContainerSpec): Container {
    const ports = [{ name: "http", containerPort: spec.port, protocol: "TCP" }];
    if (spec.metricsPort !== undefined && spec.metricsPort !== spec.port) ports.push({ name: "metrics", containerPort: spec.metricsPort, protocol: "TCP" });
    return {
        name: spec.name,
        image: spec.image,
        command: spec.command,
        args: spec.args && spec.args.length > 0 ? spec.args : undefined,
        ports,
        env: envVars(spec.env, spec.secretEnv),
        resources: containerResources(spec.resources),
        ...probes(spec.probes),
        lifecycle: { preStop: preStopHandler(spec) },
        securityContext: restrictedContainerSecurityContext(spec.readOnlyRootFilesystem),
        volumeMounts: spec.volumeMounts,
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
}

/** An init container: restricted, read-only root, modest resources (it downloads; the server computes). */
export function initContainer(spec: InitContainerSpec): Container {
    return {
        name: spec.name,
        image: spec.image,
        command: spec.command,
        env: [...envVars(spec.env, spec.secretEnv), ...Object.entries(spec.fieldEnv ?? {}).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } }))],
        resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "2Gi" } },
        securityContext: restrictedContainerSecurityContext(true),
        volumeMounts: spec.volumeMounts,
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
}

/** A sidecar container: restricted, read-only root, its own requests (it calls the server; the server computes). */
export function sidecarContainer(spec: SidecarContainerSpec): Container {
    return {
        name: spec.name,
        image: spec.image,
        command: spec.command,
        env: envVars(spec.env),
        resources: { requests: { cpu: spec.resources.cpu, memory: spec.resources.memory }, limits: { memory: spec.resources.memory } },
        securityContext: restrictedContainerSecurityContext(true),
        volumeMounts: spec.volumeMounts,
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
}

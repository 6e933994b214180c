/**
 * The one Kubernetes workload builder: a Deployment whose pods run one serving container (and optional
 * init containers that fill a model volume, and sidecars beside it), restricted security, probes sized for slow model loads,
 * accelerators, placement, topology spread and zero-downtime rolling updates.
 *
 * ModelService, GpuPool placement, PolyglotPipeline stages and SpikeAutoscaler targets all build their
 * pods here, so a fix to pod security or rollout behaviour lands everywhere at once.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { initContainer, InitContainerSpec, serverContainer, ServerContainerSpec, sidecarContainer, SidecarContainerSpec } from "./container";
import { Placement, podPriorityClassName, podTolerations, topologySpread } from "./placement";
import { restrictedPodSecurityContext } from "./security";

type Container = kubernetes.types.input.core.v1.Container;
type PodTemplateSpec = kubernetes.types.input.core.v1.PodTemplateSpec;
type Volume = kubernetes.types.input.core.v1.Volume;
type VolumeMount = kubernetes.types.input.core.v1.VolumeMount;

/** The writable home directory of the non-root user (an emptyDir): caches such as `~/.cache/huggingface` land here. */
export const HOME_DIR = "/home/modelship";

/** The name of the volume of a {@link ModelStoreSpec}. */
export const MODEL_STORE_VOLUME = "model-cache";

/**
 * A model volume that outlives the pod, in place of the per-pod emptyDir: ModelService's model cache (a hostPath
 * directory per node, or a PersistentVolumeClaim), named {@link MODEL_STORE_VOLUME}.
 */
export interface ModelStoreSpec {
    /** The volume source (`hostPath`, `persistentVolumeClaim`). */
    volume: Omit<Volume, "name">;
    /** The directory of the volume the server mounts read-only at `modelMountPath`. Defaults to the volume's root. */
    serverSubPath?: string;
    /** Where the `modelFetcher` mounts the volume (read-write), and which directory of it. Required with `modelFetcher`. */
    fetcherMount?: { mountPath: string; subPath?: string };
    /** Init containers that run before the fetcher, built by the caller (they mount {@link MODEL_STORE_VOLUME} themselves). Defaults to none. */
    initContainers?: Container[];
}

/** A container beside the server (sidecar.ts of a component builds it), with the volumes only it mounts. */
export interface SidecarSpec {
    container: SidecarContainerSpec;
    /** Volumes the sidecar mounts, added to the pod's. Defaults to none. */
    volumes?: Volume[];
}

/** A Deployment to build. */
export interface WorkloadSpec {
    /** Physical name of the Deployment. */
    name: string;
    namespace: pulumi.Input<string>;
    /** Labels of the Deployment object. */
    labels: Record<string, string>;
    /** The pod selector. Immutable once created: only labels that never change belong here. */
    selector: Record<string, string>;
    /** Labels of the pods; must include every selector label. */
    podLabels: Record<string, string>;
    /** Annotations of the pods (Prometheus scrape hints, for example). Defaults to none. */
    podAnnotations?: Record<string, string>;
    serviceAccountName: pulumi.Input<string>;
    /**
     * Replicas. Leave undefined when an autoscaler (HPA, KEDA: the SpikeAutoscaler) owns the count: the
     * field is then left out and Pulumi ignores its drift, so an update never resets a scaled Deployment.
     */
    replicas?: number;
    /** The serving container; named `server`. Its volume mounts are added here. */
    server: Omit<ServerContainerSpec, "name" | "volumeMounts">;
    /** Containers beside the server for the pod's whole life (a queue consumer), after it in the pod. Defaults to none. */
    sidecars?: SidecarSpec[];
    /** A container that downloads the model into the `model` volume before the server starts. Defaults to none. */
    modelFetcher?: Omit<InitContainerSpec, "name" | "volumeMounts">;
    /** Where the `model` volume is mounted (read-only in the server). Required with `modelFetcher` or `modelStore`. */
    modelMountPath?: string;
    /** The model volume when it outlives the pod (a model cache). Defaults to an emptyDir the `modelFetcher` fills. */
    modelStore?: ModelStoreSpec;
    /** Size of a memory-backed `/dev/shm` in GiB (NCCL, tensor-parallel workers). Defaults to the runtime's 64 MiB. */
    sharedMemoryGiB?: number;
    placement: Placement;
    /** Seconds between SIGTERM and SIGKILL: the pre-stop sleep plus the longest in-flight request. */
    terminationGracePeriodSeconds: number;
    /** Seconds a rollout may make no progress before it is reported failed (>= the startup budget). */
    progressDeadlineSeconds: number;
}

function volumesOf(spec: WorkloadSpec): { volumes: Volume[]; serverMounts: VolumeMount[]; fetcherMounts: VolumeMount[] } {
    // Model servers write to /tmp and to caches under $HOME even when the model is local: both are
    // emptyDirs, which is what lets the root filesystem be read-only.
    const volumes: Volume[] = [
        { name: "tmp", emptyDir: {} },
        { name: "home", emptyDir: {} },
    ];
    const serverMounts: VolumeMount[] = [
        { name: "tmp", mountPath: "/tmp" },
        { name: "home", mountPath: HOME_DIR },
    ];
    const fetcherMounts: VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
    if (spec.modelStore) {
        const store = spec.modelStore;
        if (!spec.modelMountPath) throw new Error(`workload ${spec.name}: modelStore needs modelMountPath`);
        if (spec.modelFetcher && !store.fetcherMount) throw new Error(`workload ${spec.name}: a modelFetcher on a modelStore needs its fetcherMount`);
        volumes.push({ name: MODEL_STORE_VOLUME, ...store.volume });
        if (spec.modelFetcher && store.fetcherMount) fetcherMounts.push({ name: MODEL_STORE_VOLUME, ...store.fetcherMount });
        const subPath = store.serverSubPath !== undefined ? { subPath: store.serverSubPath } : {};
        serverMounts.push({ name: MODEL_STORE_VOLUME, mountPath: spec.modelMountPath, ...subPath, readOnly: true });
    } else if (spec.modelFetcher) {
        if (!spec.modelMountPath) throw new Error(`workload ${spec.name}: modelFetcher needs modelMountPath`);
        // No size limit: models range from megabytes to hundreds of gigabytes, and an undersized limit
        // evicts the pod after every download.
        volumes.push({ name: "model", emptyDir: {} });
        fetcherMounts.push({ name: "model", mountPath: spec.modelMountPath });
        serverMounts.push({ name: "model", mountPath: spec.modelMountPath, readOnly: true });
    }
    if (spec.sharedMemoryGiB !== undefined) {
        // Memory-backed: what the server writes here counts against its memory limit.
        volumes.push({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${Math.ceil(spec.sharedMemoryGiB * 1024)}Mi` } });
        serverMounts.push({ name: "dshm", mountPath: "/dev/shm" });
    }
    return { volumes, serverMounts, fetcherMounts };
}

/** The pod template of a workload. */
export function podTemplate(spec: WorkloadSpec): PodTemplateSpec {
    const { volumes, serverMounts, fetcherMounts } = volumesOf(spec);
    // The non-root id has no /etc/passwd entry in most images: HOME points at the writable emptyDir, and
    // USER answers `getpass.getuser()` (PyTorch's compile caches fail without it).
    const env = { HOME: HOME_DIR, USER: "modelship", ...spec.server.env };
    const server = serverContainer({ ...spec.server, name: "server", env, volumeMounts: serverMounts });
    const fetcher = spec.modelFetcher ? [initContainer({ ...spec.modelFetcher, name: "fetch-model", volumeMounts: fetcherMounts })] : [];
    const initContainers = [...(spec.modelStore?.initContainers ?? []), ...fetcher];
    const sidecars = spec.sidecars ?? [];
    return {
        metadata: {
            labels: spec.podLabels,
            annotations: { "kubectl.kubernetes.io/default-container": "server", ...(spec.podAnnotations ?? {}) },
        },
        spec: {
            serviceAccountName: spec.serviceAccountName,
            automountServiceAccountToken: false,
            // Service environment variables collide with server settings (a Service named `vllm` sets
            // VLLM_PORT=tcp://..., which vLLM reads as its port) and nothing here needs them: DNS works.
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            initContainers: initContainers.length > 0 ? initContainers : undefined,
            containers: [server, ...sidecars.map((s) => sidecarContainer(s.container))],
            volumes: [...volumes, ...sidecars.flatMap((s) => s.volumes ?? [])],
            nodeSelector: spec.placement.nodeSelector,
            tolerations: podTolerations(spec.placement, spec.server.resources.accelerator),
            priorityClassName: podPriorityClassName(spec.placement),
            topologySpreadConstraints: topologySpread(spec.selector),
            terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
        },
    };
}

/** The Deployment's arguments: `replicas`, selector, zero-downtime rollout, pod template. */
export function deploymentArgs(spec: WorkloadSpec): kubernetes.apps.v1.DeploymentArgs {
    return {
        metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
        spec: {
            replicas: spec.replicas,
            selector: { matchLabels: spec.selector },
            // Never fewer ready pods than asked for during an update. With accelerators, the one surge pod
            // needs a spare GPU (or a node autoscaler that adds one), else the rollout waits for capacity.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            progressDeadlineSeconds: spec.progressDeadlineSeconds,
            revisionHistoryLimit: 5,
            template: podTemplate(spec),
        },
    };
}

/**
 * Creates the Deployment. `pulumi up` waits for the rollout: its timeout covers one pod's start per
 * replica, since pods surge one at a time.
 */
export function createDeployment(logicalName: string, spec: WorkloadSpec, opts: pulumi.CustomResourceOptions): kubernetes.apps.v1.Deployment {
    const waitSeconds = spec.progressDeadlineSeconds * Math.max(1, spec.replicas ?? 1);
    return new kubernetes.apps.v1.Deployment(logicalName, deploymentArgs(spec), {
        ...opts,
        customTimeouts: { create: `${waitSeconds}s`, update: `${waitSeconds}s` },
        ignoreChanges: spec.replicas === undefined ? ["spec.replicas", ...(opts.ignoreChanges ?? [])] : opts.ignoreChanges,
    });
}

/**
 * GPUs on Kubernetes: the NVIDIA device plugin DaemonSet (also used by the EKS and Karpenter pools), and for a
 * bring-your-own cluster the serving PriorityClasses and the GPU ResourceQuotas per namespace.
 *
 * Why a DaemonSet of the device plugin, not the NVIDIA GPU operator's Helm release: EKS's AL2023 NVIDIA AMI
 * and most GPU node images already carry the driver and the container toolkit, and then the device plugin is
 * the one missing piece. Written out here, every field is in the plan, checked against the Kubernetes schema
 * and pinned by digest; a Helm release is rendered inside the provider, invisible to the plan and the tests.
 * The operator is for nodes without a driver (it installs driver, toolkit, DCGM and MIG manager, privileged):
 * there, install it and set `devicePlugin: false`.
 *
 * The device plugin is one of modelship's two exceptions to the `restricted` Pod Security Standard (the other is the
 * DCGM exporter, observability/dcgm-exporter.ts): it registers with the kubelet through a socket it creates in the
 * hostPath `/var/lib/kubelet/device-plugins`, a root-owned directory, so it runs as root with that hostPath. It runs in `kube-system` (privileged namespace) with everything else dropped:
 * no privilege escalation, no capabilities, the runtime's seccomp profile, no API token, and a read-only root
 * filesystem (see {@link createDevicePlugin}).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels, labelValue, Ownership, physicalName } from "../../sdk/naming";
import { withDefaults } from "../../sdk/validate";
import { GpuPoolCloud, GpuPoolPlacement } from "./args";
import { imagePullerResources } from "./image-puller";
import { GPU_TOLERATION, placementOf } from "./placement";
import { ParsedGpuPoolArgs } from "./schema";
import { KubernetesPoolSpec, PoolBase, PoolCloud, PoolDeployment, Resolved } from "./spec";

/** NVIDIA's device plugin v0.20.0, pinned by the digest of its multi-architecture image index. */
export const DEVICE_PLUGIN_IMAGE = "nvcr.io/nvidia/k8s-device-plugin:v0.20.0@sha256:a61ba9fd8efb82f3a79f877f7580e02c1e8e7593f62473644bc9c79e315c3312";

/** Where the kubelet looks for device plugin sockets. */
const DEVICE_PLUGIN_DIR = "/var/lib/kubelet/device-plugins";

/** Priority of serving pods: above every pod without a class (0), so they preempt batch work on full GPU nodes. */
export const SERVING_PRIORITY = 100000;
/** Priority of batch pods: below the default, never preempting anything, first to go when serving needs the GPU. */
export const BATCH_PRIORITY = -100;

/** What the device plugin DaemonSet needs. */
export interface DevicePluginSpec {
    owner: Ownership;
    /** Node labels of the GPU nodes; empty to run on every node that admits it. */
    nodeSelector: Record<string, string>;
    image: string;
}

/**
 * The device plugin DaemonSet in `kube-system`, on the GPU nodes only when they carry known labels.
 *
 * Its root filesystem is read-only, with no emptyDir: as configured here (v0.20.0, the default `envvar` device list
 * strategy, no config file, no MPS sharing) the plugin writes only its socket, in the hostPath mount. The writes its
 * Helm chart makes room for come from options not used here: CDI specs in `/var/run/cdi` (only with a `cdi-*` device
 * list strategy; otherwise its CDI handler is a no-op), `/mps` and `/dev/shm` (MPS sharing), `/config` (the config
 * manager sidecar). Logs go to stderr. The NVIDIA container toolkit's hook mounts the driver libraries into the
 * container before the runtime makes its root read-only (runc's `finalizeRootfs` runs after the hooks).
 */
export function createDevicePlugin(spec: DevicePluginSpec, opts: pulumi.CustomResourceOptions): kubernetes.apps.v1.DaemonSet {
    const targeted = Object.keys(spec.nodeSelector).length > 0;
    const args = nodeAgentDaemonSet({
        owner: spec.owner,
        app: "nvidia-device-plugin",
        namespace: "kube-system",
        placement: { nodeSelector: spec.nodeSelector, tolerations: [GPU_TOLERATION] },
        containers: [
            {
                name: "nvidia-device-plugin",
                image: spec.image,
                // On GPU nodes only (a node selector), a start without GPUs is an error worth a crash
                // loop; on every node, CPU nodes must idle quietly.
                env: [{ name: "FAIL_ON_INIT_ERROR", value: targeted ? "true" : "false" }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "device-plugins", mountPath: DEVICE_PLUGIN_DIR }],
            },
        ],
        volumes: [{ name: "device-plugins", hostPath: { path: DEVICE_PLUGIN_DIR, type: "Directory" } }],
    });
    return new kubernetes.apps.v1.DaemonSet(args.metadata.name, args, opts);
}

/** What a node agent of a pool (the device plugin, the DCGM exporter) runs: its containers, on the pool's nodes. */
export interface NodeAgentSpec {
    owner: Ownership;
    /** `app.kubernetes.io/name` of its pods, and the suffix of its name: `<pool>-<app>`. */
    app: string;
    namespace: string;
    /** Node selector (empty: every node that admits the pods) and tolerations of its pods. */
    placement: Pick<GpuPoolPlacement, "nodeSelector" | "tolerations">;
    containers: kubernetes.types.input.core.v1.Container[];
    volumes: kubernetes.types.input.core.v1.Volume[];
}

/**
 * The DaemonSet of a node agent, named `<pool>-<app>`: one node at a time on update, `system-node-critical` (an agent the
 * node's GPUs need must survive node pressure), no API token, no service links, the runtime's seccomp profile.
 */
export function nodeAgentDaemonSet(spec: NodeAgentSpec): kubernetes.apps.v1.DaemonSetArgs & { metadata: { name: string; namespace: string; labels: Record<string, string> } } {
    const name = physicalName(spec.owner.service, spec.app);
    const selector = { "app.kubernetes.io/name": spec.app, "app.kubernetes.io/instance": labelValue(spec.owner.service) };
    const labels = { ...kubernetesLabels(spec.owner), ...selector };
    const targeted = Object.keys(spec.placement.nodeSelector).length > 0;
    return {
        metadata: { name, namespace: spec.namespace, labels },
        spec: {
            selector: { matchLabels: selector },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: {
                metadata: { labels },
                spec: {
                    priorityClassName: "system-node-critical",
                    nodeSelector: targeted ? { ...spec.placement.nodeSelector } : undefined,
                    tolerations: spec.placement.tolerations.map((t) => ({ ...t })),
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    containers: spec.containers,
                    volumes: spec.volumes,
                },
            },
        },
    };
}

/** One cluster-scoped PriorityClass of a pool, named `<pool>-<role>`; never the cluster's default. */
function priorityClass(
    owner: Ownership,
    role: "serving" | "batch",
    value: number,
    preemptionPolicy: string,
    description: string,
    opts: pulumi.CustomResourceOptions,
): kubernetes.scheduling.v1.PriorityClass {
    const name = physicalName(owner.service, role);
    return new kubernetes.scheduling.v1.PriorityClass(name, { metadata: { name, labels: kubernetesLabels(owner) }, value, globalDefault: false, preemptionPolicy, description }, opts);
}

/** The serving and batch PriorityClasses of a pool (cluster-scoped, named after the pool). */
export function createPriorityClasses(owner: Ownership, opts: pulumi.CustomResourceOptions): { serving: kubernetes.scheduling.v1.PriorityClass; batch: kubernetes.scheduling.v1.PriorityClass } {
    return {
        serving: priorityClass(
            owner,
            "serving",
            SERVING_PRIORITY,
            "PreemptLowerPriority",
            `Model serving on the ${owner.service} GPUs: preempts batch and unclassified pods when the GPUs are full.`,
            opts,
        ),
        batch: priorityClass(owner, "batch", BATCH_PRIORITY, "Never", `Batch and experiments on the ${owner.service} GPUs: never preempts, and yields the GPUs to serving.`, opts),
    };
}

/** One ResourceQuota per namespace on the GPUs its pods may request (extended resources take `requests.` only). */
export function createGpuQuotas(owner: Ownership, quotas: Record<string, number>, opts: pulumi.CustomResourceOptions): Record<string, kubernetes.core.v1.ResourceQuota> {
    const name = physicalName(owner.service, "gpus");
    const labels = kubernetesLabels(owner);
    const out: Record<string, kubernetes.core.v1.ResourceQuota> = {};
    for (const [namespace, gpus] of Object.entries(quotas).sort(([a], [b]) => a.localeCompare(b))) {
        out[namespace] = new kubernetes.core.v1.ResourceQuota(`${name}-${namespace}`, { metadata: { name, namespace, labels }, spec: { hard: { "requests.nvidia.com/gpu": String(gpus) } } }, opts);
    }
    return out;
}

/** The defaults of the `kubernetes` block. */
const KUBERNETES_DEFAULTS = { nodeSelector: {}, devicePlugin: true, devicePluginImage: DEVICE_PLUGIN_IMAGE, priorityClasses: true, gpuQuotas: {} };

function resolve(args: ParsedGpuPoolArgs, base: PoolBase): Resolved<KubernetesPoolSpec> {
    const settings = withDefaults(KUBERNETES_DEFAULTS, args.kubernetes);
    const spec: KubernetesPoolSpec = {
        ...base,
        cloud: GpuPoolCloud.Kubernetes,
        nodeSelector: settings.nodeSelector,
        devicePlugin: settings.devicePlugin,
        devicePluginImage: settings.devicePluginImage,
        priorityClasses: settings.priorityClasses,
        gpuQuotas: settings.gpuQuotas,
    };
    return { spec, problems: [] };
}

/** `cloud: kubernetes`: device plugin, priority classes and quotas on the cluster of the component's provider. */
export function deployKubernetes(spec: KubernetesPoolSpec, parent: pulumi.ComponentResource): PoolDeployment {
    const opts: pulumi.CustomResourceOptions = { parent };
    const nodeSelector = spec.nodeSelector;
    const resources: Record<string, pulumi.Resource> = {};
    if (spec.devicePlugin) {
        resources.devicePlugin = createDevicePlugin({ owner: spec.owner, nodeSelector, image: spec.devicePluginImage }, opts);
    }
    let priorityClassName = "";
    if (spec.priorityClasses) {
        const classes = createPriorityClasses(spec.owner, opts);
        Object.assign(resources, { servingPriorityClass: classes.serving, batchPriorityClass: classes.batch });
        priorityClassName = physicalName(spec.owner.service, "serving");
    }
    for (const [namespace, quota] of Object.entries(createGpuQuotas(spec.owner, spec.gpuQuotas, opts))) {
        resources[`gpuQuota-${namespace}`] = quota;
    }
    // Tolerating a taint the nodes may not have is harmless; most GPU node images and pools set it.
    const placement = placementOf(nodeSelector, true, priorityClassName);
    Object.assign(resources, imagePullerResources(spec.imageCache, spec.owner, placement, opts));
    return {
        cloud: GpuPoolCloud.Kubernetes,
        placement,
        resources,
        warnings: [],
    };
}

export const kubernetesCloud: PoolCloud<GpuPoolCloud.Kubernetes> = { resolve, deploy: deployKubernetes };

/**
 * NVIDIA's DCGM exporter on a pool's GPU nodes: a DaemonSet, the ConfigMap of the counters it reports, and a PodMonitor
 * that has the cluster's Prometheus (through the Prometheus Operator) scrape it. Plain objects here; the pool creates
 * them (observability.ts).
 *
 * Upstream's shape (NVIDIA/dcgm-exporter 4.8.2: `dcgm-exporter.yaml` and the Helm chart's `deployment/values.yaml` and
 * `templates/daemonset.yaml`): port 9400 named `metrics`, `DCGM_EXPORTER_KUBERNETES=true` (the pod mapping: the labels
 * `pod`, `namespace` and `container` of the pod each GPU is allocated to, read from the kubelet's pod-resources socket,
 * a hostPath `/var/lib/kubelet/pod-resources` mounted read-only), `NODE_NAME` from the node (the `Hostname` label is
 * then the node's name), `/health` probes after 45 s, `system-node-critical`, requests 100m CPU and 128 MiB with a
 * 512 MiB memory limit.
 *
 * Privileges, and why each is needed (modelship's second exception to the `restricted` Pod Security Standard after the
 * device plugin, both in kube-system, test/pod-security.ts):
 * - root and the hostPath: the kubelet's pod-resources socket is root's, in a root-owned directory; without it the
 *   exporter still reports each GPU but not the pod using it (ModelService's GPU alerts and dashboard need the pod).
 * - no `SYS_ADMIN`: upstream adds it for the profiling counters (`DCGM_FI_PROF_*`) only, and says to remove it without
 *   them. The counters here are `DCGM_FI_DEV_*` (the ConfigMap replaces the image's default list, which has profiling
 *   counters), so every capability is dropped and privilege escalation is off.
 * - on GKE (COS nodes, drivers installed by GKE under `/home/kubernetes/bin/nvidia`, no NVIDIA container toolkit) the
 *   container reaches the GPUs only privileged, with the driver directory mounted at `/usr/local/nvidia`, as Google's own
 *   manifest runs it (GoogleCloudPlatform/prometheus-engine `examples/nvidia-dcgm/exporter.yaml`, which also sets
 *   `DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE=device-name`: GKE's device plugin names devices, not UUIDs).
 * - the root filesystem stays writable, as upstream leaves it (its manifest: "Enable if tmpfs volumes are configured",
 *   without saying which paths DCGM writes).
 */
import * as kubernetes from "@pulumi/kubernetes";
import { labelValue, Ownership, physicalName } from "../../../sdk/naming";
import { MONITORING_API } from "../../kubernetes/monitoring";
import { GpuPoolPlacement } from "../args";
import { nodeAgentDaemonSet } from "../kubernetes";

/**
 * The DCGM exporter 4.8.2 on DCGM 4.5.3, distroless variant: the tag upstream's own manifest and Helm chart deploy
 * (`dcgm-exporter.yaml`, `deployment/values.yaml`; `hack/VERSION`), run as root with `NVIDIA_VISIBLE_DEVICES=all` set in
 * the image (docker/Dockerfile, `runtime-distroless`), which the NVIDIA container toolkit (EKS's AL2023 NVIDIA AMI)
 * reads to give the container every GPU without requesting one. Pinned by the digest a third-party build pins this tag
 * by (found by code search; the registry could not be reached here to read it, nor the image pulled).
 */
export const DCGM_EXPORTER_IMAGE = "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless@sha256:60d3b00ac80b4ae77f94dae2f943685605585ad9e92fdccda3154d009ae317cc";
/** The exporter's port (upstream's default `DCGM_EXPORTER_LISTEN=:9400`). */
export const DCGM_EXPORTER_PORT = 9400;
/** Where the kubelet serves pod-resources (the pod mapping). */
const POD_RESOURCES_DIR = "/var/lib/kubelet/pod-resources";
/** GKE's driver directory on the node, and where Google's manifest mounts it. */
const GKE_DRIVER_DIR = { host: "/home/kubernetes/bin/nvidia", container: "/usr/local/nvidia" } as const;
/** The counters file, mounted from the ConfigMap. */
const COUNTERS_DIR = "/etc/modelship-dcgm";
const COUNTERS_FILE = "counters.csv";

/**
 * The counters reported (upstream's `etc/default-counters.csv` format, `name, type, help`): those the pool's and
 * ModelService's alerts and dashboards read, and power. No profiling counter (`DCGM_FI_PROF_*`): they need `SYS_ADMIN`.
 */
export const DCGM_COUNTERS: ReadonlyArray<readonly [string, string, string]> = [
    ["DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %)."],
    ["DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %)."],
    ["DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB)."],
    ["DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB)."],
    ["DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C)."],
    ["DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W)."],
    ["DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered."],
];

/** How the GPU nodes give a container their GPUs. */
export enum GpuNodeFlavour {
    /** The NVIDIA container toolkit (EKS's NVIDIA AMIs, most clusters of your own): unprivileged. */
    ContainerToolkit = "container-toolkit",
    /** GKE: drivers on the host, the container privileged. */
    Gke = "gke",
}

export interface DcgmExporterSpec {
    owner: Ownership;
    /** The pool's name (`owner.service`). */
    pool: string;
    namespace: string;
    image: string;
    /** The pool's placement: the exporter runs where its GPU pods run (node selector, the GPU taint's toleration). */
    placement: GpuPoolPlacement;
    flavour: GpuNodeFlavour;
    /** Labels of the PodMonitor (the pool's, and those the cluster's Prometheus selects by). */
    monitorLabels: Record<string, string>;
    /** The static labels the PodMonitor adds to every series (`modelship_pool`). */
    seriesLabels: Record<string, string>;
}

export interface DcgmExporterObjects {
    counters: kubernetes.core.v1.ConfigMapArgs & { metadata: { name: string } };
    daemonSet: kubernetes.apps.v1.DaemonSetArgs & { metadata: { name: string } };
    podMonitor: kubernetes.apiextensions.CustomResourceArgs;
}

/** The counters file's text. */
export function countersCsv(): string {
    return DCGM_COUNTERS.map((c) => c.join(", ")).join("\n") + "\n";
}

/** The exporter's DaemonSet, counters ConfigMap and PodMonitor, named `<pool>-dcgm-exporter`. */
export function dcgmExporterObjects(spec: DcgmExporterSpec): DcgmExporterObjects {
    const name = physicalName(spec.pool, "dcgm-exporter");
    const gke = spec.flavour === GpuNodeFlavour.Gke;
    const health = { httpGet: { path: "/health", port: DCGM_EXPORTER_PORT }, initialDelaySeconds: 45, periodSeconds: 5 };
    const env = [
        { name: "DCGM_EXPORTER_LISTEN", value: `:${DCGM_EXPORTER_PORT}` },
        { name: "DCGM_EXPORTER_KUBERNETES", value: "true" },
        { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        ...(gke
            ? [
                  { name: "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", value: "device-name" },
                  { name: "LD_LIBRARY_PATH", value: `${GKE_DRIVER_DIR.container}/lib64` },
              ]
            : []),
    ];
    const volumeMounts = [
        { name: "pod-resources", mountPath: POD_RESOURCES_DIR, readOnly: true },
        { name: "counters", mountPath: COUNTERS_DIR, readOnly: true },
        ...(gke ? [{ name: "nvidia-driver", mountPath: GKE_DRIVER_DIR.container, readOnly: true }] : []),
    ];
    const volumes = [
        { name: "pod-resources", hostPath: { path: POD_RESOURCES_DIR, type: "Directory" } },
        { name: "counters", configMap: { name } },
        ...(gke ? [{ name: "nvidia-driver", hostPath: { path: GKE_DRIVER_DIR.host, type: "Directory" } }] : []),
    ];
    const daemonSet = nodeAgentDaemonSet({
        owner: spec.owner,
        app: "dcgm-exporter",
        namespace: spec.namespace,
        placement: spec.placement,
        containers: [
            {
                name: "dcgm-exporter",
                image: spec.image,
                args: ["-f", `${COUNTERS_DIR}/${COUNTERS_FILE}`],
                env,
                ports: [{ name: "metrics", containerPort: DCGM_EXPORTER_PORT }],
                securityContext: gke ? { privileged: true } : { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                livenessProbe: health,
                readinessProbe: health,
                volumeMounts,
            },
        ],
        volumes,
    });
    const selector = { "app.kubernetes.io/name": "dcgm-exporter", "app.kubernetes.io/instance": labelValue(spec.pool) };
    return {
        counters: { metadata: { name, namespace: spec.namespace, labels: daemonSet.metadata.labels }, data: { [COUNTERS_FILE]: countersCsv() } },
        daemonSet,
        podMonitor: {
            apiVersion: MONITORING_API,
            kind: "PodMonitor",
            metadata: { name, namespace: spec.namespace, labels: spec.monitorLabels },
            spec: {
                selector: { matchLabels: selector },
                podMetricsEndpoints: [
                    {
                        port: "metrics",
                        path: "/metrics",
                        // The exporter's `pod`, `namespace` and `container` name the GPU's pod: kept, as ModelService's
                        // GPU alerts and dashboard read them (the exporter's own pod fills them on GPUs nobody uses).
                        honorLabels: true,
                        relabelings: Object.entries(spec.seriesLabels).map(([targetLabel, replacement]) => ({ action: "replace", targetLabel, replacement })),
                    },
                ],
            },
        },
    };
}

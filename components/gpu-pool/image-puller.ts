/**
 * The image pre-pull DaemonSet of a GpuPool (`imageCache.prePullImages`, see `image-cache.ts`): one pod per pool node
 * pulls each image as soon as the node is up, so a serving pod scheduled there later finds it.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels, labelValue, Ownership, physicalName } from "../../sdk/naming";
import { GpuPoolToleration } from "./args";
import { PAUSE_IMAGE, TINY } from "./headroom";
import type { ImageCacheSpec } from "./image-cache";

/** The name suffix of the pre-pull DaemonSet. */
export const IMAGE_PULLER_SUFFIX = "image-puller";
/** Where the pre-puller keeps the copied `true` binary. */
const PULLER_BIN = "/puller";
/**
 * BusyBox 1.37.0, musl build (statically linked, so it runs inside any image of the node's architecture), pinned by the
 * digest of its multi-architecture index. Its `true` applet is the command every pulled image runs.
 */
export const BUSYBOX_IMAGE = "docker.io/library/busybox:1.37.0-musl@sha256:222ad6d973c0d198014546a65cd02c5fdedcc172123c5b4c2bf0af636550bd94";
/** The nobody user: the pulled images run nothing but `true`, as no one. */
const NOBODY = 65534;

/** What the pre-pull DaemonSet needs. */
export interface ImagePullerSpec {
    owner: Ownership;
    images: readonly string[];
    /** Node labels of the pool's nodes; empty to run on every node that admits it. */
    nodeSelector: Record<string, string>;
    tolerations: GpuPoolToleration[];
}

/**
 * The pre-pull DaemonSet of a pool with `prePullImages`, on the pool's placement (node selector and GPU toleration), as
 * the `imagePuller` resource; nothing without images.
 */
export function imagePullerResources(
    cache: ImageCacheSpec,
    owner: Ownership,
    placement: { nodeSelector: Record<string, string>; tolerations: GpuPoolToleration[] },
    opts: pulumi.CustomResourceOptions,
): Record<string, pulumi.Resource> {
    if (cache.prePullImages.length === 0) return {};
    return { imagePuller: createImagePuller({ owner, images: cache.prePullImages, nodeSelector: placement.nodeSelector, tolerations: placement.tolerations }, opts) };
}

/** The restricted security context of every container of the pre-puller. */
const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY };

/**
 * The pre-pull DaemonSet in `kube-system`, on the pool's nodes: an init container per image, which makes the kubelet pull
 * it, then a pause container keeps the pod on the node, and so its images: the kubelet's image garbage collection keeps
 * the image of every container of the node's pods, exited init containers included (kubernetes
 * pkg/kubelet/images/image_gc_manager.go, `detectImages` lists the pods with `GetPods(ctx, true)`).
 *
 * The pulled images run no command of their own: JupyterHub's image puller runs `/bin/sh -c 'echo "Pulling complete"'`
 * in each image (zero-to-jupyterhub-k8s, jupyterhub/templates/image-puller/_helpers-daemonset.tpl), which fails on images
 * without a shell (distroless, many model servers' slim builds). As kube-fledged does (pkg/images/image_helpers.go,
 * `newImagePullJob`), a first init container copies a static BusyBox binary into an emptyDir, and each image runs that:
 * `/puller/true` exits 0 inside any image. Every container runs as nobody with nothing writable but the emptyDir, no
 * capabilities and the runtime's seccomp profile (the restricted Pod Security Standard). Images are pulled with the
 * nodes' own registry credentials (ECR through the node role, Artifact Registry through the node service account).
 */
export function createImagePuller(spec: ImagePullerSpec, opts: pulumi.CustomResourceOptions): kubernetes.apps.v1.DaemonSet {
    const name = physicalName(spec.owner.service, IMAGE_PULLER_SUFFIX);
    const selector = { "app.kubernetes.io/name": IMAGE_PULLER_SUFFIX, "app.kubernetes.io/instance": labelValue(spec.owner.service) };
    const labels = { ...kubernetesLabels(spec.owner), ...selector };
    const bin = { name: "bin", mountPath: PULLER_BIN };
    const targeted = Object.keys(spec.nodeSelector).length > 0;
    return new kubernetes.apps.v1.DaemonSet(
        name,
        {
            metadata: { name, namespace: "kube-system", labels },
            spec: {
                selector: { matchLabels: selector },
                // Every node at once: a changed list pulls the new images on every node in parallel.
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } },
                template: {
                    metadata: { labels },
                    spec: {
                        nodeSelector: targeted ? { ...spec.nodeSelector } : undefined,
                        tolerations: spec.tolerations.map((t) => ({ ...t })),
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        terminationGracePeriodSeconds: 0,
                        securityContext: { runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY, seccompProfile: { type: "RuntimeDefault" } },
                        initContainers: [
                            {
                                name: "copy-true",
                                image: BUSYBOX_IMAGE,
                                command: ["cp", "/bin/true", `${PULLER_BIN}/true`],
                                resources: { requests: { ...TINY }, limits: { ...TINY } },
                                securityContext: CONTAINER_SECURITY,
                                volumeMounts: [bin],
                            },
                            ...spec.images.map((image, i) => ({
                                name: `pull-${i}`,
                                image,
                                imagePullPolicy: "IfNotPresent",
                                command: [`${PULLER_BIN}/true`],
                                resources: { requests: { ...TINY }, limits: { ...TINY } },
                                securityContext: CONTAINER_SECURITY,
                                volumeMounts: [bin],
                            })),
                        ],
                        containers: [{ name: "pause", image: PAUSE_IMAGE, resources: { requests: { ...TINY }, limits: { ...TINY } }, securityContext: CONTAINER_SECURITY }],
                        volumes: [{ name: "bin", emptyDir: { sizeLimit: "16Mi" } }],
                    },
                },
            },
        },
        opts,
    );
}

/**
 * Container images already on a GpuPool's nodes when a serving pod lands there (`imageCache`), so that a new node does
 * not spend minutes pulling a model server image of 10 GB or more. Four ways, by cloud:
 *
 * - GKE image streaming (`streaming`, the node pool's `nodeConfig.gcfsConfig`): containers start while the image is still
 *   being read from Artifact Registry (https://cloud.google.com/kubernetes-engine/docs/how-to/image-streaming). Images of
 *   other registries are pulled as usual; the project needs the Container File System API enabled.
 * - GKE secondary boot disk (`diskImage`, `nodeConfig.secondaryBootDisks` in `CONTAINER_IMAGE_CACHE` mode): every node gets
 *   its own persistent disk created from a disk image that holds the images, in parallel with the node's start
 *   (https://cloud.google.com/kubernetes-engine/docs/how-to/data-container-image-preloading). GKE reads the cache through
 *   image streaming: the provider's docs say `gcfsConfig` must be enabled for secondary boot disks (@pulumi/gcp
 *   `NodePoolNodeConfig.secondaryBootDisks`), so `streaming: false` with a disk image is refused.
 * - EKS (managed node group or Karpenter) data volume (`snapshotId`): an EBS volume restored from a snapshot of a node's
 *   containerd store, mounted at `/var/lib/containerd` before containerd starts: the "ML container cache" pattern of the
 *   EKS Blueprints (https://github.com/aws-ia/terraform-aws-eks-blueprints/tree/main/patterns/ml-container-cache), on
 *   the Amazon Linux 2023 NVIDIA AMI the pool uses. See {@link SNAPSHOT_DEVICE} and {@link snapshotMountScript}.
 * - A pre-pull DaemonSet (`prePullImages`, aws, gcp, kubernetes): one pod per pool node pulls each image once, as soon as
 *   the node is up, so a serving pod scheduled later finds it there (`image-puller.ts`).
 *
 * Docker keeps its images between runs on the one machine: no cache to set up, so `imageCache` is refused there.
 */
import * as aws from "@pulumi/aws";
import { z } from "zod";
import { DerivedKubernetesName } from "../../sdk/naming";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { GpuPoolCloud } from "./args";
import { IMAGE_PULLER_SUFFIX } from "./image-puller";
import type { ParsedGpuPoolArgs } from "./schema";

/** An EBS snapshot ID: `snap-` and 8 (older) or 17 hex digits (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Snapshot.html). */
export const SNAPSHOT_ID = /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/;
/**
 * A Compute Engine disk image as GKE's secondary boot disk takes it: `global/images/<name>` in the cluster's project, or
 * `projects/<project>/global/images/<name>` in another one (the data-container-image-preloading page above). Image names
 * are RFC 1035 labels of up to 63 characters; project IDs are 6 to 30 lowercase letters, digits and hyphens.
 */
export const DISK_IMAGE = /^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/)?global\/images\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * A container image reference as the distribution grammar writes it (github.com/distribution/reference): an optional
 * registry host (with a port), lowercase path components, an optional tag and an optional sha256 digest.
 */
const IMAGE_REFERENCE =
    /^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?\/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export const imageCacheSchema = z
    .object({
        streaming: z.boolean().optional(),
        diskImage: z.string().regex(DISK_IMAGE, "a Compute Engine disk image, global/images/<name> or projects/<project>/global/images/<name>, such as global/images/vllm-cache-v1").optional(),
        snapshotId: z.string().regex(SNAPSHOT_ID, "an EBS snapshot ID, snap- and 8 or 17 lowercase hex digits, such as snap-0123456789abcdef0").optional(),
        prePullImages: z.array(z.string().regex(IMAGE_REFERENCE, "a container image reference, such as vllm/vllm-openai:v0.8.5 or <registry>/<repository>@sha256:<64 hex digits>")).min(1).optional(),
    })
    .strict();

/** The image cache of a pool, resolved: what each cloud file reads. */
export interface ImageCacheSpec {
    /** GKE image streaming (gcp only; false elsewhere). */
    streaming: boolean;
    /** GKE secondary boot disk image (gcp). */
    diskImage?: string;
    /** EBS snapshot of a containerd store (aws). */
    snapshotId?: string;
    /** Images the pre-pull DaemonSet pulls on every node; empty for none. */
    prePullImages: string[];
}

/** The cache with every default applied: streaming on by default on gcp, nothing else unless given. */
export function imageCacheOf(args: ParsedGpuPoolArgs): ImageCacheSpec {
    const given = args.imageCache;
    return {
        streaming: args.cloud === GpuPoolCloud.Gcp && (given?.streaming ?? true),
        diskImage: given?.diskImage,
        snapshotId: given?.snapshotId,
        prePullImages: [...(given?.prePullImages ?? [])],
    };
}

/** The cloud each cloud-specific field belongs to, and what to use instead elsewhere. */
const FIELD_CLOUD: Record<"streaming" | "diskImage" | "snapshotId", { cloud: GpuPoolCloud; what: string }> = {
    streaming: { cloud: GpuPoolCloud.Gcp, what: "GKE image streaming (gcfsConfig)" },
    diskImage: { cloud: GpuPoolCloud.Gcp, what: "a GKE secondary boot disk" },
    snapshotId: { cloud: GpuPoolCloud.Aws, what: "an EBS volume on EKS nodes" },
};

/** What a cloud offers instead, for the messages. */
const ALTERNATIVES: Record<GpuPoolCloud, string> = {
    [GpuPoolCloud.Aws]: "on aws use imageCache.snapshotId or imageCache.prePullImages",
    [GpuPoolCloud.Gcp]: "on gcp use imageCache.streaming, imageCache.diskImage or imageCache.prePullImages",
    [GpuPoolCloud.Kubernetes]: "on kubernetes use imageCache.prePullImages",
    [GpuPoolCloud.Docker]: "",
};

/** Fields given on a cloud that has no such thing, docker, a disk image without streaming, an image listed twice. */
export function imageCacheProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const cache = args.imageCache;
    if (cache === undefined) return [];
    if (args.cloud === GpuPoolCloud.Docker) {
        return [{ path: "imageCache", received: describeValue(cache), expected: "nothing with cloud docker: the local engine keeps the images it pulled, so the second start pulls nothing" }];
    }
    const problems: ValidationProblem[] = [];
    for (const [field, owner] of Object.entries(FIELD_CLOUD) as [keyof typeof FIELD_CLOUD, (typeof FIELD_CLOUD)[keyof typeof FIELD_CLOUD]][]) {
        if (cache[field] === undefined || args.cloud === owner.cloud) continue;
        problems.push({
            path: `imageCache.${field}`,
            received: describeValue(cache[field]),
            expected: `nothing with cloud ${args.cloud}: it sets up ${owner.what}, cloud ${owner.cloud} only (${ALTERNATIVES[args.cloud]})`,
        });
    }
    if (args.cloud === GpuPoolCloud.Gcp && cache.diskImage !== undefined && cache.streaming === false) {
        problems.push({
            path: "imageCache.streaming",
            received: "false",
            expected: "true or nothing (its default) with imageCache.diskImage: GKE reads a secondary boot disk's image cache through image streaming (gcfsConfig must be enabled)",
        });
    }
    (cache.prePullImages ?? []).forEach((image, i, all) => {
        if (all.indexOf(image) !== i)
            problems.push({ path: `imageCache.prePullImages[${i}]`, received: describeValue(image), expected: `each image once (it is also imageCache.prePullImages[${all.indexOf(image)}])` });
    });
    return problems;
}

/** The Kubernetes object the cache names after the pool: the pre-pull DaemonSet. */
export function imageCacheNames(args: ParsedGpuPoolArgs): DerivedKubernetesName[] {
    return args.cloud !== GpuPoolCloud.Docker && (args.imageCache?.prePullImages?.length ?? 0) > 0 ? [{ suffix: IMAGE_PULLER_SUFFIX, objects: "the image pre-pull DaemonSet" }] : [];
}

// ---- GKE ----

/**
 * The node pool's image settings: `gcfsConfig` always set (explicit, so that the pool never depends on the cluster's
 * default), and the secondary boot disk of `diskImage`. Image streaming is updated in place (the provider's `gcfs_config`
 * is not ForceNew); a changed or added `secondaryBootDisks` replaces the node pool (ForceNew in the provider's schema).
 */
export function gkeImageCacheConfig(cache: ImageCacheSpec): { gcfsConfig: { enabled: boolean }; secondaryBootDisks?: { diskImage: string; mode: string }[] } {
    const disks = cache.diskImage !== undefined ? { secondaryBootDisks: [{ diskImage: cache.diskImage, mode: "CONTAINER_IMAGE_CACHE" }] } : {};
    return { gcfsConfig: { enabled: cache.streaming }, ...disks };
}

/**
 * The basis line of image streaming and of the pre-pull DaemonSet, which add no billed resource: GKE Standard bills
 * the cluster fee and the nodes as Compute Engine instances, with no item for image streaming
 * (https://cloud.google.com/kubernetes-engine/pricing); the puller's pods run on the pool's nodes, priced here.
 */
export function imageCacheBasis(cache: ImageCacheSpec): string[] {
    const lines: string[] = [];
    if (cache.streaming) lines.push("image streaming (imageCache.streaming): a node setting, no price item of its own; images stream from Artifact Registry, billed on the registry");
    if (cache.prePullImages.length > 0) lines.push(`image pre-puller (imageCache.prePullImages, ${cache.prePullImages.length} image(s)): its pods run on the pool's nodes, priced here`);
    return lines;
}

// ---- EKS and Karpenter ----

/**
 * The device of the data volume: `/dev/xvdb`, the name the Blueprints pattern gives it (its `eks.tf` and its snapshot
 * builder, clowdhaus/terraform-aws-ebs-snapshot-builder `user_data.sh`). On Nitro instances the volume appears as an NVMe
 * device, and Amazon Linux 2023's udev rules (amazon-ec2-utils) link the name given in the mapping to it.
 */
export const SNAPSHOT_DEVICE = "/dev/xvdb";
/** Where containerd keeps its images and snapshots on the EKS AMIs: the volume is mounted there. */
export const CONTAINERD_ROOT = "/var/lib/containerd";

/**
 * The shell script that mounts the restored volume where containerd keeps its store, as the Blueprints pattern does
 * (stop containerd and kubelet, an fstab entry for the xfs volume, mount). On AL2023, `nodeadm-run.service` starts
 * containerd and kubelet after `cloud-final.service`, "in order to pickup changes the user may have applied via cloud-init
 * scripts" (awslabs/amazon-eks-ami, templates/al2023/runtime/rootfs/etc/systemd/system/nodeadm-run.service): the script
 * runs before containerd ever reads its directory. `nofail`: a node whose volume did not attach still boots, and pulls
 * its images as without a cache. The snapshot must hold a whole containerd root taken from the same AMI family (the
 * builder copies the AMI's own images, such as the pause image nodeadm points containerd at, before pulling yours).
 */
export function snapshotMountScript(): string {
    return [
        "#!/bin/bash",
        "# modelship GpuPool imageCache.snapshotId: containerd's image store, restored from an EBS snapshot, mounted before containerd starts.",
        "set -euo pipefail",
        "systemctl stop kubelet containerd || true",
        `echo '${SNAPSHOT_DEVICE} ${CONTAINERD_ROOT} xfs defaults,nofail 0 2' >> /etc/fstab`,
        `mount ${CONTAINERD_ROOT}`,
        "",
    ].join("\n");
}

/** The MIME boundary of the user data. */
const BOUNDARY = "MODELSHIP";

/**
 * The nodes' user data: a MIME multi-part document with the mount script, the form EKS and Karpenter merge with their
 * own NodeConfig on AL2023 (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html#launch-template-user-data).
 */
export function snapshotUserData(): string {
    return [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
        "",
        `--${BOUNDARY}`,
        'Content-Type: text/x-shellscript; charset="us-ascii"',
        "",
        snapshotMountScript(),
        `--${BOUNDARY}--`,
        "",
    ].join("\n");
}

/**
 * The data volume of a managed node group's launch template: gp3, deleted with the node, its size the snapshot's (no
 * `volumeSize`). No `encrypted` or `kmsKeyId`: EC2 takes no encryption setting for a volume restored from a snapshot
 * (@pulumi/aws `LaunchTemplateBlockDeviceMappingEbs.encrypted`: "Cannot be used with snapshotId"); the volume is
 * encrypted as its snapshot is (or by the account's EBS encryption by default). Encrypt the snapshot with the pool's key.
 */
export function launchTemplateCacheVolume(snapshotId: string): { deviceName: string; ebs: { snapshotId: string; volumeType: string; deleteOnTermination: string } } {
    return { deviceName: SNAPSHOT_DEVICE, ebs: { snapshotId, volumeType: "gp3", deleteOnTermination: "true" } };
}

/**
 * A GPU node group's launch template with the cache: the data volume after the root volume, and the mount script as
 * the template's user data (base64, as EC2 takes it). Unchanged without `snapshotId`.
 */
export function withLaunchTemplateCache(args: aws.ec2.LaunchTemplateArgs, cache: ImageCacheSpec): aws.ec2.LaunchTemplateArgs {
    if (cache.snapshotId === undefined) return args;
    const mappings = (args.blockDeviceMappings ?? []) as aws.types.input.ec2.LaunchTemplateBlockDeviceMapping[];
    return { ...args, blockDeviceMappings: [...mappings, launchTemplateCacheVolume(cache.snapshotId)], userData: Buffer.from(snapshotUserData()).toString("base64") };
}

/**
 * The warning of a snapshot volume on a pool with a customer-managed key: the key encrypts the root volumes, not the
 * restored one (EC2 takes no encryption setting for it), which is encrypted as the snapshot is.
 */
export function snapshotKeyWarnings(cache: ImageCacheSpec, volumeKmsKeyArn: unknown): string[] {
    if (cache.snapshotId === undefined || volumeKmsKeyArn === undefined) return [];
    return [
        `imageCache.snapshotId: the volume restored from ${cache.snapshotId} is encrypted as the snapshot is, not with aws.volumeKmsKeyArn ` +
            "(EC2 takes no encryption setting for a volume restored from a snapshot): copy the snapshot encrypted with that key " +
            "(aws ec2 copy-snapshot --encrypted --kms-key-id <key>) if the nodes' volumes must all use it.",
    ];
}

/** The same volume in Karpenter's EC2NodeClass (`ebs.snapshotID`, karpenter.k8s.aws/v1 BlockDevice). */
export function nodeClassCacheVolume(snapshotId: string): Record<string, unknown> {
    return { deviceName: SNAPSHOT_DEVICE, ebs: { snapshotID: snapshotId, volumeType: "gp3", deleteOnTermination: true } };
}

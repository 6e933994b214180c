/**
 * Extra disks of GPU nodes that hold a container image cache: an EBS volume restored from a snapshot (an EC2 launch
 * template's or a Karpenter EC2NodeClass's block device mapping with a snapshot) and a GKE secondary boot disk. Each node
 * gets its own disk, billed per GB-month; EBS and Persistent Disk prices are not in the catalog, and the disk's size is
 * the snapshot's or the disk image's, which the stack does not state: unknown, never 0. With no node, no disk.
 *
 * A launch template or a node class without such a volume stays free: its instances are priced on the node group or
 * NodePool (their root volumes, set by every launch template, are not priced by the cost model either).
 */
import { free, unknown, type FreeFigure, type PricedFigure } from "../figures";
import { KUBERNETES_FREE_GROUPS } from "../free";
import { list, str } from "../inputs";

const TEMPLATE_FREE = "a launch configuration: the instances launched from it are priced on the node group or instance";
const NODE_CLASS_FREE = KUBERNETES_FREE_GROUPS["karpenter.k8s.aws"];

/** The snapshot IDs of a resource's block device mappings (`ebs.<field>`). */
function snapshots(inputs: Record<string, unknown>, path: string, field: string): string[] {
    return list(inputs, path)
        .map((m) => str(m, `ebs.${field}`))
        .filter((s): s is string => s !== undefined);
}

function volumeWords(ids: readonly string[], where: string): string {
    return (
        `${ids.length} EBS volume(s) per node restored from ${ids.join(", ")} (${where}), billed per GB-month of the snapshot's size: ` +
        "EBS prices are not in the catalog and the snapshot's size is not in the stack"
    );
}

/** `aws:ec2/launchTemplate:LaunchTemplate`: free, unless it restores volumes from snapshots. */
export function priceLaunchTemplate(inputs: Record<string, unknown>): PricedFigure | FreeFigure {
    const ids = snapshots(inputs, "blockDeviceMappings", "snapshotId");
    return ids.length === 0 ? free(TEMPLATE_FREE) : unknown(volumeWords(ids, "blockDeviceMappings of the launch template"));
}

/** `kubernetes:karpenter.k8s.aws/v1:EC2NodeClass`: free, unless it restores volumes from snapshots. */
export function priceEc2NodeClass(inputs: Record<string, unknown>): PricedFigure | FreeFigure {
    const ids = snapshots(inputs, "spec.blockDeviceMappings", "snapshotID");
    return ids.length === 0 ? free(NODE_CLASS_FREE) : unknown(volumeWords(ids, "spec.blockDeviceMappings of the EC2NodeClass"));
}

/**
 * A GKE node pool's figure with its secondary boot disks (`nodeConfig.secondaryBootDisks`): one persistent disk per node
 * and disk image, of the image's size, of the boot disk's type. A bound with no node stays (0 nodes, 0 disks); any other
 * bound becomes unknown, with the reason in the basis.
 */
export function withSecondaryBootDisks(figure: PricedFigure, inputs: Record<string, unknown>): PricedFigure {
    const images = list(inputs, "nodeConfig.secondaryBootDisks")
        .map((d) => str(d, "diskImage"))
        .filter((s): s is string => s !== undefined);
    if (images.length === 0) return figure;
    const words =
        `plus ${images.length} secondary boot disk(s) per node from ${images.join(", ")}: a persistent disk of the image's size, billed per GB-month; ` +
        "Persistent Disk prices are not in the catalog and the image's size is not in the stack";
    const keep = (value: number | null) => (value === 0 ? 0 : null);
    return { ...figure, min: keep(figure.min), max: keep(figure.max), basis: `${figure.basis}; ${figure.max === 0 ? "" : "unknown: "}${words}` };
}

/**
 * The StorageClass names that EKS, GKE, AKS and local clusters define out of the box (or that their CSI drivers' docs
 * tell users to create), with the access modes their volumes offer. The model cache (model-cache.ts) refuses a class
 * known to lack the access mode it needs, before anything is created, instead of a claim that stays Pending. A name
 * not listed is accepted as given: a cluster's own classes can be anything.
 *
 * Sources (2026-12):
 * - EBS CSI driver: volumes are ReadWriteOnce (and ReadWriteOncePod) only.
 *   https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/README.md, https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html
 *   (`gp2`: EKS's default class before 1.30; `gp3` and `ebs-sc`: the names of the driver's and EKS's examples)
 * - EFS CSI driver: ReadWriteMany; `efs-sc` is the class of its dynamic provisioning example.
 *   https://github.com/kubernetes-sigs/aws-efs-csi-driver/tree/master/examples/kubernetes/dynamic_provisioning
 * - FSx for Lustre CSI driver: ReadWriteMany; `fsx-sc` in its examples. https://github.com/kubernetes-sigs/aws-fsx-csi-driver
 * - GKE: `standard` (pd-standard), `standard-rwo` (pd-balanced) and `premium-rwo` (pd-ssd) are Compute Engine persistent
 *   disks, ReadWriteOnce for dynamically provisioned volumes (ReadOnlyMany needs a pre-existing disk).
 *   https://cloud.google.com/kubernetes-engine/docs/concepts/persistent-volumes
 * - GKE Filestore: `standard-rwx`, `premium-rwx`, `enterprise-rwx`, `enterprise-multishare-rwx`, `zonal-rwx`: NFS,
 *   ReadWriteMany. https://cloud.google.com/filestore/docs/csi-driver
 * - AKS: `default`, `managed-csi`, `managed-csi-premium`, `managed`, `managed-premium` are Azure Disks (ReadWriteOnce);
 *   `azurefile`, `azurefile-csi`, `azurefile-premium`, `azurefile-csi-premium`, `azurefile-csi-nfs` are Azure Files
 *   (ReadWriteMany). https://learn.microsoft.com/azure/aks/concepts-storage#storage-classes
 * - Local clusters: `local-path` (Rancher's local-path-provisioner, k3s's default) and `hostpath` (Docker Desktop) are
 *   node-local, ReadWriteOnce. https://github.com/rancher/local-path-provisioner#usage
 */
import { ModelCacheAccessMode } from "./args";

/** The access modes a well-known class's volumes offer, and what the class is (for the error message). */
export interface KnownStorageClass {
    accessModes: readonly string[];
    what: string;
}

const RWO = ["ReadWriteOnce"] as const;
const RWX = ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"] as const;

const ebs = { accessModes: RWO, what: "an Amazon EBS volume (EBS CSI driver)" };
const gcePd = { accessModes: RWO, what: "a Compute Engine persistent disk (GKE)" };
const filestore = { accessModes: RWX, what: "a Filestore NFS share (GKE)" };
const azureDisk = { accessModes: RWO, what: "an Azure Disk (AKS)" };
const azureFiles = { accessModes: RWX, what: "an Azure Files share (AKS)" };
const nodeLocal = { accessModes: RWO, what: "a node-local directory (local clusters)" };

export const KNOWN_STORAGE_CLASSES: Readonly<Record<string, KnownStorageClass>> = {
    gp2: ebs,
    gp3: ebs,
    "ebs-sc": ebs,
    "efs-sc": { accessModes: RWX, what: "an Amazon EFS file system (EFS CSI driver)" },
    "fsx-sc": { accessModes: RWX, what: "an FSx for Lustre file system (FSx CSI driver)" },
    standard: gcePd,
    "standard-rwo": gcePd,
    "premium-rwo": gcePd,
    "standard-rwx": filestore,
    "premium-rwx": filestore,
    "enterprise-rwx": filestore,
    "enterprise-multishare-rwx": filestore,
    "zonal-rwx": filestore,
    default: azureDisk,
    managed: azureDisk,
    "managed-csi": azureDisk,
    "managed-premium": azureDisk,
    "managed-csi-premium": azureDisk,
    azurefile: azureFiles,
    "azurefile-csi": azureFiles,
    "azurefile-premium": azureFiles,
    "azurefile-csi-premium": azureFiles,
    "azurefile-csi-nfs": azureFiles,
    "local-path": nodeLocal,
    hostpath: nodeLocal,
};

/** Why `storageClassName` cannot offer `accessMode`, or undefined when it can or the class is not a well-known one. */
export function storageClassLacks(storageClassName: string, accessMode: ModelCacheAccessMode): string | undefined {
    const known = Object.prototype.hasOwnProperty.call(KNOWN_STORAGE_CLASSES, storageClassName) ? KNOWN_STORAGE_CLASSES[storageClassName] : undefined;
    if (known === undefined || known.accessModes.includes(accessMode)) return undefined;
    return `${known.what}, which offers ${known.accessModes.join(", ")} only`;
}

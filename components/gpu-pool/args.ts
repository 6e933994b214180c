/**
 * The public arguments and output shapes of GpuPool. Multi-language rules apply (see README, "Using modelship
 * from other languages"): no unions, enums instead; one optional settings block per cloud, checked at run
 * time; plain booleans for anything that decides whether a resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import type { NotificationArgs } from "../model-service/args";
import type { SpendGuardArgs } from "../spike-autoscaler/args";

/** Where a GpuPool's GPUs are. */
export enum GpuPoolCloud {
    /** An EKS managed node group (or a Karpenter NodePool) on an existing or new EKS cluster. */
    Aws = "aws",
    /** A GKE node pool with guest accelerators on an existing or new GKE cluster. */
    Gcp = "gcp",
    /** Your own Kubernetes cluster's GPU nodes: device plugin, priority classes and GPU quotas. */
    Kubernetes = "kubernetes",
    /** The local Docker engine's GPUs, for a ModelService on a workstation. */
    Docker = "docker",
}

/** How GPU nodes are bought. */
export enum CapacityType {
    /** On-demand instances: never reclaimed by the cloud. */
    OnDemand = "on-demand",
    /** Spot instances (AWS) or Spot VMs (GCP): cheaper, reclaimed at short notice. */
    Spot = "spot",
}

/** Which NVIDIA driver GKE installs on the nodes. */
export enum GpuDriverVersion {
    /** The default driver version of the node's GKE version. */
    Default = "DEFAULT",
    /** The latest driver version available for the node's GKE version. */
    Latest = "LATEST",
    /** No driver: install one yourself (for example with the NVIDIA GPU operator). */
    InstallationDisabled = "INSTALLATION_DISABLED",
}

/** Settings for `cloud: aws` (EKS). */
export interface GpuPoolAwsArgs {
    /** Region of the cluster, used for the instance catalog and set on regional resources. Defaults to the `aws:region` config, else `us-east-1`. */
    region?: string;
    /**
     * Name of the EKS cluster to attach the nodes to; with `createCluster`, the name of the new cluster.
     * Required unless `createCluster` is true, in which case it defaults to a name derived from the pool's.
     */
    clusterName?: pulumi.Input<string>;
    /**
     * Create the EKS cluster (control plane, its IAM role, and a small CPU node group for system pods) instead of
     * attaching to an existing one. Defaults to false.
     */
    createCluster?: boolean;
    /** Kubernetes version of a new cluster (`createCluster`), for example `1.33`. Defaults to EKS's default version. */
    kubernetesVersion?: string;
    /**
     * Subnets the GPU nodes are launched in (private subnets, in the zones that offer the instance types); with
     * `createCluster`, also the cluster's subnets (at least two zones). No default.
     */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Instance types of the nodes, each carrying `gpusPerNode` devices of `accelerator`. Defaults to the cheapest
     * catalog type with enough vCPUs and memory (`minNodeVcpus`, `minNodeMemoryGiB`); with spot, to up to three
     * such types (within twice the cheapest price), for more places to find capacity.
     */
    instanceTypes?: string[];
    /** Nodes the managed node group starts with (at most 5,000); the cluster autoscaler owns the count afterwards. Defaults to `minNodes`. */
    desiredNodes?: number;
    /**
     * Root volume of each GPU node in GiB (gp3, encrypted), set in the nodes' launch template: model server images are
     * often 10 GB or more. Defaults to 100.
     */
    diskSizeGiB?: number;
    /**
     * ARN of a customer-managed, symmetric KMS key that encrypts the root volumes of the pool's nodes (the launch
     * template's EBS `kmsKeyId`, or the EC2NodeClass's `kmsKeyID` with `karpenter`; with `createCluster`, the system
     * nodes' volumes too), as `arn:aws:kms:<region>:<account>:key/<key id>`, in the pool's region. Defaults to none:
     * EBS encrypts the volumes with the AWS-managed key `aws/ebs`.
     *
     * The pool creates no key policy, grant or IAM policy for the key: whoever launches the instances must be allowed
     * to use it, and the key's owner grants that. A managed node group's instances are launched by EC2 Auto Scaling,
     * so the key policy must allow the service-linked role `AWSServiceRoleForAutoScaling` `kms:Encrypt`,
     * `kms:Decrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*` and `kms:DescribeKey`, and `kms:CreateGrant` on the
     * condition `kms:GrantIsForAWSResource: true`
     * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html). With
     * `karpenter`, Karpenter's controller launches them: its IAM role (IRSA or EKS Pod Identity) needs the same actions
     * on the key (https://karpenter.sh/docs/troubleshooting/#node-terminates-before-ready-on-failed-encrypted-ebs-volume).
     * The node role needs nothing for its root volume. The key is billed to its owner, not in `estimatedMonthlyCost`.
     */
    volumeKmsKeyArn?: pulumi.Input<string>;
    /**
     * A Karpenter NodePool and EC2NodeClass instead of a managed node group: nodes sized to the pending pods,
     * started in about a minute and removed when empty (scale to zero). Karpenter must already run in the
     * cluster. Defaults to false.
     */
    karpenter?: boolean;
    /**
     * Security groups of Karpenter's nodes (`karpenter: true`). Defaults to the security groups tagged
     * `karpenter.sh/discovery: <cluster name>`, Karpenter's convention.
     */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Deploy the NVIDIA device plugin DaemonSet on the pool's nodes (the AL2023 NVIDIA AMI has the driver and
     * container toolkit, not the device plugin). Set false when the cluster already runs one (the GPU
     * operator, an earlier pool). Needs a Kubernetes provider for the cluster (`opts.providers`, or the one made
     * with `createCluster`). Defaults to true.
     */
    devicePlugin?: boolean;
    /**
     * Attach `AmazonEKS_CNI_Policy` to the node role, which the VPC CNI (`aws-node`) uses to give pods IP
     * addresses. Set false when `aws-node` has its own role (IRSA or EKS Pod Identity). Defaults to true.
     */
    cniPolicy?: boolean;
}

/** Settings for `cloud: gcp` (GKE). */
export interface GpuPoolGcpArgs {
    /** Name of the GKE cluster to add the node pool to; with `createCluster`, the name of the new cluster. Required unless `createCluster` is true, in which case it defaults to a name derived from the pool's. */
    clusterName?: pulumi.Input<string>;
    /**
     * Create a GKE Standard cluster (with a small CPU node pool for system pods) instead of using an existing one. The new
     * cluster is protected from deletion by default (`deletionProtection`): to remove it, set `deletionProtection: false`,
     * run `pulumi up`, then `pulumi destroy`. Defaults to false.
     */
    createCluster?: boolean;
    /**
     * Protect a new cluster (`createCluster`) from deletion: while true, Pulumi refuses to delete the cluster or to
     * replace it, so `pulumi destroy` fails on it. Set false and run `pulumi up` before destroying the pool. Only with
     * `createCluster`. Defaults to true (the provider's default, set explicitly on the cluster).
     */
    deletionProtection?: boolean;
    /** Location of the cluster: a region (regional cluster) or a zone (zonal cluster). Defaults to the `gcp:region` config, else `gcp:zone`, else `us-central1`. */
    location?: string;
    /** Zones of the node pool in a regional cluster. Defaults to the region's zones that offer the accelerator, per the catalog. */
    nodeLocations?: string[];
    /** Machine type of the nodes, carrying `gpusPerNode` devices of `accelerator`. Defaults to the cheapest catalog machine (g2 for L4, a2 for A100, a3 for H100, n1 for T4) with enough vCPUs and memory. */
    machineType?: string;
    /** NVIDIA driver GKE installs. Defaults to `DEFAULT`, the driver of the node's GKE version. */
    gpuDriverVersion?: GpuDriverVersion;
    /** Google service account of the nodes (an email). Defaults to the Compute Engine default service account; give a dedicated one with only the logging, monitoring and Artifact Registry reader roles. */
    serviceAccount?: pulumi.Input<string>;
    /** Boot disk of each node in GB: model server images are often 10 GB or more. Defaults to 100. */
    diskSizeGb?: number;
    /**
     * Resource name of a customer-managed Cloud KMS key that encrypts the boot disks of the pool's nodes (the node
     * pool's `nodeConfig.bootDiskKmsKey`; with `createCluster`, the system nodes' too), as
     * `projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>`. Defaults to none: Google-managed
     * encryption. The pool grants nothing on the key: the Compute Engine service agent of the cluster's project,
     * `service-<project number>@compute-system.iam.gserviceaccount.com`, needs the Cloud KMS CryptoKey
     * Encrypter/Decrypter role (`roles/cloudkms.cryptoKeyEncrypterDecrypter`) on it, or nodes fail to start
     * (https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek). Changing it replaces the node pool. The key
     * is billed to its project, not in `estimatedMonthlyCost`.
     */
    bootDiskKmsKey?: pulumi.Input<string>;
    /** VPC network of a new cluster (`createCluster`). Defaults to the project's `default` network. */
    network?: pulumi.Input<string>;
    /** Subnetwork of a new cluster (`createCluster`). Defaults to the network's subnetwork in the region. */
    subnetwork?: pulumi.Input<string>;
}

/** Settings for `cloud: kubernetes` (your own cluster). */
export interface GpuPoolKubernetesArgs {
    /**
     * Node labels your GPU nodes already carry, for example `{ "nvidia.com/gpu.present": "true" }`: they become the
     * pool's `placement.nodeSelector` and the device plugin's node selector. Defaults to none (the GPU request alone
     * keeps pods on GPU nodes).
     */
    nodeSelector?: { [key: string]: string };
    /**
     * Deploy the NVIDIA device plugin DaemonSet (the nodes need the NVIDIA driver and container toolkit). Set false
     * when the cluster already runs one or the NVIDIA GPU operator. Defaults to true.
     */
    devicePlugin?: boolean;
    /** Image of the device plugin. Defaults to NVIDIA's v0.20.0 release, pinned by digest. */
    devicePluginImage?: string;
    /** Create the `<pool>-serving` and `<pool>-batch` PriorityClasses, so that serving pods preempt batch work on GPUs. Defaults to true. */
    priorityClasses?: boolean;
    /**
     * GPUs each namespace may request in total, namespace to count: a ResourceQuota on `requests.nvidia.com/gpu`
     * in each (the namespaces must exist; each key a Kubernetes namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)). Defaults to none.
     */
    gpuQuotas?: { [namespace: string]: number };
}

/** Settings for `cloud: docker` (the local engine). */
export interface GpuPoolDockerArgs {
    /** GPU indexes or UUIDs (as `nvidia-smi -L` lists them) the services may use. Defaults to all GPUs of the engine. */
    deviceIds?: string[];
}

/**
 * A window of warm headroom, for example "weekdays 08:00 for 2 h": `{ schedule: "0 8 * * 1-5", timezone: "Europe/Paris",
 * durationMinutes: 120 }`. The same rules as SpikeAutoscaler's pre-warming windows.
 */
export interface GpuPoolHeadroomWindowArgs {
    /**
     * When the window starts: a five-field cron expression (minute hour day-of-month month day-of-week) naming one time of
     * day, for example `0 8 * * 1-5`. Start it at least one node start (2 to 10 minutes for a GPU node) before the traffic. No default.
     */
    schedule: string;
    /** IANA time zone of `schedule`, for example `Europe/Paris`. Defaults to `UTC`. */
    timezone?: string;
    /** How long the window lasts, in minutes (1 to 10080); it must end before the next one starts. No default. */
    durationMinutes: number;
}

/**
 * Warm GPU headroom: placeholder pods of a negative-priority PriorityClass hold `gpus` GPUs of the pool, one each, so the
 * cluster autoscaler (or Karpenter) keeps that many GPUs' worth of nodes running; a serving pod preempts as many
 * placeholders as it needs at once and skips the node start (and the image pull, when the image is on the node). The
 * evicted placeholders go pending and bring up a node in the background. Needs the cluster's Kubernetes provider (as the
 * device plugin does); with `windows`, KEDA in the cluster. Not with cloud docker.
 */
export interface GpuPoolHeadroomArgs {
    /** GPUs kept free for the pool's serving pods, one placeholder pod each: a positive whole number, at most maxNodes x gpusPerNode. No default. */
    gpus: number;
    /**
     * When the headroom is kept: during these windows only, through a KEDA ScaledObject with one cron trigger per window
     * (KEDA must run in the cluster; SpikeAutoscaler's `installKeda` installs it). Defaults to none: always on.
     */
    windows?: GpuPoolHeadroomWindowArgs[];
}

/**
 * Container images already on the pool's nodes when a serving pod lands there, instead of a pull of several minutes
 * (a 9.5 GB image took 334 s in the EKS Blueprints' measurement; docs/cold-starts.md, "Image caching"). Not with cloud
 * docker (the local engine keeps its images).
 */
export interface GpuPoolImageCacheArgs {
    /**
     * GKE image streaming (the node pool's `nodeConfig.gcfsConfig`): containers start while their image is still being read
     * from Artifact Registry (or public Docker Hub); images of other registries are pulled as usual. The project needs the
     * Container File System API (`containerfilesystem.googleapis.com`), and a node service account other than the default
     * (`gcp.serviceAccount`) the Service Usage Consumer role in the images' project
     * (https://cloud.google.com/kubernetes-engine/docs/how-to/image-streaming). Changed in place, without replacing the node
     * pool. Cloud gcp only. Defaults to true on gcp.
     */
    streaming?: boolean;
    /**
     * A Compute Engine disk image holding the images, attached to every node as a secondary boot disk used as GKE's
     * container image cache (`nodeConfig.secondaryBootDisks`, mode `CONTAINER_IMAGE_CACHE`; GKE 1.28.3-gke.1067000 or
     * later): `global/images/<name>`, or `projects/<project>/global/images/<name>` in another project. Needs `streaming`
     * (GKE reads the cache through it). Each node gets its own persistent disk of the image's size, billed per GB-month.
     * Adding or changing it replaces the node pool. Cloud gcp only. Defaults to none.
     */
    diskImage?: string;
    /**
     * An EBS snapshot of a node's containerd store (`/var/lib/containerd`, xfs) holding the images, as `snap-` and 8 or 17
     * hex digits: every node gets a gp3 volume restored from it at `/dev/xvdb`, mounted at `/var/lib/containerd` before
     * containerd starts (the EKS Blueprints' ML container cache; build the snapshot from the Amazon Linux 2023 EKS AMI, see
     * docs/cold-starts.md). The volume is encrypted as the snapshot is (EC2 takes no encryption setting for a restored
     * volume): encrypt the snapshot with `volumeKmsKeyArn`'s key. One volume of the snapshot's size per node, billed per
     * GB-month. Changing it rolls the nodes (a new launch template version). Cloud aws only, node group or Karpenter.
     * Defaults to none.
     */
    snapshotId?: string;
    /**
     * Images to pull on every node of the pool as soon as it starts, for example the model servers' images: a DaemonSet
     * (`<pool>-image-puller` in `kube-system`) with the pool's node selector and GPU toleration whose init containers pull
     * them with the nodes' registry credentials. It helps on nodes that are up before a replica needs them (`minNodes`,
     * `headroom`); a node started for a replica already waiting pulls the image as fast without it. Images already on the
     * node (from `snapshotId` or `diskImage`) are not pulled again. Needs the cluster's Kubernetes provider, as the device
     * plugin does. Clouds aws, gcp and kubernetes. Defaults to none.
     */
    prePullImages?: string[];
}

/** Arguments of GpuPool. */
export interface GpuPoolArgs {
    /** Where the GPUs are. Give the matching settings block (`aws`, `gcp`, `kubernetes`, `docker`). */
    cloud: GpuPoolCloud;
    /** Accelerator from the catalog, for example `l4`. Required for `aws` and `gcp`; defaults to none (any NVIDIA GPU) for `kubernetes` and `docker`. */
    accelerator?: Accelerator;
    /** Accelerator devices per node (an instance type or machine type must offer exactly this many). Defaults to 1. */
    gpusPerNode?: number;
    /** Fewest nodes; 0 lets the pool scale down to nothing when idle. At most 5,000. Defaults to 0. */
    minNodes?: number;
    /** Most nodes, at most 5,000 (Kubernetes' largest supported cluster). Defaults to 1. */
    maxNodes?: number;
    /** On-demand or spot nodes (`aws` and `gcp`). Defaults to on-demand. */
    capacityType?: CapacityType;
    /**
     * Fewest vCPUs per node when the instance or machine type is chosen from the catalog. Defaults to 4 per GPU
     * plus 1: room for a ModelService's default GPU pod (4 vCPUs and 16 GiB per GPU) beside the node's own reservations.
     */
    minNodeVcpus?: number;
    /** Least memory per node in GiB when the type is chosen from the catalog. Defaults to 16 per GPU plus 1 (see `minNodeVcpus`). */
    minNodeMemoryGiB?: number;
    /** Settings for `cloud: aws`. No default: required with cloud aws (for `subnetIds`, and `clusterName` or `createCluster`). */
    aws?: GpuPoolAwsArgs;
    /** Settings for `cloud: gcp`. No default: required with cloud gcp (for `clusterName` or `createCluster`). */
    gcp?: GpuPoolGcpArgs;
    /** Settings for `cloud: kubernetes`. Defaults to the defaults of each field. */
    kubernetes?: GpuPoolKubernetesArgs;
    /** Settings for `cloud: docker`. Defaults to the defaults of each field. */
    docker?: GpuPoolDockerArgs;
    /**
     * Warm GPU headroom kept free for the models placed on the pool (aws, gcp, kubernetes): placeholder pods that serving
     * pods preempt at once, always or in scheduled windows. Priced in `estimatedMonthlyCost` as the nodes it keeps running.
     * Defaults to none: a new replica waits for a node when the pool is full.
     */
    headroom?: GpuPoolHeadroomArgs;
    /**
     * Container images cached or streamed on the pool's nodes (aws, gcp, kubernetes), so that a new node does not wait for
     * the image pull: GKE image streaming and secondary boot disk, an EBS volume restored from a snapshot on EKS, or a
     * pre-pull DaemonSet. Defaults to image streaming on gcp and nothing elsewhere.
     */
    imageCache?: GpuPoolImageCacheArgs;
    /**
     * Metrics, alerts and a dashboard for the pool's GPUs (aws, gcp, kubernetes): NVIDIA's DCGM exporter installed or
     * found, a scrape target for it, alerts and a Grafana dashboard. Defaults to on, notifying nowhere; nothing on docker.
     */
    observability?: GpuPoolObservabilityArgs;
    /**
     * A cap on the pool's monthly spend: the most nodes whose month fits in it bound `maxNodes`, and a run-time budget
     * watches the pool's real spend. Defaults to none (only `maxNodes` bounds the pool).
     */
    budget?: GpuPoolBudgetArgs;
    /** Extra cloud tags and Kubernetes labels (`team`, `cost-center`, `environment` override stack config). Defaults to none. */
    tags?: { [key: string]: string };
}

/**
 * The pool's metrics, alerts and dashboard, on the pool's cluster (aws, gcp, kubernetes): NVIDIA's DCGM exporter on the
 * GPU nodes and a PodMonitor for it, a PrometheusRule of the pool's alerts and a Grafana dashboard ConfigMap, all in
 * `kube-system`, read by the cluster's Prometheus Operator and Grafana sidecar. Nothing on docker.
 */
export interface GpuPoolObservabilityArgs {
    /** Create the pool's exporter, scrape target, alerts and dashboard. `false` creates none of them. Defaults to true (nothing on docker). */
    enabled?: boolean;
    /** Create the Grafana dashboard ConfigMap. Defaults to true where observability is on. */
    dashboard?: boolean;
    /** The DCGM exporter whose `DCGM_FI_DEV_*` metrics the alerts and the dashboard read. Defaults to one the pool installs. */
    dcgmExporter?: GpuPoolDcgmExporterArgs;
    /** When the pool's alerts fire. Defaults to the defaults of each field. */
    thresholds?: GpuPoolAlertThresholdArgs;
    /**
     * Where the pool's alerts and its run-time budget's notifications go, as a ModelService's
     * `observability.notifications`. Defaults to none: alerts show in the cluster's Alertmanager only.
     */
    notifications?: NotificationArgs;
    /**
     * Labels the cluster's Prometheus selects PodMonitors and PrometheusRules by (its `podMonitorSelector` and
     * `ruleSelector`; kube-prometheus-stack's default is `{ release: "<its release name>" }`). Defaults to none (a
     * Prometheus that selects every PodMonitor and rule).
     */
    prometheusLabels?: { [key: string]: string };
    /**
     * Labels of the dashboard ConfigMap that Grafana's dashboard sidecar looks for. Defaults to
     * `{ grafana_dashboard: "1" }` (the Grafana Helm chart's default sidecar label).
     */
    grafanaDashboardLabels?: { [key: string]: string };
}

/** NVIDIA's DCGM exporter: installed by the pool on its GPU nodes, or one the cluster already runs. */
export interface GpuPoolDcgmExporterArgs {
    /**
     * Install the exporter: a DaemonSet on the pool's GPU nodes (tolerating their taint), its counters ConfigMap and a
     * PodMonitor that labels every series `modelship_pool: <pool>`. `false` installs nothing and reads the series of an
     * exporter the cluster already runs and scrapes (the GPU operator's, a Helm release of your own), selected by
     * `seriesLabels`. Defaults to true.
     */
    install?: boolean;
    /** Image of the installed exporter. Defaults to nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless, pinned by digest. */
    image?: string;
    /**
     * With `install: false`, the Prometheus labels that select the pool's series of the existing exporter (for example
     * `{ job: "nvidia-dcgm-exporter" }`, or a label its scrape config adds per pool). Defaults to none: every DCGM
     * series in Prometheus, right on a cluster with one GPU pool.
     */
    seriesLabels?: { [key: string]: string };
}

/** When a GpuPool's alerts fire. Each has a range; a value outside it is refused. */
export interface GpuPoolAlertThresholdArgs {
    /** GPU memory in use, in percent of the GPU's memory, that raises an alert per GPU, 50 to 100. Defaults to 95 (as a ModelService's). */
    gpuMemoryPercent?: number;
    /** Minutes a GPU pod may wait Pending, unschedulable, or a GPU node stay NotReady, before an alert, 1 to 120. Defaults to 10. */
    pendingMinutes?: number;
    /** GPU temperature in degrees Celsius that raises an alert, 60 to 110. Defaults to 85 (near where datacenter GPUs start to slow down). */
    gpuTemperatureCelsius?: number;
    /** Minutes every GPU of a running node may stay below 5% utilisation (a node paid for and unused) before an alert, 10 to 1440. Defaults to 60. */
    idleMinutes?: number;
}

/** A cap on a GpuPool's monthly spend. */
export interface GpuPoolBudgetArgs {
    /**
     * Most USD per month the pool's nodes may cost, priced by the sdk cost model (730 h a month at the catalog's prices
     * for the pool's capacity type), at most 10,000,000. It becomes a maximum node count; the tighter of it and
     * `maxNodes` wins (the node group's maximum, GKE's total maximum and Karpenter's GPU limit follow), and a budget
     * below the month of `minNodes` (at least one node) is refused. aws and gcp only: refused on kubernetes (the pool
     * creates no nodes there; cap the ModelServices instead) and docker. No default.
     */
    maxMonthlyUsd: number;
    /**
     * The run-time budget watching the pool's real spend: an AWS Budgets budget on the pool's `service` and `environment`
     * tags (its nodes and volumes carry them), or a Cloud Billing budget on its `service` label, notifying
     * `observability.notifications`. Defaults to the defaults of each field (on for aws; for gcp with `gcpBillingAccount`).
     */
    spendGuard?: SpendGuardArgs;
}

/** A taint the pods tolerate (the shape of a Kubernetes toleration). */
export interface GpuPoolToleration {
    /** Taint key, `nvidia.com/gpu`. */
    key: string;
    /** `Exists`: any value of the key. */
    operator: string;
    /** Taint effect, `NoSchedule`. */
    effect: string;
}

/** One node label requirement of a node affinity term. */
export interface GpuPoolNodeSelectorRequirement {
    /** Node label key. */
    key: string;
    /** `In`. */
    operator: string;
    /** Accepted label values. */
    values: string[];
}

/** A node affinity term: every requirement must hold. */
export interface GpuPoolNodeSelectorTerm {
    /** The label requirements. */
    matchExpressions: GpuPoolNodeSelectorRequirement[];
}

/** Required node affinity: a node must match one of the terms. */
export interface GpuPoolRequiredNodeAffinity {
    /** The terms, ORed. */
    nodeSelectorTerms: GpuPoolNodeSelectorTerm[];
}

/** The node affinity of a pod. */
export interface GpuPoolNodeAffinity {
    /** Rules a node must satisfy for the pod to be scheduled there. */
    requiredDuringSchedulingIgnoredDuringExecution: GpuPoolRequiredNodeAffinity;
}

/** A pod affinity, in the shape of a Kubernetes pod spec's `affinity`. */
export interface GpuPoolAffinity {
    /** Node affinity equal to the node selector; absent when the pool has no node selector. */
    nodeAffinity?: GpuPoolNodeAffinity;
}

/** Where a workload's pods must go to land on the pool: pass these fields to a ModelService (`kubernetes.nodeSelector`, `kubernetes.tolerations`). */
export interface GpuPoolPlacement {
    /** Node labels of the pool's nodes (`modelship.dev/pool` and `modelship.dev/accelerator` on aws and gcp); empty when the pool has none. */
    nodeSelector: { [key: string]: string };
    /** The toleration of the pool's `nvidia.com/gpu=present:NoSchedule` taint; empty on docker. */
    tolerations: GpuPoolToleration[];
    /** The node selector as a required node affinity, for charts and workloads that take `affinity` rather than `nodeSelector`. */
    affinity: GpuPoolAffinity;
    /** PriorityClass for serving pods (`cloud: kubernetes` with `priorityClasses`); empty otherwise. */
    priorityClassName: string;
}

/** GPUs the pool holds. */
export interface GpuPoolCapacity {
    /** GPUs per node. */
    gpusPerNode: number;
    /** GPUs at the fewest nodes. */
    minGpus: number;
    /** GPUs at the most nodes. */
    maxGpus: number;
}

/** The GPU device request of a container on the local Docker engine (`docker run --gpus`). */
export interface GpuPoolDeviceRequest {
    /** `nvidia`. */
    driver: string;
    /** Number of GPUs; -1 for all of them; 0 when `deviceIds` names them. */
    count: number;
    /** GPU indexes or UUIDs; empty when `count` is used. */
    deviceIds: string[];
    /** `["gpu"]`. */
    capabilities: string[];
}

/**
 * The resolved spec of a GpuPool: one member per cloud (and per AWS provisioning mode), each with every default
 * applied and its node shape chosen from the catalog. The cloud files read these plain shapes only, never the raw
 * arguments; each cloud resolves its own member (`resolve` in `aws.ts`, `gke.ts`, `kubernetes.ts`, `docker.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { Ownership } from "../../sdk/naming";
import { ValidationProblem } from "../../sdk/validate";
import { CapacityType, GpuDriverVersion, GpuPoolCloud, GpuPoolDeviceRequest, GpuPoolPlacement } from "./args";
import { HeadroomSpec, resolveHeadroom } from "./headroom";
import { ImageCacheSpec, imageCacheOf } from "./image-cache";
import { PoolObservabilitySpec, resolvePoolObservability } from "./observability";
import { ParsedGpuPoolArgs } from "./schema";
import { AwsShape, GcpShape, ShapeRequest } from "./shapes";

/** What every pool has, whatever the cloud. */
export interface PoolBase {
    /** The component's resource name. */
    name: string;
    gpusPerNode: number;
    minNodes: number;
    maxNodes: number;
    owner: Ownership;
    /** Warm GPU headroom (`headroom.ts`); undefined without it (and always on docker). */
    headroom?: HeadroomSpec;
    /** Images cached or streamed on the nodes (`image-cache.ts`): streaming on gcp by default, nothing else unless given. */
    imageCache: ImageCacheSpec;
    /** Metrics, alerts and dashboard (`observability.ts`): on by default, off on docker. */
    observability: PoolObservabilitySpec;
}

/** How an AWS pool gets its nodes. Internal: the public argument is `aws.karpenter`. */
export enum AwsProvisioning {
    /** An EKS managed node group (`eks.ts`). */
    NodeGroup = "node-group",
    /** A Karpenter NodePool and EC2NodeClass (`karpenter.ts`). */
    Karpenter = "karpenter",
}

/** What both AWS modes share. */
interface AwsPoolCommon extends PoolBase {
    cloud: GpuPoolCloud.Aws;
    accelerator: Accelerator;
    spot: boolean;
    region: string;
    /** Whether the user named the region (then it is set on regional resources; else the provider's applies). */
    regionGiven: boolean;
    shape: AwsShape;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Root volume of each node in GiB. */
    diskSizeGiB: number;
    /** Customer-managed KMS key of the nodes' volumes; undefined for the AWS-managed key (`aws/ebs`). */
    volumeKmsKeyArn?: pulumi.Input<string>;
    devicePlugin: boolean;
    cniPolicy: boolean;
}

/** `cloud: aws` with a managed node group, on an existing cluster or one the pool creates. */
export interface AwsNodeGroupPoolSpec extends AwsPoolCommon {
    provisioning: AwsProvisioning.NodeGroup;
    /** The existing cluster's name, or the name of the new one (undefined: the provider names it). */
    clusterName?: pulumi.Input<string>;
    createCluster: boolean;
    /** Kubernetes version of a new cluster; undefined for EKS's default. */
    kubernetesVersion?: string;
    desiredNodes: number;
}

/** `cloud: aws` with Karpenter, on an existing cluster that runs it. */
export interface AwsKarpenterPoolSpec extends AwsPoolCommon {
    provisioning: AwsProvisioning.Karpenter;
    clusterName: pulumi.Input<string>;
    /** The instance types the user listed; undefined lets Karpenter choose by family, GPU name and count. */
    instanceTypes?: string[];
    /** Security groups of the nodes; undefined for those tagged `karpenter.sh/discovery: <cluster>`. */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
}

export type AwsPoolSpec = AwsNodeGroupPoolSpec | AwsKarpenterPoolSpec;

/** `cloud: gcp`: a GKE node pool. */
export interface GcpPoolSpec extends PoolBase {
    cloud: GpuPoolCloud.Gcp;
    accelerator: Accelerator;
    spot: boolean;
    region: string;
    /** The cluster's location: a region, or a zone (`zonal`). */
    location: string;
    zonal: boolean;
    /** Zones of a regional pool; undefined for a zonal one. */
    nodeLocations?: string[];
    shape: GcpShape;
    clusterName?: pulumi.Input<string>;
    createCluster: boolean;
    deletionProtection: boolean;
    gpuDriverVersion: GpuDriverVersion;
    serviceAccount?: pulumi.Input<string>;
    diskSizeGb: number;
    /** Customer-managed Cloud KMS key of the boot disks; undefined for Google-managed encryption. */
    bootDiskKmsKey?: pulumi.Input<string>;
    network?: pulumi.Input<string>;
    subnetwork?: pulumi.Input<string>;
}

/** `cloud: kubernetes`: a cluster of your own. */
export interface KubernetesPoolSpec extends PoolBase {
    cloud: GpuPoolCloud.Kubernetes;
    nodeSelector: Record<string, string>;
    devicePlugin: boolean;
    devicePluginImage: string;
    priorityClasses: boolean;
    gpuQuotas: Record<string, number>;
}

/** `cloud: docker`: the local engine. */
export interface DockerPoolSpec extends PoolBase {
    cloud: GpuPoolCloud.Docker;
    /** The GPUs named; undefined for all of them. */
    deviceIds?: string[];
}

/** A GpuPool's arguments, resolved: one member per cloud. */
export type PoolSpec = AwsPoolSpec | GcpPoolSpec | KubernetesPoolSpec | DockerPoolSpec;

/** The spec member of one cloud. */
export type PoolSpecOf<C extends GpuPoolCloud> = Extract<PoolSpec, { cloud: C }>;

/** The billed resource that holds the GPUs, as the cost model reads it. */
export interface PricedNodes {
    type: string;
    inputs: Record<string, unknown>;
}

/** What a cloud's deploy function created, for the component's outputs. */
export interface PoolDeployment {
    cloud: GpuPoolCloud;
    placement: GpuPoolPlacement;
    /** The EKS or GKE cluster's name (existing or created). */
    clusterName?: pulumi.Input<string>;
    /** ARN of the nodes' IAM role (aws). */
    nodeRoleArn?: pulumi.Output<string>;
    /** Kubeconfig of a cluster the pool created, as a secret. */
    kubeconfig?: pulumi.Output<string>;
    /** The resource that holds the GPUs, as the cost model prices it. */
    pricedNodes?: PricedNodes;
    /** Workloads of the pool's own whose pods hold its GPUs (the headroom's Deployment and ScaledObject), priced on its nodes. */
    pricedPods?: PricedNodes[];
    /** Disks of the image cache billed per node outside the node pool's price (the launch template or EC2NodeClass with a snapshot). */
    pricedVolumes?: PricedNodes[];
    /** Docker's device request. */
    deviceRequest?: GpuPoolDeviceRequest;
    /** Underlying resources by role (escape hatches). */
    resources: Record<string, pulumi.Resource>;
    /** Warnings to log on the component. */
    warnings: string[];
}

/** The resolved spec of one cloud, or the problems that prevent it. */
export interface Resolved<S> {
    spec?: S;
    problems: ValidationProblem[];
}

/**
 * One cloud of GpuPool: how it resolves its spec from the parsed arguments, and what it creates. Every cloud has one
 * (see `clouds.ts`), so a new {@link GpuPoolCloud} member fails to compile until it has its file.
 */
export interface PoolCloud<C extends GpuPoolCloud> {
    /** The cloud's spec: the common part `base` plus its settings block with every default applied. */
    resolve(args: ParsedGpuPoolArgs, base: PoolBase): Resolved<PoolSpecOf<C>>;
    /** Creates the cloud's resources as children of `parent`. */
    deploy(spec: PoolSpecOf<C>, parent: pulumi.ComponentResource): PoolDeployment;
}

/** The part of the spec every cloud shares. */
export function poolBase(name: string, args: ParsedGpuPoolArgs): PoolBase {
    return {
        name,
        gpusPerNode: args.docker?.deviceIds?.length ?? args.gpusPerNode ?? 1,
        minNodes: args.minNodes ?? (args.cloud === GpuPoolCloud.Docker ? 1 : 0),
        maxNodes: args.maxNodes ?? 1,
        owner: { component: "GpuPool", service: name, tags: args.tags },
        headroom: resolveHeadroom(args, nodeMinimums(args)),
        imageCache: imageCacheOf(args),
        observability: resolvePoolObservability(name, args),
    };
}

/** Whether the pool's nodes are spot capacity. */
export function isSpot(args: ParsedGpuPoolArgs): boolean {
    return args.capacityType === CapacityType.Spot;
}

/** The least vCPUs and memory of a pool node, given or by default. */
export function nodeMinimums(args: ParsedGpuPoolArgs): { vcpus: number; memoryGiB: number } {
    const gpus = args.gpusPerNode ?? 1;
    // Room for a ModelService's default GPU pod (4 vCPUs and 16 GiB per GPU): the node needs more than the
    // pod, since kubelet, the OS and the DaemonSets reserve part of it.
    return { vcpus: args.minNodeVcpus ?? 4 * gpus + 1, memoryGiB: args.minNodeMemoryGiB ?? 16 * gpus + 1 };
}

/** The catalog request of the pool's node shape (aws and gcp). */
export function shapeRequest(args: ParsedGpuPoolArgs, accelerator: Accelerator): ShapeRequest {
    const minimums = nodeMinimums(args);
    return {
        accelerator,
        gpusPerNode: args.gpusPerNode ?? 1,
        spot: isSpot(args),
        minVcpus: minimums.vcpus,
        minMemoryGiB: minimums.memoryGiB,
        explicitMinimums: { vcpus: args.minNodeVcpus !== undefined, memory: args.minNodeMemoryGiB !== undefined },
    };
}

/**
 * The problem of a settings block or accelerator that the cross-field checks already require: reached only if those
 * checks change, so that a spec is never built from a missing value.
 */
export function requiredProblem(path: string, expected: string): ValidationProblem {
    return { path, received: "nothing (the field is missing)", expected };
}

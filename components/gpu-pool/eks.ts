/**
 * `cloud: aws`: an EKS managed node group of GPU nodes on an existing cluster (the main path), or on a cluster
 * the pool creates. `aws.karpenter` swaps the node group for a Karpenter NodePool (`karpenter.ts`).
 *
 * Raw `aws.eks` resources rather than `@pulumi/eks`: @pulumi/eks 4.x is a remote component, so its children
 * are created inside its provider, invisible to the plan, to `transforms` and to these tests (under the mock
 * runtime it registers as one resource); it also brings a VPC CNI, a kubeconfig and node security groups the
 * GPU pool does not need. The node group, its role and the optional cluster are a handful of resources whose
 * every argument is visible and reviewed here.
 */
import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cloudTags } from "../../sdk/naming";
import { GpuPoolCloud } from "./args";
import { partitionOf } from "./kms";
import { snapshotKeyWarnings, withLaunchTemplateCache } from "./image-cache";
import { imagePullerResources } from "./image-puller";
import { createDevicePlugin, DEVICE_PLUGIN_IMAGE } from "./kubernetes";
import { GPU_TAINT, nodeLabels, placementOf } from "./placement";
import { AwsNodeGroupPoolSpec, AwsPoolSpec, PoolDeployment } from "./spec";

/** The AMI of the GPU nodes: Amazon Linux 2023 with the NVIDIA driver and container toolkit. */
export const GPU_AMI_TYPE = "AL2023_x86_64_NVIDIA";

/** The system node group of a cluster the pool creates: CoreDNS and other add-ons do not tolerate the GPU taint. */
export const SYSTEM_NODES = { instanceType: "m6i.large", count: 2, amiType: "AL2023_x86_64_STANDARD" } as const;

/**
 * The managed policies a worker node needs, and why:
 * - AmazonEKSWorkerNodePolicy: the kubelet describes its instance and registers with the cluster;
 * - AmazonEC2ContainerRegistryPullOnly: pull images from ECR (pull only, no listing or describing);
 * - AmazonEKS_CNI_Policy: the VPC CNI on the node assigns pod IP addresses (unless it has its own role).
 */
export function nodePolicyArns(region: string, cniPolicy: boolean): Record<string, string> {
    const prefix = `arn:${partitionOf(region)}:iam::aws:policy`;
    const arns: Record<string, string> = {
        worker: `${prefix}/AmazonEKSWorkerNodePolicy`,
        registry: `${prefix}/AmazonEC2ContainerRegistryPullOnly`,
    };
    if (cniPolicy) arns.cni = `${prefix}/AmazonEKS_CNI_Policy`;
    return arns;
}

function assumeRole(service: string): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
}

/** The nodes' IAM role with only the managed policies a worker needs; the attachments come back for `dependsOn`. */
export function createNodeRole(spec: AwsPoolSpec, parent: pulumi.Resource): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
    const role = new aws.iam.Role(
        `${spec.name}-node-role`,
        { assumeRolePolicy: assumeRole("ec2.amazonaws.com"), description: `GPU nodes of the modelship GpuPool ${spec.name}`, tags: cloudTags(spec.owner) },
        { parent },
    );
    const attachments = Object.entries(nodePolicyArns(spec.region, spec.cniPolicy)).map(
        ([key, policyArn]) => new aws.iam.RolePolicyAttachment(`${spec.name}-node-${key}-policy`, { role: role.name, policyArn }, { parent }),
    );
    return { role, attachments };
}

/** Region input for regional resources: only when the user named one (else the provider's region applies). */
export function regionInput(spec: AwsPoolSpec): { region?: string } {
    return spec.regionGiven ? { region: spec.region } : {};
}

/** A kubeconfig that authenticates with `aws eks get-token` (the AWS CLI), as JSON (valid YAML). */
export function eksKubeconfig(clusterName: string, endpoint: string, caData: string, region: string): string {
    const context = `aws-${clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: endpoint, "certificate-authority-data": caData } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/** Root volume of the system nodes, in GiB: what a managed node group gives without a launch template. */
export const SYSTEM_DISK_GIB = 20;

/**
 * The launch template of a managed node group. Without one, EKS generates a template whose metadata service answers
 * pods two hops away, so any pod on the node could take the node role's credentials. IMDSv2 only, one hop (as on the
 * Karpenter path): the node's own processes reach it, pods do not. The root volume is set here because a node group
 * with a launch template rejects `diskSize`; `/dev/xvda` is the root device of the Amazon Linux 2023 EKS AMIs.
 * No image, instance type, user data or IAM profile: EKS still picks the AMI of `amiType` and bootstraps the node.
 * With `volumeKmsKeyArn`, the volume is encrypted with that key instead of the AWS-managed `aws/ebs` key.
 */
export function nodeLaunchTemplateArgs(spec: AwsPoolSpec, description: string, diskSizeGiB: number): aws.ec2.LaunchTemplateArgs {
    const key = spec.volumeKmsKeyArn !== undefined ? { kmsKeyId: spec.volumeKmsKeyArn } : {};
    return {
        description,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: diskSizeGiB, volumeType: "gp3", encrypted: "true", ...key, deleteOnTermination: "true" } }],
        // The nodes and their volumes carry the pool's tags (a node group's own tags stay on the node group): cost
        // allocation, and the spend guard's budget filter (budget.ts), see the instances' spend.
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: cloudTags(spec.owner) })),
        tags: cloudTags(spec.owner),
        ...regionInput(spec),
    };
}

/** The node group's reference to its launch template: the latest version, so a changed template rolls the nodes. */
function launchTemplateRef(template: aws.ec2.LaunchTemplate): aws.types.input.eks.NodeGroupLaunchTemplate {
    return { id: template.id, version: template.latestVersion.apply((v) => String(v)) };
}

/** A new EKS cluster: its role, the control plane (API authentication), the system nodes, and a provider. */
function createCluster(spec: AwsNodeGroupPoolSpec, parent: pulumi.Resource, nodeRoleArn: pulumi.Output<string>, nodeDependencies: pulumi.Resource[]) {
    const region = spec.region;
    const tags = cloudTags(spec.owner);
    const role = new aws.iam.Role(
        `${spec.name}-cluster-role`,
        { assumeRolePolicy: assumeRole("eks.amazonaws.com"), description: `EKS control plane of the modelship GpuPool ${spec.name}`, tags },
        { parent },
    );
    const policy = new aws.iam.RolePolicyAttachment(`${spec.name}-cluster-policy`, { role: role.name, policyArn: `arn:${partitionOf(region)}:iam::aws:policy/AmazonEKSClusterPolicy` }, { parent });
    const cluster = new aws.eks.Cluster(
        `${spec.name}-cluster`,
        {
            name: spec.clusterName,
            roleArn: role.arn,
            version: spec.kubernetesVersion,
            // Nodes reach the API privately; the public endpoint is how this program (and kubectl) reach it.
            vpcConfig: { subnetIds: spec.subnetIds, endpointPrivateAccess: true, endpointPublicAccess: true },
            // Access entries (the API mode) let managed node groups and Karpenter nodes join without aws-auth edits;
            // the creator is admin so that this program can deploy the device plugin.
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            tags,
            ...regionInput(spec),
        },
        { parent, dependsOn: [policy] },
    );
    // Pods without a GPU run here: their nodes get the same metadata protection as the GPU nodes.
    const systemLaunchTemplate = new aws.ec2.LaunchTemplate(`${spec.name}-system-nodes`, nodeLaunchTemplateArgs(spec, `System nodes of the modelship GpuPool ${spec.name}`, SYSTEM_DISK_GIB), {
        parent,
    });
    const systemNodes = new aws.eks.NodeGroup(
        `${spec.name}-system-nodes`,
        {
            clusterName: cluster.name,
            nodeRoleArn,
            subnetIds: spec.subnetIds,
            amiType: SYSTEM_NODES.amiType,
            instanceTypes: [SYSTEM_NODES.instanceType],
            launchTemplate: launchTemplateRef(systemLaunchTemplate),
            scalingConfig: { minSize: SYSTEM_NODES.count, maxSize: SYSTEM_NODES.count, desiredSize: SYSTEM_NODES.count },
            updateConfig: { maxUnavailable: 1 },
            tags,
            ...regionInput(spec),
        },
        { parent, dependsOn: nodeDependencies },
    );
    const kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data]).apply(([name, endpoint, ca]) => eksKubeconfig(name, endpoint, ca ?? "", region)));
    const provider = new kubernetes.Provider(`${spec.name}-kubernetes`, { kubeconfig }, { parent });
    return { role, policy, cluster, systemLaunchTemplate, systemNodes, kubeconfig, provider };
}

/** The managed node group's arguments, exactly as created and priced; its disk size is in its launch template. */
export function gpuNodeGroupArgs(
    spec: AwsNodeGroupPoolSpec,
    clusterName: pulumi.Input<string>,
    nodeRoleArn: pulumi.Input<string>,
    launchTemplate: pulumi.Input<aws.types.input.eks.NodeGroupLaunchTemplate>,
): aws.eks.NodeGroupArgs {
    return {
        clusterName,
        nodeRoleArn,
        subnetIds: spec.subnetIds,
        amiType: GPU_AMI_TYPE,
        capacityType: spec.spot ? "SPOT" : "ON_DEMAND",
        instanceTypes: spec.shape.offers.map((o) => o.instanceType),
        launchTemplate,
        scalingConfig: { minSize: spec.minNodes, maxSize: spec.maxNodes, desiredSize: spec.desiredNodes },
        labels: nodeLabels(spec.name, spec.accelerator),
        taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" }],
        // One node at a time: GPU capacity is scarce, and a surge node may not be available.
        updateConfig: { maxUnavailable: 1 },
        tags: cloudTags(spec.owner),
        ...regionInput(spec),
    };
}

/** The spot warning of a node group or NodePool: one instance type means one capacity pool, interrupted all at once. */
export function spotWarnings(spot: boolean, instanceTypes: readonly string[]): string[] {
    if (!spot || instanceTypes.length !== 1) return [];
    return [
        `spot capacity with one instance type (${instanceTypes[0]}): when AWS reclaims that type, every node goes at once and none comes back ` +
            "until it is available again. List several instance types with the same GPUs (aws.instanceTypes) or use on-demand.",
    ];
}

/** `cloud: aws` with a managed node group. */
export function deployEks(spec: AwsNodeGroupPoolSpec, parent: pulumi.ComponentResource): PoolDeployment {
    const { role, attachments } = createNodeRole(spec, parent);
    const resources: Record<string, pulumi.Resource> = { nodeRole: role };
    let clusterName: pulumi.Input<string> = spec.clusterName ?? "";
    let created: ReturnType<typeof createCluster> | undefined;
    if (spec.createCluster) {
        created = createCluster(spec, parent, role.arn, attachments);
        clusterName = created.cluster.name;
        Object.assign(resources, {
            clusterRole: created.role,
            cluster: created.cluster,
            systemLaunchTemplate: created.systemLaunchTemplate,
            systemNodes: created.systemNodes,
            provider: created.provider,
        });
    }
    const templateArgs = withLaunchTemplateCache(nodeLaunchTemplateArgs(spec, `GPU nodes of the modelship GpuPool ${spec.name}`, spec.diskSizeGiB), spec.imageCache);
    const launchTemplate = new aws.ec2.LaunchTemplate(`${spec.name}-gpu-nodes`, templateArgs, { parent });
    resources.launchTemplate = launchTemplate;
    const args = gpuNodeGroupArgs(spec, clusterName, role.arn, launchTemplateRef(launchTemplate));
    // The cluster autoscaler moves desiredSize between min and max; Pulumi must not reset it on the next update.
    resources.nodeGroup = new aws.eks.NodeGroup(`${spec.name}-gpu-nodes`, args, { parent, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] });
    const placement = placementOf(nodeLabels(spec.name, spec.accelerator), true);
    const clusterOpts: pulumi.CustomResourceOptions = created ? { parent, provider: created.provider } : { parent };
    if (spec.devicePlugin) {
        resources.devicePlugin = createDevicePlugin({ owner: spec.owner, nodeSelector: placement.nodeSelector, image: DEVICE_PLUGIN_IMAGE }, clusterOpts);
    }
    Object.assign(resources, imagePullerResources(spec.imageCache, spec.owner, placement, clusterOpts));
    return {
        cloud: GpuPoolCloud.Aws,
        placement,
        clusterName,
        nodeRoleArn: role.arn,
        kubeconfig: created?.kubeconfig,
        pricedNodes: { type: "aws:eks/nodeGroup:NodeGroup", inputs: args as unknown as Record<string, unknown> },
        pricedVolumes: spec.imageCache.snapshotId !== undefined ? [{ type: "aws:ec2/launchTemplate:LaunchTemplate", inputs: templateArgs as unknown as Record<string, unknown> }] : undefined,
        resources,
        warnings: [
            ...spotWarnings(
                spec.spot,
                spec.shape.offers.map((o) => o.instanceType),
            ),
            ...snapshotKeyWarnings(spec.imageCache, spec.volumeKmsKeyArn),
        ],
    };
}

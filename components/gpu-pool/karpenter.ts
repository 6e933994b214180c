/**
 * `cloud: aws` with `aws.karpenter`: a Karpenter NodePool (karpenter.sh/v1) and EC2NodeClass
 * (karpenter.k8s.aws/v1) instead of a managed node group. Karpenter launches the instance type that fits the
 * pending pods within about a minute, bin-packs them, and removes empty nodes: the pool scales to zero.
 *
 * Prerequisites (not created here): Karpenter 1.x running in the cluster, with a controller role allowed to pass
 * the node role (`iam:PassRole` on the pool's `nodeRoleArn`), and the cluster in the API (or API_AND_CONFIG_MAP)
 * authentication mode, for the nodes' access entry.
 */
import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { acceleratorInfo } from "../../sdk/catalog/accelerators";
import { awsInstancesFor } from "../../sdk/catalog";
import { cloudTags, kubernetesLabels, physicalName } from "../../sdk/naming";
import { GpuPoolCloud } from "./args";
import { createNodeRole, regionInput, spotWarnings } from "./eks";
import { nodeClassCacheVolume, snapshotKeyWarnings, snapshotUserData } from "./image-cache";
import { imagePullerResources } from "./image-puller";
import { createDevicePlugin, DEVICE_PLUGIN_IMAGE } from "./kubernetes";
import { GPU_TAINT, nodeLabels, placementOf } from "./placement";
import { AwsKarpenterPoolSpec, PoolDeployment } from "./spec";

/** The AMI: the latest Amazon Linux 2023 release; Karpenter picks its NVIDIA variant for GPU instance types. */
export const AMI_ALIAS = "al2023@latest";

/**
 * How long a node stays after it became empty or underutilized. A GPU node takes 2 to 10 minutes to come back
 * (provisioning, image pull, model load): a lull shorter than this does not cost the next request a cold start.
 */
export const CONSOLIDATE_AFTER = "10m";

interface Requirement {
    key: string;
    operator: "In";
    values: string[];
}

/** Which instances the NodePool may launch: the accelerator's families, GPU model and count, and the capacity type. */
export function nodePoolRequirements(spec: AwsKarpenterPoolSpec): Requirement[] {
    const info = acceleratorInfo(spec.accelerator);
    const listed = spec.instanceTypes;
    const shape: Requirement[] = listed
        ? [{ key: "node.kubernetes.io/instance-type", operator: "In", values: [...listed] }]
        : [
              // The family tells the A100 sizes apart (both are "a100" to Karpenter) and keeps fractional-GPU types out.
              { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...info.awsFamilies] },
              { key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: [info.karpenterGpuName as string] },
              { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In", values: [String(spec.gpusPerNode)] },
          ];
    return [
        ...shape,
        { key: "karpenter.sh/capacity-type", operator: "In", values: [spec.spot ? "spot" : "on-demand"] },
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ];
}

/** The NodePool object (apiVersion, kind, metadata, spec), exactly as created and priced. */
export function nodePoolObject(spec: AwsKarpenterPoolSpec, nodeClassName: string): Record<string, unknown> {
    return {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: physicalName(spec.name), labels: kubernetesLabels(spec.owner) },
        spec: {
            template: {
                metadata: { labels: nodeLabels(spec.name, spec.accelerator) },
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClassName },
                    requirements: nodePoolRequirements(spec),
                    taints: [{ ...GPU_TAINT }],
                },
            },
            // The pool's size is bounded in GPUs, the scarce resource: maxNodes nodes of gpusPerNode each.
            limits: { "nvidia.com/gpu": String(spec.maxNodes * spec.gpusPerNode) },
            disruption: {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: CONSOLIDATE_AFTER,
                // One GPU node disrupted at a time: serving replicas move one node's worth at once.
                budgets: [{ nodes: "1" }],
            },
        },
    };
}

function selectorTerms(ids: pulumi.Input<pulumi.Input<string>[]>): pulumi.Output<{ id: string }[]> {
    return pulumi.output(ids).apply((list) => list.map((id) => ({ id })));
}

/** The instance types Karpenter may choose from, for the spot warning. */
function candidateTypes(spec: AwsKarpenterPoolSpec): string[] {
    if (spec.instanceTypes) return [...spec.instanceTypes];
    return awsInstancesFor(spec.accelerator, spec.gpusPerNode, spec.region).map((o) => o.instanceType);
}

/**
 * The root volume of Karpenter's nodes: gp3, encrypted, with the customer-managed key when one is given (else EBS uses
 * the AWS-managed `aws/ebs` key). `/dev/xvda` is the root device of the Amazon Linux 2023 AMIs.
 */
export function blockDeviceMappings(spec: AwsKarpenterPoolSpec): Record<string, unknown>[] {
    const key = spec.volumeKmsKeyArn !== undefined ? { kmsKeyID: spec.volumeKmsKeyArn } : {};
    const root = { deviceName: "/dev/xvda", ebs: { volumeSize: `${spec.diskSizeGiB}Gi`, volumeType: "gp3", encrypted: true, ...key, deleteOnTermination: true } };
    // The image cache's data volume (`imageCache.snapshotId`, image-cache.ts): encrypted as its snapshot is.
    return spec.imageCache.snapshotId !== undefined ? [root, nodeClassCacheVolume(spec.imageCache.snapshotId)] : [root];
}

/** `cloud: aws` with Karpenter. */
export function deployKarpenter(spec: AwsKarpenterPoolSpec, parent: pulumi.ComponentResource): PoolDeployment {
    const clusterName = spec.clusterName;
    const labels = kubernetesLabels(spec.owner);
    const { role, attachments } = createNodeRole(spec, parent);
    // Karpenter's nodes are not a managed node group, so nothing registers their role with the cluster for them.
    const accessEntry = new aws.eks.AccessEntry(`${spec.name}-node-access`, { clusterName, principalArn: role.arn, type: "EC2_LINUX", tags: cloudTags(spec.owner), ...regionInput(spec) }, { parent });
    const nodeClassName = physicalName(spec.name);
    const nodeClass = new kubernetes.apiextensions.CustomResource(
        `${spec.name}-node-class`,
        {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: nodeClassName, labels },
            spec: {
                // Karpenter makes the instance profile of this role itself.
                role: role.name,
                amiSelectorTerms: [{ alias: AMI_ALIAS }],
                subnetSelectorTerms: selectorTerms(spec.subnetIds),
                securityGroupSelectorTerms: spec.securityGroupIds ? selectorTerms(spec.securityGroupIds) : [{ tags: { "karpenter.sh/discovery": clusterName } }],
                blockDeviceMappings: blockDeviceMappings(spec),
                // Karpenter merges a MIME multi-part user data with its own NodeConfig on AL2023
                // (https://karpenter.sh/docs/concepts/nodeclasses/#specuserdata): the cache's mount script.
                ...(spec.imageCache.snapshotId !== undefined ? { userData: snapshotUserData() } : {}),
                // IMDSv2 only, one hop: pods cannot borrow the node role through the metadata service.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                tags: cloudTags(spec.owner),
            },
        },
        { parent, dependsOn: [accessEntry, ...attachments] },
    );
    const poolObject = nodePoolObject(spec, nodeClassName);
    const nodePool = new kubernetes.apiextensions.CustomResource(`${spec.name}-node-pool`, poolObject as kubernetes.apiextensions.CustomResourceArgs, { parent, dependsOn: [nodeClass] });
    const placement = placementOf(nodeLabels(spec.name, spec.accelerator), true);
    const resources: Record<string, pulumi.Resource> = { nodeRole: role, accessEntry, nodeClass, nodePool };
    if (spec.devicePlugin) {
        resources.devicePlugin = createDevicePlugin({ owner: spec.owner, nodeSelector: placement.nodeSelector, image: DEVICE_PLUGIN_IMAGE }, { parent });
    }
    Object.assign(resources, imagePullerResources(spec.imageCache, spec.owner, placement, { parent }));
    return {
        cloud: GpuPoolCloud.Aws,
        placement,
        clusterName,
        nodeRoleArn: role.arn,
        pricedNodes: { type: "kubernetes:karpenter.sh/v1:NodePool", inputs: poolObject },
        pricedVolumes:
            spec.imageCache.snapshotId !== undefined ? [{ type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", inputs: { spec: { blockDeviceMappings: blockDeviceMappings(spec) } } }] : undefined,
        resources,
        warnings: [...spotWarnings(spec.spot, candidateTypes(spec)), ...snapshotKeyWarnings(spec.imageCache, spec.volumeKmsKeyArn)],
    };
}

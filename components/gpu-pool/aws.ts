/**
 * `cloud: aws`: the spec of an EKS pool, and the choice between its two ways of getting nodes, a managed node group
 * (`eks.ts`) or Karpenter (`karpenter.ts`), by a `Record` over {@link AwsProvisioning}.
 */
import * as pulumi from "@pulumi/pulumi";
import { stackAwsRegion } from "../../sdk/cost/regions";
import { withDefaults } from "../../sdk/validate";
import { GpuPoolCloud } from "./args";
import { deployEks } from "./eks";
import { deployKarpenter } from "./karpenter";
import { awsKeyRegionProblems } from "./kms";
import { ParsedGpuPoolArgs } from "./schema";
import { awsShape } from "./shapes";
import { AwsKarpenterPoolSpec, AwsNodeGroupPoolSpec, AwsPoolSpec, AwsProvisioning, isSpot, PoolBase, PoolCloud, PoolDeployment, requiredProblem, Resolved, shapeRequest } from "./spec";

/** Root volume of a GPU node in GiB: model server images are often 10 GB or more. */
export const DEFAULT_DISK_GIB = 100;

/** The defaults of the `aws` block's optional fields. */
const AWS_DEFAULTS = { createCluster: false, karpenter: false, diskSizeGiB: DEFAULT_DISK_GIB, devicePlugin: true, cniPolicy: true };

/** What each provisioning mode creates. */
const PROVISIONING: { [P in AwsProvisioning]: (spec: Extract<AwsPoolSpec, { provisioning: P }>, parent: pulumi.ComponentResource) => PoolDeployment } = {
    [AwsProvisioning.NodeGroup]: deployEks,
    [AwsProvisioning.Karpenter]: deployKarpenter,
};

function deployWith<P extends AwsProvisioning>(spec: Extract<AwsPoolSpec, { provisioning: P }>, provisioning: P, parent: pulumi.ComponentResource): PoolDeployment {
    return PROVISIONING[provisioning](spec, parent);
}

function resolve(args: ParsedGpuPoolArgs, base: PoolBase): Resolved<AwsPoolSpec> {
    // The cross-field checks require both (schema.ts); the guard keeps a spec from ever being built without them.
    if (args.aws === undefined) return { problems: [requiredProblem("aws", "the aws settings with cloud aws")] };
    if (args.accelerator === undefined) return { problems: [requiredProblem("accelerator", "an accelerator with cloud aws")] };
    const settings = withDefaults(AWS_DEFAULTS, args.aws);
    const regionGiven = settings.region !== undefined;
    const region = settings.region ?? stackAwsRegion();
    const found = awsShape(shapeRequest(args, args.accelerator), region, settings.instanceTypes);
    const keyProblems = awsKeyRegionProblems(settings.volumeKmsKeyArn, region, regionGiven ? "aws.region" : "the aws:region config, else us-east-1");
    if (!found.shape || keyProblems.length > 0) return { problems: [...found.problems, ...keyProblems] };
    const common = {
        ...base,
        cloud: GpuPoolCloud.Aws as const,
        accelerator: args.accelerator,
        spot: isSpot(args),
        region,
        regionGiven,
        shape: found.shape,
        subnetIds: settings.subnetIds,
        diskSizeGiB: settings.diskSizeGiB,
        volumeKmsKeyArn: settings.volumeKmsKeyArn,
        devicePlugin: settings.devicePlugin,
        cniPolicy: settings.cniPolicy,
    };
    if (settings.karpenter) {
        // Karpenter attaches to an existing cluster only (schema.ts), so its name is given.
        if (settings.clusterName === undefined) return { problems: [requiredProblem("aws.clusterName", "the name of the EKS cluster Karpenter runs in")] };
        const spec: AwsKarpenterPoolSpec = {
            ...common,
            provisioning: AwsProvisioning.Karpenter,
            clusterName: settings.clusterName,
            instanceTypes: settings.instanceTypes,
            securityGroupIds: settings.securityGroupIds,
        };
        return { spec, problems: [] };
    }
    const spec: AwsNodeGroupPoolSpec = {
        ...common,
        provisioning: AwsProvisioning.NodeGroup,
        clusterName: settings.clusterName,
        createCluster: settings.createCluster,
        kubernetesVersion: settings.kubernetesVersion,
        desiredNodes: settings.desiredNodes ?? base.minNodes,
    };
    return { spec, problems: [] };
}

export const awsCloud: PoolCloud<GpuPoolCloud.Aws> = {
    resolve,
    deploy: (spec, parent) => deployWith(spec, spec.provisioning, parent),
};

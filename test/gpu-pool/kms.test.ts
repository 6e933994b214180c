/**
 * Customer-managed keys of the nodes' disks (`aws.volumeKmsKeyArn`, `gcp.bootDiskKmsKey`): set on every volume the pool
 * creates, validated before anything is created, never priced here (the pool does not create the key).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, GpuPool, GpuPoolArgs, GpuPoolCloud } from "../../index";
import { outputValue, useMockRuntime } from "../harness";
import { kubernetesObjectProblems } from "../kubernetes-schemas";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const subnets = ["subnet-0a1", "subnet-0b2"];
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const GCP_KEY = "projects/acme-kms/locations/us-central1/keyRings/gke/cryptoKeys/nodes";
const ebs = (volumeSize: number) => ({ volumeSize, volumeType: "gp3", encrypted: "true", kmsKeyId: KEY, deleteOnTermination: "true" });

describe("GpuPool with a customer-managed key for the nodes' disks", () => {
    it("encrypts the GPU and system nodes' root volumes of an EKS pool with the key", async () => {
        await rt.construct(
            () => new GpuPool("cmk", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { createCluster: true, clusterName: "ml", subnetIds: subnets, volumeKmsKeyArn: KEY } }),
        );
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate", "cmk-gpu-nodes").inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: ebs(100) }]);
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate", "cmk-system-nodes").inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: ebs(20) }]);
        // No grant, key policy or IAM policy: the key's owner grants its use (least privilege for whoever deploys the pool).
        expect(rt.ofType("aws:kms/grant:Grant")).toEqual([]);
        expect(rt.ofType("aws:iam/rolePolicy:RolePolicy")).toEqual([]);
    });

    it("takes the key as an Output, as it comes from a key resource", async () => {
        await rt.construct(() => new GpuPool("cmk", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets, volumeKmsKeyArn: pulumi.output(KEY) } }));
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: ebs(100) }]);
    });

    it("sets the key on the Karpenter EC2NodeClass, valid against the upstream schema", async () => {
        const { resources } = await rt.construct(
            () => new GpuPool("cmk", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets, karpenter: true, diskSizeGiB: 200, volumeKmsKeyArn: KEY } }),
        );
        const nodeClass = rt.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
        expect((nodeClass.inputs.spec as Record<string, unknown>).blockDeviceMappings).toEqual([
            { deviceName: "/dev/xvda", ebs: { volumeSize: "200Gi", volumeType: "gp3", encrypted: true, kmsKeyID: KEY, deleteOnTermination: true } },
        ]);
        expect(kubernetesObjectProblems(nodeClass)).toEqual([]);
        expect(resources.filter((r) => r.type.startsWith("aws:kms"))).toEqual([]);
    });

    it("sets the key on the GKE GPU node pool and the system pool of a new cluster", async () => {
        await rt.construct(() => new GpuPool("cmk", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { createCluster: true, clusterName: "ml", bootDiskKmsKey: GCP_KEY } }));
        const gpu = rt.one("gcp:container/nodePool:NodePool", "cmk-gpu-nodes").inputs.nodeConfig as Record<string, unknown>;
        expect(gpu.bootDiskKmsKey).toBe(GCP_KEY);
        expect(gpu.diskSizeGb).toBe(100);
        const system = rt.one("gcp:container/nodePool:NodePool", "cmk-system-nodes").inputs.nodeConfig as Record<string, unknown>;
        expect(system.bootDiskKmsKey).toBe(GCP_KEY);
    });

    it("leaves the key out when none is given (the AWS-managed or Google-managed key)", async () => {
        await rt.construct(() => new GpuPool("plain", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" } }));
        expect("bootDiskKmsKey" in (rt.one("gcp:container/nodePool:NodePool").inputs.nodeConfig as object)).toBe(false);
    });

    it("prices the nodes as without a key, and says the key is billed to its owner", async () => {
        const { value: pool } = await rt.construct(
            () => new GpuPool("cmk", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 4, aws: { clusterName: "ml", subnetIds: subnets, volumeKmsKeyArn: KEY } }),
        );
        // The same figures as without a key (eks.test.ts): 1 and 4 x g6.2xlarge at $0.9776/h x 730.
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost).toMatchObject({ min: 713.65, max: 2854.59, known: true });
        expect(cost.basis).toEqual([
            expect.stringContaining("1-4 x g6.2xlarge (1 x NVIDIA L4) on-demand at $0.9776/h in us-east-1"),
            "volumes encrypted with the given KMS key (aws.volumeKmsKeyArn): its monthly fee and requests are billed to the key's owner, not to this pool",
        ]);
        const { value: gke } = await rt.construct(
            () => new GpuPool("g", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 4, gcp: { clusterName: "ml", bootDiskKmsKey: GCP_KEY } }),
        );
        const gkeCost = await outputValue(gke.estimatedMonthlyCost);
        expect(gkeCost).toMatchObject({ min: 623.15, max: 2492.58, known: true });
        expect(gkeCost.basis[1]).toBe("boot disks encrypted with the given Cloud KMS key (gcp.bootDiskKmsKey): its key version and operation fees are billed to the key's project, not to this pool");
    });
});

describe("GpuPool's key arguments, validated", () => {
    const header = `modelship:index:GpuPool "bad": 1 invalid argument:\n`;
    const aws = (volumeKmsKeyArn: string, region?: string): GpuPoolArgs => ({
        cloud: GpuPoolCloud.Aws,
        accelerator: Accelerator.L4,
        aws: { clusterName: "ml", subnetIds: subnets, region, volumeKmsKeyArn },
    });
    const cases: Array<[string, GpuPoolArgs, string]> = [
        [
            "an alias instead of a key ARN",
            aws("alias/gpu-nodes"),
            header +
                '  - aws.volumeKmsKeyArn: received "alias/gpu-nodes"; expected the ARN of a symmetric KMS key, arn:<partition>:kms:<region>:<account>:key/<key id>, ' +
                "such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not a key ID, an alias or an alias ARN)",
        ],
        [
            "a key of another region than the stack's",
            aws("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            header +
                '  - aws.volumeKmsKeyArn: received "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"; expected a KMS key in the pool\'s region, ' +
                "us-east-1 (the aws:region config, else us-east-1), as arn:aws:kms:us-east-1:<account>:key/<key id>: EBS encrypts a volume only with a key of its own Region",
        ],
        [
            "a key of another partition than the pool's region",
            aws("arn:aws:kms:us-gov-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef", "us-east-1"),
            header +
                '  - aws.volumeKmsKeyArn: received "arn:aws:kms:us-gov-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef"; expected a KMS key in the pool\'s region, ' +
                "us-east-1 (aws.region), as arn:aws:kms:us-east-1:<account>:key/<key id>: EBS encrypts a volume only with a key of its own Region",
        ],
        [
            "a GCP key without its key ring",
            { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml", bootDiskKmsKey: "projects/acme-kms/locations/us-central1/cryptoKeys/nodes" } },
            header +
                '  - gcp.bootDiskKmsKey: received "projects/acme-kms/locations/us-central1/cryptoKeys/nodes"; expected a Cloud KMS key\'s resource name, ' +
                "projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>, such as projects/acme-kms/locations/us-central1/keyRings/gke/cryptoKeys/nodes",
        ],
    ];
    for (const [what, args, message] of cases) {
        it(`rejects ${what} with the exact error, before creating anything`, async () => {
            const { resources } = await rt.construct(() => expect(() => new GpuPool("bad", args)).toThrow(message));
            expect(resources).toEqual([]);
        });
    }

    it("checks a key given as an Output once it is known, with the same error", async () => {
        await rt.construct(
            () => new GpuPool("bad", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets, volumeKmsKeyArn: pulumi.output("alias/gpu-nodes") } }),
        );
        await rt.settle();
        expect(rt.asyncErrors.map(String).join("\n")).toContain(header + '  - aws.volumeKmsKeyArn: received "alias/gpu-nodes"; expected the ARN of a symmetric KMS key');
    });

    it("accepts a multi-Region key of the pool's region", async () => {
        const mrk = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";
        await rt.construct(() => new GpuPool("mrk", aws(mrk)));
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { ...ebs(100), kmsKeyId: mrk } }]);
    });
});

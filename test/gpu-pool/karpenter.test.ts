import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { Accelerator, CapacityType, GpuPool, GpuPoolCloud } from "../../index";
import { outputValue, useMockRuntime } from "../harness";
import { kubernetesObjectProblems } from "../kubernetes-schemas";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const subnets = ["subnet-0a1", "subnet-0b2"];
const labels = {
    "app.kubernetes.io/name": "l4",
    "app.kubernetes.io/instance": "l4",
    "app.kubernetes.io/component": "gpupool",
    "app.kubernetes.io/managed-by": "modelship",
    "modelship.dev/service": "l4",
    "modelship.dev/environment": "dev",
};

function karpenterPool(extra: { spot?: boolean; instanceTypes?: string[]; securityGroupIds?: string[] } = {}) {
    return new GpuPool("l4", {
        cloud: GpuPoolCloud.Aws,
        accelerator: Accelerator.L4,
        maxNodes: 3,
        capacityType: extra.spot ? CapacityType.Spot : undefined,
        aws: { clusterName: "ml", subnetIds: subnets, karpenter: true, instanceTypes: extra.instanceTypes, securityGroupIds: extra.securityGroupIds },
    });
}

describe("GpuPool on EKS with Karpenter", () => {
    it("creates a NodePool bounded in GPUs, with the pool's labels, taint and consolidation", async () => {
        const { resources } = await rt.construct(() => karpenterPool());
        expect(resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "aws:eks/accessEntry:AccessEntry l4-node-access",
            "aws:iam/role:Role l4-node-role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment l4-node-cni-policy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment l4-node-registry-policy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment l4-node-worker-policy",
            "kubernetes:apps/v1:DaemonSet l4-dcgm-exporter",
            "kubernetes:apps/v1:DaemonSet l4-nvidia-device-plugin",
            "kubernetes:core/v1:ConfigMap l4-dashboard",
            "kubernetes:core/v1:ConfigMap l4-dcgm-exporter",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass l4-node-class",
            "kubernetes:karpenter.sh/v1:NodePool l4-node-pool",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor l4-dcgm-exporter",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule l4-gpu-alerts",
            "modelship:index:GpuPool l4",
        ]);
        const nodePool = rt.one("kubernetes:karpenter.sh/v1:NodePool");
        expect(nodePool.inputs).toEqual({
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: "l4", labels },
            spec: {
                template: {
                    metadata: { labels: { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" } },
                    spec: {
                        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "l4" },
                        requirements: [
                            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "gr6"] },
                            { key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["l4"] },
                            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In", values: ["1"] },
                            { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                        ],
                        taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
                    },
                },
                limits: { "nvidia.com/gpu": "3" },
                disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "10m", budgets: [{ nodes: "1" }] },
            },
        });
        expect(nodePool.options.dependencies).toContain(rt.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").urn);
    });

    it("creates an EC2NodeClass with the AL2023 alias, the node role, the subnets and IMDSv2 only", async () => {
        await rt.construct(() => karpenterPool());
        const nodeClass = rt.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
        expect(nodeClass.inputs).toEqual({
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: "l4", labels },
            spec: {
                role: "l4-node-role",
                amiSelectorTerms: [{ alias: "al2023@latest" }],
                subnetSelectorTerms: [{ id: "subnet-0a1" }, { id: "subnet-0b2" }],
                securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "ml" } }],
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } }],
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                tags: { environment: "dev", service: "l4", "managed-by": "modelship" },
            },
        });
        const accessEntry = rt.one("aws:eks/accessEntry:AccessEntry");
        expect(accessEntry.inputs).toEqual({
            clusterName: "ml",
            principalArn: "arn:aws:iam::123456789012:role/l4-node-role",
            type: "EC2_LINUX",
            tags: { environment: "dev", service: "l4", "managed-by": "modelship" },
        });
        expect(nodeClass.options.dependencies).toContain(accessEntry.urn);
    });

    it("validates both objects against the Karpenter v1 schemas", async () => {
        // rt.construct already fails on any schema problem; this names the two objects so the test cannot pass empty.
        const { resources } = await rt.construct(() => karpenterPool({ spot: true, securityGroupIds: ["sg-0c3"] }));
        const karpenter = resources.filter((r) => r.type.startsWith("kubernetes:karpenter"));
        expect(karpenter.map((r) => r.type).sort()).toEqual(["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.sh/v1:NodePool"]);
        for (const record of karpenter) expect(kubernetesObjectProblems(record)).toEqual([]);
        // And the check is real: a misspelt field or a bad enum value is caught.
        const broken = {
            ...karpenter[1],
            inputs: { ...karpenter[1].inputs, spec: { ...(karpenter[1].inputs.spec as object), disruption: { consolidationPolicy: "Always", consolidateAfter: "10m" } } },
        };
        expect(kubernetesObjectProblems(broken).join("\n")).toMatch(/consolidationPolicy: received "Always"; expected one of "WhenEmpty", "WhenEmptyOrUnderutilized"/);
    });

    it("takes spot capacity, given security groups and listed instance types", async () => {
        await rt.construct(() => karpenterPool({ spot: true, instanceTypes: ["g6.2xlarge", "g6.4xlarge"], securityGroupIds: ["sg-0c3"] }));
        const spec = rt.one("kubernetes:karpenter.sh/v1:NodePool").inputs.spec as { template: { spec: { requirements: unknown[] } } };
        expect(spec.template.spec.requirements).toEqual([
            { key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.2xlarge", "g6.4xlarge"] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ]);
        const nodeClass = rt.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs.spec as Record<string, unknown>;
        expect(nodeClass.securityGroupSelectorTerms).toEqual([{ id: "sg-0c3" }]);
    });

    it("warns on spot with one instance type to choose from", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        const { value: pool } = await rt.construct(() => karpenterPool({ spot: true, instanceTypes: ["g6.2xlarge"] }));
        expect(warn).toHaveBeenCalledWith(
            // The managed node group's warning, word for word.
            "spot capacity with one instance type (g6.2xlarge): when AWS reclaims that type, every node goes at once and none comes back until it is available again. " +
                "List several instance types with the same GPUs (aws.instanceTypes) or use on-demand.",
            pool,
        );
        warn.mockRestore();
    });

    it("lands pods on Karpenter nodes through the same placement as a node group", async () => {
        const { value: pool } = await rt.construct(() => karpenterPool());
        const placement = await outputValue(pool.placement);
        expect(placement.nodeSelector).toEqual({ "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" });
        expect(placement.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 1, minGpus: 0, maxGpus: 3 });
    });

    it("prices the maximum from the GPU limit; without pods Karpenter launches nothing, so the minimum is 0", async () => {
        const { value: pool } = await rt.construct(() => karpenterPool());
        // The cost model takes the dearest per-GPU price among the L4 types the requirements allow (families g6, gr6):
        // aws_ec2_gpu_prices.csv: g6.16xlarge,g6,GPU instance,NVIDIA L4,1,24 GB GDDR6,64,256 GB,us-east-1,3.3968,2.21132,current
        // max 3 GPUs x 3.3968 x 730 = 7438.992
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost.min).toBe(0);
        expect(cost.max).toBe(7438.99);
        expect(cost.known).toBe(true);
        expect(cost.basis[0]).toMatch(/^min 0: no pod of this stack lands on it, and Karpenter launches nodes only for pending pods/);
    });
});

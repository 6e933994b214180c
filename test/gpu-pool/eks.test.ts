import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { Accelerator, CapacityType, GpuPool, GpuPoolCloud } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const subnets = ["subnet-0a1", "subnet-0b2"];
const POOL_URN = (name: string) => `urn:pulumi:dev::test::modelship:index:GpuPool::${name}`;

describe("GpuPool on EKS (managed node group)", () => {
    it("attaches an on-demand L4 node group to an existing cluster with the NVIDIA AMI, labels and taint", async () => {
        const { value: pool } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 4, aws: { clusterName: "ml-prod", subnetIds: subnets } }),
        );
        // The nodes' launch template: IMDSv2 only and one hop, so pods cannot take the node role; the disk is set here.
        const launchTemplate = rt.one("aws:ec2/launchTemplate:LaunchTemplate");
        expect(launchTemplate.name).toBe("l4-gpu-nodes");
        expect(launchTemplate.parent).toBe(POOL_URN("l4"));
        expect(launchTemplate.inputs).toEqual({
            description: "GPU nodes of the modelship GpuPool l4",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            // The instances and volumes carry the pool's tags: cost allocation, and the spend guard's filter.
            tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: { environment: "dev", team: "ml-platform", service: "l4", "managed-by": "modelship" } })),
            tags: { environment: "dev", team: "ml-platform", service: "l4", "managed-by": "modelship" },
        });
        const nodeGroup = rt.one("aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroup.name).toBe("l4-gpu-nodes");
        expect(nodeGroup.parent).toBe(POOL_URN("l4"));
        expect(nodeGroup.inputs).toEqual({
            clusterName: "ml-prod",
            nodeRoleArn: "arn:aws:iam::123456789012:role/l4-node-role",
            subnetIds: subnets,
            amiType: "AL2023_x86_64_NVIDIA",
            capacityType: "ON_DEMAND",
            // The cheapest L4 type with more than 4 vCPUs and 16 GiB (g6.xlarge has exactly 4 and 16).
            instanceTypes: ["g6.2xlarge"],
            // No diskSize: a node group with a launch template rejects it. The template's latest version, which the
            // provider computes, so that a changed template rolls the nodes.
            launchTemplate: { id: "l4-gpu-nodes-id", version: String(launchTemplate.outputs.latestVersion) },
            scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 1 },
            labels: { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" },
            taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
            updateConfig: { maxUnavailable: 1 },
            tags: { environment: "dev", team: "ml-platform", service: "l4", "managed-by": "modelship" },
        });
        expect(nodeGroup.options.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
        // The node group waits for its role's policies: nodes without them cannot join.
        const attachments = rt.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        expect(nodeGroup.options.dependencies).toEqual(expect.arrayContaining(attachments.map((a) => a.urn)));

        expect(await outputValue(pool.placement)).toEqual({
            nodeSelector: { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                            {
                                matchExpressions: [
                                    { key: "modelship.dev/accelerator", operator: "In", values: ["l4"] },
                                    { key: "modelship.dev/pool", operator: "In", values: ["l4"] },
                                ],
                            },
                        ],
                    },
                },
            },
            priorityClassName: "",
        });
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 1, minGpus: 1, maxGpus: 4 });
        expect(await outputValue(pool.clusterName)).toBe("ml-prod");
        expect(await outputValue(pool.nodeRoleArn)).toBe("arn:aws:iam::123456789012:role/l4-node-role");
        expect(await outputValue(pool.kubeconfig)).toBe("");
    });

    it("gives the node role exactly the three managed policies a worker needs, in the region's partition", async () => {
        await rt.construct(() => new GpuPool("gov", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { region: "us-gov-west-1", clusterName: "ml", subnetIds: subnets } }));
        const role = rt.one("aws:iam/role:Role");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const policies = Object.fromEntries(rt.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.name, a.inputs]));
        expect(policies).toEqual({
            "gov-node-worker-policy": { role: "gov-node-role", policyArn: "arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy" },
            "gov-node-registry-policy": { role: "gov-node-role", policyArn: "arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly" },
            "gov-node-cni-policy": { role: "gov-node-role", policyArn: "arn:aws-us-gov:iam::aws:policy/AmazonEKS_CNI_Policy" },
        });
        // A region named in the arguments is set on the node group (the provider's region may differ).
        expect(rt.one("aws:eks/nodeGroup:NodeGroup").inputs.region).toBe("us-gov-west-1");
    });

    it("leaves out the CNI policy when aws-node has its own role", async () => {
        await rt.construct(() => new GpuPool("irsa", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets, cniPolicy: false } }));
        expect(
            rt
                .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map((a) => a.name)
                .sort(),
        ).toEqual(["irsa-node-registry-policy", "irsa-node-worker-policy"]);
    });

    it("deploys the device plugin on the pool's nodes only, as unprivileged as it can run", async () => {
        const { resources } = await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets } }));
        const daemonSet = rt.one("kubernetes:apps/v1:DaemonSet", "l4-nvidia-device-plugin");
        const metadata = daemonSet.inputs.metadata as Record<string, unknown>;
        expect(metadata.name).toBe("l4-nvidia-device-plugin");
        expect(metadata.namespace).toBe("kube-system");
        const pod = (daemonSet.inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        expect(pod.nodeSelector).toEqual({ "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" });
        expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
        expect(pod.priorityClassName).toBe("system-node-critical");
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.containers).toEqual([
            {
                name: "nvidia-device-plugin",
                image: "nvcr.io/nvidia/k8s-device-plugin:v0.20.0@sha256:a61ba9fd8efb82f3a79f877f7580e02c1e8e7593f62473644bc9c79e315c3312",
                env: [{ name: "FAIL_ON_INIT_ERROR", value: "true" }],
                // Read-only root: the plugin writes only its socket, in the hostPath below (kubernetes.ts says why no emptyDir).
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "device-plugins", mountPath: "/var/lib/kubelet/device-plugins" }],
            },
        ]);
        expect(pod.volumes).toEqual([{ name: "device-plugins", hostPath: { path: "/var/lib/kubelet/device-plugins", type: "Directory" } }]);
        expect(resources.map((r) => r.type).sort()).toEqual([
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:eks/nodeGroup:NodeGroup",
            "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "kubernetes:apps/v1:DaemonSet",
            // The pool's observability (on by default): the DCGM exporter, its counters, PodMonitor, alerts and dashboard.
            "kubernetes:apps/v1:DaemonSet",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
            "modelship:index:GpuPool",
        ]);
    });

    it("skips the device plugin when the cluster already runs one", async () => {
        await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets, devicePlugin: false } }));
        // The DCGM exporter (observability, on by default) is the only DaemonSet left.
        expect(rt.ofType("kubernetes:apps/v1:DaemonSet").map((d) => d.name)).toEqual(["l4-dcgm-exporter"]);
    });

    it("diversifies spot over the cheapest L4 types within twice the cheapest price", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        await rt.construct(
            () => new GpuPool("spot", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 3, capacityType: CapacityType.Spot, aws: { clusterName: "ml", subnetIds: subnets } }),
        );
        const nodeGroup = rt.one("aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroup.inputs.capacityType).toBe("SPOT");
        // us-east-1 on-demand: g6.2xlarge $0.9776, g6.4xlarge $1.3232, gr6.4xlarge $1.5392; g6.8xlarge ($2.0144) is over 2x.
        expect(nodeGroup.inputs.instanceTypes).toEqual(["g6.2xlarge", "g6.4xlarge", "gr6.4xlarge"]);
        expect(warn).not.toHaveBeenCalled();
        warn.mockRestore();
    });

    it("warns when spot capacity rests on a single instance type", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        const { value: pool } = await rt.construct(
            () =>
                new GpuPool("one", {
                    cloud: GpuPoolCloud.Aws,
                    accelerator: Accelerator.L4,
                    capacityType: CapacityType.Spot,
                    aws: { clusterName: "ml", subnetIds: subnets, instanceTypes: ["g6.2xlarge"] },
                }),
        );
        expect(warn).toHaveBeenCalledWith(
            "spot capacity with one instance type (g6.2xlarge): when AWS reclaims that type, every node goes at once and none comes back until it is available again. " +
                "List several instance types with the same GPUs (aws.instanceTypes) or use on-demand.",
            pool,
        );
        warn.mockRestore();
    });

    it("creates a cluster with API authentication, a system node group and a provider when asked", async () => {
        const { value: pool } = await rt.construct(
            () =>
                new GpuPool("fresh", {
                    cloud: GpuPoolCloud.Aws,
                    accelerator: Accelerator.L4,
                    maxNodes: 2,
                    aws: { createCluster: true, clusterName: "fresh-ml", kubernetesVersion: "1.33", subnetIds: subnets, diskSizeGiB: 250 },
                }),
        );
        const cluster = rt.one("aws:eks/cluster:Cluster");
        expect(cluster.inputs).toEqual({
            name: "fresh-ml",
            roleArn: "arn:aws:iam::123456789012:role/fresh-cluster-role",
            version: "1.33",
            vpcConfig: { subnetIds: subnets, endpointPrivateAccess: true, endpointPublicAccess: true },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            tags: { environment: "dev", team: "ml-platform", service: "fresh", "managed-by": "modelship" },
        });
        expect(rt.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "fresh-cluster-policy").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
        // The system nodes, where pods without a GPU run, get the same metadata protection, with EKS's default 20 GiB disk.
        const systemTemplate = rt.one("aws:ec2/launchTemplate:LaunchTemplate", "fresh-system-nodes");
        expect(systemTemplate.inputs).toEqual({
            description: "System nodes of the modelship GpuPool fresh",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            // The instances and volumes carry the pool's tags: cost allocation, and the spend guard's filter.
            tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: { environment: "dev", team: "ml-platform", service: "fresh", "managed-by": "modelship" } })),
            tags: { environment: "dev", team: "ml-platform", service: "fresh", "managed-by": "modelship" },
        });
        const system = rt.one("aws:eks/nodeGroup:NodeGroup", "fresh-system-nodes");
        expect(system.inputs).toEqual({
            clusterName: "fresh-ml",
            nodeRoleArn: "arn:aws:iam::123456789012:role/fresh-node-role",
            subnetIds: subnets,
            amiType: "AL2023_x86_64_STANDARD",
            instanceTypes: ["m6i.large"],
            launchTemplate: { id: "fresh-system-nodes-id", version: String(systemTemplate.outputs.latestVersion) },
            scalingConfig: { minSize: 2, maxSize: 2, desiredSize: 2 },
            updateConfig: { maxUnavailable: 1 },
            tags: { environment: "dev", team: "ml-platform", service: "fresh", "managed-by": "modelship" },
        });
        // A disk size given in the arguments goes into the GPU nodes' template.
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate", "fresh-gpu-nodes").inputs.blockDeviceMappings).toEqual([
            { deviceName: "/dev/xvda", ebs: { volumeSize: 250, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
        ]);
        expect(rt.one("aws:eks/nodeGroup:NodeGroup", "fresh-gpu-nodes").inputs.clusterName).toBe("fresh-ml");

        const provider = rt.one("pulumi:providers:kubernetes");
        expect(rt.one("kubernetes:apps/v1:DaemonSet", "fresh-nvidia-device-plugin").options.provider).toContain(provider.urn);
        // The pool's observability goes to the new cluster too.
        for (const [type, name] of [
            ["kubernetes:apps/v1:DaemonSet", "fresh-dcgm-exporter"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "fresh-dcgm-exporter"],
            ["kubernetes:monitoring.coreos.com/v1:PrometheusRule", "fresh-gpu-alerts"],
            ["kubernetes:core/v1:ConfigMap", "fresh-dashboard"],
        ]) {
            expect(rt.one(type, name).options.provider).toContain(provider.urn);
        }
        expect(provider.secretInputs).toContain("kubeconfig");
        const kubeconfig = JSON.parse(await outputValue(pool.kubeconfig));
        expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\/[0-9A-F]+\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
        expect(kubeconfig.users[0].user.exec).toEqual({
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", "fresh-ml", "--region", "us-east-1"],
            interactiveMode: "Never",
        });
        expect(Object.keys(pool.resources).sort()).toEqual([
            "cluster",
            "clusterRole",
            "dashboard",
            "dcgmExporter",
            "dcgmExporterCounters",
            "dcgmExporterPodMonitor",
            "devicePlugin",
            "launchTemplate",
            "nodeGroup",
            "nodeRole",
            "prometheusRule",
            "provider",
            "systemLaunchTemplate",
            "systemNodes",
        ]);
    });

    it("prices the node group from the catalog: on-demand from min to max nodes", async () => {
        const { value: pool } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 4, aws: { clusterName: "ml", subnetIds: subnets } }),
        );
        // aws_ec2_gpu_prices.csv: g6.2xlarge,g6,GPU instance,NVIDIA L4,1,24 GB GDDR6,8,32 GB,us-east-1,0.9776,0.63642,current
        // min 1 x 0.9776 x 730 = 713.648; max 4 x 0.9776 x 730 = 2854.592
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost).toMatchObject({ min: 713.65, max: 2854.59, known: true });
        expect(cost.basis[0]).toContain("1-4 x g6.2xlarge (1 x NVIDIA L4) on-demand at $0.9776/h in us-east-1");
    });

    it("prices spot at the on-demand price of the dearest listed type, an upper bound", async () => {
        const { value: pool } = await rt.construct(
            () => new GpuPool("spot", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 3, capacityType: CapacityType.Spot, aws: { clusterName: "ml", subnetIds: subnets } }),
        );
        // aws_ec2_gpu_prices.csv: gr6.4xlarge,gr6,GPU instance,NVIDIA L4,1,Unknown,16,128 GB,us-east-1,1.5392,1.00202,current
        // min 0 nodes = 0; max 3 x 1.5392 x 730 = 3370.848 (AWS spot prices are not in the catalog)
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost).toMatchObject({ min: 0, max: 3370.85, known: true });
        expect(cost.basis[0]).toContain("spot: AWS spot prices are not in the catalog, so the on-demand price is used as an upper bound");
    });
});

/**
 * gpu-quota and accelerator-allowlist, over stacks built with modelship components and with hand-written EKS node
 * groups, GKE node pools, Karpenter NodePools, Deployments with GPU limits, SageMaker endpoint configurations and
 * Cloud Run services.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, GpuPool, GpuPoolCloud, ModelService, Target } from "../../index";
import { PolicyConfigError } from "../../sdk/plan/policies";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateResource, validateStack } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/llm@sha256:" + "a".repeat(64);
const subnets = ["subnet-0a1"];

const eksNodes = record("aws:eks/nodeGroup:NodeGroup", "big-gpu", { clusterName: "ml", instanceTypes: ["g5.12xlarge"], scalingConfig: { minSize: 0, maxSize: 2 } });
const gkeNodes = record("gcp:container/nodePool:NodePool", "a100", {
    cluster: "ml",
    location: "us-central1-a",
    nodeConfig: { machineType: "a2-highgpu-2g" },
    autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 3 },
});
const karpenter = (limits: Record<string, string> | undefined, requirements: unknown[] = [{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["l4"] }]) =>
    record("kubernetes:karpenter.sh/v1:NodePool", "gpu-pool", {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "gpu" },
        spec: { limits, template: { spec: { requirements, nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" } } } },
    });
const gpuDeployment = (nodeSelector: Record<string, string> = {}) =>
    record("kubernetes:apps/v1:Deployment", "llm", {
        metadata: { name: "llm", namespace: "ml" },
        spec: { replicas: 1, template: { spec: { nodeSelector, containers: [{ name: "server", image, resources: { limits: { "nvidia.com/gpu": "2" } } }] } } },
    });
const hpa = record("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "llm-hpa", {
    metadata: { name: "llm", namespace: "ml" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" }, minReplicas: 1, maxReplicas: 5 },
});
const endpointConfig = record("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "scorer", {
    productionVariants: [{ variantName: "primary", instanceType: "ml.g5.xlarge", initialInstanceCount: 2 }],
});
const cloudRun = (scaling: Record<string, number>, accelerator = "nvidia-l4") =>
    record("gcp:cloudrunv2/service:Service", "tts", {
        location: "us-central1",
        template: { scaling, nodeSelector: { accelerator }, containers: [{ image, resources: { limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" } } }] },
    });

describe("gpu-quota", () => {
    it("counts a stack of GpuPools and a SageMaker ModelService at maximum scale: within the quota passes, over it fails", async () => {
        const { resources } = await rt.construct(() => [
            new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 4, aws: { clusterName: "ml", subnetIds: subnets } }),
            new GpuPool("t4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.T4, gpusPerNode: 2, maxNodes: 2, gcp: { clusterName: "ml" } }),
            new ModelService("scorer", {
                model: { image },
                resources: { gpu: { accelerator: Accelerator.A10G } },
                sagemaker: { instanceType: "ml.g5.2xlarge" },
                scaling: { minReplicas: 1, maxReplicas: 3 },
                target: Target.AwsSageMaker,
            }),
        ]);
        expect(findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 11 } })).toEqual([]);
        const message =
            "the stack runs up to 11 GPUs at maximum scale, over the quota of 10 (maxGpus):\n" +
            "  - l4-gpu-nodes: 4 node(s) x 1 GPU(s) = 4 (scalingConfig 0-4 node(s))\n" +
            "  - t4-gpu-nodes: 2 node(s) x 2 GPU(s) = 4 (autoscaling 0-2 node(s) in total)\n" +
            '  - scorer-config variant "default": 3 instance(s) x 1 GPU(s) = 3 (1-3 instance(s) from aws:appautoscaling Target "scorer-scaling" (1-3))';
        expect(findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 10 } })).toEqual([{ policy: "gpu-quota", enforcement: "mandatory", message }]);
        expect(await validateStack("gpu-quota", resources, { maxGpus: 10 })).toEqual([{ message, urn: undefined }]);
    });

    it("counts hand-written node capacity (EKS node group, GKE node pool, Karpenter limit) and not the pods running on it", () => {
        const resources = [eksNodes, gkeNodes, karpenter({ "nvidia.com/gpu": "8" }), gpuDeployment(), hpa];
        // 2 x g5.12xlarge (4 GPUs) + 3 x a2-highgpu-2g (2 GPUs) + 8 devices = 22; the Deployment's pods run on those nodes.
        expect(findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 22 } })).toEqual([]);
        const [finding] = findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 21 } });
        expect(finding.message).toBe(
            "the stack runs up to 22 GPUs at maximum scale, over the quota of 21 (maxGpus):\n" +
                "  - big-gpu: 2 node(s) x 4 GPU(s) = 8 (scalingConfig 0-2 node(s))\n" +
                "  - gpu-pool: 8 device(s) x 1 GPU(s) = 8 (spec.limits 8 device(s))\n" +
                "  - a100: 3 node(s) x 2 GPU(s) = 6 (autoscaling 0-3 node(s) in total)",
        );
    });

    it("counts GPU pods at their autoscaler's maximum when the nodes are not in the stack, SageMaker variants and Cloud Run instances", () => {
        const resources = [gpuDeployment(), hpa, endpointConfig, cloudRun({ minInstanceCount: 0, maxInstanceCount: 3 })];
        const [finding] = findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 8 } });
        expect(finding.message).toBe(
            "the stack runs up to 15 GPUs at maximum scale, over the quota of 8 (maxGpus):\n" +
                '  - llm: 5 replica(s) x 2 GPU(s) = 10 (1-5 replica(s) from HorizontalPodAutoscaler "llm" (1-5))\n' +
                "  - tts: 3 instance(s) x 1 GPU(s) = 3 (0-3 instance(s))\n" +
                '  - scorer variant "primary": 2 instance(s) x 1 GPU(s) = 2 (initialInstanceCount 2)',
        );
    });

    it("counts Cloud Run at its default of 100 instances when no maximum is set", () => {
        const [finding] = findingsOf("gpu-quota", [cloudRun({})], { "gpu-quota": { maxGpus: 8 } });
        expect(finding.message).toBe(
            "the stack runs up to 100 GPUs at maximum scale, over the quota of 8 (maxGpus):\n  - tts: 100 instance(s) x 1 GPU(s) = 100 (0-100 instance(s): max 100 is Cloud Run's default (maxInstanceCount not set))",
        );
    });

    it("fails a Karpenter GPU NodePool without a GPU limit: the stack's GPUs are unbounded", () => {
        const pool = karpenter(undefined);
        expect(findingsOf("gpu-quota", [pool], { "gpu-quota": { maxGpus: 100 } })).toEqual([
            {
                policy: "gpu-quota",
                enforcement: "mandatory",
                urn: pool.urn,
                message:
                    "gpu-pool has no maximum (spec.limits sets no nvidia.com/gpu (or aws.amazon.com/neuron) limit, so Karpenter launches as many GPU nodes as pending pods ask for), so the stack's GPUs at maximum scale are unbounded; the quota is 100 (maxGpus)",
            },
        ]);
    });

    it("gives an advisory finding for GPUs it cannot count: an instance type outside the catalog", () => {
        const p3 = record("aws:eks/nodeGroup:NodeGroup", "v100", { clusterName: "ml", instanceTypes: ["p3.2xlarge"], scalingConfig: { minSize: 0, maxSize: 2 } });
        expect(findingsOf("gpu-quota", [p3, eksNodes], { "gpu-quota": { maxGpus: 8 } })).toEqual([
            {
                policy: "gpu-quota",
                enforcement: "advisory",
                levelFixed: true,
                urn: p3.urn,
                message: "the GPU count of v100 at maximum scale is not known, so the quota check (maxGpus 8) leaves it out: the GPU count of p3.2xlarge is not in the catalog",
            },
        ]);
    });

    it("without maxGpus, stays quiet under the pack's default cap of 64 GPUs, and leaves a fleet without a maximum to autoscaling-max-required", () => {
        expect(findingsOf("gpu-quota", [eksNodes, karpenter(undefined)], {})).toEqual([]);
    });

    it("without maxGpus, gives a stack asking for 700 GPUs an advisory finding that names the setting allowing it; set, the quota is mandatory", async () => {
        const { resources } = await rt.construct(
            () => new ModelService("llm", { model: { image }, resources: { gpu: { accelerator: Accelerator.L4 } }, scaling: { replicas: 700 }, target: Target.Kubernetes }),
        );
        const fleet = "  - llm: 700 replica(s) x 1 GPU(s) = 700 (700 replica(s) from spec.replicas)";
        const message =
            'the stack runs up to 700 GPUs at maximum scale, over the pack\'s default cap of 64 (gpu-quota maxGpus is not set): set "gpu-quota": { "maxGpus": 700 } in the policy config to allow it, or lower the maxima below:\n' +
            fleet;
        expect(findingsOf("gpu-quota", resources, {})).toEqual([{ policy: "gpu-quota", enforcement: "advisory", levelFixed: true, message }]);
        expect(await validateStack("gpu-quota", resources, {})).toEqual([{ message, urn: undefined, enforcementLevel: "advisory" }]);
        expect(findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 700 } })).toEqual([]);
        expect(findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 600 } })).toEqual([
            { policy: "gpu-quota", enforcement: "mandatory", message: `the stack runs up to 700 GPUs at maximum scale, over the quota of 600 (maxGpus):\n${fleet}` },
        ]);
    });
});

describe("accelerator-allowlist", () => {
    const config = { allowed: ["l4"] };

    it("passes GpuPools and services on an allowed accelerator, fails one on another, naming what names it", async () => {
        const { resources } = await rt.construct(() => [
            new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: subnets, karpenter: true } }),
            new GpuPool("a10g", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.A10G, maxNodes: 2, aws: { clusterName: "ml", subnetIds: subnets } }),
            new ModelService("tts", { model: { image }, resources: { gpu: { accelerator: Accelerator.L4 } }, scaling: { minReplicas: 0, maxReplicas: 2 }, target: Target.GcpCloudRun }),
        ]);
        const nodeGroup = resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
        expect(findingsOf("accelerator-allowlist", resources, { "accelerator-allowlist": config })).toEqual([
            {
                policy: "accelerator-allowlist",
                enforcement: "mandatory",
                urn: nodeGroup?.urn,
                message: "a10g-gpu-nodes uses NVIDIA A10G (a10g), named by g5.2xlarge, which is not allowed; allowed: l4",
            },
        ]);
        expect(await validateResource("accelerator-allowlist", nodeGroup!, config)).toEqual([
            { message: "a10g-gpu-nodes uses NVIDIA A10G (a10g), named by g5.2xlarge, which is not allowed; allowed: l4" },
        ]);
        expect(findingsOf("accelerator-allowlist", resources, { "accelerator-allowlist": { allowed: ["l4", "a10g"] } })).toEqual([]);
    });

    it("reads hand-written resources: node pools, pods' node selectors, SageMaker variants, Cloud Run, Karpenter requirements", async () => {
        const v100 = record("gcp:container/nodePool:NodePool", "v100", {
            cluster: "ml",
            nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-v100", count: 1 }] },
            nodeCount: 1,
        });
        const t4Pods = gpuDeployment({ "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" });
        const anyGpu = karpenter({ "nvidia.com/gpu": "4" }, [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }]);
        const cases: Array<[ReturnType<typeof record>, string[]]> = [
            [v100, ["v100 uses an accelerator outside the catalog, named by nvidia-tesla-v100 (not in the catalog), which is not allowed; allowed: l4"]],
            [t4Pods, ["llm uses NVIDIA T4 (t4), named by nvidia-tesla-t4, which is not allowed; allowed: l4"]],
            [endpointConfig, ['scorer variant "primary" uses NVIDIA A10G (a10g), named by ml.g5.xlarge, which is not allowed; allowed: l4']],
            [anyGpu, ["gpu-pool may launch any GPU: its requirements name no GPU (karpenter.k8s.aws/instance-gpu-name), instance family or instance type; allowed: l4"]],
            [karpenter({ "nvidia.com/gpu": "4" }), []],
            [cloudRun({ maxInstanceCount: 1 }), []],
            [gpuDeployment({ "modelship.dev/accelerator": "l4" }), []],
        ];
        for (const [resource, messages] of cases) {
            expect(await validateResource("accelerator-allowlist", resource, config)).toEqual(messages.map((message) => ({ message })));
            expect(findingsOf("accelerator-allowlist", [resource], { "accelerator-allowlist": config }).map((f) => f.message)).toEqual(messages);
        }
    });

    it("notes, as advisory, GPU pods that do not name their accelerator", async () => {
        expect(await validateResource("accelerator-allowlist", gpuDeployment(), config)).toEqual([
            { message: "llm asks for GPUs without naming the accelerator (a node selector or instance type), so the allowlist (l4) cannot be checked", enforcementLevel: "advisory" },
        ]);
    });

    it("rejects an accelerator name outside the catalog in its config, naming the policy, the setting and the names accepted", () => {
        const message = 'policy "accelerator-allowlist": 1 invalid setting:\n  - allowed: received "rtx4090"; expected a list of: t4, a10g, l4, l40s, a100-40gb, a100-80gb, h100, h200, inferentia2';
        expect(() => findingsOf("accelerator-allowlist", [eksNodes], { "accelerator-allowlist": { allowed: ["l4", "rtx4090"] } })).toThrow(PolicyConfigError);
        expect(() => findingsOf("accelerator-allowlist", [eksNodes], { "accelerator-allowlist": { allowed: ["l4", "rtx4090"] } })).toThrow(message);
        return expect(validateResource("accelerator-allowlist", eksNodes, { allowed: ["l4", "rtx4090"] })).rejects.toThrow(message);
    });
});

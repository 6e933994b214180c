/**
 * autoscaling-max-required and nonprod-scale-to-zero, over stacks built with modelship components and with
 * hand-written autoscalers, node groups, node pools, Karpenter NodePools, GPU Deployments and Lambda settings.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, AutoscalerTarget, CapacityType, GpuPool, GpuPoolCloud, ModelService, ScalingMetric, ServingRuntime, SpikeAutoscaler, Target } from "../../index";
import { DEFAULT_STACK_PATTERN } from "../../policies/rules/nonprod";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateResource, validateStack } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const image = "us-docker.pkg.dev/acme-ml/models/llm@sha256:" + "a".repeat(64);
const ecrImage = "111122223333.dkr.ecr.us-east-1.amazonaws.com/scorer@sha256:" + "b".repeat(64);
const subnets = ["subnet-0a1"];
const messages = (resources: ResourceRecord[], policy: string, config = {}, stack = "dev") =>
    findingsOf(policy, resources, { [policy]: config }, stack)
        .map((f) => `${f.urn?.split("::").pop()}: ${f.message}`)
        .sort();

const gpuNodeGroup = (scalingConfig: Record<string, number>, capacityType = "ON_DEMAND", tags?: Record<string, string>) =>
    record("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: "ml", instanceTypes: ["g6.xlarge"], capacityType, scalingConfig, ...(tags ? { tags } : {}) });
const gpuDeployment = record("kubernetes:apps/v1:Deployment", "llm", {
    metadata: { name: "llm" },
    spec: { replicas: 1, template: { spec: { nodeSelector: { "modelship.dev/accelerator": "l4" }, containers: [{ name: "s", image, resources: { limits: { "nvidia.com/gpu": "1" } } }] } } },
});
const scaledObject = (spec: Record<string, unknown>) =>
    record("kubernetes:keda.sh/v1alpha1:ScaledObject", "llm-scaler", { metadata: { name: "llm-scaler" }, spec: { scaleTargetRef: { name: "llm" }, triggers: [], ...spec } });
const karpenterPool = (spec: Record<string, unknown>, capacity = ["on-demand"]) =>
    record("kubernetes:karpenter.sh/v1:NodePool", "gpu-pool", {
        metadata: { name: "gpu" },
        spec: {
            ...spec,
            template: {
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" },
                    requirements: [
                        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: capacity },
                    ],
                },
            },
        },
    });
const cloudRun = (scaling: Record<string, number>) =>
    record("gcp:cloudrunv2/service:Service", "api", { location: "us-central1", template: { scaling, containers: [{ image, resources: { limits: { cpu: "1", memory: "512Mi" } } }] } });

describe("autoscaling-max-required", () => {
    it("passes what modelship components create: node groups, node pools, Karpenter limits, SageMaker and Cloud Run maxima", async () => {
        const { resources } = await rt.construct(() => [
            new GpuPool("eks", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: subnets } }),
            new GpuPool("karpenter", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: subnets, karpenter: true } }),
            new GpuPool("gke", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 2, gcp: { clusterName: "ml" } }),
            new ModelService("scorer", {
                model: { image: ecrImage },
                resources: { gpu: { accelerator: Accelerator.A10G } },
                sagemaker: { instanceType: "ml.g5.2xlarge" },
                scaling: { minReplicas: 1, maxReplicas: 3 },
                target: Target.AwsSageMaker,
            }),
            new ModelService("tts", { model: { image }, scaling: { minReplicas: 0, maxReplicas: 3 }, target: Target.GcpCloudRun }),
        ]);
        expect(findingsOf("autoscaling-max-required", resources)).toEqual([]);
    });

    it("fails each hand-written autoscaler, GPU node group, node pool and NodePool without a maximum, and passes each with one", async () => {
        const cases: Array<[ResourceRecord, string[]]> = [
            [scaledObject({ minReplicaCount: 0 }), ["the KEDA ScaledObject sets no spec.maxReplicaCount, so KEDA scales its target up to its default of 100 replicas"]],
            [scaledObject({ minReplicaCount: 0, maxReplicaCount: 4 }), []],
            [
                record("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", { spec: { scaleTargetRef: { kind: "Deployment", name: "llm" }, minReplicas: 1 } }),
                ["the HorizontalPodAutoscaler sets no spec.maxReplicas"],
            ],
            [
                record("aws:appautoscaling/target:Target", "t", { serviceNamespace: "sagemaker", resourceId: "endpoint/e/variant/v", minCapacity: 1 }),
                ["the Application Auto Scaling target sets no maxCapacity"],
            ],
            [gpuNodeGroup({ minSize: 0 }), ["gpu has GPUs and no maximum: scalingConfig.maxSize is not set"]],
            [gpuNodeGroup({ minSize: 0, maxSize: 3 }), []],
            [
                record("gcp:container/nodePool:NodePool", "l4", { cluster: "ml", nodeConfig: { machineType: "g2-standard-8" }, autoscaling: { minNodeCount: 0 } }),
                ["l4 has GPUs and no maximum: autoscaling sets neither maxNodeCount nor totalMaxNodeCount"],
            ],
            [
                karpenterPool({}),
                ["gpu-pool has GPUs and no maximum: spec.limits sets no nvidia.com/gpu (or aws.amazon.com/neuron) limit, so Karpenter launches as many GPU nodes as pending pods ask for"],
            ],
            [karpenterPool({ limits: { "nvidia.com/gpu": "8" } }), []],
            [cloudRun({ minInstanceCount: 0 }), ["the Cloud Run service sets no template.scaling.maxInstanceCount, so Cloud Run scales it up to its default of 100 instances"]],
            [cloudRun({ maxInstanceCount: 5 }), []],
            [
                record("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cfg", {
                    productionVariants: [{ variantName: "primary", instanceType: "ml.c5.xlarge", managedInstanceScaling: { status: "ENABLED", minInstanceCount: 1 } }],
                }),
                ['variant "primary" enables managedInstanceScaling without productionVariants[0].managedInstanceScaling.maxInstanceCount'],
            ],
            // A CPU node group is not a GPU fleet: not this policy's business.
            [record("aws:eks/nodeGroup:NodeGroup", "system", { clusterName: "ml", instanceTypes: ["m5.large"], scalingConfig: { minSize: 1 } }), []],
        ];
        for (const [resource, expected] of cases) {
            expect(findingsOf("autoscaling-max-required", [resource]).map((f) => f.message)).toEqual(expected);
            expect(await validateResource("autoscaling-max-required", resource)).toEqual(expected.map((message) => ({ message })));
        }
    });
});

describe("a ModelService scaled by a SpikeAutoscaler (KEDA)", () => {
    it("has a maximum, scales to zero, and counts its GPUs at the ScaledObject's maximum", async () => {
        const { resources } = await rt.construct(() => [
            new ModelService("chat", {
                model: { image },
                resources: { gpu: { count: 2, accelerator: Accelerator.L4 } },
                scaling: { minReplicas: 0, maxReplicas: 6 },
                kubernetes: { namespace: "ml", nodeSelector: { "modelship.dev/accelerator": "l4" } },
                target: Target.Kubernetes,
            }),
            new SpikeAutoscaler("chat-scaler", {
                target: AutoscalerTarget.Kubernetes,
                kubernetes: { deploymentName: "chat", namespace: "ml", accelerator: Accelerator.L4, gpusPerReplica: 2, prometheusUrl: "http://prometheus.monitoring.svc:9090" },
                // Work that waits outside the pods lets KEDA scale to zero.
                metric: ScalingMetric.QueueDepth,
                metricTarget: 10,
                query: 'sum(sqs_messages_visible{queue="chat-jobs"})',
                minReplicas: 0,
                maxReplicas: 6,
            }),
        ]);
        expect(findingsOf("autoscaling-max-required", resources)).toEqual([]);
        expect(messages(resources, "nonprod-scale-to-zero")).toEqual([]);
        expect(findingsOf("gpu-quota", resources, { "gpu-quota": { maxGpus: 10 } }).map((f) => f.message)).toEqual([
            'the stack runs up to 12 GPUs at maximum scale, over the quota of 10 (maxGpus):\n  - chat: 6 replica(s) x 2 GPU(s) = 12 (0-6 replica(s) from KEDA ScaledObject "chat-scaler" (0-6))',
        ]);
    });
});

describe("nonprod-scale-to-zero", () => {
    async function devStack(tags?: Record<string, string>) {
        const { resources } = await rt.construct(() => [
            new GpuPool("on-demand", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: subnets }, tags }),
            new GpuPool("spot", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 2, capacityType: CapacityType.Spot, gcp: { clusterName: "ml" }, tags }),
            new ModelService("llm", {
                model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Vllm },
                resources: { gpu: { accelerator: Accelerator.L4 } },
                kubernetes: { nodeSelector: { "modelship.dev/accelerator": "l4" } },
                target: Target.Kubernetes,
                tags,
            }),
            new ModelService("warm", { model: { image }, scaling: { minReplicas: 1, maxReplicas: 2 }, target: Target.GcpCloudRun, tags }),
            new ModelService("idle", { model: { image }, scaling: { minReplicas: 0, maxReplicas: 2 }, target: Target.GcpCloudRun, tags }),
        ]);
        return resources;
    }

    it("in a dev stack, flags on-demand GPU nodes, GPU pods kept running and warm Cloud Run instances", async () => {
        const resources = await devStack();
        const why = `non-production (stack "dev" matches stackPattern)`;
        expect(messages(resources, "nonprod-scale-to-zero")).toEqual([
            `llm: ${why}: llm keeps 1 replica(s) with GPUs running (1 replica(s) from spec.replicas); scale to zero: spec.replicas: 0, or a KEDA ScaledObject with minReplicaCount 0`,
            `on-demand-gpu-nodes: ${why}: on-demand-gpu-nodes runs GPUs on on-demand capacity; use spot: capacityType: "SPOT"`,
            `warm-service: ${why}: keeps 1 Cloud Run instance(s) running (minInstanceCount), billed while idle; set template.scaling.minInstanceCount: 0`,
        ]);
        const reported = await validateStack("nonprod-scale-to-zero", resources);
        expect(reported.map((r) => `${r.urn?.split("::").pop()}: ${r.message}`).sort()).toEqual(messages(resources, "nonprod-scale-to-zero"));
    });

    it("in a production stack, checks only resources tagged with a non-production environment", async () => {
        // modelship tags every resource environment=<stack name> unless told otherwise: here, dev.
        const tagged = await devStack();
        expect(messages(tagged, "nonprod-scale-to-zero", {}, "prod")).toContain(
            'on-demand-gpu-nodes: non-production (tagged environment=dev): on-demand-gpu-nodes runs GPUs on on-demand capacity; use spot: capacityType: "SPOT"',
        );
        const production = await devStack({ environment: "production" });
        expect(messages(production, "nonprod-scale-to-zero", {}, "prod")).toEqual([]);
        expect(messages([gpuNodeGroup({ minSize: 1, maxSize: 2 })], "nonprod-scale-to-zero", {}, "prod")).toEqual([]);
        expect(
            messages(
                [gpuNodeGroup({ minSize: 0, maxSize: 2 }, "SPOT", { environment: "staging" }), gpuNodeGroup({ minSize: 1, maxSize: 2 }, "ON_DEMAND", { environment: "prod" })],
                "nonprod-scale-to-zero",
                {},
                "prod",
            ),
        ).toEqual([]);
        expect(messages([gpuNodeGroup({ minSize: 1, maxSize: 2 }, "SPOT", { environment: "staging" })], "nonprod-scale-to-zero", {}, "prod")).toEqual([
            "gpu: non-production (tagged environment=staging): gpu keeps 1 node(s) with GPUs running (scalingConfig 1-2 node(s)); scale to zero: scalingConfig.minSize: 0",
        ]);
    });

    it("flags hand-written node groups, Karpenter pools, GPU pods held up by KEDA, and Lambda provisioned concurrency", () => {
        const why = 'non-production (stack "ml-dev" matches stackPattern)';
        const resources = [
            gpuNodeGroup({ minSize: 1, maxSize: 2 }),
            karpenterPool({ limits: { "nvidia.com/gpu": "4" } }),
            karpenterPool({ limits: { "nvidia.com/gpu": "4" } }, ["spot", "on-demand"]),
            gpuDeployment,
            scaledObject({ minReplicaCount: 1, maxReplicaCount: 3 }),
            record("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "warm", { functionName: "f", qualifier: "live", provisionedConcurrentExecutions: 2 }),
            record("gcp:container/nodePool:NodePool", "preemptible", {
                cluster: "ml",
                nodeConfig: { machineType: "g2-standard-8", preemptible: true },
                autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 2 },
            }),
        ];
        expect(messages(resources, "nonprod-scale-to-zero", {}, "ml-dev")).toEqual([
            `gpu-pool: ${why}: gpu-pool runs GPUs on on-demand capacity; use spot: a karpenter.sh/capacity-type requirement with "spot"`,
            `gpu: ${why}: gpu keeps 1 node(s) with GPUs running (scalingConfig 1-2 node(s)); scale to zero: scalingConfig.minSize: 0`,
            `gpu: ${why}: gpu runs GPUs on on-demand capacity; use spot: capacityType: "SPOT"`,
            `llm: ${why}: llm keeps 1 replica(s) with GPUs running (1-3 replica(s) from KEDA ScaledObject "llm-scaler" (1-3)); scale to zero: the autoscaler's minimum at 0 (a KEDA ScaledObject: minReplicaCount 0)`,
            `warm: ${why}: keeps 2 Lambda execution environment(s) warm (provisionedConcurrentExecutions), billed while idle; leave provisioned concurrency out`,
        ]);
    });

    it("reads a GKE pool that autoscales without a maximum as the cost model does: its total minimum keeps nodes running", () => {
        const pool = record("gcp:container/nodePool:NodePool", "l4", {
            cluster: "ml",
            location: "us-central1",
            nodeConfig: { machineType: "g2-standard-8", spot: true },
            autoscaling: { totalMinNodeCount: 1 },
        });
        expect(messages([pool], "nonprod-scale-to-zero", {}, "ml-dev")).toEqual([
            'l4: non-production (stack "ml-dev" matches stackPattern): l4 keeps 1 node(s) with GPUs running (autoscaling without a maximum); scale to zero: autoscaling.totalMinNodeCount: 0',
        ]);
        expect(messages([pool], "autoscaling-max-required")).toEqual(["l4: l4 has GPUs and no maximum: autoscaling sets neither maxNodeCount nor totalMaxNodeCount"]);
    });

    it("reads the stack's environment tag, and its settings can turn off the spot check", async () => {
        const nodes = gpuNodeGroup({ minSize: 0, maxSize: 2 });
        expect(await validateStack("nonprod-scale-to-zero", [nodes], { stackPattern: "^sandbox$" })).toEqual([]);
        expect(await validateStack("nonprod-scale-to-zero", [nodes], { stackPattern: "^sandbox$" }, new Map([["environment", "qa"]]))).toEqual([
            { urn: nodes.urn, message: 'non-production (stack tag environment=qa): gpu runs GPUs on on-demand capacity; use spot: capacityType: "SPOT"' },
        ]);
        expect(messages([nodes], "nonprod-scale-to-zero", { requireSpot: false })).toEqual([]);
    });

    it("matches its default stack pattern against usual non-production names only", () => {
        const pattern = new RegExp(DEFAULT_STACK_PATTERN);
        expect(["dev", "ml-dev", "dev-eu", "staging", "team.qa", "sandbox", "test"].filter((s) => !pattern.test(s))).toEqual([]);
        expect(["prod", "production", "devops", "latest", "contest"].filter((s) => pattern.test(s))).toEqual([]);
    });

    it("rejects a stackPattern that is not a regular expression", () => {
        expect(() => findingsOf("nonprod-scale-to-zero", [], { "nonprod-scale-to-zero": { stackPattern: "(dev" } })).toThrow(
            'policy "nonprod-scale-to-zero": 1 invalid setting:\n  - stackPattern: received "(dev", which is not a valid regular expression (Invalid regular expression: /(dev/: Unterminated group); expected a regular expression (JavaScript syntax)',
        );
    });
});

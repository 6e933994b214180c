/**
 * The one cost model: pure functions over type tokens and provider inputs. Every expected figure is
 * computed by hand from the CSV rows quoted in the comments (730 hours a month, rounded to cents).
 */
import { describe, expect, it } from "vitest";
import { costOf, estimateCost, priceResource, type CostedResource } from "../sdk/cost";

let counter = 0;
function resource(type: string, inputs: Record<string, unknown>, name = `r${++counter}`, outputs?: Record<string, unknown>): CostedResource {
    return { urn: `urn:pulumi:test::cost::${type}::${name}`, type, name, inputs, ...(outputs ? { outputs } : {}) };
}

const EC2 = "(aws_ec2_gpu_prices.csv, vantage, 2026-01-21) x 730 h";
const GCP = "(gcp_machine_type_prices.csv, GCP pricing via cocalc, 2026-02-24 + gcp_gpu_accelerator_prices.csv) x 730 h";

const gpuDeployment = (name: string, selector: Record<string, string>, extra: Record<string, unknown> = {}) =>
    resource("kubernetes:apps/v1:Deployment", {
        metadata: { name, namespace: "ml" },
        spec: { ...extra, template: { spec: { nodeSelector: selector, containers: [{ name: "server", resources: { limits: { "nvidia.com/gpu": "1" } } }] } } },
    });

describe("EKS node groups", () => {
    it("prices min and max nodes on-demand", () => {
        // g6.xlarge,g6,GPU instance,NVIDIA L4,1,24 GB GDDR6,4,16 GB,us-east-1,0.8048: 2 x 0.8048 x 730 = 1175.008; 3 x = 1762.512
        const item = priceResource(resource("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 2, maxSize: 3, desiredSize: 2 } }));
        expect(item?.monthly).toEqual({ min: 1175.01, max: 1762.51 });
        expect(item?.basis).toBe(`2-3 x g6.xlarge (1 x NVIDIA L4) on-demand at $0.8048/h in us-east-1 ${EC2}`);
    });

    it("uses the cheapest listed type for the minimum and the dearest for the maximum; AWS spot at on-demand as an upper bound", () => {
        // g6.xlarge 0.8048: 1 x 0.8048 x 730 = 587.504; g6.2xlarge,...,us-east-1,0.9776: 4 x 0.9776 x 730 = 2854.592
        const item = priceResource(
            resource("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.2xlarge", "g6.xlarge"], capacityType: "SPOT", scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 1 } }),
        );
        expect(item?.monthly).toEqual({ min: 587.5, max: 2854.59 });
        expect(item?.basis).toBe(
            "min 1 x g6.xlarge (1 x NVIDIA L4) at $0.8048/h (cheapest listed), max 4 x g6.2xlarge (1 x NVIDIA L4) at $0.9776/h (dearest listed), " +
                `spot (priced on-demand) in us-east-1 ${EC2}; spot: AWS spot prices are not in the catalog, so the on-demand price is used as an upper bound`,
        );
    });

    it("reports an instance type outside the catalog as unknown with the reason, never 0", () => {
        const item = priceResource(resource("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["t3.medium"], scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 } }));
        expect(item?.monthly).toEqual({ min: null, max: null });
        expect(item?.basis).toBe("unknown: AWS instance type t3.medium is not in the catalog, which holds the accelerator families g4dn, g5, g6, g6e, gr6, inf2, p4d, p4de, p5, p5en.");
    });

    it("reports an input that is not known yet as unknown, naming the field", () => {
        const item = priceResource(resource("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: Promise.resolve(1), maxSize: 3, desiredSize: 1 } }));
        expect(item?.monthly).toEqual({ min: null, max: null });
        expect(item?.basis).toBe("unknown: scalingConfig.minSize is not known until deployment (an Output)");
    });
});

describe("GKE node pools", () => {
    it("prices a g2 pool as machine plus GPU per node, per-zone counts in a zonal pool", () => {
        // g2-standard-4,us-central1,4,16,0.146792016 + nvidia-l4,us-central1-a,...,0.560040239 = 0.706832255/h
        // 1 x 0.706832255 x 730 = 515.987546; 4 x = 2063.950185
        const item = priceResource(
            resource("gcp:container/nodePool:NodePool", { cluster: "c", location: "us-central1-a", nodeConfig: { machineType: "g2-standard-4" }, autoscaling: { minNodeCount: 1, maxNodeCount: 4 } }),
        );
        expect(item?.monthly).toEqual({ min: 515.99, max: 2063.95 });
        expect(item?.basis).toBe(
            `1-4 x g2-standard-4 (1 x nvidia-l4): $0.1468/h machine + 1 x $0.5600/h GPU = $0.7068/h on-demand in us-central1 ${GCP}; autoscaling 1-4 node(s) per zone x zonal pool in us-central1-a`,
        );
    });

    it("uses GCP spot prices for a spot pool", () => {
        // spot: g2-standard-4 0.058736 + nvidia-l4 0.2231 = 0.281836/h; 4 x 0.281836 x 730 = 822.96112
        const item = priceResource(
            resource("gcp:container/nodePool:NodePool", {
                cluster: "c",
                location: "us-central1-a",
                nodeConfig: { machineType: "g2-standard-4", spot: true },
                autoscaling: { minNodeCount: 0, maxNodeCount: 4 },
            }),
        );
        expect(item?.monthly).toEqual({ min: 0, max: 822.96 });
        expect(item?.basis).toContain("$0.0587/h machine + 1 x $0.2231/h GPU = $0.2818/h spot");
    });

    it("multiplies per-zone counts by nodeLocations, and adds attached T4s to N1 machines", () => {
        // regional pool over 2 zones, 1-2 nodes per zone -> 2-4 nodes of 0.706832255/h: 2 x ... x 730 = 1031.975092; 4 x = 2063.950185
        const regional = priceResource(
            resource("gcp:container/nodePool:NodePool", {
                cluster: "c",
                location: "us-central1",
                nodeLocations: ["us-central1-a", "us-central1-b"],
                nodeConfig: { machineType: "g2-standard-4", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] },
                autoscaling: { minNodeCount: 1, maxNodeCount: 2 },
            }),
        );
        expect(regional?.monthly).toEqual({ min: 1031.98, max: 2063.95 });
        // n1-standard-4,us-central1,4,15,0.189999 + nvidia-tesla-t4,us-central1-a,...,0.35 = 0.539999/h; 2 nodes: 2 x 0.539999 x 730 = 788.39854
        const n1 = priceResource(
            resource("gcp:container/nodePool:NodePool", {
                cluster: "c",
                location: "us-central1-a",
                nodeCount: 2,
                nodeConfig: { machineType: "n1-standard-4", guestAccelerators: [{ type: "nvidia-tesla-t4", count: 1 }] },
            }),
        );
        expect(n1?.monthly).toEqual({ min: 788.4, max: 788.4 });
    });
});

describe("GKE node pools that autoscale without a maximum", () => {
    const L4_NODE = `g2-standard-4 (1 x nvidia-l4): $0.1468/h machine + 1 x $0.5600/h GPU = $0.7068/h on-demand in us-central1 ${GCP}`;

    it("prices the minimum and leaves the maximum unknown: nodeCount is only the initial size, and never 0", () => {
        // min 1 node per zone x 1 zone: 1 x 0.706832255 x 730 = 515.987546; GKE adds nodes for pending pods without a cap
        const pool = resource("gcp:container/nodePool:NodePool", {
            cluster: "c",
            location: "us-central1-a",
            nodeCount: 2,
            nodeConfig: { machineType: "g2-standard-4" },
            autoscaling: { minNodeCount: 1 },
        });
        const item = priceResource(pool);
        expect(item?.monthly).toEqual({ min: 515.99, max: null });
        expect(item?.basis).toBe(`min 1 x ${L4_NODE}; max unknown: autoscaling sets neither maxNodeCount nor totalMaxNodeCount`);
        const report = estimateCost([pool]);
        // The total is unknown, never the sum of the rest; the known part is kept apart.
        expect(report.monthly).toEqual({ min: 515.99, max: null });
        expect(report.knownMonthly).toEqual({ min: 515.99, max: 0 });
        expect(report.unknownItems).toBe(1);
    });

    it("takes a total minimum as the pool's minimum, not per zone", () => {
        // regional pool (3 zones by GKE's default), totalMinNodeCount 2: 2 x 0.706832255 x 730 = 1031.975092
        const item = priceResource(
            resource("gcp:container/nodePool:NodePool", { cluster: "c", location: "us-central1", nodeConfig: { machineType: "g2-standard-4" }, autoscaling: { totalMinNodeCount: 2 } }),
        );
        expect(item?.monthly).toEqual({ min: 1031.98, max: null });
        expect(item?.basis).toBe(`min 2 x ${L4_NODE}; max unknown: autoscaling sets neither maxNodeCount nor totalMaxNodeCount`);
    });
});

describe("SageMaker endpoints", () => {
    const config = resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", {
        name: "llm-config",
        productionVariants: [{ variantName: "AllTraffic", modelName: "m", instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }],
    });

    it("prices a variant at its initial instance count without an autoscaling target", () => {
        // ml.g5.xlarge,1.4084,us-east-1: 1 x 1.4084 x 730 = 1028.132
        const report = estimateCost([config]);
        expect(report.items[0].monthly).toEqual({ min: 1028.13, max: 1028.13 });
        expect(report.items[0].basis).toBe('variant "AllTraffic": 1 x ml.g5.xlarge at $1.4084/h in us-east-1 (aws_sagemaker_inference_prices.csv, fmbench, 2025-01-26) x 730 h');
    });

    it("applies the Application Auto Scaling target of the variant, through the endpoint", () => {
        // max 4 x 1.4084 x 730 = 4112.528
        const endpoint = resource("aws:sagemaker/endpoint:Endpoint", { name: "llm", endpointConfigName: "llm-config" });
        const target = resource(
            "aws:appautoscaling/target:Target",
            { serviceNamespace: "sagemaker", resourceId: "endpoint/llm/variant/AllTraffic", scalableDimension: "sagemaker:variant:DesiredInstanceCount", minCapacity: 1, maxCapacity: 4 },
            "llm-scaling",
        );
        const report = estimateCost([config, endpoint, target]);
        expect(report.items).toHaveLength(1);
        expect(report.items[0].monthly).toEqual({ min: 1028.13, max: 4112.53 });
        expect(report.items[0].basis).toContain(
            '1-4 x ml.g5.xlarge at $1.4084/h in us-east-1 (aws_sagemaker_inference_prices.csv, fmbench, 2025-01-26) x 730 h, scaled by aws:appautoscaling Target "llm-scaling" (1-4)',
        );
    });

    it("keeps a readable target's bounds when another target's inputs are not known yet", () => {
        const endpoint = resource("aws:sagemaker/endpoint:Endpoint", { name: "llm", endpointConfigName: "llm-config" });
        const pending = resource("aws:appautoscaling/target:Target", {
            serviceNamespace: "sagemaker",
            resourceId: "endpoint/other/variant/AllTraffic",
            minCapacity: Promise.resolve(1),
            maxCapacity: 2,
        });
        const target = resource("aws:appautoscaling/target:Target", { serviceNamespace: "sagemaker", resourceId: "endpoint/llm/variant/AllTraffic", minCapacity: 1, maxCapacity: 4 }, "llm-scaling");
        expect(estimateCost([config, endpoint, pending, target]).items[0].monthly).toEqual({ min: 1028.13, max: 4112.53 });
    });

    it("bills a serverless variant per request: min 0, max unknown with the reason", () => {
        const item = priceResource(
            resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [{ variantName: "sl", serverlessConfig: { memorySizeInMb: 4096, maxConcurrency: 5 } }] }),
        );
        expect(item?.monthly).toEqual({ min: 0, max: null });
        expect(item?.basis).toBe('variant "sl": min 0: serverless inference is billed per request; max unknown: SageMaker Serverless Inference prices are not in the catalog');
    });
});

describe("Kubernetes workloads", () => {
    it("caps a GPU Deployment's replicas with its HorizontalPodAutoscaler", () => {
        // A pod with one L4 and no CPU or memory request fits the cheapest L4 shape in us-east-1:
        // g6.xlarge,g6,GPU instance,NVIDIA L4,1,24 GB GDDR6,4,16 GB,us-east-1,0.8048: 2 x 0.8048 x 730 = 1175.008; 10 x = 5875.04
        const hpa = resource(
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            { metadata: { namespace: "ml" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" }, minReplicas: 2, maxReplicas: 10 } },
            "llm-hpa",
        );
        const report = estimateCost([gpuDeployment("llm", { "modelship.dev/accelerator": "l4" }, { replicas: 1 }), hpa]);
        expect(report.items[0].monthly).toEqual({ min: 1175.01, max: 5875.04 });
        expect(report.items[0].basis).toBe(
            "2-10 replica(s) x 1 x NVIDIA L4, 0 vCPU, 0 GiB per pod (modelship.dev/accelerator=l4), each priced as the cheapest node that fits it: " +
                "g6.xlarge (1 x NVIDIA L4, 4 vCPU, 16 GiB) at $0.8048/h on-demand, NVIDIA L4 on aws us-east-1 " +
                `${EC2}; replicas from HorizontalPodAutoscaler "llm-hpa" (2-10); the cluster's nodes are not in this stack`,
        );
    });

    it("applies KEDA's ScaledObject defaults (0-100) and matches a provider-generated name", () => {
        // 100 x 0.8048 x 730 = 58750.4; the Deployment has no metadata.name: its generated name is in the outputs
        const deployment = resource(
            "kubernetes:apps/v1:Deployment",
            { spec: { template: { spec: { nodeSelector: { "karpenter.k8s.aws/instance-gpu-name": "l4" }, containers: [{ name: "s", resources: { limits: { "nvidia.com/gpu": 1 } } }] } } } },
            "worker",
            { metadata: { name: "worker-1a2b3c4d", namespace: "default" } },
        );
        const scaledObject = resource("kubernetes:keda.sh/v1alpha1:ScaledObject", { spec: { scaleTargetRef: { name: "worker-1a2b3c4d" } } }, "worker-scaler");
        const item = estimateCost([deployment, scaledObject]).items[0];
        expect(item.monthly).toEqual({ min: 0, max: 58750.4 });
        expect(item.basis).toContain('replicas from KEDA ScaledObject "worker-scaler" (0-100, minReplicaCount default 0, maxReplicaCount default 100)');
    });

    it("prices GKE-labelled pods at the cheapest GCP machine that fits, without an autoscaler at spec.replicas", () => {
        // g2-standard-4,us-central1,4,16,0.146792016 + nvidia-l4 0.560040239 = 0.706832255/h; 2 x 0.706832255 x 730 = 1031.975092
        const item = priceResource(gpuDeployment("g", { "cloud.google.com/gke-accelerator": "nvidia-l4" }, { replicas: 2 }));
        expect(item?.monthly).toEqual({ min: 1031.98, max: 1031.98 });
    });

    it("prices per-use orchestrators at $0 idle and unknown at full scale, never free", () => {
        const item = priceResource(resource("aws:sfn/stateMachine:StateMachine", { type: "EXPRESS" }));
        expect(item?.monthly).toEqual({ min: 0, max: null });
        expect(item?.basis).toBe("Step Functions executions: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
    });

    it("reads the accelerator from the pod's own modelship.dev/accelerator label when the node selector names none", () => {
        // g6.xlarge 0.8048 / 1 GPU in us-east-1; 3 replicas x 0.8048 x 730 = 1762.512
        const labelled = resource("kubernetes:apps/v1:Deployment", {
            spec: {
                replicas: 3,
                template: {
                    metadata: { labels: { "modelship.dev/accelerator": "l4" } },
                    spec: { containers: [{ name: "server", resources: { limits: { "nvidia.com/gpu": "1" } } }] },
                },
            },
        });
        expect(priceResource(labelled)?.monthly).toEqual({ min: 1762.51, max: 1762.51 });
    });

    it("reports a GPU pod without an accelerator label as unknown, and CPU-only pods as free with the reason", () => {
        const unlabelled = priceResource(gpuDeployment("x", {}));
        expect(unlabelled?.monthly).toEqual({ min: null, max: null });
        expect(unlabelled?.basis).toBe(
            "unknown: 1 nvidia.com/gpu per pod, but the pod's nodeSelector names no accelerator (modelship.dev/accelerator, cloud.google.com/gke-accelerator, karpenter.k8s.aws/instance-gpu-name)",
        );
        const cpuOnly = resource("kubernetes:apps/v1:Deployment", { spec: { template: { spec: { containers: [{ name: "s", resources: { limits: { cpu: "2" } } }] } } } });
        expect(priceResource(cpuOnly)).toBeUndefined();
        expect(costOf(cpuOnly)).toEqual({ free: { urn: cpuOnly.urn, type: cpuOnly.type, reason: "CPU-only pods (2 vCPU, 0 GiB per pod) run on the cluster's nodes, priced where those are created" } });
        expect(priceResource(resource("kubernetes:core/v1:Service", { spec: { type: "ClusterIP" } }))).toBeUndefined();
    });

    it("prices the nodes once and shows the pods on them as on pool X when the stack creates the node group", () => {
        // 2-3 x g6.xlarge at 0.8048: 1175.01 / 1762.51 (above); one pod needs one node, within the pool's minimum of 2
        const nodes = resource(
            "aws:eks/nodeGroup:NodeGroup",
            { instanceTypes: ["g6.xlarge"], labels: { "modelship.dev/accelerator": "l4" }, scalingConfig: { minSize: 2, maxSize: 3, desiredSize: 2 } },
            "gpu-nodes",
        );
        const pods = gpuDeployment("llm", { "modelship.dev/accelerator": "l4" });
        const report = estimateCost([nodes, pods]);
        expect(report.items.map((i) => [i.type, i.monthly, i.onPool])).toEqual([
            ["aws:eks/nodeGroup:NodeGroup", { min: 1175.01, max: 1762.51 }, undefined],
            ["kubernetes:apps/v1:Deployment", { min: 0, max: 0 }, nodes.urn],
        ]);
        expect(report.items[1].basis).toBe("on pool gpu-nodes (aws:eks/nodeGroup:NodeGroup): 1 replica(s) x 1 x NVIDIA L4, 0 vCPU, 0 GiB per pod; its nodes are priced on the pool");
        expect(report.items[0].basis).toContain(
            `pods of this stack on it: ${pods.name}: 1 replica(s) of 1 GPU(s), 0 vCPU, 0 GiB per pod need 1 x g6.xlarge (1 pod(s) per node) at $0.8048/h; within the pool's minimum of 2 node(s)`,
        );
    });

    it("bounds a Karpenter NodePool by its GPU limit; without pods of the stack on it its minimum is 0", () => {
        // g6 in us-east-1: dearest per GPU g6.16xlarge 3.3968 / 1; 8 x 3.3968 x 730 = 19837.312
        const item = priceResource(
            resource("kubernetes:karpenter.sh/v1:NodePool", {
                spec: { limits: { "nvidia.com/gpu": "8" }, template: { spec: { requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }] } } },
            }),
        );
        expect(item?.monthly).toEqual({ min: 0, max: 19837.31 });
        expect(item?.basis).toMatch(
            /^min 0: no pod of this stack lands on it, and Karpenter launches nodes only for pending pods.*; max 8 devices \(spec.limits\) x \$3\.3968\/device-h, the dearest per device of 8 candidate type\(s\)/,
        );
    });
});

describe("serverless and local targets", () => {
    it("bounds a Lambda function by its reserved concurrency, and leaves an uncapped one unknown", () => {
        // aws-lambda,compute x86_64,per GB-second,0.0000166667: 10 x 2 GB x 2,628,000 s x 0.0000166667 = 876.001752
        const capped = priceResource(resource("aws:lambda/function:Function", { role: "r", memorySize: 2048, reservedConcurrentExecutions: 10 }));
        expect(capped?.monthly).toEqual({ min: 0, max: 876 });
        const uncapped = priceResource(resource("aws:lambda/function:Function", { role: "r", memorySize: 2048 }));
        expect(uncapped?.monthly).toEqual({ min: 0, max: null });
        expect(uncapped?.basis).toContain("max unknown: no reservedConcurrentExecutions cap");
    });

    it("prices a Cloud Run L4 service per instance-hour", () => {
        // 4 vCPU x 0.000018 x 3600 + 16 GiB x 0.000002 x 3600 + 0.67 (serverless_prices.csv, low-medium) = 1.0444/h
        // min 1 x 1.0444 x 730 = 762.412; max 3 x = 2287.236
        const service = (template: Record<string, unknown>) =>
            resource("gcp:cloudrunv2/service:Service", {
                location: "us-central1",
                template: {
                    nodeSelector: { accelerator: "nvidia-l4" },
                    scaling: { minInstanceCount: 1, maxInstanceCount: 3 },
                    containers: [{ image: "i", resources: { limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" } } }],
                    ...template,
                },
            });
        const priced = priceResource(service({ gpuZonalRedundancyDisabled: true }));
        expect(priced?.monthly).toEqual({ min: 762.41, max: 2287.24 });
        expect(priced?.basis).toContain("1 x L4 at $0.6700/h (serverless_prices.csv, secondary sources, 2026-04; low-medium confidence)");
        // With zonal redundancy (the default) the GPU price is not recorded.
        const redundant = priceResource(service({}));
        expect(redundant?.monthly).toEqual({ min: null, max: null });
        expect(redundant?.basis).toContain("set template.gpuZonalRedundancyDisabled: true");
    });

    it("counts a local Docker container as a known zero", () => {
        const item = priceResource(resource("docker:index/container:Container", { image: "i" }));
        expect(item).toMatchObject({ monthly: { min: 0, max: 0 }, basis: "local Docker engine: no cloud charge" });
    });
});

describe("reports", () => {
    it("sums the known figures and counts the unknown items", () => {
        // 1175.01 + 515.99 = 1691.00; 1762.51 + 2063.95 = 3826.46 (figures from the tests above); the EKS control plane is unknown
        const report = estimateCost([
            resource("aws:eks/cluster:Cluster", { roleArn: "r", vpcConfig: { subnetIds: [] } }),
            resource("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 2, maxSize: 3, desiredSize: 2 } }),
            resource("gcp:container/nodePool:NodePool", { cluster: "c", location: "us-central1-a", nodeConfig: { machineType: "g2-standard-4" }, autoscaling: { minNodeCount: 1, maxNodeCount: 4 } }),
            resource("docker:index/container:Container", { image: "i" }),
            resource("aws:iam/role:Role", { assumeRolePolicy: "{}" }),
        ]);
        expect(report.currency).toBe("USD");
        expect(report.monthly).toEqual({ min: null, max: null });
        expect(report.knownMonthly).toEqual({ min: 1691, max: 3826.46 });
        expect(report.items).toHaveLength(4);
        expect(report.unknownItems).toBe(1);
        expect(report.free.map((f) => [f.type, f.reason])).toEqual([["aws:iam/role:Role", "AWS IAM has no charge of its own"]]);
        expect(report.items[0]).toMatchObject({
            type: "aws:eks/cluster:Cluster",
            monthly: { min: null, max: null },
            basis: "unknown: the EKS control plane is billed, but its price is not in the catalog",
        });
    });

    it("takes the default region from the options", () => {
        // g6.xlarge,g6,GPU instance,NVIDIA L4,1,24 GB GDDR6,4,16 GB,eu-west-2,1.0216: 1 x 1.0216 x 730 = 745.768
        const report = estimateCost([resource("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1, maxSize: 1, desiredSize: 1 } })], { awsRegion: "eu-west-2" });
        expect(report.monthly).toEqual({ min: 745.77, max: 745.77 });
        expect(report.items[0].basis).toContain("at $1.0216/h in eu-west-2");
    });
});

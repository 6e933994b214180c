/**
 * stack-budget and service-budget, over stacks built with modelship components and with hand-written resources,
 * through the pack's policies (called as the engine calls them) and the plan's evaluatePolicies.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, GpuPool, GpuPoolCloud, ModelService, PolyglotPipeline, ServingRuntime, StageLanguage, Target } from "../../index";
import { dollars } from "../../sdk/catalog/format";
import { awsInstance, sagemakerInstance } from "../../sdk/catalog";
import { applyEnforcement } from "../../sdk/plan/policies";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateStack } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });
const STACK_CONFIG = { "aws:region": "us-east-1" };

const digest = (repository: string) => `${repository}@sha256:${"a".repeat(64)}`;
const image = digest("111122223333.dkr.ecr.us-east-1.amazonaws.com/llm");
/** Four g6.2xlarge nodes all month: the pool's maximum. */
const poolMax = 4 * awsInstance("g6.2xlarge", "us-east-1").hourly * 730;

async function poolAndService() {
    const { resources } = await rt.construct(() => {
        const pool = new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 4, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] } });
        return new ModelService("llm", {
            model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
            resources: { gpu: { accelerator: Accelerator.L4 } },
            scaling: { replicas: 2 },
            kubernetes: { nodeSelector: pool.placement.nodeSelector, tolerations: pool.placement.tolerations },
            target: Target.Kubernetes,
        });
    });
    return resources;
}

describe("stack-budget", () => {
    it("passes a GpuPool and a ModelService whose maximum is within the budget (the pods run on the pool's nodes, priced once)", async () => {
        const resources = await poolAndService();
        const budget = Math.ceil(poolMax);
        expect(findingsOf("stack-budget", resources, { "stack-budget": { maxMonthlyUsd: budget } }, "dev", STACK_CONFIG)).toEqual([]);
        expect(await validateStack("stack-budget", resources, { maxMonthlyUsd: budget })).toEqual([]);
    });

    it("fails the same stack over budget, with the total, the budget and the dearest resource's basis", async () => {
        const resources = await poolAndService();
        const message =
            `the stack costs up to ${dollars(poolMax)} a month at maximum scale, over the budget of $2,000.00 (maxMonthlyUsd). Largest:\n` +
            `  - l4-gpu-nodes (aws:eks/nodeGroup:NodeGroup): ${dollars(poolMax)}: 0-4 x g6.2xlarge (1 x NVIDIA L4) on-demand at $0.9776/h in us-east-1 (aws_ec2_gpu_prices.csv, vantage, 2026-01-21) x 730 h; ` +
            "pods of this stack on it: llm: 2 replica(s) of 1 GPU(s), 4 vCPU, 16 GiB per pod need 2 x g6.2xlarge (1 pod(s) per node) at $0.9776/h; so the minimum is their 2 node(s), not the pool's 0";
        expect(findingsOf("stack-budget", resources, { "stack-budget": { maxMonthlyUsd: 2000 } }, "dev", STACK_CONFIG)).toEqual([{ policy: "stack-budget", enforcement: "mandatory", message }]);
        expect(await validateStack("stack-budget", resources, { maxMonthlyUsd: 2000 })).toEqual([{ message, urn: undefined }]);
    });

    it("without maxMonthlyUsd, stays quiet under the pack's default cap of $50,000 a month", async () => {
        const resources = await poolAndService();
        expect(findingsOf("stack-budget", resources, {}, "dev", STACK_CONFIG)).toEqual([]);
    });

    it("without maxMonthlyUsd, gives a stack over the default cap an advisory finding that names the setting allowing it", async () => {
        const { resources } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 80, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] } }),
        );
        const max = 80 * awsInstance("g6.2xlarge", "us-east-1").hourly * 730;
        const message =
            `the stack costs up to ${dollars(max)} a month at maximum scale, over the pack's default cap of $50,000.00 (stack-budget maxMonthlyUsd is not set): ` +
            `set "stack-budget": { "maxMonthlyUsd": ${Math.ceil(max)} } in the policy config to allow it, or lower the maximum scale. Largest:\n` +
            `  - l4-gpu-nodes (aws:eks/nodeGroup:NodeGroup): ${dollars(max)}: 0-80 x g6.2xlarge (1 x NVIDIA L4) on-demand at $0.9776/h in us-east-1 (aws_ec2_gpu_prices.csv, vantage, 2026-01-21) x 730 h`;
        expect(findingsOf("stack-budget", resources, {}, "dev", STACK_CONFIG)).toEqual([{ policy: "stack-budget", enforcement: "advisory", levelFixed: true, message }]);
        expect(findingsOf("stack-budget", resources, { "stack-budget": { maxMonthlyUsd: Math.ceil(max) } }, "dev", STACK_CONFIG)).toEqual([]);
    });

    it("prices hand-written resources: an EKS node group and a SageMaker endpoint with an autoscaling target", async () => {
        const nodes = record("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: "ml", instanceTypes: ["g5.xlarge"], scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 0 } });
        const config = record("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "llm-config", {
            name: "llm-config",
            productionVariants: [{ variantName: "primary", instanceType: "ml.g5.2xlarge", initialInstanceCount: 1 }],
        });
        const endpoint = record("aws:sagemaker/endpoint:Endpoint", "llm", { name: "llm", endpointConfigName: "llm-config" });
        const target = record("aws:appautoscaling/target:Target", "llm-scaling", {
            serviceNamespace: "sagemaker",
            resourceId: "endpoint/llm/variant/primary",
            scalableDimension: "sagemaker:variant:DesiredInstanceCount",
            minCapacity: 1,
            maxCapacity: 4,
        });
        const nodesMax = 2 * awsInstance("g5.xlarge", "us-east-1").hourly * 730;
        const endpointMax = 4 * sagemakerInstance("ml.g5.2xlarge").hourly * 730;
        const resources = [nodes, config, endpoint, target];
        expect(findingsOf("stack-budget", resources, { "stack-budget": { maxMonthlyUsd: Math.ceil(nodesMax + endpointMax) } })).toEqual([]);
        const [finding] = findingsOf("stack-budget", resources, { "stack-budget": { maxMonthlyUsd: 1000 } });
        expect(finding.message.split("\n")[0]).toBe(`the stack costs up to ${dollars(nodesMax + endpointMax)} a month at maximum scale, over the budget of $1,000.00 (maxMonthlyUsd). Largest:`);
        expect(finding.message).toContain(`\n  - llm-config (aws:sagemaker/endpointConfiguration:EndpointConfiguration): ${dollars(endpointMax)}: variant "primary": 1-4 x ml.g5.2xlarge`);
        expect(finding.message).toContain(`\n  - gpu (aws:eks/nodeGroup:NodeGroup): ${dollars(nodesMax)}: 0-2 x g5.xlarge`);
    });

    it("gives an advisory finding, never $0, for a resource whose price is not known, and it stays advisory when the policy is mandatory", async () => {
        const lb = record("aws:lb/loadBalancer:LoadBalancer", "front", { loadBalancerType: "application" });
        const nodes = record("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: "ml", instanceTypes: ["g5.xlarge"], scalingConfig: { minSize: 0, maxSize: 1 } });
        const note = {
            urn: lb.urn,
            message:
                "the monthly cost of this resource at maximum scale is not known, so the stack budget of $5,000.00 (maxMonthlyUsd) leaves it out (never as $0): an Elastic Load Balancer is billed, but its price is not in the catalog",
        };
        const config = { "stack-budget": { enforcementLevel: "mandatory" as const, maxMonthlyUsd: 5000 } };
        // g5.xlarge,...,us-east-1,1.006: 1 x 1.006 x 730 = 734.38 known; within the budget only as far as prices are known.
        const stackNote = {
            message:
                "the stack's cost at maximum scale is unknown: $734.38 a month is known, not counting 1 resource(s) whose price is not known, so the budget of $5,000.00 (maxMonthlyUsd) cannot be confirmed",
        };
        const findings = findingsOf("stack-budget", [lb, nodes], config);
        expect(findings).toEqual([
            { policy: "stack-budget", enforcement: "advisory", levelFixed: true, ...stackNote },
            { policy: "stack-budget", enforcement: "advisory", levelFixed: true, ...note },
        ]);
        // The plan applies the config's levels after the pack: the notes stay advisory.
        expect(applyEnforcement(findings, config)).toEqual(findings);
        expect(await validateStack("stack-budget", [lb, nodes], { maxMonthlyUsd: 5000 })).toEqual([
            { ...stackNote, urn: undefined, enforcementLevel: "advisory" },
            { ...note, enforcementLevel: "advisory" },
        ]);
    });

    it("over budget with an unknown price too: one mandatory finding that says what it left out, and the advisory note", async () => {
        const lb = record("aws:lb/loadBalancer:LoadBalancer", "front", {});
        const nodes = record("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: "ml", instanceTypes: ["g5.xlarge"], scalingConfig: { minSize: 0, maxSize: 1 } });
        const findings = findingsOf("stack-budget", [lb, nodes], { "stack-budget": { maxMonthlyUsd: 10 } });
        expect(findings.map((f) => [f.enforcement, f.urn])).toEqual([
            ["mandatory", undefined],
            ["advisory", lb.urn],
        ]);
        expect(findings[0].message).toMatch(/^the stack costs up to \$[\d,.]+ a month at maximum scale, not counting 1 resource\(s\) whose price is not known, over the budget of \$10\.00/);
    });
});

describe("service-budget", () => {
    it("checks each ModelService: the one over budget fails on its own URN, the one within passes", async () => {
        const { resources } = await rt.construct(() => [
            new ModelService("scorer", {
                model: { image },
                resources: { gpu: { accelerator: Accelerator.A10G } },
                sagemaker: { instanceType: "ml.g5.2xlarge" },
                scaling: { minReplicas: 1, maxReplicas: 3 },
                target: Target.AwsSageMaker,
            }),
            new ModelService("embedder", { model: { image }, lambda: { reservedConcurrency: 2 }, target: Target.AwsLambda }),
        ]);
        const CLOUDWATCH = "aws.amazon.com/cloudwatch/pricing, AWS Price List as infracost reads it, and AWS's blog, 2026-12-04";
        const scorerInstances = 3 * sagemakerInstance("ml.g5.2xlarge").hourly * 730;
        // The scorer's observability: errors (2 alarm metrics), latency and at the maximum (1 each) at $0.10, the dashboard $3.
        const scorerMax = scorerInstances + 3.4;
        const scorer = resources.find((r) => r.type === "modelship:index:ModelService" && r.name === "scorer");
        const all = findingsOf("service-budget", resources, { "service-budget": { maxMonthlyUsd: 1000 } }, "dev", STACK_CONFIG);
        // The log groups (billed per GB) and the target-tracking alarms are billed at prices the catalog lacks: advisory notes.
        // Each service's observability alarms and dashboard are priced (CloudWatch), so they count.
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        expect(all.filter((f) => f.enforcement === "advisory").map((f) => byUrn.get(f.urn ?? "")?.type)).toEqual([
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:appautoscaling/policy:Policy",
        ]);
        const findings = all.filter((f) => f.enforcement === "mandatory");
        expect(findings).toHaveLength(1);
        expect(findings[0]).toMatchObject({ policy: "service-budget", enforcement: "mandatory", urn: scorer?.urn });
        expect(findings[0].message).toBe(
            `ModelService "scorer" costs up to ${dollars(scorerMax)} a month at maximum scale, not counting 2 resource(s) whose price is not known, over the budget of $1,000.00 per service (maxMonthlyUsd). Largest:\n` +
                `  - scorer-config (aws:sagemaker/endpointConfiguration:EndpointConfiguration): ${dollars(scorerInstances)}: variant "default": 1-3 x ml.g5.2xlarge at $1.5150/h in us-east-1 (aws_sagemaker_inference_prices.csv, fmbench, 2025-01-26) x 730 h, scaled by aws:appautoscaling Target "scorer-scaling" (1-3)\n` +
                `  - scorer-dashboard (aws:cloudwatch/dashboard:Dashboard): $3.00: 1 CloudWatch dashboard x $3.00 a month (${CLOUDWATCH}); the account's first 3 dashboards are free, not deducted\n` +
                `  - scorer-alarm-errors (aws:cloudwatch/metricAlarm:MetricAlarm): $0.20: 2 standard-resolution alarm metric(s) x $0.10 a month in us-east-1 (${CLOUDWATCH}); the account's first 10 standard alarm metrics a month are free, not deducted`,
        );
        expect((await validateStack("service-budget", resources, { maxMonthlyUsd: 1000 })).filter((f) => f.enforcementLevel === undefined)).toEqual([
            { urn: scorer?.urn, message: findings[0].message },
        ]);
        expect(findingsOf("service-budget", resources, { "service-budget": { maxMonthlyUsd: Math.ceil(scorerMax) } }, "dev", STACK_CONFIG).filter((f) => f.enforcement === "mandatory")).toEqual([]);
    });

    it("prices a service's GPU pods as the node shape each needs when the stack also creates the nodes", async () => {
        const resources = await poolAndService();
        // Each pod (1 L4, 4 vCPU, 16 GiB by default) is priced as the cheapest node that fits it: g6.xlarge,...,4,16 GB,us-east-1,0.8048
        const share = 2 * awsInstance("g6.xlarge", "us-east-1").hourly * 730;
        const [finding] = findingsOf("service-budget", resources, { "service-budget": { maxMonthlyUsd: 100 } }, "dev", STACK_CONFIG);
        expect(finding.message.split("\n")[0]).toBe(`ModelService "llm" costs up to ${dollars(share)} a month at maximum scale, over the budget of $100.00 per service (maxMonthlyUsd). Largest:`);
        expect(findingsOf("service-budget", resources, { "service-budget": { maxMonthlyUsd: Math.ceil(share) } }, "dev", STACK_CONFIG)).toEqual([]);
    });

    it("checks a PolyglotPipeline as a whole and each of its stages (a ModelService) on its own", async () => {
        const { resources } = await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: [
                        { name: "features", language: StageLanguage.R, image: digest("registry.example.com/fraud/features") },
                        {
                            name: "score",
                            language: StageLanguage.Python,
                            image: digest("registry.example.com/fraud/score"),
                            after: ["features"],
                            resources: { gpu: { accelerator: Accelerator.L4 } },
                            scaling: { replicas: 2 },
                            kubernetes: { nodeSelector: { "modelship.dev/accelerator": "l4" } },
                        },
                    ],
                    target: Target.Kubernetes,
                }),
        );
        // Each pod (1 L4, 4 vCPU, 16 GiB by default) is priced as the cheapest node that fits it: g6.xlarge,...,4,16 GB,us-east-1,0.8048
        const share = 2 * awsInstance("g6.xlarge", "us-east-1").hourly * 730;
        const findings = findingsOf("service-budget", resources, { "service-budget": { maxMonthlyUsd: 100 } }, "dev", STACK_CONFIG);
        expect(findings.map((f) => f.message.split(" a month")[0]).sort()).toEqual([
            `ModelService "fraud-score" costs up to ${dollars(share)}`,
            `PolyglotPipeline "fraud" costs up to ${dollars(share)}`,
        ]);
        expect(findingsOf("service-budget", resources, { "service-budget": { maxMonthlyUsd: Math.ceil(share) } }, "dev", STACK_CONFIG)).toEqual([]);
    });

    it("checks a PolyglotPipeline written by hand: the Cloud Run service under it, and an unknown price as an advisory note", async () => {
        const pipeline = record("modelship:index:PolyglotPipeline", "etl", {});
        const run = record(
            "gcp:cloudrunv2/service:Service",
            "etl-step",
            { location: "us-central1", template: { scaling: { maxInstanceCount: 10 }, containers: [{ image, resources: { limits: { cpu: "2", memory: "4Gi" } } }] } },
            { parent: pipeline.urn },
        );
        const lb = record("aws:lb/loadBalancer:LoadBalancer", "etl-front", {}, { parent: pipeline.urn });
        const outside = record("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: "ml", instanceTypes: ["g5.xlarge"], scalingConfig: { minSize: 0, maxSize: 8 } });
        const findings = findingsOf("service-budget", [pipeline, run, lb, outside], { "service-budget": { maxMonthlyUsd: 50 } });
        expect(findings.map((f) => [f.enforcement, f.urn])).toEqual([
            ["mandatory", pipeline.urn],
            ["advisory", lb.urn],
        ]);
        expect(findings[0].message).toMatch(
            /^PolyglotPipeline "etl" costs up to \$[\d,.]+ a month at maximum scale, not counting 1 resource\(s\) whose price is not known, over the budget of \$50\.00 per service/,
        );
        expect(findings[0].message).toContain("\n  - etl-step (gcp:cloudrunv2/service:Service): ");
        expect(findings[0].message).not.toContain("gpu (aws:eks/nodeGroup:NodeGroup)");
        expect(findings[1].message).toBe(
            'the monthly cost of this resource at maximum scale is not known, so the budget of PolyglotPipeline "etl" ($50.00, maxMonthlyUsd) leaves it out (never as $0): an Elastic Load Balancer is billed, but its price is not in the catalog',
        );
    });
});

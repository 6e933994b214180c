/**
 * Cost truth: unknown is never 0, only types known to be free are free, a pod costs the node shape it needs (the
 * one a GpuPool would choose), pods on a pool of the stack show "on pool X", and pre-warming hours count in the
 * minimum. Expected figures are computed by hand from the CSV rows quoted in the comments (730 h a month).
 */
import { describe, expect, it } from "vitest";
import { awsShape } from "../components/gpu-pool/shapes";
import { Accelerator } from "../sdk/catalog";
import { costClass, estimateCost, type CostedResource } from "../sdk/cost";
import { FREE_TYPES } from "../sdk/cost/free";
import { awsScheduleAsCron, scheduledExtra, windowHoursPerMonth } from "../sdk/cost/schedules";
import { planCost } from "../sdk/plan/cost";
import { formatCost, renderCost, styleFor } from "../sdk/plan/render";
import { findingsOf, record } from "./policies/helpers";

const plain = styleFor({ isTTY: false });
let counter = 0;
function resource(type: string, inputs: Record<string, unknown>, name = `r${++counter}`): CostedResource {
    return { urn: `urn:pulumi:test::cost::${type}::${name}`, type, name, inputs };
}

describe("the rule: priced, free with a reason, or unknown with the type named", () => {
    it("lists the free types explicitly, each with its reason", () => {
        expect(costClass({ type: "aws:iam/role:Role" })).toEqual({ kind: "free", reason: "AWS IAM has no charge of its own" });
        expect(costClass({ type: "gcp:storage/bucketIAMMember:BucketIAMMember" })).toEqual({ kind: "free", reason: "GCP IAM has no charge of its own" });
        expect(costClass({ type: "pulumi:providers:aws" }).kind).toBe("free");
        expect(costClass({ type: "kubernetes:core/v1:ConfigMap" })).toEqual({ kind: "free", reason: "a Kubernetes object: kept by the cluster's control plane, no charge of its own" });
        expect(costClass({ type: "aws:sagemaker/endpoint:Endpoint" })).toEqual({ kind: "free", reason: "billed through the instances of its EndpointConfiguration, priced there" });
        // A component resource of any package costs nothing itself: its children are priced.
        expect(costClass({ type: "acme:index:Platform", custom: false }).kind).toBe("free");
        for (const [type, reason] of Object.entries(FREE_TYPES)) expect(reason.length, type).toBeGreaterThan(15);
    });

    it("prices billed storage, secrets and logs, or reports them unknown: never free", () => {
        for (const type of [
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:s3/bucketV2:BucketV2",
            "aws:ecr/repository:Repository",
            "aws:secretsmanager/secret:Secret",
            "gcp:secretmanager/secretVersion:SecretVersion",
        ]) {
            expect(costClass({ type }).kind, type).toBe("priced");
            const item = estimateCost([resource(type, {})]).items[0];
            expect(item.monthly.max, type).toBeNull();
        }
    });

    it("reports any other type as unknown, naming it; Kubernetes kinds that bill outside the cluster too", () => {
        expect(costClass({ type: "aws:rds/instance:Instance" })).toEqual({ kind: "unknown", reason: "aws:rds/instance:Instance: no price in the catalog, and not a type known to be free" });
        // A custom resource of another group may create cloud resources (ACK, Crossplane, Config Connector).
        expect(costClass({ type: "kubernetes:rds.services.k8s.aws/v1alpha1:DBInstance" }).kind).toBe("unknown");
        expect(costClass({ type: "kubernetes:core/v1:PersistentVolumeClaim" })).toEqual({ kind: "priced" });
        // A claim's volume is billed per GB-month by its StorageClass at a price the catalog lacks: unknown, naming size and class.
        const claim = estimateCost([resource("kubernetes:core/v1:PersistentVolumeClaim", { spec: { storageClassName: "efs-sc", resources: { requests: { storage: "200Gi" } } } })]).items[0];
        expect(claim.monthly).toEqual({ min: null, max: null });
        expect(claim.basis).toMatch(/^unknown: a PersistentVolumeClaim of 200Gi on StorageClass efs-sc: its volume is billed per GB-month/);
        expect(costClass({ type: "kubernetes:networking.k8s.io/v1:Ingress" }).kind).toBe("unknown");
    });

    it("reports a stack of an RDS instance and an ECS service on Fargate as unknown, and the budget cannot pass it", () => {
        const cluster = record("aws:ecs/cluster:Cluster", "apps", {});
        const db = record("aws:rds/instance:Instance", "orders-db", { instanceClass: "db.r6g.large", engine: "postgres", allocatedStorage: 100 });
        const service = record("aws:ecs/service:Service", "api", { cluster: "apps", launchType: "FARGATE", desiredCount: 3, taskDefinition: "api:1" });
        const resources = [cluster, db, service];
        const cost = planCost(resources, {});
        expect(cost.report.monthly).toEqual({ min: null, max: null });
        expect(cost.report.items.map((i) => [i.type, i.monthly, i.basis])).toEqual([
            ["aws:rds/instance:Instance", { min: null, max: null }, "unknown: aws:rds/instance:Instance: no price in the catalog, and not a type known to be free"],
            ["aws:ecs/service:Service", { min: null, max: null }, "unknown: ECS tasks on Fargate are billed per vCPU-hour and GB-hour; Fargate prices are not in the catalog"],
        ]);
        expect(cost.report.free.map((f) => f.type)).toEqual(["aws:ecs/cluster:Cluster"]);
        expect(formatCost(cost.total.max)).toBe("unknown");
        // The budget policy says the cost is unknown (the stack, then each resource): it does not pass silently.
        const findings = findingsOf("stack-budget", resources, { "stack-budget": { maxMonthlyUsd: 1000 } });
        expect(findings.map((f) => [f.enforcement, f.urn])).toEqual([
            ["advisory", undefined],
            ["advisory", db.urn],
            ["advisory", service.urn],
        ]);
        expect(findings[0].message).toBe(
            "the stack's cost at maximum scale is unknown: $0.00 a month is known, not counting 2 resource(s) whose price is not known, so the budget of $1,000.00 (maxMonthlyUsd) cannot be confirmed",
        );
        // The human output shows each reason whole, wrapped.
        const text = renderCost(cost, resources, plain).join("\n");
        expect(text).toContain("    orders-db (aws:rds/instance:Instance): unknown: aws:rds/instance:Instance: no price in the\n      catalog, and not a type known to be free");
        expect(text.split("\n").every((l) => l.length <= 100)).toBe(true);
    });
});

describe("a pod is priced as the node shape it needs", () => {
    const pod = (limits: Record<string, string>, requests: Record<string, string>, extra: Record<string, unknown> = {}) =>
        resource("kubernetes:apps/v1:Deployment", {
            metadata: { name: "llm" },
            spec: { replicas: 1, ...extra, template: { metadata: { labels: { "modelship.dev/accelerator": "l4" } }, spec: { containers: [{ name: "s", resources: { limits, requests } }] } } },
        });

    it("prices 8 vCPU / 32 GiB with one L4 at a g6.2xlarge, the shape a GpuPool chooses for it", () => {
        // g6.xlarge (4 vCPU, 16 GiB, 0.8048) does not fit; g6.2xlarge,...,8,32 GB,us-east-1,0.9776: 1 x 0.9776 x 730 = 713.648
        const item = estimateCost([pod({ "nvidia.com/gpu": "1", memory: "32Gi" }, { cpu: "8", memory: "32Gi" })]).items[0];
        expect(item.monthly).toEqual({ min: 713.65, max: 713.65 });
        expect(item.basis).toContain("g6.2xlarge (1 x NVIDIA L4, 8 vCPU, 32 GiB) at $0.9776/h on-demand");
        const pool = awsShape({ accelerator: Accelerator.L4, gpusPerNode: 1, spot: false, minVcpus: 8, minMemoryGiB: 32, explicitMinimums: { vcpus: true, memory: true } }, "us-east-1", undefined);
        expect(pool.shape?.offers.map((o) => [o.instanceType, o.hourly])).toEqual([["g6.2xlarge", 0.9776]]);
    });

    it("counts KEDA cron pre-warming in the minimum, in replica-hours of 2026", () => {
        // Weekdays of 2026: 261. 07:30-10:30 Europe/Paris: 261 x 3 h / 12 = 65.25 h a month at 4 replicas, 3 above the minimum of 1.
        // g6.xlarge 0.8048: min 1 x 0.8048 x 730 = 587.504 + 3 x 65.25 x 0.8048 = 157.5396 -> 745.0436; max 6 x 587.504 = 3525.024
        const deployment = pod({ "nvidia.com/gpu": "1" }, {});
        const scaledObject = resource("kubernetes:keda.sh/v1alpha1:ScaledObject", {
            metadata: { name: "llm" },
            spec: {
                scaleTargetRef: { name: "llm" },
                minReplicaCount: 1,
                maxReplicaCount: 6,
                triggers: [{ type: "cron", name: "prewarm-0", metadata: { timezone: "Europe/Paris", start: "30 7 * * 1-5", end: "30 10 * * 1-5", desiredReplicas: "4" } }],
            },
        });
        const item = estimateCost([deployment, scaledObject]).items[0];
        expect(item.monthly).toEqual({ min: 745.04, max: 3525.02 });
        expect(item.basis).toContain("pre-warming: KEDA cron trigger(s) prewarm-0 raise the minimum above 1 for 65.25 h a month, 195.75 replica-hours (the windows of 2026 / 12)");
    });
});

describe("pods on a pool of the stack", () => {
    const nodes = resource(
        "aws:eks/nodeGroup:NodeGroup",
        { instanceTypes: ["g6.2xlarge"], labels: { "modelship.dev/pool": "l4" }, scalingConfig: { minSize: 0, maxSize: 4, desiredSize: 0 } },
        "l4-gpu-nodes",
    );
    const pods = (replicas: number) =>
        resource(
            "kubernetes:apps/v1:Deployment",
            {
                spec: {
                    replicas,
                    template: {
                        spec: { nodeSelector: { "modelship.dev/pool": "l4" }, containers: [{ name: "s", resources: { limits: { "nvidia.com/gpu": "1" }, requests: { cpu: "4", memory: "16Gi" } } }] },
                    },
                },
            },
            "qwen",
        );

    it("shows the service as on pool X and raises the pool's minimum to the nodes its pods need", () => {
        // g6.2xlarge 0.9776, one pod per node (1 GPU each): 2 replicas need 2 nodes: 2 x 0.9776 x 730 = 1427.296; max 4 x = 2854.592
        const service = pods(2);
        const report = estimateCost([nodes, service]);
        expect(report.items.map((i) => [i.urn, i.monthly, i.onPool])).toEqual([
            [nodes.urn, { min: 1427.3, max: 2854.59 }, undefined],
            [service.urn, { min: 0, max: 0 }, nodes.urn],
        ]);
        expect(report.items[0].basis).toContain(
            "pods of this stack on it: qwen: 2 replica(s) of 1 GPU(s), 4 vCPU, 16 GiB per pod need 2 x g6.2xlarge (1 pod(s) per node) at $0.9776/h; so the minimum is their 2 node(s), not the pool's 0",
        );
        expect(report.items[1].basis).toBe("on pool l4-gpu-nodes (aws:eks/nodeGroup:NodeGroup): 2 replica(s) x 1 x nvidia.com/gpu, 4 vCPU, 16 GiB per pod; its nodes are priced on the pool");
    });

    it("names the pool in the cost table instead of leaving the service out", () => {
        const pool = { ...record("modelship:index:GpuPool", "l4", {}), custom: false };
        const svc = { ...record("modelship:index:ModelService", "qwen", {}), custom: false };
        const group = record("aws:eks/nodeGroup:NodeGroup", "l4-gpu-nodes", nodes.inputs, { parent: pool.urn });
        const deployment = record("kubernetes:apps/v1:Deployment", "qwen", pods(1).inputs, { parent: svc.urn });
        const lines = renderCost(planCost([pool, group, svc, deployment], {}), [pool, group, svc, deployment], plain);
        expect(lines).toContain(`  ${"qwen (modelship:index:ModelService)".padEnd(46)}${"on pool".padStart(26)}${"on pool".padStart(26)}`);
        expect(lines).toContain("    on pool l4-gpu-nodes (aws:eks/nodeGroup:NodeGroup): its nodes are priced there");
    });
});

describe("pre-warming schedules", () => {
    it("replays cron windows over 2026 in their time zone", () => {
        // 261 weekdays x 2 h / 12
        expect(windowHoursPerMonth("45 7 * * 1-5", "45 9 * * 1-5", "Europe/Paris")).toBe(43.5);
        // Every day 23:00-01:00 New York: 365 x 2 / 12, daylight saving changes at 02:00 are outside the window
        expect(windowHoursPerMonth("0 23 * * *", "0 1 * * *", "America/New_York")).toBeCloseTo(60.8333, 3);
        // Level events: 3 replicas above a base of 1 on the 1st of each month from 00:00 to 12:00: 12 h x 2 = 24 replica-hours a month
        expect(
            scheduledExtra(1, [
                { cron: "0 0 1 * *", timezone: "UTC", level: 3 },
                { cron: "0 12 1 * *", timezone: "UTC", level: 1 },
            ]),
        ).toEqual({ replicaHoursPerMonth: 24, hoursPerMonth: 12 });
    });

    it("reads Application Auto Scaling schedules, with AWS's days of week from 1 (Sunday)", () => {
        expect(awsScheduleAsCron("cron(45 7 ? * MON-FRI *)")).toBe("45 7 * * MON-FRI");
        expect(awsScheduleAsCron("cron(0 7 ? * 2-6 *)")).toBe("0 7 * * 1-5");
        expect(awsScheduleAsCron("rate(5 minutes)")).toBeUndefined();
        expect(awsScheduleAsCron("cron(0 7 ? * 2#1 *)")).toBeUndefined();
    });

    it("prices SageMaker pre-warming from scheduled actions and Cloud Run pre-warming from Cloud Scheduler jobs", () => {
        // ml.c5.xlarge,0.204: min 2 x 0.204 x 730 = 297.84; 07:00-18:00 weekdays at 4: 261 x 11 / 12 = 239.25 h x 2 x 0.204 = 97.614 -> 395.454
        const config = resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", {
            name: "scorer-config",
            productionVariants: [{ variantName: "default", instanceType: "ml.c5.xlarge", initialInstanceCount: 2 }],
        });
        const endpoint = resource("aws:sagemaker/endpoint:Endpoint", { name: "scorer", endpointConfigName: "scorer-config" });
        const scalable = { serviceNamespace: "sagemaker", resourceId: "endpoint/scorer/variant/default", scalableDimension: "sagemaker:variant:DesiredInstanceCount" };
        const target = resource("aws:appautoscaling/target:Target", { ...scalable, minCapacity: 2, maxCapacity: 10 });
        const start = resource("aws:appautoscaling/scheduledAction:ScheduledAction", {
            ...scalable,
            schedule: "cron(0 7 ? * MON-FRI *)",
            timezone: "Europe/Paris",
            scalableTargetAction: { minCapacity: 4, maxCapacity: 10 },
        });
        const end = resource("aws:appautoscaling/scheduledAction:ScheduledAction", {
            ...scalable,
            schedule: "cron(0 18 ? * MON-FRI *)",
            timezone: "Europe/Paris",
            scalableTargetAction: { minCapacity: 2, maxCapacity: 10 },
        });
        expect(estimateCost([config, endpoint, target, start, end]).items[0].monthly).toEqual({ min: 395.45, max: 1489.2 });

        // 4 vCPU x 0.000018 x 3600 + 16 GiB x 0.000002 x 3600 + L4 0.67 = 1.0444/h; min 1: 762.412; 2 extra 08:00-10:00 weekdays:
        // 261 x 2 / 12 = 43.5 h x 2 x 1.0444 = 90.8628 -> 853.2748; max 3 x 1.0444 x 730 = 2287.236
        const body = (n: number) => Buffer.from(JSON.stringify({ scaling: { minInstanceCount: n } })).toString("base64");
        const uri = "https://run.googleapis.com/v2/projects/p/locations/us-central1/services/qwen?updateMask=scaling.minInstanceCount";
        const service = resource("gcp:cloudrunv2/service:Service", {
            name: "qwen",
            location: "us-central1",
            scaling: { minInstanceCount: 1 },
            template: {
                gpuZonalRedundancyDisabled: true,
                nodeSelector: { accelerator: "nvidia-l4" },
                scaling: { maxInstanceCount: 3 },
                containers: [{ image: "i", resources: { limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" } } }],
            },
        });
        const job = (cron: string, n: number) => resource("gcp:cloudscheduler/job:Job", { schedule: cron, timeZone: "UTC", httpTarget: { uri, httpMethod: "PATCH", body: body(n) } });
        const report = estimateCost([service, job("0 8 * * 1-5", 3), job("0 10 * * 1-5", 1)]);
        expect(report.items[0].monthly).toEqual({ min: 853.27, max: 2287.24 });
        // The jobs themselves are billed per job-month at a price the catalog lacks.
        expect(report.items.slice(1).map((i) => i.monthly)).toEqual([
            { min: null, max: null },
            { min: null, max: null },
        ]);
    });
});

/**
 * GpuPool's `budget` (issue 18): `maxMonthlyUsd` caps `maxNodes` through the cost model (the tighter wins), and the node
 * group's `maxSize`, Karpenter's GPU `limits` and GKE's `totalMaxNodeCount` follow; a budget the minimum does not fit,
 * and a budget on kubernetes or docker, are refused before anything is created. The spend guard on aws and gcp pools:
 * the AWS Budgets and Cloud Billing budgets filtered by the pool's tags and label.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, GpuPool, GpuPoolArgs, GpuPoolCloud } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:project": "acme-ml", "gcp:region": "us-central1", "modelship:team": "ml-platform" } });

const subnets = ["subnet-0a1", "subnet-0b2"];
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ml-alerts";
const ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
const header = (count: number) => `modelship:index:GpuPool "l4": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** An EKS node group of g6.2xlarge (one L4, $0.9776/h: $713.65 a month a node), 1 to 10 nodes. */
const eks = (extra: Partial<GpuPoolArgs> = {}): GpuPoolArgs => ({
    cloud: GpuPoolCloud.Aws,
    accelerator: Accelerator.L4,
    minNodes: 1,
    maxNodes: 10,
    aws: { clusterName: "ml-prod", subnetIds: subnets },
    ...extra,
});

/** The validation error's message; nothing is registered. */
const refusal = (args: GpuPoolArgs) => rt.refusal(() => new GpuPool("l4", args));

describe("GpuPool budget: the node cap", () => {
    it("caps an EKS node group at the most nodes whose month fits: $3000 allows 4 of the 10", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("l4", eks({ budget: { maxMonthlyUsd: 3000 } })));
        expect(rt.one("aws:eks/nodeGroup:NodeGroup").inputs.scalingConfig).toEqual({ minSize: 1, maxSize: 4, desiredSize: 1 });
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 1, minGpus: 1, maxGpus: 4 });
        // 4 x $0.9776/h x 730 h = $2854.59, within $3000; a fifth node would make $3568.24.
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect([cost.min, cost.max]).toEqual([713.65, 2854.59]);
    });

    it("leaves maxNodes when it is the tighter bound", async () => {
        await rt.construct(() => new GpuPool("l4", eks({ maxNodes: 3, budget: { maxMonthlyUsd: 100_000 } })));
        expect(rt.one("aws:eks/nodeGroup:NodeGroup").inputs.scalingConfig).toEqual({ minSize: 1, maxSize: 3, desiredSize: 1 });
    });

    it("bounds Karpenter's GPU limits: $6000 allows 2 GPUs at the dearest candidate's $3.3968 per GPU-hour", async () => {
        await rt.construct(
            () =>
                new GpuPool("l4", {
                    cloud: GpuPoolCloud.Aws,
                    accelerator: Accelerator.L4,
                    maxNodes: 10,
                    aws: { clusterName: "ml", subnetIds: subnets, karpenter: true },
                    budget: { maxMonthlyUsd: 6000 },
                }),
        );
        expect((rt.one("kubernetes:karpenter.sh/v1:NodePool").inputs.spec as { limits: unknown }).limits).toEqual({ "nvidia.com/gpu": "2" });
    });

    it("bounds GKE's total node count: $2000 allows 3 g2-standard-8 at $0.8536/h", async () => {
        await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 10, gcp: { clusterName: "ml" }, budget: { maxMonthlyUsd: 2000 } }));
        expect(rt.one("gcp:container/nodePool:NodePool").inputs.autoscaling).toMatchObject({ totalMinNodeCount: 0, totalMaxNodeCount: 3 });
    });

    it("refuses a budget below the minimum's month, a desired count above the cap, and a budget on kubernetes or docker", async () => {
        expect(await refusal(eks({ budget: { maxMonthlyUsd: 500 } }))).toBe(
            header(1) +
                "  - budget.maxMonthlyUsd: received 500; expected at least $713.65, the month of minNodes 1 (1 x g6.2xlarge (1 x NVIDIA L4) on-demand at $0.9776/h in us-east-1 (aws_ec2_gpu_prices.csv, vantage, 2026-01-21) x 730 h)",
        );
        expect(await refusal(eks({ aws: { clusterName: "ml-prod", subnetIds: subnets, desiredNodes: 6 }, budget: { maxMonthlyUsd: 3000 } }))).toBe(
            header(1) + "  - aws.desiredNodes: received 6; expected at most 4, the most nodes budget.maxMonthlyUsd 3000 allows",
        );
        expect(await refusal({ cloud: GpuPoolCloud.Kubernetes, maxNodes: 2, budget: { maxMonthlyUsd: 3000 } })).toBe(
            header(1) +
                "  - budget: received maxMonthlyUsd 3000; expected no budget on cloud kubernetes: the pool creates no nodes and the cost model cannot price the cluster's own; cap the ModelServices that run there (scaling.autoscaling.budget), whose pods are priced",
        );
        expect(await refusal({ cloud: GpuPoolCloud.Docker, budget: { maxMonthlyUsd: 3000 } })).toBe(
            header(1) + "  - budget: received maxMonthlyUsd 3000; expected no budget on cloud docker: the local engine bills nothing",
        );
    });
});

describe("GpuPool budget: the spend guard", () => {
    it("an AWS Budgets budget on the pool's service and environment tags, notifying the pool's SNS topic", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("l4", eks({ budget: { maxMonthlyUsd: 3000 }, observability: { notifications: { snsTopicArn: TOPIC } } })));
        const notify = (notificationType: string, threshold: number) => ({
            notificationType,
            comparisonOperator: "GREATER_THAN",
            threshold,
            thresholdType: "PERCENTAGE",
            subscriberSnsTopicArns: [TOPIC],
        });
        expect(rt.one("aws:budgets/budget:Budget", "l4-spend-guard").inputs).toEqual({
            budgetType: "COST",
            timeUnit: "MONTHLY",
            limitAmount: "3000",
            limitUnit: "USD",
            metrics: "UnblendedCost",
            filterExpression: { ands: [{ tags: { key: "service", values: ["l4"], matchOptions: ["EQUALS"] } }, { tags: { key: "environment", values: ["dev"], matchOptions: ["EQUALS"] } }] },
            notifications: [notify("ACTUAL", 80), notify("ACTUAL", 100), notify("FORECASTED", 100)],
            tags: { environment: "dev", team: "ml-platform", service: "l4", "managed-by": "modelship" },
        });
        expect(Object.keys(pool.resources)).toContain("spendGuard");
        // The nodes carry the tags the budget filters on.
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.tagSpecifications).toEqual(
            ["instance", "volume"].map((resourceType) => ({ resourceType, tags: { environment: "dev", team: "ml-platform", service: "l4", "managed-by": "modelship" } })),
        );
    });

    it("a Cloud Billing budget on a gcp pool given its billing account; none without one; refused when asked without one", async () => {
        await rt.construct(
            () =>
                new GpuPool("l4", {
                    cloud: GpuPoolCloud.Gcp,
                    accelerator: Accelerator.L4,
                    maxNodes: 10,
                    gcp: { clusterName: "ml" },
                    budget: { maxMonthlyUsd: 2000, spendGuard: { gcpBillingAccount: ACCOUNT, forecast: false } },
                }),
        );
        expect(rt.one("gcp:billing/budget:Budget", "l4-spend-guard").inputs).toEqual({
            billingAccount: ACCOUNT,
            displayName: "modelship l4 (dev) spend",
            amount: { specifiedAmount: { currencyCode: "USD", units: "2000", nanos: 0 } },
            budgetFilter: { calendarPeriod: "MONTH", labels: { service: "l4" } },
            thresholdRules: [
                { thresholdPercent: 0.8, spendBasis: "CURRENT_SPEND" },
                { thresholdPercent: 1, spendBasis: "CURRENT_SPEND" },
            ],
            allUpdatesRule: { monitoringNotificationChannels: [], disableDefaultIamRecipients: true },
        });
        // The node pool's VMs carry the label the budget filters on.
        expect((rt.one("gcp:container/nodePool:NodePool").inputs.nodeConfig as { resourceLabels: Record<string, string> }).resourceLabels).toMatchObject({ service: "l4" });

        await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 10, gcp: { clusterName: "ml" }, budget: { maxMonthlyUsd: 2000 } }));
        expect(rt.ofType("gcp:billing/budget:Budget")).toEqual([]);
        expect(await refusal({ cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" }, budget: { maxMonthlyUsd: 2000, spendGuard: { enabled: true } } })).toBe(
            header(1) +
                '  - budget.spendGuard.gcpBillingAccount: received nothing (the field is missing); expected the Cloud Billing account (XXXXXX-XXXXXX-XXXXXX) the budget belongs to, since budget.spendGuard.enabled is true on cloud "gcp"',
        );
    });
});

/**
 * The spend guard of ModelService (`scaling.autoscaling.budget.spendGuard`, issue 18): on aws-sagemaker an AWS Budgets
 * budget filtered by the service's `service` and `environment` tags, notifying the SNS topic (no notifications without
 * one); on gcp-cloudrun a Cloud Billing budget on the `service` label, given a billing account; on kubernetes a
 * PrometheusRule on the spend projected from the pods scheduled, checked and unit-tested with promtool; nothing on
 * docker. Every argument as created, every refusal with its path, the value received and what is accepted, and the cost.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { costClass } from "../../sdk/cost";
import { checkAndTestRules, requirePromtool, series } from "../promtool";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:project": "acme-ml", "gcp:region": "us-central1", "modelship:team": "ml-platform" } });

const AWS_BUDGET = "aws:budgets/budget:Budget";
const GCP_BUDGET = "gcp:billing/budget:Budget";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ml-alerts";
const ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
const CHANNEL = "projects/acme-ml/notificationChannels/1234567890";
const TAGS = { environment: "dev", team: "ml-platform", service: "scorer", "managed-by": "modelship" };
const header = (count: number) => `modelship:index:ModelService "scorer": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** A CPU real-time endpoint, 1 to 4 ml.c5.xlarge ($148.92 a month each): $400 allows 2. */
const sagemaker = (budget: Record<string, unknown>, extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { image: `111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud/scorer@sha256:${"a".repeat(64)}` },
    scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: { budget: { maxMonthlyUsd: 400, ...budget } } },
    sagemaker: { instanceType: "ml.c5.xlarge" },
    target: Target.AwsSageMaker,
    ...extra,
});

const cloudRun = (budget: Record<string, unknown>, extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { image: `us-docker.pkg.dev/acme-ml/models/scorer@sha256:${"a".repeat(64)}`, port: 8000, readinessPath: "/health" },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 0, maxReplicas: 3, autoscaling: { budget: { maxMonthlyUsd: 2500.5, ...budget } } },
    target: Target.GcpCloudRun,
    ...extra,
});

/** vLLM on one L4 per replica, 1 to 10 replicas, $3000 a month. */
const kubernetes = (budget: Record<string, unknown>, extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { count: 1, accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 1, maxReplicas: 10, autoscaling: { budget: { maxMonthlyUsd: 3000, ...budget } } },
    kubernetes: { namespace: "ml", autoscaler: { prometheusUrl: "http://prometheus:9090" } },
    observability: { prometheusLabels: { release: "kps" }, notifications: { alertmanagerLabels: { team: "ml" } } },
    target: Target.Kubernetes,
    ...extra,
});

/** The AWS budget's arguments, but the notifications. */
const AWS_BASE = {
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: "400",
    limitUnit: "USD",
    metrics: "UnblendedCost",
    filterExpression: {
        ands: [{ tags: { key: "service", values: ["scorer"], matchOptions: ["EQUALS"] } }, { tags: { key: "environment", values: ["dev"], matchOptions: ["EQUALS"] } }],
    },
    tags: TAGS,
};
const notification = (notificationType: string, threshold: number) => ({
    notificationType,
    comparisonOperator: "GREATER_THAN",
    threshold,
    thresholdType: "PERCENTAGE",
    subscriberSnsTopicArns: [TOPIC],
});

/** The validation error's message; nothing is registered. */
const refusal = (args: ModelServiceArgs) => rt.refusal(() => new ModelService("scorer", args));

describe("the spend guard on aws-sagemaker: an AWS Budgets budget", () => {
    it("filters on the service AND environment tags, notifies the SNS topic at 80% and 100% actual and 100% forecast", async () => {
        await rt.construct(() => new ModelService("scorer", sagemaker({}, { observability: { notifications: { snsTopicArn: TOPIC } } })));
        const budget = rt.one(AWS_BUDGET, "scorer-spend-guard");
        expect(budget.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelService::scorer");
        expect(budget.inputs).toEqual({ ...AWS_BASE, notifications: [notification("ACTUAL", 80), notification("ACTUAL", 100), notification("FORECASTED", 100)] });
    });

    it("without an SNS topic: the budget without notifications (AWS requires a subscriber on each), nothing sent anywhere", async () => {
        await rt.construct(() => new ModelService("scorer", sagemaker({})));
        expect(rt.one(AWS_BUDGET).inputs).toEqual(AWS_BASE);
    });

    it("takes its thresholds sorted, once each, and no forecast when told", async () => {
        await rt.construct(
            () => new ModelService("scorer", sagemaker({ spendGuard: { thresholdsPercent: [120, 50], forecast: false } }, { observability: { notifications: { snsTopicArn: TOPIC } } })),
        );
        expect(rt.one(AWS_BUDGET).inputs.notifications).toEqual([notification("ACTUAL", 50), notification("ACTUAL", 120)]);
    });

    it("creates none with enabled: false, and none without a budget", async () => {
        await rt.construct(() => new ModelService("scorer", sagemaker({ spendGuard: { enabled: false } })));
        expect(rt.ofType(AWS_BUDGET)).toEqual([]);
        await rt.construct(() => new ModelService("scorer", { ...sagemaker({}), scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: {} } }));
        expect(rt.ofType(AWS_BUDGET)).toEqual([]);
    });

    it("is free in the estimate: the same estimate as without it", async () => {
        const { value } = await rt.construct(() => new ModelService("scorer", sagemaker({})));
        const withGuard = await outputValue(value.estimatedMonthlyCost);
        const { value: without } = await rt.construct(() => new ModelService("scorer", sagemaker({ spendGuard: { enabled: false } })));
        // Equal to the cent, and the budget named nowhere as unknown.
        expect(withGuard).toEqual(await outputValue(without.estimatedMonthlyCost));
        expect(withGuard.basis.join("\n")).not.toContain("budgets/budget");
        expect(costClass({ type: AWS_BUDGET }).kind).toBe("free");
        expect(costClass({ type: GCP_BUDGET }).kind).toBe("free");
    });

    it("refuses more notifications than AWS takes, and a billing account off gcp, before anything is created", async () => {
        const eleven = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        expect(await refusal(sagemaker({ spendGuard: { thresholdsPercent: eleven, gcpBillingAccount: ACCOUNT } }))).toBe(
            header(2) +
                `  - scaling.autoscaling.budget.spendGuard.gcpBillingAccount: received "${ACCOUNT}"; expected nothing on target "aws-sagemaker": a Cloud Billing account belongs to gcp targets only\n` +
                `  - scaling.autoscaling.budget.spendGuard.thresholdsPercent: received ${JSON.stringify(eleven)}; expected at most 10 notifications per AWS budget, the forecast's included: at most 9 percentages`,
        );
        expect(await refusal(sagemaker({ spendGuard: { thresholdsPercent: [80, 80] } }))).toBe(
            header(1) + "  - scaling.autoscaling.budget.spendGuard.thresholdsPercent: received [80,80]; expected each percentage once (80 repeated)",
        );
    });
});

describe("the spend guard on gcp-cloudrun: a Cloud Billing budget", () => {
    it("on the billing account, filtered by the service label, thresholds as fractions, notifying the channels only", async () => {
        await rt.construct(() => new ModelService("scorer", cloudRun({ spendGuard: { gcpBillingAccount: ACCOUNT } }, { observability: { notifications: { gcpNotificationChannels: [CHANNEL] } } })));
        expect(rt.one(GCP_BUDGET, "scorer-spend-guard").inputs).toEqual({
            billingAccount: ACCOUNT,
            displayName: "modelship scorer (dev) spend",
            amount: { specifiedAmount: { currencyCode: "USD", units: "2500", nanos: 500_000_000 } },
            budgetFilter: { calendarPeriod: "MONTH", labels: { service: "scorer" } },
            thresholdRules: [
                { thresholdPercent: 0.8, spendBasis: "CURRENT_SPEND" },
                { thresholdPercent: 1, spendBasis: "CURRENT_SPEND" },
                { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" },
            ],
            allUpdatesRule: { monitoringNotificationChannels: [CHANNEL], disableDefaultIamRecipients: true },
        });
    });

    it("creates none without a billing account (the default), and refuses enabled: true without one", async () => {
        await rt.construct(() => new ModelService("scorer", cloudRun({})));
        expect(rt.ofType(GCP_BUDGET)).toEqual([]);
        expect(await refusal(cloudRun({ spendGuard: { enabled: true } }))).toBe(
            header(1) +
                '  - scaling.autoscaling.budget.spendGuard.gcpBillingAccount: received nothing (the field is missing); expected the Cloud Billing account (XXXXXX-XXXXXX-XXXXXX) the budget belongs to, since scaling.autoscaling.budget.spendGuard.enabled is true on target "gcp-cloudrun"',
        );
    });

    it("refuses more channels than a budget notifies", async () => {
        const channels = [1, 2, 3, 4, 5, 6].map((n) => `projects/acme-ml/notificationChannels/${n}`);
        expect(await refusal(cloudRun({ spendGuard: { gcpBillingAccount: ACCOUNT } }, { observability: { notifications: { gcpNotificationChannels: channels } } }))).toBe(
            header(1) +
                "  - observability.notifications.gcpNotificationChannels: received an array of 6; expected at most 5 channels: a Cloud Billing budget notifies at most 5 (or scaling.autoscaling.budget.spendGuard.enabled false)",
        );
    });
});

describe("the spend guard on docker", () => {
    it("refuses enabled: true, naming the field", async () => {
        const message = await refusal({ model: { image: "ghcr.io/acme/scorer:1" }, scaling: { autoscaling: { budget: { maxMonthlyUsd: 10, spendGuard: { enabled: true } } } }, target: Target.Docker });
        expect(message).toContain('  - scaling.autoscaling.budget.spendGuard.enabled: received true; expected false or nothing: target "docker" bills nothing: there is no spend to watch');
    });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One pod of `llm` a month: one L4 node, g6.xlarge at $0.8048/h x 730 h (aws_ec2_gpu_prices.csv), to the cent. */
const POD_MONTH = 587.5;
const MONTHLY = `((sum(kube_pod_status_scheduled{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+",condition="true"}) or vector(0)) * ${POD_MONTH})`;
const LLM = { team: "ml", modelship_service: "llm" };

describe("the spend guard on kubernetes: a PrometheusRule, run by promtool", () => {
    it("one alert per threshold on the last day's average, and the forecast on the pods scheduled now", async () => {
        await rt.construct(() => new ModelService("llm", kubernetes({})));
        const rule = rt.one(RULE, "llm-spend-guard").inputs as Json;
        // Labelled as the service's own PodMonitor and PrometheusRule, which the cluster's Prometheus selects.
        const monitored = rt.one("kubernetes:monitoring.coreos.com/v1:PodMonitor").inputs as Json;
        expect(rule.metadata).toEqual({ name: "llm-spend", namespace: "ml", labels: monitored.metadata.labels });
        expect(rule.metadata.labels).toMatchObject({ "modelship.dev/service": "llm", "modelship.dev/environment": "dev", release: "kps" });
        const rules = rule.spec.groups[0].rules as Json[];
        expect(rule.spec.groups[0].name).toBe("modelship-llm-spend");
        expect(rules.map(({ annotations: _a, ...r }) => r)).toEqual([
            { alert: "ModelServiceSpendAbove80Percent", expr: `avg_over_time(${MONTHLY}[1d:5m]) > 2400`, for: "15m", labels: { ...LLM, severity: "warning" } },
            { alert: "ModelServiceSpendAbove100Percent", expr: `avg_over_time(${MONTHLY}[1d:5m]) > 3000`, for: "15m", labels: { ...LLM, severity: "critical" } },
            { alert: "ModelServiceSpendForecastAbove100Percent", expr: `${MONTHLY} > 3000`, for: "1h", labels: { ...LLM, severity: "critical" } },
        ]);
        expect(rules[0].annotations.summary).toBe("llm in namespace ml: projected spend above 80% of its $3000/month budget");

        requirePromtool("the spend guard's alerts");
        // Scheduled pods every 5 minutes for 30 hours; a sibling Deployment and another namespace are never counted.
        const pods = (n: number, namespace = "ml", prefix = "llm-7d9f8b6c5") =>
            Array.from({ length: n }, (_, i) => series("kube_pod_status_scheduled", { job: "kube-state-metrics", namespace, pod: `${prefix}-p${i}x`, condition: "true" }, "1x360"));
        const at = (alertname: string, firing: boolean, severity: string) => ({ eval_time: "1d", alertname, exp_alerts: firing ? [{ exp_labels: { ...LLM, severity } }] : [] });
        const tests = [
            // 5 pods: $2937.50 a month, above 80% ($2400), not above 100%.
            {
                interval: "5m",
                input_series: [...pods(5), ...pods(3, "ml", "llm-next-6c5d8"), ...pods(3, "prod")],
                alert_rule_test: [
                    at("ModelServiceSpendAbove80Percent", true, "warning"),
                    at("ModelServiceSpendAbove100Percent", false, "critical"),
                    at("ModelServiceSpendForecastAbove100Percent", false, "critical"),
                ],
            },
            // 4 pods: $2350, below every threshold.
            { interval: "5m", input_series: pods(4), alert_rule_test: [at("ModelServiceSpendAbove80Percent", false, "warning"), at("ModelServiceSpendForecastAbove100Percent", false, "critical")] },
            // 6 pods (scaled by hand past the cap): $3525, every alert.
            { interval: "5m", input_series: pods(6), alert_rule_test: [at("ModelServiceSpendAbove100Percent", true, "critical"), at("ModelServiceSpendForecastAbove100Percent", true, "critical")] },
        ];
        const { check, test } = checkAndTestRules(rule.spec.groups, tests);
        expect(check.status, check.output).toBe(0);
        expect(check.output).toContain("SUCCESS: 3 rules found");
        expect(test.status, test.output).toBe(0);
        expect(test.output).toContain("SUCCESS");
    }, 60_000);

    it("creates none by default when observability is off (no Prometheus Operator assumed), and one when asked", async () => {
        await rt.construct(() => new ModelService("llm", kubernetes({}, { observability: { enabled: false } })));
        expect(rt.ofType(RULE)).toEqual([]);
        await rt.construct(() => new ModelService("llm", kubernetes({ spendGuard: { enabled: true } }, { observability: { enabled: false } })));
        expect(rt.ofType(RULE).map((r) => r.name)).toEqual(["llm-spend-guard"]);
    });
});

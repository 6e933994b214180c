/**
 * SpikeAutoscaler on AWS: Application Auto Scaling targets, target-tracking policies and scheduled actions for a
 * SageMaker endpoint variant and for a Lambda alias's provisioned concurrency, with their exact arguments.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AutoscalerTarget, ScalingMetric, SpikeAutoscaler, SpikeAutoscalerArgs } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const TARGET = "aws:appautoscaling/target:Target";
const POLICY = "aws:appautoscaling/policy:Policy";
const ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TAGS = { environment: "dev", team: "ml-platform", service: "llm", "managed-by": "modelship" };
const WEEKDAY_MORNINGS = { schedule: "45 7 * * 1-5", timezone: "America/New_York", durationMinutes: 120, replicas: 4 };

const variant = (extra: Partial<SpikeAutoscalerArgs> = {}): SpikeAutoscalerArgs => ({
    target: AutoscalerTarget.AwsSageMaker,
    sagemaker: { endpointName: pulumi.output("llm"), variantName: "default", instanceType: "ml.g5.xlarge" },
    minReplicas: 1,
    maxReplicas: 6,
    ...extra,
});

describe("SpikeAutoscaler on aws-sagemaker", () => {
    it("tracks concurrent requests per model (10 s metric) on the variant, and pre-warms with two scheduled actions", async () => {
        const { value, resources } = await rt.construct(() => new SpikeAutoscaler("llm", variant({ prewarm: [WEEKDAY_MORNINGS] })));
        // The registration order of the alarm (its description an Output of the endpoint's name) is not fixed: sorted.
        expect(resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
            ["modelship:index:SpikeAutoscaler::llm", `${TARGET}::llm`, `${POLICY}::llm`, `${ACTION}::llm-prewarm-0-start`, `${ACTION}::llm-prewarm-0-end`, `${ALARM}::llm-alarm-at-max`].sort(),
        );
        expect(rt.one(TARGET).inputs).toEqual({
            serviceNamespace: "sagemaker",
            resourceId: "endpoint/llm/variant/default",
            scalableDimension: "sagemaker:variant:DesiredInstanceCount",
            minCapacity: 1,
            maxCapacity: 6,
            tags: TAGS,
        });
        expect(rt.one(POLICY).inputs).toEqual({
            policyType: "TargetTrackingScaling",
            serviceNamespace: "sagemaker",
            resourceId: "endpoint/llm/variant/default",
            scalableDimension: "sagemaker:variant:DesiredInstanceCount",
            targetTrackingScalingPolicyConfiguration: {
                targetValue: 4,
                predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantConcurrentRequestsPerModelHighResolution" },
                scaleOutCooldown: 60,
                scaleInCooldown: 600,
            },
        });
        const base = { serviceNamespace: "sagemaker", resourceId: "endpoint/llm/variant/default", scalableDimension: "sagemaker:variant:DesiredInstanceCount", timezone: "America/New_York" };
        const start = rt.one(ACTION, "llm-prewarm-0-start");
        const end = rt.one(ACTION, "llm-prewarm-0-end");
        expect(start.inputs).toEqual({ ...base, name: "llm-prewarm-0-start", schedule: "cron(45 7 ? * MON-FRI *)", scalableTargetAction: { minCapacity: 4, maxCapacity: 6 } });
        expect(end.inputs).toEqual({ ...base, name: "llm-prewarm-0-end", schedule: "cron(45 9 ? * MON-FRI *)", scalableTargetAction: { minCapacity: 1, maxCapacity: 6 } });
        expect(end.options.dependencies).toContain(start.urn);
        expect(start.options.dependencies).toContain(rt.one(TARGET).urn);
        expect(Object.keys(value.resources)).toEqual(["scalingTarget", "scalingPolicy", "prewarm-0-start", "prewarm-0-end", "atMaxAlarm"]);
        // ml.g5.xlarge $1.4084/h x 730 h = $1,028.132/instance; 6 at most = $6,168.79; pre-warming 43.5 h x 3 x $1.4084 = $183.80.
        expect(await outputValue(value.estimatedMonthlyCost)).toMatchObject({ known: true, min: 1211.93, max: 6168.79 });
    });

    it("alarms when the variant sits at its effective maximum, as a ModelService's own scaling does: the budget's cap, notifications, off", async () => {
        const topic = "arn:aws:sns:us-east-1:123456789012:ml-alerts";
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ observability: { notifications: { snsTopicArn: topic } } })));
        const alarm = rt.one(ALARM, "llm-alarm-at-max");
        expect(alarm.inputs).toEqual({
            alarmDescription:
                "SageMaker endpoint llm, variant default (scaled by SpikeAutoscaler llm): at its effective maximum of 6 instances for 15 minutes (instances counted as CPUUtilization samples a minute); maxReplicas 6 binds",
            namespace: "/aws/sagemaker/Endpoints",
            metricName: "CPUUtilization",
            statistic: "SampleCount",
            period: 60,
            dimensions: { EndpointName: "llm", VariantName: "default" },
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 6,
            evaluationPeriods: 15,
            datapointsToAlarm: 15,
            treatMissingData: "notBreaching",
            alarmActions: [topic],
            okActions: [topic],
            tags: TAGS,
        });
        expect(alarm.options.dependencies).toContain(rt.one(TARGET).urn);

        // A budget below maxReplicas: the threshold is the budget's cap, and the description says so.
        // ml.g5.xlarge $1,028.132 a month: $3,500 allows 3 instances.
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ budget: { maxMonthlyUsd: 3500 } })));
        expect(rt.one(ALARM).inputs).toMatchObject({ threshold: 3, dimensions: { EndpointName: "llm", VariantName: "default" } });
        expect(rt.one(ALARM).inputs.alarmDescription).toContain("the budget cap binds: $3500/month allows 3 instances, below maxReplicas 6");
        expect(rt.one(ALARM).inputs).not.toHaveProperty("alarmActions");

        // Off, and a fixed count (min = max: always at its maximum): no alarm.
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ observability: { enabled: false } })));
        expect(rt.ofType(ALARM)).toEqual([]);
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ minReplicas: 6 })));
        expect(rt.ofType(ALARM)).toEqual([]);
    });

    it("refuses observability.enabled: true where a standalone autoscaler creates no alarm, and a malformed topic", async () => {
        const lambda = { target: AutoscalerTarget.AwsLambda, lambda: { functionName: "fn", alias: "live" }, maxReplicas: 4 };
        await expect(rt.construct(() => new SpikeAutoscaler("fn", { ...lambda, observability: { enabled: true } }))).rejects.toThrow(
            /observability\.enabled: received true; expected false or nothing: a standalone SpikeAutoscaler creates no alarm on target "aws-lambda" \(only on aws-sagemaker/,
        );
        await expect(rt.construct(() => new SpikeAutoscaler("llm", variant({ observability: { notifications: { snsTopicArn: "ml-alerts" } } })))).rejects.toThrow(
            /observability\.notifications\.snsTopicArn: received "ml-alerts"; expected an SNS topic ARN/,
        );
    });

    it("tracks invocations per instance per minute for requests-per-second, and GPU utilisation from CloudWatch", async () => {
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ metric: ScalingMetric.RequestsPerSecond, metricTarget: 1.5, scaleDownDelaySeconds: 900 })));
        expect(rt.one(POLICY).inputs.targetTrackingScalingPolicyConfiguration).toEqual({
            targetValue: 90,
            predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            scaleOutCooldown: 60,
            scaleInCooldown: 900,
        });
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ metric: ScalingMetric.GpuUtilization })));
        expect(rt.one(POLICY).inputs.targetTrackingScalingPolicyConfiguration).toEqual({
            targetValue: 70,
            customizedMetricSpecification: {
                metricName: "GPUUtilization",
                namespace: "/aws/sagemaker/Endpoints",
                statistic: "Average",
                unit: "Percent",
                dimensions: [
                    { name: "EndpointName", value: "llm" },
                    { name: "VariantName", value: "default" },
                ],
            },
            scaleOutCooldown: 60,
            scaleInCooldown: 600,
        });
    });

    it("targets GPU utilisation per GPU: CloudWatch sums an instance's GPUs, so 70% on four GPUs is 280", async () => {
        // aws_ec2_gpu_prices.csv: g5.12xlarge has 4 x NVIDIA A10G.
        await rt.construct(() => new SpikeAutoscaler("llm", variant({ metric: ScalingMetric.GpuUtilization, sagemaker: { endpointName: "llm", instanceType: "ml.g5.12xlarge" } })));
        expect(rt.one(POLICY).inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({ targetValue: 280, customizedMetricSpecification: { metricName: "GPUUtilization" } });
    });

    it("refuses zero, a queue metric, a burst multiplier and a cost it cannot know", () => {
        expect(
            () =>
                new SpikeAutoscaler("llm", {
                    ...variant({ minReplicas: 0, metric: ScalingMetric.QueueDepth, metricTarget: 5, burstMultiplier: 3, budget: { maxMonthlyUsd: 1000 } }),
                    sagemaker: { endpointName: "llm" },
                }),
        ).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 4 invalid arguments:\n' +
                "  - budget.maxMonthlyUsd: received 1000; expected no budget on a workload the cost model cannot price: one replica is unknown: sagemaker.instanceType is not given\n" +
                "  - minReplicas: received 0; expected at least 1 on a real-time SageMaker endpoint (scaling to zero needs inference components, which modelship does not create; use sagemaker.serverless to pay per request)\n" +
                '  - metric: received "queue-depth"; expected in-flight-requests, requests-per-second or gpu-utilization on a real-time SageMaker endpoint (CloudWatch has no Prometheus metric of an endpoint; queue-depth, the backlog, needs ModelService scaling.mode queue: asynchronous inference)\n' +
                "  - burstMultiplier: received 3; expected nothing on aws-sagemaker (target tracking adds the instances the metric asks for in one step; there is no step cap to set)",
        );
    });
});

describe("SpikeAutoscaler on aws-lambda", () => {
    const alias = (extra: Partial<SpikeAutoscalerArgs> = {}): SpikeAutoscalerArgs => ({
        target: AutoscalerTarget.AwsLambda,
        lambda: { functionName: "scorer", alias: "live" },
        minReplicas: 2,
        maxReplicas: 50,
        ...extra,
    });

    it("scales the alias's provisioned concurrency on its utilisation, and pre-warms it on a schedule", async () => {
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", alias({ prewarm: [{ schedule: "0 9 * * *", durationMinutes: 480, replicas: 20 }] })));
        expect(rt.one(TARGET).inputs).toEqual({
            serviceNamespace: "lambda",
            resourceId: "function:scorer:live",
            scalableDimension: "lambda:function:ProvisionedConcurrency",
            minCapacity: 2,
            maxCapacity: 50,
            tags: TAGS,
        });
        expect(rt.one(POLICY).inputs.targetTrackingScalingPolicyConfiguration).toEqual({
            targetValue: 0.7,
            predefinedMetricSpecification: { predefinedMetricType: "LambdaProvisionedConcurrencyUtilization" },
            scaleOutCooldown: 60,
            scaleInCooldown: 600,
        });
        expect(rt.one(ACTION, "llm-prewarm-0-start").inputs).toMatchObject({ schedule: "cron(0 9 * * ? *)", timezone: "UTC", scalableTargetAction: { minCapacity: 20, maxCapacity: 50 } });
        expect(rt.one(ACTION, "llm-prewarm-0-end").inputs).toMatchObject({ schedule: "cron(0 17 * * ? *)", scalableTargetAction: { minCapacity: 2, maxCapacity: 50 } });
        const cost = await outputValue(value.estimatedMonthlyCost);
        expect(cost).toEqual({ knownMin: 0, knownMax: 0, known: false, basis: ["one replica: unknown: Lambda provisioned concurrency is billed, but its price is not in the catalog (sdk/catalog)"] });
    });

    it("refuses a target above one execution's utilisation, and a budget it cannot price", () => {
        expect(() => new SpikeAutoscaler("llm", alias({ metricTarget: 4, budget: { maxMonthlyUsd: 500 } }))).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 2 invalid arguments:\n' +
                "  - budget.maxMonthlyUsd: received 500; expected no budget on a workload the cost model cannot price: one replica is unknown: Lambda provisioned concurrency is billed, but its price is not in the catalog (sdk/catalog)\n" +
                "  - metricTarget: received 4; expected a fraction of 1 on aws-lambda, such as 0.7 (one provisioned execution serves one request at a time: the target is its utilisation)",
        );
    });
});

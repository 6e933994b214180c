/**
 * `observability` on aws-sagemaker and aws-lambda (issue 18): the CloudWatch alarms, each with its exact settings, and the
 * dashboard's body; switched off with `enabled: false` or `dashboard: false`; notifying the SNS topic only when given.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, ModelService, ModelServiceArgs, ScalingMode, ServingRuntime, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const COMPONENT = "urn:pulumi:dev::test::modelship:index:ModelService::";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ml-alerts";
const image = (digit: string) => `111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud/scorer@sha256:${digit.repeat(64)}`;
const tags = (service: string) => ({ environment: "dev", team: "ml-platform", service, "managed-by": "modelship" });
const alarms = () => rt.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((r) => r.name.includes("-alarm-"));
const alarm = (name: string) => rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs;
const body = (r: ResourceRecord) =>
    JSON.parse(r.inputs.dashboardBody as string) as { widgets: Array<{ type: string; x: number; y: number; width: number; height: number; properties: Record<string, unknown> }> };

/** A CPU real-time endpoint, 1 to 4 ml.c5.xlarge instances ($0.204/h: $148.92 a month each). */
const realTime = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { image: image("a") },
    scaling: { minReplicas: 1, maxReplicas: 4 },
    sagemaker: { instanceType: "ml.c5.xlarge" },
    target: Target.AwsSageMaker,
    ...extra,
});

const sum = (namespace: string, metricName: string, dimensions: Record<string, string>) => ({ namespace, metricName, stat: "Sum", period: 300, dimensions });

describe("observability on aws-sagemaker", () => {
    it("alarms on the 5xx share, the average model latency and instances at the maximum, and draws a dashboard", async () => {
        const { resources } = await rt.construct(() => new ModelService("scorer", realTime()));
        const dims = { EndpointName: "scorer", VariantName: "default" };
        expect(alarms().map((r) => r.name)).toEqual(["scorer-alarm-latency", "scorer-alarm-at-max", "scorer-alarm-errors"]);
        expect(alarm("scorer-alarm-errors")).toEqual({
            alarmDescription: "SageMaker endpoint scorer, variant default: more than 5% of requests answered with a 5xx error over 5 minutes (Invocation5XXErrors / Invocations)",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 5,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            metricQueries: [
                { id: "errors", metric: sum("AWS/SageMaker", "Invocation5XXErrors", dims), returnData: false },
                { id: "invocations", metric: sum("AWS/SageMaker", "Invocations", dims), returnData: false },
                { id: "errorRate", expression: "IF(invocations > 0, 100 * errors / invocations, 0)", label: "Invocation5XXErrors, % of Invocations", returnData: true },
            ],
            tags: tags("scorer"),
        });
        // 80% of InvokeEndpoint's 60 s, in microseconds (SageMaker's unit for ModelLatency).
        expect(alarm("scorer-alarm-latency")).toEqual({
            alarmDescription: "SageMaker endpoint scorer, variant default: average ModelLatency above 48 s over 5 minutes (the request timeout is 60 s; ModelLatency is in microseconds)",
            namespace: "AWS/SageMaker",
            metricName: "ModelLatency",
            statistic: "Average",
            period: 300,
            dimensions: dims,
            comparisonOperator: "GreaterThanThreshold",
            threshold: 48_000_000,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            tags: tags("scorer"),
        });
        // Instances counted as CPUUtilization samples a minute (one per instance), at 4 for 15 minutes.
        expect(alarm("scorer-alarm-at-max")).toEqual({
            alarmDescription:
                "SageMaker endpoint scorer, variant default: at its effective maximum of 4 instances for 15 minutes (instances counted as CPUUtilization samples a minute); maxReplicas 4 binds",
            namespace: "/aws/sagemaker/Endpoints",
            metricName: "CPUUtilization",
            statistic: "SampleCount",
            period: 60,
            dimensions: dims,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 4,
            evaluationPeriods: 15,
            datapointsToAlarm: 15,
            treatMissingData: "notBreaching",
            tags: tags("scorer"),
        });
        // Nothing is sent anywhere by default.
        for (const r of alarms()) {
            expect(r.inputs.alarmActions).toBeUndefined();
            expect(r.inputs.okActions).toBeUndefined();
            expect(r.inputs.insufficientDataActions).toBeUndefined();
        }
        // Children of the component, after the endpoint they watch.
        const endpoint = rt.one("aws:sagemaker/endpoint:Endpoint");
        for (const r of resources.filter((x) => x.type.startsWith("aws:cloudwatch/") && x.name.startsWith("scorer-") && !x.name.endsWith("-logs"))) {
            expect(r.parent).toBe(`${COMPONENT}scorer`);
            expect(r.options.dependencies).toContain(endpoint.urn);
        }

        const dashboard = rt.one("aws:cloudwatch/dashboard:Dashboard");
        expect(dashboard.name).toBe("scorer-dashboard");
        expect(dashboard.inputs.dashboardName).toBe("scorer");
        expect(dashboard.inputs.tags).toBeUndefined();
        const d = ["EndpointName", "scorer", "VariantName", "default"];
        expect(body(dashboard)).toEqual({
            widgets: [
                {
                    type: "metric",
                    x: 0,
                    y: 0,
                    width: 12,
                    height: 6,
                    properties: {
                        title: "Requests and errors",
                        region: "us-east-1",
                        view: "timeSeries",
                        stacked: false,
                        metrics: [
                            ["AWS/SageMaker", "Invocations", ...d],
                            ["AWS/SageMaker", "Invocation4XXErrors", ...d],
                            ["AWS/SageMaker", "Invocation5XXErrors", ...d],
                        ],
                        stat: "Sum",
                        period: 60,
                    },
                },
                {
                    type: "metric",
                    x: 12,
                    y: 0,
                    width: 12,
                    height: 6,
                    properties: {
                        title: "Model latency, microseconds",
                        region: "us-east-1",
                        view: "timeSeries",
                        stacked: false,
                        metrics: [
                            ["AWS/SageMaker", "ModelLatency", ...d, { stat: "Average", label: "average" }],
                            ["AWS/SageMaker", "ModelLatency", ...d, { stat: "p95", label: "p95" }],
                        ],
                        stat: "Average",
                        period: 60,
                        annotations: { horizontal: [{ label: "alarm: 48 s", value: 48_000_000 }] },
                    },
                },
                {
                    type: "metric",
                    x: 0,
                    y: 6,
                    width: 12,
                    height: 6,
                    properties: {
                        title: "Instances",
                        region: "us-east-1",
                        view: "timeSeries",
                        stacked: false,
                        metrics: [["/aws/sagemaker/Endpoints", "CPUUtilization", ...d, { stat: "SampleCount", label: "instances" }]],
                        stat: "SampleCount",
                        period: 60,
                        annotations: {
                            horizontal: [
                                { label: "minimum 1", value: 1 },
                                { label: "maximum 4", value: 4 },
                            ],
                        },
                    },
                },
            ],
        });
    });

    it("says when the budget cap binds rather than maxReplicas, and when maxReplicas binds under a budget", async () => {
        // $400 a month buys 2 instances at $148.92 (3 would be $446.76).
        await rt.construct(() => new ModelService("scorer", realTime({ scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: { budget: { maxMonthlyUsd: 400 } } } })));
        expect(alarm("scorer-alarm-at-max")).toMatchObject({
            threshold: 2,
            alarmDescription:
                "SageMaker endpoint scorer, variant default: at its effective maximum of 2 instances for 15 minutes (instances counted as CPUUtilization samples a minute); the budget cap binds: $400/month allows 2 instances, below maxReplicas 4",
        });
        await rt.construct(() => new ModelService("scorer", realTime({ scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: { budget: { maxMonthlyUsd: 1000 } } } })));
        expect(alarm("scorer-alarm-at-max")).toMatchObject({
            threshold: 4,
            alarmDescription:
                "SageMaker endpoint scorer, variant default: at its effective maximum of 4 instances for 15 minutes (instances counted as CPUUtilization samples a minute); maxReplicas 4 binds (the budget of $1000/month covers all 4)",
        });
    });

    it("takes the thresholds given, notifies the SNS topic when alarms fire and clear, and leaves the dashboard out", async () => {
        const { value: svc } = await rt.construct(
            () => new ModelService("scorer", realTime({ observability: { dashboard: false, thresholds: { errorRatePercent: 2.5, latencySeconds: 12 }, notifications: { snsTopicArn: TOPIC } } })),
        );
        expect(rt.ofType("aws:cloudwatch/dashboard:Dashboard")).toEqual([]);
        expect(alarm("scorer-alarm-errors")).toMatchObject({ threshold: 2.5 });
        expect(alarm("scorer-alarm-latency")).toMatchObject({ threshold: 12_000_000 });
        for (const r of alarms()) expect([r.name, r.inputs.alarmActions, r.inputs.okActions]).toEqual([r.name, [TOPIC], [TOPIC]]);
        expect(Object.keys(svc.resources)).not.toContain("dashboard");
    });

    it("creates nothing with enabled: false", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("scorer", realTime({ observability: { enabled: false } })));
        expect(alarms()).toEqual([]);
        expect(rt.ofType("aws:cloudwatch/dashboard:Dashboard")).toEqual([]);
        expect(Object.keys(svc.resources).filter((k) => k.endsWith("Alarm") || k === "dashboard")).toEqual([]);
        // Only the endpoint's autoscaling policy's alarms remain in the estimate.
        expect((await outputValue(svc.estimatedMonthlyCost)).basis.join("\n")).not.toContain("CloudWatch alarm (per alarm-month)");
    });

    it("watches each variant of a canary on its own", async () => {
        await rt.construct(
            () =>
                new ModelService("scorer", {
                    model: { image: image("a") },
                    versions: [
                        { name: "stable", weight: 90 },
                        { name: "candidate", weight: 10, image: image("b") },
                    ],
                    sagemaker: { instanceType: "ml.c5.xlarge" },
                    target: Target.AwsSageMaker,
                }),
        );
        // A fixed instance count (no autoscaling): no instances alarm.
        expect(
            alarms()
                .map((r) => r.name)
                .sort(),
        ).toEqual(["scorer-alarm-errors-candidate", "scorer-alarm-errors-stable", "scorer-alarm-latency-candidate", "scorer-alarm-latency-stable"]);
        expect(alarm("scorer-alarm-latency-candidate").dimensions).toEqual({ EndpointName: "scorer", VariantName: "candidate" });
    });

    it("watches a serverless endpoint's errors and latency, not instances it does not have", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("scorer", { model: { image: image("a") }, sagemaker: { serverless: true }, target: Target.AwsSageMaker }));
        expect(alarms().map((r) => r.name)).toEqual(["scorer-alarm-latency", "scorer-alarm-errors"]);
        const titles = body(rt.one("aws:cloudwatch/dashboard:Dashboard")).widgets.map((w) => w.properties.title);
        expect(titles).toEqual(["Requests and errors", "Model latency, microseconds"]);
        expect(await outputValue(svc.endpointName)).toBe("scorer");
    });

    it("watches an asynchronous endpoint's failures, latency against the queue's request timeout, instances and growing backlog", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 4, queue: { requestTimeoutSeconds: 900 } },
                    target: Target.AwsSageMaker,
                }),
        );
        const dims = { EndpointName: "llm", VariantName: "default" };
        expect(alarm("llm-alarm-errors")).toMatchObject({
            alarmDescription: "SageMaker endpoint llm, variant default: more than 5% of asynchronous requests failed over 5 minutes (InvocationFailures / InvocationsProcessed)",
            metricQueries: [
                { id: "errors", metric: sum("AWS/SageMaker", "InvocationFailures", dims), returnData: false },
                { id: "invocations", metric: sum("AWS/SageMaker", "InvocationsProcessed", dims), returnData: false },
                { id: "errorRate", expression: "IF(invocations > 0, 100 * errors / invocations, 0)", label: "InvocationFailures, % of InvocationsProcessed", returnData: true },
            ],
        });
        // 80% of the queue's 900 s request timeout.
        expect(alarm("llm-alarm-latency")).toMatchObject({ threshold: 720_000_000 });
        expect(alarm("llm-alarm-at-max")).toMatchObject({ threshold: 4, treatMissingData: "notBreaching" });
        expect(alarm("llm-alarm-backlog")).toEqual({
            alarmDescription:
                "SageMaker asynchronous endpoint llm: the backlog (ApproximateBacklogSize) has grown in each of 3 5-minute periods in a row: requests arrive faster than the instances answer them",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            metricQueries: [
                { id: "backlog", metric: { namespace: "AWS/SageMaker", metricName: "ApproximateBacklogSize", stat: "Average", period: 300, dimensions: { EndpointName: "llm" } }, returnData: false },
                { id: "growth", expression: "DIFF(backlog)", label: "ApproximateBacklogSize, change over 5 minutes", returnData: true },
            ],
            tags: tags("llm"),
        });
        const widgets = body(rt.one("aws:cloudwatch/dashboard:Dashboard")).widgets;
        expect(widgets.map((w) => w.properties.title)).toEqual(["Requests and errors", "Model latency, microseconds", "Instances", "Backlog"]);
        expect(widgets[3].properties.metrics).toEqual([
            ["AWS/SageMaker", "ApproximateBacklogSize", "EndpointName", "llm"],
            ["AWS/SageMaker", "ApproximateBacklogSizePerInstance", "EndpointName", "llm"],
        ]);
    });
});

describe("observability on aws-lambda", () => {
    const fn = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({ model: { image: image("c") }, target: Target.AwsLambda, ...extra });

    it("alarms on the function's error share and throttles, and draws its dashboard", async () => {
        await rt.construct(() => new ModelService("embedder", fn()));
        const dims = { FunctionName: "embedder" };
        expect(
            alarms()
                .map((r) => r.name)
                .sort(),
        ).toEqual(["embedder-alarm-errors", "embedder-alarm-throttles"]);
        expect(alarm("embedder-alarm-errors")).toEqual({
            alarmDescription: "Lambda function embedder: more than 5% of invocations ended in a function error (timeouts included) over 5 minutes (Errors / Invocations)",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 5,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            metricQueries: [
                { id: "errors", metric: sum("AWS/Lambda", "Errors", dims), returnData: false },
                { id: "invocations", metric: sum("AWS/Lambda", "Invocations", dims), returnData: false },
                { id: "errorRate", expression: "IF(invocations > 0, 100 * errors / invocations, 0)", label: "Errors, % of Invocations", returnData: true },
            ],
            tags: tags("embedder"),
        });
        expect(alarm("embedder-alarm-throttles")).toEqual({
            alarmDescription: "Lambda function embedder: requests throttled (Throttles > 0 in a minute): the reserved concurrency (lambda.reservedConcurrency) or the account's limit is reached",
            namespace: "AWS/Lambda",
            metricName: "Throttles",
            statistic: "Sum",
            period: 60,
            dimensions: dims,
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            tags: tags("embedder"),
        });
        const dashboard = rt.one("aws:cloudwatch/dashboard:Dashboard");
        expect(dashboard.inputs.dashboardName).toBe("embedder");
        const d = ["FunctionName", "embedder"];
        expect(body(dashboard).widgets.map((w) => [w.x, w.y, w.properties.title, w.properties.region, w.properties.metrics, w.properties.annotations])).toEqual([
            [
                0,
                0,
                "Invocations, errors and throttles",
                "us-east-1",
                [
                    ["AWS/Lambda", "Invocations", ...d],
                    ["AWS/Lambda", "Errors", ...d],
                    ["AWS/Lambda", "Throttles", ...d],
                ],
                undefined,
            ],
            [
                12,
                0,
                "Duration, milliseconds",
                "us-east-1",
                [
                    ["AWS/Lambda", "Duration", ...d, { stat: "Average", label: "average" }],
                    ["AWS/Lambda", "Duration", ...d, { stat: "p95", label: "p95" }],
                ],
                { horizontal: [{ label: "timeout 60 s", value: 60_000 }] },
            ],
            [0, 6, "Concurrency", "us-east-1", [["AWS/Lambda", "ConcurrentExecutions", ...d]], undefined],
        ]);
    });

    it("watches the live alias with provisioned concurrency, its spill-over included, and notifies the topic", async () => {
        await rt.construct(() => new ModelService("embedder", fn({ lambda: { provisionedConcurrency: 2 }, observability: { notifications: { snsTopicArn: TOPIC } } })));
        const dims = { FunctionName: "embedder", Resource: "embedder:live" };
        expect(
            alarms()
                .map((r) => r.name)
                .sort(),
        ).toEqual(["embedder-alarm-errors", "embedder-alarm-spillover", "embedder-alarm-throttles"]);
        expect(alarm("embedder-alarm-spillover")).toEqual({
            alarmDescription:
                "Lambda function embedder, alias live: invocations spilled over the provisioned concurrency onto on-demand environments (ProvisionedConcurrencySpilloverInvocations > 0 in a minute), which may start cold",
            namespace: "AWS/Lambda",
            metricName: "ProvisionedConcurrencySpilloverInvocations",
            statistic: "Sum",
            period: 60,
            dimensions: dims,
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            alarmActions: [TOPIC],
            okActions: [TOPIC],
            tags: tags("embedder"),
        });
        expect(alarm("embedder-alarm-throttles").dimensions).toEqual(dims);
        expect((alarm("embedder-alarm-errors").metricQueries as Array<{ metric?: { dimensions: unknown } }>)[0].metric?.dimensions).toEqual(dims);
        const alias = rt.one("aws:lambda/alias:Alias");
        for (const r of alarms()) expect(r.options.dependencies).toContain(alias.urn);
    });

    it("creates nothing with enabled: false and no dashboard with dashboard: false", async () => {
        await rt.construct(() => new ModelService("embedder", fn({ observability: { enabled: false } })));
        expect(rt.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
        expect(rt.ofType("aws:cloudwatch/dashboard:Dashboard")).toEqual([]);
        await rt.construct(() => new ModelService("embedder", fn({ observability: { dashboard: false } })));
        expect(alarms()).toHaveLength(2);
        expect(rt.ofType("aws:cloudwatch/dashboard:Dashboard")).toEqual([]);
    });

    it("prices each alarm per alarm metric and the dashboard per month (us-east-1), the free tier not deducted", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("embedder", fn()));
        const basis = (await outputValue(svc.estimatedMonthlyCost)).basis as string[];
        const cloudwatch = basis.filter((l) => /alarm metric|CloudWatch dashboard/.test(l));
        // errors: metric math over Errors and Invocations, two alarm metrics x $0.10; throttles: one; the dashboard $3.
        const source = "(aws.amazon.com/cloudwatch/pricing, AWS Price List as infracost reads it, and AWS's blog, 2026-12-04)";
        expect(cloudwatch).toEqual([
            `2 standard-resolution alarm metric(s) x $0.10 a month in us-east-1 ${source}; the account's first 10 standard alarm metrics a month are free, not deducted`,
            `1 standard-resolution alarm metric(s) x $0.10 a month in us-east-1 ${source}; the account's first 10 standard alarm metrics a month are free, not deducted`,
            `1 CloudWatch dashboard x $3.00 a month ${source}; the account's first 3 dashboards are free, not deducted`,
        ]);
        // Lambda at rest costs $0 (billed per request) and its log group $0 without logs: the minimum is the $3.30 of CloudWatch.
        expect((await outputValue(svc.estimatedMonthlyCost)).min).toBe(3.3);
        expect(basis.join("\n")).not.toContain("CloudWatch alarm (per alarm-month) is billed");
    });
});

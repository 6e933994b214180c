import { describe, expect, it } from "vitest";
import { PolyglotPipeline, Target } from "../../index";
import { useMockRuntime } from "../harness";
import { ecr, fraudStages } from "./fixtures";

const rt = useMockRuntime({ config: { "aws:region": "eu-west-1" } });

const PIPELINE = "urn:pulumi:dev::test::modelship:index:PolyglotPipeline::fraud";
const TAGS = { environment: "dev", service: "fraud", pipeline: "fraud", "managed-by": "modelship" };
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:fraud-oncall";

/** The alarm metric of a Step Functions count or time, as the alarms query it. */
const states = (metricName: string, stat: string, arn: string) => ({ namespace: "AWS/States", metricName, stat, period: 300, dimensions: { StateMachineArn: arn } });

describe("PolyglotPipeline on AWS: the state machine's alarms", () => {
    it("alarms on the share of executions not succeeded and on the average execution time, by default", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(ecr), target: Target.AwsLambda }));
        const arn = rt.one("aws:sfn/stateMachine:StateMachine").outputs.arn as string;

        const failures = rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "fraud-alarm-failures");
        expect(failures.parent).toBe(PIPELINE);
        expect(failures.inputs).toEqual({
            alarmDescription:
                "Step Functions state machine of the pipeline fraud: more than 5% of executions failed, timed out or were aborted over 5 minutes ((ExecutionsFailed + ExecutionsTimedOut + ExecutionsAborted) / ExecutionsStarted)",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 5,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            metricQueries: [
                { id: "started", metric: states("ExecutionsStarted", "Sum", arn), returnData: false },
                { id: "failed", metric: states("ExecutionsFailed", "Sum", arn), returnData: false },
                { id: "timedOut", metric: states("ExecutionsTimedOut", "Sum", arn), returnData: false },
                { id: "aborted", metric: states("ExecutionsAborted", "Sum", arn), returnData: false },
                {
                    id: "failureRate",
                    expression: "IF(started > 0, 100 * (FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)) / started, 0)",
                    label: "executions not succeeded, % of ExecutionsStarted",
                    returnData: true,
                },
            ],
            tags: TAGS,
        });

        // The state machine's timeout is 3 x 60 s + 10 s = 190 s (stepfunctions-asl.ts): 80% is 152 s, in milliseconds.
        const latency = rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "fraud-alarm-latency");
        expect(latency.parent).toBe(PIPELINE);
        expect(latency.inputs).toEqual({
            alarmDescription:
                "Step Functions state machine of the pipeline fraud: average ExecutionTime above 152 s over 5 minutes (the state machine's timeout is 190 s; ExecutionTime is in milliseconds)",
            namespace: "AWS/States",
            metricName: "ExecutionTime",
            statistic: "Average",
            period: 300,
            dimensions: { StateMachineArn: arn },
            comparisonOperator: "GreaterThanThreshold",
            threshold: 152_000,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            tags: TAGS,
        });
        // No topic given: the alarms change state in the console only.
        expect(failures.inputs.alarmActions).toBeUndefined();
        expect(latency.inputs.okActions).toBeUndefined();
    });

    it("takes the pipeline's thresholds and notifies its SNS topic when an alarm fires and clears", async () => {
        const { value: pipeline } = await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: fraudStages(ecr),
                    target: Target.AwsLambda,
                    observability: { thresholds: { errorRatePercent: 2, latencySeconds: 20 }, notifications: { snsTopicArn: TOPIC } },
                }),
        );
        const failures = rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "fraud-alarm-failures");
        const latency = rt.one("aws:cloudwatch/metricAlarm:MetricAlarm", "fraud-alarm-latency");
        expect(failures.inputs).toMatchObject({ threshold: 2, alarmActions: [TOPIC], okActions: [TOPIC] });
        expect(latency.inputs).toMatchObject({ threshold: 20_000, alarmActions: [TOPIC], okActions: [TOPIC] });
        expect(latency.inputs.alarmDescription).toContain("above 20 s");
        expect(Object.keys(pipeline.resources)).toEqual(expect.arrayContaining(["failuresAlarm", "latencyAlarm"]));
    });

    it("creates no alarm with observability off", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(ecr), target: Target.AwsLambda, observability: { enabled: false } }));
        expect(rt.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
    });
});

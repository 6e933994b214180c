import { describe, expect, it } from "vitest";
import { PolyglotPipeline, Target } from "../../index";
import { useMockRuntime } from "../harness";
import { fraudStages } from "./fixtures";

const rt = useMockRuntime({ config: { "gcp:project": "ml-prod", "gcp:region": "europe-west1" } });

const PIPELINE = "urn:pulumi:dev::test::modelship:index:PolyglotPipeline::fraud";
const FINISHED =
    'resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="fraud" AND resource.labels.location="europe-west1" AND metric.type="workflows.googleapis.com/finished_execution_count"';
const SUM = [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.workflow_id"] }];
const CHANNEL = "projects/ml-prod/notificationChannels/1234567890";

describe("PolyglotPipeline on GCP: the workflow's alert policy", () => {
    it("alerts on the share of finished executions that did not succeed, by default", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), target: Target.GcpCloudRun }));
        const policy = rt.one("gcp:monitoring/alertPolicy:AlertPolicy", "fraud-alert-failures");
        expect(policy.parent).toBe(PIPELINE);
        expect(policy.inputs).toMatchObject({
            project: "ml-prod",
            displayName: "fraud: executions not succeeded",
            combiner: "OR",
            alertStrategy: { autoClose: "1800s" },
            userLabels: { service: "fraud", "managed-by": "modelship" },
            conditions: [
                {
                    displayName: "executions not succeeded above 5%",
                    conditionThreshold: {
                        filter: `${FINISHED} AND metric.labels.status!="SUCCEEDED"`,
                        aggregations: SUM,
                        denominatorFilter: FINISHED,
                        denominatorAggregations: SUM,
                        comparison: "COMPARISON_GT",
                        thresholdValue: 0.05,
                        duration: "0s",
                        trigger: { count: 1 },
                    },
                },
            ],
        });
        expect(policy.inputs.notificationChannels).toBeUndefined();
        // The workflow's only policy; the stages keep their own three each.
        expect(rt.ofType("gcp:monitoring/alertPolicy:AlertPolicy").filter((p) => p.parent === PIPELINE)).toHaveLength(1);
    });

    it("takes the pipeline's error threshold and notification channels", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: fraudStages(),
                    target: Target.GcpCloudRun,
                    observability: { thresholds: { errorRatePercent: 1 }, notifications: { gcpNotificationChannels: [CHANNEL] } },
                }),
        );
        const policy = rt.one("gcp:monitoring/alertPolicy:AlertPolicy", "fraud-alert-failures");
        expect(policy.inputs).toMatchObject({ notificationChannels: [CHANNEL], conditions: [{ conditionThreshold: { thresholdValue: 0.01 } }] });
    });

    it("creates no policy with observability off", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), target: Target.GcpCloudRun, observability: { enabled: false } }));
        expect(rt.ofType("gcp:monitoring/alertPolicy:AlertPolicy")).toEqual([]);
    });
});

/**
 * ModelService's `observability` arguments: the defaults every target reads, and bad input refused before anything is
 * created (a threshold outside its range, a notification channel of the wrong form, a dashboard on a target that cannot
 * have one), each naming the field, the value and what is accepted.
 */
import { describe, expect, it } from "vitest";
import { ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { resolveObservability } from "../../components/model-service/observability";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const service = (target: Target, observability: ModelServiceArgs["observability"]): ModelServiceArgs => ({
    model: { uri: "https://torchserve.pytorch.org/mar_files/densenet161.mar", runtime: ServingRuntime.TorchServe },
    target,
    observability,
});

async function refused(args: ModelServiceArgs): Promise<string> {
    let message = "";
    const { resources } = await rt.construct(() => {
        try {
            new ModelService("llm", args);
        } catch (e) {
            expect((e as Error).name).toBe("ModelshipValidationError");
            message = (e as Error).message;
        }
    });
    expect(resources).toEqual([]);
    return message;
}

describe("ModelService observability arguments", () => {
    it("defaults to on with the documented thresholds, notifying nowhere, where the target has a metrics stack", () => {
        expect(resolveObservability(Target.Kubernetes, undefined)).toEqual({
            enabled: true,
            dashboard: true,
            thresholds: { errorRatePercent: 5, gpuMemoryPercent: 95, pendingMinutes: 10 },
            notifications: {},
            prometheusLabels: {},
            grafanaDashboardLabels: { grafana_dashboard: "1" },
        });
        expect(resolveObservability(Target.AwsSageMaker, { dashboard: false, thresholds: { errorRatePercent: 1, latencySeconds: 20 } })).toMatchObject({
            enabled: true,
            dashboard: false,
            thresholds: { errorRatePercent: 1, gpuMemoryPercent: 95, pendingMinutes: 10, latencySeconds: 20 },
        });
        expect(resolveObservability(Target.GcpCloudRun, { enabled: false })).toMatchObject({ enabled: false, dashboard: false });
        expect(resolveObservability(Target.Docker, undefined)).toMatchObject({ enabled: false, dashboard: false });
    });

    it("refuses a threshold outside its range", async () => {
        const message = await refused(service(Target.Kubernetes, { thresholds: { errorRatePercent: 0, gpuMemoryPercent: 120, pendingMinutes: 0 } }));
        expect(message).toContain("observability.thresholds.errorRatePercent: received 0; expected");
        expect(message).toContain("observability.thresholds.gpuMemoryPercent: received 120; expected");
        expect(message).toContain("observability.thresholds.pendingMinutes: received 0; expected");
    });

    it("refuses notification channels of the wrong form", async () => {
        const message = await refused(
            service(Target.AwsSageMaker, {
                notifications: {
                    snsTopicArn: "arn:aws:sqs:us-east-1:123456789012:alerts",
                    gcpNotificationChannels: ["alerts@example.com"],
                    alertmanagerLabels: { "team-name": "fraud" },
                },
            }),
        );
        expect(message).toContain('observability.notifications.snsTopicArn: received "arn:aws:sqs:us-east-1:123456789012:alerts"; expected an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic>');
        expect(message).toContain(
            'observability.notifications.gcpNotificationChannels[0]: received "alerts@example.com"; expected a Cloud Monitoring notification channel, projects/<project>/notificationChannels/<id>',
        );
        expect(message).toContain("observability.notifications.alertmanagerLabels");
    });

    it("refuses a dashboard or alerts asked for on docker, which has no metrics stack", async () => {
        const message = await refused(service(Target.Docker, { enabled: true, dashboard: true }));
        expect(message).toBe(
            'modelship:index:ModelService "llm": 2 invalid arguments:\n' +
                '  - observability.enabled: received true; expected false or nothing: target "docker" has no metrics, alerting or dashboard service to create them in\n' +
                '  - observability.dashboard: received true; expected false or nothing: target "docker" has no metrics, alerting or dashboard service to create them in',
        );
    });
});

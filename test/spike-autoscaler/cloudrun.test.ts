/**
 * SpikeAutoscaler on Cloud Run: pre-warming through Cloud Scheduler jobs that PATCH the service-level minimum
 * instances (Cloud Run has no schedule of its own), a least-privilege identity for them, and the settings Cloud
 * Run decides itself refused rather than ignored.
 */
import { describe, expect, it } from "vitest";
import { AutoscalerTarget, ScalingMetric, SpikeAutoscaler, SpikeAutoscalerArgs } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "gcp:project": "ml-prod", "gcp:region": "europe-west4" } });

const JOB = "gcp:cloudscheduler/job:Job";
const RUNTIME_ACCOUNT = "llm-model@ml-prod.iam.gserviceaccount.com";
const service = (extra: Partial<SpikeAutoscalerArgs> = {}): SpikeAutoscalerArgs => ({
    target: AutoscalerTarget.GcpCloudRun,
    cloudRun: { serviceName: "llm", gpu: true, serviceAccountEmail: RUNTIME_ACCOUNT },
    minReplicas: 0,
    maxReplicas: 8,
    ...extra,
});
const decode = (body: unknown) => JSON.parse(Buffer.from(body as string, "base64").toString("utf8")) as unknown;

describe("SpikeAutoscaler on gcp-cloudrun", () => {
    it("pre-warms with a start and an end job that set the service-level minimum instances", async () => {
        const { value, resources } = await rt.construct(
            () => new SpikeAutoscaler("llm", service({ prewarm: [{ schedule: "45 7 * * 1-5", timezone: "Europe/Amsterdam", durationMinutes: 120, replicas: 3 }] })),
        );
        expect(resources.map((r) => `${r.type}::${r.name}`)).toEqual([
            "modelship:index:SpikeAutoscaler::llm",
            "gcp:serviceaccount/account:Account::llm-prewarm",
            "gcp:cloudrunv2/serviceIamMember:ServiceIamMember::llm-prewarm-run-developer",
            "gcp:serviceaccount/iAMMember:IAMMember::llm-prewarm-act-as",
            `${JOB}::llm-prewarm-0-start`,
            `${JOB}::llm-prewarm-0-end`,
        ]);
        const scheduler = "serviceAccount:llm-prewarm@ml-prod.iam.gserviceaccount.com";
        expect(rt.one("gcp:cloudrunv2/serviceIamMember:ServiceIamMember").inputs).toEqual({
            project: "ml-prod",
            location: "europe-west4",
            name: "llm",
            role: "roles/run.developer",
            member: scheduler,
        });
        expect(rt.one("gcp:serviceaccount/iAMMember:IAMMember").inputs).toEqual({
            serviceAccountId: `projects/ml-prod/serviceAccounts/${RUNTIME_ACCOUNT}`,
            role: "roles/iam.serviceAccountUser",
            member: scheduler,
        });
        const start = rt.one(JOB, "llm-prewarm-0-start");
        const { httpTarget, ...job } = start.inputs as { httpTarget: Record<string, unknown> };
        expect(job).toEqual({
            name: "llm-prewarm-0-start",
            project: "ml-prod",
            region: "europe-west4",
            description: "Raise the minimum instances of a Cloud Run service to 3 (modelship pre-warming window 0)",
            schedule: "45 7 * * 1-5",
            timeZone: "Europe/Amsterdam",
            retryConfig: { retryCount: 3 },
        });
        expect({ ...httpTarget, body: decode(httpTarget.body) }).toEqual({
            uri: "https://run.googleapis.com/v2/projects/ml-prod/locations/europe-west4/services/llm?updateMask=scaling.minInstanceCount",
            httpMethod: "PATCH",
            headers: { "Content-Type": "application/json" },
            body: { scaling: { minInstanceCount: 3 } },
            oauthToken: { serviceAccountEmail: "llm-prewarm@ml-prod.iam.gserviceaccount.com", scope: "https://www.googleapis.com/auth/cloud-platform" },
        });
        const end = rt.one(JOB, "llm-prewarm-0-end");
        expect(end.inputs).toMatchObject({ schedule: "45 9 * * 1-5", timeZone: "Europe/Amsterdam" });
        expect(decode((end.inputs.httpTarget as Record<string, unknown>).body)).toEqual({ scaling: { minInstanceCount: 0 } });
        for (const j of [start, end])
            expect(j.options.dependencies).toEqual(expect.arrayContaining(resources.filter((r) => r.type.includes("IAMMember") || r.type.includes("IamMember")).map((r) => r.urn)));
        // One L4 instance in europe-west4 is not priced by the catalog's Cloud Run GPU row (us-central1 only): unknown, never 0.
        expect((await outputValue(value.estimatedMonthlyCost)).known).toBe(false);
    });

    it("creates nothing without windows: min, max and concurrency belong on the service", async () => {
        const { resources } = await rt.construct(() => new SpikeAutoscaler("llm", service()));
        expect(resources.map((r) => r.type)).toEqual(["modelship:index:SpikeAutoscaler"]);
    });

    it("refuses what Cloud Run decides itself, and pre-warming without the service's identity", () => {
        expect(
            () =>
                new SpikeAutoscaler("llm", {
                    ...service({
                        metric: ScalingMetric.GpuUtilization,
                        burstMultiplier: 2,
                        scaleDownDelaySeconds: 60,
                        scaleToZeroAfterSeconds: 300,
                        prewarm: [{ schedule: "0 8 * * *", durationMinutes: 60, replicas: 2 }],
                    }),
                    cloudRun: { serviceName: "llm" },
                }),
        ).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 1 invalid argument:\n' +
                "  - cloudRun.serviceAccountEmail: received nothing (the field is missing); expected the service's runtime service account with prewarm (the jobs that update the service must act as it)",
        );
        expect(() => new SpikeAutoscaler("llm", service({ metric: ScalingMetric.GpuUtilization, burstMultiplier: 2, scaleDownDelaySeconds: 60, scaleToZeroAfterSeconds: 300 }))).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 4 invalid arguments:\n' +
                '  - metric: received "gpu-utilization"; expected in-flight-requests on gcp-cloudrun (Cloud Run scales on concurrent requests and CPU; its metric cannot be chosen)\n' +
                "  - burstMultiplier: received 2; expected nothing on gcp-cloudrun (Cloud Run decides how fast instances are added)\n" +
                "  - scaleDownDelaySeconds: received 60; expected nothing on gcp-cloudrun (Cloud Run decides when idle instances go; keep minReplicas or pre-warm instead)\n" +
                "  - scaleToZeroAfterSeconds: received 300; expected nothing on gcp-cloudrun (Cloud Run decides when idle instances go; keep minReplicas or pre-warm instead)",
        );
    });
});

/**
 * The pipeline's defaults under each target's settings block, on the stage and on the pipeline: a field given as
 * `undefined` (as a program that spreads optional config does) keeps the default, never replaces it with nothing.
 */
import { describe, expect, it } from "vitest";
import { PolyglotPipeline, StageLanguage, Target } from "../../index";
import { useMockRuntime } from "../harness";
import { digest, ecr } from "./fixtures";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:project": "ml-prod", "gcp:region": "europe-west1" } });

const service = (name: string) => rt.one("modelship:index:ModelService", name).inputs;

describe("stage and pipeline settings given as undefined keep the pipeline's defaults", () => {
    it("on aws-lambda: the function timeout is the stage's; the state machine keeps its log retention and HTTP API", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("p", {
                    stages: [{ name: "s", language: StageLanguage.Python, image: ecr("acme/s"), timeoutSeconds: 20, lambda: { timeoutSeconds: undefined, reservedConcurrency: 2 } }],
                    stepFunctions: { httpApi: undefined, logRetentionDays: undefined },
                    target: Target.AwsLambda,
                }),
        );
        expect(service("p-s").lambda).toEqual({ timeoutSeconds: 20, reservedConcurrency: 2 });
        expect(rt.one("aws:lambda/function:Function", "p-s-function").inputs).toMatchObject({ timeout: 20, reservedConcurrentExecutions: 2 });
        expect(rt.one("aws:cloudwatch/logGroup:LogGroup", "p-logs").inputs.retentionInDays).toBe(30);
        expect(rt.ofType("aws:apigatewayv2/api:Api")).toHaveLength(1);
    });

    it("on gcp-cloudrun: the request timeout is the stage's and an R stage serves one request at a time; the workflow logs errors only", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("p", {
                    stages: [{ name: "s", language: StageLanguage.R, image: digest("acme/s"), timeoutSeconds: 30, cloudRun: { requestTimeoutSeconds: undefined, concurrency: undefined } }],
                    workflows: { region: undefined, callLogLevel: undefined },
                    target: Target.GcpCloudRun,
                }),
        );
        expect(service("p-s").cloudRun).toEqual({ requestTimeoutSeconds: 30, concurrency: 1 });
        expect(rt.one("gcp:cloudrunv2/service:Service", "p-s-service").inputs).toMatchObject({ template: { maxInstanceRequestConcurrency: 1, timeout: "30s" } });
        expect(rt.one("gcp:workflows/workflow:Workflow").inputs).toMatchObject({ region: "europe-west1", callLogLevel: "LOG_ERRORS_ONLY" });
    });

    it("on docker: the stage's host port follows the router's, whose port, image and body limit keep their defaults", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("p", {
                    stages: [{ name: "s", language: StageLanguage.Python, image: digest("acme/s"), docker: { hostPort: undefined } }],
                    docker: { port: undefined, routerImage: undefined, maxBodyMiB: undefined },
                    target: Target.Docker,
                }),
        );
        expect(service("p-s").docker).toEqual({ hostPort: 8081 });
        expect(rt.one("docker:index/remoteImage:RemoteImage", "p-router-image").inputs.name).toBe("node:22.23.3-alpine");
        const [, config] = rt.one("docker:index/container:Container", "p-router").inputs.uploads as { content: string }[];
        expect(JSON.parse(config.content)).toMatchObject({ listen: { host: "127.0.0.1", port: 8080 }, maxBodyBytes: 10 * 1024 * 1024 });
    });
});

describe("the pipeline's observability", () => {
    it("goes to every stage's ModelService as given, and is refused at the pipeline's own path when malformed", async () => {
        const observability = { dashboard: false, thresholds: { errorRatePercent: 2 }, notifications: { gcpNotificationChannels: ["projects/ml-prod/notificationChannels/123"] } };
        await rt.construct(
            () =>
                new PolyglotPipeline("p", {
                    stages: [
                        { name: "a", language: StageLanguage.Python, image: digest("acme/a") },
                        { name: "b", language: StageLanguage.R, image: digest("acme/b") },
                    ],
                    observability,
                    target: Target.GcpCloudRun,
                }),
        );
        expect(service("p-a").observability).toEqual(observability);
        expect(service("p-b").observability).toEqual(observability);
        await rt.construct(() => {
            expect(
                () =>
                    new PolyglotPipeline("q", {
                        stages: [{ name: "a", language: StageLanguage.Python, image: digest("acme/a") }],
                        observability: { thresholds: { gpuMemoryPercent: 10 } },
                        target: Target.GcpCloudRun,
                    }),
            ).toThrow("observability.thresholds.gpuMemoryPercent: received 10; expected");
        });
    });
});

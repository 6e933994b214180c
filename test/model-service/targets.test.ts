/**
 * The target contract: one settings step per target (every default applied, a field given as `undefined` never
 * overriding one), each target's part in autoscaling in its own file, and a contract the compiler enforces.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { checkModelService } from "../../components/model-service/check";
import { modelServiceSchema } from "../../components/model-service/schema";
import { resolveSpec, ServingSpec } from "../../components/model-service/spec";
import { TARGETS } from "../../components/model-service/targets";
import { ServingTarget } from "../../components/model-service/targets/target";
import { useMockRuntime } from "../harness";

useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "europe-west4" } });

const ecr = `111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder@sha256:${"a".repeat(64)}`;

function specOf(args: ModelServiceArgs): ServingSpec {
    return resolveSpec("svc", modelServiceSchema.parse(args));
}

describe("ModelService targets' settings", () => {
    it("applies every default of each target's block, also to fields given as undefined", () => {
        const given = {
            [Target.Docker]: { docker: { hostPort: undefined, queueHostPort: undefined, restart: undefined } },
            [Target.Kubernetes]: { kubernetes: { namespace: undefined, readOnlyRootFilesystem: undefined } },
            [Target.AwsSageMaker]: { sagemaker: { serverless: undefined, serverlessMaxConcurrency: undefined, invocationsPerInstanceTarget: undefined, logRetentionDays: undefined } },
            [Target.AwsLambda]: {
                lambda: {
                    reservedConcurrency: undefined,
                    provisionedConcurrency: undefined,
                    timeoutSeconds: undefined,
                    architecture: undefined,
                    ephemeralStorageMiB: undefined,
                    logRetentionDays: undefined,
                },
            },
            [Target.GcpCloudRun]: {
                cloudRun: {
                    region: undefined,
                    concurrency: undefined,
                    requestTimeoutSeconds: undefined,
                    invokers: undefined,
                    cpuAlwaysAllocated: undefined,
                    gpuZonalRedundancy: undefined,
                    loadBalancerIngress: undefined,
                    queueConsumerImage: undefined,
                },
            },
        } satisfies Record<Target, Partial<ModelServiceArgs>>;
        const settings = (target: Target, block: Partial<ModelServiceArgs>) => TARGETS[target].settings(specOf({ model: { uri: "s3://models/llm/", runtime: ServingRuntime.Vllm }, target, ...block }));
        for (const target of Object.values(Target)) {
            // Undefined fields and an absent block resolve the same.
            expect(settings(target, given[target])).toEqual(settings(target, {}));
        }
        expect(settings(Target.Docker, given[Target.Docker])).toEqual({ hostPort: 8000, queueHostPort: 6379, restart: "unless-stopped" });
        // vLLM writes only to /tmp and $HOME: read-only root by default.
        expect(settings(Target.Kubernetes, given[Target.Kubernetes])).toEqual({ namespace: "default", readOnlyRootFilesystem: true });
        expect(settings(Target.AwsSageMaker, given[Target.AwsSageMaker])).toEqual({
            serverless: false,
            // The cheapest of the catalog's CPU hosting types that fits 1 vCPU and 2 GiB.
            instanceType: "ml.c5.xlarge",
            memoryMiB: 2048,
            maxConcurrency: 20,
            invocationsPerInstanceTarget: 70,
            logRetentionDays: 30,
        });
        expect(settings(Target.AwsLambda, given[Target.AwsLambda])).toEqual({
            functionName: "svc",
            memoryMb: 2048,
            reservedConcurrency: 10,
            provisionedConcurrency: 0,
            autoscaled: false,
            timeoutSeconds: 60,
            architecture: "x86_64",
            ephemeralStorageMiB: 512,
            logRetentionDays: 30,
        });
        expect(settings(Target.GcpCloudRun, given[Target.GcpCloudRun])).toEqual({
            region: "europe-west4",
            concurrency: 80,
            requestTimeoutSeconds: 300,
            versionName: undefined,
            invokers: [],
            cpuAlwaysAllocated: false,
            gpuZonalRedundancy: false,
            loadBalancerIngress: false,
            queueConsumerImage: "docker.io/library/python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36",
        });
    });

    it("keeps what was given explicitly apart from the defaults, for the checks that need it", () => {
        const spec = specOf({
            model: { image: ecr },
            resources: { cpu: 2 },
            versions: [
                { name: "a", weight: 50 },
                { name: "b", uri: "s3://models/b/", weight: 50 },
            ],
            target: Target.Kubernetes,
        });
        expect(spec.given.resources).toEqual({ cpu: 2 });
        expect(spec.given.model).toEqual({ serverImage: undefined, port: undefined, startupTimeoutSeconds: undefined });
        expect(spec.given.versions).toEqual([
            { image: false, uri: false },
            { image: false, uri: true },
        ]);
        expect(spec).not.toHaveProperty("args");
        expect([spec.cpu, spec.memoryGiB, spec.startupTimeoutSeconds]).toEqual([2, 2, 600]);
    });
});

describe("ModelService targets' autoscaling", () => {
    it("refuses scaling.autoscaling on docker with the reason docker gives", () => {
        const parsed = modelServiceSchema.parse({ model: { image: ecr }, scaling: { maxReplicas: 1, autoscaling: {} }, target: Target.Docker });
        expect(checkModelService("svc", parsed).problems).toContainEqual({
            path: "scaling.autoscaling",
            received: "an empty object",
            expected: "no autoscaling on target docker (one container and no autoscaler: use scaling.replicas 0 or 1)",
        });
    });

    it("applies SageMaker's default policy without the block, from its own settings", () => {
        const parsed = modelServiceSchema.parse({
            model: { image: ecr },
            resources: { gpu: { accelerator: Accelerator.A10G } },
            scaling: { minReplicas: 1, maxReplicas: 3 },
            sagemaker: { invocationsPerInstanceTarget: 120 },
            target: Target.AwsSageMaker,
        });
        const { problems, spec } = checkModelService("svc", parsed);
        expect(problems).toEqual([]);
        expect([spec?.autoscaling?.metric, spec?.autoscaling?.metricTarget]).toEqual(["requests-per-second", 2]);
    });
});

describe("the ServingTarget contract", () => {
    it("makes every target state its settings step and its autoscaling (a missing member fails to compile)", () => {
        const docker = TARGETS[Target.Docker];
        // @ts-expect-error: a target must resolve its settings and say how it autoscales (or why not).
        const incomplete: ServingTarget = { target: Target.Docker, validate: docker.validate, deploy: docker.deploy, costedResources: docker.costedResources };
        expect(incomplete.target).toBe(Target.Docker);
        for (const target of Object.values(Target)) {
            expect(TARGETS[target].target).toBe(target);
            expect(TARGETS[target].autoscaling).toBeDefined();
        }
    });
});

/**
 * ModelService with the autoscaling spec inline (`scaling.autoscaling`): every target honours it with the
 * SpikeAutoscaler's code, and the Deployment leaves its replica count to the autoscaler.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, ModelService, ModelServiceArgs, ScalingMetric, ServingRuntime, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:project": "ml-prod", "gcp:region": "us-central1" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const PROMETHEUS = "http://prometheus-operated.monitoring.svc:9090";
const ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud/scorer@sha256:" + "a".repeat(64);
const gar = "us-docker.pkg.dev/ml-prod/models/llm@sha256:" + "b".repeat(64);
const WINDOW = { schedule: "45 7 * * 1-5", durationMinutes: 120, replicas: 4 };
const spec = (r: ResourceRecord): Json => r.inputs.spec as Json;

const llm = (scaling: ModelServiceArgs["scaling"], extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling,
    kubernetes: { namespace: "ml", autoscaler: { prometheusUrl: PROMETHEUS } },
    target: Target.Kubernetes,
    ...extra,
});

describe("ModelService with scaling.autoscaling on kubernetes", () => {
    it("leaves replicas out of the Deployment (drift ignored) and scales it with a ScaledObject of the service", async () => {
        const { value } = await rt.construct(() => new ModelService("llm", llm({ minReplicas: 1, maxReplicas: 6, autoscaling: { prewarm: [WINDOW] } })));
        const deployment = rt.one(DEPLOYMENT);
        expect("replicas" in spec(deployment)).toBe(false);
        expect(deployment.options.ignoreChanges).toEqual(["spec.replicas"]);
        const scaledObject = rt.one(SCALED_OBJECT, "llm");
        expect(scaledObject.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelService::llm");
        expect(scaledObject.options.dependencies).toContain(deployment.urn);
        expect(spec(scaledObject)).toMatchObject({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" },
            minReplicaCount: 1,
            maxReplicaCount: 6,
            cooldownPeriod: 600,
            triggers: [
                {
                    type: "prometheus",
                    metadata: {
                        query: 'sum(vllm:num_requests_running{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) + (sum(vllm:num_requests_waiting{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) < 8 * sum(vllm:num_requests_running{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) or 8 * sum(vllm:num_requests_running{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}))',
                        threshold: "4",
                    },
                },
                // The arrival-rate and panic triggers beside it (kubernetes.test.ts has their queries).
                { type: "prometheus", name: "arrival-rate", metricType: "AverageValue", metadata: { threshold: "4" } },
                { type: "prometheus", name: "panic", metricType: "AverageValue", metadata: { threshold: "4" } },
                { type: "cron", metadata: { timezone: "UTC", start: "45 7 * * 1-5", end: "45 9 * * 1-5", desiredReplicas: "4" } },
            ],
        });
        expect(Object.keys(value.resources)).toContain("scaledObject");
        // The cost model prices the Deployment at the ScaledObject's bounds (1-6 x $587.504), plus pre-warming:
        // 43.5 h a month x 3 replicas above the minimum x $0.8048/h = $105.03.
        const cost = await outputValue(value.estimatedMonthlyCost);
        expect(cost).toMatchObject({ known: true, min: 692.53, max: 3525.02 });
        expect(cost.basis[0]).toContain('replicas from KEDA ScaledObject "llm" (1-6)');
    });

    it("keeps the replica count fixed without the block, as before", async () => {
        await rt.construct(() => new ModelService("llm", llm({ minReplicas: 1, maxReplicas: 6 }, { kubernetes: { namespace: "ml" } })));
        expect(spec(rt.one(DEPLOYMENT)).replicas).toBe(1);
        expect(rt.ofType(SCALED_OBJECT)).toEqual([]);
    });

    it("uses a HorizontalPodAutoscaler with engine hpa, and installs KEDA once for the service when asked", async () => {
        await rt.construct(() => new ModelService("llm", llm({ minReplicas: 1, maxReplicas: 3, autoscaling: {} }, { kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Hpa } } })));
        expect(spec(rt.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"))).toMatchObject({ scaleTargetRef: { name: "llm" }, minReplicas: 1, maxReplicas: 3 });
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    llm(
                        { minReplicas: 1, maxReplicas: 8, autoscaling: {} },
                        {
                            versions: [
                                { name: "stable", weight: 75 },
                                { name: "next", weight: 25 },
                            ],
                            kubernetes: { gateway: "infra/internal", autoscaler: { prometheusUrl: PROMETHEUS, installKeda: true } },
                        },
                    ),
                ),
        );
        const release = rt.one("kubernetes:helm.sh/v3:Release");
        expect(rt.ofType(SCALED_OBJECT).map((o) => [o.name, spec(o).minReplicaCount, spec(o).maxReplicaCount, o.options.dependencies?.includes(release.urn)])).toEqual([
            ["llm-stable", 1, 6, true],
            ["llm-next", 1, 2, true],
        ]);
    });

    it("fails the deployment when the GpuPool's maximum (an output) cannot hold the pods' maximum", async () => {
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    llm({ minReplicas: 1, maxReplicas: 6, autoscaling: {} }, { kubernetes: { namespace: "ml", autoscaler: { prometheusUrl: PROMETHEUS, gpuPoolMaxGpus: pulumi.output(4) } } }),
                ),
        );
        await rt.settle();
        expect(rt.asyncErrors.map(String).join("\n")).toContain(
            "kubernetes.autoscaler.gpuPoolMaxGpus: received 4; expected at least 6 GPUs: the pods' maximum (6 replica(s) x 1 GPU) must fit in the pool's maximum",
        );
    });
});

describe("ModelService with scaling.autoscaling on the managed targets", () => {
    it("aws-sagemaker: the shared scaling code with pre-warming actions on the variant", async () => {
        const { value } = await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: ecr },
                    resources: { gpu: { accelerator: Accelerator.A10G } },
                    sagemaker: { instanceType: "ml.g5.xlarge" },
                    scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: { prewarm: [WINDOW] } },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(rt.one("aws:appautoscaling/target:Target", "llm-scaling").inputs).toMatchObject({ resourceId: "endpoint/llm/variant/default", minCapacity: 1, maxCapacity: 4 });
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling").inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({
            predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantConcurrentRequestsPerModelHighResolution" },
        });
        expect(rt.ofType("aws:appautoscaling/scheduledAction:ScheduledAction").map((a) => [a.name, a.inputs.schedule])).toEqual([
            ["llm-scaling-prewarm-0-start", "cron(45 7 ? * MON-FRI *)"],
            ["llm-scaling-prewarm-0-end", "cron(45 9 ? * MON-FRI *)"],
        ]);
        expect(Object.keys(value.resources)).toEqual(expect.arrayContaining(["scalingTarget", "scalingPolicy", "prewarm-0-start", "prewarm-0-end"]));
    });

    it("aws-sagemaker: GPU utilisation on a four-GPU instance targets 70% of each GPU (CloudWatch sums them: 280)", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: ecr },
                    resources: { gpu: { accelerator: Accelerator.A10G, count: 4 } },
                    sagemaker: { instanceType: "ml.g5.12xlarge" },
                    scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: { metric: ScalingMetric.GpuUtilization } },
                    target: Target.AwsSageMaker,
                }),
        );
        expect(rt.one("aws:appautoscaling/policy:Policy", "llm-scaling").inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({ targetValue: 280 });
    });

    it("aws-lambda: an alias whose provisioned concurrency starts at the minimum and is left to Application Auto Scaling", async () => {
        await rt.construct(() => new ModelService("fn", { model: { image: ecr }, scaling: { minReplicas: 2, maxReplicas: 8, autoscaling: {} }, target: Target.AwsLambda }));
        expect(rt.one("aws:lambda/function:Function").inputs.publish).toBe(true);
        const provisioned = rt.one("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
        expect(provisioned.inputs).toMatchObject({ functionName: "fn", qualifier: "live", provisionedConcurrentExecutions: 2 });
        expect(provisioned.options.ignoreChanges).toEqual(["provisionedConcurrentExecutions"]);
        const target = rt.one("aws:appautoscaling/target:Target", "fn-scaling");
        expect(target.inputs).toMatchObject({ serviceNamespace: "lambda", resourceId: "function:fn:live", minCapacity: 2, maxCapacity: 8 });
        expect(target.options.dependencies).toContain(provisioned.urn);
        // Minimum 0: no provisioned concurrency outside the windows, and none configured at creation.
        await rt.construct(() => new ModelService("fn", { model: { image: ecr }, scaling: { minReplicas: 0, maxReplicas: 8, autoscaling: { prewarm: [WINDOW] } }, target: Target.AwsLambda }));
        expect(rt.ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toEqual([]);
        expect(rt.one("aws:lambda/alias:Alias").inputs.name).toBe("live");
    });

    it("gcp-cloudrun: min/max and the concurrency cap from the spec; pre-warming moves the minimum to the service level", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: gar },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    scaling: { minReplicas: 0, maxReplicas: 5, autoscaling: { metricTarget: 6 } },
                    target: Target.GcpCloudRun,
                }),
        );
        const plain = rt.one("gcp:cloudrunv2/service:Service");
        expect(plain.inputs.scaling).toBeUndefined();
        expect((plain.inputs.template as Json).scaling).toEqual({ minInstanceCount: 0, maxInstanceCount: 5 });
        expect((plain.inputs.template as Json).maxInstanceRequestConcurrency).toBe(6);
        expect(rt.ofType("gcp:cloudscheduler/job:Job")).toEqual([]);

        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: gar },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    scaling: { minReplicas: 1, maxReplicas: 5, autoscaling: { prewarm: [WINDOW] } },
                    target: Target.GcpCloudRun,
                }),
        );
        const service = rt.one("gcp:cloudrunv2/service:Service");
        expect(service.inputs.scaling).toEqual({ minInstanceCount: 1 });
        expect((service.inputs.template as Json).scaling).toEqual({ maxInstanceCount: 5 });
        expect(service.options.ignoreChanges).toEqual(["scaling"]);
        expect(rt.ofType("gcp:cloudscheduler/job:Job").map((j) => [j.name, j.inputs.schedule, (j.inputs.httpTarget as Json).uri])).toEqual([
            ["llm-prewarm-0-start", "45 7 * * 1-5", "https://run.googleapis.com/v2/projects/ml-prod/locations/us-central1/services/llm?updateMask=scaling.minInstanceCount"],
            ["llm-prewarm-0-end", "45 9 * * 1-5", "https://run.googleapis.com/v2/projects/ml-prod/locations/us-central1/services/llm?updateMask=scaling.minInstanceCount"],
        ]);
        expect(rt.one("gcp:serviceaccount/iAMMember:IAMMember").inputs.serviceAccountId).toBe("projects/ml-prod/serviceAccounts/llm-model@ml-prod.iam.gserviceaccount.com");
    });
});

describe("ModelService with scaling.autoscaling refuses", () => {
    const refuse = (name: string, args: ModelServiceArgs) => () => new ModelService(name, args);

    it("autoscaling on docker", () => {
        expect(refuse("local", { model: { image: gar }, scaling: { minReplicas: 0, maxReplicas: 1, autoscaling: {} }, target: Target.Docker })).toThrow(
            'modelship:index:ModelService "local": 1 invalid argument:\n' +
                "  - scaling.autoscaling: received an empty object; expected no autoscaling on target docker (one container and no autoscaler: use scaling.replicas 0 or 1)",
        );
    });

    it("a fixed count or no maximum with the block, and Kubernetes autoscaler settings without it", () => {
        expect(refuse("llm", llm({ replicas: 2, autoscaling: {} }))).toThrow(
            'modelship:index:ModelService "llm": 2 invalid arguments:\n' +
                "  - scaling.replicas: received 2; expected minReplicas and maxReplicas with scaling.autoscaling (a fixed count leaves nothing to scale)\n" +
                "  - scaling.maxReplicas: received nothing (the field is missing); expected the autoscaler's upper bound with scaling.autoscaling",
        );
        expect(refuse("llm", llm({ replicas: 2 }))).toThrow("  - kubernetes.autoscaler: received an object with prometheusUrl; expected nothing without scaling.autoscaling");
    });

    it("a real-time SageMaker endpoint at zero, once, in the target's words", () => {
        expect(
            refuse("llm", { model: { image: ecr }, sagemaker: { instanceType: "ml.c5.xlarge" }, scaling: { minReplicas: 0, maxReplicas: 3, autoscaling: {} }, target: Target.AwsSageMaker }),
        ).toThrow(
            'modelship:index:ModelService "llm": 1 invalid argument:\n' +
                '  - scaling.minReplicas: received 0; expected at least 1 on a real-time SageMaker endpoint (it cannot scale to zero; use scaling.mode "queue" for an asynchronous endpoint that can, or sagemaker.serverless to pay per request)',
        );
    });

    it("a metric target of 0, a bad cron and a budget below the minimum, with ModelService's paths", () => {
        expect(
            refuse(
                "llm",
                llm({ minReplicas: 2, maxReplicas: 6, autoscaling: { metricTarget: 0, prewarm: [{ schedule: "45 25 * * *", durationMinutes: 60, replicas: 3 }], budget: { maxMonthlyUsd: 1000 } } }),
            ),
        ).toThrow('modelship:index:ModelService "llm": 1 invalid argument:\n  - scaling.autoscaling.metricTarget: received 0; expected a number > 0');
        expect(
            refuse("llm", llm({ minReplicas: 2, maxReplicas: 6, autoscaling: { prewarm: [{ schedule: "45 25 * * *", durationMinutes: 60, replicas: 3 }], budget: { maxMonthlyUsd: 1000 } } })),
        ).toThrow(
            'modelship:index:ModelService "llm": 2 invalid arguments:\n' +
                '  - scaling.autoscaling.prewarm[0].schedule: received "45 25 * * *"; expected a cron expression that parses (Constraint error, got value 25 expected range 0-23)\n' +
                "  - scaling.autoscaling.budget.maxMonthlyUsd: received 1000; expected at least $1,175.01 (the cost of the minimum: 2 replica(s) x $587.50/month; one replica is " +
                "1 replica(s) x 1 x NVIDIA L4, 4 vCPU, 16 GiB per pod (modelship.dev/accelerator=l4, the pod's label), each priced as the cheapest node that fits it: " +
                "g6.xlarge (1 x NVIDIA L4, 4 vCPU, 16 GiB) at $0.8048/h on-demand, NVIDIA L4 on aws us-east-1 (aws_ec2_gpu_prices.csv, vantage, 2026-01-21) x 730 h; the cluster's nodes are not in this stack)",
        );
    });

    it("min above max, and the Cloud Run concurrency set twice", () => {
        expect(refuse("llm", llm({ minReplicas: 5, maxReplicas: 2, autoscaling: {} }))).toThrow("  - scaling.minReplicas: received 5; expected a number <= scaling.maxReplicas (2)");
        expect(
            refuse("llm", { model: { image: gar }, cloudRun: { concurrency: 10 }, scaling: { minReplicas: 0, maxReplicas: 3, autoscaling: { metricTarget: 20 } }, target: Target.GcpCloudRun }),
        ).toThrow("  - cloudRun.concurrency: received 10; expected either cloudRun.concurrency or scaling.autoscaling.metricTarget (both set the concurrency cap per instance)");
    });
});

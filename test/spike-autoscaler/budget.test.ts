/**
 * The budget cap, against figures worked out by hand from the catalog rows (us-east-1, on-demand, 730 h a month):
 * - g6.xlarge (1 x NVIDIA L4, 4 vCPU, 16 GiB) $0.8048/h (sdk/catalog/data/aws-ec2.data.ts, from aws_ec2_gpu_prices.csv):
 *   one L4 pod of the default 4 vCPU and 16 GiB fits it, so it costs $0.8048/h = $587.504/month;
 * - ml.g5.xlarge $1.4084/h (sdk/catalog/data/sagemaker.data.ts): $1,028.132/month per instance;
 * - Cloud Run us-central1, instance-based: 4 vCPU x $0.000018/vCPU-s + 16 GiB x $0.000002/GiB-s + one L4 at $0.67/h
 *   = $0.2592 + $0.1152 + $0.67 = $1.0444/h = $762.412/month per instance.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, AutoscalerTarget, ModelService, ScalingBound, SpikeAutoscaler, SpikeAutoscalerArgs, Target } from "../../index";
import { budgetMaxReplicas } from "../../components/spike-autoscaler/budget";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1" } });

const l4Pods = (min: number, max: number, maxMonthlyUsd: number): SpikeAutoscalerArgs => ({
    target: AutoscalerTarget.Kubernetes,
    kubernetes: { deploymentName: "llm", accelerator: Accelerator.L4, prometheusUrl: "http://prometheus:9090", hpaMetricName: "in_flight_requests" },
    query: "sum(in_flight)",
    minReplicas: min,
    maxReplicas: max,
    budget: { maxMonthlyUsd },
});

async function bounds(autoscaler: SpikeAutoscaler) {
    return {
        min: await outputValue(autoscaler.effectiveMin),
        max: await outputValue(autoscaler.effectiveMax),
        binding: await outputValue(autoscaler.bindingBound),
        cost: await outputValue(autoscaler.estimatedMonthlyCost),
    };
}

describe("the budget cap", () => {
    it("turns $3,000/month into 5 L4 pods: 5 x $587.504 = $2,937.52 fits, 6 = $3,525.02 does not", async () => {
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", l4Pods(1, 8, 3000)));
        const b = await bounds(value);
        expect([b.min, b.max, b.binding]).toEqual([1, 5, ScalingBound.Budget]);
        expect(b.cost).toMatchObject({ known: true, min: 587.5, max: 2937.52 });
        expect(b.cost.basis.slice(1)).toEqual(["min 1 x $587.50 = $587.50/month", "max 5 x $587.50 = $2,937.52/month (bound: budget $3,000.00/month)"]);
        expect(value.resources.scaledObject).toBeDefined();
        expect((rt.one("kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec as Record<string, unknown>).maxReplicaCount).toBe(5);
    });

    it("lowers a pre-warming window to the budget's maximum: 8 replicas asked, 5 paid for", async () => {
        const window = { schedule: "0 8 * * 1-5", durationMinutes: 60, replicas: 8 };
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", { ...l4Pods(1, 8, 3000), prewarm: [window] }));
        const triggers = (rt.one("kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec as Record<string, any>).triggers; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(triggers[1].metadata.desiredReplicas).toBe("5");
        // Pre-warming at the minimum: 261 windows of 1 h / 12 = 21.75 h a month x 4 replicas above 1 x $0.8048/h = $70.02.
        expect(await outputValue(value.estimatedMonthlyCost)).toMatchObject({ min: 657.52, max: 2937.52 });
    });

    it("lets maxReplicas bind when the budget covers it: 8 x $587.504 = $4,700.03 <= $10,000", async () => {
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", l4Pods(2, 8, 10000)));
        const b = await bounds(value);
        expect([b.min, b.max, b.binding]).toEqual([2, 8, ScalingBound.Spec]);
        expect(b.cost).toMatchObject({ min: 1175.01, max: 4700.03 });
    });

    it("compares the budget with the cost model's figure to the cent: 4 pods are $2,350.02", async () => {
        const { value: exact } = await rt.construct(() => new SpikeAutoscaler("llm", l4Pods(1, 8, 2350.02)));
        expect(await outputValue(exact.effectiveMax)).toBe(4);
        const { value: short } = await rt.construct(() => new SpikeAutoscaler("llm", l4Pods(1, 8, 2350.01)));
        expect(await outputValue(short.effectiveMax)).toBe(3);
    });

    it("caps a SageMaker variant: $3,500 buys 3 ml.g5.xlarge ($3,084.40), not 4 ($4,112.53)", async () => {
        const { value } = await rt.construct(
            () =>
                new SpikeAutoscaler("llm", {
                    target: AutoscalerTarget.AwsSageMaker,
                    sagemaker: { endpointName: "llm", instanceType: "ml.g5.xlarge" },
                    maxReplicas: 6,
                    budget: { maxMonthlyUsd: 3500 },
                }),
        );
        const b = await bounds(value);
        expect([b.min, b.max, b.binding]).toEqual([1, 3, ScalingBound.Budget]);
        expect(b.cost).toMatchObject({ min: 1028.13, max: 3084.4 });
        expect(rt.one("aws:appautoscaling/target:Target").inputs).toMatchObject({ minCapacity: 1, maxCapacity: 3 });
    });

    it("caps Cloud Run L4 instances: $2,000 buys 2 ($1,524.82), not 3 ($2,287.24)", async () => {
        const { value } = await rt.construct(
            () =>
                new SpikeAutoscaler("llm", {
                    target: AutoscalerTarget.GcpCloudRun,
                    cloudRun: { serviceName: "llm", gpu: true },
                    minReplicas: 0,
                    maxReplicas: 10,
                    budget: { maxMonthlyUsd: 2000 },
                }),
        );
        const b = await bounds(value);
        expect([b.min, b.max, b.binding]).toEqual([0, 2, ScalingBound.Budget]);
        expect(b.cost).toMatchObject({ min: 0, max: 1524.82 });
    });

    it("counts each canary version's rounded-up share: 90/10 at 5 bills 5 + 1 = 6 pods ($3,525.02), so $3,000 allows 4 (4 + 1 = 5 pods)", async () => {
        const image = "registry.example.com/llm@sha256:" + "a".repeat(64);
        const { value } = await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    versions: [
                        { name: "stable", weight: 90 },
                        { name: "next", weight: 10 },
                    ],
                    scaling: { minReplicas: 1, maxReplicas: 8, autoscaling: { query: "sum(in_flight)", budget: { maxMonthlyUsd: 3000 } } },
                    kubernetes: { gateway: "infra/internal", autoscaler: { prometheusUrl: "http://prometheus:9090" } },
                    target: Target.Kubernetes,
                }),
        );
        const objects = rt.ofType("kubernetes:keda.sh/v1alpha1:ScaledObject");
        expect(objects.map((o) => [o.name, (o.inputs.spec as Record<string, number>).minReplicaCount, (o.inputs.spec as Record<string, number>).maxReplicaCount])).toEqual([
            ["llm-stable", 1, 4],
            ["llm-next", 1, 1],
        ]);
        // The ModelService's own estimate: the cost model prices each Deployment at its ScaledObject's bounds
        // (min: one pod each, $587.50 + $587.50; max: 4 pods $2,350.02 + 1 pod $587.50).
        expect(await outputValue(value.estimatedMonthlyCost)).toMatchObject({ known: true, min: 1175, max: 2937.52 });
    });

    it("finds the largest count that fits, whatever the billing of a bound", () => {
        expect(budgetMaxReplicas(3000, 8, (n) => n * 587.504)).toBe(5);
        expect(budgetMaxReplicas(3000, 8, (n) => (Math.ceil(n * 0.9) + Math.max(1, Math.ceil(n * 0.1))) * 587.504)).toBe(4);
        expect(budgetMaxReplicas(500, 8, (n) => n * 587.504)).toBe(0);
    });
});

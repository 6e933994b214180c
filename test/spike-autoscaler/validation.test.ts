/**
 * SpikeAutoscaler's checks of what the Kubernetes API server and any real deployment would refuse: the names of the
 * Deployment, its namespace and the ScaledObject, and replica counts and budgets past any real service. Each is an
 * error with the field, the value and what is accepted, before anything is registered; an Output is checked once known.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AutoscalerTarget, ServingRuntime, SpikeAutoscaler, SpikeAutoscalerArgs } from "../../index";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const header = (name: string, count: number) => `modelship:index:SpikeAutoscaler "${name}": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;
const LABEL_RULE = "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label, as the Kubernetes API server requires)";

const vllm = (extra: Partial<SpikeAutoscalerArgs> = {}, k8s: Partial<NonNullable<SpikeAutoscalerArgs["kubernetes"]>> = {}): SpikeAutoscalerArgs => ({
    target: AutoscalerTarget.Kubernetes,
    maxReplicas: 8,
    kubernetes: { deploymentName: "llm", namespace: "ml", accelerator: Accelerator.L4, runtime: ServingRuntime.Vllm, prometheusUrl: "http://prometheus-operated.monitoring.svc:9090", ...k8s },
    ...extra,
});

/** [what, resource name, arguments, the exact error message] */
const invalid: Array<[string, string, SpikeAutoscalerArgs, string]> = [
    [
        "a name that would have to be rewritten to name the ScaledObject",
        "LLM_Scaler",
        vllm(),
        header("LLM_Scaler", 1) +
            '  - name: received "LLM_Scaler"; expected a name Kubernetes accepts as given, since it names the ScaledObject (or HorizontalPodAutoscaler): ' +
            "lowercase letters, digits and '-', starting and ending with a letter or digit, such as \"llm-scaler\"",
    ],
    [
        "a Deployment and namespace the API server would refuse",
        "llm",
        vllm({}, { deploymentName: "LLM_deploy", namespace: "ML" }),
        header("llm", 2) +
            "  - kubernetes.deploymentName: received \"LLM_deploy\"; expected a Deployment name: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS subdomain, as the Kubernetes API server requires)\n" +
            `  - kubernetes.namespace: received "ML"; expected a namespace name: ${LABEL_RULE}`,
    ],
    [
        "replicas and a budget past any real service",
        "llm",
        vllm({ maxReplicas: 40_000, prewarm: [{ schedule: "0 8 * * 1-5", durationMinutes: 60, replicas: 20_000 }], budget: { maxMonthlyUsd: 500_000_000 } }),
        header("llm", 3) +
            "  - prewarm[0].replicas: received 20000; expected a number <= 10000\n" +
            "  - budget.maxMonthlyUsd: received 500000000; expected a number <= 10000000\n" +
            "  - maxReplicas: received 40000; expected a number <= 10000",
    ],
    [
        "a run-time budget on a standalone autoscaler, which owns neither the workload's tags nor its notifications",
        "llm",
        vllm({ budget: { maxMonthlyUsd: 5000, spendGuard: { thresholdsPercent: [90] } } }),
        header("llm", 1) +
            "  - budget.spendGuard: received an object with thresholdsPercent; expected nothing, or enabled: false: a standalone SpikeAutoscaler creates no run-time budget (it does not own the workload's tags or notifications); give the budget to the ModelService instead (scaling.autoscaling.budget.spendGuard)",
    ],
];

describe("SpikeAutoscaler argument validation", () => {
    for (const [what, name, args, message] of invalid) {
        it(`rejects ${what} with the exact error, before registering anything`, async () => {
            const { resources } = await rt.construct(() => expect(() => new SpikeAutoscaler(name, args)).toThrow(message));
            expect(resources).toEqual([]);
        });
    }

    it("takes any name off Kubernetes, where it names no Kubernetes object", async () => {
        const { resources } = await rt.construct(
            () => new SpikeAutoscaler("Scorer_Scaler", { target: AutoscalerTarget.AwsSageMaker, maxReplicas: 4, sagemaker: { endpointName: "scorer", instanceType: "ml.c5.xlarge" } }),
        );
        expect(resources.some((r) => r.type === "modelship:index:SpikeAutoscaler" && r.name === "Scorer_Scaler")).toBe(true);
    });

    it("checks a namespace Output once known, with the same error", async () => {
        await rt.construct(() => new SpikeAutoscaler("llm", vllm({}, { namespace: pulumi.output("ML") })));
        await rt.settle();
        expect(rt.asyncErrors.map(String).join("\n")).toContain(`${header("llm", 1)}  - kubernetes.namespace: received "ML"; expected a namespace name: ${LABEL_RULE}`);
    });
});

/**
 * ModelService's argument checks that keep the Kubernetes API server, the scheduler and the cost model from being the
 * first to see bad input: Kubernetes names, the accelerator against the node selector, sizes past any real deployment.
 * Each is an error with the field, the value and what is accepted, before anything is registered; values that are
 * Outputs are checked once known, with the same error.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, GpuPool, GpuPoolCloud, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const header = (name: string, count: number) => `modelship:index:ModelService "${name}": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** An L4 vLLM service on Kubernetes, with `extra` on top. */
function llm(extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs {
    return {
        model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        target: Target.Kubernetes,
        ...extra,
    };
}

const NAMESPACE_RULE = "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label, as the Kubernetes API server requires)";
const FIFTY_SIX = "a".repeat(56);
const SIXTY = "b".repeat(60);

/** [what, resource name, arguments, the exact error message] */
const invalid: Array<[string, string, ModelServiceArgs, string]> = [
    [
        "a namespace the API server would refuse",
        "llm",
        llm({ kubernetes: { namespace: "ML_Team" } }),
        header("llm", 1) + `  - kubernetes.namespace: received "ML_Team"; expected a namespace name: ${NAMESPACE_RULE}`,
    ],
    [
        "a resource name that would have to be rewritten to name the Deployment and Service",
        "My_LLM",
        llm(),
        header("My_LLM", 1) +
            '  - name: received "My_LLM"; expected a name Kubernetes accepts as given, since it names the ServiceAccount, Service, Deployment and PodDisruptionBudget: ' +
            "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, such as \"my-llm\"",
    ],
    [
        "a resource name starting with a digit (a Service's name is an RFC 1035 label)",
        "7b-chat",
        llm({ exposure: { public: true, auth: AuthMode.None }, kubernetes: { gateway: "infra/public" } }),
        header("7b-chat", 1) +
            '  - name: received "7b-chat"; expected a name Kubernetes accepts as given, since it names the ServiceAccount, Service, Deployment, PodDisruptionBudget and HTTPRoute: ' +
            "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    ],
    [
        "a name whose Secret of secrets would pass 63 characters",
        FIFTY_SIX,
        llm({ secrets: { HF_TOKEN: "hf_x" } }),
        header(FIFTY_SIX, 1) +
            `  - name: received "${FIFTY_SIX}" (56 characters); expected at most 55 characters: the Secret of secrets would be named "${FIFTY_SIX}-secrets", 64 characters, over Kubernetes' limit of 63`,
    ],
    [
        "a name whose canary version's Deployment would pass 63 characters",
        SIXTY,
        llm({
            versions: [
                { name: "stable", weight: 90 },
                { name: "next", weight: 10 },
            ],
            kubernetes: { gateway: "infra/internal" },
        }),
        header(SIXTY, 1) +
            `  - name: received "${SIXTY}" (60 characters); expected at most 56 characters: the Deployment, PodDisruptionBudget and Service of version "stable" would be named "${SIXTY}-stable", 67 characters, over Kubernetes' limit of 63`,
    ],
    [
        "an L4 service on the nodes of an A10G pool",
        "llm",
        llm({ kubernetes: { nodeSelector: { "modelship.dev/pool": "a10g", "modelship.dev/accelerator": "a10g" } } }),
        header("llm", 1) +
            '  - kubernetes.nodeSelector.modelship.dev/accelerator: received "a10g"; expected "l4", the value that names NVIDIA L4 (resources.gpu.accelerator is "l4"; ' +
            "this selector places the pods on NVIDIA A10G nodes): use the placement of a pool of l4, or set resources.gpu.accelerator to the pool's accelerator",
    ],
    [
        "an L4 service on GKE T4 nodes",
        "llm",
        llm({ kubernetes: { nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" } } }),
        header("llm", 1) +
            '  - kubernetes.nodeSelector.cloud.google.com/gke-accelerator: received "nvidia-tesla-t4"; expected "nvidia-l4", the value that names NVIDIA L4 (resources.gpu.accelerator is "l4"; ' +
            "this selector places the pods on NVIDIA T4 nodes): use the placement of a pool of l4, or set resources.gpu.accelerator to the pool's accelerator",
    ],
    [
        "an A10G service on Karpenter A100 nodes, and on a GKE label (GKE has no A10G)",
        "llm",
        llm({
            resources: { gpu: { accelerator: Accelerator.A10G } },
            kubernetes: { nodeSelector: { "karpenter.k8s.aws/instance-gpu-name": "a100", "cloud.google.com/gke-accelerator": "nvidia-l4" } },
        }),
        header("llm", 2) +
            '  - kubernetes.nodeSelector.karpenter.k8s.aws/instance-gpu-name: received "a100"; expected "a10g", the value that names NVIDIA A10G (resources.gpu.accelerator is "a10g"; ' +
            "this selector places the pods on NVIDIA A100 40GB or NVIDIA A100 80GB nodes): use the placement of a pool of a10g, or set resources.gpu.accelerator to the pool's accelerator\n" +
            '  - kubernetes.nodeSelector.cloud.google.com/gke-accelerator: received "nvidia-l4"; expected no cloud.google.com/gke-accelerator selector: no node carries NVIDIA A10G under that label (resources.gpu.accelerator is "a10g"; ' +
            "this selector places the pods on NVIDIA L4 nodes): use the placement of a pool of a10g, or set resources.gpu.accelerator to the pool's accelerator",
    ],
    [
        "replica counts past any real deployment",
        "llm",
        llm({ scaling: { minReplicas: 1, maxReplicas: 100_000 } }),
        header("llm", 1) + "  - scaling.maxReplicas: received 100000; expected a number <= 10000",
    ],
    [
        "an autoscaling budget past any real service (a typo for cents or an extra zero)",
        "llm",
        llm({ scaling: { minReplicas: 1, maxReplicas: 8, autoscaling: { budget: { maxMonthlyUsd: 500_000_000 } } } }),
        header("llm", 1) + "  - scaling.autoscaling.budget.maxMonthlyUsd: received 500000000; expected a number <= 10000000",
    ],
    [
        "a Gateway whose name the API server would refuse",
        "llm",
        llm({ exposure: { public: true, auth: AuthMode.None }, kubernetes: { gateway: "infra/Public_GW" } }),
        header("llm", 1) + "  - kubernetes.gateway: received \"infra/Public_GW\"; expected a Gateway as 'namespace/name' (a namespace name, RFC 1123 label, then the Gateway's name, a DNS subdomain)",
    ],
    [
        "a PriorityClass name the API server would refuse",
        "llm",
        llm({ kubernetes: { priorityClassName: "High Priority" } }),
        header("llm", 1) +
            "  - kubernetes.priorityClassName: received \"High Priority\"; expected a PriorityClass name, or empty for none: at most 253 lowercase letters, digits, '-' and '.', " +
            "starting and ending with a letter or digit (a DNS subdomain, as the Kubernetes API server requires)",
    ],
];

describe("ModelService argument validation", () => {
    for (const [what, name, args, message] of invalid) {
        it(`rejects ${what} with the exact error, before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                let error: Error | undefined;
                try {
                    new ModelService(name, args);
                } catch (e) {
                    error = e as Error;
                }
                expect(error?.name).toBe("ModelshipValidationError");
                expect(error?.message).toBe(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

describe("ModelService arguments known only at deployment (Outputs)", () => {
    it("checks a namespace Output once known, with the same error", async () => {
        await rt.construct(() => new ModelService("llm", llm({ kubernetes: { namespace: pulumi.output("ML_Team") } })));
        await rt.settle();
        expect(rt.asyncErrors.map(String).join("\n")).toContain(`${header("llm", 1)}  - kubernetes.namespace: received "ML_Team"; expected a namespace name: ${NAMESPACE_RULE}`);
    });

    it("fails the deployment when a GpuPool's placement (an Output) puts an L4 service on A10G nodes", async () => {
        await rt.construct(() => {
            const pool = new GpuPool("a10g", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.A10G, maxNodes: 2, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] } });
            return new ModelService("llm", llm({ kubernetes: { nodeSelector: pool.placement.nodeSelector, tolerations: pool.placement.tolerations } }));
        });
        await rt.settle();
        expect(rt.asyncErrors.map(String).join("\n")).toContain(
            header("llm", 1) +
                '  - kubernetes.nodeSelector.modelship.dev/accelerator: received "a10g"; expected "l4", the value that names NVIDIA L4 (resources.gpu.accelerator is "l4"; ' +
                "this selector places the pods on NVIDIA A10G nodes): use the placement of a pool of l4, or set resources.gpu.accelerator to the pool's accelerator",
        );
    });

    it("accepts the placement of a pool of the same accelerator, and names the objects exactly as given at the longest name allowed", async () => {
        const name = "c".repeat(55);
        const { resources } = await rt.construct(() => {
            const pool = new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] } });
            return new ModelService(name, llm({ secrets: { HF_TOKEN: "hf_x" }, kubernetes: { namespace: "ml", nodeSelector: pool.placement.nodeSelector, tolerations: pool.placement.tolerations } }));
        });
        await rt.settle();
        expect(rt.asyncErrors).toEqual([]);
        const names = resources.filter((r) => r.type.startsWith("kubernetes:") && r.parent?.endsWith(`::${name}`)).map((r) => (r.inputs.metadata as { name: string }).name);
        // ServiceAccount, Deployment, PodDisruptionBudget, Service, PodMonitor, PrometheusRule, Secret, and the dashboard ConfigMap (its name cut to 63 characters with a hash, as every derived name).
        expect(names.sort()).toEqual([name, name, name, name, name, name, `${name}-d7c813d`, `${name}-secrets`]);
    });
});

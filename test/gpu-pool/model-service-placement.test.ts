import { describe, expect, it } from "vitest";
import { Accelerator, CapacityType, GpuPool, GpuPoolCloud, ModelService, ServingRuntime, Target } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A vLLM service on the pool, given the pool's placement as data (outputs, never the GpuPool object). */
function servedOn(pool: GpuPool): ModelService {
    return new ModelService("llm", {
        model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        kubernetes: { namespace: "ml", nodeSelector: pool.placement.nodeSelector, tolerations: pool.placement.tolerations },
        target: Target.Kubernetes,
    });
}

describe("a ModelService given a GpuPool's placement", () => {
    for (const [cloud, build] of [
        ["EKS", () => new GpuPool("l4-pool", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] } })],
        ["GKE spot", () => new GpuPool("l4-pool", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 2, capacityType: CapacityType.Spot, gcp: { clusterName: "ml" } })],
    ] as const) {
        it(`carries the ${cloud} pool's node selector and toleration in its Deployment's pod spec`, async () => {
            // One program: the pool and the service on it.
            await rt.construct(() => servedOn(build()));
            const pod = ((rt.one("kubernetes:apps/v1:Deployment").inputs.spec as Json).template as Json).spec as Json;
            expect(pod.nodeSelector).toEqual({ "modelship.dev/pool": "l4-pool", "modelship.dev/accelerator": "l4" });
            // The pool's toleration once: the service's own GPU toleration is the same, and is not repeated.
            expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
            expect(pod.containers[0].resources.limits["nvidia.com/gpu"]).toBe("1");
            // The node selector is exactly the labels the pool puts on its nodes.
            const nodes = rt.ofType("aws:eks/nodeGroup:NodeGroup")[0] ?? rt.ofType("gcp:container/nodePool:NodePool")[0];
            const nodeLabels = (nodes.inputs.labels ?? (nodes.inputs.nodeConfig as Json).labels) as Record<string, string>;
            expect(nodeLabels).toEqual(pod.nodeSelector);
        });
    }

    it("is priced from the pod spec alone when the pool lives in another stack", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("l4-pool", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] } }));
        const { value: service } = await rt.construct(() => servedOn(pool));
        // The accelerator label in the node selector names the GPU, so the cost model can price the pod.
        const cost = await outputValue(service.estimatedMonthlyCost);
        expect(cost.known).toBe(true);
        expect(cost.basis[0]).toContain("(modelship.dev/accelerator=l4)");
    });
});

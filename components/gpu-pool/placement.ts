/**
 * The labels and taint every GPU node of a pool carries, and the placement (node selector, toleration,
 * affinity) a workload needs to land there. The same names serve EKS, Karpenter and GKE, so a ModelService
 * given a pool's placement lands on that pool whatever the cloud.
 *
 * The node selector names the pool (`modelship.dev/pool`), so two pools of the same accelerator (spot and
 * on-demand, or two teams) stay apart, and the accelerator (`modelship.dev/accelerator`), which every node of
 * the pool carries too: it changes nothing for scheduling, but lets the cost model price pods on the pool
 * from their pod spec alone when the pool is in another stack.
 */
import { ACCELERATOR_LABEL } from "../kubernetes/placement";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { LABEL_PREFIX, labelValue } from "../../sdk/naming";
import { GpuPoolAffinity, GpuPoolPlacement, GpuPoolToleration } from "./args";

/** Node label naming the pool a node belongs to. */
export const POOL_LABEL = `${LABEL_PREFIX}/pool`;

/** The taint of every GPU node a pool creates: only pods that tolerate it (GPU workloads) land there. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

/** The toleration of {@link GPU_TAINT}, in the exact shape ModelService's `kubernetes.tolerations` accepts. */
export const GPU_TOLERATION: GpuPoolToleration = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect };

/** The labels of every node a pool creates on aws and gcp. */
export function nodeLabels(poolName: string, accelerator: Accelerator): Record<string, string> {
    return { [POOL_LABEL]: labelValue(poolName), [ACCELERATOR_LABEL]: accelerator };
}

/** A node selector written as a required node affinity (one term, one `In` requirement per label). */
export function affinityOf(nodeSelector: Record<string, string>): GpuPoolAffinity {
    const keys = Object.keys(nodeSelector).sort();
    if (keys.length === 0) return {};
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: keys.map((key) => ({ key, operator: "In", values: [nodeSelector[key]] })) }],
            },
        },
    };
}

/** The placement of a pool whose nodes carry `nodeSelector` and, when `tainted`, the GPU taint. */
export function placementOf(nodeSelector: Record<string, string>, tainted: boolean, priorityClassName = ""): GpuPoolPlacement {
    return {
        nodeSelector: { ...nodeSelector },
        tolerations: tainted ? [{ ...GPU_TOLERATION }] : [],
        affinity: affinityOf(nodeSelector),
        priorityClassName,
    };
}

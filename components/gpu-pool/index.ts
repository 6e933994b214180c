/**
 * GpuPool: GPU capacity on EKS, GKE, any Kubernetes cluster or the local Docker engine, and the placement that
 * lands model services on it. The class is thin: validate, resolve the spec, hand it to the cloud's file.
 */
import * as pulumi from "@pulumi/pulumi";
import { MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { argumentsValid, logWarnings, resourcesByRole, validateComponent } from "../../sdk/component";
import { GpuPoolArgs, GpuPoolCapacity, GpuPoolDeviceRequest, GpuPoolPlacement } from "./args";
import { createSpendGuard } from "../spend-guard";
import { applyPoolBudget, guardedPool, poolSpendGuard } from "./budget";
import { deployPool, resolveSpec } from "./clouds";
import { poolCost } from "./cost";
import { deployPoolObservability } from "./observability";
import { crossFieldProblems, gpuPoolSchema } from "./schema";

export * from "./args";

const TYPE = "modelship:index:GpuPool";

/** The underlying resources of each pool, kept off the class fields (see `GpuPool.resources`). */
const UNDERLYING = resourcesByRole();

function validate(name: string, args: GpuPoolArgs) {
    return validateComponent(TYPE, name, gpuPoolSchema, args, (parsed) => {
        const problems = crossFieldProblems(parsed, name);
        if (problems.length > 0) return { problems };
        const resolved = resolveSpec(name, parsed);
        if (!resolved.spec) return { problems: resolved.problems };
        // The budget lowers maxNodes before anything reads it (the node group, node pool or NodePool, capacity, cost).
        const budgetProblems = applyPoolBudget(resolved.spec, parsed);
        return { value: { spec: resolved.spec, guard: poolSpendGuard(resolved.spec, parsed) }, problems: [...resolved.problems, ...budgetProblems] };
    });
}

/**
 * GPU capacity where model services run: the right accelerator in the right place, spot where safe, scaling
 * down to nothing when idle. Every node carries the labels `modelship.dev/pool` and `modelship.dev/accelerator`
 * and the taint `nvidia.com/gpu=present:NoSchedule`; `placement` is what a ModelService needs to land there.
 *
 * ```ts
 * const pool = new GpuPool("l4", {
 *     cloud: GpuPoolCloud.Aws,
 *     accelerator: Accelerator.L4,
 *     maxNodes: 4,
 *     aws: { clusterName: "ml", subnetIds: privateSubnetIds },
 * });
 * new ModelService("llm", {
 *     // ...
 *     target: Target.Kubernetes,
 *     kubernetes: { nodeSelector: pool.placement.nodeSelector, tolerations: pool.placement.tolerations },
 * });
 * ```
 */
export class GpuPool extends pulumi.ComponentResource {
    /** Lets policy helpers (`validateResourceOfType`) recognise this component. */
    static readonly __pulumiType = TYPE;

    /** Node selector, tolerations, affinity and priority class of pods that should run on the pool. */
    readonly placement: pulumi.Output<GpuPoolPlacement>;
    /** GPUs per node, and GPUs at the fewest and the most nodes. */
    readonly capacity: pulumi.Output<GpuPoolCapacity>;
    /**
     * Monthly cost in USD of the GPU nodes at the fewest and the most nodes, from the sdk cost model, with its
     * basis (AWS spot is priced on-demand, an upper bound). Unknown on kubernetes (the nodes are not created here).
     */
    readonly estimatedMonthlyCost: pulumi.Output<MonthlyCostEstimate>;
    /** Name of the EKS or GKE cluster; empty on kubernetes and docker. */
    readonly clusterName: pulumi.Output<string>;
    /** ARN of the GPU nodes' IAM role (aws); Karpenter's controller needs `iam:PassRole` on it. Empty elsewhere. */
    readonly nodeRoleArn: pulumi.Output<string>;
    /**
     * Kubeconfig of the cluster the pool created (`createCluster`), a secret; empty otherwise. Pass it to
     * ModelService's `kubernetes.kubeconfig`; in TypeScript, `resources.provider` is the pool's Kubernetes provider.
     */
    readonly kubeconfig: pulumi.Output<string>;
    /** The GPU device request of a container on the local engine (cloud docker); undefined elsewhere. */
    readonly dockerDeviceRequest?: pulumi.Output<GpuPoolDeviceRequest>;
    /**
     * The underlying resources by role (for example `nodeGroup` and its `launchTemplate`, `nodePool`, `devicePlugin`, and
     * `provider` with `createCluster`): escape hatches for TypeScript programs. A getter, so it stays out of the multi-language
     * schema (every class field becomes a schema output, and a generic Resource has no schema type).
     */
    get resources(): { [role: string]: pulumi.Resource } {
        return UNDERLYING.get(this);
    }

    constructor(name: string, args: GpuPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): invalid arguments register nothing.
        const { value, deferredCheck } = validate(name, args);
        const { spec, guard } = value;
        super(TYPE, name, args, opts);

        const deployed = deployPool(spec, this);
        // The run-time budget (budget.spendGuard) on aws and gcp pools; budgets are free (sdk/cost/free.ts).
        Object.assign(deployed.resources, createSpendGuard(guard, guardedPool(spec), { parent: this }));
        const cost = poolCost(spec, deployed.pricedNodes, deployed.pricedPods, deployed.pricedVolumes);
        // After the cost: the idle alert and the dashboard's cost panel read the pool's price per node.
        const observed = deployPoolObservability(spec, deployed, cost, this);
        Object.assign(deployed.resources, observed.resources);
        logWarnings(this, [...deployed.warnings, ...observed.warnings]);

        this.placement = pulumi.output(deployed.placement);
        this.capacity = pulumi.output({ gpusPerNode: spec.gpusPerNode, minGpus: spec.minNodes * spec.gpusPerNode, maxGpus: spec.maxNodes * spec.gpusPerNode });
        this.estimatedMonthlyCost = pulumi.output(cost);
        this.clusterName = pulumi.output(deployed.clusterName ?? "");
        this.nodeRoleArn = deployed.nodeRoleArn ?? pulumi.output("");
        this.kubeconfig = deployed.kubeconfig ?? pulumi.secret("");
        this.dockerDeviceRequest = deployed.deviceRequest ? pulumi.output(deployed.deviceRequest) : undefined;
        UNDERLYING.set(this, deployed.resources);
        this.registerOutputs({
            placement: this.placement,
            capacity: this.capacity,
            estimatedMonthlyCost: this.estimatedMonthlyCost,
            clusterName: this.clusterName,
            nodeRoleArn: this.nodeRoleArn,
            kubeconfig: this.kubeconfig,
            dockerDeviceRequest: this.dockerDeviceRequest,
            argumentsValid: argumentsValid(deferredCheck),
        });
    }
}

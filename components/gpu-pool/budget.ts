/**
 * GpuPool's `budget` (issue 18): the most nodes whose month fits in `maxMonthlyUsd`, priced by the sdk cost model from
 * the same node group, node pool or Karpenter NodePool the pool creates (cost.ts prices those too), caps `maxNodes`
 * (the tighter wins: the node group's `maxSize`, GKE's `totalMaxNodeCount` and Karpenter's GPU `limits` follow); and
 * the spend guard (components/spend-guard/) watches the pool's real spend: an AWS Budgets budget on its `service` and
 * `environment` tags (the nodes carry them: the launch template's tag specifications, the EC2NodeClass's tags), a
 * Cloud Billing budget on its `service` label (the node pool's resource labels).
 *
 * Refused on `cloud: kubernetes`: the pool creates no nodes there, the cluster's own nodes are not priced by the cost
 * model (no instance type is known), and nothing bills the pool apart from them; cap the ModelServices that run there
 * (`scaling.autoscaling.budget`), whose pods are priced. Refused on `cloud: docker`: the local engine bills nothing.
 */
import { dollars } from "../../sdk/catalog/format";
import { priceResource } from "../../sdk/cost";
import { cloudTags } from "../../sdk/naming";
import type { ValidationProblem } from "../../sdk/validate";
import { type GuardedComponent, resolveSpendGuard, SpendGuardCloud, spendGuardProblems, type SpendGuardSpec } from "../spend-guard";
import { GpuPoolCloud } from "./args";
import { pricingRegions } from "./cost";
import { gpuNodeGroupArgs } from "./eks";
import { gpuNodePoolArgs } from "./gke";
import { nodePoolObject } from "./karpenter";
import type { ParsedGpuPoolArgs } from "./schema";
import { AwsProvisioning, type PoolSpec } from "./spec";

/** What watches each cloud's spend. */
const SPEND_GUARD_CLOUD: Record<GpuPoolCloud, SpendGuardCloud> = {
    [GpuPoolCloud.Aws]: SpendGuardCloud.Aws,
    [GpuPoolCloud.Gcp]: SpendGuardCloud.Gcp,
    [GpuPoolCloud.Kubernetes]: SpendGuardCloud.None,
    [GpuPoolCloud.Docker]: SpendGuardCloud.None,
};

/** Why a cloud takes no budget. */
const NO_BUDGET: Partial<Record<GpuPoolCloud, string>> = {
    [GpuPoolCloud.Kubernetes]:
        "no budget on cloud kubernetes: the pool creates no nodes and the cost model cannot price the cluster's own; cap the ModelServices that run there (scaling.autoscaling.budget), whose pods are priced",
    [GpuPoolCloud.Docker]: "no budget on cloud docker: the local engine bills nothing",
};

/** The pool's nodes at `n` at most, as the cost model reads them; undefined where the pool creates none. */
function nodesAt(spec: PoolSpec, n: number): { type: string; inputs: Record<string, unknown> } | undefined {
    if (spec.cloud === GpuPoolCloud.Aws && spec.provisioning === AwsProvisioning.NodeGroup) {
        return { type: "aws:eks/nodeGroup:NodeGroup", inputs: gpuNodeGroupArgs({ ...spec, maxNodes: n }, "budget", "budget", { version: "1" }) as unknown as Record<string, unknown> };
    }
    if (spec.cloud === GpuPoolCloud.Aws) return { type: "kubernetes:karpenter.sh/v1:NodePool", inputs: nodePoolObject({ ...spec, maxNodes: n }, "budget") };
    if (spec.cloud === GpuPoolCloud.Gcp) return { type: "gcp:container/nodePool:NodePool", inputs: gpuNodePoolArgs({ ...spec, maxNodes: n }, "budget") as unknown as Record<string, unknown> };
    return undefined;
}

/** USD per month of the pool at `n` nodes at most (the cost model's maximum), with its basis; null when not priced. */
export function poolMonthlyAt(spec: PoolSpec, n: number): { usd: number | null; basis: string } {
    const nodes = nodesAt(spec, n);
    const item = nodes && priceResource({ urn: spec.name, type: nodes.type, name: spec.name, inputs: nodes.inputs }, {}, pricingRegions(spec));
    return { usd: item?.monthly.max ?? null, basis: item?.basis ?? "not priced" };
}

/**
 * Applies `budget` to the resolved spec: `maxNodes` lowered to the most nodes that fit. Returns the problems (the cloud
 * takes no budget, the minimum does not fit, a desired count above the cap, the spend guard's rules).
 */
export function applyPoolBudget(spec: PoolSpec, args: ParsedGpuPoolArgs): ValidationProblem[] {
    const budget = args.budget;
    if (!budget) return [];
    const refused = NO_BUDGET[spec.cloud];
    if (refused) return [{ path: "budget", received: `maxMonthlyUsd ${budget.maxMonthlyUsd}`, expected: refused }];
    const problems = spendGuardProblems(
        { cloud: SPEND_GUARD_CLOUD[spec.cloud], path: "budget.spendGuard", notificationsPath: "observability.notifications", where: `cloud ${JSON.stringify(spec.cloud)}` },
        budget.spendGuard,
        args.observability?.notifications,
    );
    const floor = Math.max(spec.minNodes, 1);
    const atFloor = poolMonthlyAt(spec, floor);
    const path = "budget.maxMonthlyUsd";
    if (atFloor.usd === null) return [...problems, { path, received: String(budget.maxMonthlyUsd), expected: `no budget on nodes the cost model cannot price: ${atFloor.basis}` }];
    if (budget.maxMonthlyUsd + 1e-9 < atFloor.usd) {
        const what = spec.minNodes >= 1 ? `minNodes ${spec.minNodes}` : "one node";
        return [...problems, { path, received: String(budget.maxMonthlyUsd), expected: `at least ${dollars(atFloor.usd)}, the month of ${what} (${atFloor.basis})` }];
    }
    let n = spec.maxNodes;
    // Costs only grow with the count: walking down finds the most nodes that fit (counts are small).
    while (n > floor && (poolMonthlyAt(spec, n).usd ?? Infinity) > budget.maxMonthlyUsd + 1e-9) n--;
    spec.maxNodes = n;
    if (spec.headroom && spec.headroom.gpus > n * spec.gpusPerNode) {
        problems.push({
            path: "headroom.gpus",
            received: String(spec.headroom.gpus),
            expected: `at most ${n * spec.gpusPerNode}: the ${n} node(s) budget.maxMonthlyUsd ${budget.maxMonthlyUsd} allows x gpusPerNode ${spec.gpusPerNode}`,
        });
    }
    if (spec.cloud === GpuPoolCloud.Aws && spec.provisioning === AwsProvisioning.NodeGroup && spec.desiredNodes > n) {
        problems.push({ path: "aws.desiredNodes", received: String(spec.desiredNodes), expected: `at most ${n}, the most nodes budget.maxMonthlyUsd ${budget.maxMonthlyUsd} allows` });
    }
    return problems;
}

/** The pool's spend guard, or undefined. */
export function poolSpendGuard(spec: PoolSpec, args: ParsedGpuPoolArgs): SpendGuardSpec | undefined {
    return resolveSpendGuard(SPEND_GUARD_CLOUD[spec.cloud], args.budget, args.observability?.notifications);
}

/** The pool as its guard watches it. */
export function guardedPool(spec: PoolSpec): GuardedComponent {
    return { name: spec.name, tags: cloudTags(spec.owner) };
}

/**
 * The plan's view of cost: the one cost model's report (sdk/cost), summed per component. A component whose
 * workloads run on a node pool of the stack names that pool: the pool's item prices the nodes once.
 */
import { estimateCost } from "../cost";
import type { CostItem, CostReport } from "../cost/types";
import type { ResourceRecord } from "./runtime";

/** A sum of monthly figures of which some may be unknown. */
export interface CostSum {
    /** USD per month: the sum of the known figures. */
    known: number;
    /** How many figures were known. */
    knownItems: number;
    /** How many figures were unknown (left out of `known`). */
    unknownItems: number;
}

/** The monthly cost of one component: every priced resource below it, at any depth. */
export interface ComponentCost {
    urn: string;
    type: string;
    name: string;
    /** Depth below the stack: 1 for a component directly in the stack. */
    depth: number;
    min: CostSum;
    max: CostSum;
    /** The node pools its workloads run on, whose items price their nodes (the workloads' own items are $0). */
    pools: PoolOfItems[];
    /** True when every priced resource below it is a workload on a pool: its cost is the pool's. */
    onlyOnPools: boolean;
}

/** A node pool that prices the nodes of some workloads: its resource name and type. */
export interface PoolOfItems {
    urn: string;
    name: string;
    type: string;
}

/** The cost of a plan. */
export interface PlanCost {
    report: CostReport;
    /** Components with at least one priced resource below them, in tree order (a parent before its children). */
    components: ComponentCost[];
    /** Priced resources not inside any component. */
    outsideComponents: { min: CostSum; max: CostSum; pools: PoolOfItems[]; onlyOnPools: boolean };
    total: { min: CostSum; max: CostSum };
}

function sum(items: ReadonlyArray<CostItem>, field: "min" | "max"): CostSum {
    const known = items.map((i) => i.monthly[field]).filter((v): v is number => v !== null);
    return { known: known.reduce((a, b) => a + b, 0), knownItems: known.length, unknownItems: items.length - known.length };
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The pools the items are on, once each in the order the items name them, and whether every item is on one. */
function poolsOf(items: ReadonlyArray<CostItem>, byUrn: ReadonlyMap<string, ResourceRecord>): { pools: PoolOfItems[]; onlyOnPools: boolean } {
    const urns = new Set<string>();
    for (const i of items) if (i.onPool !== undefined) urns.add(i.onPool);
    const pools = [...urns].map((urn) => {
        const r = byUrn.get(urn);
        return { urn, name: r?.name ?? urn, type: r?.type ?? "" };
    });
    return { pools, onlyOnPools: items.length > 0 && items.every((i) => i.onPool !== undefined) };
}

/** A component of the plan as one walk of the tree sees it. */
interface ComponentNode {
    resource: ResourceRecord;
    depth: number;
    /** The nearest component above it, if any. */
    enclosing?: ComponentNode;
    /** Its place in the walk: a resource is below it when entered in [enter, exit). */
    enter: number;
    exit: number;
    /** Its priced items, at any depth, in the report's order. */
    items: CostItem[];
}

/**
 * One walk of the resource tree (depth first, registration order among siblings): the components in tree order, and
 * for every resource reached, the nearest component above it and when the walk entered it.
 */
function walkTree(resources: ReadonlyArray<ResourceRecord>): { components: ComponentNode[]; enclosing: Map<string, ComponentNode | undefined>; entered: Map<string, number> } {
    const children = new Map<string | undefined, ResourceRecord[]>();
    for (const r of resources) {
        const siblings = children.get(r.parent);
        if (siblings) siblings.push(r);
        else children.set(r.parent, [r]);
    }
    const components: ComponentNode[] = [];
    const enclosing = new Map<string, ComponentNode | undefined>();
    const entered = new Map<string, number>();
    let clock = 0;
    const visit = (parent: string | undefined, depth: number, above: ComponentNode | undefined) => {
        for (const r of children.get(parent) ?? []) {
            // Each URN once, even in a hand-built list that repeats one.
            if (entered.has(r.urn)) continue;
            entered.set(r.urn, clock++);
            enclosing.set(r.urn, above);
            if (!r.custom && r.type !== STACK_TYPE) {
                const node: ComponentNode = { resource: r, depth, enclosing: above, enter: clock - 1, exit: 0, items: [] };
                components.push(node);
                visit(r.urn, depth + 1, node);
                node.exit = clock;
            } else {
                visit(r.urn, depth, above);
            }
        }
    };
    visit(undefined, 1, undefined);
    return { components, enclosing, entered };
}

/**
 * Prices the planned resources with the one cost model and sums the items per component.
 * Regions come from the stack config (`aws:region`, `gcp:region`), as the providers read them.
 */
export function planCost(resources: ReadonlyArray<ResourceRecord>, config: Readonly<Record<string, string>>): PlanCost {
    const report = estimateCost(resources, { awsRegion: config["aws:region"], gcpRegion: config["gcp:region"] });
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const { components: nodes, enclosing, entered } = walkTree(resources);

    // Each item goes to every component above it: a walk up the components only (a few levels), in the report's order.
    const outside: CostItem[] = [];
    for (const item of report.items) {
        let node = enclosing.get(item.urn);
        if (!node) outside.push(item);
        for (; node; node = node.enclosing) node.items.push(item);
    }
    const components: ComponentCost[] = [];
    for (const node of nodes) {
        const { resource, items } = node;
        if (items.length === 0) continue;
        // A pool inside the component (a GpuPool's own node group) is its cost, not a place it runs on.
        const on = poolsOf(items, byUrn);
        const inside = (urn: string) => {
            const at = entered.get(urn);
            return at !== undefined && at > node.enter && at < node.exit;
        };
        const pools = on.pools.filter((p) => !inside(p.urn));
        components.push({ urn: resource.urn, type: resource.type, name: resource.name, depth: node.depth, min: sum(items, "min"), max: sum(items, "max"), pools, onlyOnPools: on.onlyOnPools });
    }
    return {
        report,
        components,
        outsideComponents: { min: sum(outside, "min"), max: sum(outside, "max"), ...poolsOf(outside, byUrn) },
        total: { min: sum(report.items, "min"), max: sum(report.items, "max") },
    };
}

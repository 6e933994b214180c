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

/** The pools the items are on, once each, and whether every item is on one. */
function poolsOf(items: ReadonlyArray<CostItem>, resources: ReadonlyArray<ResourceRecord>): { pools: PoolOfItems[]; onlyOnPools: boolean } {
    const urns = [...new Set(items.map((i) => i.onPool).filter((u): u is string => u !== undefined))];
    const pools = urns.map((urn) => {
        const r = resources.find((x) => x.urn === urn);
        return { urn, name: r?.name ?? urn, type: r?.type ?? "" };
    });
    return { pools, onlyOnPools: items.length > 0 && items.every((i) => i.onPool !== undefined) };
}

/** The components of the plan in tree order (depth first, registration order among siblings), with depth. */
function componentsInTreeOrder(resources: ReadonlyArray<ResourceRecord>): Array<{ resource: ResourceRecord; depth: number }> {
    const children = new Map<string | undefined, ResourceRecord[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const out: Array<{ resource: ResourceRecord; depth: number }> = [];
    const visit = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const isComponent = !r.custom && r.type !== STACK_TYPE;
            if (isComponent) out.push({ resource: r, depth });
            visit(r.urn, isComponent ? depth + 1 : depth);
        }
    };
    visit(undefined, 1);
    return out;
}

/**
 * Prices the planned resources with the one cost model and sums the items per component.
 * Regions come from the stack config (`aws:region`, `gcp:region`), as the providers read them.
 */
export function planCost(resources: ReadonlyArray<ResourceRecord>, config: Readonly<Record<string, string>>): PlanCost {
    const report = estimateCost(resources, { awsRegion: config["aws:region"], gcpRegion: config["gcp:region"] });
    const parentOf = new Map(resources.map((r) => [r.urn, r.parent]));
    const ancestors = (urn: string): Set<string> => {
        const found = new Set<string>();
        for (let p = parentOf.get(urn); p !== undefined && !found.has(p); p = parentOf.get(p)) found.add(p);
        return found;
    };
    const itemAncestors = report.items.map((item) => ({ item, ancestors: ancestors(item.urn) }));

    const components: ComponentCost[] = [];
    const inComponent = new Set<CostItem>();
    for (const { resource, depth } of componentsInTreeOrder(resources)) {
        const items = itemAncestors.filter((x) => x.ancestors.has(resource.urn)).map((x) => x.item);
        if (items.length === 0) continue;
        items.forEach((i) => inComponent.add(i));
        // A pool inside the component (a GpuPool's own node group) is its cost, not a place it runs on.
        const on = poolsOf(items, resources);
        const pools = on.pools.filter((p) => !ancestors(p.urn).has(resource.urn));
        components.push({ urn: resource.urn, type: resource.type, name: resource.name, depth, min: sum(items, "min"), max: sum(items, "max"), pools, onlyOnPools: on.onlyOnPools });
    }
    const outside = report.items.filter((i) => !inComponent.has(i));
    return {
        report,
        components,
        outsideComponents: { min: sum(outside, "min"), max: sum(outside, "max"), ...poolsOf(outside, resources) },
        total: { min: sum(report.items, "min"), max: sum(report.items, "max") },
    };
}

/**
 * stack-budget and service-budget: the monthly cost at maximum scale, priced by the one cost model (sdk/cost),
 * against a budget. A resource whose price is not known is never counted as $0: it gets an advisory finding.
 */
import { dollars } from "../../sdk/catalog/format";
import { estimateCost } from "../../sdk/cost";
import { NODE_TYPES } from "../../sdk/cost/pricers";
import type { CostItem, CostReport } from "../../sdk/cost/types";
import type { Finding, PlainResource, StackEnv, StackRule } from "../framework/types";
import { GCP, SERVICE_COMPONENT_TYPES } from "../inspect/types";

/** Config of both budget policies. */
export interface BudgetConfig {
    /** USD per month at maximum scale; no check when not set. */
    maxMonthlyUsd?: number;
}

/** `llm-gpu-nodes (aws:eks/nodeGroup:NodeGroup)`. */
function itemLabel(item: CostItem, byUrn: ReadonlyMap<string, PlainResource>): string {
    return `${byUrn.get(item.urn)?.name ?? item.urn} (${item.type})`;
}

/** The dearest items at maximum scale, for a violation's message. */
function largest(items: ReadonlyArray<CostItem>, byUrn: ReadonlyMap<string, PlainResource>, count = 3): string {
    const known = items
        .filter((i) => i.monthly.max !== null && i.monthly.max > 0)
        .sort((a, b) => (b.monthly.max as number) - (a.monthly.max as number) || itemLabel(a, byUrn).localeCompare(itemLabel(b, byUrn)));
    return known
        .slice(0, count)
        .map((i) => `\n  - ${itemLabel(i, byUrn)}: ${dollars(i.monthly.max as number)}: ${i.basis}`)
        .join("");
}

/** The reason an item's maximum is unknown, from its basis (`unknown: ...` or `...; max unknown: ...`). */
function unknownReason(item: CostItem): string {
    return item.basis.replace(/^unknown: /, "");
}

/** Advisory findings for the items whose maximum is not known. */
function unknownPrices(items: ReadonlyArray<CostItem>, what: string): Finding[] {
    return items
        .filter((i) => i.monthly.max === null)
        .map((i) => ({ urn: i.urn, advisory: true, message: `the monthly cost of this resource at maximum scale is not known, so ${what} leaves it out (never as $0): ${unknownReason(i)}` }));
}

function costOptions(env: StackEnv) {
    return { awsRegion: env.awsRegion, gcpRegion: env.gcpRegion };
}

const MAX_MONTHLY_USD = {
    type: "number",
    minimum: 0,
} as const;

export const stackBudget: StackRule<BudgetConfig> = {
    kind: "stack",
    name: "stack-budget",
    description: "The stack's monthly cost at maximum scale (every autoscaler, node group and node pool at its maximum) must not exceed maxMonthlyUsd.",
    enforcementLevel: "mandatory",
    settings: {
        maxMonthlyUsd: {
            ...MAX_MONTHLY_USD,
            description: "Most the whole stack may cost per month (USD, 730 hours) at maximum scale, priced by the modelship cost model. No default: without it the policy checks nothing.",
        },
    },
    remediationSteps: "Lower the maximum scale of the dearest resources (autoscaler maxima, node group and node pool maximum sizes, Karpenter limits), pick cheaper instance types, or raise maxMonthlyUsd.",
    check(resources, config, env) {
        if (config.maxMonthlyUsd === undefined) return [];
        const budget = config.maxMonthlyUsd;
        const report: CostReport = estimateCost(resources, costOptions(env));
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const findings = unknownPrices(report.items, `the stack budget of ${dollars(budget)} (maxMonthlyUsd)`);
        if (report.monthly.max > budget) {
            const unknown = findings.length > 0 ? `, not counting ${findings.length} resource(s) whose price is not known` : "";
            findings.unshift({
                message: `the stack costs up to ${dollars(report.monthly.max)} a month at maximum scale${unknown}, over the budget of ${dollars(budget)} (maxMonthlyUsd). Largest:${largest(report.items, byUrn)}`,
            });
        }
        return findings;
    },
};

/** The URNs of a resource's ancestors. */
function ancestorsOf(urn: string, parentOf: ReadonlyMap<string, string | undefined>): Set<string> {
    const found = new Set<string>();
    for (let p = parentOf.get(urn); p !== undefined && !found.has(p); p = parentOf.get(p)) found.add(p);
    return found;
}

/** `modelship:index:ModelService` -> `ModelService`. */
function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

export const serviceBudget: StackRule<BudgetConfig> = {
    kind: "stack",
    name: "service-budget",
    description: "Each ModelService and PolyglotPipeline must not cost more than maxMonthlyUsd a month at maximum scale (the sum of the resources it creates).",
    enforcementLevel: "mandatory",
    settings: {
        maxMonthlyUsd: {
            ...MAX_MONTHLY_USD,
            description:
                "Most each ModelService or PolyglotPipeline may cost per month (USD, 730 hours) at maximum scale: the resources it creates, with its GPU pods priced as their share of GPUs when the stack also creates the nodes. No default: without it the policy checks nothing.",
        },
    },
    remediationSteps: "Lower the service's maximum replicas or instances, pick a cheaper accelerator or instance type, or raise maxMonthlyUsd.",
    check(resources, config, env) {
        if (config.maxMonthlyUsd === undefined) return [];
        const budget = config.maxMonthlyUsd;
        const services = resources.filter((r) => SERVICE_COMPONENT_TYPES.includes(r.type));
        if (services.length === 0) return [];
        // Nodes the stack creates are the stack's cost; what a service uses of them is its GPU pods, priced as
        // GPU-equivalents on the cloud of those nodes (the cost model prices pods that way when nodes are elsewhere).
        const kubernetesCloud = resources.some((r) => r.type === GCP.gkeNodePool) ? "gcp" : "aws";
        const report = estimateCost(
            resources.filter((r) => !NODE_TYPES.has(r.type)),
            { ...costOptions(env), kubernetesCloud },
        );
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const parentOf = new Map(resources.map((r) => [r.urn, r.parent]));
        const findings: Finding[] = [];
        for (const service of services) {
            const items = report.items.filter((i) => ancestorsOf(i.urn, parentOf).has(service.urn));
            const label = `${shortType(service.type)} "${service.name}"`;
            const unknown = unknownPrices(items, `the budget of ${label} (${dollars(budget)}, maxMonthlyUsd)`);
            const max = Math.round(items.reduce((sum, i) => sum + (i.monthly.max ?? 0), 0) * 100) / 100;
            if (max > budget) {
                const more = unknown.length > 0 ? `, not counting ${unknown.length} resource(s) whose price is not known` : "";
                findings.push({
                    urn: service.urn,
                    message: `${label} costs up to ${dollars(max)} a month at maximum scale${more}, over the budget of ${dollars(budget)} per service (maxMonthlyUsd). Largest:${largest(items, byUrn)}`,
                });
            }
            findings.push(...unknown);
        }
        return findings;
    },
};

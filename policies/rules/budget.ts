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

/**
 * The stack's cap when `maxMonthlyUsd` is not set: an advisory finding past it, naming the setting that allows more.
 * $50,000 a month is about 64 L4 GPUs on demand, the default cap of gpu-quota: more than a first stack asks for, less
 * than a typo in a maximum (an extra zero) costs.
 */
export const DEFAULT_STACK_MONTHLY_USD = 50_000;

export const stackBudget: StackRule<BudgetConfig> = {
    kind: "stack",
    name: "stack-budget",
    description: "The stack's monthly cost at maximum scale (every autoscaler, node group and node pool at its maximum) must not exceed maxMonthlyUsd.",
    enforcementLevel: "mandatory",
    settings: {
        maxMonthlyUsd: {
            ...MAX_MONTHLY_USD,
            description: `Most the whole stack may cost per month (USD, 730 hours) at maximum scale, priced by the modelship cost model. Without it, a stack over the pack's default cap of ${dollars(DEFAULT_STACK_MONTHLY_USD)} gets an advisory finding.`,
        },
    },
    remediationSteps:
        "Lower the maximum scale of the dearest resources (autoscaler maxima, node group and node pool maximum sizes, Karpenter limits), pick cheaper instance types, or raise maxMonthlyUsd.",
    check(resources, config, env) {
        const report: CostReport = estimateCost(resources, costOptions(env));
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        if (config.maxMonthlyUsd === undefined) {
            // The default cap: advisory, and only past it (prices not known are the budget's business once one is set).
            if (report.knownMonthly.max <= DEFAULT_STACK_MONTHLY_USD) return [];
            const allow = `set "stack-budget": { "maxMonthlyUsd": ${Math.ceil(report.knownMonthly.max)} } in the policy config to allow it`;
            const unknownCount = report.items.filter((i) => i.monthly.max === null).length;
            const unknown = unknownCount > 0 ? `, not counting ${unknownCount} resource(s) whose price is not known` : "";
            return [
                {
                    advisory: true,
                    message: `the stack costs up to ${dollars(report.knownMonthly.max)} a month at maximum scale${unknown}, over the pack's default cap of ${dollars(DEFAULT_STACK_MONTHLY_USD)} (stack-budget maxMonthlyUsd is not set): ${allow}, or lower the maximum scale. Largest:${largest(report.items, byUrn)}`,
                },
            ];
        }
        const budget = config.maxMonthlyUsd;
        const findings = unknownPrices(report.items, `the stack budget of ${dollars(budget)} (maxMonthlyUsd)`);
        if (report.knownMonthly.max > budget) {
            const unknown = findings.length > 0 ? `, not counting ${findings.length} resource(s) whose price is not known` : "";
            findings.unshift({
                message: `the stack costs up to ${dollars(report.knownMonthly.max)} a month at maximum scale${unknown}, over the budget of ${dollars(budget)} (maxMonthlyUsd). Largest:${largest(report.items, byUrn)}`,
            });
        } else if (report.monthly.max === null) {
            // Within the budget only as far as prices are known: said once for the stack, not only per resource.
            findings.unshift({
                advisory: true,
                message: `the stack's cost at maximum scale is unknown: ${dollars(report.knownMonthly.max)} a month is known, not counting ${findings.length} resource(s) whose price is not known, so the budget of ${dollars(budget)} (maxMonthlyUsd) cannot be confirmed`,
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
                "Most each ModelService or PolyglotPipeline may cost per month (USD, 730 hours) at maximum scale: the resources it creates, with its GPU pods priced as the cheapest node shape that fits each pod, also when the stack creates the nodes. No default: without it the policy checks nothing.",
        },
    },
    remediationSteps: "Lower the service's maximum replicas or instances, pick a cheaper accelerator or instance type, or raise maxMonthlyUsd.",
    check(resources, config, env) {
        if (config.maxMonthlyUsd === undefined) return [];
        const budget = config.maxMonthlyUsd;
        const services = resources.filter((r) => SERVICE_COMPONENT_TYPES.includes(r.type));
        if (services.length === 0) return [];
        // Nodes the stack creates are the stack's cost; what a service uses of them is its GPU pods, each priced as the
        // cheapest node shape that fits it on the cloud of those nodes (as the cost model prices pods without a pool).
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

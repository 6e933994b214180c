/**
 * The one cost model. Components price what they are about to create with {@link priceResource}; the plan
 * command and the policy pack price a whole stack with {@link estimateCost}. Both run the same pricers
 * (`pricers/`, one per resource family), so every figure a user sees comes from the same code.
 *
 * Each figure is USD per month (730 h), at minimum scale and at maximum scale (every autoscaler at its cap),
 * rounded to cents, with a basis that names the counts, unit prices and price lists. A price that is not
 * known is `null` with the reason in the basis, never 0.
 */
import { cents, isFree, pricedOrUnknown, unknown } from "./figures";
import { freeReason, kubernetesBilledReason } from "./free";
import { PRICERS } from "./pricers";
import type { PricingContext } from "./pricers/context";
import { DEFAULT_AWS_REGION, DEFAULT_GCP_REGION } from "./regions";
import { collectScaling } from "./scaling";
import type { CostedResource, CostItem, CostOptions, CostReport, FreeItem, ResourceScaling } from "./types";

export * from "./types";
export { collectScaling } from "./scaling";
export { freeReason } from "./free";

export { DEFAULT_AWS_REGION, DEFAULT_GCP_REGION } from "./regions";

/** How the cost model treats a resource type, before reading its inputs. */
export type CostClass = { kind: "priced" } | { kind: "free"; reason: string } | { kind: "unknown"; reason: string };

/**
 * The rule of the cost model: a component (`custom: false`) costs nothing itself; a type with a pricer is priced
 * (its pricer may still find it free, such as a CPU-only pod, or unknown); a type known to be free is $0 with its
 * reason; any other type is unknown, named in the reason.
 */
export function costClass(resource: Pick<CostedResource, "type" | "custom">): CostClass {
    if (resource.custom === false && resource.type !== "pulumi:pulumi:Stack") {
        return { kind: "free", reason: "a component resource: billed nothing itself, the resources it creates are priced one by one" };
    }
    if (PRICERS[resource.type]) return { kind: "priced" };
    const billed = kubernetesBilledReason(resource.type);
    if (billed) return { kind: "unknown", reason: `${resource.type}: ${billed}` };
    const reason = freeReason(resource.type);
    if (reason) return { kind: "free", reason };
    return { kind: "unknown", reason: `${resource.type}: no price in the catalog, and not a type known to be free` };
}

/**
 * Prices one resource: a billed item (known, unknown, or $0 "on pool X"), or a free item with the reason.
 * `scaling` carries what other resources say about it (autoscaler bounds, the node pool its pods land on);
 * {@link estimateCost} fills it from the stack.
 */
export function costOf(resource: CostedResource, scaling: ResourceScaling = {}, options: CostOptions = {}): { item: CostItem } | { free: FreeItem } {
    const cls = costClass(resource);
    if (cls.kind === "free") return { free: { urn: resource.urn, type: resource.type, reason: cls.reason } };
    const ctx: PricingContext = {
        awsRegion: options.awsRegion ?? DEFAULT_AWS_REGION,
        gcpRegion: options.gcpRegion ?? DEFAULT_GCP_REGION,
        kubernetesCloud: options.kubernetesCloud ?? "aws",
        scaling,
    };
    const figure = cls.kind === "unknown" ? unknown(cls.reason) : pricedOrUnknown(() => PRICERS[resource.type](resource.inputs, ctx));
    if (isFree(figure)) return { free: { urn: resource.urn, type: resource.type, reason: figure.free } };
    const item: CostItem = { urn: resource.urn, type: resource.type, monthly: { min: cents(figure.min), max: cents(figure.max) }, basis: figure.basis };
    if (figure.onPool) item.onPool = figure.onPool;
    return { item };
}

/**
 * Prices one resource: its type token and the inputs it is (about to be) created with, exactly as the Pulumi
 * provider takes them. Returns undefined for a resource that costs nothing by itself (see {@link costOf} for why).
 */
export function priceResource(resource: CostedResource, scaling: ResourceScaling = {}, options: CostOptions = {}): CostItem | undefined {
    const entry = costOf(resource, scaling, options);
    return "item" in entry ? entry.item : undefined;
}

/**
 * The monthly cost of a set of resources, itemised. Autoscalers (HPA, KEDA ScaledObject, Application Auto
 * Scaling targets) set the bounds of the resources they target, their schedules the pre-warming; pods that land on
 * a node pool of the set are shown on that pool, whose nodes are priced once. The totals are null when any item is
 * unknown; `knownMonthly` sums the known figures and `unknownItems` counts the items left out.
 */
export function estimateCost(resources: ReadonlyArray<CostedResource>, options: CostOptions = {}): CostReport {
    const scalingOf = collectScaling(resources);
    const items: CostItem[] = [];
    const free: FreeItem[] = [];
    for (const resource of resources) {
        const entry = costOf(resource, scalingOf(resource), options);
        if ("item" in entry) items.push(entry.item);
        else free.push(entry.free);
    }
    const known = (field: "min" | "max") => cents(items.reduce((sum, i) => sum + (i.monthly[field] ?? 0), 0)) as number;
    const total = (field: "min" | "max") => (items.some((i) => i.monthly[field] === null) ? null : known(field));
    return {
        currency: "USD",
        monthly: { min: total("min"), max: total("max") },
        knownMonthly: { min: known("min"), max: known("max") },
        items,
        free,
        unknownItems: items.filter((i) => i.monthly.min === null || i.monthly.max === null).length,
    };
}

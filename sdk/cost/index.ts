/**
 * The one cost model. Components price what they are about to create with {@link priceResource}; the plan
 * command and the policy pack price a whole stack with {@link estimateCost}. Both run the same pricers
 * (`pricers/`, one per resource family), so every figure a user sees comes from the same code.
 *
 * Each figure is USD per month (730 h), at minimum scale and at maximum scale (every autoscaler at its cap),
 * rounded to cents, with a basis that names the counts, unit prices and price lists. A price that is not
 * known is `null` with the reason in the basis, never 0.
 */
import { cents, pricedOrUnknown } from "./figures";
import { PRICERS } from "./pricers";
import type { PricingContext } from "./pricers/context";
import { DEFAULT_AWS_REGION, DEFAULT_GCP_REGION } from "./regions";
import { collectScaling } from "./scaling";
import type { CostedResource, CostItem, CostOptions, CostReport, ResourceScaling } from "./types";

export * from "./types";
export { collectScaling } from "./scaling";

export { DEFAULT_AWS_REGION, DEFAULT_GCP_REGION } from "./regions";

/**
 * Prices one resource: its type token and the inputs it is (about to be) created with, exactly as the
 * Pulumi provider takes them. `scaling` carries what other resources say about it (autoscaler bounds,
 * whether the stack creates the cluster's nodes); {@link estimateCost} fills it from the stack.
 * Returns undefined for a type that costs nothing by itself (a Kubernetes Service, an IAM role, a CPU-only pod).
 */
export function priceResource(resource: CostedResource, scaling: ResourceScaling = {}, options: CostOptions = {}): CostItem | undefined {
    const pricer = PRICERS[resource.type];
    if (!pricer) return undefined;
    const ctx: PricingContext = {
        awsRegion: options.awsRegion ?? DEFAULT_AWS_REGION,
        gcpRegion: options.gcpRegion ?? DEFAULT_GCP_REGION,
        kubernetesCloud: options.kubernetesCloud ?? "aws",
        scaling,
    };
    const figure = pricedOrUnknown(() => pricer(resource.inputs, ctx));
    if (!figure) return undefined;
    return { urn: resource.urn, type: resource.type, monthly: { min: cents(figure.min), max: cents(figure.max) }, basis: figure.basis };
}

/**
 * The monthly cost of a set of resources, itemised. Autoscalers (HPA, KEDA ScaledObject, Application Auto
 * Scaling targets) set the bounds of the resources they target; when node groups or pools are in the set,
 * pods are not priced on their own. Totals sum the known figures; `unknownItems` counts the items left out.
 */
export function estimateCost(resources: ReadonlyArray<CostedResource>, options: CostOptions = {}): CostReport {
    const scalingOf = collectScaling(resources);
    const items: CostItem[] = [];
    for (const resource of resources) {
        const item = priceResource(resource, scalingOf(resource), options);
        if (item) items.push(item);
    }
    const total = (field: "min" | "max") => cents(items.reduce((sum, i) => sum + (i.monthly[field] ?? 0), 0)) as number;
    return {
        currency: "USD",
        monthly: { min: total("min"), max: total("max") },
        items,
        unknownItems: items.filter((i) => i.monthly.min === null || i.monthly.max === null).length,
    };
}

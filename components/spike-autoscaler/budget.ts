/**
 * The budget cap: one replica priced by the sdk cost model (the same pricers the plan and the policy pack use),
 * turned into the largest replica count whose month fits the budget. The tighter of that count and `maxReplicas`
 * wins. Replicas are priced running all month (730 h), so the cap holds whatever the traffic does.
 */
import { dollars } from "../../sdk/catalog/format";
import { priceResource } from "../../sdk/cost";
import { cents } from "../../sdk/cost/figures";
import { knownEstimate, type MonthlyCostEstimate, unknownEstimate } from "../../sdk/cost/estimate";
import { HOURS_PER_MONTH, type CostedResource, type CostOptions } from "../../sdk/cost/types";
import { prewarmHoursPerMonth, type PrewarmSchedule } from "./cron";

/** Re-exported for the autoscaler's messages (spec.ts); the one definition is the catalog's. */

/** How replicas are billed, from the target that runs them. */
export interface ReplicaPricing {
    /**
     * The billable shape of `count` replicas, exactly as the provider takes it (a Deployment with `replicas`, an
     * endpoint configuration with `initialInstanceCount`...); undefined when none can be priced.
     */
    shape?: (count: number) => CostedResource;
    /** Why there is no shape (for example: Lambda provisioned concurrency is not in the catalog). */
    unknownReason?: string;
    /**
     * Replicas billed when the bound is `n`: `n` for one workload; more for a canary, whose versions each run a
     * share rounded up (Kubernetes) or the full bounds (SageMaker variants). Defaults to `n`.
     */
    billedReplicas?: (n: number) => number;
}

/**
 * USD per month of one replica running all month (null when unknown), with the cost model's basis, and of any
 * count (priced as that count, so the figures are the cost model's to the cent). `priced` is false when the cost
 * model prices nothing for it.
 */
export interface ReplicaPrice {
    monthly: number | null;
    priced: boolean;
    basis: string;
    monthlyFor(count: number): number | null;
}

/** Prices replicas. A shape the cost model does not price (CPU pods: their nodes are priced) costs 0 here, as in every estimate. */
export function replicaPrice(pricing: ReplicaPricing, options: CostOptions): ReplicaPrice {
    const shape = pricing.shape;
    if (!shape) return { monthly: null, priced: false, basis: `unknown: ${pricing.unknownReason ?? "no billable shape"}`, monthlyFor: () => null };
    const item = priceResource(shape(1), {}, options);
    if (!item) {
        return { monthly: 0, priced: false, basis: "not priced on its own (CPU pods run on nodes that are priced where they are created)", monthlyFor: () => 0 };
    }
    const monthlyFor = (count: number) => (count === 0 ? 0 : (priceResource(shape(count), {}, options)?.monthly.max ?? null));
    return { monthly: item.monthly.max, priced: item.monthly.max !== null, basis: item.basis, monthlyFor };
}

/** The largest `n <= specMax` whose month (`cost(n)`) fits in the budget; 0 when not even one does. */
export function budgetMaxReplicas(maxMonthlyUsd: number, specMax: number, cost: (n: number) => number): number {
    let n = specMax;
    // Costs only grow with n, so walking down finds the largest fit (bounds are small integers).
    while (n > 0 && cost(n) > maxMonthlyUsd + 1e-9) n--;
    return n;
}

/** A pre-warming window as the cost model sees it: its schedule and the replicas it keeps. */
export interface PrewarmCost {
    schedule: PrewarmSchedule;
    replicas: number;
}

/** USD per month that pre-warming adds above the minimum: the extra replicas x their hours in an average month. */
export function prewarmMonthly(windows: readonly PrewarmCost[], min: number, perReplica: number, billed: (n: number) => number): number {
    const hourly = perReplica / HOURS_PER_MONTH;
    return windows.reduce((sum, w) => sum + Math.max(0, billed(w.replicas) - billed(min)) * hourly * prewarmHoursPerMonth(w.schedule), 0);
}

/**
 * The estimate of an autoscaled workload: the minimum (plus pre-warming) and the effective maximum, each as
 * billed replicas x the price of one. Multi-language outputs cannot be `number | null`: unknown is an absent figure.
 */
export function autoscaledEstimate(price: ReplicaPrice, bounds: { min: number; max: number; by: string }, windows: readonly PrewarmCost[], billed: (n: number) => number): MonthlyCostEstimate {
    const basis = [`one replica: ${price.basis}`];
    if (price.monthly === null) return unknownEstimate(basis);
    const extra = prewarmMonthly(windows, bounds.min, price.monthly, billed);
    const atMin = price.monthlyFor(billed(bounds.min)) ?? 0;
    const min = atMin + extra;
    const max = price.monthlyFor(billed(bounds.max)) ?? 0;
    basis.push(`min ${billed(bounds.min)} x ${dollars(price.monthly)} = ${dollars(atMin)}/month`);
    if (windows.length > 0) basis.push(`pre-warming: ${dollars(extra)}/month for the replicas above the minimum during the windows (hours of an average month of 2026)`);
    basis.push(`max ${billed(bounds.max)} x ${dollars(price.monthly)} = ${dollars(max)}/month (bound: ${bounds.by})`);
    return knownEstimate(cents(min) as number, cents(max) as number, basis);
}

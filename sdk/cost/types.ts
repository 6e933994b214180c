/**
 * Types of the one cost model. Every figure is USD per month (730 hours); `null` means unknown,
 * never zero. See `sdk/cost/index.ts` for how resources are priced.
 */

/** Hours in the month the cost model uses: 8,760 hours a year / 12. */
export const HOURS_PER_MONTH = 730;

/** A monthly cost at minimum scale and at maximum scale (every autoscaler at its cap). */
export interface MonthlyCost {
    /** USD per month at minimum scale; null when unknown. */
    min: number | null;
    /** USD per month at maximum scale; null when unknown. */
    max: number | null;
}

/** A resource as the cost model sees it: a Pulumi type token and its inputs (a ResourceRecord fits). */
export interface CostedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    inputs: Record<string, unknown>;
}

/** One priced resource. */
export interface CostItem {
    urn: string;
    type: string;
    monthly: MonthlyCost;
    /** How the figure was reached: instance type, count, unit price, price list and its date; or why unknown. */
    basis: string;
}

/** The cost of a set of resources. */
export interface CostReport {
    currency: "USD";
    /** Sums of the known item figures. `unknownItems` counts the items left out because unknown. */
    monthly: { min: number; max: number };
    /** Items with a cost (known or unknown); resources that cost nothing by themselves are left out. */
    items: CostItem[];
    /** How many items have an unknown min or max. */
    unknownItems: number;
}

/**
 * Monthly figures and the wording of their bases, shared by every pricer so that all items read alike:
 * "2-3 x g6.xlarge (1 x NVIDIA L4) on-demand at $0.8048/h in us-east-1 (<price list>) x 730 h".
 */
import { CatalogError } from "../catalog/errors";
import { UnknownInput } from "./inputs";
import { HOURS_PER_MONTH } from "./types";

/** What a pricer returns: the monthly figures (null = unknown) and how they were reached. */
export interface PricedFigure {
    min: number | null;
    max: number | null;
    basis: string;
    /** The URN of the node pool whose item prices this workload's nodes (the figures are then 0). */
    onPool?: string;
}

/** What a pricer returns for a resource that costs nothing by itself: the reason. */
export interface FreeFigure {
    free: string;
}

/** A resource that is billed nothing by itself, and why. */
export function free(reason: string): FreeFigure {
    return { free: reason };
}

/** True for a {@link FreeFigure}. */
export function isFree(figure: PricedFigure | FreeFigure): figure is FreeFigure {
    return "free" in figure;
}

/** USD per month of `count` units at `hourly` USD per hour; zero units cost 0 whatever the unit price. */
export function monthly(count: number, hourly: number | null): number | null {
    if (count === 0) return 0;
    return hourly === null ? null : count * hourly * HOURS_PER_MONTH;
}

/** `2` or `2-3`. */
export function range(min: number, max: number): string {
    return min === max ? String(min) : `${min}-${max}`;
}

/** Rounds to cents; keeps null. */
export function cents(value: number | null): number | null {
    return value === null ? null : Math.round(value * 100) / 100;
}

/** A figure that is unknown at both ends, with the reason. */
export function unknown(reason: string): PricedFigure {
    return { min: null, max: null, basis: `unknown: ${reason}` };
}

/** Sums figures; an unknown part makes the sum unknown. */
export function sumFigures(parts: readonly PricedFigure[]): PricedFigure {
    const add = (field: "min" | "max") => (parts.some((p) => p[field] === null) ? null : parts.reduce((total, p) => total + (p[field] as number), 0));
    return { min: add("min"), max: add("max"), basis: parts.map((p) => p.basis).join("; ") };
}

/**
 * Runs a pricer and turns the two expected failures into an unknown figure with the reason: a catalog miss
 * (instance type, region or accelerator without a price) and an input that is not known yet.
 */
export function pricedOrUnknown(price: () => PricedFigure | FreeFigure): PricedFigure | FreeFigure {
    try {
        return price();
    } catch (error) {
        if (error instanceof CatalogError || error instanceof UnknownInput) return unknown(error.message);
        throw error;
    }
}

/** `x 730 h`: the hours every monthly figure is based on. */
export const PER_MONTH = `x ${HOURS_PER_MONTH} h`;

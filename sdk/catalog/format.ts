/** Renders prices, counts and sources the same way in offers, errors and cost bases. */
import type { PriceSource } from "./data/rows";

/** `$0.8048`: four decimals for hourly prices; more for per-second prices so that they do not read as 0. */
export function usd(amount: number): string {
    if (amount !== 0 && Math.abs(amount) < 0.001) return `$${Number(amount.toPrecision(6))}`;
    return `$${amount.toFixed(4)}`;
}

// One formatter for every figure: `toLocaleString` with options builds a new one per call, which showed in large plans.
const DOLLARS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * `$1,234.56`: a monthly figure in dollars and cents, as every cost message, estimate basis and plan table
 * writes it (never 0 for an unknown figure: callers say "unknown" instead).
 */
export function dollars(amount: number): string {
    return `$${DOLLARS.format(amount)}`;
}

/** `aws_ec2_gpu_prices.csv, vantage, 2026-01-21`: how an offer or a cost basis names its price list. */
export function sourceLabel(source: PriceSource): string {
    return `${source.file}, ${source.publisher}, ${source.date}`;
}

/** `1, 4 or 8`. */
export function listOr(values: readonly (string | number)[]): string {
    if (values.length <= 1) return values.join("");
    return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** Natural sort of instance and machine type names (`g6.2xlarge` before `g6.12xlarge`). */
export function byName(a: string, b: string): number {
    return a.localeCompare(b, "en", { numeric: true });
}

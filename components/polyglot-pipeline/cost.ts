/**
 * The pipeline's monthly cost: each stage's estimate (from its ModelService) plus the orchestrator's (the one cost
 * model's `costEstimateOutput`). A per-use charge the cost model has no price for makes the total unknown, never free.
 */
import * as pulumi from "@pulumi/pulumi";
import { MonthlyCostEstimate } from "../../sdk/cost/estimate";

/** Sums labelled estimates: each bound known only when every part's is; each basis line names its part. */
export function sumEstimates(parts: { label: string; estimate: pulumi.Output<MonthlyCostEstimate> }[]): pulumi.Output<MonthlyCostEstimate> {
    return pulumi.all(parts.map((p) => p.estimate)).apply((estimates) => {
        const cents = (field: "min" | "max" | "knownMin" | "knownMax") => Math.round(estimates.reduce((total, e) => total + (e[field] ?? 0), 0) * 100) / 100;
        const sum: MonthlyCostEstimate = {
            knownMin: cents("knownMin"),
            knownMax: cents("knownMax"),
            known: estimates.every((e) => e.known),
            basis: estimates.flatMap((e, i) => e.basis.map((line) => `${parts[i].label}: ${line}`)),
        };
        for (const field of ["min", "max"] as const) if (estimates.every((e) => e[field] !== undefined)) sum[field] = cents(field);
        return sum;
    });
}

/**
 * The pipeline's monthly cost: each stage's estimate (from its ModelService) plus the orchestrator's (the one cost
 * model's `costEstimateOutput`). A per-use charge the cost model has no price for makes the total unknown, never free.
 */
import * as pulumi from "@pulumi/pulumi";
import { MonthlyCostEstimate } from "../../sdk/cost/estimate";

/** Sums labelled estimates: known only when every part is; each basis line names its part. */
export function sumEstimates(parts: { label: string; estimate: pulumi.Output<MonthlyCostEstimate> }[]): pulumi.Output<MonthlyCostEstimate> {
    return pulumi.all(parts.map((p) => p.estimate)).apply((estimates) => {
        const known = estimates.every((e) => e.known);
        const basis = estimates.flatMap((e, i) => e.basis.map((line) => `${parts[i].label}: ${line}`));
        if (!known) return { known, basis };
        const cents = (field: "min" | "max") => Math.round(estimates.reduce((sum, e) => sum + (e[field] ?? 0), 0) * 100) / 100;
        return { known, min: cents("min"), max: cents("max"), basis };
    });
}

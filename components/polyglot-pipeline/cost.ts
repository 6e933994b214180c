/**
 * The pipeline's monthly cost: each stage's estimate (from its ModelService) plus the orchestrator's, priced by the
 * one cost model. A per-use charge the cost model has no price for makes the total unknown, never free.
 */
import * as pulumi from "@pulumi/pulumi";
import { costEstimateOutput, MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { OrchestratorCost } from "./orchestrator";

/** The orchestrator's estimate, from the one cost model (per-use services: $0 idle, unknown at full scale). */
export function orchestratorEstimate(costs: OrchestratorCost[]): pulumi.Output<MonthlyCostEstimate> {
    return costEstimateOutput(costs.map((c) => c.resource));
}

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

/**
 * The `--json` document of a plan. Its shape is a contract read by later work and outside checks:
 * change it only by adding keys, never by renaming or removing one.
 */
import type { MonthlyCost } from "../cost/types";
import type { PlanCost } from "./cost";
import type { PolicyFinding } from "./policies";
import { redactedInputs, redactPaths } from "./redact";
import type { PlanRun } from "./run";

/** The `--json` output of `modelship plan`. Secret values are `"[secret]"`; absent values are null. */
export interface PlanJson {
    /** The program folder as given on the command line. */
    program: string;
    stack: string;
    /** Every registered resource in registration order, the stack first. */
    resources: Array<{ urn: string; type: string; name: string; parent: string | null; inputs: Record<string, unknown> }>;
    /** The stack outputs. */
    outputs: Record<string, unknown>;
    cost: {
        currency: "USD";
        /** The totals: null when any item's figure is unknown (never the sum of the rest). */
        monthly: MonthlyCost;
        /** Sums of the known item figures only (unknown items are null in `items`, never counted as 0). */
        knownMonthly: { min: number; max: number };
        /** Billed resources; `onPool` is the URN of the node pool whose item prices the workload's nodes (its figures are then 0). */
        items: Array<{ urn: string; monthly: MonthlyCost; basis: string; onPool: string | null }>;
        /** Resources that cost nothing by themselves, with the reason. */
        free: Array<{ urn: string; type: string; reason: string }>;
    };
    policies: Array<{ policy: string; enforcement: PolicyFinding["enforcement"]; urn: string | null; message: string }>;
}

/** Builds the `--json` document with exactly the documented keys. */
export function planJson(run: PlanRun, cost: PlanCost, findings: ReadonlyArray<PolicyFinding>): PlanJson {
    return {
        program: run.program,
        stack: run.stack,
        resources: run.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, inputs: redactedInputs(r) })),
        outputs: redactPaths(run.outputs, run.secretOutputPaths),
        cost: {
            currency: cost.report.currency,
            monthly: { min: cost.report.monthly.min, max: cost.report.monthly.max },
            knownMonthly: { min: cost.report.knownMonthly.min, max: cost.report.knownMonthly.max },
            items: cost.report.items.map((i) => ({ urn: i.urn, monthly: { min: i.monthly.min, max: i.monthly.max }, basis: i.basis, onPool: i.onPool ?? null })),
            free: cost.report.free.map((f) => ({ urn: f.urn, type: f.type, reason: f.reason })),
        },
        policies: findings.map((f) => ({ policy: f.policy, enforcement: f.enforcement, urn: f.urn ?? null, message: f.message })),
    };
}

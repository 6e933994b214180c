/**
 * The `estimatedMonthlyCost` output every component exposes, computed by the one cost model over the
 * resources the component creates, once their inputs are known (a node selector from a GpuPool output,
 * for example), in the regions of the stack's provider config.
 */
import * as pulumi from "@pulumi/pulumi";
import { estimateCost } from "./index";
import { stackAwsRegion, stackGcpRegion } from "./regions";
import type { CostedResource } from "./types";

/**
 * A component's monthly cost in USD. Multi-language outputs cannot be `number | null`, so an unknown
 * figure is an absent field and `known` says whether both are present.
 */
export interface MonthlyCostEstimate {
    /** USD per month at minimum scale; absent when any priced resource's minimum is unknown. */
    min?: number;
    /** USD per month at maximum scale (every autoscaler at its cap); absent when any priced resource's maximum is unknown. */
    max?: number;
    /**
     * USD per month at minimum scale of the resources whose minimum is known: `min` when every one is, else a lower bound
     * of it that leaves out what `basis` says is unknown.
     */
    knownMin: number;
    /** USD per month at maximum scale of the resources whose maximum is known (see `knownMin`). */
    knownMax: number;
    /** True when every priced resource has a known price at both bounds. */
    known: boolean;
    /** How the figures were reached, one line per priced resource. */
    basis: string[];
}

/** An estimate with both bounds known. */
export function knownEstimate(min: number, max: number, basis: string[]): MonthlyCostEstimate {
    return { min, max, knownMin: min, knownMax: max, known: true, basis };
}

/** An estimate of which nothing is known: the known parts are $0, the reason is in `basis`. */
export function unknownEstimate(basis: string[]): MonthlyCostEstimate {
    return { knownMin: 0, knownMax: 0, known: false, basis };
}

/** The cost options of the stack: regions from the `aws:region` and `gcp:region` config (else the defaults). */
export function stackCostOptions(): { awsRegion: string; gcpRegion: string } {
    return { awsRegion: stackAwsRegion(), gcpRegion: stackGcpRegion() };
}

/** True when `value` holds an Output or a Promise anywhere inside. */
function holdsDeferred(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
    if (value === null || typeof value !== "object") return false;
    return Object.values(value).some(holdsDeferred);
}

function estimateOf(resources: CostedResource[], options: { awsRegion: string; gcpRegion: string }): MonthlyCostEstimate {
    const report = estimateCost(resources, options);
    const estimate: MonthlyCostEstimate = {
        knownMin: report.knownMonthly.min,
        knownMax: report.knownMonthly.max,
        known: report.unknownItems === 0,
        basis: report.items.map((i) => i.basis),
    };
    // Each bound on its own, as the plan's totals: a log group billed per GB ($0 idle, unknown at full scale) leaves the
    // minimum known and the maximum unknown.
    if (report.monthly.min !== null) estimate.min = report.monthly.min;
    if (report.monthly.max !== null) estimate.max = report.monthly.max;
    return estimate;
}

/** Prices `resources` (inputs may hold Outputs) and returns the estimate as an Output. */
export function costEstimateOutput(resources: CostedResource[]): pulumi.Output<MonthlyCostEstimate> {
    const options = stackCostOptions();
    // Plain inputs (the common case) are priced now and wrapped once: no Output chain per component in large stacks.
    // A pricer that throws takes the chained path below, so the error fails the Output as it always did.
    if (!holdsDeferred(resources)) {
        try {
            return pulumi.output(estimateOf(resources, options));
        } catch {
            // Fall through.
        }
    }
    return pulumi.output(resources as pulumi.Input<CostedResource>[]).apply((resolved) => estimateOf(resolved as CostedResource[], options));
}

/**
 * Runs the seven policies for one service and summarises each: hours (GPU-hours, or replica-hours for a CPU
 * service), cost, served, dropped, waiting percentiles and the ratios of hours to the two oracles'.
 */
import type { PolicyRun } from "./model";
import { simulatePolicy } from "./model";
import { neededReplicas, ORACLE, ORACLE_AT_TARGET, oracleRun } from "./oracle";
import { hpaPolicy, inFlightTarget, kedaPolicy, knativePolicy, modelshipPolicy, ScalingSpec, staticPolicy } from "./policies";
import { simulatePushQueue, type PushRun } from "./pubsub-push";
import type { HourUnit, ServiceModel } from "./service";
import type { Trace } from "./trace";

/** One policy's line of the report (the `--json` shape, plus the ratio). */
export interface PolicySummary {
    name: string;
    /** Billed hours in the service's unit: GPU-hours, or replica-hours for a CPU service. */
    hours: number;
    /** GPU-hours: 0 for a CPU service. */
    gpuHours: number;
    costUsd: number | null;
    served: number;
    dropped: number;
    waitP50Seconds: number;
    waitP95Seconds: number;
    waitP99Seconds: number;
    /** Hours / the oracle's (Infinity when the oracle needs none and the policy does). */
    oracleRatio: number;
    /** Hours / `oracle-at-target`'s, likewise: the goals are stated against it (the target is the team's latency choice). */
    atTargetRatio: number;
    /** Queue mode on Cloud Run, modelship's run: what the push did (dropped = dead-lettered + expired). */
    push?: Pick<PushRun, "deadLettered" | "expired" | "deliveries" | "failedDeliveries">;
}

/** The wait (seconds) below which a fraction `q` of the served requests started. */
export function percentile(histogram: Float64Array, q: number): number {
    const total = histogram.reduce((a, b) => a + b, 0);
    if (total <= 0) return 0;
    let seen = 0;
    for (let w = 0; w < histogram.length; w++) {
        seen += histogram[w];
        if (seen >= q * total - 1e-9) return w;
    }
    return histogram.length - 1;
}

/** Where second 0 of a trace is on the clock when the trace does not say (a Monday, 00:00 UTC). */
export const DEFAULT_TRACE_START = new Date("2026-01-05T00:00:00Z");

/**
 * The replicas `static-peak` keeps: enough for the trace's peak at full capacity, at least the minimum, and at most
 * `maxReplicas` as given (the bound the HPA, Knative and KEDA policies keep too).
 */
export function staticPeakReplicas(requests: Float64Array, spec: Pick<ScalingSpec, "min" | "specMax">, service: ServiceModel): number {
    const need = neededReplicas(requests, service);
    let peak = Math.max(1, spec.min);
    for (let t = 0; t < need.length; t++) if (need[t] > peak) peak = need[t];
    return Math.min(spec.specMax, peak);
}

/**
 * The seven runs of one service, in report order. `oracle-at-target` comes last so that the first six keep their
 * places (the `--json` order is stable).
 */
export function runPolicies(trace: Trace, spec: ScalingSpec, service: ServiceModel): PolicyRun[] {
    const requests = trace.requests;
    const start = trace.startTime ?? DEFAULT_TRACE_START;
    const peak = staticPeakReplicas(requests, spec, service);
    return [
        modelshipRun(requests, spec, service, start),
        simulatePolicy(requests, service, hpaPolicy(spec, service)),
        simulatePolicy(requests, service, knativePolicy(spec, service)),
        simulatePolicy(requests, service, kedaPolicy(spec, service)),
        simulatePolicy(requests, service, staticPolicy(peak), { initialReplicas: peak }),
        oracleRun(requests, service),
        oracleRun(requests, service, { name: ORACLE_AT_TARGET, perReplica: inFlightTarget(spec, service) }),
    ];
}

/**
 * `modelship`'s run: the service's own scaling as deployed. Queue mode on Cloud Run is the push subscription and Cloud
 * Run's own autoscaler (simulate/pubsub-push.ts), with the pre-warming windows' minimum; every other service, its loop.
 */
export function modelshipRun(requests: Float64Array, spec: ScalingSpec, service: ServiceModel, start: Date): PolicyRun {
    const policy = modelshipPolicy(spec, service, start, requests.length);
    const push = service.queue?.push;
    if (!push) return simulatePolicy(requests, service, policy);
    return simulatePushQueue(requests, service, push, { min: spec.min, max: spec.max, floorByMinute: policy.prewarmFloorByMinute });
}

/** Hours of `r` over a bound's (NaN without the bound; Infinity when the bound needs none and `r` does). */
function ratio(r: PolicyRun, bound: PolicyRun | undefined): number {
    return !bound ? NaN : bound.hours > 0 ? r.hours / bound.hours : r.hours > 0 ? Infinity : 1;
}

/** The summary lines of `runs` (the oracles among them give the ratios). */
export function summarise(runs: PolicyRun[]): PolicySummary[] {
    const oracle = runs.find((r) => r.name === ORACLE);
    const atTarget = runs.find((r) => r.name === ORACLE_AT_TARGET);
    return runs.map((r) => ({
        name: r.name,
        hours: r.hours,
        gpuHours: r.gpuHours,
        costUsd: r.costUsd,
        served: r.served,
        dropped: r.dropped,
        waitP50Seconds: percentile(r.waitHistogram, 0.5),
        waitP95Seconds: percentile(r.waitHistogram, 0.95),
        waitP99Seconds: percentile(r.waitHistogram, 0.99),
        oracleRatio: ratio(r, oracle),
        atTargetRatio: ratio(r, atTarget),
        ...("deadLettered" in r && { push: pushStats(r as PushRun) }),
    }));
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function pushStats(r: PushRun): NonNullable<PolicySummary["push"]> {
    return { deadLettered: r.deadLettered, expired: r.expired, deliveries: r.deliveries, failedDeliveries: r.failedDeliveries };
}

/** The `--json` line of a policy (stable shape: `hours` was added beside `gpuHours`, docs/simulate.md). */
export function policyJson(s: PolicySummary): Record<string, unknown> {
    return {
        name: s.name,
        hours: round(s.hours, 3),
        gpuHours: round(s.gpuHours, 3),
        costUsd: s.costUsd === null ? null : round(s.costUsd, 2),
        served: Math.round(s.served),
        dropped: Math.round(s.dropped),
        waitP50Seconds: s.waitP50Seconds,
        waitP95Seconds: s.waitP95Seconds,
        waitP99Seconds: s.waitP99Seconds,
        // Queue mode on Cloud Run (modelship): the dropped split into dead-lettered and expired, and the pushes.
        ...(s.push && {
            deadLettered: Math.round(s.push.deadLettered),
            expired: Math.round(s.push.expired),
            deliveries: Math.round(s.push.deliveries),
            failedDeliveries: Math.round(s.push.failedDeliveries),
        }),
    };
}

/** The column header of hours in `unit`. */
export function unitLabel(unit: HourUnit): string {
    return unit === "gpu-hours" ? "GPU-hours" : "replica-hours";
}

/** A text table of one service's summaries, hours in the service's `unit`. */
export function renderTable(summaries: PolicySummary[], unit: HourUnit = "gpu-hours"): string {
    const header = ["policy", unitLabel(unit), "x oracle", "x at target", "cost USD", "served", "dropped", "wait p50", "p95", "p99"];
    const rows = summaries.map((s) => [
        s.name,
        s.hours.toFixed(2),
        Number.isFinite(s.oracleRatio) ? s.oracleRatio.toFixed(2) : "-",
        Number.isFinite(s.atTargetRatio) ? s.atTargetRatio.toFixed(2) : "-",
        s.costUsd === null ? "unknown" : s.costUsd.toFixed(2),
        String(Math.round(s.served)),
        String(Math.round(s.dropped)),
        `${s.waitP50Seconds} s`,
        `${s.waitP95Seconds} s`,
        `${s.waitP99Seconds} s`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    return [line(header), ...rows.map(line)].join("\n") + "\n";
}

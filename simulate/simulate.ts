/**
 * One service's simulation from what the plan resolved: the replica model (defaults or overrides), the seven
 * policies, their summaries, what binds those that drop requests or wait past the SLO, and the `--json` document.
 */
import { ScalingMetric } from "../components/spike-autoscaler/args";
import { HOURS_PER_MONTH } from "../sdk/cost/types";
import { bindingLimits, DEFAULT_SLO_P99_SECONDS, Limit, limitJson } from "./limits";
import type { PolicyRun } from "./model";
import { defaultConcurrency, inFlightTarget } from "./policies";
import { DEFAULT_TRACE_START, PolicySummary, policyJson, runPolicies, summarise } from "./report";
import { ColdStart, defaultColdStart, defaultNodeIdleSeconds, DEFAULT_SERVICE_SECONDS, DEFAULT_TIMEOUT_SECONDS, hourUnit, ServiceModel } from "./service";
import type { AutoscaledService } from "./services";
import type { Trace } from "./trace";

/** What the user may set over the defaults (docs/simulate.md). */
export interface SimulationOverrides {
    serviceSeconds?: number;
    concurrency?: number;
    timeoutSeconds?: number;
    coldStart?: Partial<ColdStart>;
    nodeIdleSeconds?: number;
    /** The SLO on waiting (p99, seconds) past which the report says what binds: `--slo-p99`, default 30. */
    sloP99Seconds?: number;
}

/**
 * The replica model of a service: its GPUs and price from the plan, the rest from defaults or overrides. A CPU
 * service (no GPU) gets the CPU cold start and keeps no node of its own after a replica goes (service.ts).
 */
export function serviceModel(service: Pick<AutoscaledService, "spec" | "gpusPerReplica">, o: SimulationOverrides = {}): ServiceModel {
    const serviceSeconds = Math.max(1, Math.round(o.serviceSeconds ?? DEFAULT_SERVICE_SECONDS));
    const base = { concurrency: 1, serviceSeconds, timeoutSeconds: o.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS };
    const model: ServiceModel = {
        ...base,
        coldStart: { ...defaultColdStart(service.gpusPerReplica), ...o.coldStart },
        nodeIdleSeconds: o.nodeIdleSeconds ?? defaultNodeIdleSeconds(service.gpusPerReplica),
        gpusPerReplica: service.gpusPerReplica,
        hourlyUsd: service.spec.price.monthly === null || !service.spec.price.priced ? null : service.spec.price.monthly / HOURS_PER_MONTH,
    };
    // The concurrency default depends on the target, which (for GPU utilisation) depends on the concurrency: use 8.
    model.concurrency = o.concurrency ?? (service.spec.metric === ScalingMetric.GpuUtilization ? 8 : defaultConcurrency(inFlightTarget(service.spec, model)));
    return model;
}

/** The result for one service. */
export interface ServiceSimulation {
    urn: string;
    name: string;
    model: ServiceModel;
    runs: PolicyRun[];
    summaries: PolicySummary[];
    /** The SLO the limits were found against (p99 waiting, seconds). */
    sloP99Seconds: number;
    /** What binds each policy that drops requests or waits past the SLO (limits.ts); empty when none does. */
    limits: Limit[];
}

/** Simulates one service under the seven policies and says what binds those that fall short of the SLO. */
export function simulateService(trace: Trace, service: AutoscaledService, overrides: SimulationOverrides = {}): ServiceSimulation {
    const model = serviceModel(service, overrides);
    const runs = runPolicies(trace, service.spec, model);
    const sloP99Seconds = overrides.sloP99Seconds ?? DEFAULT_SLO_P99_SECONDS;
    const limits = bindingLimits(trace.requests, model, service.spec, runs, { sloP99Seconds });
    return { urn: service.urn, name: service.name, model, runs, summaries: summarise(runs), sloP99Seconds, limits };
}

/** The `--json` document (stable shape; `unit`, `gpusPerReplica`, `coldStart`, `sloP99Seconds` and `limits` were added, docs/simulate.md). */
export function simulationJson(trace: Trace, results: ServiceSimulation[]): Record<string, unknown> {
    const start = trace.startTime ?? DEFAULT_TRACE_START;
    return {
        trace: trace.name,
        sloP99Seconds: results[0]?.sloP99Seconds ?? DEFAULT_SLO_P99_SECONDS,
        services: results.map((r) => ({
            urn: r.urn,
            unit: hourUnit(r.model),
            gpusPerReplica: r.model.gpusPerReplica,
            coldStart: { ...r.model.coldStart },
            policies: r.summaries.map(policyJson),
            limits: r.limits.map((l) => limitJson(l, start)),
        })),
    };
}

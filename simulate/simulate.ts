/**
 * One service's simulation from what the plan resolved: the replica model (defaults or overrides), the seven
 * policies, their summaries, what binds those that drop requests or wait past the SLO, and the `--json` document.
 */
import { AutoscalerTarget, ScalingMetric } from "../components/spike-autoscaler/args";
import { HOURS_PER_MONTH } from "../sdk/cost/types";
import { bindingLimits, DEFAULT_SLO_P99_SECONDS, Limit, limitJson } from "./limits";
import type { PolicyRun } from "./model";
import { defaultConcurrency, inFlightTarget } from "./policies";
import { DEFAULT_TRACE_START, PolicySummary, policyJson, runPolicies, summarise } from "./report";
import { headroomOnClock, resolveColdStart } from "./cold-start";
import { ColdStart, defaultNodeIdleSeconds, DEFAULT_SERVICE_SECONDS, DEFAULT_TIMEOUT_SECONDS, hourUnit, ServiceModel } from "./service";
import type { PushDelivery } from "./pubsub-push";
import type { AutoscaledService } from "./services";
import type { Trace } from "./trace";

/** Targets whose removed replica is billed no further: no node is kept after it. */
const NO_NODE_KEPT: readonly AutoscalerTarget[] = [AutoscalerTarget.AwsSageMaker, AutoscalerTarget.GcpCloudRun];

/** What the user may set over the defaults (docs/simulate.md). */
export interface SimulationOverrides {
    serviceSeconds?: number;
    concurrency?: number;
    timeoutSeconds?: number;
    coldStart?: Partial<ColdStart>;
    /** The serving image's compressed size in GiB (`--image-gib`): the pull at the measured rate. */
    imageGiB?: number;
    nodeIdleSeconds?: number;
    /** The trace's clock, for the pool's headroom windows (without it, headroom is kept all the time). */
    clock?: { start: Date; seconds: number };
    /** The SLO on waiting (p99, seconds) past which the report says what binds: `--slo-p99`, default 30. */
    sloP99Seconds?: number;
}

/**
 * The replica model of a service: its GPUs and price from the plan, its cold start from the stack's features
 * (simulate/cold-start.ts: the documented defaults when it has none), the rest from defaults or overrides. A CPU
 * service (no GPU) gets the CPU cold start and keeps no node of its own after a replica goes (service.ts).
 */
export function serviceModel(service: Pick<AutoscaledService, "spec" | "gpusPerReplica" | "coldStart" | "queue">, o: SimulationOverrides = {}): ServiceModel {
    const serviceSeconds = Math.max(1, Math.round(o.serviceSeconds ?? DEFAULT_SERVICE_SECONDS));
    // Queue mode: a request waits in the queue until its retention, not the gateway's timeout (`--timeout` still wins).
    const queue = service.queue;
    const base = { concurrency: 1, serviceSeconds, timeoutSeconds: o.timeoutSeconds ?? queue?.retentionSeconds ?? DEFAULT_TIMEOUT_SECONDS };
    const cold = resolveColdStart(service.coldStart, service.gpusPerReplica, { ...o.coldStart, imageGiB: o.imageGiB }, service.spec.target);
    const model: ServiceModel = {
        ...base,
        coldStart: cold.coldStart,
        warmLoadSeconds: cold.warmLoadSeconds,
        ...(cold.headroom && { headroom: o.clock ? headroomOnClock(cold.headroom, o.clock.start, o.clock.seconds) : cold.headroom }),
        coldStartSources: cold.sources,
        ...(queue && { queue: { retentionSeconds: base.timeoutSeconds, ...(queue.push && { push: queue.push }) } }),
        // A SageMaker or Cloud Run instance removed is no longer billed: no node is kept for it (Kubernetes' Cluster Autoscaler keeps one 10 min).
        nodeIdleSeconds: o.nodeIdleSeconds ?? (NO_NODE_KEPT.includes(service.spec.target) ? 0 : defaultNodeIdleSeconds(service.gpusPerReplica)),
        gpusPerReplica: service.gpusPerReplica,
        hourlyUsd: service.spec.price.monthly === null || !service.spec.price.priced ? null : service.spec.price.monthly / HOURS_PER_MONTH,
    };
    // The concurrency default depends on the target, which (for GPU utilisation) depends on the concurrency: use 8.
    // In queue mode each replica takes up to `concurrencyPerReplica` requests from the queue (SageMaker's MaxConcurrentInvocationsPerInstance).
    model.concurrency = o.concurrency ?? queue?.concurrencyPerReplica ?? (service.spec.metric === ScalingMetric.GpuUtilization ? 8 : defaultConcurrency(inFlightTarget(service.spec, model)));
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
    const clock = overrides.clock ?? { start: trace.startTime ?? DEFAULT_TRACE_START, seconds: trace.requests.length };
    const model = serviceModel(service, { ...overrides, clock });
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
            coldStart: coldStartJson(r.model),
            // Queue mode: requests wait up to the queue's retention (`timeoutSeconds`), under every policy.
            ...(r.model.queue && {
                queue: { retentionSeconds: r.model.queue.retentionSeconds, concurrencyPerReplica: r.model.concurrency, ...(r.model.queue.push && { push: pushJson(r.model.queue.push) }) },
            }),
            policies: r.summaries.map(policyJson),
            limits: r.limits.map((l) => limitJson(l, start)),
        })),
    };
}

/** A Cloud Run queue's push delivery in `--json` (simulate/pubsub-push.ts): what the deployed subscription does with a push the service cannot take. */
function pushJson(p: PushDelivery): Record<string, unknown> {
    return { maxDeliveries: p.maxDeliveries, minBackoffSeconds: p.minBackoffSeconds, maxBackoffSeconds: p.maxBackoffSeconds, deadlineSeconds: p.deadlineSeconds };
}

/** A service's `coldStart` in `--json`: the parts on a new node, the load on a node that ran it, the headroom, and the sources. */
export function coldStartJson(m: ServiceModel): Record<string, unknown> {
    return {
        ...m.coldStart,
        warmLoadSeconds: m.warmLoadSeconds ?? m.coldStart.loadSeconds,
        headroomGpus: m.headroom?.gpus ?? 0,
        ...(m.coldStartSources && { sources: { ...m.coldStartSources } }),
    };
}

/**
 * `modelship simulate --recommend`: for one service, the cheapest `autoscaling` block that drops nothing and keeps
 * p99 waiting within the SLO on the trace, keeping the team's min/max replicas, budget, metric and query. It
 * searches the block's own settings: pre-warming windows (derived from the trace where the reactive loop cannot
 * reach the demand in time, recommend-windows.ts), the metric target (within one replica's capacity), the scale-down
 * delay and the burst. Every candidate is resolved by the component's own code (recommend-resolve.ts) and simulated
 * as `modelship` is, so the figures predicted are those of the block pasted in.
 *
 * The search: a coarse grid of target x delay x burst without windows; then, from the best of each target, windows
 * derived from its late requests, repaired until the SLO holds, and shrunk one setting at a time while it still
 * holds; the target, delay and burst moved one step at a time around the best; last, with the best's windows kept,
 * every delay and burst again, and the windows stepped into staircases that follow the ramp. It stops at a time
 * budget. `keepTarget` holds the team's own target (docs/simulate.md, "Recommendations").
 */
import { ScalingMetric, type AutoscalingArgs, type PrewarmWindowArgs } from "../components/spike-autoscaler/args";
import { parsePrewarmWindow, type PrewarmSchedule } from "../components/spike-autoscaler/cron";
import type { PrewarmPlan } from "../components/spike-autoscaler/spec";
import { bindingLimits, replayQueue } from "./limits";
import type { PolicyRun } from "./model";
import { neededReplicas } from "./oracle";
import { inFlightTarget } from "./policies";
import { prewarmFloorByMinute } from "./prewarm";
import { checkCanPrewarm, checkRecommendTrace, RecommendInputError, type Predicted, type Recommendation } from "./recommend-input";
import type { CandidateResolver } from "./recommend-resolve";
import { lateEpisodes, prewarmArgs, repairWindows, stepSplits, type TraceWindow, type WindowContext, windowsForEpisodes } from "./recommend-windows";
import { DEFAULT_TRACE_START, modelshipRun, percentile } from "./report";
import { fullColdStart, type ServiceModel } from "./service";
import { serviceModel, type SimulationOverrides } from "./simulate";
import type { AutoscaledService } from "./services";
import type { Trace } from "./trace";

interface Evaluated {
    args: AutoscalingArgs;
    /** The searched windows on the trace's clock (none for a reactive candidate), for the moves made from it. */
    windows: readonly TraceWindow[];
    service: AutoscaledService;
    model: ServiceModel;
    run: PolicyRun;
    p99: number;
    ok: boolean;
}

/** Options of {@link recommend}. */
export interface RecommendOptions {
    overrides: SimulationOverrides;
    sloP99Seconds: number;
    /** Milliseconds the search may take (it returns the best found by then). */
    budgetMs?: number;
    /** Keep the service's own metric target (search the windows, delay and burst only). Defaults to false. */
    keepTarget?: boolean;
}

const SEARCHED: Array<keyof AutoscalingArgs> = ["metricTarget", "scaleDownDelaySeconds", "burstMultiplier", "prewarm"];
/**
 * Scale-down delays searched: from one HPA sync (15 s) to 15 minutes. Short ones pay once windows cover the ramp:
 * the loop then follows the decay closely, and a replica it removes too early comes back on its freed node in a
 * model load (the simulator keeps a freed node 10 minutes, as Cluster Autoscaler does).
 */
const DELAYS = [15, 30, 60, 120, 240, 480, 900];
const BURSTS = [2, 10, 1000];

function predicted(e: Pick<Evaluated, "run" | "p99">): Predicted {
    return { gpuHours: e.run.gpuHours, hours: e.run.hours, costUsd: e.run.costUsd, dropped: e.run.dropped, waitP99Seconds: e.p99 };
}

/** The metric target that makes `inFlight` requests per replica, in the metric's own unit; undefined when the metric has no such reading. */
function targetFor(metric: ScalingMetric, inFlight: number, model: ServiceModel): number | undefined {
    if (metric === ScalingMetric.InFlightRequests) return inFlight;
    if (metric === ScalingMetric.RequestsPerSecond) return Math.round((inFlight / model.serviceSeconds) * 1000) / 1000;
    if (metric === ScalingMetric.GpuUtilization) return Math.min(100, Math.round((100 * inFlight) / model.concurrency));
    return undefined;
}

/** Searches the cheapest block for `service` that drops nothing and waits within the SLO at p99 on `trace`. */
export function recommend(trace: Trace, service: AutoscaledService, resolver: CandidateResolver, options: RecommendOptions): Recommendation {
    const began = Date.now();
    const budgetMs = options.budgetMs ?? 25_000;
    const slo = options.sloP99Seconds;
    const requests = trace.requests;
    checkRecommendTrace(trace);
    checkCanPrewarm(resolver, service);
    const start = trace.startTime ?? DEFAULT_TRACE_START;
    // One replica's capacity stays what it is while the target moves: a target is how full to run it, not its size.
    const concurrency = serviceModel(service, options.overrides).concurrency;
    const overrides: SimulationOverrides = { ...options.overrides, concurrency };
    const cache = new Map<string, Evaluated | null>();
    // The block without its windows goes through the component's resolution (cheap); each distinct window through its
    // cron parser once (a year of windows is counted per parse: tens of ms). The block chosen is then resolved whole.
    // Every candidate keeps the service's cold start read from the stack (its pool, image cache, model cache): only the
    // autoscaling block changes, so the current figures and the table's are the same run.
    const resolveWhole = (args: AutoscalingArgs): AutoscaledService | undefined => {
        const resolved = resolver.resolve(args).service;
        return resolved && service.coldStart ? { ...resolved, coldStart: service.coldStart } : resolved;
    };
    const reactiveSpecs = new Map<string, AutoscaledService | null>();
    const schedules = new Map<string, PrewarmSchedule | null>();
    const resolveFast = (args: AutoscalingArgs): AutoscaledService | null => {
        const { prewarm, ...reactive } = args;
        const key = JSON.stringify(reactive);
        let base = reactiveSpecs.get(key);
        if (base === undefined) reactiveSpecs.set(key, (base = resolveWhole(reactive) ?? null));
        if (!base || !prewarm || prewarm.length === 0) return base;
        const plans: PrewarmPlan[] = [];
        for (const [i, w] of prewarm.entries()) {
            const wkey = `${w.schedule}|${w.timezone}|${w.durationMinutes}`;
            let schedule = schedules.get(wkey);
            if (schedule === undefined) schedules.set(wkey, (schedule = parsePrewarmWindow(w, `prewarm[${i}]`).schedule ?? null));
            // As the component: above maxReplicas or not above the minimum is refused; above the budget's bound, lowered to it.
            if (!schedule || w.replicas > base.spec.specMax || w.replicas <= base.spec.min) return null;
            plans.push({ schedule, replicas: Math.min(w.replicas, base.spec.max) });
        }
        return { ...base, spec: { ...base.spec, prewarm: plans } };
    };
    const simulateWith = (args: AutoscalingArgs, resolved: AutoscaledService, windows: readonly TraceWindow[] = []): Evaluated => {
        const model = serviceModel(resolved, overrides);
        const run = modelshipRun(requests, resolved.spec, model, start);
        const p99 = percentile(run.waitHistogram, 0.99);
        return { args, windows, service: resolved, model, run, p99, ok: run.dropped < 0.5 && p99 <= slo };
    };
    const evaluate = (args: AutoscalingArgs, windows: readonly TraceWindow[] = []): Evaluated | null => {
        const key = JSON.stringify(args);
        if (cache.has(key)) return cache.get(key) ?? null;
        const resolved = resolveFast(args);
        const e = resolved ? simulateWith(args, resolved, windows) : null;
        cache.set(key, e);
        return e;
    };
    const outOfTime = () => Date.now() - began > budgetMs;
    const better = (a: Evaluated | null, b: Evaluated | null) => !!a && a.ok && (!b || !b.ok || a.run.hours < b.run.hours - 1e-9);

    const given = resolver.given;
    const kept = Object.fromEntries(Object.entries(given).filter(([k]) => !SEARCHED.includes(k as keyof AutoscalingArgs))) as AutoscalingArgs;
    const current = evaluate(given);
    if (!current) throw new RecommendInputError(`--recommend: service ${service.name}: its autoscaling block does not resolve`);
    const spec = current.service.spec;
    const metric = spec.metric;
    const model = current.model;
    const currentInFlight = inFlightTarget(spec, model);
    // Targets from 40% of a replica's capacity to all of it, in whole requests (the current one among them).
    const inFlights = [...new Set([currentInFlight, ...Array.from({ length: concurrency }, (_, i) => i + 1).filter((k) => k >= 0.4 * concurrency)])].sort((a, b) => a - b);
    const targetsAll = (targetFor(metric, currentInFlight, model) === undefined ? [spec.metricTarget] : inFlights.map((k) => targetFor(metric, k, model) as number)).filter(
        (v, i, all) => all.indexOf(v) === i,
    );
    // A setting the target has no use for (burst on SageMaker, whose target tracking has no step cap) is left out.
    const { prewarm: _given, ...reactiveGiven } = given;
    const accepts = (key: keyof AutoscalingArgs, value: number) => resolver.resolve({ ...reactiveGiven, [key]: value }).service !== undefined;
    const searchTarget = accepts("metricTarget", spec.metricTarget);
    const searchDelay = accepts("scaleDownDelaySeconds", spec.scaleDownDelaySeconds);
    const searchBurst = accepts("burstMultiplier", spec.burstMultiplier);
    const targets = searchTarget && !options.keepTarget ? targetsAll : [spec.metricTarget];
    const delays = searchDelay ? [...new Set([spec.scaleDownDelaySeconds, ...DELAYS])].sort((a, b) => a - b) : [spec.scaleDownDelaySeconds];
    const bursts = searchBurst ? [...new Set([spec.burstMultiplier, ...BURSTS])].sort((a, b) => a - b) : [spec.burstMultiplier];
    // The team's windows that never open during the trace are kept as they are: the trace says nothing about them.
    const unseen = (given.prewarm ?? []).filter((_, i) => {
        const plan = spec.prewarm[i];
        return plan !== undefined && prewarmFloorByMinute([plan], start, requests.length).every((r) => r === 0);
    });
    const block = (metricTarget: number, scaleDownDelaySeconds: number, burstMultiplier: number, prewarm: PrewarmWindowArgs[] = []): AutoscalingArgs => ({
        ...kept,
        ...(searchTarget && { metricTarget }),
        ...(searchDelay && { scaleDownDelaySeconds }),
        ...(searchBurst && { burstMultiplier }),
        ...(unseen.length + prewarm.length > 0 && { prewarm: [...unseen, ...prewarm] }),
    });
    const timezone = spec.prewarm[0]?.schedule.timezone ?? "UTC";
    const traceMinutes = Math.ceil(requests.length / 60);
    const coldStartSeconds = fullColdStart(model.coldStart);
    const windowContext = (e: Evaluated): WindowContext => ({
        needAtTarget: neededReplicas(requests, e.model, Math.min(concurrency, inFlightTarget(e.service.spec, e.model))),
        coldStartSeconds,
        syncSeconds: e.service.spec.kubernetes?.pollingIntervalSeconds ?? 15,
        sloSeconds: slo,
        min: e.service.spec.min,
        max: e.service.spec.max,
        traceMinutes,
    });
    const lateOf = (e: Evaluated) => {
        const replay = replayQueue(requests, e.model, e.run.servingReady, slo);
        const late = new Float64Array(requests.length);
        for (let a = 0; a < late.length; a++) late[a] = replay.dropped[a] + replay.late[a];
        return lateEpisodes(late, coldStartSeconds);
    };
    const withWindows = (base: AutoscalingArgs, windows: readonly TraceWindow[]) => {
        const { prewarm: _none, ...rest } = base;
        const prewarm = [...unseen, ...prewarmArgs(windows, start, requests.length, timezone)];
        return evaluate(
            { ...rest, ...(prewarm.length > 0 && { prewarm }) },
            windows.map((w) => ({ ...w })),
        );
    };

    // 1. The coarse grid, without windows.
    let best: Evaluated | null = null;
    const grid: Evaluated[] = [];
    for (const t of targets)
        for (const d of delays)
            for (const b of bursts) {
                const e = evaluate(block(t, d, b));
                if (!e) continue;
                grid.push(e);
                if (better(e, best)) best = e;
            }

    // 2. Windows: from the best reactive run of each target (fewest late, then cheapest), repaired, then shrunk.
    const lateCount = (e: Evaluated) => e.run.dropped + (e.p99 > slo ? 1 : 0);
    const seeds = targets.flatMap((t) =>
        grid
            .filter((e) => e.service.spec.metricTarget === t && !e.ok)
            .sort((a, b) => lateCount(a) - lateCount(b) || a.run.hours - b.run.hours)
            .slice(0, 1),
    );
    // `only`: the windows to move (the others were shrunk already); all by default.
    const shrink = (e: Evaluated, windows: TraceWindow[], only?: readonly number[]): Evaluated => {
        let here = e;
        for (let pass = 0; pass < 6 && !outOfTime(); pass++) {
            let improved = false;
            for (let i = 0; i < windows.length; i++) {
                if (only && !only.includes(i)) continue;
                const moves: Array<(w: TraceWindow) => TraceWindow> = [
                    ...[0.8, 0.9, 0.95, 0.98].map((f) => (w: TraceWindow) => ({ ...w, replicas: Math.max(windowContext(here).min + 1, Math.floor(w.replicas * f)) })),
                    ...[10, 5, 2, 1].map((m) => (w: TraceWindow) => ({ ...w, durationMinutes: Math.max(1, w.durationMinutes - m) })),
                    ...[5, 2, 1].map((m) => (w: TraceWindow) => ({ ...w, startMinute: w.startMinute + m, durationMinutes: Math.max(1, w.durationMinutes - m) })),
                    ...[1, 2].map((m) => (w: TraceWindow) => ({ ...w, startMinute: w.startMinute + m })),
                ];
                for (const move of moves) {
                    const next = windows.map((w, j) => (j === i ? move(w) : w));
                    const tried = withWindows(here.args, next);
                    if (better(tried, here)) {
                        here = tried as Evaluated;
                        windows.splice(0, windows.length, ...next);
                        improved = true;
                    }
                }
            }
            if (!improved) break;
        }
        return here;
    };
    // Staircases: each window split into a lower step and a later full one (recommend-windows.ts, stepSplits), the
    // best split kept and shrunk; again on the result, up to three steps a window.
    const stepUp = (e: Evaluated): Evaluated => {
        let here = e;
        for (let round = 0; round < 3 && !outOfTime(); round++) {
            const windows = here.windows;
            let found: Evaluated | undefined;
            let at = 0;
            for (let i = 0; i < windows.length && !outOfTime(); i++) {
                for (const split of stepSplits(windows[i], windowContext(here).min)) {
                    const tried = withWindows(here.args, [...windows.slice(0, i), ...split, ...windows.slice(i + 1)]);
                    if (better(tried, found ?? here)) [found, at] = [tried as Evaluated, i];
                }
            }
            if (!found) break;
            here = shrink(found, [...found.windows], [at, at + 1]);
        }
        return here;
    };
    const fromSeed = (seed: Evaluated): Evaluated | null => {
        const ctx = windowContext(seed);
        const windows = windowsForEpisodes(lateOf(seed), ctx);
        let e = withWindows(seed.args, windows);
        for (let i = 0; i < 25 && e && !e.ok && !outOfTime(); i++) {
            if (!repairWindows(windows, lateOf(e), ctx)) break;
            e = withWindows(seed.args, windows);
        }
        return e && e.ok ? shrink(e, windows) : e;
    };
    for (const seed of seeds) {
        if (outOfTime()) break;
        const e = fromSeed(seed);
        if (better(e, best)) best = e;
    }

    // 3. Around the best: one step of target, delay or burst, with windows derived afresh and shrunk.
    if (best && !outOfTime()) {
        const b = best;
        const step = <T>(list: T[], v: T) => [list[list.indexOf(v) - 1], list[list.indexOf(v) + 1]].filter((x) => x !== undefined);
        const { metricTarget: bt, scaleDownDelaySeconds: bd, burstMultiplier: bb } = b.service.spec;
        const near = [...step(targets, bt).map((t) => block(t, bd, bb)), ...step(delays, bd).map((d) => block(bt, d, bb)), ...step(bursts, bb).map((x) => block(bt, bd, x))];
        for (const args of near) {
            if (outOfTime()) break;
            const reactive = evaluate(args);
            if (!reactive) continue;
            const e = reactive.ok ? reactive : fromSeed(reactive);
            if (better(e, best)) best = e;
        }
    }

    // 4. The best's windows kept: every delay and burst with them (the delay the loop needed without windows is not the
    // one it needs once they cover the ramp), then the windows stepped to follow the ramp; each shrunk again.
    if (best && best.windows.length > 0 && !outOfTime()) {
        const { metricTarget: bt } = best.service.spec;
        let swept: Evaluated = best;
        for (const d of delays)
            for (const x of bursts) {
                if (outOfTime()) break;
                const tried = withWindows(block(bt, d, x), best.windows);
                if (better(tried, swept)) swept = tried as Evaluated;
            }
        if (swept !== best) best = shrink(swept, [...swept.windows]);
        best = stepUp(best);
    }

    const result: Recommendation = {
        current: predicted(current),
        concurrency,
        needsConcurrencyFlag: false,
        candidates: cache.size,
        milliseconds: 0,
    };
    // The block chosen, resolved whole by the component (as the pasted program would be) and simulated again.
    const final = best && best.ok ? resolveWhole(best.args) : undefined;
    const confirmed = best && final ? simulateWith(best.args, final) : undefined;
    if (best && confirmed?.ok) {
        result.autoscaling = best.args;
        result.predicted = predicted(confirmed);
        result.needsConcurrencyFlag = options.overrides.concurrency === undefined && serviceModel(best.service).concurrency !== concurrency;
    } else {
        result.unreachable = unreachable(requests, model, current, slo);
    }
    result.milliseconds = Date.now() - began;
    return result;
}

/** Why no block meets the SLO within the bounds: the trace's peak at full capacity against the bound (the limits' data). */
function unreachable(requests: Float64Array, model: ServiceModel, current: Evaluated, slo: number): Recommendation["unreachable"] {
    const spec = current.service.spec;
    const [limit] = bindingLimits(requests, model, spec, [{ ...current.run, name: "modelship" }], { sloP99Seconds: slo }).filter((l) => l.bound === "maxReplicas");
    const need = neededReplicas(requests, model);
    let atSecond = 0;
    for (let t = 1; t < need.length; t++) if (need[t] > need[atSecond]) atSecond = t;
    const replicasNeeded = limit?.replicasNeeded ?? need[atSecond];
    const budget = spec.max < spec.specMax && spec.budget ? spec.budget : undefined;
    return {
        replicasNeeded,
        atSecond: limit?.atSecond ?? atSecond,
        max: spec.max,
        source: budget ? "budget" : "spec",
        ...(budget && { budgetMonthlyUsd: budget.maxMonthlyUsd, budgetNeededUsd: spec.price.monthlyFor(spec.billedReplicas(replicasNeeded)) }),
    };
}

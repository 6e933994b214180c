/**
 * Issue 14's last goal, the plain defaults against the HPA, Knative and KEDA defaults (docs/simulate.md "An adaptive
 * scale-down hold"): every deployable knob of the KEDA ScaledObject and of Knative's KPA, the candidate adaptive holds
 * (simulate/hold.ts), the most any loop deciding every 15 s can do on a spike, and the cold starts, each checked against
 * the goals on the spike family and the real traces as bench/simulate-family.ts checks them.
 *
 *   npm run build && node dist/bench/adaptive-hold.js [--part keda|bound|kpa|cold-start]...   (markdown; about 9 min on 2 shared cores)
 *
 * The baselines are simulated once per trace; each setting replaces only the `modelship` policy, as resolved from the
 * reference program (test/fixtures/spike-family, KEDA; test/fixtures/spike-family-knative, engine knative) with the
 * setting laid over it.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { shapeTimeline, type SpikeShape } from "../simulate/family";
import type { HoldCondition } from "../simulate/hold";
import { simulatePolicy, type PolicyRun } from "../simulate/model";
import { hpaPolicy, kedaPolicy, knativePolicy, modelshipPolicy, type ScalingSpec } from "../simulate/policies";
import type { ControlPolicy } from "../simulate/policy";
import { DEFAULT_TRACE_START, percentile } from "../simulate/report";
import type { ServiceModel } from "../simulate/service";
import { serviceModel, type SimulationOverrides } from "../simulate/simulate";
import type { AutoscaledService } from "../simulate/services";
import { packageRoot } from "../sdk/plan/loader";
import { checkGoals, referenceService, runFamily, selectTraces, summaryLines, type FamilyGroup, type FamilyPolicyRow, type GoalCheck } from "./simulate-family";

/** One trace, loaded once: its model and the three baselines' rows. */
interface Loaded {
    name: string;
    group: FamilyGroup;
    shape?: SpikeShape;
    requests: Float64Array;
    start: Date;
    model: ServiceModel;
    baselines: FamilyPolicyRow[];
}

/** A setting: the modelship policy as resolved, changed. */
type Setting = (policy: ControlPolicy) => ControlPolicy;

/** One setting on one trace. */
interface Outcome {
    trace: Loaded;
    row: FamilyPolicyRow;
    goals: GoalCheck;
}

function row(name: string, run: PolicyRun): FamilyPolicyRow {
    const total = run.served + run.dropped;
    return {
        name,
        gpuHours: run.hours,
        costUsd: run.costUsd,
        served: run.served,
        dropped: run.dropped,
        droppedPercent: total > 0 ? (100 * run.dropped) / total : 0,
        waitP99Seconds: percentile(run.waitHistogram, 0.99),
        oracleRatio: NaN,
        oracleAtTargetRatio: NaN,
    };
}

function load(service: AutoscaledService, overrides: SimulationOverrides = {}): Loaded[] {
    return selectTraces({}).map(({ group, trace, shape }) => {
        const t = trace();
        const start = t.startTime ?? DEFAULT_TRACE_START;
        const model = serviceModel(service, { ...overrides, clock: { start, seconds: t.requests.length } });
        const baselines = [
            row("hpa-default", simulatePolicy(t.requests, model, hpaPolicy(service.spec, model))),
            row("knative-default", simulatePolicy(t.requests, model, knativePolicy(service.spec, model))),
            row("keda-default", simulatePolicy(t.requests, model, kedaPolicy(service.spec, model))),
        ];
        return { name: t.name, group, shape, requests: t.requests, start, model, baselines };
    });
}

function evaluate(spec: ScalingSpec, traces: readonly Loaded[], setting: Setting): Outcome[] {
    return traces.map((trace) => {
        const policy = setting(modelshipPolicy(spec, trace.model, trace.start, trace.requests.length));
        const ours = row("modelship", simulatePolicy(trace.requests, trace.model, policy));
        return { trace, row: ours, goals: checkGoals([ours, ...trace.baselines]) };
    });
}

const short = (name: string) => (name.endsWith(".csv") ? name.replace(/_per_second\.csv$/, "").replace("azure_llm_2023_", "azure ") : name.slice(0, 4));
const met = (o: readonly Outcome[], group: FamilyGroup) => o.filter((x) => x.trace.group === group && x.goals.failures.length === 0);
const count = (o: readonly Outcome[], group: FamilyGroup) => `${met(o, group).length}/${o.filter((x) => x.trace.group === group).length}`;
const total = (o: readonly Outcome[], group: FamilyGroup, key: "dropped" | "gpuHours") => o.filter((x) => x.trace.group === group).reduce((a, x) => a + x.row[key], 0);
const millions = (x: number) => `${(x / 1e6).toFixed(3)}M`;
const thousands = (x: number) => Math.round(x).toLocaleString("en-US");

/** The baselines that beat a setting on a trace, and on what ("knative: drops, cost"). */
function losses(o: Outcome): string {
    const by = new Map<string, Set<string>>();
    for (const f of o.goals.failures) {
        const m = /(drops more than|waits longer at p99 than|costs more than) ([a-z-]+)/.exec(f);
        if (!m) continue;
        const what = m[1].startsWith("drops") ? "drops" : m[1].startsWith("waits") ? "p99" : "cost";
        const who = m[2].replace("-default", "");
        by.set(who, (by.get(who) ?? new Set()).add(what));
    }
    return [...by].map(([who, what]) => `${who} (${[...what].join(", ")})`).join(", ");
}

/** A row of the settings table: all goals per set, totals, and on the tuning set which baselines beat it where. */
function settingRow(name: string, o: readonly Outcome[]): string {
    const lost = new Map<string, string[]>();
    for (const x of o.filter((y) => y.trace.group === "tuning" && y.goals.failures.length > 0)) {
        const key = losses(x);
        lost.set(key, [...(lost.get(key) ?? []), short(x.trace.name)]);
    }
    const tuningLosses = [...lost].map(([who, shapes]) => `${shapes.join(" ")}: ${who}`).join("; ");
    const real = o
        .filter((x) => x.trace.group === "real")
        .map((x) => `${short(x.trace.name)} ${x.goals.failures.length === 0 ? "met" : losses(x)}`)
        .join("; ");
    return `| ${name} | ${count(o, "tuning")} | ${millions(total(o, "tuning", "dropped"))}, ${thousands(total(o, "tuning", "gpuHours"))} | ${tuningLosses || "-"} | ${count(o, "held-out")} | ${count(o, "real")}: ${real} |`;
}

const SETTINGS_HEADER = ["| setting | tuning: all goals | tuning: dropped, GPU-h | tuning shapes lost, to (on what) | held-out: all goals | real: all goals |", "|---|---|---|---|---|---|"];

/** A named setting of the search. */
interface Named {
    name: string;
    /** What kind of setting it is: "fixed" (the ScaledObject's numbers) or the hold's condition. */
    family: string;
    setting: Setting;
}

/**
 * KEDA's deployable knobs: the panic threshold (or no arrival-rate and panic triggers), the queue cap, the scale-down
 * delay and the arrival window; then the adaptive holds (simulate/hold.ts) over the defaults, with the delay and the
 * panic threshold beside them.
 */
function kedaSettings(): Named[] {
    const out: Named[] = [];
    for (const thr of [1, 1.5, 2, 3, 4, 9, undefined])
        for (const cap of [0, 4, 8, 16, undefined])
            for (const delay of [0, 60, 120, 240, 600])
                for (const window of thr === undefined ? [60] : [30, 60]) {
                    const name = `panic ${thr ?? "none"}, cap ${cap ?? "none"}, delay ${delay} s${thr === undefined ? "" : `, arrivals ${window} s`}`;
                    const setting: Setting = (p) => ({
                        ...p,
                        queueCap: cap,
                        scaleDownDelaySeconds: delay,
                        arrivalTrigger: thr === undefined ? undefined : { windowSeconds: window, panicAbove: thr },
                    });
                    out.push({ name, family: "fixed", setting });
                }
    const conditions: [HoldCondition, number[]][] = [
        ["always", [0]],
        ["variation", [0.5, 0.8, 1.2]],
        ["peak-to-average", [1.5, 2, 3]],
        ["rise", [0, 0.1, 0.3]],
        ["recurrence", [0.3, 0.5]],
    ];
    for (const thr of [4, 2])
        for (const delay of [0, 60, 120])
            for (const hold of [240, 514])
                for (const lookback of [hold, 2 * hold])
                    for (const [condition, thresholds] of conditions)
                        for (const threshold of thresholds) {
                            if (condition === "always" && lookback > hold) continue;
                            const name = `hold ${condition}${condition === "always" ? "" : ` > ${threshold}`}, H ${hold} s, L ${lookback} s, delay ${delay} s, panic ${thr}`;
                            const setting: Setting = (p) => ({
                                ...p,
                                scaleDownDelaySeconds: delay,
                                arrivalTrigger: p.arrivalTrigger && { ...p.arrivalTrigger, panicAbove: thr },
                                adaptiveHold: { holdSeconds: hold, lookbackSeconds: lookback, condition, threshold },
                            });
                            out.push({ name, family: `hold ${condition}`, setting });
                        }
    return out;
}

/** Knative's KPA: its stable window, panic window (% of it) and threshold, and scale-down delay, all per-revision annotations. */
function kpaSettings(): Named[] {
    const out: Named[] = [];
    for (const window of [6, 10, 15, 30, 60, 120, 300, 600, 1200, 3600])
        for (const panicPercent of [1, 10, 50, 100])
            for (const threshold of [1.1, 2, 5, 10])
                for (const delay of [0, 30, 60, 120, 240, 300, 450, 600, 900, 1800, 3600]) {
                    const panicSeconds = Math.max(1, Math.round((window * panicPercent) / 100));
                    out.push({
                        name: `window ${window} s, panic ${panicPercent}% (${panicSeconds} s) at ${Math.round(threshold * 100)}%, delay ${delay} s`,
                        family: `panic ${panicSeconds} s`,
                        setting: (p) => ({ ...p, metricWindowSeconds: window, panic: { windowSeconds: panicSeconds, threshold }, scaleDownDelaySeconds: delay }),
                    });
                }
    return out;
}

/** KEDA: every setting of {@link kedaSettings}, the best of each kind, and per shape the fewest any drops. */
function kedaPart(spec: ScalingSpec, traces: readonly Loaded[]): string[] {
    const out: string[] = ["### KEDA (test/fixtures/spike-family)", ""];
    type Candidate = { name: string; family: string; outcomes: Outcome[] };
    const candidates: Candidate[] = kedaSettings().map((c) => ({ name: c.name, family: c.family, outcomes: evaluate(spec, traces, c.setting) }));
    const defaults = evaluate(spec, traces, (p) => p);
    const rank = (c: Candidate) => [met(c.outcomes, "tuning").length, met(c.outcomes, "real").length, met(c.outcomes, "held-out").length, -total(c.outcomes, "tuning", "dropped")];
    const better = (a: Candidate, b: Candidate) => {
        const [x, y] = [rank(a), rank(b)];
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] > y[i];
        return false;
    };
    const best = new Map<string, Candidate>();
    for (const c of candidates) if (!best.has(c.family) || better(c, best.get(c.family) as Candidate)) best.set(c.family, c);
    out.push(`${candidates.length} settings searched; the best of each kind (all goals on tuning, then real, then held-out, then fewest dropped on tuning):`, "");
    out.push(...SETTINGS_HEADER, settingRow("**defaults** (panic 4, cap 8, delay 240 s, arrivals 60 s)", defaults));
    for (const [, c] of best) out.push(settingRow(c.name, c.outcomes));
    const most = (group: FamilyGroup, goal: "drops" | "all") =>
        Math.max(...candidates.map((c) => c.outcomes.filter((x) => x.trace.group === group && (goal === "all" ? x.goals.failures.length === 0 : x.goals.drops)).length));
    out.push(
        "",
        `Over all ${candidates.length}: at most ${most("tuning", "drops")}/10 tuning shapes drop no more than every baseline; at most ${most("tuning", "all")}/10 meet all goals, ${most("held-out", "all")}/6 held-out, ${most("real", "all")}/3 real.`,
        "",
        "Per shape, the fewest any of them drops, against Knative's defaults:",
        "",
        "| shape | knative-default | fewest over the search | setting |",
        "|---|---|---|---|",
    );
    for (const t of traces.filter((x) => x.group !== "real")) {
        let low: { dropped: number; name: string } | undefined;
        for (const c of candidates) {
            const o = c.outcomes.find((x) => x.trace === t) as Outcome;
            if (!low || o.row.dropped < low.dropped) low = { dropped: o.row.dropped, name: c.name };
        }
        const knative = t.baselines[1].dropped;
        out.push(`| ${t.name} | ${thousands(knative)} | ${thousands(low?.dropped ?? NaN)}${(low?.dropped ?? 0) > knative ? " (more)" : ""} | ${low?.name} |`);
    }
    return [...out, ""];
}

const ALL_REPLICAS_POLICY = (max: number, sync: number, base: number, floor: Int32Array): ControlPolicy => ({
    name: "all-replicas",
    syncSeconds: sync,
    // No metric moves it before the floor: it stays at its base count until then.
    targetPerReplica: 1e12,
    tolerance: 0,
    metricWindowSeconds: 1,
    scaleDownDelaySeconds: 0,
    burst: { multiplier: 1e6, minPods: max },
    min: base,
    max,
    scaleToZeroAfterSeconds: 0,
    activationPollSeconds: 0,
    prewarmFloorByMinute: floor,
});

/**
 * Dropped when every replica (maxReplicas) is asked for `after` seconds after the ramp begins and kept, from `base`
 * replicas: the most any loop can do that first asks then. The trace is shifted so that the ask falls on a minute (the
 * pre-warming floor's grain): `after` seconds of its opening are cut (or base load is added before it when negative).
 */
function allReplicasDropped(t: Loaded, max: number, after: number, base: number): number {
    const ramp = shapeTimeline(t.shape as SpikeShape).rampStart;
    const shifted = after >= 0 ? t.requests.subarray(after) : Float64Array.from([...t.requests.subarray(0, -after), ...t.requests]);
    const floor = new Int32Array(Math.ceil(shifted.length / 60)).fill(max, ramp / 60);
    return simulatePolicy(shifted, t.model, ALL_REPLICAS_POLICY(max, 1, base, floor), { initialReplicas: base }).dropped;
}

/** The most a loop deciding every 15 s can do on each spike, against Knative's defaults, and how soon it must ask. */
function boundPart(spec: ScalingSpec, traces: readonly Loaded[]): string[] {
    const out = [
        "### The most a 15 s loop can do",
        "",
        "Dropped when all the replicas (maxReplicas, 700) are asked for at once and kept, from 1, 2 or 3 replicas of base load: at the HPA's first sync after the ramp begins (15 s after it: the ramp begins on a sync), or at the ramp's first second; and the latest second after the ramp begins at which asking for all of them still drops no more than Knative's defaults.",
        "",
        "| shape | knative-default | all at the first sync (from 1 / 2 / 3) | all at the ramp's first second | latest ask that drops no more than Knative |",
        "|---|---|---|---|---|",
    ];
    for (const t of traces.filter((x) => x.group !== "real")) {
        const knative = t.baselines[1].dropped;
        const sync = [1, 2, 3].map((base) => allReplicasDropped(t, spec.max, 15, base));
        let latest: number | undefined;
        for (let after = 60; after >= -60 && latest === undefined; after--) if (allReplicasDropped(t, spec.max, after, 1) <= knative) latest = after;
        const mark = (d: number) => `${thousands(d)}${d > knative ? " (more)" : ""}`;
        out.push(
            `| ${t.name} | ${thousands(knative)} | ${sync.map(mark).join(" / ")} | ${mark(allReplicasDropped(t, spec.max, 0, 1))} | ${latest === undefined ? "none within 60 s before it" : latest === 60 ? "60 s or later" : `${latest} s`} |`,
        );
    }
    return [...out, ""];
}

/** Knative's KPA: every setting of {@link kpaSettings} on the real traces, and on the spikes where it meets one. */
function kpaPart(spec: ScalingSpec, traces: readonly Loaded[]): string[] {
    const out = ["### Knative's KPA (test/fixtures/spike-family-knative)", ""];
    const real = traces.filter((t) => t.group === "real");
    const spikes = traces.filter((t) => t.group !== "real");
    const heldOut1500 = traces.filter((t) => t.name.startsWith("1500"));
    type Row = Named & { real: Outcome[]; spikes?: Outcome[]; held: Outcome[] };
    const rows: Row[] = kpaSettings().map((c) => {
        const r: Row = { ...c, real: evaluate(spec, real, c.setting), held: evaluate(spec, heldOut1500, c.setting) };
        if (r.real.some((o) => o.goals.failures.length === 0)) r.spikes = evaluate(spec, spikes, c.setting);
        return r;
    });
    const meets = (o: Outcome[] | undefined, trace: string) => o?.some((x) => x.trace.name === trace && x.goals.failures.length === 0) ?? false;
    out.push(`${rows.length} settings: stable window x panic window (% of it) x panic threshold x scale-down delay.`, "");
    out.push("| real trace | settings that meet all goals on it | of those, spike shapes any of them also meets | their panic windows |", "|---|---|---|---|");
    for (const t of real) {
        const ok = rows.filter((r) => meets(r.real, t.name));
        const shapes = spikes.filter((s) => ok.some((r) => meets(r.spikes, s.name))).map((s) => short(s.name));
        const panics = [...new Set(ok.map((r) => Number(r.family.replace(/\D/g, ""))))].sort((x, y) => x - y);
        out.push(`| ${t.name} | ${ok.length} | ${shapes.length}/16${shapes.length ? `: ${shapes.join(" ")}` : ""} | ${panics.length ? `${panics[0]}-${panics[panics.length - 1]} s` : "-"} |`);
    }
    const allReal = rows.filter((r) => real.every((t) => meets(r.real, t.name)));
    out.push("", `Settings that meet all three real traces: ${allReal.length}. Settings that meet 1500 (held-out): ${rows.filter((r) => meets(r.held, heldOut1500[0]?.name ?? "")).length}.`, "");
    // The code trace's settings against Knative's defaults on each spike: the fewest they drop.
    const code = real.find((t) => t.name.includes("code"));
    const codeRows = rows.filter((r) => code && meets(r.real, code.name));
    const spikeDropped = (r: Row, prefix: string) => r.spikes?.find((x) => x.trace.name.startsWith(prefix))?.row.dropped ?? Infinity;
    if (codeRows.length > 0) {
        out.push("The settings that meet the Azure code trace, on each spike shape: the fewest any of them drops, against Knative's defaults.", "");
        out.push("| shape | knative-default | fewest of them | x | setting |", "|---|---|---|---|---|");
        for (const s of spikes) {
            const best = codeRows.map((r) => ({ r, dropped: spikeDropped(r, s.name) })).reduce((x, y) => (y.dropped < x.dropped ? y : x));
            const knative = s.baselines[1].dropped;
            out.push(`| ${s.name} | ${thousands(knative)} | ${thousands(best.dropped)} | ${(best.dropped / knative).toFixed(2)} | ${best.r.name} |`);
        }
        out.push("");
    }
    const representative = [
        rows.find((r) => r.name === "window 60 s, panic 10% (6 s) at 200%, delay 0 s"),
        rows.find((r) => r.name === "window 60 s, panic 10% (6 s) at 200%, delay 60 s"),
        // Of the code trace's settings, the one that drops fewest on the issue's own spike.
        codeRows.reduce<Row | undefined>((x, y) => (x === undefined || spikeDropped(y, "0830") < spikeDropped(x, "0830") ? y : x), undefined),
    ].filter((r): r is Row => r !== undefined);
    out.push("Representative settings on every trace:", "", ...SETTINGS_HEADER);
    for (const r of representative) out.push(settingRow(r.name, evaluate(spec, traces, r.setting)));
    return [...out, ""];
}

const COLD_STARTS: [string, SimulationOverrides["coldStart"]][] = [
    ["120 + 334 + 60 s (default)", {}],
    ["120 + 200 + 60 s", { pullSeconds: 200 }],
    ["120 + 100 + 60 s", { pullSeconds: 100 }],
    ["120 + 5 + 60 s (image cached)", { pullSeconds: 5 }],
    ["0 + 0 + 20 s", { nodeSeconds: 0, pullSeconds: 0, loadSeconds: 20 }],
];

/**
 * Both reference programs at shorter cold starts: the goals per set with the plain defaults (as bench/simulate-family.ts
 * runs them); then, at each, the best of the KEDA search on the tuning set, and the KPA settings that meet the Azure
 * code trace and the issue's own spike (0830) at once.
 */
async function coldStartPart(): Promise<string[]> {
    const out = ["### Shorter cold starts", "", "| cold start (node + pull + load) | program | tuning | held-out | real |", "|---|---|---|---|---|"];
    for (const program of ["spike-family", "spike-family-knative"]) {
        for (const [label, coldStart] of COLD_STARTS) {
            const report = await runFamily({ program: path.join(packageRoot(), "test/fixtures", program), overrides: { coldStart } });
            const cells = summaryLines(report).map((l) =>
                l
                    .replace(/^[a-z-]+: /, "")
                    .replace("never drops more", "drops")
                    .replace("never waits longer at p99", "p99")
                    .replace("costs no more than the cheapest that drops as little", "cost"),
            );
            out.push(`| ${label} | ${program} | ${cells.join(" | ")} |`);
        }
    }
    out.push(
        "",
        "The searches at each cold start: KEDA's settings (the most tuning shapes any meets all goals on, and real traces), and the KPA's settings that meet the Azure code trace, and of those the ones that also meet 0830:",
        "",
        "| cold start | KEDA: most tuning shapes, all goals | KEDA: most real traces, all goals | KPA: meet the code trace | KPA: and 0830 | KPA: meet all three real |",
        "|---|---|---|---|---|---|",
    );
    const keda = (await referenceService()).service;
    const knative = (await referenceService({ program: path.join(packageRoot(), "test/fixtures/spike-family-knative") })).service;
    for (const [label, coldStart] of COLD_STARTS) {
        const kTraces = load(keda, { coldStart });
        let tuning = 0;
        let real = 0;
        for (const c of kedaSettings()) {
            const o = evaluate(keda.spec, kTraces, c.setting);
            tuning = Math.max(tuning, met(o, "tuning").length);
            real = Math.max(real, met(o, "real").length);
        }
        const nTraces = load(knative, { coldStart });
        const nReal = nTraces.filter((t) => t.group === "real");
        const spike = nTraces.filter((t) => t.name.startsWith("0830"));
        let code = 0;
        let both = 0;
        let allReal = 0;
        for (const c of kpaSettings()) {
            const o = evaluate(knative.spec, nReal, c.setting);
            if (o.every((x) => x.goals.failures.length === 0)) allReal++;
            if (o.find((x) => x.trace.name.includes("code"))?.goals.failures.length !== 0) continue;
            code++;
            if (evaluate(knative.spec, spike, c.setting)[0].goals.failures.length === 0) both++;
        }
        out.push(`| ${label} | ${tuning}/10 | ${real}/3 | ${code} | ${both} | ${allReal} |`);
    }
    return [...out, ""];
}

const PARTS = ["keda", "bound", "kpa", "cold-start"] as const;

async function main(argv: string[]): Promise<number> {
    const { values } = parseArgs({ args: argv, options: { part: { type: "string", multiple: true } } });
    const parts = values.part ?? [...PARTS];
    for (const p of parts) if (!PARTS.includes(p as (typeof PARTS)[number])) throw new Error(`--part is ${JSON.stringify(p)}; expected one of ${PARTS.join(", ")}`);
    const out: string[] = [];
    if (parts.includes("keda") || parts.includes("bound")) {
        const { service } = await referenceService();
        const traces = load(service);
        if (parts.includes("keda")) out.push(...kedaPart(service.spec, traces));
        if (parts.includes("bound")) out.push(...boundPart(service.spec, traces));
    }
    if (parts.includes("kpa")) {
        const { service } = await referenceService({ program: path.join(packageRoot(), "test/fixtures/spike-family-knative") });
        out.push(...kpaPart(service.spec, load(service)));
    }
    if (parts.includes("cold-start")) out.push(...(await coldStartPart()));
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            process.stderr.write(`error: ${e.message}\n`);
            process.exit(2);
        },
    );
}

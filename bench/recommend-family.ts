/**
 * `--recommend` on the spike family (issue 14, docs/simulate.md "Recommendations on the spike family"): for every
 * shape of simulate/family.ts (tuning and held-out apart) and the three real traces, the reference service's
 * recommendation twice: searching every setting (the target up to one replica's capacity), and keeping the team's
 * own target (windows, scale-down delay and burst only). Each against issue 14's goal: nothing dropped, p99 waiting
 * within the SLO, GPU-hours at most 1.25x `oracle-at-target`.
 *
 *   npm run build && node dist/bench/recommend-family.js [--set tuning|held-out|real]... [--shape NAME]... [--markdown | --json]
 *
 * The reference program runs once (as `modelship simulate` would run it); each recommendation is then what
 * `modelship simulate <program> --trace <shape>.csv --recommend` prints for the trace, from the same functions.
 */
import { parseArgs } from "node:util";
import { runProgram } from "../sdk/plan/run";
import type { CliIo } from "../sdk/plan/cli";
import { DEFAULT_SLO_P99_SECONDS } from "../simulate/limits";
import { ORACLE_AT_TARGET, oracleRun } from "../simulate/oracle";
import { inFlightTarget } from "../simulate/policies";
import { recommend } from "../simulate/recommend";
import type { Predicted, Recommendation } from "../simulate/recommend-input";
import { candidateResolver } from "../simulate/recommend-resolve";
import { selectServices } from "../simulate/services";
import { serviceModel } from "../simulate/simulate";
import { defaultProgram, selectTraces, type FamilyGroup } from "./simulate-family";

/** The goal on GPU-hours (issue 14): at most this many times `oracle-at-target`. */
export const GOAL_RATIO = 1.25;
const GROUPS: readonly FamilyGroup[] = ["tuning", "held-out", "real"];

/** One recommendation and how it stands against the goal. */
export interface RecommendedRow {
    recommendation: Recommendation;
    /** GPU-hours over oracle-at-target's; undefined when nothing was recommended. */
    ratio?: number;
    /** Nothing dropped, p99 within the SLO, and at most {@link GOAL_RATIO} x oracle-at-target. */
    met: boolean;
}

/** One trace's row. */
export interface RecommendTraceResult {
    trace: string;
    group: FamilyGroup;
    /** modelship's defaults, as the program gives them. */
    current: Predicted;
    oracleAtTargetHours: number;
    free: RecommendedRow;
    atTarget: RecommendedRow;
}

function row(r: Recommendation, oracleAtTarget: number, slo: number): RecommendedRow {
    const p = r.predicted;
    if (!p) return { recommendation: r, met: false };
    const ratio = p.hours / oracleAtTarget;
    return { recommendation: r, ratio, met: p.dropped < 0.5 && p.waitP99Seconds <= slo && ratio <= GOAL_RATIO + 1e-9 };
}

/** Runs the reference program once, then both recommendations on every selected trace. */
export async function runRecommendFamily(options: { groups?: FamilyGroup[]; shapes?: string[]; program?: string } = {}): Promise<{ traces: RecommendTraceResult[]; milliseconds: number }> {
    const program = options.program ?? defaultProgram();
    const traces = selectTraces({ groups: options.groups, shapes: options.shapes });
    const started = performance.now();
    const run = await runProgram({ dir: program });
    if (run.error) throw new Error(`the reference program ${program} failed: ${run.error.message}`);
    const [service] = selectServices(run.resources, program);
    const record = run.resources.find((r) => r.urn === service.urn);
    if (!record) throw new Error(`the reference program ${program} has no record of ${service.name}`);
    const resolver = candidateResolver(record);
    const slo = DEFAULT_SLO_P99_SECONDS;
    const results = traces.map(({ group, trace: load }) => {
        const trace = load();
        const model = serviceModel(service, {});
        const oracleAtTarget = oracleRun(trace.requests, model, { name: ORACLE_AT_TARGET, perReplica: inFlightTarget(service.spec, model) }).hours;
        const free = recommend(trace, service, resolver, { overrides: {}, sloP99Seconds: slo });
        const atTarget = recommend(trace, service, resolver, { overrides: {}, sloP99Seconds: slo, keepTarget: true });
        return { trace: trace.name, group, current: free.current, oracleAtTargetHours: oracleAtTarget, free: row(free, oracleAtTarget, slo), atTarget: row(atTarget, oracleAtTarget, slo) };
    });
    return { traces: results, milliseconds: Math.round(performance.now() - started) };
}

const figures = (p: Predicted) => `${p.hours.toFixed(1)}, ${Math.round(p.dropped).toLocaleString("en-US")}, ${p.waitP99Seconds} s`;

function cell(r: RecommendedRow): string {
    const p = r.recommendation.predicted;
    return p && r.ratio !== undefined ? `${r.met ? "" : "**not met** "}${figures(p)} (x${r.ratio.toFixed(2)})` : "none";
}

function settings(r: RecommendedRow): string {
    const a = r.recommendation.autoscaling;
    if (!a) return "-";
    const windows = (a.prewarm ?? []).map((w) => `\`${w.schedule}\` ${w.durationMinutes} min x ${w.replicas}`).join("; ");
    return `${a.metricTarget ?? "-"}, ${a.scaleDownDelaySeconds ?? "-"} s, x${a.burstMultiplier ?? "-"}; ${windows || "no window"}`;
}

/** One line per group: how many traces meet the goal in each mode, and the largest ratio. */
export function recommendSummary(traces: readonly RecommendTraceResult[]): string[] {
    return GROUPS.filter((g) => traces.some((t) => t.group === g)).map((g) => {
        const of = traces.filter((t) => t.group === g);
        const worst = (pick: (t: RecommendTraceResult) => RecommendedRow) => Math.max(...of.map((t) => pick(t).ratio ?? Infinity)).toFixed(2);
        return `${g}: goal met ${of.filter((t) => t.free.met).length}/${of.length} searching the target (x${worst((t) => t.free)} at most), ${of.filter((t) => t.atTarget.met).length}/${of.length} at the team's target (x${worst((t) => t.atTarget)} at most)`;
    });
}

/** The docs/simulate.md table. */
export function renderRecommendMarkdown(traces: readonly RecommendTraceResult[]): string {
    const out = [
        "| set | trace | current: GPU-h, dropped, p99 | oracle-at-target | recommended (x oat) | its target, delay, burst; windows | at the team's target (x oat) | its delay, burst; windows |",
        "|---|---|---|---|---|---|---|---|",
    ];
    for (const t of traces) {
        out.push(
            `| ${t.group} | ${t.trace.replace(/_per_second\.csv$/, "")} | ${figures(t.current)} | ${t.oracleAtTargetHours.toFixed(1)} | ${cell(t.free)} | ${settings(t.free)} | ${cell(t.atTarget)} | ${settings(t.atTarget).replace(/^[^,]+, /, "")} |`,
        );
    }
    return `${[...out, "", ...recommendSummary(traces).map((l) => `- ${l}`)].join("\n")}\n`;
}

/** Runs the benchmark with `argv`; resolves to the exit code (0, or 2 on bad input or a failed program). */
export async function recommendFamilyMain(argv: string[], io: CliIo): Promise<number> {
    try {
        const { values } = parseArgs({
            args: argv,
            options: { set: { type: "string", multiple: true }, shape: { type: "string", multiple: true }, markdown: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
        });
        for (const set of values.set ?? []) if (!GROUPS.includes(set as FamilyGroup)) throw new Error(`--set is ${JSON.stringify(set)}; expected one of ${GROUPS.join(", ")}`);
        const report = await runRecommendFamily({ groups: values.set as FamilyGroup[] | undefined, shapes: values.shape });
        if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else if (values.markdown) io.stdout.write(renderRecommendMarkdown(report.traces));
        else {
            for (const t of report.traces) {
                io.stdout.write(
                    `${t.group} ${t.trace}: current ${figures(t.current)}; oracle-at-target ${t.oracleAtTargetHours.toFixed(1)}; recommended ${cell(t.free)} [${settings(t.free)}] in ${t.free.recommendation.milliseconds} ms; ` +
                        `at the team's target ${cell(t.atTarget)} [${settings(t.atTarget)}] in ${t.atTarget.recommendation.milliseconds} ms\n`,
                );
            }
            for (const line of recommendSummary(report.traces)) io.stdout.write(`${line}\n`);
        }
        io.stderr.write(`${report.traces.length} traces in ${(report.milliseconds / 1000).toFixed(1)} s\n`);
        return 0;
    } catch (e) {
        io.stderr.write(`error: ${(e as Error).message}\n`);
        return 2;
    }
}

if (require.main === module) {
    void recommendFamilyMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => process.exit(code));
}

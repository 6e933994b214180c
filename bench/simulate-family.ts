/**
 * The spike family benchmark (issue 14, docs/simulate.md "Spike family"): every shape of simulate/family.ts and the
 * three real traces of data/traces, replayed against one reference service under modelship's defaults and the HPA,
 * Knative and KEDA defaults, with a check of the issue's goals per trace and a summary per set (tuning, held-out,
 * real).
 *
 *   npm run simulate:family                    (builds, then runs dist/bench/simulate-family.js)
 *   node dist/bench/simulate-family.js [--set tuning|held-out|real]... [--shape NAME]... [--json | --markdown]
 *                                      [--program DIR] [--service NAME] [--spec JSON] [--write DIR] [--list]
 *                                      [--node-seconds S] [--pull-seconds S] [--load-seconds S] [--image-gib G]
 *   node dist/bench/simulate-family.js --features [--markdown | --json]   (each cold-start feature of issue 15: bench/cold-start-features.ts)
 *
 * The reference service is a program (default test/fixtures/spike-family: a vLLM ModelService on Kubernetes, one L4
 * per replica, min 1, max 700, `autoscaling: {}`), run once like `modelship plan` so that its spec is resolved by
 * the components' own code, as `modelship simulate` does; the traces are then simulated in this process with the
 * simulator's own functions (spawning `modelship simulate` per trace would run the program again for each).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../sdk/plan/loader";
import { runProgram } from "../sdk/plan/run";
import type { CliIo } from "../sdk/plan/cli";
import { findShape, SPIKE_FAMILY, shapeCsv, shapeName, shapeTimeline, shapeTrace, type SpikeShape } from "../simulate/family";
import { oracleRun } from "../simulate/oracle";
import { inFlightTarget } from "../simulate/policies";
import { describeReplica } from "../simulate/describe";
import { selectServices, type AutoscaledService } from "../simulate/services";
import { serviceModel, simulateService, type SimulationOverrides } from "../simulate/simulate";
import { loadTrace, type Trace } from "../simulate/trace";

/** The groups reported apart: the shapes tuned on, the shapes held out, the real traces. */
export type FamilyGroup = "tuning" | "held-out" | "real";
const GROUPS: readonly FamilyGroup[] = ["tuning", "held-out", "real"];

/** The real traces (data/traces), reported as their own group. */
export const REAL_TRACES = ["azure_llm_2023_code_per_second.csv", "azure_llm_2023_conv_per_second.csv", "mooncake_conversation_per_second.csv"];

/** The defaults modelship's must do at least as well as (the issue's goals). */
export const BASELINES = ["hpa-default", "knative-default", "keda-default"];

/** One policy on one trace. */
export interface FamilyPolicyRow {
    name: string;
    gpuHours: number;
    costUsd: number | null;
    served: number;
    dropped: number;
    droppedPercent: number;
    waitP99Seconds: number;
    /** GPU-hours / the oracle's (each replica filled to its capacity). */
    oracleRatio: number;
    /** GPU-hours / oracle-at-target's (perfect foresight at the service's own target per replica). */
    oracleAtTargetRatio: number;
    /** Queue mode on Cloud Run, modelship's run: messages dead-lettered (of `dropped`). */
    deadLettered?: number;
}

/** The issue's goals for modelship's defaults on one trace; each names what failed it. */
export interface GoalCheck {
    /** Never drops more than any of the baselines. */
    drops: boolean;
    /** Never waits longer at p99 than any of the baselines. */
    p99: boolean;
    /** Costs (GPU-hours) no more than the cheapest baseline that drops as little; met when none does. */
    cost: boolean;
    /** One line per goal not met. */
    failures: string[];
}

/** One trace's results. */
export interface FamilyTraceResult {
    trace: string;
    group: FamilyGroup;
    /** The shape the trace was generated from; undefined for a real trace. */
    shape?: SpikeShape;
    seconds: number;
    requests: number;
    peakPerSecond: number;
    oracleAtTargetGpuHours: number;
    policies: FamilyPolicyRow[];
    goals: GoalCheck;
}

/** The whole run. */
export interface FamilyReport {
    program: string;
    service: string;
    replica: string;
    traces: FamilyTraceResult[];
    milliseconds: { program: number; simulation: number };
}

/** Options of {@link runFamily}. */
export interface FamilyOptions {
    /** The reference program's folder. Defaults to test/fixtures/spike-family. */
    program?: string;
    /** Its service to simulate (a resource name); needed when it has several. */
    service?: string;
    /** Only these groups; default all. */
    groups?: FamilyGroup[];
    /** Only these shapes (by name); they are run whatever `groups` says. Default: every shape of the groups. */
    shapes?: string[];
    overrides?: SimulationOverrides;
    /**
     * Fields set over the resolved spec, for exploring settings before changing the defaults (`--spec`): numbers over
     * its numeric fields, or `query`. What a final result is judged on is the program's own resolution, without these.
     */
    specOverrides?: Record<string, number | string>;
    /** `--push`: fields set over a Cloud Run queue's push delivery (simulate/pubsub-push.ts), to explore its settings. */
    pushOverrides?: Record<string, unknown>;
}

/** The resolved spec with `over` set on it; an error names the fields that can be set. */
export function overSpec(spec: AutoscaledService["spec"], over: Record<string, unknown>): AutoscaledService["spec"] {
    const fields = spec as unknown as Record<string, unknown>;
    const settable = [...Object.keys(fields).filter((k) => typeof fields[k] === "number"), "query"];
    for (const [key, value] of Object.entries(over)) {
        if (!settable.includes(key)) throw new Error(`--spec: ${key} is not a setting of the resolved spec; set one of ${settable.join(", ")}`);
        const wanted = key === "query" ? "string" : "number";
        if (typeof value !== wanted || (wanted === "number" && !Number.isFinite(value))) throw new Error(`--spec: ${key} is ${JSON.stringify(value)}; expected a ${wanted}`);
    }
    return { ...spec, ...over };
}

/** The service with `--push` set over its Pub/Sub push delivery (queue mode on Cloud Run only). */
export function overPush(service: AutoscaledService, over: Record<string, unknown>): AutoscaledService {
    const push = service.queue?.push;
    if (!push) throw new Error(`--push: ${service.name} has no Pub/Sub push delivery (queue mode on gcp-cloudrun)`);
    const fields = push as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(over)) {
        if (!(key in fields)) throw new Error(`--push: ${key} is not a setting of the push delivery; set one of ${Object.keys(fields).join(", ")}`);
        if (typeof value !== typeof fields[key] || (typeof value === "number" && !(Number.isFinite(value) && value >= 0))) {
            throw new Error(`--push: ${key} is ${JSON.stringify(value)}; expected a ${typeof fields[key]}${typeof fields[key] === "number" ? " >= 0" : ""}`);
        }
    }
    const queue = service.queue as NonNullable<AutoscaledService["queue"]>;
    return { ...service, queue: { ...queue, push: { ...push, ...over } } };
}

/** The reference program shipped for the benchmark. */
export function defaultProgram(): string {
    return path.join(packageRoot(), "test/fixtures/spike-family");
}

/** The traces to run, with their group. */
export function selectTraces(options: FamilyOptions): { group: FamilyGroup; trace: () => Trace; shape?: SpikeShape }[] {
    if (options.shapes && options.shapes.length > 0) {
        return options.shapes.map((name) => {
            const shape = findShape(name);
            return { group: shape.set, shape, trace: () => shapeTrace(shape) };
        });
    }
    const groups = options.groups && options.groups.length > 0 ? options.groups : GROUPS;
    const selected: { group: FamilyGroup; trace: () => Trace; shape?: SpikeShape }[] = [];
    for (const group of groups) {
        if (group === "real") {
            for (const file of REAL_TRACES) selected.push({ group, trace: () => ({ ...loadTrace(path.join(packageRoot(), "data/traces", file)), name: file }) });
        } else {
            for (const shape of SPIKE_FAMILY.filter((s) => s.set === group)) selected.push({ group, shape, trace: () => shapeTrace(shape) });
        }
    }
    return selected;
}

/** The goals on one trace's rows (modelship's against {@link BASELINES}). */
export function checkGoals(rows: readonly FamilyPolicyRow[]): GoalCheck {
    const ours = rows.find((r) => r.name === "modelship");
    const baselines = rows.filter((r) => BASELINES.includes(r.name));
    if (!ours || baselines.length === 0) throw new Error(`the simulation has no modelship or baseline policy (found: ${rows.map((r) => r.name).join(", ")})`);
    const failures: string[] = [];
    const dropsMore = baselines.filter((b) => ours.dropped > b.dropped);
    for (const b of dropsMore) failures.push(`drops more than ${b.name}: ${pct(ours.droppedPercent)} vs ${pct(b.droppedPercent)}`);
    const waitsLonger = baselines.filter((b) => ours.waitP99Seconds > b.waitP99Seconds);
    for (const b of waitsLonger) failures.push(`waits longer at p99 than ${b.name}: ${ours.waitP99Seconds} s vs ${b.waitP99Seconds} s`);
    // "No more than the cheapest of them that drops as little": the baselines that drop no more than we do.
    const peers = baselines.filter((b) => b.dropped <= ours.dropped);
    const cheapest = peers.reduce<FamilyPolicyRow | undefined>((best, b) => (best === undefined || b.gpuHours < best.gpuHours ? b : best), undefined);
    const cost = cheapest === undefined || ours.gpuHours <= cheapest.gpuHours * (1 + 1e-9);
    if (!cost && cheapest) failures.push(`costs more than ${cheapest.name}, which drops as little: ${ours.gpuHours.toFixed(1)} vs ${cheapest.gpuHours.toFixed(1)} GPU-h`);
    return { drops: dropsMore.length === 0, p99: waitsLonger.length === 0, cost, failures };
}

function pct(x: number): string {
    return `${x < 0.1 && x > 0 ? x.toFixed(3) : x.toFixed(1)}%`;
}

/** Simulates one trace against the service. */
export function runTrace(trace: Trace, group: FamilyGroup, service: AutoscaledService, overrides: SimulationOverrides = {}): FamilyTraceResult {
    const sim = simulateService(trace, service, overrides);
    // oracle-at-target from the simulator when it reports it; else the same bound computed here.
    const atTarget = sim.summaries.find((s) => s.name === "oracle-at-target")?.hours ?? oracleRun(trace.requests, { ...sim.model, concurrency: inFlightTarget(service.spec, sim.model) }).hours;
    const oracle = sim.summaries.find((s) => s.name === "oracle")?.hours ?? NaN;
    const ratio = (h: number, of: number) => (of > 0 ? h / of : h > 0 ? Infinity : 1);
    const policies = sim.summaries.map((s) => {
        const total = s.served + s.dropped;
        return {
            name: s.name,
            gpuHours: s.hours,
            costUsd: s.costUsd,
            served: s.served,
            dropped: s.dropped,
            droppedPercent: total > 0 ? (100 * s.dropped) / total : 0,
            waitP99Seconds: s.waitP99Seconds,
            oracleRatio: ratio(s.hours, oracle),
            oracleAtTargetRatio: ratio(s.hours, atTarget),
            ...(s.push && { deadLettered: s.push.deadLettered }),
        };
    });
    let total = 0;
    let peak = 0;
    for (const r of trace.requests) {
        total += r;
        if (r > peak) peak = r;
    }
    return { trace: trace.name, group, seconds: trace.requests.length, requests: total, peakPerSecond: peak, oracleAtTargetGpuHours: atTarget, policies, goals: checkGoals(policies) };
}

/** Runs the reference program once and returns its service (with `--spec` set over its spec). */
export async function referenceService(options: FamilyOptions = {}): Promise<{ program: string; service: AutoscaledService }> {
    const program = options.program ?? defaultProgram();
    const run = await runProgram({ dir: program });
    if (run.error) throw new Error(`the reference program ${program} failed: ${run.error.message}`);
    const services = selectServices(run.resources, program, options.service);
    if (services.length > 1) throw new Error(`the reference program ${program} has ${services.length} autoscaled services (${services.map((s) => s.name).join(", ")}): pick one with --service`);
    const service = options.specOverrides ? { ...services[0], spec: overSpec(services[0].spec, options.specOverrides) } : services[0];
    return { program, service: options.pushOverrides ? overPush(service, options.pushOverrides) : service };
}

/** Runs the reference program once, then every selected trace against its service. */
export async function runFamily(options: FamilyOptions = {}): Promise<FamilyReport> {
    // Resolve the shape names before the program runs: a typo should not wait for the providers to load.
    const traces = selectTraces(options);
    const started = performance.now();
    const { program, service } = await referenceService(options);
    const programMs = performance.now() - started;
    const results = traces.map(({ group, trace, shape }) => ({ ...runTrace(trace(), group, service, options.overrides), ...(shape && { shape }) }));
    return {
        program,
        service: service.urn,
        replica: describeReplica(serviceModel(service, options.overrides)),
        traces: results,
        milliseconds: { program: Math.round(programMs), simulation: Math.round(performance.now() - started - programMs) },
    };
}

const GOAL_NAMES: [keyof Omit<GoalCheck, "failures">, string][] = [
    ["drops", "never drops more"],
    ["p99", "never waits longer at p99"],
    ["cost", "costs no more than the cheapest that drops as little"],
];

/** One line per group: how many of its traces meet each goal. */
export function summaryLines(report: FamilyReport): string[] {
    const lines: string[] = [];
    for (const group of GROUPS) {
        const traces = report.traces.filter((t) => t.group === group);
        if (traces.length === 0) continue;
        const counts = GOAL_NAMES.map(([key, label]) => `${label} ${traces.filter((t) => t.goals[key]).length}/${traces.length}`);
        const all = traces.filter((t) => t.goals.failures.length === 0).length;
        lines.push(`${group}: ${counts.join(", ")}; all three ${all}/${traces.length}`);
    }
    return lines;
}

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

const ratioText = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

/** The text report: a table per trace, the groups apart, then the summary against the goals. */
export function renderFamily(report: FamilyReport): string {
    const out = [`Reference service ${report.service} (${report.program})`, `  ${report.replica}`, ""];
    for (const group of GROUPS) {
        const traces = report.traces.filter((t) => t.group === group);
        if (traces.length === 0) continue;
        out.push(`== ${group} (${traces.length} trace${traces.length > 1 ? "s" : ""}) ==`, "");
        for (const t of traces) {
            out.push(
                `${t.trace}: ${(t.seconds / 3600).toFixed(1)} h, ${Math.round(t.requests).toLocaleString("en-US")} requests, peak ${Math.round(t.peakPerSecond).toLocaleString("en-US")}/s; oracle-at-target ${t.oracleAtTargetGpuHours.toFixed(1)} GPU-h`,
            );
            const rows = t.policies.map((p) => [p.name, pct(p.droppedPercent), `${p.waitP99Seconds} s`, p.gpuHours.toFixed(1), ratioText(p.oracleRatio), ratioText(p.oracleAtTargetRatio)]);
            out.push(table(["policy", "dropped", "p99 wait", "GPU-hours", "x oracle", "x oracle-at-target"], rows));
            out.push(t.goals.failures.length === 0 ? "  goals: all met" : `  goals NOT met: ${t.goals.failures.join("; ")}`, "");
        }
    }
    out.push("Summary: modelship's defaults against the HPA, Knative and KEDA defaults (issue 14's goals)");
    for (const line of summaryLines(report)) out.push(`  ${line}`);
    const n = report.traces.length;
    out.push(
        `  ${n} trace${n > 1 ? "s" : ""} in ${((report.milliseconds.program + report.milliseconds.simulation) / 1000).toFixed(1)} s (program ${(report.milliseconds.program / 1000).toFixed(1)} s)`,
    );
    return `${out.join("\n")}\n`;
}

const SHOWN = ["modelship", ...BASELINES];

/** The docs/simulate.md table: one row per trace, a cell per policy (dropped, p99 wait, GPU-hours x oracle-at-target). */
export function renderMarkdown(report: FamilyReport): string {
    const out: string[] = [];
    for (const group of GROUPS) {
        const traces = report.traces.filter((t) => t.group === group);
        if (traces.length === 0) continue;
        out.push(`**${group}**`, "", `| trace | ${SHOWN.join(" | ")} | oracle-at-target | goals |`, `|---|${SHOWN.map(() => "---|").join("")}---|---|`);
        for (const t of traces) {
            const cells = SHOWN.map((name) => {
                const p = t.policies.find((r) => r.name === name);
                return p ? `${pct(p.droppedPercent)}, ${p.waitP99Seconds} s, ${p.gpuHours.toFixed(p.gpuHours >= 100 ? 0 : 1)} (x${ratioText(p.oracleAtTargetRatio)})` : "-";
            });
            const goals = GOAL_NAMES.filter(([key]) => !t.goals[key]).map(([key]) => key);
            out.push(`| ${t.trace} | ${cells.join(" | ")} | ${t.oracleAtTargetGpuHours.toFixed(1)} | ${goals.length === 0 ? "met" : `not: ${goals.join(", ")}`} |`);
        }
        out.push("");
    }
    out.push(...summaryLines(report).map((l) => `- ${l}`));
    return `${out.join("\n")}\n`;
}

/** The `--json` document. */
export function familyJson(report: FamilyReport): Record<string, unknown> {
    const round = (x: number, d: number) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
    return {
        program: report.program,
        service: report.service,
        traces: report.traces.map((t) => ({
            trace: t.trace,
            group: t.group,
            ...(t.shape && {
                shape: { calls: t.shape.calls, windowMinutes: t.shape.windowMinutes, rampMinutes: t.shape.rampMinutes, curve: t.shape.curve, decayMinutes: t.shape.decayMinutes, start: t.shape.start },
            }),
            seconds: t.seconds,
            requests: Math.round(t.requests),
            peakPerSecond: t.peakPerSecond,
            oracleAtTargetGpuHours: round(t.oracleAtTargetGpuHours, 3),
            policies: t.policies.map((p) => ({
                name: p.name,
                gpuHours: round(p.gpuHours, 3),
                costUsd: p.costUsd === null ? null : round(p.costUsd, 2),
                served: Math.round(p.served),
                dropped: Math.round(p.dropped),
                droppedPercent: round(p.droppedPercent, 4),
                waitP99Seconds: p.waitP99Seconds,
                oracleRatio: round(p.oracleRatio, 4),
                oracleAtTargetRatio: round(p.oracleAtTargetRatio, 4),
                ...(p.deadLettered !== undefined && { deadLettered: Math.round(p.deadLettered) }),
            })),
            goals: { drops: t.goals.drops, p99: t.goals.p99, cost: t.goals.cost, failures: t.goals.failures },
        })),
        summary: Object.fromEntries(
            GROUPS.filter((g) => report.traces.some((t) => t.group === g)).map((g) => {
                const traces = report.traces.filter((t) => t.group === g);
                return [
                    g,
                    {
                        traces: traces.length,
                        ...Object.fromEntries(GOAL_NAMES.map(([key]) => [key, traces.filter((t) => t.goals[key]).length])),
                        all: traces.filter((t) => t.goals.failures.length === 0).length,
                    },
                ];
            }),
        ),
        milliseconds: report.milliseconds,
    };
}

function seconds(flag: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new Error(`--${flag} is ${JSON.stringify(value)}; expected a number of seconds >= 0`);
    return n;
}

/** A flag's JSON object (`example` shows one in the error). */
function parseJsonObject(flag: string, text: string, example: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new Error(`${flag} is not JSON (${(e as Error).message}); expected an object such as '${example}'`, { cause: e });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${flag} is ${text}; expected a JSON object such as '${example}'`);
    return parsed as Record<string, unknown>;
}

/** The `--spec` JSON object. */
function parseSpec(text: string): Record<string, number | string> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new Error(`--spec is not JSON (${(e as Error).message}); expected an object such as '{"maxQueuedPerRunning": 16}'`, { cause: e });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`--spec is ${text}; expected a JSON object such as '{"maxQueuedPerRunning": 16}'`);
    return parsed as Record<string, number | string>;
}

/** The text of `--help`. */
export const FAMILY_HELP = `Usage: node dist/bench/simulate-family.js [options]   (npm run simulate:family builds first)

Replays the spike family (simulate/family.ts) and the real traces (data/traces) against a reference service under
modelship's defaults and the HPA, Knative and KEDA defaults, and checks issue 14's goals per trace and per set.
See docs/simulate.md "Spike family".

Options:
  --set NAME         only this set: tuning, held-out or real (repeatable; default all three)
  --shape NAME       only this shape (repeatable; --list names them)
  --json             print one JSON document
  --markdown         print the tables of docs/simulate.md
  --program DIR      the reference program (default test/fixtures/spike-family)
  --service NAME     its service, when it has several
  --spec JSON        set fields over the resolved spec, to explore settings: '{"maxQueuedPerRunning": 16}'
  --push JSON        queue mode on gcp-cloudrun: set fields over the Pub/Sub push delivery (simulate/pubsub-push.ts):
                     '{"maxDeliveries": 20, "minBackoffSeconds": 60, "flowControl": false}'
  --node-seconds S   node provisioning (simulator default 120 with a GPU)
  --pull-seconds S   image pull on a new node (default 334 with a GPU)
  --load-seconds S   model load (default 60)
  --image-gib G      the serving image's compressed size in GiB (default: the measured 9.5 GB image)
  --features         run every cold-start feature of issue 15 (image cache, model cache, streamed weights, headroom,
                     Karpenter, all together) against the plain defaults: modelship's GPU-hours, dropped and worst
                     p99 per set (docs/simulate.md "Cold-start features on the family")
  --list             list the shapes and exit
  --write DIR        write the shapes (or the --shape ones) as CSV traces into DIR and exit
  -h, --help         show this help
`;

/** Runs the benchmark with `argv`; resolves to the exit code (0, or 2 on bad input or a failed program), never throws. */
export async function familyMain(argv: string[], io: CliIo): Promise<number> {
    try {
        const { values } = parseArgs({
            args: argv,
            options: {
                set: { type: "string", multiple: true },
                shape: { type: "string", multiple: true },
                json: { type: "boolean", default: false },
                markdown: { type: "boolean", default: false },
                program: { type: "string" },
                service: { type: "string" },
                spec: { type: "string" },
                push: { type: "string" },
                write: { type: "string" },
                list: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
                "node-seconds": { type: "string" },
                "pull-seconds": { type: "string" },
                "load-seconds": { type: "string" },
                "image-gib": { type: "string" },
                features: { type: "boolean", default: false },
            },
        });
        for (const set of values.set ?? []) {
            if (!GROUPS.includes(set as FamilyGroup)) throw new Error(`--set is ${JSON.stringify(set)}; expected one of ${GROUPS.join(", ")}`);
        }
        if (values.help) {
            io.stdout.write(FAMILY_HELP);
            return 0;
        }
        if (values.list) {
            io.stdout.write(`${shapeLines().join("\n")}\n`);
            return 0;
        }
        if (values.write !== undefined) {
            // The shapes as CSV files, for `modelship simulate --trace` on any program.
            fs.mkdirSync(values.write, { recursive: true });
            const shapes = values.shape && values.shape.length > 0 ? values.shape.map(findShape) : SPIKE_FAMILY;
            for (const shape of shapes) fs.writeFileSync(path.join(values.write, `${shapeName(shape)}.csv`), shapeCsv(shape));
            io.stderr.write(`Wrote ${shapes.length} trace${shapes.length > 1 ? "s" : ""} to ${values.write}\n`);
            return 0;
        }
        const coldStart = {
            ...(values["node-seconds"] !== undefined && { nodeSeconds: seconds("node-seconds", values["node-seconds"]) }),
            ...(values["pull-seconds"] !== undefined && { pullSeconds: seconds("pull-seconds", values["pull-seconds"]) }),
            ...(values["load-seconds"] !== undefined && { loadSeconds: seconds("load-seconds", values["load-seconds"]) }),
        };
        const imageGiB = values["image-gib"] === undefined ? undefined : Number(values["image-gib"]);
        if (imageGiB !== undefined && !(imageGiB > 0)) throw new Error(`--image-gib is ${JSON.stringify(values["image-gib"])}; expected a size in GiB > 0`);
        const options: FamilyOptions = {
            program: values.program,
            service: values.service,
            groups: values.set as FamilyGroup[] | undefined,
            shapes: values.shape,
            overrides: { coldStart, ...(imageGiB !== undefined && { imageGiB }) },
            specOverrides: values.spec === undefined ? undefined : parseSpec(values.spec),
            pushOverrides: values.push === undefined ? undefined : parseJsonObject("--push", values.push, '{"maxDeliveries": 20}'),
        };
        if (values.features) {
            const { featuresJson, renderFeatures, runFeatures } = await import("./cold-start-features");
            const features = await runFeatures(options);
            io.stdout.write(values.json ? `${JSON.stringify(featuresJson(features), null, 2)}\n` : renderFeatures(features));
            return 0;
        }
        const report = await runFamily(options);
        if (values.json) io.stdout.write(`${JSON.stringify(familyJson(report), null, 2)}\n`);
        else if (values.markdown) io.stdout.write(renderMarkdown(report));
        else io.stdout.write(renderFamily(report));
        return 0;
    } catch (e) {
        io.stderr.write(`error: ${(e as Error).message}\n`);
        return 2;
    }
}

/** One line per shape (`--list`): its name, set and what it is. */
export function shapeLines(): string[] {
    return SPIKE_FAMILY.map((s) => {
        const t = shapeTimeline(s);
        return `${shapeName(s)} (${s.set}): ${s.calls.toLocaleString("en-US")} calls in ${s.windowMinutes} min at ${Math.round(t.peakPerSecond)}/s after a ${s.curve} ramp of ${s.rampMinutes} min from ${s.start} UTC, decay ${s.decayMinutes} min`;
    });
}

if (require.main === module) {
    void familyMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => process.exit(code));
}

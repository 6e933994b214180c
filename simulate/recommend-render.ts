/**
 * How `--recommend` shows its result: the block as TypeScript to paste into the program (enum members by name,
 * strings quoted, one window a line), its predicted figures beside the current ones, and the `--json` entry.
 */
import { ScalingMetric, type AutoscalingArgs } from "../components/spike-autoscaler/args";
import { dollars } from "../sdk/catalog/format";
import type { Predicted, Recommendation } from "./recommend-input";

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The fields of a block in the order AutoscalingArgs declares them. */
const ORDER: Array<keyof AutoscalingArgs> = ["metric", "metricTarget", "query", "scaleToZeroAfterSeconds", "burstMultiplier", "scaleDownDelaySeconds", "maxQueuedPerRunning", "prewarm", "budget"];

function literal(key: string, value: unknown): string {
    if (key === "metric") {
        const member = Object.entries(ScalingMetric).find(([, v]) => v === value)?.[0];
        if (member) return `ScalingMetric.${member}`;
    }
    if (value !== null && typeof value === "object") {
        return `{ ${Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}: ${literal(k, v)}`)
            .join(", ")} }`;
    }
    return JSON.stringify(value);
}

/**
 * The fields of `args` as TypeScript object members, each line indented by `indent` (four spaces a level, as the
 * repository's prettier does); `prewarm` windows one a line.
 */
export function renderFields(args: AutoscalingArgs, indent = "    "): string[] {
    const lines: string[] = [];
    const keys = [...ORDER.filter((k) => k in args), ...(Object.keys(args) as Array<keyof AutoscalingArgs>).filter((k) => !ORDER.includes(k))];
    for (const key of keys) {
        const value = args[key];
        if (value === undefined) continue;
        if (key === "prewarm" && Array.isArray(value)) {
            lines.push(`${indent}prewarm: [`, ...value.map((w) => `${indent}    ${literal("window", w)},`), `${indent}],`);
        } else lines.push(`${indent}${key}: ${literal(key, value)},`);
    }
    return lines;
}

/** The `autoscaling:` block of a ModelService (`wrap`), or the fields alone (a SpikeAutoscaler's arguments). */
export function renderBlock(args: AutoscalingArgs, wrap: boolean): string {
    if (!wrap) return renderFields(args, "").join("\n");
    return ["autoscaling: {", ...renderFields(args), "},"].join("\n");
}

/** The `--json` `predicted` figures, rounded as the policies' are (so that a re-simulation of the block reads the same). */
export function predictedJson(p: Predicted): Record<string, unknown> {
    return { gpuHours: round(p.gpuHours, 3), hours: round(p.hours, 3), costUsd: p.costUsd === null ? null : round(p.costUsd, 2), dropped: Math.round(p.dropped), waitP99Seconds: p.waitP99Seconds };
}

/** The `--json` `recommendation` of a service: `autoscaling` and `predicted` (null when the SLO is out of reach), `current`, and why not. */
export function recommendationJson(r: Recommendation, at: (second: number) => string): Record<string, unknown> {
    return {
        autoscaling: r.autoscaling ?? null,
        predicted: r.predicted ? predictedJson(r.predicted) : null,
        current: predictedJson(r.current),
        concurrency: r.concurrency,
        ...(r.needsConcurrencyFlag && { simulateWith: [`--concurrency`, String(r.concurrency)] }),
        ...(r.unreachable && { unreachable: { ...r.unreachable, at: at(r.unreachable.atSecond) } }),
        candidates: r.candidates,
    };
}

function figures(label: string, p: Predicted): string[] {
    return [label, p.hours.toFixed(2), p.costUsd === null ? "unknown" : p.costUsd.toFixed(2), String(Math.round(p.dropped)), `${p.waitP99Seconds} s`];
}

/** The text of a recommendation: figures beside the current ones, then the block to paste (or why there is none). */
export function renderRecommendation(r: Recommendation, o: { name: string; modelService: boolean; unitLabel: string; sloP99Seconds: number; clock: (second: number) => string }): string {
    const head = `Recommendation (nothing dropped, p99 waiting within ${o.sloP99Seconds} s; ${r.candidates} settings simulated in ${(r.milliseconds / 1000).toFixed(1)} s):\n`;
    if (!r.autoscaling || !r.predicted) {
        const u = r.unreachable;
        if (!u || u.replicasNeeded <= u.max) return `${head}  none found: no setting searched met it within the bounds (the peak fits in them; set a longer --slo-p99, or pre-warm by hand).\n\n`;
        const bound = u.source === "budget" ? `maxReplicas ${u.max} (budget ${dollars(u.budgetMonthlyUsd ?? 0)}/month)` : `maxReplicas ${u.max}`;
        const budget = u.budgetNeededUsd !== undefined && u.budgetNeededUsd !== null ? ` and a budget of at least ${dollars(u.budgetNeededUsd)}/month` : "";
        return (
            `${head}  unreachable within the bounds: ${bound} binds: the trace needs ${u.replicasNeeded} replicas at full capacity at ${o.clock(u.atSecond)}.\n` +
            `  The smallest bound that would reach it: maxReplicas ${u.replicasNeeded}${budget} (enough for the peak with every replica full); then run --recommend again.\n\n`
        );
    }
    const rows = [["", o.unitLabel, "cost USD", "dropped", "wait p99"], figures("current", r.current), figures("recommended", r.predicted)];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    const table = rows.map((row) => `  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`).join("\n");
    const where = o.modelService
        ? `in place of scaling.autoscaling of ${o.name}`
        : `in place of the autoscaling arguments of SpikeAutoscaler ${o.name} (metricTarget, burstMultiplier, scaleDownDelaySeconds, prewarm, ...)`;
    const block = renderBlock(r.autoscaling, o.modelService)
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n");
    const imports = r.autoscaling.metric !== undefined ? `  (ScalingMetric is imported from "modelship".)\n` : "";
    const concurrency = r.needsConcurrencyFlag
        ? `  Predicted with one replica serving ${r.concurrency} requests at once, as now; the simulator's default follows the target, so simulate the block with --concurrency ${r.concurrency}.\n`
        : "";
    return `${head}${table}\nPaste ${where}:\n${block}\n${imports}${concurrency}\n`;
}

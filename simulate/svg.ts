/**
 * One SVG chart of a service's simulation: requests per second (a filled area, left axis) and each policy's replicas
 * (lines, right axis) over time. Dependency-free; series are bucketed so a day stays a small file.
 *
 * Every policy stays visible: each has its own colour and dash pattern and its own lane, a pixel or two above or
 * below its true position, so lines that overlap (the HPA and KEDA defaults often do all along) are drawn side by
 * side; the legend names the lines that coincide everywhere; the policy under study is drawn last, on top, in its
 * true position. The oracle, whose replicas follow the request curve by construction, is a dotted black line over a
 * white halo, so it is never lost along the top edge of the request area, a light fill without an outline.
 */
import type { ServiceSimulation } from "./simulate";
import { hourUnit } from "./service";
import type { Trace } from "./trace";

const WIDTH = 960;
// Room for four rows of legend (seven policies) and two of notes.
const HEIGHT = 482;
const PAD = { left: 60, right: 60, top: 40, bottom: 132 };
const MAX_POINTS = 600;

/**
 * How each policy is drawn: `order` is the drawing order (higher on top); `lane` shifts the line up (px), one lane per
 * policy, so that lines on the same replicas stay side by side (the HPA and KEDA defaults, which coincide most, are
 * the outer lanes).
 */
export const POLICY_STYLES: Readonly<Record<string, { colour: string; dash?: string; width: number; order: number; lane: number }>> = {
    "static-peak": { colour: "#8c564b", dash: "14 4", width: 1.6, order: 0, lane: -1.5 },
    "knative-default": { colour: "#2ca02c", dash: "2 3", width: 1.8, order: 1, lane: 1.5 },
    "keda-default": { colour: "#9467bd", dash: "10 3 2 3", width: 1.6, order: 2, lane: -2.5 },
    "hpa-default": { colour: "#ff7f0e", dash: "6 4", width: 1.6, order: 3, lane: 2.5 },
    "oracle-at-target": { colour: "#7f7f7f", dash: "5 2 1 2", width: 1.8, order: 3.5, lane: 0 },
    oracle: { colour: "#000000", dash: "1 3", width: 2.2, order: 4, lane: -0.5 },
    modelship: { colour: "#1f77b4", width: 2.2, order: 5, lane: 0.5 },
};
const FALLBACK_STYLE = { colour: "#444444", dash: "3 2", width: 1.6, order: -1, lane: 0 };
/** The largest lane shift, for the legend. */
const MAX_LANE = Math.max(...Object.values(POLICY_STYLES).map((s) => Math.abs(s.lane)));
/** The request area: a light fill, no outline (the oracle's line is the only black one). */
const REQUEST_FILL = "#9ecae1";
const REQUEST_OPACITY = 0.45;

function escapeXml(s: string): string {
    return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] as string);
}

/** The largest value of each of `buckets` consecutive slices (peaks stay visible). */
function bucketMax(values: ArrayLike<number>, buckets: number): number[] {
    const size = Math.max(1, Math.ceil(values.length / buckets));
    const out: number[] = [];
    for (let i = 0; i < values.length; i += size) {
        let m = 0;
        for (let j = i; j < Math.min(values.length, i + size); j++) if (values[j] > m) m = values[j];
        out.push(m);
    }
    return out;
}

/** The axis maximum: the first round number at or above `x`. */
function niceMax(x: number): number {
    if (x <= 0) return 1;
    const p = 10 ** Math.floor(Math.log10(x));
    return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((v) => v >= x - 1e-9) as number;
}

/** An axis label: whole numbers as such, others to two decimals at most (12.5, 0.25). */
const tickLabel = (v: number) => String(Number(v.toFixed(2)));

/** `a`, `a and b`, `a, b and c`. */
function listNames(names: readonly string[]): string {
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Groups of series (by name) whose drawn points are the same everywhere, in series order; singletons left out. */
export function coincidentGroups(series: ReadonlyArray<{ name: string; points: readonly number[] }>): string[][] {
    const groups: string[][] = [];
    const placed = new Set<string>();
    for (const [i, s] of series.entries()) {
        if (placed.has(s.name)) continue;
        const same = series.slice(i + 1).filter((o) => !placed.has(o.name) && o.points.length === s.points.length && o.points.every((v, k) => v === s.points[k]));
        if (same.length === 0) continue;
        const group = [s.name, ...same.map((o) => o.name)];
        group.forEach((n) => placed.add(n));
        groups.push(group);
    }
    return groups;
}

const styleOf = (name: string) => POLICY_STYLES[name] ?? FALLBACK_STYLE;
const dashAttr = (dash?: string) => (dash ? ` stroke-dasharray="${dash}"` : "");

/** The chart of one service as an SVG document. */
export function renderSvg(trace: Trace, sim: ServiceSimulation): string {
    const requests = bucketMax(trace.requests, MAX_POINTS);
    const series = sim.runs.map((r) => ({ name: r.name, points: bucketMax(r.replicas, MAX_POINTS) }));
    const n = requests.length;
    const w = WIDTH - PAD.left - PAD.right;
    const h = HEIGHT - PAD.top - PAD.bottom;
    const reqMax = niceMax(Math.max(...requests));
    // Headroom above the highest line (at least 2 replicas), so that no line runs along the top edge.
    const repMax = niceMax(Math.max(2, 1.05 * Math.max(...series.flatMap((s) => s.points))));
    const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i / (n - 1)) * w);
    const y = (v: number, max: number) => PAD.top + h - (v / max) * h;
    const fmt = (v: number) => v.toFixed(1);

    const area = `M${fmt(x(0))},${fmt(y(0, reqMax))} ${requests.map((v, i) => `L${fmt(x(i))},${fmt(y(v, reqMax))}`).join(" ")} L${fmt(x(n - 1))},${fmt(y(0, reqMax))} Z`;
    const lines = [...series]
        .sort((a, b) => styleOf(a.name).order - styleOf(b.name).order)
        .flatMap((s) => {
            const style = styleOf(s.name);
            const d = s.points.map((v, i) => `${i === 0 ? "M" : "L"}${fmt(x(i))},${fmt(y(v, repMax) - style.lane)}`).join(" ");
            const halo = s.name === "oracle" ? [`<path d="${d}" fill="none" stroke="#ffffff" stroke-width="${style.width + 1.6}" stroke-opacity="0.85" data-halo="oracle"/>`] : [];
            return [...halo, `<path d="${d}" fill="none" stroke="${style.colour}" stroke-width="${style.width}"${dashAttr(style.dash)} stroke-linecap="round" data-policy="${escapeXml(s.name)}"/>`];
        });

    const minutes = Math.round(trace.requests.length / 60);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
        const ty = PAD.top + h - f * h;
        return `<line x1="${PAD.left}" x2="${PAD.left + w}" y1="${fmt(ty)}" y2="${fmt(ty)}" stroke="#e5e5e5"/><text x="${PAD.left - 6}" y="${fmt(ty + 4)}" text-anchor="end">${tickLabel(f * reqMax)}</text><text x="${PAD.left + w + 6}" y="${fmt(ty + 4)}">${tickLabel(f * repMax)}</text>`;
    });
    const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${fmt(PAD.left + f * w)}" y="${PAD.top + h + 16}" text-anchor="middle">${Math.round(f * minutes)} min</text>`);

    const unit = hourUnit(sim.model) === "gpu-hours" ? "GPU-h" : "replica-h";
    const legendTop = PAD.top + h + 36;
    const legend = sim.summaries.map((s, i) => {
        const style = styleOf(s.name);
        const lx = PAD.left + (i % 2) * 440;
        const ly = legendTop + Math.floor(i / 2) * 16;
        const sample = `<line x1="${lx}" x2="${lx + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${style.colour}" stroke-width="${style.width + 0.6}"${dashAttr(style.dash)} stroke-linecap="round"/>`;
        return `${sample}<text x="${lx + 32}" y="${ly}">${escapeXml(`${s.name}: ${s.hours.toFixed(1)} ${unit}, ${Math.round(s.dropped)} dropped, p99 ${s.waitP99Seconds} s`)}</text>`;
    });
    const notesY = legendTop + Math.ceil(sim.summaries.length / 2) * 16;
    const coincide = coincidentGroups(series).map((g) => `${listNames(g)} coincide all along`);
    const notes = [
        `<rect x="${PAD.left}" y="${notesY - 10}" width="26" height="8" fill="${REQUEST_FILL}" fill-opacity="${REQUEST_OPACITY}" data-legend="requests"/>`,
        `<text x="${PAD.left + 32}" y="${notesY}">${escapeXml(`requests / s (left axis); lines are drawn up to ${MAX_LANE} px apart so that overlapping ones stay visible`)}</text>`,
        ...(coincide.length > 0 ? [`<text x="${PAD.left + 32}" y="${notesY + 16}" data-legend="coincide">${escapeXml(`${coincide.join("; ")}.`)}</text>`] : []),
    ];
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
        `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
        `<text x="${PAD.left}" y="20" font-size="14" font-weight="bold">${escapeXml(`${sim.name}: replicas per policy vs requests (${trace.name})`)}</text>`,
        ...ticks,
        ...xTicks,
        `<text x="14" y="${PAD.top + h / 2}" transform="rotate(-90 14 ${PAD.top + h / 2})" text-anchor="middle">requests / s (area)</text>`,
        `<text x="${WIDTH - 14}" y="${PAD.top + h / 2}" transform="rotate(90 ${WIDTH - 14} ${PAD.top + h / 2})" text-anchor="middle">replicas (lines)</text>`,
        `<path d="${area}" fill="${REQUEST_FILL}" fill-opacity="${REQUEST_OPACITY}" stroke="none" data-series="requests"/>`,
        ...lines,
        ...legend,
        ...notes,
        "</svg>",
        "",
    ].join("\n");
}

/** One SVG for several services: their charts stacked. */
export function renderSvgs(trace: Trace, sims: ServiceSimulation[]): string {
    if (sims.length === 1) return renderSvg(trace, sims[0]);
    const charts = sims.map((s, i) => renderSvg(trace, s).replace("<svg ", `<svg y="${i * HEIGHT}" `));
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT * sims.length}">\n${charts.join("")}</svg>\n`;
}

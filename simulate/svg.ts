/**
 * One SVG chart of a service's simulation: requests per second (grey area, left axis) and each policy's replicas
 * (coloured lines, right axis) over time. Dependency-free; series are bucketed so a day stays a small file.
 */
import type { ServiceSimulation } from "./simulate";
import type { Trace } from "./trace";

const WIDTH = 960;
const HEIGHT = 420;
const PAD = { left: 60, right: 60, top: 40, bottom: 70 };
const COLOURS: Record<string, string> = {
    modelship: "#1f77b4",
    "hpa-default": "#ff7f0e",
    "knative-default": "#2ca02c",
    "keda-default": "#9467bd",
    "static-peak": "#8c564b",
    oracle: "#000000",
};
const MAX_POINTS = 600;

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

function niceMax(x: number): number {
    if (x <= 0) return 1;
    const p = 10 ** Math.floor(Math.log10(x));
    return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x) as number;
}

/** The chart of one service as an SVG document. */
export function renderSvg(trace: Trace, sim: ServiceSimulation): string {
    const requests = bucketMax(trace.requests, MAX_POINTS);
    const series = sim.runs.map((r) => ({ name: r.name, points: bucketMax(r.replicas, MAX_POINTS) }));
    const n = requests.length;
    const w = WIDTH - PAD.left - PAD.right;
    const h = HEIGHT - PAD.top - PAD.bottom;
    const reqMax = niceMax(Math.max(...requests));
    const repMax = niceMax(Math.max(1, ...series.flatMap((s) => s.points)));
    const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i / (n - 1)) * w);
    const y = (v: number, max: number) => PAD.top + h - (v / max) * h;
    const fmt = (v: number) => v.toFixed(1);
    const area = `M${fmt(x(0))},${fmt(y(0, reqMax))} ${requests.map((v, i) => `L${fmt(x(i))},${fmt(y(v, reqMax))}`).join(" ")} L${fmt(x(n - 1))},${fmt(y(0, reqMax))} Z`;
    const lines = series.map(
        (s) => `<path d="${s.points.map((v, i) => `${i === 0 ? "M" : "L"}${fmt(x(i))},${fmt(y(v, repMax))}`).join(" ")}" fill="none" stroke="${COLOURS[s.name] ?? "#444"}" stroke-width="1.6"${s.name === "oracle" ? ' stroke-dasharray="4 3"' : ""}/>`,
    );
    const minutes = Math.round(trace.requests.length / 60);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
        const ty = PAD.top + h - f * h;
        return `<line x1="${PAD.left}" x2="${PAD.left + w}" y1="${fmt(ty)}" y2="${fmt(ty)}" stroke="#e5e5e5"/><text x="${PAD.left - 6}" y="${fmt(ty + 4)}" text-anchor="end">${Math.round(f * reqMax)}</text><text x="${PAD.left + w + 6}" y="${fmt(ty + 4)}">${Math.round(f * repMax)}</text>`;
    });
    const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${fmt(PAD.left + f * w)}" y="${PAD.top + h + 16}" text-anchor="middle">${Math.round(f * minutes)} min</text>`);
    const legend = sim.summaries.map((s, i) => {
        const lx = PAD.left + (i % 3) * 290;
        const ly = HEIGHT - 30 + Math.floor(i / 3) * 16;
        return `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLOURS[s.name] ?? "#444"}" stroke-width="3"/><text x="${lx + 24}" y="${ly}">${escapeXml(`${s.name}: ${s.gpuHours.toFixed(1)} GPU-h, ${Math.round(s.dropped)} dropped, p99 ${s.waitP99Seconds} s`)}</text>`;
    });
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
        `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
        `<text x="${PAD.left}" y="20" font-size="14" font-weight="bold">${escapeXml(`${sim.name}: replicas per policy vs requests (${trace.name})`)}</text>`,
        ...ticks,
        ...xTicks,
        `<text x="14" y="${PAD.top + h / 2}" transform="rotate(-90 14 ${PAD.top + h / 2})" text-anchor="middle">requests / s (grey)</text>`,
        `<text x="${WIDTH - 14}" y="${PAD.top + h / 2}" transform="rotate(90 ${WIDTH - 14} ${PAD.top + h / 2})" text-anchor="middle">replicas</text>`,
        `<path d="${area}" fill="#cccccc" fill-opacity="0.6" stroke="none"/>`,
        ...lines,
        ...legend,
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

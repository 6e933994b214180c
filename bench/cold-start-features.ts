/**
 * The spike family and the real traces with each cold-start feature of issue 15 (docs/simulate.md, "Cold-start
 * features on the family"): the reference service (vLLM, one L4, min 1, max 700, `autoscaling: {}`) placed on an
 * EKS node-group pool of one L4 per node, its 7B model (`model.sizeGiB: 15`), with an image cache, a model cache per
 * node or per cluster, streamed weights, warm headroom of 1 or 10 nodes, Karpenter, and all together; each against
 * the plain defaults (no feature: 120 + 334 + 60 s). The features are set as the stack would give them
 * (simulate/cold-start.ts `ColdStartFeatures`), so the cold start is resolved exactly as `modelship simulate` resolves
 * a program's.
 *
 *   node dist/bench/simulate-family.js --features [--markdown | --json] [--set ...] [--shape ...]
 */
import { NodeProvisioning } from "../sdk/catalog/cold-start";
import { SERVING_RUNTIMES, ServingRuntime } from "../sdk/catalog/runtimes";
import { ModelCacheMode, ModelLoadMode } from "../components/model-service/args";
import { parsePrewarmWindow } from "../components/spike-autoscaler/cron";
import type { ColdStartFeatures, PoolFeatures } from "../simulate/cold-start-stack";
import { serviceModel, type SimulationOverrides } from "../simulate/simulate";
import type { AutoscaledService } from "../simulate/services";
import { referenceService, runTrace, selectTraces, type FamilyGroup, type FamilyOptions, type FamilyTraceResult } from "./simulate-family";

/** One configuration of the reference service's cold-start features. */
export interface FeatureVariant {
    name: string;
    /** undefined: the plain defaults (the reference program as it is). */
    features?: ColdStartFeatures;
}

const IMAGE = SERVING_RUNTIMES[ServingRuntime.Vllm].image;
/** The weights of Qwen2.5-7B-Instruct in bf16: 15.2 GB (the "sizeGiB ~15"). */
export const REFERENCE_SIZE_GIB = 15;
/** The trace the issue calls the morning spike: its own shape, 1.08M calls in 15 minutes after a one-minute ramp at 08:30. */
export const MORNING_SPIKE = "0830-1.08M-in-15m-ramp-1m";

const pool = (over: Partial<PoolFeatures> = {}): PoolFeatures => ({
    name: "l4",
    provisioning: NodeProvisioning.EksNodeGroup,
    streaming: false,
    diskImage: false,
    snapshot: false,
    prePullImages: [],
    ...over,
});
const onPool = (p: Partial<PoolFeatures> = {}, model: Partial<ColdStartFeatures> = {}): ColdStartFeatures => ({
    pool: pool(p),
    image: IMAGE,
    runtime: ServingRuntime.Vllm,
    cache: ModelCacheMode.None,
    loadMode: ModelLoadMode.Download,
    sizeGiB: REFERENCE_SIZE_GIB,
    uriScheme: "hf",
    ...model,
});
/** A window of warm headroom for the morning: weekdays 08:00-10:00 UTC (the example). */
const MORNING_WINDOW = (() => {
    const parsed = parsePrewarmWindow({ schedule: "0 8 * * 1-5", durationMinutes: 120 }, "headroom.windows[0]");
    if (!parsed.schedule) throw new Error(`the morning window does not parse: ${JSON.stringify(parsed.problems)}`);
    return parsed.schedule;
})();
const headroom = (nodes: number) => ({ headroom: { gpus: nodes, windows: [] }, prePullImages: [IMAGE] });
const CACHED = { snapshot: true, prePullImages: [IMAGE] };

/** The variants reported, the plain defaults first. */
export const FEATURE_VARIANTS: readonly FeatureVariant[] = [
    { name: "plain defaults (no feature)" },
    { name: "on the pool, model.sizeGiB 15, downloaded", features: onPool() },
    { name: "image cache (EBS snapshot)", features: onPool({ snapshot: true }) },
    { name: "GKE node pool, image streaming", features: onPool({ provisioning: NodeProvisioning.GkeNodePool, streaming: true }) },
    { name: "model cache per node", features: onPool({}, { cache: ModelCacheMode.Node }) },
    { name: "model cache per cluster (EFS)", features: onPool({}, { cache: ModelCacheMode.Cluster }) },
    { name: "streamed from s3:// (Run:ai streamer)", features: onPool({}, { loadMode: ModelLoadMode.Stream, uriScheme: "s3" }) },
    { name: "headroom 1 node (image pre-pulled)", features: onPool(headroom(1)) },
    { name: "headroom 10 nodes (image pre-pulled)", features: onPool(headroom(10)) },
    { name: "headroom 50 nodes, weekdays 08:00-10:00 UTC (pre-pulled)", features: onPool({ headroom: { gpus: 50, windows: [MORNING_WINDOW] }, prePullImages: [IMAGE] }) },
    { name: "Karpenter (node in ~60 s)", features: onPool({ provisioning: NodeProvisioning.Karpenter }) },
    { name: "image cache + model cache per node + headroom 1 node (issue 15's goal)", features: onPool({ ...CACHED, ...headroom(1) }, { cache: ModelCacheMode.Node }) },
    {
        name: "all: Karpenter, image cache, streamed, headroom 10 nodes",
        features: onPool({ ...CACHED, ...headroom(10), provisioning: NodeProvisioning.Karpenter }, { loadMode: ModelLoadMode.Stream, uriScheme: "s3" }),
    },
];

/** One variant's totals over a group of traces, for the modelship policy (the plain autoscaling defaults). */
export interface GroupTotals {
    traces: number;
    gpuHours: number;
    dropped: number;
    requests: number;
    /** The highest p99 waiting among the group's traces. */
    worstP99Seconds: number;
}

/** One variant's results. */
export interface FeatureRow {
    name: string;
    /** Seconds: on a new node (node + pull + load), on a freed node that ran it, on a headroom node (null: none). */
    coldStart: { nodeSeconds: number; pullSeconds: number; loadSeconds: number; warmSeconds: number; headroomSeconds: number | null };
    groups: Partial<Record<FamilyGroup, GroupTotals>>;
    /** The morning spike's modelship line, when it was run. */
    morning?: { gpuHours: number; dropped: number; waitP99Seconds: number };
    traces: FamilyTraceResult[];
}

export interface FeatureReport {
    program: string;
    service: string;
    rows: FeatureRow[];
    milliseconds: number;
}

function coldStartOf(service: AutoscaledService, overrides: SimulationOverrides): FeatureRow["coldStart"] {
    const m = serviceModel(service, overrides);
    const c = m.coldStart;
    const headroomPull = m.headroom?.prePulled ? 0 : c.pullSeconds;
    return {
        ...c,
        warmSeconds: m.warmLoadSeconds ?? c.loadSeconds,
        headroomSeconds: m.headroom ? headroomPull + c.loadSeconds : null,
    };
}

/** Runs the reference program once, then the selected traces under every variant. */
export async function runFeatures(options: FamilyOptions = {}): Promise<FeatureReport> {
    const traces = selectTraces(options);
    const started = performance.now();
    const { program, service } = await referenceService(options);
    const loaded = traces.map((t) => ({ ...t, data: t.trace() }));
    const rows = FEATURE_VARIANTS.map((variant) => {
        const variantService = { ...service, coldStart: variant.features ?? service.coldStart };
        const results = loaded.map(({ group, data, shape }) => ({ ...runTrace(data, group, variantService, options.overrides), ...(shape && { shape }) }));
        const groups: FeatureRow["groups"] = {};
        for (const r of results) {
            const ours = r.policies.find((p) => p.name === "modelship");
            if (!ours) continue;
            const g = (groups[r.group] ??= { traces: 0, gpuHours: 0, dropped: 0, requests: 0, worstP99Seconds: 0 });
            g.traces++;
            g.gpuHours += ours.gpuHours;
            g.dropped += ours.dropped;
            g.requests += r.requests;
            g.worstP99Seconds = Math.max(g.worstP99Seconds, ours.waitP99Seconds);
        }
        const morning = results.find((r) => r.trace === MORNING_SPIKE)?.policies.find((p) => p.name === "modelship");
        return {
            name: variant.name,
            coldStart: coldStartOf(variantService, options.overrides ?? {}),
            groups,
            ...(morning && { morning: { gpuHours: morning.gpuHours, dropped: morning.dropped, waitP99Seconds: morning.waitP99Seconds } }),
            traces: results,
        };
    });
    return { program, service: service.urn, rows, milliseconds: Math.round(performance.now() - started) };
}

const GROUP_ORDER: FamilyGroup[] = ["tuning", "held-out", "real"];
const n = (x: number) => Math.round(x).toLocaleString("en-US");
const change = (x: number, of: number) => (of > 0 ? `${x >= of ? "+" : ""}${Math.round((100 * (x - of)) / of)}%` : x > 0 ? "new" : "=");

function coldText(r: FeatureRow): string {
    const c = r.coldStart;
    const parts = [`${c.nodeSeconds} + ${c.pullSeconds} + ${c.loadSeconds}`, `freed ${c.warmSeconds}`];
    if (c.headroomSeconds !== null) parts.push(`headroom ${c.headroomSeconds}`);
    return parts.join(", ");
}

/** The docs/simulate.md table: per variant, per set, modelship's GPU-hours, dropped and worst p99, with the change against the plain defaults. */
export function renderFeatures(report: FeatureReport): string {
    const base = report.rows[0];
    const groups = GROUP_ORDER.filter((g) => base.groups[g]);
    const header = [
        "feature",
        "cold start s (new node, freed node, headroom node)",
        ...groups.map((g) => `${g} (${base.groups[g]?.traces}): GPU-h, dropped, worst p99`),
        ...(base.morning ? ["morning spike: GPU-h, dropped, p99"] : []),
    ];
    const out = [`| ${header.join(" | ")} |`, `|${header.map(() => "---|").join("")}`];
    for (const r of report.rows) {
        const cells = groups.map((g) => {
            const t = r.groups[g];
            const b = base.groups[g];
            if (!t || !b) return "-";
            const delta = r === base ? "" : ` (${change(t.gpuHours, b.gpuHours)}, ${change(t.dropped, b.dropped)})`;
            return `${n(t.gpuHours)}, ${n(t.dropped)}, ${t.worstP99Seconds} s${delta}`;
        });
        const morning = r.morning ? [`${n(r.morning.gpuHours)}, ${n(r.morning.dropped)}, ${r.morning.waitP99Seconds} s`] : [];
        out.push(`| ${[r.name, coldText(r), ...cells, ...morning].join(" | ")} |`);
    }
    out.push("", `(${report.service}, ${report.program}; ${report.rows.length} variants x ${report.rows[0].traces.length} traces in ${(report.milliseconds / 1000).toFixed(1)} s)`);
    return `${out.join("\n")}\n`;
}

/** The `--json` document of `--features`. */
export function featuresJson(report: FeatureReport): Record<string, unknown> {
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
        program: report.program,
        service: report.service,
        variants: report.rows.map((r) => ({
            name: r.name,
            coldStart: r.coldStart,
            groups: Object.fromEntries(Object.entries(r.groups).map(([g, t]) => [g, { ...t, gpuHours: r3(t.gpuHours), dropped: Math.round(t.dropped), requests: Math.round(t.requests) }])),
            ...(r.morning && { morning: { ...r.morning, gpuHours: r3(r.morning.gpuHours), dropped: Math.round(r.morning.dropped) } }),
            traces: r.traces.map((t) => {
                const ours = t.policies.find((p) => p.name === "modelship");
                return { trace: t.trace, group: t.group, gpuHours: r3(ours?.gpuHours ?? NaN), dropped: Math.round(ours?.dropped ?? NaN), waitP99Seconds: ours?.waitP99Seconds ?? null };
            }),
        })),
        milliseconds: report.milliseconds,
    };
}

/**
 * The human output of `modelship plan`: the resource tree, the monthly cost per component, the policy
 * findings and the stack outputs. Fits a 100-column terminal; colours only on a terminal.
 */
import { dollars } from "../catalog/format";
import type { CostSum, PlanCost, PoolOfItems } from "./cost";
import type { PolicyFinding } from "./policies";
import { redactPaths } from "./redact";
import type { PlanRun } from "./run";
import type { ResourceRecord } from "./runtime";

/** Output width the layout aims for. */
const WIDTH = 100;

/** ANSI styling, or none. */
export interface Style {
    bold(s: string): string;
    dim(s: string): string;
    red(s: string): string;
    yellow(s: string): string;
}

/** Styling for a stream: colours only when it is a terminal and NO_COLOR is not set. */
export function styleFor(stream: { isTTY?: boolean }): Style {
    const on = stream.isTTY === true && !process.env.NO_COLOR;
    const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
    return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39) };
}

/** What the human output shows. */
export interface PlanView {
    run: PlanRun;
    cost: PlanCost;
    findings: ReadonlyArray<PolicyFinding>;
    /** False when no policy pack is installed: "no findings" would then mean nothing. */
    policiesRan: boolean;
}

function markers(r: ResourceRecord): string {
    const marks = [r.options.protect ? "protected" : "", r.options.retainOnDelete ? "retained on delete" : ""].filter(Boolean);
    return marks.length > 0 ? `  [${marks.join(", ")}]` : "";
}

/** The resource tree: the stack, then each resource under its parent, in registration order. */
export function renderTree(resources: ReadonlyArray<ResourceRecord>, style: Style): string[] {
    const children = new Map<string | undefined, ResourceRecord[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const rows: Array<{ prefix: string; r: ResourceRecord }> = [];
    const visit = (parent: string | undefined, indent: string, root: boolean) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            rows.push({ prefix: root ? "" : `${indent}${last ? "└─ " : "├─ "}`, r });
            visit(r.urn, root ? "" : `${indent}${last ? "   " : "│  "}`, false);
        });
    };
    visit(undefined, "", true);
    const column = Math.min(Math.max(0, ...rows.map(({ prefix, r }) => prefix.length + r.type.length)) + 2, 64);
    return rows.map(({ prefix, r }) => {
        const type = r.custom || r.type === "pulumi:pulumi:Stack" ? r.type : style.bold(r.type);
        const pad = " ".repeat(Math.max(2, column - prefix.length - r.type.length));
        return `${style.dim(prefix)}${type}${pad}${r.name}${style.yellow(markers(r))}`;
    });
}

/** A monthly figure: dollars, "unknown" when nothing is known, "+ unknown" when part is. Never $0 for unknown. */
export function formatCost(s: CostSum): string {
    if (s.knownItems === 0) return s.unknownItems > 0 ? "unknown" : "$0.00";
    const known = dollars(s.known);
    return s.unknownItems > 0 ? `${known} + unknown` : known;
}

function truncate(s: string, width: number): string {
    return s.length <= width ? s : `${s.slice(0, width - 3)}...`;
}

/** The dim line under a row whose workloads run on node pools of the stack: which pools price their nodes. */
function poolNote(pools: ReadonlyArray<PoolOfItems>, indent: string, style: Style): string[] {
    if (pools.length === 0) return [];
    const names = pools.map((p) => `${p.name} (${p.type})`).join(", ");
    return wrap(`on pool ${names}: its nodes are priced there`, WIDTH - indent.length).map((l) => style.dim(`${indent}${l}`));
}

/**
 * The cost table: one row per component with priced resources (nested ones indented), then the total. A component
 * whose resources all run on a node pool of the stack shows "on pool" instead of $0.00, and every component on a
 * pool names it; the reason of every unknown price is printed whole, wrapped.
 */
export function renderCost(cost: PlanCost, resources: ReadonlyArray<ResourceRecord>, style: Style): string[] {
    // Wide enough for "$12,345,678.90 + unknown" with two spaces before it, so figures never run together.
    const figure = 26;
    const label = WIDTH - 2 * figure - 2;
    const row = (name: string, min: string, max: string) => `  ${truncate(name, label).padEnd(label)}${min.padStart(figure)}${max.padStart(figure)}`;
    const cell = (sum: CostSum, onlyOnPools: boolean) => (onlyOnPools ? "on pool" : formatCost(sum));
    const lines = [style.bold(`Monthly cost (${cost.report.currency}, 730 hours a month)`), style.dim(row("", "minimum scale", "maximum scale"))];
    if (cost.report.items.length === 0) return [...lines, "  nothing in this plan has a cost the model prices"];
    for (const c of cost.components) {
        const indent = "  ".repeat(c.depth - 1);
        lines.push(row(`${indent}${c.name} (${c.type})`, cell(c.min, c.onlyOnPools), cell(c.max, c.onlyOnPools)));
        lines.push(...poolNote(c.pools, `    ${indent}`, style));
    }
    const outside = cost.outsideComponents;
    if (outside.min.knownItems + outside.min.unknownItems > 0) {
        lines.push(row("resources outside components", cell(outside.min, outside.onlyOnPools), cell(outside.max, outside.onlyOnPools)));
        lines.push(...poolNote(outside.pools, "    ", style));
    }
    lines.push(style.bold(row("Total", formatCost(cost.total.min), formatCost(cost.total.max))));
    const unknown = cost.report.items.filter((i) => i.monthly.min === null || i.monthly.max === null);
    if (unknown.length > 0) {
        lines.push(style.dim("  Not in the total (price unknown):"));
        for (const item of unknown) {
            const [first, ...rest] = wrap(`${resourceLabel(item.urn, resources)}: ${item.basis}`, WIDTH - 6);
            lines.push(style.dim(`    ${first}`), ...rest.map((l) => style.dim(`      ${l}`)));
        }
    }
    return lines;
}

function resourceLabel(urn: string | undefined, resources: ReadonlyArray<ResourceRecord>): string {
    if (!urn) return "the stack";
    const r = resources.find((x) => x.urn === urn);
    return r ? `${r.name} (${r.type})` : urn;
}

/** Splits a line at spaces so that no piece is longer than `width` (a longer word stays whole). */
export function wrap(line: string, width: number): string[] {
    const out: string[] = [];
    let current = "";
    for (const word of line.split(" ")) {
        if (current !== "" && current.length + 1 + word.length > width) {
            out.push(current);
            current = word;
        } else current = current === "" ? word : `${current} ${word}`;
    }
    out.push(current);
    return out;
}

/** The policy findings, mandatory first. */
export function renderFindings(view: Pick<PlanView, "findings" | "policiesRan" | "run">, style: Style): string[] {
    if (!view.policiesRan) return [`${style.bold("Policies")}: not checked (the policy pack is not installed)`];
    if (view.findings.length === 0) return [`${style.bold("Policies")}: no violations`];
    const order = ["mandatory", "remediate", "advisory", "disabled"];
    const sorted = [...view.findings].sort((a, b) => order.indexOf(a.enforcement) - order.indexOf(b.enforcement));
    const lines = [style.bold(`Policies: ${view.findings.length} finding(s)`)];
    for (const f of sorted) {
        const level = f.enforcement === "mandatory" ? style.red(f.enforcement) : style.yellow(f.enforcement);
        lines.push(`  ${level}  ${f.policy}  ${resourceLabel(f.urn, view.run.resources)}`);
        lines.push(
            ...f.message
                .split("\n")
                .flatMap((l) => wrap(l, WIDTH - 6))
                .map((l) => `      ${l}`),
        );
    }
    return lines;
}

/** The stack outputs, one line each, secrets shown as [secret]. */
export function renderOutputs(run: PlanRun, style: Style): string[] {
    const outputs = redactPaths(run.outputs, run.secretOutputPaths);
    const keys = Object.keys(outputs);
    if (keys.length === 0) return [];
    return [style.bold("Outputs"), ...keys.map((k) => truncate(`  ${k}: ${JSON.stringify(outputs[k])}`, WIDTH))];
}

/** The whole human output. */
export function renderPlan(view: PlanView, style: Style): string {
    const { run } = view;
    const components = run.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").length;
    const sections = [
        [style.bold(`Plan of ${run.project}, stack ${run.stack}`) + style.dim(` (${run.program})`)],
        [style.bold(`Resources: ${run.resources.length}`) + style.dim(` (${components} component(s), the stack included)`), ...renderTree(run.resources, style)],
        renderCost(view.cost, run.resources, style),
        renderFindings(view, style),
        renderOutputs(run, style),
    ];
    return (
        sections
            .filter((s) => s.length > 0)
            .map((s) => s.join("\n"))
            .join("\n\n") + "\n"
    );
}

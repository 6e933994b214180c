/**
 * Running Prometheus's promtool from tests (Debian's `prometheus` package, installed by scripts/setup-e2e.sh): the
 * one runner and series builder every PromQL test uses (autoscaler queries, alerts, dashboards).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

/** Runs `promtool <args>` in `cwd`; its exit status and its output (stdout, then stderr). A missing promtool throws. */
export function promtool(args: string[], cwd: string): { status: number | null; output: string } {
    const run = spawnSync("promtool", args, { cwd, encoding: "utf8" });
    if (run.error) throw run.error;
    return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** An input series of `promtool test rules`: `name{labels}` and its values (at the test's own interval). */
export function series(name: string, labels: Record<string, string>, values: string): { series: string; values: string } {
    const body = Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",");
    return { series: `${name}{${body}}`, values };
}

/**
 * Fails (never skips) when promtool is missing: a silent skip would hide that no query was run.
 *
 * @param what the tests that need it, for the message ("the alert tests")
 */
export function requirePromtool(what: string): void {
    if (spawnSync("promtool", ["--version"], { stdio: "ignore" }).status !== 0) {
        throw new Error(`${what} need promtool (Debian package prometheus): run scripts/setup-e2e.sh (npm's pretest runs it before npm test)`);
    }
}

/** A rule group as a PrometheusRule's `spec.groups` holds it. */
export interface RuleGroup {
    name: string;
    rules: object[];
}

function withoutAnnotations({ annotations: _a, ...rule }: { annotations?: unknown }): object {
    return rule;
}

/**
 * Runs `promtool check rules` on `groups` (annotation templates included), then `promtool test rules` with `tests` on a
 * copy without annotations (the tests compare labels), in a temporary folder removed afterwards. Returns both runs.
 */
export function checkAndTestRules(groups: readonly RuleGroup[], tests: object[], evaluationInterval = "5m"): { check: ReturnType<typeof promtool>; test: ReturnType<typeof promtool> } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-rules-"));
    try {
        fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups }, { lineWidth: 0 }));
        const check = promtool(["check", "rules", "rules.yml"], dir);
        const bare = groups.map((g) => ({ ...g, rules: g.rules.map((r) => withoutAnnotations(r as { annotations?: unknown })) }));
        fs.writeFileSync(path.join(dir, "bare.yml"), stringify({ groups: bare }, { lineWidth: 0 }));
        fs.writeFileSync(path.join(dir, "test.yml"), stringify({ rule_files: ["bare.yml"], evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 }));
        return { check, test: promtool(["test", "rules", "test.yml"], dir) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

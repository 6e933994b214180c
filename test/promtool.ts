/**
 * Running Prometheus's promtool from tests (Debian's `prometheus` package, installed by scripts/setup-e2e.sh): the
 * one runner and series builder every PromQL test uses (autoscaler queries, alerts, dashboards).
 */
import { spawnSync } from "node:child_process";

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

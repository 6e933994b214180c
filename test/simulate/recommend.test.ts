/**
 * `modelship simulate --recommend` end to end: the block it prints, pasted into a copy of the program, simulates
 * to the figures it predicted; the SLO out of reach within the budget says which bound would reach it; bad input
 * (a trace under an hour, a target that cannot pre-warm) exits 2 naming the flag and the service.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../cli-helpers";
import { renderBlock } from "../../simulate/recommend-render";
import { runProgram } from "../../sdk/plan/run";
import { selectServices } from "../../simulate/services";
import { candidateResolver } from "../../simulate/recommend-resolve";
import { recommend } from "../../simulate/recommend";
import { ORACLE_AT_TARGET, oracleRun } from "../../simulate/oracle";
import { inFlightTarget } from "../../simulate/policies";
import { serviceModel } from "../../simulate/simulate";
import { findShape, shapeTrace } from "../../simulate/family";

const root = path.resolve(__dirname, "../..");
const steep = path.join(root, "test/fixtures/steep-spike");
const steepTrace = path.join(steep, "steep-spike.csv");
const example = path.join(root, "examples/spike-autoscaler");
// Programs written by the tests live inside the repository, where `modelship` resolves to this source (sdk/plan/loader.ts).
const tmp = fs.mkdtempSync(path.join(root, "test", ".tmp-recommend-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = cliInProcess;

/** A copy of the steep-spike program with `replace` applied to its index.ts. */
function programCopy(name: string, replace: (source: string) => string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(steep, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const source = fs.readFileSync(path.join(steep, "index.ts"), "utf8");
    const changed = replace(source);
    expect(changed).not.toBe(source);
    fs.writeFileSync(path.join(dir, "index.ts"), changed);
    return dir;
}

/** A trace of `seconds` with `rate(t)` requests in second t (second 0 on Monday 2026-01-05 00:00 UTC). */
function traceFile(name: string, seconds: number, rate: (t: number) => number): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, ["second,requests", ...Array.from({ length: seconds }, (_, t) => `${t},${rate(t)}`)].join("\n") + "\n");
    return file;
}

describe("modelship simulate --recommend", () => {
    it("prints a block that, pasted into the program, simulates to the figures it predicted (issue 14's steep spike)", async () => {
        const first = await cli(["simulate", steep, "--trace", steepTrace, "--json", "--recommend"]);
        expect(first.stderr).toBe("");
        expect(first.code).toBe(0);
        const [service] = JSON.parse(first.stdout).services;
        const rec = service.recommendation;
        const current = service.policies.find((p: { name: string }) => p.name === "modelship");
        // The defaults drop on this trace (no loop outruns a 514 s cold start); the recommendation drops nothing, within the SLO, for fewer GPU-hours.
        expect(current.dropped).toBeGreaterThan(0);
        expect(rec.current).toMatchObject({ gpuHours: current.gpuHours, dropped: current.dropped, waitP99Seconds: current.waitP99Seconds });
        expect(rec.predicted.dropped).toBe(0);
        expect(rec.predicted.waitP99Seconds).toBeLessThanOrEqual(30);
        expect(rec.predicted.gpuHours).toBeLessThan(current.gpuHours);
        expect(rec.autoscaling.prewarm.length).toBeGreaterThan(0);
        // The window opens before the ramp (08:30 UTC on a Monday) by about a cold start, on weekdays.
        const [minute, hour, , , days] = rec.autoscaling.prewarm[0].schedule.split(" ");
        expect(Number(hour) * 60 + Number(minute)).toBeLessThan(8 * 60 + 30 - 8);
        expect(days).toBe("1-5");

        // Paste the TypeScript block as printed in place of `autoscaling: {}` and simulate again.
        const block = renderBlock(rec.autoscaling, true).replace(/,$/, "");
        const dir = programCopy("pasted", (s) => s.replace("maxReplicas: 700, autoscaling: {} }", `maxReplicas: 700, ${block} }`));
        const again = await cli(["simulate", dir, "--trace", steepTrace, "--json", ...(rec.simulateWith ?? [])]);
        expect(again.stderr).toBe("");
        expect(again.code).toBe(0);
        const pasted = JSON.parse(again.stdout).services[0].policies.find((p: { name: string }) => p.name === "modelship");
        expect({ gpuHours: pasted.gpuHours, hours: pasted.hours, costUsd: pasted.costUsd, dropped: pasted.dropped, waitP99Seconds: pasted.waitP99Seconds }).toEqual(rec.predicted);
    }, 120_000);

    it("prints the block as TypeScript beside the current figures", async () => {
        const r = await cli(["simulate", steep, "--trace", steepTrace, "--recommend"]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("Recommendation (nothing dropped, p99 waiting within 30 s;");
        // The current figures are the modelship policy's (whatever the defaults), beside the recommended ones.
        const policy = r.stdout.match(/\nmodelship\s+(\d+\.\d\d)\s/);
        expect(policy).not.toBeNull();
        expect(r.stdout).toMatch(new RegExp(`current\\s+${policy![1].replace(".", "\\.")}\\s`));
        expect(r.stdout).toMatch(/recommended\s+\d+\.\d\d\s+\S+\s+0\s+\d+ s/);
        expect(r.stdout).toContain("Paste in place of scaling.autoscaling of llm:\n    autoscaling: {\n        metricTarget: ");
        // One window a line (a staircase on a ramp: several).
        expect(r.stdout).toMatch(/prewarm: \[\n( {12}\{ schedule: "\d+ \d+ \* \* 1-5", timezone: "UTC", durationMinutes: \d+, replicas: \d+ \},\n)+ {8}\],/);
    }, 120_000);

    it("says when the budget makes the SLO unreachable, and what bound would reach it", async () => {
        // qwen: its $6,000 budget allows 8 of 12 replicas; 80 requests a second need 14 at full capacity (12 at once x 2 s).
        const trace = traceFile("steady-80.csv", 7200, () => 80);
        const r = await cli(["simulate", example, "--trace", trace, "--service", "qwen", "--json", "--recommend", "--slo-p99", "60"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const rec = JSON.parse(r.stdout).services[0].recommendation;
        expect(rec.autoscaling).toBeNull();
        expect(rec.predicted).toBeNull();
        expect(rec.unreachable).toMatchObject({ replicasNeeded: 14, max: 8, source: "budget", budgetMonthlyUsd: 6000 });
        expect(rec.unreachable.budgetNeededUsd).toBeGreaterThan(6000);
        const text = await cli(["simulate", example, "--trace", trace, "--service", "qwen", "--recommend", "--slo-p99", "60"]);
        expect(text.stdout).toContain("unreachable within the bounds: maxReplicas 8 (budget $6,000.00/month) binds: the trace needs 14 replicas at full capacity at 00:00:01");
        expect(text.stdout).toContain("The smallest bound that would reach it: maxReplicas 14 and a budget of at least $");
    }, 120_000);

    it("recommends a standalone SpikeAutoscaler's fields, in the time zone of its windows, and they paste back", async () => {
        // scorer: SageMaker, CPU, 2 to 10 instances at 20 in flight (29 at once); an hour at 100 requests a second (7 at capacity, 10 at the target).
        const trace = traceFile("morning.csv", 4 * 3600, (t) => (t >= 2 * 3600 && t < 3 * 3600 ? 100 : 5));
        const r = await cli(["simulate", example, "--trace", trace, "--service", "scorer", "--json", "--recommend"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const rec = JSON.parse(r.stdout).services[0].recommendation;
        expect(rec.predicted.dropped).toBe(0);
        expect(rec.predicted.waitP99Seconds).toBeLessThanOrEqual(30);
        expect(rec.autoscaling.metric).toBe("in-flight-requests");
        // No burst on SageMaker (target tracking has no step cap): the component refuses it, so it is not searched.
        expect(rec.autoscaling.burstMultiplier).toBeUndefined();
        for (const w of rec.autoscaling.prewarm ?? []) expect(w.timezone).toBe("Europe/Paris");
        // The team's window (07:00 Paris, 11 h) never opens on this trace (01:00-05:00 Paris): kept as it is, not dropped.
        expect(rec.autoscaling.prewarm[0]).toEqual({ schedule: "0 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 660, replicas: 4 });

        // Paste the fields as printed in place of the scorer's own (metric, target, windows) in a copy of the example.
        const dir = path.join(tmp, "example-pasted");
        fs.cpSync(example, dir, { recursive: true });
        const source = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
        const given = '        metric: ScalingMetric.InFlightRequests,\n        metricTarget: 20,\n        prewarm: [{ schedule: "0 7 * * 1-5", timezone, durationMinutes: 660, replicas: 4 }],\n';
        expect(source).toContain(given);
        const fields = renderBlock(rec.autoscaling, false)
            .split("\n")
            .map((l) => `        ${l}\n`)
            .join("");
        fs.writeFileSync(path.join(dir, "index.ts"), source.replace(given, fields));
        const again = await cli(["simulate", dir, "--trace", trace, "--service", "scorer", "--json", ...(rec.simulateWith ?? [])]);
        expect(again.stderr).toBe("");
        const pasted = JSON.parse(again.stdout).services[0].policies.find((p: { name: string }) => p.name === "modelship");
        expect({ gpuHours: pasted.gpuHours, hours: pasted.hours, costUsd: pasted.costUsd, dropped: pasted.dropped, waitP99Seconds: pasted.waitP99Seconds }).toEqual(rec.predicted);
    }, 120_000);

    it("at the team's own target (keepTarget), pre-warms a staircase within 1.25x oracle-at-target on the issue's spike", async () => {
        // The spike family's reference service and its first shape, the issue's: a one-minute ramp at 08:30 to 1,200/s for 15 minutes.
        const dir = path.join(root, "test/fixtures/spike-family");
        const run = await runProgram({ dir });
        const [service] = selectServices(run.resources, dir);
        const resolver = candidateResolver(run.resources.find((r) => r.urn === service.urn)!);
        const trace = shapeTrace(findShape("0830-1.08M-in-15m-ramp-1m"));
        const rec = recommend(trace, service, resolver, { overrides: {}, sloP99Seconds: 30, keepTarget: true });
        // The target stays the team's (4, the default); the windows, the delay and the burst are searched.
        expect(rec.autoscaling?.metricTarget).toBe(service.spec.metricTarget);
        expect(rec.needsConcurrencyFlag).toBe(false);
        expect(rec.predicted).toMatchObject({ dropped: 0 });
        expect(rec.predicted!.waitP99Seconds).toBeLessThanOrEqual(30);
        const model = serviceModel(service, {});
        const atTarget = oracleRun(trace.requests, model, { name: ORACLE_AT_TARGET, perReplica: inFlightTarget(service.spec, model) }).hours;
        expect(rec.predicted!.hours / atTarget).toBeLessThanOrEqual(1.25);
        // Windows rising before the ramp: a staircase, each step opening later with more replicas, all before 08:30.
        const windows = rec.autoscaling!.prewarm!.map((w) => ({ ...w, at: Number(w.schedule.split(" ")[1]) * 60 + Number(w.schedule.split(" ")[0]) }));
        expect(windows.length).toBeGreaterThan(1);
        for (let i = 1; i < windows.length; i++) expect(windows[i].at > windows[i - 1].at && windows[i].replicas > windows[i - 1].replicas).toBe(true);
        expect(windows[windows.length - 1].at).toBeLessThan(8 * 60 + 30);
    }, 120_000);

    it("refuses a trace under about an hour (exit 2, naming the flag)", async () => {
        const trace = traceFile("short.csv", 1800, () => 10);
        const r = await cli(["simulate", steep, "--trace", trace, "--recommend"]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("--recommend: the trace");
        expect(r.stderr).toContain("covers 1800 s (30 min); a recommendation needs about an hour of traffic (at least 55 min, 3300 s)");
    });

    it("refuses a service whose target cannot pre-warm (exit 2, naming it and why)", async () => {
        const dir = programCopy("hpa", (s) =>
            s
                .replace('autoscaler: { prometheusUrl: "http://prometheus-operated.monitoring.svc:9090" }', "autoscaler: { engine: KubernetesScalingEngine.Hpa }")
                .replace("Target } from", "Target, KubernetesScalingEngine } from"),
        );
        const r = await cli(["simulate", dir, "--trace", steepTrace, "--recommend"]);
        expect(r.stderr).toContain("--recommend: service llm cannot pre-warm: scaling.autoscaling.prewarm: expected no pre-warming with kubernetes.autoscaler.engine hpa");
        expect(r.code).toBe(2);
    }, 60_000);
});

/**
 * The spike family benchmark (bench/simulate-family.ts, `npm run simulate:family`) on a small subset: the reference
 * program resolved once, the traces simulated in process with the same figures as `modelship simulate`, the goals
 * checked per trace and summed per set, and the input errors.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkGoals, familyMain, overSpec, renderFamily, renderMarkdown, runFamily, type FamilyPolicyRow } from "../../bench/simulate-family";
import type { AutoscaledService } from "../../simulate/services";
import { main } from "../../cli";
import { findShape, shapeRequests } from "../../simulate/family";
import { loadTrace } from "../../simulate/trace";

const root = path.resolve(__dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-family-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Io = { code: number; stdout: string; stderr: string };

async function run(runner: typeof familyMain, args: string[]): Promise<Io> {
    let stdout = "";
    let stderr = "";
    const code = await runner(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
}

const SHAPE = "0800-500k-in-10m-ramp-1m";
/** The one shape's run, shared by the tests that read it (the program runs once). */
let shapeRun: Promise<Io> | undefined;
const runShape = () => (shapeRun ??= run(familyMain, ["--shape", SHAPE, "--json"]));

describe("npm run simulate:family", () => {
    it("runs one shape against the reference service: each policy's figures, the goals, the summary of its set", async () => {
        const { code, stdout, stderr } = await runShape();
        expect(stderr).toBe("");
        expect(code).toBe(0);
        const doc = JSON.parse(stdout);
        expect(doc.program).toBe(path.join(root, "test/fixtures/spike-family"));
        expect(doc.service).toBe("urn:pulumi:dev::spike-family::modelship:index:ModelService::llm");
        expect(doc.traces).toHaveLength(1);
        const [t] = doc.traces;
        expect(t.shape).toEqual({ calls: 500_000, windowMinutes: 10, rampMinutes: 1, curve: "linear", decayMinutes: 10, start: "08:00" });
        expect([t.trace, t.group, t.seconds, t.requests]).toEqual([SHAPE, "tuning", (60 + 1 + 10 + 10 + 60) * 60, shapeRequests(findShape(SHAPE)).reduce((a, b) => a + b, 0)]);
        const names = t.policies.map((p: { name: string }) => p.name);
        for (const name of ["modelship", "hpa-default", "knative-default", "keda-default", "static-peak", "oracle"]) expect(names).toContain(name);
        for (const p of t.policies) {
            expect(p.served + p.dropped).toBe(t.requests);
            expect(p.droppedPercent).toBeCloseTo((100 * p.dropped) / t.requests, 3);
            expect(p.oracleAtTargetRatio).toBeCloseTo(p.gpuHours / t.oracleAtTargetGpuHours, 2);
        }
        // The bound at the target: perfect foresight at 4 a replica costs 1.5x perfect foresight at 6 (capacity).
        const oracle = t.policies.find((p: { name: string }) => p.name === "oracle");
        expect(t.oracleAtTargetGpuHours / oracle.gpuHours).toBeGreaterThan(1.3);
        expect(oracle.oracleRatio).toBe(1);
        // The goals are those of the rows (checkGoals), and the summary counts them for the set.
        expect(t.goals).toEqual(checkGoals(t.policies));
        expect(doc.summary).toEqual({ tuning: { traces: 1, drops: +t.goals.drops, p99: +t.goals.p99, cost: +t.goals.cost, all: +(t.goals.failures.length === 0) } });
    });

    it("gives the figures `modelship simulate` gives for the same trace and program", async () => {
        const csv = path.join(tmp, "traces");
        expect(await run(familyMain, ["--write", csv, "--shape", SHAPE])).toEqual({ code: 0, stdout: "", stderr: `Wrote 1 trace to ${csv}\n` });
        const file = path.join(csv, `${SHAPE}.csv`);
        expect(loadTrace(file).requests).toEqual(shapeRequests(findShape(SHAPE)));
        const family = JSON.parse((await runShape()).stdout);
        const simulate = JSON.parse((await run(main, ["simulate", path.join(root, "test/fixtures/spike-family"), "--trace", file, "--json"])).stdout);
        const ours = family.traces[0].policies.map((p: Record<string, unknown>) => [p.name, p.gpuHours, p.dropped, p.waitP99Seconds]);
        const theirs = simulate.services[0].policies.map((p: Record<string, unknown>) => [p.name, p.gpuHours, p.dropped, p.waitP99Seconds]);
        expect(ours).toEqual(theirs);
    });

    it("prints the text tables per set apart and the summary; the real traces are a set of their own", async () => {
        const report = await runFamily({ groups: ["real"] });
        const stdout = renderFamily(report);
        expect(stdout).toMatch(/^Reference service urn:pulumi:dev::spike-family::modelship:index:ModelService::llm/);
        expect(stdout).toContain("== real (3 traces) ==");
        expect(stdout).not.toContain("== tuning");
        expect(stdout).toMatch(/azure_llm_2023_code_per_second\.csv: 1\.0 h, 8,819 requests, peak 67\/s/);
        expect(stdout).toMatch(/\n {2}policy +dropped +p99 wait +GPU-hours +x oracle +x oracle-at-target\n {2}modelship /);
        expect(stdout).toMatch(/\n {2}real: never drops more \d\/3, never waits longer at p99 \d\/3, costs no more than the cheapest that drops as little \d\/3; all three \d\/3\n/);
        expect(renderMarkdown(report)).toContain("| trace | modelship | hpa-default | knative-default | keda-default | oracle-at-target | goals |");
    });

    it("explores a setting over the resolved spec with --spec: modelship's figures change, the baselines' do not", async () => {
        const base = JSON.parse((await runShape()).stdout).traces[0].policies;
        const { code, stdout, stderr } = await run(familyMain, ["--shape", SHAPE, "--json", "--spec", '{"maxQueuedPerRunning": 1000, "scaleDownDelaySeconds": 600}']);
        expect([code, stderr]).toEqual([0, ""]);
        const explored = JSON.parse(stdout).traces[0].policies;
        const figures = (p: Record<string, unknown>) => [p.name, p.gpuHours, p.dropped, p.waitP99Seconds];
        expect(figures(explored[0])).not.toEqual(figures(base[0]));
        expect(explored.slice(1).map(figures)).toEqual(base.slice(1).map(figures));
    });

    it("refuses a --spec that is not an object of the spec's numeric settings (or its query)", async () => {
        const spec = { metricTarget: 4, maxQueuedPerRunning: 8, prewarm: [], query: undefined } as unknown as AutoscaledService["spec"];
        expect(overSpec(spec, { maxQueuedPerRunning: 16, query: "sum(x)" })).toMatchObject({ metricTarget: 4, maxQueuedPerRunning: 16, query: "sum(x)" });
        expect(() => overSpec(spec, { prewarm: 1 })).toThrow("--spec: prewarm is not a setting of the resolved spec; set one of metricTarget, maxQueuedPerRunning, query");
        expect(() => overSpec(spec, { metricTarget: "5" })).toThrow('--spec: metricTarget is "5"; expected a number');
        expect(await run(familyMain, ["--spec", "{maxQueuedPerRunning: 16}"])).toMatchObject({
            code: 2,
            stderr: expect.stringMatching(/^error: --spec is not JSON \(.*\); expected an object such as/),
        });
        expect(await run(familyMain, ["--spec", "[1]"])).toMatchObject({ code: 2, stderr: `error: --spec is [1]; expected a JSON object such as '{"maxQueuedPerRunning": 16}'\n` });
    });

    it("says what it does with --help", async () => {
        const help = await run(familyMain, ["--help"]);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/^Usage: node dist\/bench\/simulate-family\.js \[options\]/);
        expect(help.stdout).toContain("--set NAME");
    });

    it("refuses an unknown set or shape, naming what there is (exit 2)", async () => {
        expect(await run(familyMain, ["--set", "all"])).toEqual({ code: 2, stdout: "", stderr: 'error: --set is "all"; expected one of tuning, held-out, real\n' });
        const unknown = await run(familyMain, ["--shape", "0830-1M"]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toMatch(/^error: no spike shape named "0830-1M"; the family has: 0830-1\.08M-in-15m-ramp-1m, /);
        expect((await run(familyMain, ["--load-seconds", "soon"])).stderr).toBe('error: --load-seconds is "soon"; expected a number of seconds >= 0\n');
    });
});

describe("the goals on one trace", () => {
    const row = (name: string, dropped: number, p99: number, gpuHours: number): FamilyPolicyRow => ({
        name,
        gpuHours,
        costUsd: null,
        served: 100 - dropped,
        dropped,
        droppedPercent: dropped,
        waitP99Seconds: p99,
        oracleRatio: 1,
        oracleAtTargetRatio: 1,
    });

    it("are met when modelship drops no more, waits no longer and costs no more than the cheapest that drops as little", () => {
        // knative drops more, so the cost is held to the cheapest of hpa and keda only.
        const rows = [row("modelship", 1, 30, 10), row("hpa-default", 1, 30, 12), row("knative-default", 5, 60, 8), row("keda-default", 2, 40, 10)];
        expect(checkGoals(rows)).toEqual({ drops: true, p99: true, cost: true, failures: [] });
    });

    it("name each baseline that does better", () => {
        const rows = [row("modelship", 10, 300, 11), row("hpa-default", 2, 250, 12), row("knative-default", 10, 300, 10), row("keda-default", 12, 300, 9)];
        expect(checkGoals(rows)).toEqual({
            drops: false,
            p99: false,
            cost: false,
            failures: [
                "drops more than hpa-default: 10.0% vs 2.0%",
                "waits longer at p99 than hpa-default: 300 s vs 250 s",
                "costs more than knative-default, which drops as little: 11.0 vs 10.0 GPU-h",
            ],
        });
    });
});

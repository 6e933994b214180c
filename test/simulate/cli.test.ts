/**
 * `modelship simulate` end to end, in process: services found in a program's plan and resolved with the
 * components' own code, the table, the JSON shape, the SVG, and the input errors.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../cli-helpers";
import { runProgram } from "../../sdk/plan/run";
import { modelshipPolicy } from "../../simulate/policies";
import { serviceModel } from "../../simulate/simulate";
import { autoscaledServices } from "../../simulate/services";

const root = path.resolve(__dirname, "../..");
const example = path.join(root, "examples/spike-autoscaler");
const quickstart = path.join(root, "examples/quickstart");
const throwing = path.join(root, "test/fixtures/throws");
const invalidArgs = path.join(root, "test/fixtures/invalid-args");
const trace = path.join(root, "data/traces/azure_llm_2023_code_per_second.csv");
const POLICIES = ["modelship", "hpa-default", "knative-default", "keda-default", "static-peak", "oracle", "oracle-at-target"];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-simulate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = cliInProcess;

describe("the services of a plan", () => {
    it("are resolved by the components' own code: the modelship policy is the deployed spec", async () => {
        const run = await runProgram({ dir: example });
        expect(run.error).toBeUndefined();
        const [qwen, scorer] = autoscaledServices(run.resources);
        // qwen: vLLM on KEDA, the default scale-down delay (240 s) and queue cap (8); $6,000 a month caps 12 pods at 8
        // (one pod of 1 L4, 8 vCPU, 32 GiB is a g6.2xlarge at $0.9776/h: $713.65 a month).
        const model = serviceModel(qwen);
        expect(model).toMatchObject({ concurrency: 12, serviceSeconds: 2, gpusPerReplica: 1, coldStart: { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 } });
        expect(model.hourlyUsd).toBeCloseTo(0.9776, 4); // $713.65 a month / 730 h
        const policy = modelshipPolicy(qwen.spec, model, new Date("2026-01-05T00:00:00Z"), 86_400);
        expect(policy).toMatchObject({
            syncSeconds: 15,
            targetPerReplica: 8,
            min: 1,
            max: 8,
            scaleDownDelaySeconds: 240,
            queueCap: 8,
            arrivalTrigger: { windowSeconds: 60, panicAbove: 4 },
            burst: { multiplier: 1000, minPods: 4 },
        });
        // Pre-warming "30 7 * * 1-5" Europe/Paris: 8 replicas from 06:30 UTC on Monday.
        expect([policy.prewarmFloorByMinute[389], policy.prewarmFloorByMinute[390]]).toEqual([0, 8]);
        expect(scorer).toMatchObject({ name: "scorer", gpusPerReplica: 0, spec: { min: 2, max: 10, metricTarget: 20 } });
        // scorer runs on CPU: no GPU node to wait for, a CPU-sized image, no node kept for it after a replica goes.
        expect(serviceModel(scorer)).toMatchObject({ gpusPerReplica: 0, coldStart: { nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60 }, nodeIdleSeconds: 0 });
    });
});

describe("modelship simulate", () => {
    it("prints the stable JSON shape with the seven policies for each autoscaled service, and writes the chart", async () => {
        const svg = path.join(tmp, "chart.svg");
        const { code, stdout, stderr } = await cli(["simulate", example, "--trace", trace, "--json", "--svg", svg]);
        expect(stderr).toBe(`Wrote the chart to ${svg}\n`);
        expect(code).toBe(0);
        const doc = JSON.parse(stdout);
        expect(Object.keys(doc)).toEqual(["trace", "sloP99Seconds", "services"]);
        expect(doc.sloP99Seconds).toBe(30);
        expect(doc.trace).toBe(trace);
        expect(doc.services.map((s: { urn: string }) => s.urn)).toEqual([
            "urn:pulumi:dev::modelship-spike-autoscaler::modelship:index:ModelService::qwen",
            "urn:pulumi:dev::modelship-spike-autoscaler::modelship:index:SpikeAutoscaler::scorer",
        ]);
        // The shape of before, plus what the hours count and the replica's cold start (docs/simulate.md).
        const [qwenService, scorerService] = doc.services;
        expect(Object.keys(qwenService)).toEqual(["urn", "unit", "gpusPerReplica", "coldStart", "policies", "limits"]);
        // The cold start with where each part came from (test/simulate/cold-start.test.ts tests the sources).
        expect([qwenService.unit, qwenService.gpusPerReplica, qwenService.coldStart]).toMatchObject([
            "gpu-hours",
            1,
            { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60, warmLoadSeconds: 60, headroomGpus: 0 },
        ]);
        expect([scorerService.unit, scorerService.gpusPerReplica, scorerService.coldStart]).toMatchObject([
            "replica-hours",
            0,
            { nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60, warmLoadSeconds: 60, headroomGpus: 0 },
        ]);
        expect(Object.keys(qwenService.coldStart)).toEqual(["nodeSeconds", "pullSeconds", "loadSeconds", "warmLoadSeconds", "headroomGpus", "sources"]);
        for (const service of doc.services) {
            expect(service.policies.map((p: { name: string }) => p.name)).toEqual(POLICIES);
            expect(Array.isArray(service.limits)).toBe(true);
            for (const p of service.policies) {
                expect(Object.keys(p)).toEqual(["name", "hours", "gpuHours", "costUsd", "served", "dropped", "waitP50Seconds", "waitP95Seconds", "waitP99Seconds"]);
                expect(p.served + p.dropped).toBe(8819);
            }
        }
        for (const p of qwenService.policies) expect(p.hours).toBe(p.gpuHours);
        for (const p of scorerService.policies) expect([p.name, p.gpuHours, p.hours > 0]).toEqual([p.name, 0, true]);
        // One pod of 1 L4, 8 vCPU, 32 GiB (g6.2xlarge, us-east-1): $0.9776 an hour, from the catalog through the cost model.
        const qwen = doc.services[0].policies;
        for (const p of qwen) expect(p.costUsd).toBeCloseTo(p.hours * 0.9776, 1);
        const oracle = qwen.find((p: { name: string }) => p.name === "oracle");
        expect(oracle).toMatchObject({ dropped: 0, waitP99Seconds: 0 });
        const chart = fs.readFileSync(svg, "utf8");
        expect(chart.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
        for (const name of POLICIES) {
            expect(chart).toContain(`data-policy="${name}"`);
            expect(chart).toContain(`>${name}: `);
        }
        // Two charts, one per service: GPU-hours for qwen, replica-hours for the CPU scorer.
        expect(chart.match(/>modelship: [\d.]+ GPU-h, /g)).toHaveLength(1);
        expect(chart.match(/>modelship: [\d.]+ replica-h, /g)).toHaveLength(1);
    });

    it("prints a table for the service asked for", async () => {
        const { code, stdout } = await cli(["simulate", example, "--trace", trace, "--service", "scorer", "--service-time", "1"]);
        expect(code).toBe(0);
        expect(stdout).toContain("urn:pulumi:dev::modelship-spike-autoscaler::modelship:index:SpikeAutoscaler::scorer\n");
        expect(stdout).not.toContain("ModelService::qwen");
        expect(stdout).toContain("; replica: 29 at once x 1 s, CPU only (hours are replica-hours), cold start 0 + 35 + 60 s (node + image pull + model load)\n");
        expect(stdout).toMatch(/\npolicy +replica-hours +x oracle +x at target +cost USD +served +dropped +wait p50 +p95 +p99\n/);
        expect(stdout).toMatch(/\noracle +[\d.]+ +1\.00 /);
    });

    it("says what binds: maxReplicas and the budget, in one line per bound policy and in the JSON", async () => {
        // 80 requests a second x 2 s = 160 in flight: 14 replicas of 12. qwen's budget ($6,000 a month) allows 8,
        // maxReplicas 12; every policy is at its bound from the first second (sized for the opening minute), and
        // static-peak keeps maxReplicas, not the 14 the peak needs.
        const flat = path.join(tmp, "flat-80.csv");
        fs.writeFileSync(flat, ["second,requests", ...Array.from({ length: 600 }, (_, t) => `${t},80`)].join("\n") + "\n");
        const text = await cli(["simulate", example, "--trace", flat, "--service", "qwen"]);
        expect(text.code).toBe(0);
        expect(text.stdout).toContain(
            [
                "What binds (dropped, or p99 waiting over 30 s):",
                "  modelship: maxReplicas 8 (budget $6,000/month) binds: 14 replicas needed at 00:00:01; 4,800 requests dropped, 39.5k waited over 30 s (p99 300 s)",
                "  hpa-default: maxReplicas 12 binds: 14 replicas needed at 00:00:01; 26k waited over 30 s (p99 66 s)",
                "  knative-default: maxReplicas 12 binds: 14 replicas needed at 00:00:01; 26k waited over 30 s (p99 66 s)",
                "  keda-default: maxReplicas 12 binds: 14 replicas needed at 00:00:01; 26k waited over 30 s (p99 66 s)",
                "  static-peak: maxReplicas 12 binds: 14 replicas needed at 00:00:01; 26k waited over 30 s (p99 66 s)",
                "",
            ].join("\n"),
        );
        // What still waits when the trace ends is served after it, by replicas billed meanwhile (12 for 600 s, then ~66 s).
        expect(text.stdout).toMatch(/\nstatic-peak +2\.22 /);
        const json = await cli(["simulate", example, "--trace", flat, "--service", "qwen", "--json", "--slo-p99", "60"]);
        const doc = JSON.parse(json.stdout);
        expect(doc.sloP99Seconds).toBe(60);
        const spec = { bound: "maxReplicas", value: 12, source: "spec", replicasNeeded: 14, atSecond: 1, at: "2026-01-05T00:00:01.000Z", replicas: 12, ready: 12, dropped: 0 };
        expect(doc.services[0].limits).toEqual([
            {
                policy: "modelship",
                bound: "maxReplicas",
                value: 8,
                source: "budget",
                budgetMonthlyUsd: 6000,
                replicasNeeded: 14,
                atSecond: 1,
                at: "2026-01-05T00:00:01.000Z",
                replicas: 8,
                ready: 8,
                dropped: 4800,
                waitedPastSlo: 35_888,
            },
            // The four others serve what waits at the trace's end after it, within the timeout: none dropped, 4,400 past 60 s (p99 66 s).
            ...["hpa-default", "knative-default", "keda-default", "static-peak"].map((policy) => ({ policy, ...spec, waitedPastSlo: 4400 })),
        ]);
    });

    it("says when nothing binds", async () => {
        const calm = path.join(tmp, "calm.csv");
        fs.writeFileSync(calm, ["second,requests", ...Array.from({ length: 600 }, (_, t) => `${t},10`)].join("\n") + "\n");
        const { code, stdout } = await cli(["simulate", example, "--trace", calm, "--service", "qwen"]);
        expect([code, stdout.endsWith("\nNothing binds: every policy serves every request with p99 waiting within 30 s.\n\n")]).toEqual([0, true]);
    });

    it.each([
        [["simulate", example, "--trace", trace, "--service", "nope"], "error: --service nope: no autoscaled service of that name; the program has: qwen, scorer\n"],
        [
            ["simulate", quickstart, "--trace", trace],
            `error: the program ${quickstart} has no autoscaled service: simulate needs a ModelService with scaling.autoscaling or scaling.mode queue, or a SpikeAutoscaler\n`,
        ],
        [["simulate", example], "error: missing --trace FILE: a CSV with the columns second,requests\n"],
        [["simulate", example, "--trace", trace, "--timeout=-1"], 'error: --timeout is "-1"; expected a number >= 0\n'],
        [["simulate", example, "--trace", trace, "--slo-p99", "0"], 'error: --slo-p99 is "0"; expected a number > 0\n'],
        [["simulate", example, "--trace", trace, "--slo-p99=-5"], 'error: --slo-p99 is "-5"; expected a number > 0\n'],
        [["simulate", example, "--trace", trace, "--slo-p99", "fast"], 'error: --slo-p99 is "fast"; expected a number > 0\n'],
        [["simulate", example, "--trace", trace, "--slo-p99"], "error: Option '--slo-p99 <value>' argument missing\nRun \"modelship simulate --help\" for usage.\n"],
        [["simulate", throwing, "--trace", trace], `error: the program ${throwing} failed: replicas must be at least 1, got 0\n`],
        [
            ["simulate", invalidArgs, "--trace", trace],
            'test:index:Thing "thing": 2 invalid arguments:\n  - replicas: received 0; expected a number >= 1\n  - gpus: received 2; expected no such field (fields of Thing: docs/reference.md#thing)\n',
        ],
    ])("refuses %j", async (args, message) => {
        const { code, stderr } = await cli(args);
        expect([code, stderr]).toEqual([2, message]);
    });

    it("refuses a trace without the columns before running the program", async () => {
        const bad = path.join(tmp, "bad.csv");
        fs.writeFileSync(bad, "time,count\n0,1\n");
        const { code, stderr } = await cli(["simulate", example, "--trace", bad]);
        expect([code, stderr]).toEqual([2, `error: ${bad}:1: missing column(s) second, requests: a trace needs a header with at least the columns second,requests (found: time,count)\n`]);
    });
});

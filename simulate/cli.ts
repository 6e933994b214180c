/**
 * `modelship simulate <program dir> --trace FILE [--stack NAME] [--service NAME] [--json] [--svg FILE] [--recommend]`:
 * runs the program like `plan`, finds its autoscaled services, replays the trace against seven policies and prints
 * the comparison, what binds the policies that drop requests or wait past the SLO, and with `--recommend` the
 * cheapest autoscaling block that meets it (recommend.ts). Exit codes: 0 simulated, 2 the program or the input failed.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { programFailure, type CliIo } from "../sdk/plan/cli";
import type { ResourceRecord } from "../sdk/plan/runtime";
import type { Recommendation } from "./recommend-input";
import type { AutoscaledService } from "./services";
import type { SimulationOverrides } from "./simulate";
import type { Trace } from "./trace";

/** The text of `modelship simulate --help`. */
export const SIMULATE_HELP = `Usage: modelship simulate <program dir> --trace FILE [options]

Runs the program offline (as plan does), then replays a request trace (CSV with the columns second,requests)
second by second against each autoscaled service's scaling, and compares it with the HPA, Knative and KEDA
defaults, static provisioning for the peak and two oracles with perfect foresight (one filling each replica to
its capacity, one to the service's target): GPU-hours (replica-hours for a CPU service), cost, requests served
and dropped, waiting p50/p95/p99; and, for each policy that drops requests or waits past the SLO, what binds it
(maxReplicas or the budget, the cold start, or the scaling loop). See docs/simulate.md for the model and its
defaults.

Options:
  --trace FILE            the request trace (required)
  --stack NAME            read config from Pulumi.<NAME>.yaml (default: dev)
  --service NAME          only this service (its resource name)
  --json                  print one JSON document
  --svg FILE              write a chart of requests and replicas over time per policy
  --service-time SECONDS  seconds one request takes (default 2)
  --concurrency N         requests one replica serves at once (default: the target at 70% utilisation)
  --timeout SECONDS       seconds a request waits before it is dropped (default 300; for a queue-mode service
                          the queue's retention, scaling.queue.retentionSeconds)
  --node-seconds S        node provisioning (default 120 with a GPU, 0 for a CPU service)
  --pull-seconds S        image pull on a new node (default 334 with a GPU, 35 for a CPU service)
  --load-seconds S        model load (default 60)
                          (without these flags the cold start is read from the stack: the GpuPool that places the
                          service, its image cache and headroom, model.sizeGiB, model.cache and model.loadMode)
  --image-gib G           the serving image's compressed size in GiB (default: 9.5 GB, the measured image, with a
                          GPU; 1 GB for a CPU service), pulled at the measured 334 s per 9.5 GB
  --slo-p99 S             p99 waiting (seconds) past which the report says what binds (default 30)
  --recommend             per service, search the cheapest autoscaling block (pre-warming windows, target, scale-down
                          delay, burst; min/max and budget kept) that drops nothing and waits within --slo-p99, and
                          print it as TypeScript to paste, with its figures beside the current ones (trace >= 55 min)
  -h, --help              show this help
`;

function positiveNumber(flag: string, value: string | undefined, allowZero = false): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`--${flag} is ${JSON.stringify(value)}; expected a number ${allowZero ? ">= 0" : "> 0"}`);
    return n;
}

/** The recommendations of `services` (simulate/recommend.ts), in order; each checked for pre-warming before any search. */
async function recommendAll(trace: Trace, services: AutoscaledService[], resources: readonly ResourceRecord[], overrides: SimulationOverrides): Promise<Recommendation[]> {
    const { candidateResolver } = await import("./recommend-resolve");
    const { recommend } = await import("./recommend");
    const { checkCanPrewarm } = await import("./recommend-input");
    const { DEFAULT_SLO_P99_SECONDS } = await import("./limits");
    const resolvers = services.map((s) => {
        const record = resources.find((r) => r.urn === s.urn);
        if (!record) throw new Error(`--recommend: service ${s.name} is not in the plan`);
        const resolver = candidateResolver(record);
        checkCanPrewarm(resolver, s);
        return resolver;
    });
    return services.map((s, i) => recommend(trace, s, resolvers[i], { overrides, sloP99Seconds: overrides.sloP99Seconds ?? DEFAULT_SLO_P99_SECONDS }));
}

/** Runs `modelship simulate` with `argv` (after the word simulate); resolves to the exit code, never throws. */
export async function simulateMain(argv: string[], io: CliIo): Promise<number> {
    let values, positionals;
    try {
        ({ values, positionals } = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                trace: { type: "string" },
                stack: { type: "string" },
                service: { type: "string" },
                json: { type: "boolean", default: false },
                svg: { type: "string" },
                "service-time": { type: "string" },
                concurrency: { type: "string" },
                timeout: { type: "string" },
                "node-seconds": { type: "string" },
                "pull-seconds": { type: "string" },
                "load-seconds": { type: "string" },
                "image-gib": { type: "string" },
                "slo-p99": { type: "string" },
                recommend: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        }));
    } catch (e) {
        io.stderr.write(`error: ${(e as Error).message}\nRun "modelship simulate --help" for usage.\n`);
        return 2;
    }
    if (values.help) {
        io.stdout.write(SIMULATE_HELP);
        return 0;
    }
    try {
        const [dir, ...extra] = positionals;
        if (dir === undefined) throw new Error("missing the program directory: modelship simulate <program dir> --trace FILE");
        if (extra.length > 0) throw new Error(`unexpected argument(s) after the program directory: ${extra.join(" ")}`);
        if (values.trace === undefined) throw new Error("missing --trace FILE: a CSV with the columns second,requests");
        const overrides = {
            serviceSeconds: positiveNumber("service-time", values["service-time"]),
            concurrency: positiveNumber("concurrency", values.concurrency),
            timeoutSeconds: positiveNumber("timeout", values.timeout, true),
            sloP99Seconds: positiveNumber("slo-p99", values["slo-p99"]),
            imageGiB: positiveNumber("image-gib", values["image-gib"]),
            coldStart: {
                ...(values["node-seconds"] !== undefined && { nodeSeconds: positiveNumber("node-seconds", values["node-seconds"], true) }),
                ...(values["pull-seconds"] !== undefined && { pullSeconds: positiveNumber("pull-seconds", values["pull-seconds"], true) }),
                ...(values["load-seconds"] !== undefined && { loadSeconds: positiveNumber("load-seconds", values["load-seconds"], true) }),
            },
        };
        // Read the trace before the program runs: a bad trace should not wait for the providers to load.
        const { loadTrace } = await import("./trace");
        const trace = loadTrace(values.trace);
        // The trace's clock places the pool's headroom windows (as it places pre-warming windows).
        const start = trace.startTime ?? (await import("./report")).DEFAULT_TRACE_START;
        const withClock: SimulationOverrides = { ...overrides, clock: { start, seconds: trace.requests.length } };
        if (values.recommend) {
            const { checkRecommendTrace } = await import("./recommend-input");
            checkRecommendTrace(trace);
        }
        const { runProgram } = await import("../sdk/plan/run");
        const run = await runProgram({ dir, stack: values.stack });
        if (run.error) {
            io.stderr.write(programFailure(dir, run.error));
            return 2;
        }
        const { selectServices } = await import("./services");
        const { simulateService, simulationJson } = await import("./simulate");
        const { hourUnit } = await import("./service");
        const { renderTable, unitLabel } = await import("./report");
        const { clockTime, describeColdStart, describeLimits, describeReplica } = await import("./describe");
        const { DEFAULT_TRACE_START } = await import("./report");
        const services = selectServices(run.resources, dir, values.service);
        const results = services.map((s) => simulateService(trace, s, withClock));
        const clock = (t: number) => clockTime(trace.startTime ?? DEFAULT_TRACE_START, t, trace.requests.length);
        // --recommend: every service checked (it can pre-warm) before any search, so a bad one fails fast.
        const recommendations = values.recommend ? await recommendAll(trace, services, run.resources, withClock) : undefined;
        if (values.svg) {
            const { renderSvgs } = await import("./svg");
            fs.writeFileSync(values.svg, renderSvgs(trace, results));
            io.stderr.write(`Wrote the chart to ${values.svg}\n`);
        }
        if (values.json) {
            const doc = simulationJson(trace, results);
            if (recommendations) {
                const { recommendationJson } = await import("./recommend-render");
                const at = (t: number) => new Date((trace.startTime ?? DEFAULT_TRACE_START).getTime() + t * 1000).toISOString();
                (doc.services as Array<Record<string, unknown>>).forEach((s, i) => (s.recommendation = recommendationJson(recommendations[i], at)));
            }
            io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        } else {
            const { renderRecommendation } = await import("./recommend-render");
            for (const [i, r] of results.entries()) {
                io.stdout.write(`${r.urn}\n  trace ${trace.name}: ${trace.requests.length} s, ${Math.round(trace.requests.reduce((a, b) => a + b, 0))} requests; ${describeReplica(r.model)}\n`);
                const coldStart = describeColdStart(r.model).map((l) => `    ${l}\n`);
                io.stdout.write(`${coldStart.join("")}\n`);
                io.stdout.write(`${renderTable(r.summaries, hourUnit(r.model))}\n`);
                const lines = describeLimits(r.limits, r.summaries, r.sloP99Seconds, clock);
                io.stdout.write(
                    lines.length === 0
                        ? `Nothing binds: every policy serves every request with p99 waiting within ${r.sloP99Seconds} s.\n\n`
                        : `What binds (dropped, or p99 waiting over ${r.sloP99Seconds} s):\n${lines.map((l) => `  ${l}\n`).join("")}\n`,
                );
                if (recommendations) {
                    const modelService = services[i].type === "modelship:index:ModelService";
                    io.stdout.write(renderRecommendation(recommendations[i], { name: r.name, modelService, unitLabel: unitLabel(hourUnit(r.model)), sloP99Seconds: r.sloP99Seconds, clock }));
                }
            }
        }
        return 0;
    } catch (e) {
        io.stderr.write(`error: ${(e as Error).message}\n`);
        return 2;
    }
}

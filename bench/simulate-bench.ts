/**
 * Benchmark of `modelship simulate`: one day of per-second traffic (86,400 s) for one service under all six
 * policies. Target: under 5 s on the development machine (issue 8).
 *
 *   npm run bench:simulate          (builds, then runs dist/bench/simulate-bench.js)
 *   node dist/bench/simulate-bench.js --traces   (the results table of docs/simulate.md, and variants of the defaults)
 *
 * The day is the Azure LLM conversation trace (data/traces, one hour) repeated 24 times and scaled by a daily
 * curve (quiet at night, 10x at the afternoon peak), so that replicas go up and down all day.
 */
import * as path from "node:path";
import { ScalingMetric } from "../components/spike-autoscaler/args";
import { DEFAULT_BURST_MULTIPLIER, DEFAULT_MAX_QUEUED_PER_RUNNING, KUBERNETES_SCALE_DOWN_DELAY_SECONDS } from "../components/spike-autoscaler/defaults";
import { ServingRuntime } from "../components/model-service/args";
import { DEFAULT_STARTUP_TIMEOUT_SECONDS } from "../sdk/catalog/runtimes";
import { ScalingSpec } from "../simulate/policies";
import { runPolicies, summarise, renderTable } from "../simulate/report";
import { oracleRun } from "../simulate/oracle";
import { DEFAULT_COLD_START, DEFAULT_NODE_IDLE_SECONDS } from "../simulate/service";
import { spikeTrace } from "../simulate/spike";
import { loadTrace, Trace } from "../simulate/trace";

const DAY = 86_400;

function dayTrace(): Trace {
    const hour = loadTrace(path.join(__dirname, "../../data/traces/azure_llm_2023_conv_per_second.csv")).requests;
    const requests = new Float64Array(DAY);
    let carry = 0;
    for (let t = 0; t < DAY; t++) {
        const daily = 1 + 9 * Math.max(0, Math.sin(((t / DAY) * 2 - 0.5) * Math.PI)); // 1x at night, 10x at 12:00-18:00
        carry += hour[t % hour.length] * daily;
        requests[t] = Math.floor(carry);
        carry -= requests[t];
    }
    return { name: "azure conv x 24 h, daily curve", requests, startTime: new Date("2026-01-05T00:00:00Z") };
}

const spec: ScalingSpec = {
    metric: ScalingMetric.InFlightRequests,
    metricTarget: 4,
    min: 1,
    max: 200,
    specMax: 200,
    scaleDownDelaySeconds: KUBERNETES_SCALE_DOWN_DELAY_SECONDS,
    maxQueuedPerRunning: DEFAULT_MAX_QUEUED_PER_RUNNING,
    scaleToZeroAfterSeconds: DEFAULT_STARTUP_TIMEOUT_SECONDS,
    burstMultiplier: DEFAULT_BURST_MULTIPLIER,
    prewarm: [],
    // A vLLM Deployment scaled by KEDA: the preset in-flight query, with its queue cap.
    kubernetes: { engine: "keda", runtime: ServingRuntime.Vllm, pollingIntervalSeconds: 15 },
};

const service = {
    concurrency: 6,
    serviceSeconds: 2,
    timeoutSeconds: 300,
    coldStart: DEFAULT_COLD_START,
    nodeIdleSeconds: DEFAULT_NODE_IDLE_SECONDS,
    gpusPerReplica: 1,
    hourlyUsd: 0.8048,
};

/** The three public traces and the spike, under the defaults and some variants of them. */
function tracesTable(): void {
    const traces = [
        loadTrace(path.join(__dirname, "../../data/traces/azure_llm_2023_code_per_second.csv")),
        loadTrace(path.join(__dirname, "../../data/traces/azure_llm_2023_conv_per_second.csv")),
        loadTrace(path.join(__dirname, "../../data/traces/mooncake_conversation_per_second.csv")),
        spikeTrace(),
    ];
    const variants: [string, Partial<ScalingSpec>, Partial<typeof service>?][] = [
        ["defaults", {}],
        ["before tuning: delay 600, whole queue", { scaleDownDelaySeconds: 600, query: "sum(in_flight)" }],
        ["whole queue (uncapped)", { query: "sum(in_flight)" }],
        ["queue cap 4", { maxQueuedPerRunning: 4 }],
        ["queue cap 16", { maxQueuedPerRunning: 16 }],
        ["scaleDownDelay 120", { scaleDownDelaySeconds: 120 }],
        ["scaleDownDelay 300", { scaleDownDelaySeconds: 300 }],
        ["scaleDownDelay 600", { scaleDownDelaySeconds: 600 }],
        ["burst x3", { burstMultiplier: 3 }],
        ["target 3", { metricTarget: 3 }],
        ["target 5", { metricTarget: 5 }],
        ["cached image, 45 s node", {}, { coldStart: { nodeSeconds: 45, pullSeconds: 5, loadSeconds: 60 } }],
    ];
    for (const trace of traces) {
        process.stdout.write(`\n## ${path.basename(trace.name)}\n`);
        for (const [label, over, model] of variants) {
            const rows = summarise(runPolicies(trace, { ...spec, ...over }, { ...service, ...model }));
            if (label === "defaults") {
                process.stdout.write(renderTable(rows));
                // The floor of any policy that keeps its target: perfect foresight, filling replicas only to the target.
                const atTarget = oracleRun(trace.requests, { ...service, concurrency: spec.metricTarget }).gpuHours;
                process.stdout.write(
                    `  oracle holding the target (${spec.metricTarget} of ${service.concurrency} per replica): ${atTarget.toFixed(2)} GPU-h (x${(atTarget / rows[5].gpuHours).toFixed(2)})\n`,
                );
            } else {
                const m = rows[0];
                process.stdout.write(`  variant ${label}: modelship ${m.gpuHours.toFixed(2)} GPU-h (x${m.oracleRatio.toFixed(2)}), dropped ${Math.round(m.dropped)}, p99 ${m.waitP99Seconds} s\n`);
                if (model) process.stdout.write(`    (its own oracle; hpa-default ${rows[1].gpuHours.toFixed(2)} GPU-h, p99 ${rows[1].waitP99Seconds} s)\n`);
            }
        }
    }
}

if (process.argv.includes("--traces")) {
    tracesTable();
    process.exit(0);
}

const trace = dayTrace();
const started = process.hrtime.bigint();
const runs = runPolicies(trace, spec, service);
const summaries = summarise(runs);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(renderTable(summaries));
process.stdout.write(`\n${trace.name}: ${DAY} s, ${Math.round(trace.requests.reduce((a, b) => a + b, 0))} requests, ${runs.length} policies: ${ms.toFixed(0)} ms (target < 5000 ms)\n`);

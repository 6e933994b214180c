/**
 * Every Prometheus query SpikeAutoscaler deploys, run by Prometheus's own engine: the queries are read off planned
 * KEDA ScaledObjects (each runtime's preset for each metric, the in-flight query with its queue cap, the arrival-rate
 * and panic triggers of the fast ramp, GPU utilisation), written into a rules file as recording rules, checked with
 * `promtool check rules`, and evaluated with `promtool test rules` on synthetic series named and labelled as the
 * servers report them (several pods, a sibling Deployment and another namespace that must not count).
 *
 * promtool comes from Debian's `prometheus` package, installed by scripts/setup-e2e.sh (npm's pretest). A missing
 * promtool fails this file: a silent skip would hide that no query was run.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Accelerator, AutoscalerTarget, ScalingMetric, ServingRuntime, SpikeAutoscaler, type SpikeAutoscalerArgs } from "../../index";
import { presetQuery } from "../../components/spike-autoscaler/queries";
import { promtool, requirePromtool, series } from "../promtool";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
/** Labels a Prometheus scrape of the pods' `prometheus.io/*` annotations adds (docs/scaling.md). */
const POD_A = { namespace: "ml", pod: "llm-7d9f8b6c5-x2k4q", instance: "10.0.1.7:8000", job: "kubernetes-pods" };
const POD_B = { namespace: "ml", pod: "llm-7d9f8b6c5-p8m3z", instance: "10.0.1.9:8000", job: "kubernetes-pods" };
/** Pods the queries must not count: a sibling Deployment whose name starts the same, and the same name in another namespace. */
const SIBLING = { namespace: "ml", pod: "llm-next-6c5d8-abcde", instance: "10.0.2.3:8000", job: "kubernetes-pods" };
const OTHER_NAMESPACE = { namespace: "prod", pod: "llm-7d9f8b6c5-x2k4q", instance: "10.0.3.4:8000", job: "kubernetes-pods" };

/** One planned autoscaler: its server, metric, queue cap and GPUs per replica. */
interface Case {
    runtime: ServingRuntime;
    metric: ScalingMetric;
    cap: number;
    gpus: number;
}

/** A recording rule's name for a deployed trigger: `modelship:<runtime>:<trigger>:cap<k>[:gpus<n>]`. */
function recordName(c: Case, trigger: string): string {
    return `modelship:${c.runtime}:${trigger.replace(/-/g, "_")}:cap${String(c.cap).replace(".", "_")}${c.gpus > 1 ? `:gpus${c.gpus}` : ""}`;
}

const TARGETS: Partial<Record<ScalingMetric, number>> = {
    [ScalingMetric.InFlightRequests]: 4,
    [ScalingMetric.RequestsPerSecond]: 2,
    [ScalingMetric.QueueDepth]: 4,
    [ScalingMetric.GpuUtilization]: 70,
};

const args = (c: Case): SpikeAutoscalerArgs => ({
    target: AutoscalerTarget.Kubernetes,
    kubernetes: {
        deploymentName: "llm",
        namespace: "ml",
        accelerator: Accelerator.L4,
        runtime: c.runtime,
        gpusPerReplica: c.gpus,
        prometheusUrl: "http://prometheus-operated.monitoring.svc:9090",
    },
    metric: c.metric,
    // A target for each metric (requests per second has no default); the cap only where it shapes the query.
    metricTarget: TARGETS[c.metric],
    ...(c.metric === ScalingMetric.InFlightRequests && { maxQueuedPerRunning: c.cap }),
    maxReplicas: 20,
});

/** Every server with a preset for every metric (the components' own table), with the queue caps and GPU counts that shape them. */
function cases(): Case[] {
    const out: Case[] = [];
    for (const runtime of Object.values(ServingRuntime))
        for (const metric of Object.values(ScalingMetric)) {
            if (presetQuery(metric, runtime, 1, 8) === undefined) continue;
            const caps = metric === ScalingMetric.InFlightRequests ? [8, 2.5, 0] : [8];
            const gpus = metric === ScalingMetric.GpuUtilization ? [1, 2] : [1];
            for (const cap of caps) for (const g of gpus) out.push({ runtime, metric, cap, gpus: g });
        }
    return out;
}

/** A counter growing by `perSecond` (sampled every 15 s) over 20 minutes. */
const growing = (perSecond: number) => `0+${perSecond * 15}x80`;
/** A gauge held at `value` for 20 minutes. */
const held = (value: number) => `${value}x80`;

/** The value a recorded query must have at 10 minutes, or `null` for no sample (an empty result, which KEDA reads as 0). */
function expectAt10m(record: string, value: number | null) {
    return { expr: record, eval_time: "10m", exp_samples: value === null ? [] : [{ labels: record, value }] };
}

let dir: string;
const rules = new Map<string, string>();

beforeAll(async () => {
    requirePromtool("the PromQL tests");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-promql-"));
    for (const c of cases()) {
        const name = `q-${rules.size}`;
        await rt.construct(() => new SpikeAutoscaler(name, args(c)));
        const triggers = (rt.one(SCALED_OBJECT, name).inputs.spec as { triggers: Array<{ type: string; name: string; metadata: { query?: string } }> }).triggers;
        for (const t of triggers.filter((x) => x.type === "prometheus")) rules.set(recordName(c, t.name), t.metadata.query as string);
    }
    const groups = [{ name: "modelship", interval: "15s", rules: [...rules].map(([record, expr]) => ({ record, expr })) }];
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups }, { lineWidth: 0 }));
}, 60_000);

afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `promtool test rules` with these test groups against the rules file; fails with promtool's own report. */
function testRules(tests: object[]): void {
    fs.writeFileSync(path.join(dir, "test.yml"), stringify({ rule_files: ["rules.yml"], evaluation_interval: "15s", tests }, { lineWidth: 0 }));
    const run = promtool(["test", "rules", "test.yml"], dir);
    expect(run.output).toContain("SUCCESS");
    expect(run.status, run.output).toBe(0);
}

describe("the deployed PromQL, run by promtool", () => {
    it("every preset, cap and fast-ramp query is a valid recording rule", () => {
        // vLLM and TGI: in flight (3 caps) with the arrival-rate and panic triggers, requests per second, queue depth,
        // GPU (1 and 2 per replica); Triton: requests per second, queue depth, GPU; TorchServe: requests per second,
        // GPU; custom: GPU.
        expect(rules.size).toBe(2 * (3 * 3 + 1 + 1 + 2) + (1 + 1 + 2) + (1 + 2) + 2);
        expect([...rules.keys()].filter((r) => r.includes(":panic:"))).toEqual([
            "modelship:vllm:panic:cap8",
            "modelship:vllm:panic:cap2_5",
            "modelship:vllm:panic:cap0",
            "modelship:tgi:panic:cap8",
            "modelship:tgi:panic:cap2_5",
            "modelship:tgi:panic:cap0",
        ]);
        const run = promtool(["check", "rules", "rules.yml"], dir);
        expect(run.status, run.output).toBe(0);
        expect(run.output).toContain(`SUCCESS: ${rules.size} rules found`);
    });

    it("in flight: running + queued, the queue counted at most cap x running, over the Deployment's pods only", () => {
        const noise = [SIBLING, OTHER_NAMESPACE].flatMap((l) => [
            series("vllm:num_requests_running", { ...l, model_name: "llm" }, held(100)),
            series("vllm:num_requests_waiting", { ...l, model_name: "llm" }, held(1000)),
        ]);
        testRules([
            {
                name: "vLLM, one pod: running 3, waiting 40",
                interval: "15s",
                input_series: [series("vllm:num_requests_running", { ...POD_A, model_name: "llm" }, held(3)), series("vllm:num_requests_waiting", { ...POD_A, model_name: "llm" }, held(40)), ...noise],
                promql_expr_test: [
                    // 3 + min(40, 8 x 3); 3 + min(40, 2.5 x 3); no queue at cap 0.
                    expectAt10m("modelship:vllm:in_flight_requests:cap8", 27),
                    expectAt10m("modelship:vllm:in_flight_requests:cap2_5", 10.5),
                    expectAt10m("modelship:vllm:in_flight_requests:cap0", 3),
                    expectAt10m("modelship:vllm:queue_depth:cap8", 40),
                ],
            },
            {
                name: "vLLM, two pods: running 3 + 5, waiting 40 + 0, the queue below the cap",
                interval: "15s",
                input_series: [
                    series("vllm:num_requests_running", { ...POD_A, model_name: "llm" }, held(3)),
                    series("vllm:num_requests_waiting", { ...POD_A, model_name: "llm" }, held(40)),
                    series("vllm:num_requests_running", { ...POD_B, model_name: "llm" }, held(5)),
                    series("vllm:num_requests_waiting", { ...POD_B, model_name: "llm" }, held(0)),
                    ...noise,
                ],
                promql_expr_test: [
                    // The cap applies to the Deployment's sums: 8 + min(40, 64) = 48; 8 + min(40, 20) = 28.
                    expectAt10m("modelship:vllm:in_flight_requests:cap8", 48),
                    expectAt10m("modelship:vllm:in_flight_requests:cap2_5", 28),
                    expectAt10m("modelship:vllm:in_flight_requests:cap0", 8),
                ],
            },
            {
                name: "vLLM, nothing running yet: the capped queue counts nothing (the arrival and panic triggers size a ramp then)",
                interval: "15s",
                input_series: [series("vllm:num_requests_running", { ...POD_A, model_name: "llm" }, held(0)), series("vllm:num_requests_waiting", { ...POD_A, model_name: "llm" }, held(12))],
                promql_expr_test: [expectAt10m("modelship:vllm:in_flight_requests:cap8", 0), expectAt10m("modelship:vllm:queue_depth:cap8", 12)],
            },
            {
                name: "TGI, two pods: batch 4 + 2, queue 30 + 10",
                interval: "15s",
                input_series: [
                    series("tgi_batch_current_size", POD_A, held(4)),
                    series("tgi_queue_size", POD_A, held(30)),
                    series("tgi_batch_current_size", POD_B, held(2)),
                    series("tgi_queue_size", POD_B, held(10)),
                    series("tgi_batch_current_size", SIBLING, held(50)),
                    series("tgi_queue_size", OTHER_NAMESPACE, held(500)),
                ],
                promql_expr_test: [
                    // 6 + min(40, 48) = 46; 6 + min(40, 15) = 21.
                    expectAt10m("modelship:tgi:in_flight_requests:cap8", 46),
                    expectAt10m("modelship:tgi:in_flight_requests:cap2_5", 21),
                    expectAt10m("modelship:tgi:in_flight_requests:cap0", 6),
                    expectAt10m("modelship:tgi:queue_depth:cap8", 40),
                ],
            },
        ]);
    });

    it("requests per second: the rate of each server's completions counter, summed over its pods and labels", () => {
        testRules([
            {
                name: "completions counters",
                interval: "15s",
                input_series: [
                    // vLLM counts completions by finish reason: 8 + 2 a second on one pod, 10 on the other.
                    series("vllm:request_success_total", { ...POD_A, model_name: "llm", finished_reason: "stop" }, growing(8)),
                    series("vllm:request_success_total", { ...POD_A, model_name: "llm", finished_reason: "length" }, growing(2)),
                    series("vllm:request_success_total", { ...POD_B, model_name: "llm", finished_reason: "stop" }, growing(10)),
                    series("vllm:request_success_total", { ...SIBLING, model_name: "llm", finished_reason: "stop" }, growing(100)),
                    series("tgi_request_success", POD_A, growing(3)),
                    series("tgi_request_success", POD_B, growing(4)),
                    // TGI's arrivals counter (counted twice on the OpenAI routes) must not be read.
                    series("tgi_request_count", POD_A, growing(50)),
                    series("nv_inference_request_success", { ...POD_A, model: "resnet", version: "1" }, growing(6)),
                    series("nv_inference_request_success", { ...POD_B, model: "resnet", version: "1" }, growing(6)),
                    series("ts_inference_requests_total", { ...POD_A, model_name: "resnet", model_version: "default" }, growing(5)),
                    series("ts_inference_requests_total", { ...OTHER_NAMESPACE, model_name: "resnet", model_version: "default" }, growing(50)),
                    series("nv_inference_pending_request_count", { ...POD_A, model: "resnet", version: "1" }, held(7)),
                    series("nv_inference_pending_request_count", { ...POD_B, model: "resnet", version: "1" }, held(2)),
                ],
                promql_expr_test: [
                    expectAt10m("modelship:vllm:requests_per_second:cap8", 20),
                    expectAt10m("modelship:tgi:requests_per_second:cap8", 7),
                    expectAt10m("modelship:triton:requests_per_second:cap8", 12),
                    expectAt10m("modelship:torchserve:requests_per_second:cap8", 5),
                    expectAt10m("modelship:triton:queue_depth:cap8", 9),
                ],
            },
        ]);
    });

    it("GPU utilisation: DCGM's per-GPU gauge summed over the pods' GPUs, divided by the GPUs of a replica", () => {
        const gpu = (pod: Record<string, string>, index: number, value: number) =>
            series("DCGM_FI_DEV_GPU_UTIL", { ...pod, gpu: String(index), UUID: `GPU-${pod.pod}-${index}`, modelName: "NVIDIA L4", container: "server", Hostname: "node-1" }, held(value));
        testRules([
            {
                name: "two pods of two GPUs",
                interval: "15s",
                input_series: [gpu(POD_A, 0, 80), gpu(POD_A, 1, 60), gpu(POD_B, 0, 70), gpu(POD_B, 1, 50), gpu(SIBLING, 0, 100)],
                promql_expr_test: [
                    // 260 over 2 replicas' 2 GPUs each: KEDA divides 130 by the 2 replicas, 65% per GPU.
                    expectAt10m("modelship:vllm:gpu_utilization:cap8:gpus2", 130),
                    expectAt10m("modelship:vllm:gpu_utilization:cap8", 260),
                    expectAt10m("modelship:custom:gpu_utilization:cap8:gpus2", 130),
                ],
            },
        ]);
    });

    /** vLLM's series for two pods: completions and queue growth a second (each pod), running requests held. */
    const vllmRamp = (completionsPerSecond: number, queueGrowthPerSecond: number, running: number) =>
        [POD_A, POD_B].flatMap((pod) => [
            series("vllm:request_success_total", { ...pod, model_name: "llm", finished_reason: "stop" }, growing(completionsPerSecond)),
            series("vllm:num_requests_running", { ...pod, model_name: "llm" }, held(running)),
            series("vllm:num_requests_waiting", { ...pod, model_name: "llm" }, queueGrowthPerSecond >= 0 ? growing(queueGrowthPerSecond) : `2000-${-queueGrowthPerSecond * 15}x80`),
        ]);

    it("the arrival-rate trigger: (completions + queue growth) x mean running / completions, over the last minute", () => {
        testRules([
            {
                // 20 completions a second, the queue growing 2 a second, 16 running: (20 + 2) x 16 / 20.
                name: "a growing queue",
                interval: "15s",
                input_series: vllmRamp(10, 1, 8),
                promql_expr_test: [
                    expectAt10m("modelship:vllm:arrival_rate:cap8", 17.6),
                    // Far below 4x the running requests (64): no panic; above 1 + 0 = 1x at cap 0: running + the whole queue (2 x 600).
                    expectAt10m("modelship:vllm:panic:cap8", null),
                    expectAt10m("modelship:vllm:panic:cap0", 16 + 1200),
                ],
            },
            {
                name: "a steady load: the arrivals are the running requests",
                interval: "15s",
                input_series: vllmRamp(10, 0, 8),
                // Not above 1x running even at cap 0: a steady load never panics.
                promql_expr_test: [expectAt10m("modelship:vllm:arrival_rate:cap8", 16), expectAt10m("modelship:vllm:panic:cap0", null)],
            },
            {
                name: "a draining queue: never below 0",
                interval: "15s",
                input_series: vllmRamp(1, -2, 8),
                promql_expr_test: [expectAt10m("modelship:vllm:arrival_rate:cap8", 0)],
            },
            {
                name: "nothing completes: empty (KEDA reads 0), in flight decides",
                interval: "15s",
                input_series: vllmRamp(0, 1, 8),
                promql_expr_test: [expectAt10m("modelship:vllm:arrival_rate:cap8", null), expectAt10m("modelship:vllm:panic:cap8", null)],
            },
        ]);
    });

    it("the panic trigger: the whole in flight, only while the arrivals' in flight is above the threshold x running", () => {
        // Two pods, 8 running each (16), 1 completion a second each (2): the arrivals' in flight is (2 + g) x 16 / 2 for
        // a queue growing g a second. Threshold: 4x running (64) at cap 8, 1 + 2.5 = 3.5x (56) at cap 2.5.
        testRules([
            {
                // g = 6.2: 65.6 > 64 and > 56: both panic, with running + the whole queue (2 x 600 x 3.1 = 3,720 at 10 minutes).
                name: "just above 4x",
                interval: "15s",
                input_series: vllmRamp(1, 3.1, 8),
                promql_expr_test: [
                    expectAt10m("modelship:vllm:arrival_rate:cap8", 65.6),
                    expectAt10m("modelship:vllm:panic:cap8", 16 + 3720),
                    expectAt10m("modelship:vllm:panic:cap2_5", 16 + 3720),
                    // In flight with the queue capped asks for 16 + 128 only.
                    expectAt10m("modelship:vllm:in_flight_requests:cap8", 144),
                ],
            },
            {
                // g = 5.8: 62.4 < 64, > 56: only the cap 2.5 autoscaler panics.
                name: "just below 4x",
                interval: "15s",
                input_series: vllmRamp(1, 2.9, 8),
                promql_expr_test: [expectAt10m("modelship:vllm:arrival_rate:cap8", 62.4), expectAt10m("modelship:vllm:panic:cap8", null), expectAt10m("modelship:vllm:panic:cap2_5", 16 + 3480)],
            },
            {
                name: "TGI panics on its own names",
                interval: "15s",
                input_series: [POD_A, POD_B].flatMap((pod) => [
                    series("tgi_request_success", pod, growing(1)),
                    series("tgi_batch_current_size", pod, held(8)),
                    series("tgi_queue_size", pod, growing(3.1)),
                ]),
                promql_expr_test: [expectAt10m("modelship:tgi:arrival_rate:cap8", 65.6), expectAt10m("modelship:tgi:panic:cap8", 16 + 3720)],
            },
        ]);
    });
});

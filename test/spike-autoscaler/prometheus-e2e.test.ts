/**
 * The KEDA queries a ModelService deploys, run against a real Prometheus (Debian's `/usr/bin/prometheus`) on loopback
 * scraping fake vLLM pods: ModelServices serving vLLM on Kubernetes with KEDA scaling are planned on the mock runtime,
 * their ScaledObjects' Prometheus triggers (in flight, arrival rate, panic: query and threshold) read off, and the
 * queries evaluated through Prometheus's HTTP API as KEDA's Prometheus scaler does, against series Prometheus scraped
 * itself, with the labels its `kubernetes-pods` job gives them. promql.test.ts checks every preset with promtool on
 * synthetic series; this file checks the other half: that what a scrape of the pods' `prometheus.io/*` annotations
 * stores is what the queries read, and that each gives KEDA a single value (or none, which KEDA reads as 0).
 *
 * Each fake pod is a tiny HTTP server in this process answering `/metrics` with what vLLM 0.8.5 (the pinned image)
 * exports, `vllm:num_requests_running{engine="0",model_name=...}` and the rest, with values the test sets. Two are
 * the Deployment `llm`'s pods; a sibling Deployment's pod (`llm-next-...`) and a pod of the same name in another
 * namespace are scraped too and must not count. Two more Deployments (a steady load, a ramp) serve the arrival-rate
 * and panic triggers, whose minute-long windows would otherwise see the in-flight test's steps.
 *
 * Prometheus comes from Debian's `prometheus` package, installed by scripts/setup-e2e.sh (npm's pretest). A missing
 * server binary fails this file: a silent skip would hide that no query was run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, ModelService, ServingRuntime, Target } from "../../index";
import { freePort, Server, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const PROMETHEUS = "/usr/bin/prometheus";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
/** The model name vLLM reports in its `model_name` label (`--served-model-name`); the query does not filter on it. */
const SERVED = "Qwen/Qwen2.5-7B-Instruct";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Trigger {
    type: string;
    name: string;
    metricType?: string;
    metadata: { serverAddress: string; query: string; threshold: string };
}

/** What one fake vLLM pod reports: its gauges, and how fast its completions counter and its queue grow (a second, with the clock). */
interface PodValues {
    running: number;
    waiting: number;
    completionsPerSecond?: number;
    waitingPerSecond?: number;
}

/** A fake pod: where Kubernetes would put it, and the HTTP server standing in for its vLLM container. */
interface FakePod {
    namespace: string;
    name: string;
    values: PodValues;
    server?: http.Server;
    startedAt?: number;
    port?: number;
}

/**
 * The pods. The Deployment `llm` in `ml`: pods `llm-<replicaset hash>-<pod hash>`. A sibling Deployment whose name
 * starts the same (`llm-next`), and the same pod name in another namespace: the query must read neither.
 */
const POD_A: FakePod = { namespace: "ml", name: "llm-7d9f8b6c5-x2k4q", values: { running: 3, waiting: 40 } };
const POD_B: FakePod = { namespace: "ml", name: "llm-7d9f8b6c5-p8m3z", values: { running: 5, waiting: 0 } };
const SIBLING: FakePod = { namespace: "ml", name: "llm-next-6c5d8b9f7-abcde", values: { running: 100, waiting: 1000 } };
const OTHER_NAMESPACE: FakePod = { namespace: "prod", name: "llm-7d9f8b6c5-x2k4q", values: { running: 100, waiting: 1000 } };
/**
 * For the arrival-rate and panic triggers, which look at the last minute: two more Deployments, so that the steps the
 * in-flight test makes on `llm` stay out of their windows. `chat`: a steady load, 1 completion a second per pod, 4
 * running and 2 queued held. `burst`: a steep ramp, the queue growing 10 a second per pod, 0.5 completions a second.
 */
const CHAT = ["chat-5f6b7c8d9-q7w2e", "chat-5f6b7c8d9-r4t6y"].map((name): FakePod => ({ namespace: "ml", name, values: { running: 4, waiting: 2, completionsPerSecond: 1 } }));
const BURST = ["burst-6d7e8f9a1-u8i9o", "burst-6d7e8f9a1-p0a1s"].map((name): FakePod => ({
    namespace: "ml",
    name,
    values: { running: 2, waiting: 0, completionsPerSecond: 0.5, waitingPerSecond: 10 },
}));
const PODS = [POD_A, POD_B, SIBLING, OTHER_NAMESPACE, ...CHAT, ...BURST];

/** vLLM 0.8.5's exposition of the metrics the presets read (and one it does not), in Prometheus's text format, `seconds` after the pod started. */
function vllmMetrics(values: PodValues, seconds: number): string {
    const labels = `engine="0",model_name="${SERVED}"`;
    const waiting = values.waiting + Math.floor((values.waitingPerSecond ?? 0) * seconds);
    const completed = 120 + Math.floor((values.completionsPerSecond ?? 0) * seconds);
    return [
        "# HELP vllm:num_requests_running Number of requests in model execution batches.",
        "# TYPE vllm:num_requests_running gauge",
        `vllm:num_requests_running{${labels}} ${values.running.toFixed(1)}`,
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
        "# TYPE vllm:num_requests_waiting gauge",
        `vllm:num_requests_waiting{${labels}} ${waiting.toFixed(1)}`,
        "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.",
        "# TYPE vllm:gpu_cache_usage_perc gauge",
        `vllm:gpu_cache_usage_perc{${labels}} 0.42`,
        "# HELP vllm:request_success_total Count of successfully processed requests.",
        "# TYPE vllm:request_success_total counter",
        `vllm:request_success_total{${labels},finished_reason="stop"} ${completed.toFixed(1)}`,
        `vllm:request_success_total{${labels},finished_reason="length"} 7.0`,
        "",
    ].join("\n");
}

/** Starts a pod's fake vLLM on a free loopback port; it reads `pod.values` at every scrape. */
function startFakePod(pod: FakePod): Promise<void> {
    const server = http.createServer((req, res) => {
        if (req.url !== "/metrics") {
            res.writeHead(404).end();
            return;
        }
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(vllmMetrics(pod.values, (Date.now() - (pod.startedAt as number)) / 1000));
    });
    pod.server = server;
    pod.startedAt = Date.now();
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            pod.port = (server.address() as AddressInfo).port;
            resolve();
        });
    });
}

/**
 * The scrape job: the `kubernetes-pods` job of the prometheus-community Helm chart (the usual way pods' `prometheus.io/*`
 * annotations are scraped, and what docs/scaling.md assumes), its relabelling copied rule for rule. Without a cluster
 * there is no pod discovery, so each fake pod is a static target carrying the `__meta_kubernetes_*` labels Kubernetes
 * pod discovery would attach: its namespace, name, IP, phase, and the annotations of the planned Deployment's pod
 * template. The relabelling then does what it does in a cluster: keeps annotated pods, takes the path from the
 * annotation, builds the address from the pod IP and the port annotation, and turns the namespace and pod name into
 * `namespace` and `pod` labels, which the deployed query filters on. (The Prometheus Operator's PodMonitor attaches
 * the same `namespace` and `pod` labels. Prometheus's own example, documentation/examples/prometheus-kubernetes.yml,
 * names them `kubernetes_namespace` and `kubernetes_pod_name`: the preset queries read nothing there.)
 *
 * One substitution: every fake pod listens on 127.0.0.1, so each gets its own port and its port annotation says so,
 * where the planned annotation says vLLM's 8000 (checked below).
 */
function scrapeConfig(annotations: Record<string, string>): object {
    const annotationLabel = (key: string) => `__meta_kubernetes_pod_annotation_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
    return {
        global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
        scrape_configs: [
            {
                job_name: "kubernetes-pods",
                honor_labels: true,
                static_configs: PODS.map((pod) => ({
                    // Pod discovery's __address__ is the pod IP and a declared port; the relabelling replaces it.
                    targets: [`127.0.0.1:${pod.port}`],
                    labels: {
                        __meta_kubernetes_namespace: pod.namespace,
                        __meta_kubernetes_pod_name: pod.name,
                        __meta_kubernetes_pod_ip: "127.0.0.1",
                        __meta_kubernetes_pod_phase: "Running",
                        __meta_kubernetes_pod_node_name: "gpu-node-1",
                        ...Object.fromEntries(Object.entries(annotations).map(([k, v]) => [annotationLabel(k), v])),
                        [annotationLabel("prometheus.io/port")]: String(pod.port),
                    },
                })),
                relabel_configs: [
                    { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
                    { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow"], action: "drop", regex: "true" },
                    { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scheme"], action: "replace", regex: "(https?)", target_label: "__scheme__" },
                    { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
                    {
                        source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
                        action: "replace",
                        regex: "(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})",
                        replacement: "[$2]:$1",
                        target_label: "__address__",
                    },
                    {
                        source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
                        action: "replace",
                        regex: "(\\d+);((([0-9]+?)(\\.|$)){4})",
                        replacement: "$2:$1",
                        target_label: "__address__",
                    },
                    { action: "labelmap", regex: "__meta_kubernetes_pod_annotation_prometheus_io_param_(.+)", replacement: "__param_$1" },
                    { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" },
                    { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
                    { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
                    { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Pending|Succeeded|Failed|Completed", action: "drop" },
                    { source_labels: ["__meta_kubernetes_pod_node_name"], action: "replace", target_label: "node" },
                ],
            },
        ],
    };
}

let dir: string;
let prometheus: Server;
let api: string;
let trigger: Trigger;
/** Every Prometheus trigger of each planned ScaledObject, by Deployment and trigger name, queries resolved. */
const triggers = new Map<string, Map<string, Trigger>>();
let podAnnotations: Record<string, string>;

/** A vector result of `/api/v1/query`: one element per series, each its labels and `[time, "value"]`. */
type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

/** Evaluates `query` through the HTTP API, as KEDA's Prometheus scaler does (GET /api/v1/query?query=...): now, or at `time` (Unix seconds). */
async function instantQuery(query: string, time?: number): Promise<Vector> {
    const params = new URLSearchParams({ query, ...(time !== undefined && { time: String(time) }) });
    const response = await fetch(`${api}/api/v1/query?${params}`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: Vector } };
    if (body.status !== "success") throw new Error(`query failed: ${body.error}\n${query}`);
    expect(body.data.resultType).toBe("vector");
    return body.data.result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Evaluates `query` until `done` holds for its result, at most `timeoutMs` (readiness only: scrapes every second, so
 * this usually takes one or two); returns the last result, which the caller asserts on.
 */
async function queryUntil(query: string, done: (v: Vector) => boolean, timeoutMs = 30_000): Promise<Vector> {
    const deadline = Date.now() + timeoutMs;
    let last: Vector = [];
    while (Date.now() < deadline) {
        last = await instantQuery(query);
        if (done(last)) return last;
        if (prometheus.child.exitCode !== null) throw new Error(`prometheus exited:\n${prometheus.output()}`);
        await sleep(250);
    }
    return last;
}

/** What KEDA reads off a result: it fails on more than one element and reads no element as 0 (ignoreNullValues). */
function kedaValue(result: Vector): number {
    expect(result, "KEDA's Prometheus scaler needs a single element").toHaveLength(1);
    return Number(result[0].value[1]);
}

beforeAll(async () => {
    if (spawnSync(PROMETHEUS, ["--version"], { stdio: "ignore" }).status !== 0) {
        throw new Error(`the Prometheus end-to-end test needs ${PROMETHEUS} (Debian package prometheus): run scripts/setup-e2e.sh (npm's pretest runs it before npm test)`);
    }
    // vLLM servers on Kubernetes scaled by KEDA on the in-flight preset (the default metric), as a user writes them.
    await rt.construct(() =>
        ["llm", "chat", "burst"].map(
            (name) =>
                new ModelService(name, {
                    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    scaling: { minReplicas: 1, maxReplicas: 8, autoscaling: {} },
                    kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Keda, prometheusUrl: "http://prometheus-server.monitoring.svc:80" } },
                    target: Target.Kubernetes,
                }),
        ),
    );
    for (const scaled of rt.ofType(SCALED_OBJECT)) {
        const spec = scaled.inputs.spec as { scaleTargetRef: { name: string }; triggers: Trigger[] };
        const byName = new Map<string, Trigger>();
        for (const t of spec.triggers.filter((x) => x.type === "prometheus")) byName.set(t.name, { ...t, metadata: { ...t.metadata, query: await outputValue(t.metadata.query) } });
        triggers.set(spec.scaleTargetRef.name, byName);
    }
    expect([...triggers.keys()].sort()).toEqual(["burst", "chat", "llm"]);
    for (const byName of triggers.values()) expect([...byName.keys()]).toEqual(["in-flight-requests", "arrival-rate", "panic"]);
    trigger = triggers.get("llm")?.get("in-flight-requests") as Trigger;
    podAnnotations = (rt.one(DEPLOYMENT, "llm").inputs.spec as Json).template.metadata.annotations;

    for (const pod of PODS) await startFakePod(pod);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-prometheus-"));
    fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify(scrapeConfig(podAnnotations), { lineWidth: 0 }));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = startServer("prometheus", PROMETHEUS, [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Debian's defaults point at /usr/share/prometheus; nothing here serves the console pages.
        `--web.console.templates=${dir}`,
        `--web.console.libraries=${dir}`,
        "--log.level=warn",
    ]);
    await waitReady(prometheus, `${api}/-/ready`, 30_000);
}, 60_000);

afterAll(async () => {
    await stopAll();
    await Promise.all(PODS.map((pod) => new Promise<void>((resolve) => (pod.server ? pod.server.close(() => resolve()) : resolve()))));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the deployed KEDA query, run by a real Prometheus scraping fake vLLM pods", () => {
    it("is the in-flight preset over the Deployment's pods, and the pods carry the annotations the scrape job keeps", () => {
        expect(trigger.metricType).toBe("AverageValue");
        expect(trigger.metadata.serverAddress).toBe("http://prometheus-server.monitoring.svc:80");
        expect(trigger.metadata.query).toContain('namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"');
        expect(trigger.metadata.query).toContain("vllm:num_requests_running");
        expect(trigger.metadata.query).toContain("vllm:num_requests_waiting");
        expect(podAnnotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "8000", "prometheus.io/path": "/metrics" });
    });

    it("scrapes every fake pod with the namespace and pod labels of the kubernetes-pods job", async () => {
        const up = await queryUntil("up", (v) => v.length === PODS.length && v.every((s) => s.value[1] === "1"));
        expect(up.map((s) => `${s.metric.namespace}/${s.metric.pod}`).sort()).toEqual(PODS.map((p) => `${p.namespace}/${p.name}`).sort());
        const running = await queryUntil("vllm:num_requests_running", (v) => v.length === PODS.length);
        expect(running.find((s) => s.metric.pod === POD_A.name && s.metric.namespace === "ml")?.metric).toMatchObject({
            __name__: "vllm:num_requests_running",
            job: "kubernetes-pods",
            namespace: "ml",
            pod: POD_A.name,
            node: "gpu-node-1",
            engine: "0",
            model_name: SERVED,
        });
    });

    it("gives KEDA one value, running + queued over the Deployment's two pods, the queue capped, and follows the pods", async () => {
        // The threshold is the in-flight target per replica: the HPA asks for ceil(value / threshold) replicas.
        const threshold = Number(trigger.metadata.threshold);
        expect(threshold).toBeGreaterThan(0);
        const query = trigger.metadata.query;
        // Running 3 + 5 = 8, waiting 40 + 0 = 40, below the cap of 8 x 8 = 64: 48. The sibling's and the other
        // namespace's 100 running and 1,000 waiting would make it 2,248 and more.
        const value = (v: Vector) => (v.length === 1 ? Number(v[0].value[1]) : NaN);
        expect(kedaValue(await queryUntil(query, (v) => value(v) === 48))).toBe(48);

        // The queue grows past the cap on the second pod: 8 + min(140, 64) = 72, seen at the next scrape.
        POD_B.values = { running: 5, waiting: 100 };
        expect(kedaValue(await queryUntil(query, (v) => value(v) === 72))).toBe(72);

        // The first pod drains: running 0 + 5, waiting 0 + 100: 5 + min(100, 40) = 45.
        POD_A.values = { running: 0, waiting: 0 };
        expect(kedaValue(await queryUntil(query, (v) => value(v) === 45))).toBe(45);

        // Whatever the sibling and the other namespace report, the value stays.
        SIBLING.values = { running: 7, waiting: 7 };
        OTHER_NAMESPACE.values = { running: 9, waiting: 9 };
        await queryUntil('sum(vllm:num_requests_running{pod=~".*-(abcde|x2k4q)"})', (v) => v.length === 1 && Number(v[0].value[1]) === 7 + 9 + 0);
        expect(kedaValue(await instantQuery(query))).toBe(45);
    });

    it("the arrival-rate and panic triggers: the running requests on a steady load with no panic, the whole queue on a steep ramp", async () => {
        const query = (deployment: string, name: string) => (triggers.get(deployment)?.get(name) as Trigger).metadata.query;
        const value = (v: Vector) => (v.length === 1 ? Number(v[0].value[1]) : NaN);
        // A steady load: 2 completions a second, the queue not growing, 8 running: (2 + 0) x 8 / 2 = 8, the running
        // requests, whatever the rate's estimate. The trigger needs two points of its 15 s subquery (up to 30 s of
        // scrapes), and the minute's window must not hold a scrape of one pod without the other: wait until it reads 8.
        const steady = await queryUntil(query("chat", "arrival-rate"), (v) => Math.abs(value(v) - 8) < 1e-9, 120_000);
        expect(kedaValue(steady)).toBeCloseTo(8, 9);
        expect(await instantQuery(query("chat", "panic"))).toEqual([]);

        // By now the windows hold enough points for both triggers. Nothing completes on llm (its completions counter is
        // held): no arrival rate, no panic (KEDA reads 0), in flight decides.
        expect(kedaValue(await instantQuery('sum(rate(vllm:request_success_total{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}[1m]))'))).toBe(0);
        expect(await instantQuery(query("llm", "arrival-rate"))).toEqual([]);
        expect(await instantQuery(query("llm", "panic"))).toEqual([]);

        // A steep ramp: the queue grows 20 a second over the two pods, 1 completion a second, 4 running: the arrivals'
        // in flight is about (1 + 20) x 4 / 1 = 84, far above 4x the running requests (16): the panic trigger asks for
        // the running requests plus the whole queue, where in flight, the queue capped at 8x running, asks for 4 + 32.
        await queryUntil(query("burst", "panic"), (v) => v.length === 1, 120_000);
        const at = Date.now() / 1000;
        const selector = 'namespace="ml",pod=~"burst-.+"';
        const whole = value(await instantQuery(`sum(vllm:num_requests_running{${selector}}) + sum(vllm:num_requests_waiting{${selector}})`, at));
        expect(kedaValue(await instantQuery(query("burst", "panic"), at))).toBe(whole);
        expect(whole).toBeGreaterThan(36);
        expect(kedaValue(await instantQuery(query("burst", "in-flight-requests"), at))).toBe(36);
        expect(kedaValue(await instantQuery(query("burst", "arrival-rate"), at))).toBeGreaterThan(4 * 4);
    }, 300_000);
});

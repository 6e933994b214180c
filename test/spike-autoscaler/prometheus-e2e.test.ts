/**
 * The KEDA query a ModelService deploys, run against a real Prometheus (Debian's `/usr/bin/prometheus`) on loopback
 * scraping fake vLLM pods: a ModelService serving vLLM on Kubernetes with KEDA scaling is planned on the mock runtime,
 * its ScaledObject's in-flight trigger (query and threshold) read off, and the query evaluated through Prometheus's
 * HTTP API as KEDA's Prometheus scaler does, against series Prometheus scraped itself, with the labels its
 * `kubernetes-pods` job gives them. promql.test.ts checks every preset with promtool on synthetic series; this file
 * checks the other half: that what a scrape of the pods' `prometheus.io/*` annotations stores is what the query reads.
 *
 * Each fake pod is a tiny HTTP server in this process answering `/metrics` with what vLLM 0.8.5 (the pinned image)
 * exports, `vllm:num_requests_running{engine="0",model_name=...}` and the rest, with values the test sets. Two are
 * the Deployment's pods; a sibling Deployment's pod (`llm-next-...`) and a pod of the same name in another namespace
 * are scraped too and must not count.
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

/** What one fake vLLM pod reports: its gauges, and completions a second (a counter growing with the clock). */
interface PodValues {
    running: number;
    waiting: number;
}

/** A fake pod: where Kubernetes would put it, and the HTTP server standing in for its vLLM container. */
interface FakePod {
    namespace: string;
    name: string;
    values: PodValues;
    server?: http.Server;
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
const PODS = [POD_A, POD_B, SIBLING, OTHER_NAMESPACE];

/** vLLM 0.8.5's exposition of the metrics the presets read (and one it does not), in Prometheus's text format. */
function vllmMetrics(values: PodValues): string {
    const labels = `engine="0",model_name="${SERVED}"`;
    return [
        "# HELP vllm:num_requests_running Number of requests in model execution batches.",
        "# TYPE vllm:num_requests_running gauge",
        `vllm:num_requests_running{${labels}} ${values.running.toFixed(1)}`,
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
        "# TYPE vllm:num_requests_waiting gauge",
        `vllm:num_requests_waiting{${labels}} ${values.waiting.toFixed(1)}`,
        "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.",
        "# TYPE vllm:gpu_cache_usage_perc gauge",
        `vllm:gpu_cache_usage_perc{${labels}} 0.42`,
        "# HELP vllm:request_success_total Count of successfully processed requests.",
        "# TYPE vllm:request_success_total counter",
        `vllm:request_success_total{${labels},finished_reason="stop"} 120.0`,
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
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(vllmMetrics(pod.values));
    });
    pod.server = server;
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
let podAnnotations: Record<string, string>;

/** A vector result of `/api/v1/query`: one element per series, each its labels and `[time, "value"]`. */
type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

/** Evaluates `query` now through the HTTP API, as KEDA's Prometheus scaler does (GET /api/v1/query?query=...). */
async function instantQuery(query: string): Promise<Vector> {
    const response = await fetch(`${api}/api/v1/query?${new URLSearchParams({ query })}`, { signal: AbortSignal.timeout(5000) });
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
    // A vLLM server on Kubernetes scaled by KEDA on the in-flight preset (the default metric), as a user writes it.
    await rt.construct(
        () =>
            new ModelService("llm", {
                model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
                resources: { gpu: { accelerator: Accelerator.L4 } },
                scaling: { minReplicas: 1, maxReplicas: 8, autoscaling: {} },
                kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Keda, prometheusUrl: "http://prometheus-server.monitoring.svc:80" } },
                target: Target.Kubernetes,
            }),
    );
    const spec = rt.one(SCALED_OBJECT).inputs.spec as { scaleTargetRef: { name: string }; triggers: Trigger[] };
    expect(spec.scaleTargetRef.name).toBe("llm");
    const found = spec.triggers.find((t) => t.type === "prometheus" && t.name === "in-flight-requests");
    if (!found) throw new Error(`no in-flight-requests trigger in ${JSON.stringify(spec.triggers)}`);
    trigger = { ...found, metadata: { ...found.metadata, query: await outputValue(found.metadata.query) } };
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
});

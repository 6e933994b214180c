/**
 * ModelService's observability on `target: kubernetes` (issue 18): the PodMonitor and PrometheusRule as created, for
 * both engines (Deployment, Knative) and the metrics ports of each server; nothing with `observability.enabled: false`.
 * Every alert expression is checked with `promtool check rules` (templates included), and each alert is unit-tested
 * with `promtool test rules` on synthetic series labelled as the Prometheus Operator, kube-state-metrics and the DCGM
 * exporter label them: firing, and not firing (below the threshold, or on a sibling Deployment or another namespace).
 *
 * promtool comes from Debian's `prometheus` package (scripts/setup-e2e.sh), as in test/spike-autoscaler/promql.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { promtool, requirePromtool, series } from "../promtool";
import { useMockRuntime } from "../harness";
import { validateKubernetesObjects } from "../kubernetes-schemas";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const imageA = "registry.example.com/fraud@sha256:" + "a".repeat(64);
const imageB = "registry.example.com/fraud@sha256:" + "b".repeat(64);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Rule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

const LABELS = {
    "app.kubernetes.io/component": "modelservice",
    "app.kubernetes.io/instance": "llm",
    "app.kubernetes.io/managed-by": "modelship",
    "app.kubernetes.io/name": "llm",
    "modelship.dev/environment": "dev",
    "modelship.dev/service": "llm",
    "modelship.dev/team": "ml-platform",
};
const SELECTOR = { "app.kubernetes.io/name": "llm", "app.kubernetes.io/instance": "llm" };
const SEL = `namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"`;

/** vLLM on one L4 per replica, 1 to 10 replicas, with a budget that allows 5 (an L4 node's month). */
const vllm = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { count: 1, accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 1, maxReplicas: 10, autoscaling: { budget: { maxMonthlyUsd: 3000 } } },
    kubernetes: { namespace: "ml", autoscaler: { prometheusUrl: "http://prometheus:9090" } },
    observability: { prometheusLabels: { release: "kps" }, notifications: { alertmanagerLabels: { team: "ml", severity: "ignored" } } },
    target: Target.Kubernetes,
    ...extra,
});

/** A fixed replica count: no autoscaler settings either. */
const FIXED = { kubernetes: { namespace: "ml" } };

const rulesOf = (name = "llm"): Rule[] => (rt.one(RULE, name).inputs.spec as Json).groups[0].rules as Rule[];
const byAlert = (name = "llm") => Object.fromEntries(rulesOf(name).map((r) => [r.alert, r]));

describe("ModelService observability on kubernetes: the objects", () => {
    it("a PodMonitor on the service's pods and metrics port, labelled for the cluster's Prometheus", async () => {
        await rt.construct(() => new ModelService("llm", vllm()));
        expect(rt.one(POD_MONITOR).inputs).toEqual({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: "llm", namespace: "ml", labels: { ...LABELS, release: "kps" } },
            spec: { selector: { matchLabels: SELECTOR }, podMetricsEndpoints: [{ port: "http", path: "/metrics" }] },
        });
        // The service's alerts; its budget's spend alerts are their own object (test/model-service/spend-guard.test.ts).
        const rule = rt.one(RULE, "llm");
        expect(rule.inputs.metadata).toEqual({ name: "llm", namespace: "ml", labels: { ...LABELS, release: "kps" } });
        expect((rule.inputs.spec as Json).groups.map((g: Json) => g.name)).toEqual(["modelship-llm"]);
    });

    it("the alerts of a GPU vLLM service: severity, for, the Alertmanager labels (severity stays ours), exact expressions", async () => {
        await rt.construct(() => new ModelService("llm", vllm()));
        const rules = rulesOf();
        // vLLM counts no failed requests: no error-rate alert.
        expect(rules.map((r) => [r.alert, r.for, r.labels])).toEqual(
            [
                ["ModelServiceQueueBuilding", "5m", "warning"],
                ["ModelServiceAtMaxReplicas", "15m", "warning"],
                ["ModelServiceColdStartOverBudget", "1m", "warning"],
                ["ModelServiceLatencyHigh", "10m", "warning"],
                ["ModelServiceGpuMemoryHigh", "10m", "warning"],
                ["ModelServicePodsPendingForGpu", "10m", "warning"],
            ].map(([alert, f, severity]) => [alert, f, { team: "ml", severity, modelship_service: "llm" }]),
        );
        const ready = `sum(kube_pod_status_ready{${SEL},condition="true"})`;
        const a = byAlert();
        expect(a.ModelServiceQueueBuilding.expr).toBe(
            `(sum(vllm:num_requests_waiting{${SEL}}) > 0) and on() (deriv(sum(vllm:num_requests_waiting{${SEL}})[5m:30s]) > 0) and on() ((${ready} or on() vector(0)) < 5)`,
        );
        expect(a.ModelServiceAtMaxReplicas.expr).toBe(`${ready} >= 5`);
        // The budget binds: 3000 USD/month allows 5 L4 replicas of the 10 asked.
        expect(a.ModelServiceAtMaxReplicas.annotations.description).toContain("The budget cap binds: scaling.autoscaling.budget.maxMonthlyUsd 3000 USD/month allows 5, below scaling.maxReplicas 10.");
        expect(a.ModelServiceAtMaxReplicas.annotations.summary).toBe("llm: at its effective maximum of 5 replicas");
        expect(a.ModelServiceColdStartOverBudget.expr).toBe(
            `((time() - kube_pod_created{${SEL}}) > 600) unless on(namespace, pod) (kube_pod_status_ready{${SEL},condition="true"} == 1) unless on(namespace, pod) kube_pod_deletion_timestamp{${SEL}}`,
        );
        // 80% of the 300 s request timeout.
        expect(a.ModelServiceLatencyHigh.expr).toBe(`histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{${SEL}}[5m]))) > 240`);
        expect(a.ModelServiceGpuMemoryHigh.expr).toBe(`100 * DCGM_FI_DEV_FB_USED{${SEL}} / (DCGM_FI_DEV_FB_USED{${SEL}} + DCGM_FI_DEV_FB_FREE{${SEL}}) > 95`);
        expect(a.ModelServicePodsPendingForGpu.expr).toBe(`kube_pod_status_unschedulable{${SEL}} == 1`);
        for (const r of rules) {
            expect(r.annotations.summary).toMatch(/^llm: /);
            expect(r.annotations.description).toContain("llm in namespace ml");
        }
    });

    it("maxReplicas binds without a budget; thresholds given are used; no at-maximum alert for a fixed count", async () => {
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    vllm({
                        scaling: { minReplicas: 1, maxReplicas: 3, autoscaling: {} },
                        observability: { thresholds: { latencySeconds: 20, gpuMemoryPercent: 97, pendingMinutes: 4 } },
                    }),
                ),
        );
        const a = byAlert();
        expect(a.ModelServiceAtMaxReplicas.annotations.description).toContain("scaling.maxReplicas binds (3), not a budget.");
        expect(a.ModelServiceLatencyHigh.expr).toMatch(/ > 20$/);
        expect(a.ModelServiceGpuMemoryHigh.expr).toMatch(/ > 97$/);
        expect(a.ModelServicePodsPendingForGpu.for).toBe("4m");
        expect(a.ModelServiceQueueBuilding.labels).toEqual({ severity: "warning", modelship_service: "llm" });

        await rt.construct(() => new ModelService("llm", vllm({ ...FIXED, scaling: { replicas: 2 } })));
        expect(rulesOf().map((r) => r.alert)).not.toContain("ModelServiceAtMaxReplicas");
        expect(byAlert().ModelServiceQueueBuilding.expr).toMatch(/ < 2\)$/);
    });

    it("TGI on CPU: an error-rate alert from its failures, no GPU alerts", async () => {
        await rt.construct(() => new ModelService("llm", vllm({ model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Tgi }, resources: {}, scaling: { replicas: 1 }, ...FIXED })));
        const a = byAlert();
        expect(Object.keys(a)).toEqual(["ModelServiceQueueBuilding", "ModelServiceColdStartOverBudget", "ModelServiceErrorRate", "ModelServiceLatencyHigh"]);
        expect(a.ModelServiceErrorRate).toMatchObject({ for: "5m", labels: { severity: "critical" } });
        expect(a.ModelServiceErrorRate.expr).toBe(`100 * sum(rate(tgi_request_failure{${SEL}}[5m])) / (sum(rate(tgi_request_success{${SEL}}[5m])) + sum(rate(tgi_request_failure{${SEL}}[5m]))) > 5`);
        expect(a.ModelServiceLatencyHigh.expr).toContain("tgi_request_duration_bucket{");
    });

    it("Triton: the metrics port by name on a Deployment, by number on Knative (one port there); vLLM on Knative: the pod's user-port (Knative renames http1)", async () => {
        const triton = { model: { uri: "s3://models/triton-repo", runtime: ServingRuntime.Triton }, resources: {}, scaling: { replicas: 1 }, ...FIXED };
        await rt.construct(() => new ModelService("llm", vllm(triton)));
        expect((rt.one(POD_MONITOR).inputs.spec as Json).podMetricsEndpoints).toEqual([{ port: "metrics", path: "/metrics" }]);

        const knative = { kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative } }, scaling: { minReplicas: 0, maxReplicas: 4, autoscaling: {} } };
        await rt.construct(() => new ModelService("llm", vllm({ ...triton, ...knative })));
        expect((rt.one(POD_MONITOR).inputs.spec as Json).podMetricsEndpoints).toEqual([{ portNumber: 8002, path: "/metrics" }]);
        await rt.construct(() => new ModelService("llm", vllm(knative)));
        expect((rt.one(POD_MONITOR).inputs.spec as Json).podMetricsEndpoints).toEqual([{ port: "user-port", path: "/metrics" }]);
        // A revision's pods: <configuration>-<n>-deployment-<replicaset>-<pod>.
        expect(byAlert().ModelServiceColdStartOverBudget.expr).toContain(`pod=~"llm-[0-9]+-deployment-[a-z0-9]+-[a-z0-9]+"`);
    });

    it("engine knative: the Grafana dashboard's ConfigMap over the revisions, schema-valid, beside the PodMonitor on user-port", async () => {
        const knative = { kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative } }, scaling: { minReplicas: 0, maxReplicas: 4, autoscaling: {} } };
        const { resources } = await rt.construct(() => new ModelService("llm", vllm(knative)));
        validateKubernetesObjects(resources);
        const map = rt.one("kubernetes:core/v1:ConfigMap", "llm-dashboard").inputs;
        expect(map.metadata).toEqual({ name: "llm-dashboard", namespace: "ml", labels: { ...LABELS, grafana_dashboard: "1" } });
        const dashboard = JSON.parse((map.data as Record<string, string>)["llm-dashboard.json"]) as { tags: string[]; panels: { title: string; targets?: { expr: string }[] }[] };
        expect(dashboard.tags).toContain("knative");
        const replicas = dashboard.panels.find((p) => p.title === "Replicas against min/max");
        expect(replicas?.targets?.map((t) => t.expr)).toContain('sum(kn_revision_pods_desired{k8s_namespace_name="ml",kn_configuration_name="llm"})');
        expect((rt.one(POD_MONITOR).inputs.spec as Json).podMetricsEndpoints).toEqual([{ port: "user-port", path: "/metrics" }]);
        // dashboard: false keeps the alerts only.
        await rt.construct(() => new ModelService("llm", vllm({ ...knative, observability: { dashboard: false } })));
        expect(rt.ofType("kubernetes:core/v1:ConfigMap").filter((r) => r.name === "llm-dashboard")).toEqual([]);
        expect(rt.ofType(RULE)).toHaveLength(1);
    });

    it("a canary: every version's pods, by the service's selector (not the version's)", async () => {
        const versions = [
            { name: "a", image: imageA, weight: 90 },
            { name: "b", image: imageB, weight: 10 },
        ];
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    vllm({
                        model: { image: imageA, runtime: ServingRuntime.Vllm },
                        versions,
                        scaling: { minReplicas: 1, maxReplicas: 10, autoscaling: {} },
                        kubernetes: { namespace: "ml", gateway: "infra/internal", autoscaler: { prometheusUrl: "http://prometheus:9090" } },
                    }),
                ),
        );
        expect((rt.one(POD_MONITOR).inputs.spec as Json).selector).toEqual({ matchLabels: SELECTOR });
        // Versions a (90%: 9) and b (10%: 1) at most: 10.
        expect(byAlert().ModelServiceAtMaxReplicas.expr).toBe(`sum(kube_pod_status_ready{namespace="ml",pod=~"(llm-a|llm-b)-[a-z0-9]+-[a-z0-9]+",condition="true"}) >= 10`);
    });

    it("a custom server without a metrics path: no PodMonitor, the alerts that need no server metric", async () => {
        await rt.construct(() => new ModelService("llm", { model: { image: imageA }, kubernetes: { namespace: "ml" }, target: Target.Kubernetes }));
        expect(rt.ofType(POD_MONITOR)).toEqual([]);
        expect(rulesOf().map((r) => r.alert)).toEqual(["ModelServiceColdStartOverBudget"]);
    });

    it("observability.enabled: false creates neither", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", vllm({ observability: { enabled: false } })));
        expect(resources.filter((r) => r.type.includes("monitoring.coreos.com"))).toEqual([]);
    });
});

const held = (value: number) => `${value}x40`;
/** A counter growing by `perSecond`, sampled every minute. */
const growing = (perSecond: number) => `0+${perSecond * 60}x40`;

const KSM = { job: "kube-state-metrics" };
const pod = (namespace: string, name: string) => ({ namespace, pod: name });
const POD_A = pod("ml", "llm-7d9f8b6c5-x2k4q");
const POD_B = pod("ml", "llm-7d9f8b6c5-p8m3z");
const POD_NEW = pod("ml", "llm-7d9f8b6c5-n3w9z");
/** Pods no alert may count: a sibling Deployment whose name starts the same, and the same name in another namespace. */
const SIBLING = pod("ml", "llm-next-6c5d8-abcde");
const OTHER_NS = pod("prod", "llm-7d9f8b6c5-x2k4q");
const SERVER = { container: "server", endpoint: "http", job: "ml/llm" };
/** The labels every alert of the services below carries. */
const LLM = { severity: "warning", modelship_service: "llm", team: "ml" };

let dir: string;
let ruleCount = 0;

beforeAll(async () => {
    requirePromtool("the alert tests");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-alerts-"));
    const groups: Json[] = [];
    const add = async (name: string, args: ModelServiceArgs) => {
        await rt.construct(() => new ModelService(name, args));
        groups.push(...(rt.one(RULE, name).inputs.spec as Json).groups);
    };
    await add("llm", vllm());
    await add("tgi", vllm({ model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Tgi }, resources: {}, scaling: { replicas: 1 }, observability: {}, ...FIXED }));
    await add(
        "kn",
        vllm({ kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative } }, scaling: { minReplicas: 0, maxReplicas: 4, autoscaling: {} }, observability: {} }),
    );
    ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
    fs.writeFileSync(path.join(dir, "alerts.yml"), stringify({ groups }, { lineWidth: 0 }));
    // The unit tests compare the alerts' labels; their annotations (templates, checked above) are left out of that copy.
    const bare = groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }: Json) => r) }));
    fs.writeFileSync(path.join(dir, "bare.yml"), stringify({ groups: bare }, { lineWidth: 0 }));
}, 120_000);

afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `promtool test rules` on the alerts; fails with promtool's own report. */
function testRules(tests: object[]): void {
    fs.writeFileSync(path.join(dir, "test.yml"), stringify({ rule_files: ["bare.yml"], evaluation_interval: "1m", tests }, { lineWidth: 0 }));
    const run = promtool(["test", "rules", "test.yml"], dir);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("SUCCESS");
}

const at30m = (alertname: string, exp_alerts: object[]) => ({ eval_time: "30m", alertname, exp_alerts });

describe("the alerts, run by promtool", () => {
    it("every alert (annotation templates included) is a valid rule", () => {
        // vLLM GPU: 6; TGI CPU fixed: 4; Knative vLLM GPU: 6.
        expect(ruleCount).toBe(16);
        const run = promtool(["check", "rules", "alerts.yml"], dir);
        expect(run.status, run.output).toBe(0);
        expect(run.output).toContain(`SUCCESS: ${ruleCount} rules found`);
    });

    it("queue building: fires while the queue grows below the maximum, not when it holds or at the maximum", () => {
        const ready = (p: Record<string, string>, v: number) => series("kube_pod_status_ready", { ...KSM, ...p, condition: "true" }, held(v));
        testRules([
            {
                name: "growing queue, 1 of 5 ready; the sibling's queue does not count",
                interval: "1m",
                input_series: [series("vllm:num_requests_waiting", { ...SERVER, ...POD_A }, "0+1x40"), ready(POD_A, 1), series("vllm:num_requests_waiting", { ...SERVER, ...SIBLING }, "0+5x40")],
                alert_rule_test: [at30m("ModelServiceQueueBuilding", [{ exp_labels: LLM }])],
            },
            {
                name: "a queue held steady",
                interval: "1m",
                input_series: [series("vllm:num_requests_waiting", { ...SERVER, ...POD_A }, held(30)), ready(POD_A, 1)],
                alert_rule_test: [at30m("ModelServiceQueueBuilding", [])],
            },
            {
                name: "growing queue at 5 ready replicas: the at-maximum alert instead",
                interval: "1m",
                input_series: [series("vllm:num_requests_waiting", { ...SERVER, ...POD_A }, "0+1x40"), ...[0, 1, 2, 3, 4].map((i) => ready(pod("ml", `llm-7d9f8b6c5-r${i}`), 1)), ready(OTHER_NS, 1)],
                alert_rule_test: [at30m("ModelServiceQueueBuilding", []), at30m("ModelServiceAtMaxReplicas", [{ exp_labels: LLM }])],
            },
            {
                name: "4 ready (and another namespace's pod): below the maximum",
                interval: "1m",
                input_series: [...[0, 1, 2, 3].map((i) => ready(pod("ml", `llm-7d9f8b6c5-r${i}`), 1)), ready(OTHER_NS, 1), ready(SIBLING, 1)],
                alert_rule_test: [at30m("ModelServiceAtMaxReplicas", [])],
            },
        ]);
    });

    it("cold start: a pod older than the budget and not ready fires; ready, young, terminating or sibling pods do not", () => {
        const created = (p: Record<string, string>, at: number) => series("kube_pod_created", { ...KSM, ...p }, held(at));
        const ready = (p: Record<string, string>, v: number) => series("kube_pod_status_ready", { ...KSM, ...p, condition: "true" }, held(v));
        const knPod = pod("ml", "kn-00001-deployment-5d8f7c9b4-x2k4q");
        testRules([
            {
                name: "created at 0, evaluated at 30 min",
                interval: "1m",
                input_series: [
                    created(POD_NEW, 0),
                    ready(POD_NEW, 0),
                    created(POD_A, 0),
                    ready(POD_A, 1),
                    // Created 25 min in: 5 min old at 30 min, within 600 s.
                    created(POD_B, 1500),
                    ready(POD_B, 0),
                    // Terminating: no longer ready, on its way out.
                    created(pod("ml", "llm-7d9f8b6c5-old00"), 0),
                    ready(pod("ml", "llm-7d9f8b6c5-old00"), 0),
                    series("kube_pod_deletion_timestamp", { ...KSM, ...pod("ml", "llm-7d9f8b6c5-old00") }, held(1700)),
                    created(SIBLING, 0),
                    created(OTHER_NS, 0),
                    // A Knative revision's pod, for the Knative service.
                    created(knPod, 0),
                ],
                alert_rule_test: [
                    at30m("ModelServiceColdStartOverBudget", [{ exp_labels: { ...LLM, ...KSM, ...POD_NEW } }, { exp_labels: { severity: "warning", modelship_service: "kn", ...KSM, ...knPod } }]),
                ],
            },
        ]);
    });

    it("error rate (TGI): 10% failing fires above 5%, 1% does not", () => {
        const tgi = (p: string) => ({ ...SERVER, job: "ml/tgi", ...pod("ml", p) });
        testRules([
            {
                name: "9 successes and 1 failure a second",
                interval: "1m",
                input_series: [
                    series("tgi_request_success", tgi("tgi-5f6d7c8b9-aaaaa"), growing(9)),
                    series("tgi_request_failure", { ...tgi("tgi-5f6d7c8b9-aaaaa"), err: "generation" }, growing(1)),
                    // Another service's failures do not count.
                    series("tgi_request_failure", { ...tgi("tgi-next-5f6d7c8b9-aaaaa"), err: "generation" }, growing(100)),
                ],
                alert_rule_test: [at30m("ModelServiceErrorRate", [{ exp_labels: { severity: "critical", modelship_service: "tgi" } }])],
            },
            {
                name: "99 successes and 1 failure a second",
                interval: "1m",
                input_series: [series("tgi_request_success", tgi("tgi-5f6d7c8b9-aaaaa"), growing(99)), series("tgi_request_failure", { ...tgi("tgi-5f6d7c8b9-aaaaa"), err: "generation" }, growing(1))],
                alert_rule_test: [at30m("ModelServiceErrorRate", [])],
            },
        ]);
    });

    it("p95 latency (vLLM): above 240 s fires, under 60 s does not", () => {
        const buckets = (bounds: Record<string, number>) =>
            Object.entries(bounds).map(([le, perSecond]) => series("vllm:e2e_request_latency_seconds_bucket", { ...SERVER, ...POD_A, model_name: "llm", le }, growing(perSecond)));
        testRules([
            {
                name: "every request between 120 s and 300 s: p95 about 291 s",
                interval: "1m",
                input_series: buckets({ "60": 0, "120": 0, "300": 1, "+Inf": 1 }),
                alert_rule_test: [at30m("ModelServiceLatencyHigh", [{ exp_labels: LLM }])],
            },
            {
                name: "every request under 60 s",
                interval: "1m",
                input_series: buckets({ "60": 1, "120": 1, "300": 1, "+Inf": 1 }),
                alert_rule_test: [at30m("ModelServiceLatencyHigh", [])],
            },
        ]);
    });

    it("GPU memory (DCGM) above the default 95% fires per GPU; 77% and a sibling's full GPU do not", () => {
        const gpu = (p: Record<string, string>, id: string) => ({ job: "dcgm-exporter", gpu: id, UUID: `GPU-${id}`, modelName: "NVIDIA L4", container: "server", ...p });
        const fb = (labels: Record<string, string>, used: number, free: number) => [series("DCGM_FI_DEV_FB_USED", labels, held(used)), series("DCGM_FI_DEV_FB_FREE", labels, held(free))];
        testRules([
            {
                name: "22000 MiB used, 1000 free (95.7%); 10000 used, 3000 free (76.9%)",
                interval: "1m",
                input_series: [...fb(gpu(POD_A, "0"), 22000, 1000), ...fb(gpu(POD_B, "0"), 10000, 3000), ...fb(gpu(SIBLING, "1"), 23000, 0)],
                alert_rule_test: [at30m("ModelServiceGpuMemoryHigh", [{ exp_labels: { ...LLM, ...gpu(POD_A, "0") } }])],
            },
        ]);
    });

    it("pending for a GPU: unschedulable past pendingMinutes fires, a shorter wait and a sibling's do not", () => {
        testRules([
            {
                name: "unschedulable for 30 min; another for 5 min; a sibling's for 30 min",
                interval: "1m",
                input_series: [
                    series("kube_pod_status_unschedulable", { ...KSM, ...POD_NEW }, held(1)),
                    series("kube_pod_status_unschedulable", { ...KSM, ...POD_B }, "_x25 1x15"),
                    series("kube_pod_status_unschedulable", { ...KSM, ...SIBLING }, held(1)),
                ],
                alert_rule_test: [at30m("ModelServicePodsPendingForGpu", [{ exp_labels: { ...LLM, ...KSM, ...POD_NEW } }])],
            },
        ]);
    });
});

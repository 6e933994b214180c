/**
 * The Grafana dashboard of a ModelService on kubernetes (components/model-service/observability/dashboard.ts) and its
 * sidecar ConfigMap: the panels a vLLM GPU service and a CPU TorchServe service get (and do not), the stable uid, every
 * panel's PromQL checked by `promtool check rules` (each written as a recording rule, as test/spike-autoscaler/promql.test.ts
 * does) and evaluated by `promtool test rules` on synthetic series named and labelled as the servers, kube-state-metrics
 * and the DCGM exporter report them, with a sibling Deployment and another namespace that must not count.
 *
 * promtool comes from Debian's `prometheus` package (scripts/setup-e2e.sh); a missing promtool fails this file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { checkModelService } from "../../components/model-service/check";
import { modelServiceSchema } from "../../components/model-service/schema";
import type { ServingSpec } from "../../components/model-service/spec";
import { layouts } from "../../components/model-service/targets/kubernetes";
import { kubernetesSettings } from "../../components/model-service/targets/kubernetes-spec";
import { createDashboardConfigMap } from "../../components/model-service/observability/dashboard-configmap";
import {
    DASHBOARD_SCHEMA_VERSION,
    dashboardUid,
    DashboardPlacement,
    fixedOffsetMinutes,
    GrafanaDashboard,
    grafanaDashboard,
    hourlyReplicaPrice,
} from "../../components/model-service/observability/dashboard";
import { HOURS_PER_MONTH } from "../../sdk/cost/types";
import { promtool, requirePromtool, series } from "../promtool";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

/** The resolved spec of a ModelService, as the component resolves it (autoscaling applied); fails on any problem. */
function specOf(name: string, args: ModelServiceArgs): ServingSpec {
    const checked = checkModelService(name, modelServiceSchema.parse(args));
    expect(checked.problems).toEqual([]);
    return checked.spec as ServingSpec;
}

/** What the kubernetes target's `deploy` passes: the namespace and the versions' Deployments' (or Knative Configurations') names. */
const placementOf = (spec: ServingSpec, extra: Partial<DashboardPlacement> = {}): DashboardPlacement => ({
    // A plain string in these tests; `deploy` resolves an Output namespace with apply (docs/observability.md).
    namespace: kubernetesSettings(spec).namespace as string,
    workloads: layouts(spec).map((l) => l.name),
    ...extra,
});

const PROMETHEUS = "http://prometheus-operated.monitoring.svc:9090";
const vllmGpu = (prewarm: { schedule: string; timezone?: string; durationMinutes: number; replicas: number }[] = []): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { count: 2, accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 1, maxReplicas: 4, autoscaling: { prewarm } },
    kubernetes: { namespace: "ml", autoscaler: { prometheusUrl: PROMETHEUS } },
    target: Target.Kubernetes,
});

const torchserveCpu: ModelServiceArgs = {
    model: { uri: "https://torchserve.pytorch.org/mar_files/densenet161.mar", runtime: ServingRuntime.TorchServe },
    scaling: { replicas: 2 },
    kubernetes: { namespace: "vision" },
    target: Target.Kubernetes,
};

/** The same vLLM service as a Knative Service (engine knative), scaling to zero. */
const vllmKnative = (prewarm: { schedule: string; timezone?: string; durationMinutes: number; replicas: number }[] = []): ModelServiceArgs => ({
    ...vllmGpu(prewarm),
    scaling: { minReplicas: 0, maxReplicas: 4, autoscaling: { prewarm } },
    kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative } },
});

const WEEKDAY_MORNINGS = { schedule: "0 7 * * 1-5", timezone: "UTC", durationMinutes: 120, replicas: 3 };
/** Friday 22:00 UTC for 4 hours: open until Saturday 02:00. */
const FRIDAY_NIGHT = { schedule: "0 22 * * 5", timezone: "UTC", durationMinutes: 240, replicas: 4 };
/** 09:00 in Tokyo (UTC+9 all year) on Mondays: Monday 00:00 UTC. */
const TOKYO_MONDAY = { schedule: "0 9 * * 1", timezone: "Asia/Tokyo", durationMinutes: 60, replicas: 2 };

const titles = (d: GrafanaDashboard) => d.panels.map((p) => p.title);
const panelOf = (d: GrafanaDashboard, title: string) => d.panels.find((p) => p.title === title) as GrafanaDashboard["panels"][number];
const exprs = (d: GrafanaDashboard, title: string) => (panelOf(d, title).targets ?? []).map((t) => t.expr);

describe("the Grafana dashboard's structure", () => {
    it("a vLLM service on GPUs: every panel, Prometheus through the datasource variable, the autoscaler's label filters", () => {
        const spec = specOf("llm", vllmGpu([WEEKDAY_MORNINGS]));
        const d = grafanaDashboard(spec, placementOf(spec));
        expect(titles(d)).toEqual([
            "Requests per second",
            "In flight",
            "Queue (waiting)",
            "Replicas against min/max",
            "Pre-warm windows",
            "Cold starts",
            "GPU utilisation",
            "GPU memory",
            "GPU memory used (MiB)",
            "Cost per hour",
        ]);
        expect(d).toMatchObject({ title: "ModelService llm (ml)", schemaVersion: DASHBOARD_SCHEMA_VERSION, uid: dashboardUid("ml", "llm"), tags: ["modelship", "model-service", "vllm"] });
        expect(d.templating.list).toEqual([expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" })]);
        // Unique ids, a grid of two columns, every query panel on the variable.
        expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
        expect(d.panels.slice(0, 3).map((p) => p.gridPos)).toEqual([
            { x: 0, y: 0, w: 12, h: 8 },
            { x: 12, y: 0, w: 12, h: 8 },
            { x: 0, y: 8, w: 12, h: 8 },
        ]);
        for (const p of d.panels.filter((x) => x.type === "timeseries")) {
            expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
            expect(p.targets?.length).toBeGreaterThan(0);
            for (const t of p.targets ?? []) expect(t.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
        }
        const pods = 'namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"';
        expect(exprs(d, "Requests per second")).toEqual([`sum(rate(vllm:request_success_total{${pods}}[1m]))`]);
        expect(exprs(d, "Queue (waiting)")).toEqual([`sum(vllm:num_requests_waiting{${pods}})`]);
        expect(exprs(d, "In flight")).toEqual([`sum(vllm:num_requests_running{${pods}})`, `sum(vllm:num_requests_running{${pods}}) + sum(vllm:num_requests_waiting{${pods}})`]);
        expect(exprs(d, "GPU utilisation")).toEqual([`avg(DCGM_FI_DEV_GPU_UTIL{${pods}})`, `max(DCGM_FI_DEV_GPU_UTIL{${pods}})`]);
        // Replicas: kube-state-metrics, the spec's bounds, KEDA's HPA, and the scheduled minimum.
        const replicas = exprs(d, "Replicas against min/max");
        expect(replicas.slice(0, 5)).toEqual([
            'sum(kube_deployment_status_replicas_available{namespace="ml",deployment="llm"})',
            'sum(kube_deployment_spec_replicas{namespace="ml",deployment="llm"})',
            "vector(1)",
            "vector(4)",
            'sum(kube_horizontalpodautoscaler_spec_max_replicas{namespace="ml",horizontalpodautoscaler=~"keda-hpa-(llm)"})',
        ]);
        expect(replicas[5]).toMatch(/^max\(vector\(1\) or label_replace\(vector\(3\) and on\(\)/);
        expect(panelOf(d, "Replicas against min/max").targets?.map((t) => t.legendFormat)).toContain("max (effective: maxReplicas binds)");
        expect(panelOf(d, "Pre-warm windows").options?.content).toContain("| `0 7 * * 1-5` | UTC | 120 min | 3 |");
        // Cost: the pods x the autoscaler's price of one replica (2 x L4), per hour.
        const hourly = (spec.autoscaling?.price.monthly as number) / HOURS_PER_MONTH;
        expect(hourly).toBeGreaterThan(0);
        expect(exprs(d, "Cost per hour")).toEqual([`sum(kube_deployment_status_replicas{namespace="ml",deployment="llm"}) * ${Number(hourly.toFixed(6))}`]);
        expect(panelOf(d, "Cost per hour").description).toContain("the cost model's price of one replica");
    });

    it("a CPU TorchServe service: no in flight, queue or GPU panels (no such metric), no cost panel without a price", () => {
        const spec = specOf("densenet", torchserveCpu);
        const d = grafanaDashboard(spec, placementOf(spec));
        expect(titles(d)).toEqual(["Requests per second", "Replicas against min/max", "Cold starts"]);
        expect(exprs(d, "Requests per second")).toEqual(['sum(rate(ts_inference_requests_total{namespace="vision",pod=~"densenet-[a-z0-9]+-[a-z0-9]+"}[1m]))']);
        // No autoscaler: the fixed count is both bounds, and no HPA is read.
        expect(exprs(d, "Replicas against min/max")).toEqual([
            'sum(kube_deployment_status_replicas_available{namespace="vision",deployment="densenet"})',
            'sum(kube_deployment_spec_replicas{namespace="vision",deployment="densenet"})',
            "vector(2)",
            "vector(2)",
        ]);
        expect(hourlyReplicaPrice(spec, {})).toBeUndefined();
        // A price the caller gives: the pods x that constant, its basis written in the panel.
        const priced = grafanaDashboard(spec, placementOf(spec, { hourlyPricePerReplicaUsd: 0.192, hourlyPriceBasis: "an m5.xlarge on-demand in us-east-1" }));
        expect(titles(priced)).toEqual(["Requests per second", "Replicas against min/max", "Cold starts", "Cost per hour"]);
        expect(exprs(priced, "Cost per hour")).toEqual(['sum(kube_deployment_status_replicas{namespace="vision",deployment="densenet"}) * 0.192']);
        expect(panelOf(priced, "Cost per hour").description).toContain("an m5.xlarge on-demand in us-east-1");
    });

    it("a canary: one pod pattern over every version's Deployment", () => {
        const spec = specOf("llm", {
            ...vllmGpu(),
            versions: [
                { name: "stable", weight: 90 },
                { name: "next", weight: 10, uri: "hf://Qwen/Qwen2.5-7B-Instruct-1M" },
            ],
            kubernetes: { namespace: "ml", gateway: "infra/gw", autoscaler: { prometheusUrl: PROMETHEUS } },
        });
        const d = grafanaDashboard(spec, placementOf(spec));
        expect(exprs(d, "Queue (waiting)")).toEqual(['sum(vllm:num_requests_waiting{namespace="ml",pod=~"(llm-stable|llm-next)-[a-z0-9]+-[a-z0-9]+"})']);
        expect(exprs(d, "Replicas against min/max")[0]).toBe('sum(kube_deployment_status_replicas_available{namespace="ml",deployment=~"llm-stable|llm-next"})');
    });

    it("engine knative: the revisions' pods and Deployments, Knative's autoscaler in place of the HPA, its panic mode and activator", () => {
        const spec = specOf("llm", vllmKnative([WEEKDAY_MORNINGS]));
        const d = grafanaDashboard(spec, placementOf(spec));
        // The same builder's panels as on a Deployment, with Knative's two before the cold starts.
        const onDeployment = titles(grafanaDashboard(specOf("llm", vllmGpu([WEEKDAY_MORNINGS])), placementOf(spec)));
        const at = onDeployment.indexOf("Cold starts");
        expect(titles(d)).toEqual([...onDeployment.slice(0, at), "Knative panic mode", "Requests through the activator", ...onDeployment.slice(at)]);
        expect(d).toMatchObject({ uid: dashboardUid("ml", "llm"), tags: ["modelship", "model-service", "vllm", "knative"] });
        // A revision's pod: <configuration>-<n>-deployment-<replicaset>-<pod>, the alerts' pattern.
        const pods = 'namespace="ml",pod=~"llm-[0-9]+-deployment-[a-z0-9]+-[a-z0-9]+"';
        expect(exprs(d, "Queue (waiting)")).toEqual([`sum(vllm:num_requests_waiting{${pods}})`]);
        expect(exprs(d, "Cold starts")[0]).toBe(`kube_pod_status_ready_time{${pods}} - kube_pod_created{${pods}}`);
        const replicas = exprs(d, "Replicas against min/max");
        expect(replicas.slice(0, 5)).toEqual([
            'sum(kube_deployment_status_replicas_available{namespace="ml",deployment=~"llm-[0-9]+-deployment"})',
            'sum(kn_revision_pods_desired{k8s_namespace_name="ml",kn_configuration_name="llm"})',
            'sum(kn_revision_pods_count{k8s_namespace_name="ml",kn_configuration_name="llm"})',
            "vector(0)",
            "vector(4)",
        ]);
        // No HPA on Knative; the windows' scheduled minimum as with KEDA (the CronJobs raise min-scale over the same windows).
        expect(replicas.join(" ")).not.toContain("horizontalpodautoscaler");
        expect(replicas[5]).toMatch(/^max\(vector\(0\) or label_replace\(vector\(3\) and on\(\)/);
        expect(panelOf(d, "Replicas against min/max").targets?.map((t) => t.legendFormat)).toEqual([
            "available",
            "desired (Knative autoscaler)",
            "allocated (Knative autoscaler)",
            "min (spec: min-scale)",
            "max (effective: maxReplicas binds, max-scale)",
            "scheduled minimum (pre-warm)",
        ]);
        expect(panelOf(d, "Pre-warm windows").description).toContain("min-scale");
        expect(exprs(d, "Knative panic mode")).toEqual(['max by (kn_revision_name) (kn_revision_panic_mode{k8s_namespace_name="ml",kn_configuration_name="llm"})']);
        expect(exprs(d, "Requests through the activator")).toEqual(['sum(kn_revision_request_concurrency{k8s_namespace_name="ml",kn_configuration_name="llm"})']);
        expect(exprs(d, "Cost per hour")[0]).toMatch(/^sum\(kube_deployment_status_replicas\{namespace="ml",deployment=~"llm-\[0-9\]\+-deployment"\}\) \* [0-9.]+$/);
    });

    it("engine knative, a canary: one Configuration per version", () => {
        const spec = specOf("llm", {
            ...vllmKnative(),
            versions: [
                { name: "stable", weight: 90 },
                { name: "next", weight: 10, uri: "hf://Qwen/Qwen2.5-7B-Instruct-1M" },
            ],
        });
        const d = grafanaDashboard(spec, placementOf(spec));
        expect(exprs(d, "Queue (waiting)")).toEqual(['sum(vllm:num_requests_waiting{namespace="ml",pod=~"(llm-stable|llm-next)-[0-9]+-deployment-[a-z0-9]+-[a-z0-9]+"})']);
        expect(exprs(d, "Replicas against min/max").slice(0, 2)).toEqual([
            'sum(kube_deployment_status_replicas_available{namespace="ml",deployment=~"(llm-stable|llm-next)-[0-9]+-deployment"})',
            'sum(kn_revision_pods_desired{k8s_namespace_name="ml",kn_configuration_name=~"llm-stable|llm-next"})',
        ]);
    });

    it("the uid: stable, from the namespace and the name, at most 40 characters, distinct where the parts differ", () => {
        const spec = specOf("llm", vllmGpu());
        expect(grafanaDashboard(spec, placementOf(spec)).uid).toBe(grafanaDashboard(specOf("llm", vllmGpu()), placementOf(spec)).uid);
        expect(dashboardUid("ml", "llm")).toBe("ml-llm-" + dashboardUid("ml", "llm").slice(-8));
        expect(dashboardUid("ml", "llm")).toMatch(/^ml-llm-[0-9a-f]{8}$/);
        expect(dashboardUid("a-b", "c")).not.toBe(dashboardUid("a", "b-c"));
        expect(dashboardUid("prod", "llm")).not.toBe(dashboardUid("ml", "llm"));
        const long = dashboardUid("a-very-long-namespace-name-for-teams", "qwen2-5-72b-instruct-awq-canary");
        expect(long.length).toBeLessThanOrEqual(40);
        expect(long).toMatch(/^[a-z0-9-]+$/);
        expect(long).toBe(dashboardUid("a-very-long-namespace-name-for-teams", "qwen2-5-72b-instruct-awq-canary"));
    });

    it("pre-warming windows in a zone with daylight saving: listed, the scheduled minimum not drawn", () => {
        expect(fixedOffsetMinutes("UTC")).toBe(0);
        expect(fixedOffsetMinutes("Asia/Tokyo")).toBe(540);
        expect(fixedOffsetMinutes("Asia/Kolkata")).toBe(330);
        expect(fixedOffsetMinutes("Europe/Paris")).toBeUndefined();
        const spec = specOf("llm", vllmGpu([{ ...WEEKDAY_MORNINGS, timezone: "Europe/Paris" }]));
        const d = grafanaDashboard(spec, placementOf(spec));
        expect(panelOf(d, "Replicas against min/max").targets?.map((t) => t.legendFormat)).not.toContain("scheduled minimum (pre-warm)");
        expect(panelOf(d, "Pre-warm windows").options?.content).toContain("daylight saving");
    });
});

describe("the dashboard's ConfigMap", () => {
    it("carries the sidecar's label and the dashboard under <name>.json", async () => {
        const spec = specOf("llm", vllmGpu());
        const dashboard = grafanaDashboard(spec, placementOf(spec));
        const service = { "app.kubernetes.io/name": "llm", "app.kubernetes.io/managed-by": "modelship" };
        await rt.construct(() => createDashboardConfigMap("llm-dashboard", "ml", { service, grafanaDashboard: spec.observability.grafanaDashboardLabels }, dashboard, {}));
        expect(rt.one("kubernetes:core/v1:ConfigMap", "llm-dashboard").inputs).toEqual({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "llm-dashboard", namespace: "ml", labels: { ...service, grafana_dashboard: "1" } },
            data: { "llm-dashboard.json": JSON.stringify(dashboard, null, 2) },
        });
        // The team's own sidecar label instead of the default.
        const own = specOf("llm", { ...vllmGpu(), observability: { grafanaDashboardLabels: { "grafana.example.com/dashboard": "ml" } } });
        await rt.construct(() => createDashboardConfigMap("llm-dashboard", "ml", { service, grafanaDashboard: own.observability.grafanaDashboardLabels }, "{}", {}));
        expect(rt.one("kubernetes:core/v1:ConfigMap", "llm-dashboard").inputs).toEqual({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "llm-dashboard", namespace: "ml", labels: { ...service, "grafana.example.com/dashboard": "ml" } },
            data: { "llm-dashboard.json": "{}" },
        });
    });
});

// ---------------------------------------------------------------------------------------------------------------
// promtool

/** Labels a scrape of the pods adds (docs/scaling.md), and of kube-state-metrics (honorLabels: the object's namespace). */
const POD_A = { namespace: "ml", pod: "llm-7d9f8b6c5-x2k4q", instance: "10.0.1.7:8000", job: "kubernetes-pods" };
const POD_B = { namespace: "ml", pod: "llm-7d9f8b6c5-p8m3z", instance: "10.0.1.9:8000", job: "kubernetes-pods" };
const SIBLING = { namespace: "ml", pod: "llm-next-6c5d8-abcde", instance: "10.0.2.3:8000", job: "kubernetes-pods" };
const OTHER_NAMESPACE = { namespace: "prod", pod: "llm-7d9f8b6c5-x2k4q", instance: "10.0.3.4:8000", job: "kubernetes-pods" };
const KSM = { instance: "10.0.9.9:8080", job: "kube-state-metrics" };

/** Recording-rule name of a panel's query: `dash:<dashboard>:<panel>:<refId>`. */
const recordName = (dash: string, title: string, refId: string) =>
    `dash:${dash}:${title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_|_$/g, "")}:${refId}`;

let dir: string;
const rules = new Map<string, string>();
let vllmHourly = 0;

const growing = (perSecond: number) => `0+${perSecond * 15}x80`;
const held = (value: number) => `${value}x80`;
/** The value at 10 minutes of a label-less query (null: no sample). */
const at10m = (record: string, value: number | null) => ({ expr: record, eval_time: "10m", exp_samples: value === null ? [] : [{ labels: record, value }] });

/**
 * Runs `promtool test rules` against the rules file, or none (`ruleFiles: []`: promtool evaluates every rule up to the
 * latest eval_time, too slow over days of clock; the queries are then evaluated as they are).
 */
function testRules(tests: object[], ruleFiles = ["rules.yml"]): void {
    fs.writeFileSync(path.join(dir, "test.yml"), stringify({ rule_files: ruleFiles, evaluation_interval: "15s", tests }, { lineWidth: 0 }));
    const run = promtool(["test", "rules", "test.yml"], dir);
    expect(run.output).toContain("SUCCESS");
    expect(run.status, run.output).toBe(0);
}

/** The dashboards whose queries are checked: every runtime, with and without GPUs, a canary, pre-warming windows. */
function dashboards(): Array<[string, GrafanaDashboard]> {
    const vllm = specOf("llm", vllmGpu([WEEKDAY_MORNINGS, FRIDAY_NIGHT]));
    vllmHourly = Number(((vllm.autoscaling?.price.monthly as number) / HOURS_PER_MONTH).toFixed(6));
    const tokyo = specOf("llm", vllmGpu([TOKYO_MONDAY]));
    const ts = specOf("densenet", torchserveCpu);
    const tgi = specOf("llm", { ...vllmGpu(), model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Tgi } });
    const triton = specOf("llm", { ...torchserveCpu, model: { uri: "s3://models/resnet/", runtime: ServingRuntime.Triton }, kubernetes: { namespace: "ml" } });
    const canary = specOf("llm", {
        ...vllmGpu(),
        versions: [
            { name: "stable", weight: 90 },
            { name: "next", weight: 10, uri: "hf://Qwen/Qwen2.5-7B-Instruct-1M" },
        ],
        kubernetes: { namespace: "ml", gateway: "infra/gw", autoscaler: { prometheusUrl: PROMETHEUS } },
    });
    const knative = specOf("llm", vllmKnative([WEEKDAY_MORNINGS]));
    const knativeCanary = specOf("llm", {
        ...vllmKnative(),
        versions: [
            { name: "stable", weight: 90 },
            { name: "next", weight: 10, uri: "hf://Qwen/Qwen2.5-7B-Instruct-1M" },
        ],
    });
    return [
        ["knative", grafanaDashboard(knative, placementOf(knative))],
        ["knative_canary", grafanaDashboard(knativeCanary, placementOf(knativeCanary))],
        ["vllm", grafanaDashboard(vllm, placementOf(vllm))],
        ["tokyo", grafanaDashboard(tokyo, placementOf(tokyo))],
        ["torchserve", grafanaDashboard(ts, placementOf(ts, { hourlyPricePerReplicaUsd: 0.192 }))],
        ["tgi", grafanaDashboard(tgi, placementOf(tgi))],
        ["triton", grafanaDashboard(triton, placementOf(triton))],
        ["canary", grafanaDashboard(canary, placementOf(canary))],
    ];
}

beforeAll(() => {
    requirePromtool("the dashboard's PromQL tests");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-dashboard-"));
    for (const [name, d] of dashboards()) for (const p of d.panels) for (const t of p.targets ?? []) rules.set(recordName(name, p.title, t.refId), t.expr);
    const groups = [{ name: "dashboards", interval: "15s", rules: [...rules].map(([record, expr]) => ({ record, expr })) }];
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups }, { lineWidth: 0 }));
}, 60_000);

afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the dashboard's PromQL, run by promtool", () => {
    it("every panel's query is a valid recording rule", () => {
        // Knative with a window 20, the Knative canary 19, vLLM with two windows 18, Tokyo 18, TorchServe with a price 8,
        // TGI 17, Triton 8, the canary 17.
        expect(rules.size).toBe(125);
        const run = promtool(["check", "rules", "rules.yml"], dir);
        expect(run.status, run.output).toBe(0);
        expect(run.output).toContain(`SUCCESS: ${rules.size} rules found`);
    });

    it("requests, in flight and queue over the Deployment's pods only, for each server's names", () => {
        const noise = [SIBLING, OTHER_NAMESPACE].flatMap((l) => [
            series("vllm:request_success_total", { ...l, model_name: "llm", finished_reason: "stop" }, growing(100)),
            series("vllm:num_requests_running", { ...l, model_name: "llm" }, held(100)),
            series("vllm:num_requests_waiting", { ...l, model_name: "llm" }, held(1000)),
        ]);
        testRules([
            {
                name: "vLLM, two pods",
                interval: "15s",
                input_series: [
                    series("vllm:request_success_total", { ...POD_A, model_name: "llm", finished_reason: "stop" }, growing(8)),
                    series("vllm:request_success_total", { ...POD_A, model_name: "llm", finished_reason: "length" }, growing(2)),
                    series("vllm:request_success_total", { ...POD_B, model_name: "llm", finished_reason: "stop" }, growing(10)),
                    series("vllm:num_requests_running", { ...POD_A, model_name: "llm" }, held(3)),
                    series("vllm:num_requests_running", { ...POD_B, model_name: "llm" }, held(5)),
                    series("vllm:num_requests_waiting", { ...POD_A, model_name: "llm" }, held(40)),
                    series("vllm:num_requests_waiting", { ...POD_B, model_name: "llm" }, held(2)),
                    ...noise,
                ],
                promql_expr_test: [at10m("dash:vllm:requests_per_second:A", 20), at10m("dash:vllm:in_flight:A", 8), at10m("dash:vllm:in_flight:B", 50), at10m("dash:vllm:queue_waiting:A", 42)],
            },
            {
                name: "TGI, Triton, TorchServe",
                interval: "15s",
                input_series: [
                    series("tgi_request_success", POD_A, growing(3)),
                    series("tgi_request_success", SIBLING, growing(30)),
                    series("tgi_batch_current_size", POD_A, held(4)),
                    series("tgi_queue_size", POD_A, held(30)),
                    series("tgi_queue_size", OTHER_NAMESPACE, held(300)),
                    series("nv_inference_request_success", { ...POD_A, model: "resnet", version: "1" }, growing(6)),
                    series("nv_inference_pending_request_count", { ...POD_A, model: "resnet", version: "1" }, held(7)),
                    series("nv_inference_pending_request_count", { ...POD_B, model: "resnet", version: "1" }, held(2)),
                    series("ts_inference_requests_total", { ...POD_A, namespace: "vision", pod: "densenet-5f6d7c8b9-a1b2c", model_name: "densenet" }, growing(5)),
                    series("ts_inference_requests_total", { ...POD_A, namespace: "vision", pod: "densenet-old-5f6d7-a1b2c", model_name: "densenet" }, growing(50)),
                ],
                promql_expr_test: [
                    at10m("dash:tgi:requests_per_second:A", 3),
                    at10m("dash:tgi:in_flight:B", 34),
                    at10m("dash:tgi:queue_waiting:A", 30),
                    at10m("dash:triton:requests_per_second:A", 6),
                    at10m("dash:triton:queue_waiting:A", 9),
                    at10m("dash:torchserve:requests_per_second:A", 5),
                ],
            },
            {
                name: "a canary's versions count together, a sibling Deployment not",
                interval: "15s",
                input_series: [
                    series("vllm:num_requests_waiting", { ...POD_A, pod: "llm-stable-7d9f8b6c5-x2k4q", model_name: "llm" }, held(10)),
                    series("vllm:num_requests_waiting", { ...POD_A, pod: "llm-next-6c5d8-abcde", model_name: "llm" }, held(5)),
                    series("vllm:num_requests_waiting", { ...POD_A, pod: "llm-7d9f8b6c5-x2k4q", model_name: "llm" }, held(100)),
                ],
                promql_expr_test: [at10m("dash:canary:queue_waiting:A", 15)],
            },
        ]);
    });

    it("GPU: DCGM's utilisation and memory over the service's GPUs only", () => {
        const gpu = (pod: Record<string, string>, index: number, util: number, usedMiB: number, freeMiB: number) => {
            const labels = { ...pod, gpu: String(index), UUID: `GPU-${pod.pod}-${index}`, modelName: "NVIDIA L4", container: "server", Hostname: "node-1" };
            return [series("DCGM_FI_DEV_GPU_UTIL", labels, held(util)), series("DCGM_FI_DEV_FB_USED", labels, held(usedMiB)), series("DCGM_FI_DEV_FB_FREE", labels, held(freeMiB))];
        };
        testRules([
            {
                name: "two pods of two GPUs, and a sibling's",
                interval: "15s",
                input_series: [
                    ...gpu(POD_A, 0, 80, 20000, 2000),
                    ...gpu(POD_A, 1, 60, 11000, 11000),
                    ...gpu(POD_B, 0, 70, 5500, 16500),
                    ...gpu(POD_B, 1, 50, 0, 22000),
                    ...gpu(SIBLING, 0, 100, 22000, 0),
                ],
                promql_expr_test: [
                    at10m("dash:vllm:gpu_utilisation:A", 65),
                    at10m("dash:vllm:gpu_utilisation:B", 80),
                    // 20000 of 22000 MiB: 90.909...%; the alert threshold beside it.
                    at10m("dash:vllm:gpu_memory:A", (100 * 20000) / 22000),
                    at10m("dash:vllm:gpu_memory:B", 95),
                    at10m("dash:vllm:gpu_memory_used_mib:A", 36500),
                ],
            },
        ]);
    });

    it("replicas, cold starts and cost from kube-state-metrics", () => {
        const pod = (p: Record<string, string>, uid: string) => ({ ...KSM, namespace: p.namespace, pod: p.pod, uid });
        testRules([
            {
                name: "two pods of the Deployment, one of a sibling",
                interval: "15s",
                input_series: [
                    series("kube_deployment_status_replicas_available", { ...KSM, namespace: "ml", deployment: "llm" }, held(2)),
                    series("kube_deployment_status_replicas_available", { ...KSM, namespace: "ml", deployment: "llm-next" }, held(7)),
                    series("kube_deployment_spec_replicas", { ...KSM, namespace: "ml", deployment: "llm" }, held(3)),
                    series("kube_deployment_status_replicas", { ...KSM, namespace: "ml", deployment: "llm" }, held(3)),
                    series("kube_deployment_status_replicas", { ...KSM, namespace: "prod", deployment: "llm" }, held(9)),
                    series("kube_horizontalpodautoscaler_spec_max_replicas", { ...KSM, namespace: "ml", horizontalpodautoscaler: "keda-hpa-llm" }, held(4)),
                    series("kube_horizontalpodautoscaler_spec_max_replicas", { ...KSM, namespace: "ml", horizontalpodautoscaler: "keda-hpa-llm-next" }, held(9)),
                    // Created at 1000 s, Ready at 1250 s; the sibling's pod must not show.
                    series("kube_pod_created", pod(POD_A, "u1"), held(1000)),
                    series("kube_pod_status_ready_time", pod(POD_A, "u1"), held(1250)),
                    series("kube_pod_created", pod(SIBLING, "u2"), held(1000)),
                    series("kube_pod_status_ready_time", pod(SIBLING, "u2"), held(1900)),
                ],
                promql_expr_test: [
                    at10m("dash:vllm:replicas_against_min_max:A", 2),
                    at10m("dash:vllm:replicas_against_min_max:B", 3),
                    at10m("dash:vllm:replicas_against_min_max:C", 1),
                    at10m("dash:vllm:replicas_against_min_max:D", 4),
                    at10m("dash:vllm:replicas_against_min_max:E", 4),
                    {
                        expr: "dash:vllm:cold_starts:A",
                        eval_time: "10m",
                        exp_samples: [{ labels: `dash:vllm:cold_starts:A{instance="${KSM.instance}",job="kube-state-metrics",namespace="ml",pod="${POD_A.pod}",uid="u1"}`, value: 250 }],
                    },
                    at10m("dash:vllm:cold_starts:B", 600),
                    at10m("dash:vllm:cost_per_hour:A", 3 * vllmHourly),
                ],
            },
        ]);
    });

    it("engine knative: the revisions' pods, Knative's autoscaler and activator series of the service's Configuration only", () => {
        // Knative Serving 1.23's OpenTelemetry metrics as knative/pkg's Prometheus exporter writes them: dots escaped,
        // braced units dropped, scraped from the autoscaler and activator pods in knative-serving.
        const autoscaler = { namespace: "knative-serving", pod: "autoscaler-6c8b9d7f5-q2w3e", job: "knative-serving/autoscaler", otel_scope_name: "knative.dev/serving/pkg/autoscaler" };
        const activator = { namespace: "knative-serving", pod: "activator-5d6f7b8c9-r4t5y", job: "knative-serving/activator", otel_scope_name: "knative.dev/serving/pkg/activator" };
        const revision = (configuration: string, n: string, ns = "ml") => ({
            k8s_namespace_name: ns,
            kn_service_name: configuration,
            kn_configuration_name: configuration,
            kn_revision_name: `${configuration}-${n}`,
        });
        const REV_POD = { namespace: "ml", pod: "llm-00002-deployment-7d9f8b6c5-x2k4q", container: "vllm", endpoint: "user-port", job: "ml/llm" };
        testRules([
            {
                name: "two revisions of the service during a rollout, a sibling Configuration, another namespace",
                interval: "15s",
                input_series: [
                    series("kube_deployment_status_replicas_available", { ...KSM, namespace: "ml", deployment: "llm-00001-deployment" }, held(1)),
                    series("kube_deployment_status_replicas_available", { ...KSM, namespace: "ml", deployment: "llm-00002-deployment" }, held(2)),
                    series("kube_deployment_status_replicas_available", { ...KSM, namespace: "ml", deployment: "llm-next-00001-deployment" }, held(5)),
                    series("kube_deployment_status_replicas", { ...KSM, namespace: "ml", deployment: "llm-00002-deployment" }, held(3)),
                    series("kn_revision_pods_desired", { ...autoscaler, ...revision("llm", "00001") }, held(0)),
                    series("kn_revision_pods_desired", { ...autoscaler, ...revision("llm", "00002") }, held(3)),
                    series("kn_revision_pods_desired", { ...autoscaler, ...revision("llm-next", "00001") }, held(9)),
                    series("kn_revision_pods_desired", { ...autoscaler, ...revision("llm", "00001", "prod") }, held(9)),
                    series("kn_revision_pods_count", { ...autoscaler, ...revision("llm", "00002") }, held(2)),
                    series("kn_revision_panic_mode", { ...autoscaler, ...revision("llm", "00002") }, held(1)),
                    series("kn_revision_panic_mode", { ...autoscaler, ...revision("llm-next", "00001") }, held(0)),
                    series("kn_revision_request_concurrency", { ...activator, ...revision("llm", "00002") }, held(6)),
                    series("kn_revision_request_concurrency", { ...activator, ...revision("llm-next", "00001") }, held(60)),
                    series("vllm:num_requests_waiting", { ...REV_POD, model_name: "llm" }, held(7)),
                    series("vllm:num_requests_waiting", { ...REV_POD, pod: "llm-7d9f8b6c5-x2k4q", model_name: "llm" }, held(100)),
                    series("vllm:num_requests_waiting", { ...REV_POD, pod: "llm-next-00001-deployment-6c5d8-abcde", model_name: "llm" }, held(50)),
                ],
                promql_expr_test: [
                    at10m("dash:knative:queue_waiting:A", 7),
                    at10m("dash:knative:replicas_against_min_max:A", 3),
                    at10m("dash:knative:replicas_against_min_max:B", 3),
                    at10m("dash:knative:replicas_against_min_max:C", 2),
                    at10m("dash:knative:replicas_against_min_max:D", 0),
                    at10m("dash:knative:replicas_against_min_max:E", 4),
                    {
                        expr: "dash:knative:knative_panic_mode:A",
                        eval_time: "10m",
                        exp_samples: [{ labels: 'dash:knative:knative_panic_mode:A{kn_revision_name="llm-00002"}', value: 1 }],
                    },
                    at10m("dash:knative:requests_through_the_activator:A", 6),
                    // The canary's two Configurations together: llm-next's 9 and 60 count, the service llm's do not.
                    at10m("dash:knative_canary:replicas_against_min_max:B", 9),
                    at10m("dash:knative_canary:requests_through_the_activator:A", 60),
                    at10m("dash:knative_canary:queue_waiting:A", 50),
                ],
            },
        ]);
    });

    it("the scheduled minimum: the minimum, raised to a window's replicas while it is open (promtool's clock starts Thursday 1970-01-01 00:00 UTC)", () => {
        // The queries themselves, evaluated at each time (no rule is recorded: promtool would step every rule through four days).
        const min = (evalTime: string, value: number, record = "dash:vllm:replicas_against_min_max:F") => ({
            expr: rules.get(record) as string,
            eval_time: evalTime,
            exp_samples: [{ labels: "{}", value }],
        });
        testRules(
            [
                {
                    name: "weekday mornings 07:00-09:00 UTC, Friday 22:00 to Saturday 02:00 UTC; Monday 09:00 Tokyo",
                    interval: "1m",
                    input_series: [],
                    promql_expr_test: [
                        // Thursday 07:30: a weekday morning.
                        min("7h30m", 3),
                        min("6h59m", 1),
                        min("8h59m", 3),
                        min("9h", 1),
                        // Friday 22:30, Saturday 01:59: the night window, over midnight; Saturday 02:00 closed, Saturday 07:30 no morning window.
                        min("1d22h30m", 4),
                        min("2d1h59m", 4),
                        min("2d2h", 1),
                        min("2d7h30m", 1),
                        // Sunday 01:00: Saturday's night would be open, but Saturday is not a start day.
                        min("3d1h", 1),
                        // Monday 07:00.
                        min("4d7h", 3),
                        // Tokyo: Monday 09:00-10:00 local is Monday 00:00-01:00 UTC.
                        min("4d0h30m", 2, "dash:tokyo:replicas_against_min_max:F"),
                        min("4d1h", 1, "dash:tokyo:replicas_against_min_max:F"),
                        min("3d23h59m", 1, "dash:tokyo:replicas_against_min_max:F"),
                    ],
                },
            ],
            [],
        );
    });
});

/**
 * GpuPool observability (issue 18): the DCGM exporter (DaemonSet, counters ConfigMap, PodMonitor), the PrometheusRule of
 * the pool's alerts and the dashboard ConfigMap as created on aws (node group, Karpenter), gcp and kubernetes, validated
 * against the upstream schemas by construct(); an existing exporter read instead of installing one; nothing when off or
 * on docker; refusals with the field, the value received and what is accepted. Every alert and dashboard query is
 * checked by `promtool check rules`, and each alert fires on one synthetic case and not on another (`promtool test
 * rules`), on series labelled as the installed exporter's PodMonitor and kube-state-metrics label them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Accelerator, CapacityType, GpuPool, GpuPoolArgs, GpuPoolCloud } from "../../index";
import { hourlyNodePrice, resolvePoolObservability } from "../../components/gpu-pool/observability";
import { poolAlertRules } from "../../components/gpu-pool/observability/alerts";
import { poolDashboard } from "../../components/gpu-pool/observability/dashboard";
import { countersCsv, DCGM_EXPORTER_IMAGE } from "../../components/gpu-pool/observability/dcgm-exporter";
import { gpuPoolSchema } from "../../components/gpu-pool/schema";
import { poolBase, PoolSpec } from "../../components/gpu-pool/spec";
import { promtool, requirePromtool, series } from "../promtool";
import { podSecurityViolations } from "../pod-security";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DS = "kubernetes:apps/v1:DaemonSet";
const CM = "kubernetes:core/v1:ConfigMap";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const subnets = ["subnet-a", "subnet-b"];

const eks = (extra: Partial<GpuPoolArgs> = {}): GpuPoolArgs => ({ cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 4, aws: { clusterName: "ml", subnetIds: subnets }, ...extra });
const labels = (pool: string) => ({
    "app.kubernetes.io/component": "gpupool",
    "app.kubernetes.io/instance": pool,
    "app.kubernetes.io/managed-by": "modelship",
    "app.kubernetes.io/name": pool,
    "modelship.dev/environment": "dev",
    "modelship.dev/service": pool,
    "modelship.dev/team": "ml-platform",
});
const exporterSelector = (pool: string) => ({ "app.kubernetes.io/name": "dcgm-exporter", "app.kubernetes.io/instance": pool });
const podOf = (record: { inputs: Json }): Json => record.inputs.spec.template.spec;
const rulesOf = (pool: string): Json[] => (rt.one(RULE, `${pool}-gpu-alerts`).inputs.spec as Json).groups[0].rules;
const obsTypes = [DS, CM, CM, POD_MONITOR, RULE];

describe("GpuPool observability: the objects", () => {
    it("on an EKS node group: the exporter on the pool's nodes, unprivileged but for root and the pod-resources hostPath", async () => {
        const { value: pool, resources } = await rt.construct(() => new GpuPool("l4", eks({ observability: { prometheusLabels: { release: "kps" } } })));
        const ds = rt.one(DS, "l4-dcgm-exporter");
        expect(ds.inputs.metadata).toEqual({ name: "l4-dcgm-exporter", namespace: "kube-system", labels: { ...labels("l4"), ...exporterSelector("l4") } });
        expect((ds.inputs.spec as Json).selector).toEqual({ matchLabels: exporterSelector("l4") });
        const pod = podOf(ds);
        expect(pod.nodeSelector).toEqual({ "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" });
        expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
        expect(pod.priorityClassName).toBe("system-node-critical");
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.containers).toEqual([
            {
                name: "dcgm-exporter",
                image: DCGM_EXPORTER_IMAGE,
                args: ["-f", "/etc/modelship-dcgm/counters.csv"],
                env: [
                    { name: "DCGM_EXPORTER_LISTEN", value: ":9400" },
                    { name: "DCGM_EXPORTER_KUBERNETES", value: "true" },
                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                ],
                ports: [{ name: "metrics", containerPort: 9400 }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                livenessProbe: { httpGet: { path: "/health", port: 9400 }, initialDelaySeconds: 45, periodSeconds: 5 },
                readinessProbe: { httpGet: { path: "/health", port: 9400 }, initialDelaySeconds: 45, periodSeconds: 5 },
                volumeMounts: [
                    { name: "pod-resources", mountPath: "/var/lib/kubelet/pod-resources", readOnly: true },
                    { name: "counters", mountPath: "/etc/modelship-dcgm", readOnly: true },
                ],
            },
        ]);
        expect(pod.volumes).toEqual([
            { name: "pod-resources", hostPath: { path: "/var/lib/kubelet/pod-resources", type: "Directory" } },
            { name: "counters", configMap: { name: "l4-dcgm-exporter" } },
        ]);
        expect(rt.one(CM, "l4-dcgm-exporter").inputs.data).toEqual({ "counters.csv": countersCsv() });
        // No profiling counter: they are what SYS_ADMIN is for.
        expect(countersCsv()).not.toContain("DCGM_FI_PROF_");
        expect(rt.one(POD_MONITOR).inputs).toEqual({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: "l4-dcgm-exporter", namespace: "kube-system", labels: { ...labels("l4"), release: "kps" } },
            spec: {
                selector: { matchLabels: exporterSelector("l4") },
                podMetricsEndpoints: [{ port: "metrics", path: "/metrics", honorLabels: true, relabelings: [{ action: "replace", targetLabel: "modelship_pool", replacement: "l4" }] }],
            },
        });
        const rule = rt.one(RULE);
        expect(rule.inputs.metadata).toEqual({ name: "l4-gpu-alerts", namespace: "kube-system", labels: { ...labels("l4"), release: "kps" } });
        expect((rule.inputs.spec as Json).groups.map((g: Json) => g.name)).toEqual(["modelship-pool-l4"]);
        const dashboard = rt.one(CM, "l4-dashboard");
        expect(dashboard.inputs.metadata).toEqual({ name: "l4-dashboard", namespace: "kube-system", labels: { ...labels("l4"), grafana_dashboard: "1" } });
        const json = JSON.parse((dashboard.inputs.data as Record<string, string>)["l4-dashboard.json"]);
        expect(json.panels.map((p: Json) => p.title)).toEqual(["GPU utilisation", "GPU memory in use", "GPU temperature", "Nodes against min/max", "GPU pods pending", "XID errors", "Cost per hour"]);
        // The pool's catalog price per node: its estimate at maxNodes over maxNodes, per hour.
        const cost = await new Promise<Json>((resolve) => pool.estimatedMonthlyCost.apply(resolve));
        const perHour = Number((cost.max / 4 / 730).toFixed(6));
        expect(json.panels[6].targets[0].expr).toBe(`(count(group by (Hostname) (DCGM_FI_DEV_GPU_UTIL{modelship_pool="l4"})) or vector(0)) * ${perHour}`);
        expect(
            Object.keys(pool.resources)
                .filter((k) => /dcgm|prometheusRule|dashboard/.test(k))
                .sort(),
        ).toEqual(["dashboard", "dcgmExporter", "dcgmExporterCounters", "dcgmExporterPodMonitor", "prometheusRule"]);
        expect(podSecurityViolations(resources)).toEqual([]);
    });

    it("the alerts: severity, for, the Alertmanager labels (severity and the pool's stay ours), exact expressions", async () => {
        await rt.construct(() => new GpuPool("l4", eks({ observability: { notifications: { alertmanagerLabels: { team: "ml", severity: "ignored", modelship_pool: "x" } } } })));
        const rules = rulesOf("l4");
        expect(rules.map((r) => [r.alert, r.for, r.labels])).toEqual(
            [
                ["GpuPoolGpuMemoryHigh", "10m", "warning"],
                ["GpuPoolXidError", "0m", "critical"],
                ["GpuPoolGpuTemperatureHigh", "5m", "warning"],
                ["GpuPoolNodeNotReady", "10m", "warning"],
                ["GpuPoolPodsPendingForGpu", "10m", "warning"],
                ["GpuPoolGpusIdle", "60m", "info"],
            ].map(([alert, f, severity]) => [alert, f, { team: "ml", severity, modelship_pool: "l4" }]),
        );
        const a = Object.fromEntries(rules.map((r) => [r.alert, r]));
        const s = `{modelship_pool="l4"}`;
        expect(a.GpuPoolGpuMemoryHigh.expr).toBe(`100 * DCGM_FI_DEV_FB_USED${s} / (DCGM_FI_DEV_FB_USED${s} + DCGM_FI_DEV_FB_FREE${s}) > 95`);
        expect(a.GpuPoolXidError.expr).toBe(
            `(DCGM_FI_DEV_XID_ERRORS${s} > 0 unless DCGM_FI_DEV_XID_ERRORS${s} offset 15m) or (DCGM_FI_DEV_XID_ERRORS${s} > 0 and changes(DCGM_FI_DEV_XID_ERRORS${s}[15m]) > 0)`,
        );
        expect(a.GpuPoolGpuTemperatureHigh.expr).toBe(`DCGM_FI_DEV_GPU_TEMP${s} > 85`);
        expect(a.GpuPoolNodeNotReady.expr).toBe(
            `(kube_node_status_condition{condition="Ready",status="true"} == 0) and on(node) label_replace(group by (Hostname) (last_over_time(DCGM_FI_DEV_GPU_UTIL${s}[1h])), "node", "$1", "Hostname", "(.*)")`,
        );
        expect(a.GpuPoolPodsPendingForGpu.expr).toBe(
            `(kube_pod_status_unschedulable == 1) and on(namespace, pod) (sum by (namespace, pod) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > 0)`,
        );
        expect(a.GpuPoolGpusIdle.expr).toBe(`max by (Hostname) (DCGM_FI_DEV_GPU_UTIL{modelship_pool="l4",pod!~"l4-headroom-[a-z0-9]+-[a-z0-9]+"}) < 5`);
        expect(a.GpuPoolGpusIdle.annotations.description).toMatch(/It costs about \$[0-9.]+\/h \(the pool's estimate per node\)\./);
        for (const r of rules) expect(r.annotations.summary).toMatch(/^GPU pool l4: /);
    });

    it("thresholds given are used", async () => {
        await rt.construct(() => new GpuPool("l4", eks({ observability: { thresholds: { gpuMemoryPercent: 90, pendingMinutes: 20, gpuTemperatureCelsius: 80, idleMinutes: 120 } } })));
        const a = Object.fromEntries(rulesOf("l4").map((r) => [r.alert, r]));
        expect(a.GpuPoolGpuMemoryHigh.expr).toMatch(/ > 90$/);
        expect(a.GpuPoolGpuTemperatureHigh.expr).toMatch(/ > 80$/);
        expect([a.GpuPoolNodeNotReady.for, a.GpuPoolPodsPendingForGpu.for, a.GpuPoolGpusIdle.for]).toEqual(["20m", "20m", "120m"]);
    });

    it("on Karpenter: the same objects, on the NodePool's labels", async () => {
        await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { clusterName: "ml", subnetIds: subnets, karpenter: true } }));
        expect(podOf(rt.one(DS, "l4-dcgm-exporter")).nodeSelector).toEqual({ "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" });
        expect(rt.ofType(RULE).map((r) => r.name)).toEqual(["l4-gpu-alerts"]);
    });

    it("on GKE: privileged with the host's driver directory, as Google's manifest runs it", async () => {
        const { resources } = await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 2, gcp: { clusterName: "ml" } }));
        const container = podOf(rt.one(DS, "l4-dcgm-exporter")).containers[0];
        expect(container.securityContext).toEqual({ privileged: true });
        expect(container.env.slice(3)).toEqual([
            { name: "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", value: "device-name" },
            { name: "LD_LIBRARY_PATH", value: "/usr/local/nvidia/lib64" },
        ]);
        expect(container.volumeMounts[2]).toEqual({ name: "nvidia-driver", mountPath: "/usr/local/nvidia", readOnly: true });
        expect(podOf(rt.one(DS, "l4-dcgm-exporter")).volumes[2]).toEqual({ name: "nvidia-driver", hostPath: { path: "/home/kubernetes/bin/nvidia", type: "Directory" } });
        // Waived by name with the device plugin's (test/pod-security.ts): the only other exception.
        expect(podSecurityViolations(resources)).toEqual([]);
    });

    it("on a cluster of your own: on the given nodes; no cost panel (the nodes are not priced)", async () => {
        await rt.construct(() => new GpuPool("lab", { cloud: GpuPoolCloud.Kubernetes, kubernetes: { nodeSelector: { "nvidia.com/gpu.present": "true" } } }));
        expect(podOf(rt.one(DS, "lab-dcgm-exporter")).nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
        const json = JSON.parse((rt.one(CM, "lab-dashboard").inputs.data as Record<string, string>)["lab-dashboard.json"]);
        expect(json.panels.map((p: Json) => p.title)).not.toContain("Cost per hour");
        expect(rulesOf("lab").find((r) => r.alert === "GpuPoolGpusIdle")?.annotations.description).not.toContain("costs about");
    });

    it("warns when the exporter would run on every node of a cluster of your own (no node selector)", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        await rt.construct(() => new GpuPool("any", { cloud: GpuPoolCloud.Kubernetes }));
        expect(podOf(rt.one(DS, "any-dcgm-exporter")).nodeSelector).toBeUndefined();
        expect(warn.mock.calls.map((c) => c[0])).toContainEqual(expect.stringContaining("observability.dcgmExporter: without kubernetes.nodeSelector the DCGM exporter runs on every node"));
        warn.mockRestore();
    });

    it("reads an existing exporter (install: false): no exporter objects, the alerts on its series labels", async () => {
        await rt.construct(
            () =>
                new GpuPool("op", {
                    cloud: GpuPoolCloud.Kubernetes,
                    kubernetes: { devicePlugin: false, priorityClasses: false },
                    observability: { dcgmExporter: { install: false, seriesLabels: { job: "nvidia-dcgm-exporter" } }, dashboard: false },
                }),
        );
        expect(rt.ofType(DS)).toEqual([]);
        expect(rt.ofType(POD_MONITOR)).toEqual([]);
        expect(rt.ofType(CM)).toEqual([]);
        const a = Object.fromEntries(rulesOf("op").map((r) => [r.alert, r]));
        expect(a.GpuPoolXidError.expr).toContain(`changes(DCGM_FI_DEV_XID_ERRORS{job="nvidia-dcgm-exporter"}[15m])`);
        expect(a.GpuPoolGpuMemoryHigh.labels).toEqual({ severity: "warning", modelship_pool: "op" });
    });

    it("creates nothing with enabled: false, and nothing on docker", async () => {
        const { resources } = await rt.construct(() => {
            new GpuPool("l4", eks({ observability: { enabled: false } }));
            new GpuPool("ws", { cloud: GpuPoolCloud.Docker });
        });
        const types = resources.map((r) => r.type);
        for (const type of [POD_MONITOR, RULE, CM]) expect(types).not.toContain(type);
        expect(rt.ofType(DS).map((d) => d.name)).toEqual(["l4-nvidia-device-plugin"]);
    });

    it("keeps the pool's cost: the exporter's pods run on nodes already priced", async () => {
        const on = await rt.construct(() => new GpuPool("l4", eks({ capacityType: CapacityType.OnDemand })));
        const withObs = await new Promise<Json>((resolve) => on.value.estimatedMonthlyCost.apply(resolve));
        const off = await rt.construct(() => new GpuPool("l4", eks({ capacityType: CapacityType.OnDemand, observability: { enabled: false } })));
        const without = await new Promise<Json>((resolve) => off.value.estimatedMonthlyCost.apply(resolve));
        expect(withObs).toEqual(without);
        expect(on.resources.filter((r) => obsTypes.includes(r.type) && /-(dcgm-exporter|gpu-alerts|dashboard)$/.test(r.name)).length).toBe(5);
    });
});

describe("GpuPool observability: refusals, before anything is created", () => {
    const cases: Array<[string, GpuPoolArgs, string]> = [
        [
            "enabled on docker",
            { cloud: GpuPoolCloud.Docker, observability: { enabled: true } },
            "  - observability.enabled: received true; expected false or nothing: cloud docker has no cluster, Prometheus or Grafana to create them in",
        ],
        [
            "a dashboard on docker",
            { cloud: GpuPoolCloud.Docker, observability: { dashboard: true } },
            "  - observability.dashboard: received true; expected false or nothing: cloud docker has no cluster, Prometheus or Grafana to create them in",
        ],
        [
            "series labels of an installed exporter",
            eks({ observability: { dcgmExporter: { seriesLabels: { job: "dcgm" } } } }),
            "  - observability.dcgmExporter.seriesLabels: received an object with job; expected nothing unless install is false: the installed exporter's series carry modelship_pool",
        ],
        [
            "an image with nothing installed",
            eks({ observability: { dcgmExporter: { install: false, image: "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless" } } }),
            '  - observability.dcgmExporter.image: received "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless"; expected nothing with install: false (nothing is installed)',
        ],
    ];
    for (const [what, args, line] of cases) {
        it(`rejects ${what}`, async () => {
            const { resources } = await rt.construct(() => expect(() => new GpuPool("p", args)).toThrow(`modelship:index:GpuPool "p": 1 invalid argument:\n${line}`));
            expect(resources).toEqual([]);
        });
    }

    const ranges: Array<[string, GpuPoolArgs, string]> = [
        ["a temperature out of range", eks({ observability: { thresholds: { gpuTemperatureCelsius: 200 } } }), "observability.thresholds.gpuTemperatureCelsius: received 200"],
        ["idle minutes below 10", eks({ observability: { thresholds: { idleMinutes: 5 } } }), "observability.thresholds.idleMinutes: received 5"],
        ["a GPU memory threshold below ModelService's range", eks({ observability: { thresholds: { gpuMemoryPercent: 40 } } }), "observability.thresholds.gpuMemoryPercent: received 40"],
        [
            "a series label that is no Prometheus label",
            eks({ observability: { dcgmExporter: { install: false, seriesLabels: { "app.kubernetes.io/name": "x" } } } }),
            `observability.dcgmExporter.seriesLabels.app.kubernetes.io/name: received "x"; expected a Prometheus label name as the key ("app.kubernetes.io/name" is not)`,
        ],
    ];
    for (const [what, args, part] of ranges) {
        it(`rejects ${what}, naming the field`, async () => {
            const { resources } = await rt.construct(() => expect(() => new GpuPool("p", args)).toThrow(part));
            expect(resources).toEqual([]);
        });
    }
});

// promtool

/** The resolved spec of a pool, as the component resolves its common part. */
function baseSpec(name: string, args: GpuPoolArgs): PoolSpec {
    return { ...poolBase(name, gpuPoolSchema.parse(args)), cloud: GpuPoolCloud.Kubernetes, nodeSelector: {}, devicePlugin: true, devicePluginImage: "", priorityClasses: true, gpuQuotas: {} };
}

const POOL = { modelship_pool: "l4" };
/** A GPU as the installed exporter's PodMonitor labels it (honorLabels: the pod of the GPU kept). */
const gpu = (host: string, index: string, pod = "dcgm") => ({
    ...POOL,
    gpu: index,
    UUID: `GPU-${host}-${index}`,
    Hostname: host,
    modelName: "NVIDIA L4",
    namespace: pod === "dcgm" ? "kube-system" : "ml",
    pod: pod === "dcgm" ? "l4-dcgm-exporter-abcde" : pod,
    container: pod === "dcgm" ? "dcgm-exporter" : "server",
    job: "kube-system/l4-dcgm-exporter",
});
const KSM = { instance: "10.0.9.9:8080", job: "kube-state-metrics" };
const held = (value: number) => `${value}x80`;
const at = (time: string, alertname: string, exp_alerts: object[]) => ({ eval_time: time, alertname, exp_alerts });

let dir: string;
let ruleCount = 0;
let dashboardQueries = 0;

beforeAll(() => {
    requirePromtool("the GpuPool alert and dashboard tests");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-pool-alerts-"));
    const spec = baseSpec("l4", { cloud: GpuPoolCloud.Kubernetes, maxNodes: 3, headroom: { gpus: 1 } });
    const rules = poolAlertRules(spec, { usd: 0.8 });
    const other = poolAlertRules(baseSpec("op", { cloud: GpuPoolCloud.Kubernetes, observability: { dcgmExporter: { install: false, seriesLabels: { job: "gpu-operator" } } } }));
    const groups = [
        { name: "l4", rules },
        { name: "op", rules: other.map((r) => ({ ...r, alert: `Op${r.alert}` })) },
    ];
    ruleCount = rules.length + other.length;
    fs.writeFileSync(path.join(dir, "alerts.yml"), stringify({ groups }, { lineWidth: 0 }));
    fs.writeFileSync(path.join(dir, "bare.yml"), stringify({ groups: [{ name: "l4", rules: rules.map(({ annotations: _a, ...r }) => r) }] }, { lineWidth: 0 }));
    // Every dashboard query, with and without a price, as recording rules.
    const records: { record: string; expr: string }[] = [];
    for (const [name, dash] of [
        ["priced", poolDashboard(spec, { namespace: "kube-system", hourlyNodePrice: { usd: 0.8, basis: "test" } })],
        ["found", poolDashboard(baseSpec("op", { cloud: GpuPoolCloud.Kubernetes, observability: { dcgmExporter: { install: false } } }), { namespace: "kube-system" })],
    ] as const) {
        for (const panel of dash.panels) for (const t of panel.targets ?? []) records.push({ record: `dash:${name}:${panel.id}:${t.refId}`, expr: t.expr });
    }
    dashboardQueries = records.length;
    fs.writeFileSync(path.join(dir, "dashboard.yml"), stringify({ groups: [{ name: "dashboard", rules: records }] }, { lineWidth: 0 }));
});

afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function testRules(tests: object[], file = "bare.yml"): void {
    fs.writeFileSync(path.join(dir, "test.yml"), stringify({ rule_files: [file], evaluation_interval: "1m", tests }, { lineWidth: 0 }));
    const run = promtool(["test", "rules", "test.yml"], dir);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("SUCCESS");
}

describe("the pool's alerts and dashboard, run by promtool", () => {
    it("every alert (annotation templates included) and every dashboard query is valid", () => {
        expect(ruleCount).toBe(12);
        const run = promtool(["check", "rules", "alerts.yml"], dir);
        expect(run.status, run.output).toBe(0);
        expect(run.output).toContain(`SUCCESS: ${ruleCount} rules found`);
        const dash = promtool(["check", "rules", "dashboard.yml"], dir);
        expect(dash.status, dash.output).toBe(0);
        expect(dash.output).toContain(`SUCCESS: ${dashboardQueries} rules found`);
    });

    it("GPU memory: fires on a GPU above 95% for 10 minutes, not at 90% nor on another pool's GPU", () => {
        const mem = (labels: Json, used: number, free: number) => [series("DCGM_FI_DEV_FB_USED", labels, held(used)), series("DCGM_FI_DEV_FB_FREE", labels, held(free))];
        const full = gpu("node-a", "0", "llm-7d9f8b6c5-x2k4q");
        testRules([
            {
                name: "97% used",
                interval: "1m",
                input_series: [...mem(full, 22000, 680), ...mem({ ...gpu("node-b", "0"), modelship_pool: "other" }, 22600, 80), ...mem(gpu("node-a", "1"), 20000, 2680)],
                alert_rule_test: [at("15m", "GpuPoolGpuMemoryHigh", [{ exp_labels: { ...full, severity: "warning" } }]), at("5m", "GpuPoolGpuMemoryHigh", [])],
            },
        ]);
    });

    it("XID errors: fires at once on a new XID for 15 minutes, not on 0 and not on the stale value DCGM keeps", () => {
        const bad = gpu("node-a", "0");
        // Exporters since 3.3.6 label each XID code: a code first seen is a series of its own.
        const coded = { ...gpu("node-b", "0"), err_code: "31" };
        testRules([
            {
                name: "XID 79 on one GPU, then held; XID 31 as a new series; a GPU at 0",
                interval: "1m",
                input_series: [
                    series("DCGM_FI_DEV_XID_ERRORS", bad, "0 0 79x40"),
                    series("DCGM_FI_DEV_XID_ERRORS", coded, "_x30 31x20"),
                    series("DCGM_FI_DEV_XID_ERRORS", gpu("node-a", "1"), held(0)),
                ],
                alert_rule_test: [
                    at("1m", "GpuPoolXidError", []),
                    at("5m", "GpuPoolXidError", [{ exp_labels: { ...bad, severity: "critical" } }]),
                    // The value DCGM keeps after the fault no longer fires once the window has passed.
                    at("25m", "GpuPoolXidError", []),
                    at("35m", "GpuPoolXidError", [{ exp_labels: { ...coded, severity: "critical" } }]),
                    at("50m", "GpuPoolXidError", []),
                ],
            },
        ]);
    });

    it("temperature: fires above 85 °C held 5 minutes, not at 80 °C", () => {
        const hot = gpu("node-a", "0");
        testRules([
            {
                name: "90 °C and 80 °C",
                interval: "1m",
                input_series: [series("DCGM_FI_DEV_GPU_TEMP", hot, held(90)), series("DCGM_FI_DEV_GPU_TEMP", gpu("node-a", "1"), held(80))],
                alert_rule_test: [at("10m", "GpuPoolGpuTemperatureHigh", [{ exp_labels: { ...hot, severity: "warning" } }])],
            },
        ]);
    });

    it("node NotReady: fires for a node of the pool (its GPUs reported) NotReady 10 minutes, not for a CPU node", () => {
        const ready = (node: string, v: number) => series("kube_node_status_condition", { ...KSM, node, condition: "Ready", status: "true" }, held(v));
        testRules([
            {
                name: "node-a NotReady after reporting; cpu-1 NotReady but not the pool's",
                interval: "1m",
                // node-a's exporter reported for 5 minutes, then the node went away.
                input_series: [
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-a", "0"), "50x5"),
                    ready("node-a", 0),
                    ready("cpu-1", 0),
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-b", "0"), held(50)),
                    ready("node-b", 1),
                ],
                alert_rule_test: [
                    at("20m", "GpuPoolNodeNotReady", [{ exp_labels: { ...KSM, node: "node-a", condition: "Ready", status: "true", severity: "warning", modelship_pool: "l4" } }]),
                    at("5m", "GpuPoolNodeNotReady", []),
                ],
            },
        ]);
    });

    it("pending GPU pods: fires for a GPU pod unschedulable 10 minutes, not for a CPU pod", () => {
        const pod = (name: string) => ({ ...KSM, namespace: "ml", pod: name, uid: `uid-${name}` });
        const request = (name: string, resource: string, unit: string) =>
            series("kube_pod_container_resource_requests", { ...KSM, namespace: "ml", pod: name, container: "server", node: "", resource, unit }, held(1));
        testRules([
            {
                name: "one GPU pod and one CPU pod, both unschedulable",
                interval: "1m",
                input_series: [
                    series("kube_pod_status_unschedulable", pod("llm-1"), held(1)),
                    request("llm-1", "nvidia_com_gpu", "integer"),
                    series("kube_pod_status_unschedulable", pod("web-1"), held(1)),
                    request("web-1", "cpu", "core"),
                ],
                alert_rule_test: [at("15m", "GpuPoolPodsPendingForGpu", [{ exp_labels: { ...pod("llm-1"), severity: "warning", modelship_pool: "l4" } }]), at("5m", "GpuPoolPodsPendingForGpu", [])],
            },
        ]);
    });

    it("idle GPUs: fires for a node whose GPUs stayed under 5% for an hour, not for a busy node nor for the headroom's GPUs", () => {
        testRules([
            {
                name: "node-a idle, node-b busy on one GPU, node-c holding the headroom only",
                interval: "1m",
                input_series: [
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-a", "0"), held(0)),
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-a", "1"), held(2)),
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-b", "0"), held(0)),
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-b", "1", "llm-7d9f8b6c5-x2k4q"), held(60)),
                    series("DCGM_FI_DEV_GPU_UTIL", gpu("node-c", "0", "l4-headroom-5f7d8c9b4-q2w3e"), held(0)),
                ],
                alert_rule_test: [at("70m", "GpuPoolGpusIdle", [{ exp_labels: { Hostname: "node-a", severity: "info", modelship_pool: "l4" } }]), at("50m", "GpuPoolGpusIdle", [])],
            },
        ]);
    });

    it("the dashboard's nodes, pending pods and cost queries count what they say", () => {
        testRules(
            [
                {
                    name: "two nodes reporting, one GPU pod pending",
                    interval: "1m",
                    input_series: [
                        series("DCGM_FI_DEV_GPU_UTIL", gpu("node-a", "0"), held(10)),
                        series("DCGM_FI_DEV_GPU_UTIL", gpu("node-a", "1"), held(10)),
                        series("DCGM_FI_DEV_GPU_UTIL", gpu("node-b", "0"), held(10)),
                        series("kube_pod_status_unschedulable", { ...KSM, namespace: "ml", pod: "llm-1", uid: "u" }, held(1)),
                        series("kube_pod_container_resource_requests", { ...KSM, namespace: "ml", pod: "llm-1", container: "server", node: "", resource: "nvidia_com_gpu", unit: "integer" }, held(1)),
                    ],
                    promql_expr_test: [
                        { expr: "dash:priced:4:A", eval_time: "5m", exp_samples: [{ labels: "dash:priced:4:A", value: 2 }] },
                        { expr: "dash:priced:5:A", eval_time: "5m", exp_samples: [{ labels: "dash:priced:5:A", value: 1 }] },
                        { expr: "dash:priced:7:A", eval_time: "5m", exp_samples: [{ labels: "dash:priced:7:A", value: 1.6 }] },
                    ],
                },
            ],
            "dashboard.yml",
        );
    });
});

describe("the pool's price per node", () => {
    it("is the estimate at maxNodes over maxNodes, per hour; none where the nodes are unpriced", () => {
        const spec = baseSpec("l4", { cloud: GpuPoolCloud.Kubernetes, maxNodes: 4 });
        expect(hourlyNodePrice(spec, { knownMin: 0, knownMax: 2920, known: true, min: 0, max: 2920, basis: ["b"] })).toEqual({ usd: 1, basis: "b" });
        expect(hourlyNodePrice(spec, { knownMin: 0, knownMax: 0, known: false, basis: ["unknown"] })).toBeUndefined();
        expect(resolvePoolObservability("l4", gpuPoolSchema.parse({ cloud: GpuPoolCloud.Docker })).enabled).toBe(false);
    });
});

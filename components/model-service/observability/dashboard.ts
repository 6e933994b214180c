/**
 * The Grafana dashboard of a ModelService on kubernetes (issue 18), as plain JSON: no resource is created here
 * (dashboard-configmap.ts puts it in the ConfigMap Grafana's sidecar loads). Every panel reads Prometheus through a
 * `datasource` template variable, with the label filters the autoscaler's own queries use
 * (components/spike-autoscaler/queries.ts: `namespace` and the pods of the Deployment, `<deployment>-<replicaset
 * hash>-<pod hash>`), and each server's metric names from the runtimes table (sdk/catalog/runtimes.ts). A panel whose
 * metric the server does not report is left out, never drawn empty.
 *
 * On engine knative the service's pods are its Knative revisions' (`<configuration>-<n>-deployment-<replicaset>-<pod>`):
 * the same panels over those pods and the revisions' Deployments, with Knative's autoscaler's desired and allocated
 * pods in place of the Deployment's spec and the HPA, and two more panels of Knative's own metrics (panic mode, the
 * activator's concurrency).
 *
 * Panels, and where their series come from:
 * - requests per second: the rate of the server's completions counter, as the autoscaler's preset;
 * - in flight: the running gauge, and running + queued (vLLM, TGI: the servers that report both);
 * - queue: the waiting gauge (vLLM, TGI, Triton);
 * - replicas: kube-state-metrics' available and desired (spec) replicas of the Deployment(s), the HPA's maximum as
 *   deployed (KEDA's HPA is `keda-hpa-<ScaledObject>`), and the spec's minimum and effective maximum as constant lines
 *   (the budget may lower the maximum: the legend says which bound binds); with pre-warming windows, the scheduled
 *   minimum as a series (see {@link prewarmMinimumExpr}) and a text panel listing the windows;
 * - cold starts: per pod, kube-state-metrics' `kube_pod_status_ready_time - kube_pod_created` (pod created to Ready),
 *   against `model.startupTimeoutSeconds`;
 * - GPU (services with GPUs): DCGM exporter's `DCGM_FI_DEV_GPU_UTIL` and `DCGM_FI_DEV_FB_USED` / `DCGM_FI_DEV_FB_FREE`
 *   with the pod mapping kept, as the autoscaler's GPU preset assumes;
 * - cost per hour: the Deployment(s)' pods (`kube_deployment_status_replicas`, ready or not: a starting pod is
 *   billed) x the hourly price of one replica the cost model computes (the autoscaler's replica price, else the same
 *   pricing of one replica's shape); a CPU-only replica has no price of its own in the cost model (its nodes are
 *   priced where they are created), so the panel appears only when the caller gives `hourlyPricePerReplicaUsd`.
 */
import { ScalingBound } from "../../spike-autoscaler/args";
import { replicaPrice, type ReplicaPrice } from "../../spike-autoscaler/budget";
import type { PrewarmSchedule } from "../../spike-autoscaler/cron";
import { kubernetesReplicaShape } from "../../spike-autoscaler/kubernetes";
import { stackCostOptions } from "../../../sdk/cost/estimate";
import { HOURS_PER_MONTH } from "../../../sdk/cost/types";
import { runtimeEntry } from "../../../sdk/catalog/runtimes";
import { physicalName, shortHash } from "../../../sdk/naming";
import type { ServingSpec } from "../spec";

/** Grafana's dashboard JSON schema version these dashboards are written in (Grafana 10.x/11.x). */
export const DASHBOARD_SCHEMA_VERSION = 39;
/** Grafana's limit on a dashboard uid. */
export const DASHBOARD_UID_MAX_LENGTH = 40;
/** The datasource every panel reads, a template variable of type `datasource` (Prometheus). */
export const DATASOURCE = { type: "prometheus", uid: "${datasource}" } as const;

/** Where the service runs: what `deploy` on kubernetes knows when it creates the Deployments or Knative objects. */
export interface DashboardPlacement {
    /** The service's namespace (`kubernetes.namespace`, default `default`). */
    namespace: string;
    /**
     * One name per version (targets/kubernetes.ts, `layouts(spec)`): the Deployments' names, or on engine knative the
     * Configurations' (a Knative Service's Configuration has the Service's name), whose revisions' Deployments are
     * `<configuration>-<n>-deployment`.
     */
    workloads: string[];
    /**
     * USD per hour of one replica, when the cost model gives none (a CPU-only replica): the cost panel is then these
     * replicas x this price, with `hourlyPriceBasis` in its description. Overrides the cost model's figure when given.
     */
    hourlyPricePerReplicaUsd?: number;
    /** Where `hourlyPricePerReplicaUsd` comes from, for the panel's description. */
    hourlyPriceBasis?: string;
}

export interface DashboardTarget {
    refId: string;
    expr: string;
    legendFormat: string;
    datasource: typeof DATASOURCE;
}

export interface DashboardPanel {
    id: number;
    type: "timeseries" | "text";
    title: string;
    description: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource?: typeof DATASOURCE;
    targets?: DashboardTarget[];
    fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
    options?: Record<string, unknown>;
}

export interface GrafanaDashboard {
    uid: string;
    title: string;
    description: string;
    tags: string[];
    timezone: string;
    editable: boolean;
    graphTooltip: number;
    schemaVersion: number;
    version: number;
    refresh: string;
    time: { from: string; to: string };
    templating: { list: Record<string, unknown>[] };
    annotations: { list: Record<string, unknown>[] };
    panels: DashboardPanel[];
}

/** Whether the service is a Knative workload (engine knative): its pods are its revisions', and Knative's autoscaler reports its replicas. */
export function onKnativeRevisions(spec: ServingSpec): boolean {
    return spec.autoscaling?.kubernetes?.engine === "knative";
}

/** `name` or `(a|b)`: one version's name, or every version's as an alternation. */
function oneOrAll(names: string[]): string {
    return names.length === 1 ? names[0] : `(${names.join("|")})`;
}

/**
 * The `pod` regex of the service's pods: a Deployment's `<name>-<replicaset>-<pod>`, or a Knative revision's
 * `<configuration>-<n>-deployment-<replicaset>-<pod>` (the revision `<configuration>-00001`, its Deployment
 * `<revision>-deployment`: knative/serving pkg/reconciler/revision/resources/names). The alerts use it too.
 */
export function servicePodPattern(workloads: string[], knative: boolean): string {
    return `${deploymentPattern(workloads, knative)}-[a-z0-9]+-[a-z0-9]+`;
}

/** The Deployments' names as a regex: the workloads', or on Knative their revisions' `<configuration>-<n>-deployment`. */
function deploymentPattern(workloads: string[], knative: boolean): string {
    return knative ? `${oneOrAll(workloads)}-[0-9]+-deployment` : oneOrAll(workloads);
}

/** The dashboard's uid: stable, from the namespace and the service's name, at most 40 characters, with a hash so that `a-b`/`c` and `a`/`b-c` differ. */
export function dashboardUid(namespace: string, name: string): string {
    const hash = shortHash(`${namespace}/${name}`, 8);
    return `${physicalName(`${namespace}-${name}`, "", DASHBOARD_UID_MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/** The label matchers of the service's pods, as the autoscaler's queries write them (queries.ts, `podQuery`). */
export function podSelector(spec: ServingSpec, placement: DashboardPlacement): string {
    return `namespace="${placement.namespace}",pod=~"${servicePodPattern(placement.workloads, onKnativeRevisions(spec))}"`;
}

/** The label matchers of the Deployment objects in kube-state-metrics (on Knative, the revisions' Deployments). */
function deploymentSelector(spec: ServingSpec, placement: DashboardPlacement): string {
    const names = placement.workloads;
    if (onKnativeRevisions(spec)) return `namespace="${placement.namespace}",deployment=~"${deploymentPattern(names, true)}"`;
    return `namespace="${placement.namespace}",deployment${names.length === 1 ? `="${names[0]}"` : `=~"${names.join("|")}"`}`;
}

/**
 * The label matchers of Knative's own series of the service's revisions: the autoscaler's and the activator's
 * OpenTelemetry metrics carry `k8s.namespace.name` and `kn.configuration.name` (knative/serving pkg/metrics/key.go),
 * `k8s_namespace_name` and `kn_configuration_name` in Prometheus (knative/pkg's exporter escapes dots to underscores).
 */
function knativeSelector(placement: DashboardPlacement): string {
    const names = placement.workloads;
    return `k8s_namespace_name="${placement.namespace}",kn_configuration_name${names.length === 1 ? `="${names[0]}"` : `=~"${names.join("|")}"`}`;
}

/** The HPAs that scale the Deployments: named after them (engine hpa), or KEDA's `keda-hpa-<ScaledObject>`. */
function hpaSelector(spec: ServingSpec, placement: DashboardPlacement): string {
    const prefix = spec.autoscaling?.kubernetes?.engine === "keda" ? "keda-hpa-" : "";
    return `namespace="${placement.namespace}",horizontalpodautoscaler=~"${prefix}(${placement.workloads.join("|")})"`;
}

/** The offset from UTC of a time zone, in minutes, when it is the same all year (UTC, Asia/Tokyo); undefined when it changes (daylight saving). */
export function fixedOffsetMinutes(timezone: string): number | undefined {
    const format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
    const offsets = new Set<number>();
    for (let month = 0; month < 12; month++) {
        const name = format.formatToParts(new Date(Date.UTC(2026, month, 1, 12))).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
        const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
        if (!m) return undefined;
        offsets.add(m[1] === undefined ? 0 : (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])));
    }
    return offsets.size === 1 ? [...offsets][0] : undefined;
}

/** `f(T) == a or f(T) == b`: true (non-empty) on the listed values. */
function oneOf(fn: string, time: string, values: readonly number[]): string {
    return `(${values.map((v) => `${fn}(${time}) == ${v}`).join(" or ")})`;
}

/**
 * PromQL that is non-empty while the window is open: a start of its schedule in the last `durationMinutes`, in its
 * time zone's fixed offset. A window that runs over midnight (`daysLater` days) is open on day k after its start day
 * when the local minute of day + 1440 k is within [start, start + duration). Undefined for a time zone with daylight
 * saving: PromQL's time functions are UTC, and a fixed offset would be wrong half the year.
 */
export function prewarmWindowExpr(schedule: PrewarmSchedule): string | undefined {
    const offset = fixedOffsetMinutes(schedule.timezone);
    if (offset === undefined) return undefined;
    const local = (daysBack: number) => `vector(time() + ${offset * 60 - daysBack * 86400})`;
    const minuteOfDay = `(hour(${local(0)}) * 60 + minute(${local(0)}))`;
    const start = schedule.start.hour * 60 + schedule.start.minute;
    const end = start + schedule.durationMinutes;
    const cases: string[] = [];
    for (let k = 0; k * 1440 < end; k++) {
        const shifted = k === 0 ? minuteOfDay : `${minuteOfDay} + ${k * 1440}`;
        const day = local(k);
        const conditions = [`${shifted} >= ${start}`, `${shifted} < ${end}`];
        if (schedule.daysOfWeek) conditions.push(oneOf("day_of_week", day, schedule.daysOfWeek));
        if (schedule.daysOfMonth) conditions.push(oneOf("day_of_month", day, schedule.daysOfMonth));
        if (schedule.months) conditions.push(oneOf("month", day, schedule.months));
        cases.push(conditions.map((c) => `(${c})`).join(" and on() "));
    }
    return cases.length === 1 ? cases[0] : cases.map((c) => `(${c})`).join(" or ");
}

/**
 * The scheduled minimum: the spec's minimum, raised to each open pre-warming window's replicas (KEDA's cron triggers
 * are floors). Undefined when a window's time zone keeps daylight saving ({@link prewarmWindowExpr}).
 */
export function prewarmMinimumExpr(spec: ServingSpec): string | undefined {
    const windows = spec.autoscaling?.prewarm ?? [];
    const parts: string[] = [];
    for (const [i, w] of windows.entries()) {
        const open = prewarmWindowExpr(w.schedule);
        if (open === undefined) return undefined;
        parts.push(`label_replace(vector(${w.replicas}) and on() (${open}), "window", "${i}", "", "")`);
    }
    return parts.length === 0 ? undefined : `max(vector(${spec.replicas.min}) or ${parts.join(" or ")})`;
}

/** One replica of the service on kubernetes as the cost model prices it: the autoscaler's price, else its shape's. */
export function replicaMonthlyPrice(spec: ServingSpec): ReplicaPrice {
    return spec.autoscaling?.price ?? replicaPrice({ shape: kubernetesReplicaShape(`${spec.name}-one-replica`, spec.gpu, { cpu: spec.cpu, memoryGiB: spec.memoryGiB }) }, stackCostOptions());
}

/** USD per hour of one replica and its basis: the caller's, else the cost model's; undefined when neither prices it. */
export function hourlyReplicaPrice(spec: ServingSpec, placement: Pick<DashboardPlacement, "hourlyPricePerReplicaUsd" | "hourlyPriceBasis">): { usd: number; basis: string } | undefined {
    if (placement.hourlyPricePerReplicaUsd !== undefined) {
        return { usd: placement.hourlyPricePerReplicaUsd, basis: placement.hourlyPriceBasis ?? "the hourly price per replica given to the dashboard" };
    }
    const price = replicaMonthlyPrice(spec);
    if (!price.priced || price.monthly === null) return undefined;
    return { usd: price.monthly / HOURS_PER_MONTH, basis: `the cost model's price of one replica: ${price.basis}` };
}

/** A panel's content before layout. */
export interface PanelContent {
    title: string;
    description: string;
    unit?: string;
    targets?: Array<{ expr: string; legend: string }>;
    markdown?: string;
}

/**
 * Knative's own view of the revisions: the KPA's panic mode and the requests its activator holds or routes (at zero,
 * every request waits in the activator for the first pod). Knative Serving 1.19 and later report them through
 * OpenTelemetry (`kn.revision.panic.mode` in pkg/autoscaler/scaling/metrics.go, `kn.revision.request.concurrency` in
 * pkg/activator/handler/metrics.go), exported to Prometheus only with `metrics-protocol: prometheus` in
 * config-observability.
 */
function knativeAutoscalerPanels(placement: DashboardPlacement): PanelContent[] {
    const kn = knativeSelector(placement);
    return [
        {
            title: "Knative panic mode",
            description:
                "1 while Knative's autoscaler panics on a revision (kn_revision_panic_mode: the 6 s panic window asks for twice the ready pods; it scales up at once and never down until it leaves panic).",
            unit: "short",
            targets: [{ expr: `max by (kn_revision_name) (kn_revision_panic_mode{${kn}})`, legend: "{{kn_revision_name}}" }],
        },
        {
            title: "Requests through the activator",
            description:
                "Concurrent requests the activator routes to the revisions (kn_revision_request_concurrency): at zero replicas, or while the activator stays in the path, requests wait there for a pod.",
            unit: "short",
            targets: [{ expr: `sum(kn_revision_request_concurrency{${kn}})`, legend: "activator concurrency" }],
        },
    ];
}

/** Each panel of the service, in order; a panel whose series the server does not report is not in the list. */
function panelContents(spec: ServingSpec, placement: DashboardPlacement): PanelContent[] {
    const names = runtimeEntry(spec.runtime).metrics;
    const pods = podSelector(spec, placement);
    const knative = onKnativeRevisions(spec);
    const out: PanelContent[] = [];
    if (names.requestsCompleted) {
        out.push({
            title: "Requests per second",
            description: `Completed requests a second over the service's pods: rate of ${names.requestsCompleted} over 1 minute, as the autoscaler's requests-per-second preset.`,
            unit: "reqps",
            targets: [{ expr: `sum(rate(${names.requestsCompleted}{${pods}}[1m]))`, legend: "requests/s" }],
        });
    }
    if (names.requestsRunning) {
        const targets = [{ expr: `sum(${names.requestsRunning}{${pods}})`, legend: "running" }];
        if (names.requestsWaiting) targets.push({ expr: `sum(${names.requestsRunning}{${pods}}) + sum(${names.requestsWaiting}{${pods}})`, legend: "running + queued" });
        out.push({ title: "In flight", description: `Requests being served (${names.requestsRunning}), and with the queue, over the service's pods.`, unit: "short", targets });
    }
    if (names.requestsWaiting) {
        out.push({
            title: "Queue (waiting)",
            description: `Requests waiting in the servers' queues (${names.requestsWaiting}), summed over the service's pods, as the autoscaler's queue-depth preset.`,
            unit: "short",
            targets: [{ expr: `sum(${names.requestsWaiting}{${pods}})`, legend: "waiting" }],
        });
    }

    const deployments = deploymentSelector(spec, placement);
    const bound = spec.autoscaling?.bindingBound === ScalingBound.Budget ? "budget" : "maxReplicas";
    const replicas = [{ expr: `sum(kube_deployment_status_replicas_available{${deployments}})`, legend: "available" }];
    if (knative) {
        // Knative's autoscaler decides the replicas (the KPA sets each revision's Deployment): its wish and what it has.
        const kn = knativeSelector(placement);
        replicas.push(
            { expr: `sum(kn_revision_pods_desired{${kn}})`, legend: "desired (Knative autoscaler)" },
            { expr: `sum(kn_revision_pods_count{${kn}})`, legend: "allocated (Knative autoscaler)" },
        );
    } else {
        replicas.push({ expr: `sum(kube_deployment_spec_replicas{${deployments}})`, legend: "desired" });
    }
    replicas.push(
        { expr: `vector(${spec.replicas.min})`, legend: knative ? "min (spec: min-scale)" : "min (spec)" },
        { expr: `vector(${spec.replicas.max})`, legend: spec.autoscaling ? `max (effective: ${bound} binds${knative ? ", max-scale" : ""})` : "max (spec)" },
    );
    if (spec.autoscaling && !knative) replicas.push({ expr: `sum(kube_horizontalpodautoscaler_spec_max_replicas{${hpaSelector(spec, placement)}})`, legend: "max (HPA, as deployed)" });
    const prewarm = prewarmMinimumExpr(spec);
    if (prewarm) replicas.push({ expr: prewarm, legend: "scheduled minimum (pre-warm)" });
    const bounds = knative
        ? "the spec's minimum and effective maximum (the revisions' min-scale and max-scale annotations; the budget may lower maxReplicas)"
        : "the spec's minimum and effective maximum (constant lines" + (spec.autoscaling ? ", the budget may lower maxReplicas) and the maximum of the HPA as deployed" : ")");
    out.push({
        title: "Replicas against min/max",
        description: knative
            ? `Available replicas of the revisions' Deployments (kube-state-metrics), the pods Knative's autoscaler wants and has (kn_revision_pods_desired, kn_revision_pods_count), against ${bounds}` +
              (prewarm ? "; the scheduled minimum rises during pre-warming windows." : ".")
            : `Available and desired replicas of the Deployment(s) (kube-state-metrics), against ${bounds}` + (prewarm ? "; the scheduled minimum rises during pre-warming windows." : "."),
        unit: "short",
        targets: replicas,
    });
    const windows = spec.autoscaling?.prewarm ?? [];
    if (windows.length > 0) {
        const rows = windows.map((w) => `| \`${w.schedule.expression}\` | ${w.schedule.timezone} | ${w.schedule.durationMinutes} min | ${w.replicas} |`);
        out.push({
            title: "Pre-warm windows",
            description: knative
                ? "The autoscaler's pre-warming windows (CronJobs that raise the serving revisions' min-scale and restore it): at least this many replicas from each start for its duration."
                : "The autoscaler's pre-warming windows (KEDA cron triggers): at least this many replicas from each start for its duration.",
            markdown: [
                "| Start (cron) | Time zone | Duration | Replicas at least |",
                "|---|---|---|---|",
                ...rows,
                "",
                prewarm ? "The replicas panel draws the scheduled minimum." : "A window's time zone keeps daylight saving: the scheduled minimum is not drawn (PromQL's clock is UTC).",
            ].join("\n"),
        });
    }
    if (knative) out.push(...knativeAutoscalerPanels(placement));

    out.push({
        title: "Cold starts",
        description: `Per pod: from creation to Ready (kube-state-metrics kube_pod_status_ready_time - kube_pod_created; a pod that turned unready and ready again shows its latest Ready), against model.startupTimeoutSeconds (${spec.startupTimeoutSeconds} s).`,
        unit: "s",
        targets: [
            { expr: `kube_pod_status_ready_time{${pods}} - kube_pod_created{${pods}}`, legend: "{{pod}}" },
            { expr: `vector(${spec.startupTimeoutSeconds})`, legend: "startup budget" },
        ],
    });

    if (spec.gpu) {
        out.push({
            title: "GPU utilisation",
            description: "DCGM exporter's DCGM_FI_DEV_GPU_UTIL over the service's GPUs (its pod mapping kept): the mean and the busiest GPU, percent.",
            unit: "percent",
            targets: [
                { expr: `avg(DCGM_FI_DEV_GPU_UTIL{${pods}})`, legend: "mean per GPU" },
                { expr: `max(DCGM_FI_DEV_GPU_UTIL{${pods}})`, legend: "busiest GPU" },
            ],
        });
        out.push({
            title: "GPU memory",
            description: `DCGM exporter's framebuffer in use: the fullest GPU's share of its memory (DCGM_FI_DEV_FB_USED / (USED + FREE)), against the alert threshold observability.thresholds.gpuMemoryPercent (${spec.observability.thresholds.gpuMemoryPercent}%).`,
            unit: "percent",
            targets: [
                { expr: `max(100 * DCGM_FI_DEV_FB_USED{${pods}} / (DCGM_FI_DEV_FB_USED{${pods}} + DCGM_FI_DEV_FB_FREE{${pods}}))`, legend: "fullest GPU" },
                { expr: `vector(${spec.observability.thresholds.gpuMemoryPercent})`, legend: "alert threshold" },
            ],
        });
        out.push({
            title: "GPU memory used (MiB)",
            description: "DCGM exporter's DCGM_FI_DEV_FB_USED summed over the service's GPUs, MiB.",
            unit: "decmbytes",
            targets: [{ expr: `sum(DCGM_FI_DEV_FB_USED{${pods}})`, legend: "used" }],
        });
    }

    const price = hourlyReplicaPrice(spec, placement);
    if (price) {
        const usd = Number(price.usd.toFixed(6));
        out.push({
            title: "Cost per hour",
            description: `The ${knative ? "revisions' Deployments'" : "Deployment(s)'"} pods (kube_deployment_status_replicas: a starting pod is billed) x $${usd}/h per replica, ${price.basis}.`,
            unit: "currencyUSD",
            targets: [{ expr: `sum(kube_deployment_status_replicas{${deployments}}) * ${usd}`, legend: "USD/h" }],
        });
    }
    return out;
}

function panel(content: PanelContent, id: number): DashboardPanel {
    const gridPos = { x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8, w: 12, h: 8 };
    if (content.markdown !== undefined) {
        return { id, type: "text", title: content.title, description: content.description, gridPos, options: { mode: "markdown", content: content.markdown } };
    }
    const targets = (content.targets ?? []).map((t, i) => ({ refId: String.fromCharCode(65 + i), expr: t.expr, legendFormat: t.legend, datasource: DATASOURCE }));
    return {
        id,
        type: "timeseries",
        title: content.title,
        description: content.description,
        gridPos,
        datasource: DATASOURCE,
        targets,
        fieldConfig: { defaults: { unit: content.unit ?? "short", min: 0 }, overrides: [] },
        options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "none" } },
    };
}

/**
 * The dashboard of `spec` as deployed at `placement`. Call it where the Deployments are created (targets/kubernetes.ts
 * `deploy`: `{ namespace: settings.namespace, workloads: layouts(spec).map((l) => l.name) }`), on either engine.
 */
export function grafanaDashboard(spec: ServingSpec, placement: DashboardPlacement): GrafanaDashboard {
    if (placement.workloads.length === 0) throw new Error("grafanaDashboard: no Deployment or Configuration to show");
    return dashboardOf({
        uid: dashboardUid(placement.namespace, spec.name),
        title: `ModelService ${spec.name} (${placement.namespace})`,
        description: `modelship ModelService ${spec.name}: ${spec.runtime} in namespace ${placement.namespace}${spec.gpu ? `, ${spec.gpu.count} x ${spec.gpu.accelerator} per replica` : ""}.`,
        tags: ["modelship", "model-service", spec.runtime, ...(onKnativeRevisions(spec) ? ["knative"] : [])],
        panels: panelContents(spec, placement),
    });
}

/**
 * A dashboard of `panels`, laid out two a row, every one reading Prometheus through the `datasource` variable: the
 * frame every modelship dashboard shares (a ModelService's above, a GpuPool's in components/gpu-pool/observability/).
 */
export function dashboardOf(head: { uid: string; title: string; description: string; tags: string[]; panels: PanelContent[] }): GrafanaDashboard {
    return {
        uid: head.uid,
        title: head.title,
        description: head.description,
        tags: head.tags,
        timezone: "browser",
        editable: true,
        graphTooltip: 1,
        schemaVersion: DASHBOARD_SCHEMA_VERSION,
        version: 1,
        refresh: "30s",
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", current: {}, hide: 0, refresh: 1, regex: "", includeAll: false, multi: false, options: [] }],
        },
        annotations: {
            list: [
                {
                    builtIn: 1,
                    datasource: { type: "grafana", uid: "-- Grafana --" },
                    enable: true,
                    hide: true,
                    iconColor: "rgba(0, 211, 255, 1)",
                    name: "Annotations & Alerts",
                    type: "dashboard",
                },
            ],
        },
        panels: head.panels.map((c, i) => panel(c, i + 1)),
    };
}

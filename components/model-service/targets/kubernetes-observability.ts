/**
 * `target: kubernetes` with `observability.enabled` (the default): a PodMonitor that has the cluster's Prometheus
 * (through the Prometheus Operator) scrape the server's metrics, and a PrometheusRule of alerts on the service. The
 * Grafana dashboard is built elsewhere (components/model-service/observability/).
 *
 * The PodMonitor selects every pod of the service (all versions, Deployment or Knative revision) by its selector
 * labels. The Operator gives each scraped series the labels `namespace`, `pod`, `container`, `endpoint` and `job`
 * (`<namespace>/<PodMonitor name>`): KEDA's queries (components/spike-autoscaler/queries.ts) filter on `namespace` and
 * `pod`, so they see exactly these series. The pods' `prometheus.io/*` annotations are ignored by the Operator.
 *
 * The alerts read the server's metrics (sdk/catalog/runtimes.ts: `metrics` and `alertMetrics`), kube-state-metrics
 * (`kube_pod_*`) and, with GPUs, NVIDIA's DCGM exporter (`DCGM_FI_DEV_FB_*`, its pod mapping kept with `honorLabels`, as
 * the GPU-utilisation query assumes). An alert whose metric the server does not report is left out (docs/observability.md).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runtimeEntry } from "../../../sdk/catalog/runtimes";
import { AlertRule, MONITORING_API, prometheusRule } from "../../kubernetes/monitoring";
import { kubernetesLabels, physicalName, selectorLabels } from "../../../sdk/naming";
import { ScalingBound } from "../../spike-autoscaler/args";
import { DEFAULT_LATENCY_SHARE } from "../observability";
import { servicePodPattern } from "../observability/dashboard";
import { ServingSpec } from "../spec";
import { ServingTiming } from "../timing";
import { layouts } from "./kubernetes";
import { KNATIVE_SERVING_NAMESPACE } from "../../spike-autoscaler/knative-install";
import { kubernetesSettings, onKnative } from "./kubernetes-spec";

/** The serving container's port in a Knative revision's pods, whatever the template names it (revision_helpers.go `UserPortName`). */
export const KNATIVE_USER_PORT_NAME = "user-port";
/** The label every alert carries naming the service (its physical name). */
export const SERVICE_ALERT_LABEL = "modelship_service";

/** How long each alert's condition must hold before it fires (Prometheus `for`). */
export const ALERT_FOR = { queueBuilding: "5m", atMaxReplicas: "15m", coldStart: "1m", errorRate: "5m", latency: "10m", gpuMemory: "10m" } as const;
/** Window of the rates and of the queue's growth. */
const WINDOW = "5m";

/** An alert the service does not get, and why (the server reports no such metric, or nothing could bind). */
export interface SkippedAlert {
    alert: string;
    reason: string;
}

/** The pods of the service, as a `pod` regex: a Deployment's `<name>-<replicaset>-<pod>`, a Knative revision's `<configuration>-<n>-deployment-<replicaset>-<pod>`. */
export function podPattern(spec: ServingSpec): string {
    return servicePodPattern(
        layouts(spec).map((l) => l.name),
        onKnative(spec),
    );
}

/**
 * The replicas the service can run at most: each version's effective maximum (the budget may lower `maxReplicas`),
 * summed over the versions; the fixed count (the minimum) without autoscaling.
 */
export function effectiveMaxReplicas(spec: ServingSpec): number {
    return layouts(spec).reduce((sum, l) => sum + (spec.autoscaling ? l.replicas.max : l.replicas.min), 0);
}

/** What bounds the maximum, in words, for the at-maximum alert. */
export function bindingBound(spec: ServingSpec): string {
    const a = spec.autoscaling;
    if (a?.bindingBound === ScalingBound.Budget && a.budget) {
        return `The budget cap binds: scaling.autoscaling.budget.maxMonthlyUsd ${a.budget.maxMonthlyUsd} USD/month allows ${a.max}, below scaling.maxReplicas ${a.specMax}`;
    }
    return `scaling.maxReplicas binds (${a?.specMax ?? spec.replicas.max}), not a budget`;
}

/** p95 latency threshold: `thresholds.latencySeconds`, else {@link DEFAULT_LATENCY_SHARE} of the request timeout. */
export function latencyThresholdSeconds(spec: ServingSpec, timing: ServingTiming): number {
    return spec.observability.thresholds.latencySeconds ?? Math.round(timing.requestTimeoutSeconds * DEFAULT_LATENCY_SHARE * 1000) / 1000;
}

/** The alerts of the service, and those left out with the reason. Pure: the tests check every expression with promtool. */
export function alertRules(spec: ServingSpec, timing: ServingTiming): { rules: AlertRule[]; skipped: SkippedAlert[] } {
    const namespace = kubernetesSettings(spec).namespace;
    const service = physicalName(spec.name);
    const sel = `namespace="${namespace}",pod=~"${podPattern(spec)}"`;
    const { thresholds, notifications } = spec.observability;
    const entry = runtimeEntry(spec.runtime);
    const names = entry.metrics;
    const extra = entry.alertMetrics;
    const max = effectiveMaxReplicas(spec);
    const ready = `sum(kube_pod_status_ready{${sel},condition="true"})`;
    const rules: AlertRule[] = [];
    const skipped: SkippedAlert[] = [];
    const where = `${service} in namespace ${namespace}`;
    const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string, description: string): void => {
        rules.push({
            alert,
            expr,
            for: forDuration,
            // The routing labels first: `severity` and the service's label stay ours.
            labels: { ...(notifications.alertmanagerLabels ?? {}), severity, [SERVICE_ALERT_LABEL]: service },
            annotations: { summary, description },
        });
    };

    if (names.requestsWaiting) {
        const waiting = `sum(${names.requestsWaiting}{${sel}})`;
        rule(
            "ModelServiceQueueBuilding",
            `(${waiting} > 0) and on() (deriv(${waiting}[${WINDOW}:30s]) > 0) and on() ((${ready} or on() vector(0)) < ${max})`,
            ALERT_FOR.queueBuilding,
            "warning",
            `${service}: the queue grows faster than replicas start`,
            `${where}: {{ $value }} requests wait (${names.requestsWaiting}) and their number has grown for ${ALERT_FOR.queueBuilding} while fewer than the effective maximum of ${max} replicas are ready: replicas start too slowly for the load (cold start, pending GPU nodes) or the autoscaler reacts too late.`,
        );
    } else {
        skipped.push({ alert: "ModelServiceQueueBuilding", reason: `runtime ${spec.runtime} reports no queue gauge` });
    }

    if (spec.autoscaling && max > layouts(spec).reduce((sum, l) => sum + l.replicas.min, 0)) {
        rule(
            "ModelServiceAtMaxReplicas",
            `${ready} >= ${max}`,
            ALERT_FOR.atMaxReplicas,
            "warning",
            `${service}: at its effective maximum of ${max} replicas`,
            `${where} has run {{ $value }} ready replicas, its effective maximum of ${max}, for ${ALERT_FOR.atMaxReplicas}: more load is queued or refused. ${bindingBound(spec)}.`,
        );
    } else {
        skipped.push({ alert: "ModelServiceAtMaxReplicas", reason: "the replica count is fixed: nothing scales toward a maximum" });
    }

    const budget = spec.startupTimeoutSeconds;
    rule(
        "ModelServiceColdStartOverBudget",
        `((time() - kube_pod_created{${sel}}) > ${budget}) unless on(namespace, pod) (kube_pod_status_ready{${sel},condition="true"} == 1) unless on(namespace, pod) kube_pod_deletion_timestamp{${sel}}`,
        ALERT_FOR.coldStart,
        "warning",
        `${service}: a new replica is not ready within its cold-start budget of ${budget} s`,
        `Pod {{ $labels.pod }} of ${where} was created {{ $value | humanizeDuration }} ago and is not ready: its cold-start budget (model.startupTimeoutSeconds) is ${budget} s (node, image pull, model load).`,
    );

    if (names.requestsCompleted && extra.requestsFailed) {
        const failed = `sum(rate(${extra.requestsFailed}{${sel}}[${WINDOW}]))`;
        const done = `sum(rate(${names.requestsCompleted}{${sel}}[${WINDOW}]))`;
        rule(
            "ModelServiceErrorRate",
            `100 * ${failed} / (${done} + ${failed}) > ${thresholds.errorRatePercent}`,
            ALERT_FOR.errorRate,
            "critical",
            `${service}: more than ${thresholds.errorRatePercent}% of requests fail`,
            `{{ $value | printf "%.1f" }}% of the requests to ${where} failed over ${WINDOW} (${extra.requestsFailed}), above observability.thresholds.errorRatePercent ${thresholds.errorRatePercent}%.`,
        );
    } else {
        skipped.push({ alert: "ModelServiceErrorRate", reason: extra.missing.requestsFailed ?? `runtime ${spec.runtime} counts no completed requests` });
    }

    const latency = latencyThresholdSeconds(spec, timing);
    if (extra.requestSeconds) {
        rule(
            "ModelServiceLatencyHigh",
            `histogram_quantile(0.95, sum by (le) (rate(${extra.requestSeconds}_bucket{${sel}}[${WINDOW}]))) > ${latency}`,
            ALERT_FOR.latency,
            "warning",
            `${service}: p95 latency above ${latency} s`,
            `The p95 request time of ${where} is {{ $value | printf "%.2f" }} s over ${WINDOW} (${extra.requestSeconds}), above ${latency} s (observability.thresholds.latencySeconds; by default ${DEFAULT_LATENCY_SHARE * 100}% of the ${timing.requestTimeoutSeconds} s request timeout).`,
        );
    } else {
        skipped.push({ alert: "ModelServiceLatencyHigh", reason: extra.missing.requestSeconds as string });
    }

    if (spec.gpu) {
        const used = `DCGM_FI_DEV_FB_USED{${sel}}`;
        rule(
            "ModelServiceGpuMemoryHigh",
            `100 * ${used} / (${used} + DCGM_FI_DEV_FB_FREE{${sel}}) > ${thresholds.gpuMemoryPercent}`,
            ALERT_FOR.gpuMemory,
            "warning",
            `${service}: GPU memory above ${thresholds.gpuMemoryPercent}%`,
            `GPU {{ $labels.gpu }} of pod {{ $labels.pod }} (${where}) has {{ $value | printf "%.1f" }}% of its memory in use (DCGM exporter), above observability.thresholds.gpuMemoryPercent ${thresholds.gpuMemoryPercent}%.`,
        );
        rule(
            "ModelServicePodsPendingForGpu",
            `kube_pod_status_unschedulable{${sel}} == 1`,
            `${thresholds.pendingMinutes}m`,
            "warning",
            `${service}: a pod waits for a GPU node (${spec.gpu.accelerator})`,
            `Pod {{ $labels.pod }} of ${where} has been Pending, unschedulable, for more than ${thresholds.pendingMinutes} minutes (observability.thresholds.pendingMinutes): no node with ${spec.gpu.count} free ${spec.gpu.accelerator} GPU(s) fits it (node pool at its maximum, quota, capacity).`,
        );
    } else {
        skipped.push({ alert: "ModelServiceGpuMemoryHigh", reason: "the service has no GPU" }, { alert: "ModelServicePodsPendingForGpu", reason: "the service has no GPU" });
    }
    return { rules, skipped };
}

/** Labels of the PodMonitor and PrometheusRule: the service's, and those the cluster's Prometheus selects them by. */
function monitoringLabels(spec: ServingSpec): Record<string, string> {
    return { ...kubernetesLabels(spec.owner), ...spec.observability.prometheusLabels };
}

/**
 * The PodMonitor, or undefined when the server has no metrics endpoint. The endpoint is the container's port by name
 * (`http`, `metrics`), or on Knative the pod's `user-port`, or by number when the metrics port is not the serving one
 * (Knative keeps one port: `portNumber`, Prometheus Operator 0.79 and later). On Knative the template's port is named
 * `http1`, but the revision's Deployment renames it: the pod's serving port is always `user-port` (knative/serving
 * pkg/apis/serving/v1/revision_helpers.go `UserPortName`, set by pkg/reconciler/revision/resources/deploy.go
 * `makeServingContainer`), and the queue-proxy's ports (`http-queueadm`, `http-autometric`, `http-usermetric`, the
 * proxy port) are other names, so the PodMonitor never scrapes the sidecar in place of the server.
 */
export function podMonitorArgs(spec: ServingSpec): kubernetes.apiextensions.CustomResourceArgs | undefined {
    if (!spec.metricsPath) return undefined;
    const separate = spec.metricsPort !== undefined && spec.metricsPort !== spec.port;
    const port = onKnative(spec) ? (separate ? { portNumber: spec.metricsPort } : { port: KNATIVE_USER_PORT_NAME }) : { port: separate ? "metrics" : "http" };
    const base = physicalName(spec.name);
    return {
        apiVersion: MONITORING_API,
        kind: "PodMonitor",
        metadata: { name: base, namespace: kubernetesSettings(spec).namespace, labels: monitoringLabels(spec) },
        spec: {
            // Every version's pods carry the service's selector labels (the version label sets versions apart).
            selector: { matchLabels: selectorLabels(spec.owner) },
            podMetricsEndpoints: [{ ...port, path: spec.metricsPath }],
        },
    };
}

/** The PrometheusRule: one group of the service's alerts. */
export function prometheusRuleArgs(spec: ServingSpec, timing: ServingTiming): kubernetes.apiextensions.CustomResourceArgs {
    const base = physicalName(spec.name);
    return prometheusRule({ name: base, namespace: kubernetesSettings(spec).namespace, labels: monitoringLabels(spec) }, `modelship-${base}`, alertRules(spec, timing).rules);
}

/**
 * With `installKnative` and `observability.enabled`: a PodMonitor of Knative's autoscaler and activator (in
 * knative-serving, labels `app.kubernetes.io/name: knative-serving` and `app`, port `metrics`: knative/serving
 * config/core/deployments/autoscaler.yaml, activator.yaml), whose `kn_revision_*` series the dashboard reads. Their
 * series name the revision's namespace in `k8s_namespace_name`, so the target's own `namespace` label never clashes.
 */
export function knativeControlPlaneMonitorArgs(spec: ServingSpec): kubernetes.apiextensions.CustomResourceArgs {
    return {
        apiVersion: MONITORING_API,
        kind: "PodMonitor",
        metadata: { name: "knative-serving-control-plane", namespace: KNATIVE_SERVING_NAMESPACE, labels: monitoringLabels(spec) },
        spec: {
            selector: {
                matchLabels: { "app.kubernetes.io/name": "knative-serving" },
                matchExpressions: [{ key: "app", operator: "In", values: ["autoscaler", "activator"] }],
            },
            podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }],
        },
    };
}

/** Creates the PodMonitor and PrometheusRule when `observability.enabled`; nothing otherwise. */
export function deployObservability(spec: ServingSpec, timing: ServingTiming, opts: pulumi.CustomResourceOptions): Record<string, pulumi.Resource> {
    if (!spec.observability.enabled) return {};
    const resources: Record<string, pulumi.Resource> = {};
    const base = physicalName(spec.name);
    const monitor = podMonitorArgs(spec);
    if (monitor) resources.podMonitor = new kubernetes.apiextensions.CustomResource(base, monitor, opts);
    resources.prometheusRule = new kubernetes.apiextensions.CustomResource(base, prometheusRuleArgs(spec, timing), opts);
    return resources;
}

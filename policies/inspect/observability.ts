/**
 * What watches a GPU service: on Kubernetes a PodMonitor or ServiceMonitor whose selector takes the workload's pods
 * (the scrape target) and a PrometheusRule with an alert whose expression names the workload (the alerts); on SageMaker
 * a CloudWatch alarm on the endpoint's metrics (AWS publishes them: there is nothing to scrape); on Cloud Run a Cloud
 * Monitoring alert policy on the service (the same). Read from the stack's resources, ModelService's and hand-written
 * alike. Pure functions over {@link PlainResource}s; a value not known during preview throws `UnknownInput`.
 */
import { get, list, record, str } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";
import { podTemplate } from "./kubernetes";
import { AWS, K8S } from "./types";

export const MONITORING = {
    podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
    serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
} as const;

/** Whether every `matchLabels` entry of a label selector is among `labels` (an empty selector takes everything). */
function selects(selector: unknown, labels: Record<string, unknown>): boolean {
    return Object.entries(record(selector, "matchLabels")).every(([k, v]) => labels[k] === v);
}

/** Whether a monitor's `namespaceSelector` reaches `namespace` (none: the monitor's own namespace). */
function reachesNamespace(monitor: PlainResource, namespace: string | undefined): boolean {
    if (get(monitor.inputs, "spec.namespaceSelector.any") === true) return true;
    const names = list(monitor.inputs, "spec.namespaceSelector.matchNames");
    if (names.length > 0) return names.includes(namespace ?? "default");
    return (str(monitor.inputs, "metadata.namespace") ?? "default") === (namespace ?? "default");
}

/**
 * A workload of placeholder pods only (every container Kubernetes' pause image: GpuPool's warm headroom): it holds GPUs
 * for others and serves nothing, so there is nothing to scrape or alert on.
 */
export function placeholderOnly(r: PlainResource): boolean {
    const containers = list(podTemplate(r)?.spec, "containers");
    return containers.length > 0 && containers.every((c) => /(^|\/)pause[:@]/.test(str(c, "image") ?? ""));
}

/**
 * The pods' labels of a workload: a Knative Service's pods also carry `serving.knative.dev/service`, a Configuration's
 * `serving.knative.dev/configuration` (knative/serving pkg/reconciler/revision/resources/meta.go copies the revision's
 * labels, the template's among them, onto its pods).
 */
function podLabels(r: PlainResource): Record<string, unknown> {
    if (r.type === K8S.knativeService) return { ...record(r.inputs, "spec.template.metadata.labels"), "serving.knative.dev/service": str(r.inputs, "metadata.name") };
    if (r.type === K8S.knativeConfiguration) return { ...record(r.inputs, "spec.template.metadata.labels"), "serving.knative.dev/configuration": str(r.inputs, "metadata.name") };
    return podTemplate(r)?.labels ?? {};
}

/** The PodMonitor or ServiceMonitor (through a Service that selects the pods) that scrapes a workload, or undefined. */
export function scrapeTargetOf(r: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource | undefined {
    const namespace = str(r.inputs, "metadata.namespace");
    const labels = podLabels(r);
    const podMonitor = resources.find((m) => m.type === MONITORING.podMonitor && reachesNamespace(m, namespace) && selects(get(m.inputs, "spec.selector"), labels));
    if (podMonitor) return podMonitor;
    const services = resources.filter(
        (s) => s.type === K8S.service && (str(s.inputs, "metadata.namespace") ?? "default") === (namespace ?? "default") && Object.keys(record(s.inputs, "spec.selector")).length > 0,
    );
    const selecting = services.filter((s) => Object.entries(record(s.inputs, "spec.selector")).every(([k, v]) => labels[k] === v));
    return resources.find(
        (m) => m.type === MONITORING.serviceMonitor && selecting.some((s) => reachesNamespace(m, namespace) && selects(get(m.inputs, "spec.selector"), record(s.inputs, "metadata.labels"))),
    );
}

/** The PrometheusRule with an alert whose expression names the workload (its name, as its pods' names start with it). */
export function alertRuleOf(r: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource | undefined {
    const name = str(r.inputs, "metadata.name");
    if (name === undefined) return undefined;
    return resources.find(
        (p) =>
            p.type === MONITORING.prometheusRule &&
            list(p.inputs, "spec.groups").some((g) => list(g, "rules").some((rule) => str(rule, "alert") !== undefined && (str(rule, "expr") ?? "").includes(name))),
    );
}

/** A PrometheusRule with an alert on NVIDIA's DCGM exporter metrics (`DCGM_FI_DEV_*`), or undefined. */
export function dcgmAlertRule(resources: ReadonlyArray<PlainResource>): PlainResource | undefined {
    return resources.find(
        (p) =>
            p.type === MONITORING.prometheusRule &&
            list(p.inputs, "spec.groups").some((g) => list(g, "rules").some((rule) => str(rule, "alert") !== undefined && (str(rule, "expr") ?? "").includes("DCGM_FI_DEV_"))),
    );
}

/** The dimensions an alarm watches: its own, and those of its metric queries. */
function alarmDimensions(alarm: PlainResource): Record<string, unknown>[] {
    return [record(alarm.inputs, "dimensions"), ...list(alarm.inputs, "metricQueries").map((q) => record(q, "metric.dimensions"))];
}

/** A CloudWatch alarm on the metrics of the SageMaker endpoint(s) that use an endpoint configuration. */
export function sagemakerAlarmOf(config: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource | undefined {
    const configName = str(config.inputs, "name");
    const endpoints = resources
        .filter((e) => e.type === AWS.sagemakerEndpoint && (str(e.inputs, "endpointConfigName") === configName || (e.dependencies ?? []).includes(config.urn)))
        .map((e) => str(e.inputs, "name"));
    return resources.find((a) => a.type === MONITORING.metricAlarm && alarmDimensions(a).some((d) => typeof d.EndpointName === "string" && endpoints.includes(d.EndpointName)));
}

/** A Cloud Monitoring alert policy whose conditions filter on a Cloud Run service's name. */
export function cloudRunAlertOf(service: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource | undefined {
    const name = str(service.inputs, "name");
    if (name === undefined) return undefined;
    const names = `resource.labels.service_name="${name}"`;
    return resources.find((p) => p.type === MONITORING.alertPolicy && JSON.stringify(get(p.inputs, "conditions") ?? []).includes(JSON.stringify(names).slice(1, -1)));
}

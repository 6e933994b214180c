/**
 * The ConfigMap Grafana's dashboard sidecar loads (the Grafana Helm chart's `sidecar.dashboards`, which watches
 * ConfigMaps carrying its label, `grafana_dashboard: "1"` by default, and loads every `*.json` key as a dashboard).
 * The labels are the service's plus `observability.grafanaDashboardLabels` (resolved in observability.ts, default
 * {@link DEFAULT_GRAFANA_DASHBOARD_LABELS}); the one data key is `<name>.json`.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_GRAFANA_DASHBOARD_LABELS } from "../observability";
import type { GrafanaDashboard } from "./dashboard";

/** The data key of the dashboard: the sidecar loads keys ending in `.json`. */
export function dashboardDataKey(name: string): string {
    return `${name}.json`;
}

/**
 * The dashboard's ConfigMap, named `name` in `namespace` (Grafana's sidecar searches every namespace, or the ones it
 * is told to). `labels` are the service's labels with the sidecar's label(s) (`spec.observability.grafanaDashboardLabels`)
 * merged in: the sidecar's win on a clash, since without them the dashboard is never loaded. `dashboardJson` is the
 * dashboard (`grafanaDashboard`, dashboard.ts) or its JSON text, or an Output of either.
 */
export function createDashboardConfigMap(
    name: string,
    namespace: pulumi.Input<string>,
    labels: { service: Record<string, string>; grafanaDashboard?: Record<string, string> },
    dashboardJson: pulumi.Input<GrafanaDashboard | string>,
    opts: pulumi.CustomResourceOptions,
): kubernetes.core.v1.ConfigMap {
    // An Output when the namespace is one (`kubernetes.namespace` may be an Input): the dashboard is then built in apply.
    const json = pulumi.output(dashboardJson).apply((d) => (typeof d === "string" ? d : JSON.stringify(d, null, 2)));
    return new kubernetes.core.v1.ConfigMap(
        name,
        {
            metadata: { name, namespace, labels: { ...labels.service, ...(labels.grafanaDashboard ?? DEFAULT_GRAFANA_DASHBOARD_LABELS) } },
            data: { [dashboardDataKey(name)]: json },
        },
        opts,
    );
}

/**
 * The Prometheus Operator's objects every component writes (ModelService's alerts, GpuPool's, the spend guard's): the
 * API version, one alerting rule's shape, and the PrometheusRule of one group of rules. Each component builds its own
 * rules; the object around them is written here, once.
 */

/** API group and version of the Prometheus Operator's objects. */
export const MONITORING_API = "monitoring.coreos.com/v1";

/** One alerting rule of a PrometheusRule. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string };
}

/** A PrometheusRule of one group of alerting rules. */
export interface PrometheusRuleObject<N> {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: N; labels: Record<string, string> };
    spec: { groups: { name: string; rules: AlertRule[] }[] };
}

/** The PrometheusRule `name` in `namespace`, its one group `group` holding `rules`. */
export function prometheusRule<N>(where: { name: string; namespace: N; labels: Record<string, string> }, group: string, rules: AlertRule[]): PrometheusRuleObject<N> {
    return {
        apiVersion: MONITORING_API,
        kind: "PrometheusRule",
        metadata: { name: where.name, namespace: where.namespace, labels: where.labels },
        spec: { groups: [{ name: group, rules }] },
    };
}

/**
 * `installKnative`: Knative Serving, installed by its operator. A Helm release of the knative-operator chart (pinned),
 * the `knative-serving` namespace, and a KnativeServing resource that the operator turns into Knative Serving:
 * Kourier as the networking layer with its gateway as a ClusterIP Service (no cloud load balancer: modelship's
 * Knative services are cluster-local), the config-features flags the revisions need, and a revision timeout limit
 * that fits a request waiting for a cold start (knative.dev/docs/install/operator/knative-with-operators,
 * configuring-serving-cr).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The chart installed with `installKnative`: knative-operator v1.23.0 (Knative 1.23, published 2026-08-04 in the
 * chart repository's index, knative/operator gh-pages index.yaml). Pinned, so that an install is the same every time.
 */
export const KNATIVE_OPERATOR_CHART = { repo: "https://knative.github.io/operator", chart: "knative-operator", version: "v1.23.0", namespace: "knative-operator" } as const;
/** The Knative Serving release the operator installs (`spec.version`: the operator's own minor, not "latest"). */
export const KNATIVE_SERVING_VERSION = "1.23";
/** Where Knative Serving runs: the namespace the KnativeServing resource lives in. */
export const KNATIVE_SERVING_NAMESPACE = "knative-serving";
/** Knative's default `max-revision-timeout-seconds` (config-defaults, knative/serving config/core/configmaps/defaults.yaml): kept when the services need no more. */
export const KNATIVE_DEFAULT_MAX_REVISION_TIMEOUT_SECONDS = 600;

/** What the services on Knative need of it: config-features flags, and their longest request timeout. */
export interface KnativeServingNeeds {
    features: string[];
    timeoutSeconds: number;
    /**
     * Have the autoscaler and activator export their metrics for Prometheus to scrape (config-observability
     * `metrics-protocol: prometheus`, on their port `metrics`, 9090): Knative Serving 1.19 and later export none by
     * default (knative/serving config/core/configmaps/observability.yaml: "'none' (the default)").
     */
    prometheusMetrics?: boolean;
}

/** The KnativeServing resource's arguments. */
export function knativeServingArgs(needs: KnativeServingNeeds): kubernetes.apiextensions.CustomResourceArgs {
    return {
        apiVersion: "operator.knative.dev/v1beta1",
        kind: "KnativeServing",
        metadata: { name: "knative-serving", namespace: KNATIVE_SERVING_NAMESPACE },
        spec: {
            version: KNATIVE_SERVING_VERSION,
            ingress: { kourier: { enabled: true, "service-type": "ClusterIP" } },
            config: {
                network: { "ingress-class": "kourier.ingress.networking.knative.dev" },
                features: Object.fromEntries(needs.features.map((flag) => [flag, "enabled"])),
                defaults: { "max-revision-timeout-seconds": String(Math.max(KNATIVE_DEFAULT_MAX_REVISION_TIMEOUT_SECONDS, needs.timeoutSeconds)) },
                ...(needs.prometheusMetrics ? { observability: { "metrics-protocol": "prometheus" } } : {}),
            },
        },
    };
}

/**
 * Installs the operator and Knative Serving; returns the KnativeServing resource (what the Knative services wait on)
 * and everything created. One per cluster: two installs would fight over the operator's CRDs and the namespace.
 */
export function createKnativeInstall(logicalName: string, needs: KnativeServingNeeds, opts: pulumi.CustomResourceOptions): { serving: pulumi.Resource; resources: Record<string, pulumi.Resource> } {
    const release = new kubernetes.helm.v3.Release(
        `${logicalName}-operator`,
        {
            name: "knative-operator",
            chart: KNATIVE_OPERATOR_CHART.chart,
            version: KNATIVE_OPERATOR_CHART.version,
            repositoryOpts: { repo: KNATIVE_OPERATOR_CHART.repo },
            namespace: KNATIVE_OPERATOR_CHART.namespace,
            createNamespace: true,
            // The KnativeServing resource that follows needs the operator's CRD and its webhook ready.
            atomic: true,
            timeout: 600,
        },
        opts,
    );
    const namespace = new kubernetes.core.v1.Namespace(`${logicalName}-namespace`, { metadata: { name: KNATIVE_SERVING_NAMESPACE } }, opts);
    const serving = new kubernetes.apiextensions.CustomResource(`${logicalName}-serving`, knativeServingArgs(needs), { ...opts, dependsOn: [release, namespace] });
    return { serving, resources: { knativeOperatorRelease: release, knativeServingNamespace: namespace, knativeServing: serving } };
}

/**
 * observability-required (advisory by default): a GPU service nobody watches is the most expensive thing to leave
 * unwatched. Flags a GPU serving workload without a scrape target or alerts: Kubernetes workloads whose pods ask for
 * GPUs (Deployment, StatefulSet, Knative Service, or Knative Configuration: a canary's versions) without a PodMonitor/ServiceMonitor that takes their pods or a
 * PrometheusRule alert that names them; SageMaker endpoint configurations on GPU instances without a CloudWatch alarm
 * on their endpoint; Cloud Run services with GPUs without a Cloud Monitoring alert policy on them. ModelService creates
 * all of these by default (`observability`); the rule reads the resources, so hand-written ones count the same.
 * Placeholder pods (GpuPool's warm headroom, pause containers) serve nothing and are not asked.
 */
import { collectScaling } from "../../sdk/cost";
import type { Finding, PlainResource, StackRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import { gpuFleets } from "../inspect/fleets";
import { alertRuleOf, cloudRunAlertOf, placeholderOnly, sagemakerAlarmOf, scrapeTargetOf } from "../inspect/observability";
import { AWS, GCP, K8S } from "../inspect/types";

const KUBERNETES_WORKLOADS: readonly string[] = [K8S.deployment, K8S.statefulSet, K8S.knativeService, K8S.knativeConfiguration];

/** What is missing for one GPU resource, in words; empty when it is watched. */
function missing(r: PlainResource, resources: ReadonlyArray<PlainResource>): string[] {
    if (KUBERNETES_WORKLOADS.includes(r.type)) {
        const gaps: string[] = [];
        if (!scrapeTargetOf(r, resources))
            gaps.push(
                "no PodMonitor or ServiceMonitor selects its pods, so Prometheus never scrapes its metrics (the Prometheus Operator ignores prometheus.io annotations) and an autoscaler on them sees no data",
            );
        if (!alertRuleOf(r, resources)) gaps.push("no PrometheusRule alert names it");
        return gaps;
    }
    if (r.type === AWS.sagemakerEndpointConfig) return sagemakerAlarmOf(r, resources) ? [] : ["no CloudWatch alarm watches its endpoint's metrics (EndpointName dimension)"];
    if (r.type === GCP.cloudRunService) return cloudRunAlertOf(r, resources) ? [] : ["no Cloud Monitoring alert policy filters on the service (resource.labels.service_name)"];
    return [];
}

export const observabilityRequired: StackRule<Record<string, never>> = {
    kind: "stack",
    name: "observability-required",
    description:
        "A GPU service has a scrape target and alerts: Kubernetes GPU workloads a PodMonitor or ServiceMonitor and a PrometheusRule alert, SageMaker GPU endpoints a CloudWatch alarm, Cloud Run GPU services a Cloud Monitoring alert policy.",
    enforcementLevel: "advisory",
    settings: {},
    remediationSteps:
        "Leave ModelService's observability on (the default), or create the scrape target and alerts by hand: a PodMonitor selecting the pods and a PrometheusRule, a CloudWatch alarm on the endpoint, a Cloud Monitoring alert policy on the service.",
    check(resources) {
        const findings: Finding[] = [];
        const scalingOf = collectScaling(resources);
        for (const r of resources) {
            if (![...KUBERNETES_WORKLOADS, AWS.sagemakerEndpointConfig, GCP.cloudRunService].includes(r.type)) continue;
            checking(findings, "whether this GPU service is watched", r.urn, () => {
                if (gpuFleets(r, scalingOf(r)).length === 0 || placeholderOnly(r)) return;
                const gaps = missing(r, resources);
                if (gaps.length > 0) findings.push({ urn: r.urn, message: `${r.name} runs on GPUs and nobody is told when it fails or its queue builds: ${gaps.join("; ")}` });
            });
        }
        return findings;
    },
};

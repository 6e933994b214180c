/**
 * observability-required (advisory by default): a GPU service nobody watches is the most expensive thing to leave
 * unwatched. Flags a GPU serving workload without a scrape target or alerts: Kubernetes workloads whose pods ask for
 * GPUs (Deployment, StatefulSet, Knative Service, or Knative Configuration: a canary's versions) without a PodMonitor/ServiceMonitor that takes their pods or a
 * PrometheusRule alert that names them; SageMaker endpoint configurations on GPU instances without a CloudWatch alarm
 * on their endpoint; Cloud Run services with GPUs without a Cloud Monitoring alert policy on them. ModelService creates
 * all of these by default (`observability`); the rule reads the resources, so hand-written ones count the same.
 * Placeholder pods (GpuPool's warm headroom, pause containers) serve nothing and are not asked. GPU nodes (an EKS node
 * group on a GPU AMI, a GKE node pool with accelerators, a Karpenter NodePool of GPU instances) are asked for a
 * PrometheusRule alert on NVIDIA's DCGM exporter metrics (`DCGM_FI_DEV_*`), as GpuPool's observability creates by default:
 * without one nobody is told when a GPU's memory fills, it reports an XID error or the nodes sit idle.
 */
import { collectScaling } from "../../sdk/cost";
import type { Finding, PlainResource, StackRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import { gpuFleets } from "../inspect/fleets";
import { alertRuleOf, cloudRunAlertOf, dcgmAlertRule, placeholderOnly, sagemakerAlarmOf, scrapeTargetOf } from "../inspect/observability";
import { AWS, GCP, K8S, KARPENTER_NODE_POOLS } from "../inspect/types";

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
        "A GPU service has a scrape target and alerts: Kubernetes GPU workloads a PodMonitor or ServiceMonitor and a PrometheusRule alert, SageMaker GPU endpoints a CloudWatch alarm, Cloud Run GPU services a Cloud Monitoring alert policy; GPU nodes a PrometheusRule alert on the DCGM exporter's metrics.",
    enforcementLevel: "advisory",
    settings: {},
    remediationSteps:
        "Leave ModelService's and GpuPool's observability on (the default), or create the scrape target and alerts by hand: a PodMonitor selecting the pods and a PrometheusRule, a CloudWatch alarm on the endpoint, a Cloud Monitoring alert policy on the service.",
    check(resources) {
        const findings: Finding[] = [];
        const scalingOf = collectScaling(resources);
        for (const r of resources) {
            if (r.type === AWS.eksNodeGroup || r.type === GCP.gkeNodePool || KARPENTER_NODE_POOLS.has(r.type)) {
                checking(findings, "whether these GPU nodes are watched", r.urn, () => {
                    if (gpuFleets(r).length === 0 || dcgmAlertRule(resources)) return;
                    findings.push({
                        urn: r.urn,
                        message: `${r.name} holds GPUs and no PrometheusRule alert reads NVIDIA's DCGM exporter (DCGM_FI_DEV_*): nobody is told when a GPU's memory fills, it reports an XID error or the nodes sit idle (GpuPool's observability creates the exporter and these alerts)`,
                    });
                });
                continue;
            }
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

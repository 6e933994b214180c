/**
 * autoscaling-max-required: every autoscaler has a maximum, and every GPU node group, node pool and Karpenter
 * NodePool a maximum size or device limit. Without one, a traffic spike (or a bug) buys GPUs until a cloud
 * quota stops it.
 */
import { list, num, str } from "../../sdk/cost/inputs";
import { cloudRunInstanceCounts } from "../../sdk/cost/pricers/cloudrun";
import { HPA_TYPES } from "../../sdk/cost/scaling";
import type { Finding, ResourceRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import { gpuFleets } from "../inspect/fleets";
import { AWS, GCP, K8S, KARPENTER_NODE_POOLS } from "../inspect/types";

const CHECKED: ReadonlySet<string> = new Set([
    ...HPA_TYPES,
    ...KARPENTER_NODE_POOLS,
    K8S.scaledObject,
    AWS.appAutoscalingTarget,
    AWS.eksNodeGroup,
    AWS.sagemakerEndpointConfig,
    GCP.gkeNodePool,
    GCP.cloudRunService,
]);

/** The missing maximum of an autoscaler, or undefined. */
function autoscalerProblem(type: string, inputs: Record<string, unknown>): string | undefined {
    if (HPA_TYPES.has(type) && num(inputs, "spec.maxReplicas") === undefined) return "the HorizontalPodAutoscaler sets no spec.maxReplicas";
    if (type === K8S.scaledObject && num(inputs, "spec.maxReplicaCount") === undefined) {
        return "the KEDA ScaledObject sets no spec.maxReplicaCount, so KEDA scales its target up to its default of 100 replicas";
    }
    if (type === AWS.appAutoscalingTarget && num(inputs, "maxCapacity") === undefined) return "the Application Auto Scaling target sets no maxCapacity";
    if (type === GCP.cloudRunService) {
        const counts = cloudRunInstanceCounts(inputs);
        if (counts.defaultMax) return `the Cloud Run service sets no template.scaling.maxInstanceCount, so Cloud Run scales it up to its default of ${counts.max} instances`;
    }
    return undefined;
}

/** SageMaker variants with managed instance scaling but no maximum (GPU or not). */
function sagemakerProblems(inputs: Record<string, unknown>): string[] {
    return list(inputs, "productionVariants").flatMap((variant, i) => {
        if (str(variant, "managedInstanceScaling.status") !== "ENABLED" || num(variant, "managedInstanceScaling.maxInstanceCount") !== undefined) return [];
        const name = str(variant, "variantName");
        return [`variant ${name !== undefined ? JSON.stringify(name) : `#${i}`} enables managedInstanceScaling without productionVariants[${i}].managedInstanceScaling.maxInstanceCount`];
    });
}

export const autoscalingMaxRequired: ResourceRule = {
    kind: "resource",
    name: "autoscaling-max-required",
    description:
        "Every autoscaler (HorizontalPodAutoscaler, KEDA ScaledObject, Application Auto Scaling target, Cloud Run service, SageMaker managed instance scaling) has a maximum, and every GPU node group, GKE node pool and Karpenter NodePool a maximum size or GPU limit.",
    enforcementLevel: "mandatory",
    settings: {},
    remediationSteps:
        "Set the maximum the message names (maxReplicas, maxReplicaCount, maxCapacity, maxInstanceCount, scalingConfig.maxSize, autoscaling.totalMaxNodeCount, or a nvidia.com/gpu entry in the NodePool's spec.limits).",
    appliesTo: (type) => CHECKED.has(type),
    check(r) {
        const findings: Finding[] = [];
        checking(findings, "the autoscaling maximum", r.urn, () => {
            const problems: string[] = [];
            const autoscaler = autoscalerProblem(r.type, r.inputs);
            if (autoscaler) problems.push(autoscaler);
            if (r.type === AWS.sagemakerEndpointConfig) problems.push(...sagemakerProblems(r.inputs));
            else {
                for (const fleet of gpuFleets(r)) {
                    if (fleet.capacity && fleet.maxMissing?.kind === "unbounded") problems.push(`${fleet.label} has GPUs and no maximum: ${fleet.maxMissing.words}`);
                }
            }
            findings.push(...problems.map((message) => ({ urn: r.urn, message })));
        });
        return findings;
    },
};

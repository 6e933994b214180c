/**
 * cost-tags: the cost-allocation tags every taggable cloud resource must carry, so that the bill can be split
 * by team and cost centre. AWS: the `tags` input or the provider's `defaultTags`; GCP: `labels` (or
 * `resourceLabels`, a node pool's `nodeConfig.resourceLabels`) or the provider's `defaultLabels`, with keys as
 * GCP writes them (lower case); Kubernetes: the labels of workloads (the object's or its pods', which cost tools
 * such as OpenCost attribute by), under the tag's own key or modelship's `modelship.dev/<tag>`; Karpenter
 * EC2NodeClasses: `spec.tags`, the AWS tags of the GPU instances Karpenter launches.
 */
import { record } from "../../sdk/cost/inputs";
import { gcpLabelKey } from "../../sdk/naming";
import type { Finding, PlainResource, ResourceRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import { AWS_TAGGABLE_TYPES, GCP_LABELED_TYPES } from "../data/taggable.data";
import { runsPods } from "../inspect/kubernetes";
import { awsTags, gcpLabels, kubernetesLabels, tagValue } from "../inspect/tags";
import { GCP } from "../inspect/types";

/** Config of cost-tags. */
export interface CostTagsConfig {
    required: string[];
}

/** Karpenter's EC2NodeClass: its `spec.tags` go on every EC2 instance Karpenter launches with it. */
const EC2_NODE_CLASSES: ReadonlySet<string> = new Set(["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"]);

/** The tags of a resource and where they are set, for the message. */
function tagsOf(r: PlainResource): { tags: Record<string, unknown>; where: string; key: (k: string) => string } {
    if (EC2_NODE_CLASSES.has(r.type)) return { tags: record(r.inputs, "spec.tags"), where: "spec.tags, which Karpenter puts on the EC2 instances it launches", key: (k) => k };
    if (r.type.startsWith("aws:")) return { tags: awsTags(r), where: "tags, or the AWS provider's defaultTags", key: (k) => k };
    if (r.type.startsWith("gcp:")) {
        const where = r.type === GCP.gkeNodePool ? "nodeConfig.resourceLabels" : "labels";
        return { tags: gcpLabels(r), where: `${where}, or the GCP provider's defaultLabels`, key: gcpLabelKey };
    }
    return { tags: kubernetesLabels(r), where: "labels of the object or its pod template, as <tag> or modelship.dev/<tag>", key: (k) => k };
}

export const costTags: ResourceRule<CostTagsConfig> = {
    kind: "resource",
    name: "cost-tags",
    description: "Every taggable AWS and GCP resource, every Kubernetes workload and every Karpenter EC2NodeClass carries the cost-allocation tags in required.",
    enforcementLevel: "advisory",
    settings: {
        required: {
            type: "strings",
            default: ["team", "cost-center"],
            description:
                "Tag keys every taggable resource must carry with a non-empty value. Defaults to team and cost-center (modelship sets them from the modelship:team and modelship:costCenter stack config, or a component's tags).",
        },
    },
    remediationSteps:
        "Set the stack config modelship:team and modelship:costCenter (modelship components tag every resource with them), or add the tags to the resource or to the provider's defaultTags/defaultLabels.",
    appliesTo: (type) => AWS_TAGGABLE_TYPES.has(type) || GCP_LABELED_TYPES.has(type) || type === GCP.gkeNodePool || runsPods(type) || EC2_NODE_CLASSES.has(type),
    check(r, config) {
        const findings: Finding[] = [];
        checking(findings, "the cost-allocation tags", r.urn, () => {
            const { tags, where, key } = tagsOf(r);
            const missing = config.required.filter((k) => tagValue(tags, key(k)) === undefined);
            if (missing.length > 0) findings.push({ urn: r.urn, message: `missing cost-allocation tag(s) ${missing.map(key).join(", ")} (${where})` });
        });
        return findings;
    },
};

/**
 * Tags and labels a resource carries: AWS `tags` (plus the provider's `defaultTags`), GCP `labels` and
 * `resourceLabels` (plus the provider's `defaultLabels`), Kubernetes labels of the object and of its pods.
 */
import { get, record } from "../../sdk/cost/inputs";
import { LABEL_PREFIX } from "../../sdk/naming";
import type { PlainResource } from "../framework/types";
import { GCP_RESOURCE_LABEL_TYPES } from "../data/taggable.data";
import { podTemplate } from "./kubernetes";
import { GCP } from "./types";

/** A map input that providers may also hold as a JSON string (provider settings are strings on the wire). */
function mapOf(root: unknown, path: string): Record<string, unknown> {
    const value = get(root, path);
    if (typeof value === "string") {
        try {
            const parsed = JSON.parse(value) as unknown;
            return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
        } catch {
            return {};
        }
    }
    return record(root, path);
}

/** The AWS provider's default tags (`defaultTags.tags`), which it adds to every taggable resource. */
export function providerDefaultTags(r: PlainResource): Record<string, unknown> {
    if (!r.provider?.type.startsWith("pulumi:providers:aws")) return {};
    return record(mapOf(r.provider.inputs, "defaultTags"), "tags");
}

/** The GCP provider's default labels, which it adds to every resource that takes labels. */
export function providerDefaultLabels(r: PlainResource): Record<string, unknown> {
    if (!r.provider?.type.startsWith("pulumi:providers:gcp")) return {};
    return mapOf(r.provider.inputs, "defaultLabels");
}

/** An AWS resource's tags: its own over the provider's defaults. */
export function awsTags(r: PlainResource): Record<string, unknown> {
    return { ...providerDefaultTags(r), ...record(r.inputs, "tags") };
}

/** A GCP resource's labels: its own (`labels`, or `resourceLabels` for GKE clusters, node pools' node labels) over the provider's defaults. */
export function gcpLabels(r: PlainResource): Record<string, unknown> {
    const own = r.type === GCP.gkeNodePool ? record(r.inputs, "nodeConfig.resourceLabels") : GCP_RESOURCE_LABEL_TYPES.has(r.type) ? record(r.inputs, "resourceLabels") : record(r.inputs, "labels");
    return { ...providerDefaultLabels(r), ...own };
}

/** The labels of a Kubernetes object and, for a workload, of its pods (what cost tools attribute by). */
export function kubernetesLabels(r: PlainResource): Record<string, unknown> {
    return { ...record(r.inputs, "metadata.labels"), ...(podTemplate(r)?.labels ?? {}) };
}

/** Every tag or label of a resource, whatever its cloud. */
export function allTags(r: PlainResource): Record<string, unknown> {
    if (r.type.startsWith("aws:")) return awsTags(r);
    if (r.type.startsWith("gcp:")) return gcpLabels(r);
    if (r.type.startsWith("kubernetes:")) return kubernetesLabels(r);
    return {};
}

/** A tag's value, also under modelship's Kubernetes label key (`modelship.dev/<key>`); undefined when absent or empty. */
export function tagValue(tags: Record<string, unknown>, key: string): unknown {
    for (const k of [key, `${LABEL_PREFIX}/${key}`]) {
        const value = tags[k];
        if (value !== undefined && value !== null && value !== "") return value;
    }
    return undefined;
}

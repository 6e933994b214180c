/**
 * Names, labels and tags: one scheme for every resource modelship creates.
 *
 * - Kubernetes objects carry the recommended `app.kubernetes.io/*` labels plus `modelship.dev/*` labels
 *   (service, environment, and one per tag: `modelship.dev/team`, `modelship.dev/cost-center`, ...).
 *   Selectors use only labels that never change for the life of a service (name and instance), so a
 *   version bump never touches an immutable selector.
 * - Cloud resources carry the tags `team`, `service`, `environment`, `cost-center` and `managed-by`.
 *   Team, cost centre and environment come from the component's `tags`, else from stack config
 *   (`modelship:team`, `modelship:costCenter`, `modelship:environment`), else the environment is the stack name.
 * - Physical names derive from the resource name only, never from versions or images, so they stay
 *   stable across updates.
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Label key prefix of modelship's own labels. */
export const LABEL_PREFIX = "modelship.dev";

/**
 * Label naming the accelerator a pod requests (for example `l4`); GpuPool nodes carry the same key. Components
 * set it, the cost model and the policies read it to price and check pods on a cluster the stack does not create.
 */
export const ACCELERATOR_LABEL = `${LABEL_PREFIX}/accelerator`;

/** Who a set of resources belongs to. */
export interface Ownership {
    /** The component type, for example `ModelService`. */
    component: string;
    /** The component's resource name, also the service name. */
    service: string;
    /** Extra tags from the user; `team`, `cost-center` and `environment` here override stack config. */
    tags?: Record<string, string>;
}

/** Tags read from stack config, shared by every component of a stack. */
export function stackTagDefaults(): Record<string, string> {
    const config = new pulumi.Config("modelship");
    const out: Record<string, string> = { environment: config.get("environment") ?? pulumi.getStack() };
    const team = config.get("team");
    const costCenter = config.get("costCenter");
    if (team) out.team = team;
    if (costCenter) out["cost-center"] = costCenter;
    return out;
}

/** Cloud tags (AWS tags; GCP labels after {@link gcpLabels}) for a component's resources. */
export function cloudTags(owner: Ownership): Record<string, string> {
    return {
        ...stackTagDefaults(),
        ...(owner.tags ?? {}),
        service: owner.service,
        "managed-by": "modelship",
    };
}

/** A Kubernetes label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValue(value: string): string {
    let v = value.replace(/[^A-Za-z0-9._-]/g, "-");
    if (v.length > 63) v = `${v.slice(0, 54)}-${shortHash(value, 8)}`;
    return v.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}

/**
 * A tag key as a GCP label key: lowercase [a-z0-9_-], at most 63 characters. What {@link gcpLabels} writes, so
 * the cost-tags policy looks a required tag up under the key modelship gives it.
 */
export function gcpLabelKey(key: string): string {
    return key.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
}

/** GCP labels from tags: keys by {@link gcpLabelKey}; values by the same rule, which GCP sets for them too. */
export function gcpLabels(tags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [gcpLabelKey(k), gcpLabelKey(v)]));
}

/** Labels that select a service's pods. Never includes a version: selectors are immutable. */
export function selectorLabels(owner: Ownership): Record<string, string> {
    return {
        "app.kubernetes.io/name": labelValue(owner.service),
        "app.kubernetes.io/instance": labelValue(owner.service),
    };
}

/** Every label of a service's Kubernetes objects. */
export function kubernetesLabels(owner: Ownership, extra: Record<string, string> = {}): Record<string, string> {
    const tags = cloudTags(owner);
    const labels: Record<string, string> = {
        ...selectorLabels(owner),
        "app.kubernetes.io/component": labelValue(owner.component.toLowerCase()),
        "app.kubernetes.io/managed-by": "modelship",
        [`${LABEL_PREFIX}/service`]: labelValue(owner.service),
        [`${LABEL_PREFIX}/environment`]: labelValue(tags.environment),
    };
    // Every user tag becomes a label too (team and cost-center from stack config included), so cost
    // allocation and the cost-tags policy see on Kubernetes what they see on cloud resources.
    for (const [key, value] of Object.entries(tags)) {
        if (key === "service" || key === "managed-by" || key === "environment") continue;
        labels[`${LABEL_PREFIX}/${labelValue(key)}`] = labelValue(value);
    }
    for (const [k, v] of Object.entries(extra)) labels[k] = labelValue(v);
    return labels;
}

/** A short, stable hex hash of a string. */
export function shortHash(value: string, length = 8): string {
    return crypto.createHash("sha256").update(value).digest("hex").slice(0, length);
}

/**
 * A stable physical name: `<base>-<suffix>`, lower-cased, with characters outside [a-z0-9-] replaced,
 * and shortened with a hash of the full name when longer than `maxLength` (cloud limits: 63 for most
 * Kubernetes and GCP names, 63 for SageMaker, 64 for Lambda and IAM roles).
 */
export function physicalName(base: string, suffix = "", maxLength = 63): string {
    const full = [base, suffix].filter(Boolean).join("-").toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-");
    const trimmed = full.replace(/^-+|-+$/g, "");
    if (trimmed.length <= maxLength) return trimmed;
    const hash = shortHash(full, 7);
    return `${trimmed.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * A {@link physicalName} that starts with a letter, as GCP requires of Cloud Run services, service account ids and
 * Cloud Scheduler jobs: a name that would start with a digit gets the prefix `m-`.
 */
export function gcpName(base: string, maxLength: number): string {
    const name = physicalName(base, "", maxLength);
    return /^[a-z]/.test(name) ? name : physicalName(`m-${name}`, "", maxLength);
}

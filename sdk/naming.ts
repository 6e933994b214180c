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
import { z } from "zod";
import { Accelerator, ACCELERATORS, acceleratorInfo, acceleratorOfGcpType, isAccelerator } from "./catalog/accelerators";

/** Label key prefix of modelship's own labels. */
export const LABEL_PREFIX = "modelship.dev";

/**
 * Label naming the accelerator a pod requests (for example `l4`); GpuPool nodes carry the same key. Components
 * set it, the cost model and the policies read it to price and check pods on a cluster the stack does not create.
 */
export const ACCELERATOR_LABEL = `${LABEL_PREFIX}/accelerator`;

/** GKE's node label naming a node's accelerator (`nvidia-l4`). */
export const GKE_ACCELERATOR_LABEL = "cloud.google.com/gke-accelerator";

/** Karpenter's (AWS) node label naming a node's GPU (`l4`; `a100` names both A100s). */
export const KARPENTER_GPU_NAME_LABEL = "karpenter.k8s.aws/instance-gpu-name";

/** The node labels that name an accelerator, in the order a reader trusts them. */
export const ACCELERATOR_NODE_LABELS: readonly string[] = [ACCELERATOR_LABEL, GKE_ACCELERATOR_LABEL, KARPENTER_GPU_NAME_LABEL];

/**
 * The catalog accelerators a node label names (`cloud.google.com/gke-accelerator: nvidia-l4` names L4): one, two
 * (Karpenter's `a100`), or none when the catalog knows no accelerator of that value. Undefined for a label that names
 * no accelerator. The one reading of these labels for the components' checks, the cost model and the policies.
 */
export function acceleratorsNamedBy(label: string, value: string): Accelerator[] | undefined {
    switch (label) {
        case ACCELERATOR_LABEL:
            return isAccelerator(value) ? [value] : [];
        case GKE_ACCELERATOR_LABEL: {
            const accelerator = acceleratorOfGcpType(value);
            return accelerator ? [accelerator] : [];
        }
        case KARPENTER_GPU_NAME_LABEL:
            return ACCELERATORS.filter((a) => acceleratorInfo(a).karpenterGpuName === value);
        default:
            return undefined;
    }
}

/** The value of a node label that names `accelerator` (`nvidia-l4` for GKE's), or undefined when the label has none for it. */
export function acceleratorLabelValue(label: string, accelerator: Accelerator): string | undefined {
    switch (label) {
        case ACCELERATOR_LABEL:
            return accelerator;
        case GKE_ACCELERATOR_LABEL:
            return acceleratorInfo(accelerator).gcpAcceleratorType;
        case KARPENTER_GPU_NAME_LABEL:
            return acceleratorInfo(accelerator).karpenterGpuName;
        default:
            return undefined;
    }
}

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
    return key
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, "-")
        .slice(0, 63);
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
    const full = [base, suffix]
        .filter(Boolean)
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-");
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

/**
 * The names the Kubernetes API server accepts, in one place: every namespace argument, every object name a
 * component takes, and every object name a component derives from its own resource name are checked against them.
 *
 * - An RFC 1123 label (`Label`): namespaces, and the objects whose names become DNS labels or label values.
 * - An RFC 1035 label (`Service`): a Service's name, which must also start with a letter (it becomes a DNS name and
 *   an environment variable prefix); KServe asks the same of an InferenceGraph's.
 * - A DNS subdomain (`Subdomain`): most other objects (Deployments, Secrets, PriorityClasses), up to 253 characters.
 */
export enum KubernetesNameKind {
    Label = "label",
    Service = "service",
    Subdomain = "subdomain",
}

/** The longest RFC 1123 or RFC 1035 label. */
export const KUBERNETES_LABEL_MAX = 63;
/** The longest DNS subdomain. */
export const KUBERNETES_SUBDOMAIN_MAX = 253;

const KUBERNETES_NAME_RULES: Record<KubernetesNameKind, { pattern: RegExp; max: number; words: string }> = {
    [KubernetesNameKind.Label]: {
        pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        max: KUBERNETES_LABEL_MAX,
        words: "lowercase letters, digits and '-', starting and ending with a letter or digit",
    },
    [KubernetesNameKind.Service]: {
        pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
        max: KUBERNETES_LABEL_MAX,
        words: "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    },
    [KubernetesNameKind.Subdomain]: {
        pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        max: KUBERNETES_SUBDOMAIN_MAX,
        words: "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    },
};

/** What a Kubernetes name of a kind accepts: `at most 63 lowercase letters, ... (an RFC 1123 label, as the Kubernetes API server requires)`. */
export function kubernetesNameRuleWords(kind: KubernetesNameKind): string {
    const rule = KUBERNETES_NAME_RULES[kind];
    const standard = kind === KubernetesNameKind.Subdomain ? "a DNS subdomain" : kind === KubernetesNameKind.Service ? "an RFC 1035 label" : "an RFC 1123 label";
    return `at most ${rule.max} ${rule.words} (${standard}, as the Kubernetes API server requires)`;
}

/** {@link kubernetesNameRuleWords} after what the name is, for an error's "expected": `a namespace name: at most 63 ...`. */
export function kubernetesNameWords(kind: KubernetesNameKind, what: string): string {
    return `${what}: ${kubernetesNameRuleWords(kind)}`;
}

/** True when the API server accepts `value` as a name of this kind. */
export function isKubernetesName(kind: KubernetesNameKind, value: string): boolean {
    const rule = KUBERNETES_NAME_RULES[kind];
    return value.length <= rule.max && rule.pattern.test(value);
}

/** One Kubernetes object a component names after its own resource name. */
export interface DerivedKubernetesName {
    /** What follows the resource name and a '-' (`secrets` for `<name>-secrets`); empty for the resource name itself. */
    suffix: string;
    /** The objects of that name, for the error: `the Deployment and Service`, `the Secret of secrets`. */
    objects: string;
}

/** A Kubernetes object name as the {@link DerivedKubernetesName} gives it: `<name>-<suffix>`, or the name. */
export function derivedKubernetesName(name: string, suffix: string): string {
    return suffix === "" ? name : `${name}-${suffix}`;
}

/**
 * Why a component's resource name cannot name its Kubernetes objects as given, or undefined when it can. On Kubernetes
 * a component's objects carry its resource name (plus a suffix) exactly: {@link physicalName} would otherwise lower-case,
 * replace or hash it, so two services could silently share objects and `kubectl` would not find the name given.
 *
 * @param name the component's resource name
 * @param kind `Service` when one of the objects is a Service (the name then starts with a letter), else `Label`
 * @param derived the objects named after it; the longest must still fit {@link KUBERNETES_LABEL_MAX}
 * @returns `{ received, expected }` for a problem at the path of the name
 */
export function kubernetesResourceNameProblem(
    name: string,
    kind: KubernetesNameKind.Label | KubernetesNameKind.Service,
    derived: ReadonlyArray<DerivedKubernetesName>,
): { received: string; expected: string } | undefined {
    const rule = KUBERNETES_NAME_RULES[kind];
    const objects = derived.map((d) => d.objects).join(", ");
    if (!rule.pattern.test(name)) {
        const suggestion = physicalName(name);
        const like = rule.pattern.test(suggestion) && suggestion.length <= rule.max ? `, such as ${JSON.stringify(suggestion)}` : "";
        return {
            received: JSON.stringify(name),
            expected: `a name Kubernetes accepts as given, since it names ${objects}: ${rule.words}${like}`,
        };
    }
    const longest = [...derived].sort((a, b) => b.suffix.length - a.suffix.length)[0] ?? { suffix: "", objects };
    const full = derivedKubernetesName(name, longest.suffix);
    if (full.length <= rule.max) return undefined;
    const room = rule.max - (full.length - name.length);
    return {
        received: `${JSON.stringify(name)} (${name.length} characters)`,
        expected: `at most ${room} characters: ${longest.objects} would be named ${JSON.stringify(full)}, ${full.length} characters, over Kubernetes' limit of ${rule.max}`,
    };
}

/** A zod schema of a Kubernetes name of a kind; `what` names it in the error (`a namespace name`). */
export function kubernetesNameSchema(kind: KubernetesNameKind, what: string) {
    return z.string().refine((value) => isKubernetesName(kind, value), kubernetesNameWords(kind, what));
}

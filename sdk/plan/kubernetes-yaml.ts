/**
 * The Kubernetes objects of a plan as YAML files, one per object, ready for `kubectl apply -f <dir>`.
 *
 * Objects are rebuilt from the inputs the program gave the Kubernetes provider, with the name the
 * provider would give (the mock's stable auto-name when the program set none). Secret values are never
 * written: a plan's files get shared and committed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { ResourceRecord } from "./runtime";
import { REDACTED, redactPaths } from "./redact";

/** A Kubernetes object rebuilt from a planned resource. */
export interface KubernetesObject {
    /** The resource it comes from. */
    urn: string;
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    /** The object as written: apiVersion, kind, metadata, then the rest of the inputs. */
    manifest: Record<string, unknown>;
    /** True when secret values were replaced by a placeholder. */
    redacted: boolean;
}

/** A Kubernetes resource of the plan that is not written as an object, and why. */
export interface SkippedResource {
    urn: string;
    reason: string;
}

/**
 * Install order: what others depend on comes first (as Helm orders a chart). Kinds not listed (custom
 * resources, mostly) come last, after the CRDs that define them.
 */
const KIND_ORDER = [
    "Namespace",
    "CustomResourceDefinition",
    "PriorityClass",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicaSet",
    "Deployment",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/** Modules of the Kubernetes provider whose resources are not Kubernetes objects themselves. */
const NOT_OBJECTS = /^(helm\.sh|yaml|kustomize)(\/|$)/;

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `kubernetes:apps/v1:Deployment` -> apps/v1 Deployment; `core/v1` -> v1; inputs win for custom resources. */
function apiVersionAndKind(resource: ResourceRecord): { apiVersion?: string; kind?: string } {
    const [, module, kind] = resource.type.split(":");
    const fromInputs = {
        apiVersion: typeof resource.inputs.apiVersion === "string" ? resource.inputs.apiVersion : undefined,
        kind: typeof resource.inputs.kind === "string" ? resource.inputs.kind : undefined,
    };
    if (!module.includes("/")) return fromInputs; // kubernetes:apiextensions.k8s.io:CustomResource
    return { apiVersion: fromInputs.apiVersion ?? (module === "core/v1" ? "v1" : module), kind: fromInputs.kind ?? kind };
}

/** Why a `kubernetes:` resource is not written as an object; undefined when it is one. */
function skipReason(resource: ResourceRecord): string | undefined {
    const module = resource.type.split(":")[1] ?? "";
    if (!resource.custom) return "a component, not an object: its children are written";
    if (NOT_OBJECTS.test(module)) return "not a Kubernetes object (Helm release, YAML or kustomize set)";
    if (resource.type.endsWith("Patch")) return "a patch of an existing object: apply it with server-side apply";
    return undefined;
}

/** Rebuilds one object. Secret values (and every value of a Secret) are replaced by a placeholder. */
export function toKubernetesObject(resource: ResourceRecord): KubernetesObject | SkippedResource {
    const reason = skipReason(resource);
    if (reason) return { urn: resource.urn, reason };
    const { apiVersion, kind } = apiVersionAndKind(resource);
    if (!apiVersion || !kind) return { urn: resource.urn, reason: "its inputs have no apiVersion and kind" };

    const isSecret = kind === "Secret" && apiVersion === "v1";
    const valueFields = ["data", "stringData"];
    // A Secret's values are secret whatever the program marked: its keys are kept, every value replaced.
    const secretPaths = (resource.secretPaths ?? resource.secretInputs.map((key) => [key])).filter((p) => !(isSecret && valueFields.includes(String(p[0]))));
    const inputs = redactPaths({ ...resource.inputs }, secretPaths);
    let redacted = secretPaths.length > 0;
    if (isSecret) {
        const values: Record<string, unknown> = {};
        for (const field of valueFields) {
            const given = inputs[field];
            if (isObject(given)) for (const key of Object.keys(given)) values[key] = REDACTED;
        }
        delete inputs.data;
        // Placeholders are text, not base64: stringData keeps the object valid for kubectl.
        if (Object.keys(values).length > 0) {
            inputs.stringData = values;
            redacted = true;
        }
    }

    const outputMetadata = isObject(resource.outputs.metadata) ? resource.outputs.metadata : {};
    const inputMetadata = isObject(inputs.metadata) ? inputs.metadata : {};
    // The name the provider gives: the program's, else the (mock's stable) auto-name.
    const name = [outputMetadata.name, inputMetadata.name].find((n): n is string => typeof n === "string") ?? resource.name;
    const namespace = typeof inputMetadata.namespace === "string" ? inputMetadata.namespace : undefined;
    const rest = Object.fromEntries(Object.entries(inputs).filter(([key, value]) => !["apiVersion", "kind", "metadata", "status"].includes(key) && value !== undefined));
    const { name: _givenName, ...otherMetadata } = inputMetadata;
    const manifest = { apiVersion, kind, metadata: { name, ...otherMetadata }, ...rest };
    return { urn: resource.urn, apiVersion, kind, name, namespace, manifest, redacted };
}

function rank(kind: string): number {
    const i = KIND_ORDER.indexOf(kind);
    return i === -1 ? KIND_ORDER.length : i;
}

/** Every Kubernetes object of the plan, in install order (stable within a kind), and what was skipped. */
export function kubernetesObjects(resources: ReadonlyArray<ResourceRecord>): { objects: KubernetesObject[]; skipped: SkippedResource[] } {
    const objects: KubernetesObject[] = [];
    const skipped: SkippedResource[] = [];
    for (const resource of resources) {
        if (!resource.type.startsWith("kubernetes:")) continue;
        const result = toKubernetesObject(resource);
        if ("manifest" in result) objects.push(result);
        else if (resource.custom) skipped.push(result);
    }
    objects.sort((a, b) => rank(a.kind) - rank(b.kind));
    return { objects, skipped };
}

/** The header that marks a file as written by the plan, so a later plan may replace it. */
const HEADER = "# Rendered by `modelship plan`";

function fileText(object: KubernetesObject): string {
    const lines = [HEADER, `# From ${object.urn}`];
    if (object.redacted) {
        lines.push(`# Secret values are replaced by "${REDACTED}": set them before applying (the plan never writes secrets).`);
    }
    return `${lines.join("\n")}\n${stringify(object.manifest, { lineWidth: 0 })}`;
}

function safe(part: string): string {
    return (
        part
            .toLowerCase()
            .replace(/[^a-z0-9.-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "object"
    );
}

/**
 * Writes one file per object into `dir` (created if needed), named `<NN>-<kind>-<name>.yaml` in install
 * order. Files a previous plan wrote there are removed first, so `kubectl apply -f dir` sees only this
 * plan; other files are left alone. Returns the paths written.
 */
export function writeKubernetesYaml(objects: ReadonlyArray<KubernetesObject>, dir: string): string[] {
    fs.mkdirSync(dir, { recursive: true });
    for (const file of fs.readdirSync(dir)) {
        const full = path.join(dir, file);
        if (/^\d+-.*\.yaml$/.test(file) && fs.statSync(full).isFile() && fs.readFileSync(full, "utf8").startsWith(HEADER)) {
            fs.rmSync(full);
        }
    }
    const width = Math.max(2, String(objects.length).length);
    return objects.map((object, i) => {
        const file = path.join(dir, `${String(i + 1).padStart(width, "0")}-${safe(object.kind)}-${safe(object.name)}.yaml`);
        fs.writeFileSync(file, fileText(object));
        return file;
    });
}

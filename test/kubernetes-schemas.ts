/**
 * Validates every Kubernetes object registered under the mocks against its upstream schema:
 * kubernetes-models for the built-in kinds, and its KEDA, Knative, Karpenter and Gateway API packages for
 * custom resources. On top of what those validators check (types, formats, enums, required fields), it
 * rejects fields the schema does not declare (see `kubernetes-unknown-fields.ts`) and object names the API
 * server would refuse, so that what passes here is what a real `pulumi up` accepts.
 *
 * The schema of a kind is found from its apiVersion and kind alone: every package lays out its models as
 * `<package>/<apiVersion>/<Kind>.js` (`kubernetes-models/apps/v1/Deployment.js`, `kubernetes-models/v1/Service.js`,
 * `@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject.js`), so no kind is listed by hand. A kind found in
 * none of them fails, unless it is in {@link KINDS_WITHOUT_SCHEMA} with the reason.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceRecord } from "../sdk/plan/runtime";
import { loadDeclarations, unknownFields } from "./kubernetes-unknown-fields";

/** The packages of upstream models, searched in this order. */
export const MODEL_PACKAGES = [
    "kubernetes-models",
    "@kubernetes-models/gateway-api",
    "@kubernetes-models/keda",
    "@kubernetes-models/knative",
    "@kubernetes-models/karpenter",
    "@kubernetes-models/envoy-gateway",
    "@kubernetes-models/prometheus-operator",
] as const;

/**
 * Kinds that have no published schema, keyed `<apiVersion>/<Kind>`, with the reason. They are not validated:
 * keep this list short and say why for each.
 */
export const KINDS_WITHOUT_SCHEMA: Readonly<Record<string, string>> = {
    "helm.sh/v3/Release": "a Helm release (kubernetes:helm.sh/v3:Release): its objects are rendered by Helm inside the provider and never reach the program",
    "helm.sh/v4/Chart": "a Helm chart (kubernetes:helm.sh/v4:Chart), a remote component: its objects are rendered inside the provider and never reach the program",
    "serving.kserve.io/v1alpha1/InferenceGraph": "KServe publishes no kubernetes-models package (no typed schema for its CRDs)",
};

/** A kubernetes-models class: validates on `validate()`, throwing ajv errors. */
interface ModelClass {
    new (data: Record<string, unknown>): { validate(): void };
    apiVersion: string;
    kind: string;
}

interface AjvError {
    instancePath: string;
    keyword: string;
    params: Record<string, unknown>;
    message?: string;
}

interface Schema {
    model: ModelClass;
    /** The declaration file of the model, whose interface `I<Kind>` describes every declared field. */
    declarationFile: string;
}

const schemas = new Map<string, Schema | undefined>();

function packageRoot(name: string): string {
    // The packages are ESM-only with `import`-only export maps; their package.json is exported.
    return path.dirname(require.resolve(`${name}/package.json`));
}

/** The upstream schema of `apiVersion` + `kind`, or undefined when no package publishes one. */
export function findSchema(apiVersion: string, kind: string): Schema | undefined {
    const key = `${apiVersion}/${kind}`;
    if (schemas.has(key)) return schemas.get(key);
    let found: Schema | undefined;
    // Both end up in a file path: accept only what apiVersions and kinds look like.
    if (/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
        for (const pkg of MODEL_PACKAGES) {
            const file = path.join(packageRoot(pkg), apiVersion, `${kind}.js`);
            if (!fs.existsSync(file)) continue;
            // Loaded by path (the export maps only have an `import` condition); Node 22 can require ES modules.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const model = (require(file) as Record<string, ModelClass | undefined>)[kind];
            // Files also hold nested types (DeploymentSpec): only a class with this apiVersion and kind is a kind.
            if (model?.apiVersion === apiVersion && model.kind === kind) {
                found = { model, declarationFile: file.replace(/\.js$/, ".d.ts") };
                break;
            }
        }
    }
    schemas.set(key, found);
    return found;
}

/** apiVersion and kind of a record: from its inputs (custom resources), else from its type token. */
export function objectType(record: ResourceRecord): { apiVersion: string; kind: string } {
    const { apiVersion, kind } = record.inputs;
    if (typeof apiVersion === "string" && typeof kind === "string") return { apiVersion, kind };
    // Token `kubernetes:<group>/<version>:<Kind>`; the core group is `core/v1` in tokens and `v1` in objects.
    const [, groupVersion = "", tokenKind = ""] = record.type.split(":");
    return { apiVersion: groupVersion.replace(/^core\//, ""), kind: tokenKind };
}

/**
 * The object as the provider sends it to the API server. Filled in, because Pulumi does it at deploy time:
 * - apiVersion and kind, when the inputs lack them (the SDK classes usually set them);
 * - metadata.name, when auto-named: Pulumi names the object `<resource name>-<random suffix>`; the mock's
 *   outputs hold the simulated name (else the resource name is used), so the name checks apply to it too.
 * Nothing else is changed. Quantities given as numbers (`cpu: 4`) need nothing: the schemas' Quantity and
 * IntOrString accept numbers, as the API server does.
 */
export function kubernetesObject(record: ResourceRecord): Record<string, unknown> {
    const { apiVersion, kind } = objectType(record);
    const metadata = (record.inputs.metadata ?? {}) as Record<string, unknown>;
    const resolved = (record.outputs.metadata ?? {}) as Record<string, unknown>;
    const name = metadata.name ?? resolved.name ?? record.name;
    return { ...record.inputs, apiVersion, kind, metadata: { ...metadata, name } };
}

/** JSON pointer (`/spec/containers/0/name`) to the path users write (`spec.containers[0].name`). */
export function displayPath(pointer: string): string {
    let out = "";
    for (const raw of pointer.split("/").slice(1)) {
        const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        if (/^[0-9]+$/.test(segment)) out += `[${segment}]`;
        else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
        else out += `[${JSON.stringify(segment)}]`;
    }
    return out || "(object)";
}

function valueAt(object: unknown, pointer: string): unknown {
    let value = object;
    for (const raw of pointer.split("/").slice(1)) {
        value = (value as Record<string, unknown> | undefined)?.[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return value;
}

function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeAjvError(object: unknown, e: AjvError): string {
    if (e.keyword === "required") {
        return `${displayPath(`${e.instancePath}/${String(e.params.missingProperty)}`)}: missing; the schema requires it`;
    }
    const received = `${displayPath(e.instancePath)}: received ${show(valueAt(object, e.instancePath))}`;
    switch (e.keyword) {
        case "type":
            return `${received}; expected ${String(e.params.type)}`;
        case "enum":
            return `${received}; expected one of ${(e.params.allowedValues as unknown[]).map(show).join(", ")}`;
        case "format":
            return `${received}; expected the ${String(e.params.format)} format`;
        case "pattern":
            return `${received}; expected to match ${String(e.params.pattern)}`;
        default:
            return `${received}; ${e.message ?? e.keyword}`;
    }
}

/** JSON pointers of values unknown until deployment (previews): they cannot be checked yet. */
function unknownPointers(value: unknown, pointer: string, out: string[]): string[] {
    if (pulumi.isUnknown(value)) out.push(pointer);
    else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) unknownPointers(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
    }
    return out;
}

// What the API server requires of metadata.name (k8s.io/apimachinery validation): a DNS-1123 subdomain for
// most kinds, a DNS-1123 label for namespaces, and an RFC 1035 label (starts with a letter) for services.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_RULES: Record<string, { pattern: RegExp; max: number; what: string }> = {
    "v1/Service": { pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/, max: 63, what: "an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)" },
    "v1/Namespace": { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, max: 63, what: "a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)" },
    // The controller names each Job `<cronjob>-<minute>` (11 characters more) within 63: ValidateCronJob refuses longer names.
    "batch/v1/CronJob": { pattern: DNS_SUBDOMAIN, max: 52, what: "a DNS-1123 subdomain of at most 52 characters (its Jobs add 11)" },
};
const DEFAULT_NAME_RULE = { pattern: DNS_SUBDOMAIN, max: 253, what: "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)" };

function nameProblem(apiVersion: string, kind: string, name: unknown): string | undefined {
    if (typeof name !== "string" || pulumi.isUnknown(name)) return undefined;
    const rule = NAME_RULES[`${apiVersion}/${kind}`] ?? DEFAULT_NAME_RULE;
    if (name.length <= rule.max && rule.pattern.test(name)) return undefined;
    return `metadata.name: received ${show(name)}; expected ${rule.what}`;
}

/** Problems of one Kubernetes record, each `<path>: ...`; empty when it is valid or has no schema by design. */
export function kubernetesObjectProblems(record: ResourceRecord): string[] {
    const { apiVersion, kind } = objectType(record);
    if (KINDS_WITHOUT_SCHEMA[`${apiVersion}/${kind}`] !== undefined) return [];
    const schema = findSchema(apiVersion, kind);
    if (!schema) {
        return [
            `no published schema for apiVersion ${show(apiVersion)} kind ${show(kind)} in ${MODEL_PACKAGES.join(", ")}. ` +
                `If none exists, add "${apiVersion}/${kind}" to KINDS_WITHOUT_SCHEMA in test/kubernetes-schemas.ts with the reason.`,
        ];
    }
    const object = kubernetesObject(record);
    const unknowns = unknownPointers(object, "", []);
    const isUnknownPath = (pointer: string) => unknowns.some((u) => pointer === u || pointer.startsWith(`${u}/`));
    const problems: string[] = [];
    try {
        new schema.model(object).validate();
    } catch (e) {
        const errors = (e as { errors?: AjvError[] }).errors;
        if (!errors) throw e;
        for (const error of errors) {
            if (!isUnknownPath(error.instancePath)) problems.push(describeAjvError(object, error));
        }
    }
    for (const field of unknownFields(object, schema.declarationFile, `I${kind}`, (v) => pulumi.isUnknown(v))) {
        const hint = field.suggestion ? `; did you mean "${field.suggestion}"?` : "";
        problems.push(`${displayPath(field.pointer)}: unknown field, not in the ${apiVersion} ${kind} schema${hint}`);
    }
    const nameIssue = nameProblem(apiVersion, kind, (object.metadata as Record<string, unknown>).name);
    if (nameIssue) problems.push(nameIssue);
    return [...new Set(problems)];
}

/**
 * Fails, naming each resource (type token and name) and the path of each problem, when a Kubernetes object
 * does not validate. Skips what is not a Kubernetes object: other packages, and the Kubernetes provider
 * itself (`pulumi:providers:kubernetes`, which does not start with `kubernetes:`).
 */
export function validateKubernetesObjects(resources: ResourceRecord[]): void {
    const objects = resources.filter((r) => r.type.startsWith("kubernetes:"));
    loadDeclarations(objects.flatMap((r) => findSchema(objectType(r).apiVersion, objectType(r).kind)?.declarationFile ?? []));
    const failures: string[] = [];
    for (const record of objects) {
        const problems = kubernetesObjectProblems(record);
        if (problems.length > 0) failures.push(`${record.type} "${record.name}":\n${problems.map((p) => `    - ${p}`).join("\n")}`);
    }
    if (failures.length > 0) {
        throw new Error(`${failures.length} Kubernetes object(s) do not match their upstream schema:\n  ${failures.join("\n  ")}`);
    }
}

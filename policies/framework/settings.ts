/**
 * Policy config: each policy declares its properties once; from that come the `configSchema` Pulumi shows
 * and checks (`pulumi preview --policy-pack-config`), the defaults, and the check with a clear error that
 * names the policy, the property, the value received and what is accepted. The Pulumi CLI checks types
 * against the schema; this check also runs in the offline plan and catches misspelt property names.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigError } from "../../sdk/plan/policies";
import { describeValue } from "../../sdk/validate";

/** One config property of a policy. */
export type Setting =
    | { type: "number"; description: string; minimum?: number; default?: number }
    | { type: "integer"; description: string; minimum?: number; default?: number }
    | { type: "boolean"; description: string; default?: boolean }
    | { type: "string"; description: string; default?: string; /** The string is a regular expression. */ regex?: boolean }
    | { type: "strings"; description: string; default?: readonly string[]; /** Accepted values; any string when absent. */ oneOf?: readonly string[] };

/** A policy's config properties by name. */
export type Settings = Readonly<Record<string, Setting>>;

type JsonSchema = PolicyConfigSchema["properties"][string];

/** The JSON schema of one property, as @pulumi/policy's `configSchema` takes it. */
function jsonSchema(setting: Setting): JsonSchema {
    const base = { description: setting.description };
    switch (setting.type) {
        case "number":
        case "integer":
            return { ...base, type: setting.type, ...(setting.minimum !== undefined ? { minimum: setting.minimum } : {}), ...(setting.default !== undefined ? { default: setting.default } : {}) };
        case "boolean":
            return { ...base, type: "boolean", ...(setting.default !== undefined ? { default: setting.default } : {}) };
        case "string":
            return { ...base, type: "string", ...(setting.default !== undefined ? { default: setting.default } : {}) };
        case "strings":
            return {
                ...base,
                type: "array",
                items: setting.oneOf ? { type: "string", enum: [...setting.oneOf] } : { type: "string" },
                ...(setting.default !== undefined ? { default: [...setting.default] } : {}),
            };
    }
}

/** The `configSchema` of a policy. */
export function configSchema(settings: Settings): PolicyConfigSchema {
    return { properties: Object.fromEntries(Object.entries(settings).map(([key, setting]) => [key, jsonSchema(setting)])) };
}

/** What a property accepts, for errors. */
function accepted(setting: Setting): string {
    switch (setting.type) {
        case "number":
            return setting.minimum !== undefined ? `a number >= ${setting.minimum}` : "a number";
        case "integer":
            return setting.minimum !== undefined ? `a whole number >= ${setting.minimum}` : "a whole number";
        case "boolean":
            return "true or false";
        case "string":
            return setting.regex ? "a regular expression (JavaScript syntax)" : "a string";
        case "strings":
            return setting.oneOf ? `a list of: ${setting.oneOf.join(", ")}` : "a list of strings";
    }
}

/** The problem with a value, or undefined when it is accepted. */
function problem(setting: Setting, value: unknown): string | undefined {
    switch (setting.type) {
        case "number":
        case "integer": {
            const ok = typeof value === "number" && Number.isFinite(value) && (setting.type === "number" || Number.isInteger(value)) && (setting.minimum === undefined || value >= setting.minimum);
            return ok ? undefined : `received ${describeValue(value)}; expected ${accepted(setting)}`;
        }
        case "boolean":
            return typeof value === "boolean" ? undefined : `received ${describeValue(value)}; expected ${accepted(setting)}`;
        case "string": {
            if (typeof value !== "string") return `received ${describeValue(value)}; expected ${accepted(setting)}`;
            if (!setting.regex) return undefined;
            try {
                new RegExp(value);
                return undefined;
            } catch (e) {
                return `received ${describeValue(value)}, which is not a valid regular expression (${(e as Error).message}); expected ${accepted(setting)}`;
            }
        }
        case "strings": {
            if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return `received ${describeValue(value)}; expected ${accepted(setting)}`;
            const wrong = setting.oneOf ? value.filter((v) => !setting.oneOf?.includes(v as string)) : [];
            return wrong.length === 0 ? undefined : `received ${wrong.map((v) => JSON.stringify(v)).join(", ")}; expected ${accepted(setting)}`;
        }
    }
}

/**
 * Checks a policy's config (without `enforcementLevel`) and fills in the defaults. Throws
 * {@link PolicyConfigError} naming the policy, the property, the value and what is accepted.
 */
export function parseSettings<C>(policy: string, settings: Settings, raw: unknown): C {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new PolicyConfigError(`policy "${policy}": config received ${describeValue(raw)}; expected an object of settings`);
    }
    const problems: string[] = [];
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        if (key === "enforcementLevel" || value === undefined) continue;
        const setting = settings[key];
        if (!setting) {
            const known = Object.keys(settings);
            problems.push(`${key}: no such setting; expected ${known.length > 0 ? `one of ${known.join(", ")}` : "none (this policy has no settings)"}, or enforcementLevel`);
            continue;
        }
        const wrong = problem(setting, value);
        if (wrong) problems.push(`${key}: ${wrong}`);
        else out[key] = value;
    }
    if (problems.length > 0) {
        const count = problems.length === 1 ? "1 invalid setting" : `${problems.length} invalid settings`;
        throw new PolicyConfigError(`policy "${policy}": ${count}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    for (const [key, setting] of Object.entries(settings)) {
        if (out[key] === undefined && setting.default !== undefined) out[key] = Array.isArray(setting.default) ? [...setting.default] : setting.default;
    }
    return out as C;
}

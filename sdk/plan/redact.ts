/**
 * Keeps secret values out of what the plan prints and writes: a plan is shared, pasted into reviews and
 * committed; the secrets it saw must not travel with it.
 */
import type { ResourceRecord, ValuePath } from "./runtime";

/** What a secret value is shown as. */
export const REDACTED = "[secret]";

function replaceAt(value: unknown, path: ValuePath, depth: number): unknown {
    if (depth === path.length) return REDACTED;
    const key = path[depth];
    if (Array.isArray(value) && typeof key === "number" && key < value.length) {
        return value.map((item, i) => (i === key ? replaceAt(item, path, depth + 1) : item));
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, key)) {
        return { ...(value as Record<string, unknown>), [key]: replaceAt((value as Record<string, unknown>)[key], path, depth + 1) };
    }
    return value;
}

/** A copy of `value` with the value at each path replaced by {@link REDACTED}; `value` is not changed. */
export function redactPaths<T>(value: T, paths: ReadonlyArray<ValuePath>): T {
    let out: unknown = value;
    for (const path of paths) out = replaceAt(out, path, 0);
    return out as T;
}

/**
 * A resource's inputs without their secret values: the exact secret paths when the recorder knows them,
 * else every top-level input that holds a secret.
 */
export function redactedInputs(resource: Pick<ResourceRecord, "inputs" | "secretInputs" | "secretPaths">): Record<string, unknown> {
    const paths = resource.secretPaths ?? resource.secretInputs.map((key) => [key]);
    return redactPaths(resource.inputs, paths);
}

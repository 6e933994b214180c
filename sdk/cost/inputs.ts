/**
 * Reading Pulumi resource inputs for pricing. Inputs passed by a component may still hold Outputs; a value
 * that is not known yet makes the figure unknown (with the field named), never a guessed default.
 */
import { isDeferred } from "../validate";

/** Thrown by the readers when a field the price depends on is not known; becomes the item's reason. */
export class UnknownInput extends Error {
    constructor(
        readonly path: string,
        detail: string,
    ) {
        super(`${path} ${detail}`);
        this.name = "UnknownInput";
    }
}

/** The value at a dotted path (`spec.template.spec`); undefined when absent. Throws for a deferred value. */
export function get(root: unknown, path: string): unknown {
    let value: unknown = root;
    let walked = "";
    for (const key of path.split(".")) {
        if (isDeferred(value)) throw new UnknownInput(walked || path, "is not known until deployment (an Output)");
        if (value === undefined || value === null || typeof value !== "object") return undefined;
        value = (value as Record<string, unknown>)[key];
        walked = walked ? `${walked}.${key}` : key;
    }
    if (isDeferred(value)) throw new UnknownInput(path, "is not known until deployment (an Output)");
    return value;
}

/** A number field; undefined when absent. */
export function num(root: unknown, path: string): number | undefined {
    const value = get(root, path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new UnknownInput(path, `is ${JSON.stringify(value)}, not a number`);
    return value;
}

/** A string field; undefined when absent. */
export function str(root: unknown, path: string): string | undefined {
    const value = get(root, path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw new UnknownInput(path, `is ${JSON.stringify(value)}, not a string`);
    return value;
}

/** A boolean field; undefined when absent. */
export function bool(root: unknown, path: string): boolean | undefined {
    const value = get(root, path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw new UnknownInput(path, `is ${JSON.stringify(value)}, not a boolean`);
    return value;
}

/** An array field; empty when absent. */
export function list(root: unknown, path: string): unknown[] {
    const value = get(root, path);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new UnknownInput(path, "is not a list");
    value.forEach((item, i) => {
        if (isDeferred(item)) throw new UnknownInput(`${path}[${i}]`, "is not known until deployment (an Output)");
    });
    return value;
}

/** An object field (a map of labels, limits, ...); empty when absent. */
export function record(root: unknown, path: string): Record<string, unknown> {
    const value = get(root, path);
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) throw new UnknownInput(path, "is not an object");
    return value as Record<string, unknown>;
}

const SUFFIX: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
};

/**
 * A Kubernetes quantity (`"1"`, `2`, `"500m"`, `"16Gi"`, `"512Mi"`, `"1G"`) as a plain number (bytes for
 * memory, cores for CPU, devices for GPUs); undefined when absent. Throws for a value it cannot read.
 */
export function quantity(root: unknown, path: string): number | undefined {
    return quantityValue(get(root, path), path);
}

/**
 * A map entry read as a quantity, for keys that contain dots (`limits["nvidia.com/gpu"]`), which
 * {@link quantity}'s dotted path cannot name. `path` is only for the message.
 */
export function quantityEntry(map: Record<string, unknown>, key: string, path: string): number | undefined {
    return quantityValue(map[key], `${path}["${key}"]`);
}

function quantityValue(value: unknown, path: string): number | undefined {
    if (isDeferred(value)) throw new UnknownInput(path, "is not known until deployment (an Output)");
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    const match = typeof value === "string" ? /^\s*([0-9]*\.?[0-9]+)\s*(m|k|M|G|T|Ki|Mi|Gi|Ti)?\s*$/.exec(value) : null;
    if (!match) throw new UnknownInput(path, `is ${JSON.stringify(value)}, not a quantity`);
    return Number(match[1]) * (match[2] ? SUFFIX[match[2]] : 1);
}

/** The region of a GCP location: `us-central1-a` -> `us-central1`; a region stays as it is. */
export function gcpRegionOf(location: string): string {
    return /-[a-z]$/.test(location) ? location.replace(/-[a-z]$/, "") : location;
}

/** True when a GCP location names a zone (`us-central1-a`) rather than a region. */
export function isGcpZone(location: string): boolean {
    return /-[a-z]$/.test(location);
}

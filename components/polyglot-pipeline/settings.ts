/**
 * Settings blocks with defaults. The parsed arguments keep a field given as `undefined` (zod keeps such keys), so a
 * plain `{ ...defaults, ...given }` would replace the default with `undefined`: here each field falls back on its own.
 */

/** `given` with `defaults` under it: each field of `defaults` is the given value when there is one, else the default. */
export type WithDefaults<D, G> = Omit<G, keyof D> & { [K in keyof D]: K extends keyof G ? D[K] | Exclude<G[K], undefined> : D[K] };

/**
 * `given` over `defaults`, field by field: fields of `given` that are `undefined` are left out, so their defaults stay.
 * A `given` that is not an object is returned as it is, for the schema that reads it to report.
 */
export function withDefaults<D extends object, G extends object>(defaults: D, given: G | undefined): WithDefaults<D, G> {
    if (given !== undefined && (given === null || typeof given !== "object" || Array.isArray(given))) return given as unknown as WithDefaults<D, G>;
    const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) merged[key] = value;
    return merged as WithDefaults<D, G>;
}

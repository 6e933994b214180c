/**
 * Values not known yet. During `pulumi preview` the engine hands a policy props in which some values are
 * unknown (an ARN, a generated name): @pulumi/policy wraps them in a proxy that throws on reading one, which
 * would abort the whole policy. The pack copies the props instead, putting {@link UNKNOWN} where a value is
 * unknown; the readers of sdk/cost/inputs (and so the cost model) treat it like a Pulumi Output, throwing
 * `UnknownInput` naming the field. {@link checking} turns that into an advisory "cannot check ... during
 * preview" for the one check that needed the value, as the engine itself reports unknowns.
 */
import { UnknownInput } from "../../sdk/cost/inputs";
import type { Finding } from "./types";

/**
 * Stands for a value not known during preview. A Promise that never settles: `isDeferred` (sdk/validate)
 * recognises it as a value only known at deployment, and nothing ever waits on it.
 */
export const UNKNOWN: Promise<never> = new Promise<never>(() => undefined);

interface UnknownValueErrorClass {
    new (...args: never[]): Error;
}

/**
 * @pulumi/policy's error for reading an unknown value. Exported by the package at run time (index.js) but
 * missing from its type declarations.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const UnknownValueError = (require("@pulumi/policy") as { UnknownValueError: UnknownValueErrorClass }).UnknownValueError;

/** Reads `holder[key]`, giving {@link UNKNOWN} where @pulumi/policy's proxy says the value is unknown. */
function read(holder: Record<string | number, unknown>, key: string | number): unknown {
    try {
        return holder[key];
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

/**
 * A plain copy of props as the engine gives them to a policy (through @pulumi/policy's unknown-checking proxy,
 * or plain objects in tests), with {@link UNKNOWN} for every unknown value.
 */
export function plainProps(value: unknown): unknown {
    if (value === null || typeof value !== "object" || value === UNKNOWN) return value;
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => plainProps(read(value as unknown as Record<number, unknown>, i)));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plainProps(read(value as Record<string, unknown>, key));
    return out;
}

/**
 * Runs one check; a value it needs that is not known yet gives an advisory finding naming the check and the
 * field instead of a violation or silence.
 */
export function checking(findings: Finding[], what: string, urn: string | undefined, check: () => void): void {
    try {
        check();
    } catch (e) {
        if (!(e instanceof UnknownInput)) throw e;
        findings.push({ urn, advisory: true, message: `cannot check ${what} during preview: ${e.message}` });
    }
}

/** Reads a value with `read`; a value not known yet is reported at `path`, the field's full path in the resource. */
export function atPath<T>(path: string, read: () => T): T {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownInput) throw new UnknownInput(path, "is not known until deployment (an Output)");
        throw e;
    }
}

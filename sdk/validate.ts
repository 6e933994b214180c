/**
 * Argument validation: the one helper every component calls first.
 *
 * Components describe their arguments with a zod schema. `validateArgs` checks the plain parts at once
 * and throws a single {@link ModelshipValidationError} listing every problem (component type, resource
 * name, field path, value received, what is accepted) before anything is registered with Pulumi.
 * Parts that are still `Output`s are checked again once their values are known, with the same error.
 * Components call it through `validateComponent` (sdk/component.ts), which also returns the resolved spec.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { referenceLink } from "./reference";
import { enumMembersAt, fieldsAt } from "./schema-path";
import { closestMatches, didYouMean } from "./suggest";

/** One problem with one argument. */
export interface ValidationProblem {
    /** Dotted path of the field, for example `resources.gpu.count` or `versions[1].weight`. */
    path: string;
    /** A short rendering of the value received. */
    received: string;
    /** What the field accepts. */
    expected: string;
    /**
     * The path names a field that its object does not have: the message then links to the fields of that object in the
     * argument reference (docs/reference.md). Unset for every other problem.
     */
    unknownField?: boolean;
}

/**
 * Thrown when a component's arguments are invalid. Lists every problem at once.
 *
 * A Pulumi `InputPropertiesError`: when the component runs for another language (Python, Go, .NET, Java, YAML through
 * `pulumi package add`), Pulumi's provider host sends each problem to the engine as a per-property error
 * (`errors`: `{ propertyPath, reason }`), which the engine shows against the program's own argument.
 */
export class ModelshipValidationError extends pulumi.InputPropertiesError {
    constructor(
        readonly componentType: string,
        readonly resourceName: string,
        readonly problems: ValidationProblem[],
    ) {
        super({ message: formatProblems(componentType, resourceName, problems), errors: problems.map((p) => propertyError(componentType, p)) });
        this.name = "ModelshipValidationError";
    }
}

/** A problem as Pulumi's per-property error: the field path, and the rest of the problem's line as the reason. */
function propertyError(componentType: string, problem: ValidationProblem): pulumi.InputPropertyErrorDetails {
    return { propertyPath: problem.path, reason: reasonOf(componentType, problem) };
}

function formatProblems(componentType: string, resourceName: string, problems: ValidationProblem[]): string {
    const count = problems.length === 1 ? "1 invalid argument" : `${problems.length} invalid arguments`;
    const lines = problems.map((p) => `  - ${p.path || "(arguments)"}: ${reasonOf(componentType, p)}`);
    return `${componentType} "${resourceName}": ${count}:\n${lines.join("\n")}`;
}

/** `received ...; expected ...`, with the link to the object's fields for an unknown field. */
function reasonOf(componentType: string, p: ValidationProblem): string {
    return `received ${p.received}; expected ${p.expected}${p.unknownField ? fieldsLink(componentType, p.path) : ""}`;
}

/** ` (fields of resources.gpu: docs/reference.md#modelservice-resources-gpu)`, for an unknown field at `path`. */
function fieldsLink(componentType: string, path: string): string {
    const parent = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
    const owner = parent === "" ? (componentType.split(":").pop() ?? componentType) : parent;
    return ` (fields of ${owner}: ${referenceLink(componentType, parent)})`;
}

/** True for a value that is not known yet at construction time: an Output or a Promise. */
export function isDeferred(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/**
 * Wraps a schema so that it also accepts a Pulumi `Output` or `Promise` of the value (a `pulumi.Input`).
 * The deferred value is checked against `schema` once it is known.
 */
export function input<T extends z.ZodType>(schema: T) {
    return z.union([z.custom<pulumi.Output<z.output<T>>>((v) => isDeferred(v)), schema]);
}

/** Renders a received value briefly for an error message. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing (the field is missing)";
    if (value === null) return "null";
    if (isDeferred(value)) return "an Output";
    if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (Array.isArray(value)) return `an array of ${value.length}`;
    if (typeof value === "object") {
        const keys = Object.keys(value as object);
        const shown = keys.slice(0, 4).join(", ");
        return keys.length === 0 ? "an empty object" : `an object with ${shown}${keys.length > 4 ? ", ..." : ""}`;
    }
    return typeof value;
}

/** Formats a zod path as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
    let out = "";
    for (const key of path) {
        if (typeof key === "number") out += `[${key}]`;
        else out += out === "" ? String(key) : `.${String(key)}`;
    }
    return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
    let current: unknown = root;
    for (const key of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[key];
    }
    return current;
}

function expectedText(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "invalid_type":
            return issue.expected === "object" ? "an object" : `a value of type ${issue.expected}`;
        case "too_small": {
            const op = issue.inclusive === false ? ">" : ">=";
            if (issue.origin === "array") return `at least ${String(issue.minimum)} item(s)`;
            if (issue.origin === "string") return `at least ${String(issue.minimum)} character(s)`;
            return `a number ${op} ${String(issue.minimum)}`;
        }
        case "too_big": {
            const op = issue.inclusive === false ? "<" : "<=";
            if (issue.origin === "array") return `at most ${String(issue.maximum)} item(s)`;
            if (issue.origin === "string") return `at most ${String(issue.maximum)} character(s)`;
            return `a number ${op} ${String(issue.maximum)}`;
        }
        case "invalid_value":
            return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        case "invalid_format":
            return issue.message && !issue.message.startsWith("Invalid") ? issue.message : `a string in ${issue.format} format`;
        case "not_multiple_of":
            return `a multiple of ${String(issue.divisor)}`;
        case "invalid_union": {
            // An Input<T> union: report what the non-Output branch wanted.
            const branches = issue.errors.map((errs) => errs.map((e) => expectedText(e)).join(" and "));
            const useful = branches.filter((b) => b !== "a Pulumi Output");
            return useful.length > 0 ? [...new Set(useful)].join(", or ") : issue.message;
        }
        case "custom":
            return issue.message === "Invalid input" ? "a Pulumi Output" : issue.message;
        default:
            return issue.message;
    }
}

/** `text`, with `: did you mean "x"?` when there is something to suggest. */
function withSuggestion(text: string, suggestions: string[]): string {
    const question = didYouMean(suggestions);
    return question ? `${text}: ${question}` : text;
}

/** The fields of the object at `path` that `key` may be a misspelling of: those not given already. */
function fieldSuggestions(schema: z.core.$ZodType | undefined, root: unknown, path: ReadonlyArray<PropertyKey>, key: string): string[] {
    if (!schema) return [];
    const given = valueAt(root, path);
    const unused = fieldsAt(schema, path).filter((field) => (given as Record<string, unknown> | undefined)?.[field] === undefined);
    return closestMatches(key, unused);
}

/** The enum values a received string may be a misspelling of, by value or by the member's TypeScript name. */
function valueSuggestions(schema: z.core.$ZodType | undefined, issue: z.core.$ZodIssueInvalidValue, received: unknown): string[] {
    if (typeof received !== "string") return [];
    const values = issue.values.filter((v): v is string => typeof v === "string");
    const names = schema ? enumMembersAt(schema, issue.path).map((m) => ({ word: m.name, suggest: m.value })) : [];
    return closestMatches(received, [...values, ...names]);
}

/**
 * Turns zod issues into problems, reading received values from `root`. With the `schema` that found the issues, a
 * misspelt field or enum value gets a suggestion of what was probably meant.
 */
export function toProblems(issues: ReadonlyArray<z.core.$ZodIssue>, root: unknown, schema?: z.core.$ZodType): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    for (const issue of issues) {
        if (issue.code === "unrecognized_keys") {
            for (const key of issue.keys) {
                const path = [...issue.path, key];
                problems.push({
                    path: formatPath(path),
                    received: describeValue(valueAt(root, path)),
                    expected: withSuggestion("no such field", fieldSuggestions(schema, root, issue.path, key)),
                    unknownField: true,
                });
            }
            continue;
        }
        const received = valueAt(root, issue.path);
        problems.push({
            path: formatPath(issue.path),
            received: describeValue(received),
            expected: issue.code === "invalid_value" ? withSuggestion(expectedText(issue), valueSuggestions(schema, issue, received)) : expectedText(issue),
        });
    }
    return problems;
}

/** The result of {@link validateArgs}. */
export interface ValidatedArgs<T> {
    /** The parsed arguments, defaults applied. Fields given as Outputs are passed through unchanged. */
    value: T;
    /**
     * Resolves once every deferred field has been checked; rejects with a {@link ModelshipValidationError}
     * if a deferred field turns out to be invalid. Components pass it to `registerOutputs` so that the
     * failure fails the deployment.
     */
    deferredCheck: pulumi.Output<boolean>;
}

function collectDeferredPaths(value: unknown, path: PropertyKey[], out: PropertyKey[][], seen: Set<unknown>): void {
    if (isDeferred(value)) {
        out.push(path);
        return;
    }
    if (value === null || typeof value !== "object" || seen.has(value) || pulumi.Resource.isInstance(value)) return;
    seen.add(value);
    for (const [key, child] of Object.entries(value)) {
        collectDeferredPaths(child, [...path, Array.isArray(value) ? Number(key) : key], out, seen);
    }
}

function startsWith(path: ReadonlyArray<PropertyKey>, prefix: ReadonlyArray<PropertyKey>): boolean {
    return prefix.length <= path.length && prefix.every((k, i) => k === path[i]);
}

/**
 * Validates a component's arguments. Throws {@link ModelshipValidationError} listing every problem with
 * the known values; values still unknown (Outputs) are checked when they resolve.
 *
 * @param componentType the component's type token, for example `modelship:index:ModelService`
 * @param name the resource name given to the component
 * @param schema the zod schema of the arguments
 * @param args the arguments as received
 * @param extraChecks cross-field checks that need the parsed value; they return problems
 */
export function validateArgs<S extends z.ZodType>(
    componentType: string,
    name: string,
    schema: S,
    args: unknown,
    extraChecks: (value: z.output<S>) => ValidationProblem[] = () => [],
): ValidatedArgs<z.output<S>> {
    const result = schema.safeParse(args ?? {});
    if (!result.success) {
        throw new ModelshipValidationError(componentType, name, toProblems(result.error.issues, args, schema));
    }
    const extra = extraChecks(result.data);
    if (extra.length > 0) throw new ModelshipValidationError(componentType, name, extra);

    const deferredPaths: PropertyKey[][] = [];
    collectDeferredPaths(args, [], deferredPaths, new Set());
    if (deferredPaths.length === 0) {
        return { value: result.data, deferredCheck: pulumi.output(true) };
    }
    const deferredCheck = pulumi.output(args as pulumi.Input<object>).apply((resolved) => {
        const later = schema.safeParse(resolved);
        const problems = later.success
            ? []
            : toProblems(
                  later.error.issues.filter((i) => deferredPaths.some((p) => startsWith(i.path, p))),
                  resolved,
                  schema,
              );
        if (problems.length > 0) throw new ModelshipValidationError(componentType, name, problems);
        return true;
    });
    return { value: result.data, deferredCheck };
}

/** The argument that picks which settings block applies, for {@link foreignBlockProblems}. */
export interface BlockSelector {
    /** Name of the argument, for example `target` or `cloud`. */
    field: string;
    /** Its value in these arguments. */
    value: string;
    /** Render values of the argument in JSON quotes (`target "docker"`). Defaults to true. */
    quoted?: boolean;
    /** What to do instead, in place of naming the values the block applies to (`give the docker block, or change cloud`). */
    hint?: string;
}

/**
 * One problem for each settings block given that belongs to another target than the one chosen: for example a
 * `lambda` block on a service with `target: "docker"`. Blocks that are absent or `undefined` are fine.
 *
 * @param args the parsed arguments, holding the blocks at their top level
 * @param selector the argument that chose the target
 * @param blockOf the settings block of each value of the selector (several values may share one block)
 * @returns problems at each foreign block's path, in the order of `blockOf`:
 *   `no <block> settings with <field> <value> (they apply to <field> <owner> or <owner>)`, or with `selector.hint` in the brackets
 */
export function foreignBlockProblems(args: object, selector: BlockSelector, blockOf: Readonly<Record<string, string>>): ValidationProblem[] {
    const render = (value: string) => ((selector.quoted ?? true) ? JSON.stringify(value) : value);
    const own = blockOf[selector.value];
    const problems: ValidationProblem[] = [];
    for (const block of new Set(Object.values(blockOf))) {
        const given = (args as Record<string, unknown>)[block];
        if (block === own || given === undefined) continue;
        const owners = Object.keys(blockOf).filter((value) => blockOf[value] === block);
        const why = selector.hint ?? `they apply to ${selector.field} ${owners.map(render).join(" or ")}`;
        problems.push({ path: block, received: describeValue(given), expected: `no ${block} settings with ${selector.field} ${render(selector.value)} (${why})` });
    }
    return problems;
}

/**
 * A settings block with its defaults under it. The parsed arguments keep a field given as `undefined` (zod keeps such
 * keys), so a plain `{ ...defaults, ...given }` would replace the default with `undefined`: here each field falls back
 * on its own. Every defaults object of every component goes through `withDefaults`.
 *
 * `given` with `defaults` under it: each field of `defaults` is the given value when there is one, else the default.
 */
export type WithDefaults<D, G> = Omit<G, keyof D> & { [K in keyof D]: K extends keyof G ? D[K] | Exclude<G[K], undefined> : D[K] };

/**
 * `given` over `defaults`, field by field: fields of `given` that are `undefined` are left out, so their defaults stay.
 * A `given` that is not an object is returned as it is, for the schema that reads it to report.
 *
 * @param defaults the value of each defaulted field when `given` has none
 * @param given the settings block from the arguments, or `undefined` when it is absent
 * @returns a new object: `defaults`, then every field of `given` that is not `undefined`
 */
export function withDefaults<D extends object, G extends object>(defaults: D, given: G | undefined): WithDefaults<D, G> {
    if (given !== undefined && (given === null || typeof given !== "object" || Array.isArray(given))) return given as unknown as WithDefaults<D, G>;
    const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) merged[key] = value;
    return merged as WithDefaults<D, G>;
}

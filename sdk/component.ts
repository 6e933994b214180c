/**
 * The skeleton every component shares, as helpers rather than a base class: Pulumi's component analyzer (schema
 * inference for other languages) accepts only direct subclasses of `pulumi.ComponentResource`.
 *
 * A component's constructor, in order:
 *   1. `validateComponent(...)` before `super()`, so that invalid arguments register nothing; it returns the resolved
 *      value (the spec) typed, with the parsed arguments and the warnings to log.
 *   2. `super(TYPE, name, args, opts)`, then `logWarnings(this, warnings)`.
 *   3. Deploy from the resolved value; keep the underlying resources in an {@link UnderlyingResources} (a getter
 *      reads them, so they stay out of the multi-language schema).
 *   4. `registerOutputs({ ..., argumentsValid: argumentsValid(deferredCheck, ...) })`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { validateArgs, ValidationProblem } from "./validate";

/** What a component's checks beyond the schema found: the resolved value when there is no problem. */
export interface Resolution<T> {
    /** The resolved value (for example the spec); may be undefined only when `problems` is not empty. */
    value?: T;
    /** Every problem found, in argument paths; empty when the arguments are valid. */
    problems: ValidationProblem[];
    /** Warnings to log on the component once it exists (valid arguments only). */
    warnings?: string[];
}

/** The result of {@link validateComponent}: arguments known valid, resolved. */
export interface ValidatedComponent<T, Parsed> {
    /** The resolved value the checks returned. */
    value: T;
    /** The parsed arguments (defaults of the schema applied, Outputs passed through). */
    parsed: Parsed;
    /** Warnings to log on the component ({@link logWarnings}). */
    warnings: string[];
    /** Resolves to true once every Output argument is checked; see `validateArgs`. Pass it to {@link argumentsValid}. */
    deferredCheck: pulumi.Output<boolean>;
}

/**
 * Validates a component's arguments against its schema, then runs `resolve` on the parsed arguments: the checks that
 * span fields and the resolution of the spec. Throws one `ModelshipValidationError` listing every problem of the
 * schema, or else every problem `resolve` returned; otherwise returns what `resolve` resolved.
 *
 * @param componentType the component's type token, for example `modelship:index:GpuPool`
 * @param name the resource name given to the component
 * @param schema the zod schema of the arguments
 * @param args the arguments as received
 * @param resolve the checks beyond the schema; runs only when the schema passed
 */
export function validateComponent<S extends z.ZodType, T>(
    componentType: string,
    name: string,
    schema: S,
    args: unknown,
    resolve: (parsed: z.output<S>) => Resolution<T>,
): ValidatedComponent<T, z.output<S>> {
    let resolution: Resolution<T> | undefined;
    const checked = validateArgs(componentType, name, schema, args, (parsed) => {
        resolution = resolve(parsed);
        return resolution.problems;
    });
    // validateArgs threw unless the schema passed and `resolve` found no problem: it ran, and returned no problem.
    if (resolution?.value === undefined) {
        throw new Error(`${componentType} "${name}": the arguments passed every check but resolved to nothing (a modelship bug: please report it)`);
    }
    return { value: resolution.value, parsed: checked.value, warnings: resolution.warnings ?? [], deferredCheck: checked.deferredCheck };
}

/** Logs each warning on the component (shown by `pulumi up` and the offline plan beside the component). */
export function logWarnings(component: pulumi.Resource, warnings: readonly string[]): void {
    for (const warning of warnings) void pulumi.log.warn(warning, component);
}

/**
 * The underlying resources of each instance of one component class, kept outside the instances: every class field
 * becomes an output of the multi-language schema, and a generic `pulumi.Resource` has no schema type. The component
 * exposes them through a getter (`get resources()`), an escape hatch for TypeScript programs.
 */
export class UnderlyingResources<T extends object = { [role: string]: pulumi.Resource }> {
    private readonly byComponent = new WeakMap<pulumi.ComponentResource, T>();

    /** @param empty what {@link get} returns for a component that set nothing (it failed before deploying) */
    constructor(private readonly empty: () => T) {}

    /** Keeps the component's underlying resources. */
    set(component: pulumi.ComponentResource, resources: T): void {
        this.byComponent.set(component, resources);
    }

    /** The component's underlying resources, or the empty value. */
    get(component: pulumi.ComponentResource): T {
        return this.byComponent.get(component) ?? this.empty();
    }
}

/** Underlying resources by role, the shape most components keep. */
export function resourcesByRole(): UnderlyingResources<{ [role: string]: pulumi.Resource }> {
    return new UnderlyingResources(() => ({}));
}

/**
 * The component's `argumentsValid` output: true once every check passed. Each check is an Output that rejects with a
 * `ModelshipValidationError` when an argument given as an Output turns out invalid, so registering it fails the
 * deployment with that error.
 */
export function argumentsValid(...checks: pulumi.Output<boolean>[]): pulumi.Output<boolean> {
    if (checks.length === 1) return checks[0];
    return pulumi.all(checks).apply((results) => results.every((ok) => ok));
}

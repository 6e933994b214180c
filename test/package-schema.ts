/**
 * The Pulumi package schema of a TypeScript component package, generated in-process as `pulumi package add`
 * would (no CLI), and the multi-language rules checked on it.
 *
 * `pulumi package add <path or git URL>` starts the package with the nodejs language host, which runs
 * `@pulumi/pulumi/cmd/run-plugin`: it requires the package's main module, collects every exported
 * ComponentResource class (`getPulumiComponents`), derives the provider name and namespace from package.json,
 * and serves `ComponentProvider`, whose analyzer infers the schema from the TypeScript sources. This module
 * repeats those steps, so the schema here is the one other languages get their SDK from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

/** A property in the package schema. */
export interface PropertySchema {
    type?: string;
    $ref?: string;
    items?: PropertySchema;
    additionalProperties?: PropertySchema;
    oneOf?: PropertySchema[];
    anyOf?: PropertySchema[];
    allOf?: PropertySchema[];
    description?: string;
    optional?: boolean;
    plain?: boolean;
}

/** The parts of the package schema the rules look at. */
export interface PackageSchema {
    name: string;
    namespace?: string;
    version?: string;
    resources: Record<string, { inputProperties: Record<string, PropertySchema>; properties: Record<string, PropertySchema>; requiredInputs: string[] }>;
    types: Record<string, { type: string; properties?: Record<string, PropertySchema>; enum?: unknown[] }>;
}

/** Provider name and namespace as run-plugin derives them from package.json (`@scope/name` gives both). */
export function providerIdentity(packageRoot: string): { name: string; namespace?: string } {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { name: string };
    const [, scope, rest] = /^(@.*?\/)?(.+)$/.exec(manifest.name) ?? [];
    return { name: rest.replace(/[^-a-zA-Z0-9_]/g, "-"), namespace: scope ? scope.slice(1, -1) : undefined };
}

/** The component classes a package exports, found as run-plugin finds them. */
export function exportedComponents(moduleExports: unknown): ReturnType<typeof getPulumiComponents> {
    return getPulumiComponents(moduleExports);
}

/** Generates the schema of the package at `packageRoot`, whose main module's exports are `moduleExports`. */
export async function generatePackageSchema(packageRoot: string, moduleExports: unknown): Promise<PackageSchema> {
    const components = exportedComponents(moduleExports);
    if (components.length === 0) throw new Error(`${packageRoot}: the main module exports no ComponentResource class`);
    const provider = new ComponentProvider({ ...providerIdentity(packageRoot), dirname: packageRoot, components });
    try {
        return JSON.parse(await provider.getSchema()) as PackageSchema;
    } catch (e) {
        // The analyzer stops at the first argument or output type other languages cannot express.
        throw new Error(`pulumi package add would fail on ${packageRoot}: ${(e as Error).message}`, { cause: e });
    }
}

/**
 * The schema as committed: keys sorted at every level (arrays keep their order, which is meaningful), two-space
 * indent, final newline. The package version is left out: a release would otherwise change the snapshot
 * without changing any API.
 */
export function snapshotText(schema: PackageSchema): string {
    const sortKeys = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(sortKeys);
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(
                Object.keys(value)
                    .sort()
                    .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
            );
        }
        return value;
    };
    const { version: _version, ...rest } = schema;
    return `${JSON.stringify(sortKeys(rest), null, 2)}\n`;
}

/** Paths where two JSON values differ (`resources.x.inputProperties.y: added`), at most `limit` of them. */
export function jsonDifferences(before: unknown, after: unknown, limit = 20, at = ""): string[] {
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (!isObject(before) || !isObject(after)) return [`${at || "(root)"}: changed`];
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    const out: string[] = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        const where = at ? `${at}.${key}` : key;
        if (!(key in b)) out.push(`${where}: removed`);
        else if (!(key in a)) out.push(`${where}: added`);
        else out.push(...jsonDifferences(a[key], b[key], limit, where));
        if (out.length >= limit) break;
    }
    return out.slice(0, limit);
}

/** Names of the types reachable from some component's inputs (the others appear in outputs only). */
function inputTypes(schema: PackageSchema): Set<string> {
    const found = new Set<string>();
    const visit = (prop: PropertySchema | undefined): void => {
        if (!prop) return;
        const token = prop.$ref?.startsWith("#/types/") ? prop.$ref.slice("#/types/".length) : undefined;
        if (token && !found.has(token)) {
            found.add(token);
            Object.values(schema.types[token]?.properties ?? {}).forEach(visit);
        }
        visit(prop.items);
        visit(prop.additionalProperties);
    };
    Object.values(schema.resources).forEach((r) => Object.values(r.inputProperties ?? {}).forEach(visit));
    return found;
}

interface PropertyAt {
    where: string;
    /** An argument: of a component, or of a type used in arguments. */
    input: boolean;
    optional: boolean;
    prop: PropertySchema;
}

/** Every property of the resources' inputs and outputs and of the object types. */
function properties(schema: PackageSchema): PropertyAt[] {
    const out: PropertyAt[] = [];
    for (const [token, resource] of Object.entries(schema.resources)) {
        for (const [name, prop] of Object.entries(resource.inputProperties ?? {})) {
            out.push({ where: `${token} input ${name}`, input: true, optional: !resource.requiredInputs.includes(name), prop });
        }
        for (const [name, prop] of Object.entries(resource.properties ?? {})) out.push({ where: `${token} output ${name}`, input: false, optional: false, prop });
    }
    const inputs = inputTypes(schema);
    for (const [token, type] of Object.entries(schema.types)) {
        for (const [name, prop] of Object.entries(type.properties ?? {})) {
            out.push({ where: `${token} property ${name}`, input: inputs.has(token), optional: prop.optional === true, prop });
        }
    }
    return out;
}

function hasUnion(prop: PropertySchema | undefined): boolean {
    if (!prop) return false;
    return Boolean(prop.oneOf ?? prop.anyOf ?? prop.allOf) || hasUnion(prop.items) || hasUnion(prop.additionalProperties);
}

/**
 * The multi-language rules, as a list of violations (empty when the schema follows them):
 * - every resource is `<package>:index:<ClassName>` of an exported component class, whose static
 *   `__pulumiType`, when it has one, is that token; every type token is `<package>:index:<Identifier>`;
 * - every input property (of a component, or of a type used in arguments) has a description, and an optional
 *   one states its default ("Defaults to ...", "No default", ...), since TSDoc tags such as `@default` are dropped;
 * - every output has a description: one without is usually a private or helper field, which the analyzer
 *   publishes as an output like any other class field;
 * - no property is a union (oneOf/anyOf/allOf), which most languages cannot express.
 */
export function ruleViolations(schema: PackageSchema, components: { name: string; __pulumiType?: unknown }[]): string[] {
    const violations: string[] = [];
    const expected = components.map((c) => `${schema.name}:index:${c.name}`).sort();
    const actual = Object.keys(schema.resources).sort();
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        violations.push(`resource tokens ${JSON.stringify(actual)} are not those of the exported component classes ${JSON.stringify(expected)}`);
    }
    for (const c of components) {
        if (c.__pulumiType !== undefined && c.__pulumiType !== `${schema.name}:index:${c.name}`) {
            violations.push(`class ${c.name}: static __pulumiType is ${JSON.stringify(c.__pulumiType)}, expected "${schema.name}:index:${c.name}"`);
        }
    }
    for (const token of Object.keys(schema.types)) {
        if (!new RegExp(`^${schema.name}:index:[A-Za-z][A-Za-z0-9]*$`).test(token)) {
            violations.push(`type token ${token} is not ${schema.name}:index:<Identifier> (refer to enums and interfaces by their plain imported name, not namespace.Name)`);
        }
    }
    for (const { where, input, prop, optional } of properties(schema)) {
        const description = prop.description?.trim() ?? "";
        if (description === "") violations.push(`${where}: no description (TSDoc)`);
        else if (input && optional && !/\bdefaults?\b/i.test(description)) violations.push(`${where}: optional, but its description does not state the default`);
        if (description.includes("[object Object]")) violations.push(`${where}: description is garbled ("[object Object]"): the analyzer cannot render {@link ...} in TSDoc`);
        if (hasUnion(prop)) violations.push(`${where}: a union (oneOf/anyOf/allOf)`);
    }
    return violations;
}

/**
 * Problems with where the schema's types come from. The analyzer names a schema type after the interface or
 * enum alone, so:
 * - a name declared twice in the package sources (two `Target` interfaces in different files) becomes one type,
 *   and one of the components silently gets the other's shape;
 * - a type not declared in the package at all comes from a class of a dependency (`pulumi.Resource`, `Date`)
 *   that the analyzer turned into a made-up object type of its fields.
 * `tsconfigFile` selects the package sources.
 */
export function typeDeclarationProblems(schema: PackageSchema, tsconfigFile: string): string[] {
    const config = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
    const files = ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(tsconfigFile)).fileNames;
    const declaredIn = new Map<string, string[]>();
    for (const file of files) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
        source.forEachChild((node) => {
            const named = ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isClassDeclaration(node);
            if (named && node.name) declaredIn.set(node.name.text, [...(declaredIn.get(node.name.text) ?? []), path.relative(path.dirname(tsconfigFile), file)]);
        });
    }
    const problems: string[] = [];
    for (const token of Object.keys(schema.types)) {
        const name = token.split(":")[2];
        // A name that is no identifier (`catalog.Tier`) is reported by ruleViolations.
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) continue;
        const where = declaredIn.get(name) ?? [];
        if (where.length > 1) problems.push(`type ${token} is declared ${where.length} times (${where.join(", ")}): rename all but one`);
        if (where.length === 0) {
            problems.push(`type ${token} is not declared in the package: a class of a dependency made into an object type of its fields; expose plain data instead`);
        }
    }
    return problems;
}

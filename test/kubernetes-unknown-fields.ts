/**
 * Finds fields that the upstream schema of a Kubernetes kind does not declare.
 *
 * kubernetes-models validates types, formats, enums and required fields, but its compiled validators do not
 * reject unknown properties (no `additionalProperties: false` anywhere), so `resorces:` instead of
 * `resources:` would pass, and the API server would then drop the field silently or reject the object.
 * The packages ship no JSON schema files (their `_schemas/` folders hold compiled validators only), but they
 * ship TypeScript declarations generated from the same OpenAPI and CRD schemas. This module walks an object
 * against those declarations with the TypeScript checker: a key that no declared property and no index
 * signature (`{ [key: string]: T }`, used for labels, resource lists and free-form maps) accounts for is
 * unknown. Types declared without any property (free-form objects such as `RawExtension`) and `any` accept
 * every key.
 */
import * as ts from "typescript";

/** One unknown field: where it is (JSON pointer, as ajv reports paths) and the closest declared name. */
export interface UnknownField {
    pointer: string;
    suggestion?: string;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
    // The declaration files import each other with `.js` suffixes and through package `exports` maps.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
};

/** One TypeScript program over every declaration file asked for so far (parsing is the slow part). */
class Declarations {
    private readonly roots: string[] = [];
    private program?: ts.Program;
    private readonly types = new Map<string, ts.Type>();

    get checker(): ts.TypeChecker {
        if (!this.program) throw new Error("no declaration loaded yet");
        return this.program.getTypeChecker();
    }

    /** Adds declaration files to the program, rebuilding it once for all of them. */
    load(files: string[]): void {
        const added = files.filter((f, i) => !this.roots.includes(f) && files.indexOf(f) === i);
        if (added.length === 0) return;
        this.roots.push(...added);
        // Reuses the parsed files of the previous program; types of the old checker are not reusable. A copy of
        // the roots: the old program keeps the array it was given and compares it with the new one.
        this.program = ts.createProgram({ rootNames: [...this.roots], options: COMPILER_OPTIONS, oldProgram: this.program });
        this.types.clear();
    }

    /** The exported interface `name` of the declaration file `file`. */
    interfaceType(file: string, name: string): ts.Type {
        this.load([file]);
        const key = `${file}#${name}`;
        const cached = this.types.get(key);
        if (cached) return cached;
        const checker = this.checker;
        const source = this.program?.getSourceFile(file);
        const moduleSymbol = source && checker.getSymbolAtLocation(source);
        let symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
        if (!symbol) throw new Error(`${file} declares no exported interface ${name}`);
        if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const type = checker.getDeclaredTypeOfSymbol(symbol);
        this.types.set(key, type);
        return type;
    }
}

const declarations = new Declarations();

/** Loads declaration files ahead of {@link unknownFields}: one program build instead of one per new file. */
export function loadDeclarations(files: string[]): void {
    declarations.load(files);
}

/**
 * Unknown fields of `value` against the interface `interfaceName` of the declaration file `file`.
 * `skip` marks values not to inspect (Pulumi's unknowns during a preview).
 */
export function unknownFields(value: unknown, file: string, interfaceName: string, skip: (v: unknown) => boolean): UnknownField[] {
    const root = declarations.interfaceType(file, interfaceName);
    const found: UnknownField[] = [];
    walk(declarations.checker, value, [root], "", skip, found);
    return found;
}

/** The constituents of the candidate types, without null and undefined. */
function constituents(types: ts.Type[]): ts.Type[] {
    return types.flatMap((t) => (t.isUnion() ? t.types : [t])).filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
}

function isOpen(t: ts.Type): boolean {
    return (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive)) !== 0;
}

function stringIndexType(checker: ts.TypeChecker, t: ts.Type): ts.Type | undefined {
    return checker.getIndexInfosOfType(t).find((info) => info.keyType.flags & ts.TypeFlags.String)?.type;
}

function walk(checker: ts.TypeChecker, value: unknown, candidates: ts.Type[], pointer: string, skip: (v: unknown) => boolean, found: UnknownField[]): void {
    if (value === null || typeof value !== "object" || skip(value)) return;
    const types = constituents(candidates);
    if (types.length === 0 || types.some(isOpen)) return;
    if (Array.isArray(value)) {
        const itemTypes = types.filter((t) => checker.isArrayType(t)).map((t) => checker.getTypeArguments(t as ts.TypeReference)[0]);
        // No array type among the candidates: a type mismatch, which the schema validator reports.
        if (itemTypes.length === 0) return;
        value.forEach((item, i) => walk(checker, item, itemTypes, `${pointer}/${i}`, skip, found));
        return;
    }
    const objectTypes = types.filter((t) => t.flags & ts.TypeFlags.Object && !checker.isArrayType(t));
    if (objectTypes.length === 0) return;
    // A declared type with no property and no index signature is a free-form object.
    if (objectTypes.some((t) => t.getProperties().length === 0 && checker.getIndexInfosOfType(t).length === 0)) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        if (child === undefined) continue;
        const childTypes: ts.Type[] = [];
        for (const t of objectTypes) {
            const property = t.getProperty(key);
            const indexType = property ? undefined : stringIndexType(checker, t);
            if (property) childTypes.push(checker.getTypeOfSymbol(property));
            else if (indexType) childTypes.push(indexType);
        }
        const childPointer = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (childTypes.length === 0) {
            found.push({
                pointer: childPointer,
                suggestion: closest(
                    key,
                    objectTypes.flatMap((t) => t.getProperties().map((p) => p.name)),
                ),
            });
        } else {
            walk(checker, child, childTypes, childPointer, skip, found);
        }
    }
}

/** The declared name nearest to a misspelled key (at most 2 edits, or a case-only difference). */
function closest(key: string, names: string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const name of new Set(names)) {
        const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, name);
        if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
    }
    return best?.name;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

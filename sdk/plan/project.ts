/**
 * Reads a Pulumi project the way the Pulumi CLI would for a Node.js program: `Pulumi.yaml` (name, runtime,
 * main, project-level config) and `Pulumi.<stack>.yaml` (the stack's config), without a backend.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** The stack planned when none is named. */
export const DEFAULT_STACK = "dev";

/** The string a `secure:` config value becomes: it is encrypted with a key the offline plan does not have. */
export const SECRET_PLACEHOLDER = "[secret: encrypted in the stack file; not decrypted by the offline plan]";

/** Thrown for a project the plan cannot run: no Pulumi.yaml, another runtime, no entry file, bad YAML. */
export class ProjectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectError";
    }
}

/** A Pulumi project and one of its stacks, ready to run. */
export interface PulumiProject {
    /** Absolute path of the project folder (where Pulumi.yaml is). */
    dir: string;
    /** The project name from Pulumi.yaml. */
    name: string;
    stack: string;
    /** Absolute path of the file to require. */
    entry: string;
    /** Config as the Pulumi language host passes it: keys `namespace:key`, values strings (others JSON). */
    config: Record<string, string>;
    /** Config keys whose value is secret (`secure:` in the stack file). */
    secretKeys: string[];
    /** Things the user should know: secrets not decrypted. */
    notes: string[];
}

function readYaml(file: string): unknown {
    try {
        return parseYaml(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new ProjectError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A `{ secure: "..." }` value: encrypted by the stack's secrets provider. */
function isSecure(value: unknown): boolean {
    return isObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

/** Replaces encrypted values (at any depth) with the placeholder; reports whether there were any. */
function withoutSecure(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(withoutSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (isObject(value)) {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const inner = withoutSecure(v);
            out[k] = inner.value;
            secret ||= inner.secret;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/** `key` -> `<project>:key`; `ns:key` stays. */
function fullKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** Pulumi passes strings as they are and every other value JSON-encoded. */
function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Config defaults in Pulumi.yaml: `key: { default: v }` / `{ value: v }` for any key, `ns:key: v` plain. */
function projectDefaults(project: string, config: unknown, file: string): Record<string, unknown> {
    if (config === undefined || config === null) return {};
    if (!isObject(config)) throw new ProjectError(`${file}: "config" must be a mapping of keys to values`);
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(config)) {
        if (isObject(spec) && ("default" in spec || "value" in spec)) out[fullKey(project, key)] = spec.value ?? spec.default;
        else if (key.includes(":") && !isObject(spec)) out[key] = spec;
        // A bare key with only a type/description declares config without a value: nothing to set.
    }
    return out;
}

function findEntry(dir: string, main: unknown, file: string): string {
    if (main !== undefined && typeof main !== "string") {
        throw new ProjectError(`${file}: "main" must be a path (string), received ${JSON.stringify(main)}`);
    }
    const base = typeof main === "string" ? path.resolve(dir, main) : dir;
    const candidates: string[] = [];
    if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
    if (fs.existsSync(base) && fs.statSync(base).isDirectory()) {
        const manifest = path.join(base, "package.json");
        if (main === undefined && fs.existsSync(manifest)) {
            const pkgMain = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { main?: unknown }).main;
            if (typeof pkgMain === "string") candidates.push(path.resolve(base, pkgMain));
        }
        candidates.push(path.join(base, "index.ts"), path.join(base, "index.js"));
    } else {
        candidates.push(`${base}.ts`, `${base}.js`);
    }
    const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (found) return found;
    const where = typeof main === "string" ? `"main: ${main}" in ${file}` : `${dir}`;
    throw new ProjectError(`no program entry file for ${where}: looked for ${candidates.map((c) => path.relative(dir, c) || c).join(", ")}`);
}

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`. */
export function stackFiles(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * Reads the project in `dir` and the config of `stack`. Without a stack, plans {@link DEFAULT_STACK}, with
 * no config if it has no stack file; a stack named explicitly must have its `Pulumi.<stack>.yaml`.
 * Throws {@link ProjectError} with a message naming the file and what is wrong.
 */
export function readProject(dir: string, requestedStack?: string): PulumiProject {
    const stack = requestedStack ?? DEFAULT_STACK;
    const absDir = path.resolve(dir);
    if (fs.existsSync(absDir) && fs.statSync(absDir).isFile()) {
        throw new ProjectError(`${dir} is a file: give the program's directory, the folder with its Pulumi.yaml (here ${path.dirname(dir)})`);
    }
    if (!fs.existsSync(absDir) || !fs.statSync(absDir).isDirectory()) {
        throw new ProjectError(`program directory ${dir} does not exist`);
    }
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(absDir, f)).find((f) => fs.existsSync(f));
    if (!projectFile) throw new ProjectError(`${path.join(absDir, "Pulumi.yaml")} not found: ${dir} is not a Pulumi project`);
    const doc = readYaml(projectFile);
    if (!isObject(doc)) throw new ProjectError(`${projectFile} must be a YAML mapping with at least "name" and "runtime"`);
    if (typeof doc.name !== "string" || doc.name === "") {
        throw new ProjectError(`${projectFile}: "name" must be a non-empty string, received ${JSON.stringify(doc.name)}`);
    }
    const runtime = isObject(doc.runtime) ? doc.runtime.name : doc.runtime;
    if (runtime !== "nodejs") {
        throw new ProjectError(`${projectFile}: runtime is ${JSON.stringify(runtime)}; the offline plan runs only "nodejs" programs (TypeScript or JavaScript)`);
    }
    const name = doc.name;
    const entry = findEntry(absDir, doc.main, projectFile);

    const values: Record<string, unknown> = projectDefaults(name, doc.config, projectFile);
    const notes: string[] = [];
    const stackFile = path.join(absDir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(stackFile)) {
        const stackDoc = readYaml(stackFile) ?? {};
        if (!isObject(stackDoc)) throw new ProjectError(`${stackFile} must be a YAML mapping`);
        const config = stackDoc.config ?? {};
        if (!isObject(config)) throw new ProjectError(`${stackFile}: "config" must be a mapping of keys to values`);
        for (const [key, value] of Object.entries(config)) values[fullKey(name, key)] = value;
    } else if (requestedStack !== undefined) {
        const known = stackFiles(absDir);
        throw new ProjectError(`stack "${stack}" has no config file ${stackFile}; ` + (known.length > 0 ? `stacks with a file: ${known.join(", ")}` : "the project has no Pulumi.<stack>.yaml files"));
    }
    // The default stack without a file simply has no stack config (as a new Pulumi stack).

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of Object.entries(values)) {
        const { value, secret } = withoutSecure(raw);
        config[key] = encode(value);
        if (secret) secretKeys.push(key);
    }
    if (secretKeys.length > 0) {
        notes.push(
            `config ${secretKeys.join(", ")} ${secretKeys.length === 1 ? "is" : "are"} encrypted (secure:); ` + "the offline plan cannot decrypt secrets and passes a placeholder string instead",
        );
    }
    return { dir: absDir, name, stack, entry, config, secretKeys, notes };
}

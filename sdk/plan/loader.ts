/**
 * Makes a Pulumi program loadable in the plan's own process.
 *
 * A hook on Node's CommonJS loader transpiles `.ts` files on require with TypeScript's `transpileModule` (no
 * type-checking: that is the program's own `tsc` job, as with `pulumi up` and `transpileOnly`). Modules resolve as
 * Node and the Pulumi language host resolve them, from the program's folder: a program that lacks a package fails
 * here as it would under `pulumi up`, with a {@link MissingModuleError} that says how to install it. One exception,
 * for this repository's own tests: run from TypeScript source, a program's `modelship` that would load this very
 * package loads its source rather than the compiled dist/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Module from "node:module";
import type * as TypeScript from "typescript";

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;
/** The part of a requiring module the resolution looks at. */
type ParentModule = { filename?: string; paths?: string[] };

/** The internals of `node:module` the hooks replace (stable for a decade; used by ts-node and others). */
interface ModuleInternals {
    _resolveFilename: ResolveFilename;
    _extensions: Record<string, Loader>;
    _nodeModulePaths(dir: string): string[];
}

const moduleInternals = Module as unknown as ModuleInternals;

/** Thrown when a program's TypeScript does not parse; the message lists each error with file and line. */
export class ProgramSyntaxError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramSyntaxError";
    }
}

/**
 * The root of the modelship package: the nearest folder above this file with a package.json named
 * `modelship` (this file is `sdk/plan/loader.ts` from source, `dist/sdk/plan/loader.js` once built).
 */
export function packageRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name;
            if (name === "modelship") return dir;
        }
        const up = path.dirname(dir);
        if (up === dir) throw new Error(`cannot find the modelship package root above ${__dirname}`);
        dir = up;
    }
}

/** True when the plan runs from TypeScript source (vitest, the source CLI entry) rather than from dist/. */
export function runsFromSource(): boolean {
    return __filename.endsWith(".ts");
}

/**
 * The file a module of this package resolves to: `<root>/<relative>.ts` from source, else
 * `<root>/dist/<relative>.js`. `relative` has no extension, for example `index` or `policies/index`.
 */
export function packageFile(relative: string): string {
    const root = packageRoot();
    return runsFromSource() ? path.join(root, `${relative}.ts`) : path.join(root, "dist", `${relative}.js`);
}

/** The file `require("modelship")` loads inside a planned program. */
export function modelshipEntry(): string {
    return packageFile("index");
}

/** Transpiles one TypeScript file to CommonJS, failing with every syntax error it has. */
export function transpileTypeScript(source: string, fileName: string): string {
    // Loaded on first use: the compiler is large, and most commands never transpile anything.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof TypeScript;
    const result = ts.transpileModule(source, {
        fileName,
        reportDiagnostics: true,
        compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
            inlineSourceMap: true,
            inlineSources: true,
        },
    });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        const lines = errors.map((d) => {
            const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
            if (!d.file || d.start === undefined) return `${fileName}: error TS${d.code}: ${text}`;
            const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
            return `${fileName}(${line + 1},${character + 1}): error TS${d.code}: ${text}`;
        });
        throw new ProgramSyntaxError(lines.join("\n"));
    }
    return result.outputText;
}

/** The npm command that installs `pkg`; modelship is installed from a git URL, a folder or a tarball, not by name. */
const INSTALL_COMMANDS: Readonly<Record<string, string>> = {
    modelship: "npm install <git URL, folder or npm pack tarball of modelship>",
};

/** The package a bare module request names: `@scope/name` or `name`, without a subpath. */
function packageName(request: string): string {
    const parts = request.split("/");
    return request.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Thrown when a program (or a package it loads) imports a package that is not installed where Node looks for it.
 * Its message names the package, what imports it, where Node looked, and the command that installs it.
 */
export class MissingModuleError extends Error {
    readonly code = "MODULE_NOT_FOUND";

    /**
     * @param module the package, for example `@pulumi/aws`
     * @param from the file that imports it, or the program's folder when the program as a whole needs it
     * @param programDir the program's folder, where the package should be installed (defaults to `from`'s folder)
     */
    constructor(
        readonly module: string,
        readonly from: string,
        programDir?: string,
    ) {
        super("");
        this.name = "MissingModuleError";
        this.message = this.describe(programDir);
    }

    /** The message, with `programDir` as the folder to install in. */
    describe(programDir?: string): string {
        const isFolder = fs.existsSync(this.from) && fs.statSync(this.from).isDirectory();
        const searched = isFolder ? this.from : path.dirname(this.from);
        const program = programDir ?? searched;
        const importer = isFolder ? "every Pulumi program needs it" : `${path.relative(program, this.from) || this.from} imports it`;
        const install = INSTALL_COMMANDS[this.module] ?? `npm install ${this.module}`;
        return (
            `"${this.module}" is not installed: ${importer}, and Node finds no node_modules/${this.module} in ${searched} ` +
            `or a folder above it (nor would pulumi up). Install it in the program's folder: cd ${program} && ${install}`
        );
    }
}

/** Where Node looks for a bare request from `parent` (or from `options.paths` when given). */
function lookupDirs(parent: ParentModule | undefined, options: unknown): string[] {
    const paths = (options as { paths?: unknown } | undefined)?.paths;
    if (Array.isArray(paths)) return paths.flatMap((p) => moduleInternals._nodeModulePaths(path.resolve(String(p))));
    if (parent?.paths) return parent.paths;
    return parent?.filename ? moduleInternals._nodeModulePaths(path.dirname(parent.filename)) : [];
}

/** True when `request` names a package (not a path, not a Node.js built-in) that none of `dirs` holds. */
function packageMissing(request: string, dirs: string[]): boolean {
    if (request.startsWith(".") || path.isAbsolute(request) || Module.isBuiltin(request)) return false;
    const name = packageName(request);
    return !dirs.some((dir) => fs.existsSync(path.join(dir, name)));
}

/** The folder of the nearest package.json at or above `dir`. */
function packageScope(dir: string): string | undefined {
    for (;;) {
        if (fs.existsSync(path.join(dir, "package.json"))) return dir;
        const up = path.dirname(dir);
        if (up === dir) return undefined;
        dir = up;
    }
}

/** True when `file` (with links resolved) is inside this package, outside its node_modules. */
function insideThisPackage(file: string): boolean {
    const relative = path.relative(packageRoot(), fs.realpathSync(file));
    return !relative.startsWith("..") && !path.isAbsolute(relative) && !relative.split(path.sep).includes("node_modules");
}

interface InstalledHooks {
    resolveFilename: ResolveFilename;
    previousResolveFilename: ResolveFilename;
    tsLoader: Loader;
    previousTsLoader: Loader | undefined;
    sourceMapsWereEnabled: boolean;
}

let installed: InstalledHooks | undefined;

/** Options of {@link installLoader}. */
export interface LoaderOptions {
    /**
     * Map stack traces to the program's TypeScript (Node's source maps, for `--verbose` errors). Defaults to false:
     * with source maps on, Node maps every stack trace taken, and Pulumi's runtime takes some for every resource (about
     * 40% of a large plan's time before the fast path); only a stack trace shown to the user needs them. A later call
     * with true turns them on.
     */
    sourceMaps?: boolean;
}

/**
 * Installs the `.ts` loader and the resolution hook. Idempotent: a second call only turns source maps on if it
 * asks for them. Undo with {@link uninstallLoader}.
 */
export function installLoader(options: LoaderOptions = {}): void {
    // Node caches a module's source map only when maps are on as it loads: turn them on before the program loads.
    const enableSourceMaps = () => {
        if (options.sourceMaps) process.setSourceMapsEnabled(true);
    };
    if (installed) return enableSourceMaps();
    const previousResolveFilename = moduleInternals._resolveFilename;
    const resolveFilename: ResolveFilename = function (request, parent, isMain, options) {
        const from = parent as ParentModule | undefined;
        // From source, `modelship` in this repository (a package self-reference, as in examples/) is the source.
        if (request === "modelship" && runsFromSource() && from?.filename && packageScope(path.dirname(from.filename)) === packageRoot()) {
            return modelshipEntry();
        }
        let resolved: string;
        try {
            resolved = previousResolveFilename.call(Module, request, parent, isMain, options);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" || !packageMissing(request, lookupDirs(from, options))) throw error;
            throw new MissingModuleError(packageName(request), from?.filename ?? process.cwd());
        }
        // From source, a program's own link to this checkout (npm install <this folder>) loads the source too.
        if (request === "modelship" && runsFromSource() && insideThisPackage(resolved)) return modelshipEntry();
        return resolved;
    };
    const tsLoader: Loader = (module, filename) => {
        module._compile(transpileTypeScript(fs.readFileSync(filename, "utf8"), filename), filename);
    };

    installed = {
        resolveFilename,
        previousResolveFilename,
        tsLoader,
        previousTsLoader: moduleInternals._extensions[".ts"],
        sourceMapsWereEnabled: process.sourceMapsEnabled,
    };
    moduleInternals._resolveFilename = resolveFilename;
    moduleInternals._extensions[".ts"] = tsLoader;
    enableSourceMaps();
}

/** Removes the hooks {@link installLoader} installed, restoring what was there before. Idempotent. */
export function uninstallLoader(): void {
    if (!installed) return;
    // Restore only our own hooks: if something hooked on top of ours since, leave its chain alone.
    if (moduleInternals._resolveFilename === installed.resolveFilename) {
        moduleInternals._resolveFilename = installed.previousResolveFilename;
    }
    if (moduleInternals._extensions[".ts"] === installed.tsLoader) {
        if (installed.previousTsLoader) moduleInternals._extensions[".ts"] = installed.previousTsLoader;
        else delete moduleInternals._extensions[".ts"];
    }
    process.setSourceMapsEnabled(installed.sourceMapsWereEnabled);
    installed = undefined;
}

/** True while the hooks are installed. */
export function loaderInstalled(): boolean {
    return installed !== undefined;
}

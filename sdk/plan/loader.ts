/**
 * Makes a Pulumi program loadable in the plan's own process.
 *
 * Two hooks on Node's CommonJS loader:
 * - `.ts` files are transpiled on require with TypeScript's `transpileModule` (no type-checking: that is
 *   the program's own `tsc` job, as with `pulumi up` and `transpileOnly`);
 * - `@pulumi/pulumi`, every `@pulumi/*` package the plan itself has, and `modelship` resolve to the copies
 *   the plan runner uses, whatever node_modules the program has. Two copies of @pulumi/pulumi would put
 *   the mocks on one copy and the program's resources on the other.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Module from "node:module";
import type * as TypeScript from "typescript";

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;

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

function existingModelshipEntry(): string {
    const entry = modelshipEntry();
    if (fs.existsSync(entry)) return entry;
    const hint = runsFromSource() ? "" : ': run "npm run build" in the modelship package';
    const error = new Error(`the program imports "modelship", which resolves to ${entry}; that file does not exist${hint}`);
    (error as NodeJS.ErrnoException).code = "MODULE_NOT_FOUND";
    throw error;
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

function redirected(request: string): boolean {
    return request === "modelship" || request === "@pulumi/pulumi" || /^@pulumi\/[^/]+(\/.*)?$/.test(request);
}

interface InstalledHooks {
    resolveFilename: ResolveFilename;
    previousResolveFilename: ResolveFilename;
    tsLoader: Loader;
    previousTsLoader: Loader | undefined;
    sourceMapsWereEnabled: boolean;
}

let installed: InstalledHooks | undefined;

/**
 * Installs the `.ts` loader and the module redirection. Idempotent: a second call does nothing.
 * Undo with {@link uninstallLoader}.
 */
export function installLoader(): void {
    if (installed) return;
    const previousResolveFilename = moduleInternals._resolveFilename;
    // Resolve redirected packages as if this file had required them: from the runner's node_modules.
    const runner = new Module(__filename) as unknown as { filename: string; paths: string[] };
    runner.filename = __filename;
    runner.paths = moduleInternals._nodeModulePaths(__dirname);

    const resolveFilename: ResolveFilename = function (request, parent, isMain, options) {
        if (request === "modelship") return existingModelshipEntry();
        if (redirected(request)) {
            try {
                return previousResolveFilename.call(Module, request, runner, false, options);
            } catch {
                // A provider the runner does not have (say @pulumi/random): the program's own copy is used;
                // its require of @pulumi/pulumi still comes back here and gets the runner's copy.
            }
        }
        return previousResolveFilename.call(Module, request, parent, isMain, options);
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
    // Stack traces (shown with --verbose) then point into the program's TypeScript, not the transpiled code.
    process.setSourceMapsEnabled(true);
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

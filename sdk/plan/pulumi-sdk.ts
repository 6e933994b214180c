/**
 * The copy of @pulumi/pulumi a program runs on.
 *
 * The Pulumi Node.js language host runs a program on the @pulumi/pulumi that Node resolves from the program's
 * folder; the plan does the same, and installs its mocks on that copy. A program without one fails here, as it
 * would under `pulumi up`, instead of borrowing the plan's own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Pulumi from "@pulumi/pulumi";
import { MissingModuleError } from "./loader";

/** What the mock runtime uses of one copy of @pulumi/pulumi. */
export interface PulumiSdk {
    /** The package's folder, with symbolic links resolved. */
    dir: string;
    version: string;
    runtime: typeof Pulumi.runtime;
    /** `runtime/settings`: the resource monitor and the queue of outstanding RPCs. */
    settings: { getMonitor(): unknown; waitForRPCs(): Promise<void> };
    /** `runtime/rpc`: how registered properties and secrets are encoded. */
    rpc: {
        deserializeProperties(struct: unknown): Record<string, unknown>;
        isRpcSecret(value: unknown): boolean;
        unwrapRpcSecret(value: unknown): unknown;
    };
}

const loaded = new Map<string, PulumiSdk>();

/** Loads the copy of @pulumi/pulumi whose folder is `dir` (once per folder). */
function loadSdk(dir: string): PulumiSdk {
    const known = loaded.get(dir);
    if (known) return known;
    /* eslint-disable @typescript-eslint/no-require-imports */
    const sdk: PulumiSdk = {
        dir,
        version: (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version,
        runtime: (require(dir) as typeof Pulumi).runtime,
        settings: require(path.join(dir, "runtime", "settings")) as PulumiSdk["settings"],
        rpc: require(path.join(dir, "runtime", "rpc")) as PulumiSdk["rpc"],
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    loaded.set(dir, sdk);
    return sdk;
}

/** The folder of the @pulumi/pulumi that Node resolves from `from` (a folder), or undefined when there is none. */
export function pulumiPackageDir(from: string): string | undefined {
    try {
        return fs.realpathSync(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [from] })));
    } catch {
        return undefined;
    }
}

/** The copy of @pulumi/pulumi the modelship package itself resolves (the one the test harness uses). */
export function ownPulumiSdk(): PulumiSdk {
    const dir = pulumiPackageDir(__dirname);
    if (!dir) throw new MissingModuleError("@pulumi/pulumi", __filename);
    return loadSdk(dir);
}

/**
 * The copy of @pulumi/pulumi the program in `programDir` runs on. Throws {@link MissingModuleError} when the
 * program has none: Node finds no node_modules/@pulumi/pulumi in its folder or a folder above it.
 */
export function programPulumiSdk(programDir: string): PulumiSdk {
    const dir = pulumiPackageDir(programDir);
    if (!dir) throw new MissingModuleError("@pulumi/pulumi", programDir);
    return loadSdk(dir);
}

/** The folder of the package `name` as Node resolves it from `from` (links resolved), or undefined. */
function packageDirFrom(name: string, from: string): string | undefined {
    try {
        return fs.realpathSync(path.dirname(require.resolve(`${name}/package.json`, { paths: [from] })));
    } catch {
        return undefined;
    }
}

/**
 * A note when the modelship the program imports loads another copy of @pulumi/pulumi than the program's own: the
 * case of `npm install <folder>`, which links a folder that has its own node_modules. Pulumi 3 keeps its runtime
 * state in one place for all copies (a global store), so the plan still runs; the note says how to have one copy.
 */
export function secondCopyNotes(programDir: string, sdk: PulumiSdk): string[] {
    const modelship = packageDirFrom("modelship", programDir);
    const theirs = modelship && pulumiPackageDir(modelship);
    if (!modelship || !theirs || theirs === sdk.dir) return [];
    const version = (JSON.parse(fs.readFileSync(path.join(theirs, "package.json"), "utf8")) as { version: string }).version;
    return [
        `modelship (${modelship}) loads its own @pulumi/pulumi ${version} from ${theirs}, not the program's ${sdk.version} ` +
            `from ${sdk.dir}: npm linked the folder it was installed from. Pulumi keeps its runtime state in one place for ` +
            `every copy, so the plan runs, but to share the program's copy install it as a copy: npm install --install-links ${modelship}`,
    ];
}

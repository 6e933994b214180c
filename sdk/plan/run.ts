/**
 * Runs a Pulumi program in this process on the mock runtime and returns what it registered.
 *
 * The mock runtime is process-global, so one program runs at a time; running another one afterwards in
 * the same process works (the mocks, config and recorder are installed afresh and the program's own
 * modules are loaded again).
 */
import * as path from "node:path";
import { installLoader, MissingModuleError } from "./loader";
import { PulumiProject, readProject } from "./project";
import { programPulumiSdk, PulumiSdk, secondCopyNotes } from "./pulumi-sdk";
import { installMockRuntime, ResourceRecord, ResourceRecorder, ValuePath } from "./runtime";

/** Options of {@link runProgram}. */
export interface RunOptions {
    /** The program's folder (where Pulumi.yaml is). */
    dir: string;
    /** The stack whose `Pulumi.<stack>.yaml` config is used. Defaults to "dev" (no stack file needed). */
    stack?: string;
    /** Config set over the stack file's, keys `namespace:key` (or bare keys of the project). */
    config?: Record<string, string>;
    /** Run as a preview (outputs of new resources unknown). Defaults to false: every output is simulated. */
    preview?: boolean;
    /** Map the stack traces of errors to the program's TypeScript (for `--verbose`; slower). Defaults to false. */
    sourceMaps?: boolean;
    /**
     * Run on the fast path through Pulumi's runtime (see `fast-path.ts`); false runs Pulumi's own code. The plan is
     * the same either way. Defaults to true.
     */
    fastPath?: boolean;
}

/** The result of running a program. */
export interface PlanRun {
    /** The program folder as given. */
    program: string;
    /** The program folder, absolute. */
    programPath: string;
    /** The project name from Pulumi.yaml. */
    project: string;
    stack: string;
    /** The config the program ran with (secure values replaced by a placeholder). */
    config: Record<string, string>;
    /** Every registered resource in registration order, the stack (`pulumi:pulumi:Stack`) first. */
    resources: ResourceRecord[];
    /** The stack outputs: the module's exports, or what its default-exported function returned. */
    outputs: Record<string, unknown>;
    /** Paths of the secret values in `outputs`. */
    secretOutputPaths: ValuePath[];
    /** Things the user should know that did not stop the run (for example secrets not decrypted). */
    notes: string[];
    /** Things that went less well than they should and did not change the plan (the fast path not available). */
    warnings: string[];
    /** Why the program failed; undefined when it ran to the end. */
    error?: Error;
}

/** Pulumi prefixes the property path to errors raised while serialising outputs; users wrote none of it. */
export function stripSerializationPrefix(message: string): string {
    return message.replace(/^(error serializing property "[^"]*": )+/, "");
}

/** The error as the user should see it; a missing package is named with the program's folder to install it in. */
function asError(reason: unknown, programDir: string): Error {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    error.message = error instanceof MissingModuleError ? error.describe(programDir) : stripSerializationPrefix(error.message);
    return error;
}

/** Waits until no registration or output is pending and the recorder has stopped growing. */
async function settle(sdk: PulumiSdk, recorder: ResourceRecorder): Promise<void> {
    let quietRounds = 0;
    let seen = -1;
    while (quietRounds < 2) {
        await sdk.settings.waitForRPCs();
        await new Promise((resolve) => setTimeout(resolve, 5));
        const count = recorder.all().length;
        quietRounds = count === seen ? quietRounds + 1 : 0;
        seen = count;
    }
}

/** The program's own modules (outside node_modules) that the last run loaded. */
let programModules: string[] = [];

/**
 * Forgets the modules the last program loaded, except packages under node_modules, so that a second run
 * executes the program again rather than returning its cached exports. Returns a function that records
 * which modules this run loads.
 */
function forgetProgramModules(): () => void {
    for (const file of programModules) delete require.cache[file];
    const before = new Set(Object.keys(require.cache));
    return () => {
        programModules = Object.keys(require.cache).filter((f) => !before.has(f) && !f.split(path.sep).includes("node_modules"));
    };
}

/** Mirrors the Pulumi Node.js language host: exports are the outputs; an exported function is run first. */
async function runEntry(entry: string): Promise<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(entry) as unknown;
    if (typeof exported === "function") return await (exported as () => unknown)();
    const defaultExport = (exported as { default?: unknown } | null)?.default;
    if (typeof defaultExport === "function") return await (defaultExport as () => unknown)();
    return exported;
}

/**
 * Takes over `unhandledRejection` while the program runs: a rejection nobody handles is the program's
 * failure (deferred validation errors arrive that way), not the host's (vitest, for one, would report it).
 */
function captureRejections(): { errors: unknown[]; release(): void } {
    const errors: unknown[] = [];
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const onRejection = (reason: unknown) => {
        if (!errors.includes(reason)) errors.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    return {
        errors,
        release() {
            process.removeListener("unhandledRejection", onRejection);
            for (const listener of others) process.on("unhandledRejection", listener);
        },
    };
}

/**
 * Runs the Pulumi program in `dir` on the mock runtime with the config of its stack and returns every
 * resource it registered and its stack outputs. The program runs on its own @pulumi/pulumi (the one Node
 * resolves from its folder, as under `pulumi up`), which gets the mocks. A failing program does not throw:
 * the result carries the `error` (with what was registered before it). Throws {@link ProjectError} when the
 * folder is not a runnable project (no Pulumi.yaml, another runtime, no entry file, a named stack without its
 * file) and {@link MissingModuleError} when the program has no @pulumi/pulumi.
 */
export async function runProgram(options: RunOptions): Promise<PlanRun> {
    const project: PulumiProject = readProject(options.dir, options.stack);
    const config = { ...project.config };
    for (const [key, value] of Object.entries(options.config ?? {})) config[key.includes(":") ? key : `${project.name}:${key}`] = value;

    installLoader({ sourceMaps: options.sourceMaps });
    const sdk = programPulumiSdk(project.dir);
    const recordProgramModules = forgetProgramModules();
    const recorder = installMockRuntime({ project: project.name, stack: project.stack, config, preview: options.preview, sdk, fastPath: options.fastPath });
    // Again, with the secret keys, so that the program's config.getSecret/requireSecret see them as secrets.
    sdk.runtime.setAllConfig(config, project.secretKeys);

    const rejections = captureRejections();
    let error: Error | undefined;
    try {
        await sdk.runtime.runInPulumiStack(() => runEntry(project.entry));
    } catch (e) {
        error = asError(e, project.dir);
    }
    try {
        await settle(sdk, recorder);
    } catch (e) {
        error ??= asError(e, project.dir);
    } finally {
        rejections.release();
        recordProgramModules();
    }
    if (!error && rejections.errors.length > 0) error = asError(rejections.errors[0], project.dir);

    const resources = recorder.all();
    if (!error && recorder.duplicateUrns.length > 0) {
        error = new Error(`the program registered more than one resource with the URN ${recorder.duplicateUrns[0]}: give each resource a unique name`);
    }
    const stackRecord = resources.find((r) => r.type === "pulumi:pulumi:Stack" && r.parent === undefined);
    return {
        program: options.dir,
        programPath: project.dir,
        project: project.name,
        stack: project.stack,
        config,
        resources,
        outputs: stackRecord?.outputs ?? {},
        secretOutputPaths: stackRecord?.secretOutputPaths ?? [],
        notes: [...project.notes, ...secondCopyNotes(project.dir, sdk)],
        warnings: recorder.fastPath.warning ? [recorder.fastPath.warning] : [],
        error,
    };
}

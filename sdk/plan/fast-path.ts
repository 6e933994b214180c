/**
 * The plan's fast path through Pulumi's runtime.
 *
 * Under the mock monitor two things Pulumi does for every resource cost nearly all of a plan's time and change nothing
 * in it: `debuggablePromise` (runtime/debuggable.js) records a stack-trace string on each of the ~180 promises a
 * resource makes, for `PULUMI_DEBUG_PROMISE_LEAKS`; and `Resource.stackTrace` (resource.js) captures the caller's
 * stack so the engine can show where a resource was declared, which the mock monitor ignores. The fast path swaps
 * them, on the program's own copy of @pulumi/pulumi, for a lean tracker that keeps Pulumi's leak check (the same
 * leak-candidate set, and Pulumi's own report at exit) without the strings, and for an empty stack trace.
 *
 * These are internals of @pulumi/pulumi. Each one is checked before it is replaced (module, export, arity, how its
 * callers reach it); when one is not as expected, nothing is replaced and the plan runs on Pulumi's own code, at its
 * normal speed, with one warning that says so. The plan is the same either way (test/plan-fast-path.test.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** `runtime/debuggable.js`: the promise tracker and the leak report. */
interface DebuggableModule {
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
    leakedPromises(): [Set<Promise<unknown>>, string];
    debugPromiseLeaks: boolean;
}

/** `runtime/state.js`: the runtime's one store, which holds the leak candidates. */
interface StateModule {
    getStore(): { leakCandidates: Set<Promise<unknown>> };
}

/** `resource.js`: the class whose constructor captures the caller's stack trace. */
interface ResourceModule {
    Resource: (abstract new (...args: never[]) => unknown) & { stackTrace(skip: number): unknown[] };
}

/** The internals the fast path replaces, found and checked in one copy of @pulumi/pulumi. */
export interface PulumiInternals {
    debuggable: DebuggableModule;
    state: StateModule;
    resource: ResourceModule;
}

/** What {@link findInternals} found: the internals, or what is not where the fast path expects it. */
export type InternalsSearch = { internals: PulumiInternals } | { missing: string };

/** The modules that call `debuggablePromise` for every resource; each must call it through the module's exports. */
const CALLERS = ["runtime/resource.js", "runtime/rpc.js"];

function load(dir: string, relative: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(dir, relative));
}

/**
 * True when `source` calls `debuggablePromise` through the exports of `require("./debuggable")` (as TypeScript's
 * CommonJS output does: `debuggable_1.debuggablePromise(...)`), so that replacing the export reaches the call.
 */
function callsThroughExports(source: string): boolean {
    const binding = /(?:const|var|let)\s+([\w$]+)\s*=\s*(?:__importStar\()?require\("\.\/debuggable(?:\.js)?"\)/.exec(source)?.[1];
    return binding !== undefined && source.includes(`${binding}.debuggablePromise(`);
}

/** Finds the internals the fast path replaces in the @pulumi/pulumi whose folder is `dir`, checking each one. */
export function findInternals(dir: string): InternalsSearch {
    let debuggable: Partial<DebuggableModule>;
    let state: Partial<StateModule>;
    let resource: Partial<ResourceModule>;
    try {
        debuggable = load(dir, "runtime/debuggable.js") as Partial<DebuggableModule>;
        state = load(dir, "runtime/state.js") as Partial<StateModule>;
        resource = load(dir, "resource.js") as Partial<ResourceModule>;
    } catch (error) {
        return { missing: `runtime/debuggable.js, runtime/state.js or resource.js (${(error as Error).message.split("\n")[0]})` };
    }
    if (typeof debuggable.debuggablePromise !== "function" || debuggable.debuggablePromise.length !== 2) {
        return { missing: "debuggablePromise(promise, context) in runtime/debuggable.js" };
    }
    if (typeof debuggable.leakedPromises !== "function" || typeof debuggable.debugPromiseLeaks !== "boolean") {
        return { missing: "leakedPromises() and debugPromiseLeaks in runtime/debuggable.js" };
    }
    if (typeof state.getStore !== "function" || !(state.getStore().leakCandidates instanceof Set)) {
        return { missing: "getStore().leakCandidates (a Set) in runtime/state.js" };
    }
    for (const caller of CALLERS) {
        let source: string;
        try {
            source = fs.readFileSync(path.join(dir, caller), "utf8");
        } catch {
            return { missing: caller };
        }
        if (!callsThroughExports(source)) return { missing: `the calls to debuggablePromise through its module's exports in ${caller}` };
    }
    const Resource = resource.Resource;
    if (typeof Resource !== "function" || typeof Resource.stackTrace !== "function" || Resource.stackTrace.length !== 1) {
        return { missing: "Resource.stackTrace(skip) in resource.js" };
    }
    // The constructor must reach it through the class, so that replacing the static method reaches the call.
    if (!String(Resource).includes("Resource.stackTrace(")) return { missing: "the call to Resource.stackTrace in Resource's constructor" };
    return { internals: { debuggable: debuggable as DebuggableModule, state: state as StateModule, resource: resource as ResourceModule } };
}

/**
 * Pulumi's tracker without the stack-trace string: the same leak-candidate set, the same promise chain (`then`, then
 * `catch`: with one `then` holding both handlers, some registrations complete in another order and the plan differs,
 * as examples/polyglot-pipeline-aws shows), and Pulumi's own leak report at exit, scheduled by one call to the
 * original (the report runs once per process, whoever schedules it).
 */
function leanTracker(internals: PulumiInternals, original: DebuggableModule["debuggablePromise"]): DebuggableModule["debuggablePromise"] {
    let reportScheduled = false;
    return <T>(p: Promise<T>, _ctx: unknown): Promise<T> => {
        if (!reportScheduled) {
            reportScheduled = true;
            void original(Promise.resolve(), "modelship plan: schedules Pulumi's leak report at exit");
        }
        const leakCandidates = internals.state.getStore().leakCandidates;
        leakCandidates.add(p);
        return p
            .then((value) => {
                leakCandidates.delete(p);
                return value;
            })
            .catch((error: unknown) => {
                leakCandidates.delete(p);
                // As Pulumi does (a primitive rejection then fails here with a TypeError, as it does there).
                (error as { promise?: unknown }).promise = p;
                throw error;
            });
    };
}

/** Whether a copy of @pulumi/pulumi runs the plan on the fast path, and the warning when it cannot. */
export interface FastPathState {
    fast: boolean;
    /** Set when the fast path was asked for and the internals are not as expected. */
    warning?: string;
}

interface Installed {
    internals: PulumiInternals;
    debuggablePromise: DebuggableModule["debuggablePromise"];
    stackTrace: ResourceModule["Resource"]["stackTrace"];
}

/** Per folder of @pulumi/pulumi: the internals found (or what is missing), and the originals while replaced. */
const searches = new Map<string, InternalsSearch>();
const installed = new Map<string, Installed>();

/** The warning printed when the fast path is not available. */
export function slowPathWarning(dir: string, version: string, missing: string): string {
    return `the plan runs at Pulumi's normal speed (slower on large stacks, same result): @pulumi/pulumi ${version} at ${dir} ` + `does not have ${missing} where modelship expects it`;
}

/**
 * Turns the fast path on or off for the @pulumi/pulumi in `dir` (`version` is for the warning). Idempotent. Off
 * restores Pulumi's own functions. With `PULUMI_DEBUG_PROMISE_LEAKS` set, Pulumi's tracker stays: its stack strings
 * are what that variable asks for.
 */
export function setFastPath(dir: string, version: string, on: boolean): FastPathState {
    const current = installed.get(dir);
    if (!on) {
        if (current) {
            current.internals.debuggable.debuggablePromise = current.debuggablePromise;
            current.internals.resource.Resource.stackTrace = current.stackTrace;
            installed.delete(dir);
        }
        return { fast: false };
    }
    if (current) return { fast: true };
    let search = searches.get(dir);
    if (!search) {
        search = findInternals(dir);
        searches.set(dir, search);
    }
    if ("missing" in search) return { fast: false, warning: slowPathWarning(dir, version, search.missing) };
    const { internals } = search;
    const original = { debuggablePromise: internals.debuggable.debuggablePromise, stackTrace: internals.resource.Resource.stackTrace };
    if (!internals.debuggable.debugPromiseLeaks) internals.debuggable.debuggablePromise = leanTracker(internals, original.debuggablePromise);
    // No positions: the mock monitor ignores them (`pulumi up` gets them: it never runs this code).
    internals.resource.Resource.stackTrace = () => [];
    installed.set(dir, { internals, ...original });
    return { fast: true };
}

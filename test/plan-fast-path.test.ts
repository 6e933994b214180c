/**
 * The plan's fast path through Pulumi's runtime (sdk/plan/fast-path.ts): taken on the installed @pulumi/pulumi,
 * refused with one warning when its internals are not where the plan expects them, the same plan either way, and
 * Pulumi's leak check kept.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planCost } from "../sdk/plan/cost";
import { findInternals, setFastPath, slowPathWarning } from "../sdk/plan/fast-path";
import { planJson } from "../sdk/plan/plan-json";
import { runPolicies } from "../sdk/plan/policies";
import { ownPulumiSdk } from "../sdk/plan/pulumi-sdk";
import { renderPlan, styleFor } from "../sdk/plan/render";
import { runProgram } from "../sdk/plan/run";
import { cli, temporaryFolders } from "./cli-helpers";

const root = path.resolve(__dirname, "..");
const tmpDir = temporaryFolders("modelship-fast-path-");

/** A layout of @pulumi/pulumi as the fast path expects it (the shape of 3.270), to break one piece at a time. */
const LAYOUT: Record<string, string> = {
    "package.json": JSON.stringify({ name: "@pulumi/pulumi", version: "9.0.0" }),
    "runtime/debuggable.js": `exports.debugPromiseLeaks = false;
exports.leakedPromises = function () { return [new Set(), ""]; };
exports.debuggablePromise = function (p, ctx) { return p; };`,
    "runtime/state.js": "const store = { leakCandidates: new Set() }; exports.getStore = function () { return store; };",
    "runtime/resource.js": 'const debuggable_1 = require("./debuggable");\nfunction f(p) { return debuggable_1.debuggablePromise(p, "x"); }',
    "runtime/rpc.js": 'const debuggable_1 = require("./debuggable");\nfunction f(p) { return debuggable_1.debuggablePromise(p, "x"); }',
    "resource.js": "class Resource { constructor() { const s = Resource.stackTrace(4); } static stackTrace(skip) { return []; } }\nexports.Resource = Resource;",
};

function fakeSdk(changes: Record<string, string | null>): string {
    const dir = tmpDir();
    for (const [file, text] of Object.entries({ ...LAYOUT, ...changes })) {
        if (text === null) continue;
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

describe("the fast path's detection", () => {
    it("finds every internal it replaces in the installed @pulumi/pulumi, and replaces and restores them", () => {
        const sdk = ownPulumiSdk();
        const found = findInternals(sdk.dir);
        expect(found).not.toHaveProperty("missing");
        if (!("internals" in found)) return;
        const { debuggable, resource } = found.internals;
        const original = { debuggablePromise: debuggable.debuggablePromise, stackTrace: resource.Resource.stackTrace };
        try {
            expect(setFastPath(sdk.dir, sdk.version, false)).toEqual({ fast: false });
            expect(debuggable.debuggablePromise).toBe(original.debuggablePromise);
            expect(setFastPath(sdk.dir, sdk.version, true)).toEqual({ fast: true });
            expect(debuggable.debuggablePromise).not.toBe(original.debuggablePromise);
            expect(resource.Resource.stackTrace(4)).toEqual([]);
            expect(setFastPath(sdk.dir, sdk.version, false)).toEqual({ fast: false });
            expect(debuggable.debuggablePromise).toBe(original.debuggablePromise);
            expect(resource.Resource.stackTrace).toBe(original.stackTrace);
        } finally {
            setFastPath(sdk.dir, sdk.version, true);
        }
    });

    it("accepts the layout it was written for", () => {
        expect(findInternals(fakeSdk({}))).toHaveProperty("internals");
    });

    it.each([
        ["a module moved", { "runtime/debuggable.js": null }, "runtime/debuggable.js, runtime/state.js or resource.js (Cannot find module"],
        [
            "debuggablePromise renamed",
            { "runtime/debuggable.js": LAYOUT["runtime/debuggable.js"].replace("exports.debuggablePromise", "exports.trackPromise") },
            "debuggablePromise(promise, context) in runtime/debuggable.js",
        ],
        [
            "debuggablePromise with another signature",
            { "runtime/debuggable.js": LAYOUT["runtime/debuggable.js"].replace("(p, ctx)", "(p, ctx, options)") },
            "debuggablePromise(promise, context) in runtime/debuggable.js",
        ],
        [
            "the leak report gone",
            { "runtime/debuggable.js": LAYOUT["runtime/debuggable.js"].replace("exports.leakedPromises", "exports.leaks") },
            "leakedPromises() and debugPromiseLeaks in runtime/debuggable.js",
        ],
        ["the leak candidates elsewhere", { "runtime/state.js": "exports.getStore = function () { return {}; };" }, "getStore().leakCandidates (a Set) in runtime/state.js"],
        [
            "a caller that binds the function itself",
            { "runtime/rpc.js": 'const { debuggablePromise } = require("./debuggable");\nfunction f(p) { return debuggablePromise(p, "x"); }' },
            "the calls to debuggablePromise through its module's exports in runtime/rpc.js",
        ],
        ["Resource.stackTrace gone", { "resource.js": "class Resource { static callsites() { return []; } }\nexports.Resource = Resource;" }, "Resource.stackTrace(skip) in resource.js"],
        [
            "the constructor no longer calling it",
            { "resource.js": "class Resource { constructor() { const s = captureStack(); } static stackTrace(skip) { return []; } }\nexports.Resource = Resource;" },
            "the call to Resource.stackTrace in Resource's constructor",
        ],
    ])("falls back to Pulumi's own code, with one warning, when %s", (_, changes, missing) => {
        const dir = fakeSdk(changes);
        const found = findInternals(dir);
        expect(found).toHaveProperty("missing");
        expect((found as { missing: string }).missing).toContain(missing);
        const state = setFastPath(dir, "9.0.0", true);
        expect(state.fast).toBe(false);
        expect(state.warning).toContain(`the plan runs at Pulumi's normal speed (slower on large stacks, same result): @pulumi/pulumi 9.0.0 at ${dir} does not have ${missing}`);
    });

    it("leaves the functions of a layout it refuses as they are", () => {
        const dir = fakeSdk({ "runtime/rpc.js": "module.exports = {};" });
        const debuggable = require(path.join(dir, "runtime/debuggable.js")) as { debuggablePromise: unknown }; // eslint-disable-line @typescript-eslint/no-require-imports
        const before = debuggable.debuggablePromise;
        expect(setFastPath(dir, "9.0.0", true).fast).toBe(false);
        expect(debuggable.debuggablePromise).toBe(before);
    });
});

/** Copies the installed @pulumi/pulumi into a program's node_modules, its promise tracker with another signature. */
function movedInternalsProgram(): string {
    const dir = tmpDir({
        "Pulumi.yaml": "name: moved\nruntime: nodejs\n",
        "index.js": 'const pulumi = require("@pulumi/pulumi");\nnew pulumi.CustomResource("test:index:Thing", "thing", { size: 3 });\nexports.answer = 42;\n',
    });
    const copy = path.join(dir, "node_modules", "@pulumi", "pulumi");
    fs.cpSync(ownPulumiSdk().dir, copy, { recursive: true, filter: (f) => !f.endsWith(".map") && !f.endsWith(".d.ts") });
    const file = path.join(copy, "runtime", "debuggable.js");
    const source = fs.readFileSync(file, "utf8");
    expect(source).toContain("function debuggablePromise(p, ctx) {");
    fs.writeFileSync(file, source.replace("function debuggablePromise(p, ctx) {", "function debuggablePromise(p, ctx, options) {"));
    return dir;
}

describe("the plan on either path", () => {
    it("plans a later @pulumi/pulumi whose internals moved at normal speed, with one warning", () => {
        const dir = movedInternalsProgram();
        // The copy's own dependencies (grpc, protobuf) come from this repository's node_modules.
        const { code, stdout, stderr } = cli(["plan", dir, "--json"], { NODE_PATH: path.join(root, "node_modules") });
        const copy = fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "pulumi"));
        expect(stderr.split("\n").filter((line) => line.startsWith("warning: "))).toEqual([
            `warning: ${slowPathWarning(copy, ownPulumiSdk().version, "debuggablePromise(promise, context) in runtime/debuggable.js")}`,
        ]);
        expect(code).toBe(0);
        const doc = JSON.parse(stdout);
        expect(doc.resources.map((r: { type: string; name: string }) => `${r.type} ${r.name}`)).toEqual(["pulumi:pulumi:Stack moved-dev", "test:index:Thing thing"]);
        expect(doc.outputs).toEqual({ answer: 42 });
    });

    // polyglot-pipeline-aws is the one whose registration order changes with the shape of the tracker's promise chain.
    it.each(["kubernetes", "spike-autoscaler", "polyglot-pipeline-kubernetes", "polyglot-pipeline-aws"])(
        "plans examples/%s the same on the fast path and on Pulumi's own",
        async (example) => {
            const dir = path.join(root, "examples", example);
            const plans: string[] = [];
            for (const fastPath of [true, false, true]) {
                const run = await runProgram({ dir, fastPath });
                expect(run.error).toBeUndefined();
                expect(run.warnings).toEqual([]);
                const cost = planCost(run.resources, run.config);
                const findings = await runPolicies(run.resources);
                const text = renderPlan({ run, cost, findings, policiesRan: true }, styleFor({}));
                plans.push(`${JSON.stringify(run.resources)}\n${JSON.stringify(planJson(run, cost, findings), null, 2)}\n${text}`);
            }
            expect(plans[1]).toBe(plans[0]);
            expect(plans[2]).toBe(plans[0]);
        },
        120_000,
    );

    it("keeps Pulumi's leak check: a program that leaves a registration waiting exits 1 with Pulumi's message", () => {
        const dir = tmpDir({
            "Pulumi.yaml": "name: leak\nruntime: nodejs\n",
            "index.ts": `import * as pulumi from "@pulumi/pulumi";
const never = new Promise<string>(() => {});
new pulumi.CustomResource("test:index:Thing", "waiting", { value: pulumi.output(never) });
new pulumi.CustomResource("test:index:Thing", "done", { value: "x" });
`,
        });
        fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
        const { code, stderr } = cli(["plan", dir]);
        expect(code).toBe(1);
        expect(stderr).toContain(
            "The Pulumi runtime detected that the program exited before the following resource\nregistrations could complete:\n" +
                '  * "waiting" [test:index:Thing] was waiting for the value of its input property "value"\n',
        );
    });
});

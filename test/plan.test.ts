/**
 * The offline plan: loading programs, reading projects, running them on the mock runtime, the
 * Kubernetes YAML, the policy config, and the CLI end to end (as a child process, for exit codes).
 */
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { installLoader, loaderInstalled, MissingModuleError, modelshipEntry, ProgramSyntaxError, transpileTypeScript, uninstallLoader } from "../sdk/plan/loader";
import { kubernetesObjects, writeKubernetesYaml } from "../sdk/plan/kubernetes-yaml";
import { applyEnforcement, isBlocking, parsePolicyConfig, readPolicyConfig } from "../sdk/plan/policies";
import { readProject, SECRET_PLACEHOLDER } from "../sdk/plan/project";
import { programPulumiSdk } from "../sdk/plan/pulumi-sdk";
import { PlanRun, runProgram } from "../sdk/plan/run";
import { cli, temporaryFolders } from "./cli-helpers";

const root = path.resolve(__dirname, "..");
const fixture = (name: string) => path.join("test", "fixtures", name);
const internals = Module as unknown as { _resolveFilename: (...args: unknown[]) => string; _extensions: Record<string, unknown> };
const { _nodeModulePaths } = Module as unknown as { _nodeModulePaths(dir: string): string[] };

const tmpDir = temporaryFolders("modelship-plan-");

function byName(run: PlanRun, type: string, name: string) {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name} in ${run.resources.map((r) => r.name).join(", ")}`);
    return found;
}

describe("loader", () => {
    it("installs idempotently and uninstalls back to what was there", () => {
        const resolveBefore = internals._resolveFilename;
        const tsBefore = internals._extensions[".ts"];
        installLoader();
        const resolveHooked = internals._resolveFilename;
        installLoader();
        expect(loaderInstalled()).toBe(true);
        expect(resolveHooked).not.toBe(resolveBefore);
        expect(internals._resolveFilename).toBe(resolveHooked);
        uninstallLoader();
        uninstallLoader();
        expect(loaderInstalled()).toBe(false);
        expect(internals._resolveFilename).toBe(resolveBefore);
        expect(internals._extensions[".ts"]).toBe(tsBefore);
    });

    it("resolves @pulumi/* from the program's folder, as Node and pulumi up do", () => {
        const dir = tmpDir({
            "node_modules/@pulumi/pulumi/package.json": JSON.stringify({ name: "@pulumi/pulumi", main: "index.js" }),
            "node_modules/@pulumi/pulumi/index.js": "module.exports = 'the program's copy';",
            "program.js": "",
        });
        const parent = { id: path.join(dir, "program.js"), filename: path.join(dir, "program.js"), paths: [path.join(dir, "node_modules")] };
        installLoader();
        try {
            expect(internals._resolveFilename("@pulumi/pulumi", parent, false)).toBe(path.join(dir, "node_modules/@pulumi/pulumi/index.js"));
        } finally {
            uninstallLoader();
        }
    });

    it("names a package the program has not installed, where Node looked and the command that installs it", () => {
        const dir = tmpDir({ "index.js": "" });
        const parent = { id: path.join(dir, "index.js"), filename: path.join(dir, "index.js"), paths: _nodeModulePaths(dir) };
        installLoader();
        try {
            expect(() => internals._resolveFilename("@pulumi/kubernetes/core/v1", parent, false)).toThrow(new MissingModuleError("@pulumi/kubernetes", path.join(dir, "index.js")));
            expect(() => internals._resolveFilename("@pulumi/kubernetes", parent, false)).toThrow(
                `"@pulumi/kubernetes" is not installed: index.js imports it, and Node finds no node_modules/@pulumi/kubernetes in ${dir} ` +
                    `or a folder above it (nor would pulumi up). Install it in the program's folder: cd ${dir} && npm install @pulumi/kubernetes`,
            );
            expect(() => internals._resolveFilename("modelship", parent, false)).toThrow(
                `Install it in the program's folder: cd ${dir} && npm install <git URL, folder or npm pack tarball of modelship>`,
            );
            // A missing file of an installed package, or a missing relative file, keeps Node's own error.
            expect(() => internals._resolveFilename("./absent", parent, false)).toThrow(/^Cannot find module '\.\/absent'/);
        } finally {
            uninstallLoader();
        }
    });

    it("resolves modelship to the package's TypeScript entry when running from source", () => {
        expect(modelshipEntry()).toBe(path.join(root, "index.ts"));
        // An example imports "modelship" by name: a package self-reference, which from source is the source.
        const example = path.join(root, "examples/quickstart/index.ts");
        installLoader();
        try {
            expect(internals._resolveFilename("modelship", { id: example, filename: example, paths: _nodeModulePaths(path.dirname(example)) }, false)).toBe(path.join(root, "index.ts"));
        } finally {
            uninstallLoader();
        }
    });

    it("reports TypeScript syntax errors with file, line and column", () => {
        expect(() => transpileTypeScript("const x = ;\n", "/p/index.ts")).toThrow(ProgramSyntaxError);
        expect(() => transpileTypeScript("const a = 1;\nconst x = ;\n", "/p/index.ts")).toThrow("/p/index.ts(2,11): error TS1109: Expression expected.");
    });
});

describe("project", () => {
    it("reads stack config: bare keys get the project namespace, non-strings are JSON, secure values are placeholders", () => {
        const project = readProject(fixture("basic"));
        expect(project.stack).toBe("dev");
        expect(project.entry).toBe(path.join(root, "test/fixtures/basic/index.ts"));
        expect(project.config).toEqual({
            "basic:tier": "standard",
            "aws:region": "eu-west-1",
            "basic:replicas": "2",
            "basic:image": "ghcr.io/example/llm-server:1.4.0",
            "basic:labels": '{"team":"ml","cost-center":"42"}',
            "basic:apiToken": SECRET_PLACEHOLDER,
        });
        expect(project.secretKeys).toEqual(["basic:apiToken"]);
        expect(project.notes).toEqual(["config basic:apiToken is encrypted (secure:); the offline plan cannot decrypt secrets and passes a placeholder string instead"]);
    });

    it("fails clearly without Pulumi.yaml, for another runtime, without an entry file, or for a stack without its file", () => {
        const empty = tmpDir();
        expect(() => readProject(empty)).toThrow(`${path.join(empty, "Pulumi.yaml")} not found: ${empty} is not a Pulumi project`);
        const python = tmpDir({ "Pulumi.yaml": "name: p\nruntime: python\n" });
        expect(() => readProject(python)).toThrow('runtime is "python"; the offline plan runs only "nodejs" programs (TypeScript or JavaScript)');
        const noEntry = tmpDir({ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: src/\n" });
        expect(() => readProject(noEntry)).toThrow('no program entry file for "main: src/"');
        expect(() => readProject(fixture("basic"), "staging")).toThrow('stack "staging" has no config file');
        expect(() => readProject(fixture("basic"), "staging")).toThrow("stacks with a file: dev, prod");
    });
});

describe("runProgram", () => {
    let dev: PlanRun;
    beforeAll(async () => {
        dev = await runProgram({ dir: fixture("basic") });
    });

    it("records every resource under its parent, the component's children under the component", () => {
        expect(dev.error).toBeUndefined();
        const stack = byName(dev, "pulumi:pulumi:Stack", "basic-dev");
        const component = byName(dev, "test:index:ModelServer", "llm");
        expect(stack.parent).toBeUndefined();
        expect(component.parent).toBe(stack.urn);
        expect(
            dev.resources
                .filter((r) => r.parent === component.urn)
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
        ).toEqual([
            "aws:ec2/instance:Instance llm-gpu",
            "kubernetes:apps/v1:Deployment llm",
            "kubernetes:core/v1:ConfigMap llm-settings",
            "kubernetes:core/v1:Secret llm-token",
            "kubernetes:core/v1:Service llm",
        ]);
        expect(
            dev.resources
                .filter((r) => r.parent === stack.urn)
                .map((r) => r.type)
                .sort(),
        ).toEqual(["aws:lb/loadBalancer:LoadBalancer", "aws:s3/bucket:Bucket", "docker:index/remoteImage:RemoteImage", "kubernetes:core/v1:Namespace", "test:index:ModelServer"]);
        expect(byName(dev, "aws:s3/bucket:Bucket", "weights").options.protect).toBe(true);
    });

    it("passes the stack config to the program", () => {
        const deployment = byName(dev, "kubernetes:apps/v1:Deployment", "llm");
        expect(deployment.inputs.metadata).toEqual({ namespace: "ml", labels: { app: "llm", team: "ml", "cost-center": "42", tier: "standard" } });
        expect((deployment.inputs.spec as { replicas: number }).replicas).toBe(2);
        expect(byName(dev, "aws:s3/bucket:Bucket", "weights").outputs.arn).toBe("arn:aws:s3:::weights");
    });

    it("returns the module's exports as stack outputs, knowing which are secret", () => {
        expect(dev.outputs).toEqual({
            serviceName: "llm-svc",
            bucketArn: "arn:aws:s3:::weights",
            imageDigest: expect.stringMatching(/^ghcr\.io\/example\/llm-server@sha256:[0-9a-f]{64}$/),
            token: SECRET_PLACEHOLDER,
            settings: { replicas: 2, tier: "standard" },
        });
        expect(dev.secretOutputPaths).toEqual([["token"]]);
    });

    it("runs again in the same process with another stack", async () => {
        const prod = await runProgram({ dir: fixture("basic"), stack: "prod" });
        expect(prod.error).toBeUndefined();
        expect(prod.stack).toBe("prod");
        expect((byName(prod, "kubernetes:apps/v1:Deployment", "llm").inputs.spec as { replicas: number }).replicas).toBe(6);
        expect(prod.outputs.settings).toEqual({ replicas: 6, tier: "premium" });
        expect(prod.resources.map((r) => r.name).sort()).toEqual(dev.resources.map((r) => (r.name === "basic-dev" ? "basic-prod" : r.name)).sort());
    });

    it("reports a program that throws, with what it registered before", async () => {
        const run = await runProgram({ dir: fixture("throws") });
        expect(run.error?.message).toBe("replicas must be at least 1, got 0");
        expect(run.resources.map((r) => r.name)).toContain("before-failure");
    });

    it("reports a failure that surfaces only as an unhandled rejection, without Pulumi's serialisation prefix", async () => {
        const run = await runProgram({ dir: fixture("deferred-failure") });
        expect(run.error?.message).toBe('test:index:Checked "checked": replicas must be at least 1, received 0');
    });

    it("reports a package the program imports but has not installed, with the command that installs it", async () => {
        const run = await runProgram({ dir: fixture("missing-module") });
        const dir = path.join(root, fixture("missing-module"));
        expect(run.error?.message).toBe(
            `"@pulumi/tls" is not installed: index.ts imports it, and Node finds no node_modules/@pulumi/tls in ${dir} ` +
                `or a folder above it (nor would pulumi up). Install it in the program's folder: cd ${dir} && npm install @pulumi/tls`,
        );
    });

    it("refuses a program that has no @pulumi/pulumi of its own, rather than lending it the plan's", async () => {
        const dir = tmpDir({ "Pulumi.yaml": "name: bare\nruntime: nodejs\n", "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nexport const stack = pulumi.getStack();\n' });
        await expect(runProgram({ dir })).rejects.toThrow(
            `"@pulumi/pulumi" is not installed: every Pulumi program needs it, and Node finds no node_modules/@pulumi/pulumi in ${dir} ` +
                `or a folder above it (nor would pulumi up). Install it in the program's folder: cd ${dir} && npm install @pulumi/pulumi`,
        );
    });

    it("runs a program on its own copy of @pulumi/pulumi, with the mocks installed on that copy", async () => {
        // A program folder whose node_modules has its own copy of @pulumi/pulumi (the others link to this repository's).
        const dir = tmpDir({
            "Pulumi.yaml": "name: own-copy\nruntime: nodejs\n",
            "index.js": 'const pulumi = require("@pulumi/pulumi");\nnew pulumi.ComponentResource("test:index:Thing", "thing");\nexports.stack = pulumi.getStack();\n',
        });
        const repoModules = path.join(root, "node_modules");
        fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
        for (const entry of fs.readdirSync(repoModules).filter((e) => !e.startsWith(".") && e !== "@pulumi")) {
            fs.symlinkSync(path.join(repoModules, entry), path.join(dir, "node_modules", entry));
        }
        fs.cpSync(path.join(repoModules, "@pulumi", "pulumi"), path.join(dir, "node_modules", "@pulumi", "pulumi"), { recursive: true });
        const copy = fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "pulumi"));
        expect(programPulumiSdk(dir).dir).toBe(copy);

        const run = await runProgram({ dir });
        expect(run.error).toBeUndefined();
        expect(run.resources.map((r) => `${r.type} ${r.name}`)).toEqual(["pulumi:pulumi:Stack own-copy-dev", "test:index:Thing thing"]);
        expect(run.outputs).toEqual({ stack: "dev" });
        expect(Object.keys(require.cache)).toContain(path.join(copy, "index.js"));
    });
});

describe("Kubernetes YAML", () => {
    let files: string[];
    let dir: string;
    beforeAll(async () => {
        const run = await runProgram({ dir: fixture("basic") });
        dir = tmpDir({ "99-stale-deployment.yaml": "# Rendered by `modelship plan`\nkind: Deployment\n", "kustomization.yaml": "resources: []\n" });
        files = writeKubernetesYaml(kubernetesObjects(run.resources).objects, dir);
    });

    it("writes one file per object, namespaces and config before workloads, with the provider's names", () => {
        expect(files.map((f) => path.basename(f))).toEqual([
            "01-namespace-ml.yaml",
            "02-secret-llm-token-c30ab58b.yaml",
            "03-configmap-llm-settings-0edefc74.yaml",
            "04-service-llm-svc.yaml",
            "05-deployment-llm-d8653e41.yaml",
        ]);
        const deployment = parseYaml(fs.readFileSync(files[4], "utf8"));
        expect(deployment).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "llm-d8653e41", namespace: "ml" } });
        expect(deployment.spec.replicas).toBe(2);
        expect(parseYaml(fs.readFileSync(files[0], "utf8"))).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ml" } });
    });

    it("removes files an earlier plan wrote and keeps the others", () => {
        expect(fs.readdirSync(dir).sort()).toEqual([...files.map((f) => path.basename(f)), "kustomization.yaml"].sort());
    });

    it("never writes a secret value", () => {
        const all = files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
        expect(all).not.toContain("model-reader");
        expect(all).not.toContain("signing-key-value");
        const secret = parseYaml(fs.readFileSync(files[1], "utf8"));
        expect(secret).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "llm-token-c30ab58b", namespace: "ml" }, stringData: { token: "[secret]", user: "[secret]" } });
        expect(fs.readFileSync(files[1], "utf8")).toContain('# Secret values are replaced by "[secret]": set them before applying');
        expect(parseYaml(fs.readFileSync(files[2], "utf8")).data).toBe("[secret]");
    });
});

describe("policy config", () => {
    it("normalises bare levels and keeps each policy's settings", () => {
        expect(parsePolicyConfig({ all: "advisory", "max-replicas": { enforcementLevel: "mandatory", max: 3 } }, "f.json")).toEqual({
            all: { enforcementLevel: "advisory" },
            "max-replicas": { enforcementLevel: "mandatory", max: 3 },
        });
    });

    it("rejects a missing file, bad JSON and an unknown level, naming the file and the policy", () => {
        expect(() => readPolicyConfig("/nonexistent/policy.json")).toThrow("policy config file /nonexistent/policy.json not found");
        const dir = tmpDir({ "bad.json": "{ all: 1 }", "level.json": '{ "max-replicas": { "enforcementLevel": "strict" } }' });
        expect(() => readPolicyConfig(path.join(dir, "bad.json"))).toThrow(`policy config file ${path.join(dir, "bad.json")} is not valid JSON`);
        expect(() => readPolicyConfig(path.join(dir, "level.json"))).toThrow(
            `${path.join(dir, "level.json")}: "max-replicas": enforcementLevel is "strict"; expected one of advisory, mandatory, remediate, disabled`,
        );
    });

    it("applies configured levels to findings and drops disabled ones", () => {
        const findings = [
            { policy: "a", enforcement: "advisory" as const, message: "m" },
            { policy: "b", enforcement: "advisory" as const, message: "m" },
            { policy: "c", enforcement: "mandatory" as const, message: "m" },
        ];
        const config = parsePolicyConfig({ all: "mandatory", b: "disabled" }, "f.json");
        expect(applyEnforcement(findings, config).map((f) => `${f.policy}:${f.enforcement}`)).toEqual(["a:mandatory", "c:mandatory"]);
    });

    it("counts a violation left at level remediate as mandatory, so that the plan fails on it", () => {
        const findings = [{ policy: "a", enforcement: "mandatory" as const, message: "m" }];
        const blocking = applyEnforcement(findings, parsePolicyConfig({ a: "remediate" }, "f.json"));
        expect(blocking.map((f) => [f.enforcement, isBlocking(f)])).toEqual([["mandatory", true]]);
    });
});

describe("modelship plan (CLI)", { timeout: 120_000 }, () => {
    it("--json prints one document with exactly the documented keys and no secret", () => {
        const { code, stdout, stderr } = cli(["plan", fixture("basic"), "--json"]);
        expect(stderr).toBe("note: config basic:apiToken is encrypted (secure:); the offline plan cannot decrypt secrets and passes a placeholder string instead\n");
        expect(code).toBe(0);
        const doc = JSON.parse(stdout);
        expect(Object.keys(doc)).toEqual(["program", "stack", "resources", "outputs", "cost", "policies"]);
        expect(doc.program).toBe(fixture("basic"));
        expect(doc.stack).toBe("dev");
        for (const r of doc.resources) expect(Object.keys(r)).toEqual(["urn", "type", "name", "parent", "inputs"]);
        expect(Object.keys(doc.cost)).toEqual(["currency", "monthly", "knownMonthly", "items", "free"]);
        expect(doc.cost.currency).toBe("USD");
        expect(Object.keys(doc.cost.monthly)).toEqual(["min", "max"]);
        for (const item of doc.cost.items) expect(Object.keys(item)).toEqual(["urn", "monthly", "basis", "onPool"]);
        for (const free of doc.cost.free) expect(Object.keys(free)).toEqual(["urn", "type", "reason"]);
        const costOf = (name: string) => doc.cost.items.find((i: { urn: string }) => i.urn.endsWith(`::${name}`));
        // The region comes from aws:region in Pulumi.dev.yaml; the unknown price stays null, out of the total.
        expect(costOf("llm-gpu").basis).toContain("g5.xlarge");
        expect(costOf("llm-gpu").basis).toContain("in eu-west-1");
        expect(costOf("front").monthly).toEqual({ min: null, max: null });
        // An unknown item makes the total unknown (null), never the sum of the rest; the known part is kept apart.
        expect(doc.cost.monthly).toEqual({ min: null, max: null });
        expect(doc.cost.knownMonthly).toEqual(costOf("llm-gpu").monthly);
        // The cost-guard pack runs: advisory findings only here (exit 0), each with the documented keys.
        expect(doc.policies.length).toBeGreaterThan(0);
        for (const finding of doc.policies) expect(Object.keys(finding)).toEqual(["policy", "enforcement", "urn", "message"]);
        expect(doc.policies.every((f: { enforcement: string }) => f.enforcement === "advisory")).toBe(true);
        expect(doc.policies.map((f: { policy: string }) => f.policy)).toContain("cost-tags");
        const component = doc.resources.find((r: { name: string; type: string }) => r.name === "llm" && r.type === "test:index:ModelServer");
        expect(doc.resources.find((r: { type: string }) => r.type === "kubernetes:apps/v1:Deployment").parent).toBe(component.urn);
        expect(doc.resources[0].parent).toBeNull();
        expect(component.inputs.token).toBe("[secret]");
        expect(doc.outputs.token).toBe("[secret]");
        expect(stdout).not.toContain("model-reader");
        expect(stdout).not.toContain("signing-key-value");
    });

    it("prints the tree and the cost for people, and --out writes the Kubernetes objects", () => {
        const out = tmpDir();
        const { code, stdout, stderr } = cli(["plan", fixture("basic"), "--out", out]);
        expect(code).toBe(0);
        expect(stdout).toContain("Plan of basic, stack dev (test/fixtures/basic)");
        expect(stdout).toMatch(/^[├└]─ test:index:ModelServer +llm$/m);
        expect(stdout).toMatch(/^(│ {2}| {3})[├└]─ kubernetes:core\/v1:Secret +llm-token$/m);
        expect(stdout).toMatch(/^[├└]─ aws:s3\/bucket:Bucket +weights {2}\[protected\]$/m);
        expect(stdout).toContain("Monthly cost (USD, 730 hours a month)");
        // The component's row sums its GPU instance; the load balancer's unknown price is never shown as $0.
        expect(stdout).toMatch(/^ {2}llm \(test:index:ModelServer\) +\$\d[\d,]*\.\d\d +\$\d[\d,]*\.\d\d$/m);
        expect(stdout).toMatch(/^ {2}resources outside components +unknown +unknown$/m);
        expect(stdout).toMatch(/^ {2}Total +\$\d[\d,]*\.\d\d \+ unknown +\$\d[\d,]*\.\d\d \+ unknown$/m);
        expect(stdout).toContain("    front (aws:lb/loadBalancer:LoadBalancer): unknown:");
        expect(stdout).toMatch(/^Policies: \d+ finding\(s\)$/m);
        expect(stdout).toMatch(/^ {2}advisory {2}image-digest {2}server-image \(/m);
        expect(stdout).toContain('  token: "[secret]"');
        expect(stdout).not.toContain("\x1b[");
        expect(stdout.split("\n").every((line) => line.length <= 100)).toBe(true);

        expect(stderr).toContain(`Wrote 5 Kubernetes object(s) to ${out} (apply with: kubectl apply -f ${out})\n`);
        expect(stderr).toContain('2 of them have secret values replaced by "[secret]": set those before applying');
        expect(fs.readdirSync(out)).toHaveLength(5);
    });

    it("--stack selects Pulumi.<stack>.yaml; a mandatory policy failure exits 1, made advisory by the policy config exits 0", () => {
        const env = { MODELSHIP_POLICY_MODULE: path.join(root, "test/fixtures/policy-module.ts") };
        const failing = cli(["plan", fixture("basic"), "--stack", "prod", "--json"], env);
        expect(failing.code).toBe(1);
        const doc = JSON.parse(failing.stdout);
        expect(doc.stack).toBe("prod");
        expect(doc.outputs.settings).toEqual({ replicas: 6, tier: "premium" });
        expect(doc.policies.map((p: { policy: string; enforcement: string }) => `${p.policy}:${p.enforcement}`).sort()).toEqual(["bucket-versioning:advisory", "max-replicas:mandatory"]);
        const config = path.join(tmpDir({ "p.json": JSON.stringify({ "max-replicas": { enforcementLevel: "advisory", max: 4 } }) }), "p.json");
        const advisory = cli(["plan", fixture("basic"), "--stack", "prod", "--policy-config", config], env);
        expect(advisory.code).toBe(0);
        expect(advisory.stdout).toContain("Policies: 2 finding(s)\n");
        expect(advisory.stdout).toContain("  advisory  max-replicas  llm (kubernetes:apps/v1:Deployment)\n      6 replicas; at most 4 allowed\n");
    });

    it("exits 2 with a one-line message and no stack trace when the program throws", () => {
        const { code, stdout, stderr } = cli(["plan", fixture("throws")]);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toBe(`error: the program ${fixture("throws")} failed: replicas must be at least 1, got 0\n`);
        const verbose = cli(["plan", fixture("throws"), "--verbose"]);
        expect(verbose.stderr).toMatch(/at .*test\/fixtures\/throws\/index\.ts:5:7/);
    });

    it("prints an argument validation error as it is", () => {
        expect(cli(["plan", fixture("invalid-args")])).toEqual({
            code: 2,
            stdout: "",
            stderr: 'test:index:Thing "thing": 2 invalid arguments:\n  - replicas: received 0; expected a number >= 1\n  - gpus: received 2; expected no such field (fields of Thing: docs/reference.md#thing)\n',
        });
    });

    it("exits 2 for a bad policy config file, a missing program directory, a file given as the program and an unknown option", () => {
        const bad = path.join(tmpDir({ "p.json": "[1, 2]" }), "p.json");
        expect(cli(["plan", fixture("basic"), "--policy-config", bad])).toEqual({
            code: 2,
            stdout: "",
            stderr: `error: ${bad}: expected a JSON object of policy name to settings, for example {"policy-name": {"enforcementLevel": "mandatory"}}\n`,
        });
        expect(cli(["plan", "test/fixtures/none"])).toEqual({ code: 2, stdout: "", stderr: "error: program directory test/fixtures/none does not exist\n" });
        expect(cli(["plan", "examples/quickstart/index.ts"])).toEqual({
            code: 2,
            stdout: "",
            stderr: "error: examples/quickstart/index.ts is a file: give the program's directory, the folder with its Pulumi.yaml (here examples/quickstart)\n",
        });
        const unknownOption = cli(["plan", fixture("basic"), "--stak", "prod"]);
        expect(unknownOption.code).toBe(2);
        expect(unknownOption.stderr).toMatch(/^error: Unknown option '--stak'\..*\nRun "modelship --help" for usage\.\n$/);
    });

    it("--help prints the usage and exits 0", () => {
        const { code, stdout } = cli(["--help"]);
        expect(code).toBe(0);
        expect(stdout).toContain("Usage: modelship plan <program dir> [options]");
    });
});

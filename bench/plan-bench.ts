/**
 * Benchmark of the offline plan: wall time and peak memory of planning stacks of 10, 100 and 1,000
 * resources made through components, versus the same resources declared directly.
 *
 *   npm run bench                       (builds, then runs dist/bench/plan-bench.js)
 *   node dist/bench/plan-bench.js --sizes 10,100 --runs 5
 *
 * Each plan runs in its own child process, so that its peak resident memory (maxRSS) is its own.
 * The time is the plan only (run the program, price it, check policies, render), not Node's start-up nor
 * loading modelship, the providers and the TypeScript compiler, which every plan pays alike.
 * The resources are image + container pairs: through components each pair is one ModelService (docker
 * target), directly the same two resources by hand; the difference is what the components cost.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { planCost } from "../sdk/plan/cost";
import { modelshipEntry, packageRoot, transpileTypeScript } from "../sdk/plan/loader";
import { runPolicies } from "../sdk/plan/policies";
import { renderPlan, styleFor } from "../sdk/plan/render";
import { runProgram } from "../sdk/plan/run";

type Shape = "direct" | "components";

/** What one child process measured. */
interface Measurement {
    ms: number;
    maxRssMb: number;
    resources: number;
}

const IMAGE = "registry.example.com/classifier@sha256:" + "ab".repeat(32);

/**
 * The program: `resources` custom resources as image + container pairs. Through components, each pair is a
 * ModelService on the docker target (validation, spec resolution, cost estimate, naming and all); directly,
 * the same two resources with the same arguments written by hand.
 */
function programSource(shape: Shape, resources: number): string {
    const pairs = Math.max(1, Math.round(resources / 2));
    if (shape === "components") {
        return `import { ModelService, Target } from "modelship";
for (let i = 0; i < ${pairs}; i++) {
    new ModelService(\`server-\${i}\`, { model: { image: "${IMAGE}" }, docker: { hostPort: 10000 + i }, target: Target.Docker });
}
`;
    }
    return `import * as docker from "@pulumi/docker";
for (let i = 0; i < ${pairs}; i++) {
    const name = \`server-\${i}\`;
    const image = new docker.RemoteImage(\`\${name}-image\`, { name: "${IMAGE}", keepLocally: true });
    new docker.Container(\`\${name}-server\`, {
        name,
        image: image.imageId,
        command: [],
        envs: [],
        ports: [{ internal: 8080, external: 10000 + i, ip: "127.0.0.1", protocol: "tcp" }],
        healthcheck: { tests: ["CMD-SHELL", "curl -fsS -o /dev/null http://127.0.0.1:8080/"], interval: "15s", timeout: "5s", retries: 3, startPeriod: "600s", startInterval: "5s" },
        wait: true,
        waitTimeout: 600,
        restart: "unless-stopped",
        start: true,
        memory: 2048,
        cpus: "1",
        mounts: [],
        securityOpts: ["no-new-privileges:true"],
        capabilities: { drops: ["NET_RAW"] },
        logDriver: "json-file",
        logOpts: { "max-size": "50m", "max-file": "3" },
        labels: [{ label: "app.kubernetes.io/name", value: name }],
    });
}
`;
}

/**
 * Gives the programs under `root` a node_modules as a user's program has one: `modelship` (this package) and the
 * `@pulumi` packages, linked to this package's own, since the plan resolves a program's modules from its folder.
 */
function linkPackages(root: string): void {
    const own = packageRoot();
    fs.mkdirSync(path.join(root, "node_modules"));
    fs.symlinkSync(own, path.join(root, "node_modules", "modelship"), "dir");
    fs.symlinkSync(path.join(own, "node_modules", "@pulumi"), path.join(root, "node_modules", "@pulumi"), "dir");
}

function writeProgram(root: string, shape: Shape, resources: number): string {
    const dir = path.join(root, `${shape}-${resources}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench-${shape}-${resources}\nruntime: nodejs\n`);
    fs.writeFileSync(path.join(dir, "index.ts"), programSource(shape, resources));
    return dir;
}

/** Child mode: plan one program and print what it cost. */
async function child(dir: string): Promise<void> {
    // Load what every plan loads, whatever its size, before the clock starts: the time is the planning.
    // Both shapes load modelship (the plan itself prices with it); the programs then differ only in
    // whether they construct ModelServices or the same resources by hand.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@pulumi/docker");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(modelshipEntry());
    transpileTypeScript("export {};", "warm-up.ts");
    const start = performance.now();
    const run = await runProgram({ dir });
    if (run.error) throw run.error;
    const cost = planCost(run.resources, run.config);
    const findings = await runPolicies(run.resources);
    renderPlan({ run, cost, findings, policiesRan: true }, styleFor({}));
    const ms = performance.now() - start;
    const result: Measurement = { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, resources: run.resources.length };
    process.stdout.write(JSON.stringify(result));
}

function measure(dir: string): Measurement {
    const result = spawnSync(process.execPath, [__filename, "--child", dir], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`planning ${dir} failed:\n${result.stderr}`);
    return JSON.parse(result.stdout) as Measurement;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function cell(shape: Shape, resources: number, root: string, runs: number): Measurement {
    const dir = writeProgram(root, shape, resources);
    const all = Array.from({ length: runs }, () => measure(dir));
    return { ms: median(all.map((m) => m.ms)), maxRssMb: median(all.map((m) => m.maxRssMb)), resources: all[0].resources };
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { child: { type: "string" }, sizes: { type: "string", default: "10,100,1000" }, runs: { type: "string", default: "3" } },
    });
    if (values.child) return child(values.child);
    const sizes = values.sizes.split(",").map(Number);
    const runs = Number(values.runs);
    if (sizes.some((n) => !Number.isInteger(n) || n < 2) || !Number.isInteger(runs) || runs < 1) {
        throw new Error(`--sizes takes integers >= 2 separated by commas (received ${values.sizes}); --runs an integer >= 1 (received ${values.runs})`);
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-plan-bench-"));
    linkPackages(root);
    try {
        console.log(`Offline plan: median of ${runs} run(s), each in its own process (Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"})`);
        console.log("Time = run the program, price it, check policies, render (modules preloaded); memory = peak RSS of the process.\n");
        const header = ["resources", "direct time", "direct RSS", "components time", "components RSS", "time ratio", "RSS ratio"];
        const rows = [header];
        for (const n of sizes) {
            const direct = cell("direct", n, root, runs);
            const components = cell("components", n, root, runs);
            rows.push([
                `${n} (+${components.resources - direct.resources} comp.)`,
                `${direct.ms.toFixed(0)} ms`,
                `${direct.maxRssMb.toFixed(0)} MB`,
                `${components.ms.toFixed(0)} ms`,
                `${components.maxRssMb.toFixed(0)} MB`,
                `${(components.ms / direct.ms).toFixed(2)}x`,
                `${(components.maxRssMb / direct.maxRssMb).toFixed(2)}x`,
            ]);
        }
        const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
        for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

main().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exitCode = 2;
});

/**
 * Benchmark of the offline plan: wall time, CPU time and peak memory of planning stacks made through components,
 * versus the same resources declared directly, on two targets:
 *
 * - docker: stacks of 10, 100 and 1,000 resources, image + container pairs: through components each pair is one
 *   ModelService, directly the same two resources written by hand;
 * - kubernetes: stacks of 100 and 1,000 ModelServices (a ServiceAccount, Service, PodDisruptionBudget and Deployment
 *   each); directly, the same four resources with the same inputs, generated from what one ModelService registers.
 *
 *   npm run bench                       (builds, then runs dist/bench/plan-bench.js)
 *   node dist/bench/plan-bench.js --targets docker --sizes 10,100 --runs 5
 *   node dist/bench/plan-bench.js --targets kubernetes --services 1000 --runs 1 --profile /tmp/prof
 *
 * Each plan runs in its own child process, so that its peak resident memory (maxRSS) is its own. The time is the
 * plan only (run the program, price it, check policies, render), not Node's start-up nor loading modelship, the
 * providers and the TypeScript compiler, which every plan pays alike. The fastest of the runs is reported (on a shared
 * machine other load only adds time), with its CPU time (user + system), which other load barely changes; memory is
 * the highest of the runs. `--profile DIR` writes a CPU profile of each timed plan (.cpuprofile, for Chrome DevTools).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as inspector from "node:inspector/promises";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { planCost } from "../sdk/plan/cost";
import { modelshipEntry, packageRoot, transpileTypeScript } from "../sdk/plan/loader";
import { runPolicies } from "../sdk/plan/policies";
import { renderPlan, styleFor } from "../sdk/plan/render";
import { runProgram } from "../sdk/plan/run";

type Shape = "direct" | "components";
type BenchTarget = "docker" | "kubernetes";

/** What one child process measured. */
interface Measurement {
    ms: number;
    cpuMs: number;
    maxRssMb: number;
    resources: number;
}

const IMAGE = "registry.example.com/classifier@sha256:" + "ab".repeat(32);

/**
 * The docker program: `resources` custom resources as image + container pairs. Through components, each pair is a
 * ModelService on the docker target (validation, spec resolution, cost estimate, naming and all); directly,
 * the same two resources with the same arguments written by hand.
 */
function dockerSource(shape: Shape, resources: number): string {
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

/** A resource as one ModelService registers it: what the direct program writes by hand. */
interface ResourceShape {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** The kubernetes program's ModelService; `server-0` is the first, whose resources give the direct program's shape. */
function kubernetesComponents(services: number): string {
    return `import { ModelService, Target } from "modelship";
for (let i = 0; i < ${services}; i++) {
    new ModelService(\`server-\${i}\`, { model: { image: "${IMAGE}" }, kubernetes: { namespace: "ml" }, target: Target.Kubernetes });
}
`;
}

/** `value` as a TypeScript literal in which the name of the first instance, `server-0`, becomes `${name}`. */
function literal(value: unknown): string {
    if (typeof value === "string") {
        if (!value.includes("server-0")) return JSON.stringify(value);
        return `\`${value
            .replace(/[`\\$]/g, (c) => `\\${c}`)
            .split("server-0")
            .join("${name}")}\``;
    }
    if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
    if (value !== null && typeof value === "object") {
        return `{ ${Object.entries(value)
            .map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`)
            .join(", ")} }`;
    }
    return JSON.stringify(value);
}

/** The @pulumi/kubernetes class of a type token: `kubernetes:apps/v1:Deployment` is `k8s.apps.v1.Deployment`. */
function kubernetesClass(type: string): string {
    const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!match) throw new Error(`the kubernetes bench cannot write a ${type} by hand`);
    const [, group, version, kind] = match;
    return `k8s.${group.split(".")[0]}.${version}.${kind}`;
}

/** The kubernetes program written directly: for each service, the resources of `shape` with their inputs. */
function kubernetesDirect(services: number, shape: ResourceShape[]): string {
    const lines = shape.map((r) => `    new ${kubernetesClass(r.type)}(${literal(r.name)}, ${literal(r.inputs)});`);
    return `import * as k8s from "@pulumi/kubernetes";
for (let i = 0; i < ${services}; i++) {
    const name = \`server-\${i}\`;
${lines.join("\n")}
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

function writeProgram(root: string, id: string, source: string): string {
    const dir = path.join(root, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench-${id}\nruntime: nodejs\n`);
    fs.writeFileSync(path.join(dir, "index.ts"), source);
    return dir;
}

/** Loads the provider classes the programs use (@pulumi/kubernetes loads each class on first use). */
function warmUp(types: string[]): void {
    for (const type of types) {
        const [provider, module, kind] = type.split(":");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdk = require(`@pulumi/${provider}`) as Record<string, Record<string, Record<string, unknown>> | undefined>;
        // `kubernetes:apps/v1:Deployment`: reading k8s.apps.v1.Deployment loads the class.
        const [group, version] = module.split("/");
        if (provider === "kubernetes") void sdk[group.split(".")[0]]?.[version]?.[kind];
    }
}

/** Child mode: plan one program and print what it cost (with a CPU profile of the plan into `profileDir`). */
async function child(dir: string, types: string[], profileDir?: string): Promise<void> {
    // Load what every plan loads, whatever its size, before the clock starts: the time is the planning.
    // Both shapes load modelship (the plan itself prices with it); the programs then differ only in
    // whether they construct ModelServices or the same resources by hand.
    warmUp(types);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(modelshipEntry());
    transpileTypeScript("export {};", "warm-up.ts");
    const session = profileDir ? new inspector.Session() : undefined;
    if (session) {
        session.connect();
        await session.post("Profiler.enable");
        await session.post("Profiler.start");
    }
    const cpu = process.cpuUsage();
    const start = performance.now();
    const run = await runProgram({ dir });
    if (run.error) throw run.error;
    const cost = planCost(run.resources, run.config);
    const findings = await runPolicies(run.resources);
    renderPlan({ run, cost, findings, policiesRan: true }, styleFor({}));
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (session && profileDir) {
        const { profile } = await session.post("Profiler.stop");
        fs.mkdirSync(profileDir, { recursive: true });
        fs.writeFileSync(path.join(profileDir, `${path.basename(dir)}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    for (const warning of run.warnings) process.stderr.write(`warning: ${warning}\n`);
    const result: Measurement = { ms, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, resources: run.resources.length };
    process.stdout.write(JSON.stringify(result));
}

/** Child mode: the resources one ModelService of the program in `dir` registers (the direct program's shape). */
async function shapeOf(dir: string): Promise<void> {
    const run = await runProgram({ dir });
    if (run.error) throw run.error;
    const shape: ResourceShape[] = run.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
    process.stdout.write(JSON.stringify(shape));
}

function spawnChild(args: string[]): string {
    const result = spawnSync(process.execPath, [__filename, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
    if (result.stderr) process.stderr.write(result.stderr);
    return result.stdout;
}

/** Plans the program in `dir` `runs` times, each in a new process: the fastest run's times, the highest memory. */
function measure(dir: string, types: string[], runs: number, profileDir: string | undefined): Measurement {
    const profile = profileDir ? ["--profile", profileDir] : [];
    const all = Array.from({ length: runs }, () => JSON.parse(spawnChild(["--child", dir, "--types", types.join(","), ...profile])) as Measurement);
    const fastest = all.reduce((a, b) => (b.ms < a.ms ? b : a));
    return { ...fastest, maxRssMb: Math.max(...all.map((m) => m.maxRssMb)) };
}

/** One row of a table: both shapes of one size. */
function row(size: string, direct: Measurement, components: Measurement): string[] {
    const seconds = (m: Measurement) => `${(m.ms / 1000).toFixed(2)} s (cpu ${(m.cpuMs / 1000).toFixed(2)} s)`;
    return [
        `${size} (+${components.resources - direct.resources} comp.)`,
        seconds(direct),
        `${direct.maxRssMb.toFixed(0)} MB`,
        seconds(components),
        `${components.maxRssMb.toFixed(0)} MB`,
        `${(components.ms / direct.ms).toFixed(2)}x`,
        `${(components.maxRssMb / direct.maxRssMb).toFixed(2)}x`,
    ];
}

function printTable(title: string, sizeHeader: string, rows: string[][]): void {
    const header = [sizeHeader, "direct time", "direct RSS", "components time", "components RSS", "time ratio", "RSS ratio"];
    const all = [header, ...rows];
    const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    console.log(`\n${title}`);
    for (const r of all) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

function sizesOf(option: string, value: string): number[] {
    const sizes = value
        .split(",")
        .filter((v) => v !== "")
        .map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 2)) throw new Error(`${option} takes integers >= 2 separated by commas (received ${value})`);
    return sizes;
}

const DOCKER_TYPES = ["docker:index/remoteImage:RemoteImage"];

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            child: { type: "string" },
            shape: { type: "string" },
            types: { type: "string", default: "" },
            profile: { type: "string" },
            targets: { type: "string", default: "docker,kubernetes" },
            sizes: { type: "string", default: "10,100,1000" },
            services: { type: "string", default: "100,1000" },
            runs: { type: "string", default: "3" },
        },
    });
    if (values.child) return child(values.child, values.types.split(",").filter(Boolean), values.profile);
    if (values.shape) return shapeOf(values.shape);
    const targets = values.targets.split(",") as BenchTarget[];
    const unknownTarget = targets.find((t) => t !== "docker" && t !== "kubernetes");
    if (unknownTarget !== undefined) throw new Error(`--targets takes docker and/or kubernetes separated by commas (received ${values.targets})`);
    const sizes = sizesOf("--sizes", values.sizes);
    const services = sizesOf("--services", values.services);
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes an integer >= 1 (received ${values.runs})`);
    const profileDir = values.profile ? path.resolve(values.profile) : undefined;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-plan-bench-"));
    linkPackages(root);
    try {
        console.log(
            `Offline plan: fastest of ${runs} run(s), each in its own process (Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, load ${os.loadavg()[0].toFixed(1)})`,
        );
        console.log("Time = run the program, price it, check policies, render (modules preloaded); memory = peak RSS of the process.");
        if (targets.includes("docker")) {
            const rows = sizes.map((n) => {
                const direct = measure(writeProgram(root, `docker-direct-${n}`, dockerSource("direct", n)), DOCKER_TYPES, runs, profileDir);
                const components = measure(writeProgram(root, `docker-components-${n}`, dockerSource("components", n)), DOCKER_TYPES, runs, profileDir);
                return row(String(n), direct, components);
            });
            printTable("Docker target: image + container pairs (one ModelService each through components)", "resources", rows);
        }
        if (targets.includes("kubernetes")) {
            const shape = JSON.parse(spawnChild(["--shape", writeProgram(root, "kubernetes-shape", kubernetesComponents(1))])) as ResourceShape[];
            const types = shape.map((r) => r.type);
            const rows = services.map((n) => {
                const direct = measure(writeProgram(root, `kubernetes-direct-${n}`, kubernetesDirect(n, shape)), types, runs, profileDir);
                const components = measure(writeProgram(root, `kubernetes-components-${n}`, kubernetesComponents(n)), types, runs, profileDir);
                return row(String(n), direct, components);
            });
            printTable(`Kubernetes target: ModelServices (${types.map((t) => t.split(":")[2]).join(", ")} each)`, "services", rows);
        }
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

main().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exitCode = 2;
});

/**
 * End to end on this machine: the example's stage servers, written in R (plumber), Python (FastAPI under uvicorn)
 * and Java, run on loopback with the environment the pipeline gives them, chained by the pipeline's own router
 * (router.mjs, configured from the pipeline's flow exactly as the docker target configures it).
 *
 * The runtimes come from scripts/setup-e2e.sh (Debian packages), which CI runs before the tests. A missing runtime
 * fails this file: a silent skip would hide that nothing was tested.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RouterConfig, routerConfig } from "../../components/polyglot-pipeline/router-config";
import { pipelineSchema } from "../../components/polyglot-pipeline/schema";
import { PipelineSpec, resolvePipelineSpec } from "../../components/polyglot-pipeline/spec";
import { PolyglotPipelineArgs, StageLanguage, Target } from "../../index";
import { freePort, Server, startRouter, startServer, stopAll, waitReady } from "./processes";

const STAGES = path.join(__dirname, "..", "..", "examples", "polyglot-pipeline-docker", "stages");
/** Debian's Python, which has the python3-fastapi and python3-uvicorn packages (a pyenv python on PATH may not). */
const PYTHON = "/usr/bin/python3";
const STARTUP_MS = 90_000;

/** The runtimes the stage servers need, each with the command that proves it works. */
const RUNTIMES: Array<[string, string, string[]]> = [
    ["R with plumber (r-cran-plumber)", "Rscript", ["-e", 'quit(status = !requireNamespace("plumber", quietly = TRUE))']],
    ["Python with FastAPI and uvicorn (python3-fastapi, python3-uvicorn)", PYTHON, ["-c", "import fastapi, uvicorn"]],
    ["a JDK, 11 or later (default-jdk-headless)", "javac", ["-version"]],
];

function missingRuntimes(): string[] {
    return RUNTIMES.filter(([, command, args]) => spawnSync(command, args, { stdio: "ignore" }).status !== 0).map(([what]) => what);
}

/** The example pipeline, as a user declares it; `decideTimeoutSeconds` shortens the JVM stage's timeout. */
function pipelineSpec(decideTimeoutSeconds?: number): PipelineSpec {
    const args: PolyglotPipelineArgs = {
        stages: [
            { name: "features", language: StageLanguage.R, image: "fraud-features:dev" },
            { name: "score", language: StageLanguage.Python, image: "fraud-score:dev" },
            { name: "decide", language: StageLanguage.Jvm, image: "fraud-decide:dev", timeoutSeconds: decideTimeoutSeconds },
        ],
        target: Target.Docker,
    };
    const { spec, problems } = resolvePipelineSpec("fraud", pipelineSchema.parse(args));
    if (!spec) throw new Error(`the example pipeline is invalid: ${JSON.stringify(problems)}`);
    return spec;
}

/** The environment the pipeline gives a stage's ModelService, on a loopback port instead of the container's. */
function stageEnv(spec: PipelineSpec, name: string, port: number): Record<string, string> {
    const env = { ...(spec.stages.find((s) => s.name === name)?.serviceArgs.env as Record<string, string>) };
    if (env.UVICORN_PORT) Object.assign(env, { UVICORN_HOST: "127.0.0.1", UVICORN_PORT: String(port) });
    return { ...env, HOST: "127.0.0.1", PORT: String(port) };
}

function routerFor(spec: PipelineSpec, ports: Record<string, number>): RouterConfig {
    const urls = Object.fromEntries(spec.stages.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}${s.path}`]));
    return routerConfig(spec.flow, urls, { host: "127.0.0.1", port: 0, maxBodyBytes: 1024 * 1024 });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });

let pipelineUrl: string;
let slowPipelineUrl: string;
let jvm: Server;

beforeAll(async () => {
    const missing = missingRuntimes();
    if (missing.length > 0) {
        throw new Error(`the end-to-end test needs ${missing.join("; ")}: run scripts/setup-e2e.sh (CI runs it before npm test)`);
    }
    const spec = pipelineSpec();
    const ports = { features: await freePort(), score: await freePort(), decide: await freePort(), slowDecide: await freePort() };
    const r = startServer("R stage", "Rscript", ["serve.R"], { cwd: path.join(STAGES, "r"), env: stageEnv(spec, "features", ports.features) });
    const python = startServer("Python stage", PYTHON, ["-m", "uvicorn", "app:app"], { cwd: path.join(STAGES, "python"), env: stageEnv(spec, "score", ports.score) });
    jvm = startServer("JVM stage", "java", ["Decide.java"], { cwd: path.join(STAGES, "jvm"), env: stageEnv(spec, "decide", ports.decide) });
    // The same JVM stage, 5 s slow: the timeout drill.
    const slowJvm = startServer("slow JVM stage", "java", ["Decide.java"], { cwd: path.join(STAGES, "jvm"), env: { ...stageEnv(spec, "decide", ports.slowDecide), STAGE_DELAY_MS: "5000" } });
    await Promise.all([
        waitReady(r, `http://127.0.0.1:${ports.features}/health`, STARTUP_MS),
        waitReady(python, `http://127.0.0.1:${ports.score}/health`, STARTUP_MS),
        waitReady(jvm, `http://127.0.0.1:${ports.decide}/health`, STARTUP_MS),
        waitReady(slowJvm, `http://127.0.0.1:${ports.slowDecide}/health`, STARTUP_MS),
    ]);
    pipelineUrl = (await startRouter("router", routerFor(spec, ports))).url;
    slowPipelineUrl = (await startRouter("router (slow decide)", routerFor(pipelineSpec(2), { ...ports, decide: ports.slowDecide }))).url;
}, STARTUP_MS + 30_000);

afterAll(stopAll, 15_000);

describe("an R -> Python -> JVM pipeline through the router, end to end", () => {
    it("flows through all three stages, each seeing the caller's request id", async () => {
        const values = [10, 12, 11, 13, 250];
        const response = await post(`${pipelineUrl}/`, { values }, { "X-Request-Id": "e2e-flow-1" });
        expect(response.status).toBe(200);
        expect(response.headers.get("x-request-id")).toBe("e2e-flow-1");
        const body = (await response.json()) as { decision: string; score: number; trace: string[]; requestIds: Record<string, string> };

        // What R (mean, sd), Python (logistic score) and Java (thresholds) compute, redone here.
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
        const peak = Math.max(...values.map((v) => Math.abs((v - mean) / sd)));
        const score = 1 / (1 + Math.exp(-2 * (peak - 1.5)));
        expect(body.score).toBeCloseTo(score, 5);
        expect(body.decision).toBe("review");
        expect(body.trace).toEqual(["r", "python", "jvm"]);
        expect(body.requestIds).toEqual({ r: "e2e-flow-1", python: "e2e-flow-1", jvm: "e2e-flow-1" });
    });

    it("runs the JVM with the heap settings of the jvm preset", () => {
        expect(jvm.output()).toContain("Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError");
    });

    it("makes up a request id when the caller sends none, the same for every stage", async () => {
        const response = await post(`${pipelineUrl}/`, { values: [1, 2, 3, 40] });
        const id = response.headers.get("x-request-id") as string;
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(((await response.json()) as { requestIds: Record<string, string> }).requestIds).toEqual({ r: id, python: id, jvm: id });
    });

    it("returns the R stage's 4xx, naming the stage", async () => {
        const response = await post(`${pipelineUrl}/`, { values: [1] }, { "X-Request-Id": "e2e-r-422" });
        expect(response.status).toBe(422);
        expect(response.headers.get("x-pipeline-failed-stage")).toBe("features");
        expect(await response.json()).toEqual({
            error: {
                stage: "features",
                status: 422,
                message: "stage features answered 422 Unprocessable Entity",
                requestId: "e2e-r-422",
                detail: { error: "values must be an array of at least 2 numbers" },
            },
        });
    });

    it("returns the Python stage's 4xx, naming the stage, after R answered", async () => {
        // Equal amounts: R computes sd 0, which the Python stage refuses to score.
        const response = await post(`${pipelineUrl}/`, { values: [5, 5, 5] }, { "X-Request-Id": "e2e-python-422" });
        expect(response.status).toBe(422);
        expect(await response.json()).toEqual({
            error: {
                stage: "score",
                status: 422,
                message: "stage score answered 422 Unprocessable Entity",
                requestId: "e2e-python-422",
                detail: { error: "features have no spread (sd 0): nothing to score" },
            },
        });
    });

    it("answers 504 naming the JVM stage when it is slower than its timeout", async () => {
        const response = await post(`${slowPipelineUrl}/`, { values: [10, 12, 11, 13, 250] }, { "X-Request-Id": "e2e-slow" });
        expect(response.status).toBe(504);
        expect(response.headers.get("x-pipeline-failed-stage")).toBe("decide");
        expect(await response.json()).toEqual({ error: { stage: "decide", status: null, message: "stage decide did not answer within 2000 ms", requestId: "e2e-slow" } });
    });
});

/**
 * End to end on this machine: the docker gateway's nginx configuration, written by the same generator the container
 * runs (targets/nginx/config.ts), served by Debian's nginx on a free loopback port in front of two real model servers
 * (test/model-service/queue/model_server.py, standard-library Python): routing by path and by header, keys, routes
 * per consumer, a rate limit, body size, timeouts and the JSON errors.
 *
 * nginx comes from scripts/setup-e2e.sh (a Debian package), which CI runs before the tests. A missing nginx fails this
 * file: a silent skip would hide that nothing was tested.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxConfig } from "../../components/model-gateway/targets/nginx/config";
import { MODEL_SERVER } from "../model-service/queue/helpers";
import { freePort, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { consumer, dockerSpec, NGINX, nginxRuntime, route } from "./nginx";

/** Keys with characters nginx's configuration language gives meaning to: they must match exactly, case included. */
const KEYS = { "team-a": 'ka-Key$With{Braces};~"quote"\\slash-0123456789', "team-b": "kb-0123456789abcdefghijklmnopqrstuvwxyz" };
/** team-b: one request every 2 s (30r/m), a burst of 3: 4 requests at once pass (burst + 1 with nodelay), the rest 429. */
const TEAM_B_BURST = 3;

let gateway: string;
let runtime: ReturnType<typeof nginxRuntime>;
const servers: Record<"a" | "b", string> = { a: "", b: "" };
let requestCounter = 0;

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };
async function call(path: string, options: { key?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string; requestId?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": options.requestId ?? `r${++requestCounter}`, ...options.headers };
    if (options.key) headers["x-api-key"] = options.key;
    const response = await fetch(`${gateway}${path}`, {
        method: "POST",
        headers,
        body: options.rawBody ?? JSON.stringify(options.body ?? { mode: "ok" }),
        signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
    if (!NGINX) throw new Error("the end-to-end test needs nginx (Debian's nginx package): run scripts/setup-e2e.sh (CI runs it before npm test)");
    const ports = { a: await freePort(), b: await freePort(), gateway: await freePort(), closed: await freePort() };
    for (const name of ["a", "b"] as const) {
        const server = startServer(`model server ${name}`, "python3", [MODEL_SERVER, String(ports[name])], { env: { MODEL_PATH: "/v1/predict", ECHO_REQUEST: "1", SERVER_NAME: name } });
        servers[name] = `http://127.0.0.1:${ports[name]}`;
        await waitReady(server, `${servers[name]}/health`, 20_000);
    }
    const spec = dockerSpec(
        "e2e",
        [
            route("fraud", "/fraud", `${servers.a}/v1`, { timeoutSeconds: 10, maxBodyMiB: 1 }),
            route("llm-v2", "/llm", `http://localhost:${ports.b}/v1/`, { header: { name: "x-model-version", value: "2" }, timeoutSeconds: 10 }),
            route("llm", "/llm", `${servers.a}/v1`, { timeoutSeconds: 2, retries: 1 }),
            route("open", "/v1", servers.b, { anonymous: true, stripPrefix: false }),
            // Nothing listens there: connection refused on each of its 2 tries.
            route("down", "/down", `http://127.0.0.1:${ports.closed}`, { anonymous: true, retries: 1 }),
        ],
        [consumer("team-a", 50, ["fraud", "llm", "llm-v2"], { burst: 100 }), consumer("team-b", 0.5, ["fraud"], { burst: TEAM_B_BURST })],
    );
    runtime = nginxRuntime(`127.0.0.1:${ports.gateway}`);
    fs.writeFileSync(runtime.configFile, nginxConfig(spec, KEYS, runtime));
    const nginx = startServer("nginx", NGINX, ["-e", "stderr", "-p", runtime.dir, "-c", runtime.configFile]);
    gateway = `http://127.0.0.1:${ports.gateway}`;
    await waitReady(nginx, `${gateway}/healthz`, 20_000);
}, 60_000);

afterAll(async () => {
    await stopAll();
    if (runtime) fs.rmSync(runtime.dir, { recursive: true, force: true });
});

describe("docker gateway, nginx on loopback", { timeout: 30_000 }, () => {
    it("routes by path, strips the prefix, names the consumer and drops the key", async () => {
        const answer = await call("/fraud/predict", { key: KEYS["team-a"], headers: { "x-modelship-consumer": "someone-else" } });
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ server: "a", path: "/v1/predict" });
        const headers = answer.body.headers as Record<string, string>;
        expect(headers["x-modelship-consumer"]).toBe("team-a");
        expect(headers["x-api-key"]).toBeUndefined();
    });

    it("routes by header on a shared prefix, and without the header (or another value) to the route without one", async () => {
        expect((await call("/llm/predict", { key: KEYS["team-a"], headers: { "x-model-version": "2" } })).body).toMatchObject({ server: "b", path: "/v1/predict" });
        expect((await call("/llm/predict", { key: KEYS["team-a"] })).body).toMatchObject({ server: "a", path: "/v1/predict" });
        expect((await call("/llm/predict", { key: KEYS["team-a"], headers: { "x-model-version": "3" } })).body).toMatchObject({ server: "a" });
    });

    it("answers 401 without a key and with a wrong one (keys match case-sensitively)", async () => {
        for (const key of [undefined, KEYS["team-a"].toUpperCase(), "ka-not-a-key-of-anyone-0000"]) {
            const answer = await call("/fraud/predict", { key });
            expect(answer.status).toBe(401);
            expect(answer.body).toEqual({ error: "missing or unknown API key", header: "x-api-key", route: "fraud" });
            expect(answer.headers.get("www-authenticate")).toBe('ApiKey realm="modelship", header="x-api-key"');
            expect(answer.headers.get("content-type")).toBe("application/json");
        }
    });

    it("answers 403 to a consumer on a route it may not call", async () => {
        const answer = await call("/llm/predict", { key: KEYS["team-b"] });
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({ error: "consumer not allowed on this route", route: "llm", consumer: "team-b" });
    });

    it("lets burst + 1 requests of a consumer through at once and answers the rest 429", async () => {
        const answers = await Promise.all(Array.from({ length: TEAM_B_BURST + 4 }, () => call("/fraud/predict", { key: KEYS["team-b"] })));
        const statuses = answers.map((a) => a.status).sort();
        expect(statuses).toEqual([...Array(TEAM_B_BURST + 1).fill(200), ...Array(3).fill(429)]);
        expect(answers.find((a) => a.status === 429)?.body).toEqual({ error: "rate limit exceeded", route: "fraud", consumer: "team-b" });
        // The other consumer's rate is its own.
        expect((await call("/fraud/predict", { key: KEYS["team-a"] })).status).toBe(200);
    });

    it("serves a slow request within the route's timeout", async () => {
        const answer = await call("/fraud/predict", { key: KEYS["team-a"], body: { mode: "sleep", seconds: 1 } });
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ server: "a", echo: { mode: "sleep", seconds: 1 } });
    });

    it("answers 504 naming the route beyond its timeout, without retrying the POST", async () => {
        const started = Date.now();
        const answer = await call("/llm/predict", { key: KEYS["team-a"], body: { mode: "sleep", seconds: 4 }, requestId: "slow-post" });
        expect(answer.status).toBe(504);
        expect(answer.body).toEqual({ error: "gateway timeout", route: "llm", timeoutSeconds: 2 });
        expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
        expect(Date.now() - started).toBeLessThan(3900);
        const calls = (await (await fetch(`${servers.a}/calls`)).json()) as Record<string, number>;
        expect(calls["slow-post"]).toBe(1);
    });

    it("answers 413 naming the route to a body over its limit", async () => {
        const answer = await call("/fraud/predict", { key: KEYS["team-a"], rawBody: "x".repeat(2 * 1024 * 1024) });
        expect(answer.status).toBe(413);
        expect(answer.body).toEqual({ error: "request body too large", route: "fraud", maxBodyMiB: 1 });
    });

    it("serves an anonymous route without a key, keeping its prefix, and lets no client name a consumer", async () => {
        const answer = await call("/v1/predict", { headers: { "x-modelship-consumer": "team-a" } });
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ server: "b", path: "/v1/predict" });
        expect((answer.body.headers as Record<string, string>)["x-modelship-consumer"]).toBeUndefined();
    });

    it("answers 502 naming the route when the backend refuses the connection", async () => {
        const answer = await call("/down/predict");
        expect(answer.status).toBe(502);
        expect(answer.body).toEqual({ error: "bad gateway: the backend did not answer", route: "down" });
    });

    it("answers 404 in JSON to a path no route has", async () => {
        const answer = await call("/nothing/here", { key: KEYS["team-a"] });
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ error: "no route matches this path" });
    });

    it("keeps the access log in JSON, with consumers and without keys", () => {
        const lines = fs.readFileSync(runtime.accessLog, "utf8").trim().split("\n");
        const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(entries.some((e) => e.consumer === "team-a" && e.status === 200 && e.path === "/fraud/predict" && e.route === "fraud")).toBe(true);
        expect(entries.some((e) => e.consumer === "team-b" && e.status === 429)).toBe(true);
        const text = lines.join("\n");
        for (const key of Object.values(KEYS)) expect(text).not.toContain(key.slice(3, 20));
    });
});

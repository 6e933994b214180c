/**
 * The queue consumer's `GET /drained` (DRAIN_PORT), run for real: what the model server's preStop hook waits on in queue
 * mode on Kubernetes (docs/queue-mode.md, "Stop order"). A redis-server on a free loopback port, the real test model
 * server and the consumer as subprocesses, as in queue-consumer.test.ts; the hook's request is a plain GET, as the
 * kubelet sends it. An idle consumer answers as soon as it has its SIGTERM; a busy one once its request is done; a
 * request before the SIGTERM waits for it; STOP_TIMEOUT bounds both waits.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, Server, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { CONSUMER, exited, MODEL_PATH, MODEL_SERVER, PYTHON, PYTHON_311, REDIS, requireTools, waitFor } from "./queue/helpers";
import { modelCalls as calls, RedisCommand, redisCli, startRedis, submitRequest } from "./queue/redis";

let redisPort: number;
let modelPort: number;
let redis: RedisCommand;

interface Drained {
    status: number;
    body: { state: string; waitedSeconds: number };
    /** Date.now() when the answer came. */
    at: number;
}

/** Starts a consumer on `stream` with GET /drained on a free port; resolves once it listens and the model server is ready. */
async function consumerWithDrain(stream: string, env: Record<string, string>): Promise<{ consumer: Server; port: number; results: string }> {
    const port = await freePort();
    const results = fs.mkdtempSync(path.join(os.tmpdir(), "queue-drain-"));
    const consumer = startServer(`consumer (${stream})`, PYTHON, [CONSUMER], {
        env: {
            QUEUE_BACKEND: "redis",
            REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
            QUEUE: stream,
            CONSUMER_NAME: stream,
            RESULT_URL: `file://${results}`,
            MODEL_PORT: String(modelPort),
            MODEL_PATH,
            REQUEST_TIMEOUT: "30",
            VISIBILITY_TIMEOUT: "30",
            CONCURRENCY: "1",
            POLL_WAIT: "1",
            DRAIN_PORT: String(port),
            ...env,
        },
    });
    await waitFor(
        "the consumer ready and listening",
        () => (/"event": "ready"/.test(consumer.output()) && /"event": "drain-listening"/.test(consumer.output()) ? true : undefined),
        10_000,
        consumer.output,
    );
    expect(consumer.output()).toContain(`{"event": "drain-listening", "port": ${port}, "path": "/drained"}`);
    return { consumer, port, results };
}

/** GET /drained, as the kubelet sends the preStop hook's request. */
async function drained(port: number, pathname = "/drained", method = "GET"): Promise<Drained> {
    const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { method, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, at: Date.now() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `promise` has settled within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let settled = false;
    void promise.then(
        () => (settled = true),
        () => (settled = true),
    );
    await sleep(ms);
    return settled;
}

beforeAll(async () => {
    requireTools([...REDIS, PYTHON_311]);
    [redisPort, modelPort] = [await freePort(), await freePort()];
    await startRedis(redisPort, ["--save", "", "--appendonly", "no"]);
    redis = redisCli(redisPort);
    const model = startServer("model server", PYTHON, [MODEL_SERVER, String(modelPort)], { env: { MODEL_PATH } });
    await waitReady(model, `http://127.0.0.1:${modelPort}/health`, 15_000);
}, 30_000);

afterAll(stopAll, 15_000);

describe("GET /drained of the queue consumer (the model server's preStop hook in queue mode on Kubernetes)", () => {
    it("waits while the consumer has had no SIGTERM, and answers drained at once after it when idle, in the middle of a long poll", async () => {
        // POLL_WAIT 5: the consumer is blocked in XREADGROUP when the SIGTERM comes.
        const { consumer, port } = await consumerWithDrain("idle", { POLL_WAIT: "5", STOP_TIMEOUT: "60" });
        const answer = drained(port);
        expect(await settledWithin(answer, 1500)).toBe(false);

        const sigterm = Date.now();
        process.kill(consumer.child.pid as number, "SIGTERM");
        const result = await answer;
        expect(result.status).toBe(200);
        expect(result.body).toEqual({ state: "drained", waitedSeconds: expect.any(Number) });
        expect(result.body.waitedSeconds).toBeGreaterThanOrEqual(1.5);
        expect(result.at - sigterm).toBeLessThan(2500); // within the 5 s poll: not when it returns
        expect(await exited(consumer.child, 10_000)).toBe(0);
        expect(consumer.output()).toContain('{"event": "stopped", "unfinished": 0}');
    }, 30_000);

    it("answers drained for a busy consumer only once its request is done and its result written", async () => {
        const { consumer, port, results } = await consumerWithDrain("busy", { STOP_TIMEOUT: "20" });
        submitRequest(redis, "busy", "busy-1", { mode: "sleep", seconds: 3 });
        await waitFor("the call of busy-1", async () => ((await calls(modelPort))["busy-1"] ? true : undefined), 10_000, consumer.output);
        const answer = drained(port);
        process.kill(consumer.child.pid as number, "SIGTERM");
        expect(await settledWithin(answer, 1000)).toBe(false);

        const result = await answer;
        expect(result.status).toBe(200);
        expect(result.body.state).toBe("drained");
        expect(result.body.waitedSeconds).toBeGreaterThanOrEqual(1.5);
        // The answer came after the result was written and the message acknowledged: the server may stop now.
        expect(JSON.parse(fs.readFileSync(path.join(results, "busy-1.json"), "utf8"))).toMatchObject({ requestId: "busy-1", outcome: "succeeded", status: 200, deliveries: 1 });
        expect(redis("XPENDING", "busy", "modelship")).toEqual([0, null, null, null]);
        expect(await exited(consumer.child, 10_000)).toBe(0);
        expect(await calls(modelPort)).toMatchObject({ "busy-1": 1 });
    }, 30_000);

    it("answers released STOP_TIMEOUT after the SIGTERM when a request still runs, once it is visible again, and writes nothing", async () => {
        const { consumer, port, results } = await consumerWithDrain("long", { STOP_TIMEOUT: "2", MAX_DELIVERIES: "1" });
        const id = submitRequest(redis, "long", "long-1", { mode: "sleep", seconds: 8 });
        await waitFor("the call of long-1", async () => ((await calls(modelPort))["long-1"] ? true : undefined), 10_000, consumer.output);
        const answer = drained(port);
        const sigterm = Date.now();
        process.kill(consumer.child.pid as number, "SIGTERM");

        const result = await answer;
        expect(result.status).toBe(200);
        expect(result.body.state).toBe("released");
        expect(result.at - sigterm).toBeGreaterThanOrEqual(1900);
        expect(result.at - sigterm).toBeLessThan(5000);
        // Handed back before the answer: another replica claims it at once (not after the 30 s visibility timeout).
        const claimed = redis("XAUTOCLAIM", "long", "modelship", "another-replica", "30000", "0-0", "JUSTID") as [string, string[]];
        expect(claimed[1]).toEqual([id]);
        expect(await exited(consumer.child, 10_000)).toBe(0);
        expect(consumer.output()).toContain('{"event": "stopped", "unfinished": 1}');
        // Its only delivery was the last (MAX_DELIVERIES 1), yet no failure record: the stop is not an attempt.
        expect(fs.readdirSync(results)).toEqual([]);
    }, 30_000);

    it("answers 503 not-stopping after STOP_TIMEOUT when no SIGTERM comes (the server restarted alone)", async () => {
        const { consumer, port } = await consumerWithDrain("alone", { STOP_TIMEOUT: "2" });
        const start = Date.now();
        const result = await drained(port);
        expect(result.status).toBe(503);
        expect(result.body).toEqual({ state: "not-stopping", waitedSeconds: expect.any(Number) });
        expect(result.at - start).toBeGreaterThanOrEqual(1900);
        expect(result.at - start).toBeLessThan(5000);
        // The consumer goes on: it still serves requests.
        submitRequest(redis, "alone", "alone-1", { mode: "ok" });
        await waitFor("the result of alone-1", () => (consumer.output().includes('"event": "result", "requestId": "alone-1"') ? true : undefined), 10_000, consumer.output);
        process.kill(consumer.child.pid as number, "SIGTERM");
        expect(await exited(consumer.child, 10_000)).toBe(0);
    }, 30_000);

    it("tells nothing else: another path is 404, another method 501, and the answer carries only the state and the wait", async () => {
        const { consumer, port } = await consumerWithDrain("other", { STOP_TIMEOUT: "5" });
        const other = await drained(port, "/metrics");
        expect(other).toMatchObject({ status: 404, body: { error: "not found" } });
        expect(await drained(port, "/drained", "POST")).toMatchObject({ status: 501, body: { error: "not implemented" } });
        expect(await drained(port, "/drained", "DELETE")).toMatchObject({ status: 501, body: { error: "not implemented" } });
        // Still waiting for its SIGTERM, and unchanged by all that: the stop that follows drains as ever.
        const answer = drained(port);
        expect(await settledWithin(answer, 500)).toBe(false);
        process.kill(consumer.child.pid as number, "SIGTERM");
        expect((await answer).body.state).toBe("drained");
        expect(await exited(consumer.child, 10_000)).toBe(0);
    }, 30_000);

    it("exits with an error naming DRAIN_PORT when the port is taken", async () => {
        const taken = startServer("consumer (port taken)", PYTHON, [CONSUMER], {
            env: {
                QUEUE_BACKEND: "redis",
                REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
                QUEUE: "taken",
                RESULT_URL: "file:///tmp/unused",
                MODEL_PORT: String(modelPort),
                MODEL_PATH,
                DRAIN_PORT: String(redisPort),
            },
        });
        expect(await exited(taken.child, 10_000)).toBe(1);
        expect(taken.output()).toContain(`consumer: cannot listen on DRAIN_PORT ${redisPort}:`);
    });

    it("listens on nothing without DRAIN_PORT (Docker, Cloud Run and the consumer's other uses are unchanged)", async () => {
        const results = fs.mkdtempSync(path.join(os.tmpdir(), "queue-drain-"));
        const plain = startServer("consumer (no drain port)", PYTHON, [CONSUMER], {
            env: { QUEUE_BACKEND: "redis", REDIS_URL: `redis://127.0.0.1:${redisPort}/0`, QUEUE: "plain", RESULT_URL: `file://${results}`, MODEL_PORT: String(modelPort), MODEL_PATH, POLL_WAIT: "1" },
        });
        await waitFor("the consumer ready", () => (plain.output().includes('"event": "ready"') ? true : undefined), 10_000, plain.output);
        expect(plain.output()).not.toContain("drain-listening");
        process.kill(plain.child.pid as number, "SIGTERM");
        expect(await exited(plain.child, 10_000)).toBe(0);
    }, 30_000);
});

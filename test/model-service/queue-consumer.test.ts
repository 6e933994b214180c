/**
 * The queue consumer of ModelService's queue mode (components/model-service/queue/consumer.py), run for real: a
 * redis-server on a free loopback port (the Docker target's development queue), a real HTTP model server on loopback
 * (test/model-service/queue/model_server.py) and the consumer as a subprocess. Messages go into the Redis stream,
 * results are read from the result store, the model server's call counts prove what was called how often.
 *
 * redis-server, redis-cli and boto3 come from scripts/setup-e2e.sh (Debian packages), which CI runs before the tests.
 * A missing tool fails this file: a silent skip would hide that nothing was tested.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerScript, consumerScriptPath } from "../../components/model-service/queue/consumer-script";
import { freePort, Server, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { CONSUMER, exited, MODEL_PATH, MODEL_SERVER, PYTHON, PYTHON_311, REDIS, requireTools, waitFor } from "./queue/helpers";
import { modelCalls as calls, pendingCount as pending, RedisCommand, redisCli, resultRecord, ResultRecord, startRedis, submitRequest } from "./queue/redis";

let redisPort: number;
let redis: RedisCommand;

function submit(stream: string, requestId: string, body: unknown, contentType = "application/json"): string {
    return submitRequest(redis, stream, requestId, body, contentType);
}

function consumerEnv(overrides: Record<string, string>): Record<string, string> {
    return {
        QUEUE_BACKEND: "redis",
        REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
        MODEL_PATH,
        REQUEST_TIMEOUT: "4",
        VISIBILITY_TIMEOUT: "2",
        MAX_DELIVERIES: "3",
        RETRY_BACKOFF_BASE: "1",
        RETRY_BACKOFF_MAX: "1",
        POLL_WAIT: "1",
        ...overrides,
    };
}

let modelPort: number;
let consumer: Server;
const ids: Record<string, string> = {};

/** The record the consumer wrote for `requestId` (Redis key result:<id>.json), once it is there. */
function result(requestId: string, timeoutMs = 20_000): Promise<ResultRecord> {
    return resultRecord(redis, `result:${requestId}.json`, timeoutMs, () => consumer.output());
}

function pendingCount(stream: string): number {
    return pending(redis, stream);
}

beforeAll(async () => {
    requireTools([...REDIS, PYTHON_311]);
    [redisPort, modelPort] = [await freePort(), await freePort()];
    await startRedis(redisPort, ["--save", "", "--appendonly", "no"]);
    redis = redisCli(redisPort);
    const model = startServer("model server", PYTHON, [MODEL_SERVER, String(modelPort)], { env: { MODEL_PATH } });
    await waitReady(model, `http://127.0.0.1:${modelPort}/health`, 15_000);

    // Queued before any consumer runs, as when a replica starts from zero: the consumer group reads the stream from its start.
    ids.ok = submit("requests", "ok-1", { mode: "ok", prompt: "hello" }, "application/vnd.modelship.test+json");
    ids.flaky = submit("requests", "flaky-1", { mode: "flaky", fails: 2 });
    ids.fail = submit("requests", "fail-1", { mode: "fail" });
    ids.timeout = submit("requests", "timeout-1", { mode: "sleep", seconds: 6 });
    ids.slow = submit("requests", "slow-1", { mode: "sleep", seconds: 3 });
    ids.bad = submit("requests", "bad-1", { mode: "bad" });
    ids.unsafe = submit("requests", "../../etc/passwd", { mode: "ok" });
    ids.dup = submit("requests", "dup-1", { mode: "ok" });
    consumer = startServer("consumer", PYTHON, [CONSUMER], {
        env: consumerEnv({ QUEUE: "requests", RESULT_URL: `redis://127.0.0.1:${redisPort}/0/result:`, MODEL_PORT: String(modelPort), CONCURRENCY: "4", CONSUMER_NAME: "consumer-a" }),
    });
}, 30_000);

afterAll(stopAll, 15_000);

describe("the queue consumer on a Redis stream, against a real model server on loopback", () => {
    it("calls the server with the message's body and content type, writes status, kept headers and body, and acknowledges", async () => {
        const record = await result("ok-1");
        expect(record).toEqual({
            requestId: "ok-1",
            outcome: "succeeded",
            status: 200,
            deliveries: 1,
            completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
            headers: { "content-type": "application/json; charset=utf-8" },
            body: expect.any(String),
        });
        expect(JSON.parse(record.body as string)).toEqual({ echo: { mode: "ok", prompt: "hello" }, requestId: "ok-1", contentType: "application/vnd.modelship.test+json", call: 1 });
        expect((await calls(modelPort))["ok-1"]).toBe(1);
    });

    it("retries a server that answers 500 twice, with backoff, and succeeds on the third delivery", async () => {
        const record = await result("flaky-1");
        expect(record).toMatchObject({ outcome: "succeeded", status: 200, deliveries: 3 });
        expect(JSON.parse(record.body as string).call).toBe(3);
        expect((await calls(modelPort))["flaky-1"]).toBe(3);
        expect(consumer.output()).toContain('{"event": "retry", "requestId": "flaky-1", "deliveries": 1, "delaySeconds": 1, "error": "the model server answered 500: {\\"error\\": \\"failure 1\\"}"}');
    });

    it("moves a message that fails on every delivery to the dead-letter stream after MAX_DELIVERIES, with a failure record", async () => {
        const record = await result("fail-1");
        expect(record).toMatchObject({ requestId: "fail-1", outcome: "failed", status: null, deliveries: 3, error: 'the model server answered 500: {"error": "always failing"}' });
        expect((await calls(modelPort))["fail-1"]).toBe(3);
        const dead = await waitFor(
            "the dead-letter entry",
            () => {
                const entries = redis("XRANGE", "requests:dead-letter", "-", "+") as Array<[string, string[]]>;
                return entries.find(([, fields]) => fields.includes("fail-1"));
            },
            5000,
        );
        const fields = Object.fromEntries(dead[1].flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])));
        expect(fields).toEqual({
            "content-type": "application/json",
            "request-id": "fail-1",
            body: '{"mode":"fail"}',
            "source-id": ids.fail,
            "delivery-count": "3",
            error: 'the model server answered 500: {"error": "always failing"}',
        });
    });

    it("gives up on a request past REQUEST_TIMEOUT, retries it, and dead-letters it with a failure record", async () => {
        const record = await result("timeout-1", 35_000);
        expect(record).toMatchObject({ outcome: "failed", status: null, deliveries: 3, error: "timed out after 4 s" });
        expect((await calls(modelPort))["timeout-1"]).toBe(3);
    }, 40_000);

    it("keeps a request longer than the visibility timeout invisible while it runs (heartbeat): one call, one delivery", async () => {
        const record = await result("slow-1");
        expect(record).toMatchObject({ outcome: "succeeded", status: 200, deliveries: 1 });
        expect((await calls(modelPort))["slow-1"]).toBe(1);
    });

    it("writes a 4xx as a final rejected result, acknowledged without retry", async () => {
        const record = await result("bad-1");
        expect(record).toMatchObject({ outcome: "rejected", status: 400, deliveries: 1, body: '{"error": "mode bad: the request is invalid"}' });
        expect((await calls(modelPort))["bad-1"]).toBe(1);
    });

    it("refuses a request id that is not a safe key, under the message's own id, without calling the server", async () => {
        const record = await result(ids.unsafe);
        expect(record).toMatchObject({ requestId: ids.unsafe, outcome: "rejected", status: null, error: "request-id '../../etc/passwd' is not [A-Za-z0-9._-]{1,128}" });
        expect((await calls(modelPort))["../../etc/passwd"]).toBeUndefined();
    });

    it("acknowledges a message delivered twice without calling the server again (the result exists)", async () => {
        const first = await result("dup-1");
        await waitFor("dup-1 acknowledged", () => ((redis("XPENDING", "requests", "modelship", ids.dup, ids.dup, "1") as unknown[]).length === 0 ? true : undefined), 5000);
        // What a consumer that died between its result write and its XACK leaves behind: the entry pending again.
        redis("XCLAIM", "requests", "modelship", "consumer-that-died", "0", ids.dup, "FORCE", "JUSTID");
        await waitFor(
            "the redelivery of dup-1",
            () => (consumer.output().includes('{"event": "duplicate", "requestId": "dup-1"') ? true : undefined),
            10_000,
            () => consumer.output(),
        );
        expect((await calls(modelPort))["dup-1"]).toBe(1);
        expect(JSON.parse(redis("GET", "result:dup-1.json") as string)).toEqual(first);
        await waitFor(
            "nothing pending",
            () => (pendingCount("requests") === 0 ? true : undefined),
            5000,
            () => consumer.output(),
        );
    }, 20_000);
});

describe("the queue consumer's start and stop", () => {
    it("receives nothing before the model server is ready, and on SIGTERM finishes the request in flight and takes no other", async () => {
        const port = await freePort();
        startServer("slow-starting model server", PYTHON, [MODEL_SERVER, String(port)], { env: { MODEL_PATH, READY_AFTER: "2" } });
        const results = fs.mkdtempSync(path.join(os.tmpdir(), "queue-results-"));
        submit("stopping", "in-flight-1", { mode: "sleep", seconds: 2 });
        submit("stopping", "queued-1", { mode: "ok" });
        const stopping = startServer("consumer (stop)", PYTHON, [CONSUMER], {
            env: consumerEnv({ QUEUE: "stopping", RESULT_URL: `file://${results}`, MODEL_PORT: String(port), CONCURRENCY: "1", STOP_TIMEOUT: "10", CONSUMER_NAME: "consumer-b" }),
        });
        await waitFor("the in-flight call", async () => ((await calls(port).catch(() => ({}) as Record<string, number>))["in-flight-1"] ? true : undefined), 15_000, stopping.output);
        process.kill(stopping.child.pid as number, "SIGTERM");
        expect(await exited(stopping.child, 10_000)).toBe(0);

        const record = JSON.parse(fs.readFileSync(path.join(results, "in-flight-1.json"), "utf8")) as ResultRecord;
        expect(record).toMatchObject({ requestId: "in-flight-1", outcome: "succeeded", status: 200, deliveries: 1 });
        expect(fs.readdirSync(results)).toEqual(["in-flight-1.json"]);
        expect(await calls(port)).toEqual({ "in-flight-1": 1 });
        expect(pendingCount("stopping")).toBe(0);
        expect(stopping.output()).toContain('{"event": "stopped", "unfinished": 0}');
    }, 30_000);

    it("on SIGTERM releases a request still running after STOP_TIMEOUT at once, for another replica, and writes nothing", async () => {
        const results = fs.mkdtempSync(path.join(os.tmpdir(), "queue-results-"));
        const id = submit("abandon", "abandoned-1", { mode: "sleep", seconds: 5 });
        const stopping = startServer("consumer (stop timeout)", PYTHON, [CONSUMER], {
            env: consumerEnv({ QUEUE: "abandon", RESULT_URL: `file://${results}`, MODEL_PORT: String(modelPort), VISIBILITY_TIMEOUT: "30", STOP_TIMEOUT: "1", CONSUMER_NAME: "consumer-c" }),
        });
        await waitFor("the call of abandoned-1", async () => ((await calls(modelPort))["abandoned-1"] ? true : undefined), 15_000, stopping.output);
        process.kill(stopping.child.pid as number, "SIGTERM");
        expect(await exited(stopping.child, 5000)).toBe(0);
        expect(stopping.output()).toContain('{"event": "stopped", "unfinished": 1}');
        // Visible now, not after the 30 s visibility timeout: another consumer claims it at once.
        const claimed = redis("XAUTOCLAIM", "abandon", "modelship", "another-replica", "30000", "0-0", "JUSTID") as [string, string[]];
        expect(claimed[1]).toEqual([id]);
        expect(fs.readdirSync(results)).toEqual([]);
    }, 30_000);

    it("stops receiving while the model server is gone, and retries the request once it answers its readiness probe again", async () => {
        const port = await freePort();
        const results = fs.mkdtempSync(path.join(os.tmpdir(), "queue-results-"));
        const first = startServer("model server (to be killed)", PYTHON, [MODEL_SERVER, String(port)], { env: { MODEL_PATH } });
        await waitReady(first, `http://127.0.0.1:${port}/health`, 15_000);
        const restarting = startServer("consumer (restart)", PYTHON, [CONSUMER], {
            env: consumerEnv({ QUEUE: "restart", RESULT_URL: `file://${results}`, MODEL_PORT: String(port), CONSUMER_NAME: "consumer-d" }),
        });
        await waitFor("the consumer ready", () => (restarting.output().includes('"event": "ready"') ? true : undefined), 10_000, restarting.output);
        process.kill(-(first.child.pid as number), "SIGKILL");
        await exited(first.child, 5000);

        submit("restart", "after-restart-1", { mode: "ok" });
        await waitFor("the refused call", () => (restarting.output().includes('{"event": "retry", "requestId": "after-restart-1", "deliveries": 1') ? true : undefined), 10_000, restarting.output);
        expect(restarting.output()).toContain("Connection refused");
        const second = startServer("model server (restarted)", PYTHON, [MODEL_SERVER, String(port)], { env: { MODEL_PATH } });
        await waitReady(second, `http://127.0.0.1:${port}/health`, 15_000);

        const file = path.join(results, "after-restart-1.json");
        await waitFor("the result after the restart", () => (fs.existsSync(file) ? true : undefined), 15_000, restarting.output);
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).toMatchObject({ outcome: "succeeded", status: 200, deliveries: 2 });
        expect(await calls(port)).toEqual({ "after-restart-1": 1 });
        expect(restarting.output().match(/"event": "ready"/g)).toHaveLength(2);
    }, 45_000);

    it("exits with an error naming the URL when the model server never becomes ready", async () => {
        const nobody = await freePort();
        const run = startServer("consumer (never ready)", PYTHON, [CONSUMER], {
            env: consumerEnv({ QUEUE: "never", RESULT_URL: `redis://127.0.0.1:${redisPort}/0/never:`, MODEL_PORT: String(nobody), MODEL_READINESS_TIMEOUT: "1" }),
        });
        expect(await exited(run.child, 10_000)).toBe(1);
        expect(run.output()).toContain(`consumer: the model server was not ready at http://127.0.0.1:${nobody}/health within 1 s`);
    });

    it("ships in the npm package, where the targets read it from", () => {
        const files = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { files: string[] }).files;
        expect(files).toContain("components/model-service/queue/consumer.py");
        expect(consumerScriptPath()).toBe(CONSUMER);
        expect(consumerScript()).toBe(fs.readFileSync(CONSUMER, "utf8"));
    });

    it("refuses a configuration it cannot run, naming the variable", () => {
        const run = spawnSync(PYTHON, [CONSUMER], { env: { ...process.env, QUEUE_BACKEND: "kafka", QUEUE: "q", RESULT_URL: "file:///tmp/x" }, encoding: "utf8" });
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("consumer: QUEUE_BACKEND must be one of sqs, pubsub, redis, pubsub-push, got 'kafka'");
        const noQueue = spawnSync(PYTHON, [CONSUMER], { env: { ...process.env, QUEUE_BACKEND: "redis", QUEUE: "", RESULT_URL: "file:///tmp/x" }, encoding: "utf8" });
        expect(noQueue.stderr).toContain("consumer: the environment variable QUEUE is required");
    });
});

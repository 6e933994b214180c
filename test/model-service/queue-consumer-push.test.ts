/**
 * The queue consumer's push mode (QUEUE_BACKEND=pubsub-push, for Cloud Run), run for real: the consumer as a subprocess
 * serving HTTP on a free port, a real HTTP model server on loopback (test/model-service/queue/model_server.py), and
 * Pub/Sub push deliveries POSTed to it in the wrapped envelope Pub/Sub sends (cloud.google.com/pubsub/docs/push).
 * What Pub/Sub does with the answers (redelivery, dead-lettering) is not run here: docs/queue-mode.md cites it. The
 * results go to a local directory (file://); queue-consumer-protocols.test.ts sends one push case to a GCS stand-in.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, Server, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { CONSUMER, exited, MODEL_PATH, MODEL_SERVER, PushDelivery, pushEnvelope, PYTHON, PYTHON_311, requireTools, waitFor } from "./queue/helpers";

interface Answer {
    status: number;
    body: string;
}

/** One HTTP request on a new connection (no keep-alive: a stopped consumer must refuse new connections). */
function request(port: number, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            { host: "127.0.0.1", port, method, path: urlPath, agent: false, headers: body === undefined ? headers : { "content-type": "application/json", ...headers } },
            (res) => {
                let text = "";
                res.on("data", (d: Buffer) => (text += d.toString()));
                res.on("end", () => resolve({ status: res.statusCode as number, body: text }));
                res.on("error", reject);
            },
        );
        req.on("error", reject);
        req.end(body);
    });
}

const deliver = (port: number, d: PushDelivery) => request(port, "POST", "/", pushEnvelope(d));

async function calls(port: number): Promise<Record<string, number>> {
    return (await (await fetch(`http://127.0.0.1:${port}/calls`)).json()) as Record<string, number>;
}

function pushEnv(overrides: Record<string, string>): Record<string, string> {
    return { QUEUE_BACKEND: "pubsub-push", MODEL_PATH, REQUEST_TIMEOUT: "3", MAX_DELIVERIES: "3", ...overrides };
}

/** Starts a push consumer on a free port and waits until it listens. */
async function startConsumer(name: string, env: Record<string, string>): Promise<{ server: Server; port: number; results: string }> {
    const port = await freePort();
    const results = fs.mkdtempSync(path.join(os.tmpdir(), "push-results-"));
    const server = startServer(name, PYTHON, [CONSUMER], { env: pushEnv({ PORT: String(port), RESULT_URL: `file://${results}`, ...env }) });
    await waitFor("the consumer listening", () => (server.output().includes('"event": "listening"') ? true : undefined), 10_000, server.output);
    return { server, port, results };
}

/** The consumer's log so far: one JSON object a line (a line still being written is left out). */
const events = (server: Server) =>
    server
        .output()
        .split("\n")
        .flatMap((line) => {
            try {
                return [JSON.parse(line) as Record<string, unknown>];
            } catch {
                return [];
            }
        });

/** Waits until the consumer has logged exactly `expected`: its output may reach this process after its HTTP answer. */
const logged = (server: Server, expected: Record<string, unknown>) =>
    waitFor(`the log line ${JSON.stringify(expected)}`, () => (events(server).some((e) => isDeepStrictEqual(e, expected)) ? true : undefined), 5000, server.output);

const readRecord = (dir: string, id: string) => JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), "utf8")) as Record<string, unknown>;

let modelPort: number;
let consumer: { server: Server; port: number; results: string };

beforeAll(async () => {
    requireTools([PYTHON_311]);
    modelPort = await freePort();
    const model = startServer("model server", PYTHON, [MODEL_SERVER, String(modelPort)], { env: { MODEL_PATH } });
    await waitReady(model, `http://127.0.0.1:${modelPort}/health`, 15_000);
    consumer = await startConsumer("push consumer", { MODEL_PORT: String(modelPort), CONCURRENCY: "2" });
}, 30_000);

afterAll(stopAll, 15_000);

describe("the queue consumer's push mode: Pub/Sub push deliveries over HTTP, against a real model server", () => {
    it("listens on PORT with STOP_TIMEOUT 8 s by default (Cloud Run kills 10 s after SIGTERM), and needs no QUEUE", async () => {
        await logged(consumer.server, { event: "listening", port: consumer.port, concurrency: 2, stopTimeout: 8 });
    });

    it("serves a delivery: calls the model with its body and content type, writes the record, answers 204 (acknowledged)", async () => {
        const answer = await deliver(consumer.port, { requestId: "push-ok", body: { mode: "ok", prompt: "hello" }, contentType: "application/vnd.modelship.test+json", attempt: 1 });
        expect(answer).toEqual({ status: 204, body: "" });
        const record = readRecord(consumer.results, "push-ok");
        expect(record).toEqual({
            requestId: "push-ok",
            outcome: "succeeded",
            status: 200,
            deliveries: 1,
            completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
            headers: { "content-type": "application/json; charset=utf-8" },
            body: expect.any(String),
        });
        expect(JSON.parse(record.body as string)).toEqual({ echo: { mode: "ok", prompt: "hello" }, requestId: "push-ok", contentType: "application/vnd.modelship.test+json", call: 1 });
        expect((await calls(modelPort))["push-ok"]).toBe(1);
    });

    it("acknowledges a delivery whose result exists without calling the model (a redelivery after the record was written)", async () => {
        const earlier = '{"requestId": "push-done", "outcome": "succeeded"}';
        fs.writeFileSync(path.join(consumer.results, "push-done.json"), earlier);
        const answer = await deliver(consumer.port, { requestId: "push-done", body: { mode: "ok" }, attempt: 2 });
        expect(answer.status).toBe(204);
        expect((await calls(modelPort))["push-done"]).toBeUndefined();
        expect(fs.readFileSync(path.join(consumer.results, "push-done.json"), "utf8")).toBe(earlier);
        await logged(consumer.server, { event: "duplicate", requestId: "push-done", deliveries: 2 });
    });

    it("answers 503 to a failing model before the last attempt and writes nothing; on attempt MAX_DELIVERIES writes the failure record, then 503", async () => {
        const first = await deliver(consumer.port, { requestId: "push-fail", body: { mode: "fail" }, attempt: 1 });
        expect(first.status).toBe(503);
        expect(JSON.parse(first.body)).toEqual({ outcome: "retry", requestId: "push-fail" });
        expect(fs.existsSync(path.join(consumer.results, "push-fail.json"))).toBe(false);
        // The delay is the subscription's retry policy: the consumer logs none.
        await logged(consumer.server, { event: "retry", requestId: "push-fail", deliveries: 1, error: 'the model server answered 500: {"error": "always failing"}' });

        const last = await deliver(consumer.port, { requestId: "push-fail", body: { mode: "fail" }, attempt: 3 });
        expect(last.status).toBe(503); // not acknowledged: the dead-letter policy forwards it
        expect(JSON.parse(last.body)).toEqual({ outcome: "dead-lettered", requestId: "push-fail" });
        expect(readRecord(consumer.results, "push-fail")).toMatchObject({
            requestId: "push-fail",
            outcome: "failed",
            status: null,
            deliveries: 3,
            error: 'the model server answered 500: {"error": "always failing"}',
        });
        expect((await calls(modelPort))["push-fail"]).toBe(2);
    });

    it("never writes a failure record when the delivery has no deliveryAttempt (a subscription without a dead-letter policy)", async () => {
        for (let i = 0; i < 4; i++) expect((await deliver(consumer.port, { requestId: "push-no-dlq", body: { mode: "fail" } })).status).toBe(503);
        expect(fs.existsSync(path.join(consumer.results, "push-no-dlq.json"))).toBe(false);
        expect((await calls(modelPort))["push-no-dlq"]).toBe(4);
        await logged(consumer.server, { event: "retry", requestId: "push-no-dlq", deliveries: null, error: 'the model server answered 500: {"error": "always failing"}' });
    });

    it("writes a 4xx as a rejected record and acknowledges it (retrying the same body cannot help)", async () => {
        expect((await deliver(consumer.port, { requestId: "push-bad", body: { mode: "bad" }, attempt: 1 })).status).toBe(204);
        expect(readRecord(consumer.results, "push-bad")).toMatchObject({ outcome: "rejected", status: 400, deliveries: 1, body: '{"error": "mode bad: the request is invalid"}' });
    });

    it("answers 429 when the model answered 429, and writes nothing", async () => {
        const answer = await deliver(consumer.port, { requestId: "push-throttled", body: { mode: "throttled" }, attempt: 1 });
        expect(answer.status).toBe(429);
        expect(JSON.parse(answer.body)).toEqual({ outcome: "throttled", requestId: "push-throttled" });
        expect(fs.existsSync(path.join(consumer.results, "push-throttled.json"))).toBe(false);
    });

    it("gives up on a call past REQUEST_TIMEOUT with 503, and on the last attempt writes the failure record", async () => {
        const started = Date.now();
        expect((await deliver(consumer.port, { requestId: "push-slow", body: { mode: "sleep", seconds: 5 }, attempt: 1 })).status).toBe(503);
        expect(Date.now() - started).toBeLessThan(4900);
        expect(fs.existsSync(path.join(consumer.results, "push-slow.json"))).toBe(false);
        expect((await deliver(consumer.port, { requestId: "push-slow", body: { mode: "sleep", seconds: 5 }, attempt: 3 })).status).toBe(503);
        expect(readRecord(consumer.results, "push-slow")).toMatchObject({ outcome: "failed", deliveries: 3, error: "timed out after 3 s" });
    }, 15_000);

    it("refuses a request id that is not a safe key: a rejected record under the message id, acknowledged, the model not called", async () => {
        expect((await deliver(consumer.port, { requestId: "../../etc/passwd", messageId: "m-unsafe", body: { mode: "ok" }, attempt: 1 })).status).toBe(204);
        expect(readRecord(consumer.results, "m-unsafe")).toMatchObject({
            requestId: "m-unsafe",
            outcome: "rejected",
            status: null,
            error: "request-id '../../etc/passwd' is not [A-Za-z0-9._-]{1,128}",
        });
        expect((await calls(modelPort))["../../etc/passwd"]).toBeUndefined();
    });

    it("uses the message id as the request id when the message has none", async () => {
        expect((await deliver(consumer.port, { messageId: "1234567890", body: { mode: "ok" }, attempt: 1 })).status).toBe(204);
        expect(readRecord(consumer.results, "1234567890")).toMatchObject({ requestId: "1234567890", outcome: "succeeded" });
    });

    it("runs CONCURRENCY deliveries at once; one more waits for a free slot (no 429 that would spend a delivery attempt)", async () => {
        const started = Date.now();
        const answers = ["push-c1", "push-c2", "push-c3"].map((id) => deliver(consumer.port, { requestId: id, body: { mode: "sleep", seconds: 2 }, attempt: 1 }));
        const running = await waitFor(
            "two calls running",
            async () => {
                const now = await calls(modelPort);
                const ids = ["push-c1", "push-c2", "push-c3"].filter((id) => now[id]);
                return ids.length >= 2 ? ids : undefined;
            },
            5000,
            consumer.server.output,
        );
        expect(running).toHaveLength(2); // the third starts only when one of these ends, 2 s later
        expect((await Promise.all(answers)).map((a) => a.status)).toEqual([204, 204, 204]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
        const after = await calls(modelPort);
        expect([after["push-c1"], after["push-c2"], after["push-c3"]]).toEqual([1, 1, 1]);
    }, 15_000);

    it("answers 400 to a body that is not a push envelope, logs it, and calls nothing (a 4xx is not an acknowledgement)", async () => {
        const before = await calls(modelPort);
        const cases: Array<[string, string]> = [
            ["not json", "not JSON: Expecting value: line 1 column 1 (char 0)"],
            ['{"prompt": "an unwrapped payload"}', 'no "message" object'],
            ['{"message": {"data": "e30="}}', 'no "message.messageId"'],
            ['{"message": {"data": "%%%", "messageId": "m-1"}}', '"message.data" is not base64'],
            ['{"message": {"data": "e30=", "messageId": "m-1", "attributes": {"n": 1}}}', '"message.attributes" is not an object of strings'],
            ['{"message": {"data": "e30=", "messageId": "m-1"}, "deliveryAttempt": "two"}', "\"deliveryAttempt\" is not a positive whole number: 'two'"],
            ['{"message": {"data": "e30=", "messageId": "m-1"}, "deliveryAttempt": 0}', '"deliveryAttempt" is not a positive whole number: 0'],
            ['{"message": {"data": "e30=", "messageId": "../m-1"}}', "\"message.messageId\" '../m-1' is not [A-Za-z0-9._-]{1,128}"],
        ];
        for (const [body, error] of cases) {
            const answer = await request(consumer.port, "POST", "/", body);
            expect(answer.status).toBe(400);
            expect(JSON.parse(answer.body)).toEqual({ error: `not a Pub/Sub push envelope: ${error}` });
            await logged(consumer.server, { event: "malformed", error, bytes: Buffer.byteLength(body) });
        }
        expect(await calls(modelPort)).toEqual(before);
        expect((await request(consumer.port, "POST", "/other", pushEnvelope({ requestId: "x", body: {} }))).status).toBe(404);
        expect((await request(consumer.port, "GET", "/")).status).toBe(404);
    });

    it("reads a chunked request body", async () => {
        const answer = await request(consumer.port, "POST", "/", pushEnvelope({ requestId: "push-chunked", body: { mode: "ok" }, attempt: 1 }), { "transfer-encoding": "chunked" });
        expect(answer.status).toBe(204);
        expect(readRecord(consumer.results, "push-chunked")).toMatchObject({ outcome: "succeeded" });
    });
});

describe("the push consumer's start and stop", () => {
    it("answers /healthz 503 until the model server's readiness path answers 2xx, then 200 (Cloud Run's startup probe)", async () => {
        const port = await freePort();
        startServer("slow-starting model server", PYTHON, [MODEL_SERVER, String(port)], { env: { MODEL_PATH, READY_AFTER: "3" } });
        const slow = await startConsumer("push consumer (slow model)", { MODEL_PORT: String(port) });
        expect(await request(slow.port, "GET", "/healthz")).toEqual({ status: 503, body: '{"ready": false}' });
        await waitFor("/healthz 200", async () => ((await request(slow.port, "GET", "/healthz")).status === 200 ? true : undefined), 10_000, slow.server.output);
        await logged(slow.server, { event: "ready", url: `http://127.0.0.1:${port}/health` });
        expect(await calls(port)).toEqual({});
    }, 20_000);

    it("on SIGTERM refuses new connections, finishes the request in flight (204, record written) and exits 0", async () => {
        const stopping = await startConsumer("push consumer (stop)", { MODEL_PORT: String(modelPort), REQUEST_TIMEOUT: "10" });
        const inFlight = deliver(stopping.port, { requestId: "push-in-flight", body: { mode: "sleep", seconds: 2 }, attempt: 1 });
        await waitFor("the in-flight call", async () => ((await calls(modelPort))["push-in-flight"] ? true : undefined), 5000, stopping.server.output);
        process.kill(stopping.server.child.pid as number, "SIGTERM");
        await logged(stopping.server, { event: "stopping", inflight: 1 });
        await expect(deliver(stopping.port, { requestId: "push-too-late", body: { mode: "ok" }, attempt: 1 })).rejects.toThrow(/ECONNREFUSED/);
        expect(await inFlight).toEqual({ status: 204, body: "" });
        expect(await exited(stopping.server.child, 5000)).toBe(0);
        expect(readRecord(stopping.results, "push-in-flight")).toMatchObject({ outcome: "succeeded", status: 200, deliveries: 1 });
        expect(fs.readdirSync(stopping.results)).toEqual(["push-in-flight.json"]);
        expect((await calls(modelPort))["push-too-late"]).toBeUndefined();
        await logged(stopping.server, { event: "stopped", unfinished: 0 });
    }, 20_000);

    it("on SIGTERM exits 0 after STOP_TIMEOUT with a request still running: no answer (Pub/Sub delivers it again), nothing written", async () => {
        const stopping = await startConsumer("push consumer (stop timeout)", { MODEL_PORT: String(modelPort), STOP_TIMEOUT: "1", REQUEST_TIMEOUT: "30" });
        // The answer's failure is caught at once: it comes while this test waits for the exit.
        const inFlight = deliver(stopping.port, { requestId: "push-abandoned", body: { mode: "sleep", seconds: 5 }, attempt: 1 }).catch((e: Error) => e);
        await waitFor("the call of push-abandoned", async () => ((await calls(modelPort))["push-abandoned"] ? true : undefined), 5000, stopping.server.output);
        process.kill(stopping.server.child.pid as number, "SIGTERM");
        expect(await exited(stopping.server.child, 4000)).toBe(0);
        expect(await inFlight).toMatchObject({ message: "socket hang up", code: "ECONNRESET" });
        await logged(stopping.server, { event: "stopped", unfinished: 1 });
        expect(fs.readdirSync(stopping.results)).toEqual([]);
    }, 20_000);
});

/**
 * modelship's router (router/router.mjs), run for real as its own Node.js process against stub stages on loopback:
 * data flow through a sequence, fan-out and merge, request ids, and every way a stage or a request can fail.
 */
import * as http from "node:http";
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RouterConfig } from "../../components/polyglot-pipeline/router-config";
import { freePort, startRouter, stopAll } from "./processes";

/** What a stub stage saw. */
interface Seen {
    body: unknown;
    requestId?: string;
    contentType?: string;
    aborted: boolean;
}

type Reply = (body: unknown, res: http.ServerResponse, seen: Seen) => void;

const stubs: http.Server[] = [];
const seen: Record<string, Seen[]> = {};
/** The URL of each stub stage. */
const urls: Record<string, string> = {};

/** A stage stub on 127.0.0.1 that records each request and answers with `reply`. */
function stub(name: string, reply: Reply): Promise<string> {
    seen[name] = [];
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (d: Buffer) => (text += d.toString()));
        req.on("end", () => {
            const record: Seen = { body: JSON.parse(text), requestId: req.headers["x-request-id"] as string, contentType: req.headers["content-type"], aborted: false };
            res.on("close", () => (record.aborted = !res.writableFinished));
            seen[name].push(record);
            reply(record.body, res, record);
        });
    });
    stubs.push(server);
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
            urls[name] = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/predict`;
            resolve(urls[name]);
        }),
    );
}

const json = (status: number, body: unknown) => (_: unknown, res: http.ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
};

function config(stages: RouterConfig["stages"], final: string): RouterConfig {
    return { listen: { host: "127.0.0.1", port: 0 }, path: "/", maxBodyBytes: 1024, requestTimeoutMs: 30_000, stages, final };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

let sequence: string;
let fanOut: string;
let failing: string;

beforeAll(async () => {
    const double = await stub("double", (body, res) => json(200, { x: (body as { x: number }).x * 2 })(body, res));
    const plusOne = await stub("plus-one", (body, res) => json(200, { x: (body as { x: number }).x + 1 })(body, res));
    const sum = await stub("sum", (body, res) => {
        const parts = body as Record<string, { x: number }>;
        json(200, { total: Object.values(parts).reduce((s, p) => s + p.x, 0), parts })(body, res);
    });
    const unavailable = await stub("unavailable", json(503, { error: "model not loaded" }));
    const rejects = await stub("rejects", json(422, { error: "amount must be positive" }));
    const html = await stub("html", (_, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<h1>hello</h1>");
    });
    // Answers only after 5 s: a sibling of a failing stage, which the router must cancel.
    const slow = await stub("slow", (body, res) => setTimeout(() => !res.destroyed && json(200, body)(body, res), 5000));
    const closed = `http://127.0.0.1:${await freePort()}/predict`;
    urls.closed = closed;

    const s = (name: string, url: string, after: string[], timeoutMs = 10_000) => ({ name, url, after, timeoutMs });
    sequence = (await startRouter("router (sequence)", config([s("double", double, []), s("plus-one", plusOne, ["double"])], "plus-one"))).url;
    fanOut = (await startRouter("router (fan-out)", config([s("double", double, []), s("plus-one", plusOne, []), s("sum", sum, ["double", "plus-one"])], "sum"))).url;
    failing = (
        await startRouter(
            "router (failures)",
            config(
                [
                    s("double", double, []),
                    s("unavailable", unavailable, []),
                    s("rejects", rejects, []),
                    s("html", html, []),
                    s("slow", slow, [], 1000),
                    s("closed", closed, []),
                    s("sum", sum, ["double", "unavailable", "rejects", "html", "slow", "closed"]),
                ],
                "sum",
            ),
        )
    ).url;
}, 30_000);

afterAll(async () => {
    await stopAll();
    await Promise.all(stubs.map((s) => new Promise((r) => s.close(r))));
});

describe("the pipeline router", () => {
    it("passes each stage's response to the next and answers with the last one", async () => {
        const response = await post(`${sequence}/`, { x: 20 }, { "X-Request-Id": "req-42" });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/json");
        expect(response.headers.get("x-request-id")).toBe("req-42");
        expect(await response.json()).toEqual({ x: 41 });
        expect(seen.double.at(-1)).toEqual({ body: { x: 20 }, requestId: "req-42", contentType: "application/json", aborted: false });
        expect(seen["plus-one"].at(-1)?.body).toEqual({ x: 40 });
    });

    it("gives every request an id when the caller sends none, and every stage the same one", async () => {
        const response = await post(`${sequence}/`, { x: 1 });
        const id = response.headers.get("x-request-id");
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect([seen.double.at(-1)?.requestId, seen["plus-one"].at(-1)?.requestId]).toEqual([id, id]);
    });

    it("fans the request out and merges the responses by stage name", async () => {
        const response = await post(`${fanOut}/`, { x: 5 });
        expect(await response.json()).toEqual({ total: 16, parts: { double: { x: 10 }, "plus-one": { x: 6 } } });
        expect(seen["plus-one"].at(-1)?.body).toEqual({ x: 5 });
    });

    it("names the first failing stage, its status and the request id, and cancels the stages still running", async () => {
        // `unavailable` (503) fails first of all; the 4xx, non-JSON, slow and unreachable siblings come later or never.
        const response = await post(`${failing}/`, { x: 1 }, { "X-Request-Id": "req-fail" });
        const body = (await response.json()) as { error: Record<string, unknown> };
        expect(response.headers.get("x-pipeline-failed-stage")).toBe(body.error.stage);
        expect(["unavailable", "rejects", "html", "closed"]).toContain(body.error.stage);
        expect(body.error.requestId).toBe("req-fail");
        // The router drops its request to `slow` (which would answer after 5 s): wait for the stub to see it, bounded.
        for (let i = 0; i < 40 && !seen.slow.at(-1)?.aborted; i++) await new Promise((r) => setTimeout(r, 50));
        expect(seen.slow.at(-1)?.aborted).toBe(true);
    });

    const failures: Array<[string, string, number, Record<string, unknown>]> = [
        ["a 5xx as 502", "unavailable", 502, { stage: "unavailable", status: 503, message: "stage unavailable answered 503 Service Unavailable", detail: { error: "model not loaded" } }],
        ["a 4xx as is", "rejects", 422, { stage: "rejects", status: 422, message: "stage rejects answered 422 Unprocessable Entity", detail: { error: "amount must be positive" } }],
        ["a non-JSON answer as 502", "html", 502, { stage: "html", status: 200, message: "stage html answered Content-Type text/html, expected application/json", detail: "<h1>hello</h1>" }],
        ["a timeout as 504", "slow", 504, { stage: "slow", status: null, message: "stage slow did not answer within 1000 ms" }],
        ["an unreachable stage as 502", "closed", 502, { stage: "closed", status: null, message: "stage closed could not be reached: ECONNREFUSED" }],
    ];
    for (const [what, name, status, error] of failures) {
        it(`answers ${what}`, async () => {
            // A router whose only stage is the failing one.
            const { url } = await startRouter(`router (${name})`, config([{ name, url: urls[name], after: [], timeoutMs: 1000 }], name));
            const response = await post(`${url}/`, { x: 1 }, { "X-Request-Id": `req-${name}` });
            expect(response.status).toBe(status);
            expect(response.headers.get("x-request-id")).toBe(`req-${name}`);
            expect(response.headers.get("x-pipeline-failed-stage")).toBe(name);
            expect(await response.json()).toEqual({ error: { ...error, requestId: `req-${name}` } });
        });
    }

    const requests: Array<[string, RequestInit & { path?: string }, number, string]> = [
        ["a body that is not JSON", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }, 400, "request body is not valid JSON"],
        ["another content type", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }, 415, "Content-Type text/plain not supported: send application/json"],
        ["a GET", { method: "GET" }, 405, "method GET not allowed: POST / runs the pipeline"],
        ["another path", { method: "POST", path: "/other", headers: { "content-type": "application/json" }, body: "{}" }, 404, "no route /other: POST / runs the pipeline"],
        ["a body over the limit", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(2000) }) }, 413, "request body larger than 1024 bytes"],
    ];
    for (const [what, init, status, message] of requests) {
        it(`rejects ${what} with ${status} before calling any stage`, async () => {
            const before = seen.double.length;
            const response = await fetch(`${sequence}${init.path ?? "/"}`, init);
            expect(response.status).toBe(status);
            const body = (await response.json()) as { error: Record<string, unknown> };
            expect(body.error).toEqual({ stage: null, status: null, message, requestId: response.headers.get("x-request-id") });
            expect(seen.double.length).toBe(before);
        });
    }

    it("answers its health check", async () => {
        const response = await fetch(`${sequence}/healthz`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: "ok" });
    });
});

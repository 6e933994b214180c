#!/usr/bin/env node
/*
 * modelship's pipeline router: one HTTP endpoint over the stages of a PolyglotPipeline, for targets without an
 * orchestration engine (local Docker). Dependency-free, an ES module; Node.js 22 or later (global fetch, AbortSignal.any).
 *
 *   node router.mjs <config.json>
 *
 * The config (written by the pipeline's docker target) lists the stages, each with its URL, the stages whose
 * responses make its request (`after`; empty for the pipeline's request) and its timeout, and names the final stage.
 * The stage contract is in docs/pipelines.md; in short:
 * - POST <path> with a JSON body runs the flow. Every stage starts as soon as its inputs are there, so stages of a
 *   fan-out run in parallel. A stage after one stage gets that stage's response; after several, an object keyed by
 *   their names. The response is the final stage's, 200 application/json.
 * - Every stage request carries the request's X-Request-Id (the caller's, or a new UUID), which every response repeats.
 * - The first failing stage ends the request (the others are cancelled) with a JSON error that names it:
 *   its own status when it answered 4xx, 502 when it answered 5xx, no JSON, or could not be reached, 504 when it
 *   did not answer within its timeout.
 * - GET /healthz answers 200 while the router runs.
 */
/* global process, console, fetch, AbortController, AbortSignal, URL, Buffer, setTimeout */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";

/** Longest part of a stage's error body repeated in the router's error, in characters. */
const DETAIL_LIMIT = 2000;

/** A stage that failed: the status the router answers with, and what the caller is told. */
class StageError extends Error {
    constructor(httpStatus, error) {
        super(error.message);
        this.httpStatus = httpStatus;
        this.error = error;
    }
}

function readConfig(file) {
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    const names = new Set(config.stages.map((s) => s.name));
    for (const stage of config.stages) {
        for (const input of stage.after) if (!names.has(input)) throw new Error(`stage ${stage.name}: after names unknown stage ${input}`);
    }
    if (!names.has(config.final)) throw new Error(`final stage ${config.final} is not a stage`);
    return config;
}

/** The caller's request id when it is one printable token of reasonable length, else a new UUID. */
function requestIdOf(header) {
    return typeof header === "string" && /^[\x21-\x7e]{1,200}$/.test(header) ? header : crypto.randomUUID();
}

function isJson(contentType) {
    return /^application\/([a-z0-9.+-]+\+)?json\b/i.test(contentType || "");
}

/** A stage's response body for an error message: its JSON, else its text, shortened. */
function detailOf(text) {
    try {
        return JSON.parse(text);
    } catch {
        return text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT)}...` : text;
    }
}

async function callStage(stage, body, requestId, cancelled) {
    const timeout = AbortSignal.timeout(stage.timeoutMs);
    const fail = (httpStatus, status, message, detail) => new StageError(httpStatus, { stage: stage.name, status, message, requestId, detail });
    let response;
    let text;
    try {
        response = await fetch(stage.url, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json", "x-request-id": requestId },
            body: JSON.stringify(body),
            redirect: "manual",
            signal: AbortSignal.any([cancelled, timeout]),
        });
        text = await response.text();
    } catch (error) {
        if (timeout.aborted) return Promise.reject(fail(504, null, `stage ${stage.name} did not answer within ${stage.timeoutMs} ms`));
        const reason = (error.cause && (error.cause.code || error.cause.message)) || error.message;
        return Promise.reject(fail(502, null, `stage ${stage.name} could not be reached: ${reason}`));
    }
    if (!response.ok) {
        // A 4xx says the request cannot be served: the caller gets it as is. Anything else is the pipeline's fault.
        const httpStatus = response.status >= 400 && response.status < 500 ? response.status : 502;
        // The standard reason phrase: servers send odd ones (httpuv, under plumber, says "422 Dunno").
        const reason = http.STATUS_CODES[response.status] || "";
        return Promise.reject(fail(httpStatus, response.status, `stage ${stage.name} answered ${response.status} ${reason}`.trim(), detailOf(text)));
    }
    const contentType = response.headers.get("content-type");
    if (!isJson(contentType)) {
        return Promise.reject(fail(502, response.status, `stage ${stage.name} answered Content-Type ${contentType || "(none)"}, expected application/json`, detailOf(text)));
    }
    try {
        return JSON.parse(text);
    } catch {
        return Promise.reject(fail(502, response.status, `stage ${stage.name} answered invalid JSON`, detailOf(text)));
    }
}

/** Runs the flow for one request: the final stage's response, or the first StageError. */
async function runFlow(config, input, requestId) {
    const byName = new Map(config.stages.map((s) => [s.name, s]));
    const cancel = new AbortController();
    const started = new Map();
    const resultOf = (name) => {
        if (!started.has(name)) started.set(name, start(byName.get(name)));
        return started.get(name);
    };
    const start = async (stage) => {
        const inputs = await Promise.all(stage.after.map(resultOf));
        let body = input;
        if (stage.after.length === 1) body = inputs[0];
        if (stage.after.length > 1) body = Object.fromEntries(stage.after.map((name, i) => [name, inputs[i]]));
        return callStage(stage, body, requestId, cancel.signal);
    };
    try {
        // Start every stage at once (each waits for its inputs); the first failure ends the wait.
        await Promise.all(config.stages.map((s) => resultOf(s.name)));
    } catch (error) {
        cancel.abort();
        throw error;
    }
    return resultOf(config.final);
}

function send(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

function readBody(req, limit) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on("data", (chunk) => {
            size += chunk.length;
            if (size > limit) {
                // Stop collecting; the response closes the connection, which ends the upload.
                req.removeAllListeners("data");
                req.resume();
                reject(new StageError(413, { stage: null, status: null, message: `request body larger than ${limit} bytes` }));
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        // A caller that goes away mid-upload must not leave the request pending forever.
        req.on("close", () => {
            if (!req.complete) reject(new StageError(400, { stage: null, status: null, message: "request body incomplete: the caller closed the connection" }));
        });
        req.on("error", reject);
    });
}

async function handle(config, req, res) {
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    const routerError = (status, message) => send(res, status, { error: { stage: null, status: null, message, requestId } });
    const { pathname } = new URL(req.url, "http://router");
    if (pathname === "/healthz" && req.method === "GET") return send(res, 200, { status: "ok" });
    if (pathname !== config.path) return routerError(404, `no route ${pathname}: POST ${config.path} runs the pipeline`);
    if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        return routerError(405, `method ${req.method} not allowed: POST ${config.path} runs the pipeline`);
    }
    if (!isJson(req.headers["content-type"])) return routerError(415, `Content-Type ${req.headers["content-type"] || "(none)"} not supported: send application/json`);

    const startedAt = Date.now();
    let status = 200;
    let failedStage;
    try {
        const text = await readBody(req, config.maxBodyBytes);
        let input;
        try {
            input = JSON.parse(text);
        } catch {
            status = 400;
            return routerError(400, "request body is not valid JSON");
        }
        send(res, 200, await runFlow(config, input, requestId));
    } catch (error) {
        if (!(error instanceof StageError)) throw error;
        status = error.httpStatus;
        if (status === 413) res.setHeader("connection", "close");
        failedStage = error.error.stage || undefined;
        if (failedStage) res.setHeader("x-pipeline-failed-stage", failedStage);
        send(res, status, { error: { ...error.error, requestId } });
    } finally {
        console.log(JSON.stringify({ time: new Date().toISOString(), requestId, status, durationMs: Date.now() - startedAt, failedStage }));
    }
}

function main() {
    const file = process.argv[2];
    if (!file) {
        console.error("usage: node router.mjs <config.json>");
        process.exit(2);
    }
    const config = readConfig(file);
    const server = http.createServer((req, res) => {
        handle(config, req, res).catch((error) => {
            console.error(error);
            if (!res.headersSent) send(res, 500, { error: { stage: null, status: null, message: "router error" } });
        });
    });
    // A request may take as long as the slowest path through the flow; Node's default (300 s) could cut it short.
    server.requestTimeout = config.requestTimeoutMs;
    server.listen(config.listen.port, config.listen.host, () => {
        console.log(JSON.stringify({ event: "listening", host: config.listen.host, port: server.address().port, stages: config.stages.length }));
    });
    const stop = () => {
        server.close(() => process.exit(0));
        setTimeout(() => process.exit(0), 10_000).unref();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}

main();

/**
 * What the tests that run the queue consumer against a real Redis share (test/model-service/queue-consumer.test.ts,
 * docker-queue-e2e.test.ts): a redis-server on a free loopback port, commands through redis-cli, a request submitted
 * as docs/queue-mode.md tells clients to, the result records, and the test model server's call counts.
 */
import { spawnSync } from "node:child_process";
import { Server, startServer } from "../../polyglot-pipeline/processes";
import { waitFor } from "./helpers";

/** One Redis command, its reply as JSON. */
export type RedisCommand = (...args: string[]) => unknown;

/** Redis commands through redis-cli on 127.0.0.1:`port`, replies as JSON (RESP2); an error reply throws. */
export function redisCli(port: number): RedisCommand {
    return (...args) => {
        const run = spawnSync("redis-cli", ["-p", String(port), "-2", "--json", ...args], { encoding: "utf8" });
        if (run.status !== 0 || run.stdout.startsWith("(error)")) throw new Error(`redis-cli ${args.join(" ")}: ${run.stdout}${run.stderr}`);
        return JSON.parse(run.stdout);
    };
}

/** Starts redis-server on 127.0.0.1:`port` with `args` (after the port and bind address) and waits until it answers PING. */
export async function startRedis(port: number, args: string[]): Promise<Server> {
    const server = startServer("redis-server", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", ...args]);
    await waitFor("redis-server answering PING", () => (spawnSync("redis-cli", ["-p", String(port), "PING"], { encoding: "utf8" }).stdout.trim() === "PONG" ? true : undefined), 10_000, server.output);
    return server;
}

/** Submits a request as docs/queue-mode.md shows (`XADD <stream> * body <body> content-type <type> request-id <id>`); returns the entry id. */
export function submitRequest(redis: RedisCommand, stream: string, requestId: string, body: unknown, contentType = "application/json"): string {
    return redis("XADD", stream, "*", "body", JSON.stringify(body), "content-type", contentType, "request-id", requestId) as string;
}

/** A result record, as the consumer writes it. */
export interface ResultRecord {
    requestId: string;
    outcome: string;
    status: number | null;
    deliveries: number;
    completedAt: string;
    headers?: Record<string, string>;
    body?: string;
    error?: string;
}

/** The record under the Redis key `key`, once it is there (`output`: the consumer's, for the failure message). */
export function resultRecord(redis: RedisCommand, key: string, timeoutMs: number, output?: () => string): Promise<ResultRecord> {
    return waitFor(
        `the result ${key}`,
        () => {
            const raw = redis("GET", key) as string | null;
            return raw === null ? undefined : (JSON.parse(raw) as ResultRecord);
        },
        timeoutMs,
        output,
    );
}

/** Entries of `stream` received by the consumer group and not yet acknowledged. */
export function pendingCount(redis: RedisCommand, stream: string, group = "modelship"): number {
    return (redis("XPENDING", stream, group) as [number, ...unknown[]])[0];
}

/** The test model server's POSTs per request id (test/model-service/queue/model_server.py, GET /calls). */
export async function modelCalls(port: number): Promise<Record<string, number>> {
    return (await (await fetch(`http://127.0.0.1:${port}/calls`)).json()) as Record<string, number>;
}

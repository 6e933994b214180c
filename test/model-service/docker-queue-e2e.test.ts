/**
 * END TO END: ModelService's queue mode on target docker, run for real (without a Docker engine). The service is planned
 * on the mock runtime; the test reads what the containers would get (the consumer's command, uploaded script and
 * environment, Redis's arguments, the `queue` output) and runs exactly that: a real redis-server with Redis's
 * arguments, the real test model server (test/model-service/queue/model_server.py) and the uploaded consumer script with
 * the planned environment. Only the addresses change: the engine's names and ports become free loopback ports, as the
 * containers' shared namespace and the queue network would make them. Clients submit with XADD and read results with GET,
 * as docs/queue-mode.md tells them to.
 *
 * redis-server and redis-cli come from scripts/setup-e2e.sh (Debian packages); a missing tool fails this file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelService, ModelServiceArgs, ModelServiceQueueOutputs, ScalingMode, Target } from "../../index";
import { consumerScript } from "../../components/model-service/queue/consumer-script";
import { outputValue, useMockRuntime } from "../harness";
import { freePort, Server, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { exited, MODEL_SERVER, PYTHON, PYTHON_311, REDIS, requireTools, waitFor } from "./queue/helpers";
import { modelCalls, pendingCount, RedisCommand, redisCli, resultRecord, startRedis, submitRequest } from "./queue/redis";

const rt = useMockRuntime();

/** A CPU service on a custom image in queue mode: 2 deliveries before the dead-letter stream, 10 s per request. */
const ARGS: ModelServiceArgs = {
    model: { image: "registry.example.com/echo@sha256:" + "e".repeat(64), port: 8000, readinessPath: "/health", startupTimeoutSeconds: 60 },
    scaling: { mode: ScalingMode.Queue, queue: { inferencePath: "/v1/predict", maxDeliveries: 2, requestTimeoutSeconds: 10, concurrencyPerReplica: 2 } },
    docker: { queueHostPort: 16379 },
    target: Target.Docker,
};

/** What the plan gives each container. */
interface Planned {
    queue: ModelServiceQueueOutputs;
    consumer: { command: string[]; env: Record<string, string>; script: { file: string; content: string } };
    redis: { command: string[]; dataDir: string; port: number };
}

async function plan(): Promise<Planned> {
    const { value } = await rt.construct(() => new ModelService("echo", ARGS));
    const consumer = rt.one("docker:index/container:Container", "echo-consumer").inputs;
    const redis = rt.one("docker:index/container:Container", "echo-redis").inputs;
    const [upload] = consumer.uploads as Array<{ file: string; content: string }>;
    const env = Object.fromEntries((consumer.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    return {
        queue: await outputValue(value.queue),
        consumer: { command: consumer.command as string[], env, script: upload },
        redis: {
            command: redis.command as string[],
            dataDir: (redis.mounts as Array<{ target: string }>)[0].target,
            port: (redis.ports as Array<{ internal: number }>)[0].internal,
        },
    };
}

let planned: Planned;
let redis: RedisCommand;
let redisPort: number;
let redisServer: Server;
let modelPort: number;
let consumer: Server;
let scriptFile: string;
let dataDir: string;
/** The consumer's environment as run: the planned one with Redis and the model server at their loopback ports. */
let runEnv: Record<string, string>;
/** The stream, dead-letter stream and result key prefix, read from the `queue` output as a client reads them. */
const keys = { stream: "", deadLetter: "", resultPrefix: "" };

/** The key part of a `redis://127.0.0.1:<port>/0/<key>` location of the `queue` output. */
function keyOf(location: string): string {
    const prefix = `${planned.queue.submitUrl}/`;
    expect(location.startsWith(prefix), location).toBe(true);
    return location.slice(prefix.length);
}

function startRedisAsPlanned(): Promise<Server> {
    // The image's command is `redis-server <args>`; in the container its working directory, /data, is the volume.
    expect(planned.redis.command[0]).toBe("redis-server");
    return startRedis(redisPort, [...planned.redis.command.slice(1), "--dir", dataDir]);
}

function startConsumer(): Server {
    // The planned command, with the script where the test wrote the upload (Debian's Python 3.11 for the image's 3.12).
    const [python, file] = planned.consumer.command;
    expect([python, file]).toEqual(["python3", planned.consumer.script.file]);
    return startServer("consumer", PYTHON, [scriptFile], { env: runEnv, cleanEnv: true });
}

function result(requestId: string, timeoutMs = 20_000) {
    return resultRecord(redis, `${keys.resultPrefix}${requestId}.json`, timeoutMs, () => consumer.output());
}

beforeAll(async () => {
    requireTools([...REDIS, PYTHON_311]);
    planned = await plan();
    [redisPort, modelPort] = [await freePort(), await freePort()];
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-queue-data-"));
    scriptFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "docker-queue-consumer-")), path.basename(planned.consumer.script.file));
    fs.writeFileSync(scriptFile, planned.consumer.script.content);

    const inContainer = `redis://echo-redis:${planned.redis.port}/0`;
    const env = planned.consumer.env;
    expect(env.REDIS_URL).toBe(inContainer);
    expect(env.RESULT_URL.startsWith(`${inContainer}/`)).toBe(true);
    runEnv = {
        ...env,
        REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
        RESULT_URL: env.RESULT_URL.replace(inContainer, `redis://127.0.0.1:${redisPort}/0`),
        MODEL_PORT: String(modelPort),
    };
    keys.stream = env.QUEUE;
    keys.deadLetter = keyOf(planned.queue.deadLetterQueue);
    keys.resultPrefix = keyOf(planned.queue.outputLocation);

    redisServer = await startRedisAsPlanned();
    redis = redisCli(redisPort);
    const model = startServer("model server", PYTHON, [MODEL_SERVER, String(modelPort)], { env: { MODEL_PATH: env.MODEL_PATH } });
    await waitReady(model, `http://127.0.0.1:${modelPort}${env.MODEL_READINESS_PATH}`, 15_000);
    consumer = startConsumer();
    await waitFor("the consumer ready", () => (consumer.output().includes('"event": "ready"') ? true : undefined), 15_000, consumer.output);
}, 60_000);

afterAll(stopAll, 15_000);

describe("queue mode on docker, the planned containers run for real", () => {
    it("plans the consumer with the script of the package and the queue the docs name", () => {
        expect(planned.consumer.script).toEqual({ file: "/opt/modelship/consumer.py", content: consumerScript() });
        expect(planned.redis).toEqual({ command: ["redis-server", "--appendonly", "yes", "--appendfsync", "everysec"], dataDir: "/data", port: 6379 });
        expect(planned.queue).toEqual({
            submitUrl: "redis://127.0.0.1:16379/0",
            inputLocation: "",
            outputLocation: "redis://127.0.0.1:16379/0/result:",
            failureLocation: "redis://127.0.0.1:16379/0/result:",
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: "redis://127.0.0.1:16379/0/requests:dead-letter",
        });
        // docs/queue-mode.md submits to this stream.
        expect(keys).toEqual({ stream: "requests", deadLetter: "requests:dead-letter", resultPrefix: "result:" });
        expect(fs.readFileSync(path.join(__dirname, "..", "..", "docs", "queue-mode.md"), "utf8")).toContain(
            `redis-cli XADD ${keys.stream} '*' body '{"prompt":"hello"}' content-type application/json request-id r-123`,
        );
        // Only the addresses differ from what the container gets.
        expect(Object.keys(runEnv).filter((k) => runEnv[k] !== planned.consumer.env[k])).toEqual(["REDIS_URL", "RESULT_URL", "MODEL_PORT"]);
    });

    it("answers a submitted request: the server's answer under result:<request-id>.json", async () => {
        submitRequest(redis, keys.stream, "r-123", { mode: "ok", prompt: "hello" });
        const record = await result("r-123");
        expect(record).toEqual({
            requestId: "r-123",
            outcome: "succeeded",
            status: 200,
            deliveries: 1,
            completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
            headers: { "content-type": "application/json; charset=utf-8" },
            body: expect.any(String),
        });
        expect(JSON.parse(record.body as string)).toEqual({ echo: { mode: "ok", prompt: "hello" }, requestId: "r-123", contentType: "application/json", call: 1 });
        expect((await modelCalls(modelPort))["r-123"]).toBe(1);
    });

    it("moves a request the server fails on every delivery to the dead-letter stream after maxDeliveries, with a failure record", async () => {
        const id = submitRequest(redis, keys.stream, "fail-1", { mode: "fail" });
        // The planned backoff (the consumer's 5 s) and poll wait (5 s) bound this.
        const record = await result("fail-1", 30_000);
        expect(record).toMatchObject({ requestId: "fail-1", outcome: "failed", status: null, deliveries: 2, error: 'the model server answered 500: {"error": "always failing"}' });
        expect((await modelCalls(modelPort))["fail-1"]).toBe(2);
        const dead = await waitFor("the dead-letter entry", () => (redis("XRANGE", keys.deadLetter, "-", "+") as Array<[string, string[]]>).find(([, fields]) => fields.includes("fail-1")), 5000);
        const fields = Object.fromEntries(dead[1].flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])));
        expect(fields).toEqual({
            "content-type": "application/json",
            "request-id": "fail-1",
            body: '{"mode":"fail"}',
            "source-id": id,
            "delivery-count": "2",
            error: 'the model server answered 500: {"error": "always failing"}',
        });
    }, 40_000);

    it("keeps one result for a request delivered twice, and does not call the server again", async () => {
        const id = submitRequest(redis, keys.stream, "dup-1", { mode: "ok" });
        const first = await result("dup-1");
        await waitFor("dup-1 acknowledged", () => (pendingCount(redis, keys.stream) === 0 ? true : undefined), 5000, consumer.output);
        // What a consumer that died between its result write and its acknowledgement leaves: the entry pending, long idle.
        redis("XCLAIM", keys.stream, "modelship", "consumer-that-died", "0", id, "IDLE", "3600000", "FORCE", "JUSTID");
        await waitFor("the redelivery of dup-1", () => (consumer.output().includes('{"event": "duplicate", "requestId": "dup-1"') ? true : undefined), 15_000, consumer.output);
        expect((await modelCalls(modelPort))["dup-1"]).toBe(1);
        expect(await result("dup-1")).toEqual(first);
        await waitFor("nothing pending", () => (pendingCount(redis, keys.stream) === 0 ? true : undefined), 5000, consumer.output);
    }, 30_000);

    it("keeps requests queued while nothing consumes them through a restart of Redis (append-only file), and serves them after", async () => {
        process.kill(-(consumer.child.pid as number), "SIGTERM");
        expect(await exited(consumer.child, 35_000)).toBe(0);
        submitRequest(redis, keys.stream, "queued-1", { mode: "ok" });
        // Killed, not shut down: no snapshot on the way out, only what the append-only file holds comes back.
        process.kill(-(redisServer.child.pid as number), "SIGKILL");
        await exited(redisServer.child, 10_000);
        redisServer = await startRedisAsPlanned();
        expect(JSON.parse(redis("GET", `${keys.resultPrefix}r-123.json`) as string)).toMatchObject({ outcome: "succeeded" });

        consumer = startConsumer();
        expect(await result("queued-1")).toMatchObject({ requestId: "queued-1", outcome: "succeeded", status: 200, deliveries: 1 });
        expect((await modelCalls(modelPort))["queued-1"]).toBe(1);
    }, 60_000);
});

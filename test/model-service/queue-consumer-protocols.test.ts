/**
 * PROTOCOL tests of the queue consumer's cloud backends, not a real cloud: the exact API calls it makes.
 * - SQS and S3: the consumer's own code against boto3 clients stubbed by botocore's Stubber
 *   (test/model-service/queue/sqs_protocol.py), every call and its parameters recorded.
 * - Pub/Sub and GCS: the consumer as a subprocess (pull, and push as on Cloud Run), its endpoints pointed at a local
 *   HTTP server that stands in for pubsub.googleapis.com, storage.googleapis.com and the metadata server, every
 *   request recorded.
 * Both call a real model server on loopback. What a real cloud does with these calls (redrive, dead-letter topics,
 * IAM) is not tested here; docs/queue-mode.md cites where it is specified.
 */
import { spawnSync } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startServer, stopAll, waitReady } from "../polyglot-pipeline/processes";
import { BOTO3, CONSUMER, exited, MODEL_PATH, MODEL_SERVER, pushEnvelope, PYTHON, PYTHON_311, requireTools, waitFor } from "./queue/helpers";

let modelPort: number;

beforeAll(async () => {
    requireTools([PYTHON_311, BOTO3]);
    modelPort = await freePort();
    const model = startServer("model server", PYTHON, [MODEL_SERVER, String(modelPort)], { env: { MODEL_PATH } });
    await waitReady(model, `http://127.0.0.1:${modelPort}/health`, 15_000);
}, 30_000);

afterAll(stopAll, 15_000);

type Call = [string, Record<string, unknown>];
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/llm-requests";
const RECEIVE: Call = [
    "ReceiveMessage",
    { QueueUrl: QUEUE_URL, MaxNumberOfMessages: 4, WaitTimeSeconds: 20, VisibilityTimeout: 60, AttributeNames: ["ApproximateReceiveCount"], MessageAttributeNames: ["All"] },
];
const head = (id: string): Call => ["HeadObject", { Bucket: "llm-results", Key: `results/${id}.json` }];
const put = (id: string, body: Record<string, unknown>): Call => [
    "PutObject",
    { Bucket: "llm-results", Key: `results/${id}.json`, ContentType: "application/json", Body: { requestId: id, completedAt: "<time>", ...body } },
];
const del = (receipt: string): Call => ["DeleteMessage", { QueueUrl: QUEUE_URL, ReceiptHandle: receipt }];
const visibility = (receipt: string, seconds: number): Call => ["ChangeMessageVisibility", { QueueUrl: QUEUE_URL, ReceiptHandle: receipt, VisibilityTimeout: seconds }];
/** The test model server's answer to {"mode": "ok"}, as Python's json.dumps writes it. */
const okBody = (id: string) => `{"echo": {"mode": "ok"}, "requestId": "${id}", "contentType": "application/json", "call": 1}`;

describe("SQS and S3 protocol (botocore Stubber, not a real AWS)", () => {
    let calls: Record<string, Call[]> & { signedHeaders: Record<string, Record<string, string>>; events: Array<Record<string, unknown>> };
    beforeAll(() => {
        const run = spawnSync(PYTHON, [path.join(__dirname, "queue", "sqs_protocol.py"), CONSUMER, String(modelPort)], { encoding: "utf8", timeout: 60_000 });
        if (run.status !== 0) throw new Error(`sqs_protocol.py failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
        calls = JSON.parse(run.stdout);
    }, 70_000);

    it("receives with the visibility timeout and the receive count, checks S3, calls the server, writes the result, deletes the message", () => {
        expect(calls.succeeded).toEqual([
            RECEIVE,
            head("sqs-ok"),
            put("sqs-ok", { outcome: "succeeded", status: 200, deliveries: 1, headers: { "content-type": "application/json; charset=utf-8" }, body: okBody("sqs-ok") }),
            del("rh-sqs-ok-1"),
        ]);
    });

    it("deletes a redelivered message whose result exists, without writing or calling the server", () => {
        expect(calls.duplicate).toEqual([RECEIVE, head("sqs-dup"), del("rh-sqs-dup-2")]);
    });

    it("makes a failed message visible again after the backoff (base 5 s doubled on the 2nd receive), without deleting it", () => {
        expect(calls.retry).toEqual([RECEIVE, head("sqs-retry"), visibility("rh-sqs-retry-2", 10)]);
    });

    it("on the last receive writes the failure record and makes the message visible at once, for the queue's redrive policy", () => {
        expect(calls["dead-letter"]).toEqual([
            RECEIVE,
            head("sqs-dead"),
            put("sqs-dead", { outcome: "failed", status: null, deliveries: 3, error: 'the model server answered 500: {"error": "always failing"}' }),
            visibility("rh-sqs-dead-3", 0),
        ]);
    });

    it("writes a 4xx as a rejected result and deletes the message", () => {
        expect(calls.rejected).toEqual([
            RECEIVE,
            head("sqs-bad"),
            put("sqs-bad", { outcome: "rejected", status: 400, deliveries: 1, headers: { "content-type": "application/json" }, body: '{"error": "mode bad: the request is invalid"}' }),
            del("rh-sqs-bad-1"),
        ]);
    });

    it("deletes the message when the conditional write finds the result already written (412: another delivery won)", () => {
        expect(calls["lost-race"]).toEqual([
            RECEIVE,
            head("sqs-race"),
            put("sqs-race", { outcome: "succeeded", status: 200, deliveries: 1, headers: { "content-type": "application/json; charset=utf-8" }, body: okBody("sqs-race") }),
            del("rh-sqs-race-1"),
        ]);
        expect(calls.events).toContainEqual({ event: "result", requestId: "sqs-race", outcome: "succeeded", deliveries: 1, written: false });
        expect(calls.events.filter((e) => e.event === "error")).toEqual([]);
    });

    it("extends a message's visibility with ChangeMessageVisibility, and signs PutObject (only) with If-None-Match: *", () => {
        expect(calls.extend).toEqual([visibility("rh-long", 60)]);
        expect(calls.signedHeaders.PutObject).toEqual({ "If-None-Match": "*" });
        expect(calls.signedHeaders.HeadObject).toEqual({});
    });
});

/** A request the stand-in for Google's APIs received. */
interface Recorded {
    method: string;
    url: string;
    authorization?: string;
    metadataFlavor?: string;
    body: string;
}

/**
 * A local HTTP server standing in for the metadata server's token, Pub/Sub's pull, acknowledge and modifyAckDeadline,
 * and the GCS metadata GET and create-only upload of bucket "results-bucket" (`objects`: name -> content). Every
 * request is recorded in `requests`; `pulls` are answered in order, then empty pulls after 300 ms.
 */
async function googleStandIn(objects: Map<string, string>, pulls: unknown[]): Promise<{ requests: Recorded[]; port: number; close: () => Promise<void> }> {
    const requests: Recorded[] = [];
    const stub = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            const url = req.url as string;
            requests.push({ method: req.method as string, url, authorization: req.headers.authorization, metadataFlavor: req.headers["metadata-flavor"] as string | undefined, body });
            const reply = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
            if (url === "/computeMetadata/v1/instance/service-accounts/default/token") return reply(200, { access_token: "token-1", expires_in: 3599, token_type: "Bearer" });
            if (url.endsWith(":pull")) return setTimeout(() => reply(200, pulls.shift() ?? {}), pulls.length ? 0 : 300);
            if (url.endsWith(":acknowledge") || url.endsWith(":modifyAckDeadline")) return reply(200, {});
            const meta = /^\/storage\/v1\/b\/results-bucket\/o\/(.+)$/.exec(url);
            if (meta && req.method === "GET") return objects.has(decodeURIComponent(meta[1])) ? reply(200, { name: decodeURIComponent(meta[1]) }) : reply(404, { error: { code: 404 } });
            if (url.startsWith("/upload/storage/v1/b/results-bucket/o?") && req.method === "POST") {
                const name = new URL(url, "http://x").searchParams.get("name") as string;
                if (objects.has(name)) return reply(412, { error: { code: 412 } });
                objects.set(name, body);
                return reply(200, { name, generation: "1" });
            }
            reply(404, { error: `no route ${req.method} ${url}` });
        });
    });
    const port = await new Promise<number>((resolve) => stub.listen(0, "127.0.0.1", () => resolve((stub.address() as { port: number }).port)));
    return { requests, port, close: () => new Promise<void>((resolve) => stub.close(() => resolve())) };
}

describe("Pub/Sub and GCS protocol (a local stand-in for Google's REST APIs, not a real GCP)", () => {
    let requests: Recorded[] = [];
    const objects = new Map<string, string>([["out/ps-dup.json", '{"requestId":"ps-dup","outcome":"succeeded"}']]);
    const data = (body: unknown) => Buffer.from(JSON.stringify(body)).toString("base64");
    const delivery = (ackId: string, requestId: string, body: unknown, deliveryAttempt: number) => ({
        ackId,
        message: { data: data(body), attributes: { "request-id": requestId, "content-type": "application/json" }, messageId: `m-${requestId}`, publishTime: "2026-12-03T00:00:00Z" },
        deliveryAttempt,
    });
    const pulls = [
        {
            receivedMessages: [
                delivery("ack-ok", "ps-ok", { mode: "ok" }, 1),
                delivery("ack-dup", "ps-dup", { mode: "ok" }, 2),
                delivery("ack-retry", "ps-retry", { mode: "fail" }, 1),
                delivery("ack-dead", "ps-dead", { mode: "fail" }, 3),
                delivery("ack-slow", "ps-slow", { mode: "sleep", seconds: 3 }, 1),
            ],
        },
    ];
    let close: () => Promise<void>;

    beforeAll(async () => {
        let stubPort: number;
        ({ requests, port: stubPort, close } = await googleStandIn(objects, pulls));
        const endpoint = `http://127.0.0.1:${stubPort}`;
        const consumer = startServer("consumer (pubsub)", PYTHON, [CONSUMER], {
            env: {
                QUEUE_BACKEND: "pubsub",
                QUEUE: "projects/demo/subscriptions/llm-requests",
                RESULT_URL: "gs://results-bucket/out/",
                PUBSUB_ENDPOINT: endpoint,
                STORAGE_ENDPOINT: endpoint,
                GCE_METADATA_HOST: `127.0.0.1:${stubPort}`,
                MODEL_PORT: String(modelPort),
                MODEL_PATH,
                CONCURRENCY: "5",
                VISIBILITY_TIMEOUT: "2",
                MAX_DELIVERIES: "3",
                RETRY_BACKOFF_BASE: "1",
                POLL_WAIT: "1",
            },
        });
        await waitFor("ps-slow acknowledged", () => (requests.some((r) => r.body.includes('"ack-slow"') && r.url.endsWith(":acknowledge")) ? true : undefined), 20_000, consumer.output);
        process.kill(consumer.child.pid as number, "SIGTERM");
        expect(await exited(consumer.child, 10_000)).toBe(0);
    }, 40_000);

    afterAll(() => close());

    const SUB = "/v1/projects/demo/subscriptions/llm-requests";
    /** The requests about one message (its ack id in the body, or its object name in the URL), in order. */
    const about = (ackId: string, requestId: string) =>
        requests.filter((r) => r.body.includes(`"${ackId}"`) || r.url.includes(`out%2F${requestId}.json`) || r.url.includes(`name=out%2F${requestId}.json`)).map((r) => [r.method, r.url, r.body]);
    const recordOf = (name: string) => JSON.parse(objects.get(name) as string);

    it("takes one token from the metadata server and sends it on every Pub/Sub and Storage call", () => {
        const token = requests.filter((r) => r.url.startsWith("/computeMetadata/"));
        expect(token).toEqual([{ method: "GET", url: "/computeMetadata/v1/instance/service-accounts/default/token", metadataFlavor: "Google", body: "" }]);
        expect(new Set(requests.filter((r) => !r.url.startsWith("/computeMetadata/")).map((r) => r.authorization))).toEqual(new Set(["Bearer token-1"]));
        expect(requests.find((r) => r.url.endsWith(":pull"))).toMatchObject({ method: "POST", url: `${SUB}:pull`, body: '{"maxMessages": 5}' });
    });

    it("checks the object, calls the server, uploads with ifGenerationMatch=0 and acknowledges", () => {
        expect(about("ack-ok", "ps-ok")).toEqual([
            ["GET", "/storage/v1/b/results-bucket/o/out%2Fps-ok.json", ""],
            ["POST", "/upload/storage/v1/b/results-bucket/o?uploadType=media&name=out%2Fps-ok.json&ifGenerationMatch=0", expect.any(String)],
            ["POST", `${SUB}:acknowledge`, '{"ackIds": ["ack-ok"]}'],
        ]);
        expect(recordOf("out/ps-ok.json")).toMatchObject({ requestId: "ps-ok", outcome: "succeeded", status: 200, deliveries: 1, body: okBody("ps-ok") });
    });

    it("acknowledges a redelivered message whose result exists, without calling the server", async () => {
        expect(about("ack-dup", "ps-dup")).toEqual([
            ["GET", "/storage/v1/b/results-bucket/o/out%2Fps-dup.json", ""],
            ["POST", `${SUB}:acknowledge`, '{"ackIds": ["ack-dup"]}'],
        ]);
        const calls = (await (await fetch(`http://127.0.0.1:${modelPort}/calls`)).json()) as Record<string, number>;
        expect(calls["ps-dup"]).toBeUndefined();
    });

    it("nacks a failure with modifyAckDeadline set to the backoff, and on the last attempt writes the failure record and nacks at once", () => {
        expect(about("ack-retry", "ps-retry")).toEqual([
            ["GET", "/storage/v1/b/results-bucket/o/out%2Fps-retry.json", ""],
            ["POST", `${SUB}:modifyAckDeadline`, '{"ackIds": ["ack-retry"], "ackDeadlineSeconds": 1}'],
        ]);
        expect(about("ack-dead", "ps-dead")).toEqual([
            ["GET", "/storage/v1/b/results-bucket/o/out%2Fps-dead.json", ""],
            ["POST", "/upload/storage/v1/b/results-bucket/o?uploadType=media&name=out%2Fps-dead.json&ifGenerationMatch=0", expect.any(String)],
            ["POST", `${SUB}:modifyAckDeadline`, '{"ackIds": ["ack-dead"], "ackDeadlineSeconds": 0}'],
        ]);
        expect(recordOf("out/ps-dead.json")).toMatchObject({ requestId: "ps-dead", outcome: "failed", status: null, deliveries: 3 });
    });

    it("extends the ack deadline of a request running longer than VISIBILITY_TIMEOUT, then acknowledges it", () => {
        const slow = about("ack-slow", "ps-slow");
        const extensions = slow.filter(([, url]) => url === `${SUB}:modifyAckDeadline`);
        expect(extensions.length).toBeGreaterThanOrEqual(2);
        expect(new Set(extensions.map(([, , body]) => body))).toEqual(new Set(['{"ackIds": ["ack-slow"], "ackDeadlineSeconds": 2}']));
        expect(slow.at(-1)).toEqual(["POST", `${SUB}:acknowledge`, '{"ackIds": ["ack-slow"]}']);
    });
});

describe("GCS protocol of a Pub/Sub push delivery (the consumer as on Cloud Run; a local stand-in, not a real GCP)", () => {
    const objects = new Map<string, string>([["out/push-dup.json", '{"requestId":"push-dup","outcome":"succeeded"}']]);
    let stand: Awaited<ReturnType<typeof googleStandIn>>;
    let port: number;

    beforeAll(async () => {
        stand = await googleStandIn(objects, []);
        port = await freePort();
        const endpoint = `http://127.0.0.1:${stand.port}`;
        const consumer = startServer("consumer (pubsub-push)", PYTHON, [CONSUMER], {
            env: {
                QUEUE_BACKEND: "pubsub-push",
                PORT: String(port),
                RESULT_URL: "gs://results-bucket/out/",
                STORAGE_ENDPOINT: endpoint,
                GCE_METADATA_HOST: `127.0.0.1:${stand.port}`,
                MODEL_PORT: String(modelPort),
                MODEL_PATH,
            },
        });
        await waitReady(consumer, `http://127.0.0.1:${port}/healthz`, 10_000);
    }, 20_000);

    afterAll(() => stand.close());

    const post = (requestId: string) =>
        fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" }, body: pushEnvelope({ requestId, body: { mode: "ok" }, attempt: 1 }) });
    const seen = () => stand.requests.map((r) => [r.method, r.url, r.authorization ?? `Metadata-Flavor: ${r.metadataFlavor}`]);

    it("takes a token from the metadata server, checks the object, calls the server, uploads with ifGenerationMatch=0, and answers 204", async () => {
        expect((await post("push-ok")).status).toBe(204);
        expect(seen()).toEqual([
            ["GET", "/computeMetadata/v1/instance/service-accounts/default/token", "Metadata-Flavor: Google"],
            ["GET", "/storage/v1/b/results-bucket/o/out%2Fpush-ok.json", "Bearer token-1"],
            ["POST", "/upload/storage/v1/b/results-bucket/o?uploadType=media&name=out%2Fpush-ok.json&ifGenerationMatch=0", "Bearer token-1"],
        ]);
        expect(JSON.parse(objects.get("out/push-ok.json") as string)).toMatchObject({ requestId: "push-ok", outcome: "succeeded", status: 200, deliveries: 1, body: okBody("push-ok") });
    });

    it("answers 204 to a delivery whose object exists, with the token it has, without uploading or calling the server", async () => {
        const before = stand.requests.length;
        expect((await post("push-dup")).status).toBe(204);
        expect(seen().slice(before)).toEqual([["GET", "/storage/v1/b/results-bucket/o/out%2Fpush-dup.json", "Bearer token-1"]]);
        const calls = (await (await fetch(`http://127.0.0.1:${modelPort}/calls`)).json()) as Record<string, number>;
        expect(calls["push-dup"]).toBeUndefined();
    });
});

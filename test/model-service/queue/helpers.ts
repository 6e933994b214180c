/** What the queue consumer's tests share: the paths of the consumer and the test model server, bounded waits. */
import { ChildProcess, spawnSync } from "node:child_process";
import * as path from "node:path";

/** Debian's Python, which has python3-boto3 (a pyenv python on PATH may not). */
export const PYTHON = "/usr/bin/python3";
export const CONSUMER = path.join(__dirname, "..", "..", "..", "components", "model-service", "queue", "consumer.py");
export const MODEL_SERVER = path.join(__dirname, "model_server.py");
export const MODEL_PATH = "/v1/predict";

/** A tool a test runs: what it is, and the command that proves it works. */
export type Tool = [string, string, string[]];
export const PYTHON_311: Tool = ["Python 3.11+ (/usr/bin/python3)", PYTHON, ["-c", "import sys; sys.exit(sys.version_info < (3, 11))"]];
export const REDIS: Tool[] = [
    ["redis-server (Debian package redis-server)", "redis-server", ["--version"]],
    ["redis-cli (Debian package redis-tools, installed with redis-server)", "redis-cli", ["--version"]],
];
export const BOTO3: Tool = ["boto3 and botocore's Stubber (Debian package python3-boto3)", PYTHON, ["-c", "import boto3, botocore.stub"]];

/** Throws, naming every missing tool: a missing tool is a broken set-up, never a reason to skip. */
export function requireTools(tools: Tool[]): void {
    const missing = tools.filter(([, command, args]) => spawnSync(command, args, { stdio: "ignore" }).status !== 0).map(([what]) => what);
    if (missing.length > 0) throw new Error(`the queue consumer test needs ${missing.join("; ")}: run scripts/setup-e2e.sh (CI runs it before npm test)`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined, at most `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, output?: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const value = await probe();
        if (value !== undefined) return value;
        await sleep(100);
    }
    throw new Error(`${what}: not within ${timeoutMs} ms${output ? `\nconsumer output:\n${output()}` : ""}`);
}

export function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`)), timeoutMs);
        child.once("exit", (code) => {
            clearTimeout(timer);
            resolve(code);
        });
    });
}

/** A Pub/Sub push delivery to the consumer's push mode. */
export interface PushDelivery {
    requestId?: string;
    messageId?: string;
    body: unknown;
    contentType?: string;
    /** Pub/Sub's deliveryAttempt; absent on a subscription without a dead-letter policy. */
    attempt?: number;
}

/** The wrapped push envelope, as Pub/Sub sends it (both spellings of the message id and publish time: cloud.google.com/pubsub/docs/push). */
export function pushEnvelope(d: PushDelivery): string {
    const messageId = d.messageId ?? `m-${d.requestId}`;
    const attributes: Record<string, string> = { "content-type": d.contentType ?? "application/json" };
    if (d.requestId !== undefined) attributes["request-id"] = d.requestId;
    return JSON.stringify({
        message: {
            data: Buffer.from(JSON.stringify(d.body)).toString("base64"),
            attributes,
            messageId,
            message_id: messageId,
            publishTime: "2026-12-03T18:00:00.000Z",
            publish_time: "2026-12-03T18:00:00.000Z",
        },
        subscription: "projects/demo/subscriptions/llm-requests-push",
        ...(d.attempt === undefined ? {} : { deliveryAttempt: d.attempt }),
    });
}

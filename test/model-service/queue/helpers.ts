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

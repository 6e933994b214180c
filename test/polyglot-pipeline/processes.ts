/**
 * Real processes for the router and end-to-end tests: free loopback ports, servers started in their own process
 * group (an `Rscript` forks R, a kill of the group ends both), bounded waits for readiness, and a cleanup that ends
 * every group this file started, by its id.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { RouterConfig, routerScriptPath } from "../../components/polyglot-pipeline/router-config";

/** A started server: its process and everything it printed, for failure messages. */
export interface Server {
    name: string;
    child: ChildProcess;
    output: () => string;
}

const started: Server[] = [];

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as net.AddressInfo;
            probe.close(() => resolve(port));
        });
    });
}

/** Starts `command` in its own process group; its output is kept. `cleanEnv`: `env` only, nothing of this process's. */
export function startServer(name: string, command: string, args: string[], options: { cwd?: string; env?: Record<string, string>; cleanEnv?: boolean } = {}): Server {
    const env = options.cleanEnv ? options.env : { ...process.env, ...options.env };
    const child = spawn(command, args, { cwd: options.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (e) => (output += `\n[spawn error] ${e.message}`));
    const server = { name, child, output: () => output };
    started.push(server);
    return server;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `url` answers 2xx, at most `timeoutMs`; fails with the server's output if it exits or never answers. */
export async function waitReady(server: Server, url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (server.child.exitCode !== null || server.child.signalCode !== null) {
            throw new Error(`${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before it was ready:\n${server.output()}`);
        }
        try {
            const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
            if (response.ok) return;
        } catch {
            // Not listening yet.
        }
        await sleep(200);
    }
    throw new Error(`${server.name} did not answer ${url} within ${timeoutMs} ms:\n${server.output()}`);
}

/** Starts the pipeline's router script (router.mjs) with `config` (listen port 0) and returns its URL once it listens. */
export async function startRouter(name: string, config: RouterConfig): Promise<{ server: Server; url: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-router-"));
    const file = path.join(dir, "pipeline.json");
    fs.writeFileSync(file, JSON.stringify(config));
    const server = startServer(name, process.execPath, [routerScriptPath(), file]);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        const line = server
            .output()
            .split("\n")
            .find((l) => l.includes('"event":"listening"'));
        if (line) {
            const { port } = JSON.parse(line) as { port: number };
            return { server, url: `http://127.0.0.1:${port}` };
        }
        if (server.child.exitCode !== null) break;
        await sleep(50);
    }
    throw new Error(`router did not start:\n${server.output()}`);
}

/** Ends every process group started here: SIGTERM, then SIGKILL for what is left after a grace period. */
export async function stopAll(): Promise<void> {
    const running = started.splice(0).filter((s) => s.child.pid !== undefined && s.child.exitCode === null && s.child.signalCode === null);
    const signal = (s: Server, sig: NodeJS.Signals) => {
        try {
            process.kill(-(s.child.pid as number), sig);
        } catch {
            // Already gone.
        }
    };
    running.forEach((s) => signal(s, "SIGTERM"));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && running.some((s) => s.child.exitCode === null && s.child.signalCode === null)) await sleep(100);
    running.forEach((s) => signal(s, "SIGKILL"));
}

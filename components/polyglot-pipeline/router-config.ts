/**
 * The configuration of modelship's router (`router/router.mjs`) for a pipeline, and where the script is. The docker
 * target uploads both into the router's container; the end-to-end test runs the same script with the same config.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { criticalPathSeconds, PipelineFlow } from "./flow";

/** What `router.mjs` reads. */
export interface RouterConfig {
    listen: { host: string; port: number };
    /** Path of the pipeline's `POST` requests. */
    path: string;
    maxBodyBytes: number;
    /** Longest a request may take: the slowest path through the flow, plus a margin to send the answer. */
    requestTimeoutMs: number;
    stages: { name: string; url: string; after: string[]; timeoutMs: number }[];
    final: string;
}

/** The router's request timeout, in seconds: the slowest path through the flow, plus 5 s to send the answer. */
export function routerRequestTimeoutSeconds(flow: PipelineFlow): number {
    return criticalPathSeconds(flow) + 5;
}

/** Where the router listens and what it accepts. */
export interface RouterListen {
    host: string;
    port: number;
    maxBodyBytes: number;
}

/** The router's configuration for `flow`, with each stage's full URL (endpoint and path). */
export function routerConfig(flow: PipelineFlow, stageUrls: Record<string, string>, listen: RouterListen): RouterConfig {
    return {
        listen: { host: listen.host, port: listen.port },
        path: "/",
        maxBodyBytes: listen.maxBodyBytes,
        requestTimeoutMs: routerRequestTimeoutSeconds(flow) * 1000,
        stages: flow.stages.map((s) => ({ name: s.name, url: stageUrls[s.name], after: s.inputs, timeoutMs: s.timeoutSeconds * 1000 })),
        final: flow.final,
    };
}

/**
 * The router script: next to this file in the sources, and found from `dist/` through the package root (the
 * package ships `components/polyglot-pipeline/router/router.mjs` as is).
 */
export function routerScriptPath(): string {
    const candidates = [path.join(__dirname, "router", "router.mjs"), path.resolve(__dirname, "..", "..", "..", "components", "polyglot-pipeline", "router", "router.mjs")];
    const found = candidates.find((file) => fs.existsSync(file));
    if (!found) throw new Error(`modelship's pipeline router script is missing (looked in ${candidates.join(", ")}): reinstall the modelship package`);
    return found;
}

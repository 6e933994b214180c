/**
 * Helpers for the docker gateway's tests: resolved gateway specs written by hand (the shape the targets read), and
 * Debian's nginx (scripts/setup-e2e.sh installs it) to check and run the generated configuration.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { GatewayAuth, GatewayTarget } from "../../components/model-gateway/args";
import { BackendKind, ConsumerSpec, GatewaySpec, RouteSpec } from "../../components/model-gateway/spec";
import { DEFAULT_NGINX_IMAGE } from "../../components/model-gateway/targets/docker-image";
import { NginxRuntime } from "../../components/model-gateway/targets/nginx/config";

/** Debian's nginx binary (in /usr/sbin, which a non-root PATH may lack). */
export const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => fs.existsSync(p));

/** A resolved route: the given fields over the defaults a route gets. */
export function route(name: string, pathPrefix: string, url: pulumi.Input<string>, more: Partial<RouteSpec> = {}): RouteSpec {
    return {
        name,
        pathPrefix,
        stripPrefix: true,
        backend: { kind: BackendKind.Url, locator: url },
        coldStartSeconds: 0,
        requestSeconds: 60,
        timeoutSeconds: 60,
        maxBodyMiB: 10,
        retries: 1,
        anonymous: false,
        consumers: [],
        ...more,
    };
}

/** A resolved consumer. */
export function consumer(name: string, ratePerSecond: number, routes: string[], more: Partial<ConsumerSpec> = {}): ConsumerSpec {
    return { name, ratePerSecond, burst: Math.ceil(ratePerSecond * 2), routes, ...more };
}

/** A resolved docker gateway; each route's `consumers` is filled from the consumers' `routes`. */
export function dockerSpec(name: string, routes: RouteSpec[], consumers: ConsumerSpec[], port = 8088): GatewaySpec {
    return {
        name,
        target: GatewayTarget.Docker,
        auth: GatewayAuth.ApiKey,
        routes: routes.map((r) => ({ ...r, consumers: r.anonymous ? [] : consumers.filter((c) => c.routes.includes(r.name)).map((c) => c.name) })),
        consumers,
        kubernetes: { namespace: "default", gatewayClassName: "eg" },
        aws: { region: "us-east-1", stageName: "v1", maxIntegrationTimeoutSeconds: 29, logRetentionDays: 30 },
        gcp: { region: "us-central1" },
        docker: { port, image: DEFAULT_NGINX_IMAGE },
        tags: {},
    };
}

/** A temporary directory for one nginx: its runtime paths (listen address given). */
export function nginxRuntime(listen: string): NginxRuntime & { dir: string; configFile: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-nginx-"));
    // nginx started by root runs its worker as nobody, which must reach the temporary files.
    fs.chmodSync(dir, 0o755);
    return { dir, listen, tempDir: dir, pidFile: path.join(dir, "nginx.pid"), accessLog: path.join(dir, "access.log"), configFile: path.join(dir, "nginx.conf") };
}

/** `nginx -t` on a configuration: its status and output. */
export function nginxTest(config: string): { ok: boolean; output: string } {
    if (!NGINX) throw new Error("nginx is not installed: run scripts/setup-e2e.sh");
    const runtime = nginxRuntime("127.0.0.1:1");
    fs.writeFileSync(runtime.configFile, config);
    // Output to a file: nginx opens /dev/stdout (the container's access log), which a socket (Node's pipes) refuses.
    const outputFile = path.join(runtime.dir, "output");
    const fd = fs.openSync(outputFile, "w");
    const result = spawnSync(NGINX, ["-t", "-e", "stderr", "-p", runtime.dir, "-c", runtime.configFile], { stdio: ["ignore", fd, fd] });
    fs.closeSync(fd);
    const output = fs.readFileSync(outputFile, "utf8");
    fs.rmSync(runtime.dir, { recursive: true, force: true });
    return { ok: result.status === 0, output };
}

/**
 * `target: docker`: the gateway as one nginx container on the local Docker engine, for development. NGINX's official
 * unprivileged image, pinned by digest (docker-image.ts), runs the configuration written by nginx/config.ts.
 *
 * The backends are model servers published on the host's 127.0.0.1 (a ModelService's or PolyglotPipeline's `url` on
 * docker). The gateway shares the host's network namespace (`network_mode: host`) to reach them there, and listens
 * on 127.0.0.1 itself: nothing is reachable from outside the machine. (On Docker Desktop, host networking must be
 * turned on in the settings, version 4.34 or later.)
 */
import * as docker from "@pulumi/docker";
import { smallServiceContainerArgs } from "../../docker/small-service";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels, physicalName } from "../../../sdk/naming";
import { describeValue, isDeferred, ValidationProblem } from "../../../sdk/validate";
import { CostedResource } from "../../../sdk/cost/types";
import { GatewayAuth, GatewayTarget } from "../args";
import { BackendKind, GatewaySpec } from "../spec";
import { HEALTH_PATH, INTERNAL_PREFIX, nginxConfig, NginxRuntime } from "./nginx/config";
import { LOOPBACK_URL_FORM, parseLoopbackUrl } from "./nginx/backend";
import { isMatchable, nginxRate } from "./nginx/literals";
import { GatewayDeployment, GatewayTargetImpl } from "./target";

/** The image's main configuration file, replaced by the gateway's (the upload needs an existing directory). */
export const NGINX_CONFIG_FILE = "/etc/nginx/nginx.conf";

/** Where nginx writes in the container: a tmpfs at /tmp (temporary files and the pid file), logs to stdout/stderr. */
const CONTAINER_RUNTIME = { tempDir: "/tmp", pidFile: "/tmp/nginx.pid", accessLog: "/dev/stdout" };

/** The lowest port an unprivileged process may bind on a default Linux host (net.ipv4.ip_unprivileged_port_start). */
const FIRST_UNPRIVILEGED_PORT = 1024;

/** Header names nginx exposes as `$http_<name>` and does not drop (it ignores names with `_` by default: underscores_in_headers). */
const HEADER_NAME = /^[A-Za-z0-9-]+$/;

function validate(spec: GatewaySpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.auth === GatewayAuth.Jwt) {
        problems.push({
            path: "auth",
            received: describeValue(spec.auth),
            expected: `"api-key" on target docker (nginx open source cannot verify a JWT's signature without the njs or a third-party module; JWT validation is in NGINX Plus only): use kubernetes for JWT`,
        });
    }
    if (spec.docker.port < FIRST_UNPRIVILEGED_PORT || spec.docker.port > 65535) {
        problems.push({
            path: "docker.port",
            received: describeValue(spec.docker.port),
            expected: `a port from ${FIRST_UNPRIVILEGED_PORT} to 65535 (nginx runs as uid 101 without capabilities and cannot bind a privileged port)`,
        });
    }
    spec.consumers.forEach((c, i) => {
        if (c.monthlyQuota !== undefined) {
            problems.push({
                path: `consumers[${i}].monthlyQuota`,
                received: describeValue(c.monthlyQuota),
                expected: "no monthly quota on target docker (nginx limits rates per second or minute and cannot count a calendar month)",
            });
        }
        if (nginxRate(c.ratePerSecond) === undefined) {
            problems.push({
                path: `consumers[${i}].ratePerSecond`,
                received: describeValue(c.ratePerSecond),
                expected:
                    "a whole number per second, or a rate whose requests per minute (ratePerSecond × 60) are a whole number of at least 1, on target docker (nginx's limit_req_zone takes r/s or r/m as integers)",
            });
        }
        if (typeof c.apiKey === "string" && !isMatchable(c.apiKey)) {
            problems.push({
                path: `consumers[${i}].apiKey`,
                received: "a key with spaces or non-ASCII characters",
                expected: "printable ASCII without spaces (a header value nginx compares byte for byte)",
            });
        }
    });
    spec.routes.forEach((r, i) => {
        if (r.pathPrefix === HEALTH_PATH || r.pathPrefix.startsWith(`${HEALTH_PATH}/`) || r.pathPrefix === "/_modelship" || r.pathPrefix.startsWith("/_modelship/")) {
            problems.push({
                path: `routes[${i}].pathPrefix`,
                received: describeValue(r.pathPrefix),
                expected: `a prefix other than ${HEALTH_PATH} (the gateway's health check) and /_modelship (its internal locations, ${INTERNAL_PREFIX}/<route>) on target docker`,
            });
        }
        if (r.header && !HEADER_NAME.test(r.header.name)) {
            problems.push({
                path: `routes[${i}].header.name`,
                received: describeValue(r.header.name),
                expected: "letters, digits and - on target docker (nginx ignores header names with _ by default)",
            });
        }
        if (r.header && !isMatchable(r.header.value)) {
            problems.push({ path: `routes[${i}].header.value`, received: describeValue(r.header.value), expected: "printable ASCII without spaces on target docker" });
        }
        if (r.backend.kind === BackendKind.Url && !isDeferred(r.backend.locator)) {
            const problem = parseLoopbackUrl(r.backend.locator as string).problem;
            if (problem) problems.push({ path: `routes[${i}].url`, received: describeValue(r.backend.locator), expected: `${LOOPBACK_URL_FORM}; ${problem}` });
        }
    });
    return problems;
}

/** The spec with every backend URL and timeout resolved, and the URLs checked (an Output's value is checked here). */
function resolvedSpec(spec: GatewaySpec): pulumi.Output<GatewaySpec> {
    const urls = pulumi.all(spec.routes.map((r) => r.backend.locator));
    const timeouts = pulumi.all(spec.routes.map((r) => r.timeoutSeconds));
    return pulumi.all([urls, timeouts]).apply(([u, t]) => {
        u.forEach((url, i) => {
            const problem = parseLoopbackUrl(url).problem;
            if (problem) throw new Error(`ModelGateway ${spec.name}: routes[${i}].url is ${JSON.stringify(url)}; expected ${LOOPBACK_URL_FORM}; ${problem}`);
        });
        return { ...spec, routes: spec.routes.map((r, i) => ({ ...r, backend: { ...r.backend, locator: u[i] }, timeoutSeconds: t[i] })) };
    });
}

/** The container's configuration file: secret, since it holds every consumer's key. */
export function gatewayConfig(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>): pulumi.Output<string> {
    const runtime: NginxRuntime = { listen: `127.0.0.1:${spec.docker.port}`, ...CONTAINER_RUNTIME };
    return pulumi.secret(pulumi.all([resolvedSpec(spec), pulumi.all(keys)]).apply(([resolved, k]) => nginxConfig(resolved, k, runtime)));
}

function deploy(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>>, parent: pulumi.ComponentResource): GatewayDeployment {
    const { port, image: imageName } = spec.docker;
    const base = `http://127.0.0.1:${port}`;
    const labels = Object.entries(kubernetesLabels({ component: "ModelGateway", service: spec.name, tags: spec.tags })).map(([label, value]) => ({ label, value }));
    const image = new docker.RemoteImage(`${spec.name}-gateway-image`, { name: imageName, keepLocally: true }, { parent });
    const container = new docker.Container(
        `${spec.name}-gateway`,
        {
            name: physicalName(spec.name, "gateway"),
            image: image.imageId,
            // nginx itself, not the image's entrypoint script (which edits files under /etc/nginx at start).
            entrypoints: ["nginx"],
            command: ["-c", NGINX_CONFIG_FILE],
            // A new configuration replaces the container: uploads are made once, before it starts. The root filesystem
            // stays writable for that (the engine copies no file into a read-only one); nginx writes only to the tmpfs.
            uploads: [{ file: NGINX_CONFIG_FILE, content: gatewayConfig(spec, keys) }],
            tmpfs: { "/tmp": "rw,noexec,nosuid,size=256m" },
            networkMode: "host",
            // The image's unprivileged nginx user; listening on a port above 1024 needs no capability at all.
            user: "101:101",
            // BusyBox's wget, in the Alpine image.
            ...smallServiceContainerArgs(["wget", "-q", "-O", "/dev/null", `${base}${HEALTH_PATH}`], labels),
        },
        // Same name and same port: the old container goes first (a second of downtime on a development machine), or the
        // new one could neither take the name nor bind the port. Any change of the configuration replaces it.
        { parent, deleteBeforeReplace: true },
    );
    const routeUrls = Object.fromEntries(spec.routes.map((r) => [r.name, pulumi.output(`${base}${r.pathPrefix === "/" ? "" : r.pathPrefix}`)]));
    // The URL once the container answers its health check.
    return { url: container.id.apply(() => base), routeUrls, resources: { gatewayImage: image, gateway: container } };
}

function costedResources(spec: GatewaySpec): CostedResource[] {
    const name = `${spec.name}-gateway`;
    return [{ urn: name, type: "docker:index/container:Container", name, inputs: {} }];
}

export const dockerGateway: GatewayTargetImpl = {
    target: GatewayTarget.Docker,
    backends: [BackendKind.Url],
    timeoutLimit: () => undefined,
    validate,
    deploy,
    costedResources,
};

/**
 * ModelGateway's docker target on the mock runtime: the nginx container's exact arguments, the configuration text
 * (the lines that decide routing, keys, limits and errors), the validation of what nginx cannot do, and `nginx -t`
 * on every configuration written here (nginx from scripts/setup-e2e.sh).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayAuth } from "../../components/model-gateway/args";
import { GatewayTarget, ModelGateway } from "../../index";
import { GatewaySpec } from "../../components/model-gateway/spec";
import { dockerGateway, gatewayConfig } from "../../components/model-gateway/targets/docker";
import { DEFAULT_NGINX_IMAGE } from "../../components/model-gateway/targets/docker-image";
import { nginxConfig } from "../../components/model-gateway/targets/nginx/config";
import { outputValue, useMockRuntime } from "../harness";
import { consumer, dockerSpec, NGINX, nginxTest, route } from "./nginx";

const rt = useMockRuntime({ config: { "modelship:team": "risk" } });

const KEYS = { "team-a": "a-key-of-at-least-twenty-chars", "team-b": "B-Key$with{special};chars~" };
const RUNTIME = { listen: "127.0.0.1:8088", tempDir: "/tmp", pidFile: "/tmp/nginx.pid", accessLog: "/tmp/access.log" };

/** Two routes on one prefix split by a header, one by path, one anonymous; two consumers, one of them slow. */
function smallSpec(): GatewaySpec {
    return dockerSpec(
        "models",
        [
            route("fraud", "/fraud", "http://127.0.0.1:8081/v1", { timeoutSeconds: 90, maxBodyMiB: 2 }),
            route("llm-v2", "/llm", "http://localhost:8083", { header: { name: "X-Model-Version", value: "2" }, timeoutSeconds: 1.5 }),
            route("llm", "/llm", "http://127.0.0.1:8082/", { retries: 0 }),
            route("docs", "/docs", "http://127.0.0.1:8084", { anonymous: true, stripPrefix: false }),
        ],
        [consumer("team-a", 10, ["fraud", "llm", "llm-v2"], { burst: 20 }), consumer("team-b", 0.25, ["fraud"], { burst: 1 })],
    );
}

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("modelship:index:ModelGateway", name, {}, {});
    }
}

/** Every configuration these tests write, checked by nginx at the end. */
const written: string[] = [];
function config(spec: GatewaySpec, keys: Record<string, string> = KEYS): string {
    const text = nginxConfig(spec, keys, RUNTIME);
    written.push(text);
    return text;
}

/** The lines of one block (`location ^~ /fraud/ {`), without their indentation. */
function blockLines(text: string, head: string): string[] {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.trim() === `${head} {`);
    if (start < 0) throw new Error(`no block ${head}`);
    const depth = lines[start].length - lines[start].trimStart().length;
    const end = lines.findIndex((l, i) => i > start && l === `${" ".repeat(depth)}}`);
    return lines.slice(start + 1, end).map((l) => l.trim());
}

describe("ModelGateway on docker: the container", () => {
    it("is what a ModelGateway with target docker creates, with its keys generated and the pinned image by default", async () => {
        const { value: gateway, resources } = await rt.construct(
            () =>
                new ModelGateway("models", {
                    target: GatewayTarget.Docker,
                    routes: [{ name: "densenet", pathPrefix: "/densenet", url: "http://127.0.0.1:8080" }],
                    consumers: [{ name: "quickstart", ratePerSecond: 5 }],
                }),
        );
        expect(resources.filter((r) => r.type.startsWith("docker:")).map((r) => [r.type, r.name])).toEqual([
            ["docker:index/remoteImage:RemoteImage", "models-gateway-image"],
            ["docker:index/container:Container", "models-gateway"],
        ]);
        expect(rt.one("docker:index/remoteImage:RemoteImage", "models-gateway-image").inputs.name).toBe(DEFAULT_NGINX_IMAGE);
        expect(await outputValue(gateway.url)).toBe("http://127.0.0.1:8088");
        expect(await outputValue(gateway.routeUrls)).toEqual({ densenet: "http://127.0.0.1:8088/densenet" });
        const key = (await outputValue(gateway.consumerKeys)).quickstart;
        const upload = (rt.one("docker:index/container:Container", "models-gateway").inputs.uploads as Array<{ content: string }>)[0].content;
        expect(upload).toContain(`"~^${key}$" quickstart;`);
        expect(upload).toContain("listen 127.0.0.1:8088;");
        written.push(upload);
    });

    it("runs the pinned unprivileged nginx on the host network with the secret configuration", async () => {
        const spec = smallSpec();
        const keys = { "team-a": pulumi.secret(KEYS["team-a"]), "team-b": pulumi.secret(KEYS["team-b"]) };
        const { value: deployment } = await rt.construct(() => dockerGateway.deploy(spec, keys, new Parent("models")));

        expect(rt.one("docker:index/remoteImage:RemoteImage", "models-gateway-image").inputs).toEqual({ name: DEFAULT_NGINX_IMAGE, keepLocally: true });
        expect(DEFAULT_NGINX_IMAGE).toMatch(/^docker\.io\/nginxinc\/nginx-unprivileged:[\w.-]+@sha256:[0-9a-f]{64}$/);
        const container = rt.one("docker:index/container:Container", "models-gateway");
        expect(container.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelGateway::models");
        const { uploads, labels, image, ...rest } = container.inputs as Record<string, unknown>;
        expect(rest).toEqual({
            name: "models-gateway",
            entrypoints: ["nginx"],
            command: ["-c", "/etc/nginx/nginx.conf"],
            tmpfs: { "/tmp": "rw,noexec,nosuid,size=256m" },
            networkMode: "host",
            user: "101:101",
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            healthcheck: { tests: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8088/healthz"], interval: "15s", timeout: "5s", retries: 3, startPeriod: "10s", startInterval: "1s" },
            wait: true,
            waitTimeout: 60,
            restart: "unless-stopped",
            memory: 256,
            cpus: "0.5",
            logDriver: "json-file",
            logOpts: { "max-size": "20m", "max-file": "3" },
        });
        expect(image).toBeDefined();
        expect(container.inputs.ports).toBeUndefined();
        expect(labels).toContainEqual({ label: "modelship.dev/team", value: "risk" });
        expect(labels).toContainEqual({ label: "app.kubernetes.io/component", value: "modelgateway" });
        // The uploaded file is the generator's text for the container's paths, and it is a secret.
        const upload = (uploads as Array<{ file: string; content: string }>)[0];
        expect(upload.file).toBe("/etc/nginx/nginx.conf");
        expect(upload.content).toBe(nginxConfig(spec, KEYS, { listen: "127.0.0.1:8088", tempDir: "/tmp", pidFile: "/tmp/nginx.pid", accessLog: "/dev/stdout" }));
        expect(await pulumi.isSecret(gatewayConfig(spec, keys))).toBe(true);
        written.push(upload.content);

        expect(await outputValue(deployment.url)).toBe("http://127.0.0.1:8088");
        expect(Object.fromEntries(await Promise.all(Object.entries(deployment.routeUrls).map(async ([k, v]) => [k, await outputValue(v)])))).toEqual({
            fraud: "http://127.0.0.1:8088/fraud",
            "llm-v2": "http://127.0.0.1:8088/llm",
            llm: "http://127.0.0.1:8088/llm",
            docs: "http://127.0.0.1:8088/docs",
        });
        expect(Object.keys(deployment.resources)).toEqual(["gatewayImage", "gateway"]);
        expect(dockerGateway.costedResources(spec)).toEqual([{ urn: "models-gateway", type: "docker:index/container:Container", name: "models-gateway", inputs: {} }]);
        expect(dockerGateway.timeoutLimit(spec)).toBeUndefined();
    });

    it("refuses a backend URL Output that is not on loopback once it resolves", async () => {
        const spec = smallSpec();
        spec.routes[0].backend.locator = pulumi.output("http://10.0.0.5:8081");
        await expect(outputValue(gatewayConfig(spec, { "team-a": pulumi.output(KEYS["team-a"]), "team-b": pulumi.output(KEYS["team-b"]) }))).rejects.toThrow(
            "ModelGateway models: routes[0].url is \"http://10.0.0.5:8081\"; expected an http:// or https:// URL on 127.0.0.1 or localhost with an optional port and path, without user, query or fragment (the docker gateway runs on the host's network and reaches only its loopback); host 10.0.0.5 is not 127.0.0.1 or localhost: the gateway's container shares the host's network and serves only loopback backends",
        );
    });
});

describe("ModelGateway on docker: the nginx configuration", () => {
    const text = config(smallSpec());

    it("maps each key to its consumer, case-sensitively and escaped, and nothing else to a consumer", () => {
        expect(blockLines(text, "map $http_x_api_key $modelship_consumer")).toEqual([
            'default "";',
            '"~^a\\x{2d}key\\x{2d}of\\x{2d}at\\x{2d}least\\x{2d}twenty\\x{2d}chars$" team-a;',
            '"~^B\\x{2d}Key\\x{24}with\\x{7b}special\\x{7d}\\x{3b}chars\\x{7e}$" team-b;',
        ]);
    });

    it("limits each consumer in one zone shared by its routes: r/s, or r/m below 1 per second", () => {
        expect(text).toContain("limit_req_zone $modelship_rate_key_team_a zone=modelship_team_a:1m rate=10r/s;");
        expect(text).toContain("limit_req_zone $modelship_rate_key_team_b zone=modelship_team_b:1m rate=15r/m;");
        expect(blockLines(text, "map $modelship_consumer $modelship_rate_key_team_b")).toEqual(['default "";', '"team-b" team-b;']);
        expect(text).toContain("limit_req_status 429;");
        const fraud = blockLines(text, "location ^~ /_modelship/route/fraud/");
        expect(fraud.filter((l) => l.startsWith("limit_req "))).toEqual(["limit_req zone=modelship_team_a burst=20 nodelay;", "limit_req zone=modelship_team_b burst=1 nodelay;"]);
        expect(blockLines(text, "location ^~ /_modelship/route/llm/").filter((l) => l.startsWith("limit_req "))).toEqual(["limit_req zone=modelship_team_a burst=20 nodelay;"]);
        expect(blockLines(text, "location ^~ /_modelship/route/docs/").filter((l) => l.startsWith("limit_req"))).toEqual([]);
    });

    it("answers the prefix and everything under it, choosing between routes that share it by header", () => {
        expect(blockLines(text, "location ^~ /fraud/")).toEqual(["client_max_body_size 2m;", "error_page 413 @modelship_413_fraud;", "rewrite ^ /_modelship/route/fraud$uri last;"]);
        expect(blockLines(text, "location = /fraud")).toEqual(blockLines(text, "location ^~ /fraud/"));
        expect(blockLines(text, "map $http_x_model_version $modelship_select_1_0")).toEqual(['default "llm";', '"~^2$" llm-v2;']);
        expect(blockLines(text, "location ^~ /llm/")).toEqual([
            "client_max_body_size 10m;",
            "error_page 413 @modelship_413_any;",
            'if ($modelship_select_1_0 = "") {',
            `return 404 '{"error":"no route matches these headers","pathPrefix":"/llm"}';`,
            "}",
            "rewrite ^ /_modelship/route/$modelship_select_1_0$uri last;",
        ]);
        expect(blockLines(text, "location /")).toEqual([`return 404 '{"error":"no route matches this path"}';`]);
        expect(blockLines(text, "location = /healthz")).toEqual(["access_log off;", `return 200 '{"status":"ok"}';`]);
    });

    it("checks the key, then the consumer's right to the route, then proxies with the route's limits", () => {
        expect(blockLines(text, "location ^~ /_modelship/route/fraud/")).toEqual([
            "internal;",
            "set $modelship_route fraud;",
            'if ($modelship_consumer = "") {',
            `add_header WWW-Authenticate 'ApiKey realm="modelship", header="x-api-key"' always;`,
            `return 401 '{"error":"missing or unknown API key","header":"x-api-key","route":"fraud"}';`,
            "}",
            "if ($modelship_allow_fraud != 1) {",
            `return 403 '{"error":"consumer not allowed on this route","route":"fraud","consumer":"$modelship_consumer"}';`,
            "}",
            "rewrite ^/_modelship/route/fraud/fraud(?:/(.*))?$ /v1/$1 break;",
            "limit_req zone=modelship_team_a burst=20 nodelay;",
            "limit_req zone=modelship_team_b burst=1 nodelay;",
            "client_max_body_size 2m;",
            "error_page 413 @modelship_413_fraud;",
            "error_page 429 @modelship_429_fraud;",
            "error_page 502 @modelship_502_fraud;",
            "error_page 504 @modelship_504_fraud;",
            "proxy_pass http://modelship_fraud;",
            "proxy_http_version 1.1;",
            'proxy_set_header Host "127.0.0.1:8081";',
            'proxy_set_header Connection "";',
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            'proxy_set_header x-api-key "";',
            "proxy_set_header x-modelship-consumer $modelship_consumer;",
            "proxy_connect_timeout 10s;",
            "proxy_send_timeout 90s;",
            "proxy_read_timeout 90s;",
            "proxy_next_upstream error timeout http_502 http_503;",
            "proxy_next_upstream_tries 2;",
            "proxy_next_upstream_timeout 90s;",
        ]);
        expect(blockLines(text, "map $modelship_consumer $modelship_allow_fraud")).toEqual(["default 0;", '"team-a" 1;', '"team-b" 1;']);
        expect(blockLines(text, "upstream modelship_fraud")).toEqual(["server 127.0.0.1:8081 max_fails=0;", "server 127.0.0.1:8081 max_fails=0;"]);
    });

    it("writes localhost as 127.0.0.1, sub-second timeouts in ms, no retries when 0, and keeps the prefix when asked", () => {
        const v2 = blockLines(text, "location ^~ /_modelship/route/llm-v2/");
        expect(v2).toContain('proxy_set_header Host "127.0.0.1:8083";');
        expect(v2).toContain("rewrite ^/_modelship/route/llm-v2/llm(?:/(.*))?$ /$1 break;");
        expect(v2).toEqual(expect.arrayContaining(["proxy_connect_timeout 1500ms;", "proxy_read_timeout 1500ms;", "proxy_send_timeout 1500ms;"]));
        const llm = blockLines(text, "location ^~ /_modelship/route/llm/");
        expect(llm).toContain("proxy_next_upstream off;");
        expect(llm.some((l) => l.startsWith("proxy_next_upstream_tries"))).toBe(false);
        expect(blockLines(text, "upstream modelship_llm")).toEqual(["server 127.0.0.1:8082 max_fails=0;"]);
        const docs = blockLines(text, "location ^~ /_modelship/route/docs/");
        expect(docs).toContain("rewrite ^/_modelship/route/docs(/.*)$ $1 break;");
        expect(docs.some((l) => l.startsWith("if "))).toBe(false);
    });

    it("answers errors in JSON naming the route", () => {
        expect(blockLines(text, "location @modelship_504_llm-v2".replace("-", "_"))).toEqual([`return 504 '{"error":"gateway timeout","route":"llm-v2","timeoutSeconds":1.5}';`]);
        expect(blockLines(text, "location @modelship_502_fraud")).toEqual([`return 502 '{"error":"bad gateway: the backend did not answer","route":"fraud"}';`]);
        expect(blockLines(text, "location @modelship_413_fraud")).toEqual([`return 413 '{"error":"request body too large","route":"fraud","maxBodyMiB":2}';`]);
        expect(blockLines(text, "location @modelship_429_fraud")).toEqual([`return 429 '{"error":"rate limit exceeded","route":"fraud","consumer":"$modelship_consumer"}';`]);
    });

    it("logs JSON lines without headers or query strings, and writes nowhere but its runtime paths", () => {
        expect(text).toMatch(/^ {4}log_format modelship_json escape=json '\{"time":"\$time_iso8601","consumer":"\$modelship_consumer",.*"path":"\$modelship_path","route":"\$modelship_route",/m);
        expect(text).not.toMatch(/\$http_x_api_key[^ ]|\$request_uri"|\$args|\$query_string/);
        expect(text).toContain("access_log /tmp/access.log modelship_json;");
        expect(text.match(/^ {4}\w+_temp_path .*$/gm)).toEqual([
            "    client_body_temp_path /tmp/client_body;",
            "    proxy_temp_path /tmp/proxy;",
            "    fastcgi_temp_path /tmp/fastcgi;",
            "    uwsgi_temp_path /tmp/uwsgi;",
            "    scgi_temp_path /tmp/scgi;",
        ]);
        expect(text.split("\n").slice(1, 5)).toEqual(["daemon off;", "worker_processes 1;", "pid /tmp/nginx.pid;", "error_log stderr warn;"]);
    });

    it("sends every path to a route on /, with a fallback to 404 only for unmatched headers", () => {
        const root = config(
            dockerSpec(
                "root",
                [route("all", "/", "http://127.0.0.1:9000", { anonymous: true }), route("v2", "/", "http://127.0.0.1:9001", { header: { name: "x-v", value: "2" }, anonymous: true })],
                [],
            ),
        );
        expect(blockLines(root, "location /")).toEqual([
            "client_max_body_size 10m;",
            "error_page 413 @modelship_413_any;",
            'if ($modelship_select_0_0 = "") {',
            `return 404 '{"error":"no route matches these headers","pathPrefix":"/"}';`,
            "}",
            "rewrite ^ /_modelship/route/$modelship_select_0_0$uri last;",
        ]);
        expect(blockLines(root, "map $http_x_v $modelship_select_0_0")).toEqual(['default "all";', '"~^2$" v2;']);
        expect(root).toContain("rewrite ^/_modelship/route/all(/.*)$ $1 break;");
        expect(blockLines(root, "map $http_x_api_key $modelship_consumer")).toEqual(['default "";']);
    });

    it("chains header names in order and answers 404 when no route without a header has the prefix", () => {
        const chained = config(
            dockerSpec(
                "chain",
                [route("a", "/m", "http://127.0.0.1:9000", { header: { name: "x-a", value: "1" } }), route("b", "/m", "http://127.0.0.1:9001", { header: { name: "x-b", value: "Yes" } })],
                [consumer("c", 1, ["a", "b"])],
            ),
            { c: "c-key-0123456789abcdefghij" },
        );
        expect(blockLines(chained, "map $http_x_a $modelship_select_0_0")).toEqual(["default $modelship_select_0_1;", '"~^1$" a;']);
        expect(blockLines(chained, "map $http_x_b $modelship_select_0_1")).toEqual(['default "";', '"~^Yes$" b;']);
    });

    it("writes a large gateway nginx can load: 30 routes and 30 consumers with 30-character names", () => {
        const name = (kind: string, i: number) => `${kind}-${String(i).padStart(2, "0")}`.padEnd(30, "x");
        const routes = Array.from({ length: 30 }, (_, i) =>
            route(name("r", i), `/m${i % 10}`, `http://127.0.0.1:${9000 + i}`, i >= 10 ? { header: { name: `x-variant-${i % 3}`, value: `v${i}` } } : {}),
        );
        const consumers = Array.from({ length: 30 }, (_, i) =>
            consumer(
                name("c", i),
                (i % 5) + 0.5,
                routes.filter((_, j) => (i + j) % 3 === 0).map((r) => r.name),
            ),
        );
        const text = config(dockerSpec("large", routes, consumers), Object.fromEntries(consumers.map((c, i) => [c.name, `key-${i}-0123456789abcdefghij`])));
        expect(text.match(/^ {4}limit_req_zone /gm)).toHaveLength(30);
        expect(text.match(/^ {8}location \^~ \/_modelship\/route\//gm)).toHaveLength(30);
    });

    it("refuses to write what nginx could not run", () => {
        const spec = smallSpec();
        expect(() => nginxConfig(spec, { "team-a": KEYS["team-a"] }, RUNTIME)).toThrow("consumer team-b has no API key");
        expect(() => nginxConfig(spec, { ...KEYS, "team-a": "a key with spaces in it" }, RUNTIME)).toThrow("consumer team-a's API key must be printable ASCII without spaces (RFC 9110 field-vchar)");
        spec.routes[0].backend.locator = pulumi.output("http://127.0.0.1:1");
        expect(() => nginxConfig(spec, KEYS, RUNTIME)).toThrow("route fraud's backend URL must be resolved (a plain string) before the nginx configuration is written");
    });
});

describe("ModelGateway on docker: what nginx cannot do is refused", () => {
    it("refuses JWT, monthly quotas, rates nginx cannot write, privileged ports, reserved prefixes, odd headers and remote backends", () => {
        const spec = dockerSpec(
            "bad",
            [
                route("health", "/healthz", "http://127.0.0.1:9000"),
                route("internal", "/_modelship/x", "http://localhost:9000"),
                route("remote", "/remote", "http://10.1.2.3:9000"),
                route("query", "/q", "http://127.0.0.1:9000/?a=1"),
                route("hdr", "/h", "http://127.0.0.1:9000", { header: { name: "x_version", value: "two words" } }),
                route("output", "/o", pulumi.output("http://10.1.2.3")),
            ],
            [consumer("slow", 0.001, ["health"], { monthlyQuota: 1000 }), consumer("odd", 1.5, ["health"]), consumer("ok", 0.5, ["health"], { apiKey: "a key with spaces, twenty+" })],
            80,
        );
        spec.auth = GatewayAuth.Jwt;
        expect(dockerGateway.validate(spec)).toEqual([
            {
                path: "auth",
                received: '"jwt"',
                expected:
                    '"api-key" on target docker (nginx open source cannot verify a JWT\'s signature without the njs or a third-party module; JWT validation is in NGINX Plus only): use kubernetes for JWT',
            },
            { path: "docker.port", received: "80", expected: "a port from 1024 to 65535 (nginx runs as uid 101 without capabilities and cannot bind a privileged port)" },
            { path: "consumers[0].monthlyQuota", received: "1000", expected: "no monthly quota on target docker (nginx limits rates per second or minute and cannot count a calendar month)" },
            {
                path: "consumers[0].ratePerSecond",
                received: "0.001",
                expected:
                    "a whole number per second, or a rate whose requests per minute (ratePerSecond × 60) are a whole number of at least 1, on target docker (nginx's limit_req_zone takes r/s or r/m as integers)",
            },
            {
                path: "consumers[2].apiKey",
                received: "a key with spaces or non-ASCII characters",
                expected: "printable ASCII without spaces (a header value nginx compares byte for byte)",
            },
            {
                path: "routes[0].pathPrefix",
                received: '"/healthz"',
                expected: "a prefix other than /healthz (the gateway's health check) and /_modelship (its internal locations, /_modelship/route/<route>) on target docker",
            },
            {
                path: "routes[1].pathPrefix",
                received: '"/_modelship/x"',
                expected: "a prefix other than /healthz (the gateway's health check) and /_modelship (its internal locations, /_modelship/route/<route>) on target docker",
            },
            {
                path: "routes[2].url",
                received: '"http://10.1.2.3:9000"',
                expected:
                    "an http:// or https:// URL on 127.0.0.1 or localhost with an optional port and path, without user, query or fragment (the docker gateway runs on the host's network and reaches only its loopback); host 10.1.2.3 is not 127.0.0.1 or localhost: the gateway's container shares the host's network and serves only loopback backends",
            },
            {
                path: "routes[3].url",
                received: '"http://127.0.0.1:9000/?a=1"',
                expected:
                    "an http:// or https:// URL on 127.0.0.1 or localhost with an optional port and path, without user, query or fragment (the docker gateway runs on the host's network and reaches only its loopback); it has a user, a query or a fragment",
            },
            { path: "routes[4].header.name", received: '"x_version"', expected: "letters, digits and - on target docker (nginx ignores header names with _ by default)" },
            { path: "routes[4].header.value", received: '"two words"', expected: "printable ASCII without spaces on target docker" },
        ]);
    });

    it("accepts a rate of 1.5/s as 90 requests a minute and a plain valid gateway without problems", () => {
        expect(dockerGateway.validate(smallSpec())).toEqual([]);
        const spec = smallSpec();
        spec.consumers[0].ratePerSecond = 1.5;
        expect(dockerGateway.validate(spec)).toEqual([]);
        expect(config(spec)).toContain("zone=modelship_team_a:1m rate=90r/m;");
    });
});

describe("ModelGateway on docker: nginx accepts what is written", () => {
    it.skipIf(!NGINX)("every configuration written here passes nginx -t", () => {
        expect(written.length).toBeGreaterThanOrEqual(4);
        for (const t of written) {
            const result = nginxTest(t);
            expect(result.output).toContain("test is successful");
            expect(result.ok).toBe(true);
        }
    });
});

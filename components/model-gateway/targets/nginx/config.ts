/**
 * The docker gateway's nginx configuration, a pure function of the resolved gateway, the consumers' keys and where
 * nginx runs: the container and the end-to-end test (test/model-gateway/docker-e2e.test.ts) run exactly this text.
 *
 * How a request flows (nginx's phases, https://nginx.org/en/docs/dev/development_guide.html#http_phases):
 * 1. The public location of the route's prefix (`^~ /prefix/` and `= /prefix`) picks the route, by `map` on the
 *    routes' headers when several share the prefix, and rewrites the request to the route's internal location.
 * 2. The route's location answers 401 (no or unknown key) and 403 (consumer not allowed) in the rewrite phase, so
 *    refused requests count against no rate; then `limit_req` (preaccess phase) applies the consumer's zone, shared by
 *    every route, so a consumer's rate is over all its routes; then `proxy_pass`.
 * The keys appear only in the consumer `map`: the text is secret, and the access log records no header or query.
 */
import { GatewaySpec, RouteSpec, API_KEY_HEADER, CONSUMER_HEADER } from "../../spec";
import { LoopbackBackend, parseLoopbackUrl } from "./backend";
import { duration, exactMatch, headerVariable, ident, jsonText, nginxRate } from "./literals";

/** Where and how nginx runs: the container's paths, or a test's temporary directory. */
export interface NginxRuntime {
    /** `listen` address, for example `127.0.0.1:8088`. */
    listen: string;
    /** A writable directory for nginx's temporary files (request bodies, buffered answers). */
    tempDir: string;
    /** The pid file, in a writable directory. */
    pidFile: string;
    /** Where the JSON access log goes, for example `/dev/stdout`. */
    accessLog: string;
}

/** The internal location prefix of a route; unreachable from outside (`internal`). */
export const INTERNAL_PREFIX = "/_modelship/route";
/** The health check location, answered by nginx itself. */
export const HEALTH_PATH = "/healthz";
/** Longest wait for a TCP connection to a backend: loopback connects at once or is refused. */
const CONNECT_TIMEOUT_SECONDS = 10;

interface ResolvedRoute {
    route: RouteSpec;
    id: string;
    backend: LoopbackBackend;
    timeoutSeconds: number;
}

function plain<T>(value: unknown, type: "string" | "number", what: string): T {
    if (typeof value !== type) throw new Error(`${what} must be resolved (a plain ${type}) before the nginx configuration is written`);
    return value as T;
}

function resolveRoute(route: RouteSpec): ResolvedRoute {
    const url = plain<string>(route.backend.locator, "string", `route ${route.name}'s backend URL`);
    const { backend, problem } = parseLoopbackUrl(url);
    if (!backend) throw new Error(`route ${route.name}'s backend URL ${url}: ${problem}`);
    return { route, id: ident(route.name), backend, timeoutSeconds: plain<number>(route.timeoutSeconds, "number", `route ${route.name}'s timeout`) };
}

const indent = (lines: string[], depth = 1) => lines.map((l) => (l === "" ? l : `${"    ".repeat(depth)}${l}`));
const block = (head: string, body: string[]) => [`${head} {`, ...indent(body), "}"];

/** The `map` from the key header to the consumer's name, and per consumer the key of its rate zone. */
function consumerMaps(spec: GatewaySpec, keys: Record<string, string>): string[] {
    const lines = block(`map $http_${ident(API_KEY_HEADER)} $modelship_consumer`, [
        `default "";`,
        ...spec.consumers.map((c) => {
            const key = keys[c.name];
            if (key === undefined) throw new Error(`consumer ${c.name} has no API key`);
            return `${exactMatch(key, `consumer ${c.name}'s API key`)} ${c.name};`;
        }),
    ]);
    for (const c of spec.consumers) {
        const rate = nginxRate(c.ratePerSecond);
        if (!rate) throw new Error(`consumer ${c.name}'s rate ${c.ratePerSecond}/s is not a whole number per second or per minute`);
        // The zone's key is the consumer's name for its requests and empty for everyone else's: nginx does not count
        // requests whose key is empty (ngx_http_limit_req_module), so the zone limits this consumer alone.
        lines.push(...block(`map $modelship_consumer $modelship_rate_key_${ident(c.name)}`, [`default "";`, `"${c.name}" ${c.name};`]));
        lines.push(`limit_req_zone $modelship_rate_key_${ident(c.name)} zone=modelship_${ident(c.name)}:1m rate=${rate};`);
    }
    return lines;
}

/** Routes grouped by prefix, in the order given. */
function groups(routes: ResolvedRoute[]): ResolvedRoute[][] {
    const byPrefix = new Map<string, ResolvedRoute[]>();
    for (const r of routes) byPrefix.set(r.route.pathPrefix, [...(byPrefix.get(r.route.pathPrefix) ?? []), r]);
    return [...byPrefix.values()];
}

/**
 * The selection of a prefix's route: `"fraud"` when one route without a header has it, else a variable set by a chain
 * of maps, one per header name in order of appearance, ending at the route without a header (or `""`: 404).
 */
function selection(group: ResolvedRoute[], index: number): { value: string; maps: string[] } {
    const withHeader = group.filter((r) => r.route.header);
    const fallback = group.find((r) => !r.route.header)?.route.name ?? "";
    if (withHeader.length === 0) return { value: fallback, maps: [] };
    const names = [...new Set(withHeader.map((r) => (r.route.header as { name: string }).name.toLowerCase()))];
    const variable = (k: number) => `$modelship_select_${index}_${k}`;
    const maps = names.flatMap((name, k) =>
        block(`map ${headerVariable(name)} ${variable(k)}`, [
            `default ${k + 1 < names.length ? variable(k + 1) : `"${fallback}"`};`,
            ...withHeader
                .filter((r) => (r.route.header as { name: string }).name.toLowerCase() === name)
                .map((r) => `${exactMatch((r.route.header as { value: string }).value, `route ${r.route.name}'s header value`)} ${r.route.name};`),
        ]),
    );
    return { value: variable(0), maps };
}

/** The public locations of one prefix: pick the route, then hand the request to its internal location. */
function publicLocations(group: ResolvedRoute[], select: string): string[] {
    const prefix = group[0].route.pathPrefix;
    const maxBody = Math.max(...group.map((r) => r.route.maxBodyMiB));
    const body = [
        `client_max_body_size ${maxBody}m;`,
        `error_page 413 @modelship_413_${group.length === 1 ? group[0].id : "any"};`,
        ...(select.startsWith("$") ? block(`if (${select} = "")`, [`return 404 ${jsonText({ error: "no route matches these headers", pathPrefix: prefix })};`]) : []),
        `rewrite ^ ${INTERNAL_PREFIX}/${select}$uri last;`,
    ];
    if (prefix === "/") return block("location /", body);
    return [...block(`location ^~ ${prefix}/`, body), ...block(`location = ${prefix}`, body)];
}

/** The internal location of one route: auth, rate, body size, timeouts, retries, headers, proxy. */
function routeLocation(r: ResolvedRoute, spec: GatewaySpec): string[] {
    const { route, id, backend, timeoutSeconds } = r;
    const internal = `${INTERNAL_PREFIX}/${route.name}`;
    const auth = route.anonymous
        ? []
        : [
              ...block(`if ($modelship_consumer = "")`, [
                  `add_header WWW-Authenticate 'ApiKey realm="modelship", header="${API_KEY_HEADER}"' always;`,
                  `return 401 ${jsonText({ error: "missing or unknown API key", header: API_KEY_HEADER, route: route.name })};`,
              ]),
              ...block(`if ($modelship_allow_${id} != 1)`, [`return 403 ${jsonText({ error: "consumer not allowed on this route", route: route.name, consumer: "$modelship_consumer" })};`]),
          ];
    // The prefix goes when stripPrefix: `/fraud/predict` and `/fraud` reach the backend as `<base>/predict` and `<base>/`.
    const strip = route.stripPrefix && route.pathPrefix !== "/";
    const rewrite = strip ? `rewrite ^${internal}${route.pathPrefix.replace(/\./g, "\\.")}(?:/(.*))?$ ${backend.basePath}/$1 break;` : `rewrite ^${internal}(/.*)$ ${backend.basePath}$1 break;`;
    const limits = route.anonymous ? [] : spec.consumers.filter((c) => route.consumers.includes(c.name)).map((c) => `limit_req zone=modelship_${ident(c.name)} burst=${c.burst} nodelay;`);
    const retries = route.retries > 0;
    return block(`location ^~ ${internal}/`, [
        "internal;",
        `set $modelship_route ${route.name};`,
        ...auth,
        rewrite,
        ...limits,
        `client_max_body_size ${route.maxBodyMiB}m;`,
        `error_page 413 @modelship_413_${id};`,
        `error_page 429 @modelship_429_${id};`,
        `error_page 502 @modelship_502_${id};`,
        `error_page 504 @modelship_504_${id};`,
        `proxy_pass ${backend.scheme}://modelship_${id};`,
        "proxy_http_version 1.1;",
        `proxy_set_header Host "${backend.address}";`,
        `proxy_set_header Connection "";`,
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        // An empty value removes the header (ngx_http_proxy_module, proxy_set_header): the key never reaches the model,
        // and a client cannot send its own consumer header.
        `proxy_set_header ${API_KEY_HEADER} "";`,
        `proxy_set_header ${CONSUMER_HEADER} $modelship_consumer;`,
        `proxy_connect_timeout ${duration(Math.min(CONNECT_TIMEOUT_SECONDS, timeoutSeconds))};`,
        `proxy_send_timeout ${duration(timeoutSeconds)};`,
        `proxy_read_timeout ${duration(timeoutSeconds)};`,
        // nginx passes a POST, LOCK or PATCH that reached the backend to no next server unless `non_idempotent` is set
        // (ngx_http_proxy_module, proxy_next_upstream, since 1.9.13): only idempotent requests are tried again.
        ...(retries
            ? ["proxy_next_upstream error timeout http_502 http_503;", `proxy_next_upstream_tries ${route.retries + 1};`, `proxy_next_upstream_timeout ${duration(timeoutSeconds)};`]
            : ["proxy_next_upstream off;"]),
    ]);
}

/** The JSON answers of one route's errors, as named locations. */
function errorLocations(r: ResolvedRoute): string[] {
    const name = r.route.name;
    const answer = (code: number, document: Record<string, string | number>) => block(`location @modelship_${code}_${r.id}`, [`return ${code} ${jsonText(document)};`]);
    return [
        ...answer(413, { error: "request body too large", route: name, maxBodyMiB: r.route.maxBodyMiB }),
        ...answer(429, { error: "rate limit exceeded", route: name, consumer: "$modelship_consumer" }),
        ...answer(502, { error: "bad gateway: the backend did not answer", route: name }),
        ...answer(504, { error: "gateway timeout", route: name, timeoutSeconds: r.timeoutSeconds }),
    ];
}

/**
 * The upstream of a route: its one address, listed once per try. nginx tries each server of an upstream at most once
 * per request (proxy_next_upstream_tries only lowers that), so a retry on the same backend needs it listed again;
 * `max_fails=0` keeps a failing backend from being marked down between requests.
 */
function upstream(r: ResolvedRoute): string[] {
    const tries = r.route.retries + 1;
    return block(
        `upstream modelship_${r.id}`,
        Array.from({ length: tries }, () => `server ${r.backend.address} max_fails=0;`),
    );
}

/** The path as the client sent it, without the query string (a key could be sent in it). */
const PATH_MAP = block("map $request_uri $modelship_path", [`default "";`, `"~^(?<modelship_path_only>[^?]*)" $modelship_path_only;`]);

/** The access log's JSON line: no header, no query string (a key could be sent in either). */
const ACCESS_LOG_FORMAT = `'{"time":"$time_iso8601","consumer":"$modelship_consumer","method":"$request_method","path":"$modelship_path","route":"$modelship_route","status":$status,"requestSeconds":$request_time,"upstreamStatus":"$upstream_status","upstreamSeconds":"$upstream_response_time","bytesSent":$body_bytes_sent}'`;

/** The whole nginx.conf of the gateway. Throws on an unresolved value, a bad backend URL or an unusable key. */
export function nginxConfig(spec: GatewaySpec, keys: Record<string, string>, runtime: NginxRuntime): string {
    const routes = spec.routes.map(resolveRoute);
    const grouped = groups(routes);
    const selections = grouped.map((g, i) => selection(g, i));
    const allowMaps = routes.filter((r) => !r.route.anonymous).flatMap((r) => block(`map $modelship_consumer $modelship_allow_${r.id}`, ["default 0;", ...r.route.consumers.map((c) => `"${c}" 1;`)]));
    const server = [
        `listen ${runtime.listen};`,
        "server_name _;",
        ...block(`location = ${HEALTH_PATH}`, ["access_log off;", `return 200 ${jsonText({ status: "ok" })};`]),
        ...grouped.flatMap((g, i) => publicLocations(g, selections[i].value)),
        ...(spec.routes.some((r) => r.pathPrefix === "/") ? [] : block("location /", [`return 404 ${jsonText({ error: "no route matches this path" })};`])),
        ...routes.flatMap((r) => routeLocation(r, spec)),
        ...routes.flatMap(errorLocations),
        ...block("location @modelship_413_any", [`return 413 ${jsonText({ error: "request body too large" })};`]),
    ];
    const http = [
        `client_body_temp_path ${runtime.tempDir}/client_body;`,
        `proxy_temp_path ${runtime.tempDir}/proxy;`,
        `fastcgi_temp_path ${runtime.tempDir}/fastcgi;`,
        `uwsgi_temp_path ${runtime.tempDir}/uwsgi;`,
        `scgi_temp_path ${runtime.tempDir}/scgi;`,
        "server_tokens off;",
        // The gateway's variable names run to 49 characters (`modelship_rate_key_` and a 30-character consumer name),
        // past what nginx's default bucket of 64 bytes holds ("could not build variables_hash").
        "variables_hash_bucket_size 128;",
        "variables_hash_max_size 4096;",
        "map_hash_bucket_size 128;",
        "default_type application/json;",
        ...PATH_MAP,
        `log_format modelship_json escape=json ${ACCESS_LOG_FORMAT};`,
        `access_log ${runtime.accessLog} modelship_json;`,
        "limit_req_status 429;",
        "",
        ...consumerMaps(spec, keys),
        ...allowMaps,
        ...selections.flatMap((s) => s.maps),
        ...routes.flatMap(upstream),
        "",
        ...block("server", server),
    ];
    return [
        `# nginx configuration of the ModelGateway ${spec.name}, generated by modelship. It holds the consumers' API keys: keep it secret.`,
        "daemon off;",
        "worker_processes 1;",
        `pid ${runtime.pidFile};`,
        "error_log stderr warn;",
        ...block("events", ["worker_connections 1024;"]),
        ...block("http", http),
        "",
    ].join("\n");
}

/**
 * The limits of the gcp-loadbalancer target, each with its source, and the rules that follow from them. Pure
 * functions: no resources, so they are tested without the mock runtime.
 */
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import { GatewayAuth } from "../../args";
import { DEFAULT_MAX_BODY_MIB } from "../../defaults";
import { BackendKind, GatewaySpec, RouteSpec } from "../../spec";
import { TimeoutLimit } from "../target";

/**
 * Cloud Run's request timeout maximum, 3,600 s (cloud.google.com/run/docs/configuring/request-timeout). Behind a
 * serverless NEG the backend service timeout does not apply: Cloud Run's own request timeout ends the request.
 */
export const CLOUD_RUN_MAX_TIMEOUT_SECONDS = 3600;

/**
 * The longest backend service timeout Google recommends for external Application Load Balancers, 86,400 s (24 h):
 * Google Front Ends restart for maintenance and end longer connections (cloud.google.com/load-balancing/docs/https#timeout-bes;
 * gcpdiag rule lb/BP/2025_002).
 */
export const BACKEND_SERVICE_MAX_TIMEOUT_SECONDS = 86_400;

/**
 * The windows Cloud Armor counts a rate limit over (`rateLimitThreshold.intervalSec`), in seconds
 * (cloud.google.com/compute/docs/reference/rest/v1/securityPolicies, RateLimitOptions.Threshold).
 */
export const RATE_LIMIT_INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600] as const;

/** Largest `rateLimitThreshold.count` of a throttle rule (cloud.google.com/armor/docs/rate-limiting-overview). */
export const MAX_RATE_LIMIT_COUNT = 1_000_000;

/** Cloud Run's largest HTTP/1 request, 32 MiB (cloud.google.com/run/quotas); the load balancer sets no body limit of its own. */
export const CLOUD_RUN_MAX_HTTP1_REQUEST_MIB = 32;

/** A domain name the managed certificate can be issued for: lower-case labels, at least two, no wildcard. */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Cloud Armor's threshold of one consumer: the shortest window whose count holds the burst. */
export interface RateThreshold {
    count: number;
    intervalSec: number;
}

/**
 * The throttle threshold for `ratePerSecond` and `burst`. Cloud Armor counts requests in fixed windows of
 * `intervalSec`; all of a window's `count` may arrive at once, so the window is the shortest that lets `burst`
 * requests through at once: count = ceil(rate x interval), at least `burst`.
 */
export function rateThreshold(ratePerSecond: number, burst: number): RateThreshold {
    const intervalSec = RATE_LIMIT_INTERVALS.find((s) => Math.ceil(ratePerSecond * s) >= burst) ?? RATE_LIMIT_INTERVALS[RATE_LIMIT_INTERVALS.length - 1];
    return { count: Math.ceil(ratePerSecond * intervalSec), intervalSec };
}

/** The route timeout limit: Cloud Run's 3,600 s when any route goes to Cloud Run, else the backend service's 86,400 s. */
export function gcpTimeoutLimit(spec: GatewaySpec): TimeoutLimit {
    return spec.routes.some((r) => r.backend.kind === BackendKind.CloudRunService)
        ? { seconds: CLOUD_RUN_MAX_TIMEOUT_SECONDS, limit: "Cloud Run's request timeout maximum (3600 s), which ends requests behind a serverless NEG" }
        : { seconds: BACKEND_SERVICE_MAX_TIMEOUT_SECONDS, limit: "the longest backend service timeout Google recommends for a global external Application Load Balancer (86400 s)" };
}

/** `https://host[:port]` with no path, query or user info: what an internet NEG endpoint can express. */
export function parseBackendUrl(url: string): { fqdn: string; port: number } | string {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return "an absolute https:// URL";
    }
    if (parsed.protocol !== "https:") return "an https:// URL (the load balancer reaches internet backends over HTTPS)";
    if ((parsed.pathname !== "/" && parsed.pathname !== "") || parsed.search || parsed.hash || parsed.username || parsed.password) {
        return "an https:// URL without path, query or credentials (an internet NEG names a host and port only; route paths go through unchanged or stripped)";
    }
    if (/^[0-9.]+$/.test(parsed.hostname) || parsed.hostname.startsWith("[")) return "an https:// URL with a host name (an INTERNET_FQDN_PORT NEG takes a fully qualified domain name)";
    return { fqdn: parsed.hostname, port: parsed.port ? Number(parsed.port) : 443 };
}

function routeProblems(route: RouteSpec, index: number): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const at = `routes[${index}]`;
    if (route.retries > 0) {
        problems.push({
            path: `${at}.retries`,
            received: String(route.retries),
            expected: "0 on gcp-loadbalancer: a URL map's retryPolicy cannot be limited to idempotent methods (route rules do not match on the method), so a retried POST could reach the model twice",
        });
    }
    if (route.maxBodyMiB !== DEFAULT_MAX_BODY_MIB) {
        problems.push({
            path: `${at}.maxBodyMiB`,
            received: String(route.maxBodyMiB),
            expected: `no value on gcp-loadbalancer: neither the load balancer nor Cloud Armor can refuse a body by its size (Cloud Run caps HTTP/1 requests at ${CLOUD_RUN_MAX_HTTP1_REQUEST_MIB} MiB itself)`,
        });
    }
    if (route.backend.kind === BackendKind.Url && typeof route.backend.locator === "string") {
        const parsed = parseBackendUrl(route.backend.locator);
        if (typeof parsed === "string") problems.push({ path: `${at}.url`, received: describeValue(route.backend.locator), expected: parsed });
    }
    return problems;
}

function certificateProblems(spec: GatewaySpec): ValidationProblem[] {
    const { domain, sslCertificate } = spec.gcp;
    if (domain === undefined && sslCertificate === undefined) {
        return [{ path: "gcp.domain", received: "none", expected: "a domain (for a Google-managed certificate) or gcp.sslCertificate: the gateway serves HTTPS only, so keys never travel in clear" }];
    }
    if (domain !== undefined && sslCertificate !== undefined) {
        return [
            {
                path: "gcp.sslCertificate",
                received: describeValue(sslCertificate),
                expected: "no value when gcp.domain is set: the gateway has one certificate, Google-managed for the domain or the one given",
            },
        ];
    }
    if (domain !== undefined && !DOMAIN.test(domain)) {
        return [{ path: "gcp.domain", received: describeValue(domain), expected: "a lower-case fully qualified domain name without wildcard, for example models.example.com" }];
    }
    return [];
}

function consumerProblems(spec: GatewaySpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    spec.consumers.forEach((consumer, i) => {
        if (consumer.monthlyQuota !== undefined) {
            problems.push({
                path: `consumers[${i}].monthlyQuota`,
                received: String(consumer.monthlyQuota),
                expected: "no value on gcp-loadbalancer: Cloud Armor counts requests in windows of at most 3600 s and has no monthly counter",
            });
        }
        if (Math.ceil(consumer.ratePerSecond * RATE_LIMIT_INTERVALS[0]) > MAX_RATE_LIMIT_COUNT) {
            problems.push({
                path: `consumers[${i}].ratePerSecond`,
                received: String(consumer.ratePerSecond),
                expected: `at most ${MAX_RATE_LIMIT_COUNT / RATE_LIMIT_INTERVALS[0]} on gcp-loadbalancer (Cloud Armor's largest threshold, ${MAX_RATE_LIMIT_COUNT} requests, over its shortest window, ${RATE_LIMIT_INTERVALS[0]} s)`,
            });
        }
    });
    return problems;
}

/** The rules that hold on gcp-loadbalancer only, in argument paths. */
export function gcpProblems(spec: GatewaySpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.auth === GatewayAuth.Jwt) {
        problems.push({
            path: "auth",
            received: '"jwt"',
            expected: '"api-key" on gcp-loadbalancer: Cloud Armor cannot verify a token\'s signature; JWT needs Identity-Aware Proxy or a verifier in the Cloud Run service',
        });
    }
    problems.push(...certificateProblems(spec), ...spec.routes.flatMap(routeProblems), ...consumerProblems(spec));
    return problems;
}

/**
 * Envoy Gateway's BackendTrafficPolicy (gateway.envoyproxy.io/v1alpha1): consumers' rate limits and monthly quotas, and
 * the request body limit. https://gateway.envoyproxy.io/docs/api/extension_types/#backendtrafficpolicy
 *
 * One policy targets every authenticated HTTPRoute of the gateway, and each consumer's rule is `shared: true`: "the rule
 * is treated as a common bucket and is shared across all policy targets (xRoutes)" (RateLimitRule.shared). Without it,
 * Envoy Gateway counts each route separately ("each Route has its own rate limit counters"), and a consumer allowed on
 * three routes could send three times its rate. Since Envoy Gateway applies one BackendTrafficPolicy to a route, the
 * body limit of the authenticated routes lives in the same policy; anonymous routes, which have no consumer limits, get
 * one policy each.
 *
 * The limits are Global (counted in Envoy Gateway's rate-limit service, across every Envoy replica), which needs the
 * rate-limit service with Redis configured in the EnvoyGateway configuration (`rateLimit.backend`). The service counts
 * in fixed windows aligned to the Unix epoch (envoyproxy/ratelimit `UnitToDivider`); its `Month` is 30 days, not a
 * calendar month, and needs Envoy Gateway 1.5.1 or later (envoyproxy/gateway#6715, #6787).
 * https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/
 */
import { CONSUMER_HEADER, ConsumerSpec } from "../../spec";

/** A rate-limit unit of Envoy Gateway (RateLimitUnit) and its length in seconds. */
const UNITS: ReadonlyArray<{ unit: string; seconds: number }> = [
    { unit: "Second", seconds: 1 },
    { unit: "Minute", seconds: 60 },
    { unit: "Hour", seconds: 3600 },
];

/** A limit as Envoy Gateway counts it: whole requests per unit. */
export interface RateLimitValue {
    requests: number;
    unit: string;
}

/**
 * A rate in requests per second as the smallest unit that makes the count whole: 5/s is 5 per Second, 0.5/s is 30 per
 * Minute, 0.01/s is 36 per Hour. A rate that is whole in no unit (0.0001/s) is rounded down per Hour, never up, so the
 * consumer never gets more than its rate; at least 1 per Hour.
 */
export function rateLimitValue(ratePerSecond: number): RateLimitValue {
    for (const { unit, seconds } of UNITS) {
        const requests = ratePerSecond * seconds;
        // Rates such as 0.1 are not exact in binary: accept a count within a millionth of a whole number.
        if (Math.abs(requests - Math.round(requests)) < 1e-6 && Math.round(requests) >= 1) return { requests: Math.round(requests), unit };
    }
    return { requests: Math.max(1, Math.floor(ratePerSecond * 3600)), unit: "Hour" };
}

/** The header condition that selects a consumer's requests: the name the SecurityPolicy wrote in {@link CONSUMER_HEADER}. */
function consumerSelector(consumer: string): Record<string, unknown> {
    return { headers: [{ name: CONSUMER_HEADER, type: "Exact", value: consumer }] };
}

/** The Global rate-limit rules of the consumers: a rate rule each, and a Month rule for those with a quota; all shared. */
export function consumerRateLimitRules(consumers: ReadonlyArray<ConsumerSpec>): Record<string, unknown>[] {
    return consumers.flatMap((c) => {
        const rate = { clientSelectors: [consumerSelector(c.name)], limit: rateLimitValue(c.ratePerSecond), shared: true };
        if (c.monthlyQuota === undefined) return [rate];
        return [rate, { clientSelectors: [consumerSelector(c.name)], limit: { requests: c.monthlyQuota, unit: "Month" }, shared: true }];
    });
}

/**
 * The largest body limit: Envoy's buffer limit is a 32-bit count of bytes, and a larger `requestBuffer.limit` is
 * accepted by the CRD but rejected by the translator (envoyproxy/gateway#7677: "must be between 0 and 4294967295").
 */
export const MAX_BODY_MIB = 4095;

/**
 * The request body limit: Envoy's buffer filter holds the whole body up to it before the request goes on, and answers
 * 413 Content Too Large above it (BackendTrafficPolicy `requestBuffer`, Envoy Gateway 1.4 or later).
 */
export function requestBuffer(maxBodyMiB: number): Record<string, unknown> {
    return { limit: `${maxBodyMiB}Mi` };
}

/** A BackendTrafficPolicy's `spec` for HTTPRoutes by name (same namespace). */
export function trafficPolicySpec(routeNames: ReadonlyArray<string>, maxBodyMiB: number, consumers: ReadonlyArray<ConsumerSpec>): Record<string, unknown> {
    const spec: Record<string, unknown> = {
        targetRefs: routeNames.map((name) => ({ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name })),
        requestBuffer: requestBuffer(maxBodyMiB),
    };
    if (consumers.length > 0) spec.rateLimit = { type: "Global", global: { rules: consumerRateLimitRules(consumers) } };
    return spec;
}

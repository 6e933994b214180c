/**
 * The URL map: one path matcher whose route rules, most specific first (priority 1, 2, ...: see `routePriorities`), match a route's
 * prefix as a whole path segment (`fullPathMatch` of the prefix, or `prefixMatch` of the prefix and `/`) and its
 * header with `exactMatch`; `urlRewrite.pathPrefixRewrite: "/"` strips the prefix, and for a URL backend
 * `hostRewrite` sends the backend's own host. Route rules, header matches and URL rewrites are supported by the global
 * external Application Load Balancer (EXTERNAL_MANAGED) (cloud.google.com/load-balancing/docs/https/traffic-management-global).
 * Anything no route matches goes to the default service, answered 404 by Cloud Armor.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GatewaySpec, RouteSpec } from "../../spec";

type RouteRule = gcp.types.input.compute.URLMapPathMatcherRouteRule;
type MatchRule = gcp.types.input.compute.URLMapPathMatcherRouteRuleMatchRule;

/** The path matcher's name (the host rule points at it). */
export const PATH_MATCHER = "routes";

/** The match rules of a route: the prefix as a whole segment, with the header when the route names one. */
export function matchRules(route: RouteSpec): MatchRule[] {
    const headerMatches = route.header ? [{ headerName: route.header.name.toLowerCase(), exactMatch: route.header.value }] : undefined;
    if (route.pathPrefix === "/") return [{ prefixMatch: "/", headerMatches }];
    return [
        { fullPathMatch: route.pathPrefix, headerMatches },
        { prefixMatch: `${route.pathPrefix}/`, headerMatches },
    ];
}

/**
 * Each route's priority in the URL map, by route name. The URL map takes the first rule that matches, by priority,
 * whereas the Gateway API and nginx take the most specific match; so that a route means the same on every target the
 * priorities follow the Gateway API's precedence: the longest prefix first (`/fraud/v2` before `/fraud` before `/`),
 * then at the same prefix a route with a header before the one without (else the header route would never match).
 * Ties keep the order of `routes`.
 */
export function routePriorities(routes: readonly RouteSpec[]): Map<string, number> {
    const rank = (r: RouteSpec) => (r.pathPrefix === "/" ? 0 : r.pathPrefix.length) * 2 + (r.header ? 1 : 0);
    const ordered = routes.map((route, i) => ({ route, i })).sort((a, b) => rank(b.route) - rank(a.route) || a.i - b.i);
    return new Map(ordered.map(({ route }, k) => [route.name, k + 1]));
}

/** The route rule of a route: its priority, its matches, its rewrites, its backend service. */
export function routeRule(route: RouteSpec, priority: number, service: pulumi.Input<string>, host?: pulumi.Input<string>): RouteRule {
    const strip = route.stripPrefix && route.pathPrefix !== "/";
    const urlRewrite = strip || host !== undefined ? { pathPrefixRewrite: strip ? "/" : undefined, hostRewrite: host } : undefined;
    return { priority, matchRules: matchRules(route), service, routeAction: urlRewrite ? { urlRewrite } : undefined };
}

/** The URL map of the gateway. */
export function urlMap(spec: GatewaySpec, name: string, rules: RouteRule[], notFound: gcp.compute.BackendService, parent: pulumi.Resource): gcp.compute.URLMap {
    return new gcp.compute.URLMap(
        `${spec.name}-url-map`,
        {
            name,
            description: `modelship ModelGateway ${spec.name}`,
            defaultService: notFound.id,
            hostRules: [{ hosts: [spec.gcp.domain ?? "*"], pathMatcher: PATH_MATCHER }],
            pathMatchers: [{ name: PATH_MATCHER, defaultService: notFound.id, routeRules: rules }],
        },
        { parent },
    );
}

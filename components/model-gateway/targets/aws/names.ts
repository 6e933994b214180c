/**
 * Logical names of the aws-apigateway target's resources, in one place: deploy and the cost model (cost.ts) list the
 * same resources under the same names.
 */
import { BackendKind, GatewaySpec, RouteSpec } from "../../spec";

/** The path of the `{proxy+}` child of a prefix: `/fraud/{proxy+}`, or `/{proxy+}` under the root. */
export function proxyPath(pathPrefix: string): string {
    return pathPrefix === "/" ? "/{proxy+}" : `${pathPrefix}/{proxy+}`;
}

/**
 * Every API resource path the routes need, parents before children: each prefix's segments (`/fraud/v2` needs
 * `/fraud` and `/fraud/v2`; the root `/` exists with the API) and each prefix's `{proxy+}` child.
 */
export function resourcePaths(spec: GatewaySpec): string[] {
    const paths = new Set<string>();
    for (const route of spec.routes) {
        const segments = route.pathPrefix.split("/").filter(Boolean);
        segments.forEach((_, i) => paths.add(`/${segments.slice(0, i + 1).join("/")}`));
        paths.add(proxyPath(route.pathPrefix));
    }
    const depth = (p: string) => p.split("/").length;
    return [...paths].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

/** The logical name of the API resource at `path`, for example `gw/fraud/{proxy+}`. */
export const resourceName = (spec: GatewaySpec, path: string) => `${spec.name}${path}`;

/** The two places a route answers: its prefix and the prefix's `{proxy+}` child. */
export type RouteSlot = "prefix" | "proxy";
export const ROUTE_SLOTS: readonly RouteSlot[] = ["prefix", "proxy"];

/** `<gateway>-<route>` or `<gateway>-<route>-proxy`, the base of the names of one slot's method and integration. */
export const slotName = (spec: GatewaySpec, route: RouteSpec, slot: RouteSlot) => `${spec.name}-${route.name}${slot === "proxy" ? "-proxy" : ""}`;

/** The statuses a route's method answers, with the integration response's selection pattern (none for the default). */
export interface StatusMapping {
    statusCode: string;
    selectionPattern?: string;
    /** A status set by a response template (`$context.responseOverride.status`): a method response, no integration response. */
    methodOnly?: boolean;
}

/**
 * SageMaker runtime's answers: 200 passed through; 429 (throttled) as 429; its other 4xx (a model error is 424, a bad
 * request 400) as 400; 5xx as 502, the backend failed. The patterns do not overlap (API Gateway matches the whole
 * status code against each).
 */
export const SAGEMAKER_STATUSES: readonly StatusMapping[] = [
    { statusCode: "200" },
    { statusCode: "400", selectionPattern: "4[0-13-9]\\d|42[0-8]" },
    { statusCode: "429", selectionPattern: "429" },
    { statusCode: "502", selectionPattern: "5\\d{2}" },
];

/**
 * StartSyncExecution's answers: 200 carries the execution's result (the response template turns a failed execution into
 * 502 and a timed-out one into 504); any 4xx or 5xx from Step Functions itself (throttled, refused) is 502.
 */
export const STATE_MACHINE_STATUSES: readonly StatusMapping[] = [{ statusCode: "200" }, { statusCode: "502", selectionPattern: "[45]\\d{2}" }, { statusCode: "504", methodOnly: true }];

/** The statuses of a route's methods that need method and integration responses (none for the proxy integrations). */
export function statusesOf(route: RouteSpec): readonly StatusMapping[] {
    if (route.backend.kind === BackendKind.SageMakerEndpoint) return SAGEMAKER_STATUSES;
    if (route.backend.kind === BackendKind.StateMachine) return STATE_MACHINE_STATUSES;
    return [];
}

/** Whether the route's backend is called with a role of its own (AWS service integrations). */
export const needsRole = (route: RouteSpec) => route.backend.kind === BackendKind.SageMakerEndpoint || route.backend.kind === BackendKind.StateMachine;

/**
 * What the gateway checks share: the ModelGateway route a resource serves (for `anonymousRoutes` and to leave a
 * ModelGateway's children to its own check), and links between cloud resources that hold each other's ID or self link.
 *
 * A link is followed two ways, and the results are joined: by value, when the referring field holds a known string
 * that names the resource (its `name`, its `id`, or an ID or self link ending in `/<name>`); and by dependency, the resources of
 * the wanted type among the referring resource's `dependencies`. During preview an ID is unknown but the dependency is
 * known; a hand-written reference to a resource outside the stack is followed by value only, and finds nothing.
 */
import { bool, get, list, str } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";
import { MODEL_GATEWAY_TYPE } from "./types";

/** A ModelGateway route: the component's resource name and the route's name. */
export interface GatewayRoute {
    gateway: string;
    route: string;
}

/** The ModelGateway component a resource is a child of, or undefined. */
export function modelGatewayOf(r: PlainResource, resources: ReadonlyArray<PlainResource>): PlainResource | undefined {
    if (r.parent === undefined) return undefined;
    return resources.find((p) => p.urn === r.parent && p.type === MODEL_GATEWAY_TYPE);
}

/**
 * A ModelGateway's `policyView` output (components/model-gateway/policy-view.ts): under `pulumi preview --policy-pack` a
 * stack policy sees a component's registered outputs, not its arguments, so the view is where the routes are. The
 * offline plan has both (`outputs` holds it). Undefined when absent (a hand-built record, a gateway of an older version).
 */
export function policyViewOf(gateway: PlainResource): unknown {
    for (const root of [gateway.inputs, gateway.outputs]) {
        const view = root === undefined ? undefined : get(root, "policyView");
        if (view !== undefined) return view;
    }
    return undefined;
}

/**
 * A ModelGateway's routes: those of its policy view, else those of its arguments (the same field names for what both
 * hold: `name`, `anonymous`, `coldStartSeconds`, `requestSeconds`, `timeoutSeconds`, `allowShortTimeout`).
 */
export function gatewayRoutes(gateway: PlainResource): unknown[] {
    return list(policyViewOf(gateway) ?? gateway.inputs, "routes");
}

/** The names of a ModelGateway's routes; empty when they cannot be read. */
export function gatewayRouteNames(gateway: PlainResource): string[] {
    try {
        return gatewayRoutes(gateway)
            .map((route) => str(route, "name"))
            .filter((n): n is string => n !== undefined);
    } catch {
        return [];
    }
}

/**
 * The ModelGateway route a child resource serves: every target names a route's resources `<gateway>-<route>` or
 * `<gateway>-<route>-<part>` (the longest route name that fits wins: `fraud-v2` over `fraud`). Undefined for a resource
 * outside a ModelGateway, or one of the gateway as a whole (the Gateway, the 404 service).
 */
export function gatewayRouteOf(r: PlainResource, resources: ReadonlyArray<PlainResource>): GatewayRoute | undefined {
    const gateway = modelGatewayOf(r, resources);
    if (!gateway) return undefined;
    const fits = gatewayRouteNames(gateway).filter((route) => r.name === `${gateway.name}-${route}` || r.name.startsWith(`${gateway.name}-${route}-`));
    const route = fits.sort((a, b) => b.length - a.length)[0];
    return route === undefined ? undefined : { gateway: gateway.name, route };
}

/**
 * Whether the ModelGateway route a child resource serves is written `anonymous: true` in the component's arguments;
 * undefined outside a ModelGateway or when the arguments cannot be read.
 */
export function gatewayRouteAnonymous(r: PlainResource, resources: ReadonlyArray<PlainResource>): boolean | undefined {
    const route = gatewayRouteOf(r, resources);
    const gateway = modelGatewayOf(r, resources);
    if (!route || !gateway) return undefined;
    try {
        const args = gatewayRoutes(gateway).find((a) => str(a, "name") === route.route);
        return args === undefined ? undefined : bool(args, "anonymous") === true;
    } catch {
        return undefined;
    }
}

/**
 * The name `anonymousRoutes` lists a route by: `<gateway>/<route>` for a ModelGateway's route (the same on every
 * target), else the flagged resource's own resource name (the last part of its URN, as findings show it).
 */
export function anonymousRouteKey(r: PlainResource, resources: ReadonlyArray<PlainResource>): string {
    const route = gatewayRouteOf(r, resources);
    return route ? `${route.gateway}/${route.route}` : r.name;
}

/** A resource's physical name: the `name` input, else the provider's output, else the resource name. */
function physicalName(r: PlainResource): string {
    try {
        return str(r.inputs, "name") ?? str(r.outputs, "name") ?? r.name;
    } catch {
        return r.name;
    }
}

/** Every known string held at any depth of a value; unknown values are skipped. */
function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value !== null && typeof value === "object" && !(value instanceof Promise)) return Object.values(value).flatMap(strings);
    return [];
}

/** A resource's ID where its state holds one (the engine's view of a created resource); undefined otherwise. */
function idOf(r: PlainResource): string | undefined {
    const id = r.inputs.id ?? r.outputs?.id;
    return typeof id === "string" && id !== "" ? id : undefined;
}

/** Whether a reference (a name, an ID or a self link) names the resource. */
function names(reference: string, r: PlainResource): boolean {
    const name = physicalName(r);
    return reference === name || reference.endsWith(`/${name}`) || reference === idOf(r);
}

/**
 * The resources of `types` that `from` refers to at `path` (any depth; the whole inputs without a path), by value or by
 * dependency (see the file comment), without duplicates.
 */
export function linked(from: PlainResource, path: string | undefined, types: ReadonlySet<string>, resources: ReadonlyArray<PlainResource>): PlainResource[] {
    let value: unknown;
    try {
        value = path === undefined ? from.inputs : get(from.inputs, path);
    } catch {
        value = undefined; // unknown during preview: the dependencies still link
    }
    const references = strings(value);
    const candidates = resources.filter((r) => types.has(r.type) && r.urn !== from.urn);
    const byValue = candidates.filter((r) => references.some((ref) => names(ref, r)));
    const byDependency = candidates.filter((r) => from.dependencies?.includes(r.urn));
    return [...new Set([...byValue, ...byDependency])];
}

/** Whether `from` names anything at `path`: a value is given there, known or not (a reference outside the stack, or unknown). */
export function refersAt(from: PlainResource, path: string): boolean {
    try {
        return get(from.inputs, path) !== undefined;
    } catch {
        return true; // an unknown value: something is referred to
    }
}

/**
 * The rules of ModelGateway's arguments that span fields: one backend per route that the target can reach, unique
 * names and matches, consumers' routes, keys, JWT, and routes no one could call. Each returns problems in argument
 * paths; none prints an API key.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeValue, isDeferred, ValidationProblem } from "../../sdk/validate";
import { GatewayAuth } from "./args";
import { MIN_KEY_LENGTH } from "./defaults";
import { ParsedConsumerArgs, ParsedGatewayArgs, ParsedRouteArgs } from "./schema";
import { BackendKind, BackendSpec } from "./spec";
import { GatewayTargetImpl } from "./targets/target";

/** Every backend argument of a route, in the order the docs list them. */
export const BACKEND_FIELDS: readonly BackendKind[] = [BackendKind.Url, BackendKind.SageMakerEndpoint, BackendKind.LambdaFunction, BackendKind.StateMachine, BackendKind.CloudRunService];

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");
const orList = (values: readonly string[]) => (values.length <= 1 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`);
const andList = (values: readonly string[]) => (values.length <= 1 ? values.join("") : `${values.slice(0, -1).join(", ")} and ${values[values.length - 1]}`);

/** The route's one backend, or the problem: none or several given, or a kind the target cannot reach. */
export function backendOf(route: ParsedRouteArgs, i: number, target: GatewayTargetImpl): { backend?: BackendSpec; problems: ValidationProblem[] } {
    const given = BACKEND_FIELDS.filter((kind) => route[kind] !== undefined);
    if (given.length !== 1) {
        return {
            problems: [
                {
                    path: `routes[${i}]`,
                    received: given.length === 0 ? "no backend" : `${andList(given)} (${given.length} backends)`,
                    expected: `exactly one backend: ${orList(BACKEND_FIELDS)}`,
                },
            ],
        };
    }
    const kind = given[0];
    if (!target.backends.includes(kind)) {
        return {
            problems: [
                {
                    path: `routes[${i}].${kind}`,
                    received: describeValue(route[kind]),
                    expected: `a backend target ${JSON.stringify(target.target)} routes to: ${orList(target.backends)}`,
                },
            ],
        };
    }
    return { backend: { kind, locator: route[kind] as pulumi.Input<string> }, problems: [] };
}

/** What a route matches, as one comparable string: its prefix and its header (name in lowercase) or none. */
export function matchKey(route: ParsedRouteArgs): string {
    return route.header ? `${route.pathPrefix} ${route.header.name.toLowerCase()}: ${route.header.value}` : route.pathPrefix;
}

function describeMatch(route: ParsedRouteArgs): string {
    return route.header
        ? `path prefix ${JSON.stringify(route.pathPrefix)} and header ${route.header.name.toLowerCase()}: ${JSON.stringify(route.header.value)}`
        : `path prefix ${JSON.stringify(route.pathPrefix)} and no header`;
}

/** Duplicate route names, and two routes with the same match (the second one of each pair is the problem). */
export function routeProblems(routes: readonly ParsedRouteArgs[]): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const byName = new Map<string, number>();
    const byMatch = new Map<string, number>();
    routes.forEach((route, i) => {
        const sameName = byName.get(route.name);
        if (sameName !== undefined) {
            problems.push({ path: `routes[${i}].name`, received: JSON.stringify(route.name), expected: `a name no other route has (routes[${sameName}] is named ${JSON.stringify(route.name)})` });
        } else byName.set(route.name, i);
        const key = matchKey(route);
        const sameMatch = byMatch.get(key);
        if (sameMatch !== undefined) {
            const other = routes[sameMatch];
            problems.push({
                path: `routes[${i}].pathPrefix`,
                received: `${describeMatch(route)}, the match of route ${JSON.stringify(other.name)} (routes[${sameMatch}])`,
                expected: `a match no other route has: routes ${JSON.stringify(other.name)} and ${JSON.stringify(route.name)} would both take the same requests; give one a different pathPrefix or header`,
            });
        } else byMatch.set(key, i);
    });
    return problems;
}

/** Why a plain API key is refused (never printing it), or undefined. */
export function keyLengthProblem(key: string, path: string): ValidationProblem | undefined {
    if (key.length >= MIN_KEY_LENGTH) return undefined;
    return {
        path,
        received: `a key of ${key.length} character${key.length === 1 ? "" : "s"}`,
        expected: `a key of at least ${MIN_KEY_LENGTH} characters (API Gateway's minimum for an API key, kept on every target), or no apiKey to have one generated`,
    };
}

/** Duplicate consumer names, routes that do not exist, keys too short or given with JWT. */
export function consumerProblems(consumers: readonly ParsedConsumerArgs[], routes: readonly ParsedRouteArgs[], auth: GatewayAuth): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const routeNames = routes.map((r) => r.name);
    const seen = new Map<string, number>();
    consumers.forEach((consumer, i) => {
        const same = seen.get(consumer.name);
        if (same !== undefined) {
            problems.push({
                path: `consumers[${i}].name`,
                received: JSON.stringify(consumer.name),
                expected: `a name no other consumer has (consumers[${same}] is named ${JSON.stringify(consumer.name)})`,
            });
        } else seen.set(consumer.name, i);
        consumer.routes?.forEach((route, k) => {
            if (!routeNames.includes(route)) {
                problems.push({ path: `consumers[${i}].routes[${k}]`, received: JSON.stringify(route), expected: `the name of a route of this gateway: ${quoted(routeNames)}` });
            }
        });
        if (consumer.apiKey !== undefined) {
            if (auth === GatewayAuth.Jwt) {
                problems.push({ path: `consumers[${i}].apiKey`, received: "a key", expected: `no apiKey with auth "jwt" (the consumer is named by its token's claim)` });
            } else if (!isDeferred(consumer.apiKey)) {
                const problem = keyLengthProblem(consumer.apiKey as string, `consumers[${i}].apiKey`);
                if (problem) problems.push(problem);
            }
        }
    });
    return problems;
}

/** `auth: jwt` needs `jwt`, and `jwt` needs `auth: jwt`. */
export function authProblems(args: ParsedGatewayArgs, auth: GatewayAuth): ValidationProblem[] {
    if (auth === GatewayAuth.Jwt && args.jwt === undefined) {
        return [{ path: "jwt", received: describeValue(undefined), expected: `the JWT settings (issuer and jwksUri) with auth "jwt"` }];
    }
    if (auth !== GatewayAuth.Jwt && args.jwt !== undefined) {
        return [{ path: "jwt", received: describeValue(args.jwt), expected: `no jwt settings with auth ${JSON.stringify(auth)} (write auth: "jwt" to use them)` }];
    }
    return [];
}

/** The consumers allowed on each route: those whose `routes` name it, or (without `routes`) every consumer. */
export function consumersOfRoute(route: ParsedRouteArgs, consumers: readonly ParsedConsumerArgs[]): string[] {
    if (route.anonymous === true) return [];
    return consumers.filter((c) => (c.routes === undefined ? true : c.routes.includes(route.name))).map((c) => c.name);
}

/** A route that is not anonymous and that no consumer may call: no one could call it. */
export function unreachableRouteProblems(routes: readonly ParsedRouteArgs[], consumers: readonly ParsedConsumerArgs[]): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    routes.forEach((route, i) => {
        if (route.anonymous === true || consumersOfRoute(route, consumers).length > 0) return;
        problems.push({
            path: `routes[${i}]`,
            received: `route ${JSON.stringify(route.name)}, which ${consumers.length === 0 ? "no consumer may call (the gateway has no consumers)" : "no consumer's routes include"}`,
            expected: `a route someone may call: add a consumer allowed on ${JSON.stringify(route.name)}, or write anonymous: true to let anyone call it without a key`,
        });
    });
    return problems;
}

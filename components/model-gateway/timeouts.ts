/**
 * A route's timeout against its backend's cold start and request time, and against the target's hard limit. The
 * timeout a route needs is `coldStartSeconds + requestSeconds`: a request that arrives while the backend is at zero
 * waits for it to start, then for the answer. A given timeout above the target's limit is refused; a given timeout
 * below the need is refused unless `allowShortTimeout`; the default is the need, capped at the limit with a warning.
 */
import * as pulumi from "@pulumi/pulumi";
import { isDeferred, ValidationProblem } from "../../sdk/validate";
import { TimeoutLimit } from "./targets/target";

/** A route's timing arguments, as the resolution sees them. */
export interface RouteTiming {
    name: string;
    coldStartSeconds: pulumi.Input<number>;
    requestSeconds: pulumi.Input<number>;
    timeoutSeconds?: number;
    allowShortTimeout: boolean;
}

/** The resolved timeout of one route, and what to say about it. */
export interface ResolvedTimeout {
    /** A number, or an Output when cold start or request time are Outputs and no timeout was given. */
    timeoutSeconds: pulumi.Input<number>;
    problems: ValidationProblem[];
    /** Warnings known now. */
    warnings: string[];
    /**
     * When cold start or request time are Outputs: the problems and warnings found once they resolve (the deferred
     * check refuses the problems; the component logs the warnings).
     */
    later?: pulumi.Output<{ problems: ValidationProblem[]; warnings: string[] }>;
}

const need = (cold: number, request: number) => `a cold start of ${cold} s plus a request of ${request} s needs ${cold + request} s`;

/** The problem of a given timeout shorter than the backend needs, or undefined. */
function shortProblem(route: RouteTiming, i: number, cold: number, request: number): ValidationProblem | undefined {
    const given = route.timeoutSeconds;
    if (given === undefined || route.allowShortTimeout || given >= cold + request) return undefined;
    return {
        path: `routes[${i}].timeoutSeconds`,
        received: String(given),
        expected: `at least ${cold + request} (${need(cold, request)}), or allowShortTimeout: true to answer 504 to requests that arrive while the backend is cold`,
    };
}

/** The warning when the default timeout is capped by the target's limit, or undefined. */
function cappedWarning(route: RouteTiming, cold: number, request: number, limit: TimeoutLimit | undefined): string | undefined {
    if (route.timeoutSeconds !== undefined || limit === undefined || cold + request <= limit.seconds) return undefined;
    return (
        `route "${route.name}": timeout capped at ${limit.seconds} s (${limit.limit}), but ${need(cold, request)}: ` +
        `requests that arrive while the backend starts will be answered 504. Keep a replica warm (scaling.minReplicas >= 1), ` +
        `use the service's queue mode, or raise the limit; write timeoutSeconds (with allowShortTimeout) to silence this.`
    );
}

/** The default timeout: the need, capped at the limit. */
function defaultTimeout(cold: number, request: number, limit: TimeoutLimit | undefined): number {
    return limit === undefined ? cold + request : Math.min(cold + request, limit.seconds);
}

/**
 * Resolves one route's timeout.
 *
 * @param route the route's timing arguments (cold start and request time given or defaulted)
 * @param i the route's index, for argument paths
 * @param limit the target's hard limit, or undefined when it has none
 */
export function resolveTimeout(route: RouteTiming, i: number, limit: TimeoutLimit | undefined): ResolvedTimeout {
    const problems: ValidationProblem[] = [];
    if (route.timeoutSeconds !== undefined && limit !== undefined && route.timeoutSeconds > limit.seconds) {
        problems.push({ path: `routes[${i}].timeoutSeconds`, received: String(route.timeoutSeconds), expected: `at most ${limit.seconds} (${limit.limit})` });
    }
    if (!isDeferred(route.coldStartSeconds) && !isDeferred(route.requestSeconds)) {
        const cold = route.coldStartSeconds as number;
        const request = route.requestSeconds as number;
        const short = problems.length === 0 ? shortProblem(route, i, cold, request) : undefined;
        const warning = cappedWarning(route, cold, request, limit);
        return {
            timeoutSeconds: route.timeoutSeconds ?? defaultTimeout(cold, request, limit),
            problems: short ? [...problems, short] : problems,
            warnings: warning ? [warning] : [],
        };
    }
    const known = pulumi.all([route.coldStartSeconds, route.requestSeconds]);
    const later = known.apply(([cold, request]) => {
        const short = problems.length === 0 ? shortProblem(route, i, cold, request) : undefined;
        const warning = cappedWarning(route, cold, request, limit);
        return { problems: short ? [short] : [], warnings: warning ? [warning] : [] };
    });
    return {
        timeoutSeconds: route.timeoutSeconds ?? known.apply(([cold, request]) => defaultTimeout(cold, request, limit)),
        problems,
        warnings: [],
        later,
    };
}

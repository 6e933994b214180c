/**
 * From parsed arguments to the GatewaySpec every target reads: defaults applied (defaults.ts), every rule that spans
 * fields checked (checks.ts, timeouts.ts), then the target's own rules. Values still unknown (Outputs) are checked
 * when they resolve, through `later`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Resolution } from "../../sdk/component";
import { stackTagDefaults } from "../../sdk/naming";
import { foreignBlockProblems, isDeferred, ValidationProblem, withDefaults } from "../../sdk/validate";
import { GatewayAuth, GatewayTarget } from "./args";
import { DEFAULT_NGINX_IMAGE } from "./targets/docker-image";
import { authProblems, backendOf, consumerProblems, consumersOfRoute, keyLengthProblem, routeProblems, unreachableRouteProblems } from "./checks";
import {
    DEFAULT_DOCKER_PORT,
    DEFAULT_GATEWAY_CLASS,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_MAX_BODY_MIB,
    DEFAULT_MAX_INTEGRATION_TIMEOUT_SECONDS,
    DEFAULT_NAMESPACE,
    DEFAULT_REQUEST_SECONDS,
    DEFAULT_STAGE_NAME,
} from "./defaults";
import { BLOCK_OF, ParsedGatewayArgs } from "./schema";
import { BackendKind, BackendSpec, ConsumerSpec, GatewaySpec, RouteSpec } from "./spec";
import { GATEWAY_TARGETS } from "./targets";
import { GatewayTargetImpl } from "./targets/target";
import { resolveTimeout } from "./timeouts";

/** AWS region when neither `aws.region` nor the `aws:region` config is set. */
export const DEFAULT_AWS_REGION = "us-east-1";
/** GCP region when neither `gcp.region` nor the `gcp:region` config is set. */
export const DEFAULT_GCP_REGION = "us-central1";

/** Targets on which a failed idempotent request is tried again by default (the others cannot retry). */
const RETRYING_TARGETS: readonly GatewayTarget[] = [GatewayTarget.Kubernetes, GatewayTarget.Docker];

/** The resolved gateway, and what is checked once Output arguments resolve. */
export interface ResolvedGateway {
    spec: GatewaySpec;
    /**
     * Problems and warnings found once Output arguments are known (given keys' lengths, cold starts and request
     * times): the component refuses the problems and logs the warnings. Undefined when every argument was plain.
     */
    later?: pulumi.Output<{ problems: ValidationProblem[]; warnings: string[] }>;
}

function settings(args: ParsedGatewayArgs): Pick<GatewaySpec, "kubernetes" | "aws" | "gcp" | "docker" | "tags"> {
    return {
        kubernetes: withDefaults({ namespace: DEFAULT_NAMESPACE, gatewayClassName: DEFAULT_GATEWAY_CLASS }, args.kubernetes),
        aws: withDefaults(
            {
                region: new pulumi.Config("aws").get("region") ?? DEFAULT_AWS_REGION,
                stageName: DEFAULT_STAGE_NAME,
                maxIntegrationTimeoutSeconds: DEFAULT_MAX_INTEGRATION_TIMEOUT_SECONDS,
                logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
            },
            args.aws,
        ),
        gcp: withDefaults({ region: new pulumi.Config("gcp").get("region") ?? DEFAULT_GCP_REGION }, args.gcp),
        // The docker target's pinned nginx image (targets/docker-image.ts, where its digest's source is recorded).
        docker: withDefaults({ port: DEFAULT_DOCKER_PORT, image: DEFAULT_NGINX_IMAGE }, args.docker),
        tags: { ...stackTagDefaults(), ...(args.tags ?? {}) },
    };
}

function consumerSpecs(args: ParsedGatewayArgs, auth: GatewayAuth): ConsumerSpec[] {
    const routes = args.routes.filter((r) => r.anonymous !== true).map((r) => r.name);
    return (args.consumers ?? []).map((c) => ({
        name: c.name,
        apiKey: auth === GatewayAuth.ApiKey ? c.apiKey : undefined,
        ratePerSecond: c.ratePerSecond,
        burst: c.burst ?? Math.ceil(2 * c.ratePerSecond),
        monthlyQuota: c.monthlyQuota,
        routes: c.routes ? [...new Set(c.routes)] : routes,
    }));
}

/** Output keys' lengths, checked when they resolve (the key is never printed). */
function laterKeyProblems(args: ParsedGatewayArgs, auth: GatewayAuth): pulumi.Output<ValidationProblem[]>[] {
    if (auth !== GatewayAuth.ApiKey) return [];
    return (args.consumers ?? []).flatMap((c, i) =>
        isDeferred(c.apiKey)
            ? [
                  pulumi.output(c.apiKey as pulumi.Input<string>).apply((key) => {
                      const problem = keyLengthProblem(key, `consumers[${i}].apiKey`);
                      return problem ? [problem] : [];
                  }),
              ]
            : [],
    );
}

/**
 * Resolves ModelGateway's parsed arguments.
 *
 * @param name the component's name
 * @param args the parsed arguments (schema passed)
 * @param targets the target table (the real one by default; tests pass their own)
 * @returns the spec and what to check later, or every problem found
 */
export function resolveGatewaySpec(name: string, args: ParsedGatewayArgs, targets: Record<GatewayTarget, GatewayTargetImpl> = GATEWAY_TARGETS): Resolution<ResolvedGateway> {
    const target = targets[args.target];
    const auth = args.auth ?? GatewayAuth.ApiKey;
    const consumers = args.consumers ?? [];
    const problems: ValidationProblem[] = [
        ...foreignBlockProblems(args, { field: "target", value: args.target }, BLOCK_OF),
        ...authProblems(args, auth),
        ...routeProblems(args.routes),
        ...consumerProblems(consumers, args.routes, auth),
        ...unreachableRouteProblems(args.routes, consumers),
    ];
    const backends: BackendSpec[] = [];
    args.routes.forEach((route, i) => {
        const { backend, problems: backendProblems } = backendOf(route, i, target);
        problems.push(...backendProblems);
        if (backend) backends.push(backend);
    });
    if (problems.length > 0) return { problems };

    const retries = RETRYING_TARGETS.includes(args.target) ? 1 : 0;
    const routes: RouteSpec[] = args.routes.map((route, i) => ({
        name: route.name,
        pathPrefix: route.pathPrefix,
        header: route.header ? { name: route.header.name.toLowerCase(), value: route.header.value } : undefined,
        // A Lambda proxy integration passes the whole path and API Gateway cannot rewrite it: no stripping by default there.
        stripPrefix: route.stripPrefix ?? backends[i].kind !== BackendKind.LambdaFunction,
        backend: backends[i],
        coldStartSeconds: route.coldStartSeconds ?? 0,
        requestSeconds: route.requestSeconds ?? DEFAULT_REQUEST_SECONDS,
        // Set below, once the target's limit (which may read the spec) is known.
        timeoutSeconds: 0,
        maxBodyMiB: route.maxBodyMiB ?? DEFAULT_MAX_BODY_MIB,
        retries: route.retries ?? retries,
        anonymous: route.anonymous ?? false,
        consumers: consumersOfRoute(route, consumers),
    }));
    const spec: GatewaySpec = {
        name,
        target: args.target,
        auth,
        jwt: args.jwt ? { ...args.jwt, consumerClaim: args.jwt.consumerClaim ?? "sub" } : undefined,
        routes,
        consumers: consumerSpecs(args, auth),
        ...settings(args),
    };

    const limit = target.timeoutLimit(spec);
    const warnings: string[] = [];
    const later: pulumi.Output<ValidationProblem[]>[] = laterKeyProblems(args, auth);
    const laterWarnings: pulumi.Output<string[]>[] = [];
    routes.forEach((route, i) => {
        const given = args.routes[i];
        const resolved = resolveTimeout({ ...route, timeoutSeconds: given.timeoutSeconds, allowShortTimeout: given.allowShortTimeout ?? false }, i, limit);
        route.timeoutSeconds = resolved.timeoutSeconds;
        problems.push(...resolved.problems);
        warnings.push(...resolved.warnings);
        if (resolved.later) {
            later.push(resolved.later.apply((l) => l.problems));
            laterWarnings.push(resolved.later.apply((l) => l.warnings));
        }
    });
    problems.push(...target.validate(spec));
    if (problems.length > 0) return { problems };

    const deferred = later.length + laterWarnings.length === 0 ? undefined : pulumi.all([pulumi.all(later), pulumi.all(laterWarnings)]).apply(([p, w]) => ({ problems: p.flat(), warnings: w.flat() }));
    return { value: { spec, later: deferred }, problems: [], warnings };
}

/** ModelGateway's arguments: every bad input refused with its exact message before anything is registered; defaults resolved. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayAuth, GatewayTarget, ModelGateway, ModelGatewayArgs } from "../../index";
import { resolveGatewaySpec, ResolvedGateway } from "../../components/model-gateway/resolve";
import { gatewaySchema } from "../../components/model-gateway/schema";
import { BackendKind } from "../../components/model-gateway/spec";
import { DEFAULT_NGINX_IMAGE } from "../../components/model-gateway/targets/docker-image";
import { validateComponent } from "../../sdk/component";
import { outputValue, useMockRuntime } from "../harness";
import { route, TABLE } from "./fixtures";

const rt = useMockRuntime({ config: { "aws:region": "eu-west-1" } });

const TYPE = "modelship:index:ModelGateway";
const consumer = (name: string, extra: Record<string, unknown> = {}) => ({ name, ratePerSecond: 10, ...extra });

/** Validates and resolves as the component does, against the test table (aws-apigateway with its 29 s limit). */
function resolve(args: unknown) {
    return validateComponent(TYPE, "gw", gatewaySchema, args, (parsed) => resolveGatewaySpec("gw", parsed, TABLE));
}

const message = (problems: string[]) => [`${TYPE} "gw": ${problems.length === 1 ? "1 invalid argument" : `${problems.length} invalid arguments`}:`, ...problems.map((p) => `  - ${p}`)].join("\n");

const base = (extra: Partial<ModelGatewayArgs> = {}): ModelGatewayArgs => ({
    target: GatewayTarget.Docker,
    routes: [route("fraud", "/fraud")],
    consumers: [consumer("checkout")],
    ...extra,
});

const invalid: Array<[string, unknown, string[]]> = [
    [
        "two routes with the same match",
        base({ routes: [route("fraud", "/fraud"), route("fraud-v2", "/fraud")] }),
        [
            'routes[1].pathPrefix: received path prefix "/fraud" and no header, the match of route "fraud" (routes[0]); expected a match no other route has: routes "fraud" and "fraud-v2" would both take the same requests; give one a different pathPrefix or header',
        ],
    ],
    [
        "two routes with the same header match (header names are case-insensitive)",
        base({ routes: [route("a", "/m", { header: { name: "X-Model-Version", value: "2" } }), route("b", "/m", { header: { name: "x-model-version", value: "2" } })] }),
        [
            'routes[1].pathPrefix: received path prefix "/m" and header x-model-version: "2", the match of route "a" (routes[0]); expected a match no other route has: routes "a" and "b" would both take the same requests; give one a different pathPrefix or header',
        ],
    ],
    [
        "duplicate route and consumer names",
        base({ routes: [route("fraud", "/a"), route("fraud", "/b")], consumers: [consumer("c"), consumer("c")] }),
        [
            'routes[1].name: received "fraud"; expected a name no other route has (routes[0] is named "fraud")',
            'consumers[1].name: received "c"; expected a name no other consumer has (consumers[0] is named "c")',
        ],
    ],
    [
        "a consumer allowed a route that does not exist",
        base({ routes: [route("fraud", "/fraud"), route("llm", "/llm")], consumers: [consumer("checkout", { routes: ["fraud", "chat"] })] }),
        [
            'consumers[0].routes[1]: received "chat"; expected the name of a route of this gateway: "fraud", "llm"',
            'routes[1]: received route "llm", which no consumer\'s routes include; expected a route someone may call: add a consumer allowed on "llm", or write anonymous: true to let anyone call it without a key',
        ],
    ],
    ["a rate of 0", base({ consumers: [consumer("checkout", { ratePerSecond: 0 })] }), ["consumers[0].ratePerSecond: received 0; expected a number > 0"]],
    ["a negative rate", base({ consumers: [consumer("checkout", { ratePerSecond: -5 })] }), ["consumers[0].ratePerSecond: received -5; expected a number > 0"]],
    [
        "a burst below 1 and a fractional quota",
        base({ consumers: [consumer("checkout", { burst: 0, monthlyQuota: 10.5 })] }),
        ["consumers[0].burst: received 0; expected a number >= 1", "consumers[0].monthlyQuota: received 10.5; expected a value of type int"],
    ],
    [
        "a key shorter than API Gateway accepts (its length, never the key)",
        base({ consumers: [consumer("checkout", { apiKey: "short-secret-123" })] }),
        [
            "consumers[0].apiKey: received a key of 16 characters; expected a key of at least 20 characters (API Gateway's minimum for an API key, kept on every target), or no apiKey to have one generated",
        ],
    ],
    [
        "a timeout above the target's hard limit, naming the limit",
        base({ target: GatewayTarget.AwsApiGateway, routes: [route("fraud", "/fraud", { timeoutSeconds: 120 })] }),
        ["routes[0].timeoutSeconds: received 120; expected at most 29 (API Gateway's integration timeout quota, aws.maxIntegrationTimeoutSeconds)"],
    ],
    [
        "a timeout shorter than the cold start and the request",
        base({ routes: [route("fraud", "/fraud", { coldStartSeconds: 600, requestSeconds: 60, timeoutSeconds: 300 })] }),
        [
            "routes[0].timeoutSeconds: received 300; expected at least 660 (a cold start of 600 s plus a request of 60 s needs 660 s), or allowShortTimeout: true to answer 504 to requests that arrive while the backend is cold",
        ],
    ],
    [
        "a route with no backend, and one with two",
        base({ routes: [{ name: "a", pathPrefix: "/a" }, route("b", "/b", { lambdaFunction: "arn:aws:lambda:eu-west-1:123456789012:function:b" })] }),
        [
            "routes[0]: received no backend; expected exactly one backend: url, sagemakerEndpoint, lambdaFunction, stateMachine or cloudRunService",
            "routes[1]: received url and lambdaFunction (2 backends); expected exactly one backend: url, sagemakerEndpoint, lambdaFunction, stateMachine or cloudRunService",
        ],
    ],
    [
        "a backend kind the target cannot reach",
        base({ routes: [{ name: "a", pathPrefix: "/a", cloudRunService: "fraud" }] }),
        ['routes[0].cloudRunService: received "fraud"; expected a backend target "docker" routes to: url'],
    ],
    [
        "a gateway with no consumers and a route that is not anonymous",
        { target: GatewayTarget.Docker, routes: [route("fraud", "/fraud"), route("docs", "/docs", { anonymous: true })] },
        [
            'routes[0]: received route "fraud", which no consumer may call (the gateway has no consumers); expected a route someone may call: add a consumer allowed on "fraud", or write anonymous: true to let anyone call it without a key',
        ],
    ],
    [
        "auth jwt without jwt, with a key",
        base({ auth: GatewayAuth.Jwt, consumers: [consumer("checkout", { apiKey: "k".repeat(30) })] }),
        [
            'jwt: received nothing (the field is missing); expected the JWT settings (issuer and jwksUri) with auth "jwt"',
            'consumers[0].apiKey: received a key; expected no apiKey with auth "jwt" (the consumer is named by its token\'s claim)',
        ],
    ],
    [
        "jwt without auth jwt",
        base({ jwt: { issuer: "https://login.example.com/", jwksUri: "https://login.example.com/jwks" } }),
        ['jwt: received an object with issuer, jwksUri; expected no jwt settings with auth "api-key" (write auth: "jwt" to use them)'],
    ],
    [
        "a settings block of another target",
        base({ aws: { stageName: "prod" } }),
        ['aws: received an object with stageName; expected no aws settings with target "docker" (they apply to target "aws-apigateway")'],
    ],
    [
        "bad names, prefixes and headers",
        base({
            routes: [route("Fraud", "/fraud/"), route("b", "fraud"), route("c", "/c", { header: { name: "x model", value: " 2" } })],
            consumers: [consumer("team_a")],
        }),
        [
            `routes[0].name: received "Fraud"; expected a name of 1 to 30 lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
            `routes[0].pathPrefix: received "/fraud/"; expected '/' or a path such as /fraud/v2: segments of letters, digits, '.', '_' and '-', no trailing '/'`,
            `routes[1].pathPrefix: received "fraud"; expected '/' or a path such as /fraud/v2: segments of letters, digits, '.', '_' and '-', no trailing '/'`,
            'routes[2].header.name: received "x model"; expected an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~',
            'routes[2].header.value: received " 2"; expected a non-empty value of printable ASCII characters, without leading or trailing spaces',
            `consumers[0].name: received "team_a"; expected a name of 1 to 30 lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
        ],
    ],
    [
        "bad settings of a target",
        base({ target: GatewayTarget.AwsApiGateway, aws: { stageName: "v 1", maxIntegrationTimeoutSeconds: 301, logRetentionDays: 10 as 30 } }),
        [
            `aws.stageName: received "v 1"; expected a stage name of 1 to 128 letters, digits, '-' and '_' (API Gateway's rule)`,
            "aws.maxIntegrationTimeoutSeconds: received 301; expected a number <= 300",
            "aws.logRetentionDays: received 10; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ],
    ],
    [
        "a hostname Gateway API does not accept and an unpinned image",
        { target: GatewayTarget.Kubernetes, routes: [route("a", "/a", { anonymous: true })], kubernetes: { hostname: "Models.Example.com" } },
        [`kubernetes.hostname: received "Models.Example.com"; expected a lowercase DNS name such as models.example.com, optionally starting with '*.'`],
    ],
    [
        "an image not pinned by digest",
        base({ docker: { image: "nginx:1.27" } }),
        ['docker.image: received "nginx:1.27"; expected an image pinned by digest, such as nginxinc/nginx-unprivileged@sha256:<64 hex digits>'],
    ],
];

describe("ModelGateway argument validation", () => {
    for (const [what, args, problems] of invalid) {
        it(`refuses ${what}`, () => {
            expect(() => resolve(args)).toThrow(message(problems));
        });
    }

    it("registers nothing on invalid input", async () => {
        const { resources } = await rt.construct(() => {
            expect(() => new ModelGateway("gw", base({ consumers: [consumer("checkout", { ratePerSecond: 0 })] }))).toThrow(message(["consumers[0].ratePerSecond: received 0; expected a number > 0"]));
        });
        expect(resources).toEqual([]);
    });

    it("never prints a short key it refuses", () => {
        expect(() => resolve(base({ consumers: [consumer("checkout", { apiKey: "hunter2-topsecret" })] }))).toThrow(/a key of 17 characters/);
        expect(() => resolve(base({ consumers: [consumer("checkout", { apiKey: "hunter2-topsecret" })] }))).not.toThrow(/hunter2/);
    });
});

describe("ModelGateway resolution", () => {
    it("applies the defaults: a key per consumer on every non-anonymous route, burst twice the rate, timeout cold + request", () => {
        const { value, warnings } = resolve(
            base({
                routes: [route("fraud", "/fraud", { header: { name: "X-Model-Version", value: "2" }, coldStartSeconds: 120 }), route("docs", "/", { anonymous: true })],
                consumers: [consumer("checkout", { ratePerSecond: 2.5 })],
            }),
        );
        const spec = (value as ResolvedGateway).spec;
        expect(warnings).toEqual([]);
        expect(spec.auth).toBe("api-key");
        expect(spec.routes[0]).toEqual({
            name: "fraud",
            pathPrefix: "/fraud",
            header: { name: "x-model-version", value: "2" },
            stripPrefix: true,
            backend: { kind: BackendKind.Url, locator: "http://127.0.0.1:8081" },
            coldStartSeconds: 120,
            requestSeconds: 60,
            timeoutSeconds: 180,
            maxBodyMiB: 10,
            retries: 1,
            anonymous: false,
            consumers: ["checkout"],
        });
        expect(spec.routes[1]).toMatchObject({ anonymous: true, consumers: [], timeoutSeconds: 60 });
        expect(spec.consumers).toEqual([{ name: "checkout", apiKey: undefined, ratePerSecond: 2.5, burst: 5, monthlyQuota: undefined, routes: ["fraud"] }]);
        expect(spec.docker).toEqual({ port: 8088, image: DEFAULT_NGINX_IMAGE });
        expect(spec.tags).toEqual({ environment: "dev" });
    });

    it("strips the prefix by default, except on a Lambda route, whose path API Gateway cannot rewrite", () => {
        const lambda = "arn:aws:lambda:us-east-1:123456789012:function:embedder";
        const { value } = resolve(
            base({
                target: GatewayTarget.AwsApiGateway,
                routes: [
                    { name: "embed", pathPrefix: "/embed", lambdaFunction: lambda },
                    { name: "chat", pathPrefix: "/chat", sagemakerEndpoint: "qwen-chat" },
                    { name: "embed-v0", pathPrefix: "/embed/v0", lambdaFunction: lambda, stripPrefix: true },
                ],
            }),
        );
        expect((value as ResolvedGateway).spec.routes.map((r) => r.stripPrefix)).toEqual([false, true, true]);
    });

    it("caps the default timeout at the target's limit and warns with the numbers and what to do", () => {
        const { value, warnings } = resolve(base({ target: GatewayTarget.AwsApiGateway, routes: [route("llm", "/llm", { coldStartSeconds: 600 })] }));
        const spec = (value as ResolvedGateway).spec;
        expect(spec.routes[0].timeoutSeconds).toBe(29);
        expect(spec.routes[0].retries).toBe(0);
        expect(spec.aws).toEqual({ region: "eu-west-1", stageName: "v1", maxIntegrationTimeoutSeconds: 29, logRetentionDays: 30 });
        expect(warnings).toEqual([
            'route "llm": timeout capped at 29 s (API Gateway\'s integration timeout quota, aws.maxIntegrationTimeoutSeconds), but a cold start of 600 s plus a request of 60 s needs 660 s: ' +
                "requests that arrive while the backend starts will be answered 504. Keep a replica warm (scaling.minReplicas >= 1), use the service's queue mode, or raise the limit; " +
                "write timeoutSeconds (with allowShortTimeout) to silence this.",
        ]);
    });

    it("accepts a short timeout when written out, and a raised quota", () => {
        const short = resolve(base({ routes: [route("llm", "/llm", { coldStartSeconds: 600, timeoutSeconds: 30, allowShortTimeout: true })] }));
        expect((short.value as ResolvedGateway).spec.routes[0].timeoutSeconds).toBe(30);
        const raised = resolve(base({ target: GatewayTarget.AwsApiGateway, aws: { maxIntegrationTimeoutSeconds: 300 }, routes: [route("llm", "/llm", { coldStartSeconds: 200 })] }));
        expect((raised.value as ResolvedGateway).spec.routes[0].timeoutSeconds).toBe(260);
        expect(raised.warnings).toEqual([]);
    });

    it("derives the timeout from Output cold starts, capped, and warns once they resolve", async () => {
        const { value, warnings } = resolve(base({ target: GatewayTarget.AwsApiGateway, routes: [route("llm", "/llm", { coldStartSeconds: pulumi.output(300), requestSeconds: pulumi.output(20) })] }));
        const resolved = value as ResolvedGateway;
        expect(warnings).toEqual([]);
        expect(await outputValue(resolved.spec.routes[0].timeoutSeconds)).toBe(29);
        const later = await outputValue(resolved.later!);
        expect(later.problems).toEqual([]);
        expect(later.warnings[0]).toMatch(/^route "llm": timeout capped at 29 s .*a cold start of 300 s plus a request of 20 s needs 320 s/);
    });

    it("checks a given timeout and an Output key when they resolve, without printing the key", async () => {
        const { value } = resolve(
            base({
                routes: [route("llm", "/llm", { coldStartSeconds: pulumi.output(600), timeoutSeconds: 100 })],
                consumers: [consumer("checkout", { apiKey: pulumi.secret("tooshort") })],
            }),
        );
        const later = await outputValue((value as ResolvedGateway).later!);
        expect(later.problems).toEqual([
            {
                path: "consumers[0].apiKey",
                received: "a key of 8 characters",
                expected: "a key of at least 20 characters (API Gateway's minimum for an API key, kept on every target), or no apiKey to have one generated",
            },
            {
                path: "routes[0].timeoutSeconds",
                received: "100",
                expected: "at least 660 (a cold start of 600 s plus a request of 60 s needs 660 s), or allowShortTimeout: true to answer 504 to requests that arrive while the backend is cold",
            },
        ]);
    });
});

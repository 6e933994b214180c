/**
 * public-endpoint-auth over gateways: ModelGateway on kubernetes, gcp-loadbalancer and docker (anonymous routes flagged
 * where public, passed once listed in anonymousRoutes), hand-written API Gateway REST and HTTP APIs (built as the
 * aws-apigateway target will build them: apiKeyRequired with a usage plan, a Lambda REQUEST authorizer), and
 * hand-written GCP global external load balancers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayTarget, ModelGateway, ModelGatewayArgs } from "../../index";
import { UNKNOWN } from "../../policies/framework/unknowns";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateStack } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (resources: ResourceRecord[], config = {}) =>
    findingsOf("public-endpoint-auth", resources, { "public-endpoint-auth": config }).map((f) => `${f.enforcement} ${short(f.urn)}: ${f.message}`);
/** What the engine's policy reports for the same resources (the pack's path, with the dependencies as PolicyResources). */
const reported = async (resources: ResourceRecord[], config = {}) => (await validateStack("public-endpoint-auth", resources, config)).map((v) => `${short(v.urn)}: ${v.message}`);

const KEY = "payments-key-0123456789abcdef";

const K8S_AUTH_METHODS = "(jwt, apiKeyAuth, basicAuth, oidc, extAuth)";

describe("public-endpoint-auth with ModelGateway", () => {
    const kubernetesArgs = (anonymous: boolean): ModelGatewayArgs => ({
        target: GatewayTarget.Kubernetes,
        routes: [
            { name: "fraud", pathPrefix: "/fraud", url: "http://fraud.pipelines.svc.cluster.local", coldStartSeconds: 120, requestSeconds: 30 },
            { name: "status", pathPrefix: "/status", url: "http://status.ml.svc.cluster.local", anonymous },
        ],
        consumers: [{ name: "payments", ratePerSecond: 50, apiKey: pulumi.secret(KEY), routes: anonymous ? ["fraud"] : ["fraud", "status"] }],
        kubernetes: { namespace: "ml", hostname: "models.example.com", tlsSecretName: "models-tls" },
    });

    it("kubernetes: routes with consumers pass (a SecurityPolicy per route); an anonymous route fails until anonymousRoutes lists it", async () => {
        const { resources: authenticated } = await rt.construct(() => new ModelGateway("models", kubernetesArgs(false)));
        expect(found(authenticated)).toEqual([]);
        const { resources } = await rt.construct(() => new ModelGateway("models", kubernetesArgs(true)));
        const expected =
            "models-status-route: the route is attached to Gateway ml/models, which is not listed in internalGateways, and no Envoy Gateway SecurityPolicy with authentication " +
            `${K8S_AUTH_METHODS} targets the route or its Gateway; require authentication (ModelService: exposure.auth jwt or api-key; ModelGateway: a route with consumers), ` +
            'list the Gateway as internal, or, for a route anonymous on purpose, list it in anonymousRoutes as "models/status"';
        expect(found(resources)).toEqual([`mandatory ${expected}`]);
        expect(await reported(resources)).toEqual([expected]);
        expect(found(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
        expect(await reported(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
        // The route's resource name, or another gateway's route of the same name, does not list it.
        expect(found(resources, { anonymousRoutes: ["models-status-route", "other/status", "status"] })).toHaveLength(1);
    });

    const awsArgs = (anonymous: boolean): ModelGatewayArgs => ({
        target: GatewayTarget.AwsApiGateway,
        routes: [
            { name: "chat", pathPrefix: "/chat", sagemakerEndpoint: "qwen-chat", requestSeconds: 25 },
            { name: "status", pathPrefix: "/status", url: "https://status.example.com", requestSeconds: 5, anonymous },
        ],
        consumers: [{ name: "payments", ratePerSecond: 5, apiKey: pulumi.secret(KEY), routes: anonymous ? ["chat"] : ["chat", "status"] }],
    });

    it("aws-apigateway: methods behind the key and the authorizer pass; an anonymous route's methods fail until anonymousRoutes lists it", async () => {
        const { resources: authenticated } = await rt.construct(() => new ModelGateway("models", awsArgs(false)));
        expect(found(authenticated)).toEqual([]);
        const { resources } = await rt.construct(() => new ModelGateway("models", awsArgs(true)));
        const flagged = found(resources);
        // The route's two methods (its prefix and `{proxy+}`), each with the entry that lists the route.
        expect(flagged.map((f) => f.split(":")[0])).toEqual(["mandatory models-status-method", "mandatory models-status-proxy-method"]);
        for (const finding of flagged) expect(finding).toContain('list it in anonymousRoutes as "models/status"');
        expect(found(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
        expect(await reported(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
    });

    const gcpArgs = (anonymous: boolean): ModelGatewayArgs => ({
        target: GatewayTarget.GcpLoadBalancer,
        routes: [
            { name: "llm", pathPrefix: "/llm", cloudRunService: "qwen", coldStartSeconds: 240, requestSeconds: 900 },
            { name: "status", pathPrefix: "/status", url: "https://status.example.com", anonymous },
        ],
        consumers: [{ name: "payments", ratePerSecond: 5, apiKey: pulumi.secret(KEY), routes: anonymous ? ["llm"] : ["llm", "status"] }],
        gcp: { region: "us-central1", domain: "models.example.com" },
    });

    it("gcp-loadbalancer: backends behind a Cloud Armor policy that denies by default pass; an anonymous route's allow-all policy fails until listed", async () => {
        const { resources: authenticated } = await rt.construct(() => new ModelGateway("models", gcpArgs(false)));
        expect(found(authenticated)).toEqual([]);
        expect(await reported(authenticated)).toEqual([]);
        const { resources } = await rt.construct(() => new ModelGateway("models", gcpArgs(true)));
        const expected =
            "models-https: the global external load balancer (loadBalancingScheme EXTERNAL_MANAGED) sends requests to backend service(s) " +
            'models-status-backend (Cloud Armor policy models-status-armor admits everyone: its default rule (priority 2147483647) is "allow"; no IAP): ' +
            "anyone on the internet reaches them without authentication; attach a Cloud Armor policy that denies by default and admits only authenticated requests " +
            '(ModelGateway: a route with consumers), enable IAP (iap.enabled), or, for routes anonymous on purpose, list them in anonymousRoutes as "models/status"';
        expect(found(resources)).toEqual([`mandatory ${expected}`]);
        expect(await reported(resources)).toEqual([expected]);
        expect(found(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
        expect(await reported(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
    });

    it("gcp-loadbalancer in a preview: an authenticated route's rules (generated keys) unknown pass by the component's arguments; unknown rules elsewhere are an advisory note", async () => {
        const { resources } = await rt.construct(() => new ModelGateway("models", gcpArgs(true)));
        const unknownRules = (name: string) => resources.map((r) => (r.name === name ? { ...r, inputs: { ...r.inputs, rules: UNKNOWN } } : r));
        expect(found(unknownRules("models-llm-armor"))).toHaveLength(1); // the anonymous route, still flagged
        expect(found(unknownRules("models-llm-armor"), { anonymousRoutes: ["models/status"] })).toEqual([]);
        expect(found(unknownRules("models-status-armor"))).toEqual([
            "advisory models-https: cannot check whether this endpoint is public during preview: backend service models-status-backend: rules is not known until deployment (an Output)",
        ]);
    });

    it("docker: an anonymous route is on 127.0.0.1 only, not public", async () => {
        const { resources } = await rt.construct(
            () =>
                new ModelGateway("local", {
                    target: GatewayTarget.Docker,
                    routes: [{ name: "densenet", pathPrefix: "/densenet", url: "http://127.0.0.1:8080", anonymous: true }],
                }),
        );
        expect(resources.some((r) => r.type === "docker:index/container:Container")).toBe(true);
        expect(found(resources)).toEqual([]);
    });
});

/**
 * A stand-in parent of the aws-apigateway target's resources: the component with its routes in its arguments (what the
 * plan reads) and in its `policyView` output (what a stack policy sees under the engine), as ModelGateway registers them.
 */
class GatewayParent extends pulumi.ComponentResource {
    constructor(name: string, routes: string[]) {
        super("modelship:index:ModelGateway", name, { target: "aws-apigateway", routes: routes.map((r) => ({ name: r, pathPrefix: `/${r}` })) });
        this.registerOutputs({ policyView: { target: "aws-apigateway", routes: routes.map((r) => ({ name: r, anonymous: false })) } });
    }
}

/** A REST API as the aws-apigateway target will build it: per route a Resource, a Method, an Integration; a usage plan and key. */
function restApi(options: { anonymous?: string; authorizer?: boolean; private?: boolean } = {}) {
    const parent = new GatewayParent("models", ["fraud", "status"]);
    const api = new aws.apigateway.RestApi("models-api", { name: "models", endpointConfiguration: { types: options.private ? "PRIVATE" : "REGIONAL" } }, { parent });
    const authorizer = new aws.apigateway.Authorizer("models-authorizer", { restApi: api.id, type: "REQUEST", authorizerUri: "arn:aws:lambda:us-east-1:123456789012:function:auth" }, { parent });
    for (const route of ["fraud", "status"]) {
        const resource = new aws.apigateway.Resource(`models-${route}-resource`, { restApi: api.id, parentId: api.rootResourceId, pathPart: route }, { parent });
        const anonymous = options.anonymous === route;
        const method = new aws.apigateway.Method(
            `models-${route}-method`,
            {
                restApi: api.id,
                resourceId: resource.id,
                httpMethod: "POST",
                authorization: anonymous ? "NONE" : options.authorizer === false ? "NONE" : "CUSTOM",
                authorizerId: anonymous || options.authorizer === false ? undefined : authorizer.id,
                apiKeyRequired: !anonymous,
            },
            { parent },
        );
        new aws.apigateway.Integration(
            `models-${route}-integration`,
            {
                restApi: api.id,
                resourceId: resource.id,
                httpMethod: method.httpMethod,
                type: "HTTP_PROXY",
                integrationHttpMethod: "POST",
                uri: `https://${route}.example.com`,
                timeoutMilliseconds: 29000,
            },
            { parent },
        );
    }
    const stage = new aws.apigateway.Stage("models-stage", { restApi: api.id, stageName: "v1", deployment: "d-1" }, { parent });
    const plan = new aws.apigateway.UsagePlan("models-payments-plan", { apiStages: [{ apiId: api.id, stage: stage.stageName }], throttleSettings: { rateLimit: 50, burstLimit: 100 } }, { parent });
    const key = new aws.apigateway.ApiKey("models-payments-key", { value: KEY }, { parent });
    new aws.apigateway.UsagePlanKey("models-payments-plan-key", { usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }, { parent });
}

describe("public-endpoint-auth with hand-written API Gateway REST and HTTP APIs", () => {
    it("REST API: methods with an authorizer and an API key pass; an anonymous method fails until listed as <gateway>/<route>", async () => {
        const { resources: authenticated } = await rt.construct(() => restApi());
        expect(found(authenticated)).toEqual([]);
        const { resources } = await rt.construct(() => restApi({ anonymous: "status" }));
        const expected =
            'models-status-method: the REST API method POST has authorization "NONE" and requires no API key (apiKeyRequired is not true): anyone on the internet can call it; ' +
            'use a Lambda authorizer ("CUSTOM"), "AWS_IAM" or "COGNITO_USER_POOLS", or require an API key with a usage plan (apiKeyRequired: true), ' +
            'or, for a route anonymous on purpose, list it in anonymousRoutes as "models/status"';
        expect(found(resources)).toEqual([`mandatory ${expected}`]);
        expect(await reported(resources)).toEqual([expected]);
        expect(found(resources, { anonymousRoutes: ["models/status"] })).toEqual([]);
    });

    it("REST API: an API key alone (apiKeyRequired with authorization NONE) passes; so does any method of a PRIVATE API (linked through the dependency on the API)", async () => {
        expect(found((await rt.construct(() => restApi({ authorizer: false }))).resources)).toEqual([]);
        expect(found((await rt.construct(() => restApi({ anonymous: "status", private: true }))).resources)).toEqual([]);
    });

    const method = (inputs: Record<string, unknown>, name = "chat-post") =>
        record("aws:apigateway/method:Method", name, { restApi: "abc123", resourceId: "r1", httpMethod: "POST", authorization: "NONE", ...inputs });

    it("REST API methods by hand: each authorization type, OPTIONS, and the resource name as the anonymousRoutes entry", () => {
        expect(found([method({})])).toEqual([
            'mandatory chat-post: the REST API method POST has authorization "NONE" and requires no API key (apiKeyRequired is not true): anyone on the internet can call it; ' +
                'use a Lambda authorizer ("CUSTOM"), "AWS_IAM" or "COGNITO_USER_POOLS", or require an API key with a usage plan (apiKeyRequired: true), ' +
                'or, for a route anonymous on purpose, list it in anonymousRoutes as "chat-post"',
        ]);
        expect(found([method({ apiKeyRequired: false })])).toHaveLength(1);
        expect(found([method({ apiKeyRequired: true })])).toEqual([]);
        for (const authorization of ["CUSTOM", "AWS_IAM", "COGNITO_USER_POOLS"]) expect(found([method({ authorization })])).toEqual([]);
        expect(found([method({ httpMethod: "OPTIONS" })])).toEqual([]);
        expect(found([method({})], { anonymousRoutes: ["chat-post"] })).toEqual([]);
        // A PRIVATE API linked by its ID (value), without a recorded dependency.
        const privateApi = record("aws:apigateway/restApi:RestApi", "internal", { id: "abc123", name: "internal", endpointConfiguration: { types: ["PRIVATE"] } });
        expect(found([{ ...privateApi, inputs: { ...privateApi.inputs, id: "other" } }, method({})])).toHaveLength(1);
        expect(found([privateApi, method({})])).toEqual([]);
    });

    const httpRoute = (inputs: Record<string, unknown>) => record("aws:apigatewayv2/route:Route", "chat-route", { apiId: "a1", routeKey: "POST /chat", ...inputs });

    it("HTTP API routes: NONE or no authorizationType fail; AWS_IAM, JWT and CUSTOM pass", () => {
        expect(found([httpRoute({ authorizationType: "NONE" })])).toEqual([
            'mandatory chat-route: the HTTP API route POST /chat has authorizationType "NONE": anyone on the internet can call it; use "AWS_IAM", "JWT" or "CUSTOM", or, for a route anonymous on purpose, list it in anonymousRoutes as "chat-route"',
        ]);
        expect(found([httpRoute({})])).toEqual([
            'mandatory chat-route: the HTTP API route POST /chat has no authorizationType (the default is NONE): anyone on the internet can call it; use "AWS_IAM", "JWT" or "CUSTOM", or, for a route anonymous on purpose, list it in anonymousRoutes as "chat-route"',
        ]);
        for (const authorizationType of ["AWS_IAM", "JWT", "CUSTOM"]) expect(found([httpRoute({ authorizationType })])).toEqual([]);
        expect(found([httpRoute({})], { anonymousRoutes: ["chat-route"] })).toEqual([]);
    });
});

describe("public-endpoint-auth with hand-written GCP load balancers", () => {
    const T = (t: string) => `gcp:compute/${t}`;
    const rule = (inputs: Record<string, unknown> = {}) =>
        record(T("globalForwardingRule:GlobalForwardingRule"), "lb", { name: "lb", target: "projects/p/global/targetHttpsProxies/lb-proxy", portRange: "443", ...inputs });
    const proxy = record(T("targetHttpsProxy:TargetHttpsProxy"), "lb-proxy", { name: "lb-proxy", urlMap: "projects/p/global/urlMaps/lb-map" });
    const map = record(T("uRLMap:URLMap"), "lb-map", {
        name: "lb-map",
        defaultService: "projects/p/global/backendServices/web",
        pathMatchers: [{ name: "m", defaultService: "projects/p/global/backendServices/web", pathRules: [{ paths: ["/api/*"], service: "projects/p/global/backendServices/api" }] }],
    });
    const backend = (name: string, inputs: Record<string, unknown> = {}) => record(T("backendService:BackendService"), name, { name, loadBalancingScheme: "EXTERNAL", ...inputs });
    const armor = (name: string, rules: unknown) => record(T("securityPolicy:SecurityPolicy"), name, { name, rules });
    const denyAll = [{ priority: 2147483647, action: "deny(403)", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } }];
    const lb = (web: ResourceRecord, api: ResourceRecord, extra: ResourceRecord[] = [], ruleInputs: Record<string, unknown> = {}) => [rule(ruleInputs), proxy, map, web, api, ...extra];

    it("fails backends with neither IAP nor a deny-by-default Cloud Armor policy, naming each with its reason", () => {
        const resources = lb(backend("web"), backend("api", { securityPolicy: "projects/p/global/securityPolicies/waf" }), [
            armor("waf", [{ priority: 1000, action: "deny(403)", match: { expr: { expression: "true" } } }]),
        ]);
        expect(found(resources)).toEqual([
            "mandatory lb: the global external load balancer (loadBalancingScheme EXTERNAL) sends requests to backend service(s) web (no Cloud Armor securityPolicy and no IAP), " +
                "api (Cloud Armor policy waf admits everyone: it has no default rule (GCP adds one that allows); no IAP): anyone on the internet reaches them without authentication; " +
                "attach a Cloud Armor policy that denies by default and admits only authenticated requests (ModelGateway: a route with consumers), enable IAP (iap.enabled), " +
                'or, for routes anonymous on purpose, list them in anonymousRoutes as "web", "api"',
        ]);
        expect(found(resources, { anonymousRoutes: ["web", "api"] })).toEqual([]);
    });

    it("passes IAP, a deny-by-default policy, a policy outside the stack, and internal schemes; fails a deny-by-default policy that lets every source through first", () => {
        const guarded = backend("api", { securityPolicy: "projects/p/global/securityPolicies/keys" });
        expect(found(lb(backend("web", { iap: { enabled: true } }), guarded, [armor("keys", denyAll)]))).toEqual([]);
        expect(found(lb(backend("web", { securityPolicy: "projects/p/global/securityPolicies/elsewhere" }), guarded, [armor("keys", denyAll)]))).toEqual([]);
        expect(found(lb(backend("web"), backend("api"), [], { loadBalancingScheme: "INTERNAL_MANAGED" }))).toEqual([]);
        const allowFirst = [{ priority: 10, action: "allow", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } }, ...denyAll];
        expect(found(lb(backend("web", { iap: { enabled: true } }), guarded, [armor("keys", allowFirst)]))).toEqual([
            "mandatory lb: the global external load balancer (loadBalancingScheme EXTERNAL) sends requests to backend service(s) api " +
                '(Cloud Armor policy keys admits everyone: its rule of priority 10 lets every source through ("allow"); no IAP): anyone on the internet reaches them without authentication; ' +
                "attach a Cloud Armor policy that denies by default and admits only authenticated requests (ModelGateway: a route with consumers), enable IAP (iap.enabled), " +
                'or, for routes anonymous on purpose, list them in anonymousRoutes as "api"',
        ]);
    });

    it("follows the links through dependencies when the IDs are unknown (preview), and notes a policy whose rules are unknown as advisory", () => {
        const deps = (r: ResourceRecord, on: ResourceRecord[]) => ({ ...r, options: { ...r.options, dependencies: on.map((d) => d.urn) } });
        const keys = armor("keys", UNKNOWN);
        const api = deps(backend("api", { securityPolicy: UNKNOWN }), [keys]);
        const web = deps(backend("web", { iap: { enabled: true } }), []);
        const unknownMap = deps(record(T("uRLMap:URLMap"), "lb-map", { name: "lb-map", defaultService: UNKNOWN }), [web, api]);
        const unknownProxy = deps(record(T("targetHttpsProxy:TargetHttpsProxy"), "lb-proxy", { urlMap: UNKNOWN }), [unknownMap]);
        const forwarding = deps(rule({ target: UNKNOWN }), [unknownProxy]);
        const resources = [forwarding, unknownProxy, unknownMap, web, api, keys];
        expect(found(resources)).toEqual(["advisory lb: cannot check whether this endpoint is public during preview: backend service api: rules is not known until deployment (an Output)"]);
        expect(found([...resources.slice(0, 5), armor("keys", denyAll)])).toEqual([]);
        const open = deps(backend("api", { securityPolicy: UNKNOWN }), []);
        expect(found([forwarding, unknownProxy, deps(unknownMap, [web, open]), web, open])).toEqual([]); // an unknown policy outside the links: counted as guarding
    });
});

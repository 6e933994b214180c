import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayAuth, GatewayTarget, ModelGatewayArgs } from "../../components/model-gateway/args";
import { ModelGateway } from "../../components/model-gateway";
import { BackendKind, ConsumerSpec, GatewaySpec, RouteSpec } from "../../components/model-gateway/spec";
import { gcpLoadBalancer } from "../../components/model-gateway/targets/gcp-loadbalancer";
import { rateThreshold } from "../../components/model-gateway/targets/gcp/limits";
import { routePriorities } from "../../components/model-gateway/targets/gcp/url-map";
import { estimateCost } from "../../sdk/cost";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "gcp:project": "acme-ml", "gcp:region": "us-central1" } });

const KEY_A = "a".repeat(30) + "'q";
const KEY_B = "b".repeat(40);
const T = (type: string) => `gcp:compute/${type}`;

function route(over: Partial<RouteSpec> & Pick<RouteSpec, "name" | "pathPrefix" | "backend">): RouteSpec {
    return { stripPrefix: true, coldStartSeconds: 0, requestSeconds: 60, timeoutSeconds: 60, maxBodyMiB: 10, retries: 0, anonymous: false, consumers: [], ...over };
}

function consumer(over: Partial<ConsumerSpec> & Pick<ConsumerSpec, "name">): ConsumerSpec {
    return { ratePerSecond: 5, burst: 10, routes: [], ...over };
}

function spec(over: Partial<GatewaySpec> = {}): GatewaySpec {
    return {
        name: "gw",
        target: GatewayTarget.GcpLoadBalancer,
        auth: GatewayAuth.ApiKey,
        routes: [
            route({ name: "llm", pathPrefix: "/llm", backend: { kind: BackendKind.CloudRunService, locator: "llm" }, consumers: ["team-a", "team-b"], timeoutSeconds: 900 }),
            route({
                name: "fraud-v2",
                pathPrefix: "/fraud",
                header: { name: "X-Model-Version", value: "v2" },
                backend: { kind: BackendKind.Url, locator: "https://fraud.example.com:8443" },
                consumers: ["team-b"],
                timeoutSeconds: 120,
            }),
            route({ name: "health", pathPrefix: "/health", stripPrefix: false, backend: { kind: BackendKind.CloudRunService, locator: "llm" }, anonymous: true }),
        ],
        consumers: [consumer({ name: "team-a", routes: ["llm"] }), consumer({ name: "team-b", ratePerSecond: 0.5, burst: 20, routes: ["llm", "fraud-v2"] })],
        kubernetes: { namespace: "default", gatewayClassName: "eg" },
        aws: { region: "us-east-1", stageName: "v1", maxIntegrationTimeoutSeconds: 29, logRetentionDays: 30 },
        gcp: { region: "europe-west4", domain: "models.example.com" },
        docker: { port: 8088, image: "nginx" },
        tags: { team: "ml-platform" },
        ...over,
    };
}

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("modelship:index:ModelGateway", name, {});
    }
}

async function deploy(s: GatewaySpec) {
    return rt.construct(() => {
        const parent = new Parent(s.name);
        const keys = { "team-a": pulumi.secret(KEY_A), "team-b": pulumi.secret(KEY_B) };
        return gcpLoadBalancer.deploy(s, keys, parent);
    });
}

describe("ModelGateway on gcp-loadbalancer: resources", () => {
    it("creates the load balancer's frontend: address, managed certificate, HTTPS proxy, forwarding rule on 443", async () => {
        const { value, resources } = await deploy(spec());
        expect(
            resources
                .filter((r) => r.custom)
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
        ).toEqual(
            [
                `${T("securityPolicy:SecurityPolicy")}::gw-llm-armor`,
                `${T("regionNetworkEndpointGroup:RegionNetworkEndpointGroup")}::gw-llm-neg`,
                `${T("backendService:BackendService")}::gw-llm-backend`,
                `${T("securityPolicy:SecurityPolicy")}::gw-fraud-v2-armor`,
                `${T("globalNetworkEndpointGroup:GlobalNetworkEndpointGroup")}::gw-fraud-v2-neg`,
                `${T("globalNetworkEndpoint:GlobalNetworkEndpoint")}::gw-fraud-v2-endpoint`,
                `${T("backendService:BackendService")}::gw-fraud-v2-backend`,
                `${T("securityPolicy:SecurityPolicy")}::gw-health-armor`,
                `${T("regionNetworkEndpointGroup:RegionNetworkEndpointGroup")}::gw-health-neg`,
                `${T("backendService:BackendService")}::gw-health-backend`,
                `${T("securityPolicy:SecurityPolicy")}::gw-not-found-armor`,
                `${T("backendService:BackendService")}::gw-not-found`,
                `${T("uRLMap:URLMap")}::gw-url-map`,
                `${T("globalAddress:GlobalAddress")}::gw-address`,
                `${T("managedSslCertificate:ManagedSslCertificate")}::gw-certificate`,
                `${T("targetHttpsProxy:TargetHttpsProxy")}::gw-https-proxy`,
                `${T("globalForwardingRule:GlobalForwardingRule")}::gw-https`,
            ].sort(),
        );
        expect(rt.one(T("globalAddress:GlobalAddress")).inputs).toEqual({ name: "gw-address", addressType: "EXTERNAL", ipVersion: "IPV4", labels: { team: "ml-platform" } });
        expect(rt.one(T("managedSslCertificate:ManagedSslCertificate")).inputs).toEqual({ name: "gw-certificate", type: "MANAGED", managed: { domains: ["models.example.com"] } });
        const proxy = rt.one(T("targetHttpsProxy:TargetHttpsProxy")).inputs;
        expect(proxy.name).toBe("gw-https-proxy");
        expect(proxy.sslCertificates).toHaveLength(1);
        expect(rt.one(T("globalForwardingRule:GlobalForwardingRule")).inputs).toMatchObject({
            name: "gw-https",
            ipProtocol: "TCP",
            portRange: "443",
            loadBalancingScheme: "EXTERNAL_MANAGED",
            labels: { team: "ml-platform" },
        });
        expect(await outputValue(value.url)).toBe("https://models.example.com");
        expect(await outputValue(value.routeUrls.llm)).toBe("https://models.example.com/llm");
        expect(Object.keys(value.resources)).toEqual(expect.arrayContaining(["llmPolicy", "llmNeg", "llmBackend", "fraud-v2Endpoint", "urlMap", "forwardingRule", "certificate"]));
    });

    it("sends Cloud Run routes through a serverless NEG in gcp.region, without a backend service timeout", async () => {
        await deploy(spec());
        expect(rt.one(T("regionNetworkEndpointGroup:RegionNetworkEndpointGroup"), "gw-llm-neg").inputs).toEqual({
            name: "gw-llm-neg",
            region: "europe-west4",
            networkEndpointType: "SERVERLESS",
            cloudRun: { service: "llm" },
        });
        const backend = rt.one(T("backendService:BackendService"), "gw-llm-backend").inputs;
        expect(backend).toMatchObject({ name: "gw-llm-backend", loadBalancingScheme: "EXTERNAL_MANAGED", logConfig: { enable: true, sampleRate: 1 } });
        expect(backend.timeoutSec).toBeUndefined();
        expect(backend.protocol).toBeUndefined();
        expect(backend.backends).toHaveLength(1);
        expect(backend.securityPolicy).toBe("gw-llm-armor-id");
        expect(backend.backends).toEqual([{ group: "gw-llm-neg-id" }]);
    });

    it("sends URL routes through an internet NEG (host and port from the URL) over HTTPS with the route's timeout", async () => {
        await deploy(spec());
        expect(rt.one(T("globalNetworkEndpointGroup:GlobalNetworkEndpointGroup")).inputs).toEqual({ name: "gw-fraud-v2-neg", networkEndpointType: "INTERNET_FQDN_PORT", defaultPort: 8443 });
        expect(rt.one(T("globalNetworkEndpoint:GlobalNetworkEndpoint")).inputs).toMatchObject({ fqdn: "fraud.example.com", port: 8443 });
        expect(rt.one(T("backendService:BackendService"), "gw-fraud-v2-backend").inputs).toMatchObject({ protocol: "HTTPS", timeoutSec: 120, loadBalancingScheme: "EXTERNAL_MANAGED" });
    });

    it("reads host and port of a URL that is an Output once it resolves (443 by default)", async () => {
        const s = spec();
        s.routes = [{ ...s.routes[1], backend: { kind: BackendKind.Url, locator: pulumi.output("https://scorer-abc.a.run.app") } }];
        s.consumers = [s.consumers[1]];
        await deploy(s);
        expect(rt.one(T("globalNetworkEndpointGroup:GlobalNetworkEndpointGroup")).inputs.defaultPort).toBe(443);
        expect(rt.one(T("globalNetworkEndpoint:GlobalNetworkEndpoint")).inputs).toMatchObject({ fqdn: "scorer-abc.a.run.app", port: 443 });
        expect((rt.one(T("uRLMap:URLMap")).inputs.pathMatchers as Array<{ routeRules: Array<{ routeAction: unknown }> }>)[0].routeRules[0].routeAction).toEqual({
            urlRewrite: { pathPrefixRewrite: "/", hostRewrite: "scorer-abc.a.run.app" },
        });
    });

    it("fails the deployment when a URL given as an Output is not https://host[:port]", async () => {
        const s = spec();
        s.routes = [{ ...s.routes[1], backend: { kind: BackendKind.Url, locator: pulumi.output("http://scorer.internal/v1") } }];
        await deploy(s);
        const expected = 'ModelGateway "gw": routes[0].url (route fraud-v2) is "http://scorer.internal/v1"; expected an https:// URL (the load balancer reaches internet backends over HTTPS)';
        expect(rt.asyncErrors.some((e) => String((e as Error).message).endsWith(expected))).toBe(true);
    });

    it("routes by whole path segment and header, most specific first, stripping the prefix and rewriting a URL backend's host", async () => {
        await deploy(spec());
        const map = rt.one(T("uRLMap:URLMap")).inputs as Record<string, unknown> & { pathMatchers: Array<{ routeRules: Array<Record<string, unknown>> }> };
        expect(map.hostRules).toEqual([{ hosts: ["models.example.com"], pathMatcher: "routes" }]);
        // /health (7 characters), then /fraud with its header, then /llm.
        const [health, fraud, llm] = map.pathMatchers[0].routeRules;
        expect(llm).toMatchObject({
            priority: 3,
            matchRules: [{ fullPathMatch: "/llm" }, { prefixMatch: "/llm/" }],
            routeAction: { urlRewrite: { pathPrefixRewrite: "/" } },
        });
        expect(fraud).toMatchObject({
            priority: 2,
            matchRules: [
                { fullPathMatch: "/fraud", headerMatches: [{ headerName: "x-model-version", exactMatch: "v2" }] },
                { prefixMatch: "/fraud/", headerMatches: [{ headerName: "x-model-version", exactMatch: "v2" }] },
            ],
            routeAction: { urlRewrite: { pathPrefixRewrite: "/", hostRewrite: "fraud.example.com" } },
        });
        expect(health.priority).toBe(1);
        expect(health.routeAction).toBeUndefined();
        expect(map.defaultService).toBe("gw-not-found-id");
        expect((map.pathMatchers[0] as unknown as { defaultService: string }).defaultService).toBe("gw-not-found-id");
        expect(llm.service).toBe("gw-llm-backend-id");
    });

    it("gives the URL map's priorities the Gateway API's precedence: longest prefix first, then a header over none", () => {
        const backend = { kind: BackendKind.CloudRunService, locator: "llm" };
        const routes = [
            route({ name: "all", pathPrefix: "/", backend }),
            route({ name: "fraud", pathPrefix: "/fraud", backend }),
            route({ name: "fraud-v2", pathPrefix: "/fraud", header: { name: "x-model-version", value: "2" }, backend }),
            route({ name: "fraud-batch", pathPrefix: "/fraud/batch", backend }),
            route({ name: "chat", pathPrefix: "/chat", backend }),
        ];
        expect(Object.fromEntries(routePriorities(routes))).toEqual({ "fraud-batch": 1, "fraud-v2": 2, fraud: 3, chat: 4, all: 5 });
    });

    it("throttles each allowed key per route at 429, denies the rest with 403, allows anonymous routes, answers unknown paths 404", async () => {
        await deploy(spec());
        const policy = (name: string) => rt.one(T("securityPolicy:SecurityPolicy"), name);
        const llm = policy("gw-llm-armor");
        expect(llm.inputs).toMatchObject({ name: "gw-llm-armor", type: "CLOUD_ARMOR", labels: { team: "ml-platform" } });
        expect(llm.secretInputs).toContain("rules");
        expect(llm.inputs.rules).toEqual([
            {
                priority: 1000,
                action: "throttle",
                description: "consumer team-a",
                match: { expr: { expression: `request.headers['x-api-key'] == '${"a".repeat(30)}\\'q'` } },
                rateLimitOptions: {
                    conformAction: "allow",
                    exceedAction: "deny(429)",
                    enforceOnKey: "HTTP_HEADER",
                    enforceOnKeyName: "x-api-key",
                    rateLimitThreshold: { count: 50, intervalSec: 10 },
                },
                headerAction: { requestHeadersToAdds: [{ headerName: "x-modelship-consumer", headerValue: "team-a" }] },
            },
            expect.objectContaining({
                priority: 1001,
                match: { expr: { expression: `request.headers['x-api-key'] == '${KEY_B}'` } },
                rateLimitOptions: expect.objectContaining({ rateLimitThreshold: { count: 30, intervalSec: 60 } }),
            }),
            { priority: 2147483647, action: "deny(403)", description: "no key, or a key not allowed on this route", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } },
        ]);
        expect((policy("gw-fraud-v2-armor").inputs.rules as unknown[]).length).toBe(2);
        expect(policy("gw-health-armor").inputs.rules).toEqual([
            { priority: 2147483647, action: "allow", description: "anonymous route health", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } },
        ]);
        expect(policy("gw-not-found-armor").inputs.rules).toEqual([
            { priority: 2147483647, action: "deny(404)", description: "no route matches the path", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } },
        ]);
    });

    it("uses a given certificate and answers on the address", async () => {
        const { value, resources } = await deploy(spec({ gcp: { region: "us-central1", sslCertificate: "projects/acme-ml/global/sslCertificates/models" } }));
        expect(resources.some((r) => r.type === T("managedSslCertificate:ManagedSslCertificate"))).toBe(false);
        expect(rt.one(T("targetHttpsProxy:TargetHttpsProxy")).inputs.sslCertificates).toEqual(["projects/acme-ml/global/sslCertificates/models"]);
        expect((rt.one(T("uRLMap:URLMap")).inputs.hostRules as unknown[])[0]).toEqual({ hosts: ["*"], pathMatcher: "routes" });
        expect(await outputValue(value.url)).toMatch(/^https:\/\//);
    });
});

describe("ModelGateway on gcp-loadbalancer: rules", () => {
    it("picks the shortest Cloud Armor window whose count holds the burst", () => {
        expect(rateThreshold(5, 10)).toEqual({ count: 50, intervalSec: 10 });
        expect(rateThreshold(0.5, 20)).toEqual({ count: 30, intervalSec: 60 });
        expect(rateThreshold(100, 1)).toEqual({ count: 1000, intervalSec: 10 });
    });

    it("limits timeouts by Cloud Run's 3600 s, or the backend service's 86400 s without Cloud Run routes", () => {
        expect(gcpLoadBalancer.timeoutLimit(spec())).toEqual({ seconds: 3600, limit: "Cloud Run's request timeout maximum (3600 s), which ends requests behind a serverless NEG" });
        const urlOnly = spec({ routes: [spec().routes[1]] });
        expect(gcpLoadBalancer.timeoutLimit(urlOnly)?.seconds).toBe(86400);
        expect(gcpLoadBalancer.backends).toEqual([BackendKind.CloudRunService, BackendKind.Url]);
    });

    it("accepts the example spec", () => {
        expect(gcpLoadBalancer.validate(spec())).toEqual([]);
    });

    it("refuses what it cannot do, each with the reason", () => {
        const s = spec({ auth: GatewayAuth.Jwt, gcp: { region: "us-central1" } });
        s.routes = [
            { ...s.routes[0], retries: 1, maxBodyMiB: 20 },
            { ...s.routes[1], backend: { kind: BackendKind.Url, locator: "http://fraud.example.com/v1" } },
        ];
        s.consumers = [{ ...s.consumers[0], monthlyQuota: 1000, ratePerSecond: 200000 }];
        expect(gcpLoadBalancer.validate(s)).toEqual([
            {
                path: "auth",
                received: '"jwt"',
                expected: '"api-key" on gcp-loadbalancer: Cloud Armor cannot verify a token\'s signature; JWT needs Identity-Aware Proxy or a verifier in the Cloud Run service',
            },
            { path: "gcp.domain", received: "none", expected: "a domain (for a Google-managed certificate) or gcp.sslCertificate: the gateway serves HTTPS only, so keys never travel in clear" },
            {
                path: "routes[0].retries",
                received: "1",
                expected:
                    "0 on gcp-loadbalancer: a URL map's retryPolicy cannot be limited to idempotent methods (route rules do not match on the method), so a retried POST could reach the model twice",
            },
            {
                path: "routes[0].maxBodyMiB",
                received: "20",
                expected: "no value on gcp-loadbalancer: neither the load balancer nor Cloud Armor can refuse a body by its size (Cloud Run caps HTTP/1 requests at 32 MiB itself)",
            },
            { path: "routes[1].url", received: '"http://fraud.example.com/v1"', expected: "an https:// URL (the load balancer reaches internet backends over HTTPS)" },
            { path: "consumers[0].monthlyQuota", received: "1000", expected: "no value on gcp-loadbalancer: Cloud Armor counts requests in windows of at most 3600 s and has no monthly counter" },
            {
                path: "consumers[0].ratePerSecond",
                received: "200000",
                expected: "at most 100000 on gcp-loadbalancer (Cloud Armor's largest threshold, 1000000 requests, over its shortest window, 10 s)",
            },
        ]);
    });

    it("refuses both certificates, a bad domain, and a URL with a path", () => {
        expect(gcpLoadBalancer.validate(spec({ gcp: { region: "us-central1", domain: "models.example.com", sslCertificate: "cert" } }))).toEqual([
            { path: "gcp.sslCertificate", received: '"cert"', expected: "no value when gcp.domain is set: the gateway has one certificate, Google-managed for the domain or the one given" },
        ]);
        expect(gcpLoadBalancer.validate(spec({ gcp: { region: "us-central1", domain: "*.example.com" } }))).toEqual([
            { path: "gcp.domain", received: '"*.example.com"', expected: "a lower-case fully qualified domain name without wildcard, for example models.example.com" },
        ]);
        const s = spec();
        s.routes = [{ ...s.routes[1], backend: { kind: BackendKind.Url, locator: "https://fraud.example.com/v1" } }];
        expect(gcpLoadBalancer.validate(s)[0].expected).toBe(
            "an https:// URL without path, query or credentials (an internet NEG names a host and port only; route paths go through unchanged or stripped)",
        );
    });
});

describe("ModelGateway on gcp-loadbalancer: cost", () => {
    it("prices the forwarding rule from the Cloud Load Balancing price list, Cloud Armor unknown, the rest free", () => {
        const report = estimateCost(gcpLoadBalancer.costedResources(spec()));
        const rule = report.items.find((i) => i.type === T("globalForwardingRule:GlobalForwardingRule"));
        expect(rule?.monthly).toEqual({ min: 18.25, max: 18.25 });
        expect(rule?.basis).toContain(
            "1 global forwarding rule at $0.0250/h (one of the project's first 5; each further rule $0.0100/h) x 730 h (cloud.google.com/load-balancing/pricing, 2026-12-04)",
        );
        expect(rule?.basis).toContain("per use: data processed by the load balancer $0.0080/GiB in and $0.0080/GiB out, not included");
        const armor = report.items.filter((i) => i.type === T("securityPolicy:SecurityPolicy"));
        expect(armor).toHaveLength(4);
        expect(armor[0].monthly).toEqual({ min: null, max: null });
        expect(armor[0].basis).toBe(
            "unknown: Cloud Armor Standard bills 1 policy and 3 rules per month, and requests per million (per use) (cloud.google.com/armor/docs/armor-enterprise-overview); its prices are not in the catalog",
        );
        expect(report.monthly).toEqual({ min: null, max: null });
        expect(report.free.map((f) => f.type).sort()).toEqual(
            [
                T("regionNetworkEndpointGroup:RegionNetworkEndpointGroup"),
                T("regionNetworkEndpointGroup:RegionNetworkEndpointGroup"),
                T("globalNetworkEndpointGroup:GlobalNetworkEndpointGroup"),
                T("globalNetworkEndpoint:GlobalNetworkEndpoint"),
                T("backendService:BackendService"),
                T("backendService:BackendService"),
                T("backendService:BackendService"),
                T("backendService:BackendService"),
                T("uRLMap:URLMap"),
                T("managedSslCertificate:ManagedSslCertificate"),
                T("targetHttpsProxy:TargetHttpsProxy"),
            ].sort(),
        );
    });

    it("lists exactly what deploy creates", async () => {
        const { resources } = await deploy(spec());
        const created = resources.filter((r) => r.custom).map((r) => `${r.type}::${r.name}`);
        expect(
            gcpLoadBalancer
                .costedResources(spec())
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
        ).toEqual(created.sort());
    });
});

describe("ModelGateway on gcp-loadbalancer: the component", () => {
    const args: ModelGatewayArgs = {
        target: GatewayTarget.GcpLoadBalancer,
        routes: [
            { name: "llm", pathPrefix: "/llm", cloudRunService: "qwen", coldStartSeconds: 240, requestSeconds: 900 },
            { name: "fraud", pathPrefix: "/fraud", url: "https://fraud.example.com" },
        ],
        consumers: [
            { name: "chat-app", ratePerSecond: 2, routes: ["llm"] },
            { name: "payments", ratePerSecond: 50, apiKey: pulumi.secret(KEY_B), routes: ["fraud"] },
        ],
        gcp: { region: "us-central1", domain: "models.example.com" },
    };

    it("deploys the resolved spec: timeouts from cold start and request, keys in Cloud Armor, outputs", async () => {
        const { value: gw } = await rt.construct(() => new ModelGateway("models", args));
        expect(await outputValue(gw.url)).toBe("https://models.example.com");
        expect(await outputValue(gw.routeUrls)).toEqual({ llm: "https://models.example.com/llm", fraud: "https://models.example.com/fraud" });
        const keys = await outputValue(gw.consumerKeys);
        expect(keys.payments).toBe(KEY_B);
        expect(rt.one(T("backendService:BackendService"), "models-fraud-backend").inputs.timeoutSec).toBe(60);
        const chat = (rt.one(T("securityPolicy:SecurityPolicy"), "models-llm-armor").inputs.rules as Array<{ match: { expr?: { expression: string } }; rateLimitOptions?: unknown }>)[0];
        expect(chat.match.expr?.expression).toBe(`request.headers['x-api-key'] == '${keys["chat-app"]}'`);
        expect(chat.rateLimitOptions).toMatchObject({ rateLimitThreshold: { count: 20, intervalSec: 10 } });
        const cost = await outputValue(gw.estimatedMonthlyCost);
        expect(cost).toMatchObject({ known: false, knownMin: 18.25, knownMax: 18.25 });
        expect(cost.min).toBeUndefined();
    });

    it("refuses a monthly quota, and a route timeout above Cloud Run's 3600 s, before creating anything", async () => {
        const quota: ModelGatewayArgs = { ...args, consumers: [{ ...args.consumers![0], monthlyQuota: 1000 }, args.consumers![1]] };
        const long: ModelGatewayArgs = { ...args, routes: [{ ...args.routes[0], timeoutSeconds: 4000 }, args.routes[1]] };
        const { resources } = await rt.construct(() => {
            expect(() => new ModelGateway("bad", quota)).toThrow(
                'modelship:index:ModelGateway "bad": 1 invalid argument:\n  - consumers[0].monthlyQuota: received 1000; expected no value on gcp-loadbalancer: Cloud Armor counts requests in windows of at most 3600 s and has no monthly counter',
            );
            expect(() => new ModelGateway("bad", long)).toThrow("routes[0].timeoutSeconds: received 4000");
        });
        expect(resources).toEqual([]);
    });
});

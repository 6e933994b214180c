import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { GatewayAuth } from "../../components/model-gateway/args";
import { GatewaySpec } from "../../components/model-gateway/spec";
import { GatewayDeployment } from "../../components/model-gateway/targets/target";
import { kubernetesGateway } from "../../components/model-gateway/targets/kubernetes";
import { gatewayDuration } from "../../components/kubernetes/route";
import { rateLimitValue } from "../../components/model-gateway/targets/kubernetes/traffic";
import { estimateCost } from "../../sdk/cost";
import { kubernetesObjects } from "../../sdk/plan/kubernetes-yaml";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";
import { gatewaySpec, route } from "./kubernetes-fixture";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const GRANT = "kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant";
const SECRET = "kubernetes:core/v1:Secret";
const SECURITY = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy";
const TRAFFIC = "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy";
const CLIENT = "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy";
const PARENT = "urn:pulumi:dev::test::modelship:index:ModelGateway::models";
const KEYS = { alice: pulumi.secret("alice-key-0123456789abcdefghij"), bob: pulumi.secret("bob-key-0123456789abcdefghijkl") };
const PARENT_REF = { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "ml", name: "models" };
const IDEMPOTENT = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"];

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("modelship:index:ModelGateway", name, {});
    }
}

function deploy(spec: GatewaySpec, keys: Record<string, pulumi.Output<string>> = KEYS): GatewayDeployment {
    return kubernetesGateway.deploy(spec, keys, new Parent(spec.name));
}

const specOf = (r: ResourceRecord): Json => r.inputs.spec as Json;
const named = (type: string, name: string) => rt.one(type, name);

describe("ModelGateway on kubernetes", () => {
    it("creates the Gateway, one HTTPRoute and ReferenceGrant per route, key Secrets and SecurityPolicies, and the traffic policies", async () => {
        const { value, resources } = await rt.construct(() => deploy(gatewaySpec()));
        const custom = resources.filter((r) => r.custom);
        expect(custom.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
            [
                `${GATEWAY}::models-gateway`,
                `${ROUTE}::models-fraud-route`,
                `${ROUTE}::models-llm-v2-route`,
                `${ROUTE}::models-health-route`,
                `${GRANT}::models-fraud-grant`,
                `${GRANT}::models-llm-v2-grant`,
                `${GRANT}::models-health-grant`,
                `${SECRET}::models-fraud-keys`,
                `${SECRET}::models-llm-v2-keys`,
                `${SECURITY}::models-fraud-auth`,
                `${SECURITY}::models-llm-v2-auth`,
                `${TRAFFIC}::models-limits`,
                `${TRAFFIC}::models-health-traffic`,
                `${CLIENT}::models-client-traffic`,
            ].sort(),
        );
        for (const r of custom) {
            expect(r.parent).toBe(PARENT);
            expect(r.inputs.metadata).toMatchObject({ labels: { "app.kubernetes.io/managed-by": "modelship", "modelship.dev/service": "models", "modelship.dev/team": "ml-platform" } });
        }

        const gateway = rt.one(GATEWAY);
        expect(gateway.inputs.metadata).toMatchObject({ name: "models", namespace: "ml" });
        expect(specOf(gateway)).toEqual({
            gatewayClassName: "eg",
            listeners: [
                {
                    name: "https",
                    protocol: "HTTPS",
                    port: 443,
                    hostname: "models.example.com",
                    allowedRoutes: { namespaces: { from: "Same" } },
                    tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "models-tls" }] },
                },
            ],
        });

        expect(await outputValue(value.url)).toBe("https://models.example.com");
        expect(await outputValue(value.routeUrls.fraud)).toBe("https://models.example.com/fraud");
        expect(await outputValue(value.routeUrls["llm-v2"])).toBe("https://models.example.com/llm");
        expect(await outputValue(value.routeUrls.health)).toBe("https://models.example.com");
        expect(Object.keys(value.resources).sort()).toEqual(
            [
                "gateway",
                "fraudRoute",
                "fraudReferenceGrant",
                "fraudKeys",
                "fraudSecurityPolicy",
                "llm-v2Route",
                "llm-v2ReferenceGrant",
                "llm-v2Keys",
                "llm-v2SecurityPolicy",
                "healthRoute",
                "healthReferenceGrant",
                "healthTrafficPolicy",
                "trafficPolicy",
                "clientTrafficPolicy",
            ].sort(),
        );
    });

    it("routes by prefix and header, strips the prefix, sets the timeout, and retries only idempotent methods", async () => {
        await rt.construct(() => deploy(gatewaySpec()));
        const fraud = named(ROUTE, "models-fraud-route");
        expect(fraud.inputs.metadata).toMatchObject({ name: "models-fraud", namespace: "ml" });
        const strip = [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }];
        const fraudBackend = [{ group: "", kind: "Service", name: "fraud", namespace: "pipelines", port: 8080 }];
        const path = { type: "PathPrefix", value: "/fraud" };
        expect(specOf(fraud)).toEqual({
            parentRefs: [PARENT_REF],
            rules: [
                {
                    matches: IDEMPOTENT.map((method) => ({ path, method })),
                    filters: strip,
                    backendRefs: fraudBackend,
                    timeouts: { request: "330s" },
                    retry: { attempts: 1, codes: [502, 503] },
                },
                { matches: [{ path }], filters: strip, backendRefs: fraudBackend, timeouts: { request: "330s" } },
            ],
        });

        // No retries: the same two rules, without retry (a GET with the header must still take this route, see routes.ts);
        // the header match; the URL and timeout were Outputs.
        const llmPath = { type: "PathPrefix", value: "/llm" };
        const llmHeaders = [{ type: "Exact", name: "x-model-version", value: "v2" }];
        const llmBase = { filters: strip, backendRefs: [{ group: "", kind: "Service", name: "llm", namespace: "ml", port: 8000 }], timeouts: { request: "900s500ms" } };
        expect(specOf(named(ROUTE, "models-llm-v2-route"))).toEqual({
            parentRefs: [PARENT_REF],
            rules: [
                { ...llmBase, matches: IDEMPOTENT.map((method) => ({ path: llmPath, headers: llmHeaders, method })) },
                { ...llmBase, matches: [{ path: llmPath, headers: llmHeaders }] },
            ],
        });

        // Prefix `/`: nothing to strip, no filter; the URL without `.cluster.local` and with a trailing `/`.
        const health = specOf(named(ROUTE, "models-health-route"));
        expect(health.rules[1]).toEqual({
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ group: "", kind: "Service", name: "fraud", namespace: "pipelines", port: 8080 }],
            timeouts: { request: "60s" },
        });
    });

    it("grants the gateway's HTTPRoutes access to each backend Service in its namespace", async () => {
        await rt.construct(() => deploy(gatewaySpec()));
        const grant = named(GRANT, "models-fraud-grant");
        expect(grant.inputs.metadata).toMatchObject({ name: "models-fraud", namespace: "pipelines" });
        expect(specOf(grant)).toEqual({
            from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "ml" }],
            to: [{ group: "", kind: "Service", name: "fraud" }],
        });
        expect(named(GRANT, "models-llm-v2-grant").inputs.metadata).toMatchObject({ name: "models-llm-v2", namespace: "ml" });
    });

    it("keeps each route's keys in a Secret with exactly its consumers, and checks them with a SecurityPolicy", async () => {
        await rt.construct(() => deploy(gatewaySpec()));
        const fraudKeys = named(SECRET, "models-fraud-keys");
        expect(fraudKeys.inputs).toMatchObject({
            metadata: { name: "models-fraud-keys", namespace: "ml" },
            type: "Opaque",
            stringData: { alice: "alice-key-0123456789abcdefghij", bob: "bob-key-0123456789abcdefghijkl" },
        });
        expect(fraudKeys.secretInputs).toContain("stringData");
        expect(named(SECRET, "models-llm-v2-keys").inputs.stringData).toEqual({ alice: "alice-key-0123456789abcdefghij" });

        const policy = named(SECURITY, "models-fraud-auth");
        expect(policy.inputs.metadata).toMatchObject({ name: "models-fraud", namespace: "ml" });
        expect(specOf(policy)).toEqual({
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "models-fraud" }],
            apiKeyAuth: {
                credentialRefs: [{ group: "", kind: "Secret", name: "models-fraud-keys" }],
                extractFrom: [{ headers: ["x-api-key"] }],
                forwardClientIDHeader: "x-modelship-consumer",
                sanitize: true,
            },
        });
    });

    it("removes a consumer header the client sent as the request arrives, before authentication sets it", async () => {
        await rt.construct(() => deploy(gatewaySpec()));
        const policy = named(CLIENT, "models-client-traffic");
        expect(policy.inputs.metadata).toMatchObject({ name: "models", namespace: "ml" });
        expect(specOf(policy)).toEqual({
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "models" }],
            headers: { earlyRequestHeaders: { remove: ["x-modelship-consumer"] } },
        });
    });

    it("counts each consumer over all its routes in one shared Global rate limit, with its monthly quota and the body limit", async () => {
        await rt.construct(() => deploy(gatewaySpec()));
        const limits = named(TRAFFIC, "models-limits");
        expect(limits.inputs.metadata).toMatchObject({ name: "models", namespace: "ml" });
        const consumer = (name: string) => [{ headers: [{ name: "x-modelship-consumer", type: "Exact", value: name }] }];
        expect(specOf(limits)).toEqual({
            targetRefs: [
                { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "models-fraud" },
                { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "models-llm-v2" },
            ],
            requestBuffer: { limit: "10Mi" },
            rateLimit: {
                type: "Global",
                global: {
                    rules: [
                        { clientSelectors: consumer("alice"), limit: { requests: 30, unit: "Minute" }, shared: true },
                        { clientSelectors: consumer("alice"), limit: { requests: 100000, unit: "Month" }, shared: true },
                        { clientSelectors: consumer("bob"), limit: { requests: 5, unit: "Second" }, shared: true },
                    ],
                },
            },
        });
        // The anonymous route: its own body limit, no consumer limits.
        expect(specOf(named(TRAFFIC, "models-health-traffic"))).toEqual({
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "models-health" }],
            requestBuffer: { limit: "1Mi" },
        });
    });

    it("with JWT: validates tokens, copies the consumer claim to the consumer header, and admits only the route's consumers", async () => {
        const spec = gatewaySpec({
            auth: GatewayAuth.Jwt,
            jwt: { issuer: "https://login.example.com/", jwksUri: "https://login.example.com/jwks.json", audiences: ["models"], consumerClaim: "team" },
        });
        const { resources } = await rt.construct(() => deploy(spec, {}));
        expect(resources.filter((r) => r.type === SECRET)).toEqual([]);
        expect(specOf(named(SECURITY, "models-llm-v2-auth"))).toEqual({
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "models-llm-v2" }],
            jwt: {
                providers: [
                    {
                        name: "issuer",
                        issuer: "https://login.example.com/",
                        audiences: ["models"],
                        remoteJWKS: { uri: "https://login.example.com/jwks.json" },
                        claimToHeaders: [{ claim: "team", header: "x-modelship-consumer" }],
                    },
                ],
            },
            authorization: {
                defaultAction: "Deny",
                rules: [{ name: "allowed-consumers", action: "Allow", principal: { jwt: { provider: "issuer", claims: [{ name: "team", values: ["alice"] }] } } }],
            },
        });
    });

    it("without TLS listens on 80 in plain HTTP, warns, and takes the URL from the Gateway's address without a host name", async () => {
        const spec = gatewaySpec({ kubernetes: { namespace: "ml", gatewayClassName: "eg", kubeconfig: "apiVersion: v1\nkind: Config" } });
        const warn = vi.spyOn(pulumi.log, "warn");
        const { value, resources } = await rt.construct(() => deploy(spec));
        expect(warn.mock.calls.map((c) => c[0])).toContain(
            "the gateway listens on port 80 in plain HTTP: API keys and tokens cross the network in clear text. Give kubernetes.tlsSecretName (a kubernetes.io/tls Secret for kubernetes.hostname) or put TLS in front",
        );
        warn.mockRestore();
        expect(specOf(rt.one(GATEWAY)).listeners).toEqual([{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } }]);
        const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        expect(provider.secretInputs).toContain("kubeconfig");
        // The mock assigns no address: the URL stays empty until the Gateway controller has given one.
        expect(await outputValue(value.url)).toBe("");
    });

    it("fails clearly when a URL given as an Output is not a cluster Service URL", async () => {
        const spec = gatewaySpec({ routes: [route("fraud", { backend: { kind: "url" as never, locator: pulumi.output("https://fraud.example.com/") }, consumers: ["alice", "bob"] })] });
        const deployed = deploy(spec);
        await expect(outputValue(pulumi.output((deployed.resources.fraudReferenceGrant as unknown as { spec: pulumi.Output<unknown> }).spec))).rejects.toThrow(
            'modelship:index:ModelGateway "models": 1 invalid argument:\n  - routes[0].url: received "https://fraud.example.com/"; expected a cluster Service URL, http://<service>.<namespace>.svc[.cluster.local][:<port>] (a ModelService\'s internalUrl or a PolyglotPipeline\'s url on kubernetes)',
        );
        await rt.settle();
    });

    it("renders every object in the plan's Kubernetes YAML, keys redacted, Secrets before the policies that read them", async () => {
        const { resources } = await rt.construct(() => deploy(gatewaySpec()));
        const { objects } = kubernetesObjects(resources);
        const names = objects.map((o) => `${o.kind}/${o.name}`);
        expect([...names].sort()).toEqual(
            [
                "Secret/models-fraud-keys",
                "Secret/models-llm-v2-keys",
                "Gateway/models",
                "ReferenceGrant/models-fraud",
                "HTTPRoute/models-fraud",
                "SecurityPolicy/models-fraud",
                "ReferenceGrant/models-llm-v2",
                "HTTPRoute/models-llm-v2",
                "SecurityPolicy/models-llm-v2",
                "ReferenceGrant/models-health",
                "HTTPRoute/models-health",
                "BackendTrafficPolicy/models",
                "BackendTrafficPolicy/models-health",
                "ClientTrafficPolicy/models",
            ].sort(),
        );
        expect(names.slice(0, 2).every((n) => n.startsWith("Secret/"))).toBe(true);
        const secret = objects.find((o) => o.name === "models-fraud-keys")!;
        expect(JSON.stringify(secret.manifest)).not.toContain("alice-key");
        expect(secret.redacted).toBe(true);
    });

    it("prices the Gateway's load balancer as unknown and the policies as free", async () => {
        const costed = kubernetesGateway.costedResources(gatewaySpec());
        expect(costed.map((c) => c.type)).toEqual([GATEWAY, TRAFFIC, TRAFFIC, SECURITY, SECURITY, CLIENT]);
        const report = estimateCost(costed);
        expect(report.monthly).toEqual({ min: null, max: null });
        expect(report.free.map((f) => f.type).sort()).toEqual([TRAFFIC, TRAFFIC, SECURITY, SECURITY, CLIENT].sort());
    });
});

describe("kubernetes gateway units", () => {
    it("writes a rate as whole requests in the smallest unit", () => {
        expect(rateLimitValue(5)).toEqual({ requests: 5, unit: "Second" });
        expect(rateLimitValue(0.5)).toEqual({ requests: 30, unit: "Minute" });
        expect(rateLimitValue(0.1)).toEqual({ requests: 6, unit: "Minute" });
        expect(rateLimitValue(0.01)).toEqual({ requests: 36, unit: "Hour" });
        expect(rateLimitValue(2.5)).toEqual({ requests: 150, unit: "Minute" });
        expect(rateLimitValue(1 / 7)).toEqual({ requests: 514, unit: "Hour" });
    });

    it("writes Gateway API durations with at most 5 digits a part", () => {
        expect(gatewayDuration(330)).toBe("330s");
        expect(gatewayDuration(1.5)).toBe("1s500ms");
        expect(gatewayDuration(0.25)).toBe("250ms");
        expect(gatewayDuration(3723)).toBe("3723s");
        expect(gatewayDuration(86400 * 2)).toBe("48h");
        expect(gatewayDuration(100_000.5)).toBe("27h46m40s500ms");
    });
});

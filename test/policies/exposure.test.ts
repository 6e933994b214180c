/**
 * public-endpoint-auth, over ModelServices on every target and hand-written Lambda function URLs, Cloud Run
 * services with IAM grants, Kubernetes LoadBalancer Services, Gateway API routes and Docker containers.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AuthMode, ModelService, ModelServiceArgs, Target } from "../../index";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateStack } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const digest = (repo: string) => `${repo}@sha256:${"a".repeat(64)}`;
const ecr = digest("111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder");
const gar = digest("us-docker.pkg.dev/acme-ml/models/tts");
const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (resources: ResourceRecord[], config = {}) =>
    findingsOf("public-endpoint-auth", resources, { "public-endpoint-auth": config }).map((f) => `${f.enforcement} ${short(f.urn)}: ${f.message}`);

async function service(args: ModelServiceArgs) {
    return (await rt.construct(() => new ModelService("svc", args))).resources;
}

describe("public-endpoint-auth with ModelService", () => {
    it("fails a public endpoint without authentication on Lambda, Cloud Run and Docker", async () => {
        const none = { public: true, auth: AuthMode.None };
        expect(found(await service({ model: { image: ecr }, exposure: none, target: Target.AwsLambda }))).toEqual([
            'mandatory svc-url: the function URL has authorizationType "NONE": anyone on the internet can invoke the function; use "AWS_IAM"',
        ]);
        expect(found(await service({ model: { image: gar }, exposure: none, target: Target.GcpCloudRun }))).toEqual([
            "mandatory svc-public-invoker: grants roles/run.invoker to allUsers: anyone on the internet can invoke Cloud Run service svc; grant the role to the callers' identities instead",
        ]);
        expect(found(await service({ model: { image: gar, port: 9000 }, exposure: none, target: Target.Docker }))).toEqual([
            "mandatory svc-server: the container publishes port 9000 on every interface (0.0.0.0), with no authentication in front; bind it to 127.0.0.1 (ports[0].ip)",
        ]);
    });

    it("passes private endpoints and public ones with authentication", async () => {
        expect(found(await service({ model: { image: ecr }, exposure: { public: true, auth: AuthMode.Iam }, target: Target.AwsLambda }))).toEqual([]);
        expect(found(await service({ model: { image: gar }, target: Target.GcpCloudRun }))).toEqual([]);
        expect(found(await service({ model: { image: gar }, target: Target.Docker }))).toEqual([]);
        const jwt = { issuer: "https://auth.example.com/", jwksUri: "https://auth.example.com/.well-known/jwks.json" };
        expect(found(await service({ model: { image: gar }, exposure: { public: true, auth: AuthMode.Jwt, jwt }, kubernetes: { gateway: "gateways/public" }, target: Target.Kubernetes }))).toEqual([]);
        const apiKeys = { "client-a": pulumi.secret("k3y") };
        expect(
            found(await service({ model: { image: gar }, exposure: { public: true, auth: AuthMode.ApiKey }, kubernetes: { gateway: "gateways/public", apiKeys }, target: Target.Kubernetes })),
        ).toEqual([]);
    });

    it("fails a private canary's route on a Gateway not listed as internal, and passes it once listed", async () => {
        const resources = await service({
            model: { image: gar },
            versions: [
                { name: "stable", weight: 90 },
                { name: "next", image: digest("us-docker.pkg.dev/acme-ml/models/tts-next"), weight: 10 },
            ],
            kubernetes: { gateway: "gateways/internal" },
            target: Target.Kubernetes,
        });
        expect(found(resources)).toEqual([
            'mandatory svc: the route is attached to Gateway gateways/internal, which is not listed in internalGateways, and no Envoy Gateway SecurityPolicy with authentication (jwt, apiKeyAuth, basicAuth, oidc, extAuth) targets the route or its Gateway; require authentication (ModelService: exposure.auth jwt or api-key; ModelGateway: a route with consumers), list the Gateway as internal, or, for a route anonymous on purpose, list it in anonymousRoutes as "svc"',
        ]);
        expect(found(resources, { internalGateways: ["gateways/internal"] })).toEqual([]);
        expect(await validateStack("public-endpoint-auth", resources, { internalGateways: ["gateways/internal"] })).toEqual([]);
    });
});

describe("public-endpoint-auth with hand-written resources", () => {
    const runService = (ingress?: string) =>
        record("gcp:cloudrunv2/service:Service", "api", { name: "api", location: "us-central1", ...(ingress ? { ingress } : {}), template: { containers: [{ image: gar }] } });
    const invoker = (member: string) => record("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "api-invoker", { name: "api", location: "us-central1", role: "roles/run.invoker", member });
    const lbService = (extra: { annotations?: Record<string, string>; loadBalancerSourceRanges?: string[] } = {}) =>
        record("kubernetes:core/v1:Service", "front", {
            metadata: { name: "front", annotations: extra.annotations },
            spec: { type: "LoadBalancer", ports: [{ port: 443 }], loadBalancerSourceRanges: extra.loadBalancerSourceRanges },
        });
    const route = record("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "chat", {
        metadata: { name: "chat", namespace: "ml", labels: { app: "chat" } },
        spec: { parentRefs: [{ name: "public", namespace: "gateways" }], rules: [{ backendRefs: [{ name: "chat", port: 80 }] }] },
    });
    const securityPolicy = (namespace: string, target: Record<string, unknown>, auth: Record<string, unknown> = { jwt: { providers: [] } }) =>
        record("kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy", `auth-${namespace}`, { metadata: { name: "auth", namespace }, spec: { ...target, ...auth } });

    it("Lambda function URLs: NONE fails, AWS_IAM passes", () => {
        const url = (authorizationType: string) => record("aws:lambda/functionUrl:FunctionUrl", "url", { functionName: "f", authorizationType });
        expect(found([url("NONE")])).toHaveLength(1);
        expect(found([url("AWS_IAM")])).toEqual([]);
    });

    it("Cloud Run: allUsers or allAuthenticatedUsers invokers fail unless the service only admits internal traffic; turning off the IAM check fails", () => {
        expect(found([runService(), invoker("allUsers")])).toHaveLength(1);
        expect(found([runService(), invoker("user:ana@example.com")])).toEqual([]);
        expect(found([runService("INGRESS_TRAFFIC_INTERNAL_ONLY"), invoker("allUsers")])).toEqual([]);
        const binding = record("gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding", "b", { name: "elsewhere", role: "roles/run.invoker", members: ["group:ml@example.com", "allAuthenticatedUsers"] });
        expect(found([binding])).toEqual([
            "mandatory b: grants roles/run.invoker to allAuthenticatedUsers: anyone on the internet can invoke Cloud Run service elsewhere (the service is not in this stack, so its ingress is taken as public); grant the role to the callers' identities instead",
        ]);
        const open = record("gcp:cloudrunv2/service:Service", "open", { name: "open", invokerIamDisabled: true, template: { containers: [{ image: gar }] } });
        expect(found([open])).toEqual(["mandatory open: invokerIamDisabled is true and ingress admits the internet: anyone who has the URL can invoke the service; keep the IAM invoker check"]);
    });

    it("Kubernetes LoadBalancer Services: public fails; internal annotation or restricted source ranges pass", () => {
        expect(found([lbService()])).toEqual([
            "mandatory front: the Service of type LoadBalancer exposes port(s) 443 on a public load balancer, which authenticates no one; route it through a Gateway with an authenticating SecurityPolicy, or make the load balancer internal (for example service.beta.kubernetes.io/aws-load-balancer-scheme: internal)",
        ]);
        expect(found([lbService({ annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } })])).toEqual([]);
        expect(found([lbService({ annotations: { "networking.gke.io/load-balancer-type": "Internal" } })])).toEqual([]);
        expect(found([lbService({ loadBalancerSourceRanges: ["10.0.0.0/8"] })])).toEqual([]);
        expect(found([lbService({ loadBalancerSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"] })])).toHaveLength(1);
        expect(found([record("kubernetes:core/v1:Service", "internal", { spec: { type: "ClusterIP", ports: [{ port: 80 }] } })])).toEqual([]);
    });

    it("HTTPRoutes: covered by a SecurityPolicy on the route, on its labels or on its Gateway; not by one without authentication", () => {
        expect(found([route])).toHaveLength(1);
        expect(found([route, securityPolicy("ml", { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "chat" }] })])).toEqual([]);
        expect(found([route, securityPolicy("ml", { targetSelectors: [{ kind: "HTTPRoute", matchLabels: { app: "chat" } }] })])).toEqual([]);
        expect(found([route, securityPolicy("gateways", { targetRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public" } })])).toEqual([]);
        // A policy in another namespace, on another route, or with only CORS does not authenticate this route.
        expect(found([route, securityPolicy("other", { targetRefs: [{ kind: "HTTPRoute", name: "chat" }] })])).toHaveLength(1);
        expect(found([route, securityPolicy("ml", { targetRefs: [{ kind: "HTTPRoute", name: "other" }] })])).toHaveLength(1);
        expect(found([route, securityPolicy("ml", { targetRefs: [{ kind: "HTTPRoute", name: "chat" }] }, { cors: { allowOrigins: ["*"] } })])).toHaveLength(1);
        expect(found([route], { internalGateways: ["gateways/public"] })).toEqual([]);
    });

    it("Docker containers: a port without ip or on 0.0.0.0 fails, on 127.0.0.1 passes", () => {
        const container = (ports: unknown[]) => record("docker:index/container:Container", "c", { image: gar, ports });
        expect(found([container([{ internal: 8080, external: 8080 }])])).toEqual([
            "mandatory c: the container publishes port 8080 on every interface (ports[0].ip not set: Docker's default 0.0.0.0), with no authentication in front; bind it to 127.0.0.1 (ports[0].ip)",
        ]);
        expect(found([container([{ internal: 8080, external: 8080, ip: "127.0.0.1" }])])).toEqual([]);
        expect(found([container([])])).toEqual([]);
    });
});

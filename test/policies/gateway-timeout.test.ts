/**
 * gateway-timeout: ModelGateway routes (the component's inputs, on every target) and hand-written Gateway API
 * HTTPRoutes in front of Deployments that can be at zero.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayTarget, ModelGateway, ModelGatewayArgs } from "../../index";
import { UNKNOWN } from "../../policies/framework/unknowns";
import { durationSeconds } from "../../policies/inspect/gateway-timeouts";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateStack } from "./helpers";

const rt = useMockRuntime({ config: { "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const short = (urn: string | undefined) => urn?.split("::").pop();
const found = (resources: ResourceRecord[]) => findingsOf("gateway-timeout", resources).map((f) => `${f.enforcement} ${short(f.urn)}: ${f.message}`);
const reported = async (resources: ResourceRecord[]) => (await validateStack("gateway-timeout", resources)).map((v) => `${short(v.urn)}: ${v.message}`);

const KEY = "payments-key-0123456789abcdef";
const GATEWAY = "modelship:index:ModelGateway";

describe("gateway-timeout with ModelGateway", () => {
    it("passes routes whose timeout covers cold start and request (kubernetes, gcp-loadbalancer)", async () => {
        const kubernetes: ModelGatewayArgs = {
            target: GatewayTarget.Kubernetes,
            routes: [{ name: "fraud", pathPrefix: "/fraud", url: "http://fraud.pipelines.svc.cluster.local", coldStartSeconds: 120, requestSeconds: 30 }],
            consumers: [{ name: "payments", ratePerSecond: 50, apiKey: pulumi.secret(KEY) }],
            kubernetes: { namespace: "ml", hostname: "models.example.com", tlsSecretName: "models-tls" },
        };
        expect(found((await rt.construct(() => new ModelGateway("models", kubernetes))).resources)).toEqual([]);
        const gcp: ModelGatewayArgs = {
            target: GatewayTarget.GcpLoadBalancer,
            routes: [{ name: "llm", pathPrefix: "/llm", cloudRunService: "qwen", coldStartSeconds: 240, requestSeconds: 900 }],
            consumers: [{ name: "payments", ratePerSecond: 5, apiKey: pulumi.secret(KEY) }],
            gcp: { region: "us-central1", domain: "models.example.com" },
        };
        expect(found((await rt.construct(() => new ModelGateway("models", gcp))).resources)).toEqual([]);
    });

    it("flags a default timeout capped by the target's limit (gcp-loadbalancer with Cloud Run: 3600 s), which the component only warns about; the engine reads it from the policyView output", async () => {
        const args: ModelGatewayArgs = {
            target: GatewayTarget.GcpLoadBalancer,
            routes: [
                { name: "batch", pathPrefix: "/batch", cloudRunService: "batch", coldStartSeconds: 3000, requestSeconds: 900 },
                { name: "slow", pathPrefix: "/slow", cloudRunService: "slow", coldStartSeconds: 3000, requestSeconds: 900, timeoutSeconds: 3600, allowShortTimeout: true },
            ],
            consumers: [{ name: "payments", ratePerSecond: 5, apiKey: pulumi.secret(KEY) }],
            gcp: { region: "us-central1", domain: "models.example.com" },
        };
        const { resources } = await rt.construct(() => new ModelGateway("models", args));
        const expected =
            'models: route "batch" of ModelGateway "models" times out after 3600 s (the default, capped at Cloud Run\'s request timeout maximum (3600 s), which ends requests behind a serverless NEG), ' +
            "below the 3900 s a request needs when the backend is cold (cold-start budget 3000 s + request 900 s): requests that arrive while the backend is at zero are answered 504; " +
            "raise timeoutSeconds, keep a replica of the backend warm (its minimum replicas at 1 or more, then coldStartSeconds 0), or accept it with allowShortTimeout: true";
        expect(found(resources)).toEqual([`advisory ${expected}`]);
        expect(await reported(resources)).toEqual([expected]);
    });

    const component = (inputs: Record<string, unknown>) => record(GATEWAY, "models", inputs);
    const awsRoutes = [
        { name: "fraud", pathPrefix: "/fraud", sagemakerEndpoint: "fraud", coldStartSeconds: 120, requestSeconds: 30 },
        { name: "quick", pathPrefix: "/quick", lambdaFunction: "arn:aws:lambda:us-east-1:123456789012:function:quick", requestSeconds: 20 },
        { name: "llm", pathPrefix: "/llm", sagemakerEndpoint: "llm", coldStartSeconds: 240, requestSeconds: 60, timeoutSeconds: 29, allowShortTimeout: true },
    ];

    it("aws-apigateway (the component's inputs): the 29 s quota caps a route that needs 150 s; allowShortTimeout and a raised quota pass", () => {
        expect(found([component({ target: "aws-apigateway", routes: awsRoutes })])).toEqual([
            'advisory models: route "fraud" of ModelGateway "models" times out after 29 s (the default, capped at API Gateway\'s integration timeout quota (aws.maxIntegrationTimeoutSeconds, 29 s)), ' +
                "below the 150 s a request needs when the backend is cold (cold-start budget 120 s + request 30 s): requests that arrive while the backend is at zero are answered 504; " +
                "raise the limit (a Service Quotas increase, then aws.maxIntegrationTimeoutSeconds), keep a replica of the backend warm (its minimum replicas at 1 or more, then coldStartSeconds 0), or accept it with allowShortTimeout: true",
        ]);
        expect(found([component({ target: "aws-apigateway", routes: awsRoutes, aws: { maxIntegrationTimeoutSeconds: 300 } })])).toEqual([]);
    });

    it("a given timeout below the need (the component refuses it; a record of another version may hold it), and requestSeconds' default of 60", () => {
        const routes = [{ name: "chat", pathPrefix: "/chat", url: "http://chat.ml.svc.cluster.local", coldStartSeconds: 120, timeoutSeconds: 90 }];
        expect(found([component({ target: "kubernetes", routes })])).toEqual([
            'advisory models: route "chat" of ModelGateway "models" times out after 90 s (timeoutSeconds), below the 180 s a request needs when the backend is cold ' +
                "(cold-start budget 120 s + request 60 s): requests that arrive while the backend is at zero are answered 504; " +
                "raise timeoutSeconds, keep a replica of the backend warm (its minimum replicas at 1 or more, then coldStartSeconds 0), or accept it with allowShortTimeout: true",
        ]);
        expect(found([component({ target: "kubernetes", routes: [{ ...routes[0], timeoutSeconds: 180 }] })])).toEqual([]);
    });

    it("notes a route whose cold start is unknown during preview as advisory, and still checks the others", () => {
        const routes = [
            { ...awsRoutes[0], coldStartSeconds: UNKNOWN },
            { ...awsRoutes[0], name: "fraud2" },
        ];
        const messages = found([component({ target: "aws-apigateway", routes })]);
        expect(messages[0]).toBe('advisory models: cannot check the timeout of ModelGateway "models" routes[0] during preview: coldStartSeconds is not known until deployment (an Output)');
        expect(messages).toHaveLength(2);
        expect(messages[1]).toMatch(/^advisory models: route "fraud2" of ModelGateway "models" times out after 29 s \(the default, capped/);
    });
});

describe("gateway-timeout with hand-written HTTPRoutes", () => {
    const startupProbe = { httpGet: { path: "/health", port: 8000 }, initialDelaySeconds: 30, failureThreshold: 30, periodSeconds: 10 };
    function stack(options: { timeout?: string; minReplicaCount?: number; scaledObject?: boolean; replicas?: number; probe?: boolean } = {}) {
        const labels = { app: "chat" };
        const deployment = new k8s.apps.v1.Deployment("chat", {
            metadata: { name: "chat", namespace: "ml" },
            spec: {
                replicas: options.replicas,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: { containers: [{ name: "server", image: `ghcr.io/acme/chat@sha256:${"a".repeat(64)}`, ...(options.probe === false ? {} : { startupProbe }) }] },
                },
            },
        });
        new k8s.core.v1.Service("chat", { metadata: { name: "chat", namespace: "ml" }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8000 }] } });
        if (options.scaledObject !== false) {
            new k8s.apiextensions.CustomResource(
                "chat-scaler",
                {
                    apiVersion: "keda.sh/v1alpha1",
                    kind: "ScaledObject",
                    metadata: { name: "chat", namespace: "ml" },
                    spec: {
                        scaleTargetRef: { name: "chat" },
                        minReplicaCount: options.minReplicaCount,
                        maxReplicaCount: 4,
                        triggers: [{ type: "prometheus", metadata: { serverAddress: "http://prometheus:9090", query: "sum(rate(requests[1m]))", threshold: "5" } }],
                    },
                },
                { dependsOn: [deployment] },
            );
        }
        new k8s.apiextensions.CustomResource("chat-route", {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: "chat", namespace: "ml" },
            spec: {
                parentRefs: [{ name: "public", namespace: "gateways" }],
                rules: [{ backendRefs: [{ name: "chat", port: 80 }], ...(options.timeout ? { timeouts: { request: options.timeout } } : {}) }],
            },
        });
    }
    const routeMessage = (timeout: number, raw: string, zero: string) =>
        `chat-route: rules[0] of HTTPRoute chat times out after ${timeout} s (timeouts.request "${raw}"), below the cold-start budget of Deployment chat, ` +
        `330 s (startupProbe of container server: initialDelaySeconds 30 + failureThreshold 30 x periodSeconds 10), which can be at zero replicas (${zero}); ` +
        "the request's own time comes on top: requests that arrive while it starts are answered 504; raise timeouts.request to the cold-start budget plus the request time, or keep a replica warm (minReplicaCount 1)";

    it("flags a request timeout below the startup budget of a Deployment that KEDA scales to zero", async () => {
        const { resources } = await rt.construct(() => stack({ timeout: "1m" }));
        const expected = routeMessage(60, "1m", 'KEDA ScaledObject "chat" (0-4, minReplicaCount default 0)');
        expect(found(resources)).toEqual([`advisory ${expected}`]);
        expect(await reported(resources)).toEqual([expected]);
        expect(found((await rt.construct(() => stack({ timeout: "5m", minReplicaCount: 0 }))).resources)).toEqual([`advisory ${routeMessage(300, "5m", 'KEDA ScaledObject "chat" (0-4)')}`]);
    });

    it("flags spec.replicas 0 without an autoscaler", async () => {
        const { resources } = await rt.construct(() => stack({ timeout: "30s", scaledObject: false, replicas: 0 }));
        expect(found(resources)).toEqual([`advisory ${routeMessage(30, "30s", "spec.replicas 0")}`]);
    });

    it("passes a timeout over the budget, a warm replica, no startupProbe, and no timeouts.request", async () => {
        expect(found((await rt.construct(() => stack({ timeout: "6m" }))).resources)).toEqual([]);
        expect(found((await rt.construct(() => stack({ timeout: "1m", minReplicaCount: 1 }))).resources)).toEqual([]);
        expect(found((await rt.construct(() => stack({ timeout: "1m", scaledObject: false }))).resources)).toEqual([]);
        expect(found((await rt.construct(() => stack({ timeout: "1m", probe: false }))).resources)).toEqual([]);
        expect(found((await rt.construct(() => stack({}))).resources)).toEqual([]);
    });

    it("leaves a ModelGateway's HTTPRoutes to the component's check: allowShortTimeout in front of a Deployment at zero passes", async () => {
        const args: ModelGatewayArgs = {
            target: GatewayTarget.Kubernetes,
            routes: [{ name: "chat", pathPrefix: "/chat", url: "http://chat.ml.svc.cluster.local", coldStartSeconds: 330, requestSeconds: 30, timeoutSeconds: 60, allowShortTimeout: true }],
            consumers: [{ name: "payments", ratePerSecond: 50, apiKey: pulumi.secret(KEY) }],
            kubernetes: { namespace: "ml", hostname: "models.example.com", tlsSecretName: "models-tls" },
        };
        const { resources } = await rt.construct(() => {
            stack({});
            return new ModelGateway("models", args);
        });
        expect(resources.some((r) => r.name === "models-chat-route")).toBe(true);
        expect(found(resources)).toEqual([]);
    });

    it("reads Gateway API durations", () => {
        expect(["30s", "1m30s", "500ms", "1h", "0s", "1m1s500ms"].map(durationSeconds)).toEqual([30, 90, 0.5, 3600, 0, 61.5]);
        expect(["30", "1.5s", "", "1d"].map(durationSeconds)).toEqual([undefined, undefined, undefined, undefined]);
    });
});

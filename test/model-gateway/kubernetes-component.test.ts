/** ModelGateway on kubernetes through the component: generated keys in the route Secrets, outputs, and refusals. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayTarget, ModelGateway, ModelGatewayArgs } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const TYPE = "modelship:index:ModelGateway";
const SECRET = "kubernetes:core/v1:Secret";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const args = (extra: Partial<ModelGatewayArgs> = {}): ModelGatewayArgs => ({
    target: GatewayTarget.Kubernetes,
    routes: [
        { name: "fraud", pathPrefix: "/fraud", url: "http://fraud.pipelines.svc.cluster.local", coldStartSeconds: 120, requestSeconds: 30 },
        { name: "chat", pathPrefix: "/chat", url: pulumi.output("http://qwen.ml.svc.cluster.local:8000"), requestSeconds: 300, retries: 0 },
    ],
    consumers: [
        { name: "payments", ratePerSecond: 50, routes: ["fraud"] },
        { name: "support-bot", ratePerSecond: 0.5, monthlyQuota: 100_000, apiKey: pulumi.secret("support-bot-key-0123456789") },
    ],
    kubernetes: { namespace: "ml", hostname: "models.example.com", tlsSecretName: "models-tls" },
    ...extra,
});

describe("ModelGateway on kubernetes (component)", () => {
    it("keeps generated and given keys in the route Secrets, and sets each route's timeout from cold start + request", async () => {
        const { value: gateway, resources } = await rt.construct(() => new ModelGateway("models", args()));
        const keys = await outputValue(gateway.consumerKeys);
        expect(Object.keys(keys).sort()).toEqual(["payments", "support-bot"]);
        expect(keys["support-bot"]).toBe("support-bot-key-0123456789");
        expect(rt.one(SECRET, "models-fraud-keys").inputs.stringData).toEqual({ payments: keys.payments, "support-bot": "support-bot-key-0123456789" });
        expect(rt.one(SECRET, "models-chat-keys").inputs.stringData).toEqual({ "support-bot": "support-bot-key-0123456789" });
        expect(rt.one(SECRET, "models-chat-keys").secretInputs).toContain("stringData");
        const fraud = rt.one(ROUTE, "models-fraud-route").inputs.spec as Json;
        expect(fraud.rules.map((r: Json) => r.timeouts.request)).toEqual(["150s", "150s"]);
        expect(fraud.rules[0].backendRefs).toEqual([{ group: "", kind: "Service", name: "fraud", namespace: "pipelines", port: 80 }]);
        // retries: 0: no retry on either rule.
        expect((rt.one(ROUTE, "models-chat-route").inputs.spec as Json).rules.map((r: Json) => r.retry)).toEqual([undefined, undefined]);
        expect(fraud.rules.map((r: Json) => r.retry)).toEqual([{ attempts: 1, codes: [502, 503] }, undefined]);
        expect(await outputValue(gateway.url)).toBe("https://models.example.com");
        expect(await outputValue(gateway.routeUrls)).toEqual({ fraud: "https://models.example.com/fraud", chat: "https://models.example.com/chat" });
        for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) expect(r.parent).toBe(`urn:pulumi:dev::test::${TYPE}::models`);
        // The Gateway's cloud load balancer is not in the catalog: unknown, never 0.
        const cost = await outputValue(gateway.estimatedMonthlyCost);
        expect(cost.known).toBe(false);
        expect(cost.min).toBeUndefined();
        expect(cost.basis.join("\n")).toContain("a Gateway makes its controller run proxies behind a cloud load balancer (a Service of type LoadBalancer), whose price is not in the catalog");
    });

    it("refuses, before anything is created, a backend that is not a cluster Service and body limits the shared policy cannot carry", async () => {
        const bad = args();
        bad.routes[0] = { ...bad.routes[0], url: "https://fraud.example.com/score", maxBodyMiB: 20 };
        expect(() => new ModelGateway("bad", bad)).toThrow(
            [
                `${TYPE} "bad": 2 invalid arguments:`,
                "  - routes[0].url: received \"https://fraud.example.com/score\"; expected a cluster Service URL, http://<service>.<namespace>.svc[.cluster.local][:<port>] (a ModelService's internalUrl or a PolyglotPipeline's url on kubernetes)",
                "  - routes[1].maxBodyMiB: received 10; expected 20, as routes[0] (fraud): on kubernetes every route with consumers shares one BackendTrafficPolicy, which counts each consumer's rate over all its routes and carries one body limit",
            ].join("\n"),
        );
        await rt.settle();
        expect(rt.recorder.all().filter((r) => r.name === "bad" || r.name.startsWith("bad-"))).toEqual([]);
    });
});

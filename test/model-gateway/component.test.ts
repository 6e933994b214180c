/**
 * The ModelGateway class with a recording target in place of docker's: what the class itself does (validation, keys,
 * outputs, warnings, deferred checks), whatever the target. Each target's own resources are tested in its own file.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GatewayTarget, ModelGateway, ModelGatewayArgs } from "../../index";
import { GatewaySpec } from "../../components/model-gateway/spec";
import { GATEWAY_TARGETS } from "../../components/model-gateway/targets";
import { GatewayTargetImpl } from "../../components/model-gateway/targets/target";
import { outputValue, useMockRuntime } from "../harness";
import { route } from "./fixtures";

const rt = useMockRuntime();

const real = GATEWAY_TARGETS[GatewayTarget.Docker];
let deployed: { spec: GatewaySpec; keys: string[]; parent: pulumi.ComponentResource } | undefined;

/** A target that records what the class hands it, creates nothing, and has a limit of 100 s. */
const recording: GatewayTargetImpl = {
    ...real,
    timeoutLimit: () => ({ seconds: 100, limit: "the test target's limit" }),
    deploy: (spec, keys, parent) => {
        deployed = { spec, keys: Object.keys(keys), parent };
        const url = pulumi.output("http://127.0.0.1:8088");
        return { url, routeUrls: Object.fromEntries(spec.routes.map((r) => [r.name, url.apply((u) => `${u}${r.pathPrefix}`)])), resources: {} };
    },
    costedResources: () => [],
};

beforeEach(() => {
    GATEWAY_TARGETS[GatewayTarget.Docker] = recording;
    deployed = undefined;
});
afterEach(() => {
    GATEWAY_TARGETS[GatewayTarget.Docker] = real;
    vi.restoreAllMocks();
});

const args: ModelGatewayArgs = {
    target: GatewayTarget.Docker,
    routes: [route("fraud", "/fraud"), route("health", "/health", { anonymous: true })],
    consumers: [{ name: "checkout", ratePerSecond: 10 }],
};

describe("ModelGateway", () => {
    it("hands the resolved spec and every consumer's key to the target, and exposes its outputs", async () => {
        const { value: gateway } = await rt.construct(() => new ModelGateway("models", args));
        expect(deployed?.parent).toBe(gateway);
        expect(deployed?.keys).toEqual(["checkout"]);
        expect(deployed?.spec.routes.map((r) => [r.name, r.timeoutSeconds])).toEqual([
            ["fraud", 60],
            ["health", 60],
        ]);
        expect(rt.one("random:index/randomPassword:RandomPassword", "models-checkout-key").parent).toBe("urn:pulumi:dev::test::modelship:index:ModelGateway::models");
        expect(await outputValue(gateway.url)).toBe("http://127.0.0.1:8088");
        expect(await outputValue(gateway.routeUrls)).toEqual({ fraud: "http://127.0.0.1:8088/fraud", health: "http://127.0.0.1:8088/health" });
        const keys = await outputValue(gateway.consumerKeys);
        expect(Object.keys(keys)).toEqual(["checkout"]);
        expect(keys.checkout).toMatch(/^simulated[0-9a-f]{31}$/);
        expect(await pulumi.isSecret(gateway.consumerKeys)).toBe(true);
        const openApi = JSON.parse(await outputValue(gateway.openApi)) as { openapi: string; servers: unknown; paths: object };
        expect(openApi.openapi).toBe("3.0.3");
        expect(openApi.servers).toEqual([{ url: "http://127.0.0.1:8088" }]);
        expect(Object.keys(openApi.paths)).toEqual(["/fraud", "/fraud/{path}", "/health", "/health/{path}"]);
        // The recording target creates nothing billable: the estimate is the cost model's of an empty list.
        expect(await outputValue(gateway.estimatedMonthlyCost)).toEqual({ knownMin: 0, knownMax: 0, min: 0, max: 0, known: true, basis: [] });
        expect(gateway.resources).toEqual({});
    });

    it("logs the capped-timeout warning on the component, at once for plain numbers and when Outputs resolve", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        await rt.construct(
            () =>
                new ModelGateway("capped", {
                    ...args,
                    routes: [route("fraud", "/fraud", { coldStartSeconds: 300 }), route("llm", "/llm", { coldStartSeconds: pulumi.output(200), requestSeconds: pulumi.output(30) })],
                }),
        );
        const messages = warn.mock.calls.map((call) => call[0]);
        expect(messages).toContainEqual(expect.stringMatching(/^route "fraud": timeout capped at 100 s \(the test target's limit\), but a cold start of 300 s plus a request of 60 s needs 360 s/));
        expect(messages).toContainEqual(expect.stringMatching(/^route "llm": timeout capped at 100 s \(the test target's limit\), but a cold start of 200 s plus a request of 30 s needs 230 s/));
        expect(await outputValue(deployed!.spec.routes[1].timeoutSeconds)).toBe(100);
    });

    it("fails the deployment when an Output key turns out too short, without printing it", async () => {
        await rt.construct(() => new ModelGateway("late", { ...args, consumers: [{ name: "checkout", ratePerSecond: 1, apiKey: pulumi.secret("tiny-key") }] }));
        const errors = rt.asyncErrors.map(String);
        expect(errors).toContainEqual(expect.stringContaining('modelship:index:ModelGateway "late": 1 invalid argument:\n  - consumers[0].apiKey: received a key of 8 characters'));
        expect(errors.join("\n")).not.toContain("tiny-key");
    });
});

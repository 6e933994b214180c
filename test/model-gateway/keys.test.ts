/** Consumers' keys: one RandomPassword per consumer without a key, given keys as secrets, none with JWT; the offline plan's simulated result. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GatewayAuth, GatewayTarget, ModelGatewayArgs } from "../../index";
import { consumerKeys } from "../../components/model-gateway/keys";
import { resolveGatewaySpec } from "../../components/model-gateway/resolve";
import { gatewaySchema } from "../../components/model-gateway/schema";
import { validateComponent } from "../../sdk/component";
import { simulatedOutputs } from "../../sdk/plan/simulated-cloud";
import { outputValue, useMockRuntime } from "../harness";
import { route, TABLE } from "./fixtures";

const rt = useMockRuntime();

const PASSWORD = "random:index/randomPassword:RandomPassword";

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("modelship:index:ModelGateway", name, {});
    }
}

function specOf(args: ModelGatewayArgs) {
    return validateComponent("modelship:index:ModelGateway", "models", gatewaySchema, args, (parsed) => resolveGatewaySpec("models", parsed, TABLE)).value.spec;
}

const args: ModelGatewayArgs = {
    target: GatewayTarget.Docker,
    routes: [route("fraud", "/fraud")],
    consumers: [
        { name: "checkout", ratePerSecond: 10 },
        { name: "batch", ratePerSecond: 1, apiKey: "given-key-of-24-letters!" },
    ],
};

describe("ModelGateway consumer keys", () => {
    it("generates a 40-character key without special characters for a consumer without one, and keeps a given key as a secret", async () => {
        const { value: keys, resources } = await rt.construct(() => consumerKeys(specOf(args), new Parent("models")));
        const password = rt.one(PASSWORD, "models-checkout-key");
        expect(password.inputs).toEqual({ length: 40, special: false });
        expect(password.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelGateway::models");
        expect(resources.filter((r) => r.type === PASSWORD)).toHaveLength(1);
        expect(Object.keys(keys)).toEqual(["checkout", "batch"]);
        expect(await outputValue(keys.batch)).toBe("given-key-of-24-letters!");
        expect(await pulumi.isSecret(keys.batch)).toBe(true);
        expect(await pulumi.isSecret(keys.checkout)).toBe(true);
        const generated = await outputValue(keys.checkout);
        expect(generated).toMatch(/^simulated[0-9a-f]{31}$/);
    });

    it("makes no key with JWT", async () => {
        const jwt = specOf({
            ...args,
            target: GatewayTarget.Kubernetes,
            // JWT is a kubernetes feature, whose backends are cluster Services.
            routes: [route("fraud", "/fraud", { url: "http://fraud.ml.svc.cluster.local:8080" })],
            auth: GatewayAuth.Jwt,
            jwt: { issuer: "https://id.example.com/", jwksUri: "https://id.example.com/jwks" },
            consumers: [{ name: "checkout", ratePerSecond: 1 }],
        });
        const { value: keys, resources } = await rt.construct(() => consumerKeys(jwt, new Parent("jwt")));
        expect(keys).toEqual({});
        expect(resources.filter((r) => r.type === PASSWORD)).toEqual([]);
    });

    it("simulates a RandomPassword's result offline: deterministic, at the requested length, recognisably fake", () => {
        const ctx = { project: "p", stack: "dev" };
        const a = simulatedOutputs(PASSWORD, "models-checkout-key", { length: 40, special: false }, ctx).result as string;
        expect(a).toHaveLength(40);
        expect(a.startsWith("simulated")).toBe(true);
        expect(simulatedOutputs(PASSWORD, "models-checkout-key", { length: 40, special: false }, ctx).result).toBe(a);
        expect(simulatedOutputs(PASSWORD, "models-batch-key", { length: 40, special: false }, ctx).result).not.toBe(a);
        expect(simulatedOutputs(PASSWORD, "models-checkout-key", { length: 40 }, { project: "p", stack: "prod" }).result).not.toBe(a);
        expect((simulatedOutputs(PASSWORD, "long", { length: 100 }, ctx).result as string).length).toBe(100);
    });
});

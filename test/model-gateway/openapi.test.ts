/**
 * The gateway's OpenAPI document, checked by @seriousme/openapi-schema-validator (the OpenAPI Initiative's published
 * JSON schemas for 3.0, run with Ajv): every document the gateway makes must be a valid OpenAPI 3.0.3 document.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { GatewayAuth, GatewayTarget, ModelGatewayArgs } from "../../index";
import { openApiDocument } from "../../components/model-gateway/openapi";
import { resolveGatewaySpec } from "../../components/model-gateway/resolve";
import { gatewaySchema } from "../../components/model-gateway/schema";
import { GatewaySpec } from "../../components/model-gateway/spec";
import { validateComponent } from "../../sdk/component";
import { useMockRuntime } from "../harness";
import { route, TABLE } from "./fixtures";

useMockRuntime();

function specOf(args: ModelGatewayArgs): GatewaySpec {
    return validateComponent("modelship:index:ModelGateway", "models", gatewaySchema, args, (parsed) => resolveGatewaySpec("models", parsed, TABLE)).value.spec;
}

function timeoutsOf(spec: GatewaySpec): Map<string, number> {
    return new Map(spec.routes.map((r) => [r.name, r.timeoutSeconds as number]));
}

async function validate(document: object): Promise<{ valid: boolean; errors?: unknown }> {
    const validator = new Validator();
    return validator.validate(structuredClone(document) as Record<string, unknown>);
}

const keyed: ModelGatewayArgs = {
    target: GatewayTarget.Docker,
    routes: [
        route("fraud", "/fraud", { coldStartSeconds: 30 }),
        route("fraud-v2", "/fraud", { header: { name: "X-Model-Version", value: "2" }, maxBodyMiB: 4 }),
        route("health", "/", { anonymous: true, requestSeconds: 5 }),
    ],
    consumers: [
        { name: "checkout", ratePerSecond: 20 },
        { name: "batch", ratePerSecond: 1, routes: ["fraud-v2"] },
    ],
};

/**
 * The keyed gateway resolved, with a monthly quota on checkout added afterwards: the docker target refuses quotas
 * (nginx cannot count a month), and the document does not depend on the target.
 */
function keyedSpec(): GatewaySpec {
    const spec = specOf(keyed);
    spec.consumers[0].monthlyQuota = 1_000_000;
    return spec;
}

describe("ModelGateway OpenAPI document", () => {
    it("is a valid OpenAPI 3.0.3 document (and the validator refuses a broken one)", async () => {
        const document = openApiDocument(keyedSpec(), "http://127.0.0.1:8088", timeoutsOf(keyedSpec()));
        expect(await validate(document)).toMatchObject({ valid: true });
        const broken = structuredClone(document) as { paths: Record<string, Record<string, Record<string, unknown>>> };
        delete broken.paths["/fraud"].post.responses;
        expect((await validate(broken)).valid).toBe(false);
    });

    it("gives a path for each prefix and everything under it, the header that selects a route, the key on keyed routes only", () => {
        const spec = keyedSpec();
        const document = openApiDocument(spec, "http://127.0.0.1:8088", timeoutsOf(spec)) as {
            servers: unknown;
            paths: Record<string, Record<string, { parameters?: unknown; security?: unknown; operationId?: string; "x-modelship-routes"?: unknown; responses?: Record<string, unknown> }>>;
            components: unknown;
        };
        expect(document.servers).toEqual([{ url: "http://127.0.0.1:8088" }]);
        expect(Object.keys(document.paths)).toEqual(["/fraud", "/fraud/{path}", "/", "/{path}"]);
        expect(Object.keys(document.paths["/fraud"])).toEqual(["get", "post", "put", "delete", "head", "options", "patch"]);
        const post = document.paths["/fraud"].post;
        expect(post.operationId).toBe("fraud_fraud-v2_post");
        expect(post.parameters).toEqual([
            { name: "x-model-version", in: "header", required: false, description: 'Selects the route: absent for fraud, "2" for fraud-v2.', schema: { type: "string", enum: ["2"] } },
        ]);
        expect(post.security).toEqual([{ apiKey: [] }]);
        expect(Object.keys(post.responses ?? {})).toEqual(["200", "401", "403", "413", "429", "504"]);
        expect(post["x-modelship-routes"]).toEqual([
            {
                name: "fraud",
                "x-modelship-timeout-seconds": 90,
                "x-modelship-max-body-mib": 10,
                "x-modelship-retries": 1,
                "x-modelship-backend": "url",
                "x-modelship-anonymous": false,
                "x-modelship-consumers": { checkout: { ratePerSecond: 20, burst: 40, monthlyQuota: 1_000_000 } },
            },
            {
                name: "fraud-v2",
                header: { name: "x-model-version", value: "2" },
                "x-modelship-timeout-seconds": 60,
                "x-modelship-max-body-mib": 4,
                "x-modelship-retries": 1,
                "x-modelship-backend": "url",
                "x-modelship-anonymous": false,
                "x-modelship-consumers": { checkout: { ratePerSecond: 20, burst: 40, monthlyQuota: 1_000_000 }, batch: { ratePerSecond: 1, burst: 2 } },
            },
        ]);
        expect(document.paths["/fraud/{path}"].parameters).toEqual([
            { name: "path", in: "path", required: true, description: "The rest of the path, passed to the backend.", schema: { type: "string" } },
        ]);
        expect(document.paths["/"].get.security).toEqual([]);
        expect(document.paths["/{path}"].get.operationId).toBe("health_get_path");
        expect(document.components).toEqual({
            securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "The consumer's API key (the gateway's consumerKeys output)." } },
        });
    });

    it("lists only POST for a SageMaker endpoint or a state machine, which are invoked, and every method for a URL", async () => {
        const spec = specOf({
            target: GatewayTarget.AwsApiGateway,
            routes: [
                { name: "chat", pathPrefix: "/chat", sagemakerEndpoint: "qwen-chat" },
                { name: "fraud", pathPrefix: "/fraud", stateMachine: "arn:aws:states:us-east-1:123456789012:stateMachine:fraud" },
                { name: "docs", pathPrefix: "/docs", url: "https://docs.example.com" },
            ],
            consumers: [{ name: "checkout", ratePerSecond: 5 }],
        });
        const document = openApiDocument(spec, "https://api.example.com/v1", timeoutsOf(spec)) as { paths: Record<string, Record<string, unknown>> };
        expect(Object.keys(document.paths["/chat"])).toEqual(["post"]);
        expect(Object.keys(document.paths["/fraud/{path}"])).toEqual(["parameters", "post"]);
        expect(Object.keys(document.paths["/docs"])).toEqual(["get", "post", "put", "delete", "head", "options", "patch"]);
        expect((await validate(document)).valid).toBe(true);
    });

    it("names a JWT bearer scheme with auth jwt, and stays valid", async () => {
        const spec = specOf({
            target: GatewayTarget.Kubernetes,
            auth: GatewayAuth.Jwt,
            jwt: { issuer: "https://login.example.com/", jwksUri: "https://login.example.com/.well-known/jwks.json" },
            // JWT is a kubernetes feature, whose backends are cluster Services.
            routes: [route("llm", "/llm/chat", { url: "http://llm.ml.svc.cluster.local:8000" })],
            consumers: [{ name: "assistant", ratePerSecond: 5 }],
        });
        const document = openApiDocument(spec, "https://models.example.com", timeoutsOf(spec)) as { paths: Record<string, Record<string, { security: unknown }>>; components: unknown };
        expect(document.paths["/llm/chat"].post.security).toEqual([{ bearerAuth: [] }]);
        expect(document.components).toEqual({
            securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A JWT from the configured issuer; a claim names the consumer." } },
        });
        expect(await validate(document)).toMatchObject({ valid: true });
    });
});

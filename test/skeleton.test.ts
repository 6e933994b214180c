/**
 * The component skeleton (sdk/component.ts) and the validation error as Pulumi sees it: an `InputPropertiesError` with
 * one error per property, which Pulumi's provider host sends to the engine when another language runs a component.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as modelship from "../index";
import { Accelerator, AuthMode, GpuPool, GpuPoolCloud, ModelService, ServingRuntime, Target } from "../index";
import { argumentsValid, UnderlyingResources, validateComponent } from "../sdk/component";
import { ModelshipValidationError } from "../sdk/validate";
import { outputValue, useMockRuntime } from "./harness";
import { exportedComponents, providerIdentity } from "./package-schema";

const rt = useMockRuntime();

function thrownBy(build: () => unknown): unknown {
    try {
        build();
    } catch (error) {
        return error;
    }
    throw new Error("expected an error");
}

describe("ModelshipValidationError", () => {
    it("is a Pulumi InputPropertiesError with one error per property, and keeps its message, problems and names", async () => {
        const { resources, value: error } = await rt.construct(() =>
            thrownBy(
                () =>
                    new ModelService("llm", {
                        model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm },
                        resources: { gpu: { accelerator: "a200" as Accelerator } },
                        exposure: { public: true },
                        target: Target.Docker,
                        docker: { hostPrt: 8080 } as never,
                    }),
            ),
        );
        expect(resources).toEqual([]);
        expect(error).toBeInstanceOf(ModelshipValidationError);
        expect(error).toBeInstanceOf(pulumi.InputPropertiesError);
        // What Pulumi's provider host checks before it turns the error into per-property errors for the engine.
        expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
        const e = error as ModelshipValidationError;
        expect(e.name).toBe("ModelshipValidationError");
        expect(e.componentType).toBe("modelship:index:ModelService");
        expect(e.resourceName).toBe("llm");
        const accelerators = '"t4", "a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100", "h200", "inferentia2"';
        expect(e.message).toBe(
            [
                'modelship:index:ModelService "llm": 2 invalid arguments:',
                '  - docker.hostPrt: received 8080; expected no such field: did you mean "hostPort"? (fields of docker: docs/reference.md#modelservice-docker)',
                `  - resources.gpu.accelerator: received "a200"; expected one of ${accelerators}: did you mean "h200"?`,
            ].join("\n"),
        );
        expect(e.problems.map((p) => p.path)).toEqual(["docker.hostPrt", "resources.gpu.accelerator"]);
        expect(e.errors).toEqual([
            {
                propertyPath: "docker.hostPrt",
                reason: 'received 8080; expected no such field: did you mean "hostPort"? (fields of docker: docs/reference.md#modelservice-docker)',
            },
            { propertyPath: "resources.gpu.accelerator", reason: `received "a200"; expected one of ${accelerators}: did you mean "h200"?` },
        ]);
    });

    it("carries the problems of the checks beyond the schema as per-property errors too", () => {
        const error = thrownBy(
            () =>
                new ModelService("llm", {
                    model: { image: "registry/llm@sha256:0000" },
                    exposure: { public: true },
                    target: Target.Docker,
                }),
        ) as ModelshipValidationError;
        expect(error).toBeInstanceOf(pulumi.InputPropertiesError);
        expect(error.errors).toEqual([
            {
                propertyPath: "exposure.auth",
                reason: `received nothing (the field is missing); expected an auth mode for a public endpoint: ${Object.values(AuthMode)
                    .filter((a) => a !== "none")
                    .join(", ")}, or "none" to expose it without authentication on purpose`,
            },
        ]);
        expect(error.message).toBe(`modelship:index:ModelService "llm": 1 invalid argument:\n  - exposure.auth: ${error.errors[0].reason}`);
    });

    it("reaches Pulumi's provider host as it is when another language constructs the component", async () => {
        // What `pulumi package add` serves: the provider constructs the class with the inputs the other language sent.
        // Its host (provider/server.js) turns an InputPropertiesError into the engine's per-property error details.
        const root = path.resolve(__dirname, "..");
        const provider = new ComponentProvider({ ...providerIdentity(root), dirname: root, components: exportedComponents(modelship) });
        const inputs = { model: { image: "registry/llm@sha256:0000" }, target: "docker", docker: { hostPort: 0 } };
        const error = (await provider.construct("llm", "modelship:index:ModelService", inputs as never, {}).then(
            () => undefined,
            (e: unknown) => e,
        )) as pulumi.InputPropertiesError;
        expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
        expect(error.message).toBe('modelship:index:ModelService "llm": 1 invalid argument:\n  - docker.hostPort: received 0; expected a number >= 1');
        expect(error.errors).toEqual([{ propertyPath: "docker.hostPort", reason: "received 0; expected a number >= 1" }]);
    });
});

describe("validateComponent", () => {
    const TYPE = "modelship:index:Example";
    const schema = z.object({ replicas: z.number().int().min(0), max: z.number().int().optional() }).strict();

    it("returns the resolved value, the parsed arguments and the warnings of valid arguments", () => {
        const checked = validateComponent(TYPE, "svc", schema, { replicas: 2 }, (parsed) => ({
            value: { min: parsed.replicas, max: parsed.max ?? parsed.replicas * 2 },
            problems: [],
            warnings: ["two replicas"],
        }));
        expect(checked.value).toEqual({ min: 2, max: 4 });
        expect(checked.parsed).toEqual({ replicas: 2 });
        expect(checked.warnings).toEqual(["two replicas"]);
    });

    it("throws the schema's problems without resolving, and the resolution's problems after it", () => {
        let resolved = 0;
        const resolve = (parsed: z.output<typeof schema>) => {
            resolved++;
            return parsed.max !== undefined && parsed.max < parsed.replicas
                ? { problems: [{ path: "max", received: String(parsed.max), expected: `a number >= replicas (${parsed.replicas})` }] }
                : { value: parsed, problems: [] };
        };
        expect(() => validateComponent(TYPE, "svc", schema, { replicas: -1 }, resolve)).toThrow(`${TYPE} "svc": 1 invalid argument:\n  - replicas: received -1; expected a number >= 0`);
        expect(resolved).toBe(0);
        expect(() => validateComponent(TYPE, "svc", schema, { replicas: 3, max: 2 }, resolve)).toThrow(`${TYPE} "svc": 1 invalid argument:\n  - max: received 2; expected a number >= replicas (3)`);
        expect(resolved).toBe(1);
    });

    it("reports a resolution that returns neither a value nor a problem as a bug, not as valid arguments", () => {
        expect(() => validateComponent(TYPE, "svc", schema, { replicas: 1 }, () => ({ problems: [] }))).toThrow(
            `${TYPE} "svc": the arguments passed every check but resolved to nothing (a modelship bug: please report it)`,
        );
    });
});

describe("argumentsValid and UnderlyingResources", () => {
    it("is true when every check is, and fails with the first check that fails", async () => {
        expect(await outputValue(argumentsValid(pulumi.output(true)))).toBe(true);
        expect(await outputValue(argumentsValid(pulumi.output(true), pulumi.output(true)))).toBe(true);
        const late = pulumi.output(true).apply((): boolean => {
            throw new ModelshipValidationError("modelship:index:Example", "svc", [{ path: "max", received: "2", expected: "a number >= 3" }]);
        });
        await expect(outputValue(argumentsValid(pulumi.output(true), late))).rejects.toBeInstanceOf(ModelshipValidationError);
    });

    it("keeps each component's resources apart, and gives the empty value to a component without any", async () => {
        const { value: pools } = await rt.construct(() => [
            new GpuPool("a", { cloud: GpuPoolCloud.Docker, accelerator: Accelerator.L4 }),
            new GpuPool("b", { cloud: GpuPoolCloud.Docker, accelerator: Accelerator.L4 }),
        ]);
        const kept = new UnderlyingResources<{ roles: string[] }>(() => ({ roles: [] }));
        kept.set(pools[0], { roles: ["first"] });
        expect(kept.get(pools[0])).toEqual({ roles: ["first"] });
        expect(kept.get(pools[1])).toEqual({ roles: [] });
    });
});

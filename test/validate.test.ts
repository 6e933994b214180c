import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Accelerator } from "../sdk/catalog/accelerators";
import { foreignBlockProblems, input, ModelshipValidationError, validateArgs } from "../sdk/validate";
import { useMockRuntime } from "./harness";

useMockRuntime();

const TYPE = "modelship:index:Example";
const schema = z
    .object({
        image: input(z.string().min(1)),
        replicas: z.number().int().min(0).optional(),
        gpu: z.object({ count: z.number().int().min(1), accelerator: z.enum(Accelerator) }).strict().optional(),
        ports: z.array(z.object({ port: z.number().int().min(1).max(65535) }).strict()).optional(),
    })
    .strict();

function problemsOf(args: unknown): string {
    try {
        validateArgs(TYPE, "svc", schema, args);
    } catch (error) {
        expect(error).toBeInstanceOf(ModelshipValidationError);
        return (error as Error).message;
    }
    throw new Error("expected a validation error");
}

describe("validateArgs", () => {
    it("names the component, the resource, the field path, the value received and what is accepted", () => {
        expect(problemsOf({ image: 7 })).toBe(`${TYPE} "svc": 1 invalid argument:\n  - image: received 7; expected a value of type string`);
    });

    it("rejects an unknown accelerator with the accepted names", () => {
        expect(problemsOf({ image: "a", gpu: { count: 1, accelerator: "a200" } })).toBe(
            `${TYPE} "svc": 1 invalid argument:\n  - gpu.accelerator: received "a200"; expected one of "t4", "a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100", "h200", "inferentia2"`,
        );
    });

    it("rejects negative counts, and lists several problems at once with array indexes and unknown fields", () => {
        expect(problemsOf({ replicas: -1, gpu: { count: 0, accelerator: "l4" }, ports: [{ port: 80 }, { port: 70000 }], replica: 2 })).toBe(
            [
                `${TYPE} "svc": 5 invalid arguments:`,
                "  - image: received nothing (the field is missing); expected a value of type string",
                "  - replicas: received -1; expected a number >= 0",
                "  - gpu.count: received 0; expected a number >= 1",
                "  - ports[1].port: received 70000; expected a number <= 65535",
                "  - replica: received 2; expected no such field (check the spelling against the argument reference)",
            ].join("\n"),
        );
    });

    it("accepts Outputs where the schema allows Inputs, and checks their values once known", async () => {
        const ok = validateArgs(TYPE, "svc", schema, { image: pulumi.output("registry/app:1") });
        expect(await new Promise((resolve) => ok.deferredCheck.apply(resolve))).toBe(true);

        const late = validateArgs(TYPE, "svc", schema, { image: pulumi.output("") });
        const failure = await (late.deferredCheck as unknown as { promise(): Promise<unknown> }).promise().then(
            () => undefined,
            (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(ModelshipValidationError);
        expect((failure as Error).message).toBe(`${TYPE} "svc": 1 invalid argument:\n  - image: received ""; expected at least 1 character(s)`);
    });
});

describe("foreignBlockProblems", () => {
    const blockOf = { "aws-lambda": "stepFunctions", "aws-sagemaker": "stepFunctions", kubernetes: "kubernetes", docker: "docker" };

    it("reports each block of another target, naming the targets it applies to, in the order of the blocks", () => {
        expect(foreignBlockProblems({ docker: { port: 1 }, kubernetes: undefined, stepFunctions: {} }, { field: "target", value: "kubernetes" }, blockOf)).toEqual([
            { path: "stepFunctions", received: "an empty object", expected: 'no stepFunctions settings with target "kubernetes" (they apply to target "aws-lambda" or "aws-sagemaker")' },
            { path: "docker", received: "an object with port", expected: 'no docker settings with target "kubernetes" (they apply to target "docker")' },
        ]);
    });

    it("accepts the chosen target's block, shared by several targets, and blocks given as undefined", () => {
        expect(foreignBlockProblems({ stepFunctions: {}, docker: undefined }, { field: "target", value: "aws-sagemaker" }, blockOf)).toEqual([]);
    });

    it("words the value unquoted and with a hint when asked", () => {
        expect(foreignBlockProblems({ aws: { region: "x" } }, { field: "cloud", value: "gcp", quoted: false, hint: "give the gcp block, or change cloud" }, { aws: "aws", gcp: "gcp" })).toEqual([
            { path: "aws", received: "an object with region", expected: "no aws settings with cloud gcp (give the gcp block, or change cloud)" },
        ]);
    });
});

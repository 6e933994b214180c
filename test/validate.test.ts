import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Target } from "../components/model-service/args";
import { Accelerator } from "../sdk/catalog/accelerators";
import { closestMatches, didYouMean, editDistance } from "../sdk/suggest";
import { foreignBlockProblems, input, ModelshipValidationError, validateArgs } from "../sdk/validate";
import { useMockRuntime } from "./harness";

useMockRuntime();

const TYPE = "modelship:index:Example";
const schema = z
    .object({
        image: input(z.string().min(1)),
        replicas: z.number().int().min(0).optional(),
        gpu: z
            .object({ count: z.number().int().min(1), accelerator: z.enum(Accelerator) })
            .strict()
            .optional(),
        ports: z.array(z.object({ port: z.number().int().min(1).max(65535) }).strict()).optional(),
        target: z.enum(Target).optional(),
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

    it("rejects an unknown accelerator with the accepted names, and the closest one", () => {
        expect(problemsOf({ image: "a", gpu: { count: 1, accelerator: "a200" } })).toBe(
            `${TYPE} "svc": 1 invalid argument:\n  - gpu.accelerator: received "a200"; expected one of "t4", "a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100", "h200", "inferentia2": did you mean "h200"?`,
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
                // `replicas` is given already: no suggestion.
                `  - replica: received 2; expected no such field (fields of Example: docs/reference.md#example)`,
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

describe("validateArgs suggestions", () => {
    const header = (count: number) => `${TYPE} "svc": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:`;
    const ACCELERATORS = '"t4", "a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100", "h200", "inferentia2"';
    const TARGETS = '"kubernetes", "aws-sagemaker", "aws-lambda", "gcp-cloudrun", "docker"';

    it("suggests the field a close misspelling means, and links the object's fields in the argument reference", () => {
        expect(problemsOf({ image: "a", gpu: { count: 1, acclerator: "l4" } })).toBe(
            [
                header(2),
                `  - gpu.accelerator: received nothing (the field is missing); expected one of ${ACCELERATORS}`,
                '  - gpu.acclerator: received "l4"; expected no such field: did you mean "accelerator"? (fields of gpu: docs/reference.md#example-gpu)',
            ].join("\n"),
        );
    });

    it("suggests an enum value that differs only in case", () => {
        expect(problemsOf({ image: "a", gpu: { count: 1, accelerator: "L4" } })).toBe(`${header(1)}\n  - gpu.accelerator: received "L4"; expected one of ${ACCELERATORS}: did you mean "l4"?`);
    });

    it("suggests every value a word is the first part of", () => {
        expect(problemsOf({ image: "a", gpu: { count: 1, accelerator: "a100" } })).toBe(
            `${header(1)}\n  - gpu.accelerator: received "a100"; expected one of ${ACCELERATORS}: did you mean "a100-40gb" or "a100-80gb"?`,
        );
    });

    it("suggests the value of the enum member whose TypeScript name was given", () => {
        expect(problemsOf({ image: "a", target: "AwsSageMaker" })).toBe(`${header(1)}\n  - target: received "AwsSageMaker"; expected one of ${TARGETS}: did you mean "aws-sagemaker"?`);
        expect(problemsOf({ image: "a", target: "Kubernetes" })).toBe(`${header(1)}\n  - target: received "Kubernetes"; expected one of ${TARGETS}: did you mean "kubernetes"?`);
    });

    it("suggests nothing when nothing is close", () => {
        expect(problemsOf({ image: "a", gpu: { count: 1, accelerator: "tpu-v5" } })).toBe(`${header(1)}\n  - gpu.accelerator: received "tpu-v5"; expected one of ${ACCELERATORS}`);
        expect(problemsOf({ image: "a", zone: "us-east-1a" })).toBe(`${header(1)}\n  - zone: received "us-east-1a"; expected no such field (fields of Example: docs/reference.md#example)`);
    });

    it("suggests for several misspelt fields at once, each its own field", () => {
        expect(problemsOf({ imgae: "a", replicaz: 2, prots: [], gpu: { count: 1, accelerator: "l4" } })).toBe(
            [
                header(4),
                "  - image: received nothing (the field is missing); expected a value of type string",
                '  - imgae: received "a"; expected no such field: did you mean "image"? (fields of Example: docs/reference.md#example)',
                '  - replicaz: received 2; expected no such field: did you mean "replicas"? (fields of Example: docs/reference.md#example)',
                '  - prots: received an array of 0; expected no such field: did you mean "ports"? (fields of Example: docs/reference.md#example)',
            ].join("\n"),
        );
    });

    it("suggests inside lists, and links the list's section without the index", () => {
        expect(problemsOf({ image: "a", ports: [{ port: 80 }, { prot: 81 }] })).toBe(
            [
                header(2),
                "  - ports[1].port: received nothing (the field is missing); expected a value of type number",
                '  - ports[1].prot: received 81; expected no such field: did you mean "port"? (fields of ports[1]: docs/reference.md#example-ports)',
            ].join("\n"),
        );
    });
});

describe("editDistance", () => {
    it.each([
        ["", "abc", 3],
        ["kitten", "sitting", 3],
        ["acclerator", "accelerator", 1],
        ["ab", "ba", 1],
        ["ca", "abc", 3],
        ["l4", "l4", 0],
    ])("%j to %j is %i", (a, b, distance) => {
        expect(editDistance(a, b)).toBe(distance);
        expect(editDistance(b, a)).toBe(distance);
    });
});

describe("closestMatches", () => {
    it("allows edits up to a third of the longer word, so short words need the same letters", () => {
        expect(closestMatches("a10", ["t4", "a10g", "l4"])).toEqual(["a10g"]);
        expect(closestMatches("memory", ["cpu", "memoryGiB"])).toEqual(["memoryGiB"]);
        expect(closestMatches("t5", ["t4", "l4"])).toEqual([]);
        expect(closestMatches("mem", ["cpu", "memoryGiB"])).toEqual([]);
    });

    it("prefers a match but for case, then the first part of a word, then the fewest edits; ties in the given order", () => {
        expect(closestMatches("L4", ["l40s", "l4"])).toEqual(["l4"]);
        expect(closestMatches("aws", ["kubernetes", "aws-sagemaker", "aws-lambda", "awx"])).toEqual(["aws-sagemaker", "aws-lambda"]);
        expect(closestMatches("l40", ["l40s", "l4"])).toEqual(["l40s", "l4"]);
    });

    it("compares other words, such as enum member names, and suggests what they stand for, once", () => {
        const members = [{ word: "AwsLambda", suggest: "aws-lambda" }, { word: "aws-lambda" }];
        expect(closestMatches("awslambda", members)).toEqual(["aws-lambda"]);
    });

    it("words the question", () => {
        expect(didYouMean([])).toBeUndefined();
        expect(didYouMean(["l4"])).toBe('did you mean "l4"?');
        expect(didYouMean(["a", "b", "c"])).toBe('did you mean "a", "b" or "c"?');
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

/**
 * The argument reference (docs/reference.md): generated from the committed package schema and compared with the
 * committed file, like schema.json; its links land; every argument path a component validates has the anchor its
 * errors link to; every optional argument states a default.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Accelerator, GpuPool, ModelGateway, ModelService, PolyglotPipeline, SpikeAutoscaler, StageLanguage, Target } from "../index";
import { gpuPoolSchema } from "../components/gpu-pool/schema";
import { modelServiceSchema } from "../components/model-service/schema";
import { pipelineSchema } from "../components/polyglot-pipeline/schema";
import { gatewaySchema } from "../components/model-gateway/schema";
import { spikeAutoscalerSchema } from "../components/spike-autoscaler/schema";
import { REFERENCE_UPDATE_COMMAND, ReferenceSchema, renderReference, SchemaProperty, splitDefault } from "../scripts/generate-reference";
import { REFERENCE_FILE, referenceAnchor } from "../sdk/reference";
import { fieldsAt } from "../sdk/schema-path";
import { useMockRuntime } from "./harness";

const rt = useMockRuntime();

const ROOT = path.resolve(__dirname, "..");
const REFERENCE = path.join(ROOT, REFERENCE_FILE);
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as ReferenceSchema;
const generated = renderReference(schema);

/** The anchors a reader can land on: `<a name>`s, and the headings as GitHub names them (lowercase, spaces to `-`). */
function anchorsOf(markdown: string): string[] {
    const named = [...markdown.matchAll(/<a name="([^"]+)"><\/a>/g)].map((m) => m[1]);
    const headings = [...markdown.matchAll(/^#+ (?!<a )(.+)$/gm)].map((m) =>
        m[1]
            .toLowerCase()
            .replace(/[^\p{L}\p{N}_\- ]/gu, "")
            .replace(/ /g, "-"),
    );
    return [...named, ...headings];
}
const anchors = new Set(anchorsOf(generated));

/** Every path of objects and fields a zod schema checks, with array items as `[0]`. */
function zodPaths(root: z.ZodType, at: PropertyKey[] = []): PropertyKey[][] {
    return fieldsAt(root, at).flatMap((field) => {
        const fieldPath = [...at, field];
        const items = [...fieldPath, 0];
        const nested = fieldsAt(root, fieldPath).length > 0 ? zodPaths(root, fieldPath) : fieldsAt(root, items).length > 0 ? zodPaths(root, items) : [];
        return [fieldPath, ...nested];
    });
}

describe("the argument reference", () => {
    it("is current with schema.json", () => {
        if (process.env.UPDATE_REFERENCE === "1") {
            fs.writeFileSync(REFERENCE, generated);
            return;
        }
        const committed = fs.existsSync(REFERENCE) ? fs.readFileSync(REFERENCE, "utf8") : "";
        if (committed !== generated) {
            const committedLines = committed.split("\n");
            const line = generated.split("\n").findIndex((text, i) => text !== committedLines[i]);
            throw new Error(`${REFERENCE_FILE} is not current with schema.json (first difference at line ${line + 1}): run \`${REFERENCE_UPDATE_COMMAND}\` and commit it.`);
        }
    });

    it("has every link inside it land on an anchor, and no anchor twice", () => {
        const links = [...generated.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
        expect(links.length).toBeGreaterThan(100);
        expect(links.filter((link) => !anchors.has(link))).toEqual([]);
        const all = anchorsOf(generated);
        expect(all.filter((a, i) => all.indexOf(a) !== i)).toEqual([]);
    });

    it.each([
        ["ModelService", ModelService.__pulumiType, modelServiceSchema],
        ["GpuPool", GpuPool.__pulumiType, gpuPoolSchema],
        ["SpikeAutoscaler", SpikeAutoscaler.__pulumiType, spikeAutoscalerSchema],
        ["PolyglotPipeline", PolyglotPipeline.__pulumiType, pipelineSchema],
        ["ModelGateway", ModelGateway.__pulumiType, gatewaySchema],
    ] as const)("documents every argument path %s validates, at the anchor its errors link to", (_, type, validator) => {
        const paths = zodPaths(validator as z.ZodType).map((p) =>
            p
                .map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
                .join("")
                .replace(/^\./, ""),
        );
        expect(paths.length).toBeGreaterThan(5);
        expect(anchors.has(referenceAnchor(type, ""))).toBe(true);
        expect(paths.filter((p) => !anchors.has(referenceAnchor(type, p)))).toEqual([]);
    });

    it("states a default for every optional argument, and marks the required ones", () => {
        const optionalWithout: string[] = [];
        const seen = new Set<string>();
        const visit = (where: string, props: Record<string, SchemaProperty>, required: string[]) => {
            for (const [name, prop] of Object.entries(props)) {
                if (!required.includes(name) && splitDefault(prop.description ?? "").default === "") optionalWithout.push(`${where}.${name}`);
                const ref = prop.$ref ?? prop.items?.$ref ?? prop.additionalProperties?.$ref;
                const token = ref?.replace("#/types/", "");
                const type = token ? schema.types[token] : undefined;
                if (token && type?.properties && !seen.has(token)) {
                    seen.add(token);
                    visit(token, type.properties, type.required ?? []);
                }
            }
        };
        // The arguments, and the types reachable from them (output types have no defaults).
        for (const [token, resource] of Object.entries(schema.resources)) visit(token, resource.inputProperties ?? {}, resource.requiredInputs ?? []);
        expect(seen.size).toBeGreaterThan(20);
        expect(optionalWithout).toEqual([]);
        expect(generated).toContain("| [`model`](#modelservice-model) | object [ModelArgs](#modelservice-model) | **required** | The model to serve. |");
    });

    it("gives each field its type, default, allowed values and description", () => {
        expect(generated).toContain(
            '| <a name="modelservice-resources-gpu-count"></a>`count` | number | Defaults to 1. | Number of GPUs per replica. More than one shards the model over them: the preset adds vLLM\'s `--tensor-parallel-size N`',
        );
        expect(generated).toContain(
            '| <a name="modelservice-resources-gpu-accelerator"></a>`accelerator` | enum [Accelerator](#enum-accelerator): `t4`, `a10g`, `l4`, `l40s`, `a100-40gb`, `a100-80gb`, `h100`, `h200`, `inferentia2` | **required** |',
        );
        expect(generated).toContain('### <a name="modelservice-resources-gpu"></a>ModelService `resources.gpu`\n\nA `GpuArgs` object, in [`resources`](#modelservice-resources).');
        expect(generated).toContain('### <a name="polyglotpipeline-stages"></a>PolyglotPipeline `stages[]`');
        expect(generated).toContain("| `l4` | `L4` | NVIDIA L4, 24 GB. AWS g6/gr6, GCP nvidia-l4 (g2 machines), Cloud Run GPU. |");
        expect(generated).toContain('| <a name="modelservice-outputs-url"></a>`url` | string |');
    });
});

describe("referenceAnchor", () => {
    it("joins the component and the path's fields in lowercase, without array indexes", () => {
        expect(referenceAnchor("modelship:index:ModelService", "resources.gpu")).toBe("modelservice-resources-gpu");
        expect(referenceAnchor("modelship:index:PolyglotPipeline", "stages[1].scaling.autoscaling")).toBe("polyglotpipeline-stages-scaling-autoscaling");
        expect(referenceAnchor("modelship:index:GpuPool", "")).toBe("gpupool");
    });
});

describe("splitDefault", () => {
    it.each([
        ["Most nodes. Defaults to 1.", "Most nodes.", "Defaults to 1."],
        [
            "Authentication of callers. Required when `public` is true; defaults to `iam` where the target has IAM, else none for private endpoints.",
            "Authentication of callers.",
            "Required when `public` is true; defaults to `iam` where the target has IAM, else none for private endpoints.",
        ],
        [
            "Settings for `cloud: aws`. No default: required with cloud aws (for `subnetIds`, and `clusterName` or `createCluster`).",
            "Settings for `cloud: aws`.",
            "No default: required with cloud aws (for `subnetIds`, and `clusterName` or `createCluster`).",
        ],
        // "by default" describes behaviour, not the argument's default; a default in a code span is no statement.
        [
            "Create a cluster. It is protected from deletion by default (`deletionProtection`). Defaults to false.",
            "Create a cluster. It is protected from deletion by default (`deletionProtection`).",
            "Defaults to false.",
        ],
        ["Settings for `docker`. Defaults to the defaults of each field.", "Settings for `docker`.", "Defaults to the defaults of each field."],
    ])("%s", (description, text, stated) => {
        expect(splitDefault(description)).toEqual({ text, default: stated });
    });
});

describe("validation errors", () => {
    it("link an unknown field to its object's section of the reference, with a suggestion, at the anchor the reference defines", async () => {
        const args = {
            model: { image: "registry.example.com/llm@sha256:" + "a".repeat(64) },
            target: Target.Kubernetes,
            resources: { gpu: { accelerator: Accelerator.L4, cuont: 2 } },
        };
        const failure = await rt
            .construct(() => new ModelService("llm", args as never))
            .then(
                () => undefined,
                (error: unknown) => error as Error,
            );
        expect(failure?.message).toBe(
            'modelship:index:ModelService "llm": 1 invalid argument:\n' +
                '  - resources.gpu.cuont: received 2; expected no such field: did you mean "count"? (fields of resources.gpu: docs/reference.md#modelservice-resources-gpu)',
        );
        expect(anchors.has("modelservice-resources-gpu")).toBe(true);
    });

    it("link a stage's unknown field to the pipeline's section for it, with ModelService's suggestion", async () => {
        const stage = { name: "score", language: StageLanguage.Python, image: "registry.example.com/score@sha256:" + "b".repeat(64) };
        const args = { stages: [{ ...stage, resources: { gpu: { accelerator: Accelerator.L4, cuont: 1 } } }], target: Target.Docker };
        const failure = await rt
            .construct(() => new PolyglotPipeline("fraud", args as never))
            .then(
                () => undefined,
                (error: unknown) => error as Error,
            );
        expect(failure?.message).toBe(
            'modelship:index:PolyglotPipeline "fraud": 1 invalid argument:\n' +
                '  - stages[0].resources.gpu.cuont: received 1; expected no such field: did you mean "count"? (fields of stages[0].resources.gpu: docs/reference.md#polyglotpipeline-stages-resources-gpu)',
        );
        expect(anchors.has("polyglotpipeline-stages-resources-gpu")).toBe(true);
    });
});

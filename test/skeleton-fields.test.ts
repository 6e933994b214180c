/**
 * Every public args interface and its zod schema have the same fields, nested blocks included: checked by the
 * compiler (`npm run typecheck` type-checks this file), so a field added to one and not the other fails the build.
 * See sdk/same-fields.ts. The assertions are values so that the compiler reports the differences by name.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GpuPoolArgs } from "../components/gpu-pool/args";
import { gpuPoolSchema } from "../components/gpu-pool/schema";
import { ModelServiceArgs } from "../components/model-service/args";
import { modelServiceSchema } from "../components/model-service/schema";
import { ModelGatewayArgs } from "../components/model-gateway/args";
import { gatewaySchema } from "../components/model-gateway/schema";
import { PolyglotPipelineArgs } from "../components/polyglot-pipeline/args";
import { pipelineSchema } from "../components/polyglot-pipeline/schema";
import { AutoscalingArgs, KubernetesScalingArgs, SpikeAutoscalerArgs } from "../components/spike-autoscaler/args";
import { autoscalingSchema, kubernetesScalingSchema, spikeAutoscalerSchema } from "../components/spike-autoscaler/schema";
import { FieldMismatches, SameFields } from "../sdk/same-fields";

// The five components. A difference fails here with, for example,
// `Type 'true' is not assignable to type '"difference: kubernetes.namespace: in the args interface only"'`.
const modelService: SameFields<ModelServiceArgs, z.input<typeof modelServiceSchema>> = true;
const gpuPool: SameFields<GpuPoolArgs, z.input<typeof gpuPoolSchema>> = true;
const spikeAutoscaler: SameFields<SpikeAutoscalerArgs, z.input<typeof spikeAutoscalerSchema>> = true;
const polyglotPipeline: SameFields<PolyglotPipelineArgs, z.input<typeof pipelineSchema>> = true;
const modelGateway: SameFields<ModelGatewayArgs, z.input<typeof gatewaySchema>> = true;
// The blocks ModelService takes from SpikeAutoscaler (`scaling.autoscaling`, `kubernetes.autoscaler`), on their own.
const autoscaling: SameFields<AutoscalingArgs, z.input<typeof autoscalingSchema>> = true;
const kubernetesScaling: SameFields<KubernetesScalingArgs, z.input<typeof kubernetesScalingSchema>> = true;

// The check itself, on a small fixture: each kind of difference is found, with its path.
interface FixtureArgs {
    image: string;
    replicas?: number;
    gpu?: { count?: number; accelerator: string };
    ports?: { port: number }[];
    labels?: { [key: string]: string };
}
const fixtureSchema = z
    .object({
        image: z.string(),
        replicas: z.number().optional(),
        gpu: z.object({ count: z.number().optional(), accelerator: z.string() }).strict().optional(),
        ports: z.array(z.object({ port: z.number() }).strict()).optional(),
        labels: z.record(z.string(), z.string()).optional(),
    })
    .strict();
const same: SameFields<FixtureArgs, z.input<typeof fixtureSchema>> = true;

// A field missing from the schema, and one missing from the interface, at any depth (a list's items too).
// @ts-expect-error the schema lacks `replicas`
const missingInSchema: SameFields<FixtureArgs, z.input<ReturnType<typeof fixtureSchema.omit<{ replicas: true }>>>> = true;
const gpuWithoutCount = fixtureSchema.extend({ gpu: z.object({ accelerator: z.string() }).strict().optional() });
// @ts-expect-error the schema's gpu block lacks `count`
const missingNested: SameFields<FixtureArgs, z.input<typeof gpuWithoutCount>> = true;
const portsWithProtocol = fixtureSchema.extend({ ports: z.array(z.object({ port: z.number(), protocol: z.string() }).strict()).optional() });
// @ts-expect-error the interface's port items lack `protocol`
const missingInInterface: SameFields<FixtureArgs, z.input<typeof portsWithProtocol>> = true;
const requiredReplicas = fixtureSchema.extend({ replicas: z.number() });
// @ts-expect-error `replicas` is optional in the interface, required in the schema
const optionality: SameFields<FixtureArgs, z.input<typeof requiredReplicas>> = true;

const replicasAsString = fixtureSchema.extend({ replicas: z.string().optional() });
// @ts-expect-error `replicas` is a number in the interface, a string in the schema
const kind: SameFields<FixtureArgs, z.input<typeof replicasAsString>> = true;

// The differences read as paths, so that the compiler's message says what to fix.
type Expect<T extends true> = T;
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Found = FieldMismatches<FixtureArgs, z.input<typeof portsWithProtocol> & { extra?: string }>;
export type FoundReadably = Expect<Equal<Found, "ports.protocol: in the schema only" | "extra: in the schema only">>;
type FoundKind = FieldMismatches<FixtureArgs, z.input<typeof replicasAsString>>;
export type FoundKindReadably = Expect<Equal<FoundKind, "replicas: a number in the args interface, a string in the schema">>;
type FoundGpu = FieldMismatches<FixtureArgs, z.input<typeof gpuWithoutCount>>;
export type FoundGpuReadably = Expect<Equal<FoundGpu, "gpu.count: in the args interface only">>;

describe("args interfaces and their schemas", () => {
    it("have the same fields (checked by the compiler: this file is type-checked)", () => {
        expect([modelService, gpuPool, spikeAutoscaler, polyglotPipeline, modelGateway, autoscaling, kubernetesScaling, same]).toEqual([true, true, true, true, true, true, true, true]);
        expect([missingInSchema, missingNested, missingInInterface, optionality, kind]).toEqual([true, true, true, true, true]);
    });

    it("would otherwise refuse at run time arguments the interface documents (what the fixture's differences do)", () => {
        const documented: Array<[z.ZodType, FixtureArgs]> = [
            [fixtureSchema, { image: "a", replicas: 2, gpu: { count: 1, accelerator: "l4" }, ports: [{ port: 80 }], labels: { team: "ml" } }],
            [gpuWithoutCount, { image: "a", gpu: { count: 1, accelerator: "l4" } }],
            [portsWithProtocol, { image: "a", ports: [{ port: 80 }] }],
            [requiredReplicas, { image: "a" }],
            [replicasAsString, { image: "a", replicas: 2 }],
        ];
        expect(documented.map(([schema, args]) => schema.safeParse(args).success)).toEqual([true, false, false, false, false]);
    });
});

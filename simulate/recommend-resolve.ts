/**
 * Resolves a candidate `autoscaling` block for one service of the plan with the components' own code, exactly as
 * the program would with that block pasted in: a ModelService's recorded inputs with `scaling.autoscaling`
 * replaced (checkModelService), or a SpikeAutoscaler's with its autoscaling fields replaced (standaloneContext and
 * resolveAutoscaling). So what `--recommend` simulates is what would be deployed (simulate/services.ts does the same
 * for the block as given).
 */
import type { ResourceRecord } from "../sdk/plan/runtime";
import type { ValidationProblem } from "../sdk/validate";
import { checkModelService } from "../components/model-service/check";
import { modelServiceSchema } from "../components/model-service/schema";
import type { AutoscalingArgs } from "../components/spike-autoscaler/args";
import { autoscalingSchema, spikeAutoscalerSchema } from "../components/spike-autoscaler/schema";
import { resolveAutoscaling } from "../components/spike-autoscaler/spec";
import { standaloneContext } from "../components/spike-autoscaler/standalone";
import { modelServiceEntry, type AutoscaledService } from "./services";

const MODEL_SERVICE = "modelship:index:ModelService";
const SPIKE_AUTOSCALER = "modelship:index:SpikeAutoscaler";
const AUTOSCALING_KEYS = Object.keys(autoscalingSchema.shape);

/** A candidate resolved: the service as the simulator reads it, or the problems the component would report. */
export interface Resolved {
    service?: AutoscaledService;
    problems: ValidationProblem[];
}

/** Resolves candidate blocks for one service. */
export interface CandidateResolver {
    /** The service's `autoscaling` block as the program gives it (JSON values, as recorded). */
    given: AutoscalingArgs;
    /** `maxReplicas` as the program gives it. */
    givenMax: number;
    /** Resolves `args` in place of the given block; `maxReplicas` replaces the bound when given (what-if only). */
    resolve(args: AutoscalingArgs, maxReplicas?: number): Resolved;
}

function fail(problems: ValidationProblem[]): Resolved {
    return { problems };
}

function zodProblems(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): ValidationProblem[] {
    return error.issues.map((i) => ({ path: i.path.map(String).join("."), received: "", expected: i.message }));
}

/** A resolver for the service of `record` (a ModelService with scaling.autoscaling, or a SpikeAutoscaler). */
export function candidateResolver(record: ResourceRecord): CandidateResolver {
    const inputs = JSON.parse(JSON.stringify(record.inputs)) as Record<string, unknown>;
    if (record.type === MODEL_SERVICE) {
        const scaling = (inputs.scaling ?? {}) as Record<string, unknown>;
        return {
            given: (scaling.autoscaling ?? {}) as AutoscalingArgs,
            givenMax: Number(scaling.maxReplicas),
            resolve(args, maxReplicas) {
                const candidate = { ...inputs, scaling: { ...scaling, autoscaling: args, ...(maxReplicas !== undefined && { maxReplicas }) } };
                const parsed = modelServiceSchema.safeParse(candidate);
                if (!parsed.success) return fail(zodProblems(parsed.error));
                const { problems, spec } = checkModelService(record.name, parsed.data);
                if (problems.length > 0 || !spec?.autoscaling) return fail(problems);
                return { service: modelServiceEntry(record, spec, spec.autoscaling), problems: [] };
            },
        };
    }
    if (record.type === SPIKE_AUTOSCALER) {
        const rest = Object.fromEntries(Object.entries(inputs).filter(([k]) => !AUTOSCALING_KEYS.includes(k)));
        return {
            given: Object.fromEntries(Object.entries(inputs).filter(([k]) => AUTOSCALING_KEYS.includes(k))) as AutoscalingArgs,
            givenMax: Number(inputs.maxReplicas),
            resolve(args, maxReplicas) {
                const parsed = spikeAutoscalerSchema.safeParse({ ...rest, ...args, ...(maxReplicas !== undefined && { maxReplicas }) });
                if (!parsed.success) return fail(zodProblems(parsed.error));
                const { ctx, problems } = standaloneContext(record.name, parsed.data);
                if (!ctx || problems.length > 0) return fail(problems);
                const resolved = resolveAutoscaling(parsed.data, ctx);
                if (!resolved.spec) return fail(resolved.problems);
                const gpusPerReplica = ctx.kubernetes?.gpusPerReplica ?? (ctx.gpu ? 1 : 0);
                return { service: { urn: record.urn, name: record.name, type: record.type, spec: resolved.spec, gpusPerReplica }, problems: [] };
            },
        };
    }
    throw new Error(`${record.name}: not a ModelService or SpikeAutoscaler (${record.type})`);
}

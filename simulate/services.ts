/**
 * Finds the autoscaled services of a planned program and resolves their scaling spec with the components' own
 * code: ModelService with `scaling.autoscaling` (its recorded inputs are its arguments), and SpikeAutoscaler.
 */
import type { ResourceRecord } from "../sdk/plan/runtime";
import { checkModelService } from "../components/model-service/check";
import { modelServiceSchema } from "../components/model-service/schema";
import { ScalingMode } from "../components/model-service/args";
import type { ServingSpec } from "../components/model-service/spec";
import { spikeAutoscalerSchema } from "../components/spike-autoscaler/schema";
import { resolveAutoscaling, type AutoscalerSpec } from "../components/spike-autoscaler/spec";
import { standaloneContext } from "../components/spike-autoscaler/standalone";
import { coldStartFeatures, type ColdStartFeatures } from "./cold-start-stack";
import { pushDelivery, type PushDelivery } from "./pubsub-push";

const MODEL_SERVICE = "modelship:index:ModelService";
const SPIKE_AUTOSCALER = "modelship:index:SpikeAutoscaler";

/** An autoscaled service of the plan. */
export interface AutoscaledService {
    urn: string;
    /** The resource's name. */
    name: string;
    type: string;
    spec: AutoscalerSpec;
    gpusPerReplica: number;
    /** What the stack says about its cold start (simulate/cold-start.ts); undefined: nothing, the defaults apply. */
    coldStart?: ColdStartFeatures;
    /** Queue mode (ModelService `scaling.mode: queue`), as components/model-service/queue.ts resolves it; undefined for an HTTP service. */
    queue?: SimulatedQueue;
}

/** What the simulator reads of a queue-mode service's queue (components/model-service/queue.ts, defaults applied). */
export interface SimulatedQueue {
    /** Seconds a request waits in the queue before it expires (SageMaker's RequestTTLSeconds). */
    retentionSeconds: number;
    /** Requests one replica takes from the queue at once (SageMaker's MaxConcurrentInvocationsPerInstance); undefined: the target's own choice. */
    concurrencyPerReplica?: number;
    /** Cloud Run: the Pub/Sub push subscription and the service that takes it (simulate/pubsub-push.ts); undefined where replicas pull. */
    push?: PushDelivery;
}

/** A service that cannot be simulated, or one asked for that is not there. */
export class SimulateInputError extends Error {
    override name = "SimulateInputError";
}

/** The simulated service of a ModelService record from its resolved spec and autoscaling (here, and for each `--recommend` candidate in recommend-resolve.ts). */
export function modelServiceEntry(r: Pick<ResourceRecord, "urn" | "name" | "type">, spec: ServingSpec, autoscaling: AutoscalerSpec): AutoscaledService {
    const q = spec.queue;
    const push = pushDelivery(spec);
    const queue: SimulatedQueue | undefined = q && { retentionSeconds: q.retentionSeconds, concurrencyPerReplica: push?.concurrency ?? q.concurrencyPerReplica, ...(push && { push }) };
    return { urn: r.urn, name: r.name, type: r.type, spec: autoscaling, gpusPerReplica: spec.gpu?.count ?? 0, ...(queue && { queue }) };
}

function fromModelService(r: ResourceRecord): AutoscaledService | undefined {
    const scaling = (r.inputs.scaling ?? {}) as { autoscaling?: unknown; mode?: unknown };
    // A queue-mode service always scales on its backlog (SageMaker's default policy when no autoscaling block is given).
    if (scaling.autoscaling === undefined && scaling.mode !== ScalingMode.Queue) return undefined;
    const parsed = modelServiceSchema.safeParse(r.inputs);
    if (!parsed.success) return undefined;
    // The component's own checks: a service it would refuse is not simulated.
    const { problems, spec } = checkModelService(r.name, parsed.data);
    if (problems.length > 0 || !spec?.autoscaling) return undefined;
    return modelServiceEntry(r, spec, spec.autoscaling);
}

function fromSpikeAutoscaler(r: ResourceRecord): AutoscaledService | undefined {
    const parsed = spikeAutoscalerSchema.safeParse(r.inputs);
    if (!parsed.success) return undefined;
    const { ctx } = standaloneContext(r.name, parsed.data);
    if (!ctx) return undefined;
    const { spec } = resolveAutoscaling(parsed.data, ctx);
    if (!spec) return undefined;
    return { urn: r.urn, name: r.name, type: r.type, spec, gpusPerReplica: ctx.kubernetes?.gpusPerReplica ?? (ctx.gpu ? 1 : 0) };
}

/** The autoscaled services among `resources`, in registration order. */
export function autoscaledServices(resources: readonly ResourceRecord[]): AutoscaledService[] {
    const found: AutoscaledService[] = [];
    for (const r of resources) {
        const service = r.type === MODEL_SERVICE ? fromModelService(r) : r.type === SPIKE_AUTOSCALER ? fromSpikeAutoscaler(r) : undefined;
        if (service) found.push({ ...service, coldStart: coldStartFeatures(resources, service.urn) });
    }
    return found;
}

/** The services to simulate: all, or the one named `only` (an error names the ones there are). */
export function selectServices(resources: readonly ResourceRecord[], program: string, only?: string): AutoscaledService[] {
    const all = autoscaledServices(resources);
    if (all.length === 0) {
        throw new SimulateInputError(`the program ${program} has no autoscaled service: simulate needs a ModelService with scaling.autoscaling or scaling.mode queue, or a SpikeAutoscaler`);
    }
    if (only === undefined) return all;
    const chosen = all.filter((s) => s.name === only || s.urn === only);
    if (chosen.length === 0) {
        throw new SimulateInputError(`--service ${only}: no autoscaled service of that name; the program has: ${all.map((s) => s.name).join(", ")}`);
    }
    return chosen;
}

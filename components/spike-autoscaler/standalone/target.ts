/**
 * The contract of one target of a standalone SpikeAutoscaler: its settings block, what the block must hold, the
 * context it gives the spec (the workload's GPU and price), and the objects it deploys. Each target's file gets its
 * own block, narrowed: the block check here runs first, so no target reads another's block or an absent one.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ValidationProblem } from "../../../sdk/validate";
import type { ParsedSpikeAutoscalerArgs } from "../schema";
import type { AutoscalerContext, AutoscalerSpec } from "../spec";

/** The settings blocks of SpikeAutoscalerArgs, one per target. */
export type BlockKey = "kubernetes" | "sagemaker" | "lambda" | "cloudRun";
/** A target's settings block, given. */
export type Block<K extends BlockKey> = NonNullable<ParsedSpikeAutoscalerArgs[K]>;

/** What a target knows of the workload it scales; the rest of the context is the same on every target. */
export type TargetContext = Pick<AutoscalerContext, "gpu" | "pricing" | "kubernetes">;

/** One target, written against its own block. */
export interface StandaloneTargetDefinition<K extends BlockKey> {
    /** Its settings block in SpikeAutoscalerArgs. */
    block: K;
    /** What the block names, for the problem when it is missing: `the Deployment: kubernetes.deploymentName (and namespace)`. */
    described: string;
    /** Problems of the resource name, where it names an object on the target. Defaults to none. */
    nameProblems?(name: string): ValidationProblem[];
    /** Problems of the block (and of other arguments on this target). Defaults to none. */
    problems?(block: Block<K>, args: ParsedSpikeAutoscalerArgs): ValidationProblem[];
    /** The workload's GPU and price, and its Kubernetes settings. `shapeName` names the priced replica. */
    context(block: Block<K>, shapeName: string): TargetContext;
    /** Creates what the autoscaler needs on the target, as children of `parent`, by role (`args` for the blocks every target shares, such as `observability`). */
    deploy(name: string, block: Block<K>, spec: AutoscalerSpec, parent: pulumi.ComponentResource, args: ParsedSpikeAutoscalerArgs): Record<string, pulumi.Resource>;
}

/** One target as the dispatcher holds it (the block key erased: each method finds its block itself). */
export interface StandaloneTarget {
    block: BlockKey;
    described: string;
    nameProblems(name: string): ValidationProblem[];
    /** The target's problems; none while its block is missing (that problem is the dispatcher's). */
    problems(args: ParsedSpikeAutoscalerArgs): ValidationProblem[];
    /** The target's context, or undefined while its block is missing. */
    context(args: ParsedSpikeAutoscalerArgs, shapeName: string): TargetContext | undefined;
    deploy(name: string, args: ParsedSpikeAutoscalerArgs, spec: AutoscalerSpec, parent: pulumi.ComponentResource): Record<string, pulumi.Resource>;
}

/** A target for the dispatch table, from its definition: every method gets the block narrowed, or is not called. */
export function standaloneTarget<K extends BlockKey>(definition: StandaloneTargetDefinition<K>): StandaloneTarget {
    // `?? undefined` lets the compiler see the block's type apart from its absence (a generic index does not narrow).
    const blockOf = (args: ParsedSpikeAutoscalerArgs): Block<K> | undefined => args[definition.block] ?? undefined;
    return {
        block: definition.block,
        described: definition.described,
        nameProblems: (name) => definition.nameProblems?.(name) ?? [],
        problems: (args) => {
            const block = blockOf(args);
            return block === undefined ? [] : (definition.problems?.(block, args) ?? []);
        },
        context: (args, shapeName) => {
            const block = blockOf(args);
            return block === undefined ? undefined : definition.context(block, shapeName);
        },
        deploy: (name, args, spec, parent) => {
            const block = blockOf(args);
            // Validation refused a missing block before any resource: reaching this is a bug, not a user error.
            if (block === undefined) throw new Error(`SpikeAutoscaler "${name}": deploying target ${args.target} without its ${definition.block} block`);
            return definition.deploy(name, block, spec, parent, args);
        },
    };
}

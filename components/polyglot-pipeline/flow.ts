/**
 * The flow of a pipeline: which stage's response feeds which stage. A stage takes the responses of the stages in
 * its `after` (the stage before it by default), so a plain list is a sequence, several stages after one are a
 * fan-out, and a stage after several is a merge. The flow must be a DAG with exactly one final stage, whose
 * response is the pipeline's.
 *
 * Orchestrators run the flow in waves: a stage's wave is one more than the latest wave among its inputs (the
 * request is wave -1), so the stages of a wave run in parallel once the waves before them are done.
 */
import { describeValue, ValidationProblem } from "../../sdk/validate";

/** A stage in the flow. */
export interface FlowStage {
    name: string;
    /** Stages whose responses make this stage's request; empty for the pipeline's request. */
    inputs: string[];
    /** Longest time one request to the stage may take, in seconds. */
    timeoutSeconds: number;
}

/** A validated flow. */
export interface PipelineFlow {
    /** The stages in declaration order. */
    stages: FlowStage[];
    /** Stages grouped by wave, each wave in declaration order. */
    waves: string[][];
    /** The one stage no other stage takes: its response is the pipeline's. */
    final: string;
}

/** What the flow check reads of a stage. */
export interface FlowStageInput {
    name: string;
    after?: string[];
    timeoutSeconds: number;
}

function declaredInputs(stages: FlowStageInput[], index: number): string[] {
    const after = stages[index].after;
    if (after !== undefined) return after;
    return index === 0 ? [] : [stages[index - 1].name];
}

/** Duplicate names, and `after` entries naming no stage (or a stage twice). */
function referenceProblems(stages: FlowStageInput[]): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const firstIndex = new Map<string, number>();
    stages.forEach((stage, i) => {
        const earlier = firstIndex.get(stage.name);
        if (earlier !== undefined) {
            problems.push({ path: `stages[${i}].name`, received: describeValue(stage.name), expected: `a name no other stage has (stages[${earlier}] is named ${JSON.stringify(stage.name)})` });
        } else {
            firstIndex.set(stage.name, i);
        }
    });
    const names = stages.map((s) => s.name);
    stages.forEach((stage, i) => {
        const seen = new Set<string>();
        (stage.after ?? []).forEach((ref, j) => {
            if (!firstIndex.has(ref)) {
                problems.push({ path: `stages[${i}].after[${j}]`, received: describeValue(ref), expected: `the name of a stage of this pipeline (${names.join(", ")})` });
            } else if (seen.has(ref)) {
                problems.push({ path: `stages[${i}].after[${j}]`, received: describeValue(ref), expected: "each stage once" });
            }
            seen.add(ref);
        });
    });
    return problems;
}

/** The first cycle found, as the names along it (first name repeated at the end), or undefined. */
function findCycle(stages: FlowStage[]): string[] | undefined {
    const inputsOf = new Map(stages.map((s) => [s.name, s.inputs]));
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (name: string): string[] | undefined => {
        if (state.get(name) === "done") return undefined;
        if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
        state.set(name, "visiting");
        stack.push(name);
        for (const input of inputsOf.get(name) ?? []) {
            const cycle = visit(input);
            if (cycle) return cycle;
        }
        stack.pop();
        state.set(name, "done");
        return undefined;
    };
    for (const stage of stages) {
        const cycle = visit(stage.name);
        // Inputs point upstream: reverse so the cycle reads in the direction data flows.
        if (cycle) return cycle.reverse();
    }
    return undefined;
}

function wavesOf(stages: FlowStage[]): string[][] {
    const wave = new Map<string, number>();
    const byName = new Map(stages.map((s) => [s.name, s]));
    const waveOf = (name: string): number => {
        const known = wave.get(name);
        if (known !== undefined) return known;
        const inputs = byName.get(name)?.inputs ?? [];
        const value = inputs.length === 0 ? 0 : 1 + Math.max(...inputs.map(waveOf));
        wave.set(name, value);
        return value;
    };
    const waves: string[][] = [];
    for (const stage of stages) {
        const w = waveOf(stage.name);
        (waves[w] ??= []).push(stage.name);
    }
    return waves;
}

/** Validates the flow of `stages`: the problems, or the flow. */
export function resolveFlow(stages: FlowStageInput[]): { flow?: PipelineFlow; problems: ValidationProblem[] } {
    if (stages.length === 0) {
        return { problems: [{ path: "stages", received: "an empty array", expected: "at least one stage" }] };
    }
    const references = referenceProblems(stages);
    if (references.length > 0) return { problems: references };

    const flowStages: FlowStage[] = stages.map((s, i) => ({ name: s.name, inputs: declaredInputs(stages, i), timeoutSeconds: s.timeoutSeconds }));
    const cycle = findCycle(flowStages);
    if (cycle) {
        const index = stages.findIndex((s) => s.name === cycle[0]);
        return {
            problems: [{ path: `stages[${index}].after`, received: `a cycle ${cycle.join(" -> ")}`, expected: "a flow without cycles (a stage cannot take, even indirectly, its own response)" }],
        };
    }
    const consumed = new Set(flowStages.flatMap((s) => s.inputs));
    const finals = flowStages.filter((s) => !consumed.has(s.name)).map((s) => s.name);
    if (finals.length > 1) {
        return {
            problems: [
                {
                    path: "stages",
                    received: `${finals.length} final stages (${finals.join(", ")}: no stage takes their responses)`,
                    expected: `exactly one final stage, whose response is the pipeline's (add a stage with after: [${finals.map((f) => JSON.stringify(f)).join(", ")}] to merge them)`,
                },
            ],
        };
    }
    return { flow: { stages: flowStages, waves: wavesOf(flowStages), final: finals[0] }, problems: [] };
}

/**
 * The largest sum of a per-stage number along any path through the flow to its final stage: the stages of a path run
 * one after another, those of a wave side by side.
 */
export function longestPathSeconds(flow: PipelineFlow, secondsOf: (stage: FlowStage) => number): number {
    const byName = new Map(flow.stages.map((s) => [s.name, s]));
    const memo = new Map<string, number>();
    const finish = (name: string): number => {
        const known = memo.get(name);
        if (known !== undefined) return known;
        const stage = byName.get(name) as FlowStage;
        const value = secondsOf(stage) + Math.max(0, ...stage.inputs.map(finish));
        memo.set(name, value);
        return value;
    };
    return finish(flow.final);
}

/** The longest a request can take through the flow: the largest sum of stage timeouts along any path, in seconds. */
export function criticalPathSeconds(flow: PipelineFlow): number {
    return longestPathSeconds(flow, (stage) => stage.timeoutSeconds);
}

/** The stage of a name. */
export function flowStage(flow: PipelineFlow, name: string): FlowStage {
    return flow.stages.find((s) => s.name === name) as FlowStage;
}

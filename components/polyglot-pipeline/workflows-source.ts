/**
 * The source of a pipeline's GCP workflow (Workflows syntax, rendered as YAML).
 *
 * - The execution's argument is the pipeline's request; its result is the final stage's response.
 * - Each stage is an `http.post` to its Cloud Run URL with an OIDC token for the service (the workflow's service
 *   account holds `roles/run.invoker` on it), `Content-Type: application/json` and `X-Request-Id` (the execution id),
 *   and a timeout of the stage's `timeoutSeconds`. Workflows parses a JSON response into a map.
 * - A wave of several stages is a `parallel` step whose branches write the shared `results` map.
 * - A failure raises a map that names the stage and the request: `StageFailed` with the stage's status and body
 *   (an `HttpError`), `StageTimeout`, or `StageUnreachable`; the execution fails with it as its error.
 */
import * as YAML from "yaml";
import { flowStage, FlowStage } from "./flow";
import { PipelineSpec, stageNamed } from "./spec";

/** Where a stage answers: its full URL, and the audience of its OIDC token (the Cloud Run service's URL). */
export interface WorkflowStageEndpoint {
    url: string;
    audience: string;
}

type Step = Record<string, unknown>;

/** Step and variable names allow letters, digits and underscores. */
const ident = (name: string) => name.replace(/-/g, "_");
const expr = (expression: string) => `\${${expression}}`;
const resultOf = (name: string) => `results[${JSON.stringify(name)}]`;

function requestBody(stage: FlowStage): unknown {
    if (stage.inputs.length === 0) return expr("request");
    if (stage.inputs.length === 1) return expr(resultOf(stage.inputs[0]));
    return Object.fromEntries(stage.inputs.map((name) => [name, expr(resultOf(name))]));
}

/** The call of one stage, with its error handling, then the step that keeps its response. */
function stageSteps(spec: PipelineSpec, name: string, endpoint: WorkflowStageEndpoint): Step[] {
    const stage = stageNamed(spec, name);
    const id = ident(name);
    const response = `response_${id}`;
    const raise = (error: string, fields: Record<string, unknown>) => ({ raise: { error, stage: name, ...fields, requestId: expr("requestId") } });
    return [
        {
            [`call_${id}`]: {
                try: {
                    call: "http.post",
                    args: {
                        url: endpoint.url,
                        auth: { type: "OIDC", audience: endpoint.audience },
                        headers: { "Content-Type": "application/json", Accept: "application/json", "X-Request-Id": expr("requestId") },
                        body: requestBody(flowStage(spec.flow, name)),
                        timeout: stage.timeoutSeconds,
                    },
                    result: response,
                },
                except: {
                    as: "e",
                    steps: [
                        {
                            [`classify_${id}`]: {
                                switch: [
                                    { condition: expr('"HttpError" in e.tags'), steps: [{ [`failed_${id}`]: raise("StageFailed", { status: expr("e.code"), detail: expr("e.body") }) }] },
                                    { condition: expr('"TimeoutError" in e.tags'), steps: [{ [`timed_out_${id}`]: raise("StageTimeout", { timeoutSeconds: stage.timeoutSeconds }) }] },
                                ],
                            },
                        },
                        { [`unreachable_${id}`]: raise("StageUnreachable", { message: expr("e.message") }) },
                    ],
                },
            },
        },
        { [`keep_${id}`]: { assign: [{ [resultOf(name)]: expr(`${response}.body`) }] } },
    ];
}

/** The workflow definition as data. */
function workflowDefinition(spec: PipelineSpec, endpoints: Record<string, WorkflowStageEndpoint>): Record<string, unknown> {
    const steps: Step[] = [{ start: { assign: [{ requestId: expr('sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")') }, { results: {} }] } }];
    spec.flow.waves.forEach((wave, w) => {
        if (wave.length === 1) {
            steps.push(...stageSteps(spec, wave[0], endpoints[wave[0]]));
            return;
        }
        steps.push({
            [`wave_${w + 1}`]: {
                parallel: {
                    shared: ["results"],
                    branches: wave.map((name) => ({ [`branch_${ident(name)}`]: { steps: stageSteps(spec, name, endpoints[name]) } })),
                },
            },
        });
    });
    steps.push({ done: { return: expr(resultOf(spec.flow.final)) } });
    return { main: { params: ["request"], steps } };
}

/** The workflow's source, as Workflows reads it. */
export function workflowSource(spec: PipelineSpec, endpoints: Record<string, WorkflowStageEndpoint>): string {
    const header = `# modelship PolyglotPipeline ${spec.name}: ${spec.flow.stages.map((s) => s.name).join(", ")}\n`;
    return header + YAML.stringify(workflowDefinition(spec, endpoints), { lineWidth: 0 });
}

/**
 * The Amazon States Language definition of a pipeline's Express state machine (JSONata query language).
 *
 * - A `Start` state names the request (`$requestId`: the execution's name, a UUID Step Functions gives it when the
 *   HTTP API starts it, else the caller's `name`) and keeps the input (`$request`); each stage's parsed response is
 *   kept in `$results` under its name.
 * - A wave of one stage is a Task in the main flow; a wave of several is a Parallel state, one branch per stage, whose
 *   outputs are merged into `$results`. The final stage's response is the execution's output.
 * - Lambda stages run behind the AWS Lambda Web Adapter, so the Task sends an API Gateway HTTP API (v2) event, the
 *   shape a function URL sends: the adapter makes it the stage's `POST <path>` with `Content-Type: application/json`
 *   and `X-Request-Id`, and returns the status, headers and body, which a Choice state checks.
 * - SageMaker stages are called with the SDK integration `sagemakerruntime:invokeEndpoint`; the request id travels
 *   as the `InferenceId` and in `X-Amzn-SageMaker-Custom-Attributes` (`request-id=<id>`). A model answering
 *   non-2xx surfaces as `SageMakerRuntime.ModelErrorException`.
 * - A failing stage ends the execution with the error `StageFailed`, `StageInvalidResponse`, `StageTimeout` or
 *   `StageUnreachable` and a JSON cause that names the stage, its status and the request id.
 */
import { Target } from "../model-service/args";
import { criticalPathSeconds, flowStage, FlowStage } from "./flow";
import { PipelineSpec, stageNamed } from "./spec";

/** Longest an Express execution may run, in seconds. */
export const EXPRESS_MAX_SECONDS = 300;

/** The state machine's `TimeoutSeconds`: the slowest path through the flow plus 10 s, within Express's limit. */
export function executionTimeoutSeconds(spec: PipelineSpec): number {
    return Math.min(EXPRESS_MAX_SECONDS, criticalPathSeconds(spec.flow) + 10);
}

/** How the state machine calls a stage. */
export interface StageInvocation {
    /** ARN of the function (or of its alias) for a Lambda stage. */
    functionArn?: string;
    /** Name of the endpoint for a SageMaker stage. */
    endpointName?: string;
}

type State = Record<string, unknown>;
/** Lambda errors worth retrying: the service's own, not the function's. */
const LAMBDA_RETRY = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"];
const SAGEMAKER_RETRY = ["SageMakerRuntime.ServiceUnavailableException", "SageMakerRuntime.InternalFailureException"];

const jsonata = (expression: string) => `{% ${expression} %}`;
const quoted = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** The JSONata expression of a stage's request: the pipeline's request, one stage's response, or several merged. */
function inputExpression(stage: FlowStage): string {
    if (stage.inputs.length === 0) return "$request";
    if (stage.inputs.length === 1) return `$lookup($results, ${quoted(stage.inputs[0])})`;
    return `{${stage.inputs.map((name) => `${quoted(name)}: $lookup($results, ${quoted(name)})`).join(", ")}}`;
}

/** The cause of a failure: a JSON string naming the stage and the request, with what is known of the failure. */
function failState(error: string, fields: Record<string, string>): State {
    const entries = Object.entries(fields).map(([key, expression]) => `${quoted(key)}: ${expression}`);
    return { Type: "Fail", Error: error, Cause: jsonata(`$string({${entries.join(", ")}, 'requestId': $requestId})`) };
}

/** The API Gateway HTTP API (v2) event the Lambda Web Adapter turns into `POST <path>`. */
function httpEvent(path: string, body: string): Record<string, unknown> {
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath: path,
        headers: { "content-type": "application/json", accept: "application/json", "x-request-id": jsonata("$requestId") },
        requestContext: {
            http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "modelship-pipeline" },
            requestId: jsonata("$requestId"),
            routeKey: "$default",
            stage: "$default",
        },
        body: jsonata(`$string(${body})`),
        isBase64Encoded: false,
    };
}

/**
 * The states of one stage. In the main flow its parsed response is merged into `$results` and the flow goes on to
 * `next`; in a Parallel branch (`next` undefined) it is the branch's output.
 */
function stageStates(spec: PipelineSpec, name: string, invocation: StageInvocation, next: string | undefined): Record<string, State> {
    const stage = stageNamed(spec, name);
    const flow = flowStage(spec.flow, name);
    const response = `r${stage.index}`;
    const failure = `f${stage.index}`;
    const stageField = { stage: quoted(name) };
    const keep = (parsed: string) => (next ? { Assign: { results: jsonata(`$merge([$results, {${quoted(name)}: ${parsed}}])`) }, Next: next } : undefined);
    const states: Record<string, State> = {
        [`${name} timed out`]: failState("StageTimeout", { ...stageField, timeoutSeconds: String(stage.timeoutSeconds) }),
        [`${name} unreachable`]: failState("StageUnreachable", { ...stageField, error: `$${failure}.Error`, cause: `$${failure}.Cause` }),
    };
    const catchers = (failed?: { errors: string[]; next: string }) => [
        { ErrorEquals: ["States.Timeout"], Next: `${name} timed out` },
        ...(failed ? [{ ErrorEquals: failed.errors, Assign: { [failure]: jsonata("$states.errorOutput") }, Next: failed.next }] : []),
        { ErrorEquals: ["States.ALL"], Assign: { [failure]: jsonata("$states.errorOutput") }, Next: `${name} unreachable` },
    ];
    const task = { Type: "Task", TimeoutSeconds: stage.timeoutSeconds };

    if (stage.target === Target.AwsSageMaker) {
        const parsed = "$parse($states.result.Body)";
        states[name] = {
            ...task,
            Resource: "arn:aws:states:::aws-sdk:sagemakerruntime:invokeEndpoint",
            Arguments: {
                EndpointName: invocation.endpointName,
                ContentType: "application/json",
                Accept: "application/json",
                Body: jsonata(`$string(${inputExpression(flow)})`),
                CustomAttributes: jsonata("'request-id=' & $requestId"),
                InferenceId: jsonata("$substring($requestId, 0, 64)"),
            },
            Retry: [{ ErrorEquals: SAGEMAKER_RETRY, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "FULL" }],
            Catch: catchers({ errors: ["SageMakerRuntime.ModelErrorException"], next: `${name} failed` }),
            ...(keep(parsed) ?? { Output: jsonata(parsed), End: true }),
        };
        states[`${name} failed`] = failState("StageFailed", { ...stageField, error: `$${failure}.Error`, cause: `$${failure}.Cause` });
        return states;
    }

    states[name] = {
        ...task,
        Resource: "arn:aws:states:::lambda:invoke",
        Arguments: { FunctionName: invocation.functionArn, Payload: httpEvent(stage.path, inputExpression(flow)) },
        Retry: [{ ErrorEquals: LAMBDA_RETRY, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "FULL" }],
        Catch: catchers(),
        Assign: { [response]: jsonata("$states.result.Payload") },
        Next: `${name} answered`,
    };
    const ok = `$${response}.statusCode >= 200 and $${response}.statusCode < 300`;
    const json = `$contains($lowercase($string($lookup($${response}.headers, 'content-type'))), 'json')`;
    const parsed = `$parse($${response}.body)`;
    states[`${name} answered`] = {
        Type: "Choice",
        Choices: [
            { Condition: jsonata(`${ok} and ${json}`), ...(keep(parsed) ?? { Next: `${name} done` }) },
            { Condition: jsonata(ok), Next: `${name} invalid response` },
        ],
        Default: `${name} failed`,
    };
    if (!next) states[`${name} done`] = { Type: "Succeed", Output: jsonata(parsed) };
    const body = `$substring($string($${response}.body), 0, 2000)`;
    states[`${name} failed`] = failState("StageFailed", { ...stageField, status: `$${response}.statusCode`, detail: body });
    states[`${name} invalid response`] = failState("StageInvalidResponse", {
        ...stageField,
        status: `$${response}.statusCode`,
        message: `'answered Content-Type ' & $string($lookup($${response}.headers, 'content-type')) & ', expected application/json'`,
    });
    return states;
}

/** The state machine definition, given how each stage is called. */
export function stateMachineDefinition(spec: PipelineSpec, invocations: Record<string, StageInvocation>): Record<string, unknown> {
    const waves = spec.flow.waves;
    const waveStart = (w: number) => (w >= waves.length ? "Done" : waves[w].length === 1 ? waves[w][0] : `Wave ${w + 1}`);
    let states: Record<string, State> = {
        Start: { Type: "Pass", Assign: { requestId: jsonata("$states.context.Execution.Name"), request: jsonata("$states.input"), results: {} }, Next: waveStart(0) },
    };
    waves.forEach((wave, w) => {
        const next = waveStart(w + 1);
        if (wave.length === 1) {
            states = { ...states, ...stageStates(spec, wave[0], invocations[wave[0]], next) };
            return;
        }
        const merged = wave.map((name, i) => `${quoted(name)}: $states.result[${i}]`).join(", ");
        states[waveStart(w)] = {
            Type: "Parallel",
            Branches: wave.map((name) => ({ StartAt: name, States: stageStates(spec, name, invocations[name], undefined) })),
            Assign: { results: jsonata(`$merge([$results, {${merged}}])`) },
            Next: next,
        };
    });
    states.Done = { Type: "Succeed", Output: jsonata(`$lookup($results, ${quoted(spec.flow.final)})`) };
    return {
        Comment: `modelship PolyglotPipeline ${spec.name}: ${spec.flow.stages.map((s) => s.name).join(", ")}`,
        QueryLanguage: "JSONata",
        TimeoutSeconds: executionTimeoutSeconds(spec),
        StartAt: "Start",
        States: states,
    };
}

/**
 * What each kind of backend needs from API Gateway, as plain values (URIs, parameter mappings, templates, the backend
 * role's policy), so that tests read exactly what is configured:
 * - `url`: an HTTP_PROXY integration; the `{proxy+}` method passes the rest of the path on, after the prefix when
 *   `stripPrefix` is false.
 * - `lambdaFunction`: an AWS_PROXY integration (Lambda proxy); the function sees the whole path in `event.path`, the
 *   rest below the prefix in `event.pathParameters.proxy`, and the consumer in `event.requestContext.authorizer.consumer`.
 * - `sagemakerEndpoint`: an AWS integration to SageMaker runtime's InvokeEndpoint, signed with the route's role; the
 *   body, Content-Type and Accept pass through, and the consumer's name goes in `X-Amzn-SageMaker-Custom-Attributes`
 *   (the one header SageMaker passes to the container).
 * - `stateMachine`: an AWS integration to Step Functions' StartSyncExecution, signed with the route's role; the body is
 *   the execution's input, and the answer is the execution's output (502 when it failed, 504 when it timed out).
 */
import { PolicyStatement } from "../../../model-service/targets/aws/iam";
import { BackendKind, CONSUMER_HEADER, RouteSpec } from "../../spec";
import { CONSUMER_CONTEXT_FIELD } from "./authorizer-source";
import { RouteSlot } from "./names";

/** The HTTP method of a route's methods: any for URLs and functions; POST for SageMaker and Step Functions. */
export function httpMethodOf(route: RouteSpec): string {
    return route.backend.kind === BackendKind.SageMakerEndpoint || route.backend.kind === BackendKind.StateMachine ? "POST" : "ANY";
}

const CONSUMER_CONTEXT = `context.authorizer.${CONSUMER_CONTEXT_FIELD}`;

/** A backend URL without its trailing `/`. */
const trimmed = (url: string) => url.replace(/\/+$/, "");

/**
 * The URI of a URL backend for one slot. Stripped: the prefix answers at the URL itself (its root when it has no path),
 * `{proxy+}` at `<url>/{proxy}`. Kept: the prefix is appended first.
 */
export function httpUri(url: string, route: RouteSpec, slot: RouteSlot): string {
    const base = trimmed(url);
    const kept = route.stripPrefix || route.pathPrefix === "/" ? "" : route.pathPrefix;
    if (slot === "proxy") return `${base}${kept}/{proxy}`;
    const full = `${base}${kept}`;
    return new URL(full).pathname === "/" && !full.endsWith("/") ? `${full}/` : full;
}

/** `arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`: Lambda's Invoke API. */
export function lambdaUri(partition: string, region: string, functionArn: string): string {
    return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** SageMaker runtime's InvokeEndpoint, `POST /endpoints/<name>/invocations` on runtime.sagemaker.<region>. */
export function sagemakerUri(partition: string, region: string, endpointName: string): string {
    return `arn:${partition}:apigateway:${region}:runtime.sagemaker:path/endpoints/${endpointName}/invocations`;
}

/** Step Functions' StartSyncExecution action. */
export function startSyncExecutionUri(partition: string, region: string): string {
    return `arn:${partition}:apigateway:${region}:states:action/StartSyncExecution`;
}

/** The method request parameters a slot declares (those its integration maps). */
export function methodRequestParameters(route: RouteSpec, slot: RouteSlot): Record<string, boolean> | undefined {
    switch (route.backend.kind) {
        case BackendKind.Url:
            return slot === "proxy" ? { "method.request.path.proxy": true } : undefined;
        case BackendKind.SageMakerEndpoint:
            return { "method.request.header.Content-Type": false, "method.request.header.Accept": false };
        default:
            return undefined;
    }
}

/** The integration request parameters of a slot: the rest of the path, the content headers, and the consumer's name. */
export function integrationRequestParameters(route: RouteSpec, slot: RouteSlot): Record<string, string> | undefined {
    const consumer = route.anonymous ? {} : undefined;
    switch (route.backend.kind) {
        case BackendKind.Url: {
            const parameters = {
                ...(slot === "proxy" ? { "integration.request.path.proxy": "method.request.path.proxy" } : {}),
                ...(consumer ?? { [`integration.request.header.${CONSUMER_HEADER}`]: CONSUMER_CONTEXT }),
            };
            // None rather than an empty map, which the API stores as absent (a diff at every run).
            return Object.keys(parameters).length > 0 ? parameters : undefined;
        }
        case BackendKind.SageMakerEndpoint:
            return {
                "integration.request.header.Content-Type": "method.request.header.Content-Type",
                "integration.request.header.Accept": "method.request.header.Accept",
                ...(consumer ?? { "integration.request.header.X-Amzn-SageMaker-Custom-Attributes": CONSUMER_CONTEXT }),
            };
        default:
            return undefined;
    }
}

/**
 * StartSyncExecution's request for a JSON body: the state machine, the body as the execution's input (escaped as a
 * JSON string; `escapeJavaScript` escapes `'`, which JSON does not allow, so that is undone), and API Gateway's request
 * id as the execution's name (a UUID), which the stages see.
 */
export function startSyncExecutionTemplate(stateMachineArn: string): string {
    return [
        "{",
        `  "stateMachineArn": ${JSON.stringify(stateMachineArn)},`,
        '  "name": "$context.requestId",',
        `  "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")"`,
        "}",
    ].join("\n");
}

/**
 * The answer to a client from StartSyncExecution's 200 (which it returns for failed executions too): the execution's
 * output when it succeeded; else 504 when it timed out, 502 when it failed or was aborted, with its error and cause.
 */
export const START_SYNC_EXECUTION_RESPONSE = [
    "#set($status = $input.path('$.status'))",
    '#if($status == "SUCCEEDED")',
    "$input.path('$.output')",
    "#else",
    '#if($status == "TIMED_OUT")',
    "#set($context.responseOverride.status = 504)",
    "#else",
    "#set($context.responseOverride.status = 502)",
    "#end",
    `{"executionStatus": "$status", "error": "$util.escapeJavaScript($input.path('$.error')).replaceAll("\\\\'", "'")", "cause": "$util.escapeJavaScript($input.path('$.cause')).replaceAll("\\\\'", "'")"}`,
    "#end",
].join("\n");

/**
 * The one statement of a backend role's policy: InvokeEndpoint on the endpoint, or StartSyncExecution on the state
 * machine. SageMaker writes endpoint names in lower case in its ARNs, and IAM compares ARNs case-sensitively.
 */
export function backendStatement(route: RouteSpec, locator: string, ctx: { partition: string; region: string; accountId: string }): PolicyStatement {
    if (route.backend.kind === BackendKind.SageMakerEndpoint) {
        return {
            Sid: "InvokeEndpoint",
            Effect: "Allow",
            Action: "sagemaker:InvokeEndpoint",
            Resource: `arn:${ctx.partition}:sagemaker:${ctx.region}:${ctx.accountId}:endpoint/${locator.toLowerCase()}`,
        };
    }
    if (route.backend.kind === BackendKind.StateMachine) return { Sid: "StartSyncExecution", Effect: "Allow", Action: "states:StartSyncExecution", Resource: locator };
    throw new Error(`route ${route.name}: a ${route.backend.kind} backend has no role`);
}

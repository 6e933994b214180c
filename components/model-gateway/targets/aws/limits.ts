/**
 * The limits of the aws-apigateway target (an API Gateway REST API), each with its source, and the rules that follow
 * from them. Pure functions: no resources, so they are tested without the mock runtime.
 */
import { describeValue, isDeferred, ValidationProblem } from "../../../../sdk/validate";
import { GatewayAuth } from "../../args";
import { DEFAULT_MAX_BODY_MIB } from "../../defaults";
import { BackendKind, GatewaySpec, RouteSpec } from "../../spec";
import { TimeoutLimit } from "../target";

/**
 * API Gateway's default integration timeout quota for REST APIs, 29 s ("Maximum integration timeout", 50 ms to 29 s;
 * docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html). Regional and
 * private REST APIs may ask for more through Service Quotas, at the cost of a lower account-level throttle quota
 * (aws.amazon.com/about-aws/whats-new/2024/06/amazon-api-gateway-integration-timeout-limit-29-seconds/). The
 * provider accepts up to 300,000 ms for a buffered response (@pulumi/aws apigateway/integration.d.ts,
 * `timeoutMilliseconds`), the schema's ceiling for `aws.maxIntegrationTimeoutSeconds`.
 */
export const DEFAULT_INTEGRATION_TIMEOUT_SECONDS = 29;

/**
 * API Gateway's payload limit for REST APIs, 10 MB, fixed (it cannot be raised)
 * (docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
 */
export const PAYLOAD_LIMIT_MB = 10;

/**
 * How long API Gateway keeps an authorizer's answer for one key on one resource, in seconds: at most 3,600, 300 by
 * default (docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, `authorizerResultTtlInSeconds`). A removed
 * consumer or route is refused at most this long after the change is deployed.
 */
export const AUTHORIZER_CACHE_SECONDS = 300;

/**
 * The account-level throttle of API Gateway per region: 10,000 requests per second with a burst of 5,000, shared by
 * every API of the account; a usage plan's rate cannot take a consumer above it
 * (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html; 2,500 and 1,250 in some newer Regions). Documented,
 * not refused: an account may have it raised.
 */
export const ACCOUNT_THROTTLE = { ratePerSecond: 10_000, burst: 5_000 } as const;

/**
 * An API key's value: "an alphanumeric string between 20 and 128 characters", unique in the account and region (two keys
 * with one value are one key) (docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
 * The 20-character minimum is checked for every target (checks.ts); the rest here.
 */
export const MAX_API_KEY_LENGTH = 128;
const API_KEY_VALUE = /^[A-Za-z0-9]+$/;

/** A SageMaker endpoint name (docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html, `EndpointName`). */
const SAGEMAKER_ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** A Lambda function ARN, optionally with a version or alias. */
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
/** A Step Functions state machine ARN. */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** Hosts API Gateway cannot reach over the internet (an HTTP integration without a VPC link). */
const PRIVATE_HOST = /^(localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\]|.*\.svc\.cluster\.local|.*\.internal|.*\.local)$/;

/** The route timeout limit: the integration timeout quota given in `aws.maxIntegrationTimeoutSeconds`. */
export function awsTimeoutLimit(spec: GatewaySpec): TimeoutLimit {
    const seconds = spec.aws.maxIntegrationTimeoutSeconds;
    const raised = seconds > DEFAULT_INTEGRATION_TIMEOUT_SECONDS;
    return {
        seconds,
        limit: raised
            ? `API Gateway's integration timeout quota as raised for this account (aws.maxIntegrationTimeoutSeconds: ${seconds} s)`
            : `API Gateway's integration timeout quota (aws.maxIntegrationTimeoutSeconds: ${seconds} s unless your account's quota is raised)`,
    };
}

/** Why a plain backend locator is refused, or undefined (Outputs are taken as they are). */
function locatorProblem(spec: GatewaySpec, route: RouteSpec): string | undefined {
    const locator = route.backend.locator;
    if (isDeferred(locator) || typeof locator !== "string") return undefined;
    const region = spec.aws.region;
    const sameRegion = (match: RegExpExecArray | null, what: string) =>
        match && match[1] !== region ? `a ${what} in aws.region ${region} (the integration is created there), not ${match[1]}` : undefined;
    switch (route.backend.kind) {
        case BackendKind.Url: {
            let url: URL;
            try {
                url = new URL(locator);
            } catch {
                return "an absolute http:// or https:// URL";
            }
            if (url.username || url.password) return "a URL without credentials (they would be stored in the API's configuration)";
            if (url.search || url.hash) return "a URL without query or fragment (the request's own query string is passed on)";
            if (PRIVATE_HOST.test(url.hostname)) {
                return "a URL API Gateway can reach over the internet: an HTTP integration calls public endpoints (a private host needs a VPC link, which this target does not create)";
            }
            return undefined;
        }
        case BackendKind.SageMakerEndpoint:
            return SAGEMAKER_ENDPOINT_NAME.test(locator) ? undefined : "the name of a SageMaker endpoint: 1 to 63 letters, digits and '-', starting with a letter or digit";
        case BackendKind.LambdaFunction: {
            const match = LAMBDA_ARN.exec(locator);
            return match ? sameRegion(match, "Lambda function") : "a Lambda function ARN, arn:aws:lambda:<region>:<account>:function:<name>";
        }
        case BackendKind.StateMachine: {
            const match = STATE_MACHINE_ARN.exec(locator);
            return match ? sameRegion(match, "state machine") : "a Step Functions state machine ARN, arn:aws:states:<region>:<account>:stateMachine:<name>";
        }
        default:
            return undefined;
    }
}

function routeProblems(spec: GatewaySpec, route: RouteSpec, index: number): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const at = `routes[${index}]`;
    if (route.header) {
        problems.push({
            path: `${at}.header`,
            received: describeValue(route.header),
            expected: "no header on aws-apigateway: a REST API routes by path only (give the route its own pathPrefix)",
        });
    }
    if (route.retries > 0) {
        problems.push({ path: `${at}.retries`, received: String(route.retries), expected: "0 on aws-apigateway: API Gateway does not retry a failed integration request" });
    }
    if (route.maxBodyMiB !== DEFAULT_MAX_BODY_MIB) {
        problems.push({
            path: `${at}.maxBodyMiB`,
            received: String(route.maxBodyMiB),
            expected: `no value (${DEFAULT_MAX_BODY_MIB}) on aws-apigateway: API Gateway's payload limit is a fixed ${PAYLOAD_LIMIT_MB} MB that can be neither raised nor lowered per route`,
        });
    }
    if (route.backend.kind === BackendKind.LambdaFunction && route.stripPrefix && route.pathPrefix !== "/") {
        problems.push({
            path: `${at}.stripPrefix`,
            received: "true",
            expected:
                "false for a lambdaFunction route on aws-apigateway: a Lambda proxy integration passes the whole path (event.path) and API Gateway cannot rewrite it (the path below the prefix is in event.pathParameters.proxy)",
        });
    }
    const locator = locatorProblem(spec, route);
    if (locator) problems.push({ path: `${at}.${route.backend.kind}`, received: describeValue(route.backend.locator), expected: locator });
    return problems;
}

/** The rules that hold on aws-apigateway only, in argument paths. */
export function awsProblems(spec: GatewaySpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (spec.auth === GatewayAuth.Jwt) {
        problems.push({
            path: "auth",
            received: '"jwt"',
            expected: '"api-key" on aws-apigateway: JWT validation is on kubernetes only (a REST API would need a Cognito user pool or a JWT-verifying authorizer)',
        });
    }
    spec.routes.forEach((route, i) => problems.push(...routeProblems(spec, route, i)));
    spec.consumers.forEach((consumer, i) => {
        const key = consumer.apiKey;
        // Given Outputs are checked by API Gateway itself when the key is created; a plain key here, never printed.
        if (typeof key !== "string" || isDeferred(key)) return;
        if (key.length > MAX_API_KEY_LENGTH || !API_KEY_VALUE.test(key)) {
            problems.push({
                path: `consumers[${i}].apiKey`,
                received: `a key of ${key.length} characters${API_KEY_VALUE.test(key) ? "" : " with characters other than letters and digits"}`,
                expected: `a key of 20 to ${MAX_API_KEY_LENGTH} letters and digits (API Gateway's rule for API key values), or no apiKey to have one generated`,
            });
        }
    });
    return problems;
}

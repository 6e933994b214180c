/**
 * `target: aws-apigateway`: an API Gateway REST API (Regional) with a usage plan and an API key per consumer (rate,
 * burst, monthly quota), a Lambda authorizer that admits each key on its consumer's routes, stage access logs, and
 * integrations to SageMaker endpoints (signed with a role), Lambda functions, Step Functions Express state machines
 * (run synchronously) and HTTP URLs. Why a REST API and not an HTTP API: only REST APIs have API keys, usage plans and
 * quotas. See docs/gateway.md and the files in aws/.
 */
import { GatewayTarget } from "../args";
import { BackendKind } from "../spec";
import { awsCostedResources } from "./aws/cost";
import { awsProblems, awsTimeoutLimit } from "./aws/limits";
import { deployAwsGateway } from "./aws/rest-api";
import { GatewayTargetImpl } from "./target";

export const awsApiGateway: GatewayTargetImpl = {
    target: GatewayTarget.AwsApiGateway,
    backends: [BackendKind.Url, BackendKind.SageMakerEndpoint, BackendKind.LambdaFunction, BackendKind.StateMachine],
    timeoutLimit: awsTimeoutLimit,
    validate: awsProblems,
    deploy: deployAwsGateway,
    costedResources: awsCostedResources,
};

/** Shared ModelGateway test fixtures: a target table the resolution can be tested against before the targets land. */
import { GatewayTarget } from "../../components/model-gateway/args";
import { BackendKind } from "../../components/model-gateway/spec";
import { GATEWAY_TARGETS } from "../../components/model-gateway/targets";
import { GatewayTargetImpl } from "../../components/model-gateway/targets/target";

/**
 * A target with API Gateway's timeout limit (the quota in `aws.maxIntegrationTimeoutSeconds`) and its backends, for
 * resolution tests: the resolution is the same whatever the table holds.
 */
export const limitedAws: GatewayTargetImpl = {
    ...GATEWAY_TARGETS[GatewayTarget.AwsApiGateway],
    backends: [BackendKind.Url, BackendKind.SageMakerEndpoint, BackendKind.LambdaFunction, BackendKind.StateMachine],
    timeoutLimit: (spec) => ({ seconds: spec.aws.maxIntegrationTimeoutSeconds, limit: "API Gateway's integration timeout quota, aws.maxIntegrationTimeoutSeconds" }),
    // The target's own rules (which refuse the 127.0.0.1 URLs of these fixtures) are tested in aws.test.ts.
    validate: () => [],
};

/** The real table with the aws-apigateway entry replaced by {@link limitedAws}. */
export const TABLE: Record<GatewayTarget, GatewayTargetImpl> = { ...GATEWAY_TARGETS, [GatewayTarget.AwsApiGateway]: limitedAws };

/** A route to a URL with sensible values. */
export const route = (name: string, pathPrefix: string, extra: Record<string, unknown> = {}) => ({ name, pathPrefix, url: `http://127.0.0.1:8081`, ...extra });

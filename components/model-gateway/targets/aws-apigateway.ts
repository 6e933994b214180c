/** The aws-apigateway gateway target. (Contract placeholder: replaced by the target's implementation before release.) */
import { GatewayTarget } from "../args";
import { BackendKind } from "../spec";
import { GatewayTargetImpl } from "./target";

export const awsApiGateway: GatewayTargetImpl = {
    target: GatewayTarget.AwsApiGateway,
    backends: [BackendKind.Url],
    timeoutLimit: () => undefined,
    validate: () => [],
    deploy: () => {
        throw new Error("the aws-apigateway gateway target is not built yet");
    },
    costedResources: () => [],
};

/** The kubernetes gateway target. (Contract placeholder: replaced by the target's implementation before release.) */
import { GatewayTarget } from "../args";
import { BackendKind } from "../spec";
import { GatewayTargetImpl } from "./target";

export const kubernetesGateway: GatewayTargetImpl = {
    target: GatewayTarget.Kubernetes,
    backends: [BackendKind.Url],
    timeoutLimit: () => undefined,
    validate: () => [],
    deploy: () => {
        throw new Error("the kubernetes gateway target is not built yet");
    },
    costedResources: () => [],
};

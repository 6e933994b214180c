/** The docker gateway target. (Contract placeholder: replaced by the target's implementation before release.) */
import { GatewayTarget } from "../args";
import { BackendKind } from "../spec";
import { GatewayTargetImpl } from "./target";

export const dockerGateway: GatewayTargetImpl = {
    target: GatewayTarget.Docker,
    backends: [BackendKind.Url],
    timeoutLimit: () => undefined,
    validate: () => [],
    deploy: () => {
        throw new Error("the docker gateway target is not built yet");
    },
    costedResources: () => [],
};

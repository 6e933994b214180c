/** The gcp-loadbalancer gateway target. (Contract placeholder: replaced by the target's implementation before release.) */
import { GatewayTarget } from "../args";
import { BackendKind } from "../spec";
import { GatewayTargetImpl } from "./target";

export const gcpLoadBalancer: GatewayTargetImpl = {
    target: GatewayTarget.GcpLoadBalancer,
    backends: [BackendKind.Url],
    timeoutLimit: () => undefined,
    validate: () => [],
    deploy: () => {
        throw new Error("the gcp-loadbalancer gateway target is not built yet");
    },
    costedResources: () => [],
};

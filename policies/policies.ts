/**
 * The cost-guard policies: the rules (pure functions, run by the offline plan) and the same rules as
 * @pulumi/policy policies (served by the pack, `policies/index.ts`). Import this module, not `index.ts`, to
 * call a policy: `index.ts` constructs the PolicyPack, which starts a gRPC server.
 *
 * Policy names and config keys are the pack's public interface: keep them stable.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { toPolicy } from "./framework/pack";
import type { Rule } from "./framework/types";
import { serviceBudget, stackBudget } from "./rules/budget";
import { publicEndpointAuth } from "./rules/exposure";
import { gatewayTimeout } from "./rules/gateway-timeout";
import { acceleratorAllowlist, gpuQuota } from "./rules/gpus";
import { imageDigest } from "./rules/images";
import { nonprodScaleToZero } from "./rules/nonprod";
import { observabilityRequired } from "./rules/observability";
import { autoscalingMaxRequired } from "./rules/scaling";
import { costTags } from "./rules/tags";

/** Every rule of the pack, in the order findings are listed. */
export const rules: readonly Rule[] = [
    stackBudget,
    serviceBudget,
    gpuQuota,
    acceleratorAllowlist,
    autoscalingMaxRequired,
    nonprodScaleToZero,
    costTags,
    publicEndpointAuth,
    gatewayTimeout,
    observabilityRequired,
    imageDigest,
];

/** The pack's policies, as `new PolicyPack(name, { policies })` takes them; tests call them directly. */
export const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = rules.map(toPolicy);

/** The policy of a name; throws for a name the pack does not have. */
export function policy(name: string): ResourceValidationPolicy | StackValidationPolicy {
    const found = policies.find((p) => p.name === name);
    if (!found) throw new Error(`the pack has no policy "${name}"; its policies are ${policies.map((p) => p.name).join(", ")}`);
    return found;
}

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const PACK_NAME = "modelship-cost-guard";

/**
 * The policy pack's entry file, run by `pulumi preview --policy-pack <this folder>` (or `pulumi up`). It
 * constructs the PolicyPack, which starts the gRPC server the Pulumi engine talks to: nothing else may import
 * this file. Tests and the offline plan use `policies.ts` and `evaluate.ts`.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    policies,
    // Each policy sets its own default level; this applies only to a policy that would not.
    enforcementLevel: "advisory",
    description: "modelship cost guard: budgets, GPU quotas and safe defaults for model-serving stacks, priced with the modelship cost model.",
});

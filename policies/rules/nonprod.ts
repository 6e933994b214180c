/**
 * nonprod-scale-to-zero: outside production, GPU capacity scales to zero when idle and runs on spot, and no
 * serving capacity is kept warm. A stack is non-production when its name matches `stackPattern` or its
 * `environment` stack tag is a non-production environment; a resource is, also, when its own environment tag
 * (AWS tag, GCP label, Kubernetes label `environment` or `modelship.dev/environment`) is one.
 */
import { num } from "../../sdk/cost/inputs";
import { collectScaling } from "../../sdk/cost";
import { cloudRunInstanceCounts } from "../../sdk/cost/pricers/cloudrun";
import type { Finding, PlainResource, StackEnv, StackRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import { gpuFleets, mayHoldGpus } from "../inspect/fleets";
import { allTags, tagValue } from "../inspect/tags";
import { AWS, GCP } from "../inspect/types";

/** Config of nonprod-scale-to-zero. */
export interface NonProdConfig {
    stackPattern: string;
    environmentTag: string;
    nonProductionEnvironments: string[];
    requireScaleToZero: boolean;
    requireSpot: boolean;
}

/** Stack names that read as non-production: dev, test, qa, staging, sandbox, preview, alone or as a part (`ml-dev`, `dev-eu`). */
export const DEFAULT_STACK_PATTERN = "(^|[-_.])(dev|development|test|testing|qa|staging|stage|sandbox|preview)([-_.]|$)";
const DEFAULT_ENVIRONMENTS = ["dev", "development", "test", "testing", "qa", "staging", "stage", "sandbox", "preview"];

/** Why the stack is non-production, or undefined when it is not. */
function stackReason(config: NonProdConfig, env: StackEnv): string | undefined {
    if (env.stack !== "" && new RegExp(config.stackPattern).test(env.stack)) return `stack "${env.stack}" matches stackPattern`;
    const tagged = env.stackTags.get(config.environmentTag);
    if (tagged !== undefined && config.nonProductionEnvironments.includes(tagged)) return `stack tag ${config.environmentTag}=${tagged}`;
    return undefined;
}

/** Why a resource is non-production by its own environment tag, or undefined. */
function resourceReason(r: PlainResource, config: NonProdConfig): string | undefined {
    const value = tagValue(allTags(r), config.environmentTag);
    return typeof value === "string" && config.nonProductionEnvironments.includes(value) ? `tagged ${config.environmentTag}=${value}` : undefined;
}

/** What one resource keeps running, or buys on demand, in a non-production stack. */
function problemsOf(r: PlainResource, config: NonProdConfig, scalingOf: ReturnType<typeof collectScaling>): string[] {
    const problems: string[] = [];
    if (config.requireScaleToZero && r.type === AWS.lambdaProvisionedConcurrency) {
        const warm = num(r.inputs, "provisionedConcurrentExecutions") ?? 0;
        if (warm > 0) problems.push(`keeps ${warm} Lambda execution environment(s) warm (provisionedConcurrentExecutions), billed while idle; leave provisioned concurrency out`);
    }
    if (config.requireScaleToZero && r.type === GCP.cloudRunService) {
        const min = cloudRunInstanceCounts(r.inputs).min;
        if (min > 0) problems.push(`keeps ${min} Cloud Run instance(s) running (minInstanceCount), billed while idle; set template.scaling.minInstanceCount: 0`);
    }
    if (!mayHoldGpus(r.type)) return problems;
    for (const fleet of gpuFleets(r, scalingOf(r))) {
        if (r.type === GCP.cloudRunService) break; // its minimum is checked above, GPU or not
        if (config.requireScaleToZero && fleet.min !== undefined && fleet.min > 0) {
            problems.push(`${fleet.label} keeps ${fleet.min} ${fleet.unit}(s) with GPUs running (${fleet.boundsWords}); scale to zero: ${fleet.fix.min ?? "a minimum of 0"}`);
        }
        if (config.requireSpot && fleet.spot === false) problems.push(`${fleet.label} runs GPUs on on-demand capacity; use spot: ${fleet.fix.spot ?? "spot capacity"}`);
    }
    return problems;
}

export const nonprodScaleToZero: StackRule<NonProdConfig> = {
    kind: "stack",
    name: "nonprod-scale-to-zero",
    description:
        "In non-production stacks (stackPattern, or an environment tag), GPU node groups, node pools, Karpenter NodePools, GPU workloads (Knative Services and Configurations included: min-scale 0), SageMaker GPU variants (asynchronous endpoints reach zero through their Application Auto Scaling minimum) and Cloud Run services (queue mode's push services included) scale to zero, GPU capacity runs on spot, and no Lambda provisioned concurrency is kept.",
    enforcementLevel: "advisory",
    settings: {
        stackPattern: {
            type: "string",
            regex: true,
            default: DEFAULT_STACK_PATTERN,
            description: `Regular expression (JavaScript) matched against the stack name; a match makes the stack non-production. Defaults to ${DEFAULT_STACK_PATTERN}.`,
        },
        environmentTag: {
            type: "string",
            default: "environment",
            description:
                "Tag (AWS), label (GCP) or Kubernetes label (also as modelship.dev/<tag>) that names a resource's environment, and the stack tag that names the stack's. Defaults to environment, which modelship sets.",
        },
        nonProductionEnvironments: {
            type: "strings",
            default: DEFAULT_ENVIRONMENTS,
            description: `Environment tag values that mean non-production. Defaults to ${DEFAULT_ENVIRONMENTS.join(", ")}.`,
        },
        requireScaleToZero: { type: "boolean", default: true, description: "Check that capacity scales to zero. Defaults to true." },
        requireSpot: { type: "boolean", default: true, description: "Check that GPU capacity runs on spot (or preemptible) VMs. Defaults to true." },
    },
    remediationSteps: "Set the minimum the message names to 0 and use spot capacity for non-production GPUs (GpuPool: minNodes 0, capacityType spot), or exclude the stack with stackPattern.",
    check(resources, config, env) {
        const stackWhy = stackReason(config, env);
        const scalingOf = collectScaling(resources);
        const findings: Finding[] = [];
        for (const r of resources) {
            checking(findings, "scale to zero and spot", r.urn, () => {
                const why = stackWhy ?? resourceReason(r, config);
                if (why === undefined) return;
                for (const problem of problemsOf(r, config, scalingOf)) findings.push({ urn: r.urn, message: `non-production (${why}): ${problem}` });
            });
        }
        return findings;
    },
};

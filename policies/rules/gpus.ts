/**
 * gpu-quota: the stack's GPUs at maximum scale against a quota. accelerator-allowlist: only the catalog
 * accelerators the organisation allows. Both read the underlying resources (see inspect/fleets.ts), so they
 * catch resources written without modelship as well.
 */
import { Accelerator, ACCELERATORS, acceleratorInfo } from "../../sdk/catalog/accelerators";
import { collectScaling } from "../../sdk/cost";
import type { Finding, ResourceRule, StackRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import type { GpuFleet } from "../inspect/fleet";
import { gpuFleets, mayHoldGpus } from "../inspect/fleets";

/** Config of gpu-quota. */
export interface GpuQuotaConfig {
    /** Most GPUs (and Neuron devices) at maximum scale; no check when not set. */
    maxGpus?: number;
}

/**
 * The stack's GPU cap when `maxGpus` is not set: an advisory finding past it, naming the setting that allows more. 64
 * GPUs is eight 8-GPU nodes, or 64 single-GPU replicas: more than a first stack asks for, less than a typo in a
 * maximum (an extra zero) asks.
 */
export const DEFAULT_MAX_GPUS = 64;

/** `4 x 2 GPU(s) per node (scalingConfig 0-4 node(s))`. */
function fleetWords(fleet: GpuFleet): string {
    return `${fleet.label}: ${fleet.max} ${fleet.unit}(s) x ${fleet.gpusPerUnit} GPU(s) = ${(fleet.max as number) * (fleet.gpusPerUnit as number)} (${fleet.boundsWords})`;
}

export const gpuQuota: StackRule<GpuQuotaConfig> = {
    kind: "stack",
    name: "gpu-quota",
    description:
        "The stack's GPUs at maximum scale (EKS node groups, GKE node pools, Karpenter NodePool limits, SageMaker variants, Cloud Run services, GPU VMs, and GPU pods when the stack does not create their nodes) must not exceed maxGpus.",
    enforcementLevel: "mandatory",
    settings: {
        maxGpus: {
            type: "integer",
            minimum: 0,
            description: `Most GPUs (and AWS Neuron devices) the stack may run at maximum scale. Without it, a stack over the pack's default cap of ${DEFAULT_MAX_GPUS} GPUs gets an advisory finding.`,
        },
    },
    remediationSteps: "Lower the maximum size of GPU node groups and pools, Karpenter GPU limits, or the autoscaler maxima of GPU workloads; or raise maxGpus.",
    check(resources, config) {
        // Without a quota, the default cap: advisory, and only past it (unbounded fleets are autoscaling-max-required's).
        const configured = config.maxGpus !== undefined;
        const quota = config.maxGpus ?? DEFAULT_MAX_GPUS;
        const findings: Finding[] = [];
        const scalingOf = collectScaling(resources);
        const counted: GpuFleet[] = [];
        // A value not known during preview is a note for a quota the team set, not for the default cap.
        const notes = configured ? findings : [];
        for (const r of resources.filter((x) => mayHoldGpus(x.type))) {
            checking(notes, "the GPUs of this resource", r.urn, () => {
                const scaling = scalingOf(r);
                for (const fleet of gpuFleets(r, scaling)) {
                    // Pods on nodes the stack creates are already counted as those nodes (as in the cost model).
                    if (!fleet.capacity && scaling.nodesInStack) continue;
                    if (!configured && (fleet.max === undefined || fleet.gpusPerUnit === undefined)) {
                        continue;
                    } else if (fleet.maxMissing?.kind === "unbounded") {
                        findings.push({
                            urn: fleet.urn,
                            message: `${fleet.label} has no maximum (${fleet.maxMissing.words}), so the stack's GPUs at maximum scale are unbounded; the quota is ${quota} (maxGpus)`,
                        });
                    } else if (fleet.max === undefined || fleet.gpusPerUnit === undefined) {
                        const why = fleet.maxMissing?.words ?? fleet.perUnitMissing ?? "its GPU count is not known";
                        findings.push({
                            urn: fleet.urn,
                            advisory: true,
                            message: `the GPU count of ${fleet.label} at maximum scale is not known, so the quota check (maxGpus ${quota}) leaves it out: ${why}`,
                        });
                    } else if (fleet.max * fleet.gpusPerUnit > 0) {
                        counted.push(fleet);
                    }
                }
            });
        }
        const total = counted.reduce((sum, f) => sum + (f.max as number) * (f.gpusPerUnit as number), 0);
        if (total > quota) {
            const gpus = (f: GpuFleet) => (f.max as number) * (f.gpusPerUnit as number);
            // Most GPUs first; ties by name, so the message does not depend on the order resources registered in.
            const parts = [...counted].sort((a, b) => gpus(b) - gpus(a) || a.label.localeCompare(b.label));
            const over = configured
                ? `over the quota of ${quota} (maxGpus)`
                : `over the pack's default cap of ${quota} (gpu-quota maxGpus is not set): set "gpu-quota": { "maxGpus": ${total} } in the policy config to allow it, or lower the maxima below`;
            const message = `the stack runs up to ${total} GPUs at maximum scale, ${over}:${parts.map((f) => `\n  - ${fleetWords(f)}`).join("")}`;
            findings.unshift(configured ? { message } : { advisory: true, message });
        }
        return findings;
    },
};

/** Config of accelerator-allowlist. */
export interface AllowlistConfig {
    /** Catalog accelerator names allowed; no check when not set. */
    allowed?: Accelerator[];
}

function acceleratorWords(accelerator: Accelerator | undefined): string {
    return accelerator ? `${acceleratorInfo(accelerator).displayName} (${accelerator})` : "an accelerator outside the catalog";
}

export const acceleratorAllowlist: ResourceRule<AllowlistConfig> = {
    kind: "resource",
    name: "accelerator-allowlist",
    description: "GPU node groups, node pools, Karpenter NodePools, GPU pods, SageMaker variants, Cloud Run services and GPU VMs may use only the accelerators in allowed.",
    enforcementLevel: "mandatory",
    settings: {
        allowed: {
            type: "strings",
            oneOf: ACCELERATORS,
            description: `Accelerators allowed, by catalog name (${ACCELERATORS.join(", ")}). No default: without it the policy checks nothing.`,
        },
    },
    remediationSteps: "Use an allowed accelerator (instance type, machine type, guest accelerator or node selector), or add it to allowed.",
    appliesTo: mayHoldGpus,
    check(r, config) {
        if (config.allowed === undefined) return [];
        const allowed = config.allowed;
        const allowedWords = allowed.length > 0 ? allowed.join(", ") : "none";
        const findings: Finding[] = [];
        checking(findings, "the accelerators of this resource", r.urn, () => {
            for (const fleet of gpuFleets(r)) {
                if (fleet.anyAccelerator) {
                    findings.push({
                        urn: r.urn,
                        message: `${fleet.label} may launch any GPU: its requirements name no GPU (karpenter.k8s.aws/instance-gpu-name), instance family or instance type; allowed: ${allowedWords}`,
                    });
                } else if (fleet.accelerators.length === 0) {
                    findings.push({
                        urn: r.urn,
                        advisory: true,
                        message: `${fleet.label} asks for GPUs without naming the accelerator (a node selector or instance type), so the allowlist (${allowedWords}) cannot be checked`,
                    });
                }
                // One finding per accelerator, however many fields name it (a Karpenter pool names it by GPU name and family).
                const refused = new Map<string, { accelerator?: Accelerator; named: string[] }>();
                for (const use of fleet.accelerators) {
                    if (use.accelerator !== undefined && allowed.includes(use.accelerator)) continue;
                    const key = use.accelerator ?? use.named;
                    refused.set(key, { accelerator: use.accelerator, named: [...(refused.get(key)?.named ?? []), use.named] });
                }
                for (const { accelerator, named } of refused.values()) {
                    findings.push({ urn: r.urn, message: `${fleet.label} uses ${acceleratorWords(accelerator)}, named by ${named.join(", ")}, which is not allowed; allowed: ${allowedWords}` });
                }
            }
        });
        return findings;
    },
};

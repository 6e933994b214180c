/**
 * Helpers for the policy tests: hand-built @pulumi/policy args (as the engine passes them) to call the pack's
 * policies directly, hand-written resource records, and the plan's evaluatePolicies.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies } from "../../policies/evaluate";
import { policy } from "../../policies/policies";
import type { PolicyConfig, PolicyFinding } from "../../sdk/plan/policies";
import type { ResourceRecord } from "../../sdk/plan/runtime";

/** A violation as a test reads it: what the policy reported through `reportViolation`. */
export interface Reported {
    message: string;
    urn?: string;
    enforcementLevel?: string;
}

function collector(into: Reported[]): ReportViolation {
    return ((violation: string | Reported, urn?: string) => {
        into.push(typeof violation === "string" ? { message: violation, urn } : { ...violation });
    }) as ReportViolation;
}

const OPTIONS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

function notApplicable(reason?: string): never {
    throw new Error(`notApplicable: ${reason}`);
}

/** A hand-written resource record, as the plan's recorder would have it. */
export function record(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord {
    const qualified = extra.parent ? `${extra.parent.split("::")[2]}$${type}` : type;
    return {
        urn: `urn:pulumi:dev::test::${qualified}::${name}`,
        type,
        name,
        custom: !type.startsWith("modelship:"),
        inputs,
        secretInputs: [],
        outputs: {},
        options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependencies: [] },
        ...extra,
    };
}

/** Calls a resource policy the way the engine does, for one resource; returns what it reported. */
export async function validateResource(
    name: string,
    resource: Pick<ResourceRecord, "type" | "name" | "urn" | "inputs">,
    config: Record<string, unknown> = {},
    provider?: { type: string; props: Record<string, unknown> },
): Promise<Reported[]> {
    const p = policy(name) as ResourceValidationPolicy;
    const reported: Reported[] = [];
    const args = {
        type: resource.type,
        props: resource.inputs,
        urn: resource.urn,
        name: resource.name,
        opts: OPTIONS,
        provider: provider ? { ...provider, urn: `urn:pulumi:dev::test::${provider.type}::default`, name: "default" } : undefined,
        stackTags: new Map<string, string>(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => config,
        notApplicable,
    } as unknown as ResourceValidationArgs;
    const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
    for (const validate of validations) await validate?.(args, collector(reported));
    return reported;
}

/** Calls a stack policy the way the engine does, over resource records; returns what it reported. */
export async function validateStack(name: string, resources: ReadonlyArray<ResourceRecord>, config: Record<string, unknown> = {}, stackTags = new Map<string, string>()): Promise<Reported[]> {
    const p = policy(name) as StackValidationPolicy;
    const reported: Reported[] = [];
    const byUrn = new Map<string, PolicyResource>();
    const policyResources = resources.map((r) => {
        const resource = {
            type: r.type,
            // The engine gives a stack policy each resource's final outputs: a component's are what it registers.
            props: r.custom ? r.inputs : r.outputs,
            urn: r.urn,
            name: r.name,
            opts: OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        if (r.parent) policyResources[i].parent = byUrn.get(r.parent);
        const dependencies = r.options.dependencies.flatMap((urn) => byUrn.get(urn) ?? []);
        (policyResources[i] as { dependencies: PolicyResource[] }).dependencies = dependencies;
    });
    const args = { resources: policyResources, stackTags, getConfig: () => config, notApplicable } as unknown as StackValidationArgs;
    await p.validateStack(args, collector(reported));
    return reported;
}

/** The plan's findings of one policy, over resource records, in stack `dev` unless said otherwise. */
export function findingsOf(policyName: string, resources: ResourceRecord[], config: PolicyConfig = {}, stack = "dev", stackConfig: Record<string, string> = {}): PolicyFinding[] {
    return evaluatePolicies(resources, config, { stack, stackConfig }).filter((f) => f.policy === policyName);
}

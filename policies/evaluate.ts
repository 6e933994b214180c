/**
 * The pack's policies for the offline plan (`modelship plan --policy-config FILE`): the same rules the pack
 * serves to `pulumi preview --policy-pack`, run over the resources the plan recorded, with the policy config in
 * the format of `pulumi preview --policy-pack-config`. The plan loads this module (sdk/plan/policies.ts); it
 * never constructs the PolicyPack.
 */
import { effectiveLevel, PolicyConfig, PolicyConfigError, PolicyFinding, PolicyRunContext } from "../sdk/plan/policies";
import type { ResourceRecord } from "../sdk/plan/runtime";
import { parseSettings } from "./framework/settings";
import type { PlainResource, StackEnv } from "./framework/types";
import { rules } from "./policies";

/** Rejects config for policies the pack does not have (a misspelt name would otherwise be ignored). */
function checkPolicyNames(config: PolicyConfig): void {
    const names = rules.map((r) => r.name);
    for (const [policy, settings] of Object.entries(config)) {
        if (policy === "all") {
            const extra = Object.keys(settings).filter((k) => k !== "enforcementLevel");
            if (extra.length > 0) throw new PolicyConfigError(`policy config "all" sets ${extra.join(", ")}; "all" takes only enforcementLevel`);
        } else if (!names.includes(policy)) {
            throw new PolicyConfigError(`the policy config names "${policy}", which is not a policy of the modelship pack; its policies are ${names.join(", ")} (and "all")`);
        }
    }
}

/** Parses provider settings held as JSON strings (`aws:defaultTags`); other values stay strings. */
function configValue(value: string): unknown {
    try {
        return JSON.parse(value) as unknown;
    } catch {
        return value;
    }
}

/** The settings of a cloud's default provider: the stack config of its namespace (`aws:region` -> `region`). */
function defaultProvider(pkg: string, stackConfig: Readonly<Record<string, string>>): PlainResource["provider"] {
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stackConfig)) {
        if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = configValue(value);
    }
    return { type: `pulumi:providers:${pkg}`, inputs };
}

/** The recorded resources as the rules read them, each with its provider (explicit, else the default one). */
function plainResources(records: ReadonlyArray<ResourceRecord>, stackConfig: Readonly<Record<string, string>>): PlainResource[] {
    const byUrn = new Map(records.map((r) => [r.urn, r]));
    return records.map((r) => {
        // A provider reference is `<provider urn>::<provider id>`.
        const reference = r.options.provider;
        const explicit = reference !== undefined ? byUrn.get(reference.slice(0, reference.lastIndexOf("::"))) : undefined;
        const pkg = r.type.split(":")[0];
        const provider = explicit ? { type: explicit.type, inputs: explicit.inputs } : r.custom && pkg !== "pulumi" ? defaultProvider(pkg, stackConfig) : undefined;
        return { urn: r.urn, type: r.type, name: r.name, parent: r.parent, custom: r.custom, inputs: r.inputs, outputs: r.outputs, provider, dependencies: r.options.dependencies };
    });
}

/**
 * Runs every policy of the pack over the planned resources. Findings carry the level the config sets for their
 * policy (or the policy's default); advisory notes (unknown prices, values unknown in a preview) stay advisory
 * and are marked `levelFixed`. Disabled policies do not run. Throws `PolicyConfigError` for config the pack
 * does not accept: a policy it does not have, a setting it does not know, a value of the wrong kind.
 */
export function evaluatePolicies(resources: ResourceRecord[], config: PolicyConfig = {}, context: PolicyRunContext = { stack: "", stackConfig: {} }): PolicyFinding[] {
    checkPolicyNames(config);
    const plain = plainResources(resources, context.stackConfig);
    const env: StackEnv = { stack: context.stack, stackTags: new Map(), awsRegion: context.stackConfig["aws:region"], gcpRegion: context.stackConfig["gcp:region"] };
    const findings: PolicyFinding[] = [];
    for (const rule of rules) {
        const level = effectiveLevel(config, rule.name, rule.enforcementLevel);
        if (level === "disabled") continue;
        const settings = parseSettings<Record<string, unknown>>(rule.name, rule.settings, config[rule.name] ?? {});
        const found = rule.kind === "resource" ? plain.filter((r) => rule.appliesTo(r.type)).flatMap((r) => rule.check(r, settings, env)) : rule.check(plain, settings, env);
        for (const f of found) {
            const finding: PolicyFinding = { policy: rule.name, enforcement: f.advisory ? "advisory" : level, message: f.message };
            if (f.urn !== undefined) finding.urn = f.urn;
            if (f.advisory) finding.levelFixed = true;
            findings.push(finding);
        }
    }
    return findings;
}

/**
 * Wraps the pack's rules as @pulumi/policy policies. The policy functions get the engine's args, turn them
 * into plain resources (unknown values marked, see unknowns.ts), parse the policy's config and report what
 * the rule finds.
 *
 * Advisory notes of a mandatory policy (an unknown price, a value unknown during preview) are reported with
 * their own level through `reportViolation`'s object form, `{ message, urn, enforcementLevel }`, which
 * @pulumi/policy 1.21 accepts at run time (pulumi/pulumi-policy#424) though its typings do not declare it yet.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyProviderResource, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, parseSettings } from "./settings";
import type { Finding, PlainResource, ResourceRule, Rule, StackEnv, StackRule } from "./types";
import { plainProps, UNKNOWN } from "./unknowns";

/** The object form of a violation (see the file comment). */
interface ViolationObject {
    message: string;
    urn?: string;
    enforcementLevel?: "advisory";
}

function report(reportViolation: ReportViolation, finding: Finding): void {
    const violation: ViolationObject = { message: finding.message, urn: finding.urn };
    if (finding.advisory) violation.enforcementLevel = "advisory";
    (reportViolation as unknown as (v: ViolationObject) => void)(violation);
}

function plainRecord(props: unknown): Record<string, unknown> {
    const plain = plainProps(props);
    return plain !== null && typeof plain === "object" && plain !== UNKNOWN ? (plain as Record<string, unknown>) : {};
}

function provider(p: PolicyProviderResource | undefined): PlainResource["provider"] {
    return p ? { type: p.type, inputs: plainRecord(p.props) } : undefined;
}

/** A stack config value in the policy pack's process; undefined where the runtime does not provide config. */
function stackConfig(namespace: string, key: string): string | undefined {
    try {
        return new pulumi.Config(namespace).get(key);
    } catch {
        return undefined;
    }
}

/**
 * The region of a cloud's default provider among the stack's resources: the engine registers it as
 * `pulumi:providers:<cloud>` named `default...`, with the stack config as its inputs.
 */
function defaultProviderRegion(resources: ReadonlyArray<PlainResource>, cloud: "aws" | "gcp"): string | undefined {
    const found = resources.find((r) => r.type === `pulumi:providers:${cloud}` && r.name.startsWith("default"));
    const region = found?.inputs.region;
    return typeof region === "string" ? region : undefined;
}

/** The stack as the pack's process sees it. */
export function packEnv(stackTags: ReadonlyMap<string, string>, resources: ReadonlyArray<PlainResource> = []): StackEnv {
    let stack = "";
    try {
        stack = pulumi.getStack();
    } catch {
        // No stack name in this process: only environment tags decide what is non-production.
    }
    return {
        stack,
        stackTags,
        awsRegion: stackConfig("aws", "region") ?? defaultProviderRegion(resources, "aws"),
        gcpRegion: stackConfig("gcp", "region") ?? defaultProviderRegion(resources, "gcp"),
    };
}

/** What every policy of a rule declares: its name, level, config schema and guidance. */
function policyInfo(rule: Rule) {
    return { name: rule.name, description: rule.description, enforcementLevel: rule.enforcementLevel, configSchema: configSchema(rule.settings), remediationSteps: rule.remediationSteps };
}

/** The rule's config from the engine's policy config, checked and with its defaults. */
function ruleConfig(rule: Rule, args: ResourceValidationArgs | StackValidationArgs): Record<string, unknown> {
    return parseSettings<Record<string, unknown>>(rule.name, rule.settings, args.getConfig<Record<string, unknown>>());
}

function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
    return {
        ...policyInfo(rule),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = ruleConfig(rule, args);
            if (!rule.appliesTo(args.type)) return;
            const resource: PlainResource = { urn: args.urn, type: args.type, name: args.name, inputs: plainRecord(args.props), provider: provider(args.provider) };
            for (const finding of rule.check(resource, config, packEnv(args.stackTags ?? new Map()))) report(reportViolation, { ...finding, urn: undefined });
        },
    };
}

function stackResource(r: PolicyResource): PlainResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent?.urn,
        inputs: plainRecord(r.props),
        provider: provider(r.provider),
        dependencies: (r.dependencies ?? []).map((d) => d.urn),
    };
}

function stackPolicy(rule: StackRule): StackValidationPolicy {
    return {
        ...policyInfo(rule),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const config = ruleConfig(rule, args);
            const resources = args.resources.map(stackResource);
            for (const finding of rule.check(resources, config, packEnv(args.stackTags ?? new Map(), resources))) report(reportViolation, finding);
        },
    };
}

/** The @pulumi/policy policy of a rule: what the PolicyPack serves and what tests call directly. */
export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
    return rule.kind === "resource" ? resourcePolicy(rule) : stackPolicy(rule);
}

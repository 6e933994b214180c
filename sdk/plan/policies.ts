/**
 * The plan's side of the policy pack: the finding type, the policy config file, and the hook that runs
 * the pack's policies over the planned resources when the pack is there.
 *
 * The pack plugs in by exporting from `policies/evaluate` (source) or `dist/policies/evaluate.js` (built):
 *
 *   export function evaluatePolicies(resources: ResourceRecord[], config: PolicyConfig, context: PolicyRunContext): PolicyFinding[]
 *
 * Not `policies/index`: that is the pack's entry for `pulumi preview --policy-pack`, which constructs the
 * `PolicyPack` (a gRPC server that may exit the process). The environment variable MODELSHIP_POLICY_MODULE
 * names another module with the same export instead (tests use it; so can a team with its own policies).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceRecord } from "./runtime";
import { installLoader, packageFile } from "./loader";

/** Pulumi's enforcement levels. */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/** How a policy's violations are treated. */
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** One policy violation found in a plan. */
export interface PolicyFinding {
    /** The policy's name. */
    policy: string;
    enforcement: EnforcementLevel;
    /** The resource in violation; absent for a stack-wide finding. */
    urn?: string;
    message: string;
    /**
     * True when the finding keeps its level whatever the config sets for the policy (only `disabled` drops
     * it): an advisory note of a mandatory policy, such as a price the catalog does not know. The Pulumi
     * engine treats a policy's "cannot run during preview" notes the same way.
     */
    levelFixed?: boolean;
}

/** What the plan tells the pack besides the resources and the policy config. */
export interface PolicyRunContext {
    /** The stack planned (its name decides, for example, what is non-production). */
    stack: string;
    /** The stack config the program ran with, keys `namespace:key` (`aws:region`, `aws:defaultTags`). */
    stackConfig: Readonly<Record<string, string>>;
}

/** One policy's entry in the config file: its enforcement level and its own config properties. */
export interface PolicySettings {
    enforcementLevel?: EnforcementLevel;
    [property: string]: unknown;
}

/**
 * The policy config, in the format of `pulumi preview --policy-pack-config`: policy name to settings.
 * The reserved name `all` sets the level of every policy. A bare level (`"policy": "mandatory"`) is
 * normalised to `{ enforcementLevel: "mandatory" }`.
 */
export type PolicyConfig = Record<string, PolicySettings>;

/** Thrown for a policy config file that cannot be read or does not have the expected shape. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

function levelOrThrow(file: string, policy: string, level: unknown): EnforcementLevel {
    if (typeof level === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(level)) return level as EnforcementLevel;
    throw new PolicyConfigError(`${file}: "${policy}": enforcementLevel is ${JSON.stringify(level)}; expected one of ${ENFORCEMENT_LEVELS.join(", ")}`);
}

/** Checks and normalises a parsed policy config; `file` names it in errors. */
export function parsePolicyConfig(value: unknown, file: string): PolicyConfig {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new PolicyConfigError(`${file}: expected a JSON object of policy name to settings, for example {"policy-name": {"enforcementLevel": "mandatory"}}`);
    }
    const config: PolicyConfig = {};
    for (const [policy, settings] of Object.entries(value)) {
        if (typeof settings === "string") {
            config[policy] = { enforcementLevel: levelOrThrow(file, policy, settings) };
        } else if (settings !== null && typeof settings === "object" && !Array.isArray(settings)) {
            const entry = { ...(settings as Record<string, unknown>) };
            if (entry.enforcementLevel !== undefined) entry.enforcementLevel = levelOrThrow(file, policy, entry.enforcementLevel);
            config[policy] = entry as PolicySettings;
        } else {
            throw new PolicyConfigError(`${file}: "${policy}" is ${JSON.stringify(settings)}; expected an enforcement level or an object of settings`);
        }
    }
    return config;
}

/** Reads a policy config file (JSON). Throws {@link PolicyConfigError} for a missing or malformed file. */
export function readPolicyConfig(file: string): PolicyConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new PolicyConfigError(code === "ENOENT" ? `policy config file ${file} not found` : `cannot read policy config file ${file}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new PolicyConfigError(`policy config file ${file} is not valid JSON: ${(e as Error).message}`);
    }
    return parsePolicyConfig(parsed, file);
}

/** What the pack's module exports for the plan. */
interface PolicyModule {
    evaluatePolicies(resources: ResourceRecord[], config: PolicyConfig, context: PolicyRunContext): PolicyFinding[] | Promise<PolicyFinding[]>;
}

/** The module whose `evaluatePolicies` the plan runs: MODELSHIP_POLICY_MODULE, else the package's pack. */
export function policyModulePath(): string {
    const custom = process.env.MODELSHIP_POLICY_MODULE;
    return custom ? path.resolve(custom) : packageFile("policies/evaluate");
}

/** The module the pack provides for the plan; undefined while the pack does not exist. */
function loadPolicyModule(): PolicyModule | undefined {
    const file = policyModulePath();
    if (!fs.existsSync(file)) {
        if (process.env.MODELSHIP_POLICY_MODULE) throw new PolicyConfigError(`MODELSHIP_POLICY_MODULE names ${file}, which does not exist`);
        return undefined;
    }
    if (file.endsWith(".ts")) installLoader();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(file) as Partial<PolicyModule>;
    if (typeof loaded.evaluatePolicies === "function") return loaded as PolicyModule;
    if (process.env.MODELSHIP_POLICY_MODULE) throw new PolicyConfigError(`${file} (MODELSHIP_POLICY_MODULE) does not export a function evaluatePolicies`);
    return undefined;
}

/**
 * Applies the config's enforcement levels to findings (the policy's own entry first, then `all`) and
 * drops disabled ones, as the Pulumi engine does with a pack's violations. Idempotent: a pack that
 * applied the levels itself gets the same result.
 */
export function applyEnforcement(findings: ReadonlyArray<PolicyFinding>, config: PolicyConfig): PolicyFinding[] {
    return findings
        .map((f) => {
            const level = effectiveLevel(config, f.policy, f.enforcement);
            return { ...f, enforcement: f.levelFixed && level !== "disabled" ? f.enforcement : level };
        })
        .filter((f) => f.enforcement !== "disabled");
}

/**
 * The level a policy's violations get: the config's for the policy, else its `all`, else `fallback`. As the engine
 * does, a violation that remains at level remediate (nothing fixed it) counts as mandatory.
 */
export function effectiveLevel(config: PolicyConfig, policy: string, fallback: EnforcementLevel): EnforcementLevel {
    const level = config[policy]?.enforcementLevel ?? config.all?.enforcementLevel ?? fallback;
    return level === "remediate" ? "mandatory" : level;
}

/** True when the policy pack provides `evaluatePolicies` (the plan then reports "no violations", not "not checked"). */
export function policyPackInstalled(): boolean {
    return loadPolicyModule() !== undefined;
}

/**
 * Runs the policy pack over the planned resources, with the enforcement levels of `policyConfig`
 * applied. Returns no findings while the pack does not exist (or does not export `evaluatePolicies`).
 */
export async function runPolicies(resources: ResourceRecord[], policyConfig: PolicyConfig = {}, context: PolicyRunContext = { stack: "", stackConfig: {} }): Promise<PolicyFinding[]> {
    const pack = loadPolicyModule();
    if (!pack) return [];
    return applyEnforcement(await pack.evaluatePolicies(resources, policyConfig, context), policyConfig);
}

/** True when a finding fails the plan (exit code 1). */
export function isBlocking(finding: PolicyFinding): boolean {
    return finding.enforcement === "mandatory";
}

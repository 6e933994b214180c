/**
 * The pack as a whole: its policies' names, default levels and config schemas; bad config errors; enforcement
 * levels from the config; values unknown during preview; the same findings from the pack's policies and the
 * plan; components recognised by @pulumi/policy's typed helpers.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { GpuPool, ModelGateway, ModelService, PolyglotPipeline, SpikeAutoscaler } from "../../index";
import { evaluatePolicies } from "../../policies/evaluate";
import { UNKNOWN } from "../../policies/framework/unknowns";
import { PACK_NAME, policies, rules } from "../../policies/policies";
import { MODEL_GATEWAY_TYPE, SERVICE_COMPONENT_TYPES } from "../../policies/inspect/types";
import { PolicyConfigError } from "../../sdk/plan/policies";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { record, Reported, validateResource, validateStack } from "./helpers";

// The pack reads the stack's name and config from the Pulumi runtime (in the pack's process, the engine sets them).
useMockRuntime();

/* eslint-disable @typescript-eslint/no-require-imports -- exported by @pulumi/policy at run time, not in its typings */
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy<T extends object>(value: T): T };
const { unknownStringValue } = require("@pulumi/policy/proxy") as { unknownStringValue: string };
/* eslint-enable @typescript-eslint/no-require-imports */

const nodeGroup = (extra: Record<string, unknown> = {}) =>
    record("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: "ml", instanceTypes: ["g6.xlarge"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 1, maxSize: 4 }, ...extra });

describe("the pack's policies", () => {
    it("keep their names, default levels and config keys (the pack's public interface)", () => {
        expect(PACK_NAME).toBe("modelship-cost-guard");
        expect(policies.map((p) => [p.name, p.enforcementLevel, Object.keys(p.configSchema?.properties ?? {})])).toEqual([
            ["stack-budget", "mandatory", ["maxMonthlyUsd"]],
            ["service-budget", "mandatory", ["maxMonthlyUsd"]],
            ["gpu-quota", "mandatory", ["maxGpus"]],
            ["accelerator-allowlist", "mandatory", ["allowed"]],
            ["autoscaling-max-required", "mandatory", []],
            ["nonprod-scale-to-zero", "advisory", ["stackPattern", "environmentTag", "nonProductionEnvironments", "requireScaleToZero", "requireSpot"]],
            ["cost-tags", "advisory", ["required"]],
            ["public-endpoint-auth", "mandatory", ["internalGateways", "anonymousRoutes"]],
            ["gateway-timeout", "advisory", []],
            ["observability-required", "advisory", []],
            ["image-digest", "advisory", ["exempt"]],
        ]);
        expect(policies.filter((p) => "validateStack" in p).map((p) => p.name)).toEqual([
            "stack-budget",
            "service-budget",
            "gpu-quota",
            "nonprod-scale-to-zero",
            "public-endpoint-auth",
            "gateway-timeout",
            "observability-required",
        ]);
    });

    it("give the Pulumi CLI a JSON schema with types, bounds and defaults to check and fill in", () => {
        const schema = (name: string) => policies.find((p) => p.name === name)?.configSchema;
        expect(schema("gpu-quota")).toEqual({ properties: { maxGpus: { type: "integer", minimum: 0, description: expect.stringContaining("Most GPUs") } } });
        expect(schema("cost-tags")?.properties.required).toEqual({ type: "array", items: { type: "string" }, default: ["team", "cost-center"], description: expect.any(String) });
        expect(schema("accelerator-allowlist")?.properties.allowed).toMatchObject({
            type: "array",
            items: { type: "string", enum: ["t4", "a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100", "h200", "inferentia2"] },
        });
        expect(schema("nonprod-scale-to-zero")?.properties.requireSpot).toMatchObject({ type: "boolean", default: true });
    });
});

describe("bad policy config", () => {
    const resources = [nodeGroup()];

    it("names the policy, the setting, the value received and what is accepted, in the plan and in the pack", async () => {
        const cases: Array<[string, Record<string, unknown>, string]> = [
            ["stack-budget", { maxMonthlyUsd: "5000" }, 'policy "stack-budget": 1 invalid setting:\n  - maxMonthlyUsd: received "5000"; expected a number >= 0'],
            ["stack-budget", { maxMonthlyUsd: -1 }, 'policy "stack-budget": 1 invalid setting:\n  - maxMonthlyUsd: received -1; expected a number >= 0'],
            ["gpu-quota", { maxGPUs: 4 }, 'policy "gpu-quota": 1 invalid setting:\n  - maxGPUs: no such setting; expected one of maxGpus, or enforcementLevel'],
            ["gpu-quota", { maxGpus: 2.5 }, 'policy "gpu-quota": 1 invalid setting:\n  - maxGpus: received 2.5; expected a whole number >= 0'],
            [
                "cost-tags",
                { required: "team", teams: [] },
                'policy "cost-tags": 2 invalid settings:\n  - required: received "team"; expected a list of strings\n  - teams: no such setting; expected one of required, or enforcementLevel',
            ],
            [
                "autoscaling-max-required",
                { max: 3 },
                'policy "autoscaling-max-required": 1 invalid setting:\n  - max: no such setting; expected none (this policy has no settings), or enforcementLevel',
            ],
            ["nonprod-scale-to-zero", { requireSpot: "no" }, 'policy "nonprod-scale-to-zero": 1 invalid setting:\n  - requireSpot: received "no"; expected true or false'],
        ];
        for (const [policy, settings, message] of cases) {
            expect(() => evaluatePolicies(resources, { [policy]: settings })).toThrow(PolicyConfigError);
            expect(() => evaluatePolicies(resources, { [policy]: settings })).toThrow(message);
            const rule = rules.find((r) => r.name === policy);
            const call = rule?.kind === "stack" ? validateStack(policy, resources, settings) : validateResource(policy, resources[0], settings);
            await expect(call).rejects.toThrow(message);
        }
    });

    it("rejects a policy the pack does not have, and settings under all", () => {
        expect(() => evaluatePolicies(resources, { "stack-budgte": { maxMonthlyUsd: 10 } })).toThrow(
            'the policy config names "stack-budgte", which is not a policy of the modelship pack; its policies are stack-budget, service-budget, gpu-quota, accelerator-allowlist, autoscaling-max-required, nonprod-scale-to-zero, cost-tags, public-endpoint-auth, gateway-timeout, observability-required, image-digest (and "all")',
        );
        expect(() => evaluatePolicies(resources, { all: { enforcementLevel: "advisory", maxGpus: 1 } })).toThrow('policy config "all" sets maxGpus; "all" takes only enforcementLevel');
    });
});

describe("enforcement levels", () => {
    const resources = [nodeGroup()];
    const levels = (config: Parameters<typeof evaluatePolicies>[1]) =>
        evaluatePolicies(resources, { "gpu-quota": { maxGpus: 1 }, ...config }, { stack: "dev", stackConfig: {} }).map((f) => `${f.policy}:${f.enforcement}`);

    it("follow the policy's default, then the config's level for the policy, then all; remediate counts as mandatory", () => {
        // observability-required: the GPU node group has no alert on the DCGM exporter's metrics.
        expect(levels({})).toEqual(["gpu-quota:mandatory", "nonprod-scale-to-zero:advisory", "nonprod-scale-to-zero:advisory", "cost-tags:advisory", "observability-required:advisory"]);
        expect(levels({ all: { enforcementLevel: "mandatory" } })).toEqual([
            "gpu-quota:mandatory",
            "nonprod-scale-to-zero:mandatory",
            "nonprod-scale-to-zero:mandatory",
            "cost-tags:mandatory",
            "observability-required:mandatory",
        ]);
        expect(levels({ all: { enforcementLevel: "mandatory" }, "gpu-quota": { enforcementLevel: "advisory", maxGpus: 1 } })).toEqual([
            "gpu-quota:advisory",
            "nonprod-scale-to-zero:mandatory",
            "nonprod-scale-to-zero:mandatory",
            "cost-tags:mandatory",
            "observability-required:mandatory",
        ]);
        expect(levels({ "cost-tags": { enforcementLevel: "remediate" } })).toContain("cost-tags:mandatory");
    });

    it("skip disabled policies", () => {
        expect(levels({ all: { enforcementLevel: "disabled" }, "gpu-quota": { enforcementLevel: "advisory", maxGpus: 1 } })).toEqual(["gpu-quota:advisory"]);
    });
});

describe("values unknown during preview", () => {
    it("give an advisory 'cannot check ... during preview' for the check that needs them, read through @pulumi/policy's proxy", async () => {
        const deployment = {
            ...record("kubernetes:apps/v1:Deployment", "api", {}),
            inputs: unknownCheckingProxy({ spec: { template: { spec: { containers: [{ name: "api", image: unknownStringValue }] } } } }),
        };
        expect(await validateResource("image-digest", deployment)).toEqual([
            { message: "cannot check the image references during preview: spec.template.spec.containers[0].image is not known until deployment (an Output)", enforcementLevel: "advisory" },
        ]);
    });

    it("leave the other checks of a stack policy running: an unknown price is a note, the known prices are still summed", async () => {
        const unknownType = nodeGroup({ instanceTypes: [UNKNOWN] });
        const known = { ...nodeGroup(), urn: "urn:pulumi:dev::test::aws:eks/nodeGroup:NodeGroup::known", name: "known" };
        const reported: Reported[] = await validateStack("stack-budget", [unknownType, known], { maxMonthlyUsd: 10 });
        expect(reported.map((r) => r.enforcementLevel ?? "mandatory")).toEqual(["mandatory", "advisory"]);
        expect(reported[0].message).toMatch(/^the stack costs up to \$[\d,.]+ a month at maximum scale, not counting 1 resource\(s\) whose price is not known/);
        expect(reported[1]).toEqual({
            urn: unknownType.urn,
            enforcementLevel: "advisory",
            message:
                "the monthly cost of this resource at maximum scale is not known, so the stack budget of $10.00 (maxMonthlyUsd) leaves it out (never as $0): instanceTypes[0] is not known until deployment (an Output)",
        });
    });
});

describe("the pack and the plan", () => {
    it("report the same findings for the same resources", async () => {
        const resources: ResourceRecord[] = [
            nodeGroup(),
            record("aws:lambda/functionUrl:FunctionUrl", "url", { functionName: "f", authorizationType: "NONE" }),
            record("kubernetes:keda.sh/v1alpha1:ScaledObject", "s", { spec: { scaleTargetRef: { name: "x" } } }),
            record("docker:index/container:Container", "c", { image: "nginx:1.27", ports: [{ internal: 80 }] }),
        ];
        const config = { "stack-budget": { maxMonthlyUsd: 100 }, "gpu-quota": { maxGpus: 2 }, "accelerator-allowlist": { allowed: ["t4"] } };
        const fromPlan = evaluatePolicies(resources, config, { stack: "dev", stackConfig: {} }).map((f) => `${f.policy} ${f.urn ?? "-"} ${f.levelFixed ? "advisory " : ""}${f.message}`);
        const fromPack: string[] = [];
        for (const rule of rules) {
            const settings = (config as Record<string, Record<string, unknown>>)[rule.name] ?? {};
            if (rule.kind === "stack") {
                for (const r of await validateStack(rule.name, resources, settings)) fromPack.push(`${rule.name} ${r.urn ?? "-"} ${r.enforcementLevel ? "advisory " : ""}${r.message}`);
            } else {
                for (const resource of resources.filter((x) => rule.appliesTo(x.type))) {
                    for (const r of await validateResource(rule.name, resource, settings)) fromPack.push(`${rule.name} ${resource.urn} ${r.enforcementLevel ? "advisory " : ""}${r.message}`);
                }
            }
        }
        expect(fromPlan.length).toBeGreaterThanOrEqual(8);
        expect(fromPack).toEqual(fromPlan);
    });
});

describe("components", () => {
    it("carry a static __pulumiType, so @pulumi/policy's typed helpers match them, and service-budget reads the same types", () => {
        expect(ModelService.__pulumiType).toBe("modelship:index:ModelService");
        expect(GpuPool.__pulumiType).toBe("modelship:index:GpuPool");
        expect(SpikeAutoscaler.__pulumiType).toBe("modelship:index:SpikeAutoscaler");
        expect(SERVICE_COMPONENT_TYPES).toEqual([ModelService.__pulumiType, PolyglotPipeline.__pulumiType]);
        expect(MODEL_GATEWAY_TYPE).toBe(ModelGateway.__pulumiType);
        const validate = validateResourceOfType(ModelService, () => undefined) as unknown as { __pulumiType?: string };
        expect(validate.__pulumiType).toBe("modelship:index:ModelService");
    });
});

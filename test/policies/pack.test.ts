/**
 * The pack's entry file, run as `pulumi preview --policy-pack policies` runs it (Pulumi's run-policy-pack, with
 * TypeScript) and driven over gRPC as the engine drives it: what `pulumi policy ls` shows, the policy config, stack
 * and resource analysis with values unknown during preview, and a bad config.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PackProcess } from "./pack-process";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's marker of an unknown string value
const urn = (type: string, name: string) => `urn:pulumi:ml-dev::llm::${type}::${name}`;
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

let pack: PackProcess;
// Starting the pack compiles its TypeScript with ts-node: give it time.
beforeAll(async () => {
    pack = await PackProcess.start({ PULUMI_NODEJS_STACK: "ml-dev", PULUMI_NODEJS_PROJECT: "llm", PULUMI_CONFIG: JSON.stringify({ "aws:region": "us-west-2" }) });
}, 120_000);
afterAll(() => pack?.stop());

describe("the policy pack served to the Pulumi engine", () => {
    it("describes itself: name, version from policies/package.json, policies with default levels and config schemas", async () => {
        const info = await pack.info();
        expect(info.name).toBe("modelship-cost-guard");
        expect(info.version).toBe("0.1.0");
        expect(info.policies.map((p) => `${p.name}:${p.level}`)).toEqual([
            "stack-budget:mandatory",
            "service-budget:mandatory",
            "gpu-quota:mandatory",
            "accelerator-allowlist:mandatory",
            "autoscaling-max-required:mandatory",
            "nonprod-scale-to-zero:advisory",
            "cost-tags:advisory",
            "public-endpoint-auth:mandatory",
            "gateway-timeout:advisory",
            "image-digest:advisory",
        ]);
    });

    it("checks the stack with its config: a mandatory violation, an advisory note for an unknown value, the stack's name and region from the engine", async () => {
        await pack.configure({
            "stack-budget": { enforcementLevel: "mandatory", maxMonthlyUsd: 500 },
            "nonprod-scale-to-zero": { enforcementLevel: "advisory", requireScaleToZero: true, requireSpot: false },
        });
        const diagnostics = await pack.analyzeStack([
            { type: NODE_GROUP, name: "gpu", urn: urn(NODE_GROUP, "gpu"), props: { clusterName: UNKNOWN_STRING, instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1, maxSize: 2 } } },
            { type: NODE_GROUP, name: "later", urn: urn(NODE_GROUP, "later"), props: { instanceTypes: [UNKNOWN_STRING], scalingConfig: { minSize: 0, maxSize: 2 } } },
        ]);
        expect(diagnostics.map((d) => `${d.policy} ${d.level} ${d.urn.split("::").pop() || "-"}`)).toEqual([
            "stack-budget mandatory -",
            "stack-budget advisory later",
            "nonprod-scale-to-zero advisory gpu",
            "nonprod-scale-to-zero advisory later",
        ]);
        // Priced in the stack's region (aws:region us-west-2); the unknown cluster name does not matter to the price.
        expect(diagnostics[0].message).toMatch(
            /^the stack costs up to \$[\d,.]+ a month at maximum scale, not counting 1 resource\(s\) whose price is not known, over the budget of \$500\.00 \(maxMonthlyUsd\)\. Largest:\n {2}- gpu \(aws:eks\/nodeGroup:NodeGroup\): \$[\d,.]+: 1-2 x g6\.xlarge \(1 x NVIDIA L4\) on-demand at \$[\d.]+\/h in us-west-2 /,
        );
        expect(diagnostics[1].message).toBe(
            "the monthly cost of this resource at maximum scale is not known, so the stack budget of $500.00 (maxMonthlyUsd) leaves it out (never as $0): instanceTypes[0] is not known until deployment (an Output)",
        );
        expect(diagnostics[2].message).toBe(
            'non-production (stack "ml-dev" matches stackPattern): gpu keeps 1 node(s) with GPUs running (scalingConfig 1-2 node(s)); scale to zero: scalingConfig.minSize: 0',
        );
        expect(diagnostics[3].message).toBe("cannot check scale to zero and spot during preview: instanceTypes[0] is not known until deployment (an Output)");
    });

    it("checks a resource before it is created, with a note for an image not known until another resource is built", async () => {
        const deployment = "kubernetes:apps/v1:Deployment";
        const diagnostics = await pack.analyze({
            type: deployment,
            name: "api",
            urn: urn(deployment, "api"),
            props: { metadata: { labels: { team: "ml", "cost-center": "42" } }, spec: { template: { spec: { containers: [{ name: "api", image: UNKNOWN_STRING }] } } } },
        });
        expect(diagnostics).toEqual([
            {
                policy: "image-digest",
                level: "advisory",
                urn: "",
                message: "cannot check the image references during preview: spec.template.spec.containers[0].image is not known until deployment (an Output)",
            },
        ]);
    });

    it("fails the check with a clear error for bad policy config", async () => {
        await pack.configure({ "gpu-quota": { enforcementLevel: "mandatory", maxGpus: "eight" } });
        await expect(pack.analyzeStack([])).rejects.toThrow('policy "gpu-quota": 1 invalid setting:\n  - maxGpus: received "eight"; expected a whole number >= 0');
    });
});

/**
 * A costed resource type without a pricer, and not known to be free (sdk/cost/free.ts), is unknown with its type
 * named in the basis, never a known $0: through a component's estimate (`costEstimateOutput`, what every component's
 * `estimatedMonthlyCost` is) and through the plan (its items, per-component sums, totals, JSON and text).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costClass, costOf } from "../sdk/cost";
import { costEstimateOutput } from "../sdk/cost/estimate";
import { planCost, type PlanCost } from "../sdk/plan/cost";
import { planJson } from "../sdk/plan/plan-json";
import { renderPlan, styleFor } from "../sdk/plan/render";
import { runProgram, type PlanRun } from "../sdk/plan/run";
import { outputValue, useMockRuntime } from "./harness";

useMockRuntime();

const root = path.resolve(__dirname, "..");
/** A billed type no pricer knows: a third-party provider's GPU cluster. */
const UNPRICED = "acme:index:GpuCluster";
const UNPRICED_BASIS = `${UNPRICED}: no price in the catalog, and not a type known to be free`;
/** A priced type: one g5.xlarge in us-east-1 (aws_ec2_gpu_prices.csv: $1.006/h x 730 h = $734.38). */
const PRICED = { type: "aws:ec2/instance:Instance", inputs: { instanceType: "g5.xlarge" } };

describe("an unpriced type in a component's estimate", () => {
    it("is unknown by the cost model's rule, with its type named", () => {
        expect(costClass({ type: UNPRICED })).toEqual({ kind: "unknown", reason: UNPRICED_BASIS });
        expect(costOf({ urn: "u", type: UNPRICED, name: "gpus", inputs: { nodes: 4 } })).toEqual({
            item: { urn: "u", type: UNPRICED, monthly: { min: null, max: null }, basis: `unknown: ${UNPRICED_BASIS}` },
        });
    });

    it("makes the estimate unknown, never $0, alone or beside a priced resource", async () => {
        const alone = await outputValue(costEstimateOutput([{ urn: "gpus", type: UNPRICED, name: "gpus", inputs: {} }]));
        expect(alone).toEqual({ knownMin: 0, knownMax: 0, known: false, basis: [`unknown: ${UNPRICED_BASIS}`] });

        const mixed = await outputValue(
            costEstimateOutput([
                { urn: "vm", name: "vm", ...PRICED },
                { urn: "gpus", type: UNPRICED, name: "gpus", inputs: {} },
            ]),
        );
        expect(mixed.known).toBe(false);
        expect(mixed.min).toBeUndefined();
        expect(mixed.max).toBeUndefined();
        expect(mixed.basis).toHaveLength(2);
        expect(mixed.basis[1]).toBe(`unknown: ${UNPRICED_BASIS}`);
    });

    it("is unknown also when its inputs are Outputs (the chained path)", async () => {
        const { output } = await import("@pulumi/pulumi");
        const estimate = await outputValue(costEstimateOutput([{ urn: "gpus", type: UNPRICED, name: "gpus", inputs: { nodes: output(4) } }]));
        expect(estimate).toEqual({ knownMin: 0, knownMax: 0, known: false, basis: [`unknown: ${UNPRICED_BASIS}`] });
    });
});

describe("an unpriced type in the plan", () => {
    let dir: string;
    let run: PlanRun;
    let cost: PlanCost;
    beforeAll(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-unpriced-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: unpriced\nruntime: nodejs\n");
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            `import * as pulumi from "@pulumi/pulumi";
class Cluster extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Cluster", name, {});
        new pulumi.CustomResource("${PRICED.type}", \`\${name}-vm\`, ${JSON.stringify(PRICED.inputs)}, { parent: this });
        new pulumi.CustomResource("${UNPRICED}", \`\${name}-gpus\`, { nodes: 4 }, { parent: this });
        new pulumi.CustomResource("aws:iam/role:Role", \`\${name}-role\`, { assumeRolePolicy: "{}" }, { parent: this });
        this.registerOutputs({});
    }
}
new Cluster("train");
new pulumi.CustomResource("${UNPRICED}", "loose-gpus", { nodes: 1 });
`,
        );
        fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
        run = await runProgram({ dir });
        if (run.error) throw run.error;
        cost = planCost(run.resources, run.config);
    }, 60_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("lists it as an unknown item with its type in the basis, and the free type as free", () => {
        const items = Object.fromEntries(cost.report.items.map((i) => [i.urn.split("::").pop(), { monthly: i.monthly, basis: i.basis }]));
        expect(items["train-gpus"]).toEqual({ monthly: { min: null, max: null }, basis: `unknown: ${UNPRICED_BASIS}` });
        expect(items["loose-gpus"]).toEqual({ monthly: { min: null, max: null }, basis: `unknown: ${UNPRICED_BASIS}` });
        expect(items["train-vm"].monthly).toEqual({ min: 734.38, max: 734.38 });
        expect(cost.report.free.map((f) => f.urn.split("::").pop())).toContain("train-role");
    });

    it("keeps it out of the known sums and counts it as unknown, per component and in total", () => {
        const cluster = cost.components.find((c) => c.name === "train");
        expect(cluster).toMatchObject({ type: "test:index:Cluster", depth: 1, min: { known: 734.38, knownItems: 1, unknownItems: 1 }, max: { known: 734.38, knownItems: 1, unknownItems: 1 } });
        expect(cost.outsideComponents.min).toEqual({ known: 0, knownItems: 0, unknownItems: 1 });
        expect(cost.total.max).toEqual({ known: 734.38, knownItems: 1, unknownItems: 2 });
        expect(cost.report.monthly).toEqual({ min: null, max: null });
        expect(cost.report.knownMonthly).toEqual({ min: 734.38, max: 734.38 });
    });

    it("prints it as unknown, never $0, in the JSON and the text", () => {
        const doc = planJson(run, cost, []);
        expect(doc.cost.monthly).toEqual({ min: null, max: null });
        expect(doc.cost.items.filter((i) => i.basis.includes(UNPRICED)).map((i) => i.monthly)).toEqual([
            { min: null, max: null },
            { min: null, max: null },
        ]);
        const text = renderPlan({ run, cost, findings: [], policiesRan: false }, styleFor({}));
        expect(text).toMatch(/^ {2}train \(test:index:Cluster\) +\$734\.38 \+ unknown +\$734\.38 \+ unknown$/m);
        expect(text).toMatch(/^ {2}resources outside components +unknown +unknown$/m);
        // The basis wraps at 100 columns.
        expect(text).toContain(`    train-gpus (${UNPRICED}): unknown: ${UNPRICED}: no price in the catalog,\n      and not a type known to be free\n`);
        expect(text).not.toMatch(/gpus.*\$0\.00/);
    });
});

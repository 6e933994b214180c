/**
 * The offline plan runs the pack: `modelship plan <program> --policy-config FILE` lists the findings and exits 1
 * on a mandatory violation, 0 when only advisory ones remain, 2 for policy config the pack does not accept.
 * The CLI runs as a child process, from source, as in test/plan.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { awsInstance, dollars, lambdaPrices } from "../../sdk/catalog";

const root = path.resolve(__dirname, "..", "..");
const program = path.join("test", "policies", "fixtures", "gpu-stack");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelship-policies-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, config: unknown): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
}

function plan(...args: string[]) {
    const result = spawnSync(process.execPath, [path.join(root, "test/fixtures/cli-from-source.js"), "plan", program, ...args], {
        cwd: root,
        encoding: "utf8",
        // The package's own pack, not a module named by the environment.
        env: { ...process.env, MODELSHIP_POLICY_MODULE: "" },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Four g6.2xlarge nodes, and ten concurrent 2 GB Lambda executions all month (the function's reserved concurrency).
const nodesMax = 4 * awsInstance("g6.2xlarge", "us-east-1").hourly * 730;
const lambdaMax = 10 * 2 * 730 * 3600 * lambdaPrices().gbSecond.x86_64;

// Each case runs a program in a new process: allow for a loaded machine.
describe("modelship plan with the policy pack", { timeout: 120_000 }, () => {
    it("lists every finding, mandatory first, and exits 1 on a mandatory violation", () => {
        const { code, stdout, stderr } = plan("--policy-config", configFile("budget.json", { "stack-budget": { maxMonthlyUsd: 1000 } }));
        expect(stderr).toBe("");
        expect(code).toBe(1);
        const policies = stdout.slice(stdout.indexOf("Policies:"), stdout.indexOf("\nOutputs"));
        expect(policies.split("\n").filter((line) => /^ {2}\S/.test(line))).toEqual([
            "  mandatory  stack-budget  the stack",
            "  mandatory  public-endpoint-auth  embedder-url (aws:lambda/functionUrl:FunctionUrl)",
            // The log group is billed per GB stored and ingested, at a price the catalog lacks: never $0.
            "  advisory  stack-budget  embedder-logs (aws:cloudwatch/logGroup:LogGroup)",
            "  advisory  nonprod-scale-to-zero  l4-gpu-nodes (aws:eks/nodeGroup:NodeGroup)",
            "  advisory  nonprod-scale-to-zero  llm (kubernetes:apps/v1:Deployment)",
            // Its own image names no metrics path: alerts, but nothing scrapes it.
            "  advisory  observability-required  llm (kubernetes:apps/v1:Deployment)",
        ]);
        // Messages are wrapped to the 100-column width: compare them with the line breaks folded back.
        const unwrapped = policies.replace(/\n {6}(?! )/g, " ");
        expect(policies).toContain("Policies: 6 finding(s)\n  mandatory  stack-budget  the stack\n");
        expect(unwrapped).toContain(
            `the stack costs up to ${dollars(nodesMax + lambdaMax)} a month at maximum scale, not counting 1 resource(s) whose price is not known, over the budget of $1,000.00 (maxMonthlyUsd). Largest:`,
        );
        expect(unwrapped).toContain('the function URL has authorizationType "NONE": anyone on the internet can invoke the function; use "AWS_IAM"');
        expect(stdout.split("\n").every((line) => line.length <= 100)).toBe(true);
    });

    it("exits 0 when the policy config leaves only advisory findings, and reports them in --json", () => {
        const config = configFile("advisory.json", {
            "public-endpoint-auth": "advisory",
            "stack-budget": { maxMonthlyUsd: 5000 },
            "nonprod-scale-to-zero": "disabled",
            "observability-required": "disabled",
        });
        const { code, stdout } = plan("--policy-config", config, "--json");
        expect(code).toBe(0);
        const logs = "urn:pulumi:dev::gpu-stack::modelship:index:ModelService$aws:cloudwatch/logGroup:LogGroup::embedder-logs";
        expect(JSON.parse(stdout).policies).toEqual([
            {
                policy: "stack-budget",
                enforcement: "advisory",
                urn: null,
                message: `the stack's cost at maximum scale is unknown: ${dollars(nodesMax + lambdaMax)} a month is known, not counting 1 resource(s) whose price is not known, so the budget of $5,000.00 (maxMonthlyUsd) cannot be confirmed`,
            },
            {
                policy: "stack-budget",
                enforcement: "advisory",
                urn: logs,
                message:
                    "the monthly cost of this resource at maximum scale is not known, so the stack budget of $5,000.00 (maxMonthlyUsd) leaves it out (never as $0): " +
                    "CloudWatch Logs bills ingestion and storage per GB: $0 without log data; at full scale unknown (log volume and prices not in the catalog)",
            },
            {
                policy: "public-endpoint-auth",
                enforcement: "advisory",
                urn: "urn:pulumi:dev::gpu-stack::modelship:index:ModelService$aws:lambda/functionUrl:FunctionUrl::embedder-url",
                message: 'the function URL has authorizationType "NONE": anyone on the internet can invoke the function; use "AWS_IAM"',
            },
        ]);
    });

    it("exits 2 with the pack's message for a setting it does not accept", () => {
        const config = configFile("bad.json", { "gpu-quota": { maxGPUs: 8 } });
        expect(plan("--policy-config", config)).toEqual({
            code: 2,
            stdout: "",
            stderr: 'error: policy "gpu-quota": 1 invalid setting:\n  - maxGPUs: no such setting; expected one of maxGpus, or enforcementLevel\n',
        });
    });
});

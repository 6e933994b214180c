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
            "observability-required:advisory",
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
            // GPU node groups without an alert on the DCGM exporter's metrics (the later one's cannot be checked in preview).
            "observability-required advisory gpu",
            "observability-required advisory later",
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

    it("follows a GCP load balancer's links through the engine's dependencies when their IDs are unknown, and reads ModelGateway's policyView", async () => {
        await pack.configure({});
        const T = (t: string) => `gcp:compute/${t}`;
        const res = (type: string, name: string, props: Record<string, unknown>, dependencies: string[] = [], parent?: string) => ({ type, name, urn: urn(type, name), props, dependencies, parent });
        const policy = res(T("securityPolicy:SecurityPolicy"), "open-armor", {
            name: "open-armor",
            rules: [{ priority: 2147483647, action: "allow", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } }],
        });
        const backend = res(T("backendService:BackendService"), "open-backend", { name: "open-backend", securityPolicy: UNKNOWN_STRING }, [policy.urn]);
        const map = res(T("uRLMap:URLMap"), "map", { name: "map", defaultService: UNKNOWN_STRING }, [backend.urn]);
        const proxy = res(T("targetHttpsProxy:TargetHttpsProxy"), "proxy", { name: "proxy", urlMap: UNKNOWN_STRING }, [map.urn]);
        const rule = res(T("globalForwardingRule:GlobalForwardingRule"), "https", { name: "https", target: UNKNOWN_STRING, loadBalancingScheme: "EXTERNAL_MANAGED" }, [proxy.urn]);
        // A ModelGateway as the engine shows it to a stack policy: its registered outputs, the policyView among them.
        const gateway = res("modelship:index:ModelGateway", "models", {
            url: UNKNOWN_STRING,
            policyView: {
                target: "aws-apigateway",
                timeoutLimit: { seconds: 29, limit: "API Gateway's integration timeout quota, aws.maxIntegrationTimeoutSeconds" },
                routes: [{ name: "fraud", anonymous: false, coldStartSeconds: 120, requestSeconds: 30, timeoutSeconds: 29, timeoutGiven: false, allowShortTimeout: false }],
            },
        });
        const diagnostics = await pack.analyzeStack([rule, proxy, map, backend, policy, gateway]);
        expect(diagnostics.map((d) => `${d.policy} ${d.level} ${d.urn.split("::").pop()}`)).toEqual(["public-endpoint-auth mandatory https", "gateway-timeout advisory models"]);
        expect(diagnostics[0].message).toContain('backend service(s) open-backend (Cloud Armor policy open-armor admits everyone: its default rule (priority 2147483647) is "allow"; no IAP)');
        expect(diagnostics[1].message).toBe(
            'route "fraud" of ModelGateway "models" times out after 29 s (the default, capped at API Gateway\'s integration timeout quota, aws.maxIntegrationTimeoutSeconds), ' +
                "below the 150 s a request needs when the backend is cold (cold-start budget 120 s + request 30 s): requests that arrive while the backend is at zero are answered 504; " +
                "raise the limit (a Service Quotas increase, then aws.maxIntegrationTimeoutSeconds), keep a replica of the backend warm (its minimum replicas at 1 or more, then coldStartSeconds 0), or accept it with allowShortTimeout: true",
        );
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

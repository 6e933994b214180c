/**
 * Every example is a Pulumi project a user copies: each must plan cleanly offline, build its modelship
 * components, produce only Kubernetes objects that validate against their upstream schemas, and pass the policy pack
 * without a finding (advisory or mandatory), with the pack's default caps and the example's own `policy-config.json`
 * where it has one: an example must not trip its own product's advice.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../policies/evaluate";
import { readPolicyConfig } from "../sdk/plan/policies";
import { runProgram } from "../sdk/plan/run";
import { validateKubernetesObjects } from "./kubernetes-schemas";
import { podSecurityViolations, writableRootContainers } from "./pod-security";

const root = path.join(__dirname, "..");
const examples = fs
    .readdirSync(path.join(root, "examples"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, "examples", entry.name, "Pulumi.yaml")))
    .map((entry) => entry.name);

/**
 * Containers of each example whose image writes outside its mounted volumes, so that their root filesystem stays writable.
 * The GPU pools' DCGM exporter: upstream leaves its root writable without saying which paths DCGM writes
 * (components/gpu-pool/observability/dcgm-exporter.ts).
 */
const WRITABLE_ROOT: Readonly<Record<string, string[]>> = {
    "byo-cluster-pool": ["DaemonSet/dgx-dcgm-exporter dcgm-exporter"],
    "eks-gpu-pool": ["DaemonSet/l4-dcgm-exporter dcgm-exporter"],
    "eks-karpenter-pool": ["DaemonSet/coder-dcgm-exporter dcgm-exporter"],
    "gke-l4-pool": ["DaemonSet/l4-dcgm-exporter dcgm-exporter"],
};

describe("examples", { timeout: 120_000 }, () => {
    it("has one example per target and component", () => {
        expect(examples).toEqual(
            expect.arrayContaining([
                "quickstart",
                "docker-queue",
                "kubernetes",
                "kubernetes-hpa",
                "kubernetes-knative-llm",
                "kubernetes-queue-sqs",
                "kubernetes-model-cache",
                "aws-sagemaker",
                "aws-sagemaker-async",
                "aws-lambda",
                "gcp-cloudrun",
                "gcp-cloudrun-queue",
                "gcp-gateway",
                "aws-gateway",
                "eks-gpu-pool",
                "eks-karpenter-pool",
                "gke-l4-pool",
                "byo-cluster-pool",
                "gpu-operator-pool",
                "spike-autoscaler",
                "polyglot-pipeline-docker",
                "polyglot-pipeline-kubernetes",
                "polyglot-pipeline-aws",
                "polyglot-pipeline-gcp",
                "kubernetes-gateway",
                "kubernetes-gateway-jwt",
                "docker-gateway",
            ]),
        );
    });

    for (const name of examples) {
        it(`${name} plans offline with its modelship components and valid Kubernetes objects`, async () => {
            const dir = path.join(root, "examples", name);
            expect(fs.existsSync(path.join(dir, "README.md"))).toBe(true);
            const run = await runProgram({ dir });
            expect(run.error).toBeUndefined();
            expect(run.resources.some((r) => r.type.startsWith("modelship:index:"))).toBe(true);
            validateKubernetesObjects(run.resources);
            // Every pod passes the restricted Pod Security Standard (test/pod-security.ts names the exceptions: the device plugin and the DCGM exporter), and
            // every container's root filesystem is read-only but those listed in WRITABLE_ROOT, with the reason.
            expect(podSecurityViolations(run.resources)).toEqual([]);
            expect(writableRootContainers(run.resources)).toEqual(WRITABLE_ROOT[name] ?? []);
            // Examples import the package as a user's program does, never through relative paths into the source.
            expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).not.toMatch(/from "\.\.\//);
            // Clean under the pack, as `modelship plan <dir> --policy-config <dir>/policy-config.json` runs it.
            const configFile = path.join(dir, "policy-config.json");
            const config = fs.existsSync(configFile) ? readPolicyConfig(configFile) : {};
            expect(evaluatePolicies(run.resources, config, { stack: run.stack, stackConfig: run.config })).toEqual([]);
            // An example with a policy config says in its README why each setting is there.
            if (fs.existsSync(configFile)) expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toContain("policy-config.json");
        });
    }
});

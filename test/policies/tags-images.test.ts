/**
 * cost-tags and image-digest, over modelship components (with the team and cost centre in stack config) and
 * hand-written AWS, GCP, Kubernetes, Docker, Cloud Run, Lambda and SageMaker resources.
 */
import { describe, expect, it } from "vitest";
import { Accelerator, GpuPool, GpuPoolCloud, ModelService, Target } from "../../index";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { useMockRuntime } from "../harness";
import { findingsOf, record, validateResource } from "./helpers";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1", "gcp:project": "acme-ml", "modelship:team": "ml-platform", "modelship:costCenter": "cc-1234" } });

const digest = (repo: string) => `${repo}@sha256:${"a".repeat(64)}`;
const ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder";
const short = (urn: string | undefined) => urn?.split("::").pop();

async function components(extra: { tags?: Record<string, string>; image?: string } = {}) {
    const { resources } = await rt.construct(() => [
        new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"] }, tags: extra.tags }),
        new GpuPool("burst", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws: { clusterName: "ml", subnetIds: ["subnet-0a1"], karpenter: true }, tags: extra.tags }),
        new ModelService("embedder", { model: { image: extra.image ?? digest(ecr) }, target: Target.AwsLambda, tags: extra.tags }),
        new ModelService("llm", { model: { image: digest("registry.example.com/llm") }, resources: { gpu: { accelerator: Accelerator.L4 } }, target: Target.Kubernetes, tags: extra.tags }),
        new ModelService("tts", { model: { image: digest("us-docker.pkg.dev/acme-ml/models/tts") }, target: Target.GcpCloudRun, tags: extra.tags }),
    ]);
    return resources;
}

describe("cost-tags", () => {
    it("passes modelship components when the stack config names the team and cost centre", async () => {
        expect(findingsOf("cost-tags", await components())).toEqual([]);
    });

    it("fails every taggable resource of the components without a required tag, saying where to set it", async () => {
        const resources = await components();
        const findings = findingsOf("cost-tags", resources, { "cost-tags": { required: ["team", "owner"] } });
        const byResource = Object.fromEntries(findings.map((f) => [`${resources.find((r) => r.urn === f.urn)?.type} ${short(f.urn)}`, `${f.enforcement}: ${f.message}`]));
        expect(byResource).toMatchObject({
            "aws:eks/nodeGroup:NodeGroup l4-gpu-nodes": "advisory: missing cost-allocation tag(s) owner (tags, or the AWS provider's defaultTags)",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass burst-node-class": "advisory: missing cost-allocation tag(s) owner (spec.tags, which Karpenter puts on the EC2 instances it launches)",
            "aws:lambda/function:Function embedder-function": "advisory: missing cost-allocation tag(s) owner (tags, or the AWS provider's defaultTags)",
            "kubernetes:apps/v1:Deployment llm": "advisory: missing cost-allocation tag(s) owner (labels of the object or its pod template, as <tag> or modelship.dev/<tag>)",
            "gcp:cloudrunv2/service:Service tts-service": "advisory: missing cost-allocation tag(s) owner (labels, or the GCP provider's defaultLabels)",
        });
        // Only taggable resources: an IAM role policy (no tags input) or a Kubernetes Service (not a workload) is not checked.
        const checkedTypes = new Set(findings.map((f) => resources.find((r) => r.urn === f.urn)?.type));
        expect(checkedTypes.has("aws:iam/rolePolicy:RolePolicy")).toBe(false);
        expect(checkedTypes.has("kubernetes:core/v1:Service")).toBe(false);
        // A component's own tags reach its cloud resources, and its Kubernetes objects as modelship.dev/<tag> labels.
        const owned = findingsOf("cost-tags", await components({ tags: { owner: "ana" } }), { "cost-tags": { required: ["team", "owner"] } });
        expect(owned).toEqual([]);
    });

    it("reads hand-written resources: AWS tags or provider defaultTags, GCP labels or defaultLabels, Kubernetes labels, Karpenter instance tags", async () => {
        const both = { team: "ml", "cost-center": "42" };
        const bucket = (tags?: Record<string, string>) => record("aws:s3/bucket:Bucket", "weights", tags ? { tags } : {});
        const provider = record("pulumi:providers:aws", "tagged", { region: "us-east-1", defaultTags: JSON.stringify({ tags: both }) });
        const viaProvider = record("aws:s3/bucket:Bucket", "logs", {}, { options: { ...bucket().options, provider: `${provider.urn}::tagged-id` } });
        const pool = (resourceLabels?: Record<string, string>) => record("gcp:container/nodePool:NodePool", "l4", { cluster: "ml", nodeConfig: { machineType: "g2-standard-8", resourceLabels } });
        const deployment = (labels: Record<string, string>) =>
            record("kubernetes:apps/v1:Deployment", "api", { metadata: { name: "api" }, spec: { template: { metadata: { labels }, spec: { containers: [] } } } });
        const missing = (tags: string, where: string) => [`missing cost-allocation tag(s) ${tags} (${where})`];
        const aws = "tags, or the AWS provider's defaultTags";
        const k8s = "labels of the object or its pod template, as <tag> or modelship.dev/<tag>";
        const cases: Array<[ResourceRecord, string[]]> = [
            [bucket({ team: "ml" }), missing("cost-center", aws)],
            [bucket({ team: "ml", "cost-center": "" }), missing("cost-center", aws)],
            [bucket(both), []],
            [pool(), missing("team, cost-center", "nodeConfig.resourceLabels, or the GCP provider's defaultLabels")],
            [pool(both), []],
            [deployment({ app: "api" }), missing("team, cost-center", k8s)],
            [deployment({ team: "ml", "modelship.dev/cost-center": "42" }), []],
            [
                record("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gpu", { spec: { role: "node-role", tags: { team: "ml" } } }),
                missing("cost-center", "spec.tags, which Karpenter puts on the EC2 instances it launches"),
            ],
            [record("aws:iam/rolePolicy:RolePolicy", "p", { policy: "{}" }), []],
        ];
        for (const [resource, expected] of cases) {
            expect(findingsOf("cost-tags", [resource]).map((f) => f.message)).toEqual(expected);
            expect(await validateResource("cost-tags", resource)).toEqual(expected.map((message) => ({ message })));
        }
        // The provider's default tags count: an explicit provider in the plan, or the provider the engine passes to the pack.
        expect(findingsOf("cost-tags", [provider, viaProvider])).toEqual([]);
        expect(await validateResource("cost-tags", bucket(), {}, { type: "pulumi:providers:aws", props: { defaultTags: JSON.stringify({ tags: both }) } })).toEqual([]);
        // The default provider's tags and labels come from the stack config (aws:defaultTags, gcp:defaultLabels).
        expect(findingsOf("cost-tags", [bucket(), pool()], {}, "dev", { "aws:defaultTags": JSON.stringify({ tags: both }), "gcp:defaultLabels": JSON.stringify(both) })).toEqual([]);
    });
});

describe("image-digest", () => {
    it("passes components whose images are pinned by digest, and flags a tag as advisory", async () => {
        expect(findingsOf("image-digest", await components())).toEqual([]);
        const resources = await components({ image: `${ecr}:1.4` });
        const fn = resources.find((r) => r.type === "aws:lambda/function:Function");
        expect(findingsOf("image-digest", resources)).toEqual([
            {
                policy: "image-digest",
                enforcement: "advisory",
                urn: fn?.urn,
                message: `imageUri ${ecr}:1.4 is not pinned by digest: a tag can be moved to another image (and model); use ${ecr}@sha256:<digest>`,
            },
        ]);
    });

    it("reads every image of hand-written workloads, containers, Cloud Run, Lambda and SageMaker models", async () => {
        const pinned = digest("registry.example.com/app");
        const notPinned = (path: string, image: string) =>
            `${path} ${image} is not pinned by digest: a tag can be moved to another image (and model); use ${image.replace(/:[^:/]+$/, "")}@sha256:<digest>`;
        const cases: Array<[ResourceRecord, string[]]> = [
            [
                record("kubernetes:apps/v1:Deployment", "api", {
                    spec: { template: { spec: { initContainers: [{ name: "fetch", image: "python:3.12-slim" }], containers: [{ name: "api", image: pinned }] } } },
                }),
                [notPinned("spec.template.spec.initContainers[0].image", "python:3.12-slim")],
            ],
            [
                record("kubernetes:batch/v1:CronJob", "nightly", {
                    spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "j", image: "registry.example.com/job:latest" }] } } } } },
                }),
                [notPinned("spec.jobTemplate.spec.template.spec.containers[0].image", "registry.example.com/job:latest")],
            ],
            [record("docker:index/container:Container", "c", { image: `sha256:${"b".repeat(64)}` }), []],
            [record("docker:index/container:Container", "c", { image: "nginx:1.27" }), [notPinned("image", "nginx:1.27")]],
            [record("docker:index/remoteImage:RemoteImage", "i", { name: "localhost:5000/llm:dev" }), [notPinned("name", "localhost:5000/llm:dev")]],
            [
                record("gcp:cloudrunv2/service:Service", "s", { template: { containers: [{ image: "us-docker.pkg.dev/p/r/s:v2" }] } }),
                [notPinned("template.containers[0].image", "us-docker.pkg.dev/p/r/s:v2")],
            ],
            [record("aws:lambda/function:Function", "f", { packageType: "Zip", runtime: "python3.12" }), []],
            [record("aws:sagemaker/model:Model", "m", { primaryContainer: { image: `${ecr}:v1` }, containers: [{ image: pinned }] }), [notPinned("primaryContainer.image", `${ecr}:v1`)]],
        ];
        for (const [resource, expected] of cases) {
            expect(findingsOf("image-digest", [resource]).map((f) => f.message)).toEqual(expected);
            expect(await validateResource("image-digest", resource)).toEqual(expected.map((message) => ({ message })));
        }
    });

    it("skips images under an exempt prefix", () => {
        const container = record("docker:index/container:Container", "c", { image: "registry.internal/immutable/app:7" });
        expect(findingsOf("image-digest", [container], { "image-digest": { exempt: ["registry.internal/immutable/"] } })).toEqual([]);
        expect(findingsOf("image-digest", [container], { "image-digest": { exempt: ["registry.internal/other/"] } })).toHaveLength(1);
    });
});

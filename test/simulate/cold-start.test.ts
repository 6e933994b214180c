/**
 * The cold start read from the stack (simulate/cold-start.ts): each feature's effect on the three parts and where
 * each part came from, the flags over them, the service matched to the pool that places it, the warm headroom in
 * the simulation (nodes kept free, refilled, in windows on the trace's clock), and `modelship simulate`'s lines and
 * JSON for a program with a pool.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../cli-helpers";
import { familyMain } from "../../bench/simulate-family";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import { NodeProvisioning } from "../../sdk/catalog/cold-start";
import { ServingRuntime } from "../../sdk/catalog/runtimes";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { headroomOnClock, resolveColdStart } from "../../simulate/cold-start";
import { ColdStartFeatures, coldStartFeatures, imageRepository, PoolFeatures, streamable } from "../../simulate/cold-start-stack";
import { simulatePolicy } from "../../simulate/model";
import { hpaPolicy, ScalingSpec } from "../../simulate/policies";
import { ServiceModel } from "../../simulate/service";
import { serviceModel } from "../../simulate/simulate";
import { parsePrewarmWindow } from "../../components/spike-autoscaler/cron";

const VLLM = "vllm/vllm-openai:v0.8.5";
const pool = (over: Partial<PoolFeatures> = {}): PoolFeatures => ({
    name: "l4",
    provisioning: NodeProvisioning.EksNodeGroup,
    streaming: false,
    diskImage: false,
    snapshot: false,
    prePullImages: [],
    ...over,
});
const features = (over: Partial<ColdStartFeatures> = {}): ColdStartFeatures => ({
    pool: pool(),
    image: VLLM,
    runtime: ServingRuntime.Vllm,
    cache: "none",
    loadMode: "download",
    uriScheme: "hf",
    ...over,
});

describe("the cold start of a stack without any feature", () => {
    it("is the documented default, 120 + 334 + 60 s, and says so", () => {
        const r = resolveColdStart(undefined, 1);
        expect([r.coldStart, r.warmLoadSeconds, r.headroom]).toEqual([{ nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 }, 60, undefined]);
        expect(r.sources.node).toMatch(/^default: ~45 s at best, often 2-10 min \(kserve#1247/);
        expect(resolveColdStart(features({ pool: undefined }), 1).sources.node).toMatch(/^no GpuPool in the stack places it; default: ~45 s at best/);
        expect(r.sources.pull).toBe("uncached pull of image size unknown: the measured one, 334 s for a 9.5 GB PyTorch image uncached (terraform-aws-eks-blueprints ml-container-cache)");
        expect(r.sources.load).toBe("default: ~1 min+ for 1 GB through KServe's storage initializer (kserve#2529)");
    });

    it("on a pool without image cache, headroom or model size: the same numbers, from the pool", () => {
        const r = resolveColdStart(features(), 1);
        expect(r.coldStart).toEqual({ nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60 });
        expect(r.sources.node).toMatch(/^pool l4: EKS managed node group: /);
        expect(r.sources.load).toMatch(/give model.sizeGiB to derive it$/);
    });

    it("a CPU replica keeps the CPU defaults whatever the stack says", () => {
        expect(resolveColdStart(features({ sizeGiB: 15 }), 0).coldStart).toEqual({ nodeSeconds: 0, pullSeconds: 35, loadSeconds: 60 });
        expect(resolveColdStart(undefined, 0, { pullSeconds: 5 }).sources).toMatchObject({ pull: "flag --pull-seconds", node: "CPU default (docs/simulate.md)" });
        // --image-gib sizes a CPU image at the same measured rate (2 GiB: 76 s).
        expect(resolveColdStart(undefined, 0, { imageGiB: 2 })).toMatchObject({ coldStart: { pullSeconds: 76 }, sources: { pull: "uncached pull of a 2 GiB image (flag --image-gib)" } });
    });
});

describe("each feature", () => {
    it("node: Karpenter starts a node in about a minute; GKE and your own cluster keep 120 s", () => {
        expect(resolveColdStart(features({ pool: pool({ provisioning: NodeProvisioning.Karpenter }) }), 1).coldStart.nodeSeconds).toBe(60);
        expect(resolveColdStart(features({ pool: pool({ provisioning: NodeProvisioning.GkeNodePool }) }), 1).coldStart.nodeSeconds).toBe(120);
        expect(resolveColdStart(features({ pool: pool({ provisioning: NodeProvisioning.Kubernetes }) }), 1).sources.node).toMatch(/^pool l4: your own cluster: /);
    });

    it("pull: an EBS snapshot or a GKE secondary boot disk holds the image (5 s); GKE streaming streams Docker Hub images only", () => {
        expect(resolveColdStart(features({ pool: pool({ snapshot: true }) }), 1).coldStart.pullSeconds).toBe(5);
        const disk = resolveColdStart(features({ pool: pool({ diskImage: true, provisioning: NodeProvisioning.GkeNodePool }) }), 1);
        expect([disk.coldStart.pullSeconds, disk.sources.pull]).toEqual([5, expect.stringMatching(/^pool l4 image cache, GKE secondary boot disk: < 5 s/)]);
        // 334 s x 20 / 230 (a deep-learning image streamed in 20 s instead of 3 min 50 s).
        const streamed = resolveColdStart(features({ pool: pool({ streaming: true, provisioning: NodeProvisioning.GkeNodePool }) }), 1);
        expect([streamed.coldStart.pullSeconds, streamed.sources.pull]).toEqual([29, expect.stringMatching(/^pool l4 GKE image streaming: 8.7% of the 334 s pull/)]);
        const tgi = resolveColdStart(features({ image: "ghcr.io/huggingface/text-generation-inference:3.0.1", pool: pool({ streaming: true }) }), 1);
        expect([tgi.coldStart.pullSeconds, tgi.sources.pull]).toEqual([334, expect.stringContaining("is not in Artifact Registry or on Docker Hub: GKE cannot stream it")]);
        expect([streamable(VLLM), streamable("us-docker.pkg.dev/p/r/vllm:1"), streamable("nvcr.io/nvidia/tritonserver:24.12-py3"), streamable("docker.io/library/x")]).toEqual([
            true,
            true,
            false,
            true,
        ]);
    });

    it("pull: --image-gib sizes the image at the measured rate (9.5 GB in 334 s)", () => {
        const r = resolveColdStart(features(), 1, { imageGiB: 19 });
        expect(r.coldStart.pullSeconds).toBe(Math.round((19 * 1.073741824 * 334) / 9.5)); // 717 s
        expect(r.sources.pull).toBe("uncached pull of a 19 GiB image (flag --image-gib)");
    });

    it("load: from model.sizeGiB, downloaded, cached per node or per cluster, streamed, or in the image", () => {
        // 15 GiB = 16.1 GB: download at 15 GB / 28.24 s (30.3 s), read into GPU memory at 15 GB / 47.99 s (51.5 s), 18.3 s of server start.
        const download = resolveColdStart(features({ sizeGiB: 15 }), 1);
        expect([download.coldStart.loadSeconds, download.warmLoadSeconds]).toEqual([100, 100]);
        expect(download.sources.load).toMatch(
            /^model.sizeGiB 15, downloaded into each pod: 30.3 s download \(S3 to one node, 4 readers: 15 GB in 28.24 s .*\+ 51.5 s read into GPU memory .* \+ 18.3 s server start/,
        );
        // Per node: the first replica on a node downloads, the next one on that node reads the local disk.
        const node = resolveColdStart(features({ sizeGiB: 15, cache: "node" }), 1);
        expect([node.coldStart.loadSeconds, node.warmLoadSeconds]).toEqual([100, 70]);
        expect(node.sources.warmLoad).toMatch(/^model.sizeGiB 15, cached per node, on a node that ran it: 51.5 s read into GPU memory/);
        // Per cluster: EFS gives one client 500 MiB/s, more than the loader reads (0.31 GB/s): the loader binds.
        const cluster = resolveColdStart(features({ sizeGiB: 15, cache: "cluster" }), 1);
        expect([cluster.coldStart.loadSeconds, cluster.warmLoadSeconds, cluster.sources.load]).toEqual([70, 70, expect.stringContaining("the loader binds, below EFS 500 MiB/s per client")]);
        // Streamed from s3:// at 15 GB / 4.88 s (5.2 s), then the server start.
        expect(resolveColdStart(features({ sizeGiB: 15, loadMode: "stream", uriScheme: "s3" }), 1).coldStart.loadSeconds).toBe(24);
        // Streaming needs s3:// (the pinned vLLM streams from it only): an hf:// model is downloaded.
        expect(resolveColdStart(features({ sizeGiB: 15, loadMode: "stream", uriScheme: "hf" }), 1).coldStart.loadSeconds).toBe(100);
        // Weights in the image (no uri): read from the node's disk.
        expect(resolveColdStart(features({ sizeGiB: 15, uriScheme: undefined }), 1).coldStart.loadSeconds).toBe(70);
    });

    it("the flags override each part and say so; the others still come from the stack", () => {
        const r = resolveColdStart(features({ sizeGiB: 15, cache: "node", pool: pool({ snapshot: true }) }), 1, { nodeSeconds: 45, loadSeconds: 20 });
        expect([r.coldStart, r.warmLoadSeconds]).toEqual([{ nodeSeconds: 45, pullSeconds: 5, loadSeconds: 20 }, 20]);
        expect([r.sources.node, r.sources.load, r.sources.warmLoad]).toEqual(["flag --node-seconds", "flag --load-seconds", "flag --load-seconds"]);
        expect(resolveColdStart(features({ pool: pool({ snapshot: true }) }), 1, { pullSeconds: 0 }).sources.pull).toBe("flag --pull-seconds");
    });

    it("headroom: replicas that fit in the GPUs kept free, pre-pulled or not, always or in windows", () => {
        const kept = resolveColdStart(features({ pool: pool({ headroom: { gpus: 3, windows: [] }, prePullImages: ["vllm/vllm-openai:v0.8.5@sha256:abc"] }) }), 2);
        expect(kept.headroom).toEqual({ gpus: 3, replicas: 1, prePulled: true, windows: [] });
        expect(kept.sources.headroom).toBe(
            "pool l4 keeps 3 GPUs free always: 1 replica skips the node start, the image pre-pulled on it (prePullImages); refilled one node start later (cluster-overprovisioner pattern)",
        );
        const tooFew = resolveColdStart(features({ pool: pool({ headroom: { gpus: 1, windows: [] } }) }), 2);
        expect([tooFew.headroom, tooFew.sources.headroom]).toEqual([undefined, expect.stringContaining("too few for one replica of 2 GPUs")]);
        expect(imageRepository("registry.example.com:5000/team/llm:1.2@sha256:abc")).toBe("registry.example.com:5000/team/llm");
    });
});

/** A plan record, as the recorder keeps it. */
function record(type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): ResourceRecord {
    return {
        urn: `urn:pulumi:dev::p::${type}::${name}`,
        type,
        name,
        custom: false,
        inputs,
        secretInputs: [],
        outputs,
        options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependencies: [] },
    };
}
const POOL = "modelship:index:GpuPool";
const SERVICE = "modelship:index:ModelService";
const onPool = (name: string, nodeSelector: Record<string, string>, model: Record<string, unknown> = {}) =>
    record(SERVICE, name, { target: "kubernetes", model: { uri: "s3://models/qwen", runtime: "vllm", ...model }, kubernetes: { nodeSelector } });

describe("the service matched to the pool that places it", () => {
    const resources = [
        record(POOL, "l4", {
            cloud: "aws",
            aws: { karpenter: true },
            imageCache: { snapshotId: "snap-0123456789abcdef0", prePullImages: [VLLM] },
            headroom: { gpus: 2, windows: [{ schedule: "0 8 * * 1-5", durationMinutes: 120 }] },
        }),
        record(POOL, "g2", { cloud: "gcp" }),
        record(POOL, "byo", { cloud: "kubernetes", kubernetes: { nodeSelector: { "nvidia.com/gpu.present": "true" } } }),
        onPool("on-l4", { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" }, { sizeGiB: 15, cache: { mode: "node" }, loadMode: "stream" }),
        onPool("on-g2", { "modelship.dev/pool": "g2" }, { serverImage: "ghcr.io/org/server:1" }),
        onPool("on-byo", { "nvidia.com/gpu.present": "true" }),
        onPool("elsewhere", { "modelship.dev/pool": "other" }),
        record(SERVICE, "on-sagemaker", { target: "aws-sagemaker", model: { uri: "s3://m", runtime: "vllm" } }),
    ];
    const featuresOf = (name: string) => coldStartFeatures(resources, `urn:pulumi:dev::p::${SERVICE}::${name}`);

    it("by the pool label of an aws or gcp pool, with the pool's image cache, headroom and the model's size, cache and load mode", () => {
        const f = featuresOf("on-l4");
        expect(f).toMatchObject({ image: VLLM, runtime: "vllm", cache: "node", loadMode: "stream", sizeGiB: 15, uriScheme: "s3" });
        expect(f?.pool).toMatchObject({ name: "l4", provisioning: NodeProvisioning.Karpenter, snapshot: true, streaming: false, prePullImages: [VLLM], headroom: { gpus: 2 } });
        expect(f?.pool?.headroom?.windows.map((w) => [w.expression, w.timezone, w.durationMinutes])).toEqual([["0 8 * * 1-5", "UTC", 120]]);
        // On gcp image streaming is on unless turned off; the server image is the one given.
        expect(featuresOf("on-g2")).toMatchObject({ image: "ghcr.io/org/server:1", pool: { name: "g2", provisioning: NodeProvisioning.GkeNodePool, streaming: true } });
    });

    it("by the node labels of your own cluster's pool; none for a selector no pool carries, nothing off Kubernetes", () => {
        expect(featuresOf("on-byo")?.pool).toMatchObject({ name: "byo", provisioning: NodeProvisioning.Kubernetes });
        expect(featuresOf("elsewhere")).toMatchObject({ pool: undefined, cache: "none", loadMode: "download" });
        expect(featuresOf("on-sagemaker")).toBeUndefined();
    });

    it("by the placement a pool recorded, when it did", () => {
        const recorded = [record(POOL, "x", { cloud: "aws" }, { placement: { nodeSelector: { team: "a" } } }), onPool("s", { team: "a" })];
        expect(coldStartFeatures(recorded, `urn:pulumi:dev::p::${SERVICE}::s`)?.pool?.name).toBe("x");
    });
});

describe("warm headroom in the simulation", () => {
    const spec: ScalingSpec = {
        metric: ScalingMetric.InFlightRequests,
        metricTarget: 4,
        min: 1,
        max: 50,
        specMax: 50,
        scaleDownDelaySeconds: 600,
        maxQueuedPerRunning: 8,
        scaleToZeroAfterSeconds: 600,
        burstMultiplier: 2,
        prewarm: [],
    };
    const model = (over: Partial<ServiceModel> = {}): ServiceModel => ({
        concurrency: 6,
        serviceSeconds: 2,
        timeoutSeconds: 300,
        coldStart: { nodeSeconds: 100, pullSeconds: 30, loadSeconds: 20 },
        nodeIdleSeconds: 600,
        gpusPerReplica: 1,
        hourlyUsd: 1,
        ...over,
    });
    // 10 requests a second (5 replicas at 4 in flight each), then 20 from second 600 (10 replicas).
    const step = Float64Array.from({ length: 1800 }, (_, t) => (t < 600 ? 10 : 20));
    /** The seconds from the first decision above 5 replicas to each of the new replicas being ready. */
    function delays(m: ServiceModel): number[] {
        const run = simulatePolicy(step, m, hpaPolicy(spec, m));
        const asked = run.replicas.findIndex((r) => r > 5);
        const out: number[] = [];
        for (let n = 6; n <= run.replicas[asked]; n++) out.push(run.ready.findIndex((r, t) => t >= asked && r >= n) - asked);
        return out;
    }

    it("a replica that fits in the headroom skips the node start (and the pull when pre-pulled); the others wait for a node", () => {
        // The first decision asks for 3 more (30 in flight at 4 each: 8).
        expect(delays(model())).toEqual([150, 150, 150]);
        const headroom = { gpus: 2, replicas: 2, windows: [] };
        expect(delays(model({ headroom: { ...headroom, prePulled: true } }))).toEqual([20, 20, 150]);
        expect(delays(model({ headroom: { ...headroom, prePulled: false } }))).toEqual([50, 50, 150]);
    });

    it("on a freed node the model load is the node cache's, and the headroom's GPUs are billed while kept", () => {
        // On a calm trace (the same replicas either way): 2 GPUs for the half hour.
        const calm = new Float64Array(1800).fill(10);
        const plain = simulatePolicy(calm, model(), hpaPolicy(spec, model()));
        const kept = simulatePolicy(calm, model({ headroom: { gpus: 2, replicas: 2, prePulled: true, windows: [] } }), hpaPolicy(spec, model()));
        expect(kept.gpuHours - plain.gpuHours).toBeCloseTo(1, 9);
        // Down then up again within the idle time: the replica comes back on its freed node after the warm load.
        const dip = Float64Array.from({ length: 2400 }, (_, t) => (t >= 600 && t < 1200 ? 10 : 20));
        const warm = model({ warmLoadSeconds: 7 });
        const run = simulatePolicy(dip, warm, hpaPolicy({ ...spec, scaleDownDelaySeconds: 60 }, warm));
        const low = run.replicas[1199];
        expect(low).toBeLessThan(run.replicas[599]);
        const back = run.replicas.findIndex((r, t) => t >= 1200 && r > low);
        expect([run.ready[back + 6], run.ready[back + 7]]).toEqual([low, run.replicas[back]]);
    });

    it("windows on the trace's clock: kept (and billed) only inside them, the nodes brought up as a window opens", () => {
        const window = parsePrewarmWindow({ schedule: "0 8 * * 1-5", durationMinutes: 60 }, "w").schedule;
        expect(window).toBeDefined();
        // The trace starts Monday 07:00 UTC: the window is minutes 60-119.
        const h = headroomOnClock({ gpus: 2, replicas: 2, prePulled: true, windows: [window!] }, new Date("2026-01-05T07:00:00Z"), 3 * 3600);
        expect([h.byMinute?.[59], h.byMinute?.[60], h.byMinute?.[119], h.byMinute?.[120]]).toEqual([0, 1, 1, 0]);
        const calm = new Float64Array(3 * 3600).fill(10);
        const plain = simulatePolicy(calm, model(), hpaPolicy(spec, model()));
        const kept = simulatePolicy(calm, model({ headroom: h }), hpaPolicy(spec, model()));
        expect(kept.gpuHours - plain.gpuHours).toBeCloseTo(2, 6);
        // A step inside the window lands on nodes brought up when it opened (second 3600 + 100).
        const stepAt = (from: number) => Float64Array.from({ length: 3 * 3600 }, (_, t) => (t < from ? 10 : 20));
        const inside = simulatePolicy(stepAt(4000), model({ headroom: h }), hpaPolicy(spec, model()));
        const asked = inside.replicas.findIndex((r, t) => t >= 4000 && r > 5);
        expect(inside.ready[asked + 20]).toBe(7);
        // Outside it, a node start.
        const outside = simulatePolicy(stepAt(8000), model({ headroom: h }), hpaPolicy(spec, model()));
        const later = outside.replicas.findIndex((r, t) => t >= 8000 && r > 5);
        expect([outside.ready[later + 149], outside.ready[later + 150]]).toEqual([5, 10]);
    });
});

describe("serviceModel", () => {
    it("takes the cold start from the service's features, the flags over them, and the headroom on the trace's clock", () => {
        const spec = { price: { monthly: 730, priced: true }, metric: ScalingMetric.InFlightRequests, metricTarget: 4 } as never;
        const f = features({ sizeGiB: 15, cache: "node", pool: pool({ provisioning: NodeProvisioning.Karpenter, snapshot: true, headroom: { gpus: 1, windows: [] } }) });
        const m = serviceModel({ spec, gpusPerReplica: 1, coldStart: f }, { coldStart: { nodeSeconds: 90 } });
        expect([m.coldStart, m.warmLoadSeconds, m.headroom?.replicas, m.coldStartSources?.node]).toEqual([{ nodeSeconds: 90, pullSeconds: 5, loadSeconds: 100 }, 70, 1, "flag --node-seconds"]);
    });
});

// Programs written by the tests live inside the repository, where `modelship` resolves to this source (sdk/plan/loader.ts).
const root = path.resolve(__dirname, "../..");
const tmp = fs.mkdtempSync(path.join(root, "test", ".tmp-cold-start-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("modelship simulate with a pool in the stack", () => {
    const dir = path.join(tmp, "program");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: cold-start\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    fs.writeFileSync(
        path.join(dir, "index.ts"),
        `import { Accelerator, GpuPool, GpuPoolCloud, ModelService, ServingRuntime, Target } from "modelship";
const pool = new GpuPool("l4", {
    cloud: GpuPoolCloud.Aws,
    accelerator: Accelerator.L4,
    maxNodes: 20,
    aws: { clusterName: "ml", subnetIds: ["subnet-0123456789abcdef0"], karpenter: true },
});
new ModelService("llm", {
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { cpu: 8, memoryGiB: 32, gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 1, maxReplicas: 10, autoscaling: {} },
    kubernetes: { namespace: "ml", nodeSelector: pool.placement.nodeSelector, tolerations: pool.placement.tolerations, autoscaler: { prometheusUrl: "http://prometheus-operated.monitoring.svc:9090" } },
    target: Target.Kubernetes,
});
`,
    );
    const trace = path.join(tmp, "trace.csv");
    fs.writeFileSync(trace, ["second,requests", ...Array.from({ length: 600 }, (_, t) => `${t},${t < 300 ? 2 : 8}`)].join("\n") + "\n");

    it("prints the cold start it used and where each part came from", async () => {
        const { code, stdout, stderr } = await cliInProcess(["simulate", dir, "--trace", trace]);
        expect([code, stderr]).toEqual([0, ""]);
        expect(stdout).toContain("cold start 60 + 334 + 60 s (node + image pull + model load)\n    node 60 s: pool l4: Karpenter: about a minute");
        expect(stdout).toContain(
            "\n    image pull 334 s: uncached pull of image size unknown: the measured one, 334 s for a 9.5 GB PyTorch image uncached (terraform-aws-eks-blueprints ml-container-cache)\n",
        );
        expect(stdout).toContain("\n    model load 60 s: default: ~1 min+ for 1 GB through KServe's storage initializer (kserve#2529); give model.sizeGiB to derive it\n\n");
    }, 60_000);

    it("gives them in --json, and the flags say flag", async () => {
        const { code, stdout } = await cliInProcess(["simulate", dir, "--trace", trace, "--json", "--load-seconds", "20", "--image-gib", "19"]);
        expect(code).toBe(0);
        const [service] = JSON.parse(stdout).services;
        expect(service.coldStart).toEqual({
            nodeSeconds: 60,
            pullSeconds: 717,
            loadSeconds: 20,
            warmLoadSeconds: 20,
            headroomGpus: 0,
            sources: {
                node: expect.stringMatching(/^pool l4: Karpenter: /),
                pull: "uncached pull of a 19 GiB image (flag --image-gib)",
                load: "flag --load-seconds",
                warmLoad: "flag --load-seconds",
            },
        });
    }, 60_000);

    it("reads the pool's image cache and headroom and the model's size and cache from a program that sets them", async () => {
        const full = path.join(tmp, "features");
        fs.mkdirSync(full);
        fs.copyFileSync(path.join(dir, "Pulumi.yaml"), path.join(full, "Pulumi.yaml"));
        const source = fs
            .readFileSync(path.join(dir, "index.ts"), "utf8")
            .replace("import { Accelerator,", "import { ModelCacheMode, Accelerator,")
            .replace(
                "karpenter: true },",
                `karpenter: true },
    imageCache: { snapshotId: "snap-0123456789abcdef0", prePullImages: ["vllm/vllm-openai:v0.8.5"] },
    headroom: { gpus: 1, windows: [{ schedule: "0 8 * * 1-5", durationMinutes: 120 }] },`,
            )
            .replace("runtime: ServingRuntime.Vllm }", "runtime: ServingRuntime.Vllm, sizeGiB: 15, cache: { mode: ModelCacheMode.Node } }");
        fs.writeFileSync(path.join(full, "index.ts"), source);
        const { code, stdout, stderr } = await cliInProcess(["simulate", full, "--trace", trace, "--json"]);
        expect([code, stderr]).toEqual([0, ""]);
        const [service] = JSON.parse(stdout).services;
        expect(service.coldStart).toMatchObject({ nodeSeconds: 60, pullSeconds: 5, loadSeconds: 100, warmLoadSeconds: 70, headroomGpus: 1 });
        expect(service.coldStart.sources).toMatchObject({
            pull: expect.stringMatching(/^pool l4 image cache, EBS snapshot: /),
            load: expect.stringMatching(/^model.sizeGiB 15, cached per node \(model.cache.mode node\), first replica on a node: 30.3 s download/),
            headroom:
                "pool l4 keeps 1 GPU free in 1 window (0 8 * * 1-5 UTC, 120 min): 1 replica skips the node start, the image pre-pulled on it (prePullImages); refilled one node start later (cluster-overprovisioner pattern)",
        });
    }, 60_000);

    it("--recommend keeps the stack's cold start: its current figures are the table's own modelship line", async () => {
        const cached = path.join(tmp, "recommend-cached");
        fs.mkdirSync(cached);
        fs.copyFileSync(path.join(dir, "Pulumi.yaml"), path.join(cached, "Pulumi.yaml"));
        const source = fs.readFileSync(path.join(dir, "index.ts"), "utf8").replace("karpenter: true },", `karpenter: true },\n    imageCache: { snapshotId: "snap-0123456789abcdef0" },`);
        fs.writeFileSync(path.join(cached, "index.ts"), source);
        // An hour (recommendations need about one): a quiet half hour, then a burst the 5 s pull lets the loop catch.
        const hour = path.join(tmp, "hour.csv");
        fs.writeFileSync(hour, ["second,requests", ...Array.from({ length: 3600 }, (_, t) => `${t},${t < 1800 ? 1 : 12}`)].join("\n") + "\n");
        const { code, stdout, stderr } = await cliInProcess(["simulate", cached, "--trace", hour, "--json", "--recommend"]);
        expect([code, stderr]).toEqual([0, ""]);
        const [service] = JSON.parse(stdout).services;
        expect(service.coldStart).toMatchObject({ nodeSeconds: 60, pullSeconds: 5 });
        const modelship = service.policies.find((p: { name: string }) => p.name === "modelship");
        expect(service.recommendation.current).toEqual({
            gpuHours: modelship.gpuHours,
            hours: modelship.gpuHours,
            costUsd: modelship.costUsd,
            dropped: modelship.dropped,
            waitP99Seconds: modelship.waitP99Seconds,
        });
    }, 120_000);

    it("refuses an image size that is not a number > 0", async () => {
        const { code, stderr } = await cliInProcess(["simulate", dir, "--trace", trace, "--image-gib", "big"]);
        expect([code, stderr]).toEqual([2, 'error: --image-gib is "big"; expected a number > 0\n']);
    });
});

describe("the spike family with each cold-start feature (simulate:family --features)", () => {
    it("runs every variant against the plain defaults, each resolved as modelship simulate resolves a stack", async () => {
        let stdout = "";
        const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } } as never;
        expect(await familyMain(["--features", "--json", "--shape", "0830-1.08M-in-15m-ramp-1m"], io)).toBe(0);
        const doc = JSON.parse(stdout);
        const byName = Object.fromEntries(doc.variants.map((v: { name: string }) => [v.name, v]));
        expect(doc.variants[0]).toMatchObject({ name: "plain defaults (no feature)", coldStart: { nodeSeconds: 120, pullSeconds: 334, loadSeconds: 60, warmSeconds: 60, headroomSeconds: null } });
        expect(byName["image cache + model cache per node + headroom 1 node (issue 15's goal)"].coldStart).toEqual({
            nodeSeconds: 120,
            pullSeconds: 5,
            loadSeconds: 100,
            warmSeconds: 70,
            headroomSeconds: 100,
        });
        expect(byName["all: Karpenter, image cache, streamed, headroom 10 nodes"].coldStart).toEqual({ nodeSeconds: 60, pullSeconds: 5, loadSeconds: 24, warmSeconds: 24, headroomSeconds: 24 });
        // The morning spike: the plain defaults drop requests with the default cold start, none with the image cached.
        expect(doc.variants[0].morning.dropped).toBeGreaterThan(100_000);
        expect(byName["image cache (EBS snapshot)"].morning.dropped).toBe(0);
    }, 60_000);
});

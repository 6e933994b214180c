/**
 * The serving runtimes table (sdk/catalog/runtimes): the facts each server entry states, the queries SpikeAutoscaler
 * builds from its metric names, what it writes (read-only root), and AWS's SageMaker containers. Expected values are
 * those of the servers' documentation quoted in the table's comments.
 */
import { describe, expect, it } from "vitest";
import { SAGEMAKER_CONTAINERS } from "../components/model-service/targets/aws/sagemaker-images";
import { ScalingMetric } from "../components/spike-autoscaler/args";
import { presetQuery, readsPodMetrics } from "../components/spike-autoscaler/queries";
import { ServingRuntime as PublicServingRuntime } from "../index";
import { MODEL_MOUNT_PATH, RuntimeEntry, runtimeEntry, runtimesWhere, SERVING_RUNTIMES, ServingRuntime } from "../sdk/catalog/runtimes";

// @ts-expect-error: a table that leaves out a runtime does not compile, so a new enum member needs its entry.
const incomplete: Record<ServingRuntime, RuntimeEntry> = { [ServingRuntime.Vllm]: SERVING_RUNTIMES[ServingRuntime.Vllm] };

const SERVERS = [ServingRuntime.Triton, ServingRuntime.Vllm, ServingRuntime.TorchServe, ServingRuntime.Tgi];

describe("the serving runtimes table", () => {
    it("has one entry per runtime, and the public enum is the table's", () => {
        expect(Object.keys(SERVING_RUNTIMES)).toEqual(Object.values(ServingRuntime));
        expect(PublicServingRuntime).toBe(ServingRuntime);
        expect(Object.keys(incomplete)).toEqual(["vllm"]);
        for (const runtime of Object.values(ServingRuntime)) expect(runtimeEntry(runtime)).toBe(SERVING_RUNTIMES[runtime]);
    });

    it("states each server's ports, health and metrics paths", () => {
        const facts = Object.fromEntries(
            Object.values(ServingRuntime).map((r) => {
                const { port, readinessPath, livenessPath, metricsPath, metricsPort, command } = runtimeEntry(r);
                return [r, { port, readinessPath, livenessPath, metricsPath, metricsPort, command }];
            }),
        );
        expect(facts).toEqual({
            triton: { port: 8000, readinessPath: "/v2/health/ready", livenessPath: "/v2/health/live", metricsPath: "/metrics", metricsPort: 8002, command: ["tritonserver"] },
            vllm: { port: 8000, readinessPath: "/health", livenessPath: "/health", metricsPath: "/metrics", metricsPort: undefined, command: undefined },
            torchserve: { port: 8080, readinessPath: "/ping", livenessPath: "/ping", metricsPath: "/metrics", metricsPort: 8082, command: ["torchserve"] },
            tgi: { port: 8080, readinessPath: "/health", livenessPath: "/health", metricsPath: "/metrics", metricsPort: undefined, command: undefined },
            custom: { port: 8080, readinessPath: "/", livenessPath: "/", metricsPath: undefined, metricsPort: undefined, command: undefined },
        });
    });

    it("pins every server image to a release, and leaves custom's to the user", () => {
        for (const r of SERVERS) {
            const image = runtimeEntry(r).image;
            expect(image, r).toMatch(/^[a-z0-9.-]+(\/[a-z0-9._-]+)+:v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$/);
            expect(image, r).not.toMatch(/:latest/);
        }
        expect(runtimeEntry(ServingRuntime.Custom).image).toBe("");
    });

    it("points each server at the model directory, on the port it states", () => {
        expect(Object.fromEntries(Object.values(ServingRuntime).map((r) => [r, runtimeEntry(r).modelArgs(MODEL_MOUNT_PATH)]))).toEqual({
            triton: ["--model-repository=/models", "--http-port=8000", "--metrics-port=8002"],
            vllm: ["--model", "/models", "--port", "8000"],
            torchserve: ["--start", "--foreground", "--disable-token-auth", "--ts-config", "/home/model-server/config.properties", "--model-store", "/models", "--models", "all"],
            tgi: ["--model-id", "/models", "--port", "8080"],
            custom: [],
        });
        // vLLM answers only the names it serves; the others take none.
        expect(runtimesWhere((e) => e.servedNameArgs !== undefined)).toEqual([ServingRuntime.Vllm]);
        expect(runtimeEntry(ServingRuntime.Vllm).servedNameArgs?.("Qwen/Qwen2.5-1.5B-Instruct")).toEqual(["--served-model-name", "Qwen/Qwen2.5-1.5B-Instruct"]);
    });

    it("has a preset query for exactly the metrics each server reports, built from its own metric names", () => {
        const metrics = Object.values(ScalingMetric);
        const presets = Object.fromEntries(Object.values(ServingRuntime).map((r) => [r, metrics.filter((m) => presetQuery(m, r, 1, 8) !== undefined)]));
        expect(presets).toEqual({
            triton: ["requests-per-second", "queue-depth", "gpu-utilization"],
            vllm: ["in-flight-requests", "requests-per-second", "queue-depth", "gpu-utilization"],
            torchserve: ["requests-per-second", "gpu-utilization"],
            tgi: ["in-flight-requests", "requests-per-second", "queue-depth", "gpu-utilization"],
            // DCGM's GPU utilisation, whatever serves; nothing else is known of a custom server.
            custom: ["gpu-utilization"],
        });
        // Every metric name of the table is read by some query: none is stated for nothing.
        for (const r of Object.values(ServingRuntime)) {
            const queries = metrics.map((m) => presetQuery(m, r, 1, 8) ?? "").join("\n");
            for (const name of Object.values(runtimeEntry(r).metrics)) expect(queries, `${r}: ${name}`).toContain(`${name}{`);
        }
    });

    it("builds the in-flight, rate and queue queries from the names: vLLM's and TGI's running batch plus the capped queue", () => {
        const selector = "__SELECTOR__";
        expect(presetQuery(ScalingMetric.InFlightRequests, ServingRuntime.Vllm, 1, 8)).toBe(
            `sum(vllm:num_requests_running{${selector}}) + (sum(vllm:num_requests_waiting{${selector}}) < 8 * sum(vllm:num_requests_running{${selector}}) or 8 * sum(vllm:num_requests_running{${selector}}))`,
        );
        expect(presetQuery(ScalingMetric.InFlightRequests, ServingRuntime.Tgi, 1, 0)).toBe(`sum(tgi_batch_current_size{${selector}})`);
        expect(presetQuery(ScalingMetric.RequestsPerSecond, ServingRuntime.Triton, 1, 8)).toBe(`sum(rate(nv_inference_request_success{${selector}}[1m]))`);
        expect(presetQuery(ScalingMetric.RequestsPerSecond, ServingRuntime.TorchServe, 1, 8)).toBe(`sum(rate(ts_inference_requests_total{${selector}}[1m]))`);
        expect(presetQuery(ScalingMetric.QueueDepth, ServingRuntime.Tgi, 1, 8)).toBe(`sum(tgi_queue_size{${selector}})`);
        expect(presetQuery(ScalingMetric.GpuUtilization, ServingRuntime.Custom, 4, 8)).toBe(`sum(DCGM_FI_DEV_GPU_UTIL{${selector}}) / 4`);
        expect(readsPodMetrics(ScalingMetric.QueueDepth, ServingRuntime.Vllm)).toBe(true);
        expect(readsPodMetrics(ScalingMetric.Custom, ServingRuntime.Vllm)).toBe(false);
    });

    it("makes the root read-only for the servers that write only to /tmp and $HOME, and names what the others write", () => {
        expect(Object.fromEntries(Object.values(ServingRuntime).map((r) => [r, runtimeEntry(r).filesystem]))).toEqual({
            triton: { readOnlyRoot: true, writes: [] },
            vllm: { readOnlyRoot: true, writes: [] },
            torchserve: { readOnlyRoot: false, writes: ["/home/model-server/tmp", "/home/model-server/logs"] },
            tgi: { readOnlyRoot: false, writes: ["/data"] },
            custom: { readOnlyRoot: false, writes: [] },
        });
    });

    it("names AWS's SageMaker container of vLLM and TGI, pinned, and none for the others", () => {
        // Each container's own names for the Hub revision and the GPU count (LMI starting-guide.md; TGI sagemaker-entrypoint.sh).
        expect(SAGEMAKER_CONTAINERS).toEqual({
            vllm: {
                repository: "djl-inference",
                tag: "0.36.0-lmi28.0.0-cu130",
                description: "the SageMaker Large Model Inference container (vLLM)",
                revisionEnv: "HF_REVISION",
                gpusEnv: "TENSOR_PARALLEL_DEGREE",
            },
            tgi: {
                repository: "huggingface-pytorch-tgi-inference",
                tag: "2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04",
                description: "the Hugging Face TGI container for SageMaker",
                revisionEnv: "HF_MODEL_REVISION",
                gpusEnv: "SM_NUM_GPUS",
            },
        });
        // The TGI container runs the same TGI release as the other targets.
        expect(runtimeEntry(ServingRuntime.Tgi).image.endsWith(":3.0.1")).toBe(true);
        expect(SAGEMAKER_CONTAINERS.tgi?.tag).toContain("tgi3.0.1");
    });
});

describe("the runtimes' multi-GPU, streaming and model-directory facts", () => {
    it("shards over a replica's GPUs with vLLM's and TGI's own arguments, and states how the others use several GPUs", () => {
        const sharding = Object.fromEntries(Object.values(ServingRuntime).map((r) => [r, runtimeEntry(r).tensorParallel?.args(4)]));
        expect(sharding).toEqual({
            triton: undefined,
            vllm: ["--tensor-parallel-size", "4"],
            torchserve: undefined,
            tgi: ["--num-shard", "4"],
            custom: undefined,
        });
        expect(runtimeEntry(ServingRuntime.Vllm).tensorParallel?.flags).toEqual(["--tensor-parallel-size", "-tp"]);
        expect(runtimeEntry(ServingRuntime.Tgi).tensorParallel).toMatchObject({ flags: ["--num-shard"], env: "NUM_SHARD" });
        expect(runtimeEntry(ServingRuntime.Triton).multiGpu).toContain("instance_group");
        expect(runtimeEntry(ServingRuntime.TorchServe).multiGpu).toContain("number_of_gpu");
        for (const r of Object.values(ServingRuntime)) expect(runtimeEntry(r).multiGpu.length, r).toBeGreaterThan(20);
    });

    it("streams weights only with vLLM, from s3:// with the pinned image, and says why not gs://", () => {
        expect(runtimesWhere((e) => e.stream !== undefined)).toEqual([ServingRuntime.Vllm]);
        const stream = runtimeEntry(ServingRuntime.Vllm).stream;
        expect(stream?.args).toEqual(["--load-format", "runai_streamer"]);
        expect(stream?.schemes).toEqual(["s3"]);
        expect(stream?.notInPinnedImage.gs).toContain("vllm-project/vllm#24909");
        // The fact is about the pinned image: a new vLLM pin must revisit it.
        expect(runtimeEntry(ServingRuntime.Vllm).image).toBe("vllm/vllm-openai:v0.8.5");
    });

    it("says what each server expects in its model directory, which an archive must unpack to", () => {
        expect(runtimeEntry(ServingRuntime.Triton).modelLayout).toContain("config.pbtxt");
        expect(runtimeEntry(ServingRuntime.TorchServe).modelLayout).toContain(".mar");
        expect(runtimeEntry(ServingRuntime.Vllm).modelLayout).toContain("config.json");
        expect(runtimeEntry(ServingRuntime.Tgi).modelLayout).toContain("safetensors");
    });
});

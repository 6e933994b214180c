/**
 * The serving runtimes: the model servers modelship knows, in one table below the components that read it. Every
 * target reads the container and its probes here, SpikeAutoscaler the Prometheus metric names its preset queries are
 * built from (components/spike-autoscaler/queries.ts), the Kubernetes pod builder whether the root filesystem can be
 * read-only, and the SageMaker target AWS's own container. Each fact carries its source.
 *
 * A new server is one {@link ServingRuntime} member plus its entry in {@link SERVING_RUNTIMES}: the table is a
 * `Record` over the enum, so the build fails until the entry exists (docs/scaling.md, "Adding a model server").
 * The enum is part of the public API: components/model-service/args.ts re-exports it.
 *
 * SageMaker: AWS's own containers, for the servers that have one, let `uri` with runtime `vllm` or `tgi` serve on
 * SageMaker without a custom image. SageMaker pulls only from ECR, and these images answer `GET /ping` and
 * `POST /invocations` on port 8080 as it requires; both are GPU images. The registry account per region is in
 * components/model-service/targets/aws/sagemaker-images.ts.
 */

/** A model server preset: image, port, model-path argument, health and metrics endpoints. */
export enum ServingRuntime {
    /** NVIDIA Triton Inference Server (HTTP 8000, metrics 8002, `/v2/health/ready`). */
    Triton = "triton",
    /** vLLM's OpenAI-compatible server (HTTP 8000, `/health`, `/metrics`). */
    Vllm = "vllm",
    /** TorchServe (inference 8080, metrics 8082, `/ping`). */
    TorchServe = "torchserve",
    /** Hugging Face text-generation-inference (HTTP 8080 as configured here, `/health`, `/metrics`). */
    Tgi = "tgi",
    /** Your own server: give `model.image` and, where they differ from the defaults, port and paths. */
    Custom = "custom",
}

/** Where downloaded artifacts are mounted in the serving container. */
export const MODEL_MOUNT_PATH = "/models";

/** Default time a model may take to become ready, in seconds: GPU node, image pull and model load (README, "Cold starts"). */
export const DEFAULT_STARTUP_TIMEOUT_SECONDS = 600;

/**
 * The Prometheus metrics a server reports, by what they count (names from the server's own documentation). The
 * queries are built from them in components/spike-autoscaler/queries.ts: requests-per-second is the rate of
 * `requestsCompleted`, queue-depth the sum of `requestsWaiting`, in-flight `requestsRunning` plus a capped
 * `requestsWaiting` (only for servers that report both).
 */
export interface ServerMetricNames {
    /** Counter of requests the server completed. */
    requestsCompleted?: string;
    /** Gauge of requests waiting in the server's queue, not yet being served. */
    requestsWaiting?: string;
    /** Gauge of requests being served (in the running batch). */
    requestsRunning?: string;
}

/**
 * The metrics ModelService's alerts read besides {@link ServerMetricNames} (components/model-service/targets/
 * kubernetes-observability.ts): failures for the error rate, a latency histogram for the p95. Where a server reports
 * one of them under no name, `missing` says why, and the alert is not created.
 */
export interface AlertMetricNames {
    /** Counter of requests that failed: the error rate is failed / (`requestsCompleted` + failed). */
    requestsFailed?: string;
    /** Histogram of the time a request takes in the server, in seconds (its series are `<name>_bucket`). */
    requestSeconds?: string;
    /** Why a metric has no name, by field. */
    missing: Partial<Record<"requestsFailed" | "requestSeconds", string>>;
}

/**
 * What the server writes at run time. Every Kubernetes pod mounts writable emptyDirs at `/tmp` and `$HOME`
 * (components/kubernetes/workload.ts) and the model read-only at {@link MODEL_MOUNT_PATH}.
 */
export interface ServerFilesystem {
    /** True when the server is known to write only to `/tmp` and `$HOME`: its root filesystem is then read-only by default. */
    readOnlyRoot: boolean;
    /** Directories it writes outside `/tmp` and `$HOME`: each would need a writable emptyDir before its root can be read-only. */
    writes: readonly string[];
}

/** An AWS Deep Learning Container for SageMaker: a repository and tag in AWS's regional registry. */
export interface SageMakerContainer {
    repository: string;
    tag: string;
    /** What it is, for error messages and documentation. */
    description: string;
    /** The environment variable that names the Hugging Face revision (commit, tag or branch) of an `HF_MODEL_ID` Hub id. */
    revisionEnv: string;
    /** The environment variable that sets how many GPUs the model is sharded over (tensor parallelism). */
    gpusEnv: string;
}

/**
 * Tensor parallelism: one replica's model sharded over its GPUs. Without it, a server given several GPUs loads the
 * model on one of them (vLLM) and the others are paid for and idle.
 */
export interface TensorParallelism {
    /** The server arguments that shard the model over `gpus` GPUs. */
    args: (gpus: number) => string[];
    /** The flags (and aliases) that set it: when the user's `args` hold one of them, the preset adds none. */
    flags: readonly string[];
    /** The environment variable the server also reads it from, if any: when the user's `env` sets it, the preset adds no flag. */
    env?: string;
}

/** Streaming the weights from object storage straight into GPU memory, instead of downloading them first. */
export interface WeightStreaming {
    /** The server arguments that select the streaming loader (the model itself is then given as the URI). */
    args: string[];
    /** URI schemes the pinned image streams from. */
    schemes: readonly string[];
    /** Why a scheme the streamer knows in later releases is not offered with the pinned image, by scheme. */
    notInPinnedImage: Readonly<Record<string, string>>;
}

/** One model server. Every field is a fact about the server; ModelService's `model` overrides the serving ones. */
export interface RuntimeEntry {
    /** Server image, pinned to a release. Empty for `custom`: the user's `model.image` serves. */
    image: string;
    /** Port of the HTTP API. */
    port: number;
    readinessPath: string;
    livenessPath: string;
    /** Path of the Prometheus metrics endpoint; none when the server has none. */
    metricsPath?: string;
    /**
     * The route a queued request is posted to (queue mode's consumer, `MODEL_PATH`); undefined where the route names the
     * model (`scaling.queue.inferencePath` is then required).
     */
    inferencePath: string | undefined;
    /** Port of the metrics endpoint, when it is not `port`. */
    metricsPort?: number;
    /** Entrypoint override, when the image's own entrypoint does not serve. */
    command?: string[];
    /** Arguments that point the server at the model directory. */
    modelArgs: (modelDir: string) => string[];
    /** Arguments that name the model in the server's API, for servers that answer only to the names they serve. */
    servedNameArgs?: (name: string) => string[];
    /** The Prometheus metrics it reports, for SpikeAutoscaler's preset queries (empty: give `query`). */
    metrics: ServerMetricNames;
    /** The failures and latency histogram the alerts read, or why there are none. */
    alertMetrics: AlertMetricNames;
    /** What it writes, for the read-only root filesystem. */
    filesystem: ServerFilesystem;
    /** AWS's own SageMaker container that runs this server, the default image on `aws-sagemaker`; undefined where AWS has none. */
    sagemaker: SageMakerContainer | undefined;
    /** Sharding one model over a replica's GPUs; undefined where the server has no such argument (see `multiGpu`). */
    tensorParallel: TensorParallelism | undefined;
    /** How the server uses several GPUs in one replica, for the documentation and TSDoc (docs/cold-starts.md). */
    multiGpu: string;
    /** Streaming the weights from object storage (`model.loadMode: stream`); undefined where the server cannot. */
    stream: WeightStreaming | undefined;
    /** What the server expects in the model directory: what an `s3://`, `gs://` or `https://` `.tar.gz` archive must unpack to. */
    modelLayout: string;
}

/** The model servers, one entry each. */
export const SERVING_RUNTIMES: Readonly<Record<ServingRuntime, RuntimeEntry>> = {
    /**
     * Triton's HTTP and metrics ports and health API: docs.nvidia.com, "Triton Inference Server: HTTP/REST and GRPC
     * protocol". Metrics: Triton's metrics documentation at r24.12 (docs/user_guide/metrics.md:
     * `nv_inference_request_success`, a counter of successful requests, incremented when a request completes, in
     * triton-inference-server/core src/infer_stats.cc `UpdateSuccess`; `nv_inference_pending_request_count`, requests
     * enqueued and not yet picked up by a backend). It reports no gauge of requests
     * being executed, so it has no in-flight preset. It writes only to /tmp and $HOME.
     */
    [ServingRuntime.Triton]: {
        image: "nvcr.io/nvidia/tritonserver:24.12-py3",
        port: 8000,
        readinessPath: "/v2/health/ready",
        livenessPath: "/v2/health/live",
        metricsPath: "/metrics",
        metricsPort: 8002,
        // KServe v2 inference protocol: POST /v2/models/<model>[/versions/<version>]/infer names the model (Triton's HTTP/REST protocol documentation).
        inferencePath: undefined,
        command: ["tritonserver"],
        modelArgs: (dir) => [`--model-repository=${dir}`, "--http-port=8000", "--metrics-port=8002"],
        metrics: { requestsCompleted: "nv_inference_request_success", requestsWaiting: "nv_inference_pending_request_count" },
        // Triton's metrics documentation: `nv_inference_request_failure` counts failed requests; latencies are cumulative counters (`nv_inference_request_duration_us`) and opt-in summaries.
        alertMetrics: {
            requestsFailed: "nv_inference_request_failure",
            missing: { requestSeconds: "Triton reports request latency as a cumulative counter of microseconds and opt-in summaries, no histogram by default" },
        },
        filesystem: { readOnlyRoot: true, writes: [] },
        sagemaker: undefined,
        tensorParallel: undefined,
        multiGpu:
            "no server flag: by default Triton starts one instance of each model on every GPU it sees (replicas, not shards); the model's config.pbtxt `instance_group` (`kind: KIND_GPU`, `gpus`, `count`) places them, and the TensorRT-LLM backend shards a model over the GPUs its engine was built for (Triton's model configuration documentation, \"Instance Groups\")",
        stream: undefined,
        modelLayout: "a Triton model repository: one directory per model with its config.pbtxt and numbered version directories",
    },
    /**
     * vLLM's OpenAI server (`vllm serve`, `/health`, `/metrics`). `--served-model-name` is the name the OpenAI API
     * answers to (without it, the `--model` path: `/models` here), so the preset always passes one
     * (components/model-service/served-name.ts). Metrics: vLLM's metrics documentation at v0.8.5
     * (docs.vllm.ai/en/v0.8.5/serving/metrics.html; vllm/v1/metrics/loggers.py): `vllm:request_success_total`, a
     * counter of finished requests (label `finished_reason`; prometheus_client adds `_total` to the V1 engine's
     * `vllm:request_success`); `vllm:num_requests_running` and `vllm:num_requests_waiting`, gauges of the running
     * batch and the queue apart. It writes
     * only to /tmp and $HOME (its caches under ~/.cache).
     *
     * SageMaker: the Large Model Inference (LMI) container, DJL Serving with vLLM in async mode (the default for
     * text-generation models since LMI 17). It reads `HF_MODEL_ID` (a Hub id, or /opt/ml/model for S3 data),
     * `TENSOR_PARALLEL_DEGREE`, and any vLLM engine argument as `OPTION_<NAME>` (`OPTION_SERVED_MODEL_NAME`,
     * `OPTION_MAX_MODEL_LEN`, ...): github.com/deepjavalibrary/djl-serving, serving/docs/lmi/user_guides/
     * vllm_user_guide.md and starting-guide.md. Tag: the newest LMI image in AWS's list of available images
     * (github.com/aws/deep-learning-containers, docs/src/data/djl-inference/0.36-lmi28.0.0-gpu.yml, 2026-08-11:
     * LMI 28.0.0, vLLM 0.26.0, CUDA 13.0). It also reads `HF_REVISION`, the commit or branch of an `HF_MODEL_ID` Hub id
     * (starting-guide.md, "Available Environment Variable Configurations"); `TENSOR_PARALLEL_DEGREE` defaults to `max`
     * (every GPU of the instance), and modelship sets it to `resources.gpu.count`, which the instance type matches.
     *
     * Streaming (`model.loadMode: stream`): `--load-format runai_streamer` with the model given as `s3://bucket/prefix`
     * loads the safetensors weights straight from S3 into GPU memory (docs.vllm.ai/en/v0.8.5, models/extensions/
     * runai_model_streamer.md); the v0.8.5 image installs `runai-model-streamer runai-model-streamer[s3]` in its
     * vllm-openai-base stage (docker/Dockerfile). Google Cloud Storage came later (vllm-project/vllm#24909).
     *
     * Tensor parallelism: `--tensor-parallel-size` ("number of tensor parallel replicas"), short form `-tp`, in
     * vllm/engine/arg_utils.py; vLLM's argument parser also takes it with underscores.
     */
    [ServingRuntime.Vllm]: {
        image: "vllm/vllm-openai:v0.8.5",
        port: 8000,
        readinessPath: "/health",
        livenessPath: "/health",
        metricsPath: "/metrics",
        // The OpenAI-compatible server's Chat Completions API (docs.vllm.ai/en/v0.8.5/serving/openai_compatible_server.html).
        inferencePath: "/v1/chat/completions",
        modelArgs: (dir) => ["--model", dir, "--port", "8000"],
        servedNameArgs: (name) => ["--served-model-name", name],
        metrics: { requestsCompleted: "vllm:request_success_total", requestsRunning: "vllm:num_requests_running", requestsWaiting: "vllm:num_requests_waiting" },
        // vLLM's metrics documentation: `vllm:e2e_request_latency_seconds` (histogram); `vllm:request_success_total` counts finished requests by finish reason, and none counts failures.
        alertMetrics: { requestSeconds: "vllm:e2e_request_latency_seconds", missing: { requestsFailed: "vLLM counts finished requests by finish reason, and no failed ones" } },
        filesystem: { readOnlyRoot: true, writes: [] },
        sagemaker: {
            repository: "djl-inference",
            tag: "0.36.0-lmi28.0.0-cu130",
            description: "the SageMaker Large Model Inference container (vLLM)",
            revisionEnv: "HF_REVISION",
            gpusEnv: "TENSOR_PARALLEL_DEGREE",
        },
        tensorParallel: { args: (gpus) => ["--tensor-parallel-size", String(gpus)], flags: ["--tensor-parallel-size", "-tp"] },
        multiGpu: "tensor parallelism: `--tensor-parallel-size N` shards every layer over the N GPUs (vLLM's distributed inference and serving documentation); without it vLLM uses one GPU",
        stream: {
            args: ["--load-format", "runai_streamer"],
            schemes: ["s3"],
            notInPinnedImage: {
                gs: "streaming from gs:// needs a vLLM image with runai-model-streamer[gcs] (vllm-project/vllm#24909, merged 2025-09-15); the pinned vllm/vllm-openai:v0.8.5 has its S3 backend only",
            },
        },
        modelLayout: "a Hugging Face model directory: config.json, the tokenizer files and the weights",
    },
    /**
     * TorchServe's default ports 8080 (inference), 8081 (management), 8082 (metrics) and `/ping`. Metrics:
     * TorchServe's metrics documentation (`ts_inference_requests_total`; no queue gauge). Writes: the image's
     * `TEMP=/home/model-server/tmp` and its working directory /home/model-server, where TorchServe puts `logs/`
     * (github.com/pytorch/serve, docker/Dockerfile), so its root stays writable.
     */
    [ServingRuntime.TorchServe]: {
        image: "pytorch/torchserve:0.12.0-gpu",
        port: 8080,
        readinessPath: "/ping",
        livenessPath: "/ping",
        metricsPath: "/metrics",
        metricsPort: 8082,
        // The inference API's POST /predictions/<model_name> names the model (TorchServe's inference API documentation).
        inferencePath: undefined,
        command: ["torchserve"],
        // The image's config.properties binds the APIs on 0.0.0.0 (the built-in default is 127.0.0.1).
        modelArgs: (dir) => ["--start", "--foreground", "--disable-token-auth", "--ts-config", "/home/model-server/config.properties", "--model-store", dir, "--models", "all"],
        metrics: { requestsCompleted: "ts_inference_requests_total" },
        // TorchServe's metrics API documentation: by default its endpoint has ts_inference_requests_total, ts_inference_latency_microseconds and ts_queue_latency_microseconds.
        alertMetrics: {
            missing: {
                requestsFailed: "TorchServe's metrics endpoint counts inference requests, not failed ones, by default",
                requestSeconds: "TorchServe reports latency as a cumulative counter of microseconds, no histogram",
            },
        },
        filesystem: { readOnlyRoot: false, writes: ["/home/model-server/tmp", "/home/model-server/logs"] },
        sagemaker: undefined,
        tensorParallel: undefined,
        multiGpu:
            "no server flag: TorchServe assigns its workers to the GPUs it sees round-robin (`number_of_gpu` in config.properties, all by default), and a large model shards itself through torchrun from its model-config.yaml (`parallelType`, `torchrun.nproc-per-node`) (TorchServe's configuration and large model inference documentation)",
        stream: undefined,
        modelLayout: "a TorchServe model store: .mar archives, every one of which is served",
    },
    /**
     * text-generation-inference's launcher flags `--model-id`, `--port`; its OpenAI route answers whatever name is
     * sent, so it takes no served name. Metrics, checked in TGI's source at v3.0.1 (router/src/server.rs,
     * docs/source/reference/metrics.md): `tgi_request_success` is incremented once per request when it completes
     * successfully (the completions counter); `tgi_request_count` is incremented when a request arrives, and twice for
     * the OpenAI routes (`/v1/chat/completions` and `/v1/completions` count it, then `generate_internal` or
     * `generate_stream_internal` again), so it counts neither arrivals nor completions exactly and is not used;
     * `tgi_batch_current_size` and `tgi_queue_size` are gauges of the running batch and the queue apart. Writes: its Hub cache,
     * `HUGGINGFACE_HUB_CACHE=/data` in the image (github.com/huggingface/text-generation-inference, Dockerfile), so
     * its root stays writable.
     *
     * SageMaker: the Hugging Face TGI container, the release that runs this TGI 3.0.1 (the same server as on the
     * other targets). It reads `HF_MODEL_ID`, `HF_MODEL_REVISION` (the launcher's `REVISION`) and `SM_NUM_GPUS` (the
     * launcher's `NUM_SHARD`): github.com/huggingface/text-generation-inference, sagemaker-entrypoint.sh.
     */
    [ServingRuntime.Tgi]: {
        image: "ghcr.io/huggingface/text-generation-inference:3.0.1",
        port: 8080,
        readinessPath: "/health",
        livenessPath: "/health",
        metricsPath: "/metrics",
        // TGI's Messages API, OpenAI's Chat Completions route (router/src/server.rs at v3.0.1, above).
        inferencePath: "/v1/chat/completions",
        modelArgs: (dir) => ["--model-id", dir, "--port", "8080"],
        metrics: { requestsCompleted: "tgi_request_success", requestsRunning: "tgi_batch_current_size", requestsWaiting: "tgi_queue_size" },
        // TGI's metrics documentation: `tgi_request_failure` (counter, by error) and `tgi_request_duration` (histogram, seconds).
        alertMetrics: { requestsFailed: "tgi_request_failure", requestSeconds: "tgi_request_duration", missing: {} },
        filesystem: { readOnlyRoot: false, writes: ["/data"] },
        sagemaker: {
            repository: "huggingface-pytorch-tgi-inference",
            tag: "2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04",
            description: "the Hugging Face TGI container for SageMaker",
            revisionEnv: "HF_MODEL_REVISION",
            gpusEnv: "SM_NUM_GPUS",
        },
        tensorParallel: { args: (gpus) => ["--num-shard", String(gpus)], flags: ["--num-shard"], env: "NUM_SHARD" },
        multiGpu: "sharding: `--num-shard N` (env NUM_SHARD) splits the model over N GPUs (TGI's launcher reference); TGI would otherwise shard over every GPU it sees",
        stream: undefined,
        modelLayout: "a Hugging Face model directory: config.json, the tokenizer files and safetensors weights",
    },
    /**
     * Your own image (`model.image`): it serves on 8080 with a readiness endpoint at `/` unless `model` says
     * otherwise (the liveness path then follows the readiness path). Nothing is known of its metrics or of what it
     * writes: give `query`, and opt in to a read-only root with `kubernetes.readOnlyRootFilesystem`.
     */
    [ServingRuntime.Custom]: {
        image: "",
        port: 8080,
        readinessPath: "/",
        livenessPath: "/",
        // Your image's own route: give scaling.queue.inferencePath.
        inferencePath: undefined,
        modelArgs: () => [],
        metrics: {},
        alertMetrics: { missing: { requestsFailed: "nothing is known of your server's metrics", requestSeconds: "nothing is known of your server's metrics" } },
        filesystem: { readOnlyRoot: false, writes: [] },
        sagemaker: undefined,
        tensorParallel: undefined,
        multiGpu: "whatever your server does with the GPUs the replica is given: pass its own flag in `args`",
        stream: undefined,
        modelLayout: "whatever your server reads from its model directory",
    },
};

/** The entry of `runtime`. */
export function runtimeEntry(runtime: ServingRuntime): RuntimeEntry {
    return SERVING_RUNTIMES[runtime];
}

/** The runtimes whose entry satisfies `has`, in the enum's order (for error messages that list them). */
export function runtimesWhere(has: (entry: RuntimeEntry) => boolean): ServingRuntime[] {
    return Object.values(ServingRuntime).filter((r) => has(SERVING_RUNTIMES[r]));
}

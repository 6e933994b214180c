/**
 * Model server presets. Each fixes the server image (a pinned release), the port, how the model path is
 * passed, the health endpoints and the metrics endpoint. Every field can be overridden in `model`.
 *
 * Sources: Triton's HTTP/metrics ports and health API (docs.nvidia.com, "Triton Inference Server: HTTP/REST
 * and GRPC protocol"); vLLM's OpenAI server (`vllm serve`, `/health`, `/metrics`); TorchServe's default
 * ports 8080/8081/8082 and `/ping`; text-generation-inference's launcher flags `--model-id`, `--port`. vLLM's
 * `--served-model-name` is the name the OpenAI API answers to (without it, the `--model` path: `/models` here), so the
 * preset always passes one (components/model-service/served-name.ts); TGI's OpenAI route answers whatever name is sent.
 */
import { ServingRuntime } from "./args";

/** Where downloaded artifacts are mounted in the serving container. */
export const MODEL_MOUNT_PATH = "/models";

export interface RuntimePreset {
    /** Server image, pinned to a release. */
    image: string;
    port: number;
    readinessPath: string;
    livenessPath: string;
    metricsPath?: string;
    metricsPort?: number;
    /** Arguments that point the server at the model directory. */
    modelArgs: (modelDir: string) => string[];
    /** Entrypoint override, when the image's own entrypoint does not serve. */
    command?: string[];
    /** Arguments that name the model in the server's API, for servers that answer only to the names they serve. */
    servedNameArgs?: (name: string) => string[];
}

const PRESETS: Record<Exclude<ServingRuntime, ServingRuntime.Custom>, RuntimePreset> = {
    [ServingRuntime.Triton]: {
        image: "nvcr.io/nvidia/tritonserver:24.12-py3",
        port: 8000,
        readinessPath: "/v2/health/ready",
        livenessPath: "/v2/health/live",
        metricsPath: "/metrics",
        metricsPort: 8002,
        command: ["tritonserver"],
        modelArgs: (dir) => [`--model-repository=${dir}`, "--http-port=8000", "--metrics-port=8002"],
    },
    [ServingRuntime.Vllm]: {
        image: "vllm/vllm-openai:v0.8.5",
        port: 8000,
        readinessPath: "/health",
        livenessPath: "/health",
        metricsPath: "/metrics",
        modelArgs: (dir) => ["--model", dir, "--port", "8000"],
        servedNameArgs: (name) => ["--served-model-name", name],
    },
    [ServingRuntime.TorchServe]: {
        image: "pytorch/torchserve:0.12.0-gpu",
        port: 8080,
        readinessPath: "/ping",
        livenessPath: "/ping",
        metricsPath: "/metrics",
        metricsPort: 8082,
        command: ["torchserve"],
        // The image's config.properties binds the APIs on 0.0.0.0 (the built-in default is 127.0.0.1).
        modelArgs: (dir) => ["--start", "--foreground", "--disable-token-auth", "--ts-config", "/home/model-server/config.properties", "--model-store", dir, "--models", "all"],
    },
    [ServingRuntime.Tgi]: {
        image: "ghcr.io/huggingface/text-generation-inference:3.0.1",
        port: 8080,
        readinessPath: "/health",
        livenessPath: "/health",
        metricsPath: "/metrics",
        modelArgs: (dir) => ["--model-id", dir, "--port", "8080"],
    },
};

/** Defaults for `custom`: the user's image serves on 8080 with a readiness endpoint at `/`. */
const CUSTOM: RuntimePreset = {
    image: "",
    port: 8080,
    readinessPath: "/",
    livenessPath: "/",
    modelArgs: () => [],
};

export function presetFor(runtime: ServingRuntime): RuntimePreset {
    return runtime === ServingRuntime.Custom ? CUSTOM : PRESETS[runtime];
}

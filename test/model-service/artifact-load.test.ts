/**
 * How a ModelService gets its weights and uses its GPUs (issue 15, parts 3 and 4): Hugging Face revisions
 * (`hf://org/name@revision`) on every target that takes a URI, `.tar.gz` archives unpacked as they download,
 * `model.loadMode: stream` (vLLM's Run:ai model streamer), the check of `model.sizeGiB` (model-cache.test.ts sizes
 * the claim from it), and tensor parallelism for every runtime with 1, 2 and 4 GPUs on Kubernetes, Docker and SageMaker. Every error names its field before
 * anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Accelerator, ModelCacheMode, ModelLoadMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { podSecurityViolations } from "../pod-security";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONTAINER = "docker:index/container:Container";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const header = (count: number) => `modelship:index:ModelService "llm": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;
const pod = (r: ResourceRecord): Json => (r.inputs.spec as Json).template.spec;
/** The environment of the one SageMaker Model of the last construction. */
const sagemakerEnv = (): Json => (rt.one("aws:sagemaker/model:Model").inputs.primaryContainer as Json).environment;
/** The model data of the one SageMaker Model of the last construction. */
const sagemakerData = (): Json => (rt.one("aws:sagemaker/model:Model").inputs.primaryContainer as Json).modelDataSource;

afterEach(() => vi.restoreAllMocks());

/** A vLLM service on one L4 on Kubernetes, with `model` and `extra` on top. */
function llm(model: Partial<ModelServiceArgs["model"]>, extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs {
    return {
        model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm, ...model },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        target: Target.Kubernetes,
        ...extra,
    };
}

/** The exact validation error of `args`, and that nothing was registered. */
async function rejection(args: ModelServiceArgs): Promise<string | undefined> {
    let message: string | undefined;
    const { resources } = await rt.construct(() => {
        try {
            new ModelService("llm", args);
        } catch (e) {
            expect((e as Error).name).toBe("ModelshipValidationError");
            message = (e as Error).message;
        }
    });
    expect(resources).toEqual([]);
    return message;
}

const HF_SCRIPT = "pip install --quiet --no-cache-dir --target /tmp/hf huggingface_hub==0.27.0 && PYTHONPATH=/tmp/hf python -m huggingface_hub.commands.huggingface_cli download";

describe("Hugging Face revisions", () => {
    it("downloads a pinned commit on Kubernetes, serves it under the Hub id without the revision, and warns of nothing", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        await rt.construct(() => new ModelService("llm", llm({ uri: `hf://Qwen/Qwen2.5-1.5B-Instruct@${SHA}` })));
        const spec = pod(rt.one(DEPLOYMENT));
        expect(spec.initContainers[0].image).toBe("python:3.12-slim");
        // The repository and the revision are the script's $1 and $2: never spliced into the shell text.
        expect(spec.initContainers[0].command).toEqual(["sh", "-c", `${HF_SCRIPT} "$1" --revision "$2" --local-dir /models`, "fetch-model", "Qwen/Qwen2.5-1.5B-Instruct", SHA]);
        expect(spec.containers[0].args).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "Qwen/Qwen2.5-1.5B-Instruct"]);
        expect(warn).not.toHaveBeenCalled();
    });

    it("keeps the fetcher of a URI without a revision as it was (no pod template change for existing stacks)", async () => {
        await rt.construct(() => new ModelService("llm", llm({})));
        expect(pod(rt.one(DEPLOYMENT)).initContainers[0].command).toEqual(["sh", "-c", `${HF_SCRIPT} "$1" --local-dir /models`, "fetch-model", "Qwen/Qwen2.5-1.5B-Instruct"]);
    });

    it("accepts a branch with a warning that the weights can change under it", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        const { value: svc } = await rt.construct(() => new ModelService("llm", llm({ uri: "hf://Qwen/Qwen2.5-1.5B-Instruct@main" })));
        expect(warn).toHaveBeenCalledWith(
            'model.uri hf://Qwen/Qwen2.5-1.5B-Instruct@main: revision "main" is a branch or a tag, and the files it names can change under the same URI (a new replica may then serve other weights). ' +
                'Pin the 40-character commit sha instead (hf://Qwen/Qwen2.5-1.5B-Instruct@<sha>, from the model page\'s "Files and versions").',
            svc,
        );
        expect(pod(rt.one(DEPLOYMENT)).initContainers[0].command.slice(-2)).toEqual(["Qwen/Qwen2.5-1.5B-Instruct", "main"]);
    });

    it("downloads the revision on Docker too", async () => {
        await rt.construct(() => new ModelService("llm", llm({ uri: `hf://Qwen/Qwen2.5-1.5B-Instruct@${SHA}` }, { target: Target.Docker })));
        const fetch = rt.one(CONTAINER, "llm-fetch");
        expect([...(fetch.inputs.entrypoints as string[]), ...(fetch.inputs.command as string[])]).toEqual([
            "sh",
            "-c",
            `${HF_SCRIPT} "$1" --revision "$2" --local-dir /models`,
            "fetch-model",
            "Qwen/Qwen2.5-1.5B-Instruct",
            SHA,
        ]);
        expect(rt.one(CONTAINER, "llm-server").inputs.command).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "Qwen/Qwen2.5-1.5B-Instruct"]);
    });

    it("hands the revision to SageMaker's containers in the variable each reads: TGI HF_MODEL_REVISION, LMI HF_REVISION", async () => {
        const uri = `hf://Qwen/Qwen2.5-1.5B-Instruct@${SHA}`;
        const onSageMaker = { sagemaker: { instanceType: "ml.g6.2xlarge" }, target: Target.AwsSageMaker };
        await rt.construct(() => new ModelService("tgi", llm({ uri, runtime: ServingRuntime.Tgi }, onSageMaker)));
        expect(sagemakerEnv()).toEqual({ HF_MODEL_ID: "Qwen/Qwen2.5-1.5B-Instruct", HF_MODEL_REVISION: SHA, SM_NUM_GPUS: "1" });
        await rt.construct(() => new ModelService("lmi", llm({ uri }, onSageMaker)));
        expect(sagemakerEnv()).toEqual({ HF_MODEL_ID: "Qwen/Qwen2.5-1.5B-Instruct", HF_REVISION: SHA, TENSOR_PARALLEL_DEGREE: "1", OPTION_SERVED_MODEL_NAME: "Qwen/Qwen2.5-1.5B-Instruct" });
    });

    const invalid: Array<[string, ModelServiceArgs, string]> = [
        [
            "a revision on an S3 URI",
            llm({ uri: "s3://models/llm@v2" }),
            '  - model.uri: received "s3://models/llm@v2"; expected no "@revision" on a s3:// URI: revisions are for hf://org/name@revision only (an object\'s version belongs in its key or prefix, for example s3://bucket/model/v2/)',
        ],
        [
            "a revision on a canary version's Cloud Storage URI",
            llm(
                {},
                {
                    versions: [
                        { name: "stable", weight: 90 },
                        { name: "next", uri: "gs://models/llm@next", weight: 10 },
                    ],
                    kubernetes: { gateway: "infra/internal" },
                },
            ),
            '  - versions[1].uri: received "gs://models/llm@next"; expected no "@revision" on a gs:// URI: revisions are for hf://org/name@revision only (an object\'s version belongs in its key or prefix, for example gs://bucket/model/v2/)',
        ],
        [
            "an empty revision",
            llm({ uri: "hf://Qwen/Qwen2.5-1.5B-Instruct@" }),
            "  - model.uri: received \"hf://Qwen/Qwen2.5-1.5B-Instruct@\"; expected hf://org/name@revision with a revision that is a 40-character commit sha, a tag or a branch (letters, digits, '.', '_', '-', '/')",
        ],
        ["two revisions", llm({ uri: "hf://Qwen/Qwen2.5@a@b" }), '  - model.uri: received "hf://Qwen/Qwen2.5@a@b"; expected hf://org/name, or hf://org/name@revision with one revision'],
        [
            "a revision where SageMaker's container for the runtime does not read one",
            llm(
                { uri: `hf://Qwen/Qwen2.5-1.5B-Instruct@${SHA}`, runtime: ServingRuntime.Custom, serverImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm@sha256:" + "c".repeat(64) },
                { target: Target.AwsSageMaker, sagemaker: { instanceType: "ml.g6.2xlarge" } },
            ),
            `  - model.uri: received "hf://Qwen/Qwen2.5-1.5B-Instruct@${SHA}"; expected hf://org/name without @revision with runtime custom on target aws-sagemaker: only AWS's containers for vllm and tgi read a revision (HF_MODEL_REVISION, HF_REVISION); give your server its revision in env`,
        ],
    ];
    for (const [what, args, problem] of invalid) {
        it(`rejects ${what}, naming the field`, async () => {
            expect(await rejection(args)).toBe(header(1) + problem);
        });
    }
});

describe(".tar.gz archives", () => {
    const UNTAR = "tar -xzf - --no-same-owner -C /models";

    it("streams an S3 archive through tar into /models on Kubernetes, with an image that has the AWS CLI, bash, tar and gzip", async () => {
        await rt.construct(() => new ModelService("llm", llm({ uri: "s3://models-prod/llama/model.tar.gz" })));
        const spec = pod(rt.one(DEPLOYMENT));
        expect(spec.initContainers[0].image).toBe("python:3.12-slim");
        expect(spec.initContainers[0].command).toEqual([
            "bash",
            "-o",
            "pipefail",
            "-c",
            `pip install --quiet --no-cache-dir --target /tmp/awscli awscli==1.36.40 && PYTHONPATH=/tmp/awscli python -m awscli s3 cp --only-show-errors "$1" - | ${UNTAR}`,
            "fetch-model",
            "s3://models-prod/llama/model.tar.gz",
        ]);
        // The server reads the unpacked directory, as from a prefix.
        expect(spec.containers[0].args.slice(0, 2)).toEqual(["--model", "/models"]);
        expect(podSecurityViolations(rt.ofType(DEPLOYMENT))).toEqual([]);
    });

    it("keeps syncing an S3 prefix with the AWS CLI image", async () => {
        await rt.construct(() => new ModelService("llm", llm({ uri: "s3://models-prod/llama/" })));
        const init = pod(rt.one(DEPLOYMENT)).initContainers[0];
        expect([init.image, init.command]).toEqual(["amazon/aws-cli:2.22.35", ["aws", "s3", "sync", "--only-show-errors", "s3://models-prod/llama/", "/models"]]);
    });

    it("unpacks a Cloud Storage archive on Docker with gcloud, and an HTTPS archive with curl and BusyBox's tar", async () => {
        await rt.construct(() => new ModelService("llm", llm({ uri: "gs://acme-models/llama/model.tar.gz" }, { target: Target.Docker })));
        const gcs = rt.one(CONTAINER, "llm-fetch");
        expect(gcs.inputs.image).toBe("google/cloud-sdk:502.0.0-slim");
        expect([...(gcs.inputs.entrypoints as string[]), ...(gcs.inputs.command as string[])]).toEqual([
            "bash",
            "-o",
            "pipefail",
            "-c",
            `gcloud storage cat "$1" | ${UNTAR}`,
            "fetch-model",
            "gs://acme-models/llama/model.tar.gz",
        ]);
        await rt.construct(() => new ModelService("web", llm({ uri: "https://models.example.com/llama/model.tar.gz" }, { target: Target.Kubernetes })));
        const init = pod(rt.one(DEPLOYMENT)).initContainers[0];
        expect([init.image, init.command]).toEqual([
            "curlimages/curl:8.11.1",
            ["sh", "-c", 'set -o pipefail; curl --fail --silent --show-error --location "$1" | tar -xzof - -C /models', "fetch-model", "https://models.example.com/llama/model.tar.gz"],
        ]);
    });

    it("has SageMaker unpack an S3 archive (S3Object, Gzip) and copy a prefix as is (S3Prefix, None)", async () => {
        const onSageMaker = { target: Target.AwsSageMaker, sagemaker: { instanceType: "ml.g6.2xlarge" } };
        await rt.construct(() => new ModelService("archive", llm({ uri: "s3://models-prod/llama/model.tar.gz" }, onSageMaker)));
        expect(sagemakerData()).toEqual({ s3DataSources: [{ s3Uri: "s3://models-prod/llama/model.tar.gz", s3DataType: "S3Object", compressionType: "Gzip" }] });
        await rt.construct(() => new ModelService("prefix", llm({ uri: "s3://models-prod/llama" }, onSageMaker)));
        expect(sagemakerData()).toEqual({ s3DataSources: [{ s3Uri: "s3://models-prod/llama/", s3DataType: "S3Prefix", compressionType: "None" }] });
    });

    it("rejects an archive on Cloud Run, which mounts the bucket as it is", async () => {
        const args = llm({ uri: "gs://acme-models/llama/model.tar.gz" }, { target: Target.GcpCloudRun, resources: { cpu: 8, memoryGiB: 32, gpu: { accelerator: Accelerator.L4 } } });
        expect(await rejection(args)).toBe(
            header(1) +
                '  - model.uri: received "gs://acme-models/llama/model.tar.gz"; expected a gs:// prefix on target gcp-cloudrun, not a .tar.gz archive: the bucket is mounted read-only as it is and Cloud Run has no init container to unpack it (unpack it into a prefix)',
        );
    });
});

describe("model.loadMode: stream", () => {
    const streamed = (extra: Partial<ModelServiceArgs> = {}) => llm({ uri: "s3://models-prod/qwen2.5-7b/", loadMode: ModelLoadMode.Stream }, extra);

    it("hands vLLM the S3 URI and its Run:ai streamer on Kubernetes: no fetcher, no model volume, the pod's IAM role", async () => {
        const role = "arn:aws:iam::123456789012:role/llm-models-read";
        await rt.construct(() => new ModelService("llm", streamed({ kubernetes: { serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role } } })));
        const spec = pod(rt.one(DEPLOYMENT));
        expect(spec.initContainers).toBeUndefined();
        expect(spec.volumes.map((v: Json) => v.name)).toEqual(["tmp", "home"]);
        expect(spec.containers[0].args).toEqual(["--model", "s3://models-prod/qwen2.5-7b/", "--port", "8000", "--load-format", "runai_streamer", "--served-model-name", "llm"]);
        expect(spec.containers[0].volumeMounts.map((m: Json) => m.mountPath)).toEqual(["/tmp", "/home/modelship"]);
        expect((rt.one("kubernetes:core/v1:ServiceAccount").inputs.metadata as Json).annotations).toEqual({ "eks.amazonaws.com/role-arn": role });
        expect(podSecurityViolations(rt.ofType(DEPLOYMENT))).toEqual([]);
    });

    it("streams on Docker with the container's credentials: no fetch container, no volume", async () => {
        await rt.construct(() => new ModelService("llm", streamed({ target: Target.Docker, secrets: { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: pulumi.secret("s") } })));
        expect(rt.ofType(CONTAINER).map((c) => c.name)).toEqual(["llm-server"]);
        expect(rt.ofType("docker:index/volume:Volume")).toEqual([]);
        const server = rt.one(CONTAINER, "llm-server");
        expect(server.inputs.command).toEqual(["--model", "s3://models-prod/qwen2.5-7b/", "--port", "8000", "--load-format", "runai_streamer", "--served-model-name", "llm"]);
        expect(server.inputs.mounts).toEqual([]);
    });

    it("shards a streamed model over the replica's GPUs too", async () => {
        await rt.construct(() => new ModelService("llm", streamed({ resources: { gpu: { count: 2, accelerator: Accelerator.L4 } } })));
        expect(pod(rt.one(DEPLOYMENT)).containers[0].args.slice(-4)).toEqual(["--served-model-name", "llm", "--tensor-parallel-size", "2"]);
    });

    const received = (uri: string) => `received "stream" with model.uri "${uri}"`;
    const invalid: Array<[string, ModelServiceArgs, string[]]> = [
        [
            "with a runtime that cannot stream",
            llm({ uri: "s3://models-prod/llama/", runtime: ServingRuntime.Tgi, loadMode: ModelLoadMode.Stream }),
            ['  - model.loadMode: received "stream"; expected "download" with runtime tgi: only vllm streams weights from object storage (vLLM\'s Run:ai model streamer)'],
        ],
        [
            "from gs://, which the pinned vLLM cannot stream",
            llm({ uri: "gs://acme-models/llama/", loadMode: ModelLoadMode.Stream }),
            [
                `  - model.loadMode: ${received("gs://acme-models/llama/")}; expected "download", or a s3:// URI to stream: streaming from gs:// needs a vLLM image with runai-model-streamer[gcs] (vllm-project/vllm#24909, merged 2025-09-15); the pinned vllm/vllm-openai:v0.8.5 has its S3 backend only`,
            ],
        ],
        [
            "from the Hugging Face Hub",
            llm({ loadMode: ModelLoadMode.Stream }),
            [`  - model.loadMode: ${received("hf://Qwen/Qwen2.5-1.5B-Instruct")}; expected "download", or a s3:// URI to stream: vLLM's streamer reads object storage (s3://), not hf://`],
        ],
        [
            "from an archive",
            llm({ uri: "s3://models-prod/llama/model.tar.gz", loadMode: ModelLoadMode.Stream }),
            [
                `  - model.loadMode: ${received("s3://models-prod/llama/model.tar.gz")}; expected "download" for a .tar.gz archive (unpacked into /models), or a prefix of safetensors files to stream: the streamer reads tensors where they lie and cannot unpack an archive`,
            ],
        ],
        [
            "on SageMaker",
            streamed({ target: Target.AwsSageMaker, sagemaker: { instanceType: "ml.g6.2xlarge" } }),
            [
                '  - model.loadMode: received "stream"; expected "download" on target aws-sagemaker: SageMaker copies the S3 data into /opt/ml/model itself before the container starts (ModelDataSource, uncompressed when the URI is a prefix), and its LMI container documents no Run:ai streamer setting. Streaming is offered on targets kubernetes and docker',
            ],
        ],
        [
            "without a URI",
            { model: { image: "registry.example.com/llm@sha256:" + "a".repeat(64), loadMode: ModelLoadMode.Stream }, target: Target.Kubernetes },
            ['  - model.loadMode: received "stream"; expected "download" (the default) without model.uri: stream reads the weights of model.uri from object storage, and an image carries its own'],
        ],
    ];
    for (const [what, args, problems] of invalid) {
        it(`rejects streaming ${what}, naming model.loadMode`, async () => {
            const message = await rejection(args);
            for (const problem of problems) expect(message).toContain(problem);
            expect(message?.startsWith(header(problems.length))).toBe(true);
        });
    }

    it("rejects streaming with a model cache once, through the cache's own rule", async () => {
        const model = { uri: "s3://models-prod/qwen2.5-7b/", runtime: ServingRuntime.Vllm, loadMode: ModelLoadMode.Stream, cache: { mode: ModelCacheMode.Node } };
        const message = await rejection(streamed({ model }));
        expect(message?.startsWith(header(1))).toBe(true);
        expect(message).toContain('  - model.cache.mode: received "node"; expected "none" with model.loadMode "stream"');
    });
});

describe("model.sizeGiB", () => {
    it("must be positive", async () => {
        expect(await rejection(llm({ sizeGiB: 0 }))).toBe(header(1) + "  - model.sizeGiB: received 0; expected a number > 0");
    });
});

describe("tensor parallelism: a replica's GPUs shard its model", () => {
    const uris: Record<ServingRuntime, string> = {
        [ServingRuntime.Vllm]: "hf://Qwen/Qwen2.5-7B-Instruct",
        [ServingRuntime.Tgi]: "hf://Qwen/Qwen2.5-7B-Instruct",
        [ServingRuntime.Triton]: "s3://models/resnet/",
        [ServingRuntime.TorchServe]: "s3://models/densenet/",
        [ServingRuntime.Custom]: "s3://models/own/",
    };
    const base: Record<ServingRuntime, string[]> = {
        [ServingRuntime.Vllm]: ["--model", "/models", "--port", "8000", "--served-model-name", "Qwen/Qwen2.5-7B-Instruct"],
        [ServingRuntime.Tgi]: ["--model-id", "/models", "--port", "8080"],
        [ServingRuntime.Triton]: ["--model-repository=/models", "--http-port=8000", "--metrics-port=8002"],
        [ServingRuntime.TorchServe]: ["--start", "--foreground", "--disable-token-auth", "--ts-config", "/home/model-server/config.properties", "--model-store", "/models", "--models", "all"],
        [ServingRuntime.Custom]: [],
    };
    const sharding = (runtime: ServingRuntime, gpus: number): string[] => {
        if (gpus === 1) return [];
        if (runtime === ServingRuntime.Vllm) return ["--tensor-parallel-size", String(gpus)];
        if (runtime === ServingRuntime.Tgi) return ["--num-shard", String(gpus)];
        // Triton and TorchServe have no such flag (the runtime table's multiGpu says how they use several GPUs).
        return [];
    };
    const service = (runtime: ServingRuntime, gpus: number, target: Target, extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
        model: { uri: uris[runtime], runtime },
        resources: { gpu: { count: gpus, accelerator: Accelerator.L4 } },
        target,
        ...extra,
    });

    for (const runtime of [ServingRuntime.Vllm, ServingRuntime.Tgi, ServingRuntime.Triton, ServingRuntime.TorchServe]) {
        for (const gpus of [1, 2, 4]) {
            it(`${runtime} with ${gpus} GPU(s), on Kubernetes and Docker alike`, async () => {
                const expected = [...base[runtime], ...sharding(runtime, gpus)];
                await rt.construct(() => new ModelService("k8s", service(runtime, gpus, Target.Kubernetes)));
                const server = pod(rt.one(DEPLOYMENT)).containers[0];
                expect(server.args).toEqual(expected);
                expect(server.resources.limits["nvidia.com/gpu"]).toBe(String(gpus));
                await rt.construct(() => new ModelService("local", service(runtime, gpus, Target.Docker)));
                const container = rt.one(CONTAINER, "local-server");
                expect(container.inputs.command).toEqual(expected);
                expect(container.inputs.deviceRequests).toEqual([{ driver: "nvidia", count: gpus, capabilities: ["gpu"] }]);
            });
        }
    }

    it("adds no second flag when the user's args or the server's environment set it already", async () => {
        await rt.construct(() => new ModelService("split", service(ServingRuntime.Vllm, 4, Target.Kubernetes, { args: ["--tensor-parallel-size", "2", "--pipeline-parallel-size", "2"] })));
        expect(pod(rt.one(DEPLOYMENT)).containers[0].args).toEqual([...base.vllm, "--tensor-parallel-size", "2", "--pipeline-parallel-size", "2"]);
        await rt.construct(() => new ModelService("eq", service(ServingRuntime.Vllm, 4, Target.Docker, { args: ["--tensor_parallel_size=4"] })));
        expect(rt.one(CONTAINER, "eq-server").inputs.command).toEqual([...base.vllm, "--tensor_parallel_size=4"]);
        await rt.construct(() => new ModelService("tgi", service(ServingRuntime.Tgi, 4, Target.Kubernetes, { env: { NUM_SHARD: "2" } })));
        expect(pod(rt.one(DEPLOYMENT)).containers[0].args).toEqual(base.tgi);
    });

    it("shards on SageMaker through each container's variable, with 1, 2 and 4 GPUs", async () => {
        for (const gpus of [1, 2, 4]) {
            // No SageMaker type has two L4s: with 2 GPUs the model shards over 2 of ml.g6.12xlarge's 4, as asked.
            const sagemaker = { sagemaker: { instanceType: gpus === 1 ? "ml.g6.2xlarge" : "ml.g6.12xlarge" } };
            await rt.construct(() => new ModelService(`lmi-${gpus}`, service(ServingRuntime.Vllm, gpus, Target.AwsSageMaker, sagemaker)));
            expect(sagemakerEnv()).toMatchObject({ TENSOR_PARALLEL_DEGREE: String(gpus) });
            await rt.construct(() => new ModelService(`tgi-${gpus}`, service(ServingRuntime.Tgi, gpus, Target.AwsSageMaker, sagemaker)));
            expect(sagemakerEnv()).toMatchObject({ SM_NUM_GPUS: String(gpus) });
            // Triton on your ECR image: no variable to set, its config.pbtxt places the model instances.
            const triton = { ...sagemaker, model: { uri: uris.triton, runtime: ServingRuntime.Triton, serverImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/triton@sha256:" + "d".repeat(64) } };
            await rt.construct(() => new ModelService(`triton-${gpus}`, service(ServingRuntime.Triton, gpus, Target.AwsSageMaker, triton)));
            expect(sagemakerEnv()).toEqual({});
        }
    });

    it("refuses more than one GPU on Cloud Run, which attaches one per instance", async () => {
        const message = await rejection({ ...service(ServingRuntime.Vllm, 2, Target.GcpCloudRun), model: { uri: "gs://acme-models/qwen/", runtime: ServingRuntime.Vllm } });
        expect(message).toContain("  - resources.gpu.count: received 2; expected 1 on target gcp-cloudrun");
    });
});

/**
 * The resolved serving spec: ModelServiceArgs with presets and defaults applied, in one plain shape
 * every target reads. Targets never look at presets or the raw arguments: what was given explicitly is in
 * `given`, and each target resolves its own settings block from there in one step (`settings(spec)`).
 */
import { ObservabilitySpec, resolveObservability } from "./observability";
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { Ownership } from "../../sdk/naming";
import type { AutoscalerSpec } from "../spike-autoscaler/spec";
import { AuthMode, JwtArgs, ModelLoadMode, ServingRuntime, Target } from "./args";
import { fetcherFor, ArtifactFetcher } from "./artifact";
import { loadModeOf } from "./load-mode";
import { ModelCache, resolveModelCache } from "./model-cache";
import { tensorParallelArgs } from "./tensor-parallel";
import { DEFAULT_STARTUP_TIMEOUT_SECONDS, MODEL_MOUNT_PATH, runtimeEntry } from "../../sdk/catalog/runtimes";
import { ParsedModelServiceArgs } from "./schema";
import { servedModelName } from "./served-name";
import { QueueSpec, resolveQueue } from "./queue";

export interface ServingVersion {
    /** Version name; `default` for a single-version service. */
    name: string;
    /** Image that serves this version. */
    image: pulumi.Input<string>;
    /**
     * The artifact URI this version serves, and the container that downloads it before the server starts: none when
     * the server streams it (`model.loadMode: stream`). `parseArtifactUri` (artifact.ts) takes the URI apart.
     */
    artifact?: { uri: string; fetcher?: ArtifactFetcher };
    /** Server arguments for this version (preset model, tensor-parallel and name arguments, then the user's). */
    args: pulumi.Input<string>[];
    /** Traffic share in percent. */
    weight: number;
}

export interface ServingSpec {
    /** The component's resource name; the base of every physical name. */
    name: string;
    target: Target;
    owner: Ownership;
    runtime: ServingRuntime;
    /** The name OpenAI-compatible clients send in `model` (served-name.ts); undefined when the runtime takes none. */
    servedModelName?: string;
    /** Where the weights are kept between pods (`model.cache`, model-cache.ts); undefined for mode `none`. */
    modelCache?: ModelCache;
    versions: ServingVersion[];
    /** True when the user declared versions: resource names then carry the version name. */
    canary: boolean;
    command?: pulumi.Input<string>[];
    port: number;
    readinessPath: string;
    livenessPath: string;
    startupPath: string;
    metricsPath?: string;
    metricsPort?: number;
    startupTimeoutSeconds: number;
    cpu: number;
    memoryGiB: number;
    gpu?: { count: number; accelerator: Accelerator };
    sharedMemoryGiB?: number;
    env: Record<string, pulumi.Input<string>>;
    secrets: Record<string, pulumi.Input<string>>;
    /** Replica bounds; with autoscaling, the effective ones (the budget may lower the maximum). */
    replicas: { min: number; max: number };
    /** The queue in queue mode (`scaling.mode: queue`, queue.ts); undefined in HTTP mode. */
    queue?: QueueSpec;
    /** The resolved autoscaling spec (`scaling.autoscaling`, or SageMaker's default policy), set by `autoscaling.ts`. */
    autoscaling?: AutoscalerSpec;
    exposure: { public: boolean; auth?: AuthMode; jwt?: JwtArgs; hostname?: string };
    /** Metrics, alerts and dashboard (`observability`), resolved; `enabled` is false on targets without them. */
    observability: ObservabilitySpec;
    /** What the arguments gave explicitly, where a value given and its default must be told apart. */
    given: GivenArgs;
}

type Parsed = ParsedModelServiceArgs;

/**
 * The arguments as given, for the checks that tell a given value from its default or name the value received, and
 * the settings blocks, which only their target's `settings(spec)` reads (defaults applied there).
 */
export interface GivenArgs {
    model: Pick<Parsed["model"], "serverImage" | "port" | "startupTimeoutSeconds">;
    resources: NonNullable<Parsed["resources"]>;
    command?: Parsed["command"];
    args?: Parsed["args"];
    scaling?: Parsed["scaling"];
    /** Per declared version (none without `versions`): whether it gave its own image or uri. */
    versions: { image: boolean; uri: boolean }[];
    kubernetes?: Parsed["kubernetes"];
    sagemaker?: Parsed["sagemaker"];
    lambda?: Parsed["lambda"];
    cloudRun?: Parsed["cloudRun"];
    docker?: Parsed["docker"];
}

function givenArgs(args: Parsed): GivenArgs {
    const { model } = args;
    return {
        model: { serverImage: model.serverImage, port: model.port, startupTimeoutSeconds: model.startupTimeoutSeconds },
        resources: args.resources ?? {},
        command: args.command,
        args: args.args,
        scaling: args.scaling,
        versions: (args.versions ?? []).map((v) => ({ image: v.image !== undefined, uri: v.uri !== undefined })),
        kubernetes: args.kubernetes,
        sagemaker: args.sagemaker,
        lambda: args.lambda,
        cloudRun: args.cloudRun,
        docker: args.docker,
    };
}

function replicaBounds(args: ParsedModelServiceArgs): { min: number; max: number } {
    const s = args.scaling ?? {};
    if (s.replicas !== undefined) return { min: s.replicas, max: s.replicas };
    const min = s.minReplicas ?? 1;
    return { min, max: s.maxReplicas ?? Math.max(min, 1) };
}

/** The argument that set the fewest replicas, for problems about it: `scaling.replicas` when given, else `scaling.minReplicas`. */
export function minReplicasPath(spec: ServingSpec): string {
    return spec.given.scaling?.replicas !== undefined ? "scaling.replicas" : "scaling.minReplicas";
}

export function resolveSpec(name: string, args: ParsedModelServiceArgs): ServingSpec {
    const model = args.model;
    const runtime = model.runtime ?? ServingRuntime.Custom;
    const preset = runtimeEntry(runtime);
    const gpuArgs = args.resources?.gpu;
    const gpu = gpuArgs ? { count: gpuArgs.count ?? 1, accelerator: gpuArgs.accelerator } : undefined;
    const gpus = gpu?.count ?? 0;
    const served = servedModelName(name, args);
    // Streaming (load-mode.ts): the server gets the URI itself and its streaming loader, and nothing is downloaded.
    const streamed = loadModeOf(args) === ModelLoadMode.Stream && preset.stream !== undefined;
    const parallelArgs = tensorParallelArgs(runtime, gpus, args.args ?? [], args.env ?? {});

    const versionOf = (vName: string, image: pulumi.Input<string> | undefined, uri: string | undefined, weight: number): ServingVersion => {
        const nameArgs = served !== undefined && preset.servedNameArgs ? preset.servedNameArgs(served) : [];
        const loadArgs = streamed && uri !== undefined ? [...preset.modelArgs(uri), ...(preset.stream?.args ?? [])] : preset.modelArgs(MODEL_MOUNT_PATH);
        const presetArgs = uri !== undefined ? [...loadArgs, ...nameArgs, ...parallelArgs] : [];
        return {
            name: vName,
            image: uri !== undefined ? (model.serverImage ?? preset.image) : (image as pulumi.Input<string>),
            artifact: uri !== undefined ? { uri, fetcher: streamed ? undefined : fetcherFor(uri) } : undefined,
            args: [...presetArgs, ...(args.args ?? [])],
            weight,
        };
    };
    const declared = args.versions ?? [];
    const versions =
        declared.length >= 2
            ? declared.map((v) => versionOf(v.name, v.image ?? (v.uri === undefined ? model.image : undefined), v.uri ?? (v.image === undefined ? model.uri : undefined), v.weight))
            : [versionOf("default", model.image, model.uri, 100)];

    const readinessPath = model.readinessPath ?? preset.readinessPath;
    return {
        name,
        target: args.target,
        owner: { component: "ModelService", service: name, tags: args.tags },
        runtime,
        servedModelName: served,
        versions,
        canary: declared.length >= 2,
        command: args.command ?? preset.command,
        port: model.port ?? preset.port,
        readinessPath,
        livenessPath: model.livenessPath ?? (runtime === ServingRuntime.Custom ? readinessPath : preset.livenessPath),
        startupPath: model.startupPath ?? readinessPath,
        metricsPath: model.metricsPath ?? preset.metricsPath,
        metricsPort: model.metricsPort ?? preset.metricsPort,
        startupTimeoutSeconds: model.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS,
        cpu: args.resources?.cpu ?? (gpus > 0 ? 4 * gpus : 1),
        memoryGiB: args.resources?.memoryGiB ?? (gpus > 0 ? 16 * gpus : 2),
        gpu,
        sharedMemoryGiB: args.resources?.sharedMemoryGiB ?? (gpus > 1 ? gpus : undefined),
        env: args.env ?? {},
        secrets: args.secrets ?? {},
        replicas: replicaBounds(args),
        queue: resolveQueue(args),
        modelCache: resolveModelCache(name, args),
        exposure: {
            public: args.exposure?.public ?? false,
            auth: args.exposure?.auth,
            jwt: args.exposure?.jwt,
            hostname: args.exposure?.hostname,
        },
        observability: resolveObservability(args.target, args.observability),
        given: givenArgs(args),
    };
}

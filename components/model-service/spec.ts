/**
 * The resolved serving spec: ModelServiceArgs with presets and defaults applied, in one plain shape
 * every target reads. Targets never look at presets or defaults themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { Ownership } from "../../sdk/naming";
import type { AutoscalerSpec } from "../spike-autoscaler/spec";
import { AuthMode, JwtArgs, ServingRuntime, Target } from "./args";
import { fetcherFor, ArtifactFetcher } from "./artifact";
import { MODEL_MOUNT_PATH, presetFor } from "./presets";
import { ParsedModelServiceArgs } from "./schema";
import { servedModelName } from "./served-name";

/** Default time a model may take to become ready, in seconds: GPU node, image pull and model load (README, "Cold starts"). */
export const DEFAULT_STARTUP_TIMEOUT_SECONDS = 600;

export interface ServingVersion {
    /** Version name; `default` for a single-version service. */
    name: string;
    /** Image that serves this version. */
    image: pulumi.Input<string>;
    /** Artifact to download before the server starts. */
    artifact?: { uri: string; fetcher: ArtifactFetcher };
    /** Server arguments for this version (preset model arguments, then the user's). */
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
    /** The resolved autoscaling spec (`scaling.autoscaling`, or SageMaker's default policy), set by `autoscaling.ts`. */
    autoscaling?: AutoscalerSpec;
    exposure: { public: boolean; auth?: AuthMode; jwt?: JwtArgs; hostname?: string };
    /** The parsed arguments, for target settings blocks. */
    args: ParsedModelServiceArgs;
}

function replicaBounds(args: ParsedModelServiceArgs): { min: number; max: number } {
    const s = args.scaling ?? {};
    if (s.replicas !== undefined) return { min: s.replicas, max: s.replicas };
    const min = s.minReplicas ?? 1;
    return { min, max: s.maxReplicas ?? Math.max(min, 1) };
}

/** The argument that set the fewest replicas, for problems about it: `scaling.replicas` when given, else `scaling.minReplicas`. */
export function minReplicasPath(spec: ServingSpec): string {
    return spec.args.scaling?.replicas !== undefined ? "scaling.replicas" : "scaling.minReplicas";
}

export function resolveSpec(name: string, args: ParsedModelServiceArgs): ServingSpec {
    const model = args.model;
    const runtime = model.runtime ?? ServingRuntime.Custom;
    const preset = presetFor(runtime);
    const gpuArgs = args.resources?.gpu;
    const gpu = gpuArgs ? { count: gpuArgs.count ?? 1, accelerator: gpuArgs.accelerator } : undefined;
    const gpus = gpu?.count ?? 0;
    const served = servedModelName(name, args);

    const versionOf = (vName: string, image: pulumi.Input<string> | undefined, uri: string | undefined, weight: number): ServingVersion => {
        const nameArgs = served !== undefined && preset.servedNameArgs ? preset.servedNameArgs(served) : [];
        const presetArgs = uri !== undefined ? [...preset.modelArgs(MODEL_MOUNT_PATH), ...nameArgs] : [];
        return {
            name: vName,
            image: uri !== undefined ? (model.serverImage ?? preset.image) : (image as pulumi.Input<string>),
            artifact: uri !== undefined ? { uri, fetcher: fetcherFor(uri) } : undefined,
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
        exposure: {
            public: args.exposure?.public ?? false,
            auth: args.exposure?.auth,
            jwt: args.exposure?.jwt,
            hostname: args.exposure?.hostname,
        },
        args,
    };
}

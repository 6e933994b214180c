/**
 * The model cache of a ModelService on Kubernetes (`model.cache`): where the weights of an artifact URI are kept so
 * that a new pod does not download them again.
 *
 * - `none` (default): the fetcher downloads into the pod's own emptyDir (components/kubernetes/workload.ts).
 * - `node`: a hostPath directory under `nodePath`, one subdirectory per service and URI (`<service>-<hash of the URI>`),
 *   filled once per node by the populate script (model-cache-script.ts) under a lock. A root init container with the
 *   CHOWN capability alone hands that subdirectory to the pods' non-root user first: the kubelet creates hostPath
 *   directories as root (mode 0755) and `fsGroup` does not apply to hostPath volumes
 *   (https://kubernetes.io/docs/concepts/storage/volumes/#hostpath), so no non-root container could write there, and a
 *   whole fetcher running as root would hold root while it talks to the network.
 * - `cluster`: a PersistentVolumeClaim `<service>-model-cache` (or the existing `claimName`), filled once per cluster by
 *   the same script; every pod stays in the restricted Pod Security Standard. With `ReadOnlyMany` the existing claim
 *   already holds the weights at its root and nothing is downloaded.
 *
 * The server always mounts the model read-only at /models, each version its own directory: a new URI (a new version,
 * a canary) gets a new directory, an unchanged one is reused.
 */
import { createHash } from "node:crypto";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DerivedKubernetesName, KubernetesNameKind, kubernetesNameSchema, physicalName } from "../../sdk/naming";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { memoryQuantity, SecretEnvSpec } from "../kubernetes/container";
import { NON_ROOT_ID } from "../kubernetes/security";
import { MODEL_STORE_VOLUME, WorkloadSpec } from "../kubernetes/workload";
import { ModelCacheAccessMode, ModelCacheMode, ModelLoadMode, Target } from "./args";
import { fetcherFor } from "./artifact";
import { MODEL_SUBDIRECTORY, POPULATE_SCRIPT, prepareScript } from "./model-cache-script";
import type { ParsedModelServiceArgs } from "./schema";
import type { ServingSpec, ServingVersion } from "./spec";
import { storageClassLacks } from "./storage-classes";

/** Defaults of `model.cache`. */
export const DEFAULT_NODE_PATH = "/var/lib/modelship/models";
/**
 * Claim size without `sizeGiB` or `model.sizeGiB`: two versions (a rollout's old and new) of a model up to ~50 GB, the
 * bf16 weights of a 24B model (2 bytes a parameter). The same 100 GiB as GpuPool's default node disk (`diskSizeGiB`).
 */
export const DEFAULT_CLAIM_GIB = 100;
/** Suffix of the claim modelship creates: `<service>-model-cache`. */
export const CLAIM_SUFFIX = "model-cache";
/** Where the fetcher (and the node cache's ownership step) mount the cache volume. */
export const CACHE_MOUNT_PATH = "/model-cache";

/** An absolute path without `..`, of the characters paths of this kind use (it names a directory on every node). */
const nodePath = z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)+\/?$/, "an absolute path of letters, digits, '.', '_', '-' and '/', such as /var/lib/modelship/models")
    .refine((p) => !p.split("/").includes(".."), "a path without '..' segments");

export const modelCacheSchema = z
    .object({
        mode: z.enum(ModelCacheMode),
        storageClassName: kubernetesNameSchema(KubernetesNameKind.Subdomain, "a StorageClass name").optional(),
        accessMode: z.enum(ModelCacheAccessMode).optional(),
        sizeGiB: z.number().positive().optional(),
        claimName: kubernetesNameSchema(KubernetesNameKind.Subdomain, "a PersistentVolumeClaim name").optional(),
        nodePath: nodePath.optional(),
    })
    .strict();

/** `model.cache` resolved: where the weights live, with every default applied. */
export type ModelCache =
    | { mode: ModelCacheMode.Node; nodePath: string }
    | {
          mode: ModelCacheMode.Cluster;
          accessMode: ModelCacheAccessMode;
          /** The claim the pods mount: the one modelship creates, or the existing `claimName`. */
          claimName: string;
          /** What modelship creates; undefined with an existing `claimName`. */
          create?: { storageClassName: string; sizeGiB: number };
      };

type Parsed = ParsedModelServiceArgs;

/** The artifact URI of each version, as resolveSpec picks them (undefined: the version serves an image). */
function versionUris(args: Parsed): { path: string; uri: string | undefined }[] {
    const model = args.model;
    const declared = args.versions ?? [];
    if (declared.length < 2) return [{ path: "model.uri", uri: model.uri }];
    return declared.map((v, i) => ({ path: `versions[${i}]`, uri: v.uri ?? (v.image === undefined ? model.uri : undefined) }));
}

const FIELDS_OF_MODE: Record<ModelCacheMode, readonly string[]> = {
    [ModelCacheMode.None]: [],
    [ModelCacheMode.Node]: ["nodePath"],
    [ModelCacheMode.Cluster]: ["storageClassName", "accessMode", "sizeGiB", "claimName"],
};

/** Every rule of `model.cache` beyond its schema: the target, the artifact, and the settings of its mode. */
export function modelCacheProblems(args: Parsed): ValidationProblem[] {
    const cache = args.model.cache;
    if (cache === undefined) return [];
    const problems: ValidationProblem[] = [];
    const own = FIELDS_OF_MODE[cache.mode];
    for (const [field, value] of Object.entries(cache)) {
        if (field === "mode" || value === undefined || own.includes(field)) continue;
        const modes = (Object.keys(FIELDS_OF_MODE) as ModelCacheMode[]).filter((m) => FIELDS_OF_MODE[m].includes(field));
        problems.push({
            path: `model.cache.${field}`,
            received: describeValue(value),
            expected: `nothing in mode ${JSON.stringify(cache.mode)}: it applies to mode ${modes.map((m) => JSON.stringify(m)).join(", ")} only`,
        });
    }
    if (cache.mode === ModelCacheMode.None) return problems;
    if (args.target !== Target.Kubernetes) {
        problems.push({
            path: "model.cache.mode",
            received: describeValue(cache.mode),
            expected: `"none" on target ${JSON.stringify(args.target)}: only target "kubernetes" has a model cache (a directory or claim its pods share)`,
        });
        return problems;
    }
    const imageOnly = versionUris(args).filter((v) => v.uri === undefined);
    if (imageOnly.length > 0) {
        problems.push({
            path: "model.cache",
            received: `mode ${JSON.stringify(cache.mode)} with ${imageOnly.map((v) => v.path.replace(/\.uri$/, "")).join(", ")} served from an image`,
            expected: "an artifact URI (model.uri, or versions[].uri) on every version: the cache keeps downloaded weights, and an image has nothing to download",
        });
    }
    if (args.model.loadMode === ModelLoadMode.Stream) {
        problems.push({
            path: "model.cache.mode",
            received: describeValue(cache.mode),
            expected: `"none" with model.loadMode "stream": the server streams the weights from object storage, so nothing is downloaded to cache`,
        });
    }
    if (cache.mode === ModelCacheMode.Cluster) problems.push(...clusterProblems(args, cache));
    return problems;
}

function clusterProblems(args: Parsed, cache: CacheArgs): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const accessMode = cache.accessMode ?? ModelCacheAccessMode.ReadWriteMany;
    if (cache.claimName !== undefined) {
        for (const field of ["storageClassName", "sizeGiB"] as const) {
            if (cache[field] !== undefined) {
                problems.push({
                    path: `model.cache.${field}`,
                    received: describeValue(cache[field]),
                    expected: `nothing with model.cache.claimName: the existing claim has its own ${field === "sizeGiB" ? "size" : "class"}`,
                });
            }
        }
    } else if (accessMode === ModelCacheAccessMode.ReadOnlyMany) {
        problems.push({
            path: "model.cache.claimName",
            received: describeValue(undefined),
            expected: "an existing claim that holds the weights, with accessMode ReadOnlyMany: pods cannot write a ReadOnlyMany claim, so one modelship creates would stay empty",
        });
    } else if (cache.storageClassName === undefined) {
        problems.push({
            path: "model.cache.storageClassName",
            received: describeValue(undefined),
            expected: "a StorageClass that offers ReadWriteMany in mode cluster (EKS: efs-sc, GKE: standard-rwx, AKS: azurefile-csi), or model.cache.claimName",
        });
    } else {
        const lacks = storageClassLacks(cache.storageClassName, accessMode);
        if (lacks) {
            problems.push({
                path: "model.cache.storageClassName",
                received: describeValue(cache.storageClassName),
                expected: `a StorageClass that offers ${accessMode}: ${JSON.stringify(cache.storageClassName)} is well known as ${lacks} (use a file system class such as efs-sc, standard-rwx or azurefile-csi, or create the claim yourself and give model.cache.claimName)`,
            });
        }
    }
    const uris = new Set(versionUris(args).map((v) => v.uri));
    if (accessMode === ModelCacheAccessMode.ReadOnlyMany && uris.size > 1) {
        problems.push({
            path: "model.cache.accessMode",
            received: describeValue(accessMode),
            expected: "ReadWriteMany with versions of different URIs: a ReadOnlyMany claim holds one model at its root, which every version would serve",
        });
    }
    return problems;
}

type CacheArgs = NonNullable<Parsed["model"]["cache"]>;

/** How each mode resolves: a table, so that a new mode names every place it must be handled. */
const RESOLVE: Record<ModelCacheMode, (name: string, cache: CacheArgs, args: Parsed) => ModelCache | undefined> = {
    [ModelCacheMode.None]: () => undefined,
    [ModelCacheMode.Node]: (_name, cache) => ({ mode: ModelCacheMode.Node, nodePath: (cache.nodePath ?? DEFAULT_NODE_PATH).replace(/(.)\/$/, "$1") }),
    [ModelCacheMode.Cluster]: (name, cache, args) => {
        const accessMode = cache.accessMode ?? ModelCacheAccessMode.ReadWriteMany;
        if (cache.claimName !== undefined) return { mode: ModelCacheMode.Cluster, accessMode, claimName: cache.claimName };
        // Room for two versions: during a rollout or a canary the new one downloads while the old one still serves.
        const weightsGiB = args.model.sizeGiB;
        const sizeGiB = cache.sizeGiB ?? (weightsGiB !== undefined ? 2 * weightsGiB : DEFAULT_CLAIM_GIB);
        return { mode: ModelCacheMode.Cluster, accessMode, claimName: physicalName(name, CLAIM_SUFFIX), create: { storageClassName: cache.storageClassName as string, sizeGiB } };
    },
};

/** `model.cache` with its defaults, for a ModelService named `name`; undefined without a cache (mode `none`). */
export function resolveModelCache(name: string, args: Parsed): ModelCache | undefined {
    const cache = args.model.cache;
    return cache === undefined ? undefined : RESOLVE[cache.mode](name, cache, args);
}

/**
 * The directory of one version's weights in the cache: the service's name and the first 16 hex digits of the SHA-256
 * of the artifact URI (a pinned revision included), so that a new URI never reuses the weights of another.
 */
export function cacheDirectory(serviceName: string, uri: string): string {
    return `${serviceName}-${createHash("sha256").update(uri).digest("hex").slice(0, 16)}`;
}

/**
 * The node cache's ownership step: root, with only the CHOWN capability, no privilege escalation and a read-only root
 * filesystem (model-cache-script.ts says what it can and cannot do).
 */
function prepareContainer(image: string, directory: string): kubernetes.types.input.core.v1.Container {
    return {
        name: "prepare-model-cache",
        image,
        command: ["sh", "-c", prepareScript(NON_ROOT_ID, NON_ROOT_ID), "prepare-model-cache", `${CACHE_MOUNT_PATH}/${directory}`],
        resources: { requests: { cpu: "100m", memory: "32Mi" }, limits: { memory: "64Mi" } },
        securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["CHOWN"] }, readOnlyRootFilesystem: true },
        volumeMounts: [{ name: MODEL_STORE_VOLUME, mountPath: CACHE_MOUNT_PATH }],
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
}

/**
 * The model volume of one version's pods: the fetcher and, with a cache, the volume it fills. Without a cache, today's
 * emptyDir filled by the fetcher. The fetcher sees the secrets too: gated Hugging Face models need HF_TOKEN, buckets
 * may need keys.
 */
export function modelVolume(spec: ServingSpec, version: ServingVersion, secretEnv: SecretEnvSpec | undefined): Pick<WorkloadSpec, "modelFetcher" | "modelStore"> {
    const artifact = version.artifact;
    const cache = spec.modelCache;
    // A streamed artifact has no fetcher: the server reads it from object storage.
    if (artifact?.fetcher === undefined) return {};
    if (cache === undefined) return { modelFetcher: { image: artifact.fetcher.image, command: artifact.fetcher.command, env: artifact.fetcher.env, secretEnv } };
    if (cache.mode === ModelCacheMode.Cluster && cache.accessMode === ModelCacheAccessMode.ReadOnlyMany) {
        return { modelStore: { volume: { persistentVolumeClaim: { claimName: cache.claimName, readOnly: true } } } };
    }
    const directory = cacheDirectory(spec.name, artifact.uri);
    const node = cache.mode === ModelCacheMode.Node;
    // Node mode mounts only this version's directory in the fetcher; a claim is mounted whole (its root is the pods' own).
    const versionDir = node ? CACHE_MOUNT_PATH : `${CACHE_MOUNT_PATH}/${directory}`;
    // The kubelet expands $(POD_NAME) in the command: each pod downloads into its own temporary directory.
    const fetcher = fetcherFor(artifact.uri, `${versionDir}/.partial-$(POD_NAME)`);
    return {
        modelFetcher: {
            image: fetcher.image,
            command: ["sh", "-c", POPULATE_SCRIPT, "populate-model-cache", versionDir, "$(POD_NAME)", ...fetcher.command],
            env: fetcher.env,
            fieldEnv: { POD_NAME: "metadata.name" },
            secretEnv,
        },
        modelStore: {
            volume: node ? { hostPath: { path: cache.nodePath, type: "DirectoryOrCreate" } } : { persistentVolumeClaim: { claimName: cache.claimName } },
            serverSubPath: `${directory}/${MODEL_SUBDIRECTORY}`,
            fetcherMount: node ? { mountPath: CACHE_MOUNT_PATH, subPath: directory } : { mountPath: CACHE_MOUNT_PATH },
            initContainers: node ? [prepareContainer(fetcher.image, directory)] : undefined,
        },
    };
}

/** The claim's name for the Kubernetes name check (`<service>-model-cache`), when modelship creates it. */
export function modelCacheDerivedNames(spec: ServingSpec): DerivedKubernetesName[] {
    const cache = spec.modelCache;
    return cache?.mode === ModelCacheMode.Cluster && cache.create !== undefined ? [{ suffix: CLAIM_SUFFIX, objects: "the PersistentVolumeClaim of model.cache" }] : [];
}

/** The claim modelship creates for the cache, or undefined (no cache, node mode, or an existing `claimName`). */
export function modelCacheClaimArgs(spec: ServingSpec, namespace: pulumi.Input<string>, labels: Record<string, string>): kubernetes.core.v1.PersistentVolumeClaimArgs | undefined {
    const cache = spec.modelCache;
    if (cache?.mode !== ModelCacheMode.Cluster || cache.create === undefined) return undefined;
    return {
        metadata: { name: cache.claimName, namespace, labels },
        spec: {
            accessModes: [cache.accessMode],
            storageClassName: cache.create.storageClassName,
            resources: { requests: { storage: memoryQuantity(cache.create.sizeGiB) } },
        },
    };
}

/**
 * Creates the cache's claim. Retained on delete: removing the service (or the stack) leaves the claim and the weights
 * on its volume in the cluster instead of deleting a volume that took a long download to fill, and never fails a
 * `pulumi destroy` as `protect` would. Delete it with `kubectl delete pvc <name>-model-cache` when it is no longer
 * needed. With a `WaitForFirstConsumer` class, @pulumi/kubernetes counts the claim ready while Pending (since
 * https://github.com/pulumi/pulumi-kubernetes/pull/3130, 2024), so the Deployments that bind it are not blocked.
 */
export function createModelCacheClaim(args: kubernetes.core.v1.PersistentVolumeClaimArgs, opts: pulumi.CustomResourceOptions): kubernetes.core.v1.PersistentVolumeClaim {
    const name = (args.metadata as { name: string }).name;
    return new kubernetes.core.v1.PersistentVolumeClaim(name, args, { ...opts, retainOnDelete: true });
}

/**
 * What the stack says about a service's cold start (issue 15, docs/simulate.md "Cold start from the stack"): the
 * GpuPool that places it (matched by its placement labels), that pool's node provisioning, image cache and warm
 * headroom, and the model's size, cache and load mode, read from the plan's recorded inputs. simulate/cold-start.ts
 * turns them into seconds.
 *
 * The records are read defensively (plain data of the components' recorded inputs): a field the stack does not give,
 * or a value of an unexpected shape, is left out, and the part it would decide stays at its default.
 */
import type { ResourceRecord } from "../sdk/plan/runtime";
import { NodeProvisioning } from "../sdk/catalog/cold-start";
import { SERVING_RUNTIMES, ServingRuntime } from "../sdk/catalog/runtimes";
import { labelValue } from "../sdk/naming";
import { POOL_LABEL } from "../components/gpu-pool/placement";
import { ModelCacheMode, ModelLoadMode } from "../components/model-service/args";
import { parsePrewarmWindow, type PrewarmSchedule } from "../components/spike-autoscaler/cron";

const GPU_POOL = "modelship:index:GpuPool";
const MODEL_SERVICE = "modelship:index:ModelService";

/** The pool that places a service, as its recorded inputs say. */
export interface PoolFeatures {
    name: string;
    provisioning: NodeProvisioning;
    /** GKE image streaming (`imageCache.streaming`, on by default on gcp). */
    streaming: boolean;
    /** A GKE secondary boot disk holding the images (`imageCache.diskImage`). */
    diskImage: boolean;
    /** An EBS data volume restored from a snapshot of the images (`imageCache.snapshotId`). */
    snapshot: boolean;
    /** Images a DaemonSet pulls on every node of the pool (`imageCache.prePullImages`). */
    prePullImages: string[];
    /** Warm headroom (`headroom`): GPUs kept free, always (no windows) or in the windows. */
    headroom?: { gpus: number; windows: PrewarmSchedule[] };
}

/** What the stack says about one service's cold start. */
export interface ColdStartFeatures {
    /** The GpuPool whose placement labels the service's `kubernetes.nodeSelector` carries; undefined: none. */
    pool?: PoolFeatures;
    /** The serving image (`model.serverImage`, the runtime preset's, or `model.image`). */
    image?: string;
    runtime?: ServingRuntime;
    /** `model.cache.mode` (a {@link ModelCacheMode} value, read as recorded). */
    cache: string;
    /** `model.loadMode` (a {@link ModelLoadMode} value, read as recorded). */
    loadMode: string;
    /** `model.sizeGiB`: the weights' size. */
    sizeGiB?: number;
    /** The scheme of `model.uri` (`s3`, `gs`, `hf`, `https`); undefined when the weights are in the image. */
    uriScheme?: string;
}

const obj = (x: unknown): Record<string, unknown> => (typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const str = (x: unknown): string | undefined => (typeof x === "string" && x !== "" ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : []);

/** How the pool's nodes start, from its cloud (and `aws.karpenter`). */
const PROVISIONING: Record<string, (inputs: Record<string, unknown>) => NodeProvisioning> = {
    aws: (i) => (obj(i.aws).karpenter === true ? NodeProvisioning.Karpenter : NodeProvisioning.EksNodeGroup),
    gcp: () => NodeProvisioning.GkeNodePool,
    kubernetes: () => NodeProvisioning.Kubernetes,
};

/** The labels a pool's placement selects: its recorded `placement` output, else what placement.ts gives its nodes. */
function poolSelector(r: ResourceRecord): Record<string, string> {
    const recorded = obj(obj(r.outputs.placement).nodeSelector);
    if (Object.keys(recorded).length > 0) return Object.fromEntries(Object.entries(recorded).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    const cloud = str(r.inputs.cloud);
    if (cloud === "aws" || cloud === "gcp") return { [POOL_LABEL]: labelValue(r.name) };
    if (cloud === "kubernetes") return Object.fromEntries(Object.entries(obj(obj(r.inputs.kubernetes).nodeSelector)).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    return {};
}

function headroomOf(r: ResourceRecord): PoolFeatures["headroom"] {
    const h = obj(r.inputs.headroom);
    const gpus = num(h.gpus);
    if (gpus === undefined || gpus <= 0) return undefined;
    const windows: PrewarmSchedule[] = [];
    (Array.isArray(h.windows) ? h.windows : []).forEach((w, i) => {
        const window = obj(w);
        const schedule = str(window.schedule);
        const durationMinutes = num(window.durationMinutes);
        if (schedule === undefined || durationMinutes === undefined) return;
        const parsed = parsePrewarmWindow({ schedule, timezone: str(window.timezone), durationMinutes }, `headroom.windows[${i}]`);
        if (parsed.schedule) windows.push(parsed.schedule);
    });
    return { gpus, windows };
}

/** The pool features of a GpuPool record; undefined for a docker pool or an unknown cloud. */
export function poolFeatures(r: ResourceRecord): PoolFeatures | undefined {
    const provisioning = PROVISIONING[str(r.inputs.cloud) ?? ""];
    if (!provisioning) return undefined;
    const cache = obj(r.inputs.imageCache);
    const gcp = str(r.inputs.cloud) === "gcp";
    return {
        name: r.name,
        provisioning: provisioning(r.inputs),
        // On gcp image streaming is on unless turned off (GpuPoolImageCacheArgs.streaming).
        streaming: gcp && cache.streaming !== false,
        diskImage: gcp && str(cache.diskImage) !== undefined,
        snapshot: str(r.inputs.cloud) === "aws" && str(cache.snapshotId) !== undefined,
        prePullImages: strings(cache.prePullImages),
        headroom: headroomOf(r),
    };
}

/** The pool whose placement labels `nodeSelector` carries: all of the pool's labels, with the same values. */
export function placingPool(resources: readonly ResourceRecord[], nodeSelector: Record<string, unknown>): ResourceRecord | undefined {
    return resources.find((r) => {
        if (r.type !== GPU_POOL) return false;
        const labels = Object.entries(poolSelector(r));
        return labels.length > 0 && labels.every(([k, v]) => nodeSelector[k] === v);
    });
}

/** What the stack says about the cold start of the service `urn`; undefined for a service that is not a ModelService on Kubernetes. */
export function coldStartFeatures(resources: readonly ResourceRecord[], urn: string): ColdStartFeatures | undefined {
    const r = resources.find((x) => x.urn === urn);
    if (!r || r.type !== MODEL_SERVICE || r.inputs.target !== "kubernetes") return undefined;
    const model = obj(r.inputs.model);
    const runtime = str(model.runtime) as ServingRuntime | undefined;
    const preset = runtime && runtime in SERVING_RUNTIMES ? str(SERVING_RUNTIMES[runtime].image) : undefined;
    const uri = str(model.uri);
    const pool = placingPool(resources, obj(obj(r.inputs.kubernetes).nodeSelector));
    return {
        pool: pool && poolFeatures(pool),
        image: str(model.serverImage) ?? preset ?? str(model.image),
        runtime,
        cache: str(obj(model.cache).mode) ?? ModelCacheMode.None,
        loadMode: str(model.loadMode) ?? ModelLoadMode.Download,
        sizeGiB: num(model.sizeGiB),
        uriScheme: uri === undefined ? undefined : /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1].toLowerCase(),
    };
}

/** An image's repository, without tag or digest: `vllm/vllm-openai:v0.8.5@sha256:...` -> `vllm/vllm-openai`. */
export function imageRepository(image: string): string {
    const noDigest = image.split("@")[0];
    const slash = noDigest.lastIndexOf("/");
    const colon = noDigest.lastIndexOf(":");
    return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * Whether GKE image streaming can stream `image`: only images in Artifact Registry or public images on Docker Hub
 * (cloud.google.com/kubernetes-engine/docs/how-to/image-streaming, "Requirements"); ghcr.io and nvcr.io are pulled whole.
 */
export function streamable(image: string): boolean {
    const first = image.split("/")[0];
    const registry = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
    return registry === "docker.io" || registry === "registry-1.docker.io" || registry.endsWith("-docker.pkg.dev");
}

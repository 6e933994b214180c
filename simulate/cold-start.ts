/**
 * The cold start of a simulated service from what the stack says (simulate/cold-start-stack.ts; issue 15,
 * docs/simulate.md "Cold start from the stack"): the node, the image pull and the model load in seconds, with the
 * public measurements of sdk/catalog/cold-start.ts, each part saying where it came from, and the pool's warm headroom
 * as the simulation runs it. The `--node-seconds`, `--pull-seconds`, `--load-seconds` and `--image-gib` flags override.
 */
import {
    CACHED_PULL,
    DISK_LOAD_GB_PER_SECOND,
    DOWNLOAD_GB_PER_SECOND,
    GB_PER_GIB,
    MB_PER_MIB,
    MEASURED_PULL,
    NODE_START,
    NodeProvisioning,
    PULL_GB_PER_SECOND,
    SERVER_START,
    SHARED_FS_MIB_PER_SECOND,
    STREAM_LOAD_GB_PER_SECOND,
    STREAMED_PULL_FRACTION,
} from "../sdk/catalog/cold-start";
import { ModelCacheMode, ModelLoadMode } from "../components/model-service/args";
import { AutoscalerTarget } from "../components/spike-autoscaler/args";
import type { PrewarmSchedule } from "../components/spike-autoscaler/cron";
import { imageRepository, streamable, type ColdStartFeatures } from "./cold-start-stack";
import { prewarmFloorByMinute } from "./prewarm";
import { ColdStart, DEFAULT_COLD_START, DEFAULT_CPU_COLD_START } from "./service";

/** Where each part comes from. */
export interface ColdStartSources {
    node: string;
    pull: string;
    load: string;
    /** A replica on a freed node that ran the service: its image is there, and with a node cache its weights. */
    warmLoad: string;
    /** The pool's warm headroom; undefined when it has none. */
    headroom?: string;
}

/** The pool's warm headroom as the simulation runs it (simulate/model.ts). */
export interface HeadroomModel {
    /** GPUs kept free, billed while kept. */
    gpus: number;
    /** Replicas that fit in them. */
    replicas: number;
    /** The serving image is pre-pulled on the pool's nodes (a headroom node has it once its DaemonSet pulled it). */
    prePulled: boolean;
    /** Windows; empty: always kept. */
    windows: PrewarmSchedule[];
    /** Whether the headroom is kept in each minute of the trace (1) or not (0); undefined: always. */
    byMinute?: Int32Array;
}

/** The resolved cold start of one service. */
export interface ResolvedColdStart {
    /** On a new node. */
    coldStart: ColdStart;
    /** Seconds of model load on a freed node that ran the service. */
    warmLoadSeconds: number;
    headroom?: HeadroomModel;
    sources: ColdStartSources;
}

/** The flags that override (docs/simulate.md). */
export interface ColdStartFlags extends Partial<ColdStart> {
    /** `--image-gib`: the serving image's compressed size, GiB. */
    imageGiB?: number;
}

const whole = (s: number) => Math.round(s);
const fmt = (x: number) => String(Math.round(x * 10) / 10);

/**
 * A SageMaker instance's start: no public measurement of the launch of an ml.* GPU instance was found to source (AWS
 * documents none; ../shared/reference/serving-facts.md says only that scaling from zero "takes minutes"), so the
 * node part keeps the simulator's default, and says so. SageMaker then pulls the image from ECR onto the new instance
 * and loads the model, as the image and load parts say.
 */
const SAGEMAKER_INSTANCE = 'SageMaker instance start: no public measurement sourced (AWS documents none; scaling from zero "takes minutes"), so the simulator\'s';

function nodePart(f: ColdStartFeatures | undefined, flags: ColdStartFlags, target?: AutoscalerTarget): { seconds: number; source: string } {
    if (flags.nodeSeconds !== undefined) return { seconds: flags.nodeSeconds, source: "flag --node-seconds" };
    const fact = NODE_START[f?.pool?.provisioning ?? NodeProvisioning.Unknown];
    if (target === AutoscalerTarget.AwsSageMaker) return { seconds: fact.value, source: `${SAGEMAKER_INSTANCE} ${fact.source}` };
    // No features: not a ModelService on Kubernetes (nothing to match); features without a pool: none places it.
    return { seconds: fact.value, source: f?.pool ? `pool ${f.pool.name}: ${fact.source}` : f ? `no GpuPool in the stack places it; ${fact.source}` : fact.source };
}

function pullPart(f: ColdStartFeatures | undefined, flags: ColdStartFlags): { seconds: number; source: string } {
    if (flags.pullSeconds !== undefined) return { seconds: flags.pullSeconds, source: "flag --pull-seconds" };
    const size =
        flags.imageGiB !== undefined
            ? { gb: flags.imageGiB * GB_PER_GIB, source: `a ${fmt(flags.imageGiB)} GiB image (flag --image-gib)` }
            : { gb: MEASURED_PULL.imageGB, source: `image size unknown: the measured one, ${MEASURED_PULL.source}` };
    const uncached = size.gb / PULL_GB_PER_SECOND;
    const pool = f?.pool;
    if (pool?.snapshot) return { seconds: CACHED_PULL.value, source: `pool ${pool.name} image cache, EBS snapshot: ${CACHED_PULL.source}` };
    if (pool?.diskImage) return { seconds: CACHED_PULL.value, source: `pool ${pool.name} image cache, GKE secondary boot disk: ${CACHED_PULL.source}` };
    if (pool?.streaming && f?.image && streamable(f.image)) {
        const seconds = whole(uncached * STREAMED_PULL_FRACTION.value);
        return {
            seconds,
            source: `pool ${pool.name} GKE image streaming: ${fmt(100 * STREAMED_PULL_FRACTION.value)}% of the ${whole(uncached)} s pull of ${size.source}; ${STREAMED_PULL_FRACTION.source}`,
        };
    }
    const note = pool?.streaming && f?.image ? ` (${f.image} is not in Artifact Registry or on Docker Hub: GKE cannot stream it)` : "";
    return { seconds: whole(uncached), source: `uncached pull of ${size.source}${note}` };
}

/** The model load on a new node and on a freed node that ran the service. */
function loadPart(f: ColdStartFeatures | undefined, flags: ColdStartFlags): { seconds: number; warm: number; source: string; warmSource: string } {
    if (flags.loadSeconds !== undefined) return { seconds: flags.loadSeconds, warm: flags.loadSeconds, source: "flag --load-seconds", warmSource: "flag --load-seconds" };
    const fallback = DEFAULT_COLD_START.loadSeconds;
    if (f?.sizeGiB === undefined) {
        const source = `default: ~1 min+ for 1 GB through KServe's storage initializer (kserve#2529)${f ? "; give model.sizeGiB to derive it" : ""}`;
        return { seconds: fallback, warm: fallback, source, warmSource: source };
    }
    const gb = f.sizeGiB * GB_PER_GIB;
    const start = SERVER_START.value;
    const disk = gb / DISK_LOAD_GB_PER_SECOND.value;
    const size = `model.sizeGiB ${fmt(f.sizeGiB)}`;
    const startText = `+ ${fmt(start)} s server start (${SERVER_START.source})`;
    const diskText = `${fmt(disk)} s read into GPU memory (${DISK_LOAD_GB_PER_SECOND.source})`;
    if (f.uriScheme === undefined) {
        const s = whole(disk + start);
        const source = `${size}, weights in the image: ${diskText} ${startText}`;
        return { seconds: s, warm: s, source, warmSource: source };
    }
    // The pinned vLLM streams from s3:// only (components/model-service/load-mode.ts); the component refuses the rest.
    if (f.loadMode === ModelLoadMode.Stream && f.uriScheme === "s3") {
        const stream = gb / STREAM_LOAD_GB_PER_SECOND.value;
        const source = `${size}, streamed from s3:// (model.loadMode stream): ${fmt(stream)} s (${STREAM_LOAD_GB_PER_SECOND.source}) ${startText}`;
        return { seconds: whole(stream + start), warm: whole(stream + start), source, warmSource: source };
    }
    if (f.cache === ModelCacheMode.Cluster) {
        const fsGbps = (SHARED_FS_MIB_PER_SECOND.value * MB_PER_MIB) / 1000;
        const rate = Math.min(fsGbps, DISK_LOAD_GB_PER_SECOND.value);
        const binds = rate === fsGbps ? `the file system binds: ${SHARED_FS_MIB_PER_SECOND.source}` : `the loader binds, below ${SHARED_FS_MIB_PER_SECOND.source}`;
        const source = `${size}, cached per cluster (model.cache.mode cluster): ${fmt(gb / rate)} s read from the shared volume into GPU memory (${DISK_LOAD_GB_PER_SECOND.source}; ${binds}) ${startText}`;
        return { seconds: whole(gb / rate + start), warm: whole(gb / rate + start), source, warmSource: source };
    }
    const download = gb / DOWNLOAD_GB_PER_SECOND.value;
    const downloaded = `${fmt(download)} s download (${DOWNLOAD_GB_PER_SECOND.source}) + ${diskText} ${startText}`;
    if (f.cache === ModelCacheMode.Node) {
        return {
            seconds: whole(download + disk + start),
            warm: whole(disk + start),
            source: `${size}, cached per node (model.cache.mode node), first replica on a node: ${downloaded}`,
            warmSource: `${size}, cached per node, on a node that ran it: ${diskText} ${startText}`,
        };
    }
    const source = `${size}, downloaded into each pod: ${downloaded}`;
    return { seconds: whole(download + disk + start), warm: whole(download + disk + start), source, warmSource: source };
}

function headroomPart(f: ColdStartFeatures | undefined, gpusPerReplica: number): { headroom?: HeadroomModel; source?: string } {
    const h = f?.pool?.headroom;
    if (!h || !f?.pool) return {};
    const replicas = Math.floor(h.gpus / Math.max(1, gpusPerReplica));
    const when =
        h.windows.length === 0
            ? "always"
            : `in ${h.windows.length} window${h.windows.length > 1 ? "s" : ""} (${h.windows.map((w) => `${w.expression} ${w.timezone}, ${w.durationMinutes} min`).join("; ")})`;
    if (replicas === 0) return { source: `pool ${f.pool.name} keeps ${h.gpus} GPU${h.gpus > 1 ? "s" : ""} free ${when}: too few for one replica of ${gpusPerReplica} GPUs, so no replica uses it` };
    const prePulled = f.image !== undefined && f.pool.prePullImages.some((i) => imageRepository(i) === imageRepository(f.image ?? ""));
    const image = prePulled ? "the image pre-pulled on it (prePullImages)" : "the image pulled when a replica lands (not in prePullImages)";
    return {
        headroom: { gpus: h.gpus, replicas, prePulled, windows: h.windows },
        source: `pool ${f.pool.name} keeps ${h.gpus} GPU${h.gpus > 1 ? "s" : ""} free ${when}: ${replicas} replica${replicas > 1 ? "s skip" : " skips"} the node start, ${image}; refilled one node start later (cluster-overprovisioner pattern)`,
    };
}

/**
 * The cold start of a replica with `gpusPerReplica` GPUs (0: CPU) from the stack's features (undefined: none known),
 * with the flags over them. A stack without any of the features gives the documented defaults (120 + 334 + 60 s); on
 * `target` aws-sagemaker the node is the instance's start (no sourced figure: the default, said so).
 */
export function resolveColdStart(features: ColdStartFeatures | undefined, gpusPerReplica: number, flags: ColdStartFlags = {}, target?: AutoscalerTarget): ResolvedColdStart {
    if (gpusPerReplica <= 0) {
        const cpu = "CPU default (docs/simulate.md)";
        // --image-gib sizes a CPU image too, at the same measured rate; --pull-seconds wins over it.
        const sized = flags.imageGiB !== undefined && flags.pullSeconds === undefined;
        const pull = sized ? { pullSeconds: whole(((flags.imageGiB ?? 0) * GB_PER_GIB) / PULL_GB_PER_SECOND) } : {};
        const coldStart = { ...DEFAULT_CPU_COLD_START, ...pull, ...definedParts(flags) };
        const source = (flag: keyof ColdStart, name: string) => (flags[flag] !== undefined ? `flag --${name}` : cpu);
        return {
            coldStart,
            warmLoadSeconds: coldStart.loadSeconds,
            sources: {
                node: source("nodeSeconds", "node-seconds"),
                pull: sized ? `uncached pull of a ${fmt(flags.imageGiB ?? 0)} GiB image (flag --image-gib)` : source("pullSeconds", "pull-seconds"),
                load: source("loadSeconds", "load-seconds"),
                warmLoad: source("loadSeconds", "load-seconds"),
            },
        };
    }
    const node = nodePart(features, flags, target);
    const pull = pullPart(features, flags);
    const load = loadPart(features, flags);
    const headroom = headroomPart(features, gpusPerReplica);
    return {
        coldStart: { nodeSeconds: node.seconds, pullSeconds: pull.seconds, loadSeconds: load.seconds },
        warmLoadSeconds: load.warm,
        ...(headroom.headroom && { headroom: headroom.headroom }),
        sources: { node: node.source, pull: pull.source, load: load.source, warmLoad: load.warmSource, ...(headroom.source && { headroom: headroom.source }) },
    };
}

function definedParts(flags: ColdStartFlags): Partial<ColdStart> {
    return Object.fromEntries(Object.entries({ nodeSeconds: flags.nodeSeconds, pullSeconds: flags.pullSeconds, loadSeconds: flags.loadSeconds }).filter(([, v]) => v !== undefined));
}

/** The headroom on a trace's clock: whether it is kept in each minute (windows through the pre-warming code). */
export function headroomOnClock(headroom: HeadroomModel, start: Date, seconds: number): HeadroomModel {
    if (headroom.windows.length === 0) return headroom;
    const byMinute = prewarmFloorByMinute(
        headroom.windows.map((schedule) => ({ schedule, replicas: 1 })),
        start,
        seconds,
    );
    return { ...headroom, byMinute };
}

/** Whether the headroom is kept at second t. */
export function headroomKept(h: HeadroomModel, t: number): boolean {
    if (!h.byMinute) return true;
    const m = Math.floor(t / 60);
    return m < h.byMinute.length && h.byMinute[m] > 0;
}

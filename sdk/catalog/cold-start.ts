/**
 * What a GPU replica's cold start is made of, as public measurements: the node, the image pull and the model load,
 * each fact with its source (docs/cold-starts.md). `modelship simulate` reads a stack's cold-start features (image
 * cache, model cache, load mode, headroom: simulate/cold-start.ts) and turns them into seconds with these figures.
 * A figure that is not measured anywhere is said to be an assumption, with the reason.
 */
/** A number and where it comes from. */
export interface ColdStartFact {
    value: number;
    source: string;
}

/** How a pool's GPU nodes are started. */
export enum NodeProvisioning {
    /** An EKS managed node group grown by the Cluster Autoscaler. */
    EksNodeGroup = "eks-node-group",
    /** Karpenter's NodePool on EKS. */
    Karpenter = "karpenter",
    /** A GKE node pool grown by GKE's cluster autoscaler. */
    GkeNodePool = "gke-node-pool",
    /** The team's own cluster: whatever adds its GPU nodes. */
    Kubernetes = "kubernetes",
    /** No pool in the stack places the service. */
    Unknown = "unknown",
}

const NODE_COMMON_CASE = "~45 s at best, often 2-10 min (kserve#1247, aws-samples/comfyui-on-eks#9): 120 s, the common case's low end";

/** Seconds from a pending pod to a GPU node that can run it, per provisioning. */
export const NODE_START: Record<NodeProvisioning, ColdStartFact> = {
    [NodeProvisioning.EksNodeGroup]: { value: 120, source: `EKS managed node group: ${NODE_COMMON_CASE}` },
    [NodeProvisioning.Karpenter]: {
        value: 60,
        source: "Karpenter: about a minute (a first Ready node in 47 s against 3 min 58 s with the Cluster Autoscaler on the same EKS cluster, techplained.aptechsolutions.io/karpenter-vs-cluster-autoscaler; a CPU node: a GPU AMI boots slower)",
    },
    [NodeProvisioning.GkeNodePool]: { value: 120, source: `GKE node pool: ${NODE_COMMON_CASE}` },
    [NodeProvisioning.Kubernetes]: { value: 120, source: `your own cluster: ${NODE_COMMON_CASE}` },
    [NodeProvisioning.Unknown]: { value: 120, source: `default: ${NODE_COMMON_CASE}` },
};

/**
 * The measured uncached pull: a 9.5 GB PyTorch image in 334 s (terraform-aws-eks-blueprints ml-container-cache). The
 * presets' server images (vllm/vllm-openai, TGI, Triton, TorchServe) are CUDA/PyTorch images of the same kind; their
 * compressed sizes could not be read from their registries here, so every image is taken at this size unless
 * `--image-gib` gives its own.
 */
export const MEASURED_PULL = { imageGB: 9.5, seconds: 334, source: "334 s for a 9.5 GB PyTorch image uncached (terraform-aws-eks-blueprints ml-container-cache)" } as const;

/** GB a second of an uncached pull, from {@link MEASURED_PULL}. */
export const PULL_GB_PER_SECOND = MEASURED_PULL.imageGB / MEASURED_PULL.seconds;

/**
 * The image from a cache on the node's own disk: an EBS data volume restored from a snapshot holding the containerd
 * store (EKS, Karpenter), or a GKE secondary boot disk in CONTAINER_IMAGE_CACHE mode.
 */
export const CACHED_PULL: ColdStartFact = {
    value: 5,
    source: "< 5 s for the 9.5 GB image from a cached EBS snapshot (terraform-aws-eks-blueprints ml-container-cache); a GKE secondary boot disk, the same mechanism, assumed the same",
};

/**
 * GKE image streaming: the container runs within a couple of seconds whatever its size, and reads the rest of the
 * image over the network as it needs it (cloud.google.com/blog, "Introducing GKE image streaming", 2021). A model
 * server reads most of its image (CUDA, PyTorch) at start, which GKE's documentation warns slows the start; the one
 * measurement of such an image is a deep-learning container created in 20 s instead of 3 min 50 s: the pull is
 * taken as that fraction of the uncached pull.
 */
export const STREAMED_PULL_FRACTION: ColdStartFact = {
    value: 20 / 230,
    source: "a deep-learning image started in 20 s instead of 3 min 50 s with streaming (roastidio.us/topic/8750009); assumed for a model server, which reads most of its image at start",
};

/**
 * The Run:ai Model Streamer benchmarks (github.com/run-ai/runai-model-streamer, docs/src/benchmarks.md, read at commit
 * f73a19ac): Meta-Llama-3-8B, 15 GB of safetensors, on one A10G of a g5.12xlarge, vLLM 0.5.5, cold caches.
 */
const RUNAI = "Run:ai streamer benchmarks, Llama-3-8B on a g5.12xlarge";
const RUNAI_MODEL_GB = 15;

/**
 * GB a second of a plain download from object storage to one node. The init step runs `aws s3 sync`, `gcloud storage
 * rsync` or `huggingface-cli download` with a few requests at once; the Run:ai benchmark read S3 at 15 GB in 28.24 s
 * with 4 concurrent readers (8.45 s with 16): the 4-reader figure, conservative, stands for all three.
 */
export const DOWNLOAD_GB_PER_SECOND: ColdStartFact = { value: RUNAI_MODEL_GB / 28.24, source: `S3 to one node, 4 readers: 15 GB in 28.24 s (${RUNAI}, appendix C)` };

/**
 * GB a second of vLLM's default loader reading safetensors from the node's disk into GPU memory: 15 GB in 47.99 s on
 * a gp3 volume provisioned at 1,000 MiB/s (the loader, not the disk, binds: the streamer reads the same disk in 14.34 s).
 */
export const DISK_LOAD_GB_PER_SECOND: ColdStartFact = { value: RUNAI_MODEL_GB / 47.99, source: `vLLM's safetensors loader, local disk to GPU: 15 GB in 47.99 s (${RUNAI}, appendix A)` };

/** GB a second of the Run:ai Model Streamer from S3 into GPU memory (vLLM `--load-format runai_streamer`). */
export const STREAM_LOAD_GB_PER_SECOND: ColdStartFact = {
    value: RUNAI_MODEL_GB / 4.88,
    source: `Run:ai streamer from S3 into GPU memory, 32 readers: 15 GB in 4.88 s (${RUNAI}, appendix C)`,
};

/** Seconds from the weights in GPU memory to a server that answers: CUDA init, profiling, CUDA graph capture. */
export const SERVER_START: ColdStartFact = {
    value: 23.18 - 4.88,
    source: `vLLM ready in 23.18 s with the weights loaded in 4.88 s (${RUNAI}, appendices C, D)`,
};

/**
 * MiB a second one client reads from a shared file system: Amazon EFS in General Purpose mode, 500 MiB/s per client
 * with provisioned or bursting throughput, 1,500 with elastic (docs.aws.amazon.com/efs/latest/ug/performance.html).
 * The lower figure is taken; Filestore's per-client figure is not verified here and assumed no lower.
 */
export const SHARED_FS_MIB_PER_SECOND: ColdStartFact = {
    value: 500,
    source: "EFS 500 MiB/s per client (docs.aws.amazon.com/efs/latest/ug/performance.html; Filestore assumed no lower)",
};

/** GB in a GiB. */
export const GB_PER_GIB = 1.073741824;

/** MB in a MiB. */
export const MB_PER_MIB = 1.048576;

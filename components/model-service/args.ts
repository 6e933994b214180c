/**
 * The public arguments of ModelService. Multi-language rules apply (see README, "Using modelship from
 * other languages"): no unions, enums instead; one optional settings block per target, checked at run time.
 */
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { ServingRuntime } from "../../sdk/catalog/runtimes";
import type { AutoscalingArgs, KubernetesScalingArgs } from "../spike-autoscaler/args";

/** Where a ModelService runs. */
export enum Target {
    /** Any Kubernetes cluster (EKS, GKE or your own): Deployment, Service, PodDisruptionBudget, optional HTTPRoute. */
    Kubernetes = "kubernetes",
    /** An AWS SageMaker real-time or serverless endpoint. */
    AwsSageMaker = "aws-sagemaker",
    /** An AWS Lambda function from a container image (CPU models only). */
    AwsLambda = "aws-lambda",
    /** A GCP Cloud Run service (CPU, or one NVIDIA L4 GPU per instance). */
    GcpCloudRun = "gcp-cloudrun",
    /** The local Docker engine (GPU passthrough on request). */
    Docker = "docker",
}

/** The model servers (a preset each): declared with their table in sdk/catalog/runtimes, part of this public API. */
export { ServingRuntime };

/** How a ModelService's server gets the weights of its artifact URI (`model.loadMode`). */
export enum ModelLoadMode {
    /** A fetcher downloads the artifact into /models (an archive unpacked) before the server starts. */
    Download = "download",
    /**
     * The server streams the weights from object storage into GPU memory as it loads them: vLLM's Run:ai model streamer
     * (`--load-format runai_streamer`) from `s3://`, with no download step and no copy on disk.
     */
    Stream = "stream",
}

/** How callers of a public endpoint authenticate. */
export enum AuthMode {
    /** No authentication. Allowed only when chosen explicitly together with `public: true`. */
    None = "none",
    /** An API key that the gateway checks; the keys are given as Pulumi secrets in the target settings (Kubernetes `apiKeys`). */
    ApiKey = "api-key",
    /** The cloud's IAM (SigV4 on AWS, IAM invoker on Cloud Run). */
    Iam = "iam",
    /** JSON Web Tokens checked against an issuer's keys. */
    Jwt = "jwt",
}

/** The model to serve: a container image, or an artifact URI served by a runtime preset. */
export interface ModelArgs {
    /**
     * Container image that serves the model, for example `registry/llm@sha256:...`. Pin by digest: a mutable
     * tag is accepted with a warning, since the same tag can serve different models over time.
     * Give either `image`, or `uri` with a `runtime`. No default.
     */
    image?: pulumi.Input<string>;
    /**
     * Model artifact to download at start: `s3://bucket/prefix`, `gs://bucket/prefix`, `https://host/path`, or
     * `hf://org/name` with an optional revision `hf://org/name@revision` (a commit sha, a tag or a branch: only a
     * 40-character commit sha is truly pinned, and a branch or tag is accepted with a warning). An `s3://`, `gs://` or
     * `https://` URI ending in `.tar.gz` (SageMaker's `model.tar.gz`) is an archive, unpacked into /models as it downloads
     * on `kubernetes` and `docker` and by SageMaker itself on `aws-sagemaker`. Served by the `runtime` preset's server
     * image. No default.
     */
    uri?: string;
    /** Server preset. Defaults to `custom` with `image`, and is required with `uri`. */
    runtime?: ServingRuntime;
    /**
     * Overrides the preset's server image (with `uri`). Defaults to the preset's pinned release image; on target
     * `aws-sagemaker`, to AWS's SageMaker container for the runtime in the endpoint's region (vllm: the Large Model
     * Inference container, tgi: the Hugging Face TGI container), and required for the other runtimes.
     */
    serverImage?: pulumi.Input<string>;
    /**
     * The model name OpenAI-compatible clients send in the `model` field (vLLM's `--served-model-name`; on SageMaker the
     * LMI container's `OPTION_SERVED_MODEL_NAME`). Every version of a canary serves this one name. Only with
     * `runtime: vllm` and `uri`. Defaults to the Hugging Face id of an `hf://org/name` `uri` (`org/name`), else the
     * ModelService's resource name.
     */
    servedModelName?: string;
    /** Port the server listens on. Defaults to the preset's port (8080 for `custom`). */
    port?: number;
    /** Path of the readiness check. Defaults to the preset's (`/` for `custom`). */
    readinessPath?: string;
    /** Path of the liveness check. Defaults to the preset's (the readiness path for `custom`). */
    livenessPath?: string;
    /** Path of the startup check. Defaults to the readiness path. */
    startupPath?: string;
    /** Path of the Prometheus metrics endpoint. Defaults to the preset's (none for `custom`). */
    metricsPath?: string;
    /** Port of the metrics endpoint. Defaults to the preset's metrics port, else `port`. */
    metricsPort?: number;
    /**
     * Longest time the model may take to load before the server is considered failed, in seconds. Sizes the
     * startup probe and health-check grace periods. Defaults to 600 (10 min: GPU node, image pull and model
     * load together; see README "Cold starts").
     */
    startupTimeoutSeconds?: number;
    /**
     * How the server gets the weights of `uri`: `download` (a fetcher copies them into /models before the server starts)
     * or `stream` (vLLM's Run:ai model streamer reads the safetensors from `s3://` straight into GPU memory: no download
     * step and no /models volume; `runtime: vllm` on targets `kubernetes` and `docker` only, not with `model.cache`). The
     * streamer reads the bucket with the pod's credentials: on EKS an IAM role through
     * `kubernetes.serviceAccountAnnotations` (`eks.amazonaws.com/role-arn`), on Docker AWS keys in `secrets`. Defaults
     * to `download`. See docs/cold-starts.md, "Loading the weights".
     */
    loadMode?: ModelLoadMode;
    /**
     * Size of the model's weights in GiB, a positive number (for example 15 for a 7B model in bf16). Read by the
     * cold-start estimate of `modelship simulate` (the model load) and to size a `cluster` model cache. Defaults to none
     * (unknown: the simulator uses its default load time, the cache its default size).
     */
    sizeGiB?: number;
    /**
     * Where the weights of `uri` are kept between pods (`target: kubernetes` only): downloaded once per node, once per
     * cluster, or by every pod. Defaults to mode `none` (each pod downloads into its own emptyDir). See
     * docs/cold-starts.md, "Model cache".
     */
    cache?: ModelCacheArgs;
}

/** Where a ModelService keeps the downloaded weights of its artifact URI. */
export enum ModelCacheMode {
    /** No cache: every pod downloads the artifact into its own emptyDir at start. */
    None = "none",
    /**
     * Once per node: a hostPath directory under `nodePath`, one subdirectory per service and artifact URI, shared by the
     * pods of that model and version on the node. hostPath volumes are refused by the `baseline` and `restricted` Pod
     * Security Standards, and the pods run one root init container (capability CHOWN only) that hands the directory to
     * the non-root user: the namespace must allow both (`pod-security.kubernetes.io/enforce: privileged`).
     */
    Node = "node",
    /**
     * Once per cluster: a PersistentVolumeClaim on `storageClassName` (EFS, Filestore, FSx, Azure Files), mounted by
     * every replica; the pods keep the restricted Pod Security Standard.
     */
    Cluster = "cluster",
}

/** The access mode of the model cache's PersistentVolumeClaim. */
export enum ModelCacheAccessMode {
    /** Read-write by pods on many nodes: the pods download each version once into the claim. */
    ReadWriteMany = "ReadWriteMany",
    /**
     * Read-only by pods on many nodes: the existing claim `claimName` already holds the weights at its root (pods cannot
     * write such a claim, so nothing is downloaded). For volumes populated outside the service, such as a GKE
     * Hyperdisk ML or a persistent disk restored from a snapshot.
     */
    ReadOnlyMany = "ReadOnlyMany",
}

/** The model cache of a ModelService on Kubernetes (`model.cache`). */
export interface ModelCacheArgs {
    /** Where the weights are kept: `none`, `node` or `cluster`. No default when the block is given. */
    mode: ModelCacheMode;
    /**
     * StorageClass of the claim modelship creates (`mode: cluster`): one that offers `accessMode`, for example `efs-sc`
     * (EKS, EFS CSI driver), `standard-rwx` (GKE Filestore) or `azurefile-csi` (AKS). Classes known to lack the access
     * mode (EBS `gp2`/`gp3`/`ebs-sc`, GKE `standard`/`standard-rwo`/`premium-rwo`, AKS disks, `local-path`) are refused;
     * other names are accepted as given. Required in mode `cluster` without `claimName`; no default.
     */
    storageClassName?: string;
    /** Access mode of the claim (`mode: cluster`). Defaults to `ReadWriteMany`; `ReadOnlyMany` needs `claimName`. */
    accessMode?: ModelCacheAccessMode;
    /**
     * Size of the claim modelship creates in GiB (`mode: cluster`; EFS bills what is stored, disks and Filestore the size
     * provisioned, Filestore at least its tier's minimum, 1 TiB for most tiers).
     * Defaults to twice `model.sizeGiB` when given (the new version downloads while the old one still serves), else 100.
     */
    sizeGiB?: number;
    /**
     * An existing PersistentVolumeClaim in the namespace to use instead of creating one (`mode: cluster`): required with
     * `accessMode: ReadOnlyMany` (it holds the weights at its root), optional with `ReadWriteMany` (for example one EFS
     * claim shared by several services). Not with `storageClassName` or `sizeGiB`. Defaults to none (modelship creates
     * the claim `<name>-model-cache`).
     */
    claimName?: string;
    /**
     * Directory on each node that holds the cache (`mode: node`): an absolute path without `..`. Defaults to
     * `/var/lib/modelship/models`.
     */
    nodePath?: string;
}

/** A GPU request. */
export interface GpuArgs {
    /**
     * Number of GPUs per replica. Defaults to 1. More than one shards the model over them: the preset adds vLLM's
     * `--tensor-parallel-size N` or TGI's `--num-shard N` (on SageMaker `TENSOR_PARALLEL_DEGREE`, `SM_NUM_GPUS`) unless
     * `args` sets it; Triton and TorchServe place model instances or workers on the GPUs themselves.
     */
    count?: number;
    /** Accelerator from the catalog, for example `l4` or `a100-80gb`. No default: always name it. */
    accelerator: Accelerator;
}

/** Compute per replica. */
export interface ResourcesArgs {
    /** vCPUs per replica, fractions allowed (0.5). Defaults to 1, or 4 per GPU with a GPU. */
    cpu?: number;
    /** Memory per replica in GiB. Defaults to 2, or 16 per GPU with a GPU. */
    memoryGiB?: number;
    /** GPUs per replica. Defaults to none (CPU only). */
    gpu?: GpuArgs;
    /**
     * Shared memory (`/dev/shm`) in GiB, which multi-GPU servers use for NCCL and tensor-parallel
     * workers. Defaults to 1 per GPU with more than one GPU, else the platform default.
     */
    sharedMemoryGiB?: number;
}

/** How requests reach a ModelService's replicas (`scaling.mode`). */
export enum ScalingMode {
    /** Callers hold an HTTP request open until a replica answers it; requests beyond capacity wait at the endpoint and may time out. */
    Http = "http",
    /**
     * Callers submit requests to a durable queue and fetch each result later by its id; replicas take requests at their
     * own pace, and the replica count follows the backlog, to and from zero. On `aws-sagemaker`: SageMaker asynchronous
     * inference (docs/scaling.md, "Queue mode"); on `kubernetes`: a consumer beside the model server and KEDA on the
     * queue's backlog (`kubernetes.queue`, docs/queue-mode.md). On `gcp-cloudrun`: a Pub/Sub topic whose push
     * subscription delivers each request to a consumer beside the model server (docs/queue-mode.md, "Cloud Run"). On
     * `docker`: a local Redis stream and modelship's queue consumer beside the server, one replica (docs/queue-mode.md, "On Docker").
     */
    Queue = "queue",
}

/**
 * The queue of a ModelService in queue mode (`scaling.queue`). Every field has a default; the same block serves every
 * target that offers queue mode, each field saying where it applies.
 */
export interface QueueArgs {
    /**
     * Longest time a request may wait in the queue before it expires unanswered, in seconds. At least the cold start
     * (`model.startupTimeoutSeconds`) plus `requestTimeoutSeconds`, so that a request that arrives at zero replicas is
     * served by the first one. 60 to 1209600 (14 days); on `aws-sagemaker` at most 21600: the `RequestTTLSeconds` clients pass to
     * InvokeEndpointAsync (SageMaker's own default and maximum are 21600, 6 hours), which also sets when the bucket
     * deletes request payloads; on Pub/Sub (`gcp-cloudrun`, and `kubernetes` with `gcp-pubsub`) at least 600: the
     * subscription's `messageRetentionDuration` (10 minutes to 31 days). Not on `docker`, whose Redis stream keeps a
     * request until it is served: nothing expires. Defaults to 21600.
     */
    retentionSeconds?: number;
    /**
     * Longest time one request may take on a replica, in seconds, 1 to 3600: on `aws-sagemaker` the
     * `InvocationTimeoutSeconds` clients pass to InvokeEndpointAsync (a request still running then fails); on `gcp-cloudrun`
     * the consumer's `REQUEST_TIMEOUT`, at most 540 (Pub/Sub waits at most 600 s for a push to be answered, and the
     * consumer keeps 60 s to check for and write the result); on `docker` the consumer's timeout of its call to the
     * server (`REQUEST_TIMEOUT`). Defaults to 900 (SageMaker's default, 15 minutes); on `gcp-cloudrun` to 300 (Cloud
     * Run's default request timeout).
     */
    requestTimeoutSeconds?: number;
    /**
     * Deliveries of one request before it goes to the dead-letter queue, 1 to 1000, for queues that deliver a request
     * again when a replica fails it: the consumer's `MAX_DELIVERIES` and the queue's limit, on SQS (`kubernetes` with
     * `aws-sqs`) the queue's `maxReceiveCount`, on Pub/Sub (`gcp-cloudrun`, and `kubernetes` with `gcp-pubsub`) the
     * subscription's `maxDeliveryAttempts`, 5 to 100 (Pub/Sub's bounds); on `docker` the last attempt writes a `failed`
     * result and moves the request to the dead-letter stream. Not on `aws-sagemaker`, which does not retry: a failed
     * request is written to the failure location and announced on the error topic. Defaults to 5 where the consumer
     * runs (the consumer's default, docs/queue-mode.md); none on `aws-sagemaker`.
     */
    maxDeliveries?: number;
    /**
     * Requests one replica takes from the queue at once, 1 to 1000: on `aws-sagemaker` the endpoint's
     * `MaxConcurrentInvocationsPerInstance`; on `kubernetes` the consumer's `CONCURRENCY`, and the backlog per replica KEDA
     * targets unless `scaling.autoscaling.metricTarget` says otherwise; on `gcp-cloudrun` the service's
     * `maxInstanceRequestConcurrency` (the pushes an instance takes at once; not together with `cloudRun.concurrency` or
     * `scaling.autoscaling.metricTarget`, which set the same cap); on `docker` the requests the consumer sends the server
     * at once (`CONCURRENCY`). Defaults to the target's own choice (SageMaker picks a value for the container; Cloud Run:
     * `cloudRun.concurrency`'s default; on `kubernetes` and `docker` the in-flight requests the autoscaler targets per
     * replica: 4 with a GPU, 70 without).
     */
    concurrencyPerReplica?: number;
    /**
     * Days results and failures are kept for clients to fetch before they are deleted, 1 to 365 (an S3 lifecycle rule on
     * `aws-sagemaker`). Not on `docker`, where results stay in Redis until deleted (`DEL result:<id>.json`). Defaults to 7.
     */
    resultRetentionDays?: number;
    /**
     * The server path the queue consumer posts each request's body to, on loopback, on the targets where modelship's
     * consumer runs beside the server (`gcp-cloudrun`, `kubernetes`, `docker`). Defaults to the runtime's:
     * `/v1/chat/completions` for `vllm` and `tgi` (their OpenAI-compatible chat API); required with `torchserve`
     * (`/predictions/<model name>`), `triton` (`/v2/models/<model name>/infer`) and `custom`. Not on `aws-sagemaker`,
     * which calls the container's `/invocations` itself.
     */
    inferencePath?: string;
}

/**
 * How clients use a ModelService in queue mode (its `queue` output); every field is empty in HTTP mode. On
 * `aws-sagemaker` (docs/scaling.md, "Queue mode"): upload the request body under `inputLocation`, call
 * InvokeEndpointAsync with it (SigV4, `sagemaker:InvokeEndpointAsync`), then read the result at the OutputLocation the
 * call returns (under `outputLocation`), or its error under `failureLocation`; or subscribe to the two topics. On
 * `gcp-cloudrun` (docs/queue-mode.md, "Cloud Run"): publish the request body to the `submitUrl` topic with a `request-id`
 * attribute, then read `<outputLocation><request-id>.json`.
 */
export interface ModelServiceQueueOutputs {
    /**
     * Where clients submit: the URL of InvokeEndpointAsync for this endpoint (`.../endpoints/<name>/async-invocations`) on
     * `aws-sagemaker`; the Pub/Sub topic (`projects/<p>/topics/<t>`) on `gcp-cloudrun`; on `docker` the queue's Redis,
     * `redis://127.0.0.1:<docker.queueHostPort>/0`, where clients `XADD` to the stream `requests`.
     */
    submitUrl: string;
    /** The S3 prefix clients upload request bodies under, `s3://<bucket>/inputs/`; empty where the body travels in the message. */
    inputLocation: string;
    /**
     * The prefix results are written under: `s3://<bucket>/outputs/` (one object per inference id); `gs://<bucket>/results/`
     * on `gcp-cloudrun` (`<request-id>.json`); on `docker` the Redis key prefix, `redis://127.0.0.1:<port>/0/result:` (the
     * record of a request is the key `result:<request-id>.json`).
     */
    outputLocation: string;
    /** The prefix failures are written under: `s3://<bucket>/failures/`; elsewhere the results prefix (a record with `outcome: failed`). */
    failureLocation: string;
    /** ARN of the SNS topic told of every result; empty on `gcp-cloudrun`. */
    successTopicArn: string;
    /** ARN of the SNS topic told of every failure; empty on `gcp-cloudrun`. */
    errorTopicArn: string;
    /**
     * Where requests go after `scaling.queue.maxDeliveries` failed deliveries: an SQS queue URL or a Pub/Sub topic
     * (`projects/<p>/topics/<t>`); on `docker` the Redis stream `redis://127.0.0.1:<port>/0/requests:dead-letter`; empty
     * on `aws-sagemaker`, which writes failures under `failureLocation` instead.
     */
    deadLetterQueue: string;
}

/** Replica bounds, and the autoscaling spec between them. */
export interface ScalingArgs {
    /**
     * How requests reach the replicas: `http` (callers wait for the answer) or `queue` (callers submit to a durable
     * queue and fetch results by id; the replicas follow the backlog and may scale to zero). Defaults to `http`.
     */
    mode?: ScalingMode;
    /** The queue, with `mode: queue`. Defaults to the defaults of each field in queue mode; nothing with `http`. */
    queue?: QueueArgs;
    /** Fixed replica count, at most 10,000. Defaults to 1 when neither `replicas` nor `minReplicas`/`maxReplicas` is set. */
    replicas?: number;
    /** Fewest replicas, at most 10,000. Defaults to `replicas`, else 1. */
    minReplicas?: number;
    /** Most replicas, at most 10,000. Defaults to `replicas`, else the larger of `minReplicas` and 1 (`minReplicas: 0` alone allows 1); required with `autoscaling`. */
    maxReplicas?: number;
    /**
     * Autoscale between `minReplicas` and `maxReplicas` (the SpikeAutoscaler's spec, inline): the metric, burst and
     * scale-down speed, pre-warming windows and a budget cap. Defaults to none (on Kubernetes the Deployment then stays
     * at `minReplicas`; SageMaker scales on invocations per instance when `maxReplicas` exceeds `minReplicas`, and in queue
     * mode on its backlog per instance, metric `queue-depth` with a target of 5; on Kubernetes in queue mode KEDA scales on
     * the queue's backlog, metric `queue-depth` with a target of `scaling.queue.concurrencyPerReplica`, when `maxReplicas`
     * exceeds `minReplicas`).
     */
    autoscaling?: AutoscalingArgs;
}

/** One version of the model in a canary rollout. */
export interface ModelVersionArgs {
    /** Version name, used in resource names and labels: lowercase letters, digits and `-`. No default. */
    name: string;
    /** Image of this version. Defaults to `model.image`. */
    image?: pulumi.Input<string>;
    /** Artifact URI of this version, of the forms `model.uri` takes (an `hf://` revision, a `.tar.gz` archive). Defaults to `model.uri`. */
    uri?: string;
    /** Share of traffic in percent; the weights of all versions sum to 100. No default. */
    weight: number;
}

/** JWT settings for `auth: jwt`. */
export interface JwtArgs {
    /** Token issuer (`iss`). No default. */
    issuer: string;
    /** URL of the issuer's JSON Web Key Set. No default. */
    jwksUri: string;
    /** Accepted audiences (`aud`). Defaults to none (any audience). */
    audiences?: string[];
}

/** Who can reach the endpoint. */
export interface ExposureArgs {
    /** Expose the endpoint outside the cluster, account or machine. Defaults to false (private). */
    public?: boolean;
    /** Authentication of callers. Required when `public` is true; defaults to `iam` where the target has IAM, else none for private endpoints. */
    auth?: AuthMode;
    /** JWT settings, required with `auth: jwt`. Defaults to none. */
    jwt?: JwtArgs;
    /** Host name of the public route (Kubernetes HTTPRoute). Defaults to none (any host). */
    hostname?: string;
}

/** Settings for `target: kubernetes`. */
export interface KubernetesTargetArgs {
    /** Namespace to deploy into: a Kubernetes namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit). Defaults to `default`. */
    namespace?: pulumi.Input<string>;
    /** Kubeconfig contents for a provider made by this component. Defaults to the ambient provider (or `opts.provider`). */
    kubeconfig?: pulumi.Input<string>;
    /**
     * Node selector from a GpuPool's `placement.nodeSelector` output. A label that names an accelerator
     * (`modelship.dev/accelerator`, `cloud.google.com/gke-accelerator`, `karpenter.k8s.aws/instance-gpu-name`) must
     * name `resources.gpu.accelerator`. Defaults to none.
     */
    nodeSelector?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Tolerations from a GpuPool's `placement.tolerations` output, as JSON-compatible objects. Defaults to none, plus the NVIDIA GPU taint toleration when a GPU is requested. */
    tolerations?: pulumi.Input<pulumi.Input<TolerationArgs>[]>;
    /** PriorityClass of the pods, from a GpuPool's `placement.priorityClassName`: a Kubernetes object name, or empty for none. Defaults to none. */
    priorityClassName?: pulumi.Input<string>;
    /**
     * Gateway API Gateway the HTTPRoute attaches to, `namespace/name`. Required when `exposure.public` is
     * true, and with `versions` (the gateway applies the traffic weights). A private canary's route is
     * reachable wherever this Gateway listens: give an internal Gateway for a private service.
     * Defaults to none (no HTTPRoute).
     */
    gateway?: string;
    /**
     * API keys for `exposure.auth: api-key`, client id to key, as Pulumi secrets: kept in a Kubernetes
     * Secret that Envoy Gateway's SecurityPolicy reads; callers send the key in the `x-api-key` header.
     * Give this or `apiKeySecret` with `api-key` auth. Defaults to none.
     */
    apiKeys?: pulumi.Input<{ [clientId: string]: pulumi.Input<string> }>;
    /**
     * Name of an existing Secret in `namespace` holding the API keys (client id to key), for keys managed
     * outside Pulumi (External Secrets, Vault). Give this or `apiKeys` with `api-key` auth. Defaults to none.
     */
    apiKeySecret?: string;
    /**
     * Annotations of the pods' ServiceAccount, for cloud workload identity that reads the model artifact,
     * for example `eks.amazonaws.com/role-arn` or `iam.gke.io/gcp-service-account`. Defaults to none.
     */
    serviceAccountAnnotations?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Mount the server's root filesystem read-only (writes go to emptyDirs at `/tmp` and `$HOME`).
     * Defaults to true for the `triton` and `vllm` presets, which write nowhere else, and false otherwise
     * (an unknown image may write anywhere and would fail at run time).
     */
    readOnlyRootFilesystem?: boolean;
    /** The autoscaler with `scaling.autoscaling`: KEDA or HPA, KEDA's Prometheus server, a GpuPool's maximum. Defaults to KEDA, not installed. */
    autoscaler?: KubernetesScalingArgs;
    /** The queue with `scaling.mode: queue`: its cloud, and what that cloud needs. Required in queue mode; nothing in HTTP mode. Defaults to none. */
    queue?: KubernetesQueueArgs;
}

/** Where the queue of a queue-mode ModelService on `target: kubernetes` lives (`kubernetes.queue.provider`). */
export enum KubernetesQueueProvider {
    /**
     * An SQS queue with a dead-letter queue; results in an S3 bucket; the consumer's AWS role through EKS Pod Identity,
     * KEDA's through a role it assumes (`kedaRoleArn`). Needs `eksClusterName`, and `kedaRoleArn` when KEDA scales it.
     */
    AwsSqs = "aws-sqs",
    /**
     * A Pub/Sub topic and pull subscription with a dead-letter topic; results in a Cloud Storage bucket; GKE Workload
     * Identity. KEDA's `gcp-pubsub` scaler reads the backlog from Cloud Monitoring as KEDA's own operator, whose workload
     * identity needs `roles/monitoring.viewer` (set up with KEDA).
     */
    GcpPubSub = "gcp-pubsub",
}

/**
 * The queue of a queue-mode ModelService on `target: kubernetes` (`scaling.mode: queue`): a consumer sidecar beside
 * the model server takes requests from it, and KEDA scales the Deployment on its backlog (docs/queue-mode.md).
 */
export interface KubernetesQueueArgs {
    /** Which cloud's queue, result store and workload identity. Required in queue mode on `target: kubernetes`. */
    provider: KubernetesQueueProvider;
    /**
     * With provider `gcp-pubsub`: the GCP project of the topic, subscription, bucket and the consumer's service account.
     * Defaults to the `gcp:project` config (the provider's project).
     */
    project?: string;
    /**
     * With provider `gcp-pubsub`: the GKE workload identity pool of the cluster, `<cluster project>.svc.id.goog`, that
     * lets the pods' Kubernetes ServiceAccount act as the consumer's Google service account. Defaults to
     * `<project>.svc.id.goog` (a cluster in the queue's project).
     */
    workloadIdentityPool?: string;
    /**
     * The image of the `queue-consumer` sidecar: Python 3.11 or later on `python3`, with boto3 1.34.41 or later for
     * `aws-sqs` (the first release that reads EKS Pod Identity credentials: EKS user guide, "Use pod identity with the AWS
     * SDK"); it must run as a non-root user on a read-only root filesystem (the script is mounted at
     * /opt/modelship/consumer.py). Defaults to AWS's Lambda Python 3.12 base image, which ships boto3, with `aws-sqs`, and
     * `docker.io/library/python:3.12-slim` with `gcp-pubsub` (standard library only), both pinned by digest.
     */
    consumerImage?: pulumi.Input<string>;
    /**
     * `aws-sqs`: the name of the EKS cluster the service runs on, where the consumer's EKS Pod Identity association is
     * made (in the AWS provider's region). Required with `aws-sqs`; no default.
     */
    eksClusterName?: pulumi.Input<string>;
    /**
     * `aws-sqs`: the ARN of the IAM role the KEDA operator runs as (the role of its `keda/keda-operator` ServiceAccount,
     * through EKS Pod Identity or IRSA). KEDA assumes the service's own scaler role from it, which may only read the
     * queue's attributes; the operator's role needs `sts:AssumeRole` and `sts:TagSession` on
     * `arn:aws:iam::<account>:role/modelship/keda-scaler/*` (docs/queue-mode.md). Required with `aws-sqs` when KEDA scales
     * the service (`maxReplicas` above `minReplicas`); refused with a fixed replica count, which needs no KEDA. No default.
     */
    kedaRoleArn?: pulumi.Input<string>;
    /** `aws-sqs`: the region of the queue and the result bucket, such as `us-east-1`. Defaults to the AWS provider's region. */
    region?: string;
    /**
     * `aws-sqs`: the ARN of an SQS queue the team already has, `arn:aws:sqs:<region>:<account>:<name>`, to take requests
     * from instead of one modelship makes: no queue and no dead-letter queue are created, the consumer's role may receive,
     * delete and re-time messages of this queue only, and KEDA reads its length. Its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`)
     * is `queue.submitUrl`, and `region` defaults to the ARN's. The queue must have a redrive policy with `maxReceiveCount`
     * equal to `scaling.queue.maxDeliveries` (default 5) and a retention of at least the cold start plus the request time
     * (docs/queue-mode.md, "A queue you already have"); `scaling.queue.retentionSeconds` is refused with it. Defaults to
     * none: modelship makes the queue and its dead-letter queue.
     */
    queueArn?: pulumi.Input<string>;
    /**
     * The name of an existing bucket for the results (`aws-sqs`: an S3 bucket; `gcp-pubsub`: a Cloud Storage bucket),
     * written under `results/` (docs/queue-mode.md, "A queue you already have"); the consumer gets read, write and list
     * on that prefix (S3) or object creator and viewer on the bucket (Cloud Storage). No bucket is created, so
     * `scaling.queue.resultRetentionDays` is refused with it (expire results with the bucket's own lifecycle rules).
     * Defaults to none: modelship makes a private bucket.
     */
    resultBucket?: pulumi.Input<string>;
    /**
     * `gcp-pubsub`: an existing pull subscription to take requests from, `projects/<project>/subscriptions/<name>`,
     * instead of the topic, subscription and dead-letter topic modelship makes: none of them is created, the consumer's
     * service account is granted `roles/pubsub.subscriber` on it, and KEDA reads its backlog. It must have a dead-letter
     * policy with `maxDeliveryAttempts` equal to `scaling.queue.maxDeliveries` (default 5), an ack deadline of at least
     * 60 s and a retention of at least the cold start plus the request time; `scaling.queue.retentionSeconds` is refused
     * with it. Requires `topic`. Defaults to none: modelship makes the topic and subscription.
     */
    subscription?: pulumi.Input<string>;
    /**
     * `gcp-pubsub`, with `subscription` and required with it: the topic that subscription reads,
     * `projects/<project>/topics/<name>`, which is `queue.submitUrl` (where clients publish). Given, not looked up: a
     * subscription's topic is only readable from the cloud, and the plan runs offline. Defaults to none.
     */
    topic?: pulumi.Input<string>;
}

/** A Kubernetes toleration. */
export interface TolerationArgs {
    /** Taint key. No default. */
    key?: pulumi.Input<string>;
    /** `Equal` or `Exists`. Defaults to `Equal`. */
    operator?: pulumi.Input<string>;
    /** Taint value. Defaults to empty. */
    value?: pulumi.Input<string>;
    /** Taint effect (`NoSchedule`, `PreferNoSchedule`, `NoExecute`). Defaults to all effects. */
    effect?: pulumi.Input<string>;
}

/**
 * Settings for `target: aws-sagemaker`. The image (or `model.serverImage` with `uri`) must be an Amazon ECR image of a
 * SageMaker-compatible server: SageMaker starts it with the argument `serve` and calls `GET /ping` and
 * `POST /invocations` on port 8080 (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html).
 * With `uri` and runtime `vllm` or `tgi` it defaults to AWS's container for that runtime (GPU instances only).
 */
export interface SageMakerTargetArgs {
    /**
     * Real-time instance type, for example `ml.g5.xlarge`. Defaults to the cheapest catalog-priced type with at least
     * `resources.gpu` (its accelerator and count), `resources.cpu` vCPUs and `resources.memoryGiB` memory: ml.g6.xlarge
     * for one L4, ml.g6e.xlarge for one L40S, ml.c5.xlarge without a GPU (with the default resources). Not used with
     * `serverless`.
     */
    instanceType?: string;
    /** Serverless inference instead of real-time instances (CPU only, one version, no `scaling`). Defaults to false. */
    serverless?: boolean;
    /** Serverless memory in MiB, 1024 to 6144 in steps of 1024. Defaults to `resources.memoryGiB` rounded up to whole GiB, else 2048. */
    serverlessMemoryMiB?: number;
    /** Serverless maximum concurrency, 1 to 200. Defaults to 20. */
    serverlessMaxConcurrency?: number;
    /**
     * Target of the autoscaling policy when `scaling.maxReplicas` exceeds `scaling.minReplicas` without
     * `scaling.autoscaling`: invocations per instance per minute (`SageMakerVariantInvocationsPerInstance`). Not allowed
     * with `scaling.autoscaling` (use its `metric` and `metricTarget`). Defaults to 70; size it with a load test.
     */
    invocationsPerInstanceTarget?: number;
    /** Days to keep the endpoint's CloudWatch logs (`/aws/sagemaker/Endpoints/<name>`). Defaults to 30. */
    logRetentionDays?: number;
    /**
     * ARN of a KMS key (a customer managed key in the endpoint's account and region) that encrypts the queue mode's
     * bucket, the results SageMaker writes and the two notification topics; the execution role may use this key and no
     * other (the key's policy must let IAM policies of the account grant its use, as KMS's default key policy does).
     * With `scaling.mode: queue` only. Defaults to none: S3-managed encryption (SSE-S3) for the bucket and
     * results, and the AWS managed key `alias/aws/sns` for the topics.
     */
    kmsKeyArn?: pulumi.Input<string>;
}

/**
 * Settings for `target: aws-lambda`. The image must be an Amazon ECR image that runs a Lambda runtime interface client,
 * or an HTTP server behind the AWS Lambda Web Adapter (`AWS_LWA_PORT` and `AWS_LWA_READINESS_CHECK_PATH` are set from
 * `model.port` and `model.readinessPath`).
 */
export interface LambdaTargetArgs {
    /** Reserved concurrency: the hard cap of concurrent executions, at most 10,000. Defaults to 10. */
    reservedConcurrency?: number;
    /** Provisioned concurrency kept warm, at most `reservedConcurrency`. Defaults to 0 (cold starts allowed, nothing billed while idle). */
    provisionedConcurrency?: number;
    /** Function timeout in seconds, up to 900. Defaults to 60. */
    timeoutSeconds?: number;
    /** Instruction set of the image: `x86_64` or `arm64`. Defaults to `x86_64`. */
    architecture?: string;
    /** Size of `/tmp` in MiB, 512 to 10240. Defaults to 512. */
    ephemeralStorageMiB?: number;
    /** Days to keep the function's CloudWatch logs (`/aws/lambda/<name>`). Defaults to 30. */
    logRetentionDays?: number;
}

/** Settings for `target: gcp-cloudrun`. */
export interface CloudRunTargetArgs {
    /**
     * Region of the service. With a GPU, one of the regions that offer Cloud Run GPUs (us-central1, us-east4,
     * europe-west1, europe-west4, asia-southeast1, asia-south1). Defaults to the `gcp:region` config, else `us-central1`.
     */
    region?: string;
    /**
     * Concurrent requests per instance (`maxInstanceRequestConcurrency`), 1 to 1000. Defaults to 4 with a GPU (one
     * L4 serves a few requests at a time well; more queue on the GPU instead of starting another instance), else 80
     * (Cloud Run's default).
     */
    concurrency?: number;
    /**
     * Longest time a request may take, in seconds, 1 to 3600. Not with `scaling.mode: queue`, where the service's
     * timeout is `scaling.queue.requestTimeoutSeconds` plus the consumer's 60 s. Defaults to 300 (Cloud Run's default).
     */
    requestTimeoutSeconds?: number;
    /**
     * Names the revision of a single-version service `<service>-<versionName>`, so that a later canary
     * (`versions`) can keep traffic on it. Revision names are unique: give a new name with every change to the
     * model or its settings. Not allowed together with `versions`, which name the revisions themselves.
     * Defaults to none (Cloud Run names revisions).
     */
    versionName?: string;
    /**
     * IAM principals granted `roles/run.invoker` on this service, for example
     * `serviceAccount:caller@my-project.iam.gserviceaccount.com` or `group:ml-clients@example.com`.
     * Defaults to none.
     */
    invokers?: string[];
    /**
     * Keep the CPU allocated between requests (instance-based billing). Cloud Run requires it with a GPU.
     * Defaults to true with a GPU, else false (request-based billing: CPU only while serving requests).
     */
    cpuAlwaysAllocated?: boolean;
    /**
     * GPU zonal redundancy: reserve capacity in another zone for failover, at a higher GPU price. Defaults to
     * false (best-effort failover, the lower price).
     */
    gpuZonalRedundancy?: boolean;
    /**
     * Accept requests from a global external Application Load Balancer, for example a ModelGateway on
     * gcp-loadbalancer: ingress `INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER` (the VPC and Google Cloud load balancers only,
     * never the run.app URL from the internet) with the invoker IAM check disabled (`invokerIamDisabled`), since
     * requests through a serverless NEG carry no Google identity; the load balancer's Cloud Armor policy then decides
     * who gets in. Not with `exposure.public` (whose ingress already admits load balancers) nor `scaling.mode: queue`.
     * Defaults to false (internal ingress and the IAM check).
     */
    loadBalancerIngress?: boolean;
    /**
     * Image of the queue consumer, the service's ingress container with `scaling.mode: queue`: any image with Python 3.11
     * or later at `python3` (the consumer uses only the standard library on Cloud Run). Pin it by digest. Only with
     * `scaling.mode: queue`. Defaults to `docker.io/library/python:3.12-slim` pinned by digest.
     */
    queueConsumerImage?: string;
}

/** Settings for `target: docker`. */
export interface DockerTargetArgs {
    /** Host port to publish the server on. Defaults to the server's port. Not in queue mode, where the server publishes no port. */
    hostPort?: number;
    /**
     * Host port of the queue (a Redis server) with `scaling.mode: queue`, published on 127.0.0.1 only: clients submit
     * with `redis-cli -p <port> XADD requests ...` and fetch results with `GET result:<request-id>.json`
     * (docs/queue-mode.md, "On Docker"). 1 to 65535. Defaults to 6379, Redis's own port, which redis-cli uses without
     * `-p`; choose another where a Redis already listens there, or for a second queue-mode service. Nothing in HTTP mode.
     */
    queueHostPort?: number;
    /** Restart policy: `no`, `on-failure`, `always` or `unless-stopped`. Defaults to `unless-stopped`. */
    restart?: string;
}

/**
 * Where alerts (and, with a budget, the run-time budget's notifications) go. Nothing is sent anywhere unless a field is
 * given: without one, alerts still fire and show in the target's own console (Alertmanager, CloudWatch, Cloud
 * Monitoring). Give the fields of the targets you deploy to; the others are ignored.
 */
export interface NotificationArgs {
    /** ARN of an SNS topic the team's alarms publish to (aws-sagemaker, aws-lambda). Defaults to none. */
    snsTopicArn?: pulumi.Input<string>;
    /**
     * Cloud Monitoring notification channels (gcp-cloudrun), each `projects/<project>/notificationChannels/<id>`: an
     * email, Pub/Sub, Slack or PagerDuty channel the team already has. Defaults to none.
     */
    gcpNotificationChannels?: pulumi.Input<string>[];
    /**
     * Labels added to every alert rule on kubernetes, which the cluster's Alertmanager routes on (for example
     * `{ team: "fraud", severity_route: "pager" }` to reach the receiver a route matches). Defaults to none (the
     * Alertmanager's default route).
     */
    alertmanagerLabels?: { [key: string]: string };
}

/** When alerts fire. Each has a range; a value outside it is refused. */
export interface AlertThresholdArgs {
    /** Share of requests answered with a server error (5xx) over 5 minutes that raises an alert, in percent, above 0 and at most 100. Defaults to 5. */
    errorRatePercent?: number;
    /**
     * GPU memory in use, in percent of the GPU's memory, that raises an alert (kubernetes, from DCGM exporter metrics),
     * 50 to 100. Defaults to 95: vLLM reserves 90% of each GPU's memory at start (`--gpu-memory-utilization`), so a
     * lower threshold would fire all the time on it.
     */
    gpuMemoryPercent?: number;
    /** Minutes a pod may wait for a GPU node (Pending, unschedulable) before an alert (kubernetes), 1 to 120. Defaults to 10. */
    pendingMinutes?: number;
    /**
     * Model latency, in seconds, above which requests are slow: the p95 on kubernetes and Cloud Run, the average on
     * SageMaker (ModelLatency); greater than 0. Defaults to 80% of the request timeout the service applies
     * (`requestTimeoutSeconds`).
     */
    latencySeconds?: number;
}

/**
 * Metrics, alerts and a dashboard for the service, on by default where the target has them: on kubernetes a
 * PodMonitor (Prometheus Operator) for the server's metrics port, a PrometheusRule of alerts and a Grafana dashboard
 * ConfigMap; on aws-sagemaker and aws-lambda CloudWatch alarms and a dashboard; on gcp-cloudrun Cloud Monitoring alert
 * policies and a dashboard; nothing on docker.
 */
export interface ObservabilityArgs {
    /** Create the scrape target, the alerts and the dashboard. `false` creates none of them. Defaults to true (nothing on docker). */
    enabled?: boolean;
    /** Create the dashboard. Defaults to true where the target has one. */
    dashboard?: boolean;
    /** When alerts fire. Defaults to the defaults of each field. */
    thresholds?: AlertThresholdArgs;
    /** Where alerts go. Defaults to nowhere outside the target's own console. */
    notifications?: NotificationArgs;
    /**
     * Labels the cluster's Prometheus selects PodMonitors and PrometheusRules by (its `podMonitorSelector` and
     * `ruleSelector`; kube-prometheus-stack's default is `{ release: "<its release name>" }`), on kubernetes. Defaults
     * to none (a Prometheus that selects every PodMonitor and rule).
     */
    prometheusLabels?: { [key: string]: string };
    /**
     * Labels of the dashboard ConfigMap that Grafana's dashboard sidecar looks for, on kubernetes. Defaults to
     * `{ grafana_dashboard: "1" }` (the Grafana Helm chart's default sidecar label).
     */
    grafanaDashboardLabels?: { [key: string]: string };
}

/** Arguments of {@link ModelService}. */
export interface ModelServiceArgs {
    /** The model to serve. */
    model: ModelArgs;
    /** Where the model runs. Give the matching settings block (`kubernetes`, `sagemaker`, `lambda`, `cloudRun`, `docker`) where the defaults do not fit. */
    target: Target;
    /** Settings for `target: kubernetes`. Defaults to the defaults of each field. */
    kubernetes?: KubernetesTargetArgs;
    /** Settings for `target: aws-sagemaker`. Defaults to the defaults of each field. */
    sagemaker?: SageMakerTargetArgs;
    /** Settings for `target: aws-lambda`. Defaults to the defaults of each field. */
    lambda?: LambdaTargetArgs;
    /** Settings for `target: gcp-cloudrun`. Defaults to the defaults of each field. */
    cloudRun?: CloudRunTargetArgs;
    /** Settings for `target: docker`. Defaults to the defaults of each field. */
    docker?: DockerTargetArgs;
    /** Compute per replica. Defaults to 1 vCPU and 2 GiB without a GPU. */
    resources?: ResourcesArgs;
    /** Environment variables (plain values). Defaults to none. */
    env?: { [key: string]: pulumi.Input<string> };
    /** Secret environment variables: stored as a Kubernetes Secret or in the cloud's secret store, and as Pulumi secrets in state. Defaults to none. */
    secrets?: { [key: string]: pulumi.Input<string> };
    /** Overrides the image's entrypoint. Defaults to the image's or the preset's. */
    command?: pulumi.Input<string>[];
    /** Arguments to the entrypoint, appended to the preset's. Defaults to none. */
    args?: pulumi.Input<string>[];
    /** Replica bounds. Defaults to one replica. */
    scaling?: ScalingArgs;
    /** Two or more versions with traffic weights, for canary rollouts. Defaults to one version made of `model`. */
    versions?: ModelVersionArgs[];
    /** Who can reach the endpoint. Defaults to private. */
    exposure?: ExposureArgs;
    /** Metrics, alerts and a dashboard. Defaults to on where the target has them (see ObservabilityArgs), notifying nowhere. */
    observability?: ObservabilityArgs;
    /** Extra cloud tags and Kubernetes labels (`team`, `cost-center`, `environment` override stack config). Defaults to none. */
    tags?: { [key: string]: string };
}

/**
 * The public arguments of PolyglotPipeline. Multi-language rules apply (see README, "Using modelship from
 * other languages"): no unions, enums instead; one optional settings block per orchestrator, checked at run time.
 * A stage's compute, secrets and target settings are ModelService's own argument types: each stage is a ModelService.
 */
import * as pulumi from "@pulumi/pulumi";
import { CloudRunTargetArgs, DockerTargetArgs, KubernetesTargetArgs, LambdaTargetArgs, ObservabilityArgs, ResourcesArgs, SageMakerTargetArgs, ScalingArgs, Target } from "../model-service/args";
import type { BudgetArgs } from "../spike-autoscaler/args";

/** The language a stage's server is written in. It sets the defaults of port, startup allowance and runtime settings. */
export enum StageLanguage {
    /** R with plumber: port 8000; one request at a time per R process (Cloud Run concurrency 1); 300 s to start. */
    R = "r",
    /** Python with FastAPI under uvicorn: port 8000, `UVICORN_HOST`/`UVICORN_PORT` and unbuffered logs set; 300 s to start. */
    Python = "python",
    /**
     * Scala or Java on the JVM: port 8080; the heap sized from the container's memory (`JAVA_TOOL_OPTIONS` with
     * `-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError`); 600 s to start (class loading and JIT warm-up).
     */
    Jvm = "jvm",
    /** Julia (Genie, Oxygen or HTTP.jl): port 8080; `JULIA_NUM_THREADS` from the stage's CPUs; 900 s to start (precompilation). */
    Julia = "julia",
    /** Any other server: port 8080, 600 s to start, nothing set in the environment. */
    Custom = "custom",
}

/** One stage: a microservice behind a REST API, deployed as a ModelService. See docs/pipelines.md for the stage contract. */
export interface PipelineStageArgs {
    /**
     * Stage name, unique in the pipeline: 1 to 30 lowercase letters, digits and `-`, starting with a letter. It names
     * the stage's ModelService (`<pipeline>-<stage>`), its step in the orchestrator, and its key in a merged input. No default.
     */
    name: string;
    /** Language preset of the server. No default. */
    language: StageLanguage;
    /**
     * Container image of the stage's server, for example `registry/scorer@sha256:...`. Pin by digest. When the image's
     * name clearly belongs to another language's runtime (`python:3.12` for a `jvm` stage), it is rejected; use
     * `custom` for an image that mixes runtimes. No default.
     */
    image: pulumi.Input<string>;
    /** Port the server listens on. Defaults to the language's (8000 for r and python, 8080 otherwise; 8080 on aws-sagemaker). */
    port?: number;
    /** Path that takes the stage's `POST` requests. Defaults to `/predict` (`/invocations` on aws-sagemaker, which requires it). */
    path?: string;
    /** Path of the readiness check (`GET`, 2xx when ready). Defaults to `/health` (`/ping` on aws-sagemaker). */
    readinessPath?: string;
    /** Longest time the server may take to become ready, in seconds. Defaults to the language's (300 to 900; at most 480 on gcp-cloudrun). */
    startupTimeoutSeconds?: number;
    /**
     * Longest time one request to this stage may take, in seconds; past it the pipeline answers 504 naming the stage.
     * Defaults to 60.
     */
    timeoutSeconds?: number;
    /**
     * Stages whose responses this stage takes as its request. One stage: its response as is. Several: a JSON object
     * with one key per stage name (a merge). An empty list: the pipeline's request (a fan-out from the start).
     * Defaults to the stage listed before this one, and to the pipeline's request for the first stage.
     */
    after?: string[];
    /**
     * Where this stage runs, when it differs from the pipeline's `target` within the same orchestrator: `aws-lambda` or
     * `aws-sagemaker` in an AWS pipeline (a GPU stage on SageMaker, CPU stages on Lambda). Defaults to the pipeline's target.
     */
    target?: Target;
    /** Compute per replica; GPUs allowed where the target has them. Defaults to ModelService's (1 vCPU, 2 GiB). */
    resources?: ResourcesArgs;
    /** Environment variables (plain values), over the language preset's. Defaults to the preset's only. */
    env?: { [key: string]: pulumi.Input<string> };
    /** Secret environment variables, kept in the target's secret store and as Pulumi secrets. Defaults to none. */
    secrets?: { [key: string]: pulumi.Input<string> };
    /** Overrides the image's entrypoint. Defaults to the image's. */
    command?: pulumi.Input<string>[];
    /** Arguments to the entrypoint. Defaults to none. */
    args?: pulumi.Input<string>[];
    /** Replica bounds of this stage. Defaults to one replica (per-request scaling on aws-lambda). */
    scaling?: ScalingArgs;
    /**
     * ModelService settings for a stage on kubernetes. Defaults to the pipeline's namespace, a read-only root filesystem
     * for the r, python, jvm and julia languages (their writes go to /tmp and $HOME, see docs/pipelines.md; set
     * `readOnlyRootFilesystem: false` for an image that writes elsewhere), and ModelService's defaults.
     */
    kubernetes?: KubernetesTargetArgs;
    /** ModelService settings for a stage on aws-sagemaker. Defaults to ModelService's defaults. */
    sagemaker?: SageMakerTargetArgs;
    /** ModelService settings for a stage on aws-lambda. Defaults to a function timeout equal to `timeoutSeconds`. */
    lambda?: LambdaTargetArgs;
    /** ModelService settings for a stage on gcp-cloudrun. Defaults to a request timeout of `timeoutSeconds` (and concurrency 1 for r). */
    cloudRun?: CloudRunTargetArgs;
    /** ModelService settings for a stage on docker. Defaults to host port `docker.port` + 1 + the stage's position. */
    docker?: DockerTargetArgs;
}

/** Settings of the AWS orchestrator: a Step Functions Express state machine. */
export interface PipelineStepFunctionsArgs {
    /**
     * Put an API Gateway HTTP API in front (route `POST /`, IAM-authorized) that starts a synchronous execution per
     * request. API Gateway ends requests after 30 s; longer pipelines call StartSyncExecution directly. Defaults to true.
     */
    httpApi?: boolean;
    /** Days to keep the state machine's CloudWatch logs (errors only, without execution data). Defaults to 30. */
    logRetentionDays?: number;
}

/** Settings of the GCP orchestrator: a Workflows workflow. */
export interface PipelineWorkflowsArgs {
    /** Region of the workflow. Defaults to the `gcp:region` config, else `us-central1`. */
    region?: string;
    /** Call logging of executions: `LOG_ERRORS_ONLY`, `LOG_ALL_CALLS` or `LOG_NONE`. Defaults to `LOG_ERRORS_ONLY`. */
    callLogLevel?: string;
}

/** Settings of the Kubernetes orchestrator: a KServe InferenceGraph (KServe 0.12 or later installed in the cluster). */
export interface PipelineKubernetesArgs {
    /** Namespace of the InferenceGraph, and of the stages that set none: a Kubernetes namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit). Defaults to `default`. */
    namespace?: string;
    /** Kubeconfig contents for one provider that every stage and the graph use. Defaults to the ambient provider. */
    kubeconfig?: pulumi.Input<string>;
    /** vCPUs of each graph router replica. Defaults to 0.5. */
    routerCpu?: number;
    /** Memory of each graph router replica in MiB. Defaults to 256. */
    routerMemoryMiB?: number;
    /** Fewest graph router replicas, at most 10,000. Defaults to 1. */
    routerMinReplicas?: number;
    /** Most graph router replicas, at most 10,000. Defaults to 3. */
    routerMaxReplicas?: number;
}

/** Settings of the local Docker orchestrator: modelship's own small router (a Node.js script in a container). */
export interface PipelineDockerArgs {
    /** Port on 127.0.0.1 where the router listens. Defaults to 8080. */
    port?: number;
    /** Image of the router, an official Node.js 22 image. Defaults to `node:22.23.3-alpine`. */
    routerImage?: string;
    /** Largest request body the router accepts, in MiB. Defaults to 10. */
    maxBodyMiB?: number;
}

/** Arguments of {@link PolyglotPipeline}. */
export interface PolyglotPipelineArgs {
    /** The stages, each a ModelService; by default a sequence in this order. At least one. */
    stages: PipelineStageArgs[];
    /**
     * Where the stages run, and so the orchestrator: aws-lambda or aws-sagemaker (Step Functions), gcp-cloudrun
     * (Workflows), kubernetes (KServe InferenceGraph), docker (modelship's router). No default.
     */
    target: Target;
    /** Orchestrator settings on aws-lambda and aws-sagemaker. Defaults to the defaults of each field. */
    stepFunctions?: PipelineStepFunctionsArgs;
    /** Orchestrator settings on gcp-cloudrun. Defaults to the defaults of each field. */
    workflows?: PipelineWorkflowsArgs;
    /** Orchestrator settings on kubernetes. Defaults to the defaults of each field. */
    kubernetes?: PipelineKubernetesArgs;
    /** Orchestrator settings on docker. Defaults to the defaults of each field. */
    docker?: PipelineDockerArgs;
    /**
     * Metrics, alerts and a dashboard for every stage, as a ModelService's `observability` (one block for all the
     * stages; each alert and dashboard is the stage's own), and alerts on the orchestrator with the same thresholds and
     * notifications: on AWS CloudWatch alarms on the state machine's failed, timed-out and aborted executions and its
     * execution time, on GCP an alert policy on the workflow's executions that did not succeed (none on kubernetes,
     * whose graph router has no metrics). Defaults to on where the target has them, notifying nowhere.
     */
    observability?: ObservabilityArgs;
    /**
     * The pipeline's monthly budget as a whole: refused when the stages kept always running already cost more at their
     * minimum (the error lists each), and a run-time budget (its `spendGuard`) watching the spend of every stage and the
     * orchestrator, by the `pipeline` tag (GCP: label) they all carry, notifying `observability.notifications`. The stages
     * get no guard of their own from it: each stage's own `scaling.autoscaling.budget` still caps and watches that stage.
     * Defaults to none.
     */
    budget?: BudgetArgs;
    /** Extra cloud tags and Kubernetes labels of every stage and of the orchestrator. Defaults to none. */
    tags?: { [key: string]: string };
}

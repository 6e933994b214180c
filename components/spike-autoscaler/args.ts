/**
 * The public arguments of SpikeAutoscaler, and the autoscaling spec ModelService takes inline through
 * `scaling.autoscaling`: the same interfaces and enums in both places. Multi-language rules apply: no unions
 * (enums instead), one optional settings block per target, type names unique across the package.
 *
 * Every default and the reasoning behind it is in docs/scaling.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { ServingRuntime } from "../../sdk/catalog/runtimes";
import type { NotificationArgs } from "../model-service/args";

/** What the autoscaler measures to decide the replica count. */
export enum ScalingMetric {
    /** Requests being served or queued inside one replica (concurrency). Needs no load test to start with; the default. */
    InFlightRequests = "in-flight-requests",
    /** Requests per second that one replica completes. */
    RequestsPerSecond = "requests-per-second",
    /** Work waiting outside the replicas (a queue's backlog); the only metric that lets Kubernetes scale from zero. */
    QueueDepth = "queue-depth",
    /** GPU utilisation in percent (DCGM exporter on Kubernetes, CloudWatch GPUUtilization on SageMaker). */
    GpuUtilization = "gpu-utilization",
    /** Your own Prometheus query (`query`), on Kubernetes only. */
    Custom = "custom",
}

/** Which bound set the effective maximum. */
export enum ScalingBound {
    /** `maxReplicas` as given. */
    Spec = "spec",
    /** The budget: `maxReplicas` would cost more than `budget.maxMonthlyUsd`. */
    Budget = "budget",
}

/** What a SpikeAutoscaler scales. */
export enum AutoscalerTarget {
    /** A Kubernetes Deployment (KEDA ScaledObject, or a HorizontalPodAutoscaler). */
    Kubernetes = "kubernetes",
    /** A SageMaker real-time endpoint variant (Application Auto Scaling). */
    AwsSageMaker = "aws-sagemaker",
    /** The provisioned concurrency of a Lambda alias (Application Auto Scaling). */
    AwsLambda = "aws-lambda",
    /** A Cloud Run service (pre-warming through Cloud Scheduler; min/max belong on the service). */
    GcpCloudRun = "gcp-cloudrun",
}

/** The Kubernetes autoscaler that scales the Deployment. */
export enum KubernetesScalingEngine {
    /** A KEDA ScaledObject: Prometheus trigger, cron pre-warming, scale to zero. Needs KEDA in the cluster (or `installKeda`). */
    Keda = "keda",
    /** An autoscaling/v2 HorizontalPodAutoscaler on a custom metric: no pre-warming, no scale to zero. */
    Hpa = "hpa",
    /**
     * Knative Serving's KPA (ModelService only): a `serving.knative.dev/v1` Service replaces the Deployment, scales on
     * in-flight requests or requests per second every 2 s, and scales to zero on HTTP metrics (its activator holds
     * requests while the first replica starts). Pre-warming windows are CronJobs that raise the serving revisions'
     * min-scale. Needs Knative Serving in the cluster, with the feature flags in docs/scaling.md.
     */
    Knative = "knative",
}

/**
 * A window of scheduled pre-warming, for example "weekdays 07:45 for 2 h at 20 replicas":
 * `{ schedule: "45 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 120, replicas: 20 }`.
 */
export interface PrewarmWindowArgs {
    /**
     * When the window starts: a five-field cron expression (minute hour day-of-month month day-of-week) naming one
     * time of day, for example `45 7 * * 1-5`. Start it at least one cold start before the traffic. No default.
     */
    schedule: string;
    /** IANA time zone of `schedule`, for example `Europe/Paris`. Defaults to `UTC`. */
    timezone?: string;
    /** How long the window lasts, in minutes (1 to 10080); it must end before the next one starts. No default. */
    durationMinutes: number;
    /** Replicas kept at least during the window (at most `maxReplicas`, and 10,000). No default. */
    replicas: number;
}

/** A cap on monthly spend. */
export interface BudgetArgs {
    /**
     * Most USD per month the replicas may cost, priced by the sdk cost model (730 h a month at the catalog's
     * on-demand prices), at most 10,000,000. It becomes a maximum replica count; the tighter of it and `maxReplicas` wins. No default.
     */
    maxMonthlyUsd: number;
    /**
     * A run-time budget that watches what the service really spends once it runs, beside the deploy-time cap. Defaults
     * to the defaults of each field (on where the target has something to watch with: see `spendGuard.enabled`).
     */
    spendGuard?: SpendGuardArgs;
}

/**
 * The spend guard: a budget the cloud's billing checks at run time, notifying the component's notification channels
 * (`observability.notifications`) when spend passes each threshold of `maxMonthlyUsd`. On aws targets an AWS Budgets
 * cost budget filtered by the component's `service` and `environment` tags (a pipeline's `pipeline` tag), publishing to
 * `snsTopicArn` (without a topic it has no notifications, since AWS requires a subscriber on each; the topic's policy
 * must let `budgets.amazonaws.com` publish, and the tags must be activated as cost-allocation tags). On gcp targets a
 * Cloud Billing budget on `gcpBillingAccount`, filtered by the `service` label (a pipeline's `pipeline` label), in USD
 * (the billing account's currency must be USD), notifying `gcpNotificationChannels` only. On kubernetes a
 * PrometheusRule alerting on the spend projected from the pods scheduled, with `alertmanagerLabels`. Nothing on docker.
 * A standalone SpikeAutoscaler creates none (give the budget to the ModelService). Budgets are free on both clouds.
 */
export interface SpendGuardArgs {
    /**
     * Create the run-time budget. Defaults to true on aws targets; on gcp targets to true when `gcpBillingAccount` is
     * given (a Cloud Billing budget belongs to a billing account, and true without one is refused); on kubernetes to
     * `observability.enabled` (the PrometheusRule needs the Prometheus Operator). On docker, and on a standalone
     * SpikeAutoscaler, nothing is created and true is refused.
     */
    enabled?: boolean;
    /**
     * Percentages of `maxMonthlyUsd` at which actual spend notifies (on kubernetes: the last day's average spend projected
     * over the month), each above 0 and at most 1000, each once, at most 10 of them (9 with `forecast` on aws, whose
     * budgets take 10 notifications). Defaults to [80, 100].
     */
    thresholdsPercent?: number[];
    /**
     * Also notify when the month's forecast spend passes 100% (AWS Budgets and Cloud Billing forecasts; on kubernetes the
     * pods scheduled now, priced over a month). Defaults to true.
     */
    forecast?: boolean;
    /** The Cloud Billing account the budget belongs to (gcp targets only), as `XXXXXX-XXXXXX-XXXXXX`. Defaults to none (no budget on gcp). */
    gcpBillingAccount?: pulumi.Input<string>;
}

/**
 * The autoscaling spec: what to measure, how fast to react, when to pre-warm and how much to spend. The same
 * block is ModelService's `scaling.autoscaling` and the body of a standalone SpikeAutoscaler.
 */
export interface AutoscalingArgs {
    /** What to measure. Defaults to `in-flight-requests`. */
    metric?: ScalingMetric;
    /**
     * The metric's target per replica. Defaults, for `in-flight-requests`, to 4 with a GPU and 70 without (on Lambda a
     * fraction of one: 0.7; on Cloud Run the concurrency cap, 4 with a GPU and 80 without); for `gpu-utilization` to 70.
     * Required for `requests-per-second`, `queue-depth` and `custom`, except in ModelService queue mode on `aws-sagemaker`,
     * where the metric defaults to `queue-depth` with a target of 5 requests of backlog per instance (AWS's example).
     */
    metricTarget?: number;
    /**
     * Prometheus query (Kubernetes with KEDA) returning the metric summed over the replicas. Required with `custom`,
     * and for metrics the runtime preset has no query for. Defaults to the preset's query (docs/scaling.md).
     */
    query?: string;
    /**
     * Seconds without load before the last replica goes (with `minReplicas: 0`); in ModelService queue mode on
     * `aws-sagemaker` the idle alarm's one-minute datapoints (a multiple of 60). Defaults to the cold-start budget (`startupTimeoutSeconds`, 600).
     */
    scaleToZeroAfterSeconds?: number;
    /**
     * How many times over the replica count may grow in one 15 s step of a burst (more than 1, at most 1000). Defaults
     * to 1000 (Knative's max-scale-up-rate: a steep ramp gets what the metric asks for in one step; the HPA's own default is 2).
     */
    burstMultiplier?: number;
    /**
     * Seconds the load must stay low before replicas are removed. Defaults on Kubernetes to 240 (a freed GPU node
     * stays about 10 minutes, so a pod removed early comes back in a model load; tuned with `modelship simulate`), and
     * to 0 with engine knative (Knative's own: its KPA already averages over 60 s), in ModelService queue mode on
     * `aws-sagemaker` to 60 (the scale-in alarm's one-minute datapoints and the step policy's cooldown, a multiple of 60;
     * tuned with `modelship simulate`), elsewhere to the larger of 300 and the cold-start budget (600), as the instance
     * goes with the replica.
     */
    scaleDownDelaySeconds?: number;
    /**
     * With metric `in-flight-requests` and the preset query of a server that reports its queue apart (vLLM, TGI;
     * Kubernetes with KEDA): queued requests count at most this many times the requests being served (0: the queue
     * does not count). A queue that grows while new replicas start (minutes on a new GPU node) then asks for at most
     * (1 + this) x the load being served, not again for the replicas already on their way. Defaults to 8 (tuned with
     * `modelship simulate`; docs/simulate.md).
     */
    maxQueuedPerRunning?: number;
    /** Scheduled pre-warming windows. Defaults to none. */
    prewarm?: PrewarmWindowArgs[];
    /** A cap on monthly spend, turned into a maximum replica count. Defaults to none (only `maxReplicas` bounds the count). */
    budget?: BudgetArgs;
}

/** Kubernetes settings of the autoscaler; ModelService takes them as `kubernetes.autoscaler`. */
export interface KubernetesScalingArgs {
    /** KEDA ScaledObject, HorizontalPodAutoscaler, or (ModelService only) a Knative Service scaled by Knative's KPA. Defaults to `keda`. */
    engine?: KubernetesScalingEngine;
    /** Install KEDA as a Helm release (chart kedacore/keda, pinned) in the `keda` namespace. Install it once per cluster. Defaults to false. */
    installKeda?: boolean;
    /**
     * With engine `knative`: install Knative Serving (the knative-operator Helm chart, pinned, and a KnativeServing
     * resource with Kourier as a cluster-local ingress, the config-features flags the service's pods need and a
     * request timeout limit that fits its cold start). Install it once per cluster. Defaults to false.
     */
    installKnative?: boolean;
    /**
     * Prometheus server the KEDA trigger queries, for example `http://prometheus-operated.monitoring.svc:9090`.
     * Required with engine `keda` unless the only triggers are pre-warming windows. No default.
     */
    prometheusUrl?: string;
    /** How often KEDA polls the metric, in seconds. Defaults to 15 (the HPA's sync period; KEDA's own default is 30). */
    pollingIntervalSeconds?: number;
    /**
     * Name of the metric the HorizontalPodAutoscaler reads from the custom metrics API (prometheus-adapter). Defaults
     * to `in_flight_requests`, `requests_per_second`, `queue_depth` or `gpu_utilization` after `metric`.
     */
    hpaMetricName?: string;
    /**
     * GPUs the GpuPool can reach at most (its `capacity.maxGpus` output). When given, the pods' maximum must fit in it.
     * Defaults to none (not checked).
     */
    gpuPoolMaxGpus?: pulumi.Input<number>;
}

/** The Deployment a standalone SpikeAutoscaler scales, for `target: kubernetes`. */
export interface SpikeAutoscalerKubernetesArgs extends KubernetesScalingArgs {
    /** Name of the Deployment (a Kubernetes object name), for example a ModelService's Deployment name. No default. */
    deploymentName: pulumi.Input<string>;
    /** Namespace of the Deployment: a Kubernetes namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit). Defaults to `default`. */
    namespace?: pulumi.Input<string>;
    /** Kubeconfig of the cluster, for a provider made by this component. Defaults to the ambient provider (or `opts.provider`). */
    kubeconfig?: pulumi.Input<string>;
    /** Accelerator of one replica, for the budget and the GPU defaults. Defaults to none (CPU pods, which the cost model does not price). */
    accelerator?: Accelerator;
    /** GPUs per replica. Defaults to 1 with `accelerator`. */
    gpusPerReplica?: number;
    /** The model server, which picks the Prometheus queries of the metrics. Defaults to `custom` (give `query`). */
    runtime?: ServingRuntime;
}

/** The endpoint variant a standalone SpikeAutoscaler scales, for `target: aws-sagemaker`. */
export interface SpikeAutoscalerSageMakerArgs {
    /** Name of the SageMaker endpoint. No default. */
    endpointName: pulumi.Input<string>;
    /** Name of the production variant. Defaults to `default` (a single-version ModelService's variant). */
    variantName?: string;
    /** Instance type of the variant, for the budget and the GPU defaults, for example `ml.g5.xlarge`. Defaults to none (cost unknown). */
    instanceType?: string;
}

/** The alias whose provisioned concurrency a standalone SpikeAutoscaler scales, for `target: aws-lambda`. */
export interface SpikeAutoscalerLambdaArgs {
    /** Name of the function. No default. */
    functionName: pulumi.Input<string>;
    /** Name of the alias (provisioned concurrency needs an alias or a version). No default. */
    alias: pulumi.Input<string>;
}

/** The Cloud Run service a standalone SpikeAutoscaler pre-warms, for `target: gcp-cloudrun`. */
export interface SpikeAutoscalerCloudRunArgs {
    /** Name of the Cloud Run service. No default. */
    serviceName: pulumi.Input<string>;
    /** Region of the service. Defaults to the `gcp:region` config, else `us-central1`. */
    region?: string;
    /** Project of the service. Defaults to the `gcp:project` config (the provider's project). */
    project?: pulumi.Input<string>;
    /**
     * Email of the service's runtime service account: the pre-warming jobs need `iam.serviceAccounts.actAs` on it
     * to update the service. Required with `prewarm`. No default.
     */
    serviceAccountEmail?: pulumi.Input<string>;
    /** vCPUs of one instance, for the budget. Defaults to 1, or 4 with `gpu`. */
    cpu?: number;
    /** Memory of one instance in GiB, for the budget. Defaults to 2, or 16 with `gpu`. */
    memoryGiB?: number;
    /** One NVIDIA L4 per instance (instance-based billing). Defaults to false. */
    gpu?: boolean;
}

/**
 * What a standalone SpikeAutoscaler watches of the workload it scales: on `aws-sagemaker`, a CloudWatch alarm when the
 * variant sits at its effective maximum (the budget cap or `maxReplicas`); nothing on the other targets yet
 * (docs/observability.md, "A standalone SpikeAutoscaler").
 */
export interface SpikeAutoscalerObservabilityArgs {
    /**
     * Create the alarm. `false` creates none. Defaults to true on `aws-sagemaker` when `maxReplicas` is above
     * `minReplicas` (a fixed count is always at its maximum); `true` is refused on the other targets, which have none.
     */
    enabled?: boolean;
    /**
     * Where the alarm notifies, as a ModelService's `observability.notifications`: on `aws-sagemaker`, `snsTopicArn`
     * gets the alarm's state changes (firing and clearing). Defaults to none: the alarm changes state in the
     * CloudWatch console only.
     */
    notifications?: NotificationArgs;
}

/** Arguments of {@link SpikeAutoscaler}: the autoscaling spec, the replica bounds and what to scale. */
export interface SpikeAutoscalerArgs extends AutoscalingArgs {
    /** What to scale. Give the matching block (`kubernetes`, `sagemaker`, `lambda`, `cloudRun`). */
    target: AutoscalerTarget;
    /** Fewest replicas (instances, provisioned executions), at most 10,000. Defaults to 1. */
    minReplicas?: number;
    /** Most replicas, at most 10,000. No default. */
    maxReplicas: number;
    /** Longest time the model takes to become ready, in seconds: the cold-start budget several defaults derive from. Defaults to 600. */
    startupTimeoutSeconds?: number;
    /** The Deployment, for `target: kubernetes`. Defaults to none. */
    kubernetes?: SpikeAutoscalerKubernetesArgs;
    /** The endpoint variant, for `target: aws-sagemaker`. Defaults to none. */
    sagemaker?: SpikeAutoscalerSageMakerArgs;
    /** The alias, for `target: aws-lambda`. Defaults to none. */
    lambda?: SpikeAutoscalerLambdaArgs;
    /** The service, for `target: gcp-cloudrun`. Defaults to none. */
    cloudRun?: SpikeAutoscalerCloudRunArgs;
    /** An alarm when the scaled workload sits at its effective maximum (`aws-sagemaker`). Defaults to on there, notifying nowhere. */
    observability?: SpikeAutoscalerObservabilityArgs;
}

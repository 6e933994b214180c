/**
 * Queue mode (`scaling.mode: queue`, `scaling.queue`): callers submit requests to a durable queue and fetch each result
 * by its id later; the replicas follow the backlog, to and from zero. This file holds what every target shares: the
 * schema of the block, its defaults, which targets offer it (a table: a new target must say), and the rules that
 * hold everywhere (a retention that covers a cold start and a request). The SageMaker resources are in
 * targets/aws/sagemaker-async.ts, the SageMaker-only rules in targets/sagemaker-spec.ts.
 */
import { z } from "zod";
import { runtimeEntry } from "../../sdk/catalog/runtimes";
import { awsRegion, count, stringInput, urlPath } from "../../sdk/schema-fields";
import { describeValue, input, ValidationProblem, withDefaults } from "../../sdk/validate";
import { KubernetesScalingEngine, ScalingMetric } from "../spike-autoscaler/args";
import { defaultReplicaTarget } from "../spike-autoscaler/defaults";
import { KubernetesQueueProvider, ModelServiceQueueOutputs, ScalingMode, Target } from "./args";
import { BUCKET_NAME, PUBSUB_SUBSCRIPTION_PATH, PUBSUB_TOPIC_PATH, SQS_QUEUE_ARN } from "./targets/kubernetes-queue/existing-queue";
import type { ParsedModelServiceArgs } from "./schema";
import type { ServingSpec } from "./spec";

/** A GCP project id. */
const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** `kubernetes.queue`: each provider's file adds its own fields here. */
export const kubernetesQueueSchema = z
    .object({
        provider: z.enum(KubernetesQueueProvider),
        // gcp-pubsub (targets/kubernetes-queue/gcp-pubsub.ts). Project ids: 6 to 30 lowercase letters, digits and hyphens,
        // starting with a letter and not ending with a hyphen (cloud.google.com/resource-manager/docs/creating-managing-projects).
        project: z.string().regex(GCP_PROJECT_ID, "a GCP project id such as acme-ml-prod").optional(),
        workloadIdentityPool: z
            .string()
            .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]\.svc\.id\.goog$/, "a GKE workload identity pool such as acme-ml-prod.svc.id.goog")
            .optional(),
        consumerImage: stringInput.optional(),
        // aws-sqs (targets/kubernetes-queue/aws-sqs.ts). EKS cluster names: 1 to 100 letters, digits, '-' and '_' (CreateCluster).
        eksClusterName: input(z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, "an EKS cluster name (1 to 100 letters, digits, '-' and '_', starting with a letter or digit)")).optional(),
        kedaRoleArn: input(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "an IAM role ARN such as arn:aws:iam::111122223333:role/keda-operator")).optional(),
        region: awsRegion.optional(),
        // A queue the team already has (targets/kubernetes-queue/existing-queue.ts).
        queueArn: input(z.string().regex(SQS_QUEUE_ARN, "an SQS queue ARN such as arn:aws:sqs:us-east-1:111122223333:llm-requests")).optional(),
        resultBucket: input(z.string().regex(BUCKET_NAME, "a bucket name: lowercase letters, digits, '.', '-' (and '_' on Cloud Storage), starting and ending with a letter or digit")).optional(),
        subscription: input(z.string().regex(PUBSUB_SUBSCRIPTION_PATH, "a Pub/Sub subscription path such as projects/acme-ml-prod/subscriptions/llm-requests")).optional(),
        topic: input(z.string().regex(PUBSUB_TOPIC_PATH, "a Pub/Sub topic path such as projects/acme-ml-prod/topics/llm-requests")).optional(),
    })
    .strict();

export const queueSchema = z
    .object({
        // Up to 14 days (SQS's longest retention); each target checks its own maximum (SageMaker: 21,600 s).
        retentionSeconds: count(60).max(1209600).optional(),
        requestTimeoutSeconds: count(1).max(3600).optional(),
        maxDeliveries: count(1).max(1000).optional(),
        concurrencyPerReplica: count(1).max(1000).optional(),
        resultRetentionDays: count(1).max(365).optional(),
        inferencePath: urlPath.optional(),
    })
    .strict();

/**
 * Defaults: SageMaker's own for RequestTTLSeconds (21,600 s, also its maximum) and InvocationTimeoutSeconds (900 s)
 * (InvokeEndpointAsync, SageMaker Runtime API reference); a week to fetch a result.
 */
const DEFAULTS = { retentionSeconds: 21600, requestTimeoutSeconds: 900, resultRetentionDays: 7 };

/**
 * Deliveries of a request before it is dead-lettered, where modelship's consumer runs (Kubernetes, Cloud Run, Docker):
 * the consumer's own `MAX_DELIVERIES` default, and Pub/Sub's smallest `maxDeliveryAttempts` (docs/queue-mode.md).
 */
const CONSUMER_MAX_DELIVERIES = 5;

/**
 * Each target's own defaults. Where the consumer runs, `maxDeliveries` is the consumer's. Cloud Run's queue cannot hold
 * a request for SageMaker's 900 s: it answers a Pub/Sub push within the subscription's ack deadline (at most 600 s), so
 * its request time defaults to Cloud Run's own request timeout, 300 s.
 */
const TARGET_DEFAULTS: Partial<Record<Target, Partial<typeof DEFAULTS & { maxDeliveries: number }>>> = {
    [Target.Kubernetes]: { maxDeliveries: CONSUMER_MAX_DELIVERIES },
    [Target.GcpCloudRun]: { requestTimeoutSeconds: 300, maxDeliveries: CONSUMER_MAX_DELIVERIES },
    [Target.Docker]: { maxDeliveries: CONSUMER_MAX_DELIVERIES },
};

/** The queue of a service in queue mode, defaults applied. */
export interface QueueSpec {
    retentionSeconds: number;
    requestTimeoutSeconds: number;
    /** Undefined only on SageMaker, which does not redeliver; the consumer's 5 by default where it runs (TARGET_DEFAULTS). */
    maxDeliveries?: number;
    /** Undefined: the target's own choice. */
    concurrencyPerReplica?: number;
    resultRetentionDays: number;
    /** The server path the consumer posts requests to, where given (`inferencePath`: the runtime's default otherwise). */
    inferencePath?: string;
}

/** Where modelship's consumer runs: the in-flight requests the autoscaler targets per replica (4 with a GPU, 70 without). */
function consumerConcurrency(args: ParsedModelServiceArgs): number {
    return defaultReplicaTarget(ScalingMetric.InFlightRequests, args.resources?.gpu !== undefined) as number;
}

/**
 * Requests a replica takes at once when `concurrencyPerReplica` is not given, on targets that decide it before deploying
 * (undefined: the target's own choice at run time, as SageMaker's). On Kubernetes the consumer runs what the autoscaler
 * targets in flight per replica: 4 with a GPU, 70 without (spike-autoscaler/defaults.ts), so the simulator, the
 * ScaledObject and the consumer read one number; on Docker the consumer alone.
 */
const DEFAULT_CONCURRENCY: Readonly<Record<Target, ((args: ParsedModelServiceArgs) => number) | undefined>> = {
    [Target.AwsSageMaker]: undefined,
    [Target.AwsLambda]: undefined,
    [Target.Kubernetes]: consumerConcurrency,
    [Target.GcpCloudRun]: undefined,
    [Target.Docker]: consumerConcurrency,
};

/**
 * Whether a target offers queue mode: undefined where it does, else why not. Kubernetes runs a consumer beside the
 * server and KEDA on the backlog (targets/kubernetes-queue/); Cloud Run (Pub/Sub push) and Docker (a local queue) come in
 * later releases (issue 16).
 */
export const QUEUE_TARGETS: Readonly<Record<Target, string | undefined>> = {
    [Target.AwsSageMaker]: undefined,
    [Target.AwsLambda]:
        "Lambda queues asynchronous invocations itself: invoke the function with InvocationType Event (its queue keeps a request up to 6 hours) and collect results with an on-success destination",
    [Target.Kubernetes]: undefined,
    [Target.GcpCloudRun]: undefined,
    [Target.Docker]: undefined,
};

/** True when the arguments ask for queue mode. */
export function isQueueMode(args: Pick<ParsedModelServiceArgs, "scaling">): boolean {
    return args.scaling?.mode === ScalingMode.Queue;
}

/** The queue with its defaults; undefined in HTTP mode. */
export function resolveQueue(args: ParsedModelServiceArgs): QueueSpec | undefined {
    if (!isQueueMode(args)) return undefined;
    const queue: QueueSpec = withDefaults({ ...DEFAULTS, ...TARGET_DEFAULTS[args.target] }, args.scaling?.queue);
    return { ...queue, concurrencyPerReplica: queue.concurrencyPerReplica ?? DEFAULT_CONCURRENCY[args.target]?.(args) };
}

/** The rules of queue mode on every target: where it exists, a block only with the mode, a retention that covers a cold start and a request. */
export function queueProblems(args: ParsedModelServiceArgs, startupTimeoutSeconds: number): ValidationProblem[] {
    const scaling = args.scaling ?? {};
    if (!isQueueMode(args)) {
        if (scaling.queue === undefined) return [];
        return [{ path: "scaling.queue", received: describeValue(scaling.queue), expected: 'nothing without scaling.mode "queue" (an HTTP service has no queue)' }];
    }
    const problems: ValidationProblem[] = [];
    const why = QUEUE_TARGETS[args.target];
    if (why !== undefined) problems.push({ path: "scaling.mode", received: describeValue(scaling.mode), expected: `"http" on target ${args.target}: ${why}` });
    if (args.target === Target.Kubernetes && args.kubernetes?.autoscaler?.engine === KubernetesScalingEngine.Knative) {
        problems.push({
            path: "kubernetes.autoscaler.engine",
            received: describeValue(KubernetesScalingEngine.Knative),
            expected:
                'no engine knative with scaling.mode "queue": Knative holds HTTP requests in its activator while replicas start; queue mode has the replicas take requests from a durable queue instead',
        });
    }
    if (args.target === Target.Kubernetes && args.kubernetes?.autoscaler?.engine === KubernetesScalingEngine.Hpa) {
        problems.push({
            path: "kubernetes.autoscaler.engine",
            received: describeValue(KubernetesScalingEngine.Hpa),
            expected:
                "keda (the default) with scaling.mode \"queue\": a HorizontalPodAutoscaler cannot read the queue's length nor scale to zero; KEDA's queue scalers (aws-sqs-queue, gcp-pubsub) do both",
        });
    }
    const queue = resolveQueue(args) as QueueSpec;
    const needed = startupTimeoutSeconds + queue.requestTimeoutSeconds;
    if (queue.retentionSeconds < needed) {
        problems.push({
            path: "scaling.queue.retentionSeconds",
            received: `${queue.retentionSeconds}${scaling.queue?.retentionSeconds === undefined ? " (the default)" : ""}`,
            expected: `at least ${needed}: the cold start (model.startupTimeoutSeconds ${startupTimeoutSeconds}) plus the request time (scaling.queue.requestTimeoutSeconds ${queue.requestTimeoutSeconds}), else a request that arrives at zero replicas can expire before the first one serves it`,
        });
    }
    return problems;
}

/**
 * The server path modelship's queue consumer posts a request's body to: `scaling.queue.inferencePath`, else the
 * runtime's (sdk/catalog/runtimes.ts); undefined where neither says (the target then refuses queue mode, see below).
 */
export function consumerInferencePath(spec: Pick<ServingSpec, "queue" | "runtime">): string | undefined {
    return spec.queue?.inferencePath ?? runtimeEntry(spec.runtime).inferencePath;
}

/** On the targets where modelship's consumer calls the server: a path to call. */
export function inferencePathProblems(spec: Pick<ServingSpec, "queue" | "runtime" | "target">): ValidationProblem[] {
    if (!spec.queue || consumerInferencePath(spec) !== undefined) return [];
    return [
        {
            path: "scaling.queue.inferencePath",
            received: describeValue(undefined),
            expected: `the server path the queue consumer posts each request to on target ${spec.target}: runtime ${spec.runtime} has no single inference path (torchserve: /predictions/<model name>, triton: /v2/models/<model name>/infer, custom: your server's)`,
        },
    ];
}

/**
 * The `queue` output where modelship's consumer serves the queue (Kubernetes, Cloud Run, Docker): the body travels in
 * the message (no input location), a failure is a record with `outcome: failed` under the results prefix, and there are
 * no SNS topics. `deadLetterQueue` is "" where the dead-letter queue is the team's (not known here).
 */
export function consumerQueueOutputs(submitUrl: string, resultPrefix: string, deadLetterQueue: string): ModelServiceQueueOutputs {
    return { submitUrl, inputLocation: "", outputLocation: resultPrefix, failureLocation: resultPrefix, successTopicArn: "", errorTopicArn: "", deadLetterQueue };
}

/**
 * Queue mode on `target: kubernetes` (`scaling.mode: queue`, `kubernetes.queue.provider`): the contract each cloud's
 * queue implements. The Kubernetes target (kubernetes.ts, with the consumer sidecar) asks the provider's backend for
 * the queue, the result store and the identity the consumer runs as, and for the KEDA trigger that scales the
 * Deployment on the backlog; it builds the pods, the ScaledObject and the sidecar itself. A new cloud is one file
 * that exports a {@link KubernetesQueueBackend} and one line in the table of backends.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import type { ValidationProblem } from "../../../../sdk/validate";
import type { KubernetesQueueProvider, ModelServiceQueueOutputs } from "../../args";
import type { QueueSpec } from "../../queue";
import type { ServingSpec } from "../../spec";

/** What a backend gets to create its resources with. */
export interface QueueBackendContext {
    spec: ServingSpec;
    /** `scaling.queue` with its defaults. */
    queue: QueueSpec;
    /** Namespace and name of the pods' Kubernetes ServiceAccount (the identity the consumer runs as). */
    namespace: pulumi.Input<string>;
    serviceAccountName: string;
    /** Options for cloud resources (the component as parent, no Kubernetes provider). */
    cloudOpts: pulumi.CustomResourceOptions;
    /** Options for Kubernetes resources (the component as parent, and the Kubernetes provider when it made one). */
    kubernetesOpts: pulumi.CustomResourceOptions;
}

/** The KEDA trigger that scales on the backlog (a `ScaledObject.spec.triggers[]` entry). */
export interface QueueTrigger {
    /** KEDA scaler type: `aws-sqs-queue`, `gcp-pubsub`. */
    type: string;
    metadata: Record<string, pulumi.Input<string>>;
    /** A TriggerAuthentication the backend created in the pods' namespace, by name. */
    authenticationRef?: { name: pulumi.Input<string> };
}

/** What a backend created, and what the consumer sidecar and the autoscaler need from it. */
export interface QueueBackendDeployment {
    /** The consumer's environment for this backend: `QUEUE_BACKEND`, `QUEUE`, `RESULT_URL` and the cloud's own (docs/queue-mode.md). */
    consumerEnv: Record<string, pulumi.Input<string>>;
    /** Annotations the pods' ServiceAccount needs (workload identity), merged with `kubernetes.serviceAccountAnnotations`. */
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
    trigger: QueueTrigger;
    /** The ModelService's `queue` output. */
    outputs: pulumi.Output<ModelServiceQueueOutputs>;
    /** The resources by role, for the component's `resources` (escape hatches). */
    resources: Record<string, pulumi.Resource>;
}

/** One cloud's queue for Kubernetes queue mode. */
export interface KubernetesQueueBackend {
    provider: KubernetesQueueProvider;
    /** The consumer sidecar's image without `kubernetes.queue.consumerImage` (../../queue/consumer-images.ts). */
    defaultConsumerImage: string;
    /** Rules of this provider (its fields of `kubernetes.queue`, the limits of its queue), in ModelService's paths. */
    problems(spec: ServingSpec): ValidationProblem[];
    /** Creates the queue, dead-letter queue, result store, identity and KEDA authentication. */
    deploy(context: QueueBackendContext): QueueBackendDeployment;
    /** The billed resources it creates, for the cost model (per-use where there is no fixed monthly part; never 0 when unknown). */
    costedResources(spec: ServingSpec): CostedResource[];
}

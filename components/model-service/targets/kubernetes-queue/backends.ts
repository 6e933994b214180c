/**
 * The queue backends of `target: kubernetes`, by `kubernetes.queue.provider`, and the fields of `kubernetes.queue` each
 * one owns. A new cloud is one file implementing backend.ts and one line in each table.
 */
import { KubernetesQueueProvider } from "../../args";
import { awsSqsQueueBackend } from "./aws-sqs";
import type { KubernetesQueueBackend } from "./backend";
import { pubsubQueueBackend } from "./gcp-pubsub";

/** Each provider's backend. */
export const QUEUE_BACKENDS: Readonly<Record<KubernetesQueueProvider, KubernetesQueueBackend>> = {
    [KubernetesQueueProvider.AwsSqs]: awsSqsQueueBackend,
    [KubernetesQueueProvider.GcpPubSub]: pubsubQueueBackend,
};

/** The fields of `kubernetes.queue` that belong to one provider: refused with another. */
export const PROVIDER_FIELDS: Readonly<Record<KubernetesQueueProvider, readonly string[]>> = {
    [KubernetesQueueProvider.AwsSqs]: ["eksClusterName", "kedaRoleArn", "region", "queueArn"],
    [KubernetesQueueProvider.GcpPubSub]: ["project", "workloadIdentityPool", "subscription", "topic"],
};

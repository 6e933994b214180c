/**
 * The queue backends of `target: kubernetes`, by `kubernetes.queue.provider`, and the fields of `kubernetes.queue` each
 * one owns. A new cloud is one file implementing backend.ts and one line in each table.
 */
import { KubernetesQueueProvider } from "../../args";
import { awsSqsQueueBackend } from "./aws-sqs";
import type { KubernetesQueueBackend } from "./backend";

/** Each provider's backend; undefined where this build has none (refused by spec.ts, naming the provider). */
export const QUEUE_BACKENDS: Readonly<Record<KubernetesQueueProvider, KubernetesQueueBackend | undefined>> = {
    [KubernetesQueueProvider.AwsSqs]: awsSqsQueueBackend,
    [KubernetesQueueProvider.GcpPubSub]: undefined,
};

/** The fields of `kubernetes.queue` that belong to one provider: refused with another. */
export const PROVIDER_FIELDS: Readonly<Record<KubernetesQueueProvider, readonly string[]>> = {
    [KubernetesQueueProvider.AwsSqs]: ["eksClusterName", "kedaRoleArn", "region"],
    [KubernetesQueueProvider.GcpPubSub]: [],
};

/**
 * Pub/Sub's limits that queue mode's settings must meet, on Cloud Run (push subscription) and on Kubernetes (pull
 * subscription), checked before anything is created. Sources (read 2026-12 through the search tool):
 * - subscription message retention: 10 minutes to 31 days, default 7 days
 *   (cloud.google.com/pubsub/docs/subscription-properties; the provider's `messageRetentionDuration`: "600s" to "2678400s");
 * - ack deadline: 10 to 600 s; for push delivery it is also the timeout of the request to the push endpoint
 *   (the provider's `ackDeadlineSeconds`, the Pub/Sub API's Subscription message);
 * - dead-letter policy: `maxDeliveryAttempts` 5 to 100 (cloud.google.com/pubsub/docs/handling-failures, the provider's
 *   `SubscriptionDeadLetterPolicy`).
 */
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import type { QueueSpec } from "../../queue";

export const PUBSUB_RETENTION_SECONDS = { min: 600, max: 2678400 } as const;
export const PUBSUB_DELIVERY_ATTEMPTS = { min: 5, max: 100 } as const;
export const PUBSUB_ACK_DEADLINE_SECONDS = { min: 10, max: 600 } as const;
/** The deliveries of one request before it is dead-lettered, on Pub/Sub (queue.ts gives every Pub/Sub target a default). */
export function deliveryAttempts(queue: QueueSpec): number {
    return queue.maxDeliveries as number;
}

/** Retention and deliveries outside Pub/Sub's bounds; `where` names the target for the message (`on gcp-cloudrun`). */
export function pubsubQueueProblems(queue: QueueSpec, where: string): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const retention = PUBSUB_RETENTION_SECONDS;
    if (queue.retentionSeconds < retention.min || queue.retentionSeconds > retention.max) {
        problems.push({
            path: "scaling.queue.retentionSeconds",
            received: String(queue.retentionSeconds),
            expected: `${retention.min} to ${retention.max} ${where} (a Pub/Sub subscription's messageRetentionDuration is 10 minutes to 31 days)`,
        });
    }
    const attempts = PUBSUB_DELIVERY_ATTEMPTS;
    if (queue.maxDeliveries !== undefined && (queue.maxDeliveries < attempts.min || queue.maxDeliveries > attempts.max)) {
        problems.push({
            path: "scaling.queue.maxDeliveries",
            received: describeValue(queue.maxDeliveries),
            expected: `${attempts.min} to ${attempts.max} ${where} (the maxDeliveryAttempts a Pub/Sub dead-letter policy accepts)`,
        });
    }
    return problems;
}

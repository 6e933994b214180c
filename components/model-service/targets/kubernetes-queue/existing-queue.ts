/**
 * A queue the team already has (`kubernetes.queue.queueArn` on aws-sqs, `subscription` and `topic` on gcp-pubsub) and an
 * existing result bucket (`kubernetes.queue.resultBucket`): their forms, what is read from them, and the settings of
 * `scaling.queue` that only configure what modelship would have made, refused with them (docs/queue-mode.md, "A queue you
 * already have"). The backends (aws-sqs.ts, gcp-pubsub.ts) decide what they then skip.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import type { ServingSpec } from "../../spec";

/**
 * An SQS queue ARN, `arn:<partition>:sqs:<region>:<account>:<name>`: names are 1 to 80 letters, digits, `-` and `_`, a
 * FIFO queue's ending in `.fifo` (CreateQueue, QueueName; SQS API reference).
 */
export const SQS_QUEUE_ARN = /^arn:(aws|aws-cn|aws-us-gov):sqs:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):((?=[A-Za-z0-9_.-]{1,80}$)[A-Za-z0-9_-]+(?:\.fifo)?)$/;

/** A Pub/Sub subscription or topic path: a project id, and a name of 3 to 255 characters starting with a letter (Pub/Sub resource names). */
const pubsubPath = (kind: "subscriptions" | "topics") => new RegExp(`^projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/${kind}/((?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254})$`);
export const PUBSUB_SUBSCRIPTION_PATH = pubsubPath("subscriptions");
export const PUBSUB_TOPIC_PATH = pubsubPath("topics");

/**
 * A bucket name of either cloud, checked in the schema: lowercase letters, digits, `.`, `-` (and `_` on Cloud Storage),
 * starting and ending with a letter or digit (Cloud Storage bucket naming; S3 general purpose bucket naming rules).
 */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
/** An S3 general purpose bucket name: 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** What an SQS queue ARN names. */
export interface SqsQueueRef {
    partition: string;
    region: string;
    account: string;
    name: string;
}

/** Parses a queue ARN the schema has accepted. */
export function parseQueueArn(arn: string): SqsQueueRef {
    const m = SQS_QUEUE_ARN.exec(arn);
    if (!m) throw new Error(`not an SQS queue ARN: ${arn}`);
    return { partition: m[1], region: m[2], account: m[3], name: m[4] };
}

/**
 * The queue's URL: `https://sqs.<region>.amazonaws.com/<account>/<name>` (SQS developer guide, "Amazon SQS queue and
 * message identifiers"), `amazonaws.com.cn` in the China partition.
 */
export function queueUrlOf(ref: SqsQueueRef): string {
    return `https://sqs.${ref.region}.${ref.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}/${ref.account}/${ref.name}`;
}

/** The queue ARN's parts, once known. */
export function queueRef(arn: pulumi.Input<string>): pulumi.Output<SqsQueueRef> {
    return pulumi.output(arn).apply(parseQueueArn);
}

/** The name and project of a subscription path the schema has accepted. */
export function parsePubSubPath(path: string, kind: "subscriptions" | "topics"): { project: string; name: string } {
    const m = (kind === "subscriptions" ? PUBSUB_SUBSCRIPTION_PATH : PUBSUB_TOPIC_PATH).exec(path);
    if (!m) throw new Error(`not a Pub/Sub ${kind} path: ${path}`);
    return { project: m[1], name: m[2] };
}

/**
 * `scaling.queue` settings that configure only what modelship makes: refused when the queue (`field`) or the result
 * bucket is the team's, with the reason and where the setting belongs instead.
 */
export function existingQueueProblems(spec: ServingSpec, field: string | undefined, queueWhat: string): ValidationProblem[] {
    const given = spec.given.scaling?.queue;
    const resultBucket = spec.given.kubernetes?.queue?.resultBucket;
    const problems: ValidationProblem[] = [];
    if (field !== undefined && given?.retentionSeconds !== undefined) {
        problems.push({
            path: "scaling.queue.retentionSeconds",
            received: describeValue(given.retentionSeconds),
            expected: `nothing with kubernetes.queue.${field}: modelship makes no queue to set it on; set the ${queueWhat} on your queue (docs/queue-mode.md, "A queue you already have")`,
        });
    }
    if (resultBucket !== undefined && given?.resultRetentionDays !== undefined) {
        problems.push({
            path: "scaling.queue.resultRetentionDays",
            received: describeValue(given.resultRetentionDays),
            expected: "nothing with kubernetes.queue.resultBucket: modelship makes no bucket to set it on; expire results/ with a lifecycle rule of your bucket",
        });
    }
    return problems;
}

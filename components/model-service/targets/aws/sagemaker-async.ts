/**
 * Queue mode on `aws-sagemaker`: SageMaker asynchronous inference (docs.aws.amazon.com/sagemaker/latest/dg/async-inference.html).
 * Clients upload a request payload under the bucket's `inputs/` prefix and call InvokeEndpointAsync with it as the
 * InputLocation; SageMaker queues the request, a replica serves it, and SageMaker writes the result under `outputs/`
 * (a failure under `failures/`) and publishes to the success or error topic. What is made here:
 *
 * - one private bucket (private-bucket.ts: public access blocked, ownership enforced, encrypted with SSE-S3 or SSE-KMS
 *   with `sagemaker.kmsKeyArn`, TLS only, not versioned, emptied by `pulumi destroy`). Request payloads expire a day
 *   after the queue's retention and the request time (S3 lifecycle counts whole days), results and failures after
 *   `scaling.queue.resultRetentionDays`; unfinished multipart uploads are aborted after a day;
 * - two SNS topics, success and error, encrypted (the AWS managed key `alias/aws/sns`, or `sagemaker.kmsKeyArn`). They
 *   carry no inference response (`includeInferenceResponseIn` is not set): subscribers fetch it from its OutputLocation;
 * - the execution role's extra grants, exactly: s3:GetObject on `inputs/*`, s3:PutObject on `outputs/*` and
 *   `failures/*`, sns:Publish on the two topics, and kms:Decrypt and kms:GenerateDataKey on the key when one is given.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../../sdk/cost/types";
import { physicalName } from "../../../../sdk/naming";
import type { QueueSpec } from "../../queue";
import { ServingSpec } from "../../spec";
import { AwsContext } from "./context";
import { PolicyStatement } from "./iam";
import { createPrivateBucket, expiryRule, privateBucketShape } from "./private-bucket";

/** Where clients put requests, and where SageMaker writes results and failures, in the queue's bucket. */
export const QUEUE_PREFIXES = { input: "inputs/", output: "outputs/", failure: "failures/" } as const;

/** S3 lifecycle rules count whole days. */
const SECONDS_PER_DAY = 86400;

/** What queue mode made, for the endpoint configuration, the role and the component's outputs. */
export interface QueueStore {
    bucket: aws.s3.Bucket;
    successTopic: aws.sns.Topic;
    errorTopic: aws.sns.Topic;
    /** The endpoint configuration's `asyncInferenceConfig`. */
    asyncInferenceConfig: aws.types.input.sagemaker.EndpointConfigurationAsyncInferenceConfig;
    /** The execution role's grants on the bucket, topics and key. */
    statements(ctx: AwsContext): pulumi.Output<PolicyStatement[]>;
    /** The underlying resources by role. */
    resources: Record<string, pulumi.Resource>;
}

/** Whole days a request payload is kept: the queue's retention plus the request time, rounded up. */
export function inputExpiryDays(queue: QueueSpec): number {
    return Math.max(1, Math.ceil((queue.retentionSeconds + queue.requestTimeoutSeconds) / SECONDS_PER_DAY));
}

/** The bucket's lifecycle rules: payloads after the queue's time, results and failures after `resultRetentionDays`. */
export function lifecycleRules(queue: QueueSpec) {
    return [
        expiryRule("expire-requests", QUEUE_PREFIXES.input, inputExpiryDays(queue)),
        expiryRule("expire-results", QUEUE_PREFIXES.output, queue.resultRetentionDays),
        expiryRule("expire-failures", QUEUE_PREFIXES.failure, queue.resultRetentionDays),
    ];
}

/** The execution role's grants, exactly: read payloads, write results and failures, publish to the two topics, use the key. */
export function queueStatements(ctx: AwsContext, bucketName: string, topicArns: string[], kmsKeyArn: string | undefined): PolicyStatement[] {
    const object = (prefix: string) => `arn:${ctx.partition}:s3:::${bucketName}/${prefix}*`;
    const statements: PolicyStatement[] = [
        { Sid: "ReadQueuedRequests", Effect: "Allow", Action: "s3:GetObject", Resource: object(QUEUE_PREFIXES.input) },
        { Sid: "WriteQueueResults", Effect: "Allow", Action: "s3:PutObject", Resource: [object(QUEUE_PREFIXES.output), object(QUEUE_PREFIXES.failure)] },
        { Sid: "PublishQueueNotifications", Effect: "Allow", Action: "sns:Publish", Resource: topicArns },
    ];
    // S3 decrypts payloads and encrypts results with the key (an S3 Bucket Key still asks KMS for its data keys); SNS
    // encrypts what is published to the topics.
    if (kmsKeyArn !== undefined) statements.push({ Sid: "UseQueueKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn });
    return statements;
}

/** The S3 URI of a prefix of the bucket. */
function location(bucketName: pulumi.Input<string>, prefix: string): pulumi.Output<string> {
    return pulumi.interpolate`s3://${bucketName}/${prefix}`;
}

/** The bucket's name prefix: auto-named (S3 names are global), at most 37 characters before the provider's random suffix. */
function bucketPrefix(spec: ServingSpec): string {
    return `${physicalName(spec.name, "queue", 36)}-`;
}

/** The physical name of the success or error topic. */
function topicName(spec: ServingSpec, kind: "success" | "error"): string {
    return physicalName(spec.name, kind, 256);
}

/** The bucket (its settings), the two topics, and what the endpoint configuration and the role need of them. */
export function createQueueStore(spec: ServingSpec, queue: QueueSpec, kmsKeyArn: pulumi.Input<string> | undefined, tags: Record<string, string>, parent: pulumi.Resource): QueueStore {
    const { bucket, resources: bucketResources } = createPrivateBucket(
        `${spec.name}-queue`,
        "queueBucket",
        { bucketPrefix: bucketPrefix(spec), lifecycleRules: lifecycleRules(queue), kmsKeyArn, tags },
        parent,
    );
    const topic = (kind: "success" | "error") => new aws.sns.Topic(`${spec.name}-${kind}`, { name: topicName(spec, kind), kmsMasterKeyId: kmsKeyArn ?? "alias/aws/sns", tags }, { parent });
    const successTopic = topic("success");
    const errorTopic = topic("error");

    const asyncInferenceConfig = {
        outputConfig: {
            s3OutputPath: location(bucket.bucket, QUEUE_PREFIXES.output),
            s3FailurePath: location(bucket.bucket, QUEUE_PREFIXES.failure),
            kmsKeyId: kmsKeyArn,
            notificationConfig: { successTopic: successTopic.arn, errorTopic: errorTopic.arn },
        },
        clientConfig: queue.concurrencyPerReplica !== undefined ? { maxConcurrentInvocationsPerInstance: queue.concurrencyPerReplica } : undefined,
    };
    return {
        bucket,
        successTopic,
        errorTopic,
        asyncInferenceConfig,
        statements: (ctx) =>
            pulumi
                .all([bucket.bucket, successTopic.arn, errorTopic.arn, pulumi.output(kmsKeyArn)])
                .apply(([bucketName, success, error, key]) => queueStatements(ctx, bucketName, [success, error], key)),
        resources: {
            ...bucketResources,
            successTopic,
            errorTopic,
        },
    };
}

/** What clients need to submit requests and fetch results (the ModelService's `queue` output). */
export function queueEndpoint(store: QueueStore, submitUrl: pulumi.Output<string>) {
    return pulumi.all([submitUrl, store.bucket.bucket, store.successTopic.arn, store.errorTopic.arn]).apply(([url, bucketName, successTopicArn, errorTopicArn]) => ({
        submitUrl: url,
        inputLocation: `s3://${bucketName}/${QUEUE_PREFIXES.input}`,
        outputLocation: `s3://${bucketName}/${QUEUE_PREFIXES.output}`,
        failureLocation: `s3://${bucketName}/${QUEUE_PREFIXES.failure}`,
        successTopicArn,
        errorTopicArn,
        // SageMaker does not redeliver: a failure is written under failureLocation.
        deadLetterQueue: "",
    }));
}

/** The billed resources of queue mode, as the cost model prices them: the bucket and the two topics (billed per use). */
export function queueStoreShapes(spec: ServingSpec): CostedResource[] {
    const bucket = `${spec.name}-queue`;
    return [
        privateBucketShape(bucket, bucketPrefix(spec)),
        ...(["success", "error"] as const).map((kind) => {
            const name = `${spec.name}-${kind}`;
            return { urn: name, type: "aws:sns/topic:Topic", name, inputs: { name: topicName(spec, kind) } };
        }),
    ];
}

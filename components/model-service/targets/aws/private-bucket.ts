/**
 * The private S3 bucket of queue mode, one code for every AWS queue (SageMaker asynchronous inference's payloads and
 * results, the SQS consumer's results on Kubernetes): auto-named (S3 names are global), every public access blocked,
 * object ownership enforced (ACLs disabled: every object belongs to the bucket's account), encrypted at rest (SSE-S3, or
 * SSE-KMS with a customer key and an S3 Bucket Key), TLS only (a bucket policy denies plain HTTP), and its transient
 * objects expired by lifecycle rules. Not versioned and not protected from deletion: what it holds is written once under
 * a request's id and deleted by the lifecycle rules, so versions would only keep deleted objects, and `pulumi destroy`
 * empties it (`forceDestroy`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";

/** One lifecycle rule: objects under `prefix` expire after `days`; unfinished multipart uploads are aborted after a day. */
export function expiryRule(id: string, prefix: string, days: number) {
    return { id, status: "Enabled", filter: { prefix }, expiration: { days }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } };
}

/** Encryption at rest: SSE-KMS with the customer key (and an S3 Bucket Key, fewer KMS requests), else SSE-S3. */
export function encryptionRule(kmsKeyArn: pulumi.Input<string> | undefined) {
    return kmsKeyArn === undefined
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true };
}

/** The bucket policy: no request over plain HTTP. */
export function tlsOnlyPolicy(bucketArn: string) {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    };
}

/** A private bucket to create. */
export interface PrivateBucketSpec {
    /** The physical name's prefix: at most 37 characters before the provider's random suffix. */
    bucketPrefix: string;
    /** Its lifecycle rules ({@link expiryRule}). */
    lifecycleRules: ReturnType<typeof expiryRule>[];
    /** A customer managed KMS key; undefined for SSE-S3. */
    kmsKeyArn?: pulumi.Input<string>;
    tags: Record<string, string>;
    /** The region, when it is not the AWS provider's. */
    region?: pulumi.Input<string>;
}

/** What {@link createPrivateBucket} made; `resources` by role, each role's name starting with the caller's `role`. */
export interface PrivateBucket {
    bucket: aws.s3.Bucket;
    resources: Record<string, pulumi.Resource>;
}

/** The bucket and its five settings, each a resource named `name`; roles `<role>`, `<role>PublicAccessBlock`, ... */
export function createPrivateBucket(name: string, role: string, spec: PrivateBucketSpec, parent: pulumi.Resource): PrivateBucket {
    const opts = { parent };
    const region = spec.region !== undefined ? { region: spec.region } : {};
    const bucket = new aws.s3.Bucket(name, { bucketPrefix: spec.bucketPrefix, forceDestroy: true, tags: spec.tags, ...region }, opts);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        name,
        { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...region },
        opts,
    );
    // ACLs disabled: objects written by any principal belong to the bucket's account (S3's default for new buckets since
    // April 2023, made explicit: docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
    const ownership = new aws.s3.BucketOwnershipControls(name, { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" }, ...region }, opts);
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(name, { bucket: bucket.bucket, rules: [encryptionRule(spec.kmsKeyArn)], ...region }, opts);
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(name, { bucket: bucket.bucket, rules: spec.lifecycleRules, ...region }, opts);
    const policy = new aws.s3.BucketPolicy(
        name,
        { bucket: bucket.bucket, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyPolicy(arn))), ...region },
        // After the public access block, so that S3 checks the policy against it.
        { parent, dependsOn: [publicAccessBlock] },
    );
    return {
        bucket,
        resources: {
            [role]: bucket,
            [`${role}PublicAccessBlock`]: publicAccessBlock,
            [`${role}OwnershipControls`]: ownership,
            [`${role}Encryption`]: encryption,
            [`${role}Lifecycle`]: lifecycle,
            [`${role}Policy`]: policy,
        },
    };
}

/** The bucket as the cost model prices it (S3 bills per use: storage and requests, unknown). Its settings cost nothing. */
export function privateBucketShape(name: string, bucketPrefix: string): CostedResource {
    return { urn: name, type: "aws:s3/bucket:Bucket", name, inputs: { bucketPrefix } };
}

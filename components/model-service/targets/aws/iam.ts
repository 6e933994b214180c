/**
 * IAM policy documents of the AWS targets, built as plain JSON so that tests and reviewers read exactly
 * what is granted. Every grant names its resource; the only `*` resources are actions that have no
 * resource-level permissions (ecr:GetAuthorizationToken, X-Ray's trace writes, cloudwatch:PutMetricData, which is
 * narrowed by namespace instead).
 */
import { arn, AwsContext } from "./context";
import { parseEcrImage } from "./ecr";

/** One statement of an IAM policy. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow";
    /** A service, or an IAM principal by ARN (`{ AWS: roleArn }`). */
    Principal?: { Service: string } | { AWS: string };
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** A policy document from its statements. */
export function policy(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The trust policy of a service role. `aws:SourceAccount` keeps the service from assuming the role on
 * behalf of another account (confused-deputy prevention).
 */
export function serviceTrustPolicy(service: string, accountId: string): PolicyDocument {
    return policy([
        {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}

/** The ARN of a CloudWatch Logs log group. */
export function logGroupArn(ctx: AwsContext, logGroupName: string): string {
    return arn(ctx, "logs", `log-group:${logGroupName}`);
}

/**
 * Writing to one log group. IAM matches log-group actions against `log-group:<name>:*` (and CreateLogGroup
 * against the bare log-group ARN), so both forms are listed and nothing else.
 */
export function writeLogsStatement(ctx: AwsContext, logGroupName: string, actions: string[]): PolicyStatement {
    const group = logGroupArn(ctx, logGroupName);
    return { Sid: "WriteOwnLogs", Effect: "Allow", Action: actions, Resource: [group, `${group}:*`] };
}

/**
 * Sending traces to X-Ray, which Lambda's active tracing does with the execution role: the two write actions
 * (xray:PutTraceSegments, xray:PutTelemetryRecords; docs.aws.amazon.com/lambda/latest/dg/services-xray.html). Inline
 * rather than the managed AWSXRayDaemonWriteAccess the guide suggests, which also grants the sampling-rule reads
 * (xray:GetSamplingRules, GetSamplingTargets, GetSamplingStatisticSummaries) that only an X-Ray SDK would use, and
 * keeps the whole grant in the one policy document. X-Ray defines no resources for IAM (service authorization
 * reference), hence `*`.
 */
export function writeTracesStatement(): PolicyStatement {
    return { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" };
}

/** Reading exactly the given Secrets Manager secrets; undefined when there are none. */
export function readSecretsStatement(secretArns: string[]): PolicyStatement | undefined {
    if (secretArns.length === 0) return undefined;
    return { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArns };
}

/**
 * Pulling the given images from ECR: the registry token (which has no resource-level permission) and
 * the layer reads on exactly the images' repositories. Images outside ECR get no statement at all.
 */
export function ecrPullStatements(ctx: AwsContext, images: string[]): PolicyStatement[] {
    const repositories = [
        ...new Set(
            images
                .map(parseEcrImage)
                .filter((i) => i !== undefined)
                .map((i) => `arn:${ctx.partition}:ecr:${i.region}:${i.account}:repository/${i.repository}`),
        ),
    ].sort();
    if (repositories.length === 0) return [];
    return [
        { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
            Sid: "PullModelImage",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: repositories.length === 1 ? repositories[0] : repositories,
        },
    ];
}

/** An S3 artifact location: the bucket, and the key prefix (or exact key) to read. */
export interface S3Location {
    bucket: string;
    /** A prefix ending in `/`, an exact object key, or empty for the whole bucket. */
    key: string;
    /** True when `key` names one object (a `.tar.gz` archive) rather than a prefix. */
    isObject: boolean;
}

/** Splits `s3://bucket/path` into a bucket and a key; a path that is not a `.tar.gz` archive is a prefix and ends in `/`. */
export function s3Location(uri: string): S3Location {
    const rest = uri.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? "" : rest.slice(slash + 1);
    const isObject = path.endsWith(".tar.gz");
    const key = isObject || path === "" || path.endsWith("/") ? path : `${path}/`;
    return { bucket, key, isObject };
}

/**
 * Reading model artifacts: s3:GetObject on exactly the objects under each location, and s3:ListBucket
 * on each bucket narrowed to the same prefixes (SageMaker lists an S3Prefix before copying it).
 */
export function s3ReadStatements(ctx: AwsContext, locations: S3Location[]): PolicyStatement[] {
    if (locations.length === 0) return [];
    const objectArn = (l: S3Location) => `arn:${ctx.partition}:s3:::${l.bucket}/${l.key}${l.isObject ? "" : "*"}`;
    const objects = [...new Set(locations.map(objectArn))].sort();
    const statements: PolicyStatement[] = [{ Sid: "ReadModelData", Effect: "Allow", Action: "s3:GetObject", Resource: objects.length === 1 ? objects[0] : objects }];
    const buckets = [...new Set(locations.map((l) => l.bucket))].sort();
    buckets.forEach((bucket, i) => {
        const prefixes = [...new Set(locations.filter((l) => l.bucket === bucket).map((l) => (l.isObject ? l.key : `${l.key}*`)))].sort();
        statements.push({
            Sid: buckets.length === 1 ? "ListModelData" : `ListModelData${i + 1}`,
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: `arn:${ctx.partition}:s3:::${bucket}`,
            Condition: { StringLike: { "s3:prefix": prefixes.length === 1 ? prefixes[0] : prefixes } },
        });
    });
    return statements;
}

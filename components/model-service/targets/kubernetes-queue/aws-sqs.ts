/**
 * Queue mode on Kubernetes with AWS (`kubernetes.queue.provider: aws-sqs`, docs/queue-mode.md): clients send requests to
 * an SQS queue, the consumer beside each replica takes them and writes each result to an S3 bucket under
 * `results/<request-id>.json`, and KEDA's `aws-sqs-queue` scaler scales the Deployment on the queue's backlog. Made here:
 *
 * - the request queue: retention `scaling.queue.retentionSeconds`, the consumer's visibility timeout, encrypted with
 *   SQS-managed keys (SSE-SQS: no KMS key, no KMS charge), and a redrive policy that moves a request received more than
 *   `maxDeliveries` times to the dead-letter queue, which keeps it 14 days (SQS's longest retention: a message keeps its
 *   first enqueue time when it moves, so the dead-letter queue must keep it longer than the source queue does;
 *   docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html);
 * - the result bucket (../aws/private-bucket.ts), results expiring after `scaling.queue.resultRetentionDays`;
 * - the consumer's role, trusted by EKS Pod Identity (`pods.eks.amazonaws.com`, sts:AssumeRole and sts:TagSession, only
 *   for this cluster, namespace and ServiceAccount: the session tags EKS adds; EKS user guide, "Create IAM role with trust
 *   policy required by EKS Pod Identity") and associated with the pods' ServiceAccount. It may receive, delete and
 *   re-time messages of this queue, and read and write `results/*`, and list the bucket only under `results/`: without
 *   s3:ListBucket S3 answers the consumer's HEAD of a result not yet written with 403 instead of 404 (HeadObject API
 *   reference), and S3 evaluates that check with the object's key as `s3:prefix` (ceph/ceph#68577 matches AWS there;
 *   kopia/kopia#3072 measured it);
 * - KEDA's scaler role, which may only read the queue's attributes (sqs:GetQueueAttributes, what the aws-sqs-queue scaler
 *   calls), trusted by the KEDA operator's role (`kubernetes.queue.kedaRoleArn`), and a TriggerAuthentication
 *   `podIdentity: { provider: aws, roleArn }`: KEDA assumes that role from its own credentials (EKS Pod Identity or IRSA:
 *   kedacore/keda pkg/scalers/aws/aws_config_cache.go, `retrievePodIdentityCredentials`). Not `identityOwner: workload`,
 *   which reads only the IRSA annotation of the workload's ServiceAccount, not a Pod Identity association (KEDA's AWS
 *   authentication provider documentation). sts:TagSession too: EKS Pod Identity's session tags are transitive, so an
 *   operator on Pod Identity passes them to the role it assumes (EKS user guide, "pod-id-abac").
 *
 * With the team's own queue (`kubernetes.queue.queueArn`) neither queue is made: the grants above name that ARN, its URL
 * and region are derived from it (existing-queue.ts), and `queue.deadLetterQueue` is "". With the team's own bucket
 * (`resultBucket`) no bucket is made and the grants name it (docs/queue-mode.md, "A queue you already have").
 */
import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import { cloudTags, kubernetesLabels, physicalName } from "../../../../sdk/naming";
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import { KubernetesQueueProvider, ModelServiceQueueOutputs } from "../../args";
import type { ServingSpec } from "../../spec";
import { AwsContext, awsContext } from "../aws/context";
import { policy } from "../aws/iam";
import { createPrivateBucket, expiryRule, privateBucketShape } from "../aws/private-bucket";
import { TRIGGER_AUTH_SUFFIX } from "../kubernetes-spec";
import { consumerStatements, kedaTrustPolicy, podIdentityTrustPolicy, RESULTS_PREFIX, scalerStatements } from "./aws-sqs-iam";
import { BOTO3_CONSUMER_IMAGE } from "../../queue/consumer-images";
import type { KubernetesQueueBackend, QueueBackendContext, QueueBackendDeployment } from "./backend";
import { existingQueueProblems, parseQueueArn, queueRef, queueUrlOf, S3_BUCKET_NAME } from "./existing-queue";
import { backlogPerReplica, consumerSettings } from "./settings";
import { consumerQueueOutputs } from "../../queue";

/** SQS's longest retention, 14 days (CreateQueue MessageRetentionPeriod: 60 to 1,209,600 s): the dead-letter queue's. */
export const DEAD_LETTER_RETENTION_SECONDS = 1209600;

/**
 * The IAM path of the scaler roles KEDA assumes, so that the KEDA operator's role can be allowed them all at once:
 * `arn:aws:iam::<account>:role/modelship/keda-scaler/*`.
 */
export const KEDA_SCALER_ROLE_PATH = "/modelship/keda-scaler/";

/** `kubernetes.queue` as given (its schema: queue.ts). */
function given(spec: ServingSpec) {
    return spec.given.kubernetes?.queue ?? { provider: KubernetesQueueProvider.AwsSqs };
}

/** Names: the queues and roles auto-named from these prefixes (SQS queue names are per account and region, 80 characters). */
const names = (spec: ServingSpec) => ({
    requests: `${spec.name}-requests`,
    deadLetter: `${spec.name}-dead-letter`,
    results: `${spec.name}-results`,
    consumer: `${spec.name}-consumer`,
    scaler: `${spec.name}-keda-scaler`,
    requestsPrefix: `${physicalName(spec.name, "requests", 50)}-`,
    deadLetterPrefix: `${physicalName(spec.name, "dead-letter", 50)}-`,
    // S3 bucket names: at most 37 characters before the provider's random suffix.
    bucketPrefix: `${physicalName(spec.name, "results", 36)}-`,
    // IAM role name prefixes: at most 38 characters.
    consumerRolePrefix: `${physicalName(spec.name, "consumer", 30)}-`,
    scalerRolePrefix: `${physicalName(spec.name, "scaler", 30)}-`,
});

/** The request queue's settings, beside its redrive policy. */
export function requestQueueArgs(spec: ServingSpec) {
    const consumer = consumerSettings(spec);
    return { namePrefix: names(spec).requestsPrefix, messageRetentionSeconds: spec.queue?.retentionSeconds, visibilityTimeoutSeconds: consumer.visibilityTimeoutSeconds, sqsManagedSseEnabled: true };
}

/** The redrive policy: to the dead-letter queue after `maxDeliveries` receives (the consumer's `MAX_DELIVERIES`). */
export function redrivePolicy(spec: ServingSpec, deadLetterArn: string): string {
    return JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: consumerSettings(spec).maxDeliveries });
}

function problems(spec: ServingSpec): ValidationProblem[] {
    const queue = given(spec);
    const out: ValidationProblem[] = [];
    if (queue.eksClusterName === undefined) {
        out.push({
            path: "kubernetes.queue.eksClusterName",
            received: describeValue(undefined),
            expected: "the EKS cluster's name with provider aws-sqs: the consumer's AWS role is given to the pods' ServiceAccount by an EKS Pod Identity association there",
        });
    }
    if (queue.kedaRoleArn !== undefined && !spec.autoscaling) {
        out.push({
            path: "kubernetes.queue.kedaRoleArn",
            received: describeValue(queue.kedaRoleArn),
            expected: "nothing with a fixed replica count (maxReplicas equal to minReplicas): no KEDA ScaledObject reads the queue",
        });
    } else if (queue.kedaRoleArn === undefined && spec.autoscaling) {
        out.push({
            path: "kubernetes.queue.kedaRoleArn",
            received: describeValue(undefined),
            expected: "the IAM role the KEDA operator runs as, with provider aws-sqs: KEDA assumes the service's scaler role from it to read the queue's length (docs/queue-mode.md)",
        });
    }
    return [...out, ...existingResourceProblems(spec)];
}

/** An existing queue in another region than `region`, an existing bucket S3 cannot name, and the settings they make void. */
function existingResourceProblems(spec: ServingSpec): ValidationProblem[] {
    const queue = given(spec);
    const out: ValidationProblem[] = [];
    if (typeof queue.queueArn === "string" && queue.region !== undefined) {
        const arnRegion = parseQueueArn(queue.queueArn).region;
        if (arnRegion !== queue.region) {
            out.push({
                path: "kubernetes.queue.region",
                received: describeValue(queue.region),
                expected: `nothing, or the queue's region ${arnRegion} (from kubernetes.queue.queueArn): the consumer and KEDA call SQS in the queue's region`,
            });
        }
    }
    if (typeof queue.resultBucket === "string" && !S3_BUCKET_NAME.test(queue.resultBucket)) {
        out.push({
            path: "kubernetes.queue.resultBucket",
            received: describeValue(queue.resultBucket),
            expected: "an S3 bucket name with provider aws-sqs: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        });
    }
    return [...out, ...existingQueueProblems(spec, queue.queueArn !== undefined ? "queueArn" : undefined, "retention (MessageRetentionPeriod)")];
}

/** KEDA's scaler role (only the queue's attributes, assumed from the KEDA operator's role) and its TriggerAuthentication. */
function createKedaAccess(
    spec: ServingSpec,
    queueArn: pulumi.Input<string>,
    kedaRoleArn: pulumi.Input<string>,
    context: QueueBackendContext,
): { authenticationName: pulumi.Output<string>; resources: Record<string, pulumi.Resource> } {
    const { cloudOpts, kubernetesOpts } = context;
    const n = names(spec);
    const scalerRole = new aws.iam.Role(
        n.scaler,
        {
            namePrefix: n.scalerRolePrefix,
            path: KEDA_SCALER_ROLE_PATH,
            description: `KEDA reads the queue length of the modelship ModelService ${spec.name}`,
            assumeRolePolicy: pulumi.output(kedaRoleArn).apply((arn) => JSON.stringify(kedaTrustPolicy(arn))),
            tags: cloudTags(spec.owner),
        },
        cloudOpts,
    );
    const scalerPolicy = new aws.iam.RolePolicy(n.scaler, { role: scalerRole.id, policy: pulumi.output(queueArn).apply((arn) => JSON.stringify(policy(scalerStatements(arn)))) }, cloudOpts);
    const dependsOn = kubernetesOpts.dependsOn === undefined ? [] : Array.isArray(kubernetesOpts.dependsOn) ? kubernetesOpts.dependsOn : [kubernetesOpts.dependsOn as pulumi.Input<pulumi.Resource>];
    const triggerAuthentication = new kubernetes.apiextensions.CustomResource(
        `${spec.name}-queue`,
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: { name: physicalName(spec.name, TRIGGER_AUTH_SUFFIX), namespace: context.namespace, labels: kubernetesLabels(spec.owner) },
            spec: { podIdentity: { provider: "aws", roleArn: scalerRole.arn } },
        },
        { ...kubernetesOpts, dependsOn: [...dependsOn, scalerPolicy] },
    );
    return { authenticationName: triggerAuthentication.metadata.name, resources: { kedaScalerRole: scalerRole, kedaScalerRolePolicy: scalerPolicy, triggerAuthentication } };
}

/** Where requests come from: the queue's ARN and URL, an existing queue's region and partition, the dead-letter queue's URL. */
interface RequestQueue {
    arn: pulumi.Output<string>;
    url: pulumi.Output<string>;
    region?: pulumi.Output<string>;
    partition?: pulumi.Output<string>;
    deadLetterUrl: pulumi.Output<string>;
    resources: Record<string, pulumi.Resource>;
}

/** The request queue: modelship's (with its dead-letter queue), or the team's by ARN (`kubernetes.queue.queueArn`). */
function requestQueue(spec: ServingSpec, cloudOpts: pulumi.CustomResourceOptions): RequestQueue {
    const settings = given(spec);
    if (settings.queueArn !== undefined) {
        const ref = queueRef(settings.queueArn);
        return { arn: pulumi.output(settings.queueArn), url: ref.apply(queueUrlOf), region: ref.region, partition: ref.partition, deadLetterUrl: pulumi.output(""), resources: {} };
    }
    const n = names(spec);
    const tags = cloudTags(spec.owner);
    const regionArg = settings.region !== undefined ? { region: settings.region } : {};
    const deadLetter = new aws.sqs.Queue(
        n.deadLetter,
        { namePrefix: n.deadLetterPrefix, messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS, sqsManagedSseEnabled: true, tags, ...regionArg },
        cloudOpts,
    );
    const requests = new aws.sqs.Queue(n.requests, { ...requestQueueArgs(spec), redrivePolicy: deadLetter.arn.apply((arn) => redrivePolicy(spec, arn)), tags, ...regionArg }, cloudOpts);
    return { arn: requests.arn, url: requests.url, deadLetterUrl: deadLetter.url, resources: { requestQueue: requests, deadLetterQueue: deadLetter } };
}

/** The result bucket: modelship's private bucket, or the team's by name (`kubernetes.queue.resultBucket`). */
function resultBucket(spec: ServingSpec, queue: QueueBackendContext["queue"], region: pulumi.Input<string> | undefined, partition: () => pulumi.Input<string>, parent: pulumi.Resource) {
    const settings = given(spec);
    if (settings.resultBucket !== undefined) {
        const name = pulumi.output(settings.resultBucket);
        return { name, arn: pulumi.interpolate`arn:${partition()}:s3:::${name}`, resources: {} };
    }
    const n = names(spec);
    const results = createPrivateBucket(
        n.results,
        "resultBucket",
        { bucketPrefix: n.bucketPrefix, lifecycleRules: [expiryRule("expire-results", RESULTS_PREFIX, queue.resultRetentionDays)], tags: cloudTags(spec.owner), region },
        parent,
    );
    return { name: results.bucket.bucket, arn: results.bucket.arn, resources: results.resources };
}

function deploy(context: QueueBackendContext): QueueBackendDeployment {
    const { spec, queue, namespace, serviceAccountName, cloudOpts } = context;
    const settings = given(spec);
    const n = names(spec);
    const tags = cloudTags(spec.owner);
    const parent = cloudOpts.parent as pulumi.Resource;
    const requests = requestQueue(spec, cloudOpts);
    // An existing queue's region and partition are its ARN's; modelship's queue is in `region`, else the provider's.
    let provider: pulumi.Output<AwsContext> | undefined;
    const providerContext = () => (provider ??= awsContext(parent));
    const region: pulumi.Input<string> = settings.region ?? requests.region ?? providerContext().region;
    const partition = () => requests.partition ?? providerContext().partition;
    const bucket = resultBucket(spec, queue, settings.region ?? requests.region, partition, parent);

    const consumerRole = new aws.iam.Role(
        n.consumer,
        {
            namePrefix: n.consumerRolePrefix,
            description: `Queue consumer of the modelship ModelService ${spec.name} (EKS Pod Identity)`,
            assumeRolePolicy: pulumi
                .all([settings.eksClusterName as pulumi.Input<string>, namespace])
                .apply(([cluster, ns]) => JSON.stringify(podIdentityTrustPolicy(cluster, ns, serviceAccountName))),
            tags,
        },
        cloudOpts,
    );
    const consumerPolicy = new aws.iam.RolePolicy(
        n.consumer,
        { role: consumerRole.id, policy: pulumi.all([requests.arn, bucket.arn]).apply(([queueArn, bucketArn]) => JSON.stringify(policy(consumerStatements(queueArn, bucketArn)))) },
        cloudOpts,
    );
    // Pods get the role's credentials when they start: the association, and the grants behind it, come first.
    const association = new aws.eks.PodIdentityAssociation(
        n.consumer,
        { clusterName: settings.eksClusterName as pulumi.Input<string>, namespace, serviceAccount: serviceAccountName, roleArn: consumerRole.arn, tags },
        { ...cloudOpts, dependsOn: [consumerPolicy] },
    );

    // KEDA's access only where a ScaledObject reads the queue: a fixed replica count needs no KEDA in the cluster.
    const keda = spec.autoscaling ? createKedaAccess(spec, requests.arn, settings.kedaRoleArn as pulumi.Input<string>, context) : undefined;

    const resultUrl = pulumi.interpolate`s3://${bucket.name}/${RESULTS_PREFIX}`;
    // An existing queue's dead-letter queue is the team's: "" (not known here).
    const outputs: pulumi.Output<ModelServiceQueueOutputs> = pulumi
        .all([requests.url, resultUrl, requests.deadLetterUrl])
        .apply(([submitUrl, location, deadLetterQueue]) => consumerQueueOutputs(submitUrl, location, deadLetterQueue));
    return {
        // boto3 reads the region from AWS_DEFAULT_REGION (AWS_REGION in recent releases); EKS Pod Identity sets neither.
        consumerEnv: { QUEUE_BACKEND: "sqs", QUEUE: requests.url, RESULT_URL: resultUrl, AWS_REGION: region, AWS_DEFAULT_REGION: region },
        serviceAccountAnnotations: {},
        trigger: {
            type: "aws-sqs-queue",
            metadata: {
                queueURL: requests.url,
                // Messages per replica, in flight included (KEDA counts ApproximateNumberOfMessages + ...NotVisible).
                queueLength: String(backlogPerReplica(spec)),
                activationQueueLength: "0",
                awsRegion: region,
            },
            authenticationRef: keda && { name: keda.authenticationName },
        },
        outputs,
        resources: {
            ...requests.resources,
            ...bucket.resources,
            consumerRole,
            consumerRolePolicy: consumerPolicy,
            podIdentityAssociation: association,
            ...keda?.resources,
        },
    };
}

/** The billed resources: the two queues (SQS bills per request) and the bucket (S3: storage and requests). IAM and EKS Pod Identity cost nothing. */
function costedResources(spec: ServingSpec): CostedResource[] {
    const n = names(spec);
    const settings = given(spec);
    // Nothing for what the team already has: its queue and bucket are billed to it whether or not this service runs.
    const queues: CostedResource[] =
        settings.queueArn !== undefined
            ? []
            : [
                  { urn: n.requests, type: "aws:sqs/queue:Queue", name: n.requests, inputs: requestQueueArgs(spec) },
                  { urn: n.deadLetter, type: "aws:sqs/queue:Queue", name: n.deadLetter, inputs: { namePrefix: n.deadLetterPrefix, messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS } },
              ];
    return [...queues, ...(settings.resultBucket !== undefined ? [] : [privateBucketShape(n.results, n.bucketPrefix)])];
}

export const awsSqsQueueBackend: KubernetesQueueBackend = { provider: KubernetesQueueProvider.AwsSqs, defaultConsumerImage: BOTO3_CONSUMER_IMAGE, problems, deploy, costedResources };

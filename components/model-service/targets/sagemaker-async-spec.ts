/**
 * What `target: aws-sagemaker` knows about queue mode (`scaling.mode: queue`, SageMaker asynchronous inference) before it
 * creates anything: its rules, and the default target of its backlog scaling. The resources are in
 * aws/sagemaker-async.ts; the rules every target shares in ../queue.ts.
 */
import { describeValue, ValidationProblem } from "../../../sdk/validate";
import { ServingSpec } from "../spec";
import type { SageMakerSettings } from "./sagemaker-spec";

/**
 * The target of the backlog per instance (`ApproximateBacklogSizePerInstance`) in queue mode without a `metricTarget`:
 * the value of AWS's example policy for asynchronous endpoints (docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html).
 */
export const DEFAULT_BACKLOG_PER_INSTANCE = 5;

/** The longest time a request waits in an asynchronous endpoint's queue (InvokeEndpointAsync RequestTTLSeconds, 60 to 21600). */
const SAGEMAKER_MAX_REQUEST_TTL_SECONDS = 21600;

/** Queue mode on SageMaker (asynchronous inference): real-time instances, one variant, no redelivery; the KMS key only there. */
export function queueModeProblems(spec: ServingSpec, settings: SageMakerSettings): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const kmsKeyArn = spec.given.sagemaker?.kmsKeyArn;
    if (!spec.queue) {
        if (kmsKeyArn !== undefined)
            problems.push({ path: "sagemaker.kmsKeyArn", received: describeValue(kmsKeyArn), expected: 'nothing without scaling.mode "queue" (it encrypts the queue\'s bucket, results and topics)' });
        return problems;
    }
    if (settings.serverless) {
        problems.push({
            path: "sagemaker.serverless",
            received: "true",
            expected: 'false with scaling.mode "queue" (asynchronous inference runs on instances; a serverless endpoint has no queue)',
        });
    }
    if (spec.canary) {
        problems.push({
            path: "versions",
            received: `an array of ${spec.versions.length}`,
            expected:
                'no versions with scaling.mode "queue": SageMaker measures the backlog per endpoint (EndpointName), so two variants could not each scale on their own; deploy a second ModelService instead',
        });
    }
    if (spec.queue.retentionSeconds > SAGEMAKER_MAX_REQUEST_TTL_SECONDS) {
        problems.push({
            path: "scaling.queue.retentionSeconds",
            received: String(spec.queue.retentionSeconds),
            expected: `at most ${SAGEMAKER_MAX_REQUEST_TTL_SECONDS} on aws-sagemaker (the longest RequestTTLSeconds InvokeEndpointAsync accepts, 6 hours)`,
        });
    }
    const maxDeliveries = spec.given.scaling?.queue?.maxDeliveries;
    if (maxDeliveries !== undefined) {
        problems.push({
            path: "scaling.queue.maxDeliveries",
            received: String(maxDeliveries),
            expected: "nothing on aws-sagemaker: asynchronous inference does not deliver a request twice; a failed request is written to the failure location and announced on the error topic",
        });
    }
    const requestPath = spec.given.scaling?.queue?.requestPath;
    if (requestPath !== undefined) {
        problems.push({
            path: "scaling.queue.requestPath",
            received: describeValue(requestPath),
            expected: "nothing on aws-sagemaker: SageMaker posts each request to the container's /invocations",
        });
    }
    if (spec.replicas.max < 1) {
        problems.push({ path: "scaling.replicas", received: String(spec.replicas.max), expected: "minReplicas 0 with maxReplicas 1 or more, for an endpoint that scales to zero and back" });
    }
    return problems;
}

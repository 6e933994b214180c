/**
 * SageMaker real-time endpoint variants: an Application Auto Scaling target on the variant's instance count, a
 * target-tracking policy, and two scheduled actions per pre-warming window (raise the minimum at the start,
 * restore it at the end). The one implementation: ModelService's `aws-sagemaker` target calls it too.
 *
 * Metrics (Application Auto Scaling PredefinedMetricSpecification, SageMaker "Define a scaling policy"):
 * - in-flight-requests: `SageMakerVariantConcurrentRequestsPerModelHighResolution`, the model container's
 *   concurrent requests (queued ones included), emitted every 10 s: it reacts up to 6x faster than 1-minute metrics;
 * - requests-per-second: `SageMakerVariantInvocationsPerInstance`, a per-minute count (target x 60);
 * - gpu-utilization: the variant's CloudWatch `GPUUtilization` (namespace /aws/sagemaker/Endpoints), averaged over
 *   instances. It sums the instance's GPUs (0-400% on four), so the per-GPU target is multiplied by the GPUs of one.
 * - queue-depth (asynchronous inference only, ModelService `scaling.mode: queue`): the endpoint's
 *   `ApproximateBacklogSizePerInstance` (namespace AWS/SageMaker, dimension EndpointName, statistic Average), AWS's
 *   documented target-tracking metric for asynchronous endpoints (docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html).
 * A real-time variant cannot scale to zero (that needs inference components, which modelship does not create); an
 * asynchronous one can, and comes back from zero through the step policy of sagemaker-backlog.ts. An asynchronous
 * endpoint's target tracking only scales out: step policies on alarms modelship owns scale it in
 * (sagemaker-scale-in.ts), not target tracking's own 15-minute alarm.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../sdk/cost/types";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { ScalingMetric } from "./args";
import * as aws from "@pulumi/aws";
import { createStepPolicies, createTargetTracking, ScalingResources, StepPolicyPart, stepPolicyShapes, TrackingMetric } from "./app-autoscaling";
import { scaleFromZeroPart } from "./sagemaker-backlog";
import { SAGEMAKER_QUEUE_SCALE_DOWN_DELAY_SECONDS, scaleInParts, scaleInProblems } from "./sagemaker-scale-in";
import { defaultReplicaTarget } from "./defaults";
import { at } from "./paths";
import type { ParsedAutoscalingArgs } from "./schema";
import type { AutoscalerContext, AutoscalerSpec, TargetRules } from "./spec";

export const SAGEMAKER_SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount";
/** SageMaker's own scale-out cooldown default is 300 s; a spike should not wait that long for a second step. */
export const SAGEMAKER_SCALE_OUT_COOLDOWN_SECONDS = 60;

/** The variant's endpoint and name; `resourceId` as an Output makes the scaling register after the endpoint. */
export interface SageMakerVariantRef {
    endpointName: pulumi.Input<string>;
    variantName: string;
    /** GPUs of one instance ({@link sagemakerGpusPerInstance}), for the gpu-utilization target. Defaults to 1. */
    gpusPerInstance?: number;
}

/** Re-exported for the targets that build a {@link SageMakerVariantRef}; the one definition is the catalog's. */
export { sagemakerGpusPerInstance } from "../../sdk/catalog";

function resourceId(ref: SageMakerVariantRef): pulumi.Output<string> {
    return pulumi.interpolate`endpoint/${ref.endpointName}/variant/${ref.variantName}`;
}

/** The tracked CloudWatch metric of each scaling metric; undefined where an endpoint has none (refused in `problems`). */
const TRACKED: Record<ScalingMetric, ((spec: AutoscalerSpec, ref: SageMakerVariantRef) => TrackingMetric) | undefined> = {
    [ScalingMetric.InFlightRequests]: (spec) => ({
        targetValue: spec.metricTarget,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantConcurrentRequestsPerModelHighResolution" },
    }),
    // Invocations per instance per minute; rounded so that 70/60 x 60 stays 70.
    [ScalingMetric.RequestsPerSecond]: (spec) => ({
        targetValue: Math.round(spec.metricTarget * 60 * 1e6) / 1e6,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
    }),
    [ScalingMetric.GpuUtilization]: (spec, ref) => ({
        targetValue: spec.metricTarget * (ref.gpusPerInstance ?? 1),
        customizedMetricSpecification: {
            metricName: "GPUUtilization",
            namespace: "/aws/sagemaker/Endpoints",
            statistic: "Average",
            unit: "Percent",
            dimensions: [
                { name: "EndpointName", value: ref.endpointName },
                { name: "VariantName", value: ref.variantName },
            ],
        },
    }),
    [ScalingMetric.QueueDepth]: (spec, ref) => ({
        targetValue: spec.metricTarget,
        customizedMetricSpecification: {
            metricName: "ApproximateBacklogSizePerInstance",
            namespace: "AWS/SageMaker",
            statistic: "Average",
            dimensions: [{ name: "EndpointName", value: ref.endpointName }],
        },
    }),
    [ScalingMetric.Custom]: undefined,
};

function metricConfig(spec: AutoscalerSpec, ref: SageMakerVariantRef): TrackingMetric {
    const tracked = TRACKED[spec.metric];
    // Validation refuses these metrics on aws-sagemaker before anything is created (problems, below).
    if (!tracked) throw new Error(`aws-sagemaker has no CloudWatch metric for ${spec.metric}`);
    return tracked(spec, ref);
}

/** The scalable target as the cost model reads it (it prices the variant at these bounds). */
export function sagemakerScalingShape(spec: AutoscalerSpec, endpointName: string, variantName: string): Record<string, unknown> {
    return {
        serviceNamespace: "sagemaker",
        resourceId: `endpoint/${endpointName}/variant/${variantName}`,
        scalableDimension: SAGEMAKER_SCALABLE_DIMENSION,
        minCapacity: spec.min,
        maxCapacity: spec.max,
    };
}

/**
 * The scalable target, the target-tracking policy and the pre-warming actions of one variant. Names:
 * `<logicalName>` for the target and the policy (ModelService's stacks keep theirs), `<logicalName>-prewarm-<i>-start|end`.
 */
export function createSageMakerScaling(logicalName: string, spec: AutoscalerSpec, ref: SageMakerVariantRef, tags: Record<string, string>, parent: pulumi.Resource): ScalingResources {
    const scalable = { serviceNamespace: "sagemaker", resourceId: resourceId(ref), scalableDimension: SAGEMAKER_SCALABLE_DIMENSION };
    return createTargetTracking(logicalName, spec, scalable, metricConfig(spec, ref), SAGEMAKER_SCALE_OUT_COOLDOWN_SECONDS, tags, { parent });
}

/**
 * An asynchronous endpoint's scaling (ModelService queue mode): target tracking on the backlog per instance that only
 * scales out, the step policies that scale in (sagemaker-scale-in.ts) and, at a minimum of 0, the step from zero
 * (sagemaker-backlog.ts). Names as {@link createSageMakerScaling}, plus `<logicalName>-scale-in`, `-idle` and `-from-zero`.
 */
export function createSageMakerQueueScaling(logicalName: string, spec: AutoscalerSpec, ref: SageMakerVariantRef, tags: Record<string, string>, parent: pulumi.Resource): ScalingResources {
    const scalable = { serviceNamespace: "sagemaker", resourceId: resourceId(ref), scalableDimension: SAGEMAKER_SCALABLE_DIMENSION };
    const made = createTargetTracking(logicalName, spec, scalable, metricConfig(spec, ref), SAGEMAKER_SCALE_OUT_COOLDOWN_SECONDS, tags, { parent }, true);
    const target = made.scalingTarget as aws.appautoscaling.Target;
    return { ...made, ...createStepPolicies(logicalName, queueStepParts(spec, ref.endpointName), target, tags, parent) };
}

/** The step policies of queue mode: scale-in and idle, and at a minimum of 0 the step from zero (no backlog per instance to track there). */
function queueStepParts(spec: AutoscalerSpec, endpointName: pulumi.Input<string>): StepPolicyPart[] {
    return [...scaleInParts(spec, endpointName), ...(spec.min === 0 ? [scaleFromZeroPart(spec, endpointName)] : [])];
}

/** The step policies and alarms of {@link createSageMakerQueueScaling}, as the cost model prices them (target and tracking policy apart). */
export function sagemakerQueueScalingShapes(logicalName: string, spec: AutoscalerSpec, endpointName: string): CostedResource[] {
    return stepPolicyShapes(logicalName, queueStepParts(spec, endpointName));
}

function problems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    if (ctx.queue) return [...queueModeProblems(spec, args, ctx), ...commonProblems(args, ctx)];
    if (spec.min < 1) {
        out.push({
            path: ctx.paths.min,
            received: String(spec.min),
            expected: "at least 1 on a real-time SageMaker endpoint (scaling to zero needs inference components, which modelship does not create; use sagemaker.serverless to pay per request)",
        });
    }
    if (TRACKED[spec.metric] === undefined || spec.metric === ScalingMetric.QueueDepth) {
        out.push({
            path: at(ctx.paths.block, "metric"),
            received: describeValue(spec.metric),
            expected:
                "in-flight-requests, requests-per-second or gpu-utilization on a real-time SageMaker endpoint (CloudWatch has no Prometheus metric of an endpoint; queue-depth, the backlog, needs ModelService scaling.mode queue: asynchronous inference)",
        });
    }
    if (spec.metric === ScalingMetric.GpuUtilization && !ctx.gpu) {
        out.push({ path: at(ctx.paths.block, "metric"), received: describeValue(spec.metric), expected: "a metric other than gpu-utilization on a CPU instance type" });
    }
    return [...out, ...commonProblems(args, ctx)];
}

/** An asynchronous endpoint scales on its backlog, to zero if asked, in by alarms of whole one-minute datapoints. */
function queueModeProblems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const out: ValidationProblem[] = scaleInProblems(args, ctx.paths);
    if (spec.metric !== ScalingMetric.QueueDepth) {
        out.push({
            path: at(ctx.paths.block, "metric"),
            received: describeValue(spec.metric),
            expected: "queue-depth in queue mode: the endpoint's backlog per instance (ApproximateBacklogSizePerInstance), the metric that reaches zero replicas and comes back",
        });
    }
    return out;
}

/** Rules of every SageMaker endpoint, real-time or asynchronous. */
function commonProblems(args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    if (args.query !== undefined)
        out.push({ path: at(ctx.paths.block, "query"), received: describeValue(args.query), expected: "no Prometheus query on aws-sagemaker (it scales on CloudWatch metrics)" });
    if (args.burstMultiplier !== undefined) {
        out.push({
            path: at(ctx.paths.block, "burstMultiplier"),
            received: String(args.burstMultiplier),
            expected: "nothing on aws-sagemaker (target tracking adds the instances the metric asks for in one step; there is no step cap to set)",
        });
    }
    return out;
}

export const sagemakerRules: TargetRules = {
    defaultMetricTarget: defaultReplicaTarget,
    problems,
    // In queue mode the delay is the scale-in alarm's datapoints and cooldown (sagemaker-scale-in.ts), tuned there.
    defaultScaleDownDelaySeconds: (ctx) => (ctx.queue ? SAGEMAKER_QUEUE_SCALE_DOWN_DELAY_SECONDS : undefined),
};

/** Instances of a variant, as the cost model prices an endpoint configuration; undefined without an instance type. */
export function sagemakerReplicaShape(name: string, instanceType: string | undefined): ((instances: number) => CostedResource) | undefined {
    if (instanceType === undefined) return undefined;
    return (instances) => ({
        urn: name,
        type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        name,
        inputs: { productionVariants: [{ variantName: "replicas", instanceType, initialInstanceCount: instances }] },
    });
}

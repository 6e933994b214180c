/**
 * AWS Application Auto Scaling, shared by the SageMaker and Lambda targets: a scalable target, a target-tracking
 * policy that scales out fast and in only after the scale-down delay, and two scheduled actions per pre-warming
 * window. Each target supplies only its dimension, its metric and its scale-out cooldown.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsCron } from "./cron";
import type { CostedResource } from "../../sdk/cost/types";
import type { AutoscalerSpec } from "./spec";

/** What the scaling made, by role (`scalingTarget`, `scalingPolicy`, `prewarm-0-start`, ...). */
export type ScalingResources = Record<string, pulumi.Resource>;

type TrackingConfig = aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration;

/** The metric half of a target-tracking configuration. */
export type TrackingMetric = Pick<TrackingConfig, "targetValue" | "predefinedMetricSpecification" | "customizedMetricSpecification">;

/** Which scalable dimension of which resource. */
export interface ScalableRef {
    serviceNamespace: string;
    resourceId: pulumi.Input<string>;
    scalableDimension: string;
}

/**
 * The scalable target (named `<logicalName>`), the target-tracking policy (`<logicalName>`) and the pre-warming
 * actions (`<logicalName>-prewarm-<i>-start|end`). With `disableScaleIn` the policy only scales out (AAS's
 * `disableScaleIn`): another policy scales in (SageMaker queue mode, sagemaker-scale-in.ts), so no scale-in cooldown is set.
 */
export function createTargetTracking(
    logicalName: string,
    spec: AutoscalerSpec,
    ref: ScalableRef,
    metric: TrackingMetric,
    scaleOutCooldownSeconds: number,
    tags: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
    disableScaleIn = false,
): ScalingResources {
    const parent = opts.parent as pulumi.Resource;
    const target = new aws.appautoscaling.Target(logicalName, { ...ref, minCapacity: spec.min, maxCapacity: spec.max, tags }, opts);
    const policy = new aws.appautoscaling.Policy(
        logicalName,
        {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            targetTrackingScalingPolicyConfiguration: {
                ...metric,
                // Scale out fast; scale in only after the scale-down delay, so capacity is not dropped mid-spike.
                scaleOutCooldown: scaleOutCooldownSeconds,
                ...(disableScaleIn ? { disableScaleIn } : { scaleInCooldown: spec.scaleDownDelaySeconds }),
            },
        },
        { parent },
    );
    return { scalingTarget: target, scalingPolicy: policy, ...createScheduledActions(logicalName, spec, target, parent) };
}

/**
 * The target-tracking policy {@link createTargetTracking} creates under `logicalName`, as the cost model prices it: its
 * CloudWatch alarms are billed (unknown in the catalog), so a component that leaves it out would claim a known cost.
 */
export function trackingPolicyShape(logicalName: string): CostedResource {
    const name = `${logicalName}-policy`;
    return { urn: name, type: "aws:appautoscaling/policy:Policy", name, inputs: { policyType: "TargetTrackingScaling" } };
}

/** The two edges of each pre-warming window: the minimum goes to the window's replicas at the start and back at the end. */
function prewarmEdges(spec: AutoscalerSpec): Array<{ name: (logicalName: string) => string; role: string; schedule: string; timezone: string; minCapacity: number }> {
    return spec.prewarm.flatMap((window, i) =>
        (
            [
                ["start", window.replicas],
                ["end", spec.min],
            ] as const
        ).map(([edge, minCapacity]) => ({
            name: (logicalName: string) => `${logicalName}-prewarm-${i}-${edge}`,
            role: `prewarm-${i}-${edge}`,
            schedule: awsCron(window.schedule, edge),
            timezone: window.schedule.timezone,
            minCapacity,
        })),
    );
}

/**
 * The scheduled actions as the cost model reads them (their minimums are pre-warming on the target), from the same
 * edges as {@link createScheduledActions}.
 */
export function scheduledActionShapes(logicalName: string, spec: AutoscalerSpec, ref: { serviceNamespace: string; resourceId: string; scalableDimension: string }): CostedResource[] {
    return prewarmEdges(spec).map((edge) => ({
        urn: edge.name(logicalName),
        type: "aws:appautoscaling/scheduledAction:ScheduledAction",
        name: edge.name(logicalName),
        inputs: { ...ref, schedule: edge.schedule, timezone: edge.timezone, scalableTargetAction: { minCapacity: edge.minCapacity, maxCapacity: spec.max } },
    }));
}

/**
 * Two scheduled actions per window on an Application Auto Scaling target: the minimum goes to the window's replicas
 * at the start and back at the end; the maximum stays. Chained, since actions on one target are not created in parallel safely.
 */
function createScheduledActions(logicalName: string, spec: AutoscalerSpec, target: aws.appautoscaling.Target, parent: pulumi.Resource): ScalingResources {
    const out: ScalingResources = {};
    let previous: pulumi.Resource = target;
    for (const edge of prewarmEdges(spec)) {
        const name = edge.name(logicalName);
        const action = new aws.appautoscaling.ScheduledAction(
            name,
            {
                name,
                serviceNamespace: target.serviceNamespace,
                resourceId: target.resourceId,
                scalableDimension: target.scalableDimension,
                schedule: edge.schedule,
                timezone: edge.timezone,
                scalableTargetAction: { minCapacity: edge.minCapacity, maxCapacity: spec.max },
            },
            { parent, dependsOn: [previous] },
        );
        out[edge.role] = action;
        previous = action;
    }
    return out;
}

/** One step scaling policy and the CloudWatch alarm modelship owns that invokes it. */
export interface StepPolicyPart {
    /** Name suffix: `<logicalName>-<suffix>` for both resources. */
    suffix: string;
    /** Role prefix in the resources map: `<role>Policy`, `<role>Alarm`. */
    role: string;
    config: aws.types.input.appautoscaling.PolicyStepScalingPolicyConfiguration;
    /** The alarm's settings, without its description, actions and tags. */
    alarm: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmDescription" | "alarmActions" | "tags">;
    description: pulumi.Input<string>;
}

/** Step scaling policies on the scalable target of target tracking, each with its alarm. */
export function createStepPolicies(logicalName: string, parts: StepPolicyPart[], target: aws.appautoscaling.Target, tags: Record<string, string>, parent: pulumi.Resource): ScalingResources {
    const out: ScalingResources = {};
    for (const part of parts) {
        const name = `${logicalName}-${part.suffix}`;
        const policy = new aws.appautoscaling.Policy(
            name,
            {
                policyType: "StepScaling",
                serviceNamespace: target.serviceNamespace,
                resourceId: target.resourceId,
                scalableDimension: target.scalableDimension,
                stepScalingPolicyConfiguration: part.config,
            },
            { parent },
        );
        out[`${part.role}Policy`] = policy;
        out[`${part.role}Alarm`] = new aws.cloudwatch.MetricAlarm(name, { ...part.alarm, alarmDescription: part.description, alarmActions: [policy.arn], tags }, { parent });
    }
    return out;
}

/** The same policies and alarms as the cost model prices them: a step policy is free, an alarm billed per alarm-month. */
export function stepPolicyShapes(logicalName: string, parts: StepPolicyPart[]): CostedResource[] {
    return parts.flatMap((part) => {
        const name = `${logicalName}-${part.suffix}`;
        return [
            { urn: `${name}-policy`, type: "aws:appautoscaling/policy:Policy", name, inputs: { policyType: "StepScaling", stepScalingPolicyConfiguration: part.config } },
            { urn: `${name}-alarm`, type: "aws:cloudwatch/metricAlarm:MetricAlarm", name, inputs: part.alarm },
        ];
    });
}

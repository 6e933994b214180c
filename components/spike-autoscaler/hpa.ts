/**
 * The autoscaling/v2 HorizontalPodAutoscaler, for clusters without KEDA: one custom metric from the custom or
 * external metrics API (prometheus-adapter), and explicit behavior policies, so that the scaling speed is what
 * docs/scaling.md says rather than whatever the cluster's defaults are. No pre-warming, no scale to zero.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalingMetric } from "./args";
import type { KubernetesScaleRef } from "./kubernetes";
import { BURST_MIN_PODS, BURST_PERIOD_SECONDS } from "./defaults";
import type { AutoscalerSpec, KubernetesScaling } from "./spec";

type Behavior = kubernetes.types.input.autoscaling.v2.HorizontalPodAutoscalerBehavior;
type MetricSpec = kubernetes.types.input.autoscaling.v2.MetricSpec;

/**
 * Scale-up: the larger of x`burstMultiplier` and +4 pods per 15 s, at once (no stabilisation: a spike is served
 * now). Scale-down: only after the load stayed low for the scale-down delay, then all surplus pods at once (the
 * HPA's default speed; the delay is what protects against flapping).
 */
export function behavior(spec: AutoscalerSpec): Behavior {
    return {
        scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: "Max",
            policies: [
                { type: "Percent", value: Math.round((spec.burstMultiplier - 1) * 100), periodSeconds: BURST_PERIOD_SECONDS },
                { type: "Pods", value: BURST_MIN_PODS, periodSeconds: BURST_PERIOD_SECONDS },
            ],
        },
        scaleDown: {
            stabilizationWindowSeconds: spec.scaleDownDelaySeconds,
            selectPolicy: "Max",
            policies: [{ type: "Percent", value: 100, periodSeconds: BURST_PERIOD_SECONDS }],
        },
    };
}

/** A quantity for an HPA target: `4`, `0.5`. */
function quantity(value: number): string {
    return String(Number(value.toFixed(3)));
}

/** The metric: per pod (Pods) for what the pods report, External for a backlog outside them. */
function metricSpec(spec: AutoscalerSpec, k8s: KubernetesScaling): MetricSpec {
    const target = { type: "AverageValue", averageValue: quantity(spec.metricTarget) };
    const metric = { name: k8s.hpaMetricName };
    if (spec.metric === ScalingMetric.QueueDepth || spec.metric === ScalingMetric.Custom) return { type: "External", external: { metric, target } };
    return { type: "Pods", pods: { metric, target } };
}

/** The HPA's arguments (also the cost model's view of it). */
export function hpaArgs(spec: AutoscalerSpec, ref: KubernetesScaleRef): kubernetes.autoscaling.v2.HorizontalPodAutoscalerArgs {
    const k8s = spec.kubernetes as KubernetesScaling;
    const replicasOf = ref.replicasOf ?? ((n: number) => n);
    return {
        metadata: { name: ref.name, namespace: ref.namespace, labels: ref.labels },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ref.deploymentName },
            minReplicas: replicasOf(spec.min),
            maxReplicas: replicasOf(spec.max),
            metrics: [metricSpec(spec, k8s)],
            behavior: behavior(spec),
        },
    };
}

export function createHpa(logicalName: string, spec: AutoscalerSpec, ref: KubernetesScaleRef, opts: pulumi.CustomResourceOptions): kubernetes.autoscaling.v2.HorizontalPodAutoscaler {
    return new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(logicalName, hpaArgs(spec, ref), opts);
}

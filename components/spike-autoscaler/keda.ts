/**
 * The KEDA ScaledObject (keda.sh/v1alpha1): a Prometheus trigger for the metric, one cron trigger per
 * pre-warming window, activation for scale from zero, and the HPA behavior KEDA hands to the HPA it creates.
 * Optionally KEDA itself, as a Helm release of the pinned chart.
 *
 * KEDA takes the largest replica count any trigger asks for, so a cron trigger is a floor during its window and
 * the metric still scales above it (keda.sh/docs/scalers/cron: start/end in "Linux format" cron, IANA timezone).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { unixCron } from "./cron";
import { behavior } from "./hpa";
import type { KubernetesScaleRef } from "./kubernetes";
import { arrivalQuery, panicQuery, podQuery, presetQuery } from "./queries";
import type { AutoscalerSpec, KubernetesScaling } from "./spec";

/**
 * The KEDA chart installed with `installKeda`: kedacore/keda 2.18.2 (KEDA 2.18.2, released December 2025,
 * kedacore/charts#795). Pinned, so that an install is the same every time; bump it deliberately.
 */
export const KEDA_CHART = { repo: "https://kedacore.github.io/charts", chart: "keda", version: "2.18.2", namespace: "keda" } as const;

/** Installs KEDA. One per cluster: several releases of the chart would fight over its CRDs and APIService. */
export function createKedaRelease(logicalName: string, opts: pulumi.CustomResourceOptions): kubernetes.helm.v3.Release {
    return new kubernetes.helm.v3.Release(
        logicalName,
        {
            name: "keda",
            chart: KEDA_CHART.chart,
            version: KEDA_CHART.version,
            repositoryOpts: { repo: KEDA_CHART.repo },
            namespace: KEDA_CHART.namespace,
            createNamespace: true,
            // The ScaledObjects that follow need the CRDs and the webhook ready.
            atomic: true,
            timeout: 600,
        },
        opts,
    );
}

type Trigger = { type: string; name: string; metricType?: string; metadata: Record<string, pulumi.Input<string>>; authenticationRef?: { name: pulumi.Input<string> } };

/** A trigger made elsewhere (queue mode: the queue's scaler, such as `aws-sqs-queue`), with its TriggerAuthentication. */
export interface ExternalTrigger {
    type: string;
    metadata: Record<string, pulumi.Input<string>>;
    authenticationRef?: { name: pulumi.Input<string> };
}

/** The metric trigger: the preset or given query, a threshold per replica, activation above 0 when scaling from zero. */
function metricTrigger(spec: AutoscalerSpec, k8s: KubernetesScaling, ref: KubernetesScaleRef): Trigger {
    const template = spec.query ?? presetQuery(spec.metric, k8s.runtime, k8s.gpusPerReplica, spec.maxQueuedPerRunning);
    // Validation guarantees a query (given, or a preset) and a server address with engine keda.
    const query = spec.query !== undefined ? pulumi.output(spec.query) : podQuery(template as string, ref.namespace, ref.deploymentName);
    const metadata: Record<string, pulumi.Input<string>> = { serverAddress: k8s.prometheusUrl as string, query, threshold: String(spec.metricTarget) };
    if (spec.min === 0) metadata.activationThreshold = "0";
    return { type: "prometheus", name: spec.metric, metricType: "AverageValue", metadata };
}

/**
 * The arrival-rate and panic triggers beside the in-flight preset (queries.ts, `arrivalQuery` and `panicQuery`),
 * with the same threshold, since they are in-flight requests too. KEDA hands every trigger to the HPA, which takes
 * the largest count: on a steep ramp the arrivals ask for what they need and the panic query for the backlog, where
 * in flight (its queue capped) asks for at most 9x what runs.
 */
function fastRampTriggers(spec: AutoscalerSpec, k8s: KubernetesScaling, ref: KubernetesScaleRef): Trigger[] {
    const arrivals = arrivalQuery(spec);
    const panic = panicQuery(spec);
    if (arrivals === undefined || panic === undefined) return [];
    const trigger = (name: string, template: string): Trigger => ({
        type: "prometheus",
        name,
        metricType: "AverageValue",
        metadata: { serverAddress: k8s.prometheusUrl as string, query: podQuery(template, ref.namespace, ref.deploymentName), threshold: String(spec.metricTarget) },
    });
    return [trigger("arrival-rate", arrivals), trigger("panic", panic)];
}

/** One cron trigger per window: at least `replicas` between start and end. */
function cronTriggers(spec: AutoscalerSpec, ref: KubernetesScaleRef): Trigger[] {
    const replicasOf = ref.replicasOf ?? ((n: number) => n);
    return spec.prewarm.map((window, i) => ({
        type: "cron",
        name: `prewarm-${i}`,
        metadata: {
            timezone: window.schedule.timezone,
            start: unixCron(window.schedule, "start"),
            end: unixCron(window.schedule, "end"),
            desiredReplicas: String(replicasOf(window.replicas)),
        },
    }));
}

/** The triggers on the load: the queue's own in queue mode (named after the metric, `queue-depth`), else Prometheus's. */
function backlogTriggers(spec: AutoscalerSpec, k8s: KubernetesScaling, ref: KubernetesScaleRef): Trigger[] {
    if (!k8s.queue) return [metricTrigger(spec, k8s, ref), ...fastRampTriggers(spec, k8s, ref)];
    return ref.trigger ? [{ name: spec.metric, ...ref.trigger }] : [];
}

/** The ScaledObject (also the cost model's view of it: the bounds of the Deployment it targets). */
export function scaledObjectArgs(spec: AutoscalerSpec, ref: KubernetesScaleRef): kubernetes.apiextensions.CustomResourceArgs {
    const k8s = spec.kubernetes as KubernetesScaling;
    const replicasOf = ref.replicasOf ?? ((n: number) => n);
    return {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: ref.name, namespace: ref.namespace, labels: ref.labels },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ref.deploymentName },
            pollingInterval: k8s.pollingIntervalSeconds,
            // Seconds after the last activity before scaling to zero; KEDA ignores it above zero (the HPA behavior rules there).
            cooldownPeriod: spec.scaleToZeroAfterSeconds,
            minReplicaCount: replicasOf(spec.min),
            maxReplicaCount: replicasOf(spec.max),
            advanced: { horizontalPodAutoscalerConfig: { behavior: behavior(spec) } },
            triggers: [...backlogTriggers(spec, k8s, ref), ...cronTriggers(spec, ref)],
        },
    };
}

export function createScaledObject(logicalName: string, spec: AutoscalerSpec, ref: KubernetesScaleRef, opts: pulumi.CustomResourceOptions): kubernetes.apiextensions.CustomResource {
    if (spec.kubernetes?.queue && !ref.trigger) throw new Error(`ScaledObject ${logicalName}: queue mode needs the queue's trigger`);
    return new kubernetes.apiextensions.CustomResource(logicalName, scaledObjectArgs(spec, ref), opts);
}

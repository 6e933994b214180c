/**
 * Prometheus queries of the metrics, per model server, for KEDA's Prometheus trigger. Each returns the metric
 * summed over the Deployment's pods: KEDA divides by the replica count (metricType AverageValue), so the threshold
 * is the target per replica.
 *
 * Assumptions, stated in docs/scaling.md: the servers are scraped through the pods' `prometheus.io/*` annotations
 * (which ModelService sets) with the usual relabelling to `namespace` and `pod` labels; GPU utilisation comes from
 * NVIDIA's DCGM exporter with its pod mapping kept (`honorLabels`). Anything else: give `query`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ServingRuntime } from "../model-service/args";
import { ScalingMetric } from "./args";

/** A query with `SELECTOR` standing for the pod label matchers. */
type Template = string;
const SELECTOR = "__SELECTOR__";

/** Metric names of each server (vLLM, TGI, Triton and TorchServe documentation). */
const SERVER_QUERIES: Partial<Record<ServingRuntime, Partial<Record<ScalingMetric, Template>>>> = {
    [ServingRuntime.Vllm]: {
        [ScalingMetric.InFlightRequests]: `sum({__name__=~"vllm:num_requests_running|vllm:num_requests_waiting",${SELECTOR}})`,
        [ScalingMetric.RequestsPerSecond]: `sum(rate(vllm:request_success_total{${SELECTOR}}[1m]))`,
        [ScalingMetric.QueueDepth]: `sum(vllm:num_requests_waiting{${SELECTOR}})`,
    },
    [ServingRuntime.Tgi]: {
        [ScalingMetric.InFlightRequests]: `sum({__name__=~"tgi_batch_current_size|tgi_queue_size",${SELECTOR}})`,
        [ScalingMetric.RequestsPerSecond]: `sum(rate(tgi_request_count{${SELECTOR}}[1m]))`,
        [ScalingMetric.QueueDepth]: `sum(tgi_queue_size{${SELECTOR}})`,
    },
    [ServingRuntime.Triton]: {
        [ScalingMetric.RequestsPerSecond]: `sum(rate(nv_inference_request_success{${SELECTOR}}[1m]))`,
        [ScalingMetric.QueueDepth]: `sum(nv_inference_pending_request_count{${SELECTOR}})`,
    },
    [ServingRuntime.TorchServe]: {
        [ScalingMetric.RequestsPerSecond]: `sum(rate(ts_inference_requests_total{${SELECTOR}}[1m]))`,
    },
};

/** The preset query of a metric for a server, or undefined when there is none (give `query`). */
export function presetQuery(metric: ScalingMetric, runtime: ServingRuntime, gpusPerReplica: number): Template | undefined {
    if (metric === ScalingMetric.GpuUtilization) {
        // One series per GPU: divided by the GPUs of a replica, so that the target stays "percent per GPU".
        const sum = `sum(DCGM_FI_DEV_GPU_UTIL{${SELECTOR}})`;
        return gpusPerReplica > 1 ? `${sum} / ${gpusPerReplica}` : sum;
    }
    return SERVER_QUERIES[runtime]?.[metric];
}

/** True when the preset reads the pods' own metrics (absent while no pod runs). */
export function readsPodMetrics(metric: ScalingMetric, runtime: ServingRuntime): boolean {
    return presetQuery(metric, runtime, 1) !== undefined;
}

/**
 * The query for one Deployment: pods are `<deployment>-<replicaset hash>-<pod hash>`, so the pattern never matches
 * a sibling Deployment whose name starts the same (`llm` and `llm-next`).
 */
export function podQuery(template: Template, namespace: pulumi.Input<string>, deploymentName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.all([namespace, deploymentName]).apply(([ns, name]) => template.split(SELECTOR).join(`namespace="${ns}",pod=~"${name}-[a-z0-9]+-[a-z0-9]+"`));
}

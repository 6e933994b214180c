/**
 * The orchestrator's own alerts (issue 18, docs/pipelines.md "Observability"): the pipeline's `observability` block,
 * resolved as each stage's ModelService resolves it (same switch, same defaults), for the alarms of the thing the
 * pipeline's endpoint is. A failing or slow pipeline whose stages look healthy (a mapping error between stages, the
 * orchestrator's timeout) is seen only there. Built on AWS (stepfunctions-alarms.ts) and GCP (workflows-alerts.ts);
 * not on kubernetes, where KServe's router publishes no metrics (it serves only `/` and its readiness path), nor on
 * docker, which has no observability.
 */
import { DEFAULT_LATENCY_SHARE, ObservabilitySpec, resolveObservability } from "../model-service/observability";
import { PipelineSpec } from "./spec";

/** The pipeline's `observability` with its defaults, as its stages read it. */
export function pipelineObservability(spec: PipelineSpec): ObservabilitySpec {
    return resolveObservability(spec.target, spec.observability);
}

/** `thresholds.latencySeconds`, else 80% of the pipeline's request timeout (its `requestTimeoutSeconds`). */
export function pipelineLatencySeconds(observability: ObservabilitySpec, requestTimeoutSeconds: number): number {
    return observability.thresholds.latencySeconds ?? Math.round(DEFAULT_LATENCY_SHARE * requestTimeoutSeconds * 1000) / 1000;
}

/**
 * Where the autoscaling arguments live in the caller's arguments, so that every problem names the field the user
 * wrote: `metricTarget` on a SpikeAutoscaler is `scaling.autoscaling.metricTarget` on a ModelService.
 */

/** Argument paths of the autoscaling spec in one component's arguments. */
export interface AutoscalerPaths {
    /** Prefix of the AutoscalingArgs fields: empty on SpikeAutoscaler, `scaling.autoscaling` on ModelService. */
    block: string;
    /** Path of the fewest replicas (`minReplicas`, `scaling.minReplicas`). */
    min: string;
    /** Path of the most replicas (`maxReplicas`, `scaling.maxReplicas`). */
    max: string;
    /** Prefix of the Kubernetes settings: `kubernetes` on SpikeAutoscaler, `kubernetes.autoscaler` on ModelService. */
    kubernetes: string;
}

/** `prefix.field`, or `field` without a prefix. */
export function at(prefix: string, field: string): string {
    return prefix ? `${prefix}.${field}` : field;
}

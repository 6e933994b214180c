/**
 * A PodDisruptionBudget for a workload: voluntary disruptions (node drains, upgrades, consolidation by
 * a node autoscaler) take at most one pod at a time.
 *
 * `maxUnavailable: 1` rather than `minAvailable`: it never blocks a drain of a one-replica workload
 * (which `minAvailable: 1` would, forever), and it does not change when an autoscaler changes the replica
 * count. Pods that are not ready yet (a model still loading, a crash loop) may always be evicted, so a
 * broken rollout cannot hold a node hostage.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A PodDisruptionBudget to create. */
export interface DisruptionBudgetSpec {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** The workload's pod selector. */
    selector: Record<string, string>;
}

export function createDisruptionBudget(logicalName: string, spec: DisruptionBudgetSpec, opts: pulumi.CustomResourceOptions): kubernetes.policy.v1.PodDisruptionBudget {
    return new kubernetes.policy.v1.PodDisruptionBudget(
        logicalName,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
            spec: {
                maxUnavailable: 1,
                selector: { matchLabels: spec.selector },
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            },
        },
        opts,
    );
}

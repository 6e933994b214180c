/**
 * The identity of a workload's pods. Its API token is not mounted (nothing modelship runs talks to the
 * Kubernetes API); cloud workload identity (EKS IRSA or Pod Identity, GKE Workload Identity) still works,
 * since those inject their own token or use the metadata server.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A ServiceAccount to create. */
export interface ServiceAccountSpec {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** For workload identity, for example `eks.amazonaws.com/role-arn`. Defaults to none. */
    annotations?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export function createServiceAccount(logicalName: string, spec: ServiceAccountSpec, opts: pulumi.CustomResourceOptions): kubernetes.core.v1.ServiceAccount {
    return new kubernetes.core.v1.ServiceAccount(
        logicalName,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels, annotations: spec.annotations },
            automountServiceAccountToken: false,
        },
        opts,
    );
}

/**
 * A ClusterIP Service in front of a workload's pods: the stable in-cluster name
 * (`<name>.<namespace>.svc.cluster.local`) and the backend that routes point at.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A Service to create. */
export interface ServiceSpec {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Pods it sends traffic to. */
    selector: Record<string, string>;
    /** Port of the HTTP API; the Service listens on the same number and targets the pods' `http` port. */
    port: number;
    /** Metrics port when it differs from `port` (for ServiceMonitors). Defaults to none. */
    metricsPort?: number;
}

/** The cluster DNS name of a Service. */
export function clusterDnsName(name: pulumi.Input<string>, namespace: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${name}.${namespace}.svc.cluster.local`;
}

export function createService(logicalName: string, spec: ServiceSpec, opts: pulumi.CustomResourceOptions): kubernetes.core.v1.Service {
    const ports = [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }];
    if (spec.metricsPort !== undefined && spec.metricsPort !== spec.port) ports.push({ name: "metrics", port: spec.metricsPort, targetPort: "metrics", protocol: "TCP" });
    return new kubernetes.core.v1.Service(
        logicalName,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
            spec: { type: "ClusterIP", selector: spec.selector, ports },
        },
        opts,
    );
}

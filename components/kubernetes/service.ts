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

/** `<name>.<namespace>.svc.cluster.local`: the cluster DNS name of a Service, both names known. */
export function clusterHost(name: string, namespace: string): string {
    return `${name}.${namespace}.svc.cluster.local`;
}

/**
 * The cluster DNS name of a Service, `http://<host>:<port>` with a port. One `apply` on the name when the namespace is
 * plain (as it mostly is): no Output chain per service in large stacks.
 */
export function clusterDnsName(name: pulumi.Input<string>, namespace: pulumi.Input<string>, port?: number): pulumi.Output<string> {
    const url = (host: string) => (port === undefined ? host : `http://${host}:${port}`);
    if (typeof namespace === "string") return pulumi.output(name).apply((n) => url(clusterHost(n, namespace)));
    return pulumi.all([name, namespace]).apply(([n, ns]) => url(clusterHost(n, ns)));
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

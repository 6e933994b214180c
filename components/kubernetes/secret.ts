/**
 * Opaque Secrets from Pulumi secret values. The values are wrapped with `pulumi.secret` so that they are
 * encrypted in the state whatever the caller passed (the Kubernetes SDK also marks `stringData` secret;
 * this does not rely on it).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A Secret to create. */
export interface SecretSpec {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Key to value; the values are secret in the Pulumi state. */
    values: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export function createSecret(logicalName: string, spec: SecretSpec, opts: pulumi.CustomResourceOptions): kubernetes.core.v1.Secret {
    return new kubernetes.core.v1.Secret(
        logicalName,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
            type: "Opaque",
            stringData: pulumi.secret(spec.values),
        },
        opts,
    );
}

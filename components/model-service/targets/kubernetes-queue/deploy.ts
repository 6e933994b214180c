/**
 * Queue mode's part of `target: kubernetes` (kubernetes.ts calls it): the provider's backend (queue, result store,
 * identities, KEDA's authentication), the consumer's ConfigMap, and what the ServiceAccount, the workloads and the
 * ScaledObjects take from them. No Service and no HTTPRoute: callers submit to the queue.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../../../sdk/cost/types";
import { physicalName } from "../../../../sdk/naming";
import type { KubernetesQueueProvider, ModelServiceQueueOutputs } from "../../args";
import type { QueueSpec } from "../../queue";
import type { ServingSpec } from "../../spec";
import { CONSUMER_SUFFIX } from "../kubernetes-spec";
import type { KubernetesQueueBackend, QueueTrigger } from "./backend";
import { QUEUE_BACKENDS } from "./backends";
import { ConsumerRefs, createConsumerConfigMap } from "./sidecar";

/** What queue mode deployed, for the rest of the target. */
export interface QueueModeDeployment {
    /** For the workloads' consumer sidecar. */
    consumer: ConsumerRefs;
    /** The pods' ServiceAccount's annotations: `kubernetes.serviceAccountAnnotations` and the backend's. */
    serviceAccountAnnotations: pulumi.Input<{ [key: string]: pulumi.Input<string> }> | undefined;
    /** The ScaledObjects' trigger on the queue's backlog. */
    trigger: QueueTrigger;
    /** The ModelService's `url` (where callers submit) and `queue` outputs. */
    submitUrl: pulumi.Output<string>;
    outputs: pulumi.Output<ModelServiceQueueOutputs>;
    /** What the pods and the ScaledObjects wait for: the workload identity (pods get credentials when they start) and KEDA's authentication. */
    dependencies: pulumi.Resource[];
    resources: Record<string, pulumi.Resource>;
}

/** The backend of the service's provider (validation requires one in queue mode). */
function backendOf(spec: ServingSpec): KubernetesQueueBackend {
    return QUEUE_BACKENDS[spec.given.kubernetes?.queue?.provider as KubernetesQueueProvider];
}

/** The consumer image: `kubernetes.queue.consumerImage`, else the default. */
function consumerImage(spec: ServingSpec): pulumi.Input<string> {
    return spec.given.kubernetes?.queue?.consumerImage ?? backendOf(spec).defaultConsumerImage;
}

/** Annotations given and the backend's, merged (the backend's win: its identity must hold). */
function mergedAnnotations(
    given: pulumi.Input<{ [key: string]: pulumi.Input<string> }> | undefined,
    backend: Record<string, pulumi.Input<string>>,
): pulumi.Input<{ [key: string]: pulumi.Input<string> }> | undefined {
    if (Object.keys(backend).length === 0) return given;
    return pulumi.all([pulumi.output(given ?? {}), pulumi.output(backend)]).apply(([a, b]) => ({ ...a, ...b }));
}

export interface QueueModeContext {
    namespace: pulumi.Input<string>;
    /** The pods' ServiceAccount's name (made after, with the annotations this returns). */
    serviceAccountName: string;
    labels: Record<string, string>;
    parent: pulumi.ComponentResource;
    /** Options of Kubernetes objects (the component as parent, the Kubernetes provider when one was made). */
    opts: pulumi.CustomResourceOptions;
    /** KEDA's Helm release when the service installs it: KEDA's objects wait for its CRDs. */
    kedaRelease?: pulumi.Resource;
}

/** Deploys the backend and the consumer's ConfigMap. */
export function deployQueueMode(spec: ServingSpec, ctx: QueueModeContext): QueueModeDeployment {
    const backend = backendOf(spec);
    const deployed = backend.deploy({
        spec,
        queue: spec.queue as QueueSpec,
        namespace: ctx.namespace,
        serviceAccountName: ctx.serviceAccountName,
        cloudOpts: { parent: ctx.parent },
        kubernetesOpts: { ...ctx.opts, dependsOn: ctx.kedaRelease ? [ctx.kedaRelease] : [] },
    });
    const name = physicalName(spec.name, CONSUMER_SUFFIX);
    const configMap = createConsumerConfigMap(`${spec.name}-consumer`, { name, namespace: ctx.namespace, labels: ctx.labels }, ctx.opts);
    return {
        consumer: { configMapName: configMap.metadata.name, backendEnv: deployed.consumerEnv, image: consumerImage(spec) },
        serviceAccountAnnotations: mergedAnnotations(spec.given.kubernetes?.serviceAccountAnnotations, deployed.serviceAccountAnnotations),
        trigger: deployed.trigger,
        submitUrl: deployed.outputs.apply((o) => o.submitUrl),
        outputs: deployed.outputs,
        dependencies: Object.values(deployed.resources),
        resources: { ...deployed.resources, consumerConfigMap: configMap },
    };
}

/**
 * The consumer as the cost model reads the workload (its container's requests count toward the pod's node): names as
 * strings, and no backend environment (it is not read).
 */
export function consumerRefsShape(spec: ServingSpec): ConsumerRefs {
    return { configMapName: physicalName(spec.name, CONSUMER_SUFFIX), backendEnv: {}, image: consumerImage(spec) };
}

/** The backend's billed resources (queues, buckets), as the cost model prices them. */
export function queueCostedResources(spec: ServingSpec): CostedResource[] {
    return backendOf(spec).costedResources(spec);
}

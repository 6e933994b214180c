/**
 * Links between resources that change a price: autoscalers that bound a workload's replicas (HPA, KEDA
 * ScaledObject), Application Auto Scaling targets that bound a SageMaker variant's instances, and node
 * groups/pools whose presence means pods are not priced on their own.
 */
import { num, str } from "./inputs";
import { NODE_TYPES } from "./pricers";
import type { CostedResource, ReplicaBounds, ResourceScaling } from "./types";

/** Type tokens of the HorizontalPodAutoscaler versions the cost model (and the policy pack) reads. */
export const HPA_TYPES: ReadonlySet<string> = new Set([
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
]);
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const APP_AUTOSCALING_TARGET = "aws:appautoscaling/target:Target";
const SAGEMAKER_ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
const SAGEMAKER_ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const WORKLOAD_KINDS: Record<string, string> = { "kubernetes:apps/v1:Deployment": "Deployment", "kubernetes:apps/v1:StatefulSet": "StatefulSet" };

/** A Kubernetes object's name: the provider's (auto-named) output when known, else the input, else the resource name. */
export function kubernetesName(r: CostedResource): string {
    return str(r.outputs, "metadata.name") ?? str(r.inputs, "metadata.name") ?? r.name;
}

/** A Kubernetes object's namespace: the input, else the provider's output; `default` when neither is set. */
export function kubernetesNamespace(r: CostedResource): string {
    return str(r.inputs, "metadata.namespace") ?? str(r.outputs, "metadata.namespace") ?? "default";
}

/** A cloud resource's physical name: the `name` input, else the provider's output, else the resource name. */
function physicalName(r: CostedResource): string {
    return str(r.inputs, "name") ?? str(r.outputs, "name") ?? r.name;
}

function workloadKey(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
}

/** Reads one autoscaler; undefined when it does not target something the cost model prices. */
function autoscalerBounds(r: CostedResource): { key: string; bounds: ReplicaBounds } | undefined {
    const namespace = kubernetesNamespace(r);
    const resourceName = kubernetesName(r);
    if (HPA_TYPES.has(r.type)) {
        const kind = str(r.inputs, "spec.scaleTargetRef.kind") ?? "Deployment";
        const target = str(r.inputs, "spec.scaleTargetRef.name");
        const max = num(r.inputs, "spec.maxReplicas");
        if (target === undefined || max === undefined) return undefined;
        const min = num(r.inputs, "spec.minReplicas") ?? 1;
        return { key: workloadKey(kind, namespace, target), bounds: { min, max, by: `HorizontalPodAutoscaler "${resourceName}" (${min}-${max})` } };
    }
    if (r.type === SCALED_OBJECT) {
        const kind = str(r.inputs, "spec.scaleTargetRef.kind") ?? "Deployment";
        const target = str(r.inputs, "spec.scaleTargetRef.name");
        if (target === undefined) return undefined;
        // KEDA's defaults: minReplicaCount 0, maxReplicaCount 100.
        const min = num(r.inputs, "spec.minReplicaCount") ?? 0;
        const max = num(r.inputs, "spec.maxReplicaCount") ?? 100;
        const defaults = [num(r.inputs, "spec.minReplicaCount") === undefined ? "minReplicaCount default 0" : "", num(r.inputs, "spec.maxReplicaCount") === undefined ? "maxReplicaCount default 100" : ""].filter(Boolean);
        return { key: workloadKey(kind, namespace, target), bounds: { min, max, by: `KEDA ScaledObject "${resourceName}" (${min}-${max}${defaults.length ? `, ${defaults.join(", ")}` : ""})` } };
    }
    return undefined;
}

/** Reads one Application Auto Scaling target of a SageMaker variant: bounds keyed `<endpoint name>/<variant name>`. */
function sagemakerTarget(r: CostedResource): { key: string; bounds: ReplicaBounds } | undefined {
    if (r.type !== APP_AUTOSCALING_TARGET || str(r.inputs, "serviceNamespace") !== "sagemaker") return undefined;
    const match = /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(str(r.inputs, "resourceId") ?? "");
    const min = num(r.inputs, "minCapacity");
    const max = num(r.inputs, "maxCapacity");
    if (!match || min === undefined || max === undefined) return undefined;
    return { key: `${match[1]}/${match[2]}`, bounds: { min, max, by: `aws:appautoscaling Target "${r.name}" (${min}-${max})` } };
}

/** Safe read: an autoscaler whose fields are not known yet (Outputs) links nothing; the others still link. */
function tryRead<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch {
        return undefined;
    }
}

/**
 * Reads every link in a set of resources once, and returns what applies to each resource. A workload with
 * two autoscalers takes the first in registration order.
 */
export function collectScaling(resources: ReadonlyArray<CostedResource>): (resource: CostedResource) => ResourceScaling {
    const nodesInStack = resources.some((r) => NODE_TYPES.has(r.type));
    const workloads = new Map<string, ReplicaBounds>();
    const variantTargets = new Map<string, ReplicaBounds>();
    for (const r of resources) {
        const found = tryRead(() => autoscalerBounds(r));
        if (found && !workloads.has(found.key)) workloads.set(found.key, found.bounds);
        const target = tryRead(() => sagemakerTarget(r));
        if (target) variantTargets.set(target.key, target.bounds);
    }
    // Endpoint configuration name -> the names of the endpoints that use it.
    const endpointsOfConfig = new Map<string, string[]>();
    for (const r of resources.filter((x) => x.type === SAGEMAKER_ENDPOINT)) {
        const config = tryRead(() => str(r.inputs, "endpointConfigName"));
        const endpoint = tryRead(() => physicalName(r));
        if (config !== undefined && endpoint !== undefined) endpointsOfConfig.set(config, [...(endpointsOfConfig.get(config) ?? []), endpoint]);
    }

    return (resource) => {
        const scaling: ResourceScaling = { nodesInStack };
        const kind = WORKLOAD_KINDS[resource.type];
        if (kind) {
            const key = tryRead(() => workloadKey(kind, kubernetesNamespace(resource), kubernetesName(resource)));
            const bounds = key !== undefined ? workloads.get(key) : undefined;
            if (bounds) scaling.replicas = bounds;
        }
        if (resource.type === SAGEMAKER_ENDPOINT_CONFIG) {
            const configName = tryRead(() => physicalName(resource));
            const variants: Record<string, ReplicaBounds> = {};
            for (const endpoint of configName !== undefined ? (endpointsOfConfig.get(configName) ?? []) : []) {
                for (const [key, bounds] of variantTargets) {
                    const [ep, variant] = key.split("/");
                    if (ep === endpoint && variants[variant] === undefined) variants[variant] = bounds;
                }
            }
            if (Object.keys(variants).length > 0) scaling.variants = variants;
        }
        return scaling;
    };
}

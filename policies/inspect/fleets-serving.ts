/**
 * GPUs of serving resources: GPU pods of Kubernetes workloads, SageMaker endpoint variants on GPU instances,
 * Cloud Run services with GPUs. Bounds come from the autoscalers that target them, as in the cost model
 * (`collectScaling` of sdk/cost gives the same links the cost model prices with).
 */
import { get, list, num, quantityEntry, record, str } from "../../sdk/cost/inputs";
import { cloudRunInstanceCounts } from "../../sdk/cost/pricers/cloudrun";
import { devicesPerPod, knativeMinScale, knativeScale } from "../../sdk/cost/pricers/kubernetes";
import type { ResourceScaling } from "../../sdk/cost/types";
import { ACCELERATOR_LABEL, GKE_ACCELERATOR_LABEL, KARPENTER_GPU_NAME_LABEL } from "../../sdk/naming";
import type { PlainResource } from "../framework/types";
import { AcceleratorUse, awsInstanceGpus, gcpAcceleratorUse, GpuFleet, karpenterGpuNameUses, MissingBound, modelshipLabelUse, range } from "./fleet";

const GPU = "nvidia.com/gpu";

/** The accelerators a pod's node selector, required node affinity or own label names. */
function podAccelerators(podSpec: unknown, podLabels: Record<string, unknown>): AcceleratorUse[] {
    const named = new Map<string, string[]>();
    const add = (key: string, value: unknown) => {
        if (typeof value === "string") named.set(key, [...(named.get(key) ?? []), value]);
    };
    for (const [key, value] of Object.entries(record(podSpec, "nodeSelector"))) add(key, value);
    for (const term of list(podSpec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")) {
        for (const expression of list(term, "matchExpressions")) {
            if (str(expression, "operator") === "In") list(expression, "values").forEach((v) => add(str(expression, "key") ?? "", v));
        }
    }
    if (!named.has(ACCELERATOR_LABEL)) add(ACCELERATOR_LABEL, podLabels[ACCELERATOR_LABEL]);
    const uses: AcceleratorUse[] = [];
    for (const v of new Set(named.get(ACCELERATOR_LABEL) ?? [])) uses.push(modelshipLabelUse(v));
    for (const v of new Set(named.get(GKE_ACCELERATOR_LABEL) ?? [])) uses.push(gcpAcceleratorUse(v));
    for (const v of new Set(named.get(KARPENTER_GPU_NAME_LABEL) ?? [])) uses.push(...karpenterGpuNameUses(v));
    return uses;
}

/**
 * `kubernetes:apps/v1:Deployment` and `StatefulSet` whose pods ask for GPUs: replicas from the autoscaler that
 * targets the workload (HPA, KEDA ScaledObject), else `spec.replicas` (default 1).
 */
export function podFleet(r: PlainResource, scaling: ResourceScaling): GpuFleet | undefined {
    const podSpec = get(r.inputs, "spec.template.spec");
    const perPod = devicesPerPod(podSpec).count;
    if (perPod === 0) return undefined;
    const replicas = num(r.inputs, "spec.replicas") ?? 1;
    const bounds = scaling.replicas ?? { min: replicas, max: replicas, by: num(r.inputs, "spec.replicas") === undefined ? "spec.replicas (default 1)" : "spec.replicas" };
    return {
        urn: r.urn,
        label: r.name,
        capacity: false,
        unit: "replica",
        gpusPerUnit: perPod,
        min: bounds.min,
        max: bounds.max,
        boundsWords: `${range(bounds.min, bounds.max)} replica(s) from ${bounds.by}`,
        fix: { min: scaling.replicas ? `the autoscaler's minimum at 0 (a KEDA ScaledObject: minReplicaCount 0)` : "spec.replicas: 0, or a KEDA ScaledObject with minReplicaCount 0" },
        accelerators: podAccelerators(podSpec, record(r.inputs, "spec.template.metadata.labels")),
    };
}

/**
 * A Knative Service or Configuration whose revisions' pods ask for GPUs: replicas between the template's
 * `autoscaling.knative.dev/min-scale` (default 0: Knative scales to zero, its activator holding the requests) and
 * `max-scale` (unset or 0: unbounded).
 */
export function knativeFleet(r: PlainResource): GpuFleet | undefined {
    const podSpec = get(r.inputs, "spec.template.spec");
    const perPod = devicesPerPod(podSpec).count;
    if (perPod === 0) return undefined;
    const bounds = knativeScale(r.inputs);
    const unbounded = typeof bounds === "string";
    const min = unbounded ? knativeMinScale(r.inputs) : bounds.min;
    return {
        urn: r.urn,
        label: r.name,
        capacity: false,
        unit: "replica",
        gpusPerUnit: perPod,
        min,
        max: unbounded ? undefined : bounds.max,
        maxMissing: unbounded ? { kind: "unbounded", words: bounds } : undefined,
        boundsWords: unbounded ? bounds : `${range(bounds.min, bounds.max)} replica(s) from ${bounds.by}`,
        fix: { min: `autoscaling.knative.dev/min-scale: "0" on the revision template (Knative's activator holds requests while the first replica starts)` },
        accelerators: podAccelerators(podSpec, record(r.inputs, "spec.template.metadata.labels")),
    };
}

/** One SageMaker production variant's instance bounds: its autoscaling target, else managed scaling, else the count. */
function variantBounds(variant: unknown, name: string | undefined, scaling: ResourceScaling): { min?: number; max?: number; maxMissing?: MissingBound; words: string } {
    const linked = name !== undefined ? scaling.variants?.[name] : undefined;
    if (linked) return { min: linked.min, max: linked.max, words: `${range(linked.min, linked.max)} instance(s) from ${linked.by}` };
    if (str(variant, "managedInstanceScaling.status") === "ENABLED") {
        const min = num(variant, "managedInstanceScaling.minInstanceCount");
        const max = num(variant, "managedInstanceScaling.maxInstanceCount");
        const maxMissing: MissingBound | undefined = max === undefined ? { kind: "unbounded", words: "managedInstanceScaling sets no maxInstanceCount" } : undefined;
        return { min, max, maxMissing, words: `managedInstanceScaling ${range(min, max)} instance(s)` };
    }
    const count = num(variant, "initialInstanceCount");
    if (count === undefined) return { maxMissing: { kind: "unknown", words: "initialInstanceCount is not set and no autoscaling target names this variant" }, words: "instance count not set" };
    return { min: count, max: count, words: `initialInstanceCount ${count}` };
}

/** `aws:sagemaker/endpointConfiguration:EndpointConfiguration`: one fleet per variant on accelerated instances. */
export function sagemakerFleets(r: PlainResource, scaling: ResourceScaling): GpuFleet[] {
    const fleets: GpuFleet[] = [];
    for (const [i, variant] of list(r.inputs, "productionVariants").entries()) {
        if (get(variant, "serverlessConfig") !== undefined) continue;
        const instanceType = str(variant, "instanceType");
        const found = instanceType !== undefined ? awsInstanceGpus(instanceType) : undefined;
        if (!found?.accelerated) continue;
        const name = str(variant, "variantName");
        const bounds = variantBounds(variant, name, scaling);
        fleets.push({
            urn: r.urn,
            label: `${r.name} variant ${name !== undefined ? JSON.stringify(name) : `#${i}`}`,
            capacity: true,
            unit: "instance",
            gpusPerUnit: found.gpus,
            perUnitMissing: found.gpus === undefined ? `the GPU count of ${instanceType} is not in the catalog` : undefined,
            min: bounds.min,
            minMissing: bounds.min === undefined ? { kind: "unknown", words: bounds.words } : undefined,
            max: bounds.max,
            maxMissing: bounds.maxMissing,
            boundsWords: bounds.words,
            fix: {
                min: 'asynchronous inference scaled to a minimum of 0 (ModelService scaling.mode "queue" with minReplicas 0), serverless inference (serverlessConfig), or no real-time endpoint outside production: a real-time variant keeps at least one instance',
            },
            accelerators: found.use ? [found.use] : [],
        });
    }
    return fleets;
}

/** `gcp:cloudrunv2/service:Service` whose containers ask for GPUs. */
export function cloudRunFleet(r: PlainResource): GpuFleet | undefined {
    let gpus = 0;
    for (const [i, container] of list(r.inputs, "template.containers").entries()) {
        gpus += quantityEntry(record(container, "resources.limits"), GPU, `template.containers[${i}].resources.limits`) ?? 0;
    }
    if (gpus === 0) return undefined;
    const accelerator = str(r.inputs, "template.nodeSelector.accelerator");
    const { min, max, words } = cloudRunInstanceCounts(r.inputs);
    return {
        urn: r.urn,
        label: r.name,
        capacity: true,
        unit: "instance",
        gpusPerUnit: gpus,
        min,
        max,
        boundsWords: words,
        fix: { min: "template.scaling.minInstanceCount: 0" },
        accelerators: accelerator !== undefined ? [gcpAcceleratorUse(accelerator)] : [],
    };
}

/**
 * Kubernetes workloads and node pools.
 *
 * A GPU pod on a cluster whose nodes are not in the stack is priced as a "GPU-equivalent": its devices times
 * the cheapest per-device share of an instance carrying that accelerator. When the stack creates the nodes
 * (EKS node groups, GKE node pools, Karpenter node pools) the nodes are priced and the pods are not, so
 * nothing is counted twice. CPU-only pods are never priced: they run on nodes priced elsewhere.
 */
import { Accelerator, ACCELERATORS, acceleratorInfo, acceleratorOfAwsFamily, acceleratorOfGcpType, isAccelerator } from "../../catalog/accelerators";
import { awsInstance, type AwsInstanceOffer } from "../../catalog/aws";
import { AWS_EC2_INSTANCES } from "../../catalog/data/aws-ec2.data";
import { usd } from "../../catalog/format";
import { gpuHourlyEquivalent, type Cloud } from "../../catalog/index";
import { ACCELERATOR_LABEL } from "../../naming";
import { monthly, PER_MONTH, range, unknown, type PricedFigure } from "../figures";
import { list, num, quantityEntry, record, str, UnknownInput } from "../inputs";
import type { PricingContext } from "./context";

const GPU = "nvidia.com/gpu";
const NEURON = "aws.amazon.com/neuron";

/** Devices one pod asks for: the sum over its containers of the GPU (or Neuron) limit, else request. */
export function devicesPerPod(podSpec: unknown): { count: number; resource: string } {
    let gpus = 0;
    let neuron = 0;
    for (const [i, container] of list(podSpec, "containers").entries()) {
        const path = `spec.template.spec.containers[${i}].resources`;
        const limits = record(container, "resources.limits");
        const requests = record(container, "resources.requests");
        gpus += quantityEntry(limits, GPU, `${path}.limits`) ?? quantityEntry(requests, GPU, `${path}.requests`) ?? 0;
        neuron += quantityEntry(limits, NEURON, `${path}.limits`) ?? quantityEntry(requests, NEURON, `${path}.requests`) ?? 0;
    }
    return neuron > 0 ? { count: neuron, resource: NEURON } : { count: gpus, resource: GPU };
}

/** The accelerator and cloud a pod's node selector names, or the reason it names none the catalog knows. */
function podAccelerator(podSpec: unknown, podLabels: Record<string, unknown>, resource: string, ctx: PricingContext): { accelerator: Accelerator; cloud: Cloud; label: string } | string {
    const selector = record(podSpec, "nodeSelector");
    // The node selector wins; else the pod's own label, which ModelService sets without constraining placement.
    const own = selector[ACCELERATOR_LABEL] ?? podLabels[ACCELERATOR_LABEL];
    if (own !== undefined) {
        if (!isAccelerator(own)) return `${ACCELERATOR_LABEL} ${JSON.stringify(own)} is not one of ${ACCELERATORS.join(", ")}`;
        return { accelerator: own, cloud: own === Accelerator.Inferentia2 ? "aws" : ctx.kubernetesCloud, label: `${ACCELERATOR_LABEL}=${own}` };
    }
    const gke = selector["cloud.google.com/gke-accelerator"];
    if (typeof gke === "string") {
        const accelerator = acceleratorOfGcpType(gke);
        return accelerator ? { accelerator, cloud: "gcp", label: `cloud.google.com/gke-accelerator=${gke}` } : `cloud.google.com/gke-accelerator ${gke} is not in the catalog`;
    }
    const karpenter = selector["karpenter.k8s.aws/instance-gpu-name"];
    if (typeof karpenter === "string") {
        const matches = ACCELERATORS.filter((a) => acceleratorInfo(a).karpenterGpuName === karpenter);
        if (matches.length !== 1) return `karpenter.k8s.aws/instance-gpu-name ${karpenter} names ${matches.length === 0 ? "no accelerator in the catalog" : `${matches.join(" and ")}; add ${ACCELERATOR_LABEL}`}`;
        return { accelerator: matches[0], cloud: "aws", label: `karpenter.k8s.aws/instance-gpu-name=${karpenter}` };
    }
    if (resource === NEURON) return { accelerator: Accelerator.Inferentia2, cloud: "aws", label: NEURON };
    return `the pod's nodeSelector names no accelerator (${ACCELERATOR_LABEL}, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name)`;
}

/**
 * `kubernetes:apps/v1:Deployment` and `StatefulSet`: GPU pods priced as GPU-equivalents, replicas from the
 * autoscaler that targets the workload (HPA or KEDA ScaledObject), else `spec.replicas` (default 1).
 * Undefined for CPU-only pods and when the stack creates the nodes.
 */
export function priceGpuWorkload(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure | undefined {
    if (ctx.scaling.nodesInStack) return undefined;
    const podSpec = record(inputs, "spec.template.spec");
    const devices = devicesPerPod(podSpec);
    if (devices.count === 0) return undefined;
    const found = podAccelerator(podSpec, record(inputs, "spec.template.metadata.labels"), devices.resource, ctx);
    if (typeof found === "string") return unknown(`${devices.count} ${devices.resource} per pod, but ${found}`);
    const replicas = ctx.scaling.replicas ?? { min: num(inputs, "spec.replicas") ?? 1, max: num(inputs, "spec.replicas") ?? 1, by: "" };
    const region = found.cloud === "aws" ? ctx.awsRegion : ctx.gcpRegion;
    const price = gpuHourlyEquivalent(found.cloud, found.accelerator, region);
    const perPod = devices.count * price.perGpuHourly;
    const name = acceleratorInfo(found.accelerator).displayName;
    return {
        min: monthly(replicas.min, perPod),
        max: monthly(replicas.max, perPod),
        basis:
            `${range(replicas.min, replicas.max)} replica(s) x ${devices.count} x ${name} (${found.label}): GPU-equivalent at ${usd(price.perGpuHourly)}/GPU-h ` +
            `(${price.instanceType} ${usd(price.instanceHourly)}/h / ${price.gpus}, ${found.cloud} ${region}; ${price.source}) ${PER_MONTH}` +
            `${replicas.by ? `; replicas from ${replicas.by}` : ""}; the cluster's nodes are not in this stack`,
    };
}

/** The AWS instance types a Karpenter NodePool may launch in the region, from its `In` requirements. */
function karpenterCandidates(inputs: Record<string, unknown>, region: string): AwsInstanceOffer[] | string {
    const narrowing = new Map<string, string[]>();
    for (const [i, req] of list(inputs, "spec.template.spec.requirements").entries()) {
        const key = str(req, "key");
        if (str(req, "operator") !== "In" || key === undefined) continue;
        narrowing.set(key, list(req, "values").map((v, j) => {
            if (typeof v !== "string") throw new UnknownInput(`spec.template.spec.requirements[${i}].values[${j}]`, "is not a string");
            return v;
        }));
    }
    const families = narrowing.get("karpenter.k8s.aws/instance-family");
    const types = narrowing.get("node.kubernetes.io/instance-type");
    const gpuNames = narrowing.get("karpenter.k8s.aws/instance-gpu-name");
    if (!families && !types && !gpuNames) return "its requirements name no instance family, instance type or GPU name, so any instance type may be launched";
    const candidates = AWS_EC2_INSTANCES.filter((row) => {
        const accelerator = acceleratorOfAwsFamily(row.family);
        return (!families || families.includes(row.family)) && (!types || types.includes(row.type)) &&
            (!gpuNames || (accelerator !== undefined && gpuNames.includes(acceleratorInfo(accelerator).karpenterGpuName ?? "")));
    }).filter((row) => row.onDemand[region] !== undefined);
    if (candidates.length === 0) return `no catalog instance type in ${region} matches its requirements`;
    return candidates.map((row) => awsInstance(row.type, region));
}

/**
 * `kubernetes:karpenter.sh/v1:NodePool`: the maximum is the pool's device limit (`spec.limits`) times the
 * dearest per-device price among the instance types it may launch. The minimum is unknown: Karpenter starts
 * nodes only for pending pods, so it depends on the pods, which are not priced on their own here.
 */
export function priceKarpenterNodePool(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = ctx.awsRegion;
    const minWords = "min unknown: Karpenter launches nodes only for pending pods, so the minimum depends on the pods scheduled";
    const limits = record(inputs, "spec.limits");
    const limit = quantityEntry(limits, GPU, "spec.limits") ?? quantityEntry(limits, NEURON, "spec.limits");
    if (limit === undefined) return { min: null, max: null, basis: `${minWords}; max unknown: spec.limits sets no ${GPU} (or ${NEURON}) limit` };
    const candidates = karpenterCandidates(inputs, region);
    if (typeof candidates === "string") return { min: null, max: null, basis: `${minWords}; max unknown: ${candidates}` };
    const withDevices = candidates.filter((c) => c.gpus > 0);
    if (withDevices.length === 0) return { min: null, max: null, basis: `${minWords}; max unknown: no candidate instance type has accelerator devices` };
    const dearest = withDevices.reduce((a, b) => (b.hourly / b.gpus > a.hourly / a.gpus ? b : a));
    const perDevice = dearest.hourly / dearest.gpus;
    const spot = list(inputs, "spec.template.spec.requirements").some((r) => str(r, "key") === "karpenter.sh/capacity-type" && list(r, "values").includes("spot"));
    return {
        min: null,
        max: monthly(limit, perDevice),
        basis:
            `${minWords}; max ${limit} devices (spec.limits) x ${usd(perDevice)}/device-h, the dearest per device of ${withDevices.length} candidate type(s) ` +
            `(${dearest.instanceType} ${usd(dearest.hourly)}/h / ${dearest.gpus}) on-demand in ${region} (${dearest.source}) ${PER_MONTH}` +
            (spot ? "; spot allowed: AWS spot prices are not in the catalog, so on-demand is the upper bound" : ""),
    };
}

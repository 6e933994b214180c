/**
 * Karpenter NodePools: the instance types a pool may launch, from its requirements. The maximum is its device limit
 * at the dearest price per device; the minimum is what the pods of the stack that land on it need (Karpenter
 * launches nodes only for pending pods, so without pods it launches nothing).
 */
import { acceleratorInfo, acceleratorOfAwsFamily } from "../../catalog/accelerators";
import { awsInstance, type AwsInstanceOffer } from "../../catalog/aws";
import { AWS_EC2_INSTANCES } from "../../catalog/data/aws-ec2.data";
import { usd } from "../../catalog/format";
import { monthly, PER_MONTH, type PricedFigure } from "../figures";
import { list, quantityEntry, record, str, UnknownInput } from "../inputs";
import { GPU, NEURON } from "../pods";
import type { PricingContext } from "./context";
import { podsNeed } from "./pool-pods";

/** The AWS instance types a Karpenter NodePool may launch in the region, from its `In` requirements. */
export function karpenterCandidates(inputs: Record<string, unknown>, region: string): AwsInstanceOffer[] | string {
    const narrowing = new Map<string, string[]>();
    for (const [i, req] of list(inputs, "spec.template.spec.requirements").entries()) {
        const key = str(req, "key");
        if (str(req, "operator") !== "In" || key === undefined) continue;
        narrowing.set(
            key,
            list(req, "values").map((v, j) => {
                if (typeof v !== "string") throw new UnknownInput(`spec.template.spec.requirements[${i}].values[${j}]`, "is not a string");
                return v;
            }),
        );
    }
    const families = narrowing.get("karpenter.k8s.aws/instance-family");
    const types = narrowing.get("node.kubernetes.io/instance-type");
    const gpuNames = narrowing.get("karpenter.k8s.aws/instance-gpu-name");
    if (!families && !types && !gpuNames) return "its requirements name no instance family, instance type or GPU name, so any instance type may be launched";
    const candidates = AWS_EC2_INSTANCES.filter((row) => {
        const accelerator = acceleratorOfAwsFamily(row.family);
        return (
            (!families || families.includes(row.family)) &&
            (!types || types.includes(row.type)) &&
            (!gpuNames || (accelerator !== undefined && gpuNames.includes(acceleratorInfo(accelerator).karpenterGpuName ?? "")))
        );
    }).filter((row) => row.onDemand[region] !== undefined);
    if (candidates.length === 0) return `no catalog instance type in ${region} matches its requirements`;
    return candidates.map((row) => awsInstance(row.type, region)).sort((a, b) => a.hourly - b.hourly);
}

/** The minimum: the nodes the stack's pods on the pool need, on the cheapest candidate that fits each. */
function minimum(candidates: AwsInstanceOffer[] | string, ctx: PricingContext): { min: number | null; words: string } {
    const pods = ctx.scaling.podsOnPool ?? [];
    if (pods.length === 0) return { min: 0, words: "min 0: no pod of this stack lands on it, and Karpenter launches nodes only for pending pods (pods of other stacks are priced there)" };
    if (typeof candidates === "string") return { min: null, words: `min unknown: ${candidates}` };
    const need = podsNeed(
        pods,
        candidates.map((c) => ({ name: c.instanceType, gpus: c.gpus, vcpus: c.vcpus, memoryGiB: c.memoryGiB, hourly: c.hourly })),
    );
    const min = need.prewarmMonthly === null ? null : need.monthly + need.prewarmMonthly;
    return { min, words: `min ${need.nodes} node(s) for the pods of this stack on it (${need.words.join("; ")}; on-demand in ${ctx.awsRegion})` };
}

/**
 * `kubernetes:karpenter.sh/v1:NodePool`: the maximum is the pool's device limit (`spec.limits`) times the
 * dearest per-device price among the instance types it may launch; the minimum is its pods' need.
 */
export function priceKarpenterNodePool(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = ctx.awsRegion;
    const limits = record(inputs, "spec.limits");
    const limit = quantityEntry(limits, GPU, "spec.limits") ?? quantityEntry(limits, NEURON, "spec.limits");
    const candidates = karpenterCandidates(inputs, region);
    const min = minimum(candidates, ctx);
    if (limit === undefined) return { min: min.min, max: null, basis: `${min.words}; max unknown: spec.limits sets no ${GPU} (or ${NEURON}) limit` };
    if (typeof candidates === "string") return { min: min.min, max: null, basis: `${min.words}; max unknown: ${candidates}` };
    const withDevices = candidates.filter((c) => c.gpus > 0);
    if (withDevices.length === 0) return { min: min.min, max: null, basis: `${min.words}; max unknown: no candidate instance type has accelerator devices` };
    const dearest = withDevices.reduce((a, b) => (b.hourly / b.gpus > a.hourly / a.gpus ? b : a));
    const perDevice = dearest.hourly / dearest.gpus;
    const spot = list(inputs, "spec.template.spec.requirements").some((r) => str(r, "key") === "karpenter.sh/capacity-type" && list(r, "values").includes("spot"));
    return {
        min: min.min,
        max: monthly(limit, perDevice),
        basis:
            `${min.words}; max ${limit} devices (spec.limits) x ${usd(perDevice)}/device-h, the dearest per device of ${withDevices.length} candidate type(s) ` +
            `(${dearest.instanceType} ${usd(dearest.hourly)}/h / ${dearest.gpus}) on-demand in ${region} (${dearest.source}) ${PER_MONTH}` +
            (spot ? "; spot allowed: AWS spot prices are not in the catalog, so on-demand is the upper bound" : ""),
    };
}

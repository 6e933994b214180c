/**
 * The pool's monthly cost: the GPU node group, node pool or Karpenter NodePool priced by the sdk cost model
 * from the exact inputs the pool creates it with, so the figure matches what the plan and the policy pack show.
 *
 * Not included: the EKS or GKE control plane and the system nodes of a cluster the pool creates (their
 * prices are not in the catalog; the plan lists them as unknown items), and a customer-managed key of the nodes'
 * disks: the pool uses the key, it does not create it, so the key's fee is billed in the stack that owns it.
 */
import { DEFAULT_AWS_REGION, DEFAULT_GCP_REGION, estimateCost } from "../../sdk/cost";
import { knownEstimate, MonthlyCostEstimate, unknownEstimate } from "../../sdk/cost/estimate";
import { GpuPoolCloud } from "./args";
import { imageCacheBasis } from "./image-cache";
import { PoolSpec, PricedNodes } from "./spec";

/** The regions the cost model prices the pool in: its own on aws and gcp, the defaults elsewhere (nothing is priced there). */
export function pricingRegions(spec: PoolSpec): { awsRegion: string; gcpRegion: string } {
    return {
        awsRegion: spec.cloud === GpuPoolCloud.Aws ? spec.region : DEFAULT_AWS_REGION,
        gcpRegion: spec.cloud === GpuPoolCloud.Gcp ? spec.region : DEFAULT_GCP_REGION,
    };
}

/** The basis line of a customer-managed disk key: not priced here, and why. */
function keyBasis(spec: PoolSpec): string[] {
    if (spec.cloud === GpuPoolCloud.Aws && spec.volumeKmsKeyArn !== undefined) {
        return ["volumes encrypted with the given KMS key (aws.volumeKmsKeyArn): its monthly fee and requests are billed to the key's owner, not to this pool"];
    }
    if (spec.cloud === GpuPoolCloud.Gcp && spec.bootDiskKmsKey !== undefined) {
        return ["boot disks encrypted with the given Cloud KMS key (gcp.bootDiskKmsKey): its key version and operation fees are billed to the key's project, not to this pool"];
    }
    return [];
}

/**
 * Prices the pool's GPU nodes in the pool's region. AWS spot capacity is priced on-demand as an upper bound
 * (the catalog has no AWS spot prices); GCP spot uses GCP's spot prices. On `kubernetes` the nodes are not in
 * the stack: unknown. On `docker` the local engine costs no cloud charge: 0.
 */
export function poolCost(spec: PoolSpec, nodes: PricedNodes | undefined, pods: readonly PricedNodes[] = [], volumes: readonly PricedNodes[] = []): MonthlyCostEstimate {
    if (spec.cloud === GpuPoolCloud.Docker) return knownEstimate(0, 0, ["local Docker engine: no cloud charge"]);
    if (!nodes) return unknownEstimate(["unknown: the pool does not create the cluster's GPU nodes, so their price is not known here"]);
    // The headroom's placeholders land on the nodes like any pod of the stack: the cost model raises the nodes' minimum to
    // what they hold (and adds the node-hours of their windows), per node of the cheapest type that fits them, as the plan does.
    const workloads = pods.map((p, i) => ({ urn: `${spec.name}-headroom-${i}`, type: p.type, name: `${spec.name}-headroom`, inputs: p.inputs }));
    const report = estimateCost([{ urn: spec.name, type: nodes.type, name: spec.name, inputs: nodes.inputs }, ...workloads], pricingRegions(spec));
    const item = report.items.find((i) => i.urn === spec.name);
    if (!item) return unknownEstimate([`unknown: the cost model prices no ${nodes.type} here`]);
    const basis = [item.basis, ...keyBasis(spec), ...imageCacheBasis(spec.imageCache)];
    const estimate: MonthlyCostEstimate = { knownMin: item.monthly.min ?? 0, knownMax: item.monthly.max ?? 0, known: item.monthly.min !== null && item.monthly.max !== null, basis };
    // A known bound is kept even when the other is not (a Karpenter pool's maximum, for example).
    if (item.monthly.min !== null) estimate.min = item.monthly.min;
    if (item.monthly.max !== null) estimate.max = item.monthly.max;
    return withVolumes(estimate, volumes, spec);
}

/**
 * The nodes' estimate with the image cache's disks (an EBS volume restored from a snapshot, per node: the launch template
 * or EC2NodeClass, priced as the plan prices them, `sdk/cost/pricers/volumes.ts`): unknown, never 0, except at a bound
 * without nodes (no node, no disk).
 */
function withVolumes(estimate: MonthlyCostEstimate, volumes: readonly PricedNodes[], spec: PoolSpec): MonthlyCostEstimate {
    const items = estimateCost(
        volumes.map((v, i) => ({ urn: `${spec.name}-volumes-${i}`, type: v.type, name: spec.name, inputs: v.inputs })),
        pricingRegions(spec),
    ).items;
    if (items.length === 0) return estimate;
    const out: MonthlyCostEstimate = { ...estimate, known: false, basis: [...estimate.basis, ...items.map((i) => i.basis)] };
    if (out.min !== 0) delete out.min;
    delete out.max;
    return out;
}

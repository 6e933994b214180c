/**
 * GCP compute: GKE node pools and Compute Engine instances. A machine's price is its vCPU and RAM plus its
 * GPUs (see catalog/gcp.ts); spot prices are known on GCP and used when the pool or instance is spot.
 */
import { usd } from "../../catalog/format";
import { gcpMachine, type GcpAttachedAccelerator, type GcpMachineOffer } from "../../catalog/gcp";
import { monthly, PER_MONTH, range, unknown, type PricedFigure } from "../figures";
import { bool, gcpRegionOf, isGcpZone, list, num, str, UnknownInput } from "../inputs";
import type { PricingContext } from "./context";

function accelerators(root: unknown, path: string): GcpAttachedAccelerator[] {
    return list(root, path).map((a, i) => {
        const type = str(a, "type");
        const count = num(a, "count");
        if (type === undefined || count === undefined) throw new UnknownInput(`${path}[${i}]`, "needs type and count");
        return { type, count };
    });
}

/** `g2-standard-4 (1 x nvidia-l4): $0.1468/h machine + 1 x $0.5600/h GPU = $0.7068/h spot`. */
function machineWords(offer: GcpMachineOffer): string {
    const kind = offer.spot ? "spot" : "on-demand";
    if (offer.gpus === 0) return `${offer.machineType} at ${usd(offer.hourly)}/h ${kind}`;
    const machine = offer.spot ? offer.machineSpotHourly : offer.machineHourly;
    const gpu = offer.spot ? offer.gpuSpotHourly : offer.gpuHourly;
    const estimated = offer.spot && offer.spotEstimated ? " (GPU spot price estimated by the source as 40% of on-demand)" : "";
    return `${offer.machineType} (${offer.gpus} x ${offer.acceleratorType}): ${usd(machine)}/h machine + ${offer.gpus} x ${usd(gpu)}/h GPU = ${usd(offer.hourly)}/h ${kind}${estimated}`;
}

/** Node counts of a pool: totals, or per-zone counts times the zones the pool spans. */
function nodeBounds(inputs: Record<string, unknown>): { min: number; max: number; words: string } | string {
    const totalMin = num(inputs, "autoscaling.totalMinNodeCount");
    const totalMax = num(inputs, "autoscaling.totalMaxNodeCount");
    if (totalMax !== undefined) return { min: totalMin ?? 0, max: totalMax, words: "autoscaling total node counts" };
    const nodeLocations = list(inputs, "nodeLocations");
    const location = str(inputs, "location");
    let zones: number;
    let zoneWords: string;
    if (nodeLocations.length > 0) [zones, zoneWords] = [nodeLocations.length, `${nodeLocations.length} zone(s) in nodeLocations`];
    else if (location !== undefined && isGcpZone(location)) [zones, zoneWords] = [1, `zonal pool in ${location}`];
    else if (location !== undefined) [zones, zoneWords] = [3, `regional pool: GKE's default of 3 zones (set nodeLocations to be exact)`];
    else [zones, zoneWords] = [1, "location not set: counted as one zone"];
    const perZoneMax = num(inputs, "autoscaling.maxNodeCount");
    if (perZoneMax !== undefined) {
        const perZoneMin = num(inputs, "autoscaling.minNodeCount") ?? 0;
        return { min: perZoneMin * zones, max: perZoneMax * zones, words: `${range(perZoneMin, perZoneMax)} nodes per zone x ${zoneWords}` };
    }
    const count = num(inputs, "nodeCount") ?? num(inputs, "initialNodeCount");
    if (count === undefined) return "neither autoscaling nor nodeCount/initialNodeCount is set";
    return { min: count * zones, max: count * zones, words: `${count} node(s) per zone x ${zoneWords}` };
}

/**
 * `gcp:container/nodePool:NodePool`: node counts from `autoscaling` (total or per zone) or `nodeCount`, each
 * node priced as its machine type plus `nodeConfig.guestAccelerators` (built into g2/a2/a3), spot when
 * `nodeConfig.spot` or `preemptible`. The cluster management fee is not included.
 */
export function priceGkeNodePool(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const location = str(inputs, "location");
    const region = location !== undefined ? gcpRegionOf(location) : ctx.gcpRegion;
    const machineType = str(inputs, "nodeConfig.machineType");
    if (machineType === undefined) return unknown("nodeConfig.machineType is not set: GKE then uses e2-medium, which is not in the catalog (g2, n1, a2, a3 only)");
    const spot = (bool(inputs, "nodeConfig.spot") ?? false) || (bool(inputs, "nodeConfig.preemptible") ?? false);
    const bounds = nodeBounds(inputs);
    if (typeof bounds === "string") return unknown(bounds);
    const offer = gcpMachine(machineType, region, { accelerators: accelerators(inputs, "nodeConfig.guestAccelerators"), spot });
    return {
        min: monthly(bounds.min, offer.hourly),
        max: monthly(bounds.max, offer.hourly),
        basis: `${range(bounds.min, bounds.max)} x ${machineWords(offer)} in ${region} (${offer.source}) ${PER_MONTH}; ${bounds.words}`,
    };
}

/** `gcp:compute/instance:Instance`: one VM, its machine type plus guest accelerators, spot when scheduled so. */
export function priceGceInstance(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const zone = str(inputs, "zone");
    const region = zone !== undefined ? gcpRegionOf(zone) : ctx.gcpRegion;
    const machineType = str(inputs, "machineType");
    if (machineType === undefined) return unknown("machineType is not set");
    const spot = str(inputs, "scheduling.provisioningModel") === "SPOT" || (bool(inputs, "scheduling.preemptible") ?? false);
    const offer = gcpMachine(machineType, region, { accelerators: accelerators(inputs, "guestAccelerators"), spot });
    const figure = monthly(1, offer.hourly);
    return { min: figure, max: figure, basis: `1 x ${machineWords(offer)} in ${region} (${offer.source}) ${PER_MONTH}` };
}

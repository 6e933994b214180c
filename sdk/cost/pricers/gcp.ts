/**
 * GCP compute: GKE node pools and Compute Engine instances. A machine's price is its vCPU and RAM plus its
 * GPUs (see catalog/gcp.ts); spot prices are known on GCP and used when the pool or instance is spot.
 */
import { usd } from "../../catalog/format";
import { gcpMachine, type GcpAttachedAccelerator, type GcpMachineOffer } from "../../catalog/gcp";
import { monthly, PER_MONTH, range, unknown, type PricedFigure } from "../figures";
import { bool, gcpRegionOf, get, isGcpZone, list, num, str, UnknownInput } from "../inputs";
import type { PricingContext } from "./context";
import { withPodsNeed } from "./pool-pods";

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

/**
 * Node counts of a GKE node pool: `bounded` with both counts, `unbounded` when autoscaling sets no maximum (GKE
 * then adds nodes as long as pods are pending; `nodeCount` is only the initial size), or `unknown` when nothing
 * says how many nodes there are.
 */
export type GkeNodeBounds = { kind: "bounded"; min: number; max: number; words: string } | { kind: "unbounded"; min: number; reason: string; words: string } | { kind: "unknown"; reason: string };

/** The zones a pool's per-zone counts multiply by: nodeLocations, else one for a zonal pool, else GKE's 3 for a regional one. */
function poolZones(inputs: Record<string, unknown>): { zones: number; words: string } {
    const nodeLocations = list(inputs, "nodeLocations");
    const location = str(inputs, "location");
    if (nodeLocations.length > 0) return { zones: nodeLocations.length, words: `${nodeLocations.length} zone(s) in nodeLocations` };
    if (location !== undefined && isGcpZone(location)) return { zones: 1, words: `zonal pool in ${location}` };
    if (location !== undefined) return { zones: 3, words: `3 zones (regional pool in ${location}: GKE's default; set nodeLocations to be exact)` };
    return { zones: 1, words: "location not set: counted as one zone" };
}

/** Node counts of a GKE pool: autoscaling totals, per-zone counts times the zones, or the fixed `nodeCount`. */
export function gkeNodeBounds(inputs: Record<string, unknown>): GkeNodeBounds {
    const autoscaling = get(inputs, "autoscaling");
    const totalMin = num(inputs, "autoscaling.totalMinNodeCount");
    const totalMax = num(inputs, "autoscaling.totalMaxNodeCount");
    if (totalMax !== undefined) {
        const min = totalMin ?? 0;
        return { kind: "bounded", min, max: totalMax, words: `autoscaling ${range(min, totalMax)} node(s) in total` };
    }
    const zones = poolZones(inputs);
    if (autoscaling !== undefined && autoscaling !== null) {
        // GKE refuses total and per-zone limits together, so a total minimum is the pool's minimum as it is.
        const perZoneMin = num(inputs, "autoscaling.minNodeCount") ?? 0;
        const perZoneMax = num(inputs, "autoscaling.maxNodeCount");
        if (perZoneMax === undefined) {
            const min = totalMin ?? perZoneMin * zones.zones;
            return { kind: "unbounded", min, reason: "autoscaling sets neither maxNodeCount nor totalMaxNodeCount", words: "autoscaling without a maximum" };
        }
        return { kind: "bounded", min: perZoneMin * zones.zones, max: perZoneMax * zones.zones, words: `autoscaling ${range(perZoneMin, perZoneMax)} node(s) per zone x ${zones.words}` };
    }
    const count = num(inputs, "nodeCount") ?? num(inputs, "initialNodeCount");
    if (count === undefined) return { kind: "unknown", reason: "neither autoscaling nor nodeCount/initialNodeCount is set" };
    return { kind: "bounded", min: count * zones.zones, max: count * zones.zones, words: `${count} node(s) per zone x ${zones.words}, no autoscaling` };
}

/**
 * `gcp:container/nodePool:NodePool`: node counts from {@link gkeNodeBounds}, each
 * node priced as its machine type plus `nodeConfig.guestAccelerators` (built into g2/a2/a3), spot when
 * `nodeConfig.spot` or `preemptible`. The cluster management fee is not included.
 */
export function priceGkeNodePool(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const location = str(inputs, "location");
    const region = location !== undefined ? gcpRegionOf(location) : ctx.gcpRegion;
    const machineType = str(inputs, "nodeConfig.machineType");
    if (machineType === undefined) return unknown("nodeConfig.machineType is not set: GKE then uses e2-medium, which is not in the catalog (g2, n1, a2, a3 only)");
    const spot = (bool(inputs, "nodeConfig.spot") ?? false) || (bool(inputs, "nodeConfig.preemptible") ?? false);
    const bounds = gkeNodeBounds(inputs);
    if (bounds.kind === "unknown") return unknown(bounds.reason);
    const offer = gcpMachine(machineType, region, { accelerators: accelerators(inputs, "nodeConfig.guestAccelerators"), spot });
    const priced = `${machineWords(offer)} in ${region} (${offer.source}) ${PER_MONTH}`;
    const types = [{ name: offer.machineType, gpus: offer.gpus, vcpus: offer.vcpus, memoryGiB: offer.memoryGiB, hourly: offer.hourly }];
    const pods = ctx.scaling.podsOnPool ?? [];
    if (bounds.kind === "unbounded") {
        // The maximum is what GKE adds for pending pods: unknown, never nodeCount (only the initial size) and never 0.
        return withPodsNeed({ min: monthly(bounds.min, offer.hourly), max: null, basis: `min ${bounds.min} x ${priced}; max unknown: ${bounds.reason}` }, bounds.min, undefined, types, pods);
    }
    return withPodsNeed(
        { min: monthly(bounds.min, offer.hourly), max: monthly(bounds.max, offer.hourly), basis: `${range(bounds.min, bounds.max)} x ${priced}; ${bounds.words}` },
        bounds.min,
        bounds.max,
        types,
        pods,
    );
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

/**
 * AWS compute: EKS managed node groups and EC2 instances.
 *
 * Spot: the catalog has no AWS spot prices. A spot node group or instance is priced at the on-demand price as
 * an upper bound, and the basis says so: the figure is never a guessed discount.
 */
import { acceleratorInfo } from "../../catalog/accelerators";
import { awsInstance, type AwsInstanceOffer } from "../../catalog/aws";
import { usd } from "../../catalog/format";
import { monthly, PER_MONTH, range, unknown, type PricedFigure } from "../figures";
import { get, list, num, str, UnknownInput } from "../inputs";
import type { PricingContext } from "./context";
import { withPodsNeed } from "./pool-pods";

const SPOT_NOTE = "spot: AWS spot prices are not in the catalog, so the on-demand price is used as an upper bound";

/** `g6.xlarge (1 x NVIDIA L4)`. */
function shape(offer: AwsInstanceOffer): string {
    return `${offer.instanceType} (${offer.gpus} x ${acceleratorInfo(offer.accelerator).displayName})`;
}

function capacityWords(spot: boolean): string {
    return spot ? "spot (priced on-demand)" : "on-demand";
}

/**
 * `aws:eks/nodeGroup:NodeGroup`. Minimum: `scalingConfig.minSize` nodes of the cheapest listed instance type;
 * maximum: `maxSize` nodes of the dearest listed type (the node group may launch any listed type, so this
 * is the bound). `desiredSize` is only where the group starts, so it does not enter either figure.
 */
export function priceEksNodeGroup(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = str(inputs, "region") ?? ctx.awsRegion;
    const types = list(inputs, "instanceTypes").map((t, i) => {
        if (typeof t !== "string") throw new UnknownInput(`instanceTypes[${i}]`, `is ${JSON.stringify(t)}, not a string`);
        return t;
    });
    if (types.length === 0) {
        if (get(inputs, "launchTemplate") !== undefined) return unknown("the instance type comes from the launch template, which the cost model does not read; list instanceTypes");
        return unknown("instanceTypes is not set: EKS then uses t3.medium, which is not in the catalog (accelerator instance families only)");
    }
    const minSize = num(inputs, "scalingConfig.minSize");
    const maxSize = num(inputs, "scalingConfig.maxSize");
    if (minSize === undefined || maxSize === undefined) return unknown("scalingConfig.minSize and maxSize are required to price a node group");
    const spot = str(inputs, "capacityType") === "SPOT";
    const offers = types.map((t) => awsInstance(t, region, spot ? "spot" : "on-demand")).sort((a, b) => a.hourly - b.hourly);
    const cheapest = offers[0];
    const dearest = offers[offers.length - 1];
    const source = `(${cheapest.source}) ${PER_MONTH}`;
    let basis: string;
    if (cheapest === dearest) {
        basis = `${range(minSize, maxSize)} x ${shape(cheapest)} ${capacityWords(spot)} at ${usd(cheapest.hourly)}/h in ${region} ${source}`;
    } else {
        basis =
            `min ${minSize} x ${shape(cheapest)} at ${usd(cheapest.hourly)}/h (cheapest listed), ` +
            `max ${maxSize} x ${shape(dearest)} at ${usd(dearest.hourly)}/h (dearest listed), ${capacityWords(spot)} in ${region} ${source}`;
    }
    if (spot) basis += `; ${SPOT_NOTE}`;
    const nodeTypes = offers.map((o) => ({ name: o.instanceType, gpus: o.gpus, vcpus: o.vcpus, memoryGiB: o.memoryGiB, hourly: o.hourly }));
    return withPodsNeed({ min: monthly(minSize, cheapest.hourly), max: monthly(maxSize, dearest.hourly), basis }, minSize, maxSize, nodeTypes, ctx.scaling.podsOnPool ?? []);
}

/** `aws:ec2/instance:Instance`: one instance, on-demand (or spot, priced on-demand as an upper bound). */
export function priceEc2Instance(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = str(inputs, "region") ?? ctx.awsRegion;
    const instanceType = str(inputs, "instanceType");
    if (instanceType === undefined) return unknown("instanceType is not set (a launch template's type is not read)");
    const market = get(inputs, "instanceMarketOptions") === undefined ? undefined : (str(inputs, "instanceMarketOptions.marketType") ?? "spot");
    if (market !== undefined && market !== "spot") return unknown(`instanceMarketOptions.marketType ${market} is billed by its reservation, which the catalog does not price`);
    const spot = market === "spot";
    const offer = awsInstance(instanceType, region, spot ? "spot" : "on-demand");
    const what = offer.gpus > 0 ? shape(offer) : offer.instanceType;
    const basis = `1 x ${what} ${capacityWords(spot)} at ${usd(offer.hourly)}/h in ${region} (${offer.source}) ${PER_MONTH}${spot ? `; ${SPOT_NOTE}` : ""}`;
    const figure = monthly(1, offer.hourly);
    return { min: figure, max: figure, basis };
}

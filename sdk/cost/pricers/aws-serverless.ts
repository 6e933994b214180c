/**
 * AWS managed serving: SageMaker endpoint configurations and Lambda functions.
 */
import { usd } from "../../catalog/format";
import { lambdaPrices, sagemakerInstance } from "../../catalog/serverless";
import { monthly, PER_MONTH, range, sumFigures, unknown, type PricedFigure } from "../figures";
import { get, list, num, str } from "../inputs";
import { HOURS_PER_MONTH, type ReplicaBounds } from "../types";
import type { PricingContext } from "./context";

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** The instance bounds of one variant: an autoscaling target, else managed instance scaling, else the count. */
function variantBounds(variant: unknown, path: string, name: string | undefined, ctx: PricingContext): ReplicaBounds | undefined {
    const linked = name !== undefined ? ctx.scaling.variants?.[name] : undefined;
    if (linked) return linked;
    if (str(variant, "managedInstanceScaling.status") === "ENABLED") {
        const min = num(variant, "managedInstanceScaling.minInstanceCount");
        const max = num(variant, "managedInstanceScaling.maxInstanceCount");
        if (min !== undefined && max !== undefined) return { min, max, by: `managedInstanceScaling (${range(min, max)})` };
    }
    const count = num(variant, "initialInstanceCount");
    if (count === undefined) return undefined;
    return { min: count, max: count, by: `${path}.initialInstanceCount` };
}

function priceVariant(variant: unknown, index: number, region: string, ctx: PricingContext): PricedFigure {
    const path = `productionVariants[${index}]`;
    const name = str(variant, "variantName");
    const label = `variant ${name !== undefined ? JSON.stringify(name) : `#${index}`}`;
    if (get(variant, "serverlessConfig") !== undefined) {
        const provisioned = num(variant, "serverlessConfig.provisionedConcurrency") ?? 0;
        const min = provisioned > 0 ? null : 0;
        const minWords = provisioned > 0 ? `min unknown: provisioned concurrency ${provisioned} is billed, at a price not in the catalog` : "min 0: serverless inference is billed per request";
        return { min, max: null, basis: `${label}: ${minWords}; max unknown: SageMaker Serverless Inference prices are not in the catalog` };
    }
    const instanceType = str(variant, "instanceType");
    if (instanceType === undefined) return unknown(`${label}: ${path}.instanceType is not set`);
    const bounds = variantBounds(variant, path, name, ctx);
    if (!bounds) return unknown(`${label}: ${path}.initialInstanceCount is not set and no autoscaling target names this variant`);
    const offer = sagemakerInstance(instanceType, region);
    const scaled = bounds.by.endsWith("initialInstanceCount") ? "" : `, scaled by ${bounds.by}`;
    const atMin = monthly(bounds.min, offer.hourly);
    const prewarm = bounds.prewarm;
    const extra = prewarm ? (prewarm.replicaHoursPerMonth === null ? null : prewarm.replicaHoursPerMonth * offer.hourly) : 0;
    return {
        min: atMin === null || extra === null ? null : atMin + extra,
        max: monthly(bounds.max, offer.hourly),
        basis: `${label}: ${range(bounds.min, bounds.max)} x ${instanceType} at ${usd(offer.hourly)}/h in ${region} (${offer.source}) ${PER_MONTH}${scaled}${prewarm ? `; pre-warming: ${prewarm.words}` : ""}`,
    };
}

/**
 * `aws:sagemaker/endpointConfiguration:EndpointConfiguration`: the hosting instances of every production
 * variant, at the bounds of the variant's Application Auto Scaling target when the stack has one.
 */
export function priceSageMakerEndpointConfig(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = str(inputs, "region") ?? ctx.awsRegion;
    const variants = list(inputs, "productionVariants");
    if (variants.length === 0) return unknown("productionVariants is empty");
    // One variant's catalog miss must not hide the others' figures from the basis.
    return sumFigures(
        variants.map((v, i) => {
            try {
                return priceVariant(v, i, region, ctx);
            } catch (error) {
                return unknown(`variant #${i}: ${(error as Error).message}`);
            }
        }),
    );
}

/**
 * `aws:lambda/function:Function`: billed per request and GB-second, so nothing at minimum scale. The maximum
 * is the compute of every reserved concurrent execution running the whole month; without a concurrency cap
 * there is no bound the stack states.
 */
export function priceLambdaFunction(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = str(inputs, "region") ?? ctx.awsRegion;
    // Active tracing bills X-Ray per trace recorded (beyond its free tier): per request too, and not priced here.
    const traced = str(inputs, "tracingConfig.mode") === "Active";
    const minWords = `min 0: billed per request and GB-second${traced ? " (with active tracing, X-Ray per trace recorded too)" : ""}, nothing without requests (provisioned concurrency is a separate resource)`;
    const reserved = num(inputs, "reservedConcurrentExecutions") ?? -1;
    if (reserved === 0) return { min: 0, max: 0, basis: "reservedConcurrentExecutions 0: the function cannot run" };
    if (reserved < 0) return { min: 0, max: null, basis: `${minWords}; max unknown: no reservedConcurrentExecutions cap, so only the account's concurrency limit bounds it` };
    const prices = lambdaPrices();
    if (region !== prices.region) return { min: 0, max: null, basis: `${minWords}; max unknown: Lambda prices are recorded for ${prices.region} only, not ${region}` };
    const memoryMb = num(inputs, "memorySize") ?? 128;
    const arch = list(inputs, "architectures")[0] === "arm64" ? "arm64" : "x86_64";
    const gbSecond = prices.gbSecond[arch];
    const memoryGb = memoryMb / 1024;
    const max = reserved * memoryGb * SECONDS_PER_MONTH * gbSecond;
    return {
        min: 0,
        max,
        basis:
            `${minWords}; max ${reserved} concurrent executions (reservedConcurrentExecutions) x ${Number(memoryGb.toFixed(4))} GB x ${SECONDS_PER_MONTH.toLocaleString("en-US")} s ` +
            `x ${usd(gbSecond)}/GB-s ${arch} in ${region} (${prices.source}): compute at full concurrency all month; ` +
            `requests (${usd(prices.perMillionRequests)} per million) not included${traced ? ", X-Ray traces (per trace recorded beyond X-Ray's free tier) not priced" : ""}, free tier not deducted`,
    };
}

/**
 * `gcp:cloudrunv2/service:Service`: instances x (vCPU + memory + GPU) per hour.
 *
 * Billing: a GPU service, and a service whose containers set `resources` without `cpuIdle: true`, is billed
 * for the whole instance lifetime (instance-based); otherwise Cloud Run bills active request time only
 * (request-based), so idle minimum instances cost a lower idle rate the catalog does not have.
 */
import { CatalogError } from "../../catalog/errors";
import { usd } from "../../catalog/format";
import { cloudRunComputePrices, cloudRunGpuHourly, type CloudRunBilling } from "../../catalog/serverless";
import { monthly, PER_MONTH, range, unknown, type PricedFigure } from "../figures";
import { bool, get, list, num, quantity, quantityEntry, record, str } from "../inputs";
import type { PricingContext } from "./context";

/** Cloud Run's documented default maximum number of instances. */
export const CLOUD_RUN_DEFAULT_MAX_INSTANCES = 100;

/** A Cloud Run v2 service's instance counts, as the cost model prices them and the policy pack checks them. */
export interface CloudRunInstanceCounts {
    min: number;
    max: number;
    /** True when autoscaling sets no `maxInstanceCount`, so `max` is {@link CLOUD_RUN_DEFAULT_MAX_INSTANCES}. */
    defaultMax: boolean;
    /** What the range alone does not say: `manual scaling, 2 instance(s)`, or that the maximum is Cloud Run's default; empty otherwise. */
    note: string;
    /** The counts in words: `1-3 instance(s)`, `0-100 instance(s): max 100 is Cloud Run's default (...)`, `manual scaling, 2 instance(s)`. */
    words: string;
}

/**
 * Instance counts of a `gcp:cloudrunv2/service:Service`: the manual count, else the autoscaling minimum (the larger
 * of the revision's and the service's) and maximum (the revision's, else the service's, else Cloud Run's default).
 */
export function cloudRunInstanceCounts(inputs: Record<string, unknown>): CloudRunInstanceCounts {
    if (str(inputs, "scaling.scalingMode") === "MANUAL") {
        const count = num(inputs, "scaling.manualInstanceCount") ?? 0;
        const note = `manual scaling, ${count} instance(s)`;
        return { min: count, max: count, defaultMax: false, note, words: note };
    }
    const min = Math.max(num(inputs, "template.scaling.minInstanceCount") ?? 0, num(inputs, "scaling.minInstanceCount") ?? 0);
    const setMax = num(inputs, "template.scaling.maxInstanceCount") ?? num(inputs, "scaling.maxInstanceCount");
    const max = setMax ?? CLOUD_RUN_DEFAULT_MAX_INSTANCES;
    const note = setMax === undefined ? `max ${max} is Cloud Run's default (maxInstanceCount not set)` : "";
    return { min, max, defaultMax: setMax === undefined, note, words: `${range(min, max)} instance(s)${note ? `: ${note}` : ""}` };
}

interface InstanceShape {
    vcpus: number;
    memoryGiB: number;
    gpus: number;
    billing: CloudRunBilling;
}

function instanceShape(inputs: Record<string, unknown>): InstanceShape | string {
    const containers = list(inputs, "template.containers");
    if (containers.length === 0) return "template.containers is empty";
    let vcpus = 0;
    let memoryGiB = 0;
    let gpus = 0;
    let requestBased = true;
    for (const [i, container] of containers.entries()) {
        const path = `template.containers[${i}].resources`;
        const resources = get(container, "resources");
        if (resources !== undefined && bool(container, "resources.cpuIdle") !== true) requestBased = false;
        const limits = record(container, "resources.limits");
        const cpu = quantity(limits, "cpu");
        const memory = quantity(limits, "memory");
        // Cloud Run's defaults differ between surfaces and have changed; an unset limit is not guessed.
        if (cpu === undefined || memory === undefined) return `${path}.limits.cpu and .memory must be set to price the instance`;
        vcpus += cpu;
        memoryGiB += memory / 1024 ** 3;
        gpus += quantityEntry(limits, "nvidia.com/gpu", `${path}.limits`) ?? 0;
    }
    return { vcpus, memoryGiB, gpus, billing: gpus > 0 || !requestBased ? "instance" : "request" };
}

/** USD per instance-hour, or null with the reasons when a part is not priced. */
function instanceHourly(inputs: Record<string, unknown>, shape: InstanceShape, region: string): { hourly: number | null; words: string } {
    const parts: string[] = [];
    const reasons: string[] = [];
    let hourly: number | null = 0;
    try {
        const compute = cloudRunComputePrices(region, shape.billing);
        hourly += shape.vcpus * compute.vcpuSecond * 3600 + shape.memoryGiB * compute.gibSecond * 3600;
        parts.push(
            `${shape.vcpus} vCPU x ${usd(compute.vcpuSecond)}/vCPU-s + ${Number(shape.memoryGiB.toFixed(3))} GiB x ${usd(compute.gibSecond)}/GiB-s ` +
                `(${shape.billing}-based billing; ${compute.sources.vcpu.file}, ${compute.sources.vcpu.date}, memory figure ${compute.sources.memory.confidence} confidence)`,
        );
    } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        hourly = null;
        reasons.push(error.message);
    }
    if (shape.gpus > 0) {
        const accelerator = str(inputs, "template.nodeSelector.accelerator");
        if (accelerator !== "nvidia-l4") reasons.push(`template.nodeSelector.accelerator ${JSON.stringify(accelerator)}: only nvidia-l4 is priced for Cloud Run`);
        else if (bool(inputs, "template.gpuZonalRedundancyDisabled") !== true) {
            reasons.push("the catalog's Cloud Run L4 price is without zonal redundancy; set template.gpuZonalRedundancyDisabled: true (the zonal-redundant price is higher and not recorded)");
        } else {
            try {
                const gpu = cloudRunGpuHourly(region);
                if (hourly !== null) hourly += shape.gpus * gpu.hourly;
                parts.push(`${shape.gpus} x L4 at ${usd(gpu.hourly)}/h (${gpu.source}, ${gpu.date}; ${gpu.confidence} confidence)`);
            } catch (error) {
                if (!(error instanceof CatalogError)) throw error;
                reasons.push(error.message);
            }
        }
    }
    if (reasons.length > 0) return { hourly: null, words: `instance price unknown: ${reasons.join("; ")}` };
    return { hourly, words: `${usd(hourly as number)}/h per instance = ${parts.join(" + ")}` };
}

/** Prices a Cloud Run v2 service between its minimum and maximum instance counts. */
export function priceCloudRunService(inputs: Record<string, unknown>, ctx: PricingContext): PricedFigure {
    const region = str(inputs, "location") ?? ctx.gcpRegion;
    const shape = instanceShape(inputs);
    if (typeof shape === "string") return unknown(shape);
    const counts = cloudRunInstanceCounts(inputs);
    const price = instanceHourly(inputs, shape, region);
    const countWords = counts.note ? `; ${counts.note}` : "";
    const prewarm = ctx.scaling.prewarm;
    if (shape.billing === "instance") {
        const atMin = monthly(counts.min, price.hourly);
        const extra = !prewarm ? 0 : prewarm.replicaHoursPerMonth === null || price.hourly === null ? null : prewarm.replicaHoursPerMonth * price.hourly;
        return {
            min: atMin === null || extra === null ? null : atMin + extra,
            max: monthly(counts.max, price.hourly),
            basis: `${range(counts.min, counts.max)} instance(s) in ${region}, ${price.words} ${PER_MONTH}${countWords}${prewarm ? `; pre-warming: ${prewarm.words}` : ""}`,
        };
    }
    const idle = counts.min > 0 || (prewarm !== undefined && prewarm.replicaHoursPerMonth !== 0);
    const minWords = !idle
        ? "min 0: request-based billing, scales to zero"
        : `min unknown: ${counts.min > 0 ? `${counts.min} idle minimum instance(s)` : `pre-warmed instances (${prewarm?.words})`} are billed at an idle rate not in the catalog`;
    return {
        min: idle ? null : 0,
        max: monthly(counts.max, price.hourly),
        basis: `${minWords}; max ${counts.max} instance(s) busy all month in ${region}, ${price.words} ${PER_MONTH}; requests not included${countWords}`,
    };
}

/**
 * Choosing among one accelerator's offers in a region, the same way on every cloud: the cheapest that fits a
 * request, every shape with exactly N devices, the device counts, and the message
 * that says what exists when nothing fits. aws.ts and gcp.ts build the offers; this file only picks.
 */
import { Accelerator, acceleratorInfo, isNvidia } from "./accelerators";
import { CatalogError } from "./errors";
import { byName, listOr } from "./format";

/** What the choice reads of an offer (an AWS instance type or a GCP machine shape, with its price). */
export interface SizedOffer {
    /** Accelerator devices per instance or machine. */
    gpus: number;
    vcpus: number;
    memoryGiB: number;
    /** USD per hour as requested (on-demand or spot). */
    hourly: number;
}

/** What a lookup asks for. */
export interface SizeRequest {
    accelerator: Accelerator;
    minGpus: number;
    /** Least RAM per instance or machine, GiB. Defaults to 0. */
    minMemoryGiB?: number;
    /** Fewest vCPUs per instance or machine. Defaults to 0. */
    minVcpus?: number;
    region: string;
}

/** How a cloud's offers read in messages. */
export interface OfferWords<O> {
    /** `AWS instance type`, `GCP machine type`. */
    type: string;
    /** One offer: `instance`, `machine`. */
    unit: string;
    /** The name of one offer in a list (`g6.xlarge`, `n1-standard-4+2`). */
    label(offer: O): string;
}

/** Names listed per device count before the list is shortened to its ends (GCP's N1 has dozens of shapes). */
const MAX_LISTED = 8;

/** "GPUs", or "Neuron devices" for Inferentia2. */
function deviceWord(accelerator: Accelerator): string {
    return isNvidia(accelerator) ? "GPUs" : "Neuron devices";
}

/** Device counts among the offers, ascending. */
export function gpuCounts(offers: readonly SizedOffer[]): number[] {
    return [...new Set(offers.map((o) => o.gpus))].sort((a, b) => a - b);
}

/** What exists, for the message when nothing fits: shapes per device count, and the largest shapes. */
function whatExists<O extends SizedOffer>(offers: readonly O[], request: SizeRequest, words: OfferWords<O>): string {
    const device = deviceWord(request.accelerator);
    const bySize = (a: O, b: O) => a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB || byName(words.label(a), words.label(b));
    const counts = gpuCounts(offers);
    const shapes = counts.map((c) => {
        const names = offers
            .filter((o) => o.gpus === c)
            .sort(bySize)
            .map(words.label);
        const listed = names.length > MAX_LISTED ? `${names.slice(0, 2).join(", ")} .. ${names[names.length - 1]} (${names.length} shapes)` : names.join(", ");
        return `${c}: ${listed}`;
    });
    const name = acceleratorInfo(request.accelerator).displayName;
    let text = `${name} ${words.unit}s in ${request.region} offer ${listOr(counts)} ${device} per ${words.unit} (${shapes.join("; ")})`;
    const enough = offers.filter((o) => o.gpus >= request.minGpus);
    if (enough.length === 0) return `${text}; none has ${request.minGpus} or more.`;
    const mostMemory = enough.reduce((a, b) => (b.memoryGiB > a.memoryGiB ? b : a));
    const mostVcpus = enough.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
    text += `; with >= ${request.minGpus} ${device} the most RAM is ${mostMemory.memoryGiB} GiB (${words.label(mostMemory)})`;
    return `${text} and the most vCPUs ${mostVcpus.vcpus} (${words.label(mostVcpus)}).`;
}

/**
 * The first of `offers` (sorted cheapest first) with at least the request's devices, RAM and vCPUs. Throws
 * {@link CatalogError} naming the request (`capacity`: on-demand or spot) and what exists when none fits.
 */
export function cheapestFitting<O extends SizedOffer>(offers: readonly O[], request: SizeRequest, capacity: string, words: OfferWords<O>): O {
    const fitting = offers.find((o) => o.gpus >= request.minGpus && o.memoryGiB >= (request.minMemoryGiB ?? 0) && o.vcpus >= (request.minVcpus ?? 0));
    if (fitting) return fitting;
    const wanted = [`>= ${request.minGpus} x ${acceleratorInfo(request.accelerator).displayName}`];
    if (request.minMemoryGiB) wanted.push(`>= ${request.minMemoryGiB} GiB RAM`);
    if (request.minVcpus) wanted.push(`>= ${request.minVcpus} vCPUs`);
    throw new CatalogError(`No ${words.type} fits ${wanted.join(", ")} (${capacity}) in ${request.region}. ${whatExists(offers, request, words)}`);
}

/** The offers with exactly `gpus` devices, in their order. Throws {@link CatalogError} naming what exists when none has. */
export function withExactly<O extends SizedOffer>(offers: readonly O[], gpus: number, accelerator: Accelerator, region: string, words: OfferWords<O>): O[] {
    const exact = offers.filter((o) => o.gpus === gpus);
    if (exact.length > 0) return exact;
    const name = acceleratorInfo(accelerator).displayName;
    throw new CatalogError(`No ${words.type} has exactly ${gpus} x ${name} in ${region}. ${whatExists(offers, { accelerator, minGpus: gpus, region }, words)}`);
}

/**
 * The accelerator a ModelService asks for against the nodes its node selector places it on: a service that asks for
 * L4 GPUs with the placement of an A10G pool (`modelship.dev/accelerator: a10g`, GKE's
 * `cloud.google.com/gke-accelerator`, Karpenter's `karpenter.k8s.aws/instance-gpu-name`) would be sized, priced and
 * checked by the policies as L4 while running on A10G nodes, or stay Pending. Run from the schema, so a selector
 * that is still an Output (a GpuPool's `placement.nodeSelector`) is checked once it is known, with the same error.
 */
import { Accelerator, acceleratorInfo } from "../../sdk/catalog/accelerators";
import { acceleratorLabelValue, acceleratorsNamedBy } from "../../sdk/naming";
import { isDeferred } from "../../sdk/validate";

/** One mismatch, as a zod issue's path and message (the message is the "expected" of the error). */
export interface PlacementIssue {
    path: PropertyKey[];
    message: string;
}

/** The parts of ModelServiceArgs the check reads, as the schema parsed them (Outputs passed through). */
interface PlacementArgs {
    resources?: { gpu?: { accelerator?: Accelerator } };
    kubernetes?: { nodeSelector?: unknown };
}

function displayName(accelerator: Accelerator): string {
    return acceleratorInfo(accelerator).displayName;
}

/** What the selector's value names, in words: `NVIDIA A10G`, `NVIDIA A100 40GB or NVIDIA A100 80GB`, or `an accelerator outside the catalog`. */
function namedWords(accelerators: Accelerator[]): string {
    return accelerators.length === 0 ? "an accelerator outside the catalog" : accelerators.map(displayName).join(" or ");
}

/**
 * Every label of `kubernetes.nodeSelector` that names another accelerator than `resources.gpu.accelerator`. Nothing
 * without a GPU, without a node selector, or while the selector (or the value) is an Output.
 */
export function placementIssues(args: PlacementArgs): PlacementIssue[] {
    const wanted = args.resources?.gpu?.accelerator;
    const selector = args.kubernetes?.nodeSelector;
    if (wanted === undefined || selector === undefined || selector === null || typeof selector !== "object" || isDeferred(selector)) return [];
    const issues: PlacementIssue[] = [];
    for (const [label, value] of Object.entries(selector as Record<string, unknown>)) {
        if (typeof value !== "string") continue;
        const named = acceleratorsNamedBy(label, value);
        if (named === undefined || named.includes(wanted)) continue;
        const right = acceleratorLabelValue(label, wanted);
        const fix = right !== undefined ? `${JSON.stringify(right)}, the value that names ${displayName(wanted)}` : `no ${label} selector: no node carries ${displayName(wanted)} under that label`;
        issues.push({
            path: ["kubernetes", "nodeSelector", label],
            message: `${fix} (resources.gpu.accelerator is ${JSON.stringify(wanted)}; this selector places the pods on ${namedWords(named)} nodes): use the placement of a pool of ${wanted}, or set resources.gpu.accelerator to the pool's accelerator`,
        });
    }
    return issues;
}

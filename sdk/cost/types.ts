/**
 * Types of the one cost model. Every figure is USD per month (730 hours); `null` means unknown,
 * never zero. See `sdk/cost/index.ts` for how resources are priced.
 */

/** Hours in the month the cost model uses: 8,760 hours a year / 12. */
export const HOURS_PER_MONTH = 730;

/** A monthly cost at minimum scale and at maximum scale (every autoscaler at its cap). */
export interface MonthlyCost {
    /** USD per month at minimum scale; null when unknown. */
    min: number | null;
    /** USD per month at maximum scale; null when unknown. */
    max: number | null;
}

/** A resource as the cost model sees it: a Pulumi type token and its inputs (a ResourceRecord fits). */
export interface CostedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    inputs: Record<string, unknown>;
    /**
     * Outputs, where known (a ResourceRecord of the mock runtime has them). Used only to match names that the
     * provider generates, such as a Kubernetes object's `metadata.name`, to the autoscalers that target them.
     */
    outputs?: Record<string, unknown>;
}

/** One priced resource. */
export interface CostItem {
    urn: string;
    type: string;
    monthly: MonthlyCost;
    /** How the figure was reached: instance type, count, unit price, price list and its date; or why unknown. */
    basis: string;
}

/** The cost of a set of resources. */
export interface CostReport {
    currency: "USD";
    /** Sums of the known item figures. `unknownItems` counts the items left out because unknown. */
    monthly: { min: number; max: number };
    /** Items with a cost (known or unknown); resources that cost nothing by themselves are left out. */
    items: CostItem[];
    /** How many items have an unknown min or max. */
    unknownItems: number;
}

/** Options of the cost model. */
export interface CostOptions {
    /** Region of AWS resources that do not set `region` themselves. Defaults to us-east-1. */
    awsRegion?: string;
    /** Region of GCP resources whose location is not set. Defaults to us-central1. */
    gcpRegion?: string;
    /**
     * Cloud whose prices a GPU pod is priced at when it names its accelerator only with the
     * `modelship.dev/accelerator` label (a cluster whose nodes are not in the stack). Defaults to aws.
     */
    kubernetesCloud?: "aws" | "gcp";
}

/** Replica or instance bounds an autoscaler puts on a resource. */
export interface ReplicaBounds {
    min: number;
    max: number;
    /** The autoscaler, for the basis: for example `HorizontalPodAutoscaler "web" (2-10)`. */
    by: string;
}

/** What other resources of the stack tell the pricer of one resource. */
export interface ResourceScaling {
    /** Bounds on the resource's replica count (a Deployment's HPA or KEDA ScaledObject). */
    replicas?: ReplicaBounds;
    /** Bounds per SageMaker production variant, keyed by `variantName` (an Application Auto Scaling target). */
    variants?: Readonly<Record<string, ReplicaBounds>>;
    /**
     * True when the stack also creates the cluster's nodes (EKS node groups, GKE node pools, Karpenter node
     * pools): pods are then not priced, the nodes are, so nothing is counted twice.
     */
    nodesInStack?: boolean;
}

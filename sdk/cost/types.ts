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
    /**
     * False for a component resource (Pulumi creates nothing for it; its children are priced one by one). Absent:
     * a custom resource, unless its type is a known component (`modelship:index:*`, the stack).
     */
    custom?: boolean;
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
    /**
     * The URN of the node pool of the stack (EKS node group, GKE node pool, Karpenter NodePool) this workload's pods
     * run on: the pool's item prices those nodes, so this item is $0 and says "on pool X".
     */
    onPool?: string;
}

/** A resource that costs nothing by itself, and why (IAM, a Kubernetes object whose nodes are priced elsewhere). */
export interface FreeItem {
    urn: string;
    type: string;
    reason: string;
}

/** The cost of a set of resources. */
export interface CostReport {
    currency: "USD";
    /** The totals: null when any item's figure is unknown (never the sum of the rest). */
    monthly: MonthlyCost;
    /** Sums of the known item figures only; `unknownItems` counts the items left out. */
    knownMonthly: { min: number; max: number };
    /** Billed resources: priced, unknown, or on a pool priced elsewhere in the report. */
    items: CostItem[];
    /** Resources that cost nothing by themselves, each with the reason. */
    free: FreeItem[];
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

/** Replica-hours a month that a schedule (pre-warming) adds above the minimum. */
export interface Prewarm {
    /** Replica-hours per month above the minimum; null when a schedule cannot be read. */
    replicaHoursPerMonth: number | null;
    /** For the basis: the schedules and the hours, or why they cannot be read. */
    words: string;
}

/** Replica or instance bounds an autoscaler puts on a resource. */
export interface ReplicaBounds {
    min: number;
    max: number;
    /** The autoscaler, for the basis: for example `HorizontalPodAutoscaler "web" (2-10)`. */
    by: string;
    /** Scheduled raises of the minimum (KEDA cron triggers, scheduled actions). */
    prewarm?: Prewarm;
}

/** The pods of one workload that land on a node pool, as the pool's pricer reads them. */
export interface PodsOnPool {
    /** The workload's resource name. */
    name: string;
    devices: number;
    vcpus: number;
    memoryGiB: number;
    /** Replica bounds (autoscaler, else spec.replicas) and pre-warming. */
    replicas: ReplicaBounds;
}

/** A node pool of the stack, as the items on it name it. */
export interface PoolRef {
    urn: string;
    name: string;
    type: string;
}

/** What other resources of the stack tell the pricer of one resource. */
export interface ResourceScaling {
    /** Bounds on the resource's replica count (a Deployment's HPA or KEDA ScaledObject). */
    replicas?: ReplicaBounds;
    /** Bounds per SageMaker production variant, keyed by `variantName` (an Application Auto Scaling target). */
    variants?: Readonly<Record<string, ReplicaBounds>>;
    /** True when the stack also creates cluster nodes (EKS node groups, GKE node pools, Karpenter node pools). */
    nodesInStack?: boolean;
    /** The node pool of the stack the workload's pods land on: the pool prices the nodes, the pods are $0 "on pool X". */
    pool?: PoolRef;
    /** For a node pool: the workloads whose pods land on it (they set the pool's minimum when they need more nodes). */
    podsOnPool?: readonly PodsOnPool[];
    /** For a Cloud Run service: Cloud Scheduler jobs that raise its minimum instances (pre-warming). */
    prewarm?: Prewarm;
}

/**
 * Row shapes of the generated price tables (`*.data.ts`, written by `generate.ts`) and the record of where
 * each table comes from. Every figure is USD; memory is GiB.
 */

/** Where a price table comes from. Shown in every offer and cost basis. */
export interface PriceSource {
    /** The file in /work/shared/data/prices the table was generated from, or the page read. */
    file: string;
    /** Who publishes the figures and where they were taken from. */
    origin: string;
    /** A few words naming the origin in cost bases, for example `vantage`. */
    publisher: string;
    /** Date of the figures (the upstream's update or the day the page was read), ISO `YYYY-MM-DD` or `YYYY-MM`. */
    date: string;
    /** How far the figures can be trusted. */
    confidence: "high" | "medium" | "low-medium";
}

/** One AWS EC2 instance type and its Linux on-demand price per region. */
export interface AwsInstanceRow {
    type: string;
    family: string;
    /** Accelerator devices (GPUs or Neuron chips) per instance. */
    gpus: number;
    vcpus: number;
    memoryGiB: number;
    /** On-demand USD per hour by region code. AWS spot prices are not in the source. */
    onDemand: Readonly<Record<string, number>>;
}

/** One GCP machine type: vCPU and RAM, and its price per region as [on-demand, spot] USD per hour. */
export interface GcpMachineRow {
    type: string;
    vcpus: number;
    memoryGiB: number;
    /**
     * For g2, a2 and a3 the price covers vCPU and RAM only; the GPUs are billed on top (see
     * GCP_ACCELERATORS).
     */
    prices: Readonly<Record<string, readonly [onDemand: number, spot: number]>>;
}

/** One GCP accelerator type in one region (the source lists zones; prices are the same in every zone). */
export interface GcpAcceleratorRow {
    type: string;
    region: string;
    zones: readonly string[];
    /** Most devices of this type one VM can carry. */
    maxPerVm: number;
    onDemandPerGpu: number;
    spotPerGpu: number;
    /** True when the source estimated the spot price as 40% of on-demand instead of reading it. */
    spotEstimated: boolean;
}

/** One SageMaker real-time hosting instance type. */
export interface SageMakerRow {
    type: string;
    hourly: number;
    region: string;
    /** The price list the row comes from: a key of `SAGEMAKER_SOURCES`. */
    source: string;
}

/** One serverless price line (AWS Lambda, Cloud Run). */
export interface ServerlessRow {
    service: string;
    item: string;
    unit: string;
    /** Null when the source gives no figure (for example "n/a"). */
    usd: number | null;
    region: string;
    source: string;
    confidence: string;
}

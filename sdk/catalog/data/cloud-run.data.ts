/**
 * Cloud Run vCPU and memory prices, Tier 1 regions. Hand-written (not in the reference CSV files): each figure
 * names where it was read. Cloud Run's L4 GPU price comes from serverless.data.ts. See SOURCES.md.
 */
import type { PriceSource } from "./rows";

/** A unit price with its own source. */
export interface CloudRunUnitPrice {
    usd: number;
    unit: "vCPU-second" | "GiB-second";
    source: PriceSource;
}

/**
 * Instance-based billing ("CPU always allocated"), which Cloud Run requires for GPU services, and which a
 * service with `cpuIdle: false` uses.
 */
export const CLOUD_RUN_INSTANCE_BASED = {
    vcpuSecond: {
        usd: 0.000018,
        unit: "vCPU-second",
        source: {
            file: "cloud.google.com/run/pricing",
            publisher: "Google",
            origin: "Google Cloud Run pricing page, Tier 1 table \"Services with CPU always allocated / Jobs: $0.00001800 / vCPU-second\" (read through the search tool)",
            date: "2026-11-24",
            confidence: "high",
        },
    },
    gibSecond: {
        usd: 0.000002,
        unit: "GiB-second",
        source: {
            file: "cloud.google.com/run/pricing (as quoted)",
            publisher: "Google, quoted by third parties",
            origin: "the official page's memory cell was not readable here; $0.00000200 / GiB-second as quoted from it by github.com/luketurner/paas-price-estimator src/providers/gcp.ts (2022-10-01) and several 2025-2026 write-ups",
            date: "2026-11-24",
            confidence: "medium",
        },
    },
} as const satisfies Record<string, CloudRunUnitPrice>;

/** Request-based billing (`cpuIdle: true`, Cloud Run's default for CPU services): active-time prices. */
export const CLOUD_RUN_REQUEST_BASED = {
    vcpuSecond: {
        usd: 0.000024,
        unit: "vCPU-second",
        source: {
            file: "github.com/firebase/firebase-tools src/deploy/functions/pricing.ts",
            publisher: "firebase-tools",
            origin: "Google's firebase-tools, V2_RATES tier 1 (transcribed from cloud.google.com/run/pricing), commit 22a3f1ee",
            date: "2026-11-24",
            confidence: "medium",
        },
    },
    gibSecond: {
        usd: 0.0000025,
        unit: "GiB-second",
        source: {
            file: "github.com/firebase/firebase-tools src/deploy/functions/pricing.ts",
            publisher: "firebase-tools",
            origin: "Google's firebase-tools, V2_RATES tier 1 (transcribed from cloud.google.com/run/pricing), commit 22a3f1ee",
            date: "2026-11-24",
            confidence: "medium",
        },
    },
} as const satisfies Record<string, CloudRunUnitPrice>;

/**
 * Regions whose Cloud Run prices are the Tier 1 figures above. Only us-central1 is listed: the catalog has no
 * verified tier table, and the L4 GPU figure is stated for us-central1 only.
 */
export const CLOUD_RUN_PRICED_REGIONS: readonly string[] = ["us-central1"];

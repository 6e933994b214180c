/**
 * Which GPUs each GCP machine type carries. Accelerator-optimized types (g2, a2, a3) come with a fixed
 * number of GPUs of one model; N1 types take T4 GPUs attached as guest accelerators.
 *
 * Shapes from cloud.google.com/compute/docs/gpus and /accelerator-optimized-machines: g2-standard-4, -8, -12,
 * -16 and -32 have 1 L4, -24 has 2, -48 has 4, -96 has 8; a2-highgpu-Ng and a2-megagpu-16g carry N (16)
 * A100 40GB, a2-ultragpu-Ng N A100 80GB, a3-highgpu-Ng N H100 80GB, a3-ultragpu-8g 8 H200.
 */
import { Accelerator } from "./accelerators";

/** GPUs that come with a machine type. */
export interface BuiltInGpus {
    accelerator: Accelerator;
    count: number;
}

const G2_GPUS: Record<string, number> = { "4": 1, "8": 1, "12": 1, "16": 1, "24": 2, "32": 1, "48": 4, "96": 8 };

/** The GPUs built into an accelerator-optimized machine type; undefined for other types (n1 among them). */
export function builtInGpus(machineType: string): BuiltInGpus | undefined {
    const g2 = /^g2-standard-(\d+)$/.exec(machineType);
    if (g2 && G2_GPUS[g2[1]] !== undefined) return { accelerator: Accelerator.L4, count: G2_GPUS[g2[1]] };
    const series = /^(a2-highgpu|a2-megagpu|a2-ultragpu|a3-highgpu|a3-ultragpu)-(\d+)g$/.exec(machineType);
    if (!series) return undefined;
    const count = Number(series[2]);
    switch (series[1]) {
        case "a2-highgpu":
        case "a2-megagpu":
            return { accelerator: Accelerator.A100_40GB, count };
        case "a2-ultragpu":
            return { accelerator: Accelerator.A100_80GB, count };
        case "a3-highgpu":
            return { accelerator: Accelerator.H100, count };
        default:
            return { accelerator: Accelerator.H200, count };
    }
}

/** The machine series of a type name: `g2-standard-4` -> `g2`. */
export function machineFamily(machineType: string): string {
    return machineType.split("-")[0];
}

/**
 * T4 counts an N1 VM can carry and the largest N1 shape for each (GCP's N1 + T4 table: 1 or 2 GPUs up to
 * 48 vCPUs and 312 GB, 4 GPUs up to 96 vCPUs and 624 GB).
 */
export const N1_T4_LIMITS: readonly { gpus: number; maxVcpus: number; maxMemoryGiB: number }[] = [
    { gpus: 1, maxVcpus: 48, maxMemoryGiB: 312 },
    { gpus: 2, maxVcpus: 48, maxMemoryGiB: 312 },
    { gpus: 4, maxVcpus: 96, maxMemoryGiB: 624 },
];

/** One line that says what a simulated replica is: its capacity, its GPUs (or CPU only) and its cold start. */
import { hourUnit, ServiceModel } from "./service";

/** For example `replica: 6 at once x 2 s, 1 GPU, cold start 120 + 334 + 60 s (node + image pull + model load)`. */
export function describeReplica(m: ServiceModel): string {
    const hardware = hourUnit(m) === "gpu-hours" ? `${m.gpusPerReplica} GPU${m.gpusPerReplica > 1 ? "s" : ""}` : "CPU only (hours are replica-hours)";
    const c = m.coldStart;
    return `replica: ${m.concurrency} at once x ${m.serviceSeconds} s, ${hardware}, cold start ${c.nodeSeconds} + ${c.pullSeconds} + ${c.loadSeconds} s (node + image pull + model load)`;
}

/**
 * The lower bound: perfect foresight. Every request starts the second it arrives, on exactly the replicas its
 * slots need; each replica is started exactly one (full) cold start before it is needed, and kept through a gap
 * only when the gap is shorter than a cold start (restarting would cost more); those needed at second 0 are up
 * already (every policy starts warm). No minimum, no maximum: it is what
 * serving the trace without any wait costs at the least.
 */
import type { PolicyRun } from "./model";
import { billedHours, fullColdStart, ServiceModel } from "./service";

/** Replicas whose slots the trace fills in each second when nothing waits. */
export function neededReplicas(requests: Float64Array, service: ServiceModel): Int32Array {
    const S = Math.max(1, Math.round(service.serviceSeconds));
    const need = new Int32Array(requests.length);
    let busy = 0;
    for (let t = 0; t < requests.length; t++) {
        busy += requests[t] - (t >= S ? requests[t - S] : 0);
        need[t] = Math.ceil(busy / service.concurrency - 1e-9);
    }
    return need;
}

/** The oracle's run. */
export function oracleRun(requests: Float64Array, service: ServiceModel): PolicyRun {
    const need = neededReplicas(requests, service);
    const cold = fullColdStart(service.coldStart);
    const T = requests.length;
    // lastSeen[k]: the last second replica k+1 was needed.
    const lastSeen: number[] = [];
    const replicas = new Int32Array(T);
    let seconds = 0;
    for (let t = 0; t < T; t++) {
        const n = need[t];
        for (let k = 0; k < n; k++) {
            if (k >= lastSeen.length) {
                lastSeen.push(t);
                // Replicas needed at second 0 are up already, as every policy's opening replicas are.
                seconds += (t === 0 ? 0 : cold) + 1;
                continue;
            }
            const gap = t - 1 - lastSeen[k];
            seconds += Math.min(gap, cold) + 1;
            lastSeen[k] = t;
        }
        replicas[t] = n;
    }
    const served = requests.reduce((a, b) => a + b, 0);
    const waitHistogram = new Float64Array(1);
    waitHistogram[0] = served;
    const replicaHours = seconds / 3600;
    return {
        name: "oracle",
        replicaHours,
        gpuHours: replicaHours * service.gpusPerReplica,
        hours: billedHours(service, replicaHours),
        costUsd: service.hourlyUsd === null ? null : replicaHours * service.hourlyUsd,
        served,
        dropped: 0,
        waitHistogram,
        replicas,
        ready: replicas,
    };
}

/**
 * The lower bounds: perfect foresight. Every request starts the second it arrives, on exactly the replicas its
 * slots need; each replica is started exactly one (full) cold start before it is needed, and kept through a gap
 * only when the gap is shorter than a cold start (restarting would cost more); those needed at second 0 are up
 * already (every policy starts warm). No minimum, no maximum.
 *
 * Two of them: `oracle` fills every replica to its capacity (what serving the trace without any wait costs at the
 * least); `oracle-at-target` fills each only to the service's own target per replica, the headroom the team chose
 * for latency, so it is what any policy that holds its target costs at the least (the goals are stated against it).
 */
import type { PolicyRun } from "./model";
import { billedHours, fullColdStart, ServiceModel } from "./service";

/** The name of the oracle that fills replicas to their capacity. */
export const ORACLE = "oracle";
/** The name of the oracle that fills replicas to the service's target per replica. */
export const ORACLE_AT_TARGET = "oracle-at-target";

/**
 * Replicas whose slots the trace fills in each second when nothing waits, at `perReplica` requests in flight per
 * replica (the concurrency unless given).
 */
export function neededReplicas(requests: Float64Array, service: ServiceModel, perReplica: number = service.concurrency): Int32Array {
    const S = Math.max(1, Math.round(service.serviceSeconds));
    const need = new Int32Array(requests.length);
    let busy = 0;
    for (let t = 0; t < requests.length; t++) {
        busy += requests[t] - (t >= S ? requests[t - S] : 0);
        need[t] = Math.ceil(busy / perReplica - 1e-9);
    }
    return need;
}

/** Options of {@link oracleRun}. */
export interface OracleOptions {
    /** The run's name: {@link ORACLE} unless given. */
    name?: string;
    /** Requests in flight per replica: the concurrency unless given (a target above it is held to it). */
    perReplica?: number;
}

/** An oracle's run: {@link ORACLE} by default, or {@link ORACLE_AT_TARGET} with the target as `perReplica`. */
export function oracleRun(requests: Float64Array, service: ServiceModel, options: OracleOptions = {}): PolicyRun {
    // A target above the concurrency cannot be held: a replica serves no more than its slots.
    const perReplica = Math.min(service.concurrency, options.perReplica ?? service.concurrency);
    const need = neededReplicas(requests, service, perReplica);
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
        name: options.name ?? ORACLE,
        replicaHours,
        gpuHours: replicaHours * service.gpusPerReplica,
        hours: billedHours(service, replicaHours),
        costUsd: service.hourlyUsd === null ? null : replicaHours * service.hourlyUsd,
        served,
        dropped: 0,
        waitHistogram,
        replicas,
        ready: replicas,
        servingReady: replicas,
    };
}

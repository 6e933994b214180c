/**
 * Queue mode on Cloud Run as deployed (components/model-service/targets/cloudrun-queue.ts, gcp/pubsub-queue.ts): a
 * Pub/Sub push subscription delivers each message to the private service, whose instances Cloud Run scales on the
 * requests it holds. Unlike a pull consumer, nothing here takes only what it has room for: a push the service cannot
 * take spends one of the message's `maxDeliveryAttempts`, and the last one sends it to the dead-letter topic. The
 * `modelship` run of such a service is this model, second by second; the other policies stay the comparisons over the
 * same durable queue (simulate/model.ts).
 *
 * What is documented, and read from the plan by the components' own code:
 * - **The push.** Pub/Sub sends each message as a POST and waits for the answer up to the subscription's
 *   `ackDeadlineSeconds` ("for push delivery, this value is also used to set the request timeout for the call to the
 *   push endpoint": the Subscription reference); a 2xx acknowledges, anything else or no answer by then is a negative
 *   acknowledgement, counted as a delivery attempt (cloud.google.com/pubsub/docs/push). The deadline is the
 *   component's `pushDeadlineSeconds` (the consumer's request time plus its 60 s for the result store).
 * - **The retry policy.** A nacked message is delivered again after an exponential backoff between the subscription's
 *   `minimumBackoff` and `maximumBackoff` ("Retry delay will be exponential based on provided minimum and maximum
 *   backoffs", best effort: RetryPolicy, google.cloud.pubsub_v1.types); deployed 10 s to 600 s (`PUSH_RETRY_POLICY`).
 *   The exponent's base is not documented: doubling is assumed (10, 20, 40, ... 600 s).
 * - **The dead-letter policy.** After `maxDeliveryAttempts` (the component's `deliveryAttempts`: `scaling.queue.maxDeliveries`,
 *   default 5) a message goes to the dead-letter topic: DROPPED here, and reported as dead-lettered.
 * - **Retention.** A message not acknowledged within `messageRetentionDuration` (`scaling.queue.retentionSeconds`) is
 *   gone: dropped too, reported as expired.
 * - **Cloud Run's autoscaler.** It keeps the instances' request concurrency at 60% of the maximum concurrency
 *   (`maxInstanceRequestConcurrency`: the component's `cloudRunSettings(spec).concurrency`) over a one-minute window,
 *   evaluated every 5 seconds, between the minimum and maximum instances (cloud.google.com/run/docs/about-instance-autoscaling,
 *   read in several stored versions: the 60% and the one-minute window in the current page's translations, "evaluates
 *   these every 5 seconds" in an earlier English version). The requests it counts are those it holds: being served, or
 *   waiting for an instance. From zero a request starts an instance at once (scaling from zero can only be triggered by
 *   a request). Instances start in the simulator's cold start, like any replica.
 * - **Beyond the maximum.** "When you set a maximum instances limit ... incoming requests can be queued for up to 10
 *   seconds ... If no instances become available during the window, the request fails with a 429" (same page; an
 *   earlier version said 60 s). A push that finds every instance Cloud Run may run full waits 10 s, then fails.
 *
 * Pub/Sub's own flow control (cloud.google.com/pubsub/docs/push, "Delivery rate" and "Push backoff"; the page could
 * not be read in a stored copy of Google's site here, only its workflow summary, "Pub/Sub dynamically adjusts the
 * rate of push requests based on the rate at which it receives success responses"; the two sections are quoted from
 * public copies of the page in GitHub notes, found through the search tool's code index):
 * - the push window: "The maximum allowed number of concurrent push requests is the push window. The push window
 *   increases on any successful delivery and decreases on any failure. The system starts with a small single-digit
 *   window size ... After 3,000 outstanding messages per region, the window increases linearly ... If the average
 *   latency exceeds one second or the subscriber acknowledges less than 99% of requests, the window decreases to the
 *   lower limit of 3,000 outstanding messages". Modelled: it starts at 3, one more per success and one less per
 *   failure (the size of each step is assumed), at most 3,000 (a push here takes `serviceSeconds` >= 1 s, so the
 *   average latency is never under a second);
 * - push backoff: "If a push subscriber sends too many negative acknowledgments, Pub/Sub might start delivering
 *   messages using a push backoff ... it stops delivering messages for a predetermined amount of time ... between 100
 *   milliseconds to 60 seconds ... an exponential backoff algorithm ... calculated based on the number of negative
 *   acknowledgments"; "if a push subscriber receives five messages per second and sends one negative acknowledgment per
 *   second, Pub/Sub delivers messages approximately every 500 milliseconds ... five negative acknowledgments per second,
 *   every 30 through 60 seconds"; it triggers on a negative acknowledgement and on an expired deadline, and applies to
 *   the whole subscription. Modelled: after a second whose answers were a fraction f failures, no push for
 *   0.1 s x 600^f (exponential in f, 100 ms to 60 s: 0.36 s at one failure in five, 60 s when all fail; the formula is
 *   assumed, fitted to the two documented examples); a pause under a second holds back that share of the next
 *   second's pushes.
 *
 * Cloud Run keeping idle instances a while before removing them is not documented with a figure in a stored copy:
 * instances go as the one-minute average asks (`scaleInDelaySeconds` adds a delay, to measure what keeping them would
 * cost: instance-based billing, which a GPU requires, bills an idle instance).
 */
import { deliveryAttempts } from "../components/model-service/targets/gcp/pubsub-limits";
import { PUSH_RETRY_POLICY } from "../components/model-service/targets/gcp/pubsub-queue";
import { cloudRunSettings } from "../components/model-service/targets/cloudrun-spec";
import { Target } from "../components/model-service/args";
import type { ServingSpec } from "../components/model-service/spec";
import { Fleet, type PolicyRun } from "./model";
import { billedHours, ServiceModel } from "./service";

/** Cloud Run's target: the instances' concurrency at 60% of the maximum concurrency (about-instance-autoscaling). */
export const CLOUD_RUN_CONCURRENCY_TARGET = 0.6;
/** Cloud Run's autoscaler averages the concurrency over one minute ... */
export const CLOUD_RUN_WINDOW_SECONDS = 60;
/** ... and evaluates every 5 seconds. */
export const CLOUD_RUN_EVALUATION_SECONDS = 5;
/** A request beyond the maximum instances waits this long for a free instance, then fails with 429. */
export const CLOUD_RUN_OVERFLOW_WAIT_SECONDS = 10;
/** Pub/Sub's push window (see above): its size when a subscription starts delivering ... */
export const PUSH_WINDOW_START = 3;
/** ... and its limit while the pushes' average latency is over one second. */
export const PUSH_WINDOW_LIMIT = 3000;
/** Push backoff: from 100 ms (few failures) to 60 s (all fail). */
export const PUSH_BACKOFF_SECONDS = { min: 0.1, max: 60 } as const;

/** The push backoff after a second whose answers were the fraction `failed` failures (0: none). */
export function pushBackoffSeconds(failed: number): number {
    if (failed <= 0) return 0;
    return PUSH_BACKOFF_SECONDS.min * (PUSH_BACKOFF_SECONDS.max / PUSH_BACKOFF_SECONDS.min) ** Math.min(1, failed);
}

/** How the deployed subscription and service deliver and take pushes, as the simulator runs them. */
export interface PushDelivery {
    /** `maxDeliveryAttempts` of the dead-letter policy. */
    maxDeliveries: number;
    /** The retry policy's `minimumBackoff` and `maximumBackoff`, in seconds. */
    minBackoffSeconds: number;
    maxBackoffSeconds: number;
    /** `ackDeadlineSeconds`: Pub/Sub waits this long for a push's answer. */
    deadlineSeconds: number;
    /** `maxInstanceRequestConcurrency`: pushes one instance takes at once. */
    concurrency: number;
    /** Seconds an instance is kept after the one-minute average no longer needs it (0: as Cloud Run's docs say nothing; an assumption to vary). */
    scaleInDelaySeconds: number;
    /** Pub/Sub's flow control (the push window and the push backoff, above); false pushes every message as soon as it may be delivered. */
    flowControl: boolean;
}

/** "10s" -> 10. */
function durationSeconds(d: string): number {
    return Number(d.replace(/s$/, ""));
}

/**
 * The push of a queue-mode service on Cloud Run, read with the components' own functions (the subscription's
 * deadline, dead-letter attempts and retry policy, the service's concurrency); undefined for any other service.
 */
export function pushDelivery(spec: ServingSpec): PushDelivery | undefined {
    if (spec.target !== Target.GcpCloudRun || !spec.queue) return undefined;
    const settings = cloudRunSettings(spec);
    return {
        maxDeliveries: deliveryAttempts(spec.queue),
        minBackoffSeconds: durationSeconds(PUSH_RETRY_POLICY.minimumBackoff),
        maxBackoffSeconds: durationSeconds(PUSH_RETRY_POLICY.maximumBackoff),
        // The subscription's ackDeadlineSeconds is the service's request timeout in queue mode (cloudrun-queue.ts).
        deadlineSeconds: settings.requestTimeoutSeconds,
        concurrency: settings.concurrency,
        scaleInDelaySeconds: 0,
        flowControl: true,
    };
}

/** Cloud Run's in-flight target per instance: 60% of its maximum concurrency. */
export function pushTargetPerInstance(service: Pick<ServiceModel, "concurrency">): number {
    return CLOUD_RUN_CONCURRENCY_TARGET * service.concurrency;
}

/** The backoff before delivery `attempts + 1`, after `attempts` failed ones: doubling from the minimum, at most the maximum. */
export function retryBackoffSeconds(push: Pick<PushDelivery, "minBackoffSeconds" | "maxBackoffSeconds">, attempts: number): number {
    return Math.min(push.maxBackoffSeconds, push.minBackoffSeconds * 2 ** Math.max(0, attempts - 1));
}

/** Messages published in the same second with the same deliveries so far. */
interface Cohort {
    arrival: number;
    /** Delivery attempts so far (including the one in progress, for a push). */
    attempts: number;
    count: number;
}

/** A push waiting at Cloud Run for a slot: it fails at `failAt` unless a slot takes it first. */
interface Waiting extends Cohort {
    pushedAt: number;
    failAt: number;
}

/** A FIFO with a moving head (amortised O(1) pops). */
class Fifo<T> {
    private items: T[] = [];
    private head = 0;
    get length(): number {
        return this.items.length - this.head;
    }
    peek(): T | undefined {
        return this.items[this.head];
    }
    push(x: T): void {
        this.items.push(x);
    }
    shift(): T | undefined {
        const x = this.items[this.head++];
        if (this.head > 4096 && this.head * 2 > this.items.length) {
            this.items = this.items.slice(this.head);
            this.head = 0;
        }
        return x;
    }
    *[Symbol.iterator](): Iterator<T> {
        for (let i = this.head; i < this.items.length; i++) yield this.items[i];
    }
}

/** What the push run adds to a policy's run. */
export interface PushRun extends PolicyRun {
    /** Messages sent to the dead-letter topic after their last delivery attempt failed. */
    deadLettered: number;
    /** Messages gone at the end of their retention, never acknowledged. */
    expired: number;
    /** Pushes made, and those answered with a failure (429, or no answer within the deadline). */
    deliveries: number;
    failedDeliveries: number;
}

/** Options of {@link simulatePushQueue}. */
export interface PushOptions {
    min: number;
    max: number;
    /** Instances ready at second 0; default: the opening minute's load at Cloud Run's target. */
    initialInstances?: number;
    /**
     * The minimum of each minute raised by pre-warming windows (the Cloud Scheduler jobs that PATCH the service's
     * minimum instances, components/spike-autoscaler/cloudrun.ts); none when empty.
     */
    floorByMinute?: Int32Array;
}

/** The requests Cloud Run held in each second before the trace: the opening minute's arrivals x the service time. */
function openingHeldRequests(requests: Float64Array, service: ServiceModel): number {
    const n = Math.min(CLOUD_RUN_WINDOW_SECONDS, requests.length);
    let sum = 0;
    for (let t = 0; t < n; t++) sum += requests[t];
    return n > 0 ? (sum / n) * Math.max(1, Math.round(service.serviceSeconds)) : 0;
}

/** The instances Cloud Run runs at second 0 for the opening minute's load (the service was up before the trace). */
function openingInstances(held: number, service: ServiceModel, o: PushOptions): number {
    const floor = Math.max(o.min, o.floorByMinute?.[0] ?? 0);
    return Math.min(o.max, Math.max(floor, Math.ceil(held / pushTargetPerInstance(service) - 1e-9)));
}

/**
 * Replays `requests` (messages published each second) through the push subscription and the Cloud Run service: the
 * `modelship` run of a queue-mode service on Cloud Run. Waiting is from publish to the start of the delivery that
 * is served; dropped is dead-lettered plus expired.
 */
export function simulatePushQueue(requests: Float64Array, service: ServiceModel, push: PushDelivery, options: PushOptions): PushRun {
    const T = requests.length;
    const S = Math.max(1, Math.round(service.serviceSeconds));
    // The service's concurrency: the deployed maxInstanceRequestConcurrency unless --concurrency overrides it.
    const C = service.concurrency;
    const retention = service.queue?.retentionSeconds ?? service.timeoutSeconds;
    const horizon = T + retention + push.deadlineSeconds + push.maxBackoffSeconds + S;
    const target = pushTargetPerInstance(service);

    const ready = new Fifo<Cohort>();
    const retries = new Map<number, Cohort[]>();
    const pending = new Fifo<Waiting>();
    const overflow = new Fifo<Waiting>();
    let pendingCount = 0;
    const completing = new Float64Array(S);
    let inService = 0;
    let retrying = 0;
    let readyCount = 0;

    const waitHistogram = new Float64Array(retention + 1);
    const replicas = new Int32Array(horizon);
    const readyArr = new Int32Array(horizon);
    const servingReady = new Int32Array(horizon);
    // Requests Cloud Run holds (served or waiting), per second: prefix sums for its one-minute average.
    const heldSum = new Float64Array(horizon + 1);

    const fleet = new Fleet(service);
    const openingHeld = openingHeldRequests(requests, service);
    fleet.ready = options.initialInstances ?? openingInstances(openingHeld, service, options);
    // The subscription has been delivering before the trace (as the service has been up): its window, one more per
    // success since it started at PUSH_WINDOW_START, is at its limit.
    let window = push.flowControl ? PUSH_WINDOW_LIMIT : Infinity;
    let served = 0;
    let deadLettered = 0;
    let expired = 0;
    let deliveries = 0;
    let failedDeliveries = 0;
    let replicaSeconds = 0;
    let lowSince = -1;
    // Pub/Sub's push backoff: no push before this second (fractional: a share of that second is held back).
    let pausedUntil = 0;

    /** A failed delivery of `c` at second `t`: dead-lettered on its last attempt, else retried after the backoff (or expired first). */
    const fail = (c: Cohort, t: number) => {
        failedDeliveries += c.count;
        if (c.attempts >= push.maxDeliveries) {
            deadLettered += c.count;
            return;
        }
        const at = t + retryBackoffSeconds(push, c.attempts);
        if (at >= c.arrival + retention) {
            expired += c.count;
            return;
        }
        const list = retries.get(at) ?? [];
        list.push({ arrival: c.arrival, attempts: c.attempts, count: c.count });
        retries.set(at, list);
        retrying += c.count;
    };
    const start = (c: Cohort, t: number, n: number) => {
        waitHistogram[Math.min(retention, t - c.arrival)] += n;
        served += n;
        inService += n;
        completing[t % S] += n;
    };

    let end = T;
    for (let t = 0; t < horizon; t++) {
        if (t >= T && readyCount + retrying + pendingCount + inService <= 1e-9) break;
        end = t + 1;
        fleet.tick(t);
        // Deliveries finishing now are acknowledged (a 2xx) and free their slots.
        const acked = completing[t % S];
        completing[t % S] = 0;
        inService -= acked;
        let failures = 0;
        // New messages, and those whose backoff ends, may be delivered.
        if (t < T && requests[t] > 0) {
            ready.push({ arrival: t, attempts: 0, count: requests[t] });
            readyCount += requests[t];
        }
        const due = retries.get(t);
        if (due) {
            retries.delete(t);
            for (const c of due) {
                ready.push(c);
                readyCount += c.count;
                retrying -= c.count;
            }
        }
        // Pushes waiting past their deadline (or past Cloud Run's 10 s beyond the maximum) fail.
        for (const q of [pending, overflow]) {
            while (q.length > 0 && (q.peek() as Waiting).failAt <= t) {
                const w = q.shift() as Waiting;
                pendingCount -= w.count;
                failures += w.count;
                fail(w, t);
            }
        }
        // Free slots on ready instances take the oldest waiting pushes.
        let free = Math.floor(fleet.ready * C - inService + 1e-9);
        while (free > 0 && pending.length + overflow.length > 0) {
            const a = pending.peek();
            const b = overflow.peek();
            const q = !b || (a && a.pushedAt <= b.pushedAt) ? pending : overflow;
            const w = q.peek() as Waiting;
            const take = Math.min(free, w.count);
            start(w, t, take);
            free -= take;
            pendingCount -= take;
            w.count -= take;
            if (w.count <= 1e-9) q.shift();
        }
        // Pub/Sub pushes what it may: the push window less what is outstanding, none while its push backoff lasts.
        const open = Math.max(0, Math.min(1, t + 1 - pausedUntil));
        let allowed = push.flowControl ? Math.floor(open * (window - inService - pendingCount) + 1e-9) : Number.MAX_SAFE_INTEGER;
        while (allowed > 0 && ready.length > 0) {
            const c = ready.peek() as Cohort;
            if (t >= c.arrival + retention) {
                ready.shift();
                readyCount -= c.count;
                expired += c.count;
                continue;
            }
            const n = Math.min(allowed, c.count);
            allowed -= n;
            readyCount -= n;
            c.count -= n;
            if (c.count <= 1e-9) ready.shift();
            deliveries += n;
            const pushed = { arrival: c.arrival, attempts: c.attempts + 1 };
            const direct = Math.min(n, free);
            if (direct > 0) {
                start({ ...pushed, count: direct }, t, direct);
                free -= direct;
            }
            const rest = n - direct;
            if (rest <= 1e-9) continue;
            // Cloud Run holds a push while an instance it may still run could take it; beyond the maximum, 10 s.
            const room = Math.max(0, options.max * C - inService - pendingCount);
            const held = Math.min(rest, room);
            if (held > 0) pending.push({ ...pushed, count: held, pushedAt: t, failAt: t + push.deadlineSeconds - S + 1 });
            if (rest - held > 0) overflow.push({ ...pushed, count: rest - held, pushedAt: t, failAt: t + CLOUD_RUN_OVERFLOW_WAIT_SECONDS + 1 });
            pendingCount += rest;
        }
        // The window: one more per success, one less per failure, within its limit; the push backoff after failures.
        if (push.flowControl) {
            window = Math.min(PUSH_WINDOW_LIMIT, Math.max(1, window + acked - failures));
            if (failures > 0) pausedUntil = Math.max(pausedUntil, t + 1 + pushBackoffSeconds(failures / (acked + failures)));
        }

        const held = inService + pendingCount;
        heldSum[t + 1] = heldSum[t] + held;
        servingReady[t] = fleet.ready;
        // Cloud Run: from zero at once on a request; every 5 s, the one-minute average at 60% of the concurrency.
        const current = fleet.count;
        if (current === 0 && pendingCount > 1e-9 && options.max > 0) fleet.add(t, 1);
        else if (t % CLOUD_RUN_EVALUATION_SECONDS === 0) {
            // The minute before the trace held the opening load (the service was up, as openingInstances says).
            const from = Math.max(0, t + 1 - CLOUD_RUN_WINDOW_SECONDS);
            const before = CLOUD_RUN_WINDOW_SECONDS - (t + 1 - from);
            const average = (heldSum[t + 1] - heldSum[from] + before * openingHeld) / CLOUD_RUN_WINDOW_SECONDS;
            const floor = Math.max(options.min, options.floorByMinute?.[Math.floor(t / 60)] ?? 0);
            const desired = Math.min(options.max, Math.max(floor, Math.ceil(average / target - 1e-9)));
            if (desired > current) {
                fleet.add(t, desired - current);
                lowSince = -1;
            } else if (desired < current) {
                if (lowSince < 0) lowSince = t;
                if (t - lowSince >= push.scaleInDelaySeconds) fleet.remove(t, current - desired);
            } else lowSince = -1;
        }
        replicas[t] = fleet.count;
        readyArr[t] = fleet.ready;
        replicaSeconds += fleet.count;
    }
    // Whatever is left when the run ends has outlived its retention.
    expired += readyCount + retrying + pendingCount;
    const replicaHours = replicaSeconds / 3600;
    return {
        name: "modelship",
        replicaHours,
        gpuHours: replicaHours * service.gpusPerReplica,
        hours: billedHours(service, replicaHours),
        costUsd: service.hourlyUsd === null ? null : replicaHours * service.hourlyUsd,
        served,
        dropped: deadLettered + expired,
        waitHistogram,
        replicas: replicas.subarray(0, T),
        ready: readyArr.subarray(0, T),
        servingReady: servingReady.subarray(0, Math.max(T, end)),
        deadLettered,
        expired,
        deliveries,
        failedDeliveries,
    };
}

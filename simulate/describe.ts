/** Lines that say what a simulated replica is, and what binds a policy that drops requests or waits past the SLO. */
import { dollars } from "../sdk/catalog/format";
import type { Limit } from "./limits";
import type { PolicySummary } from "./report";
import { hourUnit, ServiceModel } from "./service";

/**
 * For example `replica: 6 at once x 2 s, 1 GPU, cold start 120 + 334 + 60 s (node + image pull + model load)`, and for a
 * queue-mode service the queue's retention.
 */
export function describeReplica(m: ServiceModel): string {
    const hardware = hourUnit(m) === "gpu-hours" ? `${m.gpusPerReplica} GPU${m.gpusPerReplica > 1 ? "s" : ""}` : "CPU only (hours are replica-hours)";
    const c = m.coldStart;
    const push = m.queue?.push;
    // Cloud Run: Pub/Sub pushes to modelship's run, and a push the service cannot take spends a delivery (simulate/pubsub-push.ts).
    const pushed = push
        ? ` (modelship: Pub/Sub pushes, ${push.maxDeliveries} delivery attempts ${push.minBackoffSeconds} to ${push.maxBackoffSeconds} s apart, a ${push.deadlineSeconds} s push deadline, then the dead-letter topic)`
        : "";
    const queue = m.queue ? `; queue mode: requests wait in the queue up to its retention, ${m.queue.retentionSeconds} s, under every policy${pushed}` : "";
    return `replica: ${m.concurrency} at once x ${m.serviceSeconds} s, ${hardware}, cold start ${c.nodeSeconds} + ${c.pullSeconds} + ${c.loadSeconds} s (node + image pull + model load)${queue}`;
}

/**
 * Where each part of the cold start comes from, one line each (simulate/cold-start.ts), for example
 * `node 120 s: pool l4: EKS managed node group: ...`; the load on a node that ran the service and the headroom when
 * they differ from a new node's. Empty when the model has no sources (built by hand).
 */
export function describeColdStart(m: ServiceModel): string[] {
    const s = m.coldStartSources;
    if (!s) return [];
    const c = m.coldStart;
    const lines = [`node ${c.nodeSeconds} s: ${s.node}`, `image pull ${c.pullSeconds} s: ${s.pull}`, `model load ${c.loadSeconds} s: ${s.load}`];
    if (m.warmLoadSeconds !== undefined && m.warmLoadSeconds !== c.loadSeconds) lines.push(`model load on a node that ran it ${m.warmLoadSeconds} s: ${s.warmLoad}`);
    if (s.headroom) lines.push(`headroom: ${s.headroom}`);
    return lines;
}

const WHOLE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count of requests, short: `1,234`, `12.3k`, `123k`, `1.3M`. */
export function requestCount(n: number): string {
    const r = Math.round(n);
    if (r < 10_000) return WHOLE.format(r);
    if (r < 1_000_000) return `${Number((r / 1000).toFixed(r < 100_000 ? 1 : 0))}k`;
    return `${Number((r / 1_000_000).toFixed(1))}M`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Second `t` of a trace on its clock (UTC): `08:31:05`, with the day (`Tue 08:31:05`) when the trace spans more than one. */
export function clockTime(start: Date, t: number, traceSeconds: number): string {
    const at = new Date(start.getTime() + t * 1000);
    const hms = at.toISOString().slice(11, 19);
    return traceSeconds > 86_400 ? `${DAYS[at.getUTCDay()]} ${hms}` : hms;
}

/** A monthly budget without cents when it has none: `$6,000`, `$1,234.50`. */
function budget(usd: number): string {
    return dollars(usd).replace(/\.00$/, "");
}

/** What one cause says, before the totals: `maxReplicas 12 (budget $5,000/month) binds: 203 replicas needed at 08:31:00`. */
function describeCause(l: Limit, clock: (t: number) => string): string {
    const starting = l.replicas - l.ready;
    switch (l.bound) {
        case "maxReplicas":
            return `maxReplicas ${l.value}${l.source === "budget" ? ` (budget ${budget(l.budgetMonthlyUsd ?? 0)}/month)` : ""} binds: ${l.replicasNeeded} replicas needed at ${clock(l.atSecond)}`;
        case "coldStart":
            return `the cold start (${l.value} s) binds: at ${clock(l.atSecond)} ${starting} replica${starting === 1 ? " was" : "s were"} starting, ${l.ready} ready, ${l.replicasNeeded} needed`;
        default:
            return `the scaling loop binds: at ${clock(l.atSecond)} it had asked for ${l.replicas} replica${l.replicas === 1 ? "" : "s"} (${l.ready} ready), ${l.replicasNeeded} needed`;
    }
}

const CAUSE_NAMES: Record<Limit["bound"], string> = { maxReplicas: "maxReplicas", coldStart: "the cold start", scalingLoop: "the scaling loop" };

/**
 * One line per bound policy: its main cause, its totals (dropped, waited past the SLO, p99) and the other causes.
 * `limits` are one service's, in report order (limits.ts); `summaries` give the p99.
 */
export function describeLimits(limits: readonly Limit[], summaries: readonly PolicySummary[], sloP99Seconds: number, clock: (t: number) => string): string[] {
    const policies = [...new Set(limits.map((l) => l.policy))];
    return policies.map((policy) => {
        const [main, ...others] = limits.filter((l) => l.policy === policy);
        const dropped = [main, ...others].reduce((a, l) => a + l.dropped, 0);
        const late = [main, ...others].reduce((a, l) => a + l.waitedPastSlo, 0);
        const p99 = summaries.find((s) => s.name === policy)?.waitP99Seconds ?? 0;
        const totals = [...(Math.round(dropped) > 0 ? [`${requestCount(dropped)} requests dropped`] : []), ...(Math.round(late) > 0 ? [`${requestCount(late)} waited over ${sloP99Seconds} s`] : [])];
        const p99Note = p99 > sloP99Seconds ? ` (p99 ${p99} s)` : "";
        const also = others.map((l) => `; also ${CAUSE_NAMES[l.bound]} (${requestCount(l.dropped + l.waitedPastSlo)} requests)`).join("");
        return `${policy}: ${describeCause(main, clock)}; ${totals.join(", ")}${p99Note}${also}`;
    });
}

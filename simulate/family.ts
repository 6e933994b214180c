/**
 * The spike family (issue 14, docs/simulate.md "Spike family"): synthetic traces of the scenario the autoscaler is
 * for, about 100 calls a minute of base load, then 0.5M to 2M calls arriving within 10 to 60 minutes after a ramp
 * of 1 to 10 minutes, at different times of day. A fixed, named set of shapes, split once into a TUNING set (what
 * the defaults may be tuned on) and a HELD-OUT set (only reported on), so that a tuning that fits the shapes it
 * saw and not others shows.
 *
 * Generation is deterministic: arrivals are Poisson around the shape's rate, drawn from a PRNG seeded by the
 * shape's name, so a shape is the same trace on every machine and adding a shape changes no other.
 */
import { parseTrace, type Trace } from "./trace";

/** Which set a shape belongs to. */
export type FamilySet = "tuning" | "held-out";

/** How the rate climbs from the base to the peak. */
export type RampCurve = "linear" | "exponential";

/** One spike shape. Times are UTC on Monday 2026-01-05 (a start before 01:00 puts the lead-in on Sunday). */
export interface SpikeShape {
    /** Calls arriving within the window, at the peak rate (`calls / (windowMinutes x 60)` a second). */
    calls: number;
    /** Minutes the calls arrive in, after the ramp. */
    windowMinutes: number;
    /** Minutes from the base rate to the peak rate. */
    rampMinutes: number;
    /** Linear, or exponential (the rate doubles at a steady pace: most of the climb comes at the end). */
    curve: RampCurve;
    /** Minutes back down from the peak to the base rate (linear). */
    decayMinutes: number;
    /** When the ramp begins, "HH:MM" UTC. */
    start: string;
    set: FamilySet;
}

/** The base load before, under and after the spike: about 100 calls a minute. */
export const BASE_CALLS_PER_MINUTE = 100;
/** Minutes of base load before the ramp (the service settles at its minimum) and after the decay (it scales down). */
export const LEAD_MINUTES = 60;
export const TAIL_MINUTES = 60;
/** The day of every shape (a Monday, as the simulator's default trace start). */
const DAY = "2026-01-05";

/**
 * The family, fixed here so that results stay comparable between sessions: 10 shapes to tune on, 6 held out. The
 * peak rate is at most 1,389 calls/s, which the reference service's 700 replicas serve at its in-flight target
 * (4 of 6 slots, 2 s a call: 1,400/s), so that what drops is the control loop's doing, not the bound's. The first
 * tuning shape is the issue's own (a one-minute ramp to ~1,200/s held 15 minutes, then a decay).
 */
export const SPIKE_FAMILY: readonly SpikeShape[] = [
    { calls: 1_080_000, windowMinutes: 15, rampMinutes: 1, curve: "linear", decayMinutes: 15, start: "08:30", set: "tuning" },
    { calls: 500_000, windowMinutes: 10, rampMinutes: 1, curve: "linear", decayMinutes: 10, start: "08:00", set: "tuning" },
    { calls: 2_000_000, windowMinutes: 30, rampMinutes: 5, curve: "exponential", decayMinutes: 20, start: "14:00", set: "tuning" },
    { calls: 1_000_000, windowMinutes: 60, rampMinutes: 10, curve: "linear", decayMinutes: 30, start: "12:00", set: "tuning" },
    { calls: 1_500_000, windowMinutes: 20, rampMinutes: 3, curve: "exponential", decayMinutes: 15, start: "19:00", set: "tuning" },
    { calls: 500_000, windowMinutes: 30, rampMinutes: 1, curve: "linear", decayMinutes: 1, start: "02:00", set: "tuning" },
    { calls: 2_000_000, windowMinutes: 45, rampMinutes: 2, curve: "linear", decayMinutes: 30, start: "17:30", set: "tuning" },
    { calls: 750_000, windowMinutes: 12, rampMinutes: 8, curve: "exponential", decayMinutes: 10, start: "07:45", set: "tuning" },
    { calls: 1_000_000, windowMinutes: 40, rampMinutes: 6, curve: "linear", decayMinutes: 20, start: "23:30", set: "tuning" },
    { calls: 1_250_000, windowMinutes: 25, rampMinutes: 4, curve: "exponential", decayMinutes: 25, start: "10:15", set: "tuning" },
    { calls: 1_000_000, windowMinutes: 12, rampMinutes: 2, curve: "linear", decayMinutes: 10, start: "09:00", set: "held-out" },
    { calls: 2_000_000, windowMinutes: 60, rampMinutes: 10, curve: "exponential", decayMinutes: 30, start: "15:00", set: "held-out" },
    { calls: 600_000, windowMinutes: 20, rampMinutes: 1, curve: "linear", decayMinutes: 5, start: "06:00", set: "held-out" },
    { calls: 1_750_000, windowMinutes: 35, rampMinutes: 7, curve: "linear", decayMinutes: 20, start: "20:45", set: "held-out" },
    { calls: 900_000, windowMinutes: 15, rampMinutes: 3, curve: "exponential", decayMinutes: 15, start: "11:30", set: "held-out" },
    { calls: 1_500_000, windowMinutes: 50, rampMinutes: 5, curve: "linear", decayMinutes: 40, start: "04:00", set: "held-out" },
];

function formatCalls(calls: number): string {
    return calls >= 1_000_000 ? `${+(calls / 1_000_000).toFixed(2)}M` : `${+(calls / 1000).toFixed(1)}k`;
}

/** A shape's name, from what it is: `0830-1.08M-in-15m-ramp-1m` (`-exp` when the ramp is exponential). */
export function shapeName(s: SpikeShape): string {
    return `${s.start.replace(":", "")}-${formatCalls(s.calls)}-in-${s.windowMinutes}m-ramp-${s.rampMinutes}m${s.curve === "exponential" ? "-exp" : ""}`;
}

/** The shape named `name`; an error lists the names there are. */
export function findShape(name: string): SpikeShape {
    const found = SPIKE_FAMILY.find((s) => shapeName(s) === name);
    if (!found) throw new Error(`no spike shape named ${JSON.stringify(name)}; the family has: ${SPIKE_FAMILY.map(shapeName).join(", ")}`);
    return found;
}

/** Where the phases of a shape's trace begin, in seconds from its second 0. */
export interface ShapeTimeline {
    rampStart: number;
    windowStart: number;
    decayStart: number;
    tailStart: number;
    /** The trace's length. */
    seconds: number;
    /** Calls a second at the peak. */
    peakPerSecond: number;
    /** Wall-clock time of second 0. */
    startTime: Date;
}

/** The phases of a shape and its peak rate. */
export function shapeTimeline(s: SpikeShape): ShapeTimeline {
    const match = /^(\d\d):(\d\d)$/.exec(s.start);
    if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) throw new Error(`spike shape start ${JSON.stringify(s.start)}: expected "HH:MM" (UTC)`);
    const rampStart = LEAD_MINUTES * 60;
    const windowStart = rampStart + s.rampMinutes * 60;
    const decayStart = windowStart + s.windowMinutes * 60;
    const tailStart = decayStart + s.decayMinutes * 60;
    const rampClock = new Date(`${DAY}T${s.start}:00Z`);
    return {
        rampStart,
        windowStart,
        decayStart,
        tailStart,
        seconds: tailStart + TAIL_MINUTES * 60,
        peakPerSecond: s.calls / (s.windowMinutes * 60),
        startTime: new Date(rampClock.getTime() - rampStart * 1000),
    };
}

/** The expected calls a second at second `t` of the shape (before the Poisson draw). */
export function shapeRate(s: SpikeShape, t: number, timeline: ShapeTimeline = shapeTimeline(s)): number {
    const base = BASE_CALLS_PER_MINUTE / 60;
    const peak = timeline.peakPerSecond;
    if (t < timeline.rampStart || t >= timeline.tailStart) return base;
    if (t < timeline.windowStart) {
        // Reaches the peak at the ramp's last second, so the window starts at the peak.
        const x = (t - timeline.rampStart + 1) / (timeline.windowStart - timeline.rampStart);
        return s.curve === "exponential" ? base * (peak / base) ** x : base + (peak - base) * x;
    }
    if (t < timeline.decayStart) return peak;
    return peak + (base - peak) * ((t - timeline.decayStart + 1) / (timeline.tailStart - timeline.decayStart + 1));
}

/** A 32-bit seed from a name (FNV-1a): each shape's draws depend on its name only. */
function seedOf(name: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    return h >>> 0;
}

/** mulberry32: small, fast, and the same sequence in every JavaScript engine. */
function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** A Poisson draw of mean `mean`: exact (Knuth) below 30, the normal approximation above (error far below the noise). */
function poisson(mean: number, random: () => number): number {
    if (mean <= 0) return 0;
    if (mean < 30) {
        const limit = Math.exp(-mean);
        let k = 0;
        let p = random();
        while (p > limit) {
            k++;
            p *= random();
        }
        return k;
    }
    // Box-Muller; 1 - random() keeps the logarithm finite.
    const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss));
}

/** Requests in each second of a shape's trace. */
export function shapeRequests(s: SpikeShape): Float64Array {
    const timeline = shapeTimeline(s);
    const random = prng(seedOf(shapeName(s)));
    const requests = new Float64Array(timeline.seconds);
    for (let t = 0; t < timeline.seconds; t++) requests[t] = poisson(shapeRate(s, t, timeline), random);
    return requests;
}

/** The `timestamp` column's text of a time: ISO 8601 to the second, UTC, as in data/traces. */
function isoSecond(d: Date): string {
    return d.toISOString().slice(0, 19);
}

/** The shape's trace as the CSV the simulator reads (the columns of data/traces: `second,timestamp,requests`). */
export function shapeCsv(s: SpikeShape): string {
    const { startTime } = shapeTimeline(s);
    const requests = shapeRequests(s);
    const rows = ["second,timestamp,requests"];
    for (let t = 0; t < requests.length; t++) rows.push(`${t},${isoSecond(new Date(startTime.getTime() + t * 1000))},${requests[t]}`);
    return `${rows.join("\n")}\n`;
}

/** The shape's trace, as the simulator would read it from {@link shapeCsv} (same requests, same start time). */
export function shapeTrace(s: SpikeShape): Trace {
    return { name: shapeName(s), requests: shapeRequests(s), startTime: shapeTimeline(s).startTime };
}

/** The shape's trace read back through the simulator's own CSV parser: what `modelship simulate --trace` would see. */
export function shapeTraceFromCsv(s: SpikeShape): Trace {
    return { ...parseTrace(shapeCsv(s), `${shapeName(s)}.csv`), name: shapeName(s) };
}

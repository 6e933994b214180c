/**
 * The spike family's generator (simulate/family.ts): deterministic, within the ranges, and each shape's base
 * load, ramp, window and decay what its name and fields claim; its CSV reads back through the simulator's parser.
 */
import { describe, expect, it } from "vitest";
import {
    BASE_CALLS_PER_MINUTE,
    findShape,
    LEAD_MINUTES,
    SPIKE_FAMILY,
    shapeCsv,
    shapeName,
    shapeRate,
    shapeRequests,
    shapeTimeline,
    shapeTrace,
    shapeTraceFromCsv,
    TAIL_MINUTES,
    type SpikeShape,
} from "../../simulate/family";

function sum(a: Float64Array, from = 0, to = a.length): number {
    let s = 0;
    for (let t = from; t < to; t++) s += a[t];
    return s;
}

/** Poisson counts: a total of mean m stays within 5 standard deviations (sqrt m) of it. */
function expectPoissonTotal(total: number, mean: number): void {
    expect(Math.abs(total - mean)).toBeLessThan(5 * Math.sqrt(mean));
}

describe("the spike family", () => {
    it("is a fixed, named set of 16 shapes within the issue's ranges, split 10 to tune on and 6 held out", () => {
        const names = SPIKE_FAMILY.map(shapeName);
        expect(new Set(names).size).toBe(SPIKE_FAMILY.length);
        expect(SPIKE_FAMILY.filter((s) => s.set === "tuning")).toHaveLength(10);
        expect(SPIKE_FAMILY.filter((s) => s.set === "held-out")).toHaveLength(6);
        // The issue's own scenario is the first shape to tune on: ~1,200/s after a one-minute ramp, for 15 minutes.
        expect(names[0]).toBe("0830-1.08M-in-15m-ramp-1m");
        expect(shapeTimeline(SPIKE_FAMILY[0]).peakPerSecond).toBe(1200);
        const starts = new Set<string>();
        for (const s of SPIKE_FAMILY) {
            expect(s.calls).toBeGreaterThanOrEqual(500_000);
            expect(s.calls).toBeLessThanOrEqual(2_000_000);
            expect(s.windowMinutes).toBeGreaterThanOrEqual(10);
            expect(s.windowMinutes).toBeLessThanOrEqual(60);
            expect(s.rampMinutes).toBeGreaterThanOrEqual(1);
            expect(s.rampMinutes).toBeLessThanOrEqual(10);
            // 700 replicas at the in-flight target (4 a replica, 2 s a call) serve 1,400/s: the bound never binds.
            expect(shapeTimeline(s).peakPerSecond).toBeLessThanOrEqual(1400);
            starts.add(s.start);
        }
        // At different times of day, night and evening included.
        expect(starts.size).toBe(SPIKE_FAMILY.length);
        expect(SPIKE_FAMILY.some((s) => s.start < "05:00") && SPIKE_FAMILY.some((s) => s.start >= "20:00")).toBe(true);
        // Both sets hold steep (1-2 minute) and slow (7-10 minute) ramps, linear and exponential ones.
        for (const set of ["tuning", "held-out"]) {
            const shapes = SPIKE_FAMILY.filter((s) => s.set === set);
            expect(shapes.some((s) => s.rampMinutes <= 2) && shapes.some((s) => s.rampMinutes >= 7)).toBe(true);
            expect(new Set(shapes.map((s) => s.curve))).toEqual(new Set(["linear", "exponential"]));
        }
    });

    it("generates the same requests every time, and different ones for different shapes", () => {
        const [a, b] = SPIKE_FAMILY;
        expect(shapeRequests(a)).toEqual(shapeRequests(a));
        expect(shapeCsv(b)).toBe(shapeCsv(b));
        expect(shapeRequests(a).slice(0, 3600)).not.toEqual(shapeRequests(b).slice(0, 3600));
        // Pinned: a change of the generator changes every result in docs/simulate.md, so it must be deliberate.
        expect(sum(shapeRequests(a))).toBe(1_669_995);
        expect(Array.from(shapeRequests(a).slice(0, 6))).toEqual([0, 0, 1, 1, 2, 1]);
        // The ramp's first seconds: 1.7/s + 1,198/s over 60 s, so about 22 more a second.
        expect(Array.from(shapeRequests(a).slice(3600, 3606))).toEqual([22, 45, 59, 94, 96, 138]);
    });

    it.each(SPIKE_FAMILY.map((s) => [shapeName(s), s] as [string, SpikeShape]))("%s: base load, ramp, window and decay are what it claims", (_name, s) => {
        const t = shapeTimeline(s);
        const requests = shapeRequests(s);
        const base = BASE_CALLS_PER_MINUTE / 60;
        expect(requests.length).toBe((LEAD_MINUTES + s.rampMinutes + s.windowMinutes + s.decayMinutes + TAIL_MINUTES) * 60);
        expect([t.windowStart - t.rampStart, t.decayStart - t.windowStart, t.tailStart - t.decayStart]).toEqual([s.rampMinutes * 60, s.windowMinutes * 60, s.decayMinutes * 60]);
        // About 100 calls a minute before and after.
        expectPoissonTotal(sum(requests, 0, t.rampStart), LEAD_MINUTES * BASE_CALLS_PER_MINUTE);
        expectPoissonTotal(sum(requests, t.tailStart), TAIL_MINUTES * BASE_CALLS_PER_MINUTE);
        // The calls arrive within the window, at the peak rate all along it.
        expectPoissonTotal(sum(requests, t.windowStart, t.decayStart), s.calls);
        for (let m = 0; m < s.windowMinutes; m++) expectPoissonTotal(sum(requests, t.windowStart + m * 60, t.windowStart + (m + 1) * 60), t.peakPerSecond * 60);
        // The ramp climbs from the base to the peak over its minutes, every second higher, reaching it at its end.
        expect(shapeRate(s, t.rampStart - 1)).toBe(base);
        for (let x = t.rampStart; x < t.windowStart; x++) expect(shapeRate(s, x)).toBeGreaterThan(shapeRate(s, x - 1));
        expect(shapeRate(s, t.windowStart - 1)).toBeCloseTo(t.peakPerSecond, 6);
        expect(shapeRate(s, t.windowStart - 1 - 60)).toBeLessThan(t.peakPerSecond);
        // The decay goes back down, every second lower, to the base rate after it.
        for (let x = t.decayStart; x < t.tailStart; x++) expect(shapeRate(s, x)).toBeLessThan(shapeRate(s, x - 1));
        expect(shapeRate(s, t.tailStart)).toBe(base);
        // The ramp begins at the shape's time of day (UTC).
        expect(new Date(t.startTime.getTime() + t.rampStart * 1000).toISOString()).toBe(`2026-01-05T${s.start}:00.000Z`);
    });

    it("ramps exponentially when it says so: most of the climb comes at the end", () => {
        const exp = findShape("1400-2M-in-30m-ramp-5m-exp");
        const linear = { ...exp, curve: "linear" as const };
        const t = shapeTimeline(exp);
        const middle = t.rampStart + (t.windowStart - t.rampStart) / 2;
        expect(shapeRate(exp, middle)).toBeLessThan(0.1 * t.peakPerSecond);
        expect(shapeRate(linear, middle)).toBeGreaterThan(0.45 * t.peakPerSecond);
    });

    it("writes the CSV the simulator reads (the columns of data/traces), with the clock in its timestamp column", () => {
        const s = findShape("0800-500k-in-10m-ramp-1m");
        const csv = shapeCsv(s);
        const lines = csv.split("\n");
        expect(lines[0]).toBe("second,timestamp,requests");
        expect(lines[1]).toMatch(/^0,2026-01-05T07:00:00,\d+$/);
        const read = shapeTraceFromCsv(s);
        const made = shapeTrace(s);
        expect(read.name).toBe("0800-500k-in-10m-ramp-1m");
        expect(read.requests).toEqual(made.requests);
        expect(read.startTime).toEqual(made.startTime);
        expect(made.startTime?.toISOString()).toBe("2026-01-05T07:00:00.000Z");
        // A shape starting just after midnight leads in from Sunday.
        expect(shapeTimeline({ ...s, start: "00:30" }).startTime.toISOString()).toBe("2026-01-04T23:30:00.000Z");
    });

    it("names what there is when a shape is not found, and refuses a start that is not HH:MM", () => {
        expect(() => findShape("0830-1M")).toThrow(/no spike shape named "0830-1M"; the family has: 0830-1\.08M-in-15m-ramp-1m, 0800-500k/);
        expect(() => shapeTimeline({ ...SPIKE_FAMILY[0], start: "8:30" })).toThrow('spike shape start "8:30": expected "HH:MM" (UTC)');
        expect(() => shapeTimeline({ ...SPIKE_FAMILY[0], start: "24:00" })).toThrow(/expected "HH:MM"/);
    });
});

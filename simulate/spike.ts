/**
 * The synthetic spike scenario: 100 calls a minute at 08:00 growing exponentially to a peak rate at 08:30, held,
 * then back down. Deterministic: fractional requests carry over to the next second.
 */
import type { Trace } from "./trace";

/** Options of {@link spikeTrace}; all rates are per minute. */
export interface SpikeOptions {
    /** Defaults to 100 a minute. */
    baseRatePerMinute?: number;
    /** Defaults to 1,000,000 an hour (16,667 a minute). */
    peakRatePerMinute?: number;
    /** Minutes from the base rate to the peak (08:00 to 08:30). Defaults to 30. */
    rampMinutes?: number;
    /** Minutes held at the peak. Defaults to 30. */
    holdMinutes?: number;
    /** Minutes back down to the base rate. Defaults to 30. */
    decayMinutes?: number;
    /** Minutes at the base rate before the ramp (07:00 to 08:00) and after the decay. Defaults to 60. */
    quietMinutes?: number;
}

/** The rate per minute at minute `m` of the scenario. */
function rateAt(m: number, o: Required<SpikeOptions>): number {
    const { baseRatePerMinute: base, peakRatePerMinute: peak, rampMinutes: ramp, holdMinutes: hold, decayMinutes: decay, quietMinutes: quiet } = o;
    if (m < quiet) return base;
    if (m < quiet + ramp) return base * (peak / base) ** ((m - quiet) / ramp);
    if (m < quiet + ramp + hold) return peak;
    if (m < quiet + ramp + hold + decay) return peak + (base - peak) * ((m - quiet - ramp - hold) / decay);
    return base;
}

/** The spike trace, starting at 07:00 UTC on a Monday (2026-01-05). */
export function spikeTrace(options: SpikeOptions = {}): Trace {
    const o: Required<SpikeOptions> = {
        baseRatePerMinute: 100,
        peakRatePerMinute: 1_000_000 / 60,
        rampMinutes: 30,
        holdMinutes: 30,
        decayMinutes: 30,
        quietMinutes: 60,
        ...options,
    };
    const seconds = (2 * o.quietMinutes + o.rampMinutes + o.holdMinutes + o.decayMinutes) * 60;
    const requests = new Float64Array(seconds);
    let carry = 0;
    for (let t = 0; t < seconds; t++) {
        carry += rateAt(t / 60, o) / 60;
        requests[t] = Math.floor(carry);
        carry -= requests[t];
    }
    return { name: "spike: 100 a minute at 08:00 to 1M an hour at 08:30", requests, startTime: new Date("2026-01-05T07:00:00Z") };
}

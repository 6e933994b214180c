/**
 * Candidate adaptive scale-down holds (issue 14, goal 2; docs/simulate.md "An adaptive scale-down hold"), simulated as a
 * fourth trigger of the KEDA ScaledObject would compute them, so that a candidate found here is deployable as it is:
 *
 *   max_over_time(D[H:15s]) and on() (CONDITION)
 *
 * where D is the largest of the other triggers (`max(label_replace(in_flight, "q", "a", "", "") or
 * label_replace(arrivals, "q", "b", "", "") or label_replace(panic, "q", "c", "", ""))`, queries.ts), sampled every
 * 15 s as a Prometheus subquery samples it, and CONDITION one of {@link HOLD_CONDITIONS} on D's samples over the
 * lookback L. The HPA takes the largest trigger's count, so while the condition holds the replicas D asked for over
 * the last H stay; otherwise the HPA's own scale-down stabilisation (the spec's delay) decides. The idea: keep
 * replicas through the gaps of bursts that recur, release a single spike's decay at once.
 *
 * Only the simulator has them: none met the goal (docs/simulate.md), so no ScaledObject deploys one.
 */

/** What decides whether the hold applies, each a PromQL expression over `D[L:15s]` (`t`: the candidate's threshold). */
export type HoldCondition = "always" | "variation" | "peak-to-average" | "rise" | "recurrence";

/** One candidate: hold D's largest value over `holdSeconds` while `condition` holds over `lookbackSeconds`. */
export interface AdaptiveHold {
    holdSeconds: number;
    lookbackSeconds: number;
    condition: HoldCondition;
    /** The condition's threshold (unused by `always`). */
    threshold: number;
}

/** The subquery step: Prometheus evaluates D every 15 s of the window (the HPA's sync period too). */
export const HOLD_STEP_SECONDS = 15;

/** D at one sync. */
export interface HoldSample {
    t: number;
    value: number;
}

function mean(xs: readonly number[]): number {
    return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The conditions, on D's samples over the lookback (oldest first), as PromQL computes them:
 * - `always`: `vector(1)`, a plain hold on the triggers (what the HPA's stabilisation does on their count);
 * - `variation`: `stddev_over_time(D[L:15s]) / avg_over_time(D[L:15s]) > t` (population deviation, as PromQL's);
 * - `peak-to-average`: `max_over_time(D[L:15s]) / avg_over_time(D[L:15s]) > t`;
 * - `rise`: `max_over_time(idelta(D[30s:15s])[L:15s]) > t * max_over_time(D[L:15s])`: D rose by more than t x its
 *   peak from one step to the next within L;
 * - `recurrence`: `changes((D > bool t * scalar(max_over_time(D[L:15s] @ end())))[L:15s]) >= 3`: high, low and high
 *   again within L, against t x the lookback's peak (`@ end()`: the peak as of the query, not of each step).
 */
export const HOLD_CONDITIONS: Record<HoldCondition, (values: readonly number[], threshold: number) => boolean> = {
    always: () => true,
    variation: (xs, t) => {
        const m = mean(xs);
        return m > 0 && Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) / m > t;
    },
    "peak-to-average": (xs, t) => {
        const m = mean(xs);
        return m > 0 && Math.max(...xs) / m > t;
    },
    rise: (xs, t) => {
        const peak = Math.max(...xs);
        for (let i = 1; i < xs.length; i++) if (xs[i] - xs[i - 1] > t * peak) return true;
        return false;
    },
    recurrence: (xs, t) => {
        const peak = Math.max(...xs);
        if (peak <= 0) return false;
        let changes = 0;
        for (let i = 1; i < xs.length; i++) if (xs[i] > t * peak !== xs[i - 1] > t * peak) changes++;
        return changes >= 3;
    },
};

/**
 * Records D at second `t` into `samples` (kept for the longer of the two windows) and returns what the hold trigger
 * asks for: D's largest value over the hold window while the condition holds over the lookback, else 0 (the trigger's
 * query is empty, which KEDA reads as 0).
 */
export function adaptiveHeld(hold: AdaptiveHold, samples: HoldSample[], t: number, value: number): number {
    samples.push({ t, value });
    const keep = Math.max(hold.holdSeconds, hold.lookbackSeconds);
    while (samples.length > 0 && samples[0].t <= t - keep) samples.shift();
    const lookback = samples.filter((x) => x.t > t - hold.lookbackSeconds).map((x) => x.value);
    if (!HOLD_CONDITIONS[hold.condition](lookback, hold.threshold)) return 0;
    let held = 0;
    for (const x of samples) if (x.t > t - hold.holdSeconds && x.value > held) held = x.value;
    return held;
}

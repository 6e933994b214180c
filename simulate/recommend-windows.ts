/**
 * Pre-warming windows for `--recommend`, derived from a trace: where a run of the reactive loop lets requests wait
 * past the SLO or drops them, a window starts one cold start (and a sync) before, lasts until the loop has caught
 * up, and keeps the replicas the arrivals need at the service's target; on a ramp of several minutes, a staircase of
 * windows that opens them as the ramp needs them ({@link stepSplits}). Windows are whole minutes on the trace's
 * clock, written as cron in a time zone, with the days of week taken from the trace's dates.
 */
import type { PrewarmWindowArgs } from "../components/spike-autoscaler/args";

/** A window on the trace's clock, before it is written as cron. */
export interface TraceWindow {
    /** The trace minute it opens at (>= 0). */
    startMinute: number;
    durationMinutes: number;
    replicas: number;
}

/** Seconds-long stretches of late requests, by arrival second, merged when closer than `gap`. */
export function lateEpisodes(late: Float64Array, gap: number): Array<[number, number]> {
    const episodes: Array<[number, number]> = [];
    for (let a = 0; a < late.length; a++) {
        if (late[a] <= 1e-9) continue;
        const last = episodes[episodes.length - 1];
        if (last && a - last[1] <= gap) last[1] = a;
        else episodes.push([a, a]);
    }
    return episodes;
}

/** The largest of `need` over seconds [from, to]. */
export function peakOver(need: Int32Array, from: number, to: number): number {
    let peak = 0;
    for (let t = Math.max(0, from); t <= Math.min(need.length - 1, to); t++) if (need[t] > peak) peak = need[t];
    return peak;
}

/** What a derivation needs to know about the service and the loop. */
export interface WindowContext {
    /** Replicas the arrivals need at the target, per second. */
    needAtTarget: Int32Array;
    /** A full cold start, seconds. */
    coldStartSeconds: number;
    /** The loop's sync period, seconds. */
    syncSeconds: number;
    sloSeconds: number;
    min: number;
    max: number;
    traceMinutes: number;
}

/**
 * Windows for the late episodes of a reactive run: each opens one cold start and a sync before its first late
 * arrival (a minute earlier for the rounding), closes once its last late arrival has been served within the SLO,
 * and keeps the peak need at the target over the episode (within the service's bounds).
 */
export function windowsForEpisodes(episodes: Array<[number, number]>, c: WindowContext): TraceWindow[] {
    const windows: TraceWindow[] = [];
    for (const [a0, a1] of episodes) {
        const startMinute = Math.max(0, Math.floor((a0 - c.coldStartSeconds - c.syncSeconds - 60) / 60));
        const end = a1 + c.sloSeconds + c.syncSeconds;
        const replicas = Math.min(c.max, peakOver(c.needAtTarget, a0, end));
        if (replicas <= c.min) continue;
        const durationMinutes = Math.max(1, Math.min(c.traceMinutes - startMinute, Math.ceil((end - startMinute * 60) / 60)));
        const previous = windows[windows.length - 1];
        // Overlapping windows become one: a schedule must end before the next one starts.
        if (previous && startMinute <= previous.startMinute + previous.durationMinutes) {
            previous.durationMinutes = Math.max(previous.durationMinutes, startMinute + durationMinutes - previous.startMinute);
            previous.replicas = Math.max(previous.replicas, replicas);
        } else windows.push({ startMinute, durationMinutes, replicas });
    }
    return windows;
}

/**
 * Repairs windows after a run with them still has late episodes: an episode before a window's replicas are ready
 * opens it earlier, one past its end extends it, one inside it raises its replicas (by a tenth at least, so that
 * repeating converges); an episode far from every window gets its own. Returns false when nothing could change.
 */
export function repairWindows(windows: TraceWindow[], episodes: Array<[number, number]>, c: WindowContext): boolean {
    let changed = false;
    for (const [a0, a1] of episodes) {
        const w = windows.find((x) => a1 >= x.startMinute * 60 - c.coldStartSeconds && a0 <= (x.startMinute + x.durationMinutes) * 60 + c.coldStartSeconds);
        if (!w) {
            const added = windowsForEpisodes([[a0, a1]], c);
            if (added.length > 0) {
                windows.push(...added);
                windows.sort((x, y) => x.startMinute - y.startMinute);
                changed = true;
            }
            continue;
        }
        const readyAt = w.startMinute * 60 + c.coldStartSeconds + c.syncSeconds;
        if (a0 < readyAt && w.startMinute > 0) {
            const earlier = Math.min(w.startMinute, Math.max(1, Math.ceil((readyAt - a0) / 60)));
            w.startMinute -= earlier;
            w.durationMinutes += earlier;
            changed = true;
        }
        const end = (w.startMinute + w.durationMinutes) * 60;
        if (a1 + c.sloSeconds + c.syncSeconds > end && w.startMinute + w.durationMinutes < c.traceMinutes) {
            w.durationMinutes = Math.min(c.traceMinutes - w.startMinute, Math.ceil((a1 + c.sloSeconds + c.syncSeconds) / 60) - w.startMinute + 1);
            changed = true;
        }
        const more = Math.min(c.max, Math.max(Math.ceil(w.replicas * 1.1), peakOver(c.needAtTarget, a0, a1 + c.sloSeconds)));
        if (more > w.replicas) {
            w.replicas = more;
            changed = true;
        }
    }
    return changed;
}

/** The minutes a step may open after the window it splits from, and the share of its replicas the lower step keeps. */
const STEP_DELAYS_MINUTES = [1, 2, 3, 5];
const STEP_SHARES = [0.25, 0.5, 0.75];

/**
 * Stepped variants of a window, for a ramp that climbs over minutes: the window keeps its start and end with a share
 * of its replicas, and a second window opens 1-5 minutes later to the same end with all of them. Windows are floors
 * (the largest open one counts, as KEDA's cron triggers do), so the pair is a staircase that follows the ramp instead
 * of holding the peak's replicas from the first minute. Shares that would not be above `min` are left out.
 */
export function stepSplits(w: TraceWindow, min: number): TraceWindow[][] {
    const splits: TraceWindow[][] = [];
    for (const later of STEP_DELAYS_MINUTES) {
        if (later >= w.durationMinutes) continue;
        for (const share of STEP_SHARES) {
            const lower = Math.floor(w.replicas * share);
            if (lower <= min) continue;
            splits.push([
                { ...w, replicas: lower },
                { startMinute: w.startMinute + later, durationMinutes: w.durationMinutes - later, replicas: w.replicas },
            ]);
        }
    }
    return splits;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Hour, minute and day of week (0 = Sunday) of `date` in `timeZone`. */
export function localTime(date: Date, timeZone: string): { hour: number; minute: number; dow: number } {
    let f = formatters.get(timeZone);
    if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", weekday: "short", hour: "numeric", minute: "numeric" })));
    const parts: Record<string, string> = {};
    for (const p of f.formatToParts(date)) parts[p.type] = p.value;
    return { hour: Number(parts.hour), minute: Number(parts.minute), dow: DAYS.indexOf(parts.weekday) };
}

/**
 * The day-of-week field for windows starting on `dows`: a trace of less than a week cannot tell which days repeat,
 * so weekdays stand for every weekday (`1-5`) and weekend days for the weekend (`0,6`); a longer trace gives its
 * days as they are.
 */
export function dayField(dows: number[], traceDays: number): string {
    const set = [...new Set(dows)].sort((a, b) => a - b);
    if (traceDays < 7) {
        if (set.every((d) => d >= 1 && d <= 5)) return "1-5";
        if (set.every((d) => d === 0 || d === 6)) return "0,6";
    }
    return set.length === 7 ? "*" : set.join(",");
}

/**
 * The windows as `prewarm` entries: cron in `timezone` at the window's wall-clock minute, the days of week from the
 * trace's dates. Windows at the same time of day and length (a daily spike on a trace of several days) become one.
 */
export function prewarmArgs(windows: readonly TraceWindow[], start: Date, traceSeconds: number, timezone: string): PrewarmWindowArgs[] {
    const groups = new Map<string, { hour: number; minute: number; durationMinutes: number; replicas: number; dows: number[] }>();
    for (const w of windows) {
        const local = localTime(new Date(start.getTime() + w.startMinute * 60_000), timezone);
        const key = `${local.hour}:${local.minute}:${w.durationMinutes}`;
        const g = groups.get(key);
        if (g) {
            g.replicas = Math.max(g.replicas, w.replicas);
            g.dows.push(local.dow);
        } else groups.set(key, { hour: local.hour, minute: local.minute, durationMinutes: w.durationMinutes, replicas: w.replicas, dows: [local.dow] });
    }
    const days = traceSeconds / 86400;
    return [...groups.values()].map((g) => ({ schedule: `${g.minute} ${g.hour} * * ${dayField(g.dows, days)}`, timezone, durationMinutes: g.durationMinutes, replicas: g.replicas }));
}

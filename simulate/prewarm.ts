/**
 * Pre-warming windows on the trace's clock: the replica floor in each minute of the trace. Windows are wall-clock
 * times in their zone (cron-parser's fields, parsed by components/spike-autoscaler/cron.ts).
 */
import type { PrewarmSchedule } from "../components/spike-autoscaler/cron";

/** A window and the replicas it keeps. */
export interface PrewarmWindow {
    schedule: PrewarmSchedule;
    replicas: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local fields of `date` in `timeZone`. */
function local(date: Date, timeZone: string): { minuteOfDay: number; dow: number; dom: number; month: number } {
    let f = formatters.get(timeZone);
    if (!f) {
        f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", weekday: "short", day: "numeric", month: "numeric", hour: "numeric", minute: "numeric" });
        formatters.set(timeZone, f);
    }
    const parts: Record<string, string> = {};
    for (const p of f.formatToParts(date)) parts[p.type] = p.value;
    const dow = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
    return { minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute), dow, dom: Number(parts.day), month: Number(parts.month) };
}

/** True when a window of `s` is open at `date`. */
export function windowOpen(s: PrewarmSchedule, date: Date): boolean {
    const now = local(date, s.timezone);
    const startMinute = s.start.hour * 60 + s.start.minute;
    const since = (now.minuteOfDay - startMinute + 1440) % 1440;
    if (since >= s.durationMinutes) return false;
    // The window opened `since` minutes ago: its start day must match the schedule.
    const opened = local(new Date(date.getTime() - since * 60_000), s.timezone);
    if (s.daysOfWeek && !s.daysOfWeek.includes(opened.dow)) return false;
    if (s.daysOfMonth && !s.daysOfMonth.includes(opened.dom)) return false;
    if (s.months && !s.months.includes(opened.month)) return false;
    return true;
}

/** The highest window's replicas in each minute of a trace of `seconds`, starting at `start`. */
export function prewarmFloorByMinute(windows: readonly PrewarmWindow[], start: Date, seconds: number): Int32Array {
    const minutes = Math.ceil(seconds / 60);
    const floor = new Int32Array(windows.length === 0 ? 0 : minutes);
    for (let m = 0; m < floor.length; m++) {
        const at = new Date(start.getTime() + m * 60_000);
        for (const w of windows) if (w.replicas > floor[m] && windowOpen(w.schedule, at)) floor[m] = w.replicas;
    }
    return floor;
}

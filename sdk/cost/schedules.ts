/**
 * Scheduled minimums (pre-warming): hours a month that a schedule keeps replicas above the autoscaler's minimum.
 *
 * A schedule is a set of events, each a five-field cron expression in a time zone that sets the minimum to a level
 * until the next event: a KEDA cron trigger is two (its start sets `desiredReplicas`, its end restores the
 * minimum), an Application Auto Scaling scheduled action or a Cloud Scheduler job that patches a Cloud Run service
 * is one. The events are replayed over a reference year (2026, in each event's time zone, daylight saving
 * included) and the replica-hours above the minimum are divided by 12: an average month.
 */
import { CronExpressionParser } from "cron-parser";

/** The year whose events are counted; the events of the weeks before it set the level it starts with. */
const REFERENCE_YEAR = { start: Date.parse("2026-01-01T00:00:00Z"), end: Date.parse("2027-01-01T00:00:00Z") };
const LEAD_IN_MS = 35 * 24 * 3600 * 1000;
const MS_PER_HOUR = 3600 * 1000;

/** One scheduled change of the minimum. */
export interface MinimumEvent {
    /** Five-field cron (minute hour day-of-month month day-of-week). */
    cron: string;
    /** IANA time zone of the cron expression. */
    timezone: string;
    /** The minimum from this event until the next one. */
    level: number;
}

/** What a schedule adds above a minimum in an average month. */
export interface ScheduledExtra {
    /** Replica-hours above the minimum per month (a window of 3 h keeping 2 extra replicas on 261 days: 130.5). */
    replicaHoursPerMonth: number;
    /** Hours per month during which the minimum is raised. */
    hoursPerMonth: number;
}

function firings(event: MinimumEvent): number[] {
    const times: number[] = [];
    const it = CronExpressionParser.parse(event.cron, { tz: event.timezone, currentDate: new Date(REFERENCE_YEAR.start - LEAD_IN_MS), endDate: new Date(REFERENCE_YEAR.end) });
    while (it.hasNext()) times.push(it.next().getTime());
    return times;
}

/**
 * Replays the events over the reference year: the minimum is `base` until the first event, then each event's level
 * until the next event. Throws (cron-parser's error) for an expression it cannot read.
 */
export function scheduledExtra(base: number, events: readonly MinimumEvent[]): ScheduledExtra {
    const timeline = events.flatMap((e) => firings(e).map((time) => ({ time, level: e.level }))).sort((a, b) => a.time - b.time);
    let level = base;
    let from = REFERENCE_YEAR.start;
    let replicaMs = 0;
    let raisedMs = 0;
    const close = (until: number) => {
        const span = Math.max(0, Math.min(until, REFERENCE_YEAR.end) - Math.max(from, REFERENCE_YEAR.start));
        if (level > base) {
            replicaMs += (level - base) * span;
            raisedMs += span;
        }
    };
    for (const event of timeline) {
        if (event.time > REFERENCE_YEAR.start) close(event.time);
        from = Math.max(event.time, REFERENCE_YEAR.start);
        level = event.level;
    }
    close(REFERENCE_YEAR.end);
    return { replicaHoursPerMonth: replicaMs / MS_PER_HOUR / 12, hoursPerMonth: raisedMs / MS_PER_HOUR / 12 };
}

/** Hours per month of a window that opens at `startCron` and closes at `endCron` (the pre-warming of one window). */
export function windowHoursPerMonth(startCron: string, endCron: string, timezone: string): number {
    return scheduledExtra(0, [
        { cron: startCron, timezone, level: 1 },
        { cron: endCron, timezone, level: 0 },
    ]).hoursPerMonth;
}

/** AWS days of week are 1-7 from Sunday; cron-parser's are 0-6 from Sunday (names read the same). */
function awsDayOfWeek(field: string): string {
    return field.replace(/\d+/g, (d) => String((Number(d) - 1 + 7) % 7));
}

/**
 * An Application Auto Scaling schedule `cron(M H DOM MON DOW YEAR)` as a five-field expression; undefined for
 * what the replay cannot read (`at(...)`, `rate(...)`, a year other than `*`, `L`, `W`, `#`).
 */
export function awsScheduleAsCron(schedule: string): string | undefined {
    const match = /^cron\((.*)\)$/.exec(schedule.trim());
    if (!match) return undefined;
    const fields = match[1].trim().split(/\s+/);
    if (fields.length !== 6 || fields[5] !== "*" || fields.some((f) => /[LW#]/.test(f))) return undefined;
    const [minute, hour, dom, month, dow] = fields.map((f) => (f === "?" ? "*" : f));
    // A step on numeric days of week would shift with the base; only plain numbers, ranges, lists and names are mapped.
    if (/\//.test(dow) && /\d/.test(dow)) return undefined;
    return `${minute} ${hour} ${dom} ${month} ${awsDayOfWeek(dow)}`;
}

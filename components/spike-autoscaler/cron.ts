/**
 * Pre-warming windows: a five-field cron start, a time zone and a duration, parsed with `cron-parser` and
 * rendered for each scheduler that runs them:
 * - KEDA's cron scaler and Cloud Scheduler read "Linux format" cron (minute hour day-of-month month day-of-week),
 *   with a separate IANA time zone; KEDA needs a start and an end expression.
 * - Application Auto Scaling reads `cron(minutes hours day-of-month month day-of-week year)`, with `?` in one of
 *   the day fields, days of week 1-7 from Sunday (names are used here to avoid the off-by-one), and a `timezone`.
 *
 * The dialects differ (KEDA has no `L`, `W` or `#`; Cloud Scheduler no `?`; AWS requires `?`), so only what all of
 * them mean the same way is accepted, and every expression is rendered from the parsed values, not passed through.
 * A window names one time of day (a single minute and hour): its end is then one time of day too.
 */
import { CronExpressionParser } from "cron-parser";
import { windowHoursPerMonth } from "../../sdk/cost/schedules";
import { describeValue, ValidationProblem } from "../../sdk/validate";

const MINUTES_PER_DAY = 1440;
const DOW_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** The year whose windows are counted for the monthly cost of pre-warming (any year gives the same figure within a window or two). */
const REFERENCE_YEAR = { start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z" };
/** One token of a cron field: `*`, a number or a three-letter name, an optional range and step. */
const TOKEN = /^(\*|\d+|[A-Za-z]{3})(-(\d+|[A-Za-z]{3}))?(\/\d+)?$/;
const FIELD_NAMES = ["minute", "hour", "day of month", "month", "day of week"];

/** A pre-warming window, parsed. Day lists are undefined when the field is `*` (every day, every month). */
export interface PrewarmSchedule {
    /** The expression as given. */
    expression: string;
    timezone: string;
    durationMinutes: number;
    start: { minute: number; hour: number };
    end: { minute: number; hour: number };
    daysOfMonth?: number[];
    months?: number[];
    /** Days of week the window starts on, 0 = Sunday. */
    daysOfWeek?: number[];
    /** Days of week the window ends on (shifted when it runs past midnight). */
    endDaysOfWeek?: number[];
    /** How many windows start in a year (2026, in the time zone): a twelfth of them fall in an average month. */
    windowsPerYear: number;
}

/** True when `timezone` is an IANA zone this runtime knows (Intl throws a RangeError otherwise). */
export function isTimeZone(timezone: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: timezone });
        return true;
    } catch {
        return false;
    }
}

/** `1,2,3,5` -> `1-3,5`; names instead of numbers with `names`. */
function compress(values: number[], names?: string[]): string {
    const show = (v: number) => (names ? names[v] : String(v));
    const sorted = [...new Set(values)].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
        parts.push(
            j - i >= 2
                ? `${show(sorted[i])}-${show(sorted[j])}`
                : sorted
                      .slice(i, j + 1)
                      .map(show)
                      .join(","),
        );
        i = j;
    }
    return parts.join(",");
}

function syntaxProblem(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5) {
        return `five cron fields (minute hour day-of-month month day-of-week), for example "45 7 * * 1-5"; got ${fields.length}`;
    }
    for (const [i, field] of fields.entries()) {
        if (!field.split(",").every((token) => TOKEN.test(token))) {
            return `standard cron in the ${FIELD_NAMES[i]} field ("${field}"): numbers, names, *, ranges, lists and steps; no L, W, #, ? or H (KEDA, Cloud Scheduler and AWS read those differently or not at all)`;
        }
    }
    return undefined;
}

/** Windows starting in the reference year, in the time zone, and the shortest gap between two starts (minutes). */
function yearOfStarts(expression: string, timezone: string): { count: number; shortestGapMinutes: number } {
    const starts = CronExpressionParser.parse(expression, { tz: timezone, currentDate: REFERENCE_YEAR.start, endDate: REFERENCE_YEAR.end });
    const times: number[] = [];
    while (starts.hasNext()) times.push(starts.next().getTime());
    // The gap from the year's last window to the next year's first one counts too.
    const following = CronExpressionParser.parse(expression, { tz: timezone, currentDate: REFERENCE_YEAR.end }).next().getTime();
    const all = [...times, following];
    let shortest = Infinity;
    for (let i = 1; i < all.length; i++) shortest = Math.min(shortest, (all[i] - all[i - 1]) / 60000);
    return { count: times.length, shortestGapMinutes: shortest };
}

/**
 * Parses one window. `path` names it in problems (`scaling.autoscaling.prewarm[0]`). Problems name the field, the
 * value and what is accepted; no schedule is returned with problems.
 */
export function parsePrewarmWindow(window: { schedule: string; timezone?: string; durationMinutes: number }, path: string): { schedule?: PrewarmSchedule; problems: ValidationProblem[] } {
    const timezone = window.timezone ?? "UTC";
    const problems: ValidationProblem[] = [];
    if (!isTimeZone(timezone)) {
        problems.push({ path: `${path}.timezone`, received: describeValue(timezone), expected: "an IANA time zone such as Europe/Paris, America/New_York or UTC" });
    }
    const syntax = syntaxProblem(window.schedule);
    if (syntax) problems.push({ path: `${path}.schedule`, received: describeValue(window.schedule), expected: syntax });
    if (problems.length > 0) return { problems };

    let fields;
    try {
        fields = CronExpressionParser.parse(window.schedule, { tz: timezone }).fields;
    } catch (error) {
        const reason = (error as Error).message;
        return { problems: [{ path: `${path}.schedule`, received: describeValue(window.schedule), expected: `a cron expression that parses (${reason})` }] };
    }
    const schedulePath = `${path}.schedule`;
    const minutes = fields.minute.values as number[];
    const hours = fields.hour.values as number[];
    if (minutes.length !== 1 || hours.length !== 1) {
        return {
            problems: [
                { path: schedulePath, received: describeValue(window.schedule), expected: 'one time of day (a single minute and hour, such as "45 7 * * 1-5"); give one window per time of day' },
            ],
        };
    }
    const dayOfMonthSet = !fields.dayOfMonth.isWildcard;
    const dayOfWeekSet = !fields.dayOfWeek.isWildcard;
    if (dayOfMonthSet && dayOfWeekSet) {
        return {
            problems: [{ path: schedulePath, received: describeValue(window.schedule), expected: "a day of month or a day of week, not both (cron runs on either; AWS cannot express both)" }],
        };
    }
    const start = { minute: minutes[0], hour: hours[0] };
    const endOfWindow = start.hour * 60 + start.minute + window.durationMinutes;
    const daysLater = Math.floor(endOfWindow / MINUTES_PER_DAY);
    const monthSet = !fields.month.isWildcard;
    if (daysLater > 0 && (dayOfMonthSet || monthSet)) {
        return {
            problems: [
                {
                    path: `${path}.durationMinutes`,
                    received: String(window.durationMinutes),
                    expected: `a window that ends by midnight when the schedule names days of month or months (it would end ${daysLater} day(s) later, on a day the end expression cannot name)`,
                },
            ],
        };
    }
    const { count, shortestGapMinutes } = yearOfStarts(window.schedule, timezone);
    if (window.durationMinutes >= shortestGapMinutes) {
        return {
            problems: [
                {
                    path: `${path}.durationMinutes`,
                    received: String(window.durationMinutes),
                    expected: `less than ${shortestGapMinutes} (the shortest time between two starts of "${window.schedule}"): a window must end before the next one starts`,
                },
            ],
        };
    }
    // Day of week 7 is Sunday too; cron-parser lists both 0 and 7 for `*`.
    const daysOfWeek = dayOfWeekSet ? [...new Set((fields.dayOfWeek.values as number[]).map((d) => d % 7))] : undefined;
    return {
        problems: [],
        schedule: {
            expression: window.schedule,
            timezone,
            durationMinutes: window.durationMinutes,
            start,
            end: { minute: endOfWindow % 60, hour: Math.floor(endOfWindow / 60) % 24 },
            daysOfMonth: dayOfMonthSet ? (fields.dayOfMonth.values as number[]) : undefined,
            months: monthSet ? (fields.month.values as number[]) : undefined,
            daysOfWeek,
            endDaysOfWeek: daysOfWeek?.map((d) => (d + daysLater) % 7),
            windowsPerYear: count,
        },
    };
}

/** The start or end as Linux-format cron (KEDA's cron scaler, Cloud Scheduler): `45 7 * * 1-5`. */
export function unixCron(schedule: PrewarmSchedule, which: "start" | "end"): string {
    const time = schedule[which];
    const days = which === "start" ? schedule.daysOfWeek : schedule.endDaysOfWeek;
    const dom = schedule.daysOfMonth ? compress(schedule.daysOfMonth) : "*";
    const month = schedule.months ? compress(schedule.months) : "*";
    const dow = days ? compress(days) : "*";
    return `${time.minute} ${time.hour} ${dom} ${month} ${dow}`;
}

/** The start or end as an Application Auto Scaling schedule: `cron(45 7 ? * MON-FRI *)`. */
export function awsCron(schedule: PrewarmSchedule, which: "start" | "end"): string {
    const time = schedule[which];
    const days = which === "start" ? schedule.daysOfWeek : schedule.endDaysOfWeek;
    const month = schedule.months ? compress(schedule.months) : "*";
    const dom = days ? "?" : schedule.daysOfMonth ? compress(schedule.daysOfMonth) : "*";
    const dow = days ? compress(days, DOW_NAMES) : "?";
    return `cron(${time.minute} ${time.hour} ${dom} ${month} ${dow} *)`;
}

/**
 * Hours of pre-warming in an average month: the window replayed over 2026 from its start to its end expression by
 * the cost model's schedule replay, the same that reads the window back from a stack (sdk/cost/schedules.ts).
 */
export function prewarmHoursPerMonth(schedule: PrewarmSchedule): number {
    return windowHoursPerMonth(unixCron(schedule, "start"), unixCron(schedule, "end"), schedule.timezone);
}

/** The shortest time from the end of a window to the next start of its schedule, in minutes (at least 1: {@link parsePrewarmWindow} refuses less). */
export function idleMinutesAfter(schedule: PrewarmSchedule): number {
    return yearOfStarts(schedule.expression, schedule.timezone).shortestGapMinutes - schedule.durationMinutes;
}

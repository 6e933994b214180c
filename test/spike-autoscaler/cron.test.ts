/**
 * Pre-warming windows: parsed by cron-parser, refused with the field and the reason, and rendered for KEDA and
 * Cloud Scheduler (Linux cron) and for Application Auto Scaling (`cron(...)` with `?` and day names).
 */
import { describe, expect, it } from "vitest";
import { awsCron, isTimeZone, parsePrewarmWindow, prewarmHoursPerMonth, unixCron } from "../../components/spike-autoscaler/cron";

const PATH = "prewarm[0]";
const parse = (schedule: string, durationMinutes: number, timezone?: string) => parsePrewarmWindow({ schedule, durationMinutes, timezone }, PATH);

describe("a pre-warming window", () => {
    it('renders "weekdays 07:45 for 2 h" for every scheduler, in its time zone', () => {
        const { schedule, problems } = parse("45 7 * * 1-5", 120, "Europe/Paris");
        expect(problems).toEqual([]);
        expect(schedule).toMatchObject({ timezone: "Europe/Paris", start: { minute: 45, hour: 7 }, end: { minute: 45, hour: 9 }, daysOfWeek: [1, 2, 3, 4, 5] });
        expect([unixCron(schedule!, "start"), unixCron(schedule!, "end")]).toEqual(["45 7 * * 1-5", "45 9 * * 1-5"]);
        expect([awsCron(schedule!, "start"), awsCron(schedule!, "end")]).toEqual(["cron(45 7 ? * MON-FRI *)", "cron(45 9 ? * MON-FRI *)"]);
        // 2026 starts on a Thursday: 52 full weeks (260 weekdays) plus Thursday 31 December = 261 windows of 2 h,
        // 261 / 12 x 2 = 43.5 h in an average month.
        expect(schedule!.windowsPerYear).toBe(261);
        expect(prewarmHoursPerMonth(schedule!)).toBe(43.5);
    });

    it("accepts day and month names, and normalises them to numbers (Linux cron) or names (AWS)", () => {
        const { schedule } = parse("0 8 * * mon,wed,FRI", 60);
        expect(unixCron(schedule!, "start")).toBe("0 8 * * 1,3,5");
        expect(awsCron(schedule!, "start")).toBe("cron(0 8 ? * MON,WED,FRI *)");
        expect(schedule!.timezone).toBe("UTC");
        const monthly = parse("30 6 1,15 jan-mar *", 90).schedule!;
        expect([unixCron(monthly, "start"), unixCron(monthly, "end")]).toEqual(["30 6 1,15 1-3 *", "0 8 1,15 1-3 *"]);
        expect(awsCron(monthly, "end")).toBe("cron(0 8 1,15 1-3 ? *)");
        expect(monthly.windowsPerYear).toBe(6);
    });

    it("moves the end to the next day of the week when the window runs past midnight", () => {
        const { schedule } = parse("0 22 * * 1-5", 240);
        expect([unixCron(schedule!, "start"), unixCron(schedule!, "end")]).toEqual(["0 22 * * 1-5", "0 2 * * 2-6"]);
        expect(awsCron(schedule!, "end")).toBe("cron(0 2 ? * TUE-SAT *)");
        const sunday = parse("0 20 * * 0", 600).schedule!;
        expect(awsCron(sunday, "end")).toBe("cron(0 6 ? * MON *)");
        const daily = parse("0 23 * * *", 120).schedule!;
        expect([unixCron(daily, "end"), awsCron(daily, "end")]).toEqual(["0 1 * * *", "cron(0 1 * * ? *)"]);
    });

    it("knows IANA time zones only", () => {
        expect(isTimeZone("America/New_York")).toBe(true);
        expect(isTimeZone("UTC")).toBe(true);
        expect(isTimeZone("Europe/Atlantis")).toBe(false);
        expect(parse("0 8 * * *", 60, "Europe/Atlantis").problems).toEqual([
            { path: "prewarm[0].timezone", received: '"Europe/Atlantis"', expected: "an IANA time zone such as Europe/Paris, America/New_York or UTC" },
        ]);
    });

    it.each([
        ["a value out of range", "61 7 * * *", 60, "prewarm[0].schedule", "a cron expression that parses (Constraint error, got value 61 expected range 0-59)"],
        ["an unknown name", "0 7 * * fun", 60, "prewarm[0].schedule", 'a cron expression that parses (Validation error, cannot resolve alias "fun")'],
        ["four fields", "45 7 * *", 60, "prewarm[0].schedule", 'five cron fields (minute hour day-of-month month day-of-week), for example "45 7 * * 1-5"; got 4'],
        ["a seconds field", "0 45 7 * * 1-5", 60, "prewarm[0].schedule", 'five cron fields (minute hour day-of-month month day-of-week), for example "45 7 * * 1-5"; got 6'],
        [
            "a Quartz '#'",
            "0 8 * * 5#2",
            60,
            "prewarm[0].schedule",
            'standard cron in the day of week field ("5#2"): numbers, names, *, ranges, lists and steps; no L, W, #, ? or H (KEDA, Cloud Scheduler and AWS read those differently or not at all)',
        ],
        [
            "a last-day 'L'",
            "0 8 L * *",
            60,
            "prewarm[0].schedule",
            'standard cron in the day of month field ("L"): numbers, names, *, ranges, lists and steps; no L, W, #, ? or H (KEDA, Cloud Scheduler and AWS read those differently or not at all)',
        ],
        ["two times of day", "0 8,12 * * *", 60, "prewarm[0].schedule", 'one time of day (a single minute and hour, such as "45 7 * * 1-5"); give one window per time of day'],
        ["a step in minutes", "*/15 8 * * *", 10, "prewarm[0].schedule", 'one time of day (a single minute and hour, such as "45 7 * * 1-5"); give one window per time of day'],
        ["day of month and day of week", "0 8 1 * 1", 60, "prewarm[0].schedule", "a day of month or a day of week, not both (cron runs on either; AWS cannot express both)"],
        [
            "a window as long as the gap to the next one",
            "0 8 * * *",
            1440,
            "prewarm[0].durationMinutes",
            'less than 1440 (the shortest time between two starts of "0 8 * * *"): a window must end before the next one starts',
        ],
        [
            "overlapping weekday windows",
            "0 8 * * 1,2",
            1500,
            "prewarm[0].durationMinutes",
            'less than 1440 (the shortest time between two starts of "0 8 * * 1,2"): a window must end before the next one starts',
        ],
        [
            "a monthly window past midnight",
            "0 22 1 * *",
            240,
            "prewarm[0].durationMinutes",
            "a window that ends by midnight when the schedule names days of month or months (it would end 1 day(s) later, on a day the end expression cannot name)",
        ],
    ])("refuses %s", (_what, schedule, duration, path, expected) => {
        const { schedule: parsed, problems } = parse(schedule, duration);
        expect(parsed).toBeUndefined();
        expect(problems).toEqual([{ path, received: path.endsWith("schedule") ? JSON.stringify(schedule) : String(duration), expected }]);
    });
});

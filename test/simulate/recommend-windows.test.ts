/**
 * The pre-warming windows `--recommend` derives from a trace: episodes of late requests, windows one cold start
 * before them sized at the target, repairs, and cron in the trace's time zone with its days of week.
 */
import { describe, expect, it } from "vitest";
import { parsePrewarmWindow } from "../../components/spike-autoscaler/cron";
import { prewarmFloorByMinute } from "../../simulate/prewarm";
import { dayField, lateEpisodes, prewarmArgs, repairWindows, stepSplits, windowsForEpisodes, type WindowContext } from "../../simulate/recommend-windows";
import { renderBlock } from "../../simulate/recommend-render";
import { ScalingMetric } from "../../components/spike-autoscaler/args";

const MONDAY = new Date("2026-01-05T00:00:00Z");

function context(need: Int32Array, over: Partial<WindowContext> = {}): WindowContext {
    return { needAtTarget: need, coldStartSeconds: 514, syncSeconds: 15, sloSeconds: 30, min: 1, max: 700, traceMinutes: Math.ceil(need.length / 60), ...over };
}

describe("recommended windows", () => {
    it("groups late arrivals into episodes separated by more than the gap", () => {
        const late = new Float64Array(10_000);
        for (const a of [100, 101, 400, 5000, 5003]) late[a] = 1;
        expect(lateEpisodes(late, 514)).toEqual([
            [100, 400],
            [5000, 5003],
        ]);
    });

    it("opens a window one cold start and a sync before the first late arrival, sized from the peak need at the target", () => {
        // 08:30 on the trace (second 30,600): 300 replicas needed from then until 08:45.
        const need = new Int32Array(10 * 3600).fill(1);
        need.fill(300, 30_600, 31_500);
        const [w] = windowsForEpisodes([[30_600, 31_400]], context(need));
        // 30,600 - 514 - 15 - 60 = 30,011 s: minute 500 (08:20), until 31,445 s (minute 525, rounded up).
        expect(w).toEqual({ startMinute: 500, durationMinutes: 25, replicas: 300 });
        const [args] = prewarmArgs([w], MONDAY, need.length, "UTC");
        expect(args).toEqual({ schedule: "20 8 * * 1-5", timezone: "UTC", durationMinutes: 25, replicas: 300 });
        // The component's parser reads it, and the simulator's floor is the window's replicas in exactly its minutes.
        const parsed = parsePrewarmWindow(args, "prewarm[0]");
        expect(parsed.problems).toEqual([]);
        const floor = prewarmFloorByMinute([{ schedule: parsed.schedule!, replicas: 300 }], MONDAY, need.length);
        expect([floor[499], floor[500], floor[524], floor[525]]).toEqual([0, 300, 300, 0]);
    });

    it("writes the wall-clock minute in the time zone of the team's windows", () => {
        // 08:20 UTC is 09:20 in Paris in January.
        expect(prewarmArgs([{ startMinute: 500, durationMinutes: 25, replicas: 300 }], MONDAY, 5 * 3600, "Europe/Paris")[0].schedule).toBe("20 9 * * 1-5");
    });

    it("takes the days of week from the trace's dates", () => {
        expect(dayField([1], 0.2)).toBe("1-5");
        expect(dayField([6], 0.2)).toBe("0,6");
        expect(dayField([1, 2, 3], 14)).toBe("1,2,3");
        expect(dayField([0, 1, 2, 3, 4, 5, 6], 14)).toBe("*");
        // A spike at the same time on two days of a trace is one window on both.
        const two = prewarmArgs(
            [
                { startMinute: 500, durationMinutes: 25, replicas: 300 },
                { startMinute: 500 + 1440, durationMinutes: 25, replicas: 280 },
            ],
            MONDAY,
            2 * 86_400,
            "UTC",
        );
        expect(two).toEqual([{ schedule: "20 8 * * 1-5", timezone: "UTC", durationMinutes: 25, replicas: 300 }]);
    });

    it("skips an episode the minimum already covers, and keeps windows within the maximum", () => {
        const need = new Int32Array(3600).fill(2);
        expect(windowsForEpisodes([[2000, 2100]], context(need, { min: 2 }))).toEqual([]);
        need.fill(900, 2000, 2200);
        expect(windowsForEpisodes([[2000, 2100]], context(need))[0].replicas).toBe(700);
    });

    it("repairs: opens earlier when late before the replicas are ready, extends past the end, and raises the replicas", () => {
        const need = new Int32Array(4 * 3600).fill(1);
        need.fill(200, 7200, 9000);
        const c = context(need);
        const windows = [{ startMinute: 110, durationMinutes: 20, replicas: 100 }];
        // Late from 7,000 s (before the window's replicas are ready at 6,600 + 514 + 15 s) to 8,000 s (past its end, 7,800 s).
        expect(repairWindows(windows, [[7000, 8000]], c)).toBe(true);
        expect(windows[0].startMinute).toBeLessThan(110);
        expect((windows[0].startMinute + windows[0].durationMinutes) * 60).toBeGreaterThanOrEqual(8000 + 30 + 15);
        expect(windows[0].replicas).toBe(200);
        // An episode far from every window gets its own.
        expect(repairWindows(windows, [[13_000, 13_100]], context(need.fill(50, 13_000, 13_200)))).toBe(true);
        expect(windows).toHaveLength(2);
    });

    it("steps a window into a staircase that follows a ramp: a lower step from its start, the full one later, to the same end", () => {
        const w = { startMinute: 500, durationMinutes: 25, replicas: 400 };
        const splits = stepSplits(w, 1);
        // 1, 2, 3 or 5 minutes later, keeping a quarter, half or three quarters of the replicas below.
        expect(splits).toHaveLength(12);
        expect(splits).toContainEqual([
            { startMinute: 500, durationMinutes: 25, replicas: 200 },
            { startMinute: 502, durationMinutes: 23, replicas: 400 },
        ]);
        for (const [lower, full] of splits) {
            expect(lower.startMinute + lower.durationMinutes).toBe(full.startMinute + full.durationMinutes);
            expect(lower.replicas).toBeLessThan(full.replicas);
        }
        // The floor the component deploys is the largest open window: the lower step first, then all of them.
        const prewarm = prewarmArgs(
            splits.find(([l, f]) => l.replicas === 200 && f.startMinute === 502)!,
            MONDAY,
            10 * 3600,
            "UTC",
        );
        expect(prewarm.map((p) => p.schedule)).toEqual(["20 8 * * 1-5", "22 8 * * 1-5"]);
        const floor = prewarmFloorByMinute(
            prewarm.map((p) => ({ schedule: parsePrewarmWindow(p, "prewarm").schedule!, replicas: p.replicas })),
            MONDAY,
            10 * 3600,
        );
        expect([floor[499], floor[500], floor[501], floor[502], floor[524], floor[525]]).toEqual([0, 200, 200, 400, 400, 0]);
        // No step at or below the minimum, none past the window's end.
        expect(stepSplits({ startMinute: 10, durationMinutes: 2, replicas: 8 }, 2)).toEqual([
            [
                { startMinute: 10, durationMinutes: 2, replicas: 4 },
                { startMinute: 11, durationMinutes: 1, replicas: 8 },
            ],
            [
                { startMinute: 10, durationMinutes: 2, replicas: 6 },
                { startMinute: 11, durationMinutes: 1, replicas: 8 },
            ],
        ]);
    });

    it("renders the block as TypeScript: enum members by name, one window a line", () => {
        const text = renderBlock(
            {
                metric: ScalingMetric.RequestsPerSecond,
                metricTarget: 2.5,
                scaleDownDelaySeconds: 120,
                prewarm: [{ schedule: "20 8 * * 1-5", timezone: "UTC", durationMinutes: 25, replicas: 300 }],
                budget: { maxMonthlyUsd: 6000 },
            },
            true,
        );
        expect(text).toBe(
            [
                "autoscaling: {",
                "    metric: ScalingMetric.RequestsPerSecond,",
                "    metricTarget: 2.5,",
                "    scaleDownDelaySeconds: 120,",
                "    prewarm: [",
                '        { schedule: "20 8 * * 1-5", timezone: "UTC", durationMinutes: 25, replicas: 300 },',
                "    ],",
                "    budget: { maxMonthlyUsd: 6000 },",
                "},",
            ].join("\n"),
        );
    });
});

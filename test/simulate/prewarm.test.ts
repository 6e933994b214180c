/** Pre-warming windows on the trace's clock, and the replicas they keep in a simulated run. */
import { describe, expect, it } from "vitest";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import { parsePrewarmWindow } from "../../components/spike-autoscaler/cron";
import { simulatePolicy } from "../../simulate/model";
import { modelshipPolicy } from "../../simulate/policies";
import { prewarmFloorByMinute } from "../../simulate/prewarm";

const schedule = (expression: string, timezone: string, durationMinutes: number) => {
    const parsed = parsePrewarmWindow({ schedule: expression, timezone, durationMinutes }, "prewarm[0]");
    expect(parsed.problems).toEqual([]);
    return parsed.schedule!;
};

describe("pre-warming", () => {
    it("keeps the window's replicas from its start, in its time zone, on its days only", () => {
        // Monday 2026-01-05 00:00 UTC; 07:30 in Paris (UTC+1 in January) is 06:30 UTC; weekdays only.
        const floor = prewarmFloorByMinute([{ schedule: schedule("30 7 * * 1-5", "Europe/Paris", 60), replicas: 8 }], new Date("2026-01-05T00:00:00Z"), 7 * 86_400);
        const monday = 6 * 60 + 30;
        expect([floor[monday - 1], floor[monday], floor[monday + 59], floor[monday + 60]]).toEqual([0, 8, 8, 0]);
        const saturday = 5 * 1440 + monday;
        expect(floor[saturday]).toBe(0);
        expect(floor[4 * 1440 + monday]).toBe(8); // Friday
    });

    it("asks for the replicas at the window's start, ready one cold start later", () => {
        const prewarm = [{ schedule: schedule("10 0 * * *", "UTC", 30), replicas: 6 }];
        const spec = {
            metric: ScalingMetric.InFlightRequests,
            metricTarget: 4,
            min: 1,
            max: 10,
            specMax: 10,
            scaleDownDelaySeconds: 600,
            maxQueuedPerRunning: 8,
            scaleToZeroAfterSeconds: 600,
            burstMultiplier: 2,
            prewarm,
        };
        const service = {
            concurrency: 6,
            serviceSeconds: 2,
            timeoutSeconds: 300,
            coldStart: { nodeSeconds: 100, pullSeconds: 30, loadSeconds: 20 },
            nodeIdleSeconds: 600,
            gpusPerReplica: 1,
            hourlyUsd: null,
        };
        const run = simulatePolicy(new Float64Array(3600), service, modelshipPolicy(spec, service, new Date("2026-01-05T00:00:00Z"), 3600));
        // The burst limit applies to windows too (+4 pods per 15 s step from 1): 5 at 00:10, 6 one sync later.
        expect([run.replicas[599], run.replicas[600], run.replicas[615]]).toEqual([1, 5, 6]);
        expect([run.ready[749], run.ready[750], run.ready[764], run.ready[765]]).toEqual([1, 5, 5, 6]);
        // The window's last sync in it is 00:39:45 (2385 s); its replicas stay for the scale-down delay (600 s).
        expect([run.replicas[2984], run.replicas[2985]]).toEqual([6, 1]);
        expect(run.costUsd).toBeNull();
    });
});

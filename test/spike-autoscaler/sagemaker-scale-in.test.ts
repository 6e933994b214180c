/**
 * The scale-in of a SageMaker asynchronous endpoint (components/spike-autoscaler/sagemaker-scale-in.ts): step
 * adjustments Application Auto Scaling accepts ("Step scaling policies": no gap, no overlap, one open lower bound, at
 * most 20 steps), and the alarm's metric math expression, which the simulator evaluates as deployed.
 */
import { describe, expect, it } from "vitest";
import { idleAlarmSettings, idleConfiguration, scaleInAlarmSettings, scaleInChange, scaleInConfiguration, scaleInExpression } from "../../components/spike-autoscaler/sagemaker-scale-in";

/** The expression as JavaScript: IF(c, a, b) and CEIL, the only functions it uses; a missing datapoint compares as 0. */
function evaluate(expression: string, backlog: number, perInstance: number): number {
    const match = /^IF\((.+?), (.+), (-?\d+)\)$/.exec(expression);
    if (!match) throw new Error(`not the expected IF(...): ${expression}`);
    const [, condition, then, otherwise] = match;
    const js = (text: string) => text.replace(/CEIL\(/g, "Math.ceil(");
    const f = new Function("backlog", "perInstance", `return (${js(condition)}) ? (${js(then)}) : (${otherwise});`) as (b: number, p: number) => number;
    return f(backlog, Number.isNaN(perInstance) ? 0 : perInstance);
}

describe("SageMaker queue mode's scale-in", () => {
    it("has step adjustments AAS accepts: contiguous below the threshold, one open lower bound, at most 20", () => {
        const config = scaleInConfiguration({ scaleDownDelaySeconds: 60 });
        const steps = config.stepAdjustments.map((s) => ({
            lower: s.metricIntervalLowerBound === undefined ? -Infinity : Number(s.metricIntervalLowerBound),
            upper: Number(s.metricIntervalUpperBound),
            adjustment: s.scalingAdjustment,
        }));
        expect(steps.length).toBeLessThanOrEqual(20);
        expect(steps.filter((s) => s.lower === -Infinity)).toHaveLength(1);
        // From the threshold (0) down, each band starts where the previous one ends.
        expect(steps[0].upper).toBe(0);
        for (let i = 1; i < steps.length; i++) expect(steps[i].upper).toBe(steps[i - 1].lower);
        // Each band removes the smaller share it covers: a change in (-15, -10] removes 10% (the threshold is -10).
        for (const s of steps.slice(0, -1)) expect(s.adjustment).toBe(s.upper - 10);
        expect(steps.at(-1)).toEqual({ lower: -Infinity, upper: -90, adjustment: -100 });
        expect(config).toMatchObject({ adjustmentType: "PercentChangeInCapacity", metricAggregationType: "Average", cooldown: 60 });
    });

    it("evaluates to what the simulator computes, for every case of the backlog and the instances", () => {
        for (const min of [0, 2]) {
            const spec = { metricTarget: 2.5, min, scaleDownDelaySeconds: 120 };
            const expression = scaleInExpression(spec);
            expect(scaleInAlarmSettings(spec, "llm").metricQueries.find((q) => q.id === "change")?.expression).toBe(expression);
            // Instances in service with a backlog (10 of them, 1 to 60 waiting each), an empty backlog, and none in service.
            for (const [backlog, perInstance] of [
                [10, 1],
                [240, 24],
                [600, 60],
                [5, 5],
                [0, 0],
                [12, Number.NaN],
                [0, Number.NaN],
            ]) {
                expect([min, backlog, perInstance, evaluate(expression, backlog, perInstance)]).toEqual([min, backlog, perInstance, scaleInChange(backlog, perInstance, spec)]);
            }
        }
        // 10 instances, 10 waiting at 2.5 per instance: 4 would do (-60%); one instance with anything waiting stays.
        expect(scaleInChange(10, 1, { metricTarget: 2.5, min: 0 })).toBeCloseTo(-60, 9);
        expect(scaleInChange(1, 1, { metricTarget: 2.5, min: 0 })).toBe(0);
    });

    it("waits the scale-down delay in one-minute datapoints, and the idle time before the last instance", () => {
        expect(scaleInAlarmSettings({ metricTarget: 5, min: 0, scaleDownDelaySeconds: 300 }, "llm")).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 5, threshold: -10 });
        expect(idleAlarmSettings({ scaleToZeroAfterSeconds: 600 }, "llm")).toMatchObject({ evaluationPeriods: 10, datapointsToAlarm: 10, metricName: "ApproximateBacklogSize", threshold: 0 });
        // A cold-start budget that is not whole minutes (the idle time's default): the datapoints cover it.
        expect(idleAlarmSettings({ scaleToZeroAfterSeconds: 630 }, "llm").evaluationPeriods).toBe(11);
        expect(idleConfiguration().stepAdjustments).toEqual([{ metricIntervalUpperBound: "0", scalingAdjustment: -100 }]);
    });
});

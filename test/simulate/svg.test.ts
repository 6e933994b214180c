/**
 * The `--svg` chart: every policy is its own visible line even where lines coincide, the legend says which coincide,
 * and the oracle is drawn unlike the request area it follows.
 */
import { describe, expect, it } from "vitest";
import { ScalingMetric } from "../../components/spike-autoscaler/args";
import type { ScalingSpec } from "../../simulate/policies";
import { runPolicies, summarise } from "../../simulate/report";
import { DEFAULT_COLD_START, DEFAULT_CPU_COLD_START, ServiceModel } from "../../simulate/service";
import type { ServiceSimulation } from "../../simulate/simulate";
import { coincidentGroups, POLICY_STYLES, renderSvg } from "../../simulate/svg";
import type { Trace } from "../../simulate/trace";

const POLICIES = ["modelship", "hpa-default", "knative-default", "keda-default", "static-peak", "oracle", "oracle-at-target"];
const spec: ScalingSpec = {
    metric: ScalingMetric.InFlightRequests,
    metricTarget: 4,
    min: 1,
    max: 50,
    specMax: 50,
    scaleDownDelaySeconds: 240,
    maxQueuedPerRunning: 8,
    scaleToZeroAfterSeconds: 600,
    burstMultiplier: 2,
    prewarm: [],
};
const gpu: ServiceModel = { concurrency: 6, serviceSeconds: 2, timeoutSeconds: 300, coldStart: DEFAULT_COLD_START, nodeIdleSeconds: 600, gpusPerReplica: 1, hourlyUsd: 0.8048 };

function simulation(trace: Trace, model: ServiceModel): ServiceSimulation {
    const runs = runPolicies(trace, spec, model);
    return { urn: "urn:test", name: "llm", model, runs, summaries: summarise(runs), sloP99Seconds: 30, limits: [] };
}

/** Every `<path>` with its attributes. */
function paths(svg: string): Array<Record<string, string>> {
    return [...svg.matchAll(/<path ([^>]*)\/>/g)].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

/** The y of each point of a path. */
const ys = (d: string) => [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));

describe("the simulation chart", () => {
    // 10 requests/s x 2 s = 20 in flight: the four control loops and oracle-at-target hold 5 replicas (target 4),
    // static-peak and the oracle hold the 4 that 6 slots per replica need.
    const steady = simulation({ name: "steady", requests: new Float64Array(3600).fill(10) }, gpu);
    const svg = renderSvg({ name: "steady", requests: new Float64Array(3600).fill(10) }, steady);
    const byPolicy = new Map(
        paths(svg)
            .filter((p) => p["data-policy"])
            .map((p) => [p["data-policy"], p]),
    );

    it("draws each policy once, each with its own colour and dash pattern", () => {
        expect([...byPolicy.keys()].sort()).toEqual([...POLICIES].sort());
        const looks = POLICIES.map((name) => `${byPolicy.get(name)!.stroke} ${byPolicy.get(name)!["stroke-dasharray"] ?? "solid"}`);
        expect(new Set(looks).size).toBe(POLICIES.length);
        expect(new Set(POLICIES.map((name) => byPolicy.get(name)!["stroke-dasharray"] ?? "solid")).size).toBe(POLICIES.length);
        // The policy under study is solid and drawn last, on top of the others.
        expect(byPolicy.get("modelship")!["stroke-dasharray"]).toBeUndefined();
        expect(
            paths(svg)
                .filter((p) => p["data-policy"])
                .pop()!["data-policy"],
        ).toBe("modelship");
    });

    it("keeps coinciding lines apart and says in the legend which coincide", () => {
        // The oracle needs 2 replicas in the first second only (10 requests in flight), then 4 as static-peak does.
        // oracle-at-target needs 3 in the first second (10 in flight at 4 per replica), then 5 as the loops do.
        expect(coincidentGroups(steady.runs.map((r) => ({ name: r.name, points: Array.from(r.replicas) })))).toEqual([["modelship", "hpa-default", "knative-default", "keda-default"]]);
        expect(
            coincidentGroups([
                { name: "a", points: [1, 2] },
                { name: "b", points: [1, 3] },
                { name: "c", points: [1, 2] },
            ]),
        ).toEqual([["a", "c"]]);
        // Same replicas all along, different pixels: each line on its own lane.
        const heights = POLICIES.map((name) => ys(byPolicy.get(name)!.d).at(-1));
        expect(new Set(heights).size).toBe(POLICIES.length);
        expect(ys(byPolicy.get("keda-default")!.d).at(-1)! - ys(byPolicy.get("hpa-default")!.d).at(-1)!).toBeCloseTo(POLICY_STYLES["hpa-default"].lane - POLICY_STYLES["keda-default"].lane, 6);
        expect(svg).toContain("lines are drawn up to 2.5 px apart so that overlapping ones stay visible");
        // Drawn 6 s to a point (the largest of each slice), the oracles' first second no longer shows.
        expect(svg).toContain(
            'data-legend="coincide">modelship, hpa-default, knative-default, keda-default and oracle-at-target coincide all along; static-peak and oracle coincide all along.</text>',
        );
    });

    it("draws the oracle as a dotted line over a white halo, unlike the request area, a fill without an outline", () => {
        const area = paths(svg).find((p) => p["data-series"] === "requests")!;
        const oracle = byPolicy.get("oracle")!;
        expect([area.fill, area.stroke]).toEqual(["#9ecae1", "none"]);
        expect([oracle.fill, oracle.stroke, oracle["stroke-dasharray"]]).toEqual(["none", "#000000", "1 3"]);
        const halo = paths(svg).find((p) => p["data-halo"] === "oracle")!;
        expect([halo.stroke, halo.d]).toEqual(["#ffffff", oracle.d]);
        // The area is drawn first, the halo right under the oracle's line.
        const order = paths(svg).map((p) => p["data-series"] ?? p["data-halo"] ?? p["data-policy"]);
        expect(order[0]).toBe("requests");
        expect(order.indexOf("oracle", order.indexOf("oracle") + 1) - order.indexOf("oracle")).toBe(1);
    });

    it("labels the legend in GPU-hours, or replica-hours for a CPU service", () => {
        expect(svg).toContain(">modelship: 5.0 GPU-h, 0 dropped, p99 0 s</text>");
        const cpu = { ...gpu, gpusPerReplica: 0, coldStart: DEFAULT_CPU_COLD_START, nodeIdleSeconds: 0 };
        const cpuSvg = renderSvg({ name: "steady", requests: new Float64Array(3600).fill(10) }, simulation({ name: "steady", requests: new Float64Array(3600).fill(10) }, cpu));
        expect(cpuSvg).toContain(">modelship: 5.0 replica-h, 0 dropped, p99 0 s</text>");
        expect(cpuSvg).not.toContain("GPU-h");
    });
});

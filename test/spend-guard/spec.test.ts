/**
 * The spend guard's shared module without the mock runtime (components/spend-guard/): the defaults per cloud, the money
 * a Cloud Billing budget takes, and the Prometheus projection over several pod groups, checked and run by promtool.
 */
import { describe, expect, it } from "vitest";
import { resolveSpendGuard, SpendGuardCloud } from "../../components/spend-guard";
import { usdMoney } from "../../components/spend-guard/gcp";
import { spendAlertRules } from "../../components/spend-guard/prometheus";
import { checkAndTestRules, requirePromtool } from "../promtool";

const ACCOUNT = "01A2B3-C4D5E6-F7A8B9";

describe("resolveSpendGuard", () => {
    it("applies the defaults: on for aws, on gcp only with a billing account, kubernetes as told, never on none", () => {
        const budget = { maxMonthlyUsd: 100 };
        expect(resolveSpendGuard(SpendGuardCloud.Aws, budget, undefined)).toEqual({ cloud: "aws", maxMonthlyUsd: 100, thresholdsPercent: [80, 100], forecast: true, notifications: {} });
        expect(resolveSpendGuard(SpendGuardCloud.Gcp, budget, undefined)).toBeUndefined();
        expect(resolveSpendGuard(SpendGuardCloud.Gcp, { ...budget, spendGuard: { gcpBillingAccount: ACCOUNT } }, undefined)?.gcpBillingAccount).toBe(ACCOUNT);
        expect(resolveSpendGuard(SpendGuardCloud.Kubernetes, budget, undefined, false)).toBeUndefined();
        expect(resolveSpendGuard(SpendGuardCloud.Kubernetes, { ...budget, spendGuard: { enabled: true } }, undefined, false)?.cloud).toBe("kubernetes");
        expect(resolveSpendGuard(SpendGuardCloud.None, { ...budget, spendGuard: { enabled: true } }, undefined)).toBeUndefined();
        expect(resolveSpendGuard(SpendGuardCloud.Aws, undefined, undefined)).toBeUndefined();
    });

    it("writes a USD amount as whole units and nanos", () => {
        expect(usdMoney(2500.5)).toEqual({ currencyCode: "USD", units: "2500", nanos: 500_000_000 });
        expect(usdMoney(0.01)).toEqual({ currencyCode: "USD", units: "0", nanos: 10_000_000 });
        expect(usdMoney(3000)).toEqual({ currencyCode: "USD", units: "3000", nanos: 0 });
    });
});

describe("the projection over several pod groups (a pipeline's stages)", () => {
    it("sums each group's pods x its price; promtool accepts it and it fires only on the sum", () => {
        const guard = resolveSpendGuard(SpendGuardCloud.Kubernetes, { maxMonthlyUsd: 1000, spendGuard: { thresholdsPercent: [90], forecast: false } }, {})!;
        const rules = spendAlertRules(guard, {
            pods: [
                { podSelector: `namespace="risk",pod=~"fraud-score-[a-z0-9]+-[a-z0-9]+"`, monthlyPerPodUsd: 587.5, priceBasis: "one L4" },
                { podSelector: `namespace="risk",pod=~"fraud-rank-[a-z0-9]+-[a-z0-9]+"`, monthlyPerPodUsd: 250.25, priceBasis: "one T4" },
            ],
            where: "pipeline fraud in namespace risk",
            alertPrefix: "PolyglotPipeline",
            labels: { modelship_pipeline: "fraud" },
            budgetPath: "budget.maxMonthlyUsd",
        });
        const scheduled = (stage: string) => `(sum(kube_pod_status_scheduled{namespace="risk",pod=~"fraud-${stage}-[a-z0-9]+-[a-z0-9]+",condition="true"}) or vector(0))`;
        expect(rules.map((r) => r.expr)).toEqual([`avg_over_time((${scheduled("score")} * 587.5 + ${scheduled("rank")} * 250.25)[1d:5m]) > 900`]);

        requirePromtool("the spend alerts");
        const pod = (stage: string, i: number) => ({ series: `kube_pod_status_scheduled{namespace="risk",pod="fraud-${stage}-7d9f8-p${i}x",condition="true"}`, values: "1x360" });
        const fires = (firing: boolean) => ({
            eval_time: "1d",
            alertname: "PolyglotPipelineSpendAbove90Percent",
            exp_alerts: firing ? [{ exp_labels: { severity: "warning", modelship_pipeline: "fraud" } }] : [],
        });
        const { check, test } = checkAndTestRules(
            [{ name: "spend", rules }],
            [
                // One score pod and two rank pods: 587.50 + 500.50 = 1088, above $900; neither group alone is.
                { interval: "5m", input_series: [pod("score", 0), pod("rank", 0), pod("rank", 1)], alert_rule_test: [fires(true)] },
                // One of each: 837.75, below.
                { interval: "5m", input_series: [pod("score", 0), pod("rank", 0)], alert_rule_test: [fires(false)] },
            ],
        );
        expect(check.status, check.output).toBe(0);
        expect(test.status, test.output).toBe(0);
    }, 60_000);
});

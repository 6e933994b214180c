/**
 * PolyglotPipeline's `budget` (issue 18): one run-time budget for the whole pipeline, filtered by the `pipeline` tag
 * every stage and the orchestrator carry, and none per stage from it; refused when the stages kept always running
 * already cost more, with the figures; on kubernetes one PrometheusRule over every priced stage's pods (promtool).
 */
import { describe, expect, it } from "vitest";
import { Accelerator, PolyglotPipeline, PolyglotPipelineArgs, Target } from "../../index";
import { checkAndTestRules, requirePromtool } from "../promtool";
import { useMockRuntime } from "../harness";
import { ecr, fraudStages } from "./fixtures";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "modelship:team": "ml-platform" } });

const AWS_BUDGET = "aws:budgets/budget:Budget";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ml-alerts";
const header = (count: number) => `modelship:index:PolyglotPipeline "fraud": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** The fraud pipeline on kubernetes, its `score` stage on one L4 ($587.50 a month a pod), always one replica. */
const onKubernetes = (budget: PolyglotPipelineArgs["budget"]): PolyglotPipelineArgs => ({
    stages: fraudStages().map((s) => (s.name === "score" ? { ...s, resources: { gpu: { accelerator: Accelerator.L4 } }, scaling: { minReplicas: 1, maxReplicas: 3 } } : s)),
    kubernetes: { namespace: "risk" },
    observability: { notifications: { alertmanagerLabels: { team: "fraud" } } },
    budget,
    target: Target.Kubernetes,
});

/** The validation error's message; nothing is registered. */
const refusal = (args: PolyglotPipelineArgs) => rt.refusal(() => new PolyglotPipeline("fraud", args));

describe("PolyglotPipeline budget on aws", () => {
    it("one AWS budget on the pipeline and environment tags, which every stage and the state machine carry; none per stage", async () => {
        const { value: pipeline } = await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: fraudStages(ecr),
                    observability: { notifications: { snsTopicArn: TOPIC } },
                    budget: { maxMonthlyUsd: 250, spendGuard: { forecast: false } },
                    target: Target.AwsLambda,
                }),
        );
        const budgets = rt.ofType(AWS_BUDGET);
        expect(budgets.map((b) => b.name)).toEqual(["fraud-spend-guard"]);
        expect(budgets[0].inputs.filterExpression).toEqual({
            ands: [{ tags: { key: "pipeline", values: ["fraud"], matchOptions: ["EQUALS"] } }, { tags: { key: "environment", values: ["dev"], matchOptions: ["EQUALS"] } }],
        });
        expect(budgets[0].inputs.limitAmount).toBe("250");
        expect((budgets[0].inputs.notifications as { threshold: number }[]).map((n) => n.threshold)).toEqual([80, 100]);
        expect(Object.keys(pipeline.resources)).toContain("spendGuard");
        for (const fn of rt.ofType("aws:lambda/function:Function")) expect((fn.inputs.tags as Record<string, string>).pipeline, fn.name).toBe("fraud");
        expect((rt.one("aws:sfn/stateMachine:StateMachine").inputs.tags as Record<string, string>).pipeline).toBe("fraud");
    });

    it("refuses enabled: true on docker, naming the field", async () => {
        expect(await refusal({ stages: fraudStages(), budget: { maxMonthlyUsd: 10, spendGuard: { enabled: true } }, target: Target.Docker })).toBe(
            header(1) + '  - budget.spendGuard.enabled: received true; expected false or nothing: target "docker" bills nothing: there is no spend to watch',
        );
    });
});

describe("PolyglotPipeline budget on kubernetes", () => {
    it("refuses a budget below what the stages kept running cost, with the figures", async () => {
        expect(await refusal(onKubernetes({ maxMonthlyUsd: 500 }))).toBe(
            header(1) +
                "  - budget.maxMonthlyUsd: received 500; expected at least $587.50: the stages kept always running cost that at their minimum (score $587.50); lower their minReplicas or raise the budget",
        );
    });

    it("one PrometheusRule over the priced stages' pods, valid for promtool, firing above 80% and not below", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", onKubernetes({ maxMonthlyUsd: 1000 })));
        const rule = rt.one(RULE, "fraud-spend-guard").inputs as {
            metadata: { namespace: string };
            spec: { groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] };
        };
        expect(rule.metadata.namespace).toBe("risk");
        const rules = rule.spec.groups[0].rules;
        const monthly = `((sum(kube_pod_status_scheduled{namespace="risk",pod=~"fraud-score-[a-z0-9]+-[a-z0-9]+",condition="true"}) or vector(0)) * 587.5)`;
        expect(rules.map((r) => [r.alert, r.expr])).toEqual([
            ["PolyglotPipelineSpendAbove80Percent", `avg_over_time(${monthly}[1d:5m]) > 800`],
            ["PolyglotPipelineSpendAbove100Percent", `avg_over_time(${monthly}[1d:5m]) > 1000`],
            ["PolyglotPipelineSpendForecastAbove100Percent", `${monthly} > 1000`],
        ]);
        expect(rules[0].labels).toEqual({ team: "fraud", severity: "warning", modelship_pipeline: "fraud" });

        requirePromtool("the pipeline's spend alerts");
        const pods = (n: number) => Array.from({ length: n }, (_, i) => ({ series: `kube_pod_status_scheduled{namespace="risk",pod="fraud-score-7d9f8-p${i}x",condition="true"}`, values: "1x360" }));
        const at = (alertname: string, firing: boolean) => ({
            eval_time: "1d",
            alertname,
            exp_alerts: firing ? [{ exp_labels: { team: "fraud", severity: "warning", modelship_pipeline: "fraud" } }] : [],
        });
        const { check, test } = checkAndTestRules(rule.spec.groups, [
            // Two score pods: $1175 a month, above 80% of $1000; one: $587.50, below.
            { interval: "5m", input_series: pods(2), alert_rule_test: [at("PolyglotPipelineSpendAbove80Percent", true)] },
            { interval: "5m", input_series: pods(1), alert_rule_test: [at("PolyglotPipelineSpendAbove80Percent", false)] },
        ]);
        expect(check.status, check.output).toBe(0);
        expect(test.status, test.output).toBe(0);
    }, 60_000);
});

/**
 * The spend guard on AWS: an AWS Budgets cost budget of `maxMonthlyUsd` a month, in USD, filtered to the component's
 * resources by two of its cost-allocation tags, `service` AND `environment` (a Cost Explorer filter expression: the
 * classic `costFilters` would OR them), with one notification per threshold of actual spend and, with `forecast`, one
 * on the month's forecast passing 100%, each published to `notifications.snsTopicArn`.
 *
 * What AWS requires (docs/observability.md, "Spend guard"):
 * - every notification has at least one subscriber, so without an SNS topic the budget has no notifications: it
 *   still tracks the spend in the Billing console, and nothing is sent anywhere (no e-mail is invented);
 * - the topic's access policy lets `budgets.amazonaws.com` publish to it;
 * - `service` and `environment` are activated as cost-allocation tags (Billing console, or
 *   `aws.costexplorer.CostAllocationTag`, account-wide), else the filter matches no spend.
 * Budgets without actions cost nothing (AWS price list, AWSBudgets: "$0.00 for Budget-days"; sdk/cost/free.ts).
 */
import type * as aws from "@pulumi/aws";
import type { SpendGuardSpec } from "./spec";

/** The Budget's type token. */
export const AWS_BUDGET_TYPE = "aws:budgets/budget:Budget";
/**
 * The Budget's arguments: `tags` are the component's cloud tags (sdk/naming.ts `cloudTags`); the budget filters on
 * `filterTag` (`service`; a pipeline's `pipeline`, which its stages and orchestrator all carry) AND `environment`:
 * together they name one component of one stack's environment.
 */
export function awsBudgetArgs(guard: SpendGuardSpec, tags: Record<string, string>, filterTag = "service"): aws.budgets.BudgetArgs {
    const topic = guard.notifications.snsTopicArn;
    const notify = (notificationType: string, threshold: number): aws.types.input.budgets.BudgetNotification => ({
        notificationType,
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [topic as string],
    });
    const notifications = topic === undefined ? [] : [...guard.thresholdsPercent.map((t) => notify("ACTUAL", t)), ...(guard.forecast ? [notify("FORECASTED", 100)] : [])];
    return {
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: String(guard.maxMonthlyUsd),
        limitUnit: "USD",
        // A filter expression requires `metrics`: unblended cost is what the bill shows before discounts are spread.
        metrics: "UnblendedCost",
        filterExpression: { ands: [filterTag, "environment"].map((key) => ({ tags: { key, values: [tags[key]], matchOptions: ["EQUALS"] } })) },
        ...(notifications.length > 0 ? { notifications } : {}),
        tags,
    };
}

/**
 * The spend guard on GCP: a Cloud Billing budget on `gcpBillingAccount` of `maxMonthlyUsd` a calendar month, filtered
 * to the resources labelled with the service's `service` label (a budget takes one label: sdk/naming.ts `gcpLabels`
 * writes it on every resource of the component), with one rule per threshold of current spend (fractions: 80% is
 * 0.8) and, with `forecast`, one on the forecast spend passing 100%. Notifications go to
 * `notifications.gcpNotificationChannels` only: the default e-mails to the billing account's administrators are
 * turned off, so nothing is sent anywhere the team did not name (the budget still shows in the Billing console).
 *
 * The amount is in USD: the billing account's currency must be USD, or the Cloud Billing Budget API refuses the budget
 * (docs/observability.md, "Spend guard"). Budgets cost nothing (cloud.google.com/billing/docs/how-to/budgets;
 * sdk/cost/free.ts).
 */
import type * as gcp from "@pulumi/gcp";
import { gcpLabelKey } from "../../sdk/naming";
import type { SpendGuardSpec } from "./spec";

/** The Budget's type token. */
export const GCP_BUDGET_TYPE = "gcp:billing/budget:Budget";
/** Cloud Billing's limit on a budget's display name. */
const DISPLAY_NAME_MAX = 60;

/** `maxMonthlyUsd` as Money: whole units and nanos. */
export function usdMoney(amount: number): { currencyCode: string; units: string; nanos: number } {
    const units = Math.floor(amount);
    return { currencyCode: "USD", units: String(units), nanos: Math.round((amount - units) * 1e9) };
}

/** The Budget's arguments: `tags` are the component's cloud tags, `label` the one it filters on (`service`). */
export function gcpBudgetArgs(guard: SpendGuardSpec, tags: Record<string, string>, label = "service"): gcp.billing.BudgetArgs {
    const display = `modelship ${tags.service} (${tags.environment}) spend`;
    return {
        billingAccount: guard.gcpBillingAccount as string,
        displayName: display.length <= DISPLAY_NAME_MAX ? display : display.slice(0, DISPLAY_NAME_MAX),
        amount: { specifiedAmount: usdMoney(guard.maxMonthlyUsd) },
        budgetFilter: { calendarPeriod: "MONTH", labels: { [gcpLabelKey(label)]: gcpLabelKey(tags[label]) } },
        thresholdRules: [
            ...guard.thresholdsPercent.map((t) => ({ thresholdPercent: t / 100, spendBasis: "CURRENT_SPEND" })),
            ...(guard.forecast ? [{ thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" }] : []),
        ],
        allUpdatesRule: { monitoringNotificationChannels: guard.notifications.gcpNotificationChannels ?? [], disableDefaultIamRecipients: true },
    };
}

/**
 * The spend guard (issue 18), resolved: `budget.spendGuard` of ModelService, GpuPool and PolyglotPipeline with its
 * defaults applied, and the rules checked before anything is created. What each cloud builds from it is in its own
 * file (aws.ts, gcp.ts, prometheus.ts); the defaults are here, once, and in the TSDoc of SpendGuardArgs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describeValue, type ValidationProblem } from "../../sdk/validate";
import type { NotificationArgs } from "../model-service/args";
import type { SpendGuardArgs } from "../spike-autoscaler/args";

/** Where the watched resources are billed, which decides what watches them. */
export enum SpendGuardCloud {
    /** An AWS Budgets budget filtered by the cost-allocation tags. */
    Aws = "aws",
    /** A Cloud Billing budget filtered by the service's label. */
    Gcp = "gcp",
    /** A Prometheus alert on the spend projected from the pods scheduled (no billing API in a cluster). */
    Kubernetes = "kubernetes",
    /** Nothing: the local Docker engine bills nothing. */
    None = "none",
}

/** `thresholdsPercent` by default. */
export const DEFAULT_THRESHOLDS_PERCENT: readonly number[] = [80, 100];
/** AWS Budgets accepts at most this many notifications per budget (the Budgets API's `Notification`). */
export const AWS_MAX_NOTIFICATIONS = 10;
/** Cloud Billing accepts at most this many Cloud Monitoring channels per budget (`allUpdatesRule`). */
export const GCP_MAX_CHANNELS = 5;

/** The resolved guard: present only when it is created. */
export interface SpendGuardSpec {
    cloud: SpendGuardCloud;
    maxMonthlyUsd: number;
    /** Ascending, without duplicates. */
    thresholdsPercent: number[];
    forecast: boolean;
    /** Set on gcp (a guard on gcp exists only with it). */
    gcpBillingAccount?: pulumi.Input<string>;
    notifications: NotificationArgs;
}

/** Where the rules report: the block's path (`scaling.autoscaling.budget.spendGuard`) and what to say about the cloud. */
export interface SpendGuardContext {
    cloud: SpendGuardCloud;
    /** The path of `spendGuard`, for example `scaling.autoscaling.budget.spendGuard`. */
    path: string;
    /** The path of the notifications, for example `observability.notifications`. */
    notificationsPath: string;
    /** In words, where the component runs (`target "docker"`, `cloud "kubernetes"`), for the messages. */
    where: string;
    /** Why nothing can be created there, when `cloud` is None. */
    noneReason?: string;
}

/**
 * On by default where the cloud has something to watch with; on gcp only with a billing account; on kubernetes only
 * where the component's observability is on (`defaultOn`: the PrometheusRule needs the Prometheus Operator).
 */
function enabledOf(cloud: SpendGuardCloud, args: SpendGuardArgs | undefined, defaultOn: boolean): boolean {
    if (cloud === SpendGuardCloud.None) return false;
    if (cloud === SpendGuardCloud.Gcp) return args?.enabled ?? args?.gcpBillingAccount !== undefined;
    return args?.enabled ?? defaultOn;
}

/** The rules of `spendGuard` on this cloud, with the field's path, the value received and what is accepted. */
export function spendGuardProblems(ctx: SpendGuardContext, args: SpendGuardArgs | undefined, notifications: NotificationArgs | undefined, defaultOn = true): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (ctx.cloud === SpendGuardCloud.None) {
        if (args?.enabled === true) {
            problems.push({ path: `${ctx.path}.enabled`, received: "true", expected: `false or nothing: ${ctx.where} ${ctx.noneReason ?? "has no billing to watch"}` });
        }
        return problems;
    }
    if (args?.gcpBillingAccount !== undefined && ctx.cloud !== SpendGuardCloud.Gcp) {
        problems.push({
            path: `${ctx.path}.gcpBillingAccount`,
            received: describeValue(args.gcpBillingAccount),
            expected: `nothing on ${ctx.where}: a Cloud Billing account belongs to gcp targets only`,
        });
    }
    if (!enabledOf(ctx.cloud, args, defaultOn)) return problems;
    if (ctx.cloud === SpendGuardCloud.Gcp && args?.gcpBillingAccount === undefined) {
        problems.push({
            path: `${ctx.path}.gcpBillingAccount`,
            received: describeValue(undefined),
            expected: `the Cloud Billing account (XXXXXX-XXXXXX-XXXXXX) the budget belongs to, since ${ctx.path}.enabled is true on ${ctx.where}`,
        });
    }
    const thresholds = args?.thresholdsPercent ?? DEFAULT_THRESHOLDS_PERCENT;
    const repeated = thresholds.filter((t, i) => thresholds.indexOf(t) !== i);
    if (repeated.length > 0) {
        problems.push({ path: `${ctx.path}.thresholdsPercent`, received: JSON.stringify(thresholds), expected: `each percentage once (${repeated.join(", ")} repeated)` });
    }
    const notificationCount = new Set(thresholds).size + ((args?.forecast ?? true) ? 1 : 0);
    if (ctx.cloud === SpendGuardCloud.Aws && notificationCount > AWS_MAX_NOTIFICATIONS) {
        problems.push({
            path: `${ctx.path}.thresholdsPercent`,
            received: JSON.stringify(thresholds),
            expected: `at most ${AWS_MAX_NOTIFICATIONS} notifications per AWS budget, the forecast's included: at most ${AWS_MAX_NOTIFICATIONS - ((args?.forecast ?? true) ? 1 : 0)} percentages`,
        });
    }
    const channels = notifications?.gcpNotificationChannels ?? [];
    if (ctx.cloud === SpendGuardCloud.Gcp && channels.length > GCP_MAX_CHANNELS) {
        problems.push({
            path: `${ctx.notificationsPath}.gcpNotificationChannels`,
            received: describeValue(channels),
            expected: `at most ${GCP_MAX_CHANNELS} channels: a Cloud Billing budget notifies at most ${GCP_MAX_CHANNELS} (or ${ctx.path}.enabled false)`,
        });
    }
    return problems;
}

/** The guard to create, or undefined when there is none (no budget, off, or nothing to watch with). Valid args assumed. */
export function resolveSpendGuard(
    cloud: SpendGuardCloud,
    budget: { maxMonthlyUsd: number; spendGuard?: SpendGuardArgs } | undefined,
    notifications: NotificationArgs | undefined,
    defaultOn = true,
): SpendGuardSpec | undefined {
    if (!budget) return undefined;
    const args = budget.spendGuard;
    if (!enabledOf(cloud, args, defaultOn)) return undefined;
    return {
        cloud,
        maxMonthlyUsd: budget.maxMonthlyUsd,
        thresholdsPercent: [...new Set(args?.thresholdsPercent ?? DEFAULT_THRESHOLDS_PERCENT)].sort((a, b) => a - b),
        forecast: args?.forecast ?? true,
        ...(cloud === SpendGuardCloud.Gcp ? { gcpBillingAccount: args?.gcpBillingAccount } : {}),
        notifications: notifications ?? {},
    };
}

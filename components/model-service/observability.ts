/**
 * ModelService's `observability` block: its schema, the rules that span fields, and its resolution into the spec every
 * target reads. The targets build the scrape target, alerts and dashboard from {@link ObservabilitySpec} (see each
 * target's file); the defaults are here, once, and in the TSDoc of args.ts.
 */
import { z } from "zod";
import { tags } from "../../sdk/schema-fields";
import { input, ValidationProblem, withDefaults } from "../../sdk/validate";
import { AlertThresholdArgs, NotificationArgs, ObservabilityArgs, Target } from "./args";

/** The thresholds' defaults and ranges, in one place. */
export const ALERT_THRESHOLD_DEFAULTS = { errorRatePercent: 5, gpuMemoryPercent: 95, pendingMinutes: 10 } as const;
/** `latencySeconds` by default: this share of the request timeout the service applies. */
export const DEFAULT_LATENCY_SHARE = 0.8;
/** The Grafana Helm chart's default dashboard sidecar label. */
export const DEFAULT_GRAFANA_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: "1" };

/** The targets that have no metrics stack of their own: observability creates nothing there. */
export const TARGETS_WITHOUT_OBSERVABILITY: readonly Target[] = [Target.Docker];

/** `arn:<partition>:sns:<region>:<account>:<topic>`: an SNS topic ARN (a name of 1 to 256 letters, digits, `-` and `_`, `.fifo` for FIFO). */
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** `projects/<project>/notificationChannels/<id>`: a Cloud Monitoring notification channel. */
const GCP_CHANNEL = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/notificationChannels\/[0-9]+$/;
/** A Prometheus label name (Alertmanager routes on labels). */
const PROMETHEUS_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus labels by name (Alertmanager routes on them; PromQL selects series by them). */
export const prometheusLabelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
    // Checked here so that the error names the key: a record's key issue names neither the key nor the rule.
    for (const name of Object.keys(labels)) {
        if (!PROMETHEUS_LABEL.test(name))
            ctx.addIssue({ code: "custom", path: [name], message: `a Prometheus label name as the key (${JSON.stringify(name)} is not): letters, digits and _, not starting with a digit` });
    }
});

/** `notifications` (NotificationArgs): where alerts and run-time budgets notify. */
export const notificationsSchema = z
    .object({
        snsTopicArn: input(z.string().regex(SNS_TOPIC_ARN, "an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic>")).optional(),
        gcpNotificationChannels: z.array(input(z.string().regex(GCP_CHANNEL, "a Cloud Monitoring notification channel, projects/<project>/notificationChannels/<id>"))).optional(),
        alertmanagerLabels: prometheusLabelsSchema.optional(),
    })
    .strict();

/** The thresholds a GpuPool shares with a ModelService (same meaning, same range): `gpuMemoryPercent` and `pendingMinutes`. */
export const sharedThresholdFields = {
    gpuMemoryPercent: z.number().min(50).max(100).optional(),
    pendingMinutes: z.number().int().min(1).max(120).optional(),
};

/** Where alerts go and the labels of the objects, the same on a ModelService and a GpuPool. */
export const sharedObservabilityFields = {
    notifications: notificationsSchema.optional(),
    prometheusLabels: tags.optional(),
    grafanaDashboardLabels: tags.optional(),
};

export const observabilitySchema = z
    .object({
        enabled: z.boolean().optional(),
        dashboard: z.boolean().optional(),
        thresholds: z
            .object({
                errorRatePercent: z.number().gt(0).max(100).optional(),
                ...sharedThresholdFields,
                latencySeconds: z.number().gt(0).optional(),
            })
            .strict()
            .optional(),
        ...sharedObservabilityFields,
    })
    .strict();

/** What every target reads: every default applied but `latencySeconds`, which defaults from the target's timing. */
export interface ObservabilitySpec {
    enabled: boolean;
    dashboard: boolean;
    thresholds: Required<Omit<AlertThresholdArgs, "latencySeconds">> & { latencySeconds?: number };
    notifications: NotificationArgs;
    prometheusLabels: Record<string, string>;
    grafanaDashboardLabels: Record<string, string>;
}

/** Observability asked for on a target that has none (docker): refused rather than silently ignored. */
export function observabilityProblems(target: Target, args: ObservabilityArgs | undefined): ValidationProblem[] {
    if (!TARGETS_WITHOUT_OBSERVABILITY.includes(target) || args === undefined) return [];
    const why = `target ${JSON.stringify(target)} has no metrics, alerting or dashboard service to create them in`;
    const problems: ValidationProblem[] = [];
    if (args.enabled === true) problems.push({ path: "observability.enabled", received: "true", expected: `false or nothing: ${why}` });
    if (args.dashboard === true) problems.push({ path: "observability.dashboard", received: "true", expected: `false or nothing: ${why}` });
    return problems;
}

/** The resolved block. */
export function resolveObservability(target: Target, args: ObservabilityArgs | undefined): ObservabilitySpec {
    const available = !TARGETS_WITHOUT_OBSERVABILITY.includes(target);
    const enabled = available && (args?.enabled ?? true);
    return {
        enabled,
        dashboard: enabled && (args?.dashboard ?? true),
        thresholds: withDefaults({ ...ALERT_THRESHOLD_DEFAULTS }, args?.thresholds),
        notifications: args?.notifications ?? {},
        prometheusLabels: args?.prometheusLabels ?? {},
        grafanaDashboardLabels: args?.grafanaDashboardLabels ?? { ...DEFAULT_GRAFANA_DASHBOARD_LABELS },
    };
}

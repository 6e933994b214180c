/**
 * The zod schemas of the autoscaling spec (shared with ModelService's `scaling.autoscaling` and
 * `kubernetes.autoscaler`) and of SpikeAutoscalerArgs. Rules that span fields or depend on the target are in
 * `spec.ts` and the target files.
 */
import { z } from "zod";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { MAX_BUDGET_MONTHLY_USD } from "../../sdk/limits";
import { KubernetesNameKind, kubernetesNameSchema } from "../../sdk/naming";
import { input } from "../../sdk/validate";
import { ServingRuntime } from "../../sdk/catalog/runtimes";
import { gcpRegion, gpusPerUnit, namespaceName, replicaCount, sagemakerInstanceType, startupTimeoutSeconds, stringInput } from "../../sdk/schema-fields";
import { notificationsSchema } from "../model-service/observability";
import { AutoscalerTarget, KubernetesScalingEngine, ScalingMetric } from "./args";
import { MAX_BURST_MULTIPLIER } from "./defaults";

/** Kubernetes' limit on HPA stabilisation windows (behavior.*.stabilizationWindowSeconds). */
const MAX_STABILIZATION_SECONDS = 3600;

const prewarmSchema = z
    .object({
        schedule: z.string().min(1),
        timezone: z.string().min(1).optional(),
        durationMinutes: z.number().int().min(1).max(10080),
        replicas: replicaCount(1),
    })
    .strict();

/** `XXXXXX-XXXXXX-XXXXXX`: a Cloud Billing account ID. */
const GCP_BILLING_ACCOUNT = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

/** `budget.spendGuard`: the run-time budget (SpendGuardArgs). */
export const spendGuardSchema = z
    .object({
        enabled: z.boolean().optional(),
        thresholdsPercent: z.array(z.number().gt(0).max(1000)).min(1).max(10).optional(),
        forecast: z.boolean().optional(),
        gcpBillingAccount: input(z.string().regex(GCP_BILLING_ACCOUNT, "a Cloud Billing account ID, XXXXXX-XXXXXX-XXXXXX")).optional(),
    })
    .strict();

/** A monthly budget (BudgetArgs): the deploy-time cap and the run-time spend guard. */
export const budgetSchema = z.object({ maxMonthlyUsd: z.number().positive().max(MAX_BUDGET_MONTHLY_USD), spendGuard: spendGuardSchema.optional() }).strict();

const autoscalingShape = {
    metric: z.enum(ScalingMetric).optional(),
    metricTarget: z.number().positive().optional(),
    query: z.string().min(1).optional(),
    scaleToZeroAfterSeconds: z.number().int().min(30).max(86400).optional(),
    burstMultiplier: z.number().gt(1).max(MAX_BURST_MULTIPLIER).optional(),
    scaleDownDelaySeconds: z.number().int().min(0).max(MAX_STABILIZATION_SECONDS).optional(),
    maxQueuedPerRunning: z.number().min(0).max(1000).optional(),
    prewarm: z.array(prewarmSchema).max(20).optional(),
    budget: budgetSchema.optional(),
};

/** `scaling.autoscaling` of ModelService, and the body of SpikeAutoscalerArgs. */
export const autoscalingSchema = z.object(autoscalingShape).strict();

const kubernetesScalingShape = {
    engine: z.enum(KubernetesScalingEngine).optional(),
    installKeda: z.boolean().optional(),
    installKnative: z.boolean().optional(),
    prometheusUrl: z
        .string()
        .regex(/^https?:\/\/[^\s/]+/, "an http(s) URL of a Prometheus server, such as http://prometheus-operated.monitoring.svc:9090")
        .optional(),
    pollingIntervalSeconds: z.number().int().min(1).max(600).optional(),
    hpaMetricName: z
        .string()
        .regex(/^[A-Za-z_:][A-Za-z0-9_:.-]*$/, "a metric name such as in_flight_requests")
        .optional(),
    gpuPoolMaxGpus: input(z.number().int().min(0)).optional(),
};

/** `kubernetes.autoscaler` of ModelService. */
export const kubernetesScalingSchema = z.object(kubernetesScalingShape).strict();

export const spikeAutoscalerSchema = z
    .object({
        ...autoscalingShape,
        target: z.enum(AutoscalerTarget),
        minReplicas: replicaCount(0).optional(),
        maxReplicas: replicaCount(1),
        startupTimeoutSeconds: startupTimeoutSeconds.optional(),
        kubernetes: z
            .object({
                ...kubernetesScalingShape,
                deploymentName: input(kubernetesNameSchema(KubernetesNameKind.Subdomain, "a Deployment name")),
                namespace: input(namespaceName).optional(),
                kubeconfig: stringInput.optional(),
                accelerator: z.enum(Accelerator).optional(),
                gpusPerReplica: gpusPerUnit.optional(),
                runtime: z.enum(ServingRuntime).optional(),
            })
            .strict()
            .optional(),
        sagemaker: z
            .object({
                endpointName: stringInput,
                variantName: z
                    .string()
                    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, "a SageMaker variant name (letters, digits and '-', at most 63)")
                    .optional(),
                instanceType: sagemakerInstanceType.optional(),
            })
            .strict()
            .optional(),
        lambda: z.object({ functionName: stringInput, alias: stringInput }).strict().optional(),
        cloudRun: z
            .object({
                serviceName: stringInput,
                region: gcpRegion.optional(),
                project: stringInput.optional(),
                serviceAccountEmail: stringInput.optional(),
                cpu: z.number().positive().optional(),
                memoryGiB: z.number().positive().optional(),
                gpu: z.boolean().optional(),
            })
            .strict()
            .optional(),
        observability: z.object({ enabled: z.boolean().optional(), notifications: notificationsSchema.optional() }).strict().optional(),
    })
    .strict();

export type ParsedAutoscalingArgs = z.output<typeof autoscalingSchema>;
export type ParsedKubernetesScalingArgs = z.output<typeof kubernetesScalingSchema>;
export type ParsedSpikeAutoscalerArgs = z.output<typeof spikeAutoscalerSchema>;

/**
 * GpuPool's `observability` block (issue 18): its schema, the rules that span fields, its resolution, and what it
 * creates on the pool's cluster. The objects are built in observability/: the DCGM exporter (dcgm-exporter.ts), the
 * alerts (alerts.ts) and the dashboard (dashboard.ts). The thresholds a pool shares with a ModelService
 * (`gpuMemoryPercent`, `pendingMinutes`), the notifications and the label defaults are ModelService's
 * (components/model-service/observability.ts), so the two mean the same.
 *
 * Everything goes to `kube-system`, as the device plugin: it exists in every cluster, it is where node agents run
 * (Pod Security `privileged` by default), and the Prometheus Operator and Grafana's sidecar watch every namespace by
 * default (kube-prometheus-stack's `ruleNamespaceSelector` and `podMonitorNamespaceSelector` are `{}`).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { HOURS_PER_MONTH } from "../../sdk/cost/types";
import { DerivedKubernetesName, kubernetesLabels, physicalName } from "../../sdk/naming";
import { describeValue, ValidationProblem, withDefaults } from "../../sdk/validate";
import { ALERT_THRESHOLD_DEFAULTS, DEFAULT_GRAFANA_DASHBOARD_LABELS, prometheusLabelsSchema, sharedObservabilityFields, sharedThresholdFields } from "../model-service/observability";
import { createDashboardConfigMap } from "../model-service/observability/dashboard-configmap";
import type { NotificationArgs } from "../model-service/args";
import { GpuPoolCloud } from "./args";
import { DCGM_EXPORTER_IMAGE, dcgmExporterObjects, GpuNodeFlavour } from "./observability/dcgm-exporter";
import { POOL_ALERT_LABEL, poolPrometheusRule } from "./observability/alerts";
import { poolDashboard } from "./observability/dashboard";
import type { ParsedGpuPoolArgs } from "./schema";
import type { PoolDeployment, PoolSpec } from "./spec";

/** The namespace of every object the pool's observability creates. */
export const OBSERVABILITY_NAMESPACE = "kube-system";

/** The pool's own thresholds' defaults (the shared ones are ModelService's). */
export const POOL_THRESHOLD_DEFAULTS = {
    gpuMemoryPercent: ALERT_THRESHOLD_DEFAULTS.gpuMemoryPercent,
    pendingMinutes: ALERT_THRESHOLD_DEFAULTS.pendingMinutes,
    gpuTemperatureCelsius: 85,
    idleMinutes: 60,
} as const;

export const poolObservabilitySchema = z
    .object({
        enabled: z.boolean().optional(),
        dashboard: z.boolean().optional(),
        dcgmExporter: z
            .object({ install: z.boolean().optional(), image: z.string().min(1).optional(), seriesLabels: prometheusLabelsSchema.optional() })
            .strict()
            .optional(),
        thresholds: z
            .object({
                ...sharedThresholdFields,
                gpuTemperatureCelsius: z.number().min(60).max(110).optional(),
                idleMinutes: z.number().int().min(10).max(1440).optional(),
            })
            .strict()
            .optional(),
        ...sharedObservabilityFields,
    })
    .strict();

/** The resolved block: every default applied. */
export interface PoolObservabilitySpec {
    enabled: boolean;
    dashboard: boolean;
    /** The exporter the pool installs (its image), or undefined when it reads an existing one. */
    install?: { image: string };
    /** The label matchers of the pool's DCGM series: `modelship_pool` of the installed exporter, else `seriesLabels`. */
    seriesLabels: Record<string, string>;
    thresholds: { gpuMemoryPercent: number; pendingMinutes: number; gpuTemperatureCelsius: number; idleMinutes: number };
    notifications: NotificationArgs;
    prometheusLabels: Record<string, string>;
    grafanaDashboardLabels: Record<string, string>;
}

/** Refusals that span fields: observability asked for on docker, and exporter settings that contradict `install`. */
export function poolObservabilityProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const o = args.observability;
    if (o === undefined) return [];
    const problems: ValidationProblem[] = [];
    if (args.cloud === GpuPoolCloud.Docker) {
        const why = "cloud docker has no cluster, Prometheus or Grafana to create them in";
        for (const field of ["enabled", "dashboard"] as const) {
            if (o[field] === true) problems.push({ path: `observability.${field}`, received: "true", expected: `false or nothing: ${why}` });
        }
        if (o.dcgmExporter !== undefined) problems.push({ path: "observability.dcgmExporter", received: describeValue(o.dcgmExporter), expected: `nothing: ${why}` });
        return problems;
    }
    const exporter = o.dcgmExporter;
    if (exporter === undefined) return problems;
    if (exporter.install !== false && exporter.seriesLabels !== undefined) {
        problems.push({
            path: "observability.dcgmExporter.seriesLabels",
            received: describeValue(exporter.seriesLabels),
            expected: `nothing unless install is false: the installed exporter's series carry ${POOL_ALERT_LABEL}`,
        });
    }
    if (exporter.install === false && exporter.image !== undefined) {
        problems.push({ path: "observability.dcgmExporter.image", received: describeValue(exporter.image), expected: "nothing with install: false (nothing is installed)" });
    }
    return problems;
}

/** Whether the pool creates observability objects for these (valid) arguments. */
function isOn(args: ParsedGpuPoolArgs): boolean {
    return args.cloud !== GpuPoolCloud.Docker && args.observability?.enabled !== false;
}

/** The Kubernetes names the block derives from the pool's name (checked with the pool's other derived names). */
export function poolObservabilityNames(args: ParsedGpuPoolArgs): DerivedKubernetesName[] {
    if (!isOn(args)) return [];
    const names: DerivedKubernetesName[] = [{ suffix: "gpu-alerts", objects: "the PrometheusRule of the pool's alerts" }];
    if (args.observability?.dcgmExporter?.install !== false) names.push({ suffix: "dcgm-exporter", objects: "the DCGM exporter's DaemonSet, ConfigMap and PodMonitor" });
    if (args.observability?.dashboard !== false) names.push({ suffix: "dashboard", objects: "the dashboard ConfigMap" });
    return names;
}

/** The resolved block of valid arguments. */
export function resolvePoolObservability(name: string, args: ParsedGpuPoolArgs): PoolObservabilitySpec {
    const o = args.observability;
    const enabled = isOn(args);
    const install = o?.dcgmExporter?.install !== false;
    return {
        enabled,
        dashboard: enabled && (o?.dashboard ?? true),
        install: install ? { image: o?.dcgmExporter?.image ?? DCGM_EXPORTER_IMAGE } : undefined,
        seriesLabels: install ? { [POOL_ALERT_LABEL]: name } : { ...(o?.dcgmExporter?.seriesLabels ?? {}) },
        thresholds: withDefaults({ ...POOL_THRESHOLD_DEFAULTS }, o?.thresholds),
        notifications: o?.notifications ?? {},
        prometheusLabels: o?.prometheusLabels ?? {},
        grafanaDashboardLabels: o?.grafanaDashboardLabels ?? { ...DEFAULT_GRAFANA_DASHBOARD_LABELS },
    };
}

/**
 * USD per hour of one GPU node, from the pool's estimate (its maximum over `maxNodes`, else its minimum over `minNodes`),
 * with the estimate's basis; undefined when the cost model does not price the nodes (cloud kubernetes).
 */
export function hourlyNodePrice(spec: PoolSpec, cost: MonthlyCostEstimate): { usd: number; basis: string } | undefined {
    const perNode = cost.max !== undefined && spec.maxNodes > 0 ? cost.max / spec.maxNodes : cost.min !== undefined && spec.minNodes > 0 ? cost.min / spec.minNodes : undefined;
    if (perNode === undefined || perNode <= 0) return undefined;
    return { usd: Number((perNode / HOURS_PER_MONTH).toFixed(6)), basis: cost.basis.join("; ") };
}

/** What the GPU nodes' images need of the exporter: GKE's drivers live on the host, elsewhere the NVIDIA container toolkit injects them. */
function flavourOf(spec: PoolSpec): GpuNodeFlavour {
    return spec.cloud === GpuPoolCloud.Gcp ? GpuNodeFlavour.Gke : GpuNodeFlavour.ContainerToolkit;
}

/**
 * Creates the pool's exporter (unless an existing one is read), its PrometheusRule and its dashboard on the pool's
 * cluster: with the Kubernetes provider of a cluster the pool created (`resources.provider`), else the component's own,
 * as the device plugin and the headroom. Nothing when off (and always on docker).
 */
export function deployPoolObservability(
    spec: PoolSpec,
    deployed: PoolDeployment,
    cost: MonthlyCostEstimate,
    parent: pulumi.ComponentResource,
): { resources: Record<string, pulumi.Resource>; warnings: string[] } {
    if (!spec.observability.enabled) return { resources: {}, warnings: [] };
    const provider = deployed.resources.provider;
    const opts: pulumi.CustomResourceOptions = provider instanceof pulumi.ProviderResource ? { parent, provider } : { parent };
    const o = spec.observability;
    const labels = kubernetesLabels(spec.owner);
    const resources: Record<string, pulumi.Resource> = {};
    const warnings: string[] = [];
    if (o.install && Object.keys(deployed.placement.nodeSelector).length === 0) {
        warnings.push(
            "observability.dcgmExporter: without kubernetes.nodeSelector the DCGM exporter runs on every node that admits it and restarts on nodes " +
                "without a GPU; give the GPU nodes' labels, or dcgmExporter.install: false where the cluster runs an exporter",
        );
    }
    if (o.install) {
        const objects = dcgmExporterObjects({
            owner: spec.owner,
            pool: spec.name,
            namespace: OBSERVABILITY_NAMESPACE,
            image: o.install.image,
            placement: deployed.placement,
            flavour: flavourOf(spec),
            monitorLabels: { ...labels, ...o.prometheusLabels },
            seriesLabels: o.seriesLabels,
        });
        const name = objects.daemonSet.metadata.name;
        const counters = new kubernetes.core.v1.ConfigMap(name, objects.counters, opts);
        resources.dcgmExporterCounters = counters;
        resources.dcgmExporter = new kubernetes.apps.v1.DaemonSet(name, objects.daemonSet, { ...opts, dependsOn: [counters] });
        resources.dcgmExporterPodMonitor = new kubernetes.apiextensions.CustomResource(name, objects.podMonitor, opts);
    }
    const price = hourlyNodePrice(spec, cost);
    const rule = poolPrometheusRule(spec, { namespace: OBSERVABILITY_NAMESPACE, labels: { ...labels, ...o.prometheusLabels }, hourlyNodePrice: price });
    resources.prometheusRule = new kubernetes.apiextensions.CustomResource(rule.metadata.name, rule, opts);
    if (o.dashboard) {
        const name = physicalName(spec.name, "dashboard");
        resources.dashboard = createDashboardConfigMap(
            name,
            OBSERVABILITY_NAMESPACE,
            { service: labels, grafanaDashboard: o.grafanaDashboardLabels },
            poolDashboard(spec, { namespace: OBSERVABILITY_NAMESPACE, hourlyNodePrice: price }),
            opts,
        );
    }
    return { resources, warnings };
}

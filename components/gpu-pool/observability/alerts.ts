/**
 * The alerts of a GpuPool: one PrometheusRule, group `modelship-pool-<pool>`. Pure: the tests check every expression
 * with `promtool check rules` and unit-test each alert with `promtool test rules`.
 *
 * What each reads:
 * - the pool's GPUs: the DCGM exporter's `DCGM_FI_DEV_*` gauges, selected by the pool's series labels
 *   (`modelship_pool` of the installed exporter, else `dcgmExporter.seriesLabels`), per GPU (`Hostname`, the node's
 *   name, and `gpu`, its index);
 * - the pool's nodes: kube-state-metrics' `kube_node_status_condition` of the nodes whose GPUs reported in the last
 *   hour (a node that stops reporting still counts for an hour; kube-state-metrics exposes no node label by default, so
 *   the pool's nodes are known by their GPUs);
 * - GPU pods waiting: kube-state-metrics' `kube_pod_status_unschedulable` of pods requesting `nvidia.com/gpu`
 *   (`resource="nvidia_com_gpu"` in kube-state-metrics), anywhere in the cluster: what a pod would land on is not in
 *   kube-state-metrics.
 */
import { physicalName } from "../../../sdk/naming";
import { AlertRule, prometheusRule, PrometheusRuleObject } from "../../kubernetes/monitoring";
import { ALERT_FOR } from "../../model-service/targets/kubernetes-observability";
import type { PoolSpec } from "../spec";

/** The label every alert carries naming the pool. */
export const POOL_ALERT_LABEL = "modelship_pool";
/** Utilisation under which a GPU counts as idle, in percent. */
export const IDLE_UTILIZATION_PERCENT = 5;
/** How long each alert's condition must hold (the threshold-driven ones take theirs from `thresholds`). */
export const POOL_ALERT_FOR = { gpuMemory: ALERT_FOR.gpuMemory, temperature: "5m", xid: "0m" } as const;
/** How long a new XID error keeps its alert firing. */
export const XID_WINDOW = "15m";

/**
 * A GPU's XID error, for {@link XID_WINDOW} after it is reported. DCGM_FI_DEV_XID_ERRORS is a gauge of the last XID a
 * GPU reported, and it keeps that value until the driver is reset or the exporter restarts (NVIDIA/DCGM#277,
 * NVIDIA/dcgm-exporter#500), so `> 0` alone would fire for days after one fault. What is new fires instead: a series that
 * did not exist a window ago (exporters since 3.3.6 add `err_code`, so each XID code is a series of its own), or a
 * series whose value changed to another XID within the window.
 */
export function xidErrorExpr(s: string): string {
    const xid = `DCGM_FI_DEV_XID_ERRORS${s}`;
    return `(${xid} > 0 unless ${xid} offset ${XID_WINDOW}) or (${xid} > 0 and changes(${xid}[${XID_WINDOW}]) > 0)`;
}

/** How far back a node's GPUs must have reported for the node to count as the pool's. */
const NODE_MEMORY = "1h";

/** PromQL label matchers of `labels` (and `extra`), braces included; empty for none. */
export function matchers(labels: Record<string, string>, extra: string[] = []): string {
    const parts = [...Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`), ...extra];
    return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** The pod name pattern of the pool's headroom placeholders (a Deployment's pods), whose GPUs are idle on purpose. */
export function headroomPods(spec: PoolSpec): string {
    return `${physicalName(spec.name, "headroom")}-[a-z0-9]+-[a-z0-9]+`;
}

/** The pool's alerts. `hourlyNodePrice` (cost.ts's estimate per node) goes into the idle alert's text when known. */
export function poolAlertRules(spec: PoolSpec, hourlyNodePrice?: { usd: number }): AlertRule[] {
    const o = spec.observability;
    const t = o.thresholds;
    const pool = spec.name;
    const s = matchers(o.seriesLabels);
    const rules: AlertRule[] = [];
    const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string, description: string): void => {
        rules.push({
            alert,
            expr,
            for: forDuration,
            // The routing labels first: `severity` and the pool's label stay ours.
            labels: { ...(o.notifications.alertmanagerLabels ?? {}), severity, [POOL_ALERT_LABEL]: pool },
            annotations: { summary, description },
        });
    };
    const gpu = "GPU {{ $labels.gpu }} on node {{ $labels.Hostname }}";

    rule(
        "GpuPoolGpuMemoryHigh",
        `100 * DCGM_FI_DEV_FB_USED${s} / (DCGM_FI_DEV_FB_USED${s} + DCGM_FI_DEV_FB_FREE${s}) > ${t.gpuMemoryPercent}`,
        POOL_ALERT_FOR.gpuMemory,
        "warning",
        `GPU pool ${pool}: a GPU's memory is above ${t.gpuMemoryPercent}%`,
        `${gpu} of pool ${pool} has {{ $value | printf "%.1f" }}% of its memory in use (DCGM_FI_DEV_FB_USED / (USED + FREE)) for ${POOL_ALERT_FOR.gpuMemory}, above observability.thresholds.gpuMemoryPercent ${t.gpuMemoryPercent}%: the next allocation may fail out of memory.`,
    );
    rule(
        "GpuPoolXidError",
        xidErrorExpr(s),
        POOL_ALERT_FOR.xid,
        "critical",
        `GPU pool ${pool}: a GPU reported an XID error`,
        `${gpu} of pool ${pool} reported XID {{ $value }} in the last ${XID_WINDOW} (DCGM_FI_DEV_XID_ERRORS, the last XID error): a driver or hardware fault (NVIDIA's XID catalog says which). Drain the node if it repeats.`,
    );
    rule(
        "GpuPoolGpuTemperatureHigh",
        `DCGM_FI_DEV_GPU_TEMP${s} > ${t.gpuTemperatureCelsius}`,
        POOL_ALERT_FOR.temperature,
        "warning",
        `GPU pool ${pool}: a GPU is above ${t.gpuTemperatureCelsius} °C`,
        `${gpu} of pool ${pool} has been at {{ $value }} °C for ${POOL_ALERT_FOR.temperature}, above observability.thresholds.gpuTemperatureCelsius ${t.gpuTemperatureCelsius} °C: it may slow its clocks.`,
    );
    const poolNodes = `label_replace(group by (Hostname) (last_over_time(DCGM_FI_DEV_GPU_UTIL${s}[${NODE_MEMORY}])), "node", "$1", "Hostname", "(.*)")`;
    rule(
        "GpuPoolNodeNotReady",
        `(kube_node_status_condition{condition="Ready",status="true"} == 0) and on(node) ${poolNodes}`,
        `${t.pendingMinutes}m`,
        "warning",
        `GPU pool ${pool}: a GPU node is not Ready`,
        `Node {{ $labels.node }} of pool ${pool} (its GPUs reported in the last ${NODE_MEMORY}) has not been Ready for ${t.pendingMinutes} minutes (observability.thresholds.pendingMinutes): its GPUs take no pods.`,
    );
    rule(
        "GpuPoolPodsPendingForGpu",
        `(kube_pod_status_unschedulable == 1) and on(namespace, pod) (sum by (namespace, pod) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > 0)`,
        `${t.pendingMinutes}m`,
        "warning",
        `GPU pool ${pool}: a GPU pod waits for a node`,
        `Pod {{ $labels.namespace }}/{{ $labels.pod }} requests GPUs and has been Pending, unschedulable, for ${t.pendingMinutes} minutes (observability.thresholds.pendingMinutes): no node has its GPUs free. Pool ${pool} runs at most ${spec.maxNodes} node(s) of ${spec.gpusPerNode} GPU(s) (maxNodes), or the cloud has no capacity (quota, spot, zone).`,
    );
    const cost = hourlyNodePrice ? ` It costs about $${hourlyNodePrice.usd}/h (the pool's estimate per node).` : "";
    rule(
        "GpuPoolGpusIdle",
        `max by (Hostname) (DCGM_FI_DEV_GPU_UTIL${matchers(o.seriesLabels, [`pod!~"${headroomPods(spec)}"`])}) < ${IDLE_UTILIZATION_PERCENT}`,
        `${t.idleMinutes}m`,
        "info",
        `GPU pool ${pool}: a node's GPUs are idle`,
        `Every GPU of node {{ $labels.Hostname }} of pool ${pool} has stayed below ${IDLE_UTILIZATION_PERCENT}% utilisation for ${t.idleMinutes} minutes (observability.thresholds.idleMinutes), the pool's warm headroom left out: a node paid for and unused.${cost} Lower minNodes, or let the autoscaler remove it.`,
    );
    return rules;
}

/** The PrometheusRule of the pool's alerts, `<pool>-gpu-alerts` in `namespace`. */
export function poolPrometheusRule(spec: PoolSpec, where: { namespace: string; labels: Record<string, string>; hourlyNodePrice?: { usd: number } }): PrometheusRuleObject<string> {
    return prometheusRule(
        { name: physicalName(spec.name, "gpu-alerts"), namespace: where.namespace, labels: where.labels },
        `modelship-pool-${physicalName(spec.name)}`,
        poolAlertRules(spec, where.hourlyNodePrice),
    );
}

/**
 * The Grafana dashboard of a GpuPool, in the frame every modelship dashboard shares (`dashboardOf`,
 * components/model-service/observability/dashboard.ts). Panels, and where their series come from:
 * - GPU utilisation and memory in use, per GPU (`Hostname` and `gpu`): the DCGM exporter's `DCGM_FI_DEV_GPU_UTIL`,
 *   `DCGM_FI_DEV_FB_USED` / (`USED` + `DCGM_FI_DEV_FB_FREE`), against `thresholds.gpuMemoryPercent`;
 * - GPU temperature per GPU against `thresholds.gpuTemperatureCelsius`, and the last XID error per GPU;
 * - nodes: those whose GPUs report, against the pool's `minNodes` and `maxNodes` (constant lines);
 * - GPU pods pending (unschedulable, requesting `nvidia.com/gpu`; kube-state-metrics), in the whole cluster;
 * - cost per hour: the nodes reporting x the pool's price per node (its cost estimate, cost.ts, over `maxNodes`), only
 *   where the cost model prices the nodes (not on cloud kubernetes).
 */
import { dashboardOf, dashboardUid, GrafanaDashboard, PanelContent } from "../../model-service/observability/dashboard";
import type { PoolSpec } from "../spec";
import { matchers } from "./alerts";

/** GPU pods Pending and unschedulable, anywhere in the cluster (as the pool's pending alert counts them). */
export const PENDING_GPU_PODS = `(kube_pod_status_unschedulable == 1) and on(namespace, pod) (sum by (namespace, pod) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > 0)`;

/** The pool's dashboard, for its ConfigMap in `where.namespace`. */
export function poolDashboard(spec: PoolSpec, where: { namespace: string; hourlyNodePrice?: { usd: number; basis: string } }): GrafanaDashboard {
    const o = spec.observability;
    const s = matchers(o.seriesLabels);
    const perGpu = "{{Hostname}} GPU {{gpu}}";
    const nodes = `count(group by (Hostname) (DCGM_FI_DEV_GPU_UTIL${s}))`;
    const panels: PanelContent[] = [
        {
            title: "GPU utilisation",
            description: "DCGM_FI_DEV_GPU_UTIL per GPU of the pool, percent, and the mean over them.",
            unit: "percent",
            targets: [
                { expr: `DCGM_FI_DEV_GPU_UTIL${s}`, legend: perGpu },
                { expr: `avg(DCGM_FI_DEV_GPU_UTIL${s})`, legend: "mean" },
            ],
        },
        {
            title: "GPU memory in use",
            description: `Framebuffer in use per GPU (DCGM_FI_DEV_FB_USED / (USED + FREE)), percent, against the alert threshold observability.thresholds.gpuMemoryPercent (${o.thresholds.gpuMemoryPercent}%).`,
            unit: "percent",
            targets: [
                { expr: `100 * DCGM_FI_DEV_FB_USED${s} / (DCGM_FI_DEV_FB_USED${s} + DCGM_FI_DEV_FB_FREE${s})`, legend: perGpu },
                { expr: `vector(${o.thresholds.gpuMemoryPercent})`, legend: "alert threshold" },
            ],
        },
        {
            title: "GPU temperature",
            description: `DCGM_FI_DEV_GPU_TEMP per GPU, °C, against observability.thresholds.gpuTemperatureCelsius (${o.thresholds.gpuTemperatureCelsius} °C).`,
            unit: "celsius",
            targets: [
                { expr: `DCGM_FI_DEV_GPU_TEMP${s}`, legend: perGpu },
                { expr: `vector(${o.thresholds.gpuTemperatureCelsius})`, legend: "alert threshold" },
            ],
        },
        {
            title: "Nodes against min/max",
            description: "Nodes whose GPUs report to the DCGM exporter, against the pool's minNodes and maxNodes (constant lines).",
            unit: "short",
            targets: [
                { expr: `${nodes} or vector(0)`, legend: "nodes reporting" },
                { expr: `vector(${spec.minNodes})`, legend: "minNodes" },
                { expr: `vector(${spec.maxNodes})`, legend: "maxNodes" },
            ],
        },
        {
            title: "GPU pods pending",
            description:
                "Pods requesting nvidia.com/gpu that are Pending, unschedulable, in the whole cluster (kube-state-metrics): more than 0 for long means the pool is at maxNodes or the cloud has no capacity.",
            unit: "short",
            targets: [{ expr: `count(${PENDING_GPU_PODS}) or vector(0)`, legend: "pending" }],
        },
        {
            title: "XID errors",
            description: "DCGM_FI_DEV_XID_ERRORS per GPU: the last XID error it reported (0 for none).",
            unit: "short",
            targets: [{ expr: `DCGM_FI_DEV_XID_ERRORS${s}`, legend: perGpu }],
        },
    ];
    const price = where.hourlyNodePrice;
    if (price) {
        panels.push({
            title: "Cost per hour",
            description: `Nodes reporting x $${price.usd}/h per node, the pool's estimate: ${price.basis}.`,
            unit: "currencyUSD",
            targets: [{ expr: `(${nodes} or vector(0)) * ${price.usd}`, legend: "USD/h" }],
        });
    }
    const accelerator = "accelerator" in spec ? `, ${spec.gpusPerNode} x ${spec.accelerator} per node` : `, ${spec.gpusPerNode} GPU(s) per node`;
    return dashboardOf({
        uid: dashboardUid(where.namespace, `gpupool-${spec.name}`),
        title: `GpuPool ${spec.name}`,
        description: `modelship GpuPool ${spec.name} on ${spec.cloud}${accelerator}, ${spec.minNodes} to ${spec.maxNodes} nodes.`,
        tags: ["modelship", "gpu-pool", spec.cloud],
        panels,
    });
}

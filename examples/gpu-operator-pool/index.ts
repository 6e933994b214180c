// The GPUs of a cluster that runs the NVIDIA GPU operator (driver, toolkit, device plugin and DCGM exporter are the
// operator's): the pool installs none of them. It reads the operator's DCGM exporter for its alerts and dashboard
// (`dcgmExporter.install: false`), routes the alerts to the team's Alertmanager receiver, and caps the GPUs of a
// namespace. The cluster is the ambient kubeconfig's (or pass a provider in `opts.providers`).
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, GpuPool, GpuPoolCloud } from "modelship";

const config = new pulumi.Config();

const pool = new GpuPool("h100", {
    cloud: GpuPoolCloud.Kubernetes,
    accelerator: Accelerator.H100,
    gpusPerNode: 8,
    minNodes: 1,
    maxNodes: 1,
    kubernetes: {
        nodeSelector: config.requireObject<Record<string, string>>("gpuNodeSelector"),
        // The operator runs the device plugin.
        devicePlugin: false,
        gpuQuotas: { serving: 8 },
    },
    observability: {
        // The operator's exporter: its ServiceMonitor's job label selects the pool's series.
        dcgmExporter: { install: false, seriesLabels: { job: "nvidia-dcgm-exporter" } },
        thresholds: { gpuTemperatureCelsius: 80, idleMinutes: 120 },
        notifications: { alertmanagerLabels: { team: "ml-platform" } },
        prometheusLabels: { release: "kube-prometheus-stack" },
    },
});

export const placement = pool.placement;
export const capacity = pool.capacity;

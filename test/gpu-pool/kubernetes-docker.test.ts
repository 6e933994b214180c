import { describe, expect, it } from "vitest";
import { Accelerator, GpuPool, GpuPoolCloud } from "../../index";
import { outputValue, useMockRuntime } from "../harness";
import { EXCEPTIONS, podSecurityViolations, podTemplates, writableRootContainers } from "../pod-security";

const rt = useMockRuntime();

const labels = {
    "app.kubernetes.io/name": "lab",
    "app.kubernetes.io/instance": "lab",
    "app.kubernetes.io/component": "gpupool",
    "app.kubernetes.io/managed-by": "modelship",
    "modelship.dev/service": "lab",
    "modelship.dev/environment": "dev",
};

describe("GpuPool on your own Kubernetes cluster", () => {
    it("deploys the device plugin, serving and batch priority classes, and a GPU quota per namespace", async () => {
        const { value: pool, resources } = await rt.construct(
            () =>
                new GpuPool("lab", {
                    cloud: GpuPoolCloud.Kubernetes,
                    accelerator: Accelerator.A100_80GB,
                    gpusPerNode: 8,
                    maxNodes: 2,
                    kubernetes: { nodeSelector: { "nvidia.com/gpu.present": "true" }, gpuQuotas: { research: 4, serving: 12 } },
                }),
        );
        expect(resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "kubernetes:apps/v1:DaemonSet lab-dcgm-exporter",
            "kubernetes:apps/v1:DaemonSet lab-nvidia-device-plugin",
            "kubernetes:core/v1:ConfigMap lab-dashboard",
            "kubernetes:core/v1:ConfigMap lab-dcgm-exporter",
            "kubernetes:core/v1:ResourceQuota lab-gpus-research",
            "kubernetes:core/v1:ResourceQuota lab-gpus-serving",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor lab-dcgm-exporter",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule lab-gpu-alerts",
            "kubernetes:scheduling.k8s.io/v1:PriorityClass lab-batch",
            "kubernetes:scheduling.k8s.io/v1:PriorityClass lab-serving",
            "modelship:index:GpuPool lab",
        ]);
        const pod = (rt.one("kubernetes:apps/v1:DaemonSet", "lab-nvidia-device-plugin").inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        expect(pod.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });

        expect(rt.one("kubernetes:scheduling.k8s.io/v1:PriorityClass", "lab-serving").inputs).toEqual({
            apiVersion: "scheduling.k8s.io/v1",
            kind: "PriorityClass",
            metadata: { name: "lab-serving", labels },
            value: 100000,
            globalDefault: false,
            preemptionPolicy: "PreemptLowerPriority",
            description: "Model serving on the lab GPUs: preempts batch and unclassified pods when the GPUs are full.",
        });
        expect(rt.one("kubernetes:scheduling.k8s.io/v1:PriorityClass", "lab-batch").inputs).toMatchObject({ value: -100, preemptionPolicy: "Never", globalDefault: false });
        expect(rt.one("kubernetes:core/v1:ResourceQuota", "lab-gpus-serving").inputs).toEqual({
            apiVersion: "v1",
            kind: "ResourceQuota",
            metadata: { name: "lab-gpus", namespace: "serving", labels },
            spec: { hard: { "requests.nvidia.com/gpu": "12" } },
        });

        expect(await outputValue(pool.placement)).toEqual({
            nodeSelector: { "nvidia.com/gpu.present": "true" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] }] },
                },
            },
            priorityClassName: "lab-serving",
        });
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 8, minGpus: 0, maxGpus: 16 });
        // The nodes are not created here: their price is unknown, never 0.
        expect(await outputValue(pool.estimatedMonthlyCost)).toEqual({
            knownMin: 0,
            knownMax: 0,
            known: false,
            basis: ["unknown: the pool does not create the cluster's GPU nodes, so their price is not known here"],
        });
    });

    it("runs the device plugin on every node without a node selector, idling on CPU nodes", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("any", { cloud: GpuPoolCloud.Kubernetes, kubernetes: { priorityClasses: false } }));
        const pod = (rt.one("kubernetes:apps/v1:DaemonSet", "any-nvidia-device-plugin").inputs.spec as { template: { spec: { nodeSelector?: unknown; containers: { env: unknown }[] } } }).template
            .spec;
        expect(pod.nodeSelector).toBeUndefined();
        expect(pod.containers[0].env).toEqual([{ name: "FAIL_ON_INIT_ERROR", value: "false" }]);
        expect(rt.ofType("kubernetes:scheduling.k8s.io/v1:PriorityClass")).toEqual([]);
        const placement = await outputValue(pool.placement);
        expect(placement.nodeSelector).toEqual({});
        expect(placement.affinity).toEqual({});
        expect(placement.priorityClassName).toBe("");
    });

    it("runs the device plugin with a read-only root, one of the restricted profile's two documented exceptions (with the DCGM exporter)", async () => {
        const { resources } = await rt.construct(() => new GpuPool("lab", { cloud: GpuPoolCloud.Kubernetes, kubernetes: { priorityClasses: false } }));
        const pod = (rt.one("kubernetes:apps/v1:DaemonSet", "lab-nvidia-device-plugin").inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.containers).toEqual([
            {
                name: "nvidia-device-plugin",
                image: "nvcr.io/nvidia/k8s-device-plugin:v0.20.0@sha256:a61ba9fd8efb82f3a79f877f7580e02c1e8e7593f62473644bc9c79e315c3312",
                env: [{ name: "FAIL_ON_INIT_ERROR", value: "false" }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "device-plugins", mountPath: "/var/lib/kubelet/device-plugins" }],
            },
        ]);
        // The one volume is the kubelet's socket directory: no emptyDir, since the plugin writes nowhere else.
        expect(pod.volumes).toEqual([{ name: "device-plugins", hostPath: { path: "/var/lib/kubelet/device-plugins", type: "Directory" } }]);
        // The DCGM exporter's root stays writable, as upstream leaves it (components/gpu-pool/observability/dcgm-exporter.ts).
        expect(writableRootContainers(resources)).toEqual(["DaemonSet/lab-dcgm-exporter dcgm-exporter"]);
        // Only the hostPath and root, waived by name in test/pod-security.ts, keep it from the restricted profile.
        expect(podTemplates(resources).map((t) => t.object)).toEqual(["DaemonSet/lab-nvidia-device-plugin", "DaemonSet/lab-dcgm-exporter"]);
        expect(podSecurityViolations(resources)).toEqual([]);
        expect(EXCEPTIONS.map((e) => [e.kind, e.nameSuffix, e.controls])).toEqual([
            ["DaemonSet", "-nvidia-device-plugin", ["volumes.hostPath", "runAsNonRoot"]],
            ["DaemonSet", "-dcgm-exporter", ["volumes.hostPath", "runAsNonRoot", "privileged", "allowPrivilegeEscalation", "capabilities.drop"]],
        ]);
    });

    it("creates only the quotas, alerts and dashboard when the cluster runs the GPU operator (its DCGM exporter read, not installed)", async () => {
        const { resources } = await rt.construct(
            () =>
                new GpuPool("op", {
                    cloud: GpuPoolCloud.Kubernetes,
                    kubernetes: { devicePlugin: false, priorityClasses: false, gpuQuotas: { team: 2 } },
                    observability: { dcgmExporter: { install: false } },
                }),
        );
        expect(resources.map((r) => r.type).sort()).toEqual([
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:ResourceQuota",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
            "modelship:index:GpuPool",
        ]);
    });
});

describe("GpuPool on the local Docker engine", () => {
    it("describes the device request for all GPUs, with no placement and no cost", async () => {
        const { value: pool, resources } = await rt.construct(() => new GpuPool("workstation", { cloud: GpuPoolCloud.Docker, gpusPerNode: 2 }));
        expect(resources.map((r) => r.type)).toEqual(["modelship:index:GpuPool"]);
        expect(await outputValue(pool.dockerDeviceRequest!)).toEqual({ driver: "nvidia", count: -1, deviceIds: [], capabilities: ["gpu"] });
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 2, minGpus: 2, maxGpus: 2 });
        expect(await outputValue(pool.placement)).toEqual({ nodeSelector: {}, tolerations: [], affinity: {}, priorityClassName: "" });
        expect(await outputValue(pool.estimatedMonthlyCost)).toEqual({ min: 0, max: 0, knownMin: 0, knownMax: 0, known: true, basis: ["local Docker engine: no cloud charge"] });
    });

    it("names the GPUs a service may use", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("pair", { cloud: GpuPoolCloud.Docker, docker: { deviceIds: ["0", "GPU-5f1c2a3b"] } }));
        expect(await outputValue(pool.dockerDeviceRequest!)).toEqual({ driver: "nvidia", count: 0, deviceIds: ["0", "GPU-5f1c2a3b"], capabilities: ["gpu"] });
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 2, minGpus: 2, maxGpus: 2 });
    });

    it("has no device request on the other clouds", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("k", { cloud: GpuPoolCloud.Kubernetes }));
        expect(pool.dockerDeviceRequest).toBeUndefined();
    });
});

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { Accelerator, CapacityType, GpuDriverVersion, GpuPool, GpuPoolCloud } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "gcp:region": "us-central1", "gcp:project": "acme-ml" } });

const SCOPES = ["https://www.googleapis.com/auth/logging.write", "https://www.googleapis.com/auth/monitoring", "https://www.googleapis.com/auth/devstorage.read_only"];

describe("GpuPool on GKE", () => {
    it("adds an L4 node pool on g2 machines with the driver, taint, labels and total autoscaling down to zero", async () => {
        const { value: pool, resources } = await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 4, gcp: { clusterName: "ml" } }));
        // The node pool, and the pool's observability (on by default, observability.test.ts) on the existing cluster.
        expect(resources.map((r) => r.type).sort()).toEqual([
            "gcp:container/nodePool:NodePool",
            "kubernetes:apps/v1:DaemonSet",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
            "modelship:index:GpuPool",
        ]);
        const nodePool = rt.one("gcp:container/nodePool:NodePool");
        expect(nodePool.name).toBe("l4-gpu-nodes");
        expect(nodePool.inputs).toEqual({
            cluster: "ml",
            location: "us-central1",
            // The zones of us-central1 that offer nvidia-l4, per the catalog.
            nodeLocations: ["us-central1-a", "us-central1-b", "us-central1-c"],
            autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 4, locationPolicy: "BALANCED" },
            management: { autoRepair: true, autoUpgrade: true },
            nodeConfig: {
                // g2-standard-4 has 4 vCPUs and 16 GB: too small for a 4 vCPU / 16 GiB pod plus the node's reservations.
                machineType: "g2-standard-8",
                guestAccelerators: [{ type: "nvidia-l4", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } }],
                spot: false,
                diskSizeGb: 100,
                labels: { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" },
                taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
                oauthScopes: SCOPES,
                resourceLabels: { environment: "dev", service: "l4", "managed-by": "modelship" },
                // Image streaming is on by default (imageCache.streaming), set explicitly.
                gcfsConfig: { enabled: true },
            },
        });
        expect(await outputValue(pool.placement)).toMatchObject({
            nodeSelector: { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        });
        expect(await outputValue(pool.capacity)).toEqual({ gpusPerNode: 1, minGpus: 0, maxGpus: 4 });
        expect(await outputValue(pool.clusterName)).toBe("ml");
    });

    it("picks the machine family of the accelerator: a2 for A100, a3 for H100, n1 with attached T4s", async () => {
        const machine = async (accelerator: Accelerator, gpusPerNode: number) => {
            await rt.construct(() => new GpuPool("p", { cloud: GpuPoolCloud.Gcp, accelerator, gpusPerNode, gcp: { clusterName: "ml" } }));
            const config = rt.one("gcp:container/nodePool:NodePool").inputs.nodeConfig as { machineType: string; guestAccelerators: unknown[] };
            return [config.machineType, config.guestAccelerators];
        };
        const driver = { gpuDriverVersion: "DEFAULT" };
        expect(await machine(Accelerator.A100_40GB, 1)).toEqual(["a2-highgpu-1g", [{ type: "nvidia-tesla-a100", count: 1, gpuDriverInstallationConfig: driver }]]);
        expect(await machine(Accelerator.H100, 8)).toEqual(["a3-highgpu-8g", [{ type: "nvidia-h100-80gb", count: 8, gpuDriverInstallationConfig: driver }]]);
        expect(await machine(Accelerator.L4, 4)).toEqual(["g2-standard-48", [{ type: "nvidia-l4", count: 4, gpuDriverInstallationConfig: driver }]]);
        expect(await machine(Accelerator.T4, 1)).toEqual(["n1-standard-8", [{ type: "nvidia-tesla-t4", count: 1, gpuDriverInstallationConfig: driver }]]);
    });

    it("uses spot VMs with the ANY location policy, a given service account and driver version", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        await rt.construct(
            () =>
                new GpuPool("spot", {
                    cloud: GpuPoolCloud.Gcp,
                    accelerator: Accelerator.L4,
                    maxNodes: 3,
                    capacityType: CapacityType.Spot,
                    gcp: { clusterName: "ml", serviceAccount: "gpu-nodes@acme-ml.iam.gserviceaccount.com", gpuDriverVersion: GpuDriverVersion.Latest },
                }),
        );
        const inputs = rt.one("gcp:container/nodePool:NodePool").inputs as { autoscaling: unknown; nodeConfig: Record<string, unknown> };
        expect(inputs.autoscaling).toEqual({ totalMinNodeCount: 0, totalMaxNodeCount: 3, locationPolicy: "ANY" });
        expect(inputs.nodeConfig.spot).toBe(true);
        expect(inputs.nodeConfig.serviceAccount).toBe("gpu-nodes@acme-ml.iam.gserviceaccount.com");
        expect(inputs.nodeConfig.guestAccelerators).toEqual([{ type: "nvidia-l4", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } }]);
        // Three zones: no single-zone warning.
        expect(warn).not.toHaveBeenCalled();
        warn.mockRestore();
    });

    it("places a zonal pool in its zone and warns when spot has one zone to find capacity in", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        const { value: pool } = await rt.construct(
            () => new GpuPool("zonal", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, capacityType: CapacityType.Spot, gcp: { clusterName: "ml", location: "us-central1-b" } }),
        );
        const inputs = rt.one("gcp:container/nodePool:NodePool").inputs;
        expect(inputs.location).toBe("us-central1-b");
        expect(inputs.nodeLocations).toBeUndefined();
        expect(warn).toHaveBeenCalledWith(
            "spot capacity in one zone (us-central1-b) with one machine type (g2-standard-8): when GCP reclaims it, every node goes at once. Use a regional location with several zones, or on-demand.",
            pool,
        );
        warn.mockRestore();
    });

    it("creates a Standard cluster with a system pool and a kubeconfig when asked", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("fresh", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { createCluster: true, clusterName: "fresh-ml" } }));
        const cluster = rt.one("gcp:container/cluster:Cluster");
        expect(cluster.inputs).toEqual({
            name: "fresh-ml",
            location: "us-central1",
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            releaseChannel: { channel: "REGULAR" },
            // Protected unless the arguments say otherwise: pulumi destroy fails on it until it is turned off.
            deletionProtection: true,
            resourceLabels: { environment: "dev", service: "fresh", "managed-by": "modelship" },
        });
        const system = rt.one("gcp:container/nodePool:NodePool", "fresh-system-nodes");
        expect(system.inputs).toMatchObject({ cluster: "fresh-ml", nodeCount: 1, nodeConfig: { machineType: "e2-standard-4", oauthScopes: SCOPES } });
        expect(rt.one("gcp:container/nodePool:NodePool", "fresh-gpu-nodes").inputs.cluster).toBe("fresh-ml");
        const kubeconfig = JSON.parse(await outputValue(pool.kubeconfig));
        expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\/34\.[0-9]+\.0\.1$/);
        expect(kubeconfig.users[0].user.exec.command).toBe("gke-gcloud-auth-plugin");
        expect(rt.one("pulumi:providers:kubernetes").secretInputs).toContain("kubeconfig");
    });

    it("turns the new cluster's deletion protection off when asked, so that the pool can be destroyed", async () => {
        await rt.construct(() => new GpuPool("fresh", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { createCluster: true, clusterName: "fresh-ml", deletionProtection: false } }));
        expect(rt.one("gcp:container/cluster:Cluster").inputs.deletionProtection).toBe(false);
    });

    it("prices on-demand nodes as machine plus GPU from the catalog", async () => {
        const { value: pool } = await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 4, gcp: { clusterName: "ml" } }));
        // gcp_machine_type_prices.csv:      g2-standard-8,us-central1,8,32,0.293584032,0.117472
        // gcp_gpu_accelerator_prices.csv:  nvidia-l4,us-central1-a,us-central1,24,8,0.560040239,0.2231
        // per node 0.293584032 + 0.560040239 = 0.853624271/h; min 1 x 730 = 623.14571783; max 4 x 730 = 2492.58287132
        expect(await outputValue(pool.estimatedMonthlyCost)).toMatchObject({ min: 623.15, max: 2492.58, known: true });
    });

    it("prices spot nodes at GCP's spot prices", async () => {
        const { value: pool } = await rt.construct(
            () => new GpuPool("spot", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 3, capacityType: CapacityType.Spot, gcp: { clusterName: "ml" } }),
        );
        // Same rows, spot columns: 0.117472 + 0.2231 = 0.340572/h; max 3 x 730 = 745.85268
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost).toMatchObject({ min: 0, max: 745.85, known: true });
        expect(cost.basis[0]).toContain("0-3 x g2-standard-8 (1 x nvidia-l4)");
    });
});

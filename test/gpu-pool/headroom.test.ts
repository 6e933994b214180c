import * as kubernetes from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { GpuPool, GpuPoolArgs, GpuPoolCloud } from "../../components/gpu-pool";
import { EXPENDABLE_PRIORITY_CUTOFF, HEADROOM_PRIORITY, PAUSE_IMAGE } from "../../components/gpu-pool/headroom";
import { BATCH_PRIORITY, SERVING_PRIORITY } from "../../components/gpu-pool/kubernetes";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { estimateCost } from "../../sdk/cost";
import { outputValue, useMockRuntime } from "../harness";
import { kubernetesObjectProblems } from "../kubernetes-schemas";
import { podSecurityViolations, writableRootContainers } from "../pod-security";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1" } });

const aws = { clusterName: "ml", subnetIds: ["subnet-0a1", "subnet-0b2"] };
const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
const POOL_SELECTOR = { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" };
const POOL_AFFINITY = {
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
                {
                    matchExpressions: [
                        { key: "modelship.dev/accelerator", operator: "In", values: ["l4"] },
                        { key: "modelship.dev/pool", operator: "In", values: ["l4"] },
                    ],
                },
            ],
        },
    },
};
/** The labels of a pool named `name`'s objects, and of its placeholders. */
const poolLabels = (name: string) => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/component": "gpupool",
    "app.kubernetes.io/managed-by": "modelship",
    "modelship.dev/service": name,
    "modelship.dev/environment": "dev",
});
const headroomLabels = (name: string) => ({ ...poolLabels(name), "app.kubernetes.io/name": "gpu-headroom" });
/** Monthly price of one g6.2xlarge (1 x L4) on-demand in us-east-1 per the catalog: $0.9776/h x 730 h. */
const G6_2XLARGE_MONTH = 713.65;

/** The placeholder Deployment a pool named `name` creates, with what differs by cloud. */
function expectedDeployment(name: string, pod: { replicas?: number; cpu: string; memory: string; nodeSelector?: Record<string, string>; affinity?: unknown; accelerator?: string }) {
    const selector = { "app.kubernetes.io/name": "gpu-headroom", "app.kubernetes.io/instance": name };
    const podLabels = pod.accelerator ? { ...headroomLabels(name), "modelship.dev/accelerator": pod.accelerator } : headroomLabels(name);
    const spec: Record<string, unknown> = {
        selector: { matchLabels: selector },
        strategy: { type: "Recreate" },
        template: {
            metadata: { labels: podLabels },
            spec: {
                priorityClassName: `${name}-headroom`,
                terminationGracePeriodSeconds: 0,
                ...(pod.nodeSelector ? { nodeSelector: pod.nodeSelector } : {}),
                ...(pod.affinity ? { affinity: pod.affinity } : {}),
                tolerations: [GPU_TOLERATION],
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: { runAsNonRoot: true, runAsUser: 65535, runAsGroup: 65535, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "pause",
                        image: PAUSE_IMAGE,
                        resources: { requests: { cpu: pod.cpu, memory: pod.memory, "nvidia.com/gpu": "1" }, limits: { memory: pod.memory, "nvidia.com/gpu": "1" } },
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                    },
                ],
            },
        },
    };
    if (pod.replicas !== undefined) spec.replicas = pod.replicas;
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `${name}-headroom`, namespace: "default", labels: headroomLabels(name), annotations: { "pulumi.com/skipAwait": "true" } },
        spec,
    };
}

describe("GpuPool headroom on EKS (managed node group)", () => {
    const pool = (headroom: GpuPoolArgs["headroom"], extra: Partial<GpuPoolArgs> = {}) =>
        new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 4, aws, headroom, ...extra });

    it("creates a negative PriorityClass above the autoscaler's cutoff and a Deployment of one-GPU pause pods on the pool", async () => {
        const { resources } = await rt.construct(() => pool({ gpus: 2 }));
        expect(
            resources
                .filter((r) => r.type.startsWith("kubernetes:"))
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
        ).toEqual([
            "kubernetes:apps/v1:DaemonSet l4-dcgm-exporter",
            "kubernetes:apps/v1:DaemonSet l4-nvidia-device-plugin",
            `${DEPLOYMENT} l4-headroom`,
            "kubernetes:core/v1:ConfigMap l4-dashboard",
            "kubernetes:core/v1:ConfigMap l4-dcgm-exporter",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor l4-dcgm-exporter",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule l4-gpu-alerts",
            `${PRIORITY_CLASS} l4-headroom`,
        ]);
        expect(rt.one(PRIORITY_CLASS).inputs).toEqual({
            apiVersion: "scheduling.k8s.io/v1",
            kind: "PriorityClass",
            metadata: { name: "l4-headroom", labels: poolLabels("l4") },
            value: -5,
            globalDefault: false,
            preemptionPolicy: "Never",
            description: "Warm GPU headroom of the l4 pool: placeholder pods that any serving pod preempts; above the Cluster Autoscaler's expendable cutoff (-10), so they keep nodes up.",
        });
        const deployment = rt.one(DEPLOYMENT);
        expect(deployment.inputs).toEqual(expectedDeployment("l4", { replicas: 2, cpu: "10m", memory: "16Mi", nodeSelector: POOL_SELECTOR, affinity: POOL_AFFINITY, accelerator: "l4" }));
        expect(deployment.options.dependencies).toContain(rt.one(PRIORITY_CLASS).urn);
        // The component's provider (none given here): the same as the device plugin's.
        expect(deployment.options.provider).toBe(rt.one("kubernetes:apps/v1:DaemonSet", "l4-nvidia-device-plugin").options.provider);
        expect(rt.ofType(SCALED_OBJECT)).toEqual([]);
    });

    it("orders priorities: serving pods (0, or the serving class) preempt placeholders, which the autoscaler still scales up for", () => {
        expect(HEADROOM_PRIORITY).toBe(-5);
        expect(HEADROOM_PRIORITY).toBeLessThan(0);
        expect(HEADROOM_PRIORITY).toBeLessThan(SERVING_PRIORITY);
        expect(HEADROOM_PRIORITY).toBeGreaterThanOrEqual(EXPENDABLE_PRIORITY_CUTOFF);
        // Batch pods are below the cutoff (never scaled up for) and never preempt: they cannot take the headroom.
        expect(BATCH_PRIORITY).toBeLessThan(EXPENDABLE_PRIORITY_CUTOFF);
    });

    it("prices always-on headroom as the nodes it keeps running: at least ceil(gpus / gpusPerNode) nodes", async () => {
        const { value, resources } = await rt.construct(() => pool({ gpus: 2 }));
        const cost = await outputValue(value.estimatedMonthlyCost);
        expect(cost.min).toBe(1427.3);
        expect(cost.max).toBe(2854.59);
        expect(cost.basis[0]).toBe(
            "0-4 x g6.2xlarge (1 x NVIDIA L4) on-demand at $0.9776/h in us-east-1 (aws_ec2_gpu_prices.csv, vantage, 2026-01-21) x 730 h; " +
                "pods of this stack on it: l4-headroom: 2 replica(s) of 1 GPU(s), 0.01 vCPU, 0.016 GiB per pod need 2 x g6.2xlarge (1 pod(s) per node) at $0.9776/h; " +
                "so the minimum is their 2 node(s), not the pool's 0",
        );
        // The plan prices the same stack the same way: the nodes carry the placeholders, which show $0 on the pool.
        const report = estimateCost(resources);
        expect(report.items.find((i) => i.type === "aws:eks/nodeGroup:NodeGroup")?.monthly).toEqual({ min: cost.min, max: cost.max });
        expect(report.items.find((i) => i.type === DEPLOYMENT)?.monthly).toEqual({ min: 0, max: 0 });
    });

    it("keeps the pool's minimum when it already holds the headroom, and counts whole nodes of several GPUs", async () => {
        const held = await rt.construct(() => pool({ gpus: 1 }, { minNodes: 2 }));
        expect((await outputValue(held.value.estimatedMonthlyCost)).min).toBe(1427.3);
        // 3 GPUs on 4-GPU nodes: one node (g6.12xlarge, 4 x L4 at $4.6016/h).
        const wide = await rt.construct(() => pool({ gpus: 3 }, { gpusPerNode: 4, maxNodes: 2 }));
        const cost = await outputValue(wide.value.estimatedMonthlyCost);
        expect(cost.basis[0]).toContain("l4-headroom: 3 replica(s) of 1 GPU(s), 0.01 vCPU, 0.016 GiB per pod need 1 x g6.12xlarge (4 pod(s) per node) at $4.6016/h");
        // 1 x 4.6016 x 730 = 3359.168.
        expect(cost.min).toBe(3359.17);
    });

    it("scales the placeholders with a KEDA ScaledObject of cron triggers during windows only, and prices their hours", async () => {
        const windows = [
            { schedule: "0 8 * * 1-5", timezone: "Europe/Paris", durationMinutes: 120 },
            { schedule: "30 22 * * 5", durationMinutes: 180 },
        ];
        const { value, resources } = await rt.construct(() => pool({ gpus: 2, windows }));
        const deployment = rt.one(DEPLOYMENT);
        // No replicas: the ScaledObject owns the count, so an update never resets it.
        expect(deployment.inputs).toEqual(expectedDeployment("l4", { cpu: "10m", memory: "16Mi", nodeSelector: POOL_SELECTOR, affinity: POOL_AFFINITY, accelerator: "l4" }));
        const scaledObject = rt.one(SCALED_OBJECT);
        expect(scaledObject.inputs).toEqual({
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name: "l4-headroom", namespace: "default", labels: headroomLabels("l4") },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "l4-headroom" },
                minReplicaCount: 0,
                maxReplicaCount: 2,
                triggers: [
                    { type: "cron", name: "headroom-0", metadata: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 10 * * 1-5", desiredReplicas: "2" } },
                    // Past midnight: the end falls on the next day of the week, as SpikeAutoscaler's windows.
                    { type: "cron", name: "headroom-1", metadata: { timezone: "UTC", start: "30 22 * * 5", end: "30 1 * * 6", desiredReplicas: "2" } },
                ],
            },
        });
        expect(scaledObject.options.dependencies).toContain(deployment.urn);
        // The pool's inputs keep the headroom as given: what `modelship simulate` reads from the plan.
        expect(rt.one("modelship:index:GpuPool").inputs.headroom).toEqual({ gpus: 2, windows });
        const cost = await outputValue(value.estimatedMonthlyCost);
        // Weekdays of 2026 (261) x 2 h + Fridays (52) x 3 h = 678 h a year, 56.5 h a month, x 2 GPUs = 113 node-hours at $0.9776.
        expect(cost.min).toBe(110.47);
        expect(cost.basis[0]).toContain("pre-warming 113 node-hours a month (KEDA cron trigger(s) headroom-0, headroom-1 raise the minimum above 0 for 56.5 h a month, 113 replica-hours");
        expect(estimateCost(resources).items.find((i) => i.type === "aws:eks/nodeGroup:NodeGroup")?.monthly.min).toBe(110.47);
    });

    it("goes to a cluster the pool creates through that cluster's provider, as the device plugin", async () => {
        await rt.construct(() => pool({ gpus: 1, windows: [{ schedule: "0 8 * * 1-5", durationMinutes: 60 }] }, { aws: { subnetIds: aws.subnetIds, createCluster: true } }));
        const provider = rt.one("pulumi:providers:kubernetes");
        for (const type of [PRIORITY_CLASS, DEPLOYMENT, SCALED_OBJECT]) expect(rt.one(type).options.provider).toContain(provider.urn);
    });

    it("lists the headroom's objects among the pool's resources", async () => {
        const { value } = await rt.construct(() => pool({ gpus: 1, windows: [{ schedule: "0 8 * * 1-5", durationMinutes: 60 }] }));
        expect(Object.keys(value.resources).sort()).toEqual([
            "dashboard",
            "dcgmExporter",
            "dcgmExporterCounters",
            "dcgmExporterPodMonitor",
            "devicePlugin",
            "headroomDeployment",
            "headroomPriorityClass",
            "headroomScaledObject",
            "launchTemplate",
            "nodeGroup",
            "nodeRole",
            "prometheusRule",
        ]);
    });
});

describe("GpuPool headroom on Karpenter", () => {
    const pool = (extra: Partial<GpuPoolArgs> = {}) =>
        new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 3, aws: { ...aws, karpenter: true }, headroom: { gpus: 1 }, ...extra });

    it("sizes a placeholder to the pool's per-GPU node minimums, so the node Karpenter starts for it fits a serving pod", async () => {
        const { value } = await rt.construct(() => pool());
        expect(rt.one(DEPLOYMENT).inputs).toEqual(expectedDeployment("l4", { replicas: 1, cpu: "5", memory: "17Gi", nodeSelector: POOL_SELECTOR, affinity: POOL_AFFINITY, accelerator: "l4" }));
        expect(rt.one(PRIORITY_CLASS).inputs.value).toBe(-5);
        // Karpenter starts nodes only for pending pods: the placeholder is what keeps one up, a g6.2xlarge (8 vCPUs, 32 GiB).
        const cost = await outputValue(value.estimatedMonthlyCost);
        expect(cost.min).toBe(G6_2XLARGE_MONTH);
        expect(cost.basis[0]).toMatch(/^min 1 node\(s\) for the pods of this stack on it \(l4-headroom: 1 replica\(s\) of 1 GPU\(s\), 5 vCPU, 17 GiB per pod need 1 x g6\.2xlarge/);
    });

    it("shares the minimums among the GPUs of a node, and takes the given minimums", async () => {
        await rt.construct(() => pool({ gpusPerNode: 4, maxNodes: 1 }));
        const resources = (rt.one(DEPLOYMENT).inputs as { spec: { template: { spec: { containers: { resources: unknown }[] } } } }).spec.template.spec.containers[0].resources;
        // (4 x 4 + 1) / 4 vCPUs and (16 x 4 + 1) / 4 GiB.
        expect(resources).toEqual({ requests: { cpu: "4250m", memory: "16640Mi", "nvidia.com/gpu": "1" }, limits: { memory: "16640Mi", "nvidia.com/gpu": "1" } });
        await rt.construct(() => pool({ minNodeVcpus: 8, minNodeMemoryGiB: 30 }));
        expect((rt.one(DEPLOYMENT).inputs as { spec: { template: { spec: { containers: { resources: { requests: unknown } }[] } } } }).spec.template.spec.containers[0].resources.requests).toEqual({
            cpu: "8",
            memory: "30Gi",
            "nvidia.com/gpu": "1",
        });
    });
});

describe("GpuPool headroom on GKE and on a cluster of your own", () => {
    it("places the placeholders on the GKE node pool, through a new cluster's provider", async () => {
        const { value } = await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 2, gcp: { createCluster: true }, headroom: { gpus: 1 } }));
        expect(rt.one(DEPLOYMENT).inputs).toEqual(expectedDeployment("l4", { replicas: 1, cpu: "10m", memory: "16Mi", nodeSelector: POOL_SELECTOR, affinity: POOL_AFFINITY, accelerator: "l4" }));
        const provider = rt.one("pulumi:providers:kubernetes");
        for (const type of [PRIORITY_CLASS, DEPLOYMENT]) expect(rt.one(type).options.provider).toContain(provider.urn);
        const cost = await outputValue(value.estimatedMonthlyCost);
        expect(cost.basis[0]).toContain("pods of this stack on it: l4-headroom: 1 replica(s) of 1 GPU(s), 0.01 vCPU, 0.016 GiB per pod need 1 x g2-standard-8");
        // g2-standard-8 (0.293584032/h) + 1 x nvidia-l4 (0.560040239/h) in us-central1: 0.853624271 x 730 = 623.1457.
        expect(cost.min).toBe(623.15);
    });

    it("uses the given node selector on a cluster of your own, or the GPU toleration alone; the nodes stay unpriced", async () => {
        const { value } = await rt.construct(
            () => new GpuPool("byo", { cloud: GpuPoolCloud.Kubernetes, maxNodes: 2, kubernetes: { nodeSelector: { "nvidia.com/gpu.present": "true" } }, headroom: { gpus: 2 } }),
        );
        const affinity = {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] }] } },
        };
        expect(rt.one(DEPLOYMENT).inputs).toEqual(expectedDeployment("byo", { replicas: 2, cpu: "10m", memory: "16Mi", nodeSelector: { "nvidia.com/gpu.present": "true" }, affinity }));
        // Below the pool's own serving class (100000), so serving pods preempt the placeholders.
        expect(rt.one(PRIORITY_CLASS, "byo-headroom").inputs.value).toBe(-5);
        expect(rt.one("kubernetes:scheduling.k8s.io/v1:PriorityClass", "byo-serving").inputs.value).toBe(SERVING_PRIORITY);
        expect((await outputValue(value.estimatedMonthlyCost)).known).toBe(false);

        await rt.construct(() => new GpuPool("any", { cloud: GpuPoolCloud.Kubernetes, headroom: { gpus: 1 } }));
        expect(rt.one(DEPLOYMENT).inputs).toEqual(expectedDeployment("any", { replicas: 1, cpu: "10m", memory: "16Mi" }));
    });

    it("goes to the cluster of the provider given to the pool", async () => {
        await rt.construct(() => {
            const provider = new kubernetes.Provider("team-cluster", { kubeconfig: "{}" });
            return new GpuPool("byo", { cloud: GpuPoolCloud.Kubernetes, headroom: { gpus: 1 } }, { providers: [provider] });
        });
        const provider = rt.one("pulumi:providers:kubernetes");
        for (const type of [PRIORITY_CLASS, DEPLOYMENT]) expect(rt.one(type, "byo-headroom").options.provider).toContain(provider.urn);
    });
});

describe("GpuPool headroom objects", () => {
    it("validate against the Kubernetes and KEDA schemas and the restricted Pod Security Standard", async () => {
        const { resources } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 2, aws, headroom: { gpus: 2, windows: [{ schedule: "0 8 * * 1-5", durationMinutes: 90 }] } }),
        );
        const headroom = resources.filter((r) => r.name === "l4-headroom");
        expect(headroom.map((r) => r.type)).toEqual([PRIORITY_CLASS, DEPLOYMENT, SCALED_OBJECT]);
        for (const record of headroom) expect(kubernetesObjectProblems(record)).toEqual([]);
        expect(podSecurityViolations(headroom)).toEqual([]);
        expect(writableRootContainers(headroom)).toEqual([]);
        // The checks are real: a bad KEDA field is caught.
        const scaledObject = headroom[2];
        const broken = { ...scaledObject, inputs: { ...scaledObject.inputs, spec: { ...(scaledObject.inputs.spec as object), minReplicaCount: "0" } } };
        expect(kubernetesObjectProblems(broken).join("\n")).toMatch(/minReplicaCount/);
    });
});

describe("GpuPool headroom validation", () => {
    const header = (count: number) => `modelship:index:GpuPool "bad": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;
    /** [what, arguments, the exact error message] */
    const invalid: Array<[string, GpuPoolArgs, string]> = [
        ["no GPUs", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws, headroom: { gpus: 0 } }, header(1) + "  - headroom.gpus: received 0; expected a number >= 1"],
        ["a fraction of a GPU", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws, headroom: { gpus: 1.5 } }, header(1) + "  - headroom.gpus: received 1.5; expected a value of type int"],
        [
            "more GPUs than the pool's maximum",
            { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws, maxNodes: 2, gpusPerNode: 4, headroom: { gpus: 9 } },
            header(1) + "  - headroom.gpus: received 9; expected at most the pool's maximum of 8 GPU(s), maxNodes 2 x gpusPerNode 4: raise maxNodes or keep fewer GPUs warm",
        ],
        [
            "more GPUs than the pool's default maximum",
            { cloud: GpuPoolCloud.Kubernetes, headroom: { gpus: 2 } },
            header(1) +
                "  - headroom.gpus: received 2; expected at most the pool's maximum of 1 GPU(s), maxNodes 1 (its default) x gpusPerNode 1 (its default): raise maxNodes or keep fewer GPUs warm",
        ],
        [
            "headroom on the local engine",
            { cloud: GpuPoolCloud.Docker, headroom: { gpus: 1 } },
            header(1) + "  - headroom: received an object with gpus; expected nothing with cloud docker: the local engine's GPUs are always there, there is no node to keep warm",
        ],
        [
            "malformed windows, with SpikeAutoscaler's pre-warming messages",
            {
                cloud: GpuPoolCloud.Kubernetes,
                maxNodes: 2,
                headroom: {
                    gpus: 1,
                    windows: [
                        { schedule: "0 8 * * MON-FRI L", durationMinutes: 60 },
                        { schedule: "0 8 * * 1-5", timezone: "Mars/Olympus", durationMinutes: 60 },
                        { schedule: "0 8 * * *", durationMinutes: 1440 },
                        { schedule: "*/5 8 * * *", durationMinutes: 30 },
                    ],
                },
            },
            header(4) +
                '  - headroom.windows[0].schedule: received "0 8 * * MON-FRI L"; expected five cron fields (minute hour day-of-month month day-of-week), for example "45 7 * * 1-5"; got 6\n' +
                '  - headroom.windows[1].timezone: received "Mars/Olympus"; expected an IANA time zone such as Europe/Paris, America/New_York or UTC\n' +
                '  - headroom.windows[2].durationMinutes: received 1440; expected less than 1440 (the shortest time between two starts of "0 8 * * *"): a window must end before the next one starts\n' +
                '  - headroom.windows[3].schedule: received "*/5 8 * * *"; expected one time of day (a single minute and hour, such as "45 7 * * 1-5"); give one window per time of day',
        ],
        [
            "a GPU quota on the placeholders' namespace below the headroom",
            { cloud: GpuPoolCloud.Kubernetes, maxNodes: 4, kubernetes: { gpuQuotas: { default: 1, ml: 4 } }, headroom: { gpus: 2 } },
            header(1) + "  - kubernetes.gpuQuotas.default: received 1; expected at least headroom.gpus (2): the placeholders run in the default namespace and count against its quota",
        ],
        ["an empty list of windows", { cloud: GpuPoolCloud.Kubernetes, headroom: { gpus: 1, windows: [] } }, header(1) + "  - headroom.windows: received an array of 0; expected at least 1 item(s)"],
        [
            "a window of no time",
            { cloud: GpuPoolCloud.Kubernetes, headroom: { gpus: 1, windows: [{ schedule: "0 8 * * *", durationMinutes: 0 }] } },
            header(1) + "  - headroom.windows[0].durationMinutes: received 0; expected a number >= 1",
        ],
    ];
    for (const [what, args, message] of invalid) {
        it(`rejects ${what}, before registering anything`, async () => {
            const { resources } = await rt.construct(() => expect(() => new GpuPool("bad", args)).toThrow(message));
            expect(resources).toEqual([]);
        });
    }

    it("rejects a pool name too long to name the headroom's objects", async () => {
        const long = "p".repeat(55);
        const { resources } = await rt.construct(() =>
            expect(
                () => new GpuPool(long, { cloud: GpuPoolCloud.Kubernetes, kubernetes: { devicePlugin: false, priorityClasses: false }, headroom: { gpus: 1 }, observability: { enabled: false } }),
            ).toThrow(
                `modelship:index:GpuPool "${long}": 1 invalid argument:\n` +
                    `  - name: received "${long}" (55 characters); expected at most 54 characters: the headroom PriorityClass and Deployment would be named "${long}-headroom", 64 characters, over Kubernetes' limit of 63`,
            ),
        );
        expect(resources).toEqual([]);
    });

    it("takes headroom beside minNodes, up to the pool's maximum", async () => {
        const { value } = await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 2, maxNodes: 2, aws, headroom: { gpus: 2 } }));
        expect(await outputValue(value.capacity)).toEqual({ gpusPerNode: 1, minGpus: 2, maxGpus: 2 });
        expect(rt.one(DEPLOYMENT).inputs.spec).toMatchObject({ replicas: 2 });
    });
});

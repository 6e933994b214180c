import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { Accelerator, GpuPool, GpuPoolArgs, GpuPoolCloud } from "../../index";
import { snapshotUserData } from "../../components/gpu-pool/image-cache";
import { BUSYBOX_IMAGE } from "../../components/gpu-pool/image-puller";
import { PAUSE_IMAGE } from "../../components/gpu-pool/headroom";
import { estimateCost } from "../../sdk/cost";
import { outputValue, useMockRuntime } from "../harness";
import { podSecurityViolations, writableRootContainers } from "../pod-security";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1" } });

const aws = { clusterName: "ml", subnetIds: ["subnet-0a1"] };
const VLLM = "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33";
const TGI = "ghcr.io/huggingface/text-generation-inference:3.3.4";
const SNAPSHOT = "snap-0123456789abcdef0";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const POOL_SELECTOR = { "modelship.dev/pool": "l4", "modelship.dev/accelerator": "l4" };
const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

/** The mount script, as the node runs it. */
const SCRIPT = [
    "#!/bin/bash",
    "# modelship GpuPool imageCache.snapshotId: containerd's image store, restored from an EBS snapshot, mounted before containerd starts.",
    "set -euo pipefail",
    "systemctl stop kubelet containerd || true",
    "echo '/dev/xvdb /var/lib/containerd xfs defaults,nofail 0 2' >> /etc/fstab",
    "mount /var/lib/containerd",
    "",
].join("\n");

/** The pre-pull DaemonSet's pod template spec for `images` on nodes with `nodeSelector`. */
function pullerPodSpec(images: string[], nodeSelector: Record<string, string> | undefined) {
    const security = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 };
    const tiny = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "10m", memory: "16Mi" } };
    const bin = [{ name: "bin", mountPath: "/puller" }];
    return {
        ...(nodeSelector ? { nodeSelector } : {}),
        tolerations: [GPU_TOLERATION],
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [
            { name: "copy-true", image: BUSYBOX_IMAGE, command: ["cp", "/bin/true", "/puller/true"], resources: tiny, securityContext: security, volumeMounts: bin },
            ...images.map((image, i) => ({ name: `pull-${i}`, image, imagePullPolicy: "IfNotPresent", command: ["/puller/true"], resources: tiny, securityContext: security, volumeMounts: bin })),
        ],
        containers: [{ name: "pause", image: PAUSE_IMAGE, resources: tiny, securityContext: security }],
        volumes: [{ name: "bin", emptyDir: { sizeLimit: "16Mi" } }],
    };
}

describe("GpuPool image cache on GKE", () => {
    it("streams images by default, and attaches a secondary boot disk as the image cache when given a disk image", async () => {
        const { value: pool } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, maxNodes: 2, gcp: { clusterName: "ml" }, imageCache: { diskImage: "global/images/vllm-cache-v1" } }),
        );
        const nodeConfig = rt.one("gcp:container/nodePool:NodePool").inputs.nodeConfig as Record<string, unknown>;
        expect(nodeConfig.gcfsConfig).toEqual({ enabled: true });
        expect(nodeConfig.secondaryBootDisks).toEqual([{ diskImage: "global/images/vllm-cache-v1", mode: "CONTAINER_IMAGE_CACHE" }]);
        // One persistent disk per node, of the image's size: the node pool's maximum is unknown (its basis still names the
        // nodes' price), its minimum of zero nodes has no disk.
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost.min).toBe(0);
        expect(cost.max).toBeUndefined();
        expect(cost.known).toBe(false);
        expect(cost.knownMax).toBe(0);
        expect(cost.basis[0]).toMatch(/^0-2 x g2-standard-8 /);
        expect(cost.basis).toContain("image streaming (imageCache.streaming): a node setting, no price item of its own; images stream from Artifact Registry, billed on the registry");
        expect(cost.basis[0]).toContain(
            "unknown: plus 1 secondary boot disk(s) per node from global/images/vllm-cache-v1: a persistent disk of the image's size, billed per GB-month; " +
                "Persistent Disk prices are not in the catalog and the image's size is not in the stack",
        );
    });

    it("turns streaming off when asked, takes a disk image of another project, and pre-pulls images with a DaemonSet on the pool's nodes", async () => {
        const { value: pool, resources } = await rt.construct(
            () =>
                new GpuPool("l4", {
                    cloud: GpuPoolCloud.Gcp,
                    accelerator: Accelerator.L4,
                    gcp: { clusterName: "ml" },
                    imageCache: { streaming: false, prePullImages: [VLLM, TGI] },
                }),
        );
        const nodeConfig = rt.one("gcp:container/nodePool:NodePool").inputs.nodeConfig as Record<string, unknown>;
        expect(nodeConfig.gcfsConfig).toEqual({ enabled: false });
        expect(nodeConfig.secondaryBootDisks).toBeUndefined();
        const puller = rt.one("kubernetes:apps/v1:DaemonSet", "l4-image-puller");
        expect(puller.name).toBe("l4-image-puller");
        expect(((puller.inputs.spec as Record<string, unknown>).template as Record<string, unknown>).spec).toEqual(pullerPodSpec([VLLM, TGI], POOL_SELECTOR));
        expect(Object.keys(pool.resources).sort()).toEqual(["dashboard", "dcgmExporter", "dcgmExporterCounters", "dcgmExporterPodMonitor", "imagePuller", "nodePool", "prometheusRule"]);
        expect(resources.filter((r) => r.type !== "kubernetes:apps/v1:DaemonSet" || r.name === "l4-image-puller").length).toBe(resources.length - 1);
        // The puller's pods sit on nodes already paid for: the pool's cost is its nodes'.
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost.known).toBe(true);
        expect(cost.basis.slice(1)).toEqual(["image pre-puller (imageCache.prePullImages, 2 image(s)): its pods run on the pool's nodes, priced here"]);

        await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" }, imageCache: { diskImage: "projects/acme-images/global/images/tgi-3-3" } }),
        );
        expect((rt.one("gcp:container/nodePool:NodePool").inputs.nodeConfig as Record<string, unknown>).secondaryBootDisks).toEqual([
            { diskImage: "projects/acme-images/global/images/tgi-3-3", mode: "CONTAINER_IMAGE_CACHE" },
        ]);
    });
});

describe("GpuPool image cache on EKS", () => {
    it("restores a data volume from the snapshot on every node and mounts it as containerd's store", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        const { value: pool } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 3, aws: { ...aws, volumeKmsKeyArn: KEY }, imageCache: { snapshotId: SNAPSHOT } }),
        );
        const template = rt.one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
        expect(template.blockDeviceMappings).toEqual([
            { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", kmsKeyId: KEY, deleteOnTermination: "true" } },
            // No size (the snapshot's), no encryption setting (EC2 takes none for a restored volume: the snapshot's applies).
            { deviceName: "/dev/xvdb", ebs: { snapshotId: SNAPSHOT, volumeType: "gp3", deleteOnTermination: "true" } },
        ]);
        const userData = Buffer.from(template.userData as string, "base64").toString();
        expect(userData).toBe(
            [
                "MIME-Version: 1.0",
                'Content-Type: multipart/mixed; boundary="MODELSHIP"',
                "",
                "--MODELSHIP",
                'Content-Type: text/x-shellscript; charset="us-ascii"',
                "",
                SCRIPT,
                "--MODELSHIP--",
                "",
            ].join("\n"),
        );
        expect(userData).toBe(snapshotUserData());
        // The node group itself is unchanged: the template carries the cache.
        expect(rt.one("aws:eks/nodeGroup:NodeGroup").inputs.amiType).toBe("AL2023_x86_64_NVIDIA");
        expect(rt.ofType("kubernetes:apps/v1:DaemonSet").map((d) => d.name)).toEqual(["l4-nvidia-device-plugin", "l4-dcgm-exporter"]);
        // One volume per node at a price the catalog lacks: unknown at both bounds, the nodes' price kept as known.
        const cost = await outputValue(pool.estimatedMonthlyCost);
        expect(cost.min).toBeUndefined();
        expect(cost.max).toBeUndefined();
        expect(cost.known).toBe(false);
        expect(cost.knownMin).toBeGreaterThan(0);
        expect(cost.basis).toContain(
            "unknown: 1 EBS volume(s) per node restored from snap-0123456789abcdef0 (blockDeviceMappings of the launch template), billed per GB-month of the snapshot's size: " +
                "EBS prices are not in the catalog and the snapshot's size is not in the stack",
        );
        // The pool's key encrypts the root volume only: said, with what to do.
        expect(warn).toHaveBeenCalledWith(
            "imageCache.snapshotId: the volume restored from snap-0123456789abcdef0 is encrypted as the snapshot is, not with aws.volumeKmsKeyArn " +
                "(EC2 takes no encryption setting for a volume restored from a snapshot): copy the snapshot encrypted with that key " +
                "(aws ec2 copy-snapshot --encrypted --kms-key-id <key>) if the nodes' volumes must all use it.",
            pool,
        );
        warn.mockRestore();
    });

    it("deploys the pre-puller with the provider of a cluster the pool creates", async () => {
        await rt.construct(
            () =>
                new GpuPool("l4", {
                    cloud: GpuPoolCloud.Aws,
                    accelerator: Accelerator.L4,
                    aws: { subnetIds: ["subnet-0a1", "subnet-0b2"], createCluster: true },
                    imageCache: { prePullImages: [VLLM] },
                }),
        );
        const provider = rt.one("pulumi:providers:kubernetes");
        expect(rt.one("kubernetes:apps/v1:DaemonSet", "l4-image-puller").options.provider).toContain(provider.urn);
        // The system nodes' template has no cache.
        expect(rt.one("aws:ec2/launchTemplate:LaunchTemplate", "l4-system-nodes").inputs.userData).toBeUndefined();
    });

    it("does the same through Karpenter's EC2NodeClass, and pre-pulls images beside it", async () => {
        const { value: pool } = await rt.construct(
            () =>
                new GpuPool("l4", {
                    cloud: GpuPoolCloud.Aws,
                    accelerator: Accelerator.L4,
                    maxNodes: 2,
                    aws: { ...aws, karpenter: true },
                    imageCache: { snapshotId: "snap-0a1b2c3d", prePullImages: [VLLM] },
                }),
        );
        const spec = rt.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs.spec as Record<string, unknown>;
        expect(spec.blockDeviceMappings).toEqual([
            { deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
            { deviceName: "/dev/xvdb", ebs: { snapshotID: "snap-0a1b2c3d", volumeType: "gp3", deleteOnTermination: true } },
        ]);
        expect(spec.userData).toBe(snapshotUserData());
        const puller = rt.one("kubernetes:apps/v1:DaemonSet", "l4-image-puller");
        expect(((puller.inputs.spec as Record<string, unknown>).template as Record<string, unknown>).spec).toEqual(pullerPodSpec([VLLM], POOL_SELECTOR));
        const cost = await outputValue(pool.estimatedMonthlyCost);
        // Karpenter starts no node for an empty pool: no node, no volume.
        expect(cost.min).toBe(0);
        expect(cost.known).toBe(false);
        expect(cost.basis).toContain(
            "unknown: 1 EBS volume(s) per node restored from snap-0a1b2c3d (spec.blockDeviceMappings of the EC2NodeClass), billed per GB-month of the snapshot's size: " +
                "EBS prices are not in the catalog and the snapshot's size is not in the stack",
        );
    });

    it("sets nothing up without an image cache: no data volume, no user data, no puller", async () => {
        await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws }));
        const template = rt.one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
        expect(template.blockDeviceMappings).toHaveLength(1);
        expect(template.userData).toBeUndefined();
        expect(rt.ofType("kubernetes:apps/v1:DaemonSet").map((d) => d.name)).toEqual(["l4-nvidia-device-plugin", "l4-dcgm-exporter"]);
    });
});

describe("GpuPool image cache on a cluster of your own", () => {
    it("pre-pulls the images on the nodes of the pool's node selector, or on every node that admits the GPU toleration", async () => {
        const { resources } = await rt.construct(
            () => new GpuPool("l4", { cloud: GpuPoolCloud.Kubernetes, kubernetes: { nodeSelector: { "nvidia.com/gpu.present": "true" }, devicePlugin: false }, imageCache: { prePullImages: [VLLM] } }),
        );
        const puller = rt.one("kubernetes:apps/v1:DaemonSet", "l4-image-puller");
        expect(puller.inputs.metadata).toMatchObject({ name: "l4-image-puller", namespace: "kube-system" });
        expect((puller.inputs.spec as Record<string, unknown>).updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } });
        expect(((puller.inputs.spec as Record<string, unknown>).template as Record<string, unknown>).spec).toEqual(pullerPodSpec([VLLM], { "nvidia.com/gpu.present": "true" }));
        // The restricted Pod Security Standard, every root filesystem read-only (the objects' schemas are checked by construct()).
        expect(podSecurityViolations(resources)).toEqual([]);
        // The DCGM exporter's root stays writable, as upstream leaves it (components/gpu-pool/observability/dcgm-exporter.ts).
        expect(writableRootContainers(resources)).toEqual(["DaemonSet/l4-dcgm-exporter dcgm-exporter"]);

        await rt.construct(() => new GpuPool("l4", { cloud: GpuPoolCloud.Kubernetes, kubernetes: { devicePlugin: false }, imageCache: { prePullImages: [TGI] } }));
        expect(((rt.one("kubernetes:apps/v1:DaemonSet", "l4-image-puller").inputs.spec as Record<string, unknown>).template as Record<string, unknown>).spec).toEqual(pullerPodSpec([TGI], undefined));
    });
});

describe("the cost model and the image cache's disks", () => {
    const resource = (type: string, inputs: Record<string, unknown>) => ({ urn: `urn:pulumi:dev::test::${type}::r`, type, name: "r", inputs });

    it("keeps a launch template or node class without a snapshot free, and a snapshot volume unknown, never 0", () => {
        const plain = estimateCost([resource("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100 } }] })]);
        expect(plain.items).toEqual([]);
        expect(plain.free[0].reason).toBe("a launch configuration: the instances launched from it are priced on the node group or instance");
        const cached = estimateCost([resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", { spec: { blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { snapshotID: SNAPSHOT } }] } })]);
        expect(cached.items[0].monthly).toEqual({ min: null, max: null });
        expect(cached.unknownItems).toBe(1);
    });

    it("makes a GKE node pool with a secondary boot disk unknown wherever it has nodes", () => {
        const inputs = {
            location: "us-central1",
            nodeLocations: ["us-central1-a"],
            autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 2 },
            nodeConfig: { machineType: "g2-standard-8", secondaryBootDisks: [{ diskImage: "global/images/cache", mode: "CONTAINER_IMAGE_CACHE" }] },
        };
        const report = estimateCost([resource("gcp:container/nodePool:NodePool", inputs)]);
        expect(report.items[0].monthly).toEqual({ min: null, max: null });
        expect(report.items[0].basis).toMatch(/^1-2 x g2-standard-8 .*; unknown: plus 1 secondary boot disk\(s\) per node from global\/images\/cache/);
    });
});

const header = (count: number) => `modelship:index:GpuPool "bad": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** [what, arguments, the exact error message] */
const invalid: Array<[string, GpuPoolArgs, string]> = [
    [
        "an image cache on docker",
        { cloud: GpuPoolCloud.Docker, imageCache: { prePullImages: [VLLM] } },
        header(1) + "  - imageCache: received an object with prePullImages; expected nothing with cloud docker: the local engine keeps the images it pulled, so the second start pulls nothing",
    ],
    [
        "GKE fields on aws",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws, imageCache: { streaming: true, diskImage: "global/images/cache" } },
        header(2) +
            "  - imageCache.streaming: received true; expected nothing with cloud aws: it sets up GKE image streaming (gcfsConfig), cloud gcp only (on aws use imageCache.snapshotId or imageCache.prePullImages)\n" +
            '  - imageCache.diskImage: received "global/images/cache"; expected nothing with cloud aws: it sets up a GKE secondary boot disk, cloud gcp only (on aws use imageCache.snapshotId or imageCache.prePullImages)',
    ],
    [
        "a snapshot on gcp and on a cluster of your own",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" }, imageCache: { snapshotId: SNAPSHOT } },
        header(1) +
            '  - imageCache.snapshotId: received "snap-0123456789abcdef0"; expected nothing with cloud gcp: it sets up an EBS volume on EKS nodes, cloud aws only (on gcp use imageCache.streaming, imageCache.diskImage or imageCache.prePullImages)',
    ],
    [
        "a snapshot on kubernetes",
        { cloud: GpuPoolCloud.Kubernetes, imageCache: { snapshotId: SNAPSHOT } },
        header(1) +
            '  - imageCache.snapshotId: received "snap-0123456789abcdef0"; expected nothing with cloud kubernetes: it sets up an EBS volume on EKS nodes, cloud aws only (on kubernetes use imageCache.prePullImages)',
    ],
    [
        "a disk image without image streaming",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" }, imageCache: { streaming: false, diskImage: "global/images/cache" } },
        header(1) +
            "  - imageCache.streaming: received false; expected true or nothing (its default) with imageCache.diskImage: GKE reads a secondary boot disk's image cache through image streaming (gcfsConfig must be enabled)",
    ],
    [
        "a snapshot ID and a disk image of the wrong form",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" }, imageCache: { snapshotId: "snap-12345", diskImage: "vllm-cache-v1" } },
        header(2) +
            '  - imageCache.diskImage: received "vllm-cache-v1"; expected a Compute Engine disk image, global/images/<name> or projects/<project>/global/images/<name>, such as global/images/vllm-cache-v1\n' +
            '  - imageCache.snapshotId: received "snap-12345"; expected an EBS snapshot ID, snap- and 8 or 17 lowercase hex digits, such as snap-0123456789abcdef0',
    ],
    [
        "an image reference that is not one",
        { cloud: GpuPoolCloud.Kubernetes, imageCache: { prePullImages: [VLLM, "vLLM latest", VLLM] } },
        header(1) + '  - imageCache.prePullImages[1]: received "vLLM latest"; expected a container image reference, such as vllm/vllm-openai:v0.8.5 or <registry>/<repository>@sha256:<64 hex digits>',
    ],
    [
        "an image listed twice",
        { cloud: GpuPoolCloud.Kubernetes, imageCache: { prePullImages: [VLLM, TGI, VLLM] } },
        header(1) + `  - imageCache.prePullImages[2]: received "${VLLM.slice(0, 77)}..."; expected each image once (it is also imageCache.prePullImages[0])`,
    ],
];

describe("GpuPool image cache validation", () => {
    for (const [what, args, message] of invalid) {
        it(`rejects ${what} with the exact error, before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                let error: Error | undefined;
                try {
                    new GpuPool("bad", args);
                } catch (e) {
                    error = e as Error;
                }
                expect(error?.name).toBe("ModelshipValidationError");
                expect(error?.message).toBe(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

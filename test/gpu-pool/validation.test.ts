import { describe, expect, it } from "vitest";
import { Accelerator, CapacityType, GpuPool, GpuPoolArgs, GpuPoolCloud } from "../../index";
import { useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1", "gcp:region": "us-central1" } });

const aws = { clusterName: "ml", subnetIds: ["subnet-0a1"] };
const header = (count: number) => `modelship:index:GpuPool "bad": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** [what, arguments, the exact error message] */
const invalid: Array<[string, GpuPoolArgs, string]> = [
    [
        "an accelerator the cloud does not offer",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.A10G, gcp: { clusterName: "ml" } },
        header(1) +
            '  - accelerator: received "a10g"; expected an accelerator offered on GCP in us-central1 (the catalog has t4, l4, a100-40gb, a100-80gb or h100 there): ' +
            "NVIDIA A10G (a10g) is not offered on GCP per the catalog (AWS g5 only).",
    ],
    [
        "an accelerator the region does not offer",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L40S, aws: { ...aws, region: "eu-west-1" } },
        header(1) +
            '  - accelerator: received "l40s"; expected an accelerator offered on AWS in eu-west-1 (the catalog has t4, a10g or a100-40gb there): ' +
            "NVIDIA L40S (l40s) is not offered on AWS in eu-west-1 per the catalog (families g6e); regions with it: ap-northeast-1, ap-northeast-2, eu-central-1, eu-north-1, eu-south-2, us-east-1, us-east-2, us-west-2.",
    ],
    [
        "more GPUs per node than any instance type has",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, gpusPerNode: 16, aws },
        header(1) + "  - gpusPerNode: received 16; expected a GPU count per node that an AWS instance type offers: 1, 4 or 8 x NVIDIA L4 in us-east-1",
    ],
    [
        "a GPU count no machine type has",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.H100, gpusPerNode: 3, gcp: { clusterName: "ml" } },
        header(1) + "  - gpusPerNode: received 3; expected a GPU count per node that a GCP machine type offers: 1, 2, 4 or 8 x NVIDIA H100 in us-central1",
    ],
    ["min > max", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 3, maxNodes: 2, aws }, header(1) + "  - minNodes: received 3; expected at most maxNodes (2)"],
    [
        "an instance type that has no GPU",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { ...aws, instanceTypes: ["m5.xlarge"] } },
        header(1) +
            '  - aws.instanceTypes[0]: received "m5.xlarge"; expected an instance type with 1 x NVIDIA L4 (families g6, gr6); ' +
            "m5.xlarge has no GPU per the catalog, which lists the accelerator families g4dn, g5, g6, gr6, g6e, p4d, p4de, p5, p5en, inf2",
    ],
    [
        "instance types with another accelerator or GPU count",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { ...aws, instanceTypes: ["g5.xlarge", "g6.12xlarge"] } },
        header(2) +
            '  - aws.instanceTypes[0]: received "g5.xlarge"; expected an instance type with 1 x NVIDIA L4 (families g6, gr6); g5.xlarge carries NVIDIA A10G\n' +
            '  - aws.instanceTypes[1]: received "g6.12xlarge"; expected an instance type with 1 x NVIDIA L4 (families g6, gr6); g6.12xlarge has 4 GPUs (gpusPerNode is 1)',
    ],
    [
        "a machine type that has no GPU",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml", machineType: "n2-standard-8" } },
        header(1) +
            '  - gcp.machineType: received "n2-standard-8"; expected a machine type with 1 x NVIDIA L4; n2-standard-8 has no GPU per the catalog, which holds the GPU series g2, a2, a3 and n1 (with T4)',
    ],
    [
        "a zone without the accelerator",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml", location: "us-central1-f" } },
        header(1) + '  - gcp.location: received "us-central1-f"; expected a zone that offers the accelerator per the catalog: us-central1-a, us-central1-b, us-central1-c, or the region us-central1',
    ],
    [
        "a Neuron accelerator",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.Inferentia2, aws },
        header(1) + '  - accelerator: received "inferentia2"; expected an NVIDIA accelerator: GpuPool sets up nvidia.com/gpu nodes, and AWS Inferentia2 needs the Neuron AMI and device plugin',
    ],
    [
        "nodes larger than any type",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodeVcpus: 500, aws },
        header(1) + "  - minNodeVcpus: received 500; expected at most 64: the most vCPUs of a type with 1 x NVIDIA L4 on AWS in us-east-1 is 64 (g6.16xlarge)",
    ],
    [
        "Karpenter on a new cluster, with minimum nodes",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 1, aws: { ...aws, karpenter: true, createCluster: true } },
        header(2) +
            "  - aws.karpenter: received true; expected false with createCluster: Karpenter (its CRDs and controller) must already run in the cluster; attach to one that runs it\n" +
            "  - minNodes: received 1; expected 0 with aws.karpenter: Karpenter starts nodes only for pending pods (keep GPUs warm with headroom, or use a managed node group)",
    ],
    [
        // Schema problems are reported first; the cross-field checks (accelerator, cluster) run once they are fixed.
        "an empty subnet list, before the missing accelerator and cluster",
        { cloud: GpuPoolCloud.Aws, aws: { subnetIds: [] } },
        header(1) + "  - aws.subnetIds: received an array of 0; expected at least 1 item(s)",
    ],
    [
        "missing accelerator and cluster",
        { cloud: GpuPoolCloud.Aws, aws: { subnetIds: ["subnet-0a1"] } },
        header(2) +
            '  - accelerator: received nothing (the field is missing); expected an accelerator with cloud aws, for example "l4": it chooses the instance or machine type\n' +
            "  - aws.clusterName: received nothing (the field is missing); expected the name of the EKS cluster to attach to, or createCluster: true",
    ],
    [
        "settings of another cloud, and node counts on docker",
        { cloud: GpuPoolCloud.Docker, minNodes: 2, capacityType: CapacityType.Spot, aws },
        header(3) +
            "  - aws: received an object with clusterName, subnetIds; expected no aws settings with cloud docker (give the docker block, or change cloud)\n" +
            "  - minNodes: received 2; expected nothing with cloud docker (one machine: set gpusPerNode or docker.deviceIds)\n" +
            '  - capacityType: received "spot"; expected "on-demand" (the default) with cloud docker: the pool does not create the nodes',
    ],
    [
        "a GPU count that contradicts the listed Docker devices",
        { cloud: GpuPoolCloud.Docker, gpusPerNode: 4, docker: { deviceIds: ["0", "1"] } },
        header(1) + "  - gpusPerNode: received 4; expected nothing, or 2 (the number of docker.deviceIds), with cloud docker",
    ],
    [
        "a desired size outside min and max",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, minNodes: 1, maxNodes: 3, aws: { ...aws, desiredNodes: 5 } },
        header(1) + "  - aws.desiredNodes: received 5; expected a count from minNodes (1) to maxNodes (3)",
    ],
    [
        "a node location without the accelerator",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml", nodeLocations: ["us-central1-a", "us-central1-f"] } },
        header(1) + '  - gcp.nodeLocations[1]: received "us-central1-f"; expected a zone of us-central1 that offers the accelerator per the catalog: us-central1-a, us-central1-b, us-central1-c',
    ],
    [
        "deletion protection for a cluster the pool does not create",
        { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml", deletionProtection: false } },
        header(1) + "  - gcp.deletionProtection: received false; expected nothing unless createCluster is true (the pool does not delete a cluster it did not create)",
    ],
    [
        "a namespace of a GPU quota the API server would refuse",
        { cloud: GpuPoolCloud.Kubernetes, kubernetes: { gpuQuotas: { ML_Team: 4 } } },
        header(1) +
            '  - kubernetes.gpuQuotas.ML_Team: received 4; expected a namespace name as the key ("ML_Team" is not): ' +
            "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label, as the Kubernetes API server requires)",
    ],
    [
        "more nodes than a Kubernetes cluster supports",
        { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, maxNodes: 50_000, aws },
        header(1) + "  - maxNodes: received 50000; expected a number <= 5000",
    ],
    [
        "a misspelt field",
        { cloud: GpuPoolCloud.Kubernetes, kubernetes: { gpuQuota: { a: 1 } } } as unknown as GpuPoolArgs,
        header(1) + '  - kubernetes.gpuQuota: received an object with a; expected no such field: did you mean "gpuQuotas"? (fields of kubernetes: docs/reference.md#gpupool-kubernetes)',
    ],
];

describe("GpuPool argument validation", () => {
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

describe("GpuPool names where they name Kubernetes objects", () => {
    const long = "p".repeat(43);
    /** [what, resource name, arguments, the exact error message] */
    const cases: Array<[string, string, GpuPoolArgs, string]> = [
        [
            "a name that would have to be rewritten to name the NVIDIA device plugin's DaemonSet",
            "L4_Pool",
            { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws, observability: { enabled: false } },
            'modelship:index:GpuPool "L4_Pool": 1 invalid argument:\n' +
                '  - name: received "L4_Pool"; expected a name Kubernetes accepts as given, since it names the NVIDIA device plugin\'s DaemonSet: ' +
                "lowercase letters, digits and '-', starting and ending with a letter or digit, such as \"l4-pool\"",
        ],
        [
            "a name whose device plugin DaemonSet would pass 63 characters",
            long,
            { cloud: GpuPoolCloud.Kubernetes, kubernetes: { gpuQuotas: { ml: 4 } } },
            `modelship:index:GpuPool "${long}": 1 invalid argument:\n` +
                `  - name: received "${long}" (43 characters); expected at most 42 characters: the NVIDIA device plugin's DaemonSet would be named "${long}-nvidia-device-plugin", 64 characters, over Kubernetes' limit of 63`,
        ],
    ];
    for (const [what, name, args, message] of cases) {
        it(`rejects ${what}, before registering anything`, async () => {
            const { resources } = await rt.construct(() => expect(() => new GpuPool(name, args)).toThrow(message));
            expect(resources).toEqual([]);
        });
    }

    it("takes any name where it creates no Kubernetes object (a node group without the device plugin, GKE, both without observability)", async () => {
        const { resources } = await rt.construct(() => {
            new GpuPool("L4_Pool", { cloud: GpuPoolCloud.Aws, accelerator: Accelerator.L4, aws: { ...aws, devicePlugin: false }, observability: { enabled: false } });
            new GpuPool("L4_GKE", { cloud: GpuPoolCloud.Gcp, accelerator: Accelerator.L4, gcp: { clusterName: "ml" }, observability: { enabled: false } });
        });
        expect(resources.some((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes")).toBe(false);
        expect(
            resources
                .filter((r) => r.type === "modelship:index:GpuPool")
                .map((r) => r.name)
                .sort(),
        ).toEqual(["L4_GKE", "L4_Pool"]);
    });
});

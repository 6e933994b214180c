/**
 * `cloud: gcp`: a GKE node pool of GPU machines on an existing cluster, or on a GKE Standard cluster the pool
 * creates. GKE installs the NVIDIA driver (`gpuDriverInstallationConfig`) and runs its own device plugin, so
 * nothing is deployed into the cluster.
 *
 * Autoscaling uses total node counts (`totalMinNodeCount`/`totalMaxNodeCount`), not per-zone counts: `minNodes`
 * and `maxNodes` then mean what they say for the whole pool, whatever the number of zones, and the autoscaler
 * may put every node in the one zone that has GPUs free (per-zone counts would multiply the bounds by the zones).
 */
import * as gcp from "@pulumi/gcp";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cloudTags, gcpLabels } from "../../sdk/naming";
import { GpuDriverVersion, GpuPoolCloud } from "./args";
import { GPU_TAINT, nodeLabels, placementOf } from "./placement";
import { PoolDeployment, PoolSpec } from "./spec";

/**
 * The nodes' OAuth scopes, the least a node needs: write logs, write metrics, and read Cloud Storage (image
 * pulls from Artifact Registry and Container Registry). IAM roles of the node service account limit the rest.
 */
export const NODE_OAUTH_SCOPES = [
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring",
    "https://www.googleapis.com/auth/devstorage.read_only",
] as const;

/** The system node pool of a cluster the pool creates: kube-dns and other system pods do not tolerate the GPU taint. */
export const SYSTEM_NODES = { machineType: "e2-standard-4", nodesPerZone: 1 } as const;

/** A kubeconfig that authenticates with `gke-gcloud-auth-plugin`, as JSON (valid YAML). */
export function gkeKubeconfig(clusterName: string, endpoint: string, caCertificate: string): string {
    const context = `gke-${clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: `https://${endpoint}`, "certificate-authority-data": caCertificate } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        provideClusterInfo: true,
                        installHint: "Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/** A GKE Standard cluster without its default pool, a small system pool, and a provider. */
function createCluster(spec: PoolSpec, parent: pulumi.Resource) {
    const settings = spec.args.gcp!;
    const location = spec.gcp!.location;
    const resourceLabels = gcpLabels(cloudTags(spec.owner));
    const cluster = new gcp.container.Cluster(
        `${spec.name}-cluster`,
        {
            name: settings.clusterName,
            location,
            network: settings.network,
            subnetwork: settings.subnetwork,
            // Node pools are managed as their own resources: changing one never touches the cluster.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            releaseChannel: { channel: "REGULAR" },
            // Explicit, not left to the provider's default: a cluster holds every workload on it, so deleting or
            // replacing it takes a deliberate `deletionProtection: false` and a `pulumi up` first.
            deletionProtection: settings.deletionProtection ?? true,
            resourceLabels,
        },
        { parent },
    );
    const systemNodes = new gcp.container.NodePool(
        `${spec.name}-system-nodes`,
        {
            cluster: cluster.name,
            location,
            nodeCount: SYSTEM_NODES.nodesPerZone,
            nodeConfig: { machineType: SYSTEM_NODES.machineType, oauthScopes: [...NODE_OAUTH_SCOPES], serviceAccount: settings.serviceAccount, resourceLabels },
            management: { autoRepair: true, autoUpgrade: true },
        },
        { parent },
    );
    const kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.masterAuth.clusterCaCertificate]).apply(([name, endpoint, ca]) => gkeKubeconfig(name, endpoint, ca ?? "")));
    const provider = new kubernetes.Provider(`${spec.name}-kubernetes`, { kubeconfig }, { parent });
    return { cluster, systemNodes, kubeconfig, provider };
}

/** The GPU node pool's arguments, exactly as created and priced. */
export function gpuNodePoolArgs(spec: PoolSpec, clusterName: pulumi.Input<string>): gcp.container.NodePoolArgs {
    const settings = spec.args.gcp!;
    const { offer } = spec.gcp!.shape;
    return {
        cluster: clusterName,
        location: spec.gcp!.location,
        nodeLocations: spec.gcp!.nodeLocations,
        autoscaling: {
            totalMinNodeCount: spec.minNodes,
            totalMaxNodeCount: spec.maxNodes,
            // ANY starts nodes wherever capacity is (GKE's advice for spot); BALANCED spreads on-demand nodes over zones.
            locationPolicy: spec.spot ? "ANY" : "BALANCED",
        },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
            machineType: offer.machineType,
            // g2, a2 and a3 come with their GPUs, but the accelerator is still named, for the driver installation.
            guestAccelerators: [
                {
                    type: offer.acceleratorType as string,
                    count: spec.gpusPerNode,
                    gpuDriverInstallationConfig: { gpuDriverVersion: settings.gpuDriverVersion ?? GpuDriverVersion.Default },
                },
            ],
            spot: spec.spot,
            diskSizeGb: settings.diskSizeGb ?? 100,
            labels: nodeLabels(spec.name, spec.accelerator!),
            // GKE adds this taint itself only when the cluster has non-GPU pools too: set it so it is always there.
            taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" }],
            oauthScopes: [...NODE_OAUTH_SCOPES],
            serviceAccount: settings.serviceAccount,
            resourceLabels: gcpLabels(cloudTags(spec.owner)),
        },
    };
}

/** The spot warning: a single zone is a single capacity pool. */
export function gkeSpotWarnings(spec: PoolSpec): string[] {
    const zones = spec.gcp!.zonal ? [spec.gcp!.location] : (spec.gcp!.nodeLocations ?? []);
    if (!spec.spot || zones.length !== 1) return [];
    return [
        `spot capacity in one zone (${zones[0]}) with one machine type (${spec.gcp!.shape.offer.machineType}): when GCP reclaims it, every node goes at once. ` +
            "Use a regional location with several zones, or on-demand.",
    ];
}

/** `cloud: gcp`. */
export function deployGke(spec: PoolSpec, parent: pulumi.ComponentResource): PoolDeployment {
    const settings = spec.args.gcp!;
    const resources: Record<string, pulumi.Resource> = {};
    let clusterName: pulumi.Input<string> = settings.clusterName ?? "";
    let created: ReturnType<typeof createCluster> | undefined;
    if (settings.createCluster) {
        created = createCluster(spec, parent);
        clusterName = created.cluster.name;
        Object.assign(resources, { cluster: created.cluster, systemNodes: created.systemNodes, provider: created.provider });
    }
    const args = gpuNodePoolArgs(spec, clusterName);
    resources.nodePool = new gcp.container.NodePool(`${spec.name}-gpu-nodes`, args, { parent });
    return {
        cloud: GpuPoolCloud.Gcp,
        placement: placementOf(nodeLabels(spec.name, spec.accelerator!), true),
        clusterName,
        kubeconfig: created?.kubeconfig,
        pricedNodes: { type: "gcp:container/nodePool:NodePool", inputs: args as unknown as Record<string, unknown> },
        resources,
        warnings: gkeSpotWarnings(spec),
    };
}

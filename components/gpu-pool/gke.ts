/**
 * `cloud: gcp`: a GKE node pool of GPU machines on an existing cluster, or on a GKE Standard cluster the pool
 * creates. GKE installs the NVIDIA driver (`gpuDriverInstallationConfig`) and runs its own device plugin, so no
 * device plugin is deployed into the cluster (the image pre-puller of `imageCache.prePullImages` and the headroom's
 * placeholders are, when asked for).
 *
 * Autoscaling uses total node counts (`totalMinNodeCount`/`totalMaxNodeCount`), not per-zone counts: `minNodes`
 * and `maxNodes` then mean what they say for the whole pool, whatever the number of zones, and the autoscaler
 * may put every node in the one zone that has GPUs free (per-zone counts would multiply the bounds by the zones).
 */
import * as gcp from "@pulumi/gcp";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gcpRegionOf } from "../../sdk/cost/inputs";
import { DEFAULT_GCP_REGION } from "../../sdk/cost/regions";
import { cloudTags, gcpLabels } from "../../sdk/naming";
import { describeValue, ValidationProblem, withDefaults } from "../../sdk/validate";
import { GpuDriverVersion, GpuPoolCloud } from "./args";
import { gkeImageCacheConfig } from "./image-cache";
import { imagePullerResources } from "./image-puller";
import { GPU_TAINT, nodeLabels, placementOf } from "./placement";
import { ParsedGpuPoolArgs } from "./schema";
import { gcpShape } from "./shapes";
import { GcpPoolSpec, isSpot, PoolBase, PoolCloud, PoolDeployment, requiredProblem, Resolved, shapeRequest } from "./spec";

/**
 * The nodes' OAuth scopes, the least a node needs: write logs, write metrics, and read Cloud Storage (image
 * pulls from Artifact Registry and Container Registry). IAM roles of the node service account limit the rest.
 */
export const NODE_OAUTH_SCOPES = ["https://www.googleapis.com/auth/logging.write", "https://www.googleapis.com/auth/monitoring", "https://www.googleapis.com/auth/devstorage.read_only"] as const;

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

/** The boot disk key of a node pool's nodes: only when a customer-managed key is given (else Google-managed encryption). */
function bootDiskKey(spec: GcpPoolSpec): { bootDiskKmsKey?: pulumi.Input<string> } {
    return spec.bootDiskKmsKey !== undefined ? { bootDiskKmsKey: spec.bootDiskKmsKey } : {};
}

/** A GKE Standard cluster without its default pool, a small system pool, and a provider. */
function createCluster(spec: GcpPoolSpec, parent: pulumi.Resource) {
    const location = spec.location;
    const resourceLabels = gcpLabels(cloudTags(spec.owner));
    const cluster = new gcp.container.Cluster(
        `${spec.name}-cluster`,
        {
            name: spec.clusterName,
            location,
            network: spec.network,
            subnetwork: spec.subnetwork,
            // Node pools are managed as their own resources: changing one never touches the cluster.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            releaseChannel: { channel: "REGULAR" },
            // Explicit, not left to the provider's default: a cluster holds every workload on it, so deleting or
            // replacing it takes a deliberate `deletionProtection: false` and a `pulumi up` first.
            deletionProtection: spec.deletionProtection,
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
            nodeConfig: { machineType: SYSTEM_NODES.machineType, oauthScopes: [...NODE_OAUTH_SCOPES], serviceAccount: spec.serviceAccount, ...bootDiskKey(spec), resourceLabels },
            management: { autoRepair: true, autoUpgrade: true },
        },
        { parent },
    );
    const kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.masterAuth.clusterCaCertificate]).apply(([name, endpoint, ca]) => gkeKubeconfig(name, endpoint, ca ?? "")));
    const provider = new kubernetes.Provider(`${spec.name}-kubernetes`, { kubeconfig }, { parent });
    return { cluster, systemNodes, kubeconfig, provider };
}

/** The GPU node pool's arguments, exactly as created and priced. */
export function gpuNodePoolArgs(spec: GcpPoolSpec, clusterName: pulumi.Input<string>): gcp.container.NodePoolArgs {
    const { offer } = spec.shape;
    return {
        cluster: clusterName,
        location: spec.location,
        nodeLocations: spec.nodeLocations,
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
                    gpuDriverInstallationConfig: { gpuDriverVersion: spec.gpuDriverVersion },
                },
            ],
            spot: spec.spot,
            diskSizeGb: spec.diskSizeGb,
            ...bootDiskKey(spec),
            labels: nodeLabels(spec.name, spec.accelerator),
            // GKE adds this taint itself only when the cluster has non-GPU pools too: set it so it is always there.
            taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" }],
            oauthScopes: [...NODE_OAUTH_SCOPES],
            serviceAccount: spec.serviceAccount,
            resourceLabels: gcpLabels(cloudTags(spec.owner)),
            ...gkeImageCacheConfig(spec.imageCache),
        },
    };
}

/** The spot warning: a single zone is a single capacity pool. */
export function gkeSpotWarnings(spec: GcpPoolSpec): string[] {
    const zones = spec.zonal ? [spec.location] : (spec.nodeLocations ?? []);
    if (!spec.spot || zones.length !== 1) return [];
    return [
        `spot capacity in one zone (${zones[0]}) with one machine type (${spec.shape.offer.machineType}): when GCP reclaims it, every node goes at once. ` +
            "Use a regional location with several zones, or on-demand.",
    ];
}

/** `cloud: gcp`. */
export function deployGke(spec: GcpPoolSpec, parent: pulumi.ComponentResource): PoolDeployment {
    const resources: Record<string, pulumi.Resource> = {};
    let clusterName: pulumi.Input<string> = spec.clusterName ?? "";
    let created: ReturnType<typeof createCluster> | undefined;
    if (spec.createCluster) {
        created = createCluster(spec, parent);
        clusterName = created.cluster.name;
        Object.assign(resources, { cluster: created.cluster, systemNodes: created.systemNodes, provider: created.provider });
    }
    const args = gpuNodePoolArgs(spec, clusterName);
    resources.nodePool = new gcp.container.NodePool(`${spec.name}-gpu-nodes`, args, { parent });
    const placement = placementOf(nodeLabels(spec.name, spec.accelerator), true);
    Object.assign(resources, imagePullerResources(spec.imageCache, spec.owner, placement, created ? { parent, provider: created.provider } : { parent }));
    return {
        cloud: GpuPoolCloud.Gcp,
        placement,
        clusterName,
        kubeconfig: created?.kubeconfig,
        pricedNodes: { type: "gcp:container/nodePool:NodePool", inputs: args as unknown as Record<string, unknown> },
        resources,
        warnings: gkeSpotWarnings(spec),
    };
}

/** The defaults of the `gcp` block's optional fields. */
const GCP_DEFAULTS = { createCluster: false, deletionProtection: true, gpuDriverVersion: GpuDriverVersion.Default, diskSizeGb: 100 };

function gcpLocation(given: string | undefined): string {
    const config = new pulumi.Config("gcp");
    return given ?? config.get("region") ?? config.get("zone") ?? DEFAULT_GCP_REGION;
}

/** Zones: a zonal location must offer the accelerator, and so must every listed node location. */
function zoneProblems(nodeLocations: readonly string[], location: string, zonal: boolean, zones: readonly string[]): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const offered = zones.join(", ");
    if (zonal && !zones.includes(location)) {
        problems.push({ path: "gcp.location", received: describeValue(location), expected: `a zone that offers the accelerator per the catalog: ${offered}, or the region ${gcpRegionOf(location)}` });
    }
    if (zonal && nodeLocations.length > 0) {
        problems.push({ path: "gcp.nodeLocations", received: describeValue(nodeLocations), expected: "nothing with a zonal location (the pool lives in that zone)" });
    } else {
        nodeLocations.forEach((zone, i) => {
            if (!zones.includes(zone))
                problems.push({
                    path: `gcp.nodeLocations[${i}]`,
                    received: describeValue(zone),
                    expected: `a zone of ${gcpRegionOf(location)} that offers the accelerator per the catalog: ${offered}`,
                });
        });
    }
    return problems;
}

function resolve(args: ParsedGpuPoolArgs, base: PoolBase): Resolved<GcpPoolSpec> {
    // The cross-field checks require both (schema.ts); the guard keeps a spec from ever being built without them.
    if (args.gcp === undefined) return { problems: [requiredProblem("gcp", "the gcp settings with cloud gcp")] };
    if (args.accelerator === undefined) return { problems: [requiredProblem("accelerator", "an accelerator with cloud gcp")] };
    const settings = withDefaults(GCP_DEFAULTS, args.gcp);
    const location = gcpLocation(settings.location);
    const region = gcpRegionOf(location);
    const zonal = location !== region;
    const found = gcpShape(shapeRequest(args, args.accelerator), region, settings.machineType);
    if (!found.shape) return { problems: found.problems };
    const problems = zoneProblems(settings.nodeLocations ?? [], location, zonal, found.shape.zones);
    if (problems.length > 0) return { problems };
    const spec: GcpPoolSpec = {
        ...base,
        cloud: GpuPoolCloud.Gcp,
        accelerator: args.accelerator,
        spot: isSpot(args),
        region,
        location,
        zonal,
        nodeLocations: zonal ? undefined : (settings.nodeLocations ?? [...found.shape.zones]),
        shape: found.shape,
        clusterName: settings.clusterName,
        createCluster: settings.createCluster,
        deletionProtection: settings.deletionProtection,
        gpuDriverVersion: settings.gpuDriverVersion,
        serviceAccount: settings.serviceAccount,
        diskSizeGb: settings.diskSizeGb,
        bootDiskKmsKey: settings.bootDiskKmsKey,
        network: settings.network,
        subnetwork: settings.subnetwork,
    };
    return { spec, problems: [] };
}

export const gcpCloud: PoolCloud<GpuPoolCloud.Gcp> = { resolve, deploy: deployGke };

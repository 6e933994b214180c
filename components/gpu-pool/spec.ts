/**
 * resolveSpec(): the parsed arguments with every default applied and the node shapes chosen from the catalog.
 * The cloud files read this plain shape only, never the raw arguments.
 */
import * as pulumi from "@pulumi/pulumi";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { gcpRegionOf } from "../../sdk/cost/inputs";
import { DEFAULT_GCP_REGION, stackAwsRegion } from "../../sdk/cost/regions";
import { Ownership } from "../../sdk/naming";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { CapacityType, GpuPoolCloud, GpuPoolDeviceRequest, GpuPoolPlacement } from "./args";
import { ParsedGpuPoolArgs } from "./schema";
import { AwsShape, awsShape, GcpShape, gcpShape, ShapeRequest } from "./shapes";

/** A GpuPool's arguments, resolved. */
export interface PoolSpec {
    /** The component's resource name. */
    name: string;
    cloud: GpuPoolCloud;
    /** Undefined only on kubernetes and docker without an accelerator. */
    accelerator?: Accelerator;
    gpusPerNode: number;
    minNodes: number;
    maxNodes: number;
    spot: boolean;
    owner: Ownership;
    args: ParsedGpuPoolArgs;
    /** Set on aws. */
    aws?: { region: string; regionGiven: boolean; shape: AwsShape };
    /** Set on gcp. */
    gcp?: { region: string; location: string; zonal: boolean; nodeLocations?: string[]; shape: GcpShape };
}

/** What a cloud's deploy function created, for the component's outputs. */
export interface PoolDeployment {
    cloud: GpuPoolCloud;
    placement: GpuPoolPlacement;
    /** The EKS or GKE cluster's name (existing or created). */
    clusterName?: pulumi.Input<string>;
    /** ARN of the nodes' IAM role (aws). */
    nodeRoleArn?: pulumi.Output<string>;
    /** Kubeconfig of a cluster the pool created, as a secret. */
    kubeconfig?: pulumi.Output<string>;
    /** The resource that holds the GPUs, as the cost model prices it. */
    pricedNodes?: { type: string; inputs: Record<string, unknown> };
    /** Docker's device request. */
    deviceRequest?: GpuPoolDeviceRequest;
    /** Underlying resources by role (escape hatches). */
    resources: Record<string, pulumi.Resource>;
    /** Warnings to log on the component. */
    warnings: string[];
}

function shapeRequest(args: ParsedGpuPoolArgs): ShapeRequest {
    const gpus = args.gpusPerNode ?? 1;
    return {
        accelerator: args.accelerator as Accelerator,
        gpusPerNode: gpus,
        spot: args.capacityType === CapacityType.Spot,
        // Room for a ModelService's default GPU pod (4 vCPUs and 16 GiB per GPU): the node needs more than the
        // pod, since kubelet, the OS and the DaemonSets reserve part of it.
        minVcpus: args.minNodeVcpus ?? 4 * gpus + 1,
        minMemoryGiB: args.minNodeMemoryGiB ?? 16 * gpus + 1,
        explicitMinimums: { vcpus: args.minNodeVcpus !== undefined, memory: args.minNodeMemoryGiB !== undefined },
    };
}

function gcpLocation(args: ParsedGpuPoolArgs): string {
    const config = new pulumi.Config("gcp");
    return args.gcp?.location ?? config.get("region") ?? config.get("zone") ?? DEFAULT_GCP_REGION;
}

/** Zones: a zonal location must offer the accelerator, and so must every listed node location. */
function zoneProblems(args: ParsedGpuPoolArgs, location: string, zonal: boolean, zones: readonly string[]): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const offered = zones.join(", ");
    if (zonal && !zones.includes(location)) {
        problems.push({ path: "gcp.location", received: describeValue(location), expected: `a zone that offers the accelerator per the catalog: ${offered}, or the region ${gcpRegionOf(location)}` });
    }
    const nodeLocations = args.gcp?.nodeLocations ?? [];
    if (zonal && nodeLocations.length > 0) {
        problems.push({ path: "gcp.nodeLocations", received: describeValue(nodeLocations), expected: "nothing with a zonal location (the pool lives in that zone)" });
    } else {
        nodeLocations.forEach((zone, i) => {
            if (!zones.includes(zone)) problems.push({ path: `gcp.nodeLocations[${i}]`, received: describeValue(zone), expected: `a zone of ${gcpRegionOf(location)} that offers the accelerator per the catalog: ${offered}` });
        });
    }
    return problems;
}

/** The resolved spec, or the problems that prevent it (catalog and zone checks). */
export function resolveSpec(name: string, args: ParsedGpuPoolArgs): { spec?: PoolSpec; problems: ValidationProblem[] } {
    const base: PoolSpec = {
        name,
        cloud: args.cloud,
        accelerator: args.accelerator,
        gpusPerNode: args.docker?.deviceIds?.length ?? args.gpusPerNode ?? 1,
        minNodes: args.minNodes ?? (args.cloud === GpuPoolCloud.Docker ? 1 : 0),
        maxNodes: args.maxNodes ?? 1,
        spot: args.capacityType === CapacityType.Spot,
        owner: { component: "GpuPool", service: name, tags: args.tags },
        args,
    };
    if (args.cloud === GpuPoolCloud.Aws) {
        const regionGiven = args.aws?.region !== undefined;
        const region = args.aws?.region ?? stackAwsRegion();
        const found = awsShape(shapeRequest(args), region, args.aws?.instanceTypes);
        if (!found.shape) return { problems: found.problems };
        return { spec: { ...base, aws: { region, regionGiven, shape: found.shape } }, problems: [] };
    }
    if (args.cloud === GpuPoolCloud.Gcp) {
        const location = gcpLocation(args);
        const region = gcpRegionOf(location);
        const zonal = location !== region;
        const found = gcpShape(shapeRequest(args), region, args.gcp?.machineType);
        if (!found.shape) return { problems: found.problems };
        const problems = zoneProblems(args, location, zonal, found.shape.zones);
        if (problems.length > 0) return { problems };
        const nodeLocations = zonal ? undefined : (args.gcp?.nodeLocations ?? [...found.shape.zones]);
        return { spec: { ...base, gcp: { region, location, zonal, nodeLocations, shape: found.shape } }, problems: [] };
    }
    return { spec: base, problems: [] };
}

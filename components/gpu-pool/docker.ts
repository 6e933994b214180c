/**
 * `cloud: docker`: the GPUs of the local Docker engine, so the same program runs on a workstation. Nothing is
 * created: the pool describes the device request (`docker run --gpus`) a container on this engine may make.
 * The engine needs the NVIDIA Container Toolkit; Docker then hands the GPUs to the container.
 */
import * as pulumi from "@pulumi/pulumi";
import { GpuPoolCloud, GpuPoolDeviceRequest } from "./args";
import { placementOf } from "./placement";
import { ParsedGpuPoolArgs } from "./schema";
import { DockerPoolSpec, PoolBase, PoolCloud, PoolDeployment, Resolved } from "./spec";

/** The NVIDIA device request: the listed GPUs, or all of them (count -1, Docker's `--gpus all`). */
export function deviceRequestOf(deviceIds: readonly string[] | undefined): GpuPoolDeviceRequest {
    return deviceIds && deviceIds.length > 0 ? { driver: "nvidia", count: 0, deviceIds: [...deviceIds], capabilities: ["gpu"] } : { driver: "nvidia", count: -1, deviceIds: [], capabilities: ["gpu"] };
}

/** `cloud: docker`: no resources; no node selector or toleration (there are no nodes). */
export function deployDocker(spec: DockerPoolSpec, _parent: pulumi.ComponentResource): PoolDeployment {
    return {
        cloud: GpuPoolCloud.Docker,
        placement: placementOf({}, false),
        deviceRequest: deviceRequestOf(spec.deviceIds),
        resources: {},
        warnings: [],
    };
}

function resolve(args: ParsedGpuPoolArgs, base: PoolBase): Resolved<DockerPoolSpec> {
    return { spec: { ...base, cloud: GpuPoolCloud.Docker, deviceIds: args.docker?.deviceIds }, problems: [] };
}

export const dockerCloud: PoolCloud<GpuPoolCloud.Docker> = { resolve, deploy: deployDocker };

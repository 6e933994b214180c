/**
 * Every cloud of GpuPool, by name: a `Record` over {@link GpuPoolCloud}, so a new member fails to compile until it has
 * its file here. Each cloud resolves its own spec member and deploys it.
 */
import * as pulumi from "@pulumi/pulumi";
import { GpuPoolCloud } from "./args";
import { awsCloud } from "./aws";
import { dockerCloud } from "./docker";
import { gcpCloud } from "./gke";
import { deployHeadroom } from "./headroom";
import { kubernetesCloud } from "./kubernetes";
import { ParsedGpuPoolArgs } from "./schema";
import { PoolCloud, PoolDeployment, PoolSpec, poolBase, Resolved } from "./spec";

export const CLOUDS: { [C in GpuPoolCloud]: PoolCloud<C> } = {
    [GpuPoolCloud.Aws]: awsCloud,
    [GpuPoolCloud.Gcp]: gcpCloud,
    [GpuPoolCloud.Kubernetes]: kubernetesCloud,
    [GpuPoolCloud.Docker]: dockerCloud,
};

/** The cloud named `cloud`, typed to its own spec member. */
function cloudOf<C extends GpuPoolCloud>(cloud: C): PoolCloud<C> {
    return CLOUDS[cloud];
}

/** The resolved spec, or the problems that prevent it (catalog and zone checks). */
export function resolveSpec(name: string, args: ParsedGpuPoolArgs): Resolved<PoolSpec> {
    return cloudOf(args.cloud).resolve(args, poolBase(name, args));
}

/** Creates the pool's resources on its cloud, then its warm headroom on the pool's cluster (`headroom.ts`). */
export function deployPool(spec: PoolSpec, parent: pulumi.ComponentResource): PoolDeployment {
    return deployHeadroom(spec, cloudOf(spec.cloud).deploy(spec, parent), parent);
}

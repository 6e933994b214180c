/** What every pricer receives besides the resource's inputs. */
import type { ResourceScaling } from "../types";

/** Regions and links to other resources of the stack, with the defaults applied. */
export interface PricingContext {
    /** Region of AWS resources without their own `region`. */
    awsRegion: string;
    /** Region of GCP resources without a location. */
    gcpRegion: string;
    /** Cloud for pods that name their accelerator only with `modelship.dev/accelerator`. */
    kubernetesCloud: "aws" | "gcp";
    /** Autoscaler bounds and whether the stack creates the cluster's nodes. */
    scaling: ResourceScaling;
}

/**
 * The regions of the stack: what a resource without its own region or location runs in, for the components
 * that place resources and for the cost model that prices them. One reading of the provider config, so that a
 * component and its cost estimate never disagree on the region.
 */
import * as pulumi from "@pulumi/pulumi";

/** Default region of AWS resources without their own `region` (the AWS provider's own default is none). */
export const DEFAULT_AWS_REGION = "us-east-1";
/** Default region of GCP resources without a location. */
export const DEFAULT_GCP_REGION = "us-central1";

/** The stack's AWS region: the `aws:region` config, else {@link DEFAULT_AWS_REGION}. */
export function stackAwsRegion(): string {
    return new pulumi.Config("aws").get("region") ?? DEFAULT_AWS_REGION;
}

/** The stack's GCP region: the `gcp:region` config, else {@link DEFAULT_GCP_REGION}. */
export function stackGcpRegion(): string {
    return new pulumi.Config("gcp").get("region") ?? DEFAULT_GCP_REGION;
}

/**
 * The account, region and partition the AWS provider deploys into, looked up once per component. The
 * lookups run with the component as parent, so a provider given to the component (`providers: { aws }`)
 * answers them, and the names and ARNs built from them match where the resources land.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where AWS resources of a component are created. */
export interface AwsContext {
    accountId: string;
    region: string;
    /** `aws`, `aws-cn` or `aws-us-gov`: the first field of every ARN. */
    partition: string;
    /** `amazonaws.com`, or `amazonaws.com.cn` in China. */
    dnsSuffix: string;
}

/** Looks up the account, region and partition of the provider that `parent`'s children use. */
export function awsContext(parent: pulumi.Resource): pulumi.Output<AwsContext> {
    const opts = { parent };
    return pulumi.all([aws.getCallerIdentityOutput({}, opts), aws.getRegionOutput({}, opts), aws.getPartitionOutput({}, opts)]).apply(([identity, region, partition]) => ({
        accountId: identity.accountId,
        region: region.region,
        partition: partition.partition,
        dnsSuffix: partition.dnsSuffix,
    }));
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arn(ctx: AwsContext, service: string, resource: string, scope: { region?: boolean; account?: boolean } = {}): string {
    const region = scope.region === false ? "" : ctx.region;
    const account = scope.account === false ? "" : ctx.accountId;
    return `arn:${ctx.partition}:${service}:${region}:${account}:${resource}`;
}

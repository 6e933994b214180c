/**
 * Customer-managed keys of the nodes' disks: the formats accepted (`aws.volumeKmsKeyArn`, `gcp.bootDiskKmsKey`) and
 * the checks against the pool's region. The pool never creates a key, a grant or a key policy: the key's owner grants
 * its use (see the arguments' TSDoc), so that deploying a pool needs no KMS administration rights.
 */
import { z } from "zod";
import { describeValue, input, ValidationProblem } from "../../sdk/validate";

/** A KMS key ARN: partition, region, account, and a key ID (a UUID, or `mrk-` and 32 hex digits for a multi-Region key). */
const AWS_KEY_ARN = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-gov)?-[a-z]+-[0-9]):([0-9]{12}):key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** A Cloud KMS crypto key's resource name (project IDs may be domain-scoped, `example.com:project`). */
const GCP_KEY_NAME = /^projects\/([a-z][-a-z0-9.:]{4,61}[a-z0-9])\/locations\/([a-z0-9-]+)\/keyRings\/([A-Za-z0-9_-]{1,63})\/cryptoKeys\/([A-Za-z0-9_-]{1,63})$/;

/** `aws.volumeKmsKeyArn`: a key ARN, or an Output of one (checked once known). */
export const awsKmsKeyArn = input(
    z
        .string()
        .regex(
            AWS_KEY_ARN,
            "the ARN of a symmetric KMS key, arn:<partition>:kms:<region>:<account>:key/<key id>, such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not a key ID, an alias or an alias ARN)",
        ),
);

/** `gcp.bootDiskKmsKey`: a crypto key's resource name, or an Output of one (checked once known). */
export const gcpKmsKeyName = input(
    z
        .string()
        .regex(
            GCP_KEY_NAME,
            "a Cloud KMS key's resource name, projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>, such as projects/acme-kms/locations/us-central1/keyRings/gke/cryptoKeys/nodes",
        ),
);

/** The partition of an AWS region, as ARNs name it. */
export function partitionOf(region: string): string {
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("cn-")) return "aws-cn";
    return "aws";
}

/**
 * An EBS volume can only use a KMS key of its own Region (a multi-Region key through its replica in that Region): a
 * key ARN given as a plain string must name the pool's region and partition. An Output is checked by format only.
 */
export function awsKeyRegionProblems(keyArn: unknown, region: string, regionWords: string): ValidationProblem[] {
    if (typeof keyArn !== "string") return [];
    const match = AWS_KEY_ARN.exec(keyArn);
    if (!match) return [];
    const [, partition, keyRegion] = match;
    if (keyRegion === region && partition === partitionOf(region)) return [];
    return [
        {
            path: "aws.volumeKmsKeyArn",
            received: describeValue(keyArn),
            expected: `a KMS key in the pool's region, ${region} (${regionWords}), as arn:${partitionOf(region)}:kms:${region}:<account>:key/<key id>: EBS encrypts a volume only with a key of its own Region`,
        },
    ];
}

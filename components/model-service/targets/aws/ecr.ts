/**
 * Amazon ECR image references. SageMaker and Lambda pull container images only from ECR (SageMaker also
 * from a private registry inside a VPC, which modelship does not set up), so both targets check the form
 * before anything is created, and SageMaker's execution role gets pull rights on exactly that repository.
 */

/** The parts of an ECR image URI `<account>.dkr.ecr.<region>.amazonaws.com/<repository>(:<tag>|@sha256:<digest>)`. */
export interface EcrImage {
    account: string;
    region: string;
    repository: string;
}

// Registry host: standard, FIPS (`dkr.ecr-fips`) and China (`.amazonaws.com.cn`) endpoints. The reference
// must name a tag or digest: Lambda rejects a bare repository.
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** Parses an ECR image URI; undefined when the image is not in ECR or names no tag or digest. */
export function parseEcrImage(image: string): EcrImage | undefined {
    const match = ECR_IMAGE.exec(image);
    return match ? { account: match[1], region: match[2], repository: match[3] } : undefined;
}

/** What the error messages say an ECR image looks like. */
export const ECR_IMAGE_FORM = "an Amazon ECR image <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>";

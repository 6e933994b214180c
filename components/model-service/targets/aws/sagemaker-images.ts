/**
 * AWS's own SageMaker containers, where the runtime's server has one (the `sagemaker` field of its entry in
 * sdk/catalog/runtimes, with what each reads), so that `uri` with runtime `vllm` or `tgi` serves on SageMaker
 * without a custom image; and where AWS publishes them.
 *
 * Deep Learning Containers live in account 763104351884 in most regions and in a regional account elsewhere
 * (github.com/aws/deep-learning-containers, docs/reference/region_availability.md).
 */
import { runtimesWhere, SageMakerContainer, SERVING_RUNTIMES } from "../../../../sdk/catalog/runtimes";
import { ServingRuntime } from "../../args";

/** The SageMaker container of each runtime that has one, from the runtimes table. */
export const SAGEMAKER_CONTAINERS: Partial<Record<ServingRuntime, SageMakerContainer>> = Object.fromEntries(
    runtimesWhere((entry) => entry.sagemaker !== undefined).map((runtime) => [runtime, SERVING_RUNTIMES[runtime].sagemaker]),
);

/** The account of the Deep Learning Container registry in most regions. */
const DEFAULT_DLC_ACCOUNT = "763104351884";

/** Regions whose Deep Learning Container registry is in another account (region_availability.md). */
const REGIONAL_DLC_ACCOUNTS: Readonly<Record<string, string>> = {
    "af-south-1": "626614931356",
    "ap-east-1": "871362719292",
    "ap-east-2": "975050140332",
    "ap-south-2": "772153158452",
    "ap-southeast-3": "907027046896",
    "ap-southeast-4": "457447274322",
    "ap-southeast-5": "550225433462",
    "ap-southeast-6": "633930458069",
    "ap-southeast-7": "590183813437",
    "ap-northeast-3": "364406365360",
    "ca-west-1": "204538143572",
    "cn-north-1": "727897471807",
    "cn-northwest-1": "727897471807",
    "eu-central-2": "380420809688",
    "eu-south-1": "692866216735",
    "eu-south-2": "503227376785",
    "il-central-1": "780543022126",
    "me-central-1": "914824155844",
    "me-south-1": "217643126080",
    "mx-central-1": "637423239942",
};

/** Regions served from the default account. */
const DEFAULT_ACCOUNT_REGIONS: ReadonlySet<string> = new Set([
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "sa-east-1",
]);

/** The registry account of AWS's Deep Learning Containers in `region`; undefined where AWS lists none. */
export function dlcAccount(region: string): string | undefined {
    return REGIONAL_DLC_ACCOUNTS[region] ?? (DEFAULT_ACCOUNT_REGIONS.has(region) ? DEFAULT_DLC_ACCOUNT : undefined);
}

/** True when `runtime` has a SageMaker container modelship can default to. */
export function hasSageMakerContainer(runtime: ServingRuntime): boolean {
    return SERVING_RUNTIMES[runtime].sagemaker !== undefined;
}

/**
 * The image URI of `runtime`'s SageMaker container in `region` (`dnsSuffix`: `amazonaws.com`, or
 * `amazonaws.com.cn` in China). Throws where AWS publishes none, naming the argument that replaces it.
 */
export function sagemakerContainerImage(runtime: ServingRuntime, region: string, dnsSuffix: string): string {
    const container = SERVING_RUNTIMES[runtime].sagemaker;
    if (!container) throw new Error(`runtime ${runtime} has no SageMaker container: set model.serverImage`);
    const account = dlcAccount(region);
    if (account === undefined) {
        throw new Error(`AWS publishes no Deep Learning Containers in region ${region}, so ${container.description} cannot be pulled there: set model.serverImage to an ECR image in that region`);
    }
    return `${account}.dkr.ecr.${region}.${dnsSuffix}/${container.repository}:${container.tag}`;
}

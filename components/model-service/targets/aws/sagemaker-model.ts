/**
 * What a SageMaker Model's container gets from the serving spec: where its model data comes from, the
 * environment the Hugging Face and LMI server images read, and the execution role's policy.
 */
import { ServingRuntime } from "../../args";
import { huggingFaceId, parseArtifactUri, uriScheme } from "../../artifact";
import { runtimeEntry } from "../../../../sdk/catalog/runtimes";
import { ServingSpec, ServingVersion } from "../../spec";
import { AwsContext } from "./context";
import { ecrPullStatements, policy, PolicyDocument, PolicyStatement, readSecretsStatement, S3Location, s3Location, s3ReadStatements, writeLogsStatement } from "./iam";

/** Where SageMaker puts model data inside the container. */
export const SAGEMAKER_MODEL_DIR = "/opt/ml/model";

/** Namespace of the endpoint instance metrics (CPU, memory, GPU, disk) SageMaker publishes. */
export const SAGEMAKER_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints";

/** Runtimes whose SageMaker images (Hugging Face TGI DLC, LMI) read the model from `HF_MODEL_ID`. */
const HF_MODEL_ID_RUNTIMES: readonly ServingRuntime[] = [ServingRuntime.Tgi, ServingRuntime.Vllm];

/** The S3 location of a version's artifact; undefined for images and hf:// models. */
export function s3Artifact(version: ServingVersion): S3Location | undefined {
    return version.artifact && uriScheme(version.artifact.uri) === "s3" ? s3Location(version.artifact.uri) : undefined;
}

/**
 * SageMaker copies an s3:// artifact to /opt/ml/model itself (no download container): an S3 prefix as
 * is, a `.tar.gz` archive extracted.
 */
export function modelDataSource(location: S3Location) {
    return {
        s3DataSources: [
            {
                s3Uri: `s3://${location.bucket}/${location.key}`,
                s3DataType: location.isObject ? "S3Object" : "S3Prefix",
                compressionType: location.isObject ? "Gzip" : "None",
            },
        ],
    };
}

/**
 * Environment the server images read (sagemaker-images.ts, the runtime table's `sagemaker` entries): `HF_MODEL_ID` (a
 * Hub id for hf://, or /opt/ml/model for S3 data) for TGI and vLLM (LMI) images, and the Hub revision of an
 * `hf://org/name@revision` (TGI `HF_MODEL_REVISION`, LMI `HF_REVISION`); the GPUs to shard over (TGI `SM_NUM_GPUS`,
 * LMI `TENSOR_PARALLEL_DEGREE`); and for vLLM the name clients send (`OPTION_SERVED_MODEL_NAME`, the LMI form of
 * `--served-model-name`). The user's env overrides these.
 */
export function presetEnvironment(spec: ServingSpec, version: ServingVersion): Record<string, string> {
    const env: Record<string, string> = {};
    const container = runtimeEntry(spec.runtime).sagemaker;
    const scheme = version.artifact ? uriScheme(version.artifact.uri) : undefined;
    if (scheme === "hf") {
        const uri = version.artifact!.uri;
        env.HF_MODEL_ID = huggingFaceId(uri) as string;
        const revision = parseArtifactUri(uri).revision;
        // sagemaker-spec.ts refuses a revision where no container reads it.
        if (revision !== undefined && container) env[container.revisionEnv] = revision;
    } else if (scheme === "s3" && HF_MODEL_ID_RUNTIMES.includes(spec.runtime)) env.HF_MODEL_ID = SAGEMAKER_MODEL_DIR;
    if (spec.gpu && spec.runtime === ServingRuntime.Tgi && container) env[container.gpusEnv] = String(spec.gpu.count);
    if (version.artifact && spec.runtime === ServingRuntime.Vllm) {
        if (spec.gpu && container) env[container.gpusEnv] = String(spec.gpu.count);
        if (spec.servedModelName !== undefined) env.OPTION_SERVED_MODEL_NAME = spec.servedModelName;
    }
    return env;
}

/**
 * The execution role's permissions: read the model data, pull the images, write the endpoint's own log
 * group, publish instance metrics in SageMaker's namespace, read the service's own secrets. Nothing else.
 */
export function executionPolicy(ctx: AwsContext, spec: ServingSpec, images: string[], logGroupName: string, secretArns: string[]): PolicyDocument {
    const locations = spec.versions.map(s3Artifact).filter((l) => l !== undefined);
    const statements: PolicyStatement[] = [
        ...s3ReadStatements(ctx, locations),
        ...ecrPullStatements(ctx, images),
        writeLogsStatement(ctx, logGroupName, ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]),
        {
            Sid: "PublishEndpointMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": SAGEMAKER_METRICS_NAMESPACE } },
        },
    ];
    const secrets = readSecretsStatement(secretArns);
    if (secrets) statements.push(secrets);
    return policy(statements);
}

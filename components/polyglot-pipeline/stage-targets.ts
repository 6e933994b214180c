/**
 * What the pipeline knows of each target a stage runs on, in one table: the stage's ModelService settings block, the
 * defaults the pipeline puts under it, the environment the language's runtime needs there, the container contract
 * the target imposes (SageMaker's) and the limits it sets on a stage. A `Record<Target, ...>`: a new Target member
 * fails the build here until it has its entry.
 */
import { describeValue, ValidationProblem, withDefaults } from "../../sdk/validate";
import { HOME_DIR } from "../kubernetes/workload";
import { ModelServiceArgs, Target } from "../model-service/args";
import { PipelineStageArgs } from "./args";
import { PipelineSettings } from "./pipeline-settings";
import { LanguagePreset } from "./presets";

/** Lambda's longest function timeout, in seconds. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** Longest startup Cloud Run can wait for (a 240 s initial delay, then a 240 s probe window). */
const CLOUD_RUN_MAX_STARTUP_SECONDS = 480;

/** A container contract a target imposes on every server it runs. */
export interface StageContract {
    port: number;
    /** Path of the `POST` requests. */
    path: string;
    /** Path of the readiness check. */
    readinessPath: string;
}

/** SageMaker's container contract: port 8080, `POST /invocations`, `GET /ping`. */
export const SAGEMAKER_CONTRACT: StageContract = { port: 8080, path: "/invocations", readinessPath: "/ping" };

/** The settings blocks of a stage, one per target, named as ModelService's. */
export type StageBlock = "kubernetes" | "sagemaker" | "lambda" | "cloudRun" | "docker";

/** A stage as the table sees it, before its ModelService arguments exist. */
export interface StageContext {
    stage: PipelineStageArgs;
    /** Position in `stages`. */
    index: number;
    preset: LanguagePreset;
    /** The stage's `timeoutSeconds`, or its default. */
    timeoutSeconds: number;
    pipeline: PipelineSettings;
}

/** A stage's resolved values the target's limits are checked on. */
export interface StageLimits {
    index: number;
    path: string;
    timeoutSeconds: number;
    serviceArgs: ModelServiceArgs;
    /** The stage's arguments as given. */
    given: { path?: unknown };
}

/** What the pipeline does for a stage on one target. */
export interface StageTarget {
    /** The stage's (and ModelService's) settings block of this target. */
    block: StageBlock;
    /**
     * The block with the pipeline's defaults under the stage's own fields; a field the stage gives as `undefined` keeps
     * the pipeline's default.
     */
    settings(ctx: StageContext): Partial<ModelServiceArgs>;
    /** Environment the language's runtime needs on this target, over the preset's and under the stage's `env`. */
    runtimeEnv?(preset: LanguagePreset, serviceArgs: ModelServiceArgs): Record<string, string>;
    /** The contract the target imposes on the container, where it does. */
    contract?: StageContract;
    /** Longest startup the target can wait for, in seconds, where it limits it. */
    maxStartupSeconds?: number;
    /** The host port the router calls, on targets that publish the stage on the host. */
    hostPort?(serviceArgs: ModelServiceArgs, port: number): number;
    /** Rules on the stage that follow from where it runs. */
    problems?(stage: StageLimits): ValidationProblem[];
}

const at = (index: number, field: string) => `stages[${index}].${field}`;

/** A stage timeout above what the target lets one request take. */
function timeoutProblem(stage: StageLimits, max: number, why: string): ValidationProblem[] {
    return stage.timeoutSeconds > max ? [{ path: at(stage.index, "timeoutSeconds"), received: String(stage.timeoutSeconds), expected: `at most ${max} on ${why}` }] : [];
}

export const STAGE_TARGETS: Readonly<Record<Target, StageTarget>> = {
    [Target.Kubernetes]: {
        block: "kubernetes",
        // A language preset knows where its runtime writes (runtimeEnv below): its root filesystem is read-only.
        settings: ({ stage, preset, pipeline }) => ({
            kubernetes: withDefaults({ namespace: pipeline.kubernetes.namespace, ...(preset.readOnlyRoot ? { readOnlyRootFilesystem: true } : {}) }, stage.kubernetes),
        }),
        // Only /tmp and $HOME are writable (ModelService's emptyDirs): the runtime is pointed there.
        runtimeEnv: (preset, serviceArgs) => (serviceArgs.kubernetes?.readOnlyRootFilesystem === true && preset.readOnlyRoot ? preset.readOnlyRoot.env(HOME_DIR) : {}),
    },
    [Target.AwsSageMaker]: {
        block: "sagemaker",
        settings: ({ stage }) => (stage.sagemaker !== undefined ? { sagemaker: stage.sagemaker } : {}),
        contract: SAGEMAKER_CONTRACT,
        problems: (stage) => [
            ...(stage.path !== SAGEMAKER_CONTRACT.path
                ? [{ path: at(stage.index, "path"), received: describeValue(stage.given.path), expected: `${SAGEMAKER_CONTRACT.path} on target aws-sagemaker (InvokeEndpoint always posts there)` }]
                : []),
            ...timeoutProblem(stage, 60, "target aws-sagemaker (a real-time endpoint must answer within 60 s)"),
        ],
    },
    [Target.AwsLambda]: {
        block: "lambda",
        // Capped at Lambda's limit: a longer stage timeout is reported once, at the stage's timeoutSeconds.
        settings: ({ stage, timeoutSeconds }) => ({ lambda: withDefaults({ timeoutSeconds: Math.min(timeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS) }, stage.lambda) }),
        problems: (stage) => {
            const tooLong = timeoutProblem(stage, LAMBDA_MAX_TIMEOUT_SECONDS, "target aws-lambda (Lambda's longest function timeout)");
            if (tooLong.length > 0) return tooLong;
            const functionTimeout = stage.serviceArgs.lambda?.timeoutSeconds;
            if (functionTimeout === undefined || functionTimeout >= stage.timeoutSeconds) return [];
            return [
                {
                    path: at(stage.index, "lambda.timeoutSeconds"),
                    received: String(functionTimeout),
                    expected: `at least the stage's timeoutSeconds (${stage.timeoutSeconds}): the function would be stopped before the pipeline gives up on it`,
                },
            ];
        },
    },
    [Target.GcpCloudRun]: {
        block: "cloudRun",
        settings: ({ stage, preset, timeoutSeconds }) => ({
            cloudRun: withDefaults({ requestTimeoutSeconds: timeoutSeconds, ...(preset.cloudRunConcurrency !== undefined ? { concurrency: preset.cloudRunConcurrency } : {}) }, stage.cloudRun),
        }),
        maxStartupSeconds: CLOUD_RUN_MAX_STARTUP_SECONDS,
        problems: (stage) => timeoutProblem(stage, 1800, "target gcp-cloudrun (the longest HTTP request a workflow can make)"),
    },
    [Target.Docker]: {
        block: "docker",
        settings: ({ stage, index, pipeline }) => ({ docker: withDefaults({ hostPort: pipeline.docker.port + 1 + index }, stage.docker) }),
        hostPort: (serviceArgs, port) => serviceArgs.docker?.hostPort ?? port,
    },
};

/**
 * What `target: gcp-cloudrun` knows about Cloud Run: its documented limits, the settings resolved with their
 * defaults, the target's validation rules, and the plain parts of the Service (names, resources, probes,
 * scaling) that both the deployment and the cost model read.
 *
 * Sources (read 2026-11 through the search tool):
 * - GPU: cloud.google.com/run/docs/configuring/services/gpu: one NVIDIA L4 per instance, at least 4 CPU and
 *   16 GiB, instance-based billing ("CPU always allocated") required; supported regions as listed below.
 * - CPU and memory: cloud.google.com/run/docs/configuring/services/memory-limits: at most 32 GiB; more than
 *   4/8/16/24 GiB needs at least 2/4/6/8 CPU; 512 MiB minimum in the second-generation environment. Whole-CPU
 *   sizes 1, 2, 4, 6, 8 (provider typings, `ServiceTemplateContainerResources.limits`).
 * - Probes: cloud.google.com/run/docs/configuring/healthchecks and the v2 API's Probe message: a startup probe's
 *   `failureThreshold * periodSeconds` may not exceed 240 s, its `initialDelaySeconds` and `periodSeconds` are at
 *   most 240, and `timeoutSeconds` must be smaller than `periodSeconds`.
 * - Request timeout: at most 3600 s, default 300 s. Reserved environment variables: PORT, K_SERVICE, K_REVISION,
 *   K_CONFIGURATION (cloud.google.com/run/docs/container-contract).
 */
import { Accelerator, acceleratorInfo } from "../../../sdk/catalog/accelerators";
import { stackGcpRegion } from "../../../sdk/cost/regions";
import { gcpName } from "../../../sdk/naming";
import { describeValue, ValidationProblem, withDefaults } from "../../../sdk/validate";
import { AutoscalerTarget } from "../../spike-autoscaler/args";
import { cloudRunDefaultConcurrency } from "../../spike-autoscaler/cloudrun";
import { AuthMode } from "../args";
import { ARCHIVE_SUFFIX, parseArtifactUri, uriScheme } from "../artifact";
import { ServingSpec } from "../spec";
import { canBeAtZero, requestSeconds, ServingTiming } from "../timing";
import { TargetAutoscaling } from "./target";
import { STANDARD_LIBRARY_CONSUMER_IMAGE } from "../queue/consumer-images";
import { cloudRunQueueProblems, CONSUMER_RESOURCES, pushDeadlineSeconds } from "./cloudrun-queue-spec";

/** Regions that offer Cloud Run GPUs (asia-south1 by invitation), per the GPU page read 2026-11. */
export const CLOUD_RUN_GPU_REGIONS: readonly string[] = ["us-central1", "us-east4", "europe-west1", "europe-west4", "asia-southeast1", "asia-south1"];
/** Whole-CPU sizes Cloud Run accepts (fractional CPUs need concurrency 1 and are not offered here). */
export const CLOUD_RUN_CPU_SIZES: readonly number[] = [1, 2, 4, 6, 8];
const MAX_MEMORY_GIB = 32;
const MIN_MEMORY_GIB = 0.5;
/** [memory above this many GiB, needs at least this many CPU]. */
const MIN_CPU_FOR_MEMORY: ReadonlyArray<readonly [number, number]> = [
    [24, 8],
    [16, 6],
    [8, 4],
    [4, 2],
];
const GPU_MIN_CPU = 4;
const GPU_MIN_MEMORY_GIB = 16;
/** Longest startup-probe window (`failureThreshold * periodSeconds`), in seconds. */
export const STARTUP_PROBE_MAX_WINDOW_SECONDS = 240;
/** Longest startup-probe `initialDelaySeconds`. */
export const STARTUP_PROBE_MAX_INITIAL_DELAY_SECONDS = 240;
const RESERVED_ENV = ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"];
/** Service names leave room for `-<version>` (up to 21 characters) in revision names of at most 63. */
const SERVICE_NAME_MAX = 42;
const PROBE_PERIOD_SECONDS = 10;

/** The `cloudRun` settings with their defaults applied. */
export interface CloudRunSettings {
    region: string;
    concurrency: number;
    requestTimeoutSeconds: number;
    versionName?: string;
    invokers: string[];
    cpuAlwaysAllocated: boolean;
    gpuZonalRedundancy: boolean;
    loadBalancerIngress: boolean;
    queueConsumerImage: string;
}

/** The `cloudRun` block with the defaults its TSDoc states (region from `gcp:region`, else us-central1). */
export function cloudRunSettings(spec: ServingSpec): CloudRunSettings {
    return withDefaults(
        {
            region: stackGcpRegion(),
            // With scaling.autoscaling, its metricTarget is the cap (defaulting to cloudRun.concurrency, else the same
            // default); in queue mode scaling.queue.concurrencyPerReplica sets it too (not together, cloudrun-queue-spec.ts).
            concurrency: spec.autoscaling?.metricTarget ?? spec.queue?.concurrencyPerReplica ?? cloudRunDefaultConcurrency(spec.gpu !== undefined),
            // In queue mode a request is a push, answered within the subscription's ack deadline.
            requestTimeoutSeconds: spec.queue ? pushDeadlineSeconds(spec.queue.requestTimeoutSeconds) : 300,
            invokers: [] as string[],
            cpuAlwaysAllocated: spec.gpu !== undefined,
            gpuZonalRedundancy: false,
            loadBalancerIngress: false,
            queueConsumerImage: STANDARD_LIBRARY_CONSUMER_IMAGE,
        },
        spec.given.cloudRun,
    );
}

/**
 * Autoscaling sets the Service's instance bounds and pre-warms through Cloud Scheduler; `cloudRun.concurrency`, when
 * given, is the default metric target (both are the concurrency cap per instance, so not both).
 */
export const cloudRunAutoscaling: TargetAutoscaling = {
    autoscaler: AutoscalerTarget.GcpCloudRun,
    context: (spec) => {
        // In queue mode scaling.queue.concurrencyPerReplica is the cap too (not with cloudRun.concurrency: cloudrun-queue-spec.ts).
        const concurrency = spec.given.cloudRun?.concurrency ?? spec.queue?.concurrencyPerReplica;
        return concurrency !== undefined ? { defaults: { metricTarget: concurrency } } : {};
    },
    problems: (spec) => {
        const concurrency = spec.given.cloudRun?.concurrency;
        if (concurrency === undefined || spec.given.scaling?.autoscaling?.metricTarget === undefined) return [];
        return [
            { path: "cloudRun.concurrency", received: String(concurrency), expected: "either cloudRun.concurrency or scaling.autoscaling.metricTarget (both set the concurrency cap per instance)" },
        ];
    },
};

/** Physical names: derived from the component name only, so that a model change never renames anything. */
export function cloudRunNames(spec: ServingSpec): { service: string; accountId: string; revisionOf(version: string): string; secretId(key: string): string } {
    const service = gcpName(spec.name, SERVICE_NAME_MAX);
    return {
        service,
        // Service account ids are 6 to 30 characters; the suffix keeps short names long enough.
        accountId: gcpName(`${spec.name}-model`, 30),
        revisionOf: (version) => `${service}-${version}`,
        secretId: (key) => `${service}-${key}`.replace(/[^A-Za-z0-9_-]/g, "-"),
    };
}

/** The revision the template creates, or undefined to let Cloud Run name it. The newest version is listed last. */
export function templateRevision(spec: ServingSpec, settings: CloudRunSettings): string | undefined {
    const { revisionOf } = cloudRunNames(spec);
    if (spec.canary) return revisionOf(spec.versions[spec.versions.length - 1].name);
    return settings.versionName !== undefined ? revisionOf(settings.versionName) : undefined;
}

/** A Cloud Storage artifact as bucket and object prefix (`gs://models/llm/v1/` -> `models`, `llm/v1`). */
export function gcsLocation(uri: string): { bucket: string; prefix: string } {
    const [bucket, ...rest] = uri.slice("gs://".length).split("/");
    return { bucket, prefix: rest.filter(Boolean).join("/") };
}

/** Container limits: CPU and memory as Cloud Run quantities, plus the GPU. */
export function containerLimits(spec: ServingSpec): Record<string, string> {
    const memory = Number.isInteger(spec.memoryGiB) ? `${spec.memoryGiB}Gi` : `${Math.round(spec.memoryGiB * 1024)}Mi`;
    const limits: Record<string, string> = { cpu: String(spec.cpu), memory };
    if (spec.gpu) limits["nvidia.com/gpu"] = String(spec.gpu.count);
    return limits;
}

/** The GPU node selector (`nvidia-l4`), or undefined without a GPU. */
export function nodeSelector(spec: ServingSpec): { accelerator: string } | undefined {
    return spec.gpu ? { accelerator: acceleratorInfo(spec.gpu.accelerator).gcpAcceleratorType as string } : undefined;
}

/**
 * The startup probe's timing. Cloud Run caps `failureThreshold * periodSeconds` at 240 s, so a longer
 * `model.startupTimeoutSeconds` (given explicitly, up to 480) is covered by an initial delay before the first
 * probe. The cross-target default (600 s) budgets for GPU node provisioning, which Cloud Run does not have (an
 * instance with an L4 starts in about 5 s), so without an explicit value the probe window is the 240 s maximum.
 */
export function startupProbeTiming(spec: ServingSpec): { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number } {
    const explicit = spec.given.model.startupTimeoutSeconds;
    const total = explicit ?? STARTUP_PROBE_MAX_WINDOW_SECONDS;
    const window = Math.min(total, STARTUP_PROBE_MAX_WINDOW_SECONDS);
    return {
        initialDelaySeconds: total - window,
        periodSeconds: PROBE_PERIOD_SECONDS,
        timeoutSeconds: 5,
        failureThreshold: Math.ceil(window / PROBE_PERIOD_SECONDS),
    };
}

/**
 * The timing (timing.ts). At zero instances (`minReplicas: 0`) a request waits for an instance to pass its startup probe:
 * the probe's whole budget, its initial delay plus its window ({@link startupProbeTiming}); then the revision's request
 * timeout (`cloudRun.requestTimeoutSeconds`), or in queue mode the queue's request time (the revision's timeout is the
 * push deadline, 60 s more).
 */
export function cloudRunTiming(spec: ServingSpec): ServingTiming {
    const probe = startupProbeTiming(spec);
    const startup = probe.initialDelaySeconds + probe.periodSeconds * probe.failureThreshold;
    return { coldStartBudgetSeconds: canBeAtZero(spec) ? startup : 0, requestTimeoutSeconds: requestSeconds(spec, cloudRunSettings(spec).requestTimeoutSeconds) };
}

/** The billable shape of the Service: the inputs the cost model prices (a subset of the real arguments). */
export function costShape(spec: ServingSpec, settings: CloudRunSettings): Record<string, unknown> {
    return {
        name: cloudRunNames(spec).service,
        location: settings.region,
        template: {
            scaling: { minInstanceCount: spec.replicas.min, maxInstanceCount: spec.replicas.max },
            // In queue mode the consumer container shares the instance (and its billing).
            containers: [
                ...(spec.queue ? [{ resources: { limits: { ...CONSUMER_RESOURCES.limits }, cpuIdle: !settings.cpuAlwaysAllocated } }] : []),
                { resources: { limits: containerLimits(spec), cpuIdle: !settings.cpuAlwaysAllocated } },
            ],
            nodeSelector: nodeSelector(spec),
            gpuZonalRedundancyDisabled: spec.gpu ? !settings.gpuZonalRedundancy : undefined,
        },
    };
}

function gpuProblems(spec: ServingSpec, settings: CloudRunSettings, problems: ValidationProblem[]): void {
    const gpu = spec.gpu;
    if (!gpu) {
        if (spec.given.cloudRun?.gpuZonalRedundancy !== undefined) {
            problems.push({ path: "cloudRun.gpuZonalRedundancy", received: describeValue(settings.gpuZonalRedundancy), expected: "no GPU zonal redundancy setting without resources.gpu" });
        }
        return;
    }
    if (gpu.accelerator !== Accelerator.L4) {
        problems.push({
            path: "resources.gpu.accelerator",
            received: describeValue(gpu.accelerator),
            expected: '"l4" on target gcp-cloudrun (Cloud Run offers the NVIDIA L4; use target kubernetes for other GPUs)',
        });
    }
    if (gpu.count !== 1) {
        problems.push({
            path: "resources.gpu.count",
            received: String(gpu.count),
            expected: "1 on target gcp-cloudrun (Cloud Run attaches one GPU per instance; scale out with scaling.maxReplicas, or use target kubernetes for multi-GPU servers)",
        });
    }
    if (spec.cpu < GPU_MIN_CPU) {
        problems.push({
            path: "resources.cpu",
            received: String(spec.cpu),
            expected: `at least ${GPU_MIN_CPU} vCPU with a GPU on target gcp-cloudrun (Cloud Run requires 4 vCPU and 16 GiB per L4 instance)`,
        });
    }
    if (spec.memoryGiB < GPU_MIN_MEMORY_GIB) {
        problems.push({
            path: "resources.memoryGiB",
            received: String(spec.memoryGiB),
            expected: `at least ${GPU_MIN_MEMORY_GIB} GiB with a GPU on target gcp-cloudrun (Cloud Run requires 4 vCPU and 16 GiB per L4 instance)`,
        });
    }
    if (!CLOUD_RUN_GPU_REGIONS.includes(settings.region)) {
        problems.push({
            path: "cloudRun.region",
            received: describeValue(settings.region),
            expected: `a region with Cloud Run GPUs with a GPU: ${CLOUD_RUN_GPU_REGIONS.join(", ")} (cloud.google.com/run/docs/configuring/services/gpu)`,
        });
    }
    if (spec.given.cloudRun?.cpuAlwaysAllocated === false) {
        problems.push({ path: "cloudRun.cpuAlwaysAllocated", received: "false", expected: "true (or unset) with a GPU: Cloud Run GPU services need instance-based billing" });
    }
}

function computeProblems(spec: ServingSpec, problems: ValidationProblem[]): void {
    if (!CLOUD_RUN_CPU_SIZES.includes(spec.cpu)) {
        problems.push({ path: "resources.cpu", received: String(spec.cpu), expected: `one of ${CLOUD_RUN_CPU_SIZES.join(", ")} vCPU on target gcp-cloudrun` });
    }
    if (spec.memoryGiB < MIN_MEMORY_GIB || spec.memoryGiB > MAX_MEMORY_GIB) {
        problems.push({ path: "resources.memoryGiB", received: String(spec.memoryGiB), expected: `${MIN_MEMORY_GIB} to ${MAX_MEMORY_GIB} GiB on target gcp-cloudrun` });
    } else {
        const rule = MIN_CPU_FOR_MEMORY.find(([above]) => spec.memoryGiB > above);
        if (rule && spec.cpu < rule[1]) {
            problems.push({ path: "resources.cpu", received: String(spec.cpu), expected: `at least ${rule[1]} vCPU for more than ${rule[0]} GiB of memory on target gcp-cloudrun` });
        }
    }
    if (spec.given.resources.sharedMemoryGiB !== undefined) {
        problems.push({
            path: "resources.sharedMemoryGiB",
            received: String(spec.given.resources.sharedMemoryGiB),
            expected: "no shared memory setting on target gcp-cloudrun (one GPU per instance; Cloud Run manages /dev/shm)",
        });
    }
}

function artifactProblems(spec: ServingSpec, problems: ValidationProblem[]): void {
    spec.versions.forEach((version, i) => {
        if (!version.artifact) return;
        const path = spec.canary ? `versions[${i}].uri` : "model.uri";
        if (uriScheme(version.artifact.uri) === "gs") {
            if (parseArtifactUri(version.artifact.uri).archive) {
                problems.push({
                    path,
                    received: describeValue(version.artifact.uri),
                    expected: `a gs:// prefix on target gcp-cloudrun, not a ${ARCHIVE_SUFFIX} archive: the bucket is mounted read-only as it is and Cloud Run has no init container to unpack it (unpack it into a prefix)`,
                });
            }
            return;
        }
        problems.push({
            path,
            received: describeValue(version.artifact.uri),
            expected:
                "a gs:// URI on target gcp-cloudrun (mounted read-only from Cloud Storage; Cloud Run has no init containers to download s3://, https:// or hf:// artifacts: copy the model to a bucket or bake it into model.image)",
        });
    });
}

function exposureProblems(spec: ServingSpec, problems: ValidationProblem[]): void {
    const auth = spec.exposure.auth;
    if (auth === AuthMode.ApiKey || auth === AuthMode.Jwt) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(auth),
            expected:
                '"iam" or "none" on target gcp-cloudrun (Cloud Run checks Google-signed identity tokens; API keys and other JWT issuers need API Gateway or ESPv2 in front, which modelship does not create)',
        });
    }
    if (spec.exposure.hostname !== undefined) {
        problems.push({
            path: "exposure.hostname",
            received: describeValue(spec.exposure.hostname),
            expected: "no hostname on target gcp-cloudrun (the service gets its run.app URL; map a custom domain with a load balancer)",
        });
    }
}

/** Load-balancer ingress: for a private HTTP service only. */
function loadBalancerProblems(spec: ServingSpec, settings: CloudRunSettings, problems: ValidationProblem[]): void {
    if (!settings.loadBalancerIngress) return;
    if (spec.exposure.public) {
        problems.push({ path: "cloudRun.loadBalancerIngress", received: "true", expected: "no value with exposure.public (public ingress already admits load balancers)" });
    } else if (spec.queue) {
        problems.push({
            path: "cloudRun.loadBalancerIngress",
            received: "true",
            expected: "no value with scaling.mode queue (a queue-mode service is called by its Pub/Sub subscription only, with an identity)",
        });
    }
}

/** The rules of `target: gcp-cloudrun`, in the format of every ModelService problem. */
export function cloudRunProblems(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const settings = cloudRunSettings(spec);
    gpuProblems(spec, settings, problems);
    computeProblems(spec, problems);
    artifactProblems(spec, problems);
    exposureProblems(spec, problems);
    loadBalancerProblems(spec, settings, problems);
    problems.push(...cloudRunQueueProblems(spec, settings));
    if (spec.replicas.max < 1) {
        // Only `replicas: 0` gets here (maxReplicas is at least 1): Cloud Run reads a maximum of 0 as "no limit".
        problems.push({ path: "scaling.replicas", received: String(spec.replicas.max), expected: "at least 1 on target gcp-cloudrun (use minReplicas 0 to scale to zero when idle)" });
    }
    const explicitStartup = spec.given.model.startupTimeoutSeconds;
    const maxStartup = STARTUP_PROBE_MAX_INITIAL_DELAY_SECONDS + STARTUP_PROBE_MAX_WINDOW_SECONDS;
    if (explicitStartup !== undefined && explicitStartup > maxStartup) {
        problems.push({
            path: "model.startupTimeoutSeconds",
            received: String(explicitStartup),
            expected: `at most ${maxStartup} on target gcp-cloudrun (a startup probe may wait 240 s and then probe for 240 s)`,
        });
    }
    if (spec.canary && settings.versionName !== undefined) {
        problems.push({ path: "cloudRun.versionName", received: describeValue(settings.versionName), expected: "no versionName together with versions (each version names its revision)" });
    }
    for (const [block, keys] of [
        ["env", Object.keys(spec.env)],
        ["secrets", Object.keys(spec.secrets)],
    ] as const) {
        for (const key of keys.filter((k) => RESERVED_ENV.includes(k))) {
            problems.push({ path: `${block}.${key}`, received: describeValue(key), expected: `a name other than ${RESERVED_ENV.join(", ")} (Cloud Run sets them)` });
        }
    }
    return problems;
}

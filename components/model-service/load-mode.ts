/**
 * `model.loadMode`: how the server gets the weights of its artifact URI. `download` (the default) runs a fetcher into
 * /models before the server starts (artifact.ts); `stream` hands the object-storage URI to a server that streams the
 * weights into GPU memory itself (vLLM's Run:ai model streamer: the runtime table's `stream` entry says which server can,
 * from which schemes). This file holds the rules: which runtime, scheme and target can stream, and what excludes it.
 */
import { runtimeEntry, runtimesWhere } from "../../sdk/catalog/runtimes";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { ModelLoadMode, ServingRuntime, Target } from "./args";
import { ARCHIVE_SUFFIX, uriScheme } from "./artifact";
import type { ParsedModelServiceArgs } from "./schema";

/**
 * Whether a target lets the server stream its weights: undefined where it does (the server container gets the URI and
 * the pod's or container's credentials), else why not.
 */
export const STREAMING_TARGETS: Readonly<Record<Target, string | undefined>> = {
    [Target.Kubernetes]: undefined,
    [Target.Docker]: undefined,
    [Target.AwsSageMaker]:
        "SageMaker copies the S3 data into /opt/ml/model itself before the container starts (ModelDataSource, uncompressed when the URI is a prefix), and its LMI container documents no Run:ai streamer setting",
    [Target.AwsLambda]: "Lambda serves a container image (model.image) and loads no artifact",
    [Target.GcpCloudRun]: "Cloud Run mounts a gs:// artifact from Cloud Storage for the server to read, and the pinned vLLM streams from s3:// only",
};

/** The targets where the server can stream its weights, for messages. */
function streamingTargets(): Target[] {
    return Object.values(Target).filter((t) => STREAMING_TARGETS[t] === undefined);
}

/** The load mode of `args`, with its default. */
export function loadModeOf(args: ParsedModelServiceArgs): ModelLoadMode {
    return args.model.loadMode ?? ModelLoadMode.Download;
}

/** Every artifact URI a service serves, with the argument that gave it (a version without its own uri serves `model.uri`). */
function servedUris(args: ParsedModelServiceArgs): { path: string; uri: string }[] {
    const uris: { path: string; uri: string }[] = [];
    if (args.model.uri !== undefined) uris.push({ path: "model.uri", uri: args.model.uri });
    (args.versions ?? []).forEach((v, i) => {
        if (v.uri !== undefined) uris.push({ path: `versions[${i}].uri`, uri: v.uri });
    });
    return uris;
}

/** The rules of `model.loadMode: stream`; every problem names `model.loadMode`. None in mode `download`. */
export function loadModeProblems(args: ParsedModelServiceArgs): ValidationProblem[] {
    if (loadModeOf(args) !== ModelLoadMode.Stream) return [];
    const path = "model.loadMode";
    const received = describeValue(ModelLoadMode.Stream);
    const runtime = args.model.runtime ?? ServingRuntime.Custom;
    const stream = runtimeEntry(runtime).stream;
    const uris = servedUris(args);
    if (uris.length === 0) {
        return [{ path, received, expected: '"download" (the default) without model.uri: stream reads the weights of model.uri from object storage, and an image carries its own' }];
    }
    if (stream === undefined) {
        const streaming = runtimesWhere((e) => e.stream !== undefined);
        return [{ path, received, expected: `"download" with runtime ${runtime}: only ${streaming.join(", ")} streams weights from object storage (vLLM's Run:ai model streamer)` }];
    }
    const problems: ValidationProblem[] = [];
    const notOffered = STREAMING_TARGETS[args.target];
    if (notOffered !== undefined) {
        problems.push({ path, received, expected: `"download" on target ${args.target}: ${notOffered}. Streaming is offered on targets ${streamingTargets().join(" and ")}` });
    }
    // A model cache with stream is refused once, by the cache's own rules (model.cache.mode).
    const schemes = stream.schemes.map((s) => `${s}://`).join(", ");
    for (const { path: uriPath, uri } of uris) {
        const scheme = uriScheme(uri) ?? "";
        if (!stream.schemes.includes(scheme)) {
            const why = stream.notInPinnedImage[scheme] ?? `vLLM's streamer reads object storage (${schemes}), not ${scheme}://`;
            problems.push({ path, received: `${received} with ${uriPath} ${describeValue(uri)}`, expected: `"download", or a ${schemes} URI to stream: ${why}` });
        } else if (uri.endsWith(ARCHIVE_SUFFIX)) {
            problems.push({
                path,
                received: `${received} with ${uriPath} ${describeValue(uri)}`,
                expected: `"download" for a ${ARCHIVE_SUFFIX} archive (unpacked into /models), or a prefix of safetensors files to stream: the streamer reads tensors where they lie and cannot unpack an archive`,
            });
        }
    }
    return problems;
}

/**
 * Model artifacts: the URI taken apart (scheme, Hugging Face revision, `.tar.gz` archive), the checks of its form, and
 * the container that downloads it before the server starts: one fetcher per URI scheme. Kubernetes runs it as an
 * initContainer, Docker as a one-shot container; both write into the volume mounted at /models.
 *
 * Archives (`.tar.gz`, SageMaker's `model.tar.gz` convention) are streamed through `tar` as they download, so the disk
 * holds the model once, unpacked, as SageMaker unpacks them into /opt/ml/model. Fetcher images are pinned releases that
 * carry what their command runs:
 * - `amazon/aws-cli` is Amazon Linux 2 with only `less` and `groff` added (aws/aws-cli, docker/Dockerfile at 2.22.35),
 *   and Amazon Linux's container image leaves out `tar` (amazonlinux/container-images#29): it syncs S3 prefixes.
 *   S3 archives use `python:3.12-slim` instead (Debian, where `bash`, `tar` and `gzip` are Essential packages) with
 *   the AWS CLI v1 from PyPI, pinned (`aws s3 cp URI -` writes the object to stdout: awscli/examples/s3/cp.rst).
 * - `google/cloud-sdk:*-slim` is Debian-based (GoogleCloudPlatform/cloud-sdk-docker, debian_slim/Dockerfile).
 * - `curlimages/curl` is Alpine-based (curl/curl-container, Makefile): BusyBox's `sh`, `tar` and `gzip`.
 * Both the AWS CLI and gcloud read the pod's workload identity (`kubernetes.serviceAccountAnnotations`).
 */
import { MODEL_MOUNT_PATH } from "../../sdk/catalog/runtimes";
import { describeValue, ValidationProblem } from "../../sdk/validate";

/** URI schemes a model artifact may use. */
export const ARTIFACT_SCHEMES = ["s3", "gs", "https", "hf"] as const;
export type ArtifactScheme = (typeof ARTIFACT_SCHEMES)[number];

/** The suffix of an archive that is unpacked into the model directory (SageMaker's `model.tar.gz`). */
export const ARCHIVE_SUFFIX = ".tar.gz";

/** Schemes whose `.tar.gz` objects are archives to unpack (a Hugging Face repository is never one). */
const ARCHIVE_SCHEMES: readonly ArtifactScheme[] = ["s3", "gs", "https"];

/** Object stores, where an `@` in the path is taken for a misplaced revision rather than part of a key. */
const OBJECT_STORE_SCHEMES: readonly ArtifactScheme[] = ["s3", "gs"];

/** A Hugging Face revision: a commit sha, a tag or a branch (git ref characters; `refs/pr/1` included). */
const REVISION = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/** A full commit sha: the only revision that always names the same files. */
const COMMIT_SHA = /^[0-9a-f]{40}$/;

export interface ArtifactFetcher {
    image: string;
    command: string[];
    /** Environment the fetcher needs (HOME must be writable for the CLIs when running as non-root). */
    env: Record<string, string>;
}

/** An artifact URI taken apart. */
export interface ArtifactRef {
    /** The URI as given. */
    uri: string;
    scheme: ArtifactScheme;
    /** The URI without its revision: what is downloaded (`hf://org/name` of `hf://org/name@rev`). */
    location: string;
    /** The Hugging Face revision after `@` (`hf://` only); undefined for the default branch. */
    revision?: string;
    /** True for a `.tar.gz` archive on S3, Cloud Storage or HTTPS: unpacked into the model directory. */
    archive: boolean;
}

/** The scheme of a URI (`s3://b/k` -> `s3`), or undefined when it has none. */
export function uriScheme(uri: string): string | undefined {
    const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
    return match ? match[1].toLowerCase() : undefined;
}

export function isArtifactScheme(scheme: string | undefined): scheme is ArtifactScheme {
    return scheme !== undefined && (ARTIFACT_SCHEMES as readonly string[]).includes(scheme);
}

/** `uri` taken apart; its scheme must be an artifact scheme (see {@link artifactUriProblems}). */
export function parseArtifactUri(uri: string): ArtifactRef {
    const scheme = uriScheme(uri);
    if (!isArtifactScheme(scheme)) throw new Error(`unsupported artifact URI scheme in ${uri}`);
    if (scheme === "hf") {
        const at = uri.indexOf("@");
        return at < 0 ? { uri, scheme, location: uri, archive: false } : { uri, scheme, location: uri.slice(0, at), revision: uri.slice(at + 1), archive: false };
    }
    return { uri, scheme, location: uri, archive: ARCHIVE_SCHEMES.includes(scheme) && uri.endsWith(ARCHIVE_SUFFIX) };
}

/** The Hugging Face Hub id of an `hf://org/name[@revision]` URI (`org/name`); undefined for other schemes. */
export function huggingFaceId(uri: string | undefined): string | undefined {
    if (uri === undefined || uriScheme(uri) !== "hf") return undefined;
    return parseArtifactUri(uri).location.slice("hf://".length);
}

/** True when `revision` is a full commit sha, the only revision pinned for good. */
export function isCommitSha(revision: string): boolean {
    return COMMIT_SHA.test(revision);
}

/** The problems of an artifact URI's form at `path` (`model.uri`, `versions[i].uri`): its scheme, and its revision. */
export function artifactUriProblems(path: string, uri: string | undefined): ValidationProblem[] {
    if (uri === undefined) return [];
    const scheme = uriScheme(uri);
    if (!isArtifactScheme(scheme)) {
        return [{ path, received: describeValue(uri), expected: `a URI with one of the schemes ${ARTIFACT_SCHEMES.map((s) => `${s}://`).join(", ")}` }];
    }
    if (OBJECT_STORE_SCHEMES.includes(scheme) && uri.includes("@")) {
        return [
            {
                path,
                received: describeValue(uri),
                expected: `no "@revision" on a ${scheme}:// URI: revisions are for hf://org/name@revision only (an object's version belongs in its key or prefix, for example ${scheme}://bucket/model/v2/)`,
            },
        ];
    }
    if (scheme !== "hf") return [];
    const ref = parseArtifactUri(uri);
    const repo = ref.location.slice("hf://".length);
    if (repo === "" || ref.revision?.includes("@")) return [{ path, received: describeValue(uri), expected: "hf://org/name, or hf://org/name@revision with one revision" }];
    if (ref.revision !== undefined && !REVISION.test(ref.revision)) {
        return [
            {
                path,
                received: describeValue(uri),
                expected: "hf://org/name@revision with a revision that is a 40-character commit sha, a tag or a branch (letters, digits, '.', '_', '-', '/')",
            },
        ];
    }
    return [];
}

/** Warnings about an artifact URI: a Hugging Face revision that is a branch or a tag, which can move. */
export function artifactUriWarnings(path: string, uri: string | undefined): string[] {
    if (uri === undefined || uriScheme(uri) !== "hf") return [];
    const { revision, location } = parseArtifactUri(uri);
    if (revision === undefined || isCommitSha(revision)) return [];
    return [
        `${path} ${uri}: revision "${revision}" is a branch or a tag, and the files it names can change under the same URI (a new replica may then serve other weights). ` +
            `Pin the 40-character commit sha instead (${location}@<sha>, from the model page's "Files and versions").`,
    ];
}

/** `bash` with pipefail (Debian images): a failed download fails the command even though `tar` reads what came. */
const bash = (script: string, ...params: string[]) => ["bash", "-o", "pipefail", "-c", script, "fetch-model", ...params];

/** Unpacks a gzipped tar from stdin into `dest`; files belong to the fetcher's user, not the archive's. */
const untar = (dest: string) => `tar -xzf - --no-same-owner -C ${dest}`;

/** The AWS CLI v1 on PyPI (aws/aws-cli, tag 1.36.40, 2025-01-14: botocore 1.35.99), for S3 archives. */
const AWS_CLI_V1 = "awscli==1.36.40";

/**
 * The container that downloads `uri` into `dest`: the model volume, or the model cache's temporary directory
 * (model-cache.ts), which it renames into place once complete. Images are pinned releases; the URI is never spliced
 * into shell text (`dest` is modelship's own path).
 */
export function fetcherFor(uri: string, dest: string = MODEL_MOUNT_PATH): ArtifactFetcher {
    const ref = parseArtifactUri(uri);
    const env = { HOME: "/tmp" };
    switch (ref.scheme) {
        case "s3":
            if (ref.archive) {
                return {
                    image: "python:3.12-slim",
                    command: bash(
                        `pip install --quiet --no-cache-dir --target /tmp/awscli ${AWS_CLI_V1} && PYTHONPATH=/tmp/awscli python -m awscli s3 cp --only-show-errors "$1" - | ${untar(dest)}`,
                        uri,
                    ),
                    env,
                };
            }
            return { image: "amazon/aws-cli:2.22.35", command: ["aws", "s3", "sync", "--only-show-errors", uri, dest], env };
        case "gs":
            if (ref.archive) return { image: "google/cloud-sdk:502.0.0-slim", command: bash(`gcloud storage cat "$1" | ${untar(dest)}`, uri), env };
            return { image: "google/cloud-sdk:502.0.0-slim", command: ["gcloud", "storage", "rsync", "--recursive", uri, dest], env };
        case "https": {
            const curl = ["curl", "--fail", "--silent", "--show-error", "--location"];
            if (ref.archive) {
                // No --retry: a retried transfer would write the archive to the pipe a second time. A failed fetch fails
                // the init container, which Kubernetes runs again. BusyBox's tar takes -o for "don't restore owners".
                const script = `set -o pipefail; ${curl.join(" ")} "$1" | tar -xzof - -C ${dest}`;
                return { image: "curlimages/curl:8.11.1", command: ["sh", "-c", script, "fetch-model", uri], env };
            }
            const file = decodeURIComponent(new URL(uri).pathname.split("/").filter(Boolean).pop() ?? "model");
            return { image: "curlimages/curl:8.11.1", command: [...curl, "--retry", "5", "--output", `${dest}/${file}`, uri], env };
        }
        case "hf": {
            const repo = ref.location.slice("hf://".length);
            // huggingface-cli download REPO --revision REV (huggingface_hub, commands/download.py): a commit, tag or branch.
            const revision = ref.revision !== undefined ? ' --revision "$2"' : "";
            return {
                image: "python:3.12-slim",
                // The repository and revision are the script's "$1" and "$2", never spliced into the shell text: a URI is user input.
                command: [
                    "sh",
                    "-c",
                    `pip install --quiet --no-cache-dir --target /tmp/hf huggingface_hub==0.27.0 && PYTHONPATH=/tmp/hf python -m huggingface_hub.commands.huggingface_cli download "$1"${revision} --local-dir ${dest}`,
                    "fetch-model",
                    repo,
                    ...(ref.revision !== undefined ? [ref.revision] : []),
                ],
                env,
            };
        }
    }
}

/** The warnings about every artifact URI of a service (`model.uri`, `versions[i].uri`): Hugging Face revisions that can move. */
export function modelArtifactWarnings(args: { model: { uri?: string }; versions?: { uri?: string }[] }): string[] {
    return [artifactUriWarnings("model.uri", args.model.uri), ...(args.versions ?? []).map((v, i) => artifactUriWarnings(`versions[${i}].uri`, v.uri))].flat();
}

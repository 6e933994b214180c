/**
 * Downloading a model artifact before the server starts: one fetcher per URI scheme. Kubernetes runs it
 * as an initContainer, Docker as a one-shot container; both write into the volume mounted at /models.
 */
import { MODEL_MOUNT_PATH } from "../../sdk/catalog/runtimes";

/** URI schemes a model artifact may use. */
export const ARTIFACT_SCHEMES = ["s3", "gs", "https", "hf"] as const;
export type ArtifactScheme = (typeof ARTIFACT_SCHEMES)[number];

export interface ArtifactFetcher {
    image: string;
    command: string[];
    /** Environment the fetcher needs (HOME must be writable for the CLIs when running as non-root). */
    env: Record<string, string>;
}

/** The scheme of a URI (`s3://b/k` -> `s3`), or undefined when it has none. */
export function uriScheme(uri: string): string | undefined {
    const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
    return match ? match[1].toLowerCase() : undefined;
}

export function isArtifactScheme(scheme: string | undefined): scheme is ArtifactScheme {
    return scheme !== undefined && (ARTIFACT_SCHEMES as readonly string[]).includes(scheme);
}

/** The container that downloads `uri` into the model volume. Images are pinned releases. */
export function fetcherFor(uri: string): ArtifactFetcher {
    const scheme = uriScheme(uri);
    const env = { HOME: "/tmp" };
    switch (scheme) {
        case "s3":
            return { image: "amazon/aws-cli:2.22.35", command: ["aws", "s3", "sync", "--only-show-errors", uri, MODEL_MOUNT_PATH], env };
        case "gs":
            return { image: "google/cloud-sdk:502.0.0-slim", command: ["gcloud", "storage", "rsync", "--recursive", uri, MODEL_MOUNT_PATH], env };
        case "https": {
            const file = decodeURIComponent(new URL(uri).pathname.split("/").filter(Boolean).pop() ?? "model");
            return {
                image: "curlimages/curl:8.11.1",
                command: ["curl", "--fail", "--silent", "--show-error", "--location", "--retry", "5", "--output", `${MODEL_MOUNT_PATH}/${file}`, uri],
                env,
            };
        }
        case "hf": {
            const repo = uri.slice("hf://".length);
            return {
                image: "python:3.12-slim",
                // The repository is the script's "$1", never spliced into the shell text: a URI is user input.
                command: [
                    "sh",
                    "-c",
                    `pip install --quiet --no-cache-dir --target /tmp/hf huggingface_hub==0.27.0 && PYTHONPATH=/tmp/hf python -m huggingface_hub.commands.huggingface_cli download "$1" --local-dir ${MODEL_MOUNT_PATH}`,
                    "fetch-model",
                    repo,
                ],
                env,
            };
        }
        default:
            throw new Error(`unsupported artifact URI scheme in ${uri}`);
    }
}

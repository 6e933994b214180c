/**
 * The images modelship's queue consumer runs in by default, one per need, shared by every target that runs it
 * (Kubernetes, Cloud Run, Docker); each target lets the team give its own.
 */

/**
 * Python 3.12 on Debian, the official image's `3.12-slim` index pinned by digest (docker-library/repo-info
 * `repos/python/remote/3.12-slim.md` at commit 2986dca3: Python 3.12.13, built 2026-08-05): for the backends and stores
 * that use only the standard library (`pubsub`, `pubsub-push`, `redis`; `gcs`, `redis`, `file`).
 */
export const STANDARD_LIBRARY_CONSUMER_IMAGE = "docker.io/library/python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36";

/**
 * For the `sqs` backend and the `s3` store, which need boto3: AWS's Lambda base image for Python 3.12, which ships boto3
 * (the SDK every Lambda Python runtime includes) in the interpreter's own site-packages
 * (/var/lang/lib/python3.12/site-packages, as the runtime's stack traces show), so a plain `python3` imports it; pinned
 * by digest (nationalarchives/ds-caselaw-data-enrichment-service#1959, 2026-06-12). Its entrypoint (the Lambda runtime
 * interface) is replaced by the container's command.
 */
export const BOTO3_CONSUMER_IMAGE = "public.ecr.aws/lambda/python:3.12@sha256:60d905e5b5329af7f2bd8289c5f989b91a33963e9908b29511b2d119721e67d0";

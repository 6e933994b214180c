/**
 * The docker gateway's default image: NGINX's official unprivileged image (runs as uid 101, listens on no privileged
 * port), stable branch 1.30.5 on Alpine, pinned by digest so the same bytes run on every machine.
 *
 * Where the digest comes from: `nginxinc/nginx-unprivileged:1.30.5-alpine` (the `1.30-alpine` and `stable-alpine`
 * tags at the time) resolves to this index digest in several public repositories that pin it (Dockerfiles and
 * deployment notes, 2026-09), one of which records checking the SHA-256 of the registry's index bytes against it. It
 * was not pulled from here (no Docker engine on the build machine). Override it with `docker.image`.
 */
export const DEFAULT_NGINX_IMAGE = "docker.io/nginxinc/nginx-unprivileged:1.30.5-alpine@sha256:ed04ec1ff34502c339ee5c3ae3f855442398edc1d05591e2b98981dcbbd20b1e";

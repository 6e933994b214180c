/** The defaults of ModelGateway's arguments, in one place (the TSDoc of args.ts states the same values). */

/** `requestSeconds` when not given. */
export const DEFAULT_REQUEST_SECONDS = 60;
/** `maxBodyMiB` when not given. */
export const DEFAULT_MAX_BODY_MIB = 10;
/** Length of a generated API key; and the shortest key accepted (API Gateway's minimum, kept on every target). */
export const GENERATED_KEY_LENGTH = 40;
export const MIN_KEY_LENGTH = 20;
/** Kubernetes defaults. */
export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_GATEWAY_CLASS = "eg";
/** AWS defaults. */
export const DEFAULT_STAGE_NAME = "v1";
export const DEFAULT_MAX_INTEGRATION_TIMEOUT_SECONDS = 29;
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** Docker defaults. The image's default is DEFAULT_NGINX_IMAGE in targets/docker-image.ts, with its digest's source. */
export const DEFAULT_DOCKER_PORT = 8088;

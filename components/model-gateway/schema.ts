/**
 * The zod schema of ModelGatewayArgs: the shape and range of every field. Rules that span fields (one backend per
 * route, unique matches, consumers' routes, timeouts against cold starts) are in `resolve.ts`.
 */
import { z } from "zod";
import { KubernetesNameKind, kubernetesNameSchema } from "../../sdk/naming";
import { awsRegion, gcpRegion, logRetentionDays, namespaceName, port, stringInput, tags } from "../../sdk/schema-fields";
import { input } from "../../sdk/validate";
import { GatewayAuth, GatewayTarget } from "./args";

/** Route and consumer names: DNS labels that start with a letter, 1 to 30 characters (they name cloud objects). */
export const GATEWAY_NAME = /^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/;
const gatewayName = z.string().regex(GATEWAY_NAME, "a name of 1 to 30 lowercase letters, digits and '-', starting with a letter and not ending with '-'");

/** `/`, or `/seg(/seg)*` with segments of letters, digits, `.`, `_` and `-`, without a trailing `/`. */
export const PATH_PREFIX = /^\/([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/;

/** An HTTP header name: a `token` of RFC 9110 section 5.1 (letters, digits and !#$%&'*+-.^_`|~). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value the gateway matches exactly: printable ASCII, no leading or trailing space. */
const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * A host name as the Gateway API's `Hostname` type accepts it (gateway.networking.k8s.io, `Listener.hostname`): a DNS
 * name in lowercase, optionally starting with `*.`, at most 253 characters.
 */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const hostname = z.string().max(253).regex(HOSTNAME, "a lowercase DNS name such as models.example.com, optionally starting with '*.'");
/** A domain for a Google-managed certificate: a DNS name with at least one dot, no wildcard (managed certificates take none). */
const domain = z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "a lowercase DNS name such as models.example.com (no wildcard)");

/** An HTTP or HTTPS URL. */
const httpUrl = z.string().regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, "an http:// or https:// URL");

/** An image pinned by digest. */
const pinnedImage = z.string().regex(/^[^\s@]+@sha256:[0-9a-f]{64}$/, "an image pinned by digest, such as nginxinc/nginx-unprivileged@sha256:<64 hex digits>");

/** Longest timeout and cold start the schema accepts, in seconds (one hour; targets have their own, lower limits). */
export const MAX_TIMEOUT_SECONDS = 3600;
const seconds = (min: number) => z.number().int().min(min).max(MAX_TIMEOUT_SECONDS);

const routeSchema = z
    .object({
        name: gatewayName,
        pathPrefix: z.string().regex(PATH_PREFIX, "'/' or a path such as /fraud/v2: segments of letters, digits, '.', '_' and '-', no trailing '/'"),
        header: z
            .object({
                name: z.string().regex(HEADER_NAME, "an HTTP header name: letters, digits and !#$%&'*+-.^_`|~"),
                value: z.string().regex(HEADER_VALUE, "a non-empty value of printable ASCII characters, without leading or trailing spaces"),
            })
            .strict()
            .optional(),
        stripPrefix: z.boolean().optional(),
        url: input(httpUrl).optional(),
        sagemakerEndpoint: stringInput.optional(),
        lambdaFunction: stringInput.optional(),
        stateMachine: stringInput.optional(),
        cloudRunService: stringInput.optional(),
        coldStartSeconds: input(z.number().int().min(0).max(MAX_TIMEOUT_SECONDS)).optional(),
        requestSeconds: input(seconds(1)).optional(),
        timeoutSeconds: seconds(1).optional(),
        allowShortTimeout: z.boolean().optional(),
        maxBodyMiB: z.number().int().min(1).max(1024).optional(),
        retries: z.number().int().min(0).max(5).optional(),
        anonymous: z.boolean().optional(),
    })
    .strict();

const consumerSchema = z
    .object({
        name: gatewayName,
        // The key's length is checked in resolve.ts, which never prints the key.
        apiKey: input(z.string()).optional(),
        ratePerSecond: z.number().positive().max(1_000_000),
        burst: z.number().int().min(1).max(5_000_000).optional(),
        monthlyQuota: z.number().int().min(1).optional(),
        routes: z.array(z.string()).optional(),
    })
    .strict();

export const gatewaySchema = z
    .object({
        target: z.enum(GatewayTarget),
        routes: z.array(routeSchema).min(1),
        consumers: z.array(consumerSchema).optional(),
        auth: z.enum(GatewayAuth).optional(),
        jwt: z
            .object({
                issuer: z.string().min(1),
                jwksUri: z.string().regex(/^https:\/\/[^\s/?#]+[^\s]*$/, "an https:// URL"),
                audiences: z.array(z.string().min(1)).min(1).optional(),
                consumerClaim: z
                    .string()
                    .regex(/^[A-Za-z0-9_.:-]+$/, "a claim name such as sub")
                    .optional(),
            })
            .strict()
            .optional(),
        kubernetes: z
            .object({
                namespace: namespaceName.optional(),
                gatewayClassName: kubernetesNameSchema(KubernetesNameKind.Subdomain, "a GatewayClass name").optional(),
                hostname: hostname.optional(),
                tlsSecretName: kubernetesNameSchema(KubernetesNameKind.Subdomain, "a Secret name").optional(),
                kubeconfig: stringInput.optional(),
            })
            .strict()
            .optional(),
        aws: z
            .object({
                region: awsRegion.optional(),
                stageName: z
                    .string()
                    .regex(/^[A-Za-z0-9_-]{1,128}$/, "a stage name of 1 to 128 letters, digits, '-' and '_' (API Gateway's rule)")
                    .optional(),
                // Integration.timeoutMilliseconds: 50 to 300,000 for a buffered response; above 29,000 only once the
                // account's quota is raised (@pulumi/aws apigateway/integration.d.ts; AWS What's New, 2024-06-04).
                maxIntegrationTimeoutSeconds: z.number().int().min(1).max(300).optional(),
                logRetentionDays: logRetentionDays.optional(),
            })
            .strict()
            .optional(),
        gcp: z
            .object({
                region: gcpRegion.optional(),
                domain: domain.optional(),
                sslCertificate: stringInput.optional(),
            })
            .strict()
            .optional(),
        docker: z
            .object({
                port: port.optional(),
                image: pinnedImage.optional(),
            })
            .strict()
            .optional(),
        tags: tags.optional(),
    })
    .strict();

/** The parsed arguments (Inputs passed through). */
export type ParsedGatewayArgs = z.output<typeof gatewaySchema>;
export type ParsedRouteArgs = ParsedGatewayArgs["routes"][number];
export type ParsedConsumerArgs = NonNullable<ParsedGatewayArgs["consumers"]>[number];

/** The settings block each target reads: a block given for another target is refused. */
export const BLOCK_OF: Record<GatewayTarget, string> = {
    [GatewayTarget.Kubernetes]: "kubernetes",
    [GatewayTarget.AwsApiGateway]: "aws",
    [GatewayTarget.GcpLoadBalancer]: "gcp",
    [GatewayTarget.Docker]: "docker",
};

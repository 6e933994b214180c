/**
 * The public arguments of ModelGateway. Multi-language rules apply (see README, "Using modelship from other
 * languages"): no unions, enums instead; routes and consumers are data (URLs, names, outputs of other components),
 * never references to components; one optional settings block per target, checked at run time.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where the gateway runs. */
export enum GatewayTarget {
    /**
     * A Kubernetes cluster with the Gateway API and Envoy Gateway 1.5.1 or later (with its global rate-limit service): a Gateway, one HTTPRoute per route,
     * Envoy Gateway's SecurityPolicy (keys or JWT) and BackendTrafficPolicy (rate limits, quotas, body limit); timeouts and retries on the HTTPRoutes.
     */
    Kubernetes = "kubernetes",
    /**
     * AWS API Gateway, a REST API: one resource per route, a usage plan and an API key per consumer (rate, burst,
     * monthly quota), stage access logs; in front of SageMaker endpoints (IAM-signed), Lambda functions, Step
     * Functions Express state machines (a PolyglotPipeline on AWS) or HTTP URLs.
     */
    AwsApiGateway = "aws-apigateway",
    /**
     * A GCP global external Application Load Balancer: serverless network endpoint groups for Cloud Run services,
     * internet NEGs for URLs, and a Cloud Armor policy that admits each consumer's key on its routes at its rate.
     */
    GcpLoadBalancer = "gcp-loadbalancer",
    /**
     * A local nginx container (pinned by digest) on the host's network, listening on 127.0.0.1, with the same routes,
     * keys and limits, for development; backends are 127.0.0.1 URLs (a ModelService's or PolyglotPipeline's `url` on docker).
     */
    Docker = "docker",
}

/** How consumers prove who they are. */
export enum GatewayAuth {
    /** An API key per consumer in the `x-api-key` header. */
    ApiKey = "api-key",
    /** A JWT from the issuer in `jwt` (`Authorization: Bearer`); the consumer is named by a claim. Kubernetes only. */
    Jwt = "jwt",
}

/** A header a route matches on, in addition to its path prefix (for example a model version). */
export interface GatewayHeaderMatchArgs {
    /** Header name, case-insensitive, for example `x-model-version`. No default. */
    name: string;
    /** Exact value the header must have. No default. */
    value: string;
}

/**
 * One route: requests whose path starts with `pathPrefix` (and, with `header`, that carry that header value) go to one
 * backend. Name exactly one backend: `url`, `sagemakerEndpoint`, `lambdaFunction`, `stateMachine` or `cloudRunService`.
 */
export interface GatewayRouteArgs {
    /** Route name, unique in the gateway: 1 to 30 lowercase letters, digits and `-`, starting with a letter. No default. */
    name: string;
    /**
     * Path prefix the route answers, for example `/fraud`: `/` followed by path segments of letters, digits, `-`, `_`
     * and `.`, without a trailing `/`; `/` alone matches every path. Two routes may share a prefix only with different
     * headers. No default.
     */
    pathPrefix: string;
    /** A header the request must also carry. Not on `aws-apigateway`, which routes by path only. Defaults to none. */
    header?: GatewayHeaderMatchArgs;
    /**
     * Remove the prefix before the request goes to the backend: `/fraud/predict` reaches the backend as `/predict`.
     * Defaults to true, except on `lambdaFunction` routes (false): a Lambda proxy integration passes the whole path, and
     * API Gateway cannot rewrite it.
     */
    stripPrefix?: boolean;
    /**
     * An HTTP(S) URL of the backend: a ModelService's `internalUrl` (also its `endpointName` there) or a PolyglotPipeline's
     * `url` on kubernetes (a cluster Service URL, `http://<service>.<namespace>.svc.cluster.local:<port>`), a container URL
     * on docker (a ModelService's `url`, also its `endpointName`, or a PolyglotPipeline's `url`), any HTTPS URL on
     * aws-apigateway and gcp-loadbalancer. Defaults to none.
     */
    url?: pulumi.Input<string>;
    /**
     * Name of a SageMaker real-time endpoint (a ModelService on aws-sagemaker: its `endpointName`), called with SigV4 by API
     * Gateway's role. aws-apigateway only. Defaults to none.
     */
    sagemakerEndpoint?: pulumi.Input<string>;
    /**
     * ARN of a Lambda function, or of one of its aliases (a ModelService on aws-lambda: its `endpointName`, the ARN of its
     * alias `live` when it keeps provisioned concurrency or autoscales, since only the alias's invocations reach the warm
     * environments), invoked as a proxy. aws-apigateway only. Defaults to none.
     */
    lambdaFunction?: pulumi.Input<string>;
    /**
     * ARN of a Step Functions Express state machine (a PolyglotPipeline on AWS: its `orchestratorId`), run synchronously.
     * aws-apigateway only. Defaults to none.
     */
    stateMachine?: pulumi.Input<string>;
    /**
     * Name of a Cloud Run service in `gcp.region` (a ModelService on gcp-cloudrun: its `endpointName`, the service's name).
     * gcp-loadbalancer only. Defaults to none.
     */
    cloudRunService?: pulumi.Input<string>;
    /**
     * Longest time a request may wait for the backend to start serving, in seconds: a ModelService's or
     * PolyglotPipeline's `coldStartBudgetSeconds` (0 when it always keeps a replica). Defaults to 0.
     */
    coldStartSeconds?: pulumi.Input<number>;
    /**
     * Longest time the backend takes to answer one request once started, in seconds: a ModelService's or
     * PolyglotPipeline's `requestTimeoutSeconds`. Defaults to 60.
     */
    requestSeconds?: pulumi.Input<number>;
    /**
     * Longest time the gateway waits for the backend's answer, in seconds, before it answers 504. At most the target's
     * hard limit (aws-apigateway: `aws.maxIntegrationTimeoutSeconds`, 29 by default). A timeout below
     * `coldStartSeconds` + `requestSeconds` is refused unless `allowShortTimeout`. Defaults to `coldStartSeconds` +
     * `requestSeconds`, capped at the target's limit (with a warning giving the numbers when the cap binds).
     */
    timeoutSeconds?: number;
    /**
     * Accept a `timeoutSeconds` below `coldStartSeconds` + `requestSeconds`: requests that arrive while the backend is
     * cold are answered 504. Defaults to false.
     */
    allowShortTimeout?: boolean;
    /** Largest request body, in MiB; larger requests are answered 413. At most 10 on aws-apigateway (its payload limit). Defaults to 10. */
    maxBodyMiB?: number;
    /**
     * Times a failed request is tried again, 0 to 5: only idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) and only
     * on connection failures and 502/503 answers, never a POST that may have reached the model. Not on aws-apigateway
     * and gcp-loadbalancer with Cloud Run, which do not retry. Defaults to 1 where the target retries, else 0.
     */
    retries?: number;
    /** Let requests through without a key or token. Must be written out: no route is anonymous by default. Defaults to false. */
    anonymous?: boolean;
}

/** One consumer of the gateway (a team, an application): its key, its rate and the routes it may call. */
export interface GatewayConsumerArgs {
    /** Consumer name, unique: 1 to 30 lowercase letters, digits and `-`, starting with a letter. No default. */
    name: string;
    /**
     * The consumer's API key, at least 20 characters (API Gateway's minimum, kept on every target), kept as a Pulumi
     * secret. Not with `auth: jwt`. Defaults to a random 40-character key generated once (`random.RandomPassword`) and
     * kept in the stack's state.
     */
    apiKey?: pulumi.Input<string>;
    /** Sustained requests per second the consumer may send over all its routes; above it, 429. Greater than 0. No default. */
    ratePerSecond: number;
    /** Requests the consumer may send at once above its rate (a token bucket's size), at least 1. Defaults to twice `ratePerSecond`, rounded up. */
    burst?: number;
    /**
     * Requests per calendar month; past it, 429 until the month ends. On aws-apigateway (usage plan quota) and
     * kubernetes (a Global rate limit per Month, which Envoy Gateway counts in 30-day windows); refused on gcp-loadbalancer and docker, which cannot count a month.
     * Defaults to none.
     */
    monthlyQuota?: number;
    /** Names of the routes the consumer may call; others answer 403. Defaults to every route that is not anonymous. */
    routes?: string[];
}

/** JWT validation, for `auth: jwt`. */
export interface GatewayJwtArgs {
    /** Issuer (`iss`) the tokens must carry, for example `https://login.example.com/`. No default. */
    issuer: string;
    /** HTTPS URL of the issuer's JSON Web Key Set. No default. */
    jwksUri: string;
    /** Audiences (`aud`) accepted. Defaults to any. */
    audiences?: string[];
    /** Claim whose value is the consumer's name: it selects the consumer's routes and rate. Defaults to `sub`. */
    consumerClaim?: string;
}

/** Settings for `target: kubernetes`. */
export interface GatewayKubernetesArgs {
    /** Namespace of the Gateway, the HTTPRoutes and the policies. Defaults to `default`. */
    namespace?: string;
    /** GatewayClass of the Gateway, one that Envoy Gateway controls. Defaults to `eg` (Envoy Gateway's quickstart class). */
    gatewayClassName?: string;
    /** Host name the gateway answers, for example `models.example.com`. Defaults to any host. */
    hostname?: string;
    /**
     * Name of a `kubernetes.io/tls` Secret in `namespace` holding the certificate for `hostname` (cert-manager or your
     * own). With it the Gateway listens on 443 with TLS; without it, on 80 in plain HTTP (with a warning). Defaults to none.
     */
    tlsSecretName?: string;
    /** Kubeconfig contents for the gateway's provider. Defaults to the ambient provider. */
    kubeconfig?: pulumi.Input<string>;
}

/** Settings for `target: aws-apigateway`. */
export interface GatewayAwsArgs {
    /** Region of the REST API. Defaults to the `aws:region` config, else `us-east-1`. */
    region?: string;
    /** Name of the stage, the first path segment of every URL. Defaults to `v1`. */
    stageName?: string;
    /**
     * The integration timeout your account's quota allows, in seconds. API Gateway's default quota is 29 s; for
     * Regional REST APIs AWS raises it on request (Service Quotas, "Maximum integration timeout in milliseconds"), at
     * the cost of a lower account throttle. Set it only once the quota is raised. Defaults to 29.
     */
    maxIntegrationTimeoutSeconds?: number;
    /** Days to keep the stage's access logs. Defaults to 30. */
    logRetentionDays?: number;
}

/** Settings for `target: gcp-loadbalancer`. */
export interface GatewayGcpArgs {
    /** Region of the Cloud Run services the routes name. Defaults to the `gcp:region` config, else `us-central1`. */
    region?: string;
    /** Domain of the gateway, for a Google-managed certificate. Either this or `sslCertificate`. Defaults to none. */
    domain?: string;
    /** Self link or ID of an existing SSL certificate. Either this or `domain`. Defaults to none. */
    sslCertificate?: pulumi.Input<string>;
}

/** Settings for `target: docker`. */
export interface GatewayDockerArgs {
    /** Port on 127.0.0.1 where the gateway listens. Defaults to 8088. */
    port?: number;
    /** The nginx image, by digest. Defaults to NGINX's official unprivileged image pinned by digest (see docs/gateway.md). */
    image?: string;
}

/** Arguments of {@link ModelGateway}. */
export interface ModelGatewayArgs {
    /** Where the gateway runs. No default. */
    target: GatewayTarget;
    /** The routes, at least one. */
    routes: GatewayRouteArgs[];
    /** The consumers. Defaults to none (then every route must be `anonymous`). */
    consumers?: GatewayConsumerArgs[];
    /** How consumers authenticate. Defaults to `api-key`. */
    auth?: GatewayAuth;
    /** JWT validation, required with `auth: jwt`. Defaults to none. */
    jwt?: GatewayJwtArgs;
    /** Settings on kubernetes. Defaults to the defaults of each field. */
    kubernetes?: GatewayKubernetesArgs;
    /** Settings on aws-apigateway. Defaults to the defaults of each field. */
    aws?: GatewayAwsArgs;
    /** Settings on gcp-loadbalancer. Defaults to the defaults of each field. */
    gcp?: GatewayGcpArgs;
    /** Settings on docker. Defaults to the defaults of each field. */
    docker?: GatewayDockerArgs;
    /** Extra cloud tags and Kubernetes labels. Defaults to none. */
    tags?: { [key: string]: string };
}

/**
 * The resolved gateway: every default applied, every cross-field rule checked. Targets read only this. Fields that
 * may be Outputs (backend locators, cold-start and request times, given keys) stay `pulumi.Input`s; everything that
 * decides which resources exist is plain.
 */
import * as pulumi from "@pulumi/pulumi";
import { GatewayAuth, GatewayTarget } from "./args";

/** The header that carries a consumer's API key, on every target. */
export const API_KEY_HEADER = "x-api-key";

/** The header the gateway sets to the authenticated consumer's name before the request reaches the backend. */
export const CONSUMER_HEADER = "x-modelship-consumer";

/** Where a route sends its requests: exactly one kind, decided by which argument was given. */
export enum BackendKind {
    Url = "url",
    SageMakerEndpoint = "sagemakerEndpoint",
    LambdaFunction = "lambdaFunction",
    StateMachine = "stateMachine",
    CloudRunService = "cloudRunService",
}

/** A route's backend: its kind and the locator given for it (a URL, a name or an ARN). */
export interface BackendSpec {
    kind: BackendKind;
    /** The value of the argument named by `kind`. */
    locator: pulumi.Input<string>;
}

/** One resolved route. */
export interface RouteSpec {
    name: string;
    /** `/` or `/seg/seg` without a trailing `/`. */
    pathPrefix: string;
    header?: { name: string; value: string };
    stripPrefix: boolean;
    backend: BackendSpec;
    /** Given or 0. */
    coldStartSeconds: pulumi.Input<number>;
    /** Given or 60. */
    requestSeconds: pulumi.Input<number>;
    /**
     * The gateway's timeout for this route: given, or cold start + request capped at the target's limit. An Output when
     * it derives from Outputs.
     */
    timeoutSeconds: pulumi.Input<number>;
    maxBodyMiB: number;
    retries: number;
    anonymous: boolean;
    /** Names of the consumers allowed on this route (empty for an anonymous route: anyone). */
    consumers: string[];
}

/** One resolved consumer. */
export interface ConsumerSpec {
    name: string;
    /** The given key; undefined when the gateway generates one (`keys.ts`). Always undefined with JWT. */
    apiKey?: pulumi.Input<string>;
    ratePerSecond: number;
    burst: number;
    monthlyQuota?: number;
    /** Names of the routes the consumer may call. */
    routes: string[];
}

/** Resolved settings of each target; only the block of `target` is read. */
export interface KubernetesGatewaySettings {
    namespace: string;
    gatewayClassName: string;
    hostname?: string;
    tlsSecretName?: string;
    kubeconfig?: pulumi.Input<string>;
}

export interface AwsGatewaySettings {
    region: string;
    stageName: string;
    maxIntegrationTimeoutSeconds: number;
    logRetentionDays: number;
}

export interface GcpGatewaySettings {
    region: string;
    domain?: string;
    sslCertificate?: pulumi.Input<string>;
}

export interface DockerGatewaySettings {
    port: number;
    image: string;
}

/** The resolved gateway. */
export interface GatewaySpec {
    /** The component's name. */
    name: string;
    target: GatewayTarget;
    auth: GatewayAuth;
    jwt?: { issuer: string; jwksUri: string; audiences?: string[]; consumerClaim: string };
    routes: RouteSpec[];
    consumers: ConsumerSpec[];
    kubernetes: KubernetesGatewaySettings;
    aws: AwsGatewaySettings;
    gcp: GcpGatewaySettings;
    docker: DockerGatewaySettings;
    /** Cloud tags and Kubernetes labels (`tags` over the stack's defaults). */
    tags: Record<string, string>;
}

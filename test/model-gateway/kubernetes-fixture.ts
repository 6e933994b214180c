/** A resolved GatewaySpec on kubernetes, built by hand (the core's resolution is tested on its own). */
import * as pulumi from "@pulumi/pulumi";
import { GatewayAuth, GatewayTarget } from "../../components/model-gateway/args";
import { BackendKind, GatewaySpec, RouteSpec } from "../../components/model-gateway/spec";

export function route(name: string, over: Partial<RouteSpec> = {}): RouteSpec {
    return {
        name,
        pathPrefix: `/${name}`,
        stripPrefix: true,
        backend: { kind: BackendKind.Url, locator: `http://${name}.ml.svc.cluster.local:8080` },
        coldStartSeconds: 0,
        requestSeconds: 60,
        timeoutSeconds: 60,
        maxBodyMiB: 10,
        retries: 1,
        anonymous: false,
        consumers: [],
        ...over,
    };
}

/**
 * Two authenticated routes (one by header, its URL and timeout Outputs), an anonymous one; alice at 0.5/s with a
 * monthly quota on both routes, bob at 5/s on fraud only.
 */
export function gatewaySpec(over: Partial<GatewaySpec> = {}): GatewaySpec {
    return {
        name: "models",
        target: GatewayTarget.Kubernetes,
        auth: GatewayAuth.ApiKey,
        routes: [
            route("fraud", {
                backend: { kind: BackendKind.Url, locator: "http://fraud.pipelines.svc.cluster.local:8080" },
                coldStartSeconds: 300,
                requestSeconds: 30,
                timeoutSeconds: 330,
                consumers: ["alice", "bob"],
            }),
            route("llm-v2", {
                pathPrefix: "/llm",
                header: { name: "x-model-version", value: "v2" },
                backend: { kind: BackendKind.Url, locator: pulumi.output("http://llm.ml.svc.cluster.local:8000") },
                requestSeconds: 900,
                timeoutSeconds: pulumi.output(900.5),
                retries: 0,
                consumers: ["alice"],
            }),
            route("health", { pathPrefix: "/", stripPrefix: false, backend: { kind: BackendKind.Url, locator: "http://fraud.pipelines.svc:8080/" }, maxBodyMiB: 1, anonymous: true }),
        ],
        consumers: [
            { name: "alice", ratePerSecond: 0.5, burst: 1, monthlyQuota: 100000, routes: ["fraud", "llm-v2"] },
            { name: "bob", ratePerSecond: 5, burst: 10, routes: ["fraud"] },
        ],
        kubernetes: { namespace: "ml", gatewayClassName: "eg", hostname: "models.example.com", tlsSecretName: "models-tls" },
        aws: { region: "us-east-1", stageName: "v1", maxIntegrationTimeoutSeconds: 29, logRetentionDays: 30 },
        gcp: { region: "us-central1" },
        docker: { port: 8088, image: "nginx" },
        tags: {},
        ...over,
    };
}

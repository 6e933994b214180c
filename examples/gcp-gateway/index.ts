// Two models on Cloud Run behind one gateway: an LLM on an NVIDIA L4 (vLLM) and a CPU fraud scorer. The gateway is a
// global external Application Load Balancer on HTTPS with a Google-managed certificate for `domain`; Cloud Armor admits
// each consumer's key on the routes it may call, at its rate. Both services stay off the internet: their ingress admits
// the VPC and load balancers only (`cloudRun.loadBalancerIngress`), so the gateway is the one way in.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, GatewayTarget, ModelGateway, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const llm = new ModelService("qwen", {
    model: {
        uri: config.require("modelUri"),
        runtime: ServingRuntime.Vllm,
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
    },
    resources: { cpu: 4, memoryGiB: 16, gpu: { accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192"],
    scaling: { minReplicas: 0, maxReplicas: 2 },
    cloudRun: { concurrency: 8, requestTimeoutSeconds: 900, loadBalancerIngress: true },
    target: Target.GcpCloudRun,
});

const scorer = new ModelService("fraud", {
    model: { image: config.require("scorerImage"), port: 8080, readinessPath: "/healthz" },
    resources: { cpu: 1, memoryGiB: 2 },
    scaling: { minReplicas: 0, maxReplicas: 5 },
    cloudRun: { requestTimeoutSeconds: 60, loadBalancerIngress: true },
    target: Target.GcpCloudRun,
});

const gateway = new ModelGateway("models", {
    target: GatewayTarget.GcpLoadBalancer,
    routes: [
        // A route names its Cloud Run service by the ModelService's endpointName. Both scale to zero: a route waits for a
        // cold start (coldStartBudgetSeconds: the 240 s of Cloud Run's startup probe) and the request
        // (requestTimeoutSeconds: the service's own timeout, which ends it), within Cloud Run's 3600 s.
        { name: "llm", pathPrefix: "/llm", cloudRunService: llm.endpointName, coldStartSeconds: llm.coldStartBudgetSeconds, requestSeconds: llm.requestTimeoutSeconds },
        { name: "fraud", pathPrefix: "/fraud", cloudRunService: scorer.endpointName, coldStartSeconds: scorer.coldStartBudgetSeconds, requestSeconds: scorer.requestTimeoutSeconds },
    ],
    consumers: [
        // Keys generated once and kept as secrets in the stack's state: `pulumi stack output consumerKeys --show-secrets`.
        { name: "chat-app", ratePerSecond: 2, burst: 10, routes: ["llm"] },
        { name: "payments", ratePerSecond: 50, routes: ["fraud"] },
    ],
    gcp: { domain: config.require("domain") },
});

export const url = gateway.url;
export const routeUrls = gateway.routeUrls;
export const consumerKeys = gateway.consumerKeys;
export const estimatedMonthlyCost = gateway.estimatedMonthlyCost;
export const modelsCost = { llm: llm.estimatedMonthlyCost, scorer: scorer.estimatedMonthlyCost };

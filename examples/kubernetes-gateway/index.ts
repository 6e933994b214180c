// One HTTPS front door on Kubernetes for two very different backends: the R -> Python -> Scala fraud pipeline (a KServe
// InferenceGraph) and an LLM served by vLLM on two NVIDIA L4s. A ModelGateway puts both behind one host with a Gateway
// API Gateway run by Envoy Gateway (1.5.1 or later, with its rate-limit service and Redis configured): each consuming
// team gets its own API key, its own rate, and optionally a monthly quota, and may call only the routes it is given.
// The certificate for the host is a kubernetes.io/tls Secret you already have (cert-manager or your own).
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, GatewayTarget, ModelGateway, ModelLoadMode, ModelService, PolyglotPipeline, ServingRuntime, StageLanguage, Target } from "modelship";

const config = new pulumi.Config();
const namespace = config.require("namespace");
const registry = config.require("registry");
const image = (stage: string) => config.get(stage) ?? `${registry}/${stage}:1`;

// The fraud pipeline of examples/polyglot-pipeline-kubernetes: its stage sources are in ../polyglot-pipeline-docker/stages.
const fraud = new PolyglotPipeline("fraud", {
    stages: [
        { name: "features", language: StageLanguage.R, image: image("features"), scaling: { replicas: 2 } },
        { name: "score", language: StageLanguage.Python, image: image("score"), resources: { cpu: 2, memoryGiB: 4 }, scaling: { replicas: 2 } },
        { name: "decide", language: StageLanguage.Jvm, image: image("decide"), resources: { cpu: 1, memoryGiB: 4 }, timeoutSeconds: 10 },
    ],
    kubernetes: { namespace, routerMinReplicas: 2 },
    target: Target.Kubernetes,
});

// The LLM of examples/kubernetes-vllm-stream: Qwen2.5-14B-Instruct streamed from S3 into two L4s.
const llm = new ModelService("qwen", {
    model: {
        uri: "s3://acme-models/qwen2.5-14b-instruct/",
        runtime: ServingRuntime.Vllm,
        loadMode: ModelLoadMode.Stream,
        serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
        sizeGiB: 28,
        servedModelName: "Qwen/Qwen2.5-14B-Instruct",
        startupTimeoutSeconds: 900,
    },
    resources: { cpu: 16, memoryGiB: 64, gpu: { count: 2, accelerator: Accelerator.L4 } },
    args: ["--max-model-len", "8192", "--gpu-memory-utilization", "0.90"],
    scaling: { replicas: 1 },
    kubernetes: {
        namespace,
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": config.require("modelsRoleArn") },
        nodeSelector: config.requireObject<Record<string, string>>("nodeSelector"),
    },
    target: Target.Kubernetes,
});

const gateway = new ModelGateway("models", {
    target: GatewayTarget.Kubernetes,
    routes: [
        // Each route's timeout defaults to the backend's cold-start budget plus its request time, both outputs of the
        // backend. Both keep replicas running (a cold-start budget of 0); the pipeline answers within its graph's timeout
        // (its stages' timeouts along the flow: 60 + 60 + 10 s), the LLM's longest generation (8,192 tokens) within the
        // 5 minutes the service allows a request.
        { name: "fraud", pathPrefix: "/fraud", url: fraud.url, coldStartSeconds: fraud.coldStartBudgetSeconds, requestSeconds: fraud.requestTimeoutSeconds },
        // vLLM's OpenAI API: /chat/v1/chat/completions reaches the model as /v1/chat/completions. On kubernetes a
        // service's endpointName is its in-cluster URL (internalUrl).
        { name: "chat", pathPrefix: "/chat", url: llm.endpointName, coldStartSeconds: llm.coldStartBudgetSeconds, requestSeconds: llm.requestTimeoutSeconds },
    ],
    consumers: [
        // The payments service scores every card payment: a high rate, fraud only.
        { name: "payments", ratePerSecond: 50, routes: ["fraud"] },
        // The support assistant: one request every 2 seconds (30 a minute), at most 100,000 a month, chat only.
        { name: "support-bot", ratePerSecond: 0.5, monthlyQuota: 100_000, routes: ["chat"] },
    ],
    kubernetes: { namespace, hostname: config.require("hostname"), tlsSecretName: config.require("tlsSecretName") },
});

export const url = gateway.url;
export const routeUrls = gateway.routeUrls;
// `pulumi stack output consumerKeys --show-secrets` prints each team's key; hand them out through your secret store.
export const consumerKeys = gateway.consumerKeys;
export const openApi = gateway.openApi;
export const estimatedMonthlyCost = pulumi.all([fraud.estimatedMonthlyCost, llm.estimatedMonthlyCost, gateway.estimatedMonthlyCost]);

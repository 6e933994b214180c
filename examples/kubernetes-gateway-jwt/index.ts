// Two versions of an image classifier on Kubernetes behind one HTTPS host, with JWT instead of API keys: the
// applications that call it already get tokens from the company's identity provider (OAuth client credentials), so
// the gateway checks each token's signature, issuer and audience, and names the calling application by its `azp`
// claim, which selects its routes and its rate. `/classify` reaches ResNet-50, or EfficientNet-B0 when the request
// carries `x-model-version: 2` (a canary that only the `mobile` application may call).
import * as pulumi from "@pulumi/pulumi";
import { GatewayAuth, GatewayTarget, ModelGateway, ModelService, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();
const namespace = config.require("namespace");

// Triton on CPU with an ONNX model repository (`<model>/config.pbtxt`, `<model>/1/model.onnx`) in S3, read with the
// role in the service account's annotation (IRSA on EKS; Workload Identity's annotation on GKE).
const classifier = (name: string, repository: string) =>
    new ModelService(name, {
        model: { uri: repository, runtime: ServingRuntime.Triton, startupTimeoutSeconds: 300 },
        resources: { cpu: 4, memoryGiB: 8 },
        scaling: { replicas: 2 },
        kubernetes: { namespace, serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": config.require("modelsRoleArn") } },
        target: Target.Kubernetes,
    });

const resnet50 = classifier("resnet50", "s3://acme-models/vision/resnet50-onnx/");
const efficientnet = classifier("efficientnet", "s3://acme-models/vision/efficientnet-b0-onnx/");

const gateway = new ModelGateway("vision", {
    target: GatewayTarget.Kubernetes,
    auth: GatewayAuth.Jwt,
    jwt: { issuer: config.require("issuer"), jwksUri: config.require("jwksUri"), audiences: ["vision-api"], consumerClaim: "azp" },
    routes: [
        // Both keep two replicas (no cold start); a classification answers within 30 s. Triton's KServe v2 protocol:
        // POST /classify/v2/models/<model>/infer.
        { name: "classify", pathPrefix: "/classify", url: resnet50.internalUrl, coldStartSeconds: 0, requestSeconds: 30 },
        { name: "classify-v2", pathPrefix: "/classify", header: { name: "x-model-version", value: "2" }, url: efficientnet.internalUrl, coldStartSeconds: 0, requestSeconds: 30 },
    ],
    consumers: [
        // The consumer names are the applications' client IDs, as the identity provider writes them in `azp`.
        { name: "web-shop", ratePerSecond: 20, routes: ["classify"] },
        { name: "mobile", ratePerSecond: 5, monthlyQuota: 2_000_000 },
    ],
    kubernetes: { namespace, hostname: config.require("hostname"), tlsSecretName: config.require("tlsSecretName") },
});

export const url = gateway.url;
export const routeUrls = gateway.routeUrls;
export const openApi = gateway.openApi;
export const estimatedMonthlyCost = pulumi.all([resnet50.estimatedMonthlyCost, efficientnet.estimatedMonthlyCost, gateway.estimatedMonthlyCost]);

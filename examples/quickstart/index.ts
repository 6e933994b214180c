// The quickstart: an image classifier (DenseNet-161, from TorchServe's model zoo) served by TorchServe on
// the local Docker engine, CPU only. `pulumi up` pulls the server, downloads the model archive into a
// volume, starts the server on 127.0.0.1:8080 and waits until it answers /ping.
//
// In front of it, a ModelGateway: nginx on 127.0.0.1:8088, where `/densenet/...` reaches the classifier for
// callers with the consumer's API key (generated once, kept as a secret in the stack), at most 5 requests a second.
import { GatewayTarget, ModelGateway, ModelService, ServingRuntime, Target } from "modelship";

const classifier = new ModelService("densenet", {
    model: {
        uri: "https://torchserve.pytorch.org/mar_files/densenet161.mar",
        runtime: ServingRuntime.TorchServe,
        serverImage: "pytorch/torchserve:0.12.0-cpu",
        startupTimeoutSeconds: 300,
    },
    resources: { cpu: 2, memoryGiB: 4 },
    target: Target.Docker,
});

const gateway = new ModelGateway("models", {
    target: GatewayTarget.Docker,
    routes: [{ name: "densenet", pathPrefix: "/densenet", url: classifier.url }],
    consumers: [{ name: "quickstart", ratePerSecond: 5 }],
});

export const url = classifier.url;
export const estimatedMonthlyCost = classifier.estimatedMonthlyCost;
export const gatewayUrl = gateway.url;
/** Each consumer's key, a secret: `pulumi stack output consumerKeys --show-secrets`. */
export const consumerKeys = gateway.consumerKeys;

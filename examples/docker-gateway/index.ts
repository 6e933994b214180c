// Two image classifiers from TorchServe's model zoo on the local Docker engine, behind one ModelGateway (nginx on
// 127.0.0.1:8088): `/classify/...` reaches DenseNet-161, or ResNet-18 when the request carries `x-model-version: 2`.
// Two consumers, each with a generated key: `web` may call both at 10 requests a second; `batch` only ResNet-18 at
// 30 requests a minute.
import { GatewayTarget, ModelGateway, ModelService, ServingRuntime, Target } from "modelship";

const classifier = (name: string, archive: string, hostPort: number) =>
    new ModelService(name, {
        model: {
            uri: `https://torchserve.pytorch.org/mar_files/${archive}.mar`,
            runtime: ServingRuntime.TorchServe,
            serverImage: "pytorch/torchserve:0.12.0-cpu",
            startupTimeoutSeconds: 300,
        },
        resources: { cpu: 2, memoryGiB: 4 },
        target: Target.Docker,
        docker: { hostPort },
    });

const densenet = classifier("densenet", "densenet161", 8081);
const resnet = classifier("resnet", "resnet-18", 8082);

const gateway = new ModelGateway("models", {
    target: GatewayTarget.Docker,
    routes: [
        { name: "classify", pathPrefix: "/classify", url: densenet.url },
        { name: "classify-v2", pathPrefix: "/classify", header: { name: "x-model-version", value: "2" }, url: resnet.url, requestSeconds: 30 },
    ],
    consumers: [
        { name: "web", ratePerSecond: 10 },
        { name: "batch", ratePerSecond: 0.5, burst: 5, routes: ["classify-v2"] },
    ],
});

export const gatewayUrl = gateway.url;
export const routeUrls = gateway.routeUrls;
/** Each consumer's key, a secret: `pulumi stack output consumerKeys --show-secrets`. */
export const consumerKeys = gateway.consumerKeys;
export const openApi = gateway.openApi;
export const estimatedMonthlyCost = gateway.estimatedMonthlyCost;

// The quickstart: an image classifier (DenseNet-161, from TorchServe's model zoo) served by TorchServe on
// the local Docker engine, CPU only. `pulumi up` pulls the server, downloads the model archive into a
// volume, starts the server on 127.0.0.1:8080 and waits until it answers /ping.
import { ModelService, ServingRuntime, Target } from "modelship";

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

export const url = classifier.url;
export const estimatedMonthlyCost = classifier.estimatedMonthlyCost;

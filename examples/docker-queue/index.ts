// Queue mode on the local Docker engine: the quickstart's image classifier (DenseNet-161 from TorchServe's model zoo,
// served by TorchServe on CPU), fed from a Redis stream on 127.0.0.1 instead of HTTP. Clients add a request to the
// stream and read its result under its request id; modelship's queue consumer, beside the server, does the rest. The
// same consumer runs on the cloud targets: this is how a queue-mode service is developed and tested on a workstation.
import { ModelService, ScalingMode, ServingRuntime, Target } from "modelship";

const classifier = new ModelService("densenet-queue", {
    model: {
        uri: "https://torchserve.pytorch.org/mar_files/densenet161.mar",
        runtime: ServingRuntime.TorchServe,
        serverImage: "pytorch/torchserve:0.12.0-cpu",
        startupTimeoutSeconds: 300,
    },
    resources: { cpu: 2, memoryGiB: 4 },
    scaling: {
        mode: ScalingMode.Queue,
        queue: {
            // TorchServe serves each archive under its model name: densenet161 for densenet161.mar.
            inferencePath: "/predictions/densenet161",
            // An image takes well under a second on two CPUs; a minute is a generous bound.
            requestTimeoutSeconds: 60,
            // Two images at a time, one per CPU; three attempts before the dead-letter stream.
            concurrencyPerReplica: 2,
            maxDeliveries: 3,
        },
    },
    target: Target.Docker,
});

// submitUrl (redis://127.0.0.1:6379/0), the result key prefix and the dead-letter stream.
export const queue = classifier.queue;
export const estimatedMonthlyCost = classifier.estimatedMonthlyCost;

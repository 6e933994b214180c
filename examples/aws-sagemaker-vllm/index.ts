// A chat model (Qwen2.5-1.5B-Instruct, from the Hugging Face Hub) served by vLLM on a SageMaker real-time endpoint
// with one NVIDIA L4, scaling between one and two instances. No image to build or push: with runtime vllm and no
// model.serverImage, modelship runs AWS's Large Model Inference (LMI) container from AWS's registry in the
// endpoint's region, and its role may pull exactly that repository.
import { Accelerator, ModelService, ServingRuntime, Target } from "modelship";

const chat = new ModelService("qwen-vllm", {
    model: {
        uri: "hf://Qwen/Qwen2.5-1.5B-Instruct",
        runtime: ServingRuntime.Vllm,
        // Clients send this as `model` (the default would be the Hub id).
        servedModelName: "qwen-chat",
        // Instance start, image pull and model download from the Hub.
        startupTimeoutSeconds: 900,
    },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    sagemaker: { instanceType: "ml.g6.2xlarge", invocationsPerInstanceTarget: 120 },
    scaling: { minReplicas: 1, maxReplicas: 2 },
    // vLLM engine arguments as LMI reads them (OPTION_<ARGUMENT>): a context that fits the L4's 24 GB comfortably.
    env: { OPTION_MAX_MODEL_LEN: "8192" },
    target: Target.AwsSageMaker,
});

export const url = chat.url;
export const estimatedMonthlyCost = chat.estimatedMonthlyCost;

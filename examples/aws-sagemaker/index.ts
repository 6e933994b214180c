// A small chat model (Qwen2.5-0.5B-Instruct, from the Hugging Face Hub) served by the Hugging Face TGI
// container on a SageMaker real-time endpoint with one NVIDIA A10G, scaling between one and two instances.
// The endpoint accepts SigV4-signed requests from principals allowed sagemaker:InvokeEndpoint on it.
import { Accelerator, ModelService, ServingRuntime, Target } from "modelship";

// AWS's Hugging Face TGI deep learning container (github.com/aws/deep-learning-containers, available_images.md).
// SageMaker pulls only from ECR; this image answers /ping and /invocations on port 8080 as SageMaker requires.
const tgiImage = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04";

const chat = new ModelService("qwen-chat", {
    model: {
        uri: "hf://Qwen/Qwen2.5-0.5B-Instruct",
        runtime: ServingRuntime.Tgi,
        serverImage: tgiImage,
        // Instance start, image pull and model download from the Hub.
        startupTimeoutSeconds: 900,
    },
    resources: { gpu: { accelerator: Accelerator.A10G } },
    sagemaker: { instanceType: "ml.g5.xlarge", invocationsPerInstanceTarget: 120 },
    scaling: { minReplicas: 1, maxReplicas: 2 },
    env: { MAX_INPUT_TOKENS: "2048", MAX_TOTAL_TOKENS: "4096" },
    target: Target.AwsSageMaker,
});

export const url = chat.url;
export const estimatedMonthlyCost = chat.estimatedMonthlyCost;

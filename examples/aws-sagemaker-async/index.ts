// A chat model (Qwen2.5-7B-Instruct, from the Hugging Face Hub) served by vLLM on a SageMaker asynchronous endpoint:
// queue mode. Clients upload a request to the queue's bucket and submit it with InvokeEndpointAsync; SageMaker queues it,
// one NVIDIA L4 instance serves it, the result lands in the bucket and a topic says so. The endpoint scales on its backlog
// per instance between zero and four instances: at zero nothing is billed for instances, and the first request starts one.
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, ModelService, ScalingMode, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();

const batch = new ModelService("qwen-batch", {
    model: {
        uri: "hf://Qwen/Qwen2.5-7B-Instruct",
        runtime: ServingRuntime.Vllm,
        servedModelName: "qwen-batch",
        // Instance start, image pull and model download from the Hub: the cold start a request may wait at zero.
        startupTimeoutSeconds: 900,
    },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    sagemaker: { instanceType: "ml.g6.2xlarge" },
    scaling: {
        mode: ScalingMode.Queue,
        minReplicas: 0,
        maxReplicas: 4,
        // A request may wait up to 2 hours for a replica and run 10 minutes; results are kept 3 days.
        queue: { retentionSeconds: 7200, requestTimeoutSeconds: 600, concurrencyPerReplica: 4, resultRetentionDays: 3 },
        // Two queued requests per instance before another starts (the default is AWS's example, 5).
        // At most $3,000 a month of instances (3 of the 4 at $892.06 each); a run-time AWS budget on the service's tags
        // watches the real spend and notifies the team's topic at 80% and 100%, and when the month's forecast passes 100%.
        autoscaling: { metricTarget: 2, budget: { maxMonthlyUsd: 3000 } },
    },
    env: { OPTION_MAX_MODEL_LEN: "8192" },
    // The alarms and the budget publish here; the topic's policy must let budgets.amazonaws.com publish (README.md).
    observability: { notifications: { snsTopicArn: config.require("alertTopicArn") } },
    target: Target.AwsSageMaker,
});

export const submitUrl = batch.url;
export const queue = batch.queue;
export const estimatedMonthlyCost = batch.estimatedMonthlyCost;

// A chat model (Qwen2.5-3B-Instruct on vLLM, one NVIDIA L4 per replica) in queue mode on EKS: clients send requests to an
// SQS queue, a consumer beside each replica takes them, calls vLLM on loopback and writes each answer to S3 under the
// request's id; KEDA scales the replicas on the queue's backlog between zero and four. At zero nothing runs on a GPU, and
// a request waits in the queue (up to 4 hours) while the first replica starts: nothing is dropped.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, KubernetesQueueProvider, ModelService, ScalingMode, ServingRuntime, Target } from "modelship";

const config = new pulumi.Config();
const clusterName = config.require("clusterName");
// The cost-allocation tags modelship puts on its own resources, on this program's too.
const modelship = new pulumi.Config("modelship");
const tags = { team: modelship.require("team"), "cost-center": modelship.require("costCenter") };

// KEDA's operator, once per cluster: its own role through EKS Pod Identity (ServiceAccount keda/keda-operator), allowed to
// assume the scaler role of every queue-mode ModelService (IAM path /modelship/keda-scaler/), each of which may only read
// its own queue's length. Create it before installing KEDA, or restart the keda-operator Deployment afterwards.
const account = aws.getCallerIdentityOutput().accountId;
const kedaRole = new aws.iam.Role("keda-operator", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    }),
    tags,
});
const kedaPolicy = new aws.iam.RolePolicy("keda-operator", {
    role: kedaRole.id,
    policy: account.apply((id) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: `arn:aws:iam::${id}:role/modelship/keda-scaler/*` }],
        }),
    ),
});
const kedaIdentity = new aws.eks.PodIdentityAssociation("keda-operator", { clusterName, namespace: "keda", serviceAccount: "keda-operator", roleArn: kedaRole.arn, tags }, { dependsOn: [kedaPolicy] });

const batch = new ModelService(
    "qwen-batch",
    {
        model: {
            uri: "hf://Qwen/Qwen2.5-3B-Instruct",
            runtime: ServingRuntime.Vllm,
            servedModelName: "qwen-batch",
            // The preset's server, pinned by digest: a tag can later point at another build.
            serverImage: "vllm/vllm-openai:v0.8.5@sha256:6cf9808ca8810fc6c3fd0451c2e7784fb224590d81f7db338e7eaf3c02a33d33",
            // A GPU node from zero, the image pull and the download: the cold start a request may wait at zero.
            startupTimeoutSeconds: 900,
        },
        // With the consumer's 0.1 vCPU and 0.25 GiB, a pod still fits a g6.xlarge (4 vCPU, 16 GiB, one L4).
        resources: { cpu: 3, memoryGiB: 14, gpu: { accelerator: Accelerator.L4 } },
        args: ["--max-model-len", "8192"],
        scaling: {
            mode: ScalingMode.Queue,
            minReplicas: 0,
            maxReplicas: 4,
            // A request may wait up to 4 hours and run 5 minutes; 8 at once per replica; results are kept 3 days.
            queue: { retentionSeconds: 14400, requestTimeoutSeconds: 300, concurrencyPerReplica: 8, resultRetentionDays: 3 },
        },
        kubernetes: {
            namespace: config.require("namespace"),
            queue: { provider: KubernetesQueueProvider.AwsSqs, eksClusterName: clusterName, kedaRoleArn: kedaRole.arn },
        },
        target: Target.Kubernetes,
    },
    { dependsOn: [kedaIdentity] },
);

export const submitUrl = batch.url;
export const queue = batch.queue;
export const estimatedMonthlyCost = batch.estimatedMonthlyCost;

// One API Gateway REST API in front of two AWS backends: a chat model on a SageMaker real-time endpoint (called with
// SigV4 by the gateway's role) and the polyglot fraud pipeline (a Step Functions Express state machine, run
// synchronously). Each consumer has its own API key, usage plan (rate, burst, monthly quota) and routes; a Lambda
// authorizer admits a key only on its consumer's routes. See README.md and docs/gateway.md.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Accelerator, GatewayTarget, ModelGateway, ModelService, PolyglotPipeline, ServingRuntime, StageLanguage, Target } from "modelship";

const config = new pulumi.Config();
const modelship = new pulumi.Config("modelship");
// The cost-allocation tags the gateway's own resources get from the stack's config, on the two below too.
const tags = { team: modelship.require("team"), "cost-center": modelship.require("costCenter") };
const registry = config.require("registry");
const image = (stage: string) => config.get(stage) ?? `${registry}/${stage}:1`;

// Prerequisite, once per account and region: the role API Gateway writes stage access logs with. It is an account
// setting (one for every API in the region), so it lives here and not in the gateway. Remove these three resources if
// your account already has one (`aws apigateway get-account`).
const cloudWatchRole = new aws.iam.Role("apigateway-cloudwatch", {
    description: "Lets API Gateway write the access logs of every REST API in this region",
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
});
const cloudWatchPolicy = new aws.iam.RolePolicyAttachment("apigateway-cloudwatch", {
    role: cloudWatchRole.name,
    policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
});
const apiGatewayAccount = new aws.apigateway.Account("apigateway-account", { cloudwatchRoleArn: cloudWatchRole.arn }, { dependsOn: [cloudWatchPolicy] });

// The chat model of examples/aws-sagemaker: Qwen2.5-0.5B-Instruct on one ml.g5.xlarge (NVIDIA A10G), one to two
// instances. Its endpoint is named after the ModelService: `qwen-chat`.
const chat = new ModelService("qwen-chat", {
    model: {
        uri: "hf://Qwen/Qwen2.5-0.5B-Instruct",
        runtime: ServingRuntime.Tgi,
        serverImage: "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04",
        startupTimeoutSeconds: 900,
    },
    resources: { gpu: { accelerator: Accelerator.A10G } },
    sagemaker: { instanceType: "ml.g5.xlarge", invocationsPerInstanceTarget: 120 },
    scaling: { minReplicas: 1, maxReplicas: 2 },
    // Short answers: a request must finish within API Gateway's 29 s integration timeout.
    env: { MAX_INPUT_TOKENS: "2048", MAX_TOTAL_TOKENS: "2560" },
    target: Target.AwsSageMaker,
});

// The fraud pipeline of examples/polyglot-pipeline-aws, without its own IAM-authorized HTTP API: the gateway is its
// front door.
const fraud = new PolyglotPipeline("fraud", {
    stages: [
        { name: "features", language: StageLanguage.R, image: image("features"), resources: { memoryGiB: 1 }, timeoutSeconds: 10, lambda: { reservedConcurrency: 10 } },
        {
            name: "score",
            language: StageLanguage.Python,
            image: image("score"),
            target: Target.AwsSageMaker,
            resources: { cpu: 4, memoryGiB: 8 },
            scaling: { minReplicas: 1, maxReplicas: 3 },
            timeoutSeconds: 10,
        },
        { name: "decide", language: StageLanguage.Jvm, image: image("decide"), resources: { memoryGiB: 2 }, timeoutSeconds: 5, lambda: { reservedConcurrency: 10 } },
    ],
    stepFunctions: { logRetentionDays: 90, httpApi: false },
    target: Target.AwsLambda,
});

const gateway = new ModelGateway(
    "models",
    {
        target: GatewayTarget.AwsApiGateway,
        routes: [
            // The chat endpoint keeps an instance (coldStartBudgetSeconds: 0). SageMaker allows a request 60 s
            // (requestTimeoutSeconds), more than API Gateway's 29: the token limits above keep answers within 25 s,
            // so this route says so rather than inherit the 60 and be capped with a warning.
            { name: "llm", pathPrefix: "/llm", sagemakerEndpoint: chat.endpointName, coldStartSeconds: chat.coldStartBudgetSeconds, requestSeconds: 25 },
            // The pipeline: its Lambda stages may each spend Lambda's 10 s init phase (coldStartBudgetSeconds: 20, the
            // SageMaker stage keeps an instance), then its stages' timeouts add up to 25 s along the flow (10 + 10 + 5),
            // 45 s in all, above API Gateway's 29 s quota. Without the two lines below the route is capped at 29 s with
            // a warning that gives these numbers (and the gateway-timeout policy reports it); written out, a request that
            // meets both Lambda stages cold may get 504, which the payments client retries. Or raise the account's quota
            // ("Maximum integration timeout in milliseconds", Service Quotas, Regional REST APIs), set
            // aws.maxIntegrationTimeoutSeconds: 45 and drop the two lines. The state machine's ARN once the account's
            // CloudWatch role is set: the gateway's stage (deployed after its integrations) then waits for it, as access
            // logs require.
            {
                name: "fraud",
                pathPrefix: "/fraud",
                stateMachine: pulumi.all([fraud.orchestratorId, apiGatewayAccount.id]).apply(([arn]) => arn),
                coldStartSeconds: fraud.coldStartBudgetSeconds,
                requestSeconds: 25,
                timeoutSeconds: 29,
                allowShortTimeout: true,
            },
        ],
        consumers: [
            // Keys generated once and kept as secrets in the stack's state: `pulumi stack output consumerKeys --show-secrets`.
            { name: "chat-app", ratePerSecond: 5, burst: 10, routes: ["llm"] },
            { name: "payments", ratePerSecond: 50, burst: 100, monthlyQuota: 2_000_000, routes: ["fraud"] },
        ],
        aws: { stageName: "v1", logRetentionDays: 30 },
    },
    // The stage's access logs need the account's CloudWatch role first (see the fraud route too).
    { dependsOn: [apiGatewayAccount] },
);

export const url = gateway.url;
export const routeUrls = gateway.routeUrls;
export const consumerKeys = gateway.consumerKeys;
export const estimatedMonthlyCost = gateway.estimatedMonthlyCost;
export const backendsCost = { chat: chat.estimatedMonthlyCost, fraud: fraud.estimatedMonthlyCost };

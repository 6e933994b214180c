// A CPU sentence-embedding model baked into a container image, run by AWS Lambda. The image serves HTTP
// on port 8080 behind the AWS Lambda Web Adapter (see README); callers reach it through a function URL that
// checks IAM (SigV4) signatures. Concurrency is capped at 5, which also caps the monthly bill.
import * as pulumi from "@pulumi/pulumi";
import { AuthMode, ModelService, Target } from "modelship";

const config = new pulumi.Config();

const embedder = new ModelService("embedder", {
    model: { image: config.require("image"), port: 8080, readinessPath: "/health" },
    // 4 GiB buys a little over two vCPUs on Lambda (CPU comes with memory).
    resources: { memoryGiB: 4 },
    lambda: { reservedConcurrency: 5, timeoutSeconds: 30 },
    env: { MODEL_NAME: "BAAI/bge-small-en-v1.5" },
    exposure: { public: true, auth: AuthMode.Iam },
    target: Target.AwsLambda,
});

export const url = embedder.url;
export const estimatedMonthlyCost = embedder.estimatedMonthlyCost;

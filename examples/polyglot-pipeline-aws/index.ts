// Fraud scoring in three languages behind one IAM-authorized endpoint on AWS: R features (plumber) and a Java
// decision run on Lambda, billed per request; the Python model (FastAPI) runs on a SageMaker real-time endpoint that
// keeps it loaded. A Step Functions Express state machine calls them in turn, and an API Gateway HTTP API starts it.
// The stage sources are in ../polyglot-pipeline-docker/stages; push the images to ECR first (see README.md) and pin
// them by digest in config (`features`, `score`, `decide`), or keep the `:1` tags for a first try.
import * as pulumi from "@pulumi/pulumi";
import { PolyglotPipeline, StageLanguage, Target } from "modelship";

const config = new pulumi.Config();
const registry = config.require("registry");
const image = (stage: string) => config.get(stage) ?? `${registry}/${stage}:1`;

const fraud = new PolyglotPipeline("fraud", {
    stages: [
        // At most 10 requests at once on each function: the cap on concurrency is also the cap on the bill.
        { name: "features", language: StageLanguage.R, image: image("features"), resources: { memoryGiB: 1 }, timeoutSeconds: 10, lambda: { reservedConcurrency: 10 } },
        // The model stays loaded on an ml.c5.xlarge (4 vCPU, 8 GiB), one to three instances. SageMaker's contract:
        // the server answers POST /invocations and GET /ping on port 8080 (the stage's defaults on SageMaker).
        {
            name: "score",
            language: StageLanguage.Python,
            image: image("score"),
            target: Target.AwsSageMaker,
            resources: { cpu: 4, memoryGiB: 8 },
            scaling: { minReplicas: 1, maxReplicas: 3 },
            timeoutSeconds: 10,
        },
        // The JVM's heap follows the function's memory (the jvm preset's JAVA_TOOL_OPTIONS): 75 % of 2 GiB.
        { name: "decide", language: StageLanguage.Jvm, image: image("decide"), resources: { memoryGiB: 2 }, timeoutSeconds: 5, lambda: { reservedConcurrency: 10 } },
    ],
    // 25 s along the flow: within API Gateway's 30 s, so the HTTP API stays in front.
    stepFunctions: { logRetentionDays: 90 },
    target: Target.AwsLambda,
});

export const url = fraud.url;
export const stateMachine = fraud.orchestratorId;
export const stageUrls = fraud.stageUrls;
export const estimatedMonthlyCost = fraud.estimatedMonthlyCost;

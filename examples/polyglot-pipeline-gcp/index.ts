// Fraud scoring in three languages behind one endpoint on GCP: R features (plumber), a Python score (FastAPI) and a
// Java decision, each a private Cloud Run service (internal ingress, no public invoker), called in turn by a Workflows
// workflow under its own service account. Callers start an execution with `roles/workflows.invoker`.
// The stage sources are in ../polyglot-pipeline-docker/stages; push the images to Artifact Registry first (see
// README.md) and pin them by digest in config (`features`, `score`, `decide`), or keep the `:1` tags for a first try.
import * as pulumi from "@pulumi/pulumi";
import { PolyglotPipeline, StageLanguage, Target } from "modelship";

const config = new pulumi.Config();
const registry = config.require("registry");
const image = (stage: string) => config.get(stage) ?? `${registry}/${stage}:1`;

const fraud = new PolyglotPipeline("fraud", {
    stages: [
        // One R process answers one request at a time: the r preset sets Cloud Run's concurrency to 1, so more
        // instances take the load (up to 10); none run while there are no requests.
        { name: "features", language: StageLanguage.R, image: image("features"), resources: { cpu: 1, memoryGiB: 1 }, scaling: { minReplicas: 0, maxReplicas: 10 }, timeoutSeconds: 10 },
        // Up to 4 instances of 2 vCPU and 4 GiB. Scales to zero in this dev stack; in production, `minReplicas: 1`
        // keeps the model loaded in one warm instance (no cold start on the first request), billed while idle.
        { name: "score", language: StageLanguage.Python, image: image("score"), resources: { cpu: 2, memoryGiB: 4 }, scaling: { minReplicas: 0, maxReplicas: 4 }, timeoutSeconds: 10 },
        // The JVM's heap follows the instance's memory (the jvm preset's JAVA_TOOL_OPTIONS): 75 % of 2 GiB.
        { name: "decide", language: StageLanguage.Jvm, image: image("decide"), resources: { cpu: 1, memoryGiB: 2 }, scaling: { minReplicas: 0, maxReplicas: 4 }, timeoutSeconds: 5 },
    ],
    target: Target.GcpCloudRun,
});

export const url = fraud.url;
export const workflow = fraud.orchestratorId;
export const stageUrls = fraud.stageUrls;
export const estimatedMonthlyCost = fraud.estimatedMonthlyCost;

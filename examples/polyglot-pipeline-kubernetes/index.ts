// Fraud scoring in three languages behind one endpoint on Kubernetes: R features (plumber), a Python score
// (FastAPI) and a Scala decision, each a ModelService Deployment, chained by a KServe InferenceGraph. The stage
// sources and Dockerfiles are in ../polyglot-pipeline-docker/stages; push the images to your registry first and
// pin them by digest in config (`features`, `score`, `decide`), or keep the `:1` tags for a first try.
import * as pulumi from "@pulumi/pulumi";
import { PolyglotPipeline, StageLanguage, Target } from "modelship";

const config = new pulumi.Config();
const registry = config.require("registry");
const image = (stage: string) => config.get(stage) ?? `${registry}/${stage}:1`;

const fraud = new PolyglotPipeline("fraud", {
    stages: [
        { name: "features", language: StageLanguage.R, image: image("features"), scaling: { replicas: 2 } },
        { name: "score", language: StageLanguage.Python, image: image("score"), resources: { cpu: 2, memoryGiB: 4 }, scaling: { replicas: 2 } },
        // Scala on the JVM: the heap follows the 4 GiB limit (the jvm preset's JAVA_TOOL_OPTIONS).
        { name: "decide", language: StageLanguage.Jvm, image: image("decide"), resources: { cpu: 1, memoryGiB: 4 }, timeoutSeconds: 10 },
    ],
    kubernetes: { namespace: config.require("namespace"), routerMinReplicas: 2 },
    target: Target.Kubernetes,
});

export const url = fraud.url;
export const graph = fraud.orchestratorId;
export const stageUrls = fraud.stageUrls;
export const estimatedMonthlyCost = fraud.estimatedMonthlyCost;

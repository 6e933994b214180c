// Fraud scoring in three languages behind one endpoint on the local Docker engine: R computes features of a
// customer's recent amounts (plumber), Python scores them (FastAPI), the JVM decides (approve, review, block).
// Each stage is a ModelService container on 127.0.0.1; modelship's router chains them on http://127.0.0.1:8080/.
// Build the three images first (see README.md); the stage sources are in ./stages.
import { PolyglotPipeline, StageLanguage, Target } from "modelship";

const fraud = new PolyglotPipeline("fraud", {
    stages: [
        { name: "features", language: StageLanguage.R, image: "fraud-features:dev" },
        { name: "score", language: StageLanguage.Python, image: "fraud-score:dev", resources: { cpu: 1, memoryGiB: 1 } },
        // The JVM's heap follows this memory (the jvm preset's JAVA_TOOL_OPTIONS): 75 % of 2 GiB.
        { name: "decide", language: StageLanguage.Jvm, image: "fraud-decide:dev", resources: { cpu: 1, memoryGiB: 2 }, timeoutSeconds: 10 },
    ],
    // The router's image, pinned by digest (a tag can later point at another build).
    docker: { routerImage: "node:22.23.3-alpine@sha256:0a7108bf6c7bf5de370ffb1a3ed6be93d405b43ff159f681a8d18c0e2bc2e402" },
    target: Target.Docker,
});

export const url = fraud.url;
export const stageUrls = fraud.stageUrls;
export const estimatedMonthlyCost = fraud.estimatedMonthlyCost;

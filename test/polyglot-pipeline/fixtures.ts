/** Arguments shared by the PolyglotPipeline tests: the R -> Python -> JVM fraud pipeline of the examples. */
import { PipelineStageArgs, StageLanguage } from "../../index";

/** A digest-pinned image reference. */
export const digest = (repository: string, digit = "a") => `${repository}@sha256:${digit.repeat(64)}`;

/** An ECR image in the test account (Lambda and SageMaker pull only from ECR). */
export const ecr = (repository: string, digit = "a") => digest(`111122223333.dkr.ecr.us-east-1.amazonaws.com/${repository}`, digit);

/** The three stages, with images from `image(repository)`. */
export function fraudStages(image: (repository: string) => string = (r) => digest(`registry.example.com/fraud/${r}`)): PipelineStageArgs[] {
    return [
        { name: "features", language: StageLanguage.R, image: image("features") },
        { name: "score", language: StageLanguage.Python, image: image("score") },
        { name: "decide", language: StageLanguage.Jvm, image: image("decide") },
    ];
}

/** Parses a JSON string input of a recorded resource. */
export function json(value: unknown): unknown {
    return JSON.parse(value as string);
}

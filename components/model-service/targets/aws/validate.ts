/** The check the SageMaker and Lambda targets share: images from ECR, and which argument each problem names. */
import { describeValue, isDeferred, ValidationProblem } from "../../../../sdk/validate";
import { ServingSpec } from "../../spec";
import { ECR_IMAGE_FORM, parseEcrImage } from "./ecr";

/** The argument that sets the image of version `index`: the path a problem about that image names. */
export function imagePath(spec: ServingSpec, index: number): string {
    if (spec.canary && spec.given.versions[index]?.image) return `versions[${index}].image`;
    return spec.versions[index].artifact ? "model.serverImage" : "model.image";
}

/**
 * One problem per argument whose image is not an ECR image. Images still unknown (Outputs) are not
 * checked here; the cloud rejects them at deployment. `chosenByTarget` names the versions whose image the
 * target picks itself (SageMaker's own containers), which are not the user's to fix.
 */
export function nonEcrImageProblems(spec: ServingSpec, why: string, chosenByTarget: (index: number) => boolean = () => false): ValidationProblem[] {
    const problems = new Map<string, ValidationProblem>();
    spec.versions.forEach((version, i) => {
        const image = version.image;
        if (chosenByTarget(i) || isDeferred(image) || typeof image !== "string" || parseEcrImage(image) !== undefined) return;
        const path = imagePath(spec, i);
        const received = path === "model.serverImage" && spec.given.model.serverImage === undefined ? `nothing (the preset's ${describeValue(image)})` : describeValue(image);
        if (!problems.has(path)) problems.set(path, { path, received, expected: `${ECR_IMAGE_FORM} (${why})` });
    });
    return [...problems.values()];
}

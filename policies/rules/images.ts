/**
 * image-digest (advisory): container images pinned by digest. A tag can be moved: the same `:1.4` may serve a
 * different image, and a different model, after the next push, and a rollback then does not roll back.
 */
import { get, list, str } from "../../sdk/cost/inputs";
import type { Finding, PlainResource, ResourceRule } from "../framework/types";
import { atPath, checking } from "../framework/unknowns";
import { podTemplate, runsPods } from "../inspect/kubernetes";
import { AWS, DOCKER, GCP } from "../inspect/types";

/** Config of image-digest. */
export interface ImageDigestConfig {
    exempt: string[];
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** A Docker image ID (what a docker.RemoteImage resolves to): content-addressed, so pinned. */
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/** Every image reference of a resource, with the path it is at. */
function imagesOf(r: PlainResource): Array<{ path: string; image: unknown }> {
    const containers = (root: unknown, prefix: string, keys: string[]) =>
        keys.flatMap((key) =>
            atPath(`${prefix}${key}`, () => list(root, key)).map((c, i) => {
                const path = `${prefix}${key}[${i}].image`;
                return { path, image: atPath(path, () => get(c, "image")) };
            }),
        );
    if (runsPods(r.type)) {
        const template = podTemplate(r);
        return template ? containers(template.spec, `${template.path}spec.`, ["initContainers", "containers"]) : [];
    }
    switch (r.type) {
        case DOCKER.container:
            return [{ path: "image", image: get(r.inputs, "image") }];
        case DOCKER.remoteImage:
            return [{ path: "name", image: get(r.inputs, "name") }];
        case GCP.cloudRunService:
            return containers(r.inputs, "", ["template.containers"]);
        case AWS.lambdaFunction:
            return str(r.inputs, "imageUri") !== undefined ? [{ path: "imageUri", image: get(r.inputs, "imageUri") }] : [];
        case AWS.sagemakerModel:
            return [
                ...(get(r.inputs, "primaryContainer.image") !== undefined ? [{ path: "primaryContainer.image", image: get(r.inputs, "primaryContainer.image") }] : []),
                ...containers(r.inputs, "", ["containers"]),
            ];
        default:
            return [];
    }
}

export const imageDigest: ResourceRule<ImageDigestConfig> = {
    kind: "resource",
    name: "image-digest",
    description: "Container images of Kubernetes workloads, Docker containers, Cloud Run services, Lambda functions and SageMaker models are pinned by digest (image@sha256:...).",
    enforcementLevel: "advisory",
    settings: {
        exempt: {
            type: "strings",
            default: [],
            description: "Image name prefixes exempt from the check, for example a registry that only holds immutable tags. Defaults to none.",
        },
    },
    remediationSteps: "Reference the image as <repository>@sha256:<digest> (docker buildx imagetools inspect <image> prints the digest).",
    appliesTo: (type) => runsPods(type) || [DOCKER.container, DOCKER.remoteImage, GCP.cloudRunService, AWS.lambdaFunction, AWS.sagemakerModel].includes(type as never),
    check(r, config) {
        const findings: Finding[] = [];
        checking(findings, "the image references", r.urn, () => {
            for (const { path, image } of imagesOf(r)) {
                if (typeof image !== "string" || image === "") continue;
                if (DIGEST.test(image) || (r.type === DOCKER.container && IMAGE_ID.test(image))) continue;
                if (config.exempt.some((prefix) => image.startsWith(prefix))) continue;
                findings.push({
                    urn: r.urn,
                    message: `${path} ${image} is not pinned by digest: a tag can be moved to another image (and model); use ${image.replace(/:[^:/@]+$/, "")}@sha256:<digest>`,
                });
            }
        });
        return findings;
    },
};

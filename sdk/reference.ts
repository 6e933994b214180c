/**
 * Where the argument reference (docs/reference.md, generated from the package schema) documents a component's
 * argument. The reference and the validation errors both take their anchors from here, so an error's link always
 * lands on the section it names.
 */

/** The argument reference, as shipped in the package and in the repository. */
export const REFERENCE_FILE = "docs/reference.md";

/**
 * The anchor of an argument path in the reference: the component's name and the path's fields, lowercase, joined by
 * `-`, without array indexes. `("modelship:index:ModelService", "resources.gpu")` gives `modelservice-resources-gpu`,
 * `("modelship:index:PolyglotPipeline", "stages[1].scaling")` gives `polyglotpipeline-stages-scaling`, and the empty
 * path the component's own section (`modelservice`).
 */
export function referenceAnchor(componentType: string, path: string): string {
    const component = componentType.split(":").pop() ?? componentType;
    const fields = path
        .replace(/\[\d+\]/g, "")
        .split(".")
        .filter((field) => field !== "");
    return [component, ...fields].map((part) => part.toLowerCase()).join("-");
}

/** `docs/reference.md#<anchor>` for an argument path of a component. */
export function referenceLink(componentType: string, path: string): string {
    return `${REFERENCE_FILE}#${referenceAnchor(componentType, path)}`;
}

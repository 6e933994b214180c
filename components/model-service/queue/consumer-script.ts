/**
 * The queue consumer (consumer.py beside this file), as the Kubernetes target mounts it into its sidecar from a
 * ConfigMap and the Docker target into its consumer container. Shipped in the npm package (package.json "files").
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the consumer script is: beside this file in the sources, or in the package's sources when run from dist/. */
export function consumerScriptPath(): string {
    const candidates = [path.join(__dirname, "consumer.py"), path.resolve(__dirname, "..", "..", "..", "..", "components", "model-service", "queue", "consumer.py")];
    const found = candidates.find((file) => fs.existsSync(file));
    if (!found) throw new Error(`modelship's queue consumer script is missing (looked in ${candidates.join(", ")}): reinstall the modelship package`);
    return found;
}

/** The consumer script's text, for a ConfigMap or a file in a container. */
export function consumerScript(): string {
    return fs.readFileSync(consumerScriptPath(), "utf8");
}

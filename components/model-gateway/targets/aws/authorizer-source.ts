/**
 * The source of the gateway's Lambda REQUEST authorizer, as the files of its deployment package. Kept apart so that a
 * test can write the files to disk and run the handler in Node with sample events, exactly as Lambda would.
 *
 * The package holds `index.js` and `consumers.json`: each consumer's key as its SHA-256 hash (never the key itself),
 * with the consumer's name and the API resources it may call (`/fraud` and `/fraud/{proxy+}` for a route at `/fraud`).
 * In the package rather than in the environment: Lambda's environment holds at most 4 KB
 * (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), which a few dozen consumers would fill.
 *
 * API Gateway caches the answer per key and resource (the authorizer's identity sources), so each answer names the one
 * resource it was asked about: Allow when the consumer may call it, Deny (403) when not. A missing key never reaches
 * the function (API Gateway answers 401 when an identity source is missing); an unknown key is answered 401 too.
 * `usageIdentifierKey` is read by API Gateway only with `apiKeySource: AUTHORIZER`; with this API's `HEADER` it meters the
 * `x-api-key` header itself, which is the same key, so the answer stays right if the source is ever switched.
 */
import * as crypto from "node:crypto";

/** The name of the authorizer's context field holding the consumer's name (`$context.authorizer.consumer`). */
export const CONSUMER_CONTEXT_FIELD = "consumer";

/** What `consumers.json` holds for one key. */
export interface AuthorizerConsumer {
    consumer: string;
    /** API Gateway resource paths the consumer may call, for example `/fraud` and `/fraud/{proxy+}`. */
    resources: string[];
}

/** The hex SHA-256 of a key, as the handler computes it. */
export function keyHash(key: string): string {
    return crypto.createHash("sha256").update(key, "utf8").digest("hex");
}

/** The handler, plain CommonJS for Lambda's Node.js runtime, with no dependency beyond Node's own modules. */
export const AUTHORIZER_HANDLER = `"use strict";
const crypto = require("node:crypto");
const CONSUMERS = require("./consumers.json");
const KEY_HEADER = "x-api-key";

function headerValue(headers, name) {
    for (const key of Object.keys(headers || {})) {
        if (key.toLowerCase() === name) return headers[key];
    }
    return undefined;
}

// arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>: the ARN of every method of one resource.
function resourceArn(methodArn, resource) {
    const base = methodArn.split("/").slice(0, 2).join("/");
    const path = resource === "/" ? "" : resource.slice(1).replace("{proxy+}", "*");
    return base + "/*/" + path;
}

exports.handler = async (event) => {
    const key = headerValue(event.headers, KEY_HEADER);
    if (typeof key !== "string" || key.length === 0) throw new Error("Unauthorized");
    const hash = crypto.createHash("sha256").update(key, "utf8").digest("hex");
    const entry = Object.prototype.hasOwnProperty.call(CONSUMERS, hash) ? CONSUMERS[hash] : undefined;
    // API Gateway answers 401 to this exact message.
    if (entry === undefined) throw new Error("Unauthorized");
    const allowed = entry.resources.includes(event.resource);
    return {
        principalId: entry.consumer,
        policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Action: "execute-api:Invoke", Effect: allowed ? "Allow" : "Deny", Resource: resourceArn(event.methodArn, event.resource) }],
        },
        context: { ${CONSUMER_CONTEXT_FIELD}: entry.consumer },
        usageIdentifierKey: key,
    };
};
`;

/** The resources of a route at `pathPrefix`: the prefix's own resource and its `{proxy+}` child. */
export function routeResourcePaths(pathPrefix: string): string[] {
    return pathPrefix === "/" ? ["/", "/{proxy+}"] : [pathPrefix, `${pathPrefix}/{proxy+}`];
}

/**
 * The contents of `consumers.json`: by key hash, each consumer and the resources of its routes.
 *
 * @param consumers each consumer's name, plain key and allowed route prefixes
 */
export function consumersFile(consumers: { name: string; key: string; prefixes: string[] }[]): string {
    const entries = consumers.map((c) => [keyHash(c.key), { consumer: c.name, resources: [...new Set(c.prefixes.flatMap(routeResourcePaths))] } satisfies AuthorizerConsumer]);
    return JSON.stringify(Object.fromEntries(entries), null, 2);
}

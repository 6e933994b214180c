/**
 * The docker gateway's backends: the gateway shares the host's network namespace and reaches model servers on the
 * host's loopback, so a backend is an `http(s)://127.0.0.1` or `localhost` URL (a ModelService's or PolyglotPipeline's
 * `url` on docker).
 */

/** A backend URL taken apart for nginx. */
export interface LoopbackBackend {
    scheme: "http" | "https";
    /** `127.0.0.1:<port>`: `localhost` is written as 127.0.0.1, so nginx resolves nothing and reaches one address. */
    address: string;
    /** The URL's path without its trailing `/`, `""` for the root: requests go to `<basePath>/<rest>`. */
    basePath: string;
}

/** What a backend URL must be, quoted in errors. */
export const LOOPBACK_URL_FORM =
    "an http:// or https:// URL on 127.0.0.1 or localhost with an optional port and path, without user, query or fragment (the docker gateway runs on the host's network and reaches only its loopback)";

/** Path characters kept as they are in nginx's rewrite (unreserved characters, `/` and percent-escapes). */
const SAFE_PATH = /^[A-Za-z0-9\-._~/%]*$/;

/** Parses a backend URL; `problem` says why it cannot be one. */
export function parseLoopbackUrl(url: string): { backend?: LoopbackBackend; problem?: string } {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return { problem: "not a URL" };
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { problem: `scheme ${parsed.protocol} is not http or https` };
    if (parsed.hostname !== "127.0.0.1" && parsed.hostname !== "localhost") {
        return { problem: `host ${parsed.hostname} is not 127.0.0.1 or localhost: the gateway's container shares the host's network and serves only loopback backends` };
    }
    if (parsed.username || parsed.password || parsed.search || parsed.hash) return { problem: "it has a user, a query or a fragment" };
    if (!SAFE_PATH.test(parsed.pathname)) return { problem: `its path ${parsed.pathname} has characters other than letters, digits, -._~/ and %-escapes` };
    const scheme = parsed.protocol === "https:" ? "https" : "http";
    const port = parsed.port || (scheme === "https" ? "443" : "80");
    return { backend: { scheme, address: `127.0.0.1:${port}`, basePath: parsed.pathname.replace(/\/+$/, "") } };
}

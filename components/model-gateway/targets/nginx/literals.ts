/**
 * Values written into nginx's configuration language, escaped once here. nginx's `map` matches plain strings ignoring
 * case, and its parser gives meaning to `$`, `;`, `{`, quotes and a leading `~` or `\`; keys and header values are
 * therefore matched as case-sensitive regular expressions whose every non-alphanumeric byte is written `\x{hh}`.
 */

/** Printable ASCII without spaces: what an HTTP header value this gateway compares can hold (RFC 9110 field-vchar). */
const PRINTABLE = /^[\x21-\x7e]+$/;

/** Whether `value` can be matched by {@link exactMatch} (an API key, a header value). */
export function isMatchable(value: string): boolean {
    return PRINTABLE.test(value);
}

/**
 * A `map` source that matches exactly `value`, case-sensitively: `"~^abc\x{2d}1$"`. Throws on a value that is not
 * printable ASCII (callers validate first; the message never contains the value, which may be a key).
 */
export function exactMatch(value: string, what: string): string {
    if (!isMatchable(value)) throw new Error(`${what} must be printable ASCII without spaces (RFC 9110 field-vchar)`);
    const body = [...value].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\x{${c.charCodeAt(0).toString(16).padStart(2, "0")}}`)).join("");
    return `"~^${body}$"`;
}

/**
 * A JSON document as nginx's single-quoted `return` text. nginx expands variables in it: only the gateway's own
 * `$modelship_*` variables may appear (their values are names of lowercase letters, digits and `-`).
 */
export function jsonText(document: Record<string, string | number>): string {
    const text = JSON.stringify(document);
    if (text.replace(/\$modelship_[a-z0-9_]+/g, "").includes("$")) throw new Error(`a gateway answer may not contain "$": ${text}`);
    return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A duration in nginx's syntax: whole seconds as `30s`, anything finer in milliseconds. */
export function duration(seconds: number): string {
    return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** A route or consumer name as a part of an nginx variable or zone name (names are lowercase letters, digits and `-`). */
export function ident(name: string): string {
    return name.replace(/-/g, "_");
}

/** The nginx variable that holds a request header: `x-model-version` → `$http_x_model_version`. */
export function headerVariable(header: string): string {
    return `$http_${header.toLowerCase().replace(/-/g, "_")}`;
}

/**
 * nginx's `limit_req_zone` rate for `ratePerSecond`: nginx takes a whole number per second or per minute. Undefined
 * when neither is exact (the docker target refuses such a rate).
 */
export function nginxRate(ratePerSecond: number): string | undefined {
    if (Number.isInteger(ratePerSecond) && ratePerSecond >= 1) return `${ratePerSecond}r/s`;
    const perMinute = ratePerSecond * 60;
    const whole = Math.round(perMinute);
    return whole >= 1 && Math.abs(perMinute - whole) < 1e-9 ? `${whole}r/m` : undefined;
}

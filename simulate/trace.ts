/**
 * Request traces: CSV with at least the columns `second,requests` (others ignored), one row per second. Seconds
 * missing between rows count as 0 requests. Errors name the file, the line and the value.
 */
import * as fs from "node:fs";

/** A trace: requests arriving in each second from its start. */
export interface Trace {
    /** Where it came from (the file, or the generator). */
    name: string;
    /** Requests arriving in second i. */
    requests: Float64Array;
    /** Wall-clock time of second 0 (for pre-warming windows); from a `timestamp` column (UTC) when there is one. */
    startTime?: Date;
}

/** A trace that cannot be read. */
export class TraceError extends Error {
    override name = "TraceError";
}

function cells(line: string): string[] {
    return line.split(",").map((c) => c.trim());
}

/** Parses a trace's CSV text; `file` names it in errors. */
export function parseTrace(text: string, file: string): Trace {
    const lines = text.split(/\r?\n/);
    const header = cells(lines[0] ?? "");
    const secondCol = header.indexOf("second");
    const requestsCol = header.indexOf("requests");
    const timestampCol = header.indexOf("timestamp");
    if (secondCol < 0 || requestsCol < 0) {
        const missing = [secondCol < 0 ? "second" : "", requestsCol < 0 ? "requests" : ""].filter(Boolean).join(", ");
        throw new TraceError(`${file}:1: missing column(s) ${missing}: a trace needs a header with at least the columns second,requests (found: ${header.join(",") || "an empty line"})`);
    }
    const seconds: number[] = [];
    const counts: number[] = [];
    let startTime: Date | undefined;
    for (let i = 1; i < lines.length; i++) {
        if (lines[i].trim() === "") continue;
        const row = cells(lines[i]);
        const where = `${file}:${i + 1}`;
        const second = Number(row[secondCol]);
        const count = Number(row[requestsCol]);
        if (row[secondCol] === undefined || row[secondCol] === "" || !Number.isInteger(second) || second < 0) {
            throw new TraceError(`${where}: second is ${JSON.stringify(row[secondCol] ?? "")}; expected a whole number >= 0`);
        }
        if (row[requestsCol] === undefined || row[requestsCol] === "" || !Number.isFinite(count)) {
            throw new TraceError(`${where}: requests is ${JSON.stringify(row[requestsCol] ?? "")}; expected a number >= 0`);
        }
        if (count < 0) throw new TraceError(`${where}: requests is ${row[requestsCol]}; expected a number >= 0 (a count of requests)`);
        if (seconds.length > 0 && second <= seconds[seconds.length - 1]) {
            throw new TraceError(`${where}: second is ${second}; expected more than the previous row's ${seconds[seconds.length - 1]} (rows in time order)`);
        }
        if (seconds.length === 0 && timestampCol >= 0 && row[timestampCol]) {
            const t = new Date(`${row[timestampCol]}${/Z|[+-]\d\d:?\d\d$/.test(row[timestampCol]) ? "" : "Z"}`);
            if (!Number.isNaN(t.getTime())) startTime = new Date(t.getTime() - second * 1000);
        }
        seconds.push(second);
        counts.push(count);
    }
    if (seconds.length === 0) throw new TraceError(`${file}: no rows after the header: a trace needs at least one second`);
    const requests = new Float64Array(seconds[seconds.length - 1] + 1);
    seconds.forEach((s, i) => (requests[s] = counts[i]));
    return { name: file, requests, startTime };
}

/** Reads a trace file. */
export function loadTrace(file: string): Trace {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new TraceError(`cannot read the trace ${file}: ${(e as Error).message}`);
    }
    return parseTrace(text, file);
}

/** Trace files: what is read, and the errors that name the file, the line and the value. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTrace, parseTrace } from "../../simulate/trace";
import { spikeTrace } from "../../simulate/spike";

describe("parseTrace", () => {
    it("reads second and requests, ignores other columns and fills missing seconds with 0", () => {
        const trace = parseTrace("second,timestamp,requests,tokens\n0,2023-11-16T18:17:03,1,10\n1,2023-11-16T18:17:04,7,5\n4,2023-11-16T18:17:07,2.5,1\n", "t.csv");
        expect(Array.from(trace.requests)).toEqual([1, 7, 0, 0, 2.5]);
        expect(trace.startTime?.toISOString()).toBe("2023-11-16T18:17:03.000Z");
        expect(trace.name).toBe("t.csv");
    });

    it.each([
        ["time,count\n0,1\n", "t.csv:1: missing column(s) second, requests: a trace needs a header with at least the columns second,requests (found: time,count)"],
        ["second,calls\n0,1\n", "t.csv:1: missing column(s) requests: a trace needs a header with at least the columns second,requests (found: second,calls)"],
        ["second,requests\n0,1\n1,-3\n", "t.csv:3: requests is -3; expected a number >= 0 (a count of requests)"],
        ["second,requests\n0,lots\n", 't.csv:2: requests is "lots"; expected a number >= 0'],
        ["second,requests\n0,1\nx,1\n", 't.csv:3: second is "x"; expected a whole number >= 0'],
        ["second,requests\n5,1\n3,1\n", "t.csv:3: second is 3; expected more than the previous row's 5 (rows in time order)"],
        ["second,requests\n", "t.csv: no rows after the header: a trace needs at least one second"],
    ])("refuses %j", (text, message) => {
        expect(() => parseTrace(text, "t.csv")).toThrow(message);
    });

    it("names a file it cannot read", () => {
        expect(() => loadTrace("/nonexistent/trace.csv")).toThrow(/^cannot read the trace \/nonexistent\/trace\.csv: ENOENT/);
    });

    it("reads the project's copies of the public traces", () => {
        const mooncake = loadTrace(path.join(__dirname, "../../data/traces/mooncake_conversation_per_second.csv"));
        expect(mooncake.requests.reduce((a, b) => a + b, 0)).toBe(12031);
        expect(mooncake.startTime).toBeUndefined();
    });
});

describe("spikeTrace", () => {
    it("goes from 100 a minute at 08:00 to a million an hour at 08:30, deterministically", () => {
        const trace = spikeTrace();
        const perMinute = (minute: number) => trace.requests.slice(minute * 60, minute * 60 + 60).reduce((a, b) => a + b, 0);
        expect(trace.startTime?.toISOString()).toBe("2026-01-05T07:00:00.000Z");
        expect(trace.requests.length).toBe(210 * 60);
        expect(perMinute(30)).toBe(100); // 07:30
        expect(perMinute(59)).toBe(100); // 07:59, the last minute before the ramp
        expect(Math.abs(perMinute(90) - 1_000_000 / 60)).toBeLessThanOrEqual(1); // 08:30
        expect(Array.from(spikeTrace().requests)).toEqual(Array.from(trace.requests));
    });
});

/** The flow (waves, slowest path) and the language presets (environment, image check), as plain functions. */
import { describe, expect, it } from "vitest";
import { criticalPathSeconds, longestPathSeconds, resolveFlow } from "../../components/polyglot-pipeline/flow";
import { imageWords, languagePreset, languagesNamedBy } from "../../components/polyglot-pipeline/presets";
import { StageLanguage } from "../../index";

const stage = (name: string, after?: string[], timeoutSeconds = 10) => ({ name, after, timeoutSeconds });

describe("the pipeline flow", () => {
    it("is a sequence in declaration order by default", () => {
        const { flow } = resolveFlow([stage("a"), stage("b"), stage("c")]);
        expect(flow?.stages.map((s) => [s.name, s.inputs])).toEqual([
            ["a", []],
            ["b", ["a"]],
            ["c", ["b"]],
        ]);
        expect(flow?.waves).toEqual([["a"], ["b"], ["c"]]);
        expect(flow?.final).toBe("c");
    });

    it("groups stages into waves by their latest input, whatever the declaration order", () => {
        const { flow } = resolveFlow([
            stage("merge", ["left", "right"]),
            stage("left", ["src"]),
            stage("src", []),
            stage("right", ["src"], 40),
            stage("late", ["left"]),
            stage("end", ["merge", "late"]),
        ]);
        expect(flow?.waves).toEqual([["src"], ["left", "right"], ["merge", "late"], ["end"]]);
        // src 10 + right 40 + merge 10 + end 10.
        expect(criticalPathSeconds(flow!)).toBe(70);
    });

    it("sums cold starts along the slowest path: stages of a wave start side by side, those of a path one after another", () => {
        const { flow } = resolveFlow([stage("src"), stage("left", ["src"]), stage("right", ["src"]), stage("end", ["left", "right"])]);
        const coldStart: Record<string, number> = { src: 240, left: 600, right: 300, end: 0 };
        // src 240 + left 600 + end 0, not the 1140 s of all four: right starts while left does.
        expect(longestPathSeconds(flow!, (s) => coldStart[s.name])).toBe(840);
    });
});

describe("the language presets", () => {
    it("set each runtime's environment from the stage's port and CPUs", () => {
        expect(languagePreset(StageLanguage.Python).env(9000, 1)).toEqual({ PYTHONUNBUFFERED: "1", UVICORN_HOST: "0.0.0.0", UVICORN_PORT: "9000" });
        expect(languagePreset(StageLanguage.Jvm).env(8080, 1)).toEqual({ JAVA_TOOL_OPTIONS: "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError" });
        expect(languagePreset(StageLanguage.Julia).env(8080, 2.5)).toEqual({ JULIA_NUM_THREADS: "3" });
        expect(languagePreset(StageLanguage.Julia).env(8080, 0.25)).toEqual({ JULIA_NUM_THREADS: "1" });
        expect(languagePreset(StageLanguage.R).env(8000, 1)).toEqual({});
        expect([StageLanguage.R, StageLanguage.Python, StageLanguage.Jvm, StageLanguage.Julia, StageLanguage.Custom].map((l) => languagePreset(l).startupTimeoutSeconds)).toEqual([
            300, 300, 600, 900, 600,
        ]);
    });

    const images: Array<[string, StageLanguage[]]> = [
        ["python:3.12-slim", [StageLanguage.Python]],
        ["docker.io/library/python:3.12", [StageLanguage.Python]],
        ["ghcr.io/acme/fastapi-scorer:1", [StageLanguage.Python]],
        ["continuumio/miniconda3:24.1", [StageLanguage.Python]],
        ["rocker/r-ver:4.4.2", [StageLanguage.R]],
        ["rstudio/plumber:v1.2.0", [StageLanguage.R]],
        ["eclipse-temurin:21-jre", [StageLanguage.Jvm]],
        ["amazoncorretto:21", [StageLanguage.Jvm]],
        ["acme/scorer:jdk17", [StageLanguage.Jvm]],
        ["sbtscala/scala-sbt:eclipse-temurin-21", [StageLanguage.Jvm]],
        ["julia:1.11", [StageLanguage.Julia]],
        // rpy2 is Python's bridge to R: an image with it runs both.
        ["acme/rpy2-python-r:2", [StageLanguage.R, StageLanguage.Python]],
        ["acme/rpy2:3.5", [StageLanguage.R, StageLanguage.Python]],
        // Nothing to tell: no words of a runtime, the registry host and the digest are not read.
        ["registry.example.com/fraud/decide@sha256:" + "a".repeat(64), []],
        ["python.registry.internal:5000/acme/decide:1", []],
        ["acme/javascript-app:1", []],
        ["acme/rocket:1", []],
    ];
    for (const [image, languages] of images) {
        it(`reads ${image} as ${languages.join(", ") || "no runtime"}`, () => {
            expect(languagesNamedBy(image)).toEqual(languages);
        });
    }

    it("reads only the repository path and tag", () => {
        expect(imageWords("Registry.Example.com:5000/Team/Score:1.2@sha256:abc")).toBe("team/score:1.2");
        expect(imageWords("localhost/score:dev")).toBe("score:dev");
        expect(imageWords("python:3.12")).toBe("python:3.12");
    });
});

/**
 * Language presets of pipeline stages, and the check that a stage's image fits its language.
 *
 * A preset sets what differs between runtimes and what an operator of that runtime would set anyway:
 * - r (plumber on httpuv): one R process answers one request at a time, so Cloud Run sends it one at a time.
 * - python (FastAPI on uvicorn): uvicorn reads `UVICORN_HOST`/`UVICORN_PORT` (click's `auto_envvar_prefix`), so an
 *   image that runs a bare `uvicorn app:app` listens where the platform expects; `PYTHONUNBUFFERED` keeps logs live.
 *   `WEB_CONCURRENCY` is left alone: each uvicorn worker would load its own copy of the model.
 * - jvm (Scala, Java): the JVM sizes its heap from the container's memory limit (container support is on by default
 *   since JDK 10); 75 % leaves room for metaspace, thread stacks and direct buffers. `ExitOnOutOfMemoryError` lets
 *   the platform restart a broken JVM instead of serving errors. Class loading and JIT warm-up need a longer start.
 * - julia: Julia starts one thread unless told; `JULIA_NUM_THREADS` is set from the stage's CPUs. Precompilation on
 *   first start can take minutes without a sysimage, hence the longest startup allowance.
 *
 * Where each runtime writes, so that its root filesystem can be read-only on Kubernetes (where ModelService mounts
 * emptyDirs at /tmp and at $HOME, and nothing else is writable); every preset sets `TMPDIR=/tmp` against an image that
 * points it elsewhere:
 * - r: `tempdir()` (a per-session `Rtmp*` directory under TMPDIR). Rscript writes no history; packages are only read.
 * - python: `__pycache__` next to the sources, which Python would try (and fail quietly) to write on every import of
 *   a module without one: `PYTHONDONTWRITEBYTECODE=1`. Caches of libraries (matplotlib, Hugging Face) go under $HOME.
 * - jvm: the perf-data file (`/tmp/hsperfdata_<user>`) and `java.io.tmpdir` are /tmp on Linux; a crash log that
 *   cannot be written in the working directory goes to /tmp too. Nothing else is written.
 * - julia: compiled package caches are written to the first depot of `JULIA_DEPOT_PATH`: it is set to a depot under
 *   $HOME, then Julia's bundled depots (the trailing `:`). An image that keeps its packages in a depot of its own
 *   names it after the writable one in the stage's `env` (`JULIA_DEPOT_PATH=/home/modelship/.julia:/opt/julia:`).
 * - custom: unknown; the root filesystem stays writable unless the stage's `kubernetes.readOnlyRootFilesystem` says so.
 */
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { StageLanguage } from "./args";

/** What a language preset sets. */
export interface LanguagePreset {
    port: number;
    startupTimeoutSeconds: number;
    /**
     * Environment set before the user's `env` (which overrides it), from the stage's port and its CPUs as its
     * ModelService resolved them (`resources.cpu`, else ModelService's default for the stage's GPUs).
     */
    env: (port: number, cpus: number) => Record<string, string>;
    /**
     * The environment that keeps the runtime's writes in the writable directories, when the root filesystem is
     * read-only, from the writable home directory; absent when where the runtime writes is unknown (`custom`).
     */
    readOnlyRoot?: { env: (home: string) => Record<string, string> };
    /** Cloud Run requests per instance, where the runtime serves one at a time. */
    cloudRunConcurrency?: number;
    /**
     * Names in an image reference that mark this language's runtime (official images, well-known bases, frameworks),
     * matched as whole words of the repository path and tag.
     */
    imageWords: RegExp;
}

const PRESETS: Record<StageLanguage, LanguagePreset> = {
    [StageLanguage.R]: {
        port: 8000,
        startupTimeoutSeconds: 300,
        env: () => ({}),
        readOnlyRoot: { env: () => ({ TMPDIR: "/tmp" }) },
        cloudRunConcurrency: 1,
        // rpy2 (Python's bridge to R) needs both runtimes: it names R and Python.
        imageWords: /(^|[/:._-])(r-base|r-ver|rocker|rstudio|plumber|rserve|rpy2)($|[/:._-])/,
    },
    [StageLanguage.Python]: {
        port: 8000,
        startupTimeoutSeconds: 300,
        env: (port) => ({ PYTHONUNBUFFERED: "1", UVICORN_HOST: "0.0.0.0", UVICORN_PORT: String(port) }),
        readOnlyRoot: { env: () => ({ TMPDIR: "/tmp", PYTHONDONTWRITEBYTECODE: "1" }) },
        imageWords: /(^|[/:._-])(python\d*|pypy\d*|fastapi|uvicorn|gunicorn|conda|miniconda\d*|anaconda\d*|mambaforge|micromamba|rpy2)($|[/:._-])/,
    },
    [StageLanguage.Jvm]: {
        port: 8080,
        startupTimeoutSeconds: 600,
        env: () => ({ JAVA_TOOL_OPTIONS: "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError" }),
        readOnlyRoot: { env: () => ({ TMPDIR: "/tmp" }) },
        imageWords: /(^|[/:._-])(openjdk|jdk\d*|jre\d*|java\d*|temurin|eclipse-temurin|corretto|amazoncorretto|graalvm|zulu|liberica|scala|sbt|kotlin)($|[/:._-])/,
    },
    [StageLanguage.Julia]: {
        port: 8080,
        startupTimeoutSeconds: 900,
        // A thread per whole CPU, at least one: Julia takes no fraction.
        env: (_port, cpus) => ({ JULIA_NUM_THREADS: String(Math.max(1, Math.ceil(cpus))) }),
        readOnlyRoot: { env: (home) => ({ TMPDIR: "/tmp", JULIA_DEPOT_PATH: `${home}/.julia:` }) },
        imageWords: /(^|[/:._-])(julia)($|[/:._-])/,
    },
    [StageLanguage.Custom]: {
        port: 8080,
        startupTimeoutSeconds: 600,
        env: () => ({}),
        imageWords: /$^/,
    },
};

/** The preset of a language. */
export function languagePreset(language: StageLanguage): LanguagePreset {
    return PRESETS[language];
}

/**
 * The repository path and tag of an image reference, lower-cased: the registry host (a first segment with a dot,
 * a colon or `localhost`) and the digest are left out, since neither says anything about the runtime inside.
 */
export function imageWords(image: string): string {
    const withoutDigest = image.toLowerCase().split("@")[0];
    const segments = withoutDigest.split("/");
    const hasRegistry = segments.length > 1 && (/[.:]/.test(segments[0]) || segments[0] === "localhost");
    return (hasRegistry ? segments.slice(1) : segments).join("/");
}

/** The languages whose runtime an image's name mentions. */
export function languagesNamedBy(image: string): StageLanguage[] {
    const words = imageWords(image);
    return Object.values(StageLanguage).filter((language) => PRESETS[language].imageWords.test(words));
}

/**
 * The problem with a stage whose image's name names another language's runtime and not its own, for example
 * `python:3.12-slim` for a `jvm` stage, or `rocker/r-ver:4.4` for a `python` stage. Images whose name tells nothing
 * (`acme/scorer@sha256:...`) and Outputs are accepted; an image that names several runtimes is accepted for each of
 * them (`acme/rpy2-python-r` for an `r` or a `python` stage: rpy2 runs both). Only a clear contradiction is an error.
 * `custom` is never checked.
 */
export function imageLanguageProblem(path: string, language: StageLanguage, image: unknown): ValidationProblem | undefined {
    if (language === StageLanguage.Custom || typeof image !== "string") return undefined;
    const named = languagesNamedBy(image);
    if (named.length === 0 || named.includes(language)) return undefined;
    return {
        path,
        received: describeValue(image),
        expected: `an image for language ${JSON.stringify(language)} (the name points to a ${named.join("/")} runtime): set language to ${named
            .map((l) => JSON.stringify(l))
            .join(" or ")}, or "custom" for an image that runs several`,
    };
}

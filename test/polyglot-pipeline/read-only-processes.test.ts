/**
 * The language presets' read-only root filesystem, for real: the example's R, Python and Java stage servers run as
 * they would in their pod on Kubernetes, in a mount namespace where the root filesystem is read-only and only /tmp and
 * $HOME (/home/modelship) are writable (fresh tmpfs, as the pod's emptyDirs), as the non-root user 1000 of the pod's
 * security context, with exactly the environment the pipeline gives the stage's container there (the preset's, what
 * keeps the runtime's writes in /tmp and $HOME, and ModelService's HOME and USER). Each must start and answer.
 *
 * Needs the runtimes of scripts/setup-e2e.sh (as e2e.test.ts) and Linux mount namespaces (`unshare`, `setpriv` of
 * util-linux, as root, or `unshare -r` in a user namespace otherwise). Julia is not installed here: its preset
 * (JULIA_DEPOT_PATH under $HOME) is checked on the rendered pod only (read-only-root.test.ts).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HOME_DIR } from "../../components/kubernetes/workload";
import { NON_ROOT_ID } from "../../components/kubernetes/security";
import { pipelineSchema } from "../../components/polyglot-pipeline/schema";
import { resolvePipelineSpec } from "../../components/polyglot-pipeline/spec";
import { PolyglotPipelineArgs, StageLanguage, Target } from "../../index";
import { freePort, startServer, stopAll, waitReady } from "./processes";

const STAGES = path.join(__dirname, "..", "..", "examples", "polyglot-pipeline-docker", "stages");
const PYTHON = "/usr/bin/python3";
const STARTUP_MS = 90_000;
const asRoot = process.getuid?.() === 0;

/**
 * Where the sandbox shows the stages' files: the image's own files, read-only. Not their path in the checkout, which may
 * lie under /tmp or /home (a clone in /tmp, say), both covered by fresh tmpfs in the sandbox.
 */
const IMAGE_DIR = "/srv/modelship-stages";

/**
 * Runs `command` in `dir` (a folder of {@link STAGES}, shown at {@link IMAGE_DIR}) with the root filesystem read-only and
 * fresh tmpfs at /tmp and at the pod's $HOME: as user 1000 when this runs as root (a mount namespace), else as the
 * current user in a user namespace.
 */
function sandboxed(command: string[], options: { writableTmp?: boolean; dir?: string } = {}): [string, string[]] {
    const setup = [
        "set -e",
        "mount --make-rprivate /",
        // The stages' files first, while their path in the checkout is still visible.
        "mount -t tmpfs -o mode=755 tmpfs /srv",
        `mkdir ${IMAGE_DIR}`,
        `mount --bind ${JSON.stringify(STAGES)} ${IMAGE_DIR}`,
        `mount -o remount,bind,ro ${IMAGE_DIR}`,
        (options.writableTmp ?? true) ? "mount -t tmpfs -o mode=1777 tmpfs /tmp" : "true",
        `mount -t tmpfs -o mode=755 tmpfs ${path.dirname(HOME_DIR)}`,
        `mkdir ${HOME_DIR}`,
        asRoot ? `chown ${NON_ROOT_ID}:${NON_ROOT_ID} ${HOME_DIR}` : "true",
        "mount -o remount,bind,ro /",
        `cd ${IMAGE_DIR}/${options.dir ?? ""}`,
        asRoot ? `exec setpriv --reuid ${NON_ROOT_ID} --regid ${NON_ROOT_ID} --clear-groups -- "$@"` : 'exec "$@"',
    ].join("\n");
    return ["unshare", [...(asRoot ? ["-m"] : ["-r", "-m"]), "sh", "-c", setup, "sandbox", ...command]];
}

/** The environment of the stage's container on Kubernetes, as the pipeline and ModelService set it. */
function kubernetesEnv(language: StageLanguage): Record<string, string> {
    const args: PolyglotPipelineArgs = { stages: [{ name: "s", language, image: "registry.example.com/fraud/stage:1" }], target: Target.Kubernetes };
    const { spec, problems } = resolvePipelineSpec("p", pipelineSchema.parse(args));
    if (!spec) throw new Error(`invalid: ${JSON.stringify(problems)}`);
    const [stage] = spec.stages;
    expect(stage.serviceArgs.kubernetes?.readOnlyRootFilesystem).toBe(true);
    // The Deployment's env: HOME and USER from the workload builder, then the service's.
    return { HOME: HOME_DIR, USER: "modelship", ...(stage.serviceArgs.env as Record<string, string>) };
}

/** Only what the sandboxed process needs from here (PATH), then the pod's environment, then the loopback address. */
function processEnv(language: StageLanguage, port: number): Record<string, string> {
    const env: Record<string, string> = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...kubernetesEnv(language), HOST: "127.0.0.1", PORT: String(port) };
    if (env.UVICORN_PORT) Object.assign(env, { UVICORN_HOST: "127.0.0.1", UVICORN_PORT: String(port) });
    return env;
}

const post = (url: string, body: unknown) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "ro-1" }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });

afterAll(stopAll, 15_000);

describe("language presets on a read-only root filesystem, run for real", { timeout: STARTUP_MS + 30_000 }, () => {
    it("really is read-only but for /tmp and $HOME, for user 1000", () => {
        const [command, args] = sandboxed(["sh", "-c", `touch /tmp/a ${HOME_DIR}/b && id -u && touch ${IMAGE_DIR}/probe`]);
        const result = spawnSync(command, args, { encoding: "utf8", env: {}, stdio: "pipe" });
        expect(result.stderr, "the sandbox needs Linux mount namespaces (unshare, setpriv)").toContain("Read-only file system");
        expect(result.stdout.trim()).toBe(asRoot ? String(NON_ROOT_ID) : String(process.getuid?.()));
        expect(result.status).not.toBe(0);
    });

    it("is strict enough to matter: R cannot start without the writable /tmp (R's session directory)", () => {
        const [command, args] = sandboxed(["Rscript", "-e", "cat(tempdir())"], { writableTmp: false });
        const result = spawnSync(command, args, { encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: HOME_DIR, TMPDIR: "/tmp" }, stdio: "pipe" });
        // R prints its fatal errors on stdout.
        expect(`${result.stdout}${result.stderr}`).toContain("creating temporary file for '-e' failed");
        expect(result.status).not.toBe(0);
    });

    const stages: Array<[string, StageLanguage, string, string[], unknown, (body: Record<string, unknown>) => void]> = [
        ["R (plumber)", StageLanguage.R, "r", ["Rscript", "serve.R"], { values: [10, 12, 11, 250] }, (b) => expect(b).toMatchObject({ trace: ["r"] })],
        [
            "Python (FastAPI, uvicorn)",
            StageLanguage.Python,
            "python",
            [PYTHON, "-m", "uvicorn", "app:app"],
            { features: { sd: 1, zscores: [0.5, 2] } },
            (b) => expect(b).toMatchObject({ trace: ["python"] }),
        ],
        ["Java (the JVM)", StageLanguage.Jvm, "jvm", ["java", "Decide.java"], { score: 0.9, trace: [] }, (b) => expect(b).toMatchObject({ trace: ["jvm"] })],
    ];
    for (const [what, language, dir, command, request, check] of stages) {
        it(`starts and answers: ${what}`, async () => {
            const port = await freePort();
            const [sandbox, args] = sandboxed(command, { dir });
            const server = startServer(`${what} (read-only root)`, sandbox, args, { cwd: path.join(STAGES, dir), env: processEnv(language, port), cleanEnv: true });
            await waitReady(server, `http://127.0.0.1:${port}/health`, STARTUP_MS);
            const response = await post(`http://127.0.0.1:${port}/predict`, request);
            expect(response.status, server.output()).toBe(200);
            check((await response.json()) as Record<string, unknown>);
            expect(server.output()).not.toMatch(/read-only file system|permission denied/i);
        });
    }
});

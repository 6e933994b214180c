/**
 * The language presets' read-only root filesystem on Kubernetes: the stage's container runs with
 * `readOnlyRootFilesystem: true`, writes only to the emptyDirs at /tmp and $HOME, and gets the environment that keeps
 * its runtime's writes there. (That the runtimes really run so is shown by read-only-processes.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { PolyglotPipeline, StageLanguage, Target } from "../../index";
import { useMockRuntime } from "../harness";
import { digest } from "./fixtures";

const rt = useMockRuntime();

type Container = {
    name: string;
    env?: { name: string; value?: string }[];
    securityContext?: { readOnlyRootFilesystem?: boolean };
    volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = { containers: Container[]; volumes: { name: string; emptyDir?: object }[] };
const podOf = (deployment: string) => (rt.one("kubernetes:apps/v1:Deployment", deployment).inputs as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const envOf = (container: Container) => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));

/** One stage of each language, on Kubernetes. */
function construct(language: StageLanguage, kubernetes?: { readOnlyRootFilesystem?: boolean }) {
    return rt.construct(
        () =>
            new PolyglotPipeline("p", {
                stages: [{ name: "s", language, image: digest("registry.example.com/acme/stage"), resources: { cpu: 2, memoryGiB: 2 }, env: { MODE: "live" }, kubernetes }],
                target: Target.Kubernetes,
            }),
    );
}

/** What ModelService's Kubernetes target sets on every server: HOME on the emptyDir, USER for the unnamed non-root id. */
const BASE_ENV = { HOME: "/home/modelship", USER: "modelship", MODE: "live" };

describe("language presets on Kubernetes: read-only root filesystem", () => {
    const cases: Array<[StageLanguage, Record<string, string>]> = [
        [StageLanguage.R, { TMPDIR: "/tmp" }],
        [StageLanguage.Python, { PYTHONUNBUFFERED: "1", UVICORN_HOST: "0.0.0.0", UVICORN_PORT: "8000", TMPDIR: "/tmp", PYTHONDONTWRITEBYTECODE: "1" }],
        [StageLanguage.Jvm, { JAVA_TOOL_OPTIONS: "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError", TMPDIR: "/tmp" }],
        [StageLanguage.Julia, { JULIA_NUM_THREADS: "2", TMPDIR: "/tmp", JULIA_DEPOT_PATH: "/home/modelship/.julia:" }],
    ];
    for (const [language, env] of cases) {
        it(`runs a ${language} stage read-only, writing to emptyDirs at /tmp and $HOME, with the runtime pointed there`, async () => {
            await construct(language);
            expect(rt.one("modelship:index:ModelService", "p-s").inputs.kubernetes).toEqual({ namespace: "default", readOnlyRootFilesystem: true });
            const pod = podOf("p-s");
            const [server] = pod.containers;
            expect(server.securityContext?.readOnlyRootFilesystem).toBe(true);
            expect(pod.volumes).toEqual(
                expect.arrayContaining([
                    { name: "tmp", emptyDir: {} },
                    { name: "home", emptyDir: {} },
                ]),
            );
            expect(server.volumeMounts).toEqual(
                expect.arrayContaining([
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "home", mountPath: "/home/modelship" },
                ]),
            );
            expect(envOf(server)).toEqual({ ...BASE_ENV, ...env });
        });
    }

    it("leaves a custom stage's root filesystem writable, with nothing added to its environment", async () => {
        await construct(StageLanguage.Custom);
        const [server] = podOf("p-s").containers;
        expect(rt.one("modelship:index:ModelService", "p-s").inputs.kubernetes).toEqual({ namespace: "default" });
        expect(server.securityContext?.readOnlyRootFilesystem).toBe(false);
        expect(envOf(server)).toEqual(BASE_ENV);
    });

    it("keeps the read-only default for kubernetes.readOnlyRootFilesystem given as undefined", async () => {
        await construct(StageLanguage.Python, { readOnlyRootFilesystem: undefined });
        const [server] = podOf("p-s").containers;
        expect(server.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(envOf(server).PYTHONDONTWRITEBYTECODE).toBe("1");
    });

    it("lets a stage turn it off, and then leaves the runtime's environment as the preset has it", async () => {
        await construct(StageLanguage.Julia, { readOnlyRootFilesystem: false });
        const [server] = podOf("p-s").containers;
        expect(server.securityContext?.readOnlyRootFilesystem).toBe(false);
        expect(envOf(server)).toEqual({ ...BASE_ENV, JULIA_NUM_THREADS: "2" });
    });

    it("lets the stage's env override the preset's depot (an image with its own depot lists it after the writable one)", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("p", {
                    stages: [{ name: "s", language: StageLanguage.Julia, image: digest("registry.example.com/acme/stage"), env: { JULIA_DEPOT_PATH: "/home/modelship/.julia:/opt/julia:" } }],
                    target: Target.Kubernetes,
                }),
        );
        expect(envOf(podOf("p-s").containers[0]).JULIA_DEPOT_PATH).toBe("/home/modelship/.julia:/opt/julia:");
    });

    it("adds nothing for a read-only root on docker, where the stage's container is not read-only", async () => {
        await rt.construct(() => new PolyglotPipeline("p", { stages: [{ name: "s", language: StageLanguage.Python, image: digest("registry.example.com/acme/stage") }], target: Target.Docker }));
        expect(rt.one("modelship:index:ModelService", "p-s").inputs.env).toEqual({ PYTHONUNBUFFERED: "1", UVICORN_HOST: "0.0.0.0", UVICORN_PORT: "8000" });
    });
});

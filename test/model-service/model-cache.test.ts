/**
 * The model cache of ModelService on Kubernetes (`model.cache`): the exact claim, volumes, mounts and init containers
 * of each mode, the cost of the claim, every argument error, and the populate script itself, run for real against a
 * local directory with a fake fetch command (two pods at once download once, a stale lock is taken over, a complete
 * directory is reused, a failed download leaves nothing behind).
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { Accelerator, ModelCacheAccessMode, ModelCacheMode, ModelLoadMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { cacheDirectory } from "../../components/model-service/model-cache";
import { POPULATE_SCRIPT, prepareScript } from "../../components/model-service/model-cache-script";
import { estimateCost } from "../../sdk/cost";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { podSecurityViolations } from "../pod-security";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";
const URI = "hf://Qwen/Qwen2.5-7B-Instruct";
/** `llm-` and the first 16 hex digits of the SHA-256 of URI: stable across releases, or every cache would be filled again. */
const DIR = "llm-58ba5dd6b2cf8714";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const podOf = (r: ResourceRecord): Json => (r.inputs.spec as Json).template.spec;
const serverOf = (r: ResourceRecord): Json => podOf(r).containers[0];
const initOf = (r: ResourceRecord, name: string): Json => podOf(r).initContainers.find((c: Json) => c.name === name);

function llm(cache: ModelServiceArgs["model"]["cache"], extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs {
    return {
        model: { uri: URI, runtime: ServingRuntime.Vllm, cache },
        resources: { gpu: { accelerator: Accelerator.L4 } },
        kubernetes: { namespace: "ml", nodeSelector: { "modelship.dev/accelerator": "l4" } },
        target: Target.Kubernetes,
        ...extra,
    };
}

/** The fetcher's argv after the populate script's: the Hugging Face download into the pod's temporary directory. */
function hfFetch(versionDir: string): string[] {
    return [
        "sh",
        "-c",
        `pip install --quiet --no-cache-dir --target /tmp/hf huggingface_hub==0.27.0 && PYTHONPATH=/tmp/hf python -m huggingface_hub.commands.huggingface_cli download "$1" --local-dir ${versionDir}/.partial-$(POD_NAME)`,
        "fetch-model",
        "Qwen/Qwen2.5-7B-Instruct",
    ];
}

describe("model.cache on kubernetes", () => {
    it("mode cluster: one claim per service, retained on delete; each pod fills the version's directory once and mounts it read-only", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.Cluster, storageClassName: "efs-sc" })));
        const claim = rt.one(CLAIM);
        expect(claim.name).toBe("llm-model-cache");
        expect(claim.options.retainOnDelete).toBe(true);
        expect(claim.inputs.metadata).toMatchObject({ name: "llm-model-cache", namespace: "ml", labels: { "app.kubernetes.io/name": "llm", "modelship.dev/team": "ml-platform" } });
        expect(claim.inputs.spec).toEqual({ accessModes: ["ReadWriteMany"], storageClassName: "efs-sc", resources: { requests: { storage: "100Gi" } } });

        const deployment = rt.one(DEPLOYMENT);
        expect(deployment.options.dependencies).toContain(claim.urn);
        const pod = podOf(deployment);
        expect(pod.volumes).toEqual([
            { name: "tmp", emptyDir: {} },
            { name: "home", emptyDir: {} },
            { name: "model-cache", persistentVolumeClaim: { claimName: "llm-model-cache" } },
        ]);
        expect(serverOf(deployment).volumeMounts).toContainEqual({ name: "model-cache", mountPath: "/models", subPath: `${DIR}/model`, readOnly: true });
        expect(serverOf(deployment).args.slice(0, 2)).toEqual(["--model", "/models"]);
        expect(pod.initContainers.map((c: Json) => c.name)).toEqual(["fetch-model"]);
        const fetch = initOf(deployment, "fetch-model");
        expect(fetch.image).toBe("python:3.12-slim");
        expect(fetch.command).toEqual(["sh", "-c", POPULATE_SCRIPT, "populate-model-cache", `/model-cache/${DIR}`, "$(POD_NAME)", ...hfFetch(`/model-cache/${DIR}`)]);
        expect(fetch.env).toEqual([
            { name: "HOME", value: "/tmp" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ]);
        expect(fetch.volumeMounts).toEqual([
            { name: "tmp", mountPath: "/tmp" },
            { name: "model-cache", mountPath: "/model-cache" },
        ]);
        // The claim keeps every pod within the restricted profile.
        expect(podSecurityViolations(rt.recorder.all())).toEqual([]);

        // Billed per GB-month at a price the catalog lacks: unknown, in the component's estimate as in the plan.
        const cost = await outputValue(svc.estimatedMonthlyCost);
        const plan = estimateCost([claim, deployment]);
        expect(plan.items.find((i) => i.type === CLAIM)?.basis).toMatch(/^unknown: a PersistentVolumeClaim of 100Gi on StorageClass efs-sc/);
        expect(plan.monthly).toEqual({ min: null, max: null });
        expect(cost.known).toBe(false);
    });

    it("sizes the claim at twice model.sizeGiB, or as given", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    ...llm({ mode: ModelCacheMode.Cluster, storageClassName: "standard-rwx" }),
                    model: { uri: URI, runtime: ServingRuntime.Vllm, sizeGiB: 15.5, cache: { mode: ModelCacheMode.Cluster, storageClassName: "standard-rwx" } },
                }),
        );
        expect(rt.one(CLAIM).inputs.spec).toMatchObject({ resources: { requests: { storage: "31Gi" } } });
        await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.Cluster, storageClassName: "my-nfs", sizeGiB: 250 })));
        // An unknown class name is taken as given.
        expect(rt.one(CLAIM).inputs.spec).toEqual({ accessModes: ["ReadWriteMany"], storageClassName: "my-nfs", resources: { requests: { storage: "250Gi" } } });
    });

    it("mode node: a hostPath directory per service and URI, handed to the pods' user by a root init container with CHOWN only", async () => {
        await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.Node })));
        expect(rt.ofType(CLAIM)).toEqual([]);
        const deployment = rt.one(DEPLOYMENT);
        const pod = podOf(deployment);
        expect(pod.volumes).toContainEqual({ name: "model-cache", hostPath: { path: "/var/lib/modelship/models", type: "DirectoryOrCreate" } });
        expect(pod.initContainers.map((c: Json) => c.name)).toEqual(["prepare-model-cache", "fetch-model"]);
        expect(initOf(deployment, "prepare-model-cache")).toEqual({
            name: "prepare-model-cache",
            image: "python:3.12-slim",
            command: ["sh", "-c", prepareScript(1000, 1000), "prepare-model-cache", `/model-cache/${DIR}`],
            resources: { requests: { cpu: "100m", memory: "32Mi" }, limits: { memory: "64Mi" } },
            securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["CHOWN"] }, readOnlyRootFilesystem: true },
            volumeMounts: [{ name: "model-cache", mountPath: "/model-cache" }],
            terminationMessagePolicy: "FallbackToLogsOnError",
        });
        // The fetcher (non-root) sees only its version's directory.
        const fetch = initOf(deployment, "fetch-model");
        expect(fetch.command).toEqual(["sh", "-c", POPULATE_SCRIPT, "populate-model-cache", "/model-cache", "$(POD_NAME)", ...hfFetch("/model-cache")]);
        expect(fetch.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
        expect(fetch.volumeMounts).toContainEqual({ name: "model-cache", mountPath: "/model-cache", subPath: DIR });
        expect(serverOf(deployment).volumeMounts).toContainEqual({ name: "model-cache", mountPath: "/models", subPath: `${DIR}/model`, readOnly: true });
        // Exactly what the namespace must allow: the hostPath, and the ownership step's root user and CHOWN.
        expect(podSecurityViolations(rt.recorder.all()).map((v) => [v.field, v.control])).toEqual([
            ["spec.template.spec.volumes[2].hostPath", "volumes.hostPath"],
            ["spec.template.spec.initContainers[0].securityContext.runAsNonRoot", "runAsNonRoot"],
            ["spec.template.spec.initContainers[0].securityContext.runAsUser", "runAsUser"],
            ["spec.template.spec.initContainers[0].securityContext.capabilities.add", "capabilities.add"],
        ]);

        await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.Node, nodePath: "/mnt/nvme/models/" })));
        expect(podOf(rt.one(DEPLOYMENT)).volumes).toContainEqual({ name: "model-cache", hostPath: { path: "/mnt/nvme/models", type: "DirectoryOrCreate" } });
    });

    it("gives each canary version its own directory in the one claim", async () => {
        const next = "hf://Qwen/Qwen2.5-7B-Instruct@a09a35458c702b33eeacc393d103063234e8bc28";
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    llm(
                        { mode: ModelCacheMode.Cluster, storageClassName: "efs-sc" },
                        {
                            versions: [
                                { name: "stable", weight: 90 },
                                { name: "next", uri: next, weight: 10 },
                            ],
                            kubernetes: { namespace: "ml", gateway: "infra/internal", nodeSelector: { "modelship.dev/accelerator": "l4" } },
                        },
                    ),
                ),
        );
        expect(rt.ofType(CLAIM).map((c) => c.name)).toEqual(["llm-model-cache"]);
        const subPath = (name: string) => serverOf(rt.one(DEPLOYMENT, name)).volumeMounts.find((m: Json) => m.name === "model-cache").subPath;
        expect(subPath("llm-stable")).toBe(`${DIR}/model`);
        expect(subPath("llm-next")).toBe("llm-6d579285475e7dd7/model");
        expect(initOf(rt.one(DEPLOYMENT, "llm-next"), "fetch-model").command[4]).toBe("/model-cache/llm-6d579285475e7dd7");
        expect(cacheDirectory("llm", next)).toBe("llm-6d579285475e7dd7");
    });

    it("ReadOnlyMany: mounts the existing claim read-only at /models and downloads nothing", async () => {
        await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.Cluster, accessMode: ModelCacheAccessMode.ReadOnlyMany, claimName: "qwen-weights" })));
        expect(rt.ofType(CLAIM)).toEqual([]);
        const deployment = rt.one(DEPLOYMENT);
        expect(podOf(deployment).initContainers).toBeUndefined();
        expect(podOf(deployment).volumes).toContainEqual({ name: "model-cache", persistentVolumeClaim: { claimName: "qwen-weights", readOnly: true } });
        expect(serverOf(deployment).volumeMounts).toContainEqual({ name: "model-cache", mountPath: "/models", readOnly: true });
    });

    it("ReadWriteMany on an existing claim: fills it, creates no claim", async () => {
        await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.Cluster, claimName: "shared-models" })));
        expect(rt.ofType(CLAIM)).toEqual([]);
        expect(podOf(rt.one(DEPLOYMENT)).volumes).toContainEqual({ name: "model-cache", persistentVolumeClaim: { claimName: "shared-models" } });
    });

    it("mode none is today's emptyDir", async () => {
        await rt.construct(() => new ModelService("llm", llm({ mode: ModelCacheMode.None })));
        const pod = podOf(rt.one(DEPLOYMENT));
        expect(pod.volumes).toContainEqual({ name: "model", emptyDir: {} });
        expect(pod.initContainers.map((c: Json) => c.command.slice(0, 2))).toEqual([["sh", "-c"]]);
        expect(pod.initContainers[0].command[2]).toContain("--local-dir /models");
    });
});

const header = (count: number) => `modelship:index:ModelService "llm": ${count === 1 ? "1 invalid argument" : `${count} invalid arguments`}:\n`;

/** [what, arguments, the exact error message] */
const invalid: Array<[string, ModelServiceArgs, string]> = [
    [
        "a cache on a target that has none",
        { ...llm({ mode: ModelCacheMode.Node }), target: Target.Docker, kubernetes: undefined },
        header(1) + '  - model.cache.mode: received "node"; expected "none" on target "docker": only target "kubernetes" has a model cache (a directory or claim its pods share)',
    ],
    [
        "a cache for a model served from an image",
        { ...llm({ mode: ModelCacheMode.Node }), model: { image: "registry.example.com/llm@sha256:" + "a".repeat(64), cache: { mode: ModelCacheMode.Node } } },
        header(1) +
            '  - model.cache: received mode "node" with model served from an image; expected an artifact URI (model.uri, or versions[].uri) on every version: the cache keeps downloaded weights, and an image has nothing to download',
    ],
    [
        "mode cluster without a storage class",
        llm({ mode: ModelCacheMode.Cluster }),
        header(1) +
            "  - model.cache.storageClassName: received nothing (the field is missing); expected a StorageClass that offers ReadWriteMany in mode cluster (EKS: efs-sc, GKE: standard-rwx, AKS: azurefile-csi), or model.cache.claimName",
    ],
    [
        "a storage class known to be ReadWriteOnce only",
        llm({ mode: ModelCacheMode.Cluster, storageClassName: "gp3" }),
        header(1) +
            '  - model.cache.storageClassName: received "gp3"; expected a StorageClass that offers ReadWriteMany: "gp3" is well known as an Amazon EBS volume (EBS CSI driver), which offers ReadWriteOnce only ' +
            "(use a file system class such as efs-sc, standard-rwx or azurefile-csi, or create the claim yourself and give model.cache.claimName)",
    ],
    [
        "GKE's persistent disk class",
        llm({ mode: ModelCacheMode.Cluster, storageClassName: "standard-rwo" }),
        header(1) +
            '  - model.cache.storageClassName: received "standard-rwo"; expected a StorageClass that offers ReadWriteMany: "standard-rwo" is well known as a Compute Engine persistent disk (GKE), which offers ReadWriteOnce only ' +
            "(use a file system class such as efs-sc, standard-rwx or azurefile-csi, or create the claim yourself and give model.cache.claimName)",
    ],
    [
        "a relative node path",
        llm({ mode: ModelCacheMode.Node, nodePath: "models" }),
        header(1) + "  - model.cache.nodePath: received \"models\"; expected an absolute path of letters, digits, '.', '_', '-' and '/', such as /var/lib/modelship/models",
    ],
    [
        "a node path that climbs out",
        llm({ mode: ModelCacheMode.Node, nodePath: "/var/lib/../../etc" }),
        header(1) + "  - model.cache.nodePath: received \"/var/lib/../../etc\"; expected a path without '..' segments",
    ],
    ["a size that is not positive", llm({ mode: ModelCacheMode.Cluster, storageClassName: "efs-sc", sizeGiB: 0 }), header(1) + "  - model.cache.sizeGiB: received 0; expected a number > 0"],
    [
        "ReadOnlyMany without an existing claim",
        llm({ mode: ModelCacheMode.Cluster, accessMode: ModelCacheAccessMode.ReadOnlyMany }),
        header(1) +
            "  - model.cache.claimName: received nothing (the field is missing); expected an existing claim that holds the weights, with accessMode ReadOnlyMany: pods cannot write a ReadOnlyMany claim, so one modelship creates would stay empty",
    ],
    [
        "an existing claim with a class",
        llm({ mode: ModelCacheMode.Cluster, claimName: "shared", storageClassName: "efs-sc" }),
        header(1) + '  - model.cache.storageClassName: received "efs-sc"; expected nothing with model.cache.claimName: the existing claim has its own class',
    ],
    [
        "a setting of another mode",
        llm({ mode: ModelCacheMode.Cluster, storageClassName: "efs-sc", nodePath: "/data" }),
        header(1) + '  - model.cache.nodePath: received "/data"; expected nothing in mode "cluster": it applies to mode "node" only',
    ],
    [
        "a cache with the streaming load mode",
        { ...llm({ mode: ModelCacheMode.Node }), model: { uri: "s3://models/qwen-7b/", runtime: ServingRuntime.Vllm, loadMode: ModelLoadMode.Stream, cache: { mode: ModelCacheMode.Node } } },
        header(1) + '  - model.cache.mode: received "node"; expected "none" with model.loadMode "stream": the server streams the weights from object storage, so nothing is downloaded to cache',
    ],
    [
        "ReadOnlyMany with versions of different URIs",
        llm(
            { mode: ModelCacheMode.Cluster, accessMode: ModelCacheAccessMode.ReadOnlyMany, claimName: "qwen-weights" },
            {
                versions: [
                    { name: "stable", weight: 90 },
                    { name: "next", uri: "s3://models/qwen-7b/v2/", weight: 10 },
                ],
                kubernetes: { namespace: "ml", gateway: "infra/internal" },
            },
        ),
        header(1) +
            '  - model.cache.accessMode: received "ReadOnlyMany"; expected ReadWriteMany with versions of different URIs: a ReadOnlyMany claim holds one model at its root, which every version would serve',
    ],
];

describe("model.cache errors", () => {
    for (const [what, args, message] of invalid) {
        it(`rejects ${what} with the exact error, before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                let error: Error | undefined;
                try {
                    new ModelService("llm", args);
                } catch (e) {
                    error = e as Error;
                }
                expect(error?.name).toBe("ModelshipValidationError");
                expect(error?.message).toBe(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

const run = promisify(execFile);

/** A fetch command that counts its runs, takes `seconds`, then writes one file (or fails with `fail`). */
function fakeFetch(dir: string, id: string, seconds: number, fail = false): string[] {
    const script = fail ? 'echo "$2" >> "$3"; exit 7' : 'echo "$2" >> "$3"; sleep "$4"; echo weights > "$1/weights.safetensors"';
    return ["sh", "-c", script, "fake-fetch", `${dir}/.partial-${id}`, id, path.join(path.dirname(dir), "fetches"), String(seconds)];
}

/** Runs the populate script as the fetcher container would, with short timings; `bin` puts other applets first on PATH. */
function populate(dir: string, id: string, seconds: number, opts: { fail?: boolean; bin?: string; stale?: number } = {}) {
    const env = { PATH: opts.bin ?? process.env.PATH, MODEL_CACHE_POLL_SECONDS: "1", MODEL_CACHE_HEARTBEAT_SECONDS: "1", MODEL_CACHE_STALE_SECONDS: String(opts.stale ?? 4) };
    return run("sh", ["-c", POPULATE_SCRIPT, "populate-model-cache", dir, id, ...fakeFetch(dir, id, seconds, opts.fail)], { env });
}

const fetches = (root: string) => (fs.existsSync(path.join(root, "fetches")) ? fs.readFileSync(path.join(root, "fetches"), "utf8").trim().split("\n") : []);
const entries = (dir: string) => fs.readdirSync(dir).sort();

function tempCache(): { root: string; dir: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "model-cache-"));
    return { root, dir: path.join(root, "llm-58ba5dd6b2cf8714") };
}

/** BusyBox, as in curlimages/curl (Alpine): its applets alone on PATH. Installed with the Debian package `busybox`. */
function busyboxBin(): string | undefined {
    const busybox = ["/usr/bin/busybox", "/bin/busybox"].find((p) => fs.existsSync(p));
    if (!busybox) return undefined;
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "busybox-"));
    for (const applet of ["sh", "mkdir", "mv", "rm", "touch", "stat", "cat", "sleep", "id", "echo", "kill"]) fs.symlinkSync(busybox, path.join(bin, applet));
    return bin;
}

describe("the populate script, run for real", { timeout: 30_000 }, () => {
    it("reaches the shell unchanged by the kubelet's $(VAR) expansion and $$ escape", () => {
        expect(POPULATE_SCRIPT).not.toMatch(/\$\$|\$\([A-Za-z_]/);
        expect(prepareScript(1000, 1000)).not.toMatch(/\$\$|\$\([A-Za-z_]/);
    });

    for (const [shell, bin] of [
        ["dash", undefined],
        ["BusyBox", busyboxBin()],
    ] as const) {
        it(`${shell}: two pods starting together download once, and both find the model complete`, async () => {
            // Not skipped when missing: `npm test` installs it (scripts/setup-e2e.sh), so a missing BusyBox is a broken set-up.
            if (shell === "BusyBox" && bin === undefined) throw new Error("busybox is not installed: run bash scripts/setup-e2e.sh");
            const { root, dir } = tempCache();
            const [a, b] = await Promise.all([populate(dir, "pod-a", 2, { bin }), populate(dir, "pod-b", 2, { bin })]);
            expect(fetches(root)).toHaveLength(1);
            expect(entries(dir)).toEqual(["model"]);
            expect(entries(path.join(dir, "model"))).toEqual([".modelship-complete", "weights.safetensors"]);
            expect(`${a.stderr}${b.stderr}`).toMatch(/model cache: .*\/model (completed by another pod|completed meanwhile): reused/);
        });
    }

    it("reuses a complete directory without running the fetcher", async () => {
        const { root, dir } = tempCache();
        fs.mkdirSync(path.join(dir, "model"), { recursive: true });
        fs.writeFileSync(path.join(dir, "model", ".modelship-complete"), "");
        const { stderr } = await populate(dir, "pod-a", 0);
        expect(fetches(root)).toEqual([]);
        expect(stderr).toBe(`model cache: ${dir}/model is complete: reused\n`);
    });

    it("waits while the holder's heartbeat is fresh, takes a stale lock over and clears what the dead holder left", async () => {
        const { root, dir } = tempCache();
        fs.mkdirSync(path.join(dir, ".lock"), { recursive: true });
        fs.mkdirSync(path.join(dir, ".partial-pod-dead"));
        fs.writeFileSync(path.join(dir, ".partial-pod-dead", "half.safetensors"), "");
        fs.writeFileSync(path.join(dir, ".lock", "owner"), "pod-dead\n");
        const started = Date.now();
        const { stderr } = await populate(dir, "pod-c", 0, { stale: 3 });
        // The holder's last heartbeat was at the start: the lock turns stale after 3 s, not at once.
        expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
        expect(stderr).toContain("model cache: waiting for pod-dead to finish downloading into");
        expect(stderr).toMatch(/the lock of pod-dead has had no heartbeat for [4-9] s: taking it over/);
        expect(fetches(root)).toEqual(["pod-c"]);
        expect(entries(dir)).toEqual(["model"]);
    });

    it("recovers a lock left an hour ago at once", async () => {
        const { root, dir } = tempCache();
        fs.mkdirSync(path.join(dir, ".lock"), { recursive: true });
        fs.writeFileSync(path.join(dir, ".lock", "owner"), "pod-dead\n");
        const hourAgo = new Date(Date.now() - 3600_000);
        fs.utimesSync(path.join(dir, ".lock", "owner"), hourAgo, hourAgo);
        const started = Date.now();
        await populate(dir, "pod-d", 0);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(fetches(root)).toEqual(["pod-d"]);
        expect(entries(dir)).toEqual(["model"]);
    });

    it("releases the lock when the download fails, and publishes nothing; the next pod downloads", async () => {
        const { root, dir } = tempCache();
        await expect(populate(dir, "pod-e", 0, { fail: true })).rejects.toMatchObject({ code: 7 });
        expect(entries(dir)).toEqual([".partial-pod-e"]);
        await populate(dir, "pod-f", 0);
        expect(fetches(root)).toEqual(["pod-e", "pod-f"]);
        expect(entries(dir)).toEqual(["model"]);
    });

    it.skipIf(process.getuid?.() !== 0)("the node cache's ownership step hands the directory to uid 1000 and refuses a symbolic link", () => {
        const { root, dir } = tempCache();
        execFileSync("sh", ["-c", prepareScript(1000, 1000), "prepare-model-cache", dir]);
        expect(fs.statSync(dir)).toMatchObject({ uid: 1000, gid: 1000 });
        const link = path.join(root, "link");
        fs.symlinkSync("/etc", link);
        expect(() => execFileSync("sh", ["-c", prepareScript(1000, 1000), "prepare-model-cache", link], { stdio: "pipe" })).toThrow(/symbolic link: refusing to hand it over/);
    });
});

import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "gcp:project": "acme-ml", "gcp:region": "us-central1", "modelship:team": "ml-platform" } });

const imageA = "us-docker.pkg.dev/acme-ml/models/llm@sha256:" + "a".repeat(64);
const imageB = "us-docker.pkg.dev/acme-ml/models/llm@sha256:" + "b".repeat(64);
const SERVICE = "gcp:cloudrunv2/service:Service";
const INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";
const SA_EMAIL = "llm-model@acme-ml.iam.gserviceaccount.com";

const gpuArgs: ModelServiceArgs = {
    model: { image: imageA, port: 8000, readinessPath: "/health" },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 0, maxReplicas: 3 },
    env: { LOG_LEVEL: "info" },
    secrets: { HF_TOKEN: pulumi.secret("hf_s3cr3t") },
    target: Target.GcpCloudRun,
};

type Template = {
    revision?: string;
    containers: Array<Record<string, unknown> & { resources: unknown; startupProbe: Record<string, unknown> }>;
    [key: string]: unknown;
};
const templateOf = (r: ResourceRecord) => r.inputs.template as Template;
const key = (r: ResourceRecord) => `${r.type}::${r.name}`;

describe("ModelService on gcp-cloudrun", () => {
    it("runs one L4 per instance under its own service account, private, with a sized startup probe", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", gpuArgs));
        // Registration order depends on when outputs resolve: compare as sets.
        expect(resources.map(key).sort()).toEqual(
            [
                "modelship:index:ModelService::llm",
                "gcp:serviceaccount/account:Account::llm-sa",
                "gcp:secretmanager/secret:Secret::llm-secret-HF_TOKEN",
                "gcp:secretmanager/secretVersion:SecretVersion::llm-secret-HF_TOKEN",
                "gcp:secretmanager/secretIamMember:SecretIamMember::llm-secret-HF_TOKEN-access",
                `${SERVICE}::llm-service`,
                // Observability is on by default (observability-gcp.test.ts).
                "gcp:monitoring/alertPolicy:AlertPolicy::llm-alert-latency",
                "gcp:monitoring/alertPolicy:AlertPolicy::llm-alert-errors",
                "gcp:monitoring/alertPolicy:AlertPolicy::llm-alert-max-instances",
                "gcp:monitoring/dashboard:Dashboard::llm-dashboard",
            ].sort(),
        );
        expect(rt.one("gcp:serviceaccount/account:Account").inputs.accountId).toBe("llm-model");

        const service = rt.one(SERVICE);
        expect(service.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelService::llm");
        expect(service.inputs).toMatchObject({ name: "llm", location: "us-central1", ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", deletionProtection: false });
        expect(service.inputs.traffics).toEqual([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
        const template = templateOf(service);
        expect(template).toMatchObject({
            serviceAccount: SA_EMAIL,
            executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
            scaling: { minInstanceCount: 0, maxInstanceCount: 3 },
            maxInstanceRequestConcurrency: 4,
            timeout: "300s",
            nodeSelector: { accelerator: "nvidia-l4" },
            gpuZonalRedundancyDisabled: true,
            labels: { team: "ml-platform", service: "llm", "managed-by": "modelship", environment: "dev" },
        });
        expect(template.revision).toBeUndefined();
        const container = template.containers[0];
        expect(container.image).toBe(imageA);
        expect(container.ports).toEqual({ containerPort: 8000, name: "http1" });
        expect(container.resources).toEqual({ limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" }, cpuIdle: false });
        // Cloud Run caps failureThreshold x periodSeconds at 240 s: 24 x 10 s.
        expect(container.startupProbe).toEqual({ httpGet: { path: "/health", port: 8000 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 24 });
        expect(container.livenessProbe).toEqual({ httpGet: { path: "/health", port: 8000 }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
        expect(container.envs).toEqual([
            { name: "LOG_LEVEL", value: "info" },
            { name: "HF_TOKEN", valueSource: { secretKeyRef: expect.objectContaining({ secret: "llm-HF_TOKEN" }) } },
        ]);

        // The secret value exists only in the SecretVersion, as a Pulumi secret; only this identity may read it.
        expect(rt.one("gcp:secretmanager/secret:Secret").inputs).toMatchObject({ secretId: "llm-HF_TOKEN", replication: { auto: {} } });
        const version = rt.one("gcp:secretmanager/secretVersion:SecretVersion");
        expect(version.inputs.secretData).toBe("hf_s3cr3t");
        expect(version.secretInputs).toContain("secretData");
        expect(JSON.stringify(service.inputs)).not.toContain("hf_s3cr3t");
        const access = rt.one("gcp:secretmanager/secretIamMember:SecretIamMember");
        expect(access.inputs).toMatchObject({ secretId: "llm-HF_TOKEN", role: "roles/secretmanager.secretAccessor", member: `serviceAccount:${SA_EMAIL}` });
        expect(service.options.dependencies).toContain(access.urn);

        // Private by default: nobody is granted run.invoker.
        expect(rt.ofType(INVOKER)).toEqual([]);
        const url = await outputValue(svc.url);
        expect(url).toMatch(/^https:\/\/llm-[0-9a-f]{10}-uc\.a\.run\.app$/);
        expect(await outputValue(svc.internalUrl)).toBe(url);
        // A ModelGateway route names the service; at zero a request waits for the startup probe's 240 s, then the 300 s timeout.
        expect(await outputValue(svc.endpointName)).toBe("llm");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(240);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);
        expect(Object.keys(svc.resources)).toEqual([
            "serviceAccount",
            "secret-HF_TOKEN",
            "secretVersion-HF_TOKEN",
            "secretAccess-HF_TOKEN",
            "service",
            "alertLatency",
            "alertErrors",
            "alertMaxInstances",
            "dashboard",
        ]);

        // 0 instances at rest; 3 x (4 vCPU + 16 GiB instance-based + one L4) x 730 h at most; the three alerting
        // conditions at $1.50 a month each, idle or not.
        const hourly = 4 * 0.000018 * 3600 + 16 * 0.000002 * 3600 + 0.67;
        const cost = await outputValue(svc.estimatedMonthlyCost);
        expect(cost.min).toBe(4.5);
        expect(cost.max).toBeCloseTo(3 * hourly * 730 + 4.5, 2);
    });

    it("grants allUsers run.invoker only for a public service with auth none", async () => {
        await rt.construct(() => new ModelService("open", { model: { image: imageA }, exposure: { public: true, auth: AuthMode.None }, target: Target.GcpCloudRun }));
        const service = rt.one(SERVICE);
        expect(service.inputs.ingress).toBe("INGRESS_TRAFFIC_ALL");
        const template = templateOf(service);
        expect(template.maxInstanceRequestConcurrency).toBe(80);
        expect(template.nodeSelector).toBeUndefined();
        expect(template.containers[0].resources).toEqual({ limits: { cpu: "1", memory: "2Gi" }, cpuIdle: true });
        expect(rt.one(INVOKER).inputs).toMatchObject({ name: "open", location: "us-central1", role: "roles/run.invoker", member: "allUsers" });
    });

    it("leaves a public IAM service to the named invokers", async () => {
        await rt.construct(
            () =>
                new ModelService("scorer", {
                    model: { image: imageA },
                    exposure: { public: true, auth: AuthMode.Iam },
                    cloudRun: { invokers: ["serviceAccount:gateway@acme-ml.iam.gserviceaccount.com"], concurrency: 20, requestTimeoutSeconds: 900 },
                    target: Target.GcpCloudRun,
                }),
        );
        const service = rt.one(SERVICE);
        expect(service.inputs.ingress).toBe("INGRESS_TRAFFIC_ALL");
        expect(templateOf(service)).toMatchObject({ maxInstanceRequestConcurrency: 20, timeout: "900s" });
        expect(rt.ofType(INVOKER).map((r) => r.inputs.member)).toEqual(["serviceAccount:gateway@acme-ml.iam.gserviceaccount.com"]);
    });

    it("admits a load balancer, not the internet, with loadBalancerIngress", async () => {
        await rt.construct(() => new ModelService("behind-lb", { model: { image: imageA }, cloudRun: { loadBalancerIngress: true }, target: Target.GcpCloudRun }));
        const service = rt.one(SERVICE);
        expect(service.inputs.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
        expect(service.inputs.invokerIamDisabled).toBe(true);
        expect(rt.ofType(INVOKER)).toEqual([]);
        await rt.construct(() => new ModelService("private", { model: { image: imageA }, target: Target.GcpCloudRun }));
        expect(rt.one(SERVICE).inputs.invokerIamDisabled).toBeUndefined();
    });

    it("mounts a gs:// artifact read-only and grants read on that bucket only", async () => {
        await rt.construct(
            () =>
                new ModelService("qwen", {
                    model: { uri: "gs://acme-models/qwen2.5/0.5b/", runtime: ServingRuntime.Vllm },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    target: Target.GcpCloudRun,
                }),
        );
        const template = templateOf(rt.one(SERVICE));
        expect(template.volumes).toEqual([{ name: "model", gcs: { bucket: "acme-models", readOnly: true, mountOptions: ["implicit-dirs", "only-dir=qwen2.5/0.5b"] } }]);
        const container = template.containers[0];
        expect(container.volumeMounts).toEqual([{ name: "model", mountPath: "/models" }]);
        expect(container.image).toBe("vllm/vllm-openai:v0.8.5");
        // A gs:// model has no Hub id: vLLM serves it under the service's name.
        expect(container.args).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "qwen"]);
        expect(rt.one("gcp:storage/bucketIAMMember:BucketIAMMember").inputs).toEqual({
            bucket: "acme-models",
            role: "roles/storage.objectViewer",
            member: "serviceAccount:qwen-model@acme-ml.iam.gserviceaccount.com",
        });
    });

    it("splits canary traffic between the previous revision and the new template", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    ...gpuArgs,
                    model: { port: 8000 },
                    versions: [
                        { name: "v1", image: imageA, weight: 90 },
                        { name: "v2", image: imageB, weight: 10 },
                    ],
                }),
        );
        const service = rt.one(SERVICE);
        const template = templateOf(service);
        expect(template.revision).toBe("llm-v2");
        expect(template.containers[0].image).toBe(imageB);
        expect(service.inputs.traffics).toEqual([
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "llm-v1", percent: 90, tag: "v1" },
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "llm-v2", percent: 10, tag: "v2" },
        ]);
    });

    it("names the revision of a single version and stretches the startup probe with an initial delay", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", { ...gpuArgs, model: { image: imageA, startupTimeoutSeconds: 420 }, cloudRun: { versionName: "v1" } }));
        const template = templateOf(rt.one(SERVICE));
        expect(template.revision).toBe("llm-v1");
        expect(template.containers[0].startupProbe).toMatchObject({ initialDelaySeconds: 180, periodSeconds: 10, failureThreshold: 24 });
        // The cold start is the probe's whole budget: 180 s of delay and 24 x 10 s.
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(420);
    });

    it("reports no cold start with an instance kept warm, and the request timeout given", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", { ...gpuArgs, scaling: { minReplicas: 1, maxReplicas: 3 }, cloudRun: { requestTimeoutSeconds: 900 } }));
        expect(templateOf(rt.one(SERVICE)).timeout).toBe("900s");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(900);
    });

    it("changing the model version changes only the Service's template", async () => {
        const run = async (args: ModelServiceArgs) => (await rt.construct(() => new ModelService("llm", args))).resources;
        const before = await run({ ...gpuArgs, cloudRun: { versionName: "v1" } });
        const after = await run({
            ...gpuArgs,
            model: { port: 8000, readinessPath: "/health" },
            versions: [
                { name: "v1", image: imageA, weight: 90 },
                { name: "v2", image: imageB, weight: 10 },
            ],
        });
        expect(after.map(key).sort()).toEqual(before.map(key).sort());
        const beforeByKey = new Map(before.map((r) => [key(r), r]));
        const changed = after.filter((r) => r.custom && !isDeepStrictEqual(r.inputs, beforeByKey.get(key(r))?.inputs)).map(key);
        expect(changed).toEqual([`${SERVICE}::llm-service`]);

        const [old, next] = [before, after].map((rs) => rs.find((r) => r.type === SERVICE) as ResourceRecord);
        expect(next.inputs.name).toBe(old.inputs.name);
        const strip = (r: ResourceRecord) => {
            const t = structuredClone(templateOf(r));
            delete t.revision;
            delete t.containers[0].image;
            return t;
        };
        // Only the image and the revision name differ: probes, resources, identity and env are untouched.
        expect(strip(next)).toEqual(strip(old));
        expect([templateOf(old).revision, templateOf(next).revision]).toEqual(["llm-v1", "llm-v2"]);
    });

    it("finishing a rollout moves traffic without creating a revision", async () => {
        const canary = await rt.construct(
            () =>
                new ModelService("llm", {
                    ...gpuArgs,
                    model: { port: 8000, readinessPath: "/health" },
                    versions: [
                        { name: "v1", image: imageA, weight: 0 },
                        { name: "v2", image: imageB, weight: 100 },
                    ],
                }),
        );
        const during = templateOf(canary.resources.find((r) => r.type === SERVICE) as ResourceRecord);
        await rt.construct(() => new ModelService("llm", { ...gpuArgs, model: { ...gpuArgs.model, image: imageB }, cloudRun: { versionName: "v2" } }));
        const service = rt.one(SERVICE);
        expect(templateOf(service)).toEqual(during);
        expect(service.inputs.traffics).toEqual([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
    });

    const l4 = { gpu: { accelerator: Accelerator.L4 } };
    const invalid: Array<[string, Partial<ModelServiceArgs>, string[]]> = [
        [
            "a Cloud Run GPU other than L4",
            { resources: { gpu: { accelerator: Accelerator.A100_80GB } } },
            ['resources.gpu.accelerator: received "a100-80gb"; expected "l4" on target gcp-cloudrun (Cloud Run offers the NVIDIA L4; use target kubernetes for other GPUs)'],
        ],
        [
            "two GPUs per instance",
            { resources: { cpu: 8, memoryGiB: 32, gpu: { count: 2, accelerator: Accelerator.L4 } } },
            [
                "resources.gpu.count: received 2; expected 1 on target gcp-cloudrun (Cloud Run attaches one GPU per instance; scale out with scaling.maxReplicas, or use target kubernetes for multi-GPU servers)",
            ],
        ],
        [
            "too little CPU and memory with a GPU",
            { resources: { cpu: 2, memoryGiB: 8, ...l4 } },
            [
                "resources.cpu: received 2; expected at least 4 vCPU with a GPU on target gcp-cloudrun (Cloud Run requires 4 vCPU and 16 GiB per L4 instance)",
                "resources.memoryGiB: received 8; expected at least 16 GiB with a GPU on target gcp-cloudrun (Cloud Run requires 4 vCPU and 16 GiB per L4 instance)",
            ],
        ],
        [
            "a GPU in a region without Cloud Run GPUs",
            { resources: l4, cloudRun: { region: "europe-west2" } },
            [
                'cloudRun.region: received "europe-west2"; expected a region with Cloud Run GPUs with a GPU: us-central1, us-east4, europe-west1, europe-west4, asia-southeast1, asia-south1 (cloud.google.com/run/docs/configuring/services/gpu)',
            ],
        ],
        [
            "public without auth",
            { exposure: { public: true } },
            ['exposure.auth: received nothing (the field is missing); expected an auth mode for a public endpoint: api-key, iam, jwt, or "none" to expose it without authentication on purpose'],
        ],
        [
            "an API key Cloud Run cannot check",
            { exposure: { public: true, auth: AuthMode.ApiKey } },
            [
                'exposure.auth: received "api-key"; expected "iam" or "none" on target gcp-cloudrun (Cloud Run checks Google-signed identity tokens; API keys and other JWT issuers need API Gateway or ESPv2 in front, which modelship does not create)',
            ],
        ],
        [
            "an artifact Cloud Run cannot mount",
            { model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Vllm } },
            [
                'model.uri: received "hf://Qwen/Qwen2.5-0.5B-Instruct"; expected a gs:// URI on target gcp-cloudrun (mounted read-only from Cloud Storage; Cloud Run has no init containers to download s3://, https:// or hf:// artifacts: copy the model to a bucket or bake it into model.image)',
            ],
        ],
        ["a CPU size Cloud Run does not offer", { resources: { cpu: 3 } }, ["resources.cpu: received 3; expected one of 1, 2, 4, 6, 8 vCPU on target gcp-cloudrun"]],
        ["memory beyond the CPU's reach", { resources: { cpu: 2, memoryGiB: 12 } }, ["resources.cpu: received 2; expected at least 4 vCPU for more than 8 GiB of memory on target gcp-cloudrun"]],
        ["zero replicas", { scaling: { replicas: 0 } }, ["scaling.replicas: received 0; expected at least 1 on target gcp-cloudrun (use minReplicas 0 to scale to zero when idle)"]],
        [
            "a startup longer than a Cloud Run probe can wait",
            { model: { image: imageA, startupTimeoutSeconds: 600 } },
            ["model.startupTimeoutSeconds: received 600; expected at most 480 on target gcp-cloudrun (a startup probe may wait 240 s and then probe for 240 s)"],
        ],
        ["a reserved variable", { env: { PORT: "9000" } }, ['env.PORT: received "PORT"; expected a name other than PORT, K_SERVICE, K_REVISION, K_CONFIGURATION (Cloud Run sets them)']],
        [
            "load-balancer ingress on a public service",
            { exposure: { public: true, auth: AuthMode.Iam }, cloudRun: { loadBalancerIngress: true } },
            ["cloudRun.loadBalancerIngress: received true; expected no value with exposure.public (public ingress already admits load balancers)"],
        ],
        [
            "versionName with versions",
            {
                versions: [
                    { name: "v1", weight: 50 },
                    { name: "v2", weight: 50 },
                ],
                cloudRun: { versionName: "v3" },
            },
            ['cloudRun.versionName: received "v3"; expected no versionName together with versions (each version names its revision)'],
        ],
    ];
    for (const [what, extra, lines] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const args = { model: { image: imageA }, target: Target.GcpCloudRun, ...extra } as ModelServiceArgs;
            const count = lines.length === 1 ? "1 invalid argument" : `${lines.length} invalid arguments`;
            const { resources } = await rt.construct(() => {
                expect(() => new ModelService("bad", args)).toThrow([`modelship:index:ModelService "bad": ${count}:`, ...lines.map((l) => `  - ${l}`)].join("\n"));
            });
            expect(resources).toEqual([]);
        });
    }
});

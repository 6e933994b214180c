import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { estimateCost } from "../../sdk/cost";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const imageA = "registry.example.com/fraud@sha256:" + "a".repeat(64);
const imageB = "registry.example.com/fraud@sha256:" + "b".repeat(64);
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const SECRET = "kubernetes:core/v1:Secret";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy";
const SELECTOR = { "app.kubernetes.io/name": "llm", "app.kubernetes.io/instance": "llm" };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const podOf = (r: ResourceRecord): Json => (r.inputs.spec as Json).template;
const serverOf = (r: ResourceRecord): Json => podOf(r).spec.containers[0];
const keys = (resources: ResourceRecord[]) =>
    resources
        .filter((r) => r.custom)
        .map((r) => `${r.type}::${r.name}`)
        .sort();

const gpuArgs: ModelServiceArgs = {
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { count: 2, accelerator: Accelerator.L4 } },
    scaling: { replicas: 2 },
    env: { LOG_LEVEL: "info" },
    secrets: { HF_TOKEN: pulumi.secret("hf_s3cr3t") },
    // A GpuPool's placement output: its nodes carry the accelerator label.
    kubernetes: { namespace: "ml", nodeSelector: { "modelship.dev/accelerator": "l4" } },
    target: Target.Kubernetes,
};

describe("ModelService on kubernetes", () => {
    it("runs a GPU model from an artifact: ServiceAccount, Secret, Deployment, PodDisruptionBudget, Service", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", gpuArgs));
        expect(keys(resources)).toEqual(
            [
                `${DEPLOYMENT}::llm`,
                `${SECRET}::llm-secrets`,
                `kubernetes:core/v1:ServiceAccount::llm`,
                `${SERVICE}::llm`,
                `${PDB}::llm`,
                "kubernetes:monitoring.coreos.com/v1:PodMonitor::llm",
                "kubernetes:monitoring.coreos.com/v1:PrometheusRule::llm",
                "kubernetes:core/v1:ConfigMap::llm-dashboard",
            ].sort(),
        );
        for (const r of resources.filter((x) => x.custom)) expect(r.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelService::llm");

        expect(rt.one("kubernetes:core/v1:ServiceAccount").inputs).toMatchObject({ metadata: { name: "llm", namespace: "ml" }, automountServiceAccountToken: false });
        const secret = rt.one(SECRET);
        expect(secret.inputs).toMatchObject({ type: "Opaque", stringData: { HF_TOKEN: "hf_s3cr3t" } });
        expect(secret.secretInputs).toContain("stringData");

        const deployment = rt.one(DEPLOYMENT);
        const spec = deployment.inputs.spec as Json;
        expect(deployment.inputs.metadata).toMatchObject({ name: "llm", namespace: "ml" });
        expect(spec.replicas).toBe(2);
        expect(spec.selector).toEqual({ matchLabels: SELECTOR });
        expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        expect(spec.progressDeadlineSeconds).toBe(1200);
        const pod = podOf(deployment);
        expect(pod.metadata.labels).toMatchObject({ ...SELECTOR, "modelship.dev/accelerator": "l4", "modelship.dev/team": "ml-platform" });
        expect(pod.metadata.annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "8000", "prometheus.io/path": "/metrics" });
        expect(pod.spec).toMatchObject({
            serviceAccountName: "llm",
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
            nodeSelector: { "modelship.dev/accelerator": "l4" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
            terminationGracePeriodSeconds: 310,
        });
        expect(pod.spec.topologySpreadConstraints.map((c: Json) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels])).toEqual([
            ["topology.kubernetes.io/zone", "ScheduleAnyway", SELECTOR],
            ["kubernetes.io/hostname", "ScheduleAnyway", SELECTOR],
        ]);

        const server = serverOf(deployment);
        expect(server.image).toBe("vllm/vllm-openai:v0.8.5");
        // OpenAI clients send the Hub id as `model`: vLLM serves the model under that name, not its path; two GPUs shard it.
        expect(server.args).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "Qwen/Qwen2.5-7B-Instruct", "--tensor-parallel-size", "2"]);
        expect(server.resources).toEqual({ requests: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "2" }, limits: { memory: "32Gi", "nvidia.com/gpu": "2" } });
        expect(server.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
        expect(server.startupProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 5 });
        expect(server.readinessProbe.httpGet).toEqual({ path: "/health", port: "http" });
        expect(server.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
        expect(server.env).toEqual([
            { name: "HOME", value: "/home/modelship" },
            { name: "USER", value: "modelship" },
            { name: "LOG_LEVEL", value: "info" },
            { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "llm-secrets", key: "HF_TOKEN" } } },
        ]);
        expect(server.volumeMounts).toEqual([
            { name: "tmp", mountPath: "/tmp" },
            { name: "home", mountPath: "/home/modelship" },
            { name: "model", mountPath: "/models", readOnly: true },
            { name: "dshm", mountPath: "/dev/shm" },
        ]);
        expect(pod.spec.volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "2048Mi" } });
        const [fetch] = pod.spec.initContainers;
        expect(fetch).toMatchObject({ name: "fetch-model", image: "python:3.12-slim", securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true } });
        // The repository reaches the shell as "$1", never as script text.
        expect(fetch.command[2]).toContain('download "$1" --local-dir /models');
        expect(fetch.command.slice(3)).toEqual(["fetch-model", "Qwen/Qwen2.5-7B-Instruct"]);
        expect(fetch.volumeMounts).toEqual([
            { name: "tmp", mountPath: "/tmp" },
            { name: "model", mountPath: "/models" },
        ]);

        expect(rt.one(PDB).inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
        expect(rt.one(SERVICE).inputs.spec).toEqual({ type: "ClusterIP", selector: SELECTOR, ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }] });
        expect(rt.ofType(ROUTE)).toEqual([]);
        expect(await outputValue(svc.url)).toBe("http://llm.ml.svc.cluster.local:8000");
        expect(await outputValue(svc.internalUrl)).toBe("http://llm.ml.svc.cluster.local:8000");
        // A ModelGateway route takes the in-cluster URL; one replica is always warm; requests of the target's 300 s.
        expect(await outputValue(svc.endpointName)).toBe("http://llm.ml.svc.cluster.local:8000");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);

        // The component's estimate is the plan's price of the Deployment it created: one cost model.
        const cost = await outputValue(svc.estimatedMonthlyCost);
        const plan = estimateCost(rt.ofType(DEPLOYMENT));
        expect(plan.unknownItems).toBe(0);
        expect(cost).toMatchObject({ min: plan.monthly.min, max: plan.monthly.max, known: true });
        expect(cost.min).toBeGreaterThan(0);
    });

    it("schedules Inferentia2 as aws.amazon.com/neuron, keeps the caller's tolerations and sizes probes exactly", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: imageA, port: 9000, readinessPath: "/ready", startupTimeoutSeconds: 605 },
                    command: ["python", "serve.py"],
                    resources: { cpu: 0.5, memoryGiB: 1.5, gpu: { accelerator: Accelerator.Inferentia2 } },
                    kubernetes: { tolerations: [{ key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" }], priorityClassName: "gpu-serving" },
                    target: Target.Kubernetes,
                }),
        );
        const deployment = rt.one(DEPLOYMENT);
        const server = serverOf(deployment);
        expect(server.resources).toEqual({ requests: { cpu: "500m", memory: "1536Mi", "aws.amazon.com/neuron": "1" }, limits: { memory: "1536Mi", "aws.amazon.com/neuron": "1" } });
        expect(server.startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 121 });
        expect(server.command).toEqual(["python", "serve.py"]);
        // An unknown image may write anywhere: its root filesystem stays writable.
        expect(server.securityContext.readOnlyRootFilesystem).toBe(false);
        expect(podOf(deployment).spec.tolerations).toEqual([
            { key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" },
            { key: "aws.amazon.com/neuron", operator: "Exists", effect: "NoSchedule" },
        ]);
        expect(podOf(deployment).spec.priorityClassName).toBe("gpu-serving");
        expect(podOf(deployment).spec.initContainers).toBeUndefined();
        expect(podOf(deployment).spec.volumes.map((v: Json) => v.name)).toEqual(["tmp", "home"]);
        expect(podOf(deployment).metadata.annotations).toEqual({ "kubectl.kubernetes.io/default-container": "server" });
        expect(deployment.inputs.metadata).toMatchObject({ namespace: "default" });
    });

    it("exposes a public endpoint through the Gateway with API keys checked by Envoy Gateway", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: imageA },
                    exposure: { public: true, auth: AuthMode.ApiKey, hostname: "llm.example.com" },
                    kubernetes: { namespace: "ml", gateway: "infra/public", apiKeys: { "team-a": pulumi.secret("k-123") } },
                    target: Target.Kubernetes,
                }),
        );
        expect(rt.one(ROUTE).inputs).toMatchObject({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "llm", namespace: "ml" } });
        expect(rt.one(ROUTE).inputs.spec).toEqual({
            parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra", name: "public" }],
            hostnames: ["llm.example.com"],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "llm", port: 8080 }], timeouts: { request: "300s" } }],
        });
        const keysSecret = rt.one(SECRET, "llm-api-keys");
        expect(keysSecret.inputs.stringData).toEqual({ "team-a": "k-123" });
        expect(keysSecret.secretInputs).toContain("stringData");
        expect(rt.one(POLICY).inputs.spec).toEqual({
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "llm" }],
            apiKeyAuth: { credentialRefs: [{ group: "", kind: "Secret", name: "llm-api-keys" }], extractFrom: [{ headers: ["x-api-key"] }] },
        });
        expect(await outputValue(svc.url)).toBe("https://llm.example.com");
        expect(await outputValue(svc.internalUrl)).toBe("http://llm.ml.svc.cluster.local:8080");
    });

    it("checks JWTs against the issuer's keys, and waits out a cold start when scaled to zero", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: imageA },
                    scaling: { minReplicas: 0, maxReplicas: 2 },
                    exposure: { public: true, auth: AuthMode.Jwt, jwt: { issuer: "https://id.example.com/", jwksUri: "https://id.example.com/jwks.json", audiences: ["llm"] } },
                    kubernetes: { gateway: "infra/public" },
                    target: Target.Kubernetes,
                }),
        );
        expect(rt.one(POLICY).inputs.spec).toMatchObject({
            jwt: { providers: [{ name: "issuer", issuer: "https://id.example.com/", audiences: ["llm"], remoteJWKS: { uri: "https://id.example.com/jwks.json" } }] },
        });
        expect((rt.one(ROUTE).inputs.spec as Json).rules[0].timeouts).toEqual({ request: "900s" });
        expect((rt.one(DEPLOYMENT).inputs.spec as Json).replicas).toBe(0);
        expect(rt.ofType(SECRET)).toEqual([]);
        expect(await outputValue(svc.url)).toBe("http://llm.default.svc.cluster.local:8080");
        // At zero the startup probe's budget (the default 600 s), then the request: the HTTPRoute's 900 s is their sum.
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(600);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);
        expect(await outputValue(svc.endpointName)).toBe("http://llm.default.svc.cluster.local:8080");
    });

    it("splits a canary 90/10 with weighted backendRefs to per-version Services", async () => {
        await rt.construct(
            () =>
                new ModelService("llm", {
                    model: { image: imageA },
                    versions: [
                        { name: "stable", weight: 90 },
                        { name: "next", image: imageB, weight: 10 },
                    ],
                    scaling: { replicas: 4 },
                    kubernetes: { gateway: "infra/internal" },
                    target: Target.Kubernetes,
                }),
        );
        expect(
            rt
                .ofType(DEPLOYMENT)
                .map((d) => d.name)
                .sort(),
        ).toEqual(["llm-next", "llm-stable"]);
        for (const [version, image, replicas] of [
            ["stable", imageA, 4],
            ["next", imageB, 1],
        ] as const) {
            const deployment = rt.one(DEPLOYMENT, `llm-${version}`);
            const selector = { ...SELECTOR, "modelship.dev/version": version };
            expect(deployment.inputs.spec).toMatchObject({ replicas, selector: { matchLabels: selector } });
            expect(serverOf(deployment).image).toBe(image);
            expect(rt.one(PDB, `llm-${version}`).inputs.spec).toMatchObject({ selector: { matchLabels: selector } });
            expect(rt.one(SERVICE, `llm-${version}`).inputs.spec).toMatchObject({ selector });
        }
        expect(rt.one(SERVICE, "llm").inputs.spec).toMatchObject({ selector: SELECTOR });
        expect((rt.one(ROUTE).inputs.spec as Json).rules[0].backendRefs).toEqual([
            { group: "", kind: "Service", name: "llm-stable", port: 8080, weight: 90 },
            { group: "", kind: "Service", name: "llm-next", port: 8080, weight: 10 },
        ]);
        expect((rt.one(ROUTE).inputs.spec as Json).parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra", name: "internal" }]);
    });

    it("makes its own provider from a kubeconfig, kept secret, and creates every object with it", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", { model: { image: imageA }, kubernetes: { kubeconfig: "apiVersion: v1\nkind: Config" }, target: Target.Kubernetes }));
        const provider = rt.one("pulumi:providers:kubernetes", "llm-provider");
        expect(provider.secretInputs).toContain("kubeconfig");
        const objects = resources.filter((r) => r.type.startsWith("kubernetes:"));
        // ServiceAccount, Deployment, PodDisruptionBudget, Service, the PrometheusRule (an image of its own: no metrics path, no PodMonitor) and the dashboard ConfigMap.
        expect(objects.length).toBe(6);
        for (const r of objects) expect(r.options.provider).toBe(`${provider.urn}::llm-provider-id`);
    });

    it("changes only the Deployment's pod template when the model image changes", async () => {
        const args = (image: string): ModelServiceArgs => ({ ...gpuArgs, model: { image, port: 8000 }, exposure: { public: true, auth: AuthMode.None }, kubernetes: { gateway: "infra/public" } });
        const before = (await rt.construct(() => new ModelService("llm", args(imageA)))).resources.filter((r) => r.custom);
        const after = (await rt.construct(() => new ModelService("llm", args(imageB)))).resources.filter((r) => r.custom);
        expect(keys(after)).toEqual(keys(before));
        const changed = after.filter((r) => !isDeepStrictEqual(r.inputs, before.find((b) => b.urn === r.urn)?.inputs)).map((r) => `${r.type}::${r.name}`);
        expect(changed).toEqual([`${DEPLOYMENT}::llm`]);
        const [a, b] = [before, after].map((rs) => rs.find((r) => r.type === DEPLOYMENT) as ResourceRecord);
        expect({ ...a.inputs, spec: { ...(a.inputs.spec as Json), template: undefined } }).toEqual({ ...b.inputs, spec: { ...(b.inputs.spec as Json), template: undefined } });
        expect(serverOf(b).image).toBe(imageB);
    });

    const invalid: Array<[string, ModelServiceArgs, RegExp]> = [
        [
            "public without a gateway",
            { model: { image: imageA }, exposure: { public: true, auth: AuthMode.None }, target: Target.Kubernetes },
            /kubernetes\.gateway: received nothing \(the field is missing\); expected a Gateway as 'namespace\/name' for a public endpoint/,
        ],
        [
            "a canary without a gateway",
            {
                model: { image: imageA },
                versions: [
                    { name: "a", weight: 50 },
                    { name: "b", weight: 50 },
                ],
                target: Target.Kubernetes,
            },
            /kubernetes\.gateway: received nothing .*; expected a Gateway as 'namespace\/name' with versions: the gateway applies the traffic weights/,
        ],
        [
            "iam auth",
            { model: { image: imageA }, exposure: { public: true, auth: AuthMode.Iam }, kubernetes: { gateway: "infra/public" }, target: Target.Kubernetes },
            /exposure\.auth: received "iam"; expected "api-key" or "jwt" \(checked by Envoy Gateway\), or "none": Kubernetes has no cloud IAM/,
        ],
        [
            "weights that do not sum to 100",
            {
                model: { image: imageA },
                versions: [
                    { name: "a", weight: 80 },
                    { name: "b", weight: 10 },
                ],
                kubernetes: { gateway: "infra/public" },
                target: Target.Kubernetes,
            },
            /versions: received weights summing to 90; expected weights that sum to 100/,
        ],
        [
            "auth on a private service",
            { model: { image: imageA }, exposure: { auth: AuthMode.ApiKey }, target: Target.Kubernetes },
            /exposure\.auth: received "api-key"; expected "none" for a private service without versions: callers reach its ClusterIP Service directly/,
        ],
        [
            "api-key auth without keys",
            { model: { image: imageA }, exposure: { public: true, auth: AuthMode.ApiKey }, kubernetes: { gateway: "infra/public" }, target: Target.Kubernetes },
            /kubernetes\.apiKeys: received nothing .*; expected API keys \(client id to key, as Pulumi secrets\), or kubernetes\.apiKeySecret/,
        ],
        [
            "API keys with jwt auth",
            {
                model: { image: imageA },
                exposure: { public: true, auth: AuthMode.Jwt, jwt: { issuer: "https://id.example.com/", jwksUri: "https://id.example.com/k" } },
                kubernetes: { gateway: "infra/public", apiKeySecret: "keys" },
                target: Target.Kubernetes,
            },
            /kubernetes\.apiKeySecret: received "keys"; expected no API keys unless exposure\.auth is "api-key"/,
        ],
        [
            "a hostname without a route",
            { model: { image: imageA }, exposure: { hostname: "llm.example.com" }, target: Target.Kubernetes },
            /exposure\.hostname: received "llm\.example\.com"; expected no hostname for a private service without versions: it names the HTTPRoute's host, and no HTTPRoute is made/,
        ],
        [
            "a hostname that is a URL",
            { model: { image: imageA }, exposure: { public: true, auth: AuthMode.None, hostname: "https://llm.example.com" }, kubernetes: { gateway: "infra/public" }, target: Target.Kubernetes },
            /exposure\.hostname: received "https:\/\/llm\.example\.com"; expected a lowercase host name such as llm\.example\.com/,
        ],
        [
            "JWT settings without auth jwt",
            {
                model: { image: imageA },
                exposure: { public: true, auth: AuthMode.None, jwt: { issuer: "https://id.example.com/", jwksUri: "https://id.example.com/k" } },
                kubernetes: { gateway: "infra/public" },
                target: Target.Kubernetes,
            },
            /exposure\.jwt: received an object with issuer, jwksUri; expected no JWT settings without exposure\.auth "jwt"/,
        ],
        [
            "a gateway that is not namespace/name",
            { model: { image: imageA }, kubernetes: { gateway: "public" }, target: Target.Kubernetes },
            /kubernetes\.gateway: received "public"; expected a Gateway as 'namespace\/name'/,
        ],
    ];
    for (const [what, args, message] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                expect(() => new ModelService("bad", args)).toThrow(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

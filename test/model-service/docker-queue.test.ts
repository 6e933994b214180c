import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ScalingMode, ServingRuntime, Target } from "../../index";
import { consumerScript } from "../../components/model-service/queue/consumer-script";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const image = "registry.example.com/echo@sha256:" + "e".repeat(64);
const queued = (extra: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { image, port: 9000, readinessPath: "/ready" },
    scaling: { mode: ScalingMode.Queue, queue: { inferencePath: "/v1/predict" } },
    target: Target.Docker,
    ...extra,
});

const container = (name: string) => rt.one("docker:index/container:Container", name);
const urn = (type: string, name: string) => `urn:pulumi:dev::test::modelship:index:ModelService$${type}::${name}`;
const CONTAINER = "docker:index/container:Container";
const labels = [
    { label: "app.kubernetes.io/name", value: "echo" },
    { label: "app.kubernetes.io/instance", value: "echo" },
    { label: "app.kubernetes.io/component", value: "modelservice" },
    { label: "app.kubernetes.io/managed-by", value: "modelship" },
    { label: "modelship.dev/service", value: "echo" },
    { label: "modelship.dev/environment", value: "dev" },
    { label: "modelship.dev/team", value: "ml-platform" },
];
const logs = { logDriver: "json-file", logOpts: { "max-size": "20m", "max-file": "3" } };

describe("ModelService on docker in queue mode", () => {
    it("creates the queue network, Redis on its volume, the pod that holds the namespace, the server in it and the consumer", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("echo", queued()));
        expect(
            resources
                .filter((r) => r.custom)
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
        ).toEqual([
            `${CONTAINER} echo-consumer`,
            `${CONTAINER} echo-pod`,
            `${CONTAINER} echo-redis`,
            `${CONTAINER} echo-server`,
            "docker:index/network:Network echo-queue",
            "docker:index/remoteImage:RemoteImage echo-consumer-image",
            "docker:index/remoteImage:RemoteImage echo-image",
            "docker:index/remoteImage:RemoteImage echo-pod-image",
            "docker:index/remoteImage:RemoteImage echo-redis-image",
            "docker:index/volume:Volume echo-queue-data",
        ]);
        expect(rt.one("docker:index/network:Network").inputs).toEqual({ name: "echo-queue", driver: "bridge", labels });
        expect(rt.one("docker:index/volume:Volume").inputs).toEqual({ name: "echo-queue-data", labels });
        const images = Object.fromEntries(rt.ofType("docker:index/remoteImage:RemoteImage").map((r) => [r.name, r.inputs]));
        expect(images).toEqual({
            "echo-image": { name: image, keepLocally: true },
            "echo-redis-image": { name: "redis:7.4.11-alpine@sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf", keepLocally: true },
            "echo-pod-image": { name: "registry.k8s.io/pause:3.9@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097", keepLocally: true },
            "echo-consumer-image": { name: "docker.io/library/python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36", keepLocally: true },
        });
        const imageId = (name: string) => rt.one("docker:index/remoteImage:RemoteImage", name).outputs.imageId;

        const redis = container("echo-redis");
        expect(redis.inputs).toEqual({
            name: "echo-redis",
            image: imageId("echo-redis-image"),
            command: ["redis-server", "--appendonly", "yes", "--appendfsync", "everysec"],
            mounts: [{ type: "volume", source: "echo-queue-data", target: "/data" }],
            ports: [{ internal: 6379, external: 6379, ip: "127.0.0.1", protocol: "tcp" }],
            networksAdvanced: [{ name: "echo-queue" }],
            user: "redis:redis",
            readOnly: true,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            healthcheck: { tests: ["CMD", "redis-cli", "ping"], interval: "10s", timeout: "3s", retries: 3, startPeriod: "10s", startInterval: "1s" },
            wait: true,
            waitTimeout: 60,
            restart: "unless-stopped",
            ...logs,
            labels,
        });

        expect(container("echo-pod").inputs).toEqual({
            name: "echo-pod",
            image: imageId("echo-pod-image"),
            networksAdvanced: [{ name: "echo-queue" }],
            user: "65535:65535",
            readOnly: true,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            memory: 16,
            restart: "unless-stopped",
            ...logs,
            labels,
        });

        // The server joins the pod's namespace by its ID and publishes nothing: the queue is the way in.
        const server = container("echo-server");
        expect(server.inputs.networkMode).toBe("container:echo-pod-id");
        expect(server.inputs.ports).toBeUndefined();
        expect(server.inputs.networksAdvanced).toBeUndefined();
        expect((server.inputs.healthcheck as { tests: string[] }).tests[1]).toContain("http://127.0.0.1:9000/ready");

        const consumer = container("echo-consumer");
        expect(consumer.inputs).toEqual({
            name: "echo-consumer",
            image: imageId("echo-consumer-image"),
            command: ["python3", "/opt/modelship/consumer.py"],
            uploads: [{ file: "/opt/modelship/consumer.py", content: consumerScript() }],
            envs: [
                "QUEUE_BACKEND=redis",
                "REDIS_URL=redis://echo-redis:6379/0",
                "QUEUE=requests",
                "QUEUE_DEAD_LETTER=requests:dead-letter",
                "RESULT_URL=redis://echo-redis:6379/0/result:",
                "CONSUMER_NAME=echo-consumer",
                "MODEL_PORT=9000",
                "MODEL_PATH=/v1/predict",
                "MODEL_READINESS_PATH=/ready",
                "MODEL_READINESS_TIMEOUT=600",
                "REQUEST_TIMEOUT=900",
                "MAX_DELIVERIES=5",
                "CONCURRENCY=70",
                "VISIBILITY_TIMEOUT=60",
                "POLL_WAIT=5",
                "STOP_TIMEOUT=25",
                "PYTHONDONTWRITEBYTECODE=1",
            ],
            networkMode: "container:echo-pod-id",
            user: "65534:65534",
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            stopTimeout: 30,
            destroyGraceSeconds: 30,
            start: true,
            memory: 256,
            cpus: "0.5",
            restart: "unless-stopped",
            ...logs,
            labels,
        });
        // Started once the server is healthy (it waits on its health check) and Redis answers.
        expect(consumer.options.dependencies).toEqual(expect.arrayContaining([urn(CONTAINER, "echo-server"), urn(CONTAINER, "echo-redis"), urn(CONTAINER, "echo-pod")]));
        expect(server.options.dependencies).toContain(urn(CONTAINER, "echo-pod"));

        expect(await outputValue(svc.url)).toBe("redis://127.0.0.1:6379/0");
        expect(await outputValue(svc.internalUrl)).toBe("");
        // No HTTP endpoint; the consumer gives a request the queue's default 900 s.
        expect(await outputValue(svc.endpointName)).toBe("");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(900);
        expect(await outputValue(svc.queue)).toEqual({
            submitUrl: "redis://127.0.0.1:6379/0",
            inputLocation: "",
            outputLocation: "redis://127.0.0.1:6379/0/result:",
            failureLocation: "redis://127.0.0.1:6379/0/result:",
            successTopicArn: "",
            errorTopicArn: "",
            deadLetterQueue: "redis://127.0.0.1:6379/0/requests:dead-letter",
        });
        // The local engine: $0, each container a known zero.
        expect(await outputValue(svc.estimatedMonthlyCost)).toEqual({ min: 0, max: 0, knownMin: 0, knownMax: 0, known: true, basis: Array(4).fill("local Docker engine: no cloud charge") });
    });

    it("publishes the queue on the port given, and the outputs name it", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("echo", queued({ docker: { queueHostPort: 16379, restart: "on-failure" } })));
        expect(container("echo-redis").inputs.ports).toEqual([{ internal: 6379, external: 16379, ip: "127.0.0.1", protocol: "tcp" }]);
        // Inside the queue network Redis keeps its own port.
        expect(container("echo-consumer").inputs.envs).toContain("REDIS_URL=redis://echo-redis:6379/0");
        expect(["echo-redis", "echo-pod", "echo-server", "echo-consumer"].map((n) => container(n).inputs.restart)).toEqual(Array(4).fill("on-failure"));
        expect(await outputValue(svc.queue)).toMatchObject({ submitUrl: "redis://127.0.0.1:16379/0", deadLetterQueue: "redis://127.0.0.1:16379/0/requests:dead-letter" });
    });

    it("takes the runtime's inference path, the GPU's concurrency and the queue's settings", async () => {
        await rt.construct(
            () =>
                new ModelService("chat", {
                    model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Vllm, startupTimeoutSeconds: 900 },
                    resources: { gpu: { accelerator: Accelerator.L4 } },
                    scaling: { mode: ScalingMode.Queue, queue: { requestTimeoutSeconds: 120, maxDeliveries: 3 } },
                    target: Target.Docker,
                }),
        );
        const envs = rt.one(CONTAINER, "chat-consumer").inputs.envs as string[];
        expect(envs).toEqual(
            expect.arrayContaining([
                "MODEL_PORT=8000",
                "MODEL_PATH=/v1/chat/completions",
                "MODEL_READINESS_PATH=/health",
                "MODEL_READINESS_TIMEOUT=900",
                "REQUEST_TIMEOUT=120",
                "MAX_DELIVERIES=3",
                "CONCURRENCY=4",
            ]),
        );
        // The artifact is still fetched into the server's volume first; the server keeps its GPU.
        const server = rt.one(CONTAINER, "chat-server");
        expect(server.options.dependencies).toContain(urn(CONTAINER, "chat-fetch"));
        expect(server.inputs.deviceRequests).toEqual([{ driver: "nvidia", count: 1, capabilities: ["gpu"] }]);

        await rt.construct(() => new ModelService("echo", queued({ scaling: { mode: ScalingMode.Queue, queue: { inferencePath: "/v1/predict", concurrencyPerReplica: 3 } } })));
        expect(container("echo-consumer").inputs.envs).toContain("CONCURRENCY=3");
    });

    it("at zero replicas runs the queue and creates the server and the consumer stopped", async () => {
        await rt.construct(() => new ModelService("echo", queued({ scaling: { mode: ScalingMode.Queue, replicas: 0, queue: { inferencePath: "/v1/predict" } } })));
        expect(container("echo-server").inputs).toMatchObject({ start: false, wait: false });
        expect(container("echo-consumer").inputs.start).toBe(false);
        expect(container("echo-redis").inputs.start).toBeUndefined();
        expect(container("echo-pod").inputs.start).toBeUndefined();
    });

    it("creates nothing of the queue in HTTP mode", async () => {
        const { resources } = await rt.construct(() => new ModelService("echo", { model: { image }, target: Target.Docker }));
        expect(resources.filter((r) => r.custom).map((r) => r.name)).toEqual(["echo-image", "echo-server"]);
        expect(container("echo-server").inputs.ports).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(container("echo-server").inputs.networkMode).toBeUndefined();
    });

    const queue = (extra: Record<string, unknown>) => ({ mode: ScalingMode.Queue, queue: { inferencePath: "/v1/predict", ...extra } });
    const invalid: Array<[string, ModelServiceArgs, string]> = [
        [
            "a queue port without queue mode",
            { model: { image }, docker: { queueHostPort: 16379 }, target: Target.Docker },
            '  - docker.queueHostPort: received 16379; expected nothing without scaling.mode "queue" (an HTTP service has no queue)',
        ],
        [
            "a server port in queue mode",
            queued({ docker: { hostPort: 18080 } }),
            '  - docker.hostPort: received 18080; expected nothing with scaling.mode "queue": the server publishes no port, clients submit to the queue (docker.queueHostPort)',
        ],
        [
            "a public queue",
            queued({ exposure: { public: true, auth: AuthMode.None } }),
            '  - exposure.public: received true; expected false with scaling.mode "queue" on target docker: the queue (Redis) has no authentication, so it is published on 127.0.0.1 only',
        ],
        [
            "a retention, which a Redis stream does not have",
            queued({ scaling: queue({ retentionSeconds: 3600 }) }),
            "  - scaling.queue.retentionSeconds: received 3600; expected nothing on target docker: its Redis stream keeps every request until it is served (none expires, also while the server is stopped)",
        ],
        [
            "a result retention, which Redis keys do not have",
            queued({ scaling: queue({ resultRetentionDays: 3 }) }),
            "  - scaling.queue.resultRetentionDays: received 3; expected nothing on target docker: results stay in Redis until deleted (DEL result:<request-id>.json)",
        ],
        [
            "no inference path for a server without one",
            { model: { uri: "https://example.com/models/densenet161.mar", runtime: ServingRuntime.TorchServe }, scaling: { mode: ScalingMode.Queue }, target: Target.Docker },
            "  - scaling.queue.inferencePath: received nothing (the field is missing); expected the server path the queue consumer posts each request to on target docker: runtime torchserve has no single inference path (torchserve: /predictions/<model name>, triton: /v2/models/<model name>/infer, custom: your server's)",
        ],
        [
            "an inference path that is not a path",
            queued({ scaling: queue({ inferencePath: "v1/predict" }) }),
            '  - scaling.queue.inferencePath: received "v1/predict"; expected a path that starts with /, such as /v1/predict',
        ],
        ["a queue port out of range", queued({ docker: { queueHostPort: 70000 } }), "  - docker.queueHostPort: received 70000; expected a number <= 65535"],
        ["a queue port of 0", queued({ docker: { queueHostPort: 0 } }), "  - docker.queueHostPort: received 0; expected a number >= 1"],
        ["two replicas", queued({ scaling: { ...queue({}), minReplicas: 0, maxReplicas: 2 } }), "  - scaling: received up to 2 replicas; expected at most 1 replica on target docker (one container)"],
        [
            "autoscaling",
            queued({ scaling: { ...queue({}), minReplicas: 0, maxReplicas: 1, autoscaling: {} } }),
            "  - scaling.autoscaling: received an empty object; expected no autoscaling on target docker (one container and no autoscaler: use scaling.replicas 0 or 1)",
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

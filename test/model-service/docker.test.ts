import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform", "modelship:costCenter": "cc-1234" } });

const digest = "registry.example.com/fraud@sha256:" + "a".repeat(64);

describe("ModelService on docker", () => {
    it("runs an image with a health check, GPU request and a loopback port", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService("fraud", {
                    model: { image: digest, port: 9000, readinessPath: "/ready" },
                    resources: { cpu: 2, memoryGiB: 8, gpu: { count: 2, accelerator: Accelerator.L4 } },
                    env: { LOG_LEVEL: "info" },
                    secrets: { API_TOKEN: pulumi.secret("s3cr3t") },
                    target: Target.Docker,
                }),
        );
        const image = rt.one("docker:index/remoteImage:RemoteImage");
        expect(image.inputs).toEqual({ name: digest, keepLocally: true });

        const container = rt.one("docker:index/container:Container");
        expect(container.parent).toBe("urn:pulumi:dev::test::modelship:index:ModelService::fraud");
        expect(container.inputs.name).toBe("fraud");
        expect(container.inputs.ports).toEqual([{ internal: 9000, external: 9000, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(container.inputs.deviceRequests).toEqual([{ driver: "nvidia", count: 2, capabilities: ["gpu"] }]);
        expect(container.inputs.shmSize).toBe(2048);
        expect(container.inputs.memory).toBe(8192);
        expect(container.inputs.cpus).toBe("2");
        expect(container.inputs.restart).toBe("unless-stopped");
        expect(container.inputs.wait).toBe(true);
        expect(container.inputs.waitTimeout).toBe(600);
        const healthcheck = container.inputs.healthcheck as Record<string, unknown>;
        expect(healthcheck.tests).toEqual(["CMD-SHELL", expect.stringContaining("curl -fsS -o /dev/null http://127.0.0.1:9000/ready")]);
        expect(healthcheck.startPeriod).toBe("600s");
        expect(container.inputs.envs).toEqual(["LOG_LEVEL=info", "API_TOKEN=s3cr3t"]);
        expect(container.secretInputs).toContain("envs");
        expect(container.inputs.labels).toContainEqual({ label: "modelship.dev/team", value: "ml-platform" });

        expect(await outputValue(svc.url)).toBe("http://127.0.0.1:9000");
        // A gateway route takes the container's URL; the running container is warm; no timeout of its own: 300 s.
        expect(await outputValue(svc.endpointName)).toBe("http://127.0.0.1:9000");
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);
        expect(await outputValue(svc.estimatedMonthlyCost)).toEqual({ min: 0, max: 0, knownMin: 0, knownMax: 0, known: true, basis: ["local Docker engine: no cloud charge"] });
    });

    it("downloads an artifact with a one-shot container before the preset server starts", async () => {
        await rt.construct(
            () =>
                new ModelService("densenet", {
                    model: { uri: "https://example.com/models/densenet161.mar", runtime: ServingRuntime.TorchServe },
                    secrets: { HF_TOKEN: pulumi.secret("hf_s3cr3t") },
                    target: Target.Docker,
                }),
        );
        const fetch = rt.one("docker:index/container:Container", "densenet-fetch");
        expect(fetch.inputs.image).toBe("curlimages/curl:8.11.1");
        // The fetcher reads the secrets too (gated models, private buckets), kept secret in the state.
        expect(fetch.inputs.envs).toEqual(["HOME=/tmp", "HF_TOKEN=hf_s3cr3t"]);
        expect(fetch.secretInputs).toContain("envs");
        expect(fetch.inputs.attach).toBe(true);
        expect(fetch.inputs.mustRun).toBe(false);
        expect(fetch.inputs.command).toContain("/models/densenet161.mar");

        const server = rt.one("docker:index/container:Container", "densenet-server");
        expect(server.options.dependencies).toContain(fetch.urn);
        expect(server.inputs.mounts).toEqual([{ type: "volume", source: "densenet-models", target: "/models", readOnly: true }]);
        expect(server.inputs.entrypoints).toEqual(["torchserve"]);
        expect(server.inputs.command).toEqual(expect.arrayContaining(["--model-store", "/models", "--models", "all"]));
        expect(server.inputs.ports).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(rt.one("docker:index/remoteImage:RemoteImage").inputs.name).toBe("pytorch/torchserve:0.12.0-gpu");
    });

    it("serves a vLLM model under the name OpenAI clients send: the Hub id by default, else the service's name, or the name given", async () => {
        const command = (name: string) => rt.one("docker:index/container:Container", `${name}-server`).inputs.command;
        await rt.construct(() => new ModelService("chat", { model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm }, target: Target.Docker }));
        expect(command("chat")).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "Qwen/Qwen2.5-1.5B-Instruct"]);
        await rt.construct(() => new ModelService("chat", { model: { uri: "s3://models/qwen/", runtime: ServingRuntime.Vllm }, target: Target.Docker }));
        expect(command("chat")).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "chat"]);
        await rt.construct(
            () =>
                new ModelService("chat", {
                    model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Vllm, servedModelName: "assistant" },
                    args: ["--max-model-len", "8192"],
                    target: Target.Docker,
                }),
        );
        expect(command("chat")).toEqual(["--model", "/models", "--port", "8000", "--served-model-name", "assistant", "--max-model-len", "8192"]);
    });

    it("publishes on all interfaces only when public with auth none chosen explicitly", async () => {
        await rt.construct(
            () =>
                new ModelService("open", {
                    model: { image: digest },
                    exposure: { public: true, auth: AuthMode.None },
                    docker: { hostPort: 18080 },
                    target: Target.Docker,
                }),
        );
        expect(rt.one("docker:index/container:Container").inputs.ports).toEqual([{ internal: 8080, external: 18080, ip: "0.0.0.0", protocol: "tcp" }]);
    });

    const invalid: Array<[string, ModelServiceArgs, RegExp]> = [
        [
            "public without auth",
            { model: { image: digest }, exposure: { public: true }, target: Target.Docker },
            /exposure\.auth: received nothing \(the field is missing\); expected an auth mode for a public endpoint/,
        ],
        [
            "auth docker cannot enforce",
            { model: { image: digest }, exposure: { public: true, auth: AuthMode.ApiKey }, target: Target.Docker },
            /exposure\.auth: received "api-key"; expected "none" on target docker/,
        ],
        ["negative replicas", { model: { image: digest }, scaling: { replicas: -1 }, target: Target.Docker }, /scaling\.replicas: received -1; expected a number >= 0/],
        [
            "unsupported URI scheme",
            { model: { uri: "ftp://host/m.bin", runtime: ServingRuntime.Vllm }, target: Target.Docker },
            /model\.uri: received "ftp:\/\/host\/m\.bin"; expected a URI with one of the schemes s3:\/\/, gs:\/\/, https:\/\/, hf:\/\//,
        ],
        [
            "unknown accelerator",
            { model: { image: digest }, resources: { gpu: { accelerator: "a200" as Accelerator } }, target: Target.Docker },
            /resources\.gpu\.accelerator: received "a200"; expected one of "t4", "a10g", "l4"/,
        ],
        ["settings for another target", { model: { image: digest }, lambda: {}, target: Target.Docker }, /lambda: received an empty object; expected no lambda settings with target "docker"/],
        ["uri without runtime", { model: { uri: "s3://bucket/model" }, target: Target.Docker }, /model\.runtime: received nothing .*; expected a server preset/],
        [
            "a served model name for a server that takes none",
            { model: { uri: "hf://Qwen/Qwen2.5-1.5B-Instruct", runtime: ServingRuntime.Tgi, servedModelName: "chat" }, target: Target.Docker },
            /\n {2}- model\.servedModelName: received "chat"; expected nothing with runtime tgi: only vllm serves a model under a name of your choosing$/,
        ],
        [
            "a served model name that no preset would pass",
            { model: { image: digest, runtime: ServingRuntime.Vllm, servedModelName: "chat" }, target: Target.Docker },
            /\n {2}- model\.servedModelName: received "chat"; expected model\.uri with it: the preset names the model it serves from a URI \(with model\.image, pass --served-model-name in args\)$/,
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

    it("lists every problem in one error", () => {
        expect(() => new ModelService("bad", { model: { image: 42 as unknown as string, port: 0 }, scaling: { replicas: -2 }, target: "cloud" as Target })).toThrow(
            [
                'modelship:index:ModelService "bad": 4 invalid arguments:',
                "  - model.image: received 42; expected a value of type string",
                "  - model.port: received 0; expected a number >= 1",
                '  - target: received "cloud"; expected one of "kubernetes", "aws-sagemaker", "aws-lambda", "gcp-cloudrun", "docker"',
                "  - scaling.replicas: received -2; expected a number >= 0",
            ].join("\n"),
        );
    });
});

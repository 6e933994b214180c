import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PolyglotPipeline, StageLanguage, Target } from "../../index";
import { outputValue, useMockRuntime } from "../harness";
import { digest, fraudStages, json } from "./fixtures";

const rt = useMockRuntime({ config: { "modelship:team": "risk" } });

const PIPELINE = "urn:pulumi:dev::test::modelship:index:PolyglotPipeline::fraud";
const ROUTER_SCRIPT = fs.readFileSync(path.join(__dirname, "..", "..", "components", "polyglot-pipeline", "router", "router.mjs"), "utf8");

describe("PolyglotPipeline on docker", () => {
    it("deploys each stage as a ModelService child and chains them with the router container", async () => {
        const { value: pipeline, resources } = await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), target: Target.Docker }));

        const services = resources.filter((r) => r.type === "modelship:index:ModelService");
        // Registration order is not deterministic: compare as sets.
        expect(services.map((s) => [s.name, s.parent]).sort()).toEqual([
            ["fraud-decide", PIPELINE],
            ["fraud-features", PIPELINE],
            ["fraud-score", PIPELINE],
        ]);
        // The stage's arguments as ModelService receives them: the language preset applied, host ports after the router's.
        expect(rt.one("modelship:index:ModelService", "fraud-score").inputs).toEqual({
            model: { image: digest("registry.example.com/fraud/score"), runtime: "custom", port: 8000, readinessPath: "/health", startupTimeoutSeconds: 300 },
            target: "docker",
            docker: { hostPort: 8082 },
            env: { PYTHONUNBUFFERED: "1", UVICORN_HOST: "0.0.0.0", UVICORN_PORT: "8000" },
            tags: { pipeline: "fraud" },
        });
        expect(rt.one("docker:index/container:Container", "fraud-decide-server").inputs).toMatchObject({
            name: "fraud-decide",
            envs: ["JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError"],
            ports: [{ internal: 8080, external: 8083, ip: "127.0.0.1", protocol: "tcp" }],
        });
        expect(rt.one("docker:index/container:Container", "fraud-features-server").inputs.ports).toEqual([{ internal: 8000, external: 8081, ip: "127.0.0.1", protocol: "tcp" }]);

        expect(rt.one("docker:index/remoteImage:RemoteImage", "fraud-router-image").inputs).toEqual({ name: "node:22.23.3-alpine", keepLocally: true });
        const router = rt.one("docker:index/container:Container", "fraud-router");
        expect(router.parent).toBe(PIPELINE);
        expect(router.inputs).toMatchObject({
            name: "fraud-router",
            command: ["node", "/opt/modelship/router.mjs", "/opt/modelship/pipeline.json"],
            networkMode: "host",
            user: "node",
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            restart: "unless-stopped",
            wait: true,
        });
        expect(router.inputs.ports).toBeUndefined();
        expect((router.inputs.healthcheck as { tests: string[] }).tests).toEqual([
            "CMD",
            "node",
            "-e",
            "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ]);
        expect(router.inputs.labels).toContainEqual({ label: "modelship.dev/team", value: "risk" });
        // Starts after every stage's container answers its health check (a component dependency is its children).
        for (const stage of ["features", "score", "decide"]) expect(router.options.dependencies).toContain(rt.one("docker:index/container:Container", `fraud-${stage}-server`).urn);

        const [script, config] = router.inputs.uploads as { file: string; content: string }[];
        expect(script).toEqual({ file: "/opt/modelship/router.mjs", content: ROUTER_SCRIPT });
        expect(config.file).toBe("/opt/modelship/pipeline.json");
        expect(json(config.content)).toEqual({
            listen: { host: "127.0.0.1", port: 8080 },
            path: "/",
            maxBodyBytes: 10 * 1024 * 1024,
            requestTimeoutMs: 185_000,
            stages: [
                { name: "features", url: "http://127.0.0.1:8081/predict", after: [], timeoutMs: 60_000 },
                { name: "score", url: "http://127.0.0.1:8082/predict", after: ["features"], timeoutMs: 60_000 },
                { name: "decide", url: "http://127.0.0.1:8083/predict", after: ["score"], timeoutMs: 60_000 },
            ],
            final: "decide",
        });

        expect(await outputValue(pipeline.url)).toBe("http://127.0.0.1:8080/");
        expect(await outputValue(pipeline.orchestratorId)).toBe("fraud-router");
        // Containers never start for a request: no cold start; the router's timeout, three 60 s stages plus 5 s.
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(185);
        expect(await outputValue(pipeline.stageUrls)).toEqual({ features: "http://127.0.0.1:8081", score: "http://127.0.0.1:8082", decide: "http://127.0.0.1:8083" });
        expect(Object.keys(pipeline.stages)).toEqual(["features", "score", "decide"]);
        expect(Object.keys(pipeline.resources)).toEqual(["routerImage", "router"]);
        expect(await outputValue(pipeline.estimatedMonthlyCost)).toEqual({
            known: true,
            min: 0,
            max: 0,
            knownMin: 0,
            knownMax: 0,
            basis: [
                "stage features: local Docker engine: no cloud charge",
                "stage score: local Docker engine: no cloud charge",
                "stage decide: local Docker engine: no cloud charge",
                "orchestrator: local Docker engine: no cloud charge",
            ],
        });
    });

    it("passes stage settings through to ModelService: paths, timeouts, GPU, secrets, ports and fan-out", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("ens", {
                    stages: [
                        { name: "prep", language: StageLanguage.Python, image: digest("acme/prep"), path: "/v1/prep" },
                        { name: "gbm", language: StageLanguage.R, image: digest("acme/gbm"), docker: { hostPort: 9100 } },
                        {
                            name: "net",
                            language: StageLanguage.Julia,
                            image: digest("acme/net"),
                            after: ["prep"],
                            resources: { cpu: 3, memoryGiB: 8 },
                            secrets: { LICENSE: pulumi.secret("k") },
                            timeoutSeconds: 5,
                        },
                        { name: "blend", language: StageLanguage.Custom, image: digest("acme/blend"), after: ["gbm", "net"], port: 7000 },
                    ],
                    docker: { port: 9000, maxBodyMiB: 1 },
                    target: Target.Docker,
                }),
        );
        const net = rt.one("docker:index/container:Container", "ens-net-server");
        expect(net.inputs.envs).toEqual(["JULIA_NUM_THREADS=3", "LICENSE=k"]);
        expect(net.secretInputs).toContain("envs");
        expect(net.inputs.cpus).toBe("3");
        const config = json((rt.one("docker:index/container:Container", "ens-router").inputs.uploads as { content: string }[])[1].content) as Record<string, unknown>;
        expect(config).toMatchObject({ listen: { host: "127.0.0.1", port: 9000 }, maxBodyBytes: 1024 * 1024, requestTimeoutMs: 185_000 });
        expect(config.stages).toEqual([
            { name: "prep", url: "http://127.0.0.1:9001/v1/prep", after: [], timeoutMs: 60_000 },
            { name: "gbm", url: "http://127.0.0.1:9100/predict", after: ["prep"], timeoutMs: 60_000 },
            { name: "net", url: "http://127.0.0.1:9003/predict", after: ["prep"], timeoutMs: 5000 },
            { name: "blend", url: "http://127.0.0.1:9004/predict", after: ["gbm", "net"], timeoutMs: 60_000 },
        ]);
    });
});

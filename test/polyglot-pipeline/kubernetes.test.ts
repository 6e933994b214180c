import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, PolyglotPipeline, StageLanguage, Target } from "../../index";
import { outputValue, useMockRuntime } from "../harness";
import { digest, fraudStages } from "./fixtures";

const rt = useMockRuntime();

const PIPELINE = "urn:pulumi:dev::test::modelship:index:PolyglotPipeline::fraud";
const GRAPH = "kubernetes:serving.kserve.io/v1alpha1:InferenceGraph";

type Container = { name: string; env?: { name: string; value?: string }[]; resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } };
const serverOf = (deployment: string) => (rt.one("kubernetes:apps/v1:Deployment", deployment).inputs as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0];

describe("PolyglotPipeline on kubernetes", () => {
    it("chains the stage Deployments with a KServe InferenceGraph in raw deployment mode", async () => {
        const { value: pipeline } = await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), kubernetes: { namespace: "risk" }, target: Target.Kubernetes }));

        // Each stage is a ModelService: a Deployment, Service, ServiceAccount and PodDisruptionBudget in the pipeline's namespace.
        for (const stage of ["features", "score", "decide"]) {
            expect(rt.one("modelship:index:ModelService", `fraud-${stage}`).parent).toBe(PIPELINE);
            expect((rt.one("kubernetes:core/v1:Service", `fraud-${stage}`).inputs.metadata as { namespace: string }).namespace).toBe("risk");
        }
        expect(serverOf("fraud-decide").env).toContainEqual({ name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError" });

        const graph = rt.one(GRAPH);
        expect(graph.parent).toBe(PIPELINE);
        expect(graph.inputs).toEqual({
            apiVersion: "serving.kserve.io/v1alpha1",
            kind: "InferenceGraph",
            metadata: {
                name: "fraud",
                namespace: "risk",
                labels: expect.objectContaining({ "app.kubernetes.io/name": "fraud", "app.kubernetes.io/component": "polyglotpipeline", "app.kubernetes.io/managed-by": "modelship" }),
                annotations: { "serving.kserve.io/deploymentMode": "RawDeployment" },
            },
            spec: {
                nodes: {
                    root: {
                        routerType: "Sequence",
                        steps: [
                            { name: "features", serviceUrl: "http://fraud-features.risk.svc.cluster.local:8000/predict", dependency: "Hard" },
                            { name: "score", serviceUrl: "http://fraud-score.risk.svc.cluster.local:8000/predict", data: "$response", dependency: "Hard" },
                            { name: "decide", serviceUrl: "http://fraud-decide.risk.svc.cluster.local:8080/predict", data: "$response", dependency: "Hard" },
                        ],
                    },
                },
                resources: { requests: { cpu: "0.5", memory: "256Mi" }, limits: { memory: "256Mi" } },
                minReplicas: 1,
                maxReplicas: 3,
                timeout: 180,
                routerTimeouts: { serviceClient: 60, serverWrite: 190 },
            },
        });
        // The graph is created once the stages exist (a component dependency is its children).
        expect(graph.options.dependencies).toContain(rt.one("kubernetes:apps/v1:Deployment", "fraud-decide").urn);

        expect(await outputValue(pipeline.url)).toBe("http://fraud.risk.svc.cluster.local");
        expect(await outputValue(pipeline.orchestratorId)).toBe("risk/fraud");
        // Every stage keeps a replica: no cold start; the graph's timeout is the three 60 s stages.
        expect((graph.inputs.spec as { timeout: number }).timeout).toBe(180);
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(180);
        expect(await outputValue(pipeline.stageUrls)).toEqual({
            features: "http://fraud-features.risk.svc.cluster.local:8000",
            score: "http://fraud-score.risk.svc.cluster.local:8000",
            decide: "http://fraud-decide.risk.svc.cluster.local:8080",
        });
        expect(pipeline.resources.inferenceGraph).toBeDefined();
        expect(pipeline.stages.decide.constructor.name).toBe("ModelService");
    });

    it("adds up the cold starts of the stages that scale to zero on Knative, one after the other", async () => {
        const atZero = { scaling: { minReplicas: 0, maxReplicas: 2, autoscaling: {} }, kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Knative } } };
        const [features, score, decide] = fraudStages();
        const { value: pipeline } = await rt.construct(
            () => new PolyglotPipeline("fraud", { stages: [{ ...features, ...atZero }, { ...score, ...atZero }, decide], kubernetes: { namespace: "risk" }, target: Target.Kubernetes }),
        );
        // R and Python start within 300 s each, plus Knative's 600 s for a node and the image; the JVM stage stays warm.
        expect(await outputValue(pipeline.stages.features.coldStartBudgetSeconds)).toBe(900);
        expect(await outputValue(pipeline.stages.decide.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(1800);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(180);
    });

    it("fans out with an Ensemble node whose merged answer is keyed by stage name, with a GPU stage", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("ens", {
                    stages: [
                        { name: "prep", language: StageLanguage.Python, image: digest("acme/prep") },
                        { name: "gbm", language: StageLanguage.R, image: digest("acme/gbm") },
                        { name: "net", language: StageLanguage.Python, image: digest("acme/net"), after: ["prep"], resources: { gpu: { accelerator: Accelerator.L4 } }, timeoutSeconds: 30 },
                        { name: "blend", language: StageLanguage.Jvm, image: digest("acme/blend"), after: ["gbm", "net"] },
                    ],
                    kubernetes: { routerCpu: 1, routerMemoryMiB: 512, routerMinReplicas: 2, routerMaxReplicas: 4 },
                    target: Target.Kubernetes,
                }),
        );
        const spec = rt.one(GRAPH).inputs.spec as Record<string, unknown>;
        expect(spec.nodes).toEqual({
            root: {
                routerType: "Sequence",
                steps: [
                    { name: "prep", serviceUrl: "http://ens-prep.default.svc.cluster.local:8000/predict", dependency: "Hard" },
                    { name: "wave-2", nodeName: "wave-2", data: "$response", dependency: "Hard" },
                    { name: "blend", serviceUrl: "http://ens-blend.default.svc.cluster.local:8080/predict", data: "$response", dependency: "Hard" },
                ],
            },
            "wave-2": {
                routerType: "Ensemble",
                steps: [
                    { name: "gbm", serviceUrl: "http://ens-gbm.default.svc.cluster.local:8000/predict", dependency: "Hard" },
                    { name: "net", serviceUrl: "http://ens-net.default.svc.cluster.local:8000/predict", dependency: "Hard" },
                ],
            },
        });
        expect(spec).toMatchObject({ resources: { requests: { cpu: "1", memory: "512Mi" } }, minReplicas: 2, maxReplicas: 4, timeout: 180, routerTimeouts: { serviceClient: 60, serverWrite: 190 } });
        expect(serverOf("ens-net").resources?.limits).toMatchObject({ "nvidia.com/gpu": "1" });
    });

    it("keeps each default for a setting given as undefined, on the pipeline and on a stage", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: [{ name: "net", language: StageLanguage.Python, image: digest("acme/net"), kubernetes: { namespace: undefined } }],
                    kubernetes: { namespace: "risk", routerCpu: undefined, routerMemoryMiB: undefined, routerMinReplicas: undefined, routerMaxReplicas: undefined },
                    target: Target.Kubernetes,
                }),
        );
        const spec = rt.one(GRAPH).inputs.spec as Record<string, unknown>;
        expect(spec).toMatchObject({ resources: { requests: { cpu: "0.5", memory: "256Mi" }, limits: { memory: "256Mi" } }, minReplicas: 1, maxReplicas: 3 });
        // The stage's namespace given as undefined is the pipeline's, not ModelService's own default.
        expect((rt.one("kubernetes:apps/v1:Deployment", "fraud-net").inputs.metadata as { namespace: string }).namespace).toBe("risk");
    });

    it("sets a Julia stage's threads from its CPUs as ModelService sizes them: 4 per GPU without resources.cpu", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: [{ name: "net", language: StageLanguage.Julia, image: digest("acme/net"), resources: { gpu: { accelerator: Accelerator.L4, count: 2 } } }],
                    target: Target.Kubernetes,
                }),
        );
        expect(serverOf("fraud-net").env).toContainEqual({ name: "JULIA_NUM_THREADS", value: "8" });
        expect(serverOf("fraud-net").resources).toMatchObject({ requests: { cpu: "8" }, limits: { "nvidia.com/gpu": "2" } });
    });

    it("makes one provider from the kubeconfig and gives it to every stage and the graph", async () => {
        await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), kubernetes: { kubeconfig: pulumi.secret("apiVersion: v1") }, target: Target.Kubernetes }));
        const provider = rt.one("pulumi:providers:kubernetes");
        expect(provider.parent).toBe(PIPELINE);
        expect(provider.secretInputs).toContain("kubeconfig");
        const providerRef = `${provider.urn}::${provider.urn.split("::").pop()}-id`;
        expect(rt.one(GRAPH).options.provider).toBe(providerRef);
        for (const stage of ["features", "score", "decide"]) expect(rt.one("kubernetes:apps/v1:Deployment", `fraud-${stage}`).options.provider).toBe(providerRef);
    });

    it("estimates the stages' pods; the graph's CPU-only router adds nothing", async () => {
        const { value: pipeline } = await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), target: Target.Kubernetes }));
        const estimate = await outputValue(pipeline.estimatedMonthlyCost);
        expect(estimate).toMatchObject({ known: true, min: 0, max: 0 });
    });
});

/** Bad pipelines get one clear error listing every problem, before anything is registered. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, PipelineStageArgs, PolyglotPipeline, PolyglotPipelineArgs, ScalingMode, StageLanguage, Target } from "../../index";
import { useMockRuntime } from "../harness";
import { digest, ecr, fraudStages } from "./fixtures";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const stage = (name: string, extra: Partial<PipelineStageArgs> = {}): PipelineStageArgs => ({ name, language: StageLanguage.Python, image: digest(`acme/${name}`), ...extra });

const invalid: Array<[string, PolyglotPipelineArgs, string[]]> = [
    ["an empty pipeline", { stages: [], target: Target.Docker }, ["stages: received an empty array; expected at least one stage"]],
    [
        "duplicate stage names",
        { stages: [stage("prep"), stage("score"), stage("prep")], target: Target.Docker },
        ['stages[2].name: received "prep"; expected a name no other stage has (stages[0] is named "prep")'],
    ],
    [
        "a reference to no stage",
        { stages: [stage("prep"), stage("score", { after: ["perp"] })], target: Target.Docker },
        ['stages[1].after[0]: received "perp"; expected the name of a stage of this pipeline (prep, score)'],
    ],
    [
        "a cycle",
        { stages: [stage("a", { after: ["c"] }), stage("b"), stage("c")], target: Target.Docker },
        ["stages[0].after: received a cycle a -> b -> c -> a; expected a flow without cycles (a stage cannot take, even indirectly, its own response)"],
    ],
    [
        "a stage after itself",
        { stages: [stage("a", { after: ["a"] })], target: Target.Docker },
        ["stages[0].after: received a cycle a -> a; expected a flow without cycles (a stage cannot take, even indirectly, its own response)"],
    ],
    [
        "two final stages",
        { stages: [stage("prep"), stage("gbm"), stage("net", { after: ["prep"] })], target: Target.Docker },
        [
            'stages: received 2 final stages (gbm, net: no stage takes their responses); expected exactly one final stage, whose response is the pipeline\'s (add a stage with after: ["gbm", "net"] to merge them)',
        ],
    ],
    [
        "a python image on a jvm stage",
        { stages: [{ name: "decide", language: StageLanguage.Jvm, image: "docker.io/library/python:3.12-slim" }], target: Target.Docker },
        [
            'stages[0].image: received "docker.io/library/python:3.12-slim"; expected an image for language "jvm" (the name points to a python runtime): set language to "python", or "custom" for an image that runs several',
        ],
    ],
    [
        "an R image on a python stage",
        { stages: [{ name: "score", language: StageLanguage.Python, image: "rocker/r-ver:4.4.2" }], target: Target.Docker },
        ['stages[0].image: received "rocker/r-ver:4.4.2"; expected an image for language "python" (the name points to a r runtime): set language to "r", or "custom" for an image that runs several'],
    ],
    [
        "a bad stage name and an unknown field",
        { stages: [{ ...stage("x"), name: "Score_1", replicas: 2 } as PipelineStageArgs], target: Target.Docker },
        [
            `stages[0].name: received "Score_1"; expected a name of 1 to 30 lowercase letters, digits and '-', starting with a letter`,
            "stages[0].replicas: received 2; expected no such field (fields of stages[0]: docs/reference.md#polyglotpipeline-stages)",
        ],
    ],
    [
        "orchestrator settings of another target",
        { stages: [stage("a")], stepFunctions: { httpApi: false }, target: Target.Docker },
        ['stepFunctions: received an object with httpApi; expected no stepFunctions settings with target "docker" (they apply to target "aws-lambda" or "aws-sagemaker")'],
    ],
    [
        "a stage on another orchestrator's target",
        { stages: [stage("a", { target: Target.GcpCloudRun })], target: Target.Kubernetes },
        ['stages[0].target: received "gcp-cloudrun"; expected "kubernetes" in a pipeline on "kubernetes" (one orchestrator calls every stage)'],
    ],
    [
        "a stage problem ModelService finds: a GPU on Lambda",
        { stages: [stage("embed", { image: ecr("embed"), resources: { gpu: { accelerator: Accelerator.L4 } } })], target: Target.AwsLambda },
        [
            "stages[0].resources.gpu: received an object with accelerator; expected no GPU on target aws-lambda (Lambda has no GPUs; use aws-sagemaker, gcp-cloudrun or kubernetes)",
            // ModelService sizes a GPU replica with 16 GiB, more than a function can have: its own second finding.
            "stages[0].resources.memoryGiB: received 16; expected 128 MB to 10240 MB (0.125 to 10 GiB) on target aws-lambda",
        ],
    ],
    [
        "ModelService's schema errors at the stage's path",
        { stages: [stage("a", { scaling: { replicas: -1 }, resources: { cpu: 0 } })], target: Target.Docker },
        ["stages[0].resources.cpu: received 0; expected a number > 0", "stages[0].scaling.replicas: received -1; expected a number >= 0"],
    ],
    [
        "a stage's autoscaling block ModelService refuses: a fixed count and no maximum",
        { stages: [stage("a", { scaling: { replicas: 2, autoscaling: {} } })], target: Target.Kubernetes },
        [
            "stages[0].scaling.replicas: received 2; expected minReplicas and maxReplicas with scaling.autoscaling (a fixed count leaves nothing to scale)",
            "stages[0].scaling.maxReplicas: received nothing (the field is missing); expected the autoscaler's upper bound with scaling.autoscaling",
        ],
    ],
    [
        "a queue-mode stage, which would answer later by id",
        { stages: [stage("a", { image: ecr("a"), scaling: { mode: ScalingMode.Queue, minReplicas: 0, maxReplicas: 2 } })], target: Target.AwsSageMaker },
        ['stages[0].scaling.mode: received "queue"; expected "http" in a pipeline stage: the pipeline calls each stage and waits for its answer, and a queue-mode service answers later, by id'],
    ],
    [
        "a stage's autoscaling block on docker",
        { stages: [stage("a", { scaling: { minReplicas: 0, maxReplicas: 1, autoscaling: { metricTarget: 4 } } })], target: Target.Docker },
        ["stages[0].scaling.autoscaling: received an object with metricTarget; expected no autoscaling on target docker (one container and no autoscaler: use scaling.replicas 0 or 1)"],
    ],
    [
        "a stage's autoscaling block with a bad value",
        { stages: [stage("a", { image: ecr("a"), scaling: { minReplicas: 0, maxReplicas: 4, autoscaling: { metricTarget: 0 } } })], target: Target.AwsLambda },
        ["stages[0].scaling.autoscaling.metricTarget: received 0; expected a number > 0"],
    ],
    [
        "target settings of another target on a stage",
        { stages: [stage("a", { lambda: { timeoutSeconds: 30 } })], target: Target.Docker },
        ['stages[0].lambda: received an object with timeoutSeconds; expected no lambda settings with target "docker" (they apply to target "aws-lambda")'],
    ],
    [
        "a host port taken by the router",
        { stages: [stage("a", { docker: { hostPort: 8080 } }), stage("b", { docker: { hostPort: 8080 } })], target: Target.Docker },
        [
            "stages[0].docker.hostPort: received 8080; expected a host port that no other stage or the router uses (the router (docker.port) listens on 8080)",
            'stages[1].docker.hostPort: received 8080; expected a host port that no other stage or the router uses (stage "a" listens on 8080)',
        ],
    ],
    [
        "a stage named like the router's container",
        { stages: [stage("router")], target: Target.Docker },
        ['stages[0].name: received "router"; expected a name other than "router" on target docker (the router\'s container is named bad-router)'],
    ],
    [
        "a SageMaker stage off its contract",
        { stages: [stage("a", { image: ecr("a"), target: Target.AwsSageMaker, path: "/predict", timeoutSeconds: 90 })], target: Target.AwsLambda },
        [
            'stages[0].path: received "/predict"; expected /invocations on target aws-sagemaker (InvokeEndpoint always posts there)',
            "stages[0].timeoutSeconds: received 90; expected at most 60 on target aws-sagemaker (a real-time endpoint must answer within 60 s)",
        ],
    ],
    [
        "a Lambda stage timeout beyond Lambda's",
        { stages: [stage("a", { image: ecr("a"), timeoutSeconds: 1000 })], target: Target.AwsLambda },
        ["stages[0].timeoutSeconds: received 1000; expected at most 900 on target aws-lambda (Lambda's longest function timeout)"],
    ],
    [
        "a function timeout shorter than the stage's",
        { stages: [stage("a", { image: ecr("a"), timeoutSeconds: 120, lambda: { timeoutSeconds: 60 } })], target: Target.AwsLambda },
        ["stages[0].lambda.timeoutSeconds: received 60; expected at least the stage's timeoutSeconds (120): the function would be stopped before the pipeline gives up on it"],
    ],
    [
        "a path longer than an Express execution",
        { stages: [stage("a", { image: ecr("a"), timeoutSeconds: 200 }), stage("b", { image: ecr("b"), timeoutSeconds: 200 })], target: Target.AwsLambda },
        [
            "stages: received stage timeouts adding up to 400 s along the slowest path; expected at most 300 s on AWS: an Express execution runs for 5 minutes at most (lower the stages' timeoutSeconds)",
        ],
    ],
    [
        "a flow KServe's InferenceGraph cannot express",
        { stages: [stage("prep"), stage("gbm"), stage("net", { after: ["prep"] }), stage("blend", { after: ["gbm"] }), stage("out", { after: ["blend", "net"] })], target: Target.Kubernetes },
        [
            "stages[3].after: received an array of 1; expected every stage of the wave before it (gbm, net) on target kubernetes: a KServe InferenceGraph step takes the whole response of the step before it",
            "stages[4].after: received an array of 2; expected every stage of the wave before it (blend) on target kubernetes: a KServe InferenceGraph step takes the whole response of the step before it",
        ],
    ],
    [
        "a namespace and a router replica count Kubernetes or any real deployment would refuse",
        { stages: [stage("a")], kubernetes: { namespace: "Fraud_NS", routerMaxReplicas: 20_000 }, target: Target.Kubernetes },
        [
            `kubernetes.namespace: received "Fraud_NS"; expected a namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label, as the Kubernetes API server requires)`,
            "kubernetes.routerMaxReplicas: received 20000; expected a number <= 10000",
        ],
    ],
    [
        "a stage's own namespace the API server would refuse (ModelService's check, at the stage's path)",
        { stages: [stage("a", { kubernetes: { namespace: "Fraud NS" } })], target: Target.Kubernetes },
        [
            `stages[0].kubernetes.namespace: received "Fraud NS"; expected a namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label, as the Kubernetes API server requires)`,
        ],
    ],
    [
        "a GPU stage placed on the nodes of another accelerator",
        { stages: [stage("score", { resources: { gpu: { accelerator: Accelerator.L4 } }, kubernetes: { nodeSelector: { "modelship.dev/accelerator": "t4" } } })], target: Target.Kubernetes },
        [
            'stages[0].kubernetes.nodeSelector.modelship.dev/accelerator: received "t4"; expected "l4", the value that names NVIDIA L4 (resources.gpu.accelerator is "l4"; ' +
                "this selector places the pods on NVIDIA T4 nodes): use the placement of a pool of l4, or set resources.gpu.accelerator to the pool's accelerator",
        ],
    ],
];

describe("PolyglotPipeline argument validation", () => {
    for (const [what, args, problems] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                const count = problems.length === 1 ? "1 invalid argument" : `${problems.length} invalid arguments`;
                expect(() => new PolyglotPipeline("bad", args)).toThrow([`modelship:index:PolyglotPipeline "bad": ${count}:`, ...problems.map((p) => `  - ${p}`)].join("\n"));
            });
            expect(resources).toEqual([]);
        });
    }

    it("accepts images whose name tells nothing, or names the stage's own runtime among others", async () => {
        const { resources } = await rt.construct(
            () =>
                new PolyglotPipeline("ok", {
                    stages: [
                        { name: "a", language: StageLanguage.Jvm, image: "registry.example.com/acme/decide:1.4" },
                        { name: "b", language: StageLanguage.Python, image: "ghcr.io/acme/rpy2-python-r:2" },
                        // The same image for an R stage: it names both runtimes, and is accepted for each.
                        { name: "e", language: StageLanguage.R, image: "ghcr.io/acme/rpy2-python-r:2" },
                        { name: "c", language: StageLanguage.Custom, image: "python:3.12" },
                        { name: "d", language: StageLanguage.R, image: pulumi.output("python:3.12") },
                    ],
                    target: Target.Docker,
                }),
        );
        expect(
            resources
                .filter((r) => r.type === "modelship:index:ModelService")
                .map((r) => r.name)
                .sort(),
        ).toEqual(["ok-a", "ok-b", "ok-c", "ok-d", "ok-e"]);
    });

    it("accepts a flow KServe can express: fan-out from the request, then a merge", async () => {
        const { resources } = await rt.construct(
            () => new PolyglotPipeline("ok", { stages: [stage("gbm"), stage("net", { after: [] }), stage("blend", { after: ["gbm", "net"] })], target: Target.Kubernetes }),
        );
        expect(resources.some((r) => r.type === "kubernetes:serving.kserve.io/v1alpha1:InferenceGraph")).toBe(true);
    });

    it("rejects a pipeline name KServe would refuse for its InferenceGraph, on kubernetes", async () => {
        const { resources } = await rt.construct(() =>
            expect(() => new PolyglotPipeline("Fraud", { stages: [stage("a")], target: Target.Kubernetes })).toThrow(
                'modelship:index:PolyglotPipeline "Fraud": 1 invalid argument:\n' +
                    '  - name: received "Fraud"; expected a name Kubernetes accepts as given, since it names the KServe InferenceGraph, its Deployment and Service, ' +
                    "and (with a '-' and the stage's name) each stage's objects: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, such as \"fraud\"",
            ),
        );
        expect(resources).toEqual([]);
    });

    it("rejects a stage name that takes its ModelService's Kubernetes names past 63 characters", async () => {
        const pipeline = "f".repeat(40);
        const { resources } = await rt.construct(() =>
            expect(() => new PolyglotPipeline(pipeline, { stages: [stage("features-and-more-words")], target: Target.Kubernetes })).toThrow(
                `modelship:index:PolyglotPipeline "${pipeline}": 1 invalid argument:\n` +
                    `  - stages[0].name: received "features-and-more-words"; expected a stage name that keeps its ModelService's name, "${pipeline}-features-and-more-words" (the pipeline's name, '-', the stage's), ` +
                    `within Kubernetes' rules: at most 63 characters: the ServiceAccount, Service, Deployment and PodDisruptionBudget would be named "${pipeline}-features-and-more-words", 64 characters, over Kubernetes' limit of 63`,
            ),
        );
        expect(resources).toEqual([]);
    });

    it("lists every problem of every stage in one error", () => {
        const stages = fraudStages();
        stages[1] = { ...stages[1], port: 0 };
        stages[2] = { ...stages[2], language: "scala" as StageLanguage };
        expect(() => new PolyglotPipeline("bad", { stages, target: "cloud" as Target })).toThrow(
            [
                'modelship:index:PolyglotPipeline "bad": 3 invalid arguments:',
                "  - stages[1].port: received 0; expected a number >= 1",
                '  - stages[2].language: received "scala"; expected one of "r", "python", "jvm", "julia", "custom"',
                '  - target: received "cloud"; expected one of "kubernetes", "aws-sagemaker", "aws-lambda", "gcp-cloudrun", "docker"',
            ].join("\n"),
        );
    });
});

import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { PolyglotPipeline, StageLanguage, Target } from "../../index";
import { outputValue, useMockRuntime } from "../harness";
import { digest, fraudStages } from "./fixtures";

const rt = useMockRuntime({ config: { "gcp:project": "ml-prod", "gcp:region": "europe-west1" } });

const PIPELINE = "urn:pulumi:dev::test::modelship:index:PolyglotPipeline::fraud";
const SA = "serviceAccount:fraud-pipeline@ml-prod.iam.gserviceaccount.com";
const runUrl = (stage: string) => rt.one("gcp:cloudrunv2/service:Service", `fraud-${stage}-service`).outputs.uri as string;

type Steps = Record<string, Record<string, unknown>>[];

describe("PolyglotPipeline on GCP (Workflows over Cloud Run)", () => {
    it("calls private Cloud Run stages from a workflow with its own service account and OIDC tokens", async () => {
        const { value: pipeline } = await rt.construct(() => new PolyglotPipeline("fraud", { stages: fraudStages(), target: Target.GcpCloudRun }));

        // The stages stay private; the R stage serves one request at a time; timeouts follow the stage's.
        const features = rt.one("gcp:cloudrunv2/service:Service", "fraud-features-service");
        expect(features.inputs).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", template: { maxInstanceRequestConcurrency: 1, timeout: "60s" } });
        expect(rt.one("gcp:cloudrunv2/service:Service", "fraud-score-service").inputs).toMatchObject({ template: { maxInstanceRequestConcurrency: 80 } });
        expect(rt.ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember").map((m) => m.inputs.member)).toEqual([SA, SA, SA]);

        expect(rt.one("gcp:serviceaccount/account:Account", "fraud-workflow-sa").inputs).toMatchObject({ accountId: "fraud-pipeline" });
        expect(rt.one("gcp:projects/iAMMember:IAMMember").inputs).toEqual({ project: "ml-prod", role: "roles/logging.logWriter", member: SA });
        for (const stage of ["features", "score", "decide"]) {
            expect(rt.one("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", `fraud-invoke-${stage}`).inputs).toEqual({
                project: "ml-prod",
                location: "europe-west1",
                name: `fraud-${stage}`,
                role: "roles/run.invoker",
                member: SA,
            });
        }

        const workflow = rt.one("gcp:workflows/workflow:Workflow");
        expect(workflow.parent).toBe(PIPELINE);
        expect(workflow.inputs).toMatchObject({
            name: "fraud",
            region: "europe-west1",
            serviceAccount: "fraud-pipeline@ml-prod.iam.gserviceaccount.com",
            callLogLevel: "LOG_ERRORS_ONLY",
            deletionProtection: false,
            labels: { service: "fraud", "managed-by": "modelship", environment: "dev" },
        });
        // The first execution must be allowed to call every stage.
        for (const stage of ["features", "score", "decide"]) {
            expect(workflow.options.dependencies).toContain(rt.one("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", `fraud-invoke-${stage}`).urn);
        }

        const source = workflow.inputs.sourceContents as string;
        expect(source.split("\n")[0]).toBe("# modelship PolyglotPipeline fraud: features, score, decide");
        const main = (YAML.parse(source) as { main: { params: string[]; steps: Steps } }).main;
        expect(main.params).toEqual(["request"]);
        expect(main.steps.map((s) => Object.keys(s)[0])).toEqual(["start", "call_features", "keep_features", "call_score", "keep_score", "call_decide", "keep_decide", "done"]);
        expect(main.steps[0].start).toEqual({ assign: [{ requestId: '${sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")}' }, { results: {} }] });
        expect(main.steps[3].call_score).toEqual({
            try: {
                call: "http.post",
                args: {
                    url: `${runUrl("score")}/predict`,
                    auth: { type: "OIDC", audience: runUrl("score") },
                    headers: { "Content-Type": "application/json", Accept: "application/json", "X-Request-Id": "${requestId}" },
                    body: '${results["features"]}',
                    timeout: 60,
                },
                result: "response_score",
            },
            except: {
                as: "e",
                steps: [
                    {
                        classify_score: {
                            switch: [
                                {
                                    condition: '${"HttpError" in e.tags}',
                                    steps: [{ failed_score: { raise: { error: "StageFailed", stage: "score", status: "${e.code}", detail: "${e.body}", requestId: "${requestId}" } } }],
                                },
                                {
                                    condition: '${"TimeoutError" in e.tags}',
                                    steps: [{ timed_out_score: { raise: { error: "StageTimeout", stage: "score", timeoutSeconds: 60, requestId: "${requestId}" } } }],
                                },
                            ],
                        },
                    },
                    { unreachable_score: { raise: { error: "StageUnreachable", stage: "score", message: "${e.message}", requestId: "${requestId}" } } },
                ],
            },
        });
        expect((main.steps[1].call_features as { try: { args: { body: string } } }).try.args.body).toBe("${request}");
        expect(main.steps[4].keep_score).toEqual({ assign: [{ 'results["score"]': "${response_score.body}" }] });
        expect(main.steps[7].done).toEqual({ return: '${results["decide"]}' });

        expect(await outputValue(pipeline.url)).toBe("https://workflowexecutions.googleapis.com/v1/projects/ml-prod/locations/europe-west1/workflows/fraud/executions");
        expect(await outputValue(pipeline.orchestratorId)).toBe("fraud-workflow-id");
        // Each stage keeps an instance (minReplicas defaults to 1); each call times out after its stage's 60 s.
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(180);
        expect(await outputValue(pipeline.stageUrls)).toEqual({ features: runUrl("features"), score: runUrl("score"), decide: runUrl("decide") });
        const estimate = await outputValue(pipeline.estimatedMonthlyCost);
        expect(estimate.known).toBe(false);
        expect(estimate.basis).toContain("orchestrator: Workflows steps and external HTTP calls: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)");
    });

    it("adds up the startup probes of stages at zero instances along the flow", async () => {
        const stages = fraudStages().map((stage) => ({ ...stage, scaling: { minReplicas: 0, maxReplicas: 2 } }));
        const { value: pipeline } = await rt.construct(() => new PolyglotPipeline("fraud", { stages, target: Target.GcpCloudRun }));
        // R and Python start within their presets' 300 s, the JVM within Cloud Run's longest probe, 480 s.
        expect(await outputValue(pipeline.stages.decide.coldStartBudgetSeconds)).toBe(480);
        expect(await outputValue(pipeline.coldStartBudgetSeconds)).toBe(1080);
        expect(await outputValue(pipeline.requestTimeoutSeconds)).toBe(180);
    });

    it("runs a wave of stages as parallel branches writing the shared results, with the region and logging asked for", async () => {
        await rt.construct(
            () =>
                new PolyglotPipeline("fraud", {
                    stages: [
                        { name: "gbm-r", language: StageLanguage.R, image: digest("acme/gbm") },
                        { name: "net", language: StageLanguage.Python, image: digest("acme/net"), after: [], timeoutSeconds: 900 },
                        { name: "blend", language: StageLanguage.Jvm, image: digest("acme/blend"), after: ["gbm-r", "net"] },
                    ],
                    workflows: { region: "us-east4", callLogLevel: "LOG_ALL_CALLS" },
                    target: Target.GcpCloudRun,
                }),
        );
        const workflow = rt.one("gcp:workflows/workflow:Workflow");
        expect(workflow.inputs).toMatchObject({ region: "us-east4", callLogLevel: "LOG_ALL_CALLS" });
        expect(rt.one("gcp:cloudrunv2/service:Service", "fraud-net-service").inputs).toMatchObject({ template: { timeout: "900s" } });
        const steps = (YAML.parse(workflow.inputs.sourceContents as string) as { main: { steps: Steps } }).main.steps;
        expect(steps.map((s) => Object.keys(s)[0])).toEqual(["start", "wave_1", "call_blend", "keep_blend", "done"]);
        const parallel = steps[1].wave_1 as { parallel: { shared: string[]; branches: Record<string, { steps: Steps }>[] } };
        expect(parallel.parallel.shared).toEqual(["results"]);
        expect(parallel.parallel.branches.map((b) => Object.keys(b)[0])).toEqual(["branch_gbm_r", "branch_net"]);
        expect(parallel.parallel.branches[0].branch_gbm_r.steps.map((s) => Object.keys(s)[0])).toEqual(["call_gbm_r", "keep_gbm_r"]);
        expect((parallel.parallel.branches[1].branch_net.steps[0].call_net as { try: { args: { timeout: number } } }).try.args.timeout).toBe(900);
        expect((steps[2].call_blend as { try: { args: { body: unknown } } }).try.args.body).toEqual({ "gbm-r": '${results["gbm-r"]}', net: '${results["net"]}' });
    });
});

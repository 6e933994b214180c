/**
 * PolyglotPipeline: stages written in different languages, each its own ModelService, behind one endpoint. The class
 * is thin: validate, resolve the spec, deploy each stage through ModelService, hand the flow to the orchestrator.
 */
import * as pulumi from "@pulumi/pulumi";
import { costEstimateOutput, MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { argumentsValid, UnderlyingResources, validateComponent } from "../../sdk/component";
import { ModelService } from "../model-service";
import { PolyglotPipelineArgs } from "./args";
import { createSpendGuard, spendGuardCosted } from "../spend-guard";
import { guardedPipeline, pipelineBudgetProblems, pipelineSpendGuard } from "./budget";
import { sumEstimates } from "./cost";
import { dockerOrchestrator } from "./docker";
import { longestPathSeconds } from "./flow";
import { kubernetesOrchestrator } from "./kubernetes";
import { DeployedStage, PipelineOrchestrator } from "./orchestrator";
import { crossFieldProblems, Orchestrator, pipelineSchema } from "./schema";
import { PipelineSpec, resolvePipelineSpec } from "./spec";
import { stepFunctionsOrchestrator } from "./stepfunctions";
import { workflowsOrchestrator } from "./workflows";

export * from "./args";

const TYPE = "modelship:index:PolyglotPipeline";

const ORCHESTRATORS: Record<Orchestrator, PipelineOrchestrator> = {
    [Orchestrator.StepFunctions]: stepFunctionsOrchestrator,
    [Orchestrator.Workflows]: workflowsOrchestrator,
    [Orchestrator.InferenceGraph]: kubernetesOrchestrator,
    [Orchestrator.Router]: dockerOrchestrator,
};

/** The stages' ModelServices and the orchestrator's resources, kept outside the class so they are not schema outputs. */
const UNDERLYING = new UnderlyingResources<{ stages: { [stage: string]: ModelService }; resources: { [role: string]: pulumi.Resource } }>(() => ({ stages: {}, resources: {} }));

function validate(name: string, args: PolyglotPipelineArgs): { spec: PipelineSpec; deferredCheck: pulumi.Output<boolean> } {
    const checked = validateComponent(TYPE, name, pipelineSchema, args, (parsed) => {
        const common = crossFieldProblems(parsed, name);
        if (common.length > 0) return { problems: common };
        const { spec, problems } = resolvePipelineSpec(name, parsed);
        if (!spec) return { problems };
        return { value: spec, problems: [...ORCHESTRATORS[spec.orchestrator].validate(spec), ...pipelineBudgetProblems(spec)] };
    });
    return { spec: checked.value, deferredCheck: checked.deferredCheck };
}

/**
 * One endpoint over stages written in different languages (R with plumber, Python with FastAPI, Scala or Java,
 * Julia, anything that speaks JSON over HTTP), each deployed as a ModelService, chained by the target's own
 * orchestrator: Step Functions Express on AWS, Workflows on GCP, KServe's InferenceGraph on Kubernetes, and
 * modelship's small router on local Docker. By default a sequence: each stage's response is the next one's request.
 *
 * ```ts
 * const fraud = new PolyglotPipeline("fraud", {
 *     stages: [
 *         { name: "features", language: StageLanguage.R, image: "registry/features@sha256:..." },
 *         { name: "score", language: StageLanguage.Python, image: "registry/score@sha256:..." },
 *         { name: "decide", language: StageLanguage.Jvm, image: "registry/decide@sha256:..." },
 *     ],
 *     target: Target.Docker,
 * });
 * export const url = fraud.url;
 * ```
 */
export class PolyglotPipeline extends pulumi.ComponentResource {
    /** Lets policy helpers (`validateResourceOfType`) recognise this component. */
    static readonly __pulumiType = TYPE;

    /**
     * The pipeline's endpoint (docs/pipelines.md): the router on docker, the graph's Service on kubernetes, the HTTP API
     * (or, without it, the Step Functions sync endpoint) on AWS, the Workflows executions API on GCP.
     */
    readonly url: pulumi.Output<string>;
    /**
     * The orchestrator: state machine ARN (AWS; a ModelGateway route's `stateMachine`), workflow ID (GCP), `namespace/name`
     * of the InferenceGraph, router container name (docker).
     */
    readonly orchestratorId: pulumi.Output<string>;
    /**
     * The longest a request can wait for the pipeline's stages to start serving, in seconds: the largest sum of the stages'
     * `coldStartBudgetSeconds` along any path through the flow (the sum of them all for a sequence). Each stage scales on
     * its own and is called only once the stages before it have answered, so a request that finds the pipeline at zero
     * waits for each stage's cold start in turn; stages of one wave start side by side. 0 when every stage keeps a replica
     * warm; the orchestrators add none. The orchestrators time a stage's call from when it is sent, so a stage that can
     * be at zero needs a `timeoutSeconds` that covers its cold start too. A ModelGateway route's `coldStartSeconds`.
     */
    readonly coldStartBudgetSeconds: pulumi.Output<number>;
    /**
     * The pipeline's end-to-end request timeout as deployed, in seconds, from the slowest path through the flow (the
     * largest sum of stages' `timeoutSeconds` along a path): that sum plus 10 s within Express's 300 s on AWS (the state
     * machine's timeout; the HTTP API of `url` ends requests after 30 s), the sum on GCP (each stage's call times out) and
     * kubernetes (the InferenceGraph's `timeout`), the sum plus 5 s on docker (the router's). A ModelGateway route's
     * `requestSeconds`.
     */
    readonly requestTimeoutSeconds: pulumi.Output<number>;
    /** Each stage's endpoint (its ModelService's `url`), by stage name. */
    readonly stageUrls: pulumi.Output<{ [stage: string]: string }>;
    /** Monthly cost in USD of every stage and the orchestrator, at minimum and maximum scale, with its basis. */
    readonly estimatedMonthlyCost: pulumi.Output<MonthlyCostEstimate>;

    /** Each stage's ModelService, by stage name: escape hatches for TypeScript programs (a getter, so not a schema output). */
    get stages(): { [stage: string]: ModelService } {
        return UNDERLYING.get(this).stages;
    }

    /** The orchestrator's resources by role (for example `stateMachine`, `workflow`, `inferenceGraph`, `router`). */
    get resources(): { [role: string]: pulumi.Resource } {
        return UNDERLYING.get(this).resources;
    }

    constructor(name: string, args: PolyglotPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): invalid arguments register nothing.
        const { spec, deferredCheck } = validate(name, args);
        super(TYPE, name, args, opts);

        const orchestrator = ORCHESTRATORS[spec.orchestrator];
        const shared = orchestrator.prepare?.(spec, this) ?? { options: {}, resources: {} };
        const deployed: DeployedStage[] = spec.stages.map((stage) => ({ stage, service: new ModelService(stage.serviceName, stage.serviceArgs, { parent: this, ...shared.options }) }));
        const result = orchestrator.deploy(spec, deployed, this, shared.options);
        // One run-time budget for the whole pipeline (budget.spendGuard); the stages get none from it.
        const guard = pipelineSpendGuard(spec);
        const guardResources = createSpendGuard(guard, guardedPipeline(spec), { parent: this, ...shared.options });

        this.url = result.url;
        this.orchestratorId = result.id;
        const coldStarts = pulumi.all(Object.fromEntries(deployed.map(({ stage, service }) => [stage.name, service.coldStartBudgetSeconds])));
        this.coldStartBudgetSeconds = coldStarts.apply((byStage) => longestPathSeconds(spec.flow, (stage) => byStage[stage.name]));
        this.requestTimeoutSeconds = pulumi.output(orchestrator.requestTimeoutSeconds(spec));
        this.stageUrls = pulumi.all(Object.fromEntries(deployed.map(({ stage, service }) => [stage.name, service.url])));
        this.estimatedMonthlyCost = sumEstimates([
            ...deployed.map(({ stage, service }) => ({ label: `stage ${stage.name}`, estimate: service.estimatedMonthlyCost })),
            { label: "orchestrator", estimate: costEstimateOutput([...orchestrator.costedResources(spec), ...spendGuardCosted(guard, guardedPipeline(spec))]) },
        ]);
        UNDERLYING.set(this, {
            stages: Object.fromEntries(deployed.map(({ stage, service }) => [stage.name, service])),
            resources: { ...shared.resources, ...result.resources, ...guardResources },
        });
        this.registerOutputs({
            url: this.url,
            orchestratorId: this.orchestratorId,
            coldStartBudgetSeconds: this.coldStartBudgetSeconds,
            requestTimeoutSeconds: this.requestTimeoutSeconds,
            stageUrls: this.stageUrls,
            estimatedMonthlyCost: this.estimatedMonthlyCost,
            argumentsValid: argumentsValid(deferredCheck),
        });
    }
}

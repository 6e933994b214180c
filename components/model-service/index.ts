/**
 * ModelService: one model behind an endpoint, on Kubernetes, AWS SageMaker, AWS Lambda, GCP Cloud Run or
 * the local Docker engine. The class is thin: validate, resolve the spec, hand it to the target's file.
 */
import * as pulumi from "@pulumi/pulumi";
import { costEstimateOutput, MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { argumentsValid, logWarnings, resourcesByRole, validateComponent } from "../../sdk/component";
import { isDeferred } from "../../sdk/validate";
import { deferredPoolCheck } from "../spike-autoscaler/kubernetes";
import { ModelServiceArgs, ModelServiceQueueOutputs } from "./args";
import { checkModelService } from "./check";
import { modelServiceSchema } from "./schema";
import { createSpendGuard, spendGuardCosted } from "../spend-guard";
import { guardedService, serviceSpendGuard } from "./spend-guard";
import { ServingSpec } from "./spec";
import { ServingTarget } from "./targets/target";

export * from "./args";

const TYPE = "modelship:index:ModelService";

/** The `queue` output of a service in HTTP mode. */
const NO_QUEUE: ModelServiceQueueOutputs = { submitUrl: "", inputLocation: "", outputLocation: "", failureLocation: "", successTopicArn: "", errorTopicArn: "", deadLetterQueue: "" };

/** The underlying resources of each ModelService, kept outside the class so they are not schema outputs. */
const UNDERLYING = resourcesByRole();

function validate(name: string, args: ModelServiceArgs): { spec: ServingSpec; target: ServingTarget; deferredCheck: pulumi.Output<boolean>; warnings: string[] } {
    const { value, deferredCheck, warnings } = validateComponent(TYPE, name, modelServiceSchema, args, (parsed) => {
        const { spec, target, problems, warnings } = checkModelService(name, parsed);
        return { value: spec && { spec, target }, problems, warnings };
    });
    return { ...value, deferredCheck, warnings };
}

/** Warns when an image is given by a mutable tag instead of a digest. */
function warnOnMutableTags(spec: ServingSpec, resource: pulumi.Resource): void {
    const check = (image: string) => {
        if (!image.includes("@sha256:")) {
            void pulumi.log.warn(`image ${image} is a mutable tag: the same tag can serve a different model tomorrow. Pin it by digest (image@sha256:...).`, resource);
        }
    };
    for (const version of spec.versions) {
        if (version.artifact) continue;
        // A plain image is checked now: an Output per version would cost every service in a large stack a chain.
        if (typeof version.image === "string") check(version.image);
        else pulumi.output(version.image).apply(check);
    }
}

/**
 * One model behind an endpoint. Private by default; GPU-aware; health checks sized for slow model loads.
 *
 * ```ts
 * const llm = new ModelService("llm", {
 *     model: { uri: "hf://Qwen/Qwen2.5-0.5B-Instruct", runtime: ServingRuntime.Vllm },
 *     resources: { gpu: { accelerator: Accelerator.L4 } },
 *     target: Target.Docker,
 * });
 * export const url = llm.url;
 * ```
 */
export class ModelService extends pulumi.ComponentResource {
    /** Lets policy helpers (`validateResourceOfType`) recognise this component. */
    static readonly __pulumiType = TYPE;

    /** The endpoint callers use. */
    readonly url: pulumi.Output<string>;
    /** The endpoint inside the cluster or network; empty where the target has none. */
    readonly internalUrl: pulumi.Output<string>;
    /**
     * What a ModelGateway route names this service by: on aws-sagemaker the endpoint's name (`sagemakerEndpoint`), on
     * aws-lambda the function's ARN, or its alias's (`live`) when it has provisioned concurrency or autoscaling, since
     * only the alias's invocations reach the warm environments (`lambdaFunction`), on gcp-cloudrun the Cloud Run
     * service's name (`cloudRunService`), on kubernetes the in-cluster Service URL, the same as `internalUrl` (`url`), on
     * docker the container's URL, the same as `url`. Empty in queue mode on kubernetes and docker, which serve no HTTP.
     */
    readonly endpointName: pulumi.Output<string>;
    /**
     * The longest a request can wait for the service to start serving, in seconds: 0 when a replica is always warm, else
     * the startup budget the target allows a replica. kubernetes: at `minReplicas: 0`, `model.startupTimeoutSeconds` (the
     * startup probe), plus 600 s for a node and the image with `kubernetes.autoscaler.engine: knative` (the revision's
     * progress deadline). aws-sagemaker: 0 on a real-time endpoint (it keeps an instance), `model.startupTimeoutSeconds` on
     * a serverless one, and on an asynchronous one (queue mode) at `minReplicas: 0` its model download and startup health
     * check timeouts. aws-lambda: 10 (Lambda's limit on an on-demand Init; a longer Init runs again within the invocation,
     * under its timeout), 0 when the provisioned concurrency covers the reserved concurrency. gcp-cloudrun: at
     * `minReplicas: 0`, the startup probe's whole budget (its initial delay and window: 240 s unless
     * `model.startupTimeoutSeconds` is given). docker: 0 (nothing starts a stopped container for a request). A
     * ModelGateway route's `coldStartSeconds`.
     */
    readonly coldStartBudgetSeconds: pulumi.Output<number>;
    /**
     * The longest one request may take once a replica serves it, in seconds, as the service is configured: 300 on
     * kubernetes (the HTTPRoute's and Knative revision's timeouts are this plus `coldStartBudgetSeconds`) and docker (no
     * timeout of their own), 60 on aws-sagemaker (InvokeEndpoint's limit), the function's timeout on aws-lambda
     * (`lambda.timeoutSeconds`), the revision's request timeout on gcp-cloudrun (`cloudRun.requestTimeoutSeconds`); in
     * queue mode, every target, `scaling.queue.requestTimeoutSeconds`. A ModelGateway route's `requestSeconds`.
     */
    readonly requestTimeoutSeconds: pulumi.Output<number>;
    /**
     * In queue mode (`scaling.mode: queue`), where clients submit requests and fetch results: the submit URL (or Pub/Sub
     * topic), the locations of requests, results and failures, the two notification topics (SageMaker) and the dead-letter
     * queue. Every field is empty in HTTP mode.
     */
    readonly queue: pulumi.Output<ModelServiceQueueOutputs>;
    /** Monthly cost in USD at minimum and maximum scale, from the sdk cost model, with its basis. */
    readonly estimatedMonthlyCost: pulumi.Output<MonthlyCostEstimate>;
    /**
     * The underlying resources by role (for example `container`, `deployment`, `endpoint`): escape hatches
     * for TypeScript programs. A getter, so it stays out of the multi-language schema (every class field
     * becomes a schema output, and a generic Resource has no schema type).
     */
    get resources(): { [role: string]: pulumi.Resource } {
        return UNDERLYING.get(this);
    }

    constructor(name: string, args: ModelServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): invalid arguments register nothing.
        const { spec, target, deferredCheck, warnings } = validate(name, args);
        super(TYPE, name, args, opts);
        logWarnings(this, warnings);

        const deployed = target.deploy(spec, this);
        // The run-time budget (scaling.autoscaling.budget.spendGuard), beside whatever the target created.
        const guard = serviceSpendGuard(spec);
        Object.assign(deployed.resources, createSpendGuard(guard, guardedService(spec), { parent: this }));
        warnOnMutableTags(spec, this);

        this.url = deployed.url;
        this.internalUrl = deployed.internalUrl ?? pulumi.output("");
        this.endpointName = deployed.endpointName;
        const timing = target.timing(spec);
        this.coldStartBudgetSeconds = pulumi.output(timing.coldStartBudgetSeconds);
        this.requestTimeoutSeconds = pulumi.output(timing.requestTimeoutSeconds);
        this.queue = deployed.queue ?? pulumi.output(NO_QUEUE);
        // The target's costed resources carry its pre-warming schedules (KEDA cron triggers, scheduled actions, scheduler jobs).
        this.estimatedMonthlyCost = costEstimateOutput([...target.costedResources(spec), ...spendGuardCosted(guard, guardedService(spec))]);
        UNDERLYING.set(this, deployed.resources);
        // The pool check only where a GpuPool's capacity is an Output: otherwise one check, passed through as it is.
        const autoscaling = spec.autoscaling;
        const checks = [deferredCheck];
        if (autoscaling && isDeferred(autoscaling.kubernetes?.gpuPoolMaxGpus)) checks.push(deferredPoolCheck(autoscaling, TYPE, name, "kubernetes.autoscaler.gpuPoolMaxGpus"));
        this.registerOutputs({
            url: this.url,
            internalUrl: this.internalUrl,
            endpointName: this.endpointName,
            coldStartBudgetSeconds: this.coldStartBudgetSeconds,
            requestTimeoutSeconds: this.requestTimeoutSeconds,
            queue: this.queue,
            estimatedMonthlyCost: this.estimatedMonthlyCost,
            argumentsValid: argumentsValid(...checks),
        });
    }
}

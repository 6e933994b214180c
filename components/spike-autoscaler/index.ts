/**
 * SpikeAutoscaler: burst up, scale down to zero where the target can, pre-warm on a schedule, never past the
 * budget. One declarative spec for a Kubernetes Deployment (KEDA or HPA), a SageMaker endpoint variant, a Lambda
 * alias's provisioned concurrency or a Cloud Run service. ModelService takes the same spec inline through
 * `scaling.autoscaling`. The class is thin: validate, resolve the spec, create the target's objects.
 */
import * as pulumi from "@pulumi/pulumi";
import { MonthlyCostEstimate } from "../../sdk/cost/estimate";
import { argumentsValid, logWarnings, resourcesByRole, validateComponent } from "../../sdk/component";
import { describeValue, type ValidationProblem } from "../../sdk/validate";
import { ScalingBound, type SpendGuardArgs, SpikeAutoscalerArgs } from "./args";
import { deferredPoolCheck } from "./kubernetes";
import { spikeAutoscalerSchema } from "./schema";
import { resolveAutoscaling } from "./spec";
import { deployStandalone, standaloneContext } from "./standalone";

export * from "./args";

const TYPE = "modelship:index:SpikeAutoscaler";

/**
 * A standalone autoscaler scales a workload it does not own: it knows neither the workload's tags nor where its
 * notifications go, so it creates no run-time budget; `budget.spendGuard` asks for one only through ModelService.
 */
function standaloneSpendGuardProblems(guard: SpendGuardArgs | undefined): ValidationProblem[] {
    if (guard === undefined || guard.enabled === false) return [];
    return [
        {
            path: "budget.spendGuard",
            received: describeValue(guard),
            expected:
                "nothing, or enabled: false: a standalone SpikeAutoscaler creates no run-time budget (it does not own the workload's tags or notifications); give the budget to the ModelService instead (scaling.autoscaling.budget.spendGuard)",
        },
    ];
}

/** The underlying resources of each SpikeAutoscaler, kept outside the class so they are not schema outputs. */
const UNDERLYING = resourcesByRole();

function validate(name: string, args: SpikeAutoscalerArgs) {
    const checked = validateComponent(TYPE, name, spikeAutoscalerSchema, args, (parsed) => {
        const { ctx, problems } = standaloneContext(name, parsed);
        if (!ctx) return { problems };
        const { spec, warnings, problems: specProblems } = resolveAutoscaling(parsed, ctx);
        return { value: spec, problems: [...specProblems, ...standaloneSpendGuardProblems(parsed.budget?.spendGuard)], warnings };
    });
    return { parsed: checked.parsed, spec: checked.value, warnings: checked.warnings, deferredCheck: checked.deferredCheck };
}

/**
 * Scales a workload on a metric, bursts fast, waits before scaling down, pre-warms on a schedule, and keeps the
 * maximum within a monthly budget. Attach it to what a ModelService (or anything else) created, by name:
 *
 * ```ts
 * new SpikeAutoscaler("llm", {
 *     target: AutoscalerTarget.Kubernetes,
 *     kubernetes: { deploymentName: "llm", namespace: "ml", accelerator: Accelerator.L4, runtime: ServingRuntime.Vllm,
 *                   prometheusUrl: "http://prometheus-operated.monitoring.svc:9090" },
 *     minReplicas: 1,
 *     maxReplicas: 20,
 *     prewarm: [{ schedule: "45 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 120, replicas: 8 }],
 *     budget: { maxMonthlyUsd: 6000 },
 * });
 * ```
 */
export class SpikeAutoscaler extends pulumi.ComponentResource {
    /** Lets policy helpers (`validateResourceOfType`) recognise this component. */
    static readonly __pulumiType = TYPE;

    /** The fewest replicas the autoscaler keeps (outside pre-warming windows). */
    readonly effectiveMin: pulumi.Output<number>;
    /** The most replicas the autoscaler allows: the tighter of `maxReplicas` and the budget. */
    readonly effectiveMax: pulumi.Output<number>;
    /** Which bound set `effectiveMax`: `spec` (maxReplicas) or `budget`. */
    readonly bindingBound: pulumi.Output<ScalingBound>;
    /** Monthly cost in USD at the minimum (with pre-warming) and at the effective maximum, from the sdk cost model, with its basis. */
    readonly estimatedMonthlyCost: pulumi.Output<MonthlyCostEstimate>;
    /**
     * The underlying resources by role (`scaledObject`, `horizontalPodAutoscaler`, `scalingTarget`, `scalingPolicy`,
     * `prewarm-0-start`, `kedaRelease`, ...): escape hatches for TypeScript programs, kept out of the schema.
     */
    get resources(): { [role: string]: pulumi.Resource } {
        return UNDERLYING.get(this);
    }

    constructor(name: string, args: SpikeAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): invalid arguments register nothing.
        const { parsed, spec, warnings, deferredCheck } = validate(name, args);
        super(TYPE, name, args, opts);
        logWarnings(this, warnings);

        UNDERLYING.set(this, deployStandalone(name, parsed, spec, this));
        this.effectiveMin = pulumi.output(spec.min);
        this.effectiveMax = pulumi.output(spec.max);
        this.bindingBound = pulumi.output(spec.bindingBound);
        this.estimatedMonthlyCost = pulumi.output(spec.estimate);
        const poolCheck = deferredPoolCheck(spec, TYPE, name, "kubernetes.gpuPoolMaxGpus");
        this.registerOutputs({
            effectiveMin: this.effectiveMin,
            effectiveMax: this.effectiveMax,
            bindingBound: this.bindingBound,
            estimatedMonthlyCost: this.estimatedMonthlyCost,
            argumentsValid: argumentsValid(deferredCheck, poolCheck),
        });
    }
}

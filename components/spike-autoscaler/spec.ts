/**
 * The one declarative autoscaling spec, resolved: defaults applied, pre-warming windows parsed, the budget turned
 * into a replica bound. SpikeAutoscaler and every ModelService target read this shape and nothing else.
 *
 * Defaults (docs/scaling.md has the reasoning and the numbers of HPA, Knative and KEDA; docs/simulate.md the
 * replays of real traces that tuned them):
 * - scale-down delay: on Kubernetes 240 s (a freed GPU node stays ~10 min, so an early removal costs a model load),
 *   0 s with engine knative (Knative's own: its KPA averages over 60 s; knative.ts);
 *   elsewhere the larger of 300 s and the cold-start budget (the instance goes with the replica);
 * - queued requests count at most 8x the running ones (in-flight presets of vLLM and TGI);
 * - idle time before zero: the cold-start budget (keeping a replica costs no more than waiting for one);
 * - burst: x1000 per 15 s step (Knative's max-scale-up-rate), at least +4 pods, beside arrival-rate and panic triggers (vLLM, TGI on KEDA);
 * - KEDA polling: 15 s (the HPA's sync period).
 */
import type { Input } from "@pulumi/pulumi";
import { type MonthlyCostEstimate, unknownEstimate } from "../../sdk/cost/estimate";
import type { CostOptions } from "../../sdk/cost/types";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { DEFAULT_STARTUP_TIMEOUT_SECONDS, type ServingRuntime } from "../../sdk/catalog/runtimes";
import { AutoscalerTarget, ScalingBound, ScalingMetric } from "./args";
import { dollars } from "../../sdk/catalog/format";
import { autoscaledEstimate, budgetMaxReplicas, replicaPrice, ReplicaPrice, ReplicaPricing, type PrewarmCost } from "./budget";
import { parsePrewarmWindow } from "./cron";
import { DEFAULT_BURST_MULTIPLIER, DEFAULT_MAX_QUEUED_PER_RUNNING, MIN_SCALE_DOWN_DELAY_SECONDS } from "./defaults";
import { queueCapApplies } from "./queries";
import { at, AutoscalerPaths } from "./paths";
import type { ParsedAutoscalingArgs, ParsedKubernetesScalingArgs } from "./schema";
import { TARGET_RULES } from "./rules";

/** The Kubernetes settings, resolved (KEDA, HPA, or Knative's KPA: knative.ts). */
export interface KubernetesScaling {
    engine: "keda" | "hpa" | "knative";
    installKeda: boolean;
    installKnative: boolean;
    prometheusUrl?: string;
    pollingIntervalSeconds: number;
    hpaMetricName: string;
    gpuPoolMaxGpus?: Input<number>;
    runtime: ServingRuntime;
    gpusPerReplica: number;
    /** Queue mode (ModelService `scaling.mode: queue`): KEDA scales on the queue's backlog with the queue's own trigger, not Prometheus. */
    queue: boolean;
}

/** What the caller knows about the workload being scaled. */
export interface AutoscalerContext {
    target: AutoscalerTarget;
    paths: AutoscalerPaths;
    /** Replica bounds as given (defaults applied). */
    min: number;
    max: number;
    gpu: boolean;
    /** The cold-start budget: `model.startupTimeoutSeconds`, or SpikeAutoscaler's `startupTimeoutSeconds`. */
    startupTimeoutSeconds?: number;
    pricing: ReplicaPricing;
    costOptions: CostOptions;
    /** Kubernetes settings as given, with the server (for preset queries) and GPUs per replica. */
    kubernetes?: {
        args?: ParsedKubernetesScalingArgs;
        runtime: ServingRuntime;
        gpusPerReplica: number;
        /** True when the caller can serve as a Knative Service (ModelService); a standalone SpikeAutoscaler scales a Deployment it did not make. */
        knativeServing?: boolean;
    };
    /**
     * True when the workload takes its requests from a durable queue (ModelService `scaling.mode: queue`): it may scale
     * on the backlog (`queue-depth`) and to zero where the target allows (SageMaker asynchronous inference).
     */
    queue?: boolean;
    /** Target defaults that replace the generic ones (SageMaker's invocations target, Cloud Run's concurrency). */
    defaults?: { metric?: ScalingMetric; metricTarget?: number };
}

/** A pre-warming window, resolved: its schedule and the replicas it keeps (within the effective maximum). */
export type PrewarmPlan = PrewarmCost;

export interface AutoscalerSpec {
    target: AutoscalerTarget;
    metric: ScalingMetric;
    /** Target per replica (on Lambda a utilisation fraction; on Cloud Run the concurrency cap). */
    metricTarget: number;
    /** True when `metricTarget` was given (Cloud Run then sets the concurrency from it). */
    metricTargetGiven: boolean;
    query?: string;
    /** Effective bounds. */
    min: number;
    max: number;
    /** `maxReplicas` as given. */
    specMax: number;
    bindingBound: ScalingBound;
    scaleToZeroAfterSeconds: number;
    scaleDownDelaySeconds: number;
    /** Queued requests count at most this many times the running ones, where the deployed query can say so ({@link queueCapApplies}). */
    maxQueuedPerRunning: number;
    burstMultiplier: number;
    startupTimeoutSeconds: number;
    prewarm: PrewarmPlan[];
    price: ReplicaPrice;
    budget?: { maxMonthlyUsd: number; maxReplicas: number };
    billedReplicas: (n: number) => number;
    estimate: MonthlyCostEstimate;
    kubernetes?: KubernetesScaling;
}

/** Rules of one target: its defaults, and what it cannot do. */
export interface TargetRules {
    /** Default target per replica of a metric; undefined when the metric needs one given. */
    defaultMetricTarget(metric: ScalingMetric, gpu: boolean): number | undefined;
    /** Problems of this target, from the resolved spec and the arguments as given. */
    problems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[];
    /**
     * The scale-down delay's default where the target has its own (Kubernetes: a removed replica's machine stays a while;
     * engine knative: Knative's); undefined for the generic max(300 s, cold-start budget).
     */
    defaultScaleDownDelaySeconds?(ctx: AutoscalerContext): number | undefined;
    /** Target settings resolved from the context (Kubernetes: engine, Prometheus, queries). */
    resolve?(ctx: AutoscalerContext, metric: ScalingMetric): Partial<AutoscalerSpec>;
}

function prewarmPlans(args: ParsedAutoscalingArgs, ctx: AutoscalerContext, problems: ValidationProblem[]): PrewarmPlan[] {
    const plans: PrewarmPlan[] = [];
    (args.prewarm ?? []).forEach((window, i) => {
        const path = `${at(ctx.paths.block, "prewarm")}[${i}]`;
        const parsed = parsePrewarmWindow(window, path);
        problems.push(...parsed.problems);
        if (window.replicas > ctx.max) {
            problems.push({ path: `${path}.replicas`, received: String(window.replicas), expected: `at most ${ctx.paths.max} (${ctx.max})` });
        } else if (window.replicas <= ctx.min) {
            problems.push({ path: `${path}.replicas`, received: String(window.replicas), expected: `more than ${ctx.paths.min} (${ctx.min}), else the window changes nothing` });
        }
        if (parsed.schedule) plans.push({ schedule: parsed.schedule, replicas: window.replicas });
    });
    return plans;
}

/**
 * The budget bound, or problems when the budget cannot be priced or does not cover the minimum (the fewest
 * replicas all month, and at least one). Pre-warming windows above the bound are lowered to it afterwards.
 */
function budgetBound(args: ParsedAutoscalingArgs, ctx: AutoscalerContext, price: ReplicaPrice, billed: (n: number) => number): { maxReplicas?: number; problems: ValidationProblem[] } {
    const budget = args.budget;
    if (!budget) return { problems: [] };
    const path = `${at(ctx.paths.block, "budget")}.maxMonthlyUsd`;
    const received = String(budget.maxMonthlyUsd);
    if (price.monthly === null || !price.priced) {
        return { problems: [{ path, received, expected: `no budget on a workload the cost model cannot price: one replica is ${price.basis}` }] };
    }
    const cost = (n: number) => price.monthlyFor(billed(n)) as number;
    const floor = Math.max(ctx.min, 1);
    if (budget.maxMonthlyUsd + 1e-9 < cost(floor)) {
        const what = ctx.min >= 1 ? `the cost of the minimum: ${billed(floor)} replica(s) x ${dollars(price.monthly)}/month` : "the cost of one replica";
        return { problems: [{ path, received, expected: `at least ${dollars(cost(floor))} (${what}; one replica is ${price.basis})` }] };
    }
    return { maxReplicas: budgetMaxReplicas(budget.maxMonthlyUsd, ctx.max, cost), problems: [] };
}

/**
 * Resolves the autoscaling spec for one workload. Returns problems (never throws); `warnings` are logged by the
 * caller (a pre-warming window above the budget's maximum, clamped).
 */
export function resolveAutoscaling(args: ParsedAutoscalingArgs, ctx: AutoscalerContext): { spec?: AutoscalerSpec; problems: ValidationProblem[]; warnings: string[] } {
    const problems: ValidationProblem[] = [];
    const warnings: string[] = [];
    const rules = TARGET_RULES[ctx.target];
    if (ctx.min > ctx.max) {
        problems.push({ path: ctx.paths.min, received: String(ctx.min), expected: `a number <= ${ctx.paths.max} (${ctx.max})` });
        return { problems, warnings };
    }
    const metric = args.metric ?? ctx.defaults?.metric ?? ScalingMetric.InFlightRequests;
    const defaultTarget = args.metric === undefined && ctx.defaults?.metricTarget !== undefined ? ctx.defaults.metricTarget : rules.defaultMetricTarget(metric, ctx.gpu);
    const metricTarget = args.metricTarget ?? defaultTarget;
    if (args.scaleToZeroAfterSeconds !== undefined && ctx.min > 0) {
        problems.push({ path: at(ctx.paths.block, "scaleToZeroAfterSeconds"), received: String(args.scaleToZeroAfterSeconds), expected: `nothing unless ${ctx.paths.min} is 0 (it is ${ctx.min})` });
    }
    const prewarm = prewarmPlans(args, ctx, problems);
    const billed = ctx.pricing.billedReplicas ?? ((n: number) => n);
    const price = replicaPrice(ctx.pricing, ctx.costOptions);
    const budget = budgetBound(args, ctx, price, billed);
    problems.push(...budget.problems);

    const startup = ctx.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS;
    const max = Math.min(ctx.max, budget.maxReplicas ?? ctx.max);
    const bindingBound = max < ctx.max ? ScalingBound.Budget : ScalingBound.Spec;
    for (const window of prewarm) {
        if (window.replicas > max) {
            warnings.push(`pre-warming window "${window.schedule.expression}" asks for ${window.replicas} replicas; the budget allows ${max}, so it keeps ${max}`);
            window.replicas = max;
        }
    }
    const spec: AutoscalerSpec = {
        target: ctx.target,
        metric,
        // A placeholder while a missing target is reported: the target rules still check the rest.
        metricTarget: metricTarget ?? 1,
        metricTargetGiven: args.metricTarget !== undefined,
        query: args.query,
        min: ctx.min,
        max,
        specMax: ctx.max,
        bindingBound,
        scaleToZeroAfterSeconds: args.scaleToZeroAfterSeconds ?? startup,
        scaleDownDelaySeconds: args.scaleDownDelaySeconds ?? rules.defaultScaleDownDelaySeconds?.(ctx) ?? Math.min(3600, Math.max(MIN_SCALE_DOWN_DELAY_SECONDS, startup)),
        maxQueuedPerRunning: args.maxQueuedPerRunning ?? DEFAULT_MAX_QUEUED_PER_RUNNING,
        burstMultiplier: args.burstMultiplier ?? DEFAULT_BURST_MULTIPLIER,
        startupTimeoutSeconds: startup,
        prewarm,
        price,
        budget: args.budget && budget.maxReplicas !== undefined ? { maxMonthlyUsd: args.budget.maxMonthlyUsd, maxReplicas: budget.maxReplicas } : undefined,
        billedReplicas: billed,
        estimate: unknownEstimate([]),
    };
    Object.assign(spec, rules.resolve?.(ctx, metric) ?? {});
    const by = bindingBound === ScalingBound.Budget ? `budget ${dollars(args.budget?.maxMonthlyUsd ?? 0)}/month` : `${ctx.paths.max} ${ctx.max}`;
    spec.estimate = autoscaledEstimate(price, { min: spec.min, max: spec.max, by }, prewarm, billed);
    const targetProblems = rules.problems(spec, args, ctx);
    if (args.maxQueuedPerRunning !== undefined && !queueCapApplies(spec)) {
        targetProblems.push({
            path: at(ctx.paths.block, "maxQueuedPerRunning"),
            received: String(args.maxQueuedPerRunning),
            expected: "nothing here: it applies to metric in-flight-requests with the preset query of vllm or tgi on kubernetes with engine keda (give the cap inside your own query otherwise)",
        });
    }
    const metricPath = at(ctx.paths.block, "metric");
    // A metric the target cannot use has no target to ask for: say so once, about the metric.
    if (metricTarget === undefined && !targetProblems.some((p) => p.path === metricPath)) {
        problems.push({
            path: at(ctx.paths.block, "metricTarget"),
            received: describeValue(undefined),
            expected: `a target per replica for metric ${metric} (no default: it depends on the model; measure one replica under load)`,
        });
    }
    problems.push(...targetProblems);
    return problems.length > 0 ? { problems, warnings } : { spec, problems, warnings };
}

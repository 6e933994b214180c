/**
 * AWS Lambda: provisioned concurrency on an alias, scaled by Application Auto Scaling (Lambda's "Managing
 * provisioned concurrency with Application Auto Scaling"): a scalable target on
 * `lambda:function:ProvisionedConcurrency`, target tracking on `LambdaProvisionedConcurrencyUtilization`, and two
 * scheduled actions per pre-warming window.
 *
 * A replica here is one provisioned execution environment, which serves one request at a time: the in-flight
 * target per replica is therefore the utilisation of the provisioned concurrency, a fraction of 1 (0.7 by default:
 * Knative's 70% utilisation target). Requests above the provisioned concurrency still run, on demand, with cold
 * starts, up to the function's reserved concurrency. With a minimum of 0 there is provisioned concurrency only
 * inside the pre-warming windows (the utilisation metric exists only then).
 */
import * as pulumi from "@pulumi/pulumi";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { ScalingMetric } from "./args";
import { at } from "./paths";
import { createTargetTracking, ScalingResources } from "./app-autoscaling";
import type { ParsedAutoscalingArgs } from "./schema";
import type { AutoscalerContext, AutoscalerSpec, TargetRules } from "./spec";

export const LAMBDA_SCALABLE_DIMENSION = "lambda:function:ProvisionedConcurrency";
/** Knative's utilisation target (70%), as a fraction of the provisioned executions. */
export const DEFAULT_LAMBDA_UTILIZATION = 0.7;
/** Application Auto Scaling's default scale-out cooldown for Lambda is 0; a short one avoids overshooting on the 1-minute metric. */
const SCALE_OUT_COOLDOWN_SECONDS = 60;

/** The alias whose provisioned concurrency is scaled. */
export interface LambdaAliasRef {
    functionName: pulumi.Input<string>;
    alias: pulumi.Input<string>;
}

/** The scalable target, the target-tracking policy and the pre-warming actions of one alias. */
export function createLambdaScaling(logicalName: string, spec: AutoscalerSpec, ref: LambdaAliasRef, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): ScalingResources {
    const scalable = { serviceNamespace: "lambda", resourceId: pulumi.interpolate`function:${ref.functionName}:${ref.alias}`, scalableDimension: LAMBDA_SCALABLE_DIMENSION };
    const metric = { targetValue: spec.metricTarget, predefinedMetricSpecification: { predefinedMetricType: "LambdaProvisionedConcurrencyUtilization" } };
    return createTargetTracking(logicalName, spec, scalable, metric, SCALE_OUT_COOLDOWN_SECONDS, tags, opts);
}

function problems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    if (spec.metric !== ScalingMetric.InFlightRequests) {
        out.push({
            path: at(ctx.paths.block, "metric"),
            received: describeValue(spec.metric),
            expected: "in-flight-requests on aws-lambda (it scales on the utilisation of the provisioned concurrency)",
        });
    } else if (spec.metricTarget > 1) {
        out.push({
            path: at(ctx.paths.block, "metricTarget"),
            received: String(spec.metricTarget),
            expected: "a fraction of 1 on aws-lambda, such as 0.7 (one provisioned execution serves one request at a time: the target is its utilisation)",
        });
    }
    if (args.query !== undefined) out.push({ path: at(ctx.paths.block, "query"), received: describeValue(args.query), expected: "no Prometheus query on aws-lambda" });
    if (args.burstMultiplier !== undefined) {
        out.push({
            path: at(ctx.paths.block, "burstMultiplier"),
            received: String(args.burstMultiplier),
            expected: "nothing on aws-lambda (requests above the provisioned concurrency run on demand at once; target tracking has no step cap)",
        });
    }
    if (args.scaleToZeroAfterSeconds !== undefined) {
        out.push({
            path: at(ctx.paths.block, "scaleToZeroAfterSeconds"),
            received: String(args.scaleToZeroAfterSeconds),
            expected: "nothing on aws-lambda (provisioned concurrency goes down after scaleDownDelaySeconds like any other step; requests without it run on demand)",
        });
    }
    return out;
}

export const lambdaRules: TargetRules = {
    defaultMetricTarget: (metric) => (metric === ScalingMetric.InFlightRequests ? DEFAULT_LAMBDA_UTILIZATION : undefined),
    problems,
};

/** Lambda provisioned concurrency is billed, but its price is not in the catalog: a budget cannot be enforced. */
export const LAMBDA_PRICE_UNKNOWN = "Lambda provisioned concurrency is billed, but its price is not in the catalog (sdk/catalog)";

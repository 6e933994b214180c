/**
 * GCP Cloud Run. What the spec maps to, and what Cloud Run cannot do:
 * - min/max instances and the per-instance concurrency cap come from the spec (`in-flight-requests` is the only
 *   metric: Cloud Run scales on concurrency and CPU by itself; the target is the cap `maxInstanceRequestConcurrency`,
 *   and Cloud Run adds instances before it is reached);
 * - the scale-down delay, the idle time before zero and the burst speed cannot be set: Cloud Run decides them.
 *   Setting one is refused rather than silently ignored;
 * - scheduled pre-warming has no Cloud Run setting. Chosen instead: two Cloud Scheduler jobs per window that PATCH
 *   the service's service-level minimum instances (`scaling.minInstanceCount`) through the Cloud Run Admin API v2,
 *   which takes effect without a new revision. The jobs run as their own service account with `roles/run.developer`
 *   on this service and `roles/iam.serviceAccountUser` on its runtime identity (what updating a service requires).
 *   The service keeps its base minimum at the service level too (Google advises against mixing service-level and
 *   revision-level minimums), and Pulumi ignores that field afterwards, so an update does not undo a window; the
 *   end job restores the base minimum (a changed minimum therefore applies at the next window's end).
 *   Alternatives considered: a revision-level minimum changed on a schedule makes a new revision each time; a
 *   Cloud Function or Workflow adds a runtime to operate for the same PATCH.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../sdk/cost/types";
import { gcpName } from "../../sdk/naming";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { ScalingMetric } from "./args";
import { unixCron } from "./cron";
import { at } from "./paths";
import type { ParsedAutoscalingArgs } from "./schema";
import type { AutoscalerContext, AutoscalerSpec, TargetRules } from "./spec";

/** Cloud Run's bounds on `maxInstanceRequestConcurrency`. */
const CONCURRENCY = { min: 1, max: 1000 };
/** Retries of a failed pre-warming call (the service stays at its previous minimum until one succeeds). */
const JOB_RETRIES = 3;

/** The service the pre-warming jobs update. */
export interface CloudRunServiceRef {
    project: pulumi.Input<string>;
    region: string;
    serviceName: pulumi.Input<string>;
    /** The service's runtime service account (the jobs must be allowed to act as it). */
    serviceAccountEmail: pulumi.Input<string>;
}

function problems(spec: AutoscalerSpec, args: ParsedAutoscalingArgs, ctx: AutoscalerContext): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    if (spec.metric !== ScalingMetric.InFlightRequests) {
        out.push({
            path: at(ctx.paths.block, "metric"),
            received: describeValue(spec.metric),
            expected: "in-flight-requests on gcp-cloudrun (Cloud Run scales on concurrent requests and CPU; its metric cannot be chosen)",
        });
    } else if (!Number.isInteger(spec.metricTarget) || spec.metricTarget < CONCURRENCY.min || spec.metricTarget > CONCURRENCY.max) {
        out.push({
            path: at(ctx.paths.block, "metricTarget"),
            received: String(spec.metricTarget),
            expected: `a whole number from ${CONCURRENCY.min} to ${CONCURRENCY.max} on gcp-cloudrun (the concurrency cap per instance)`,
        });
    }
    const cannot: Array<[keyof ParsedAutoscalingArgs, string]> = [
        ["query", "no Prometheus query on gcp-cloudrun"],
        ["burstMultiplier", "nothing on gcp-cloudrun (Cloud Run decides how fast instances are added)"],
        ["scaleDownDelaySeconds", "nothing on gcp-cloudrun (Cloud Run decides when idle instances go; keep minReplicas or pre-warm instead)"],
        ["scaleToZeroAfterSeconds", "nothing on gcp-cloudrun (Cloud Run decides when idle instances go; keep minReplicas or pre-warm instead)"],
    ];
    for (const [field, expected] of cannot) {
        if (args[field] !== undefined) out.push({ path: at(ctx.paths.block, field), received: describeValue(args[field]), expected });
    }
    return out;
}

/**
 * The default concurrency cap (`maxInstanceRequestConcurrency`) of one instance: Cloud Run's own 80 without a GPU;
 * 4 with one, since an L4 serves a few requests at a time well and more would queue on the GPU instead of starting
 * another instance. ModelService's `cloudRun.concurrency` and the autoscaler's in-flight target share it.
 */
export function cloudRunDefaultConcurrency(gpu: boolean): number {
    return gpu ? 4 : 80;
}

export const cloudRunRules: TargetRules = {
    defaultMetricTarget: (metric, gpu) => (metric === ScalingMetric.InFlightRequests ? cloudRunDefaultConcurrency(gpu) : undefined),
    problems,
};

/** Instances, as the cost model prices a Cloud Run service (instance-based with a GPU or `cpuIdle: false`); the busy price for request-based billing. */
export function cloudRunReplicaShape(
    name: string,
    shape: { region: string; cpu: number; memoryGiB: number; gpu: boolean; cpuIdle: boolean; gpuZonalRedundancy?: boolean },
): (instances: number) => CostedResource {
    const memory = Number.isInteger(shape.memoryGiB) ? `${shape.memoryGiB}Gi` : `${Math.round(shape.memoryGiB * 1024)}Mi`;
    const limits: Record<string, string> = { cpu: String(shape.cpu), memory };
    if (shape.gpu) limits["nvidia.com/gpu"] = "1";
    return (instances) => ({
        urn: name,
        type: "gcp:cloudrunv2/service:Service",
        name,
        inputs: {
            location: shape.region,
            template: {
                scaling: { minInstanceCount: instances, maxInstanceCount: instances },
                containers: [{ resources: { limits, cpuIdle: shape.cpuIdle } }],
                nodeSelector: shape.gpu ? { accelerator: "nvidia-l4" } : undefined,
                gpuZonalRedundancyDisabled: shape.gpu ? !shape.gpuZonalRedundancy : undefined,
            },
        },
    });
}

/**
 * The pre-warming jobs of a service: a service account, its two grants, and per window a start job (minimum to
 * the window's replicas) and an end job (back to the minimum). Nothing when there are no windows.
 */
export function createCloudRunPrewarm(logicalName: string, spec: AutoscalerSpec, ref: CloudRunServiceRef, opts: pulumi.CustomResourceOptions): Record<string, pulumi.Resource> {
    if (spec.prewarm.length === 0) return {};
    const account = new gcp.serviceaccount.Account(
        `${logicalName}-prewarm`,
        {
            accountId: gcpName(`${logicalName}-prewarm`, 30),
            project: ref.project,
            displayName: `modelship pre-warming of ${logicalName}`,
            description: "Cloud Scheduler identity that sets the service-level minimum instances of one Cloud Run service.",
        },
        opts,
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    const updateService = new gcp.cloudrunv2.ServiceIamMember(
        `${logicalName}-prewarm-run-developer`,
        { project: ref.project, location: ref.region, name: ref.serviceName, role: "roles/run.developer", member },
        opts,
    );
    const actAs = new gcp.serviceaccount.IAMMember(
        `${logicalName}-prewarm-act-as`,
        { serviceAccountId: pulumi.interpolate`projects/${ref.project}/serviceAccounts/${ref.serviceAccountEmail}`, role: "roles/iam.serviceAccountUser", member },
        opts,
    );
    const resources: Record<string, pulumi.Resource> = { prewarmServiceAccount: account, prewarmRunDeveloper: updateService, prewarmActAs: actAs };
    const uri = pulumi.interpolate`https://run.googleapis.com/v2/projects/${ref.project}/locations/${ref.region}/services/${ref.serviceName}?updateMask=scaling.minInstanceCount`;
    for (const edge of prewarmJobEdges(logicalName, spec)) {
        resources[edge.role] = new gcp.cloudscheduler.Job(
            edge.name,
            {
                name: gcpName(edge.name, 500),
                project: ref.project,
                region: ref.region,
                description: edge.description,
                schedule: edge.schedule,
                timeZone: edge.timeZone,
                retryConfig: { retryCount: JOB_RETRIES },
                httpTarget: {
                    uri,
                    httpMethod: "PATCH",
                    headers: { "Content-Type": "application/json" },
                    body: edge.body,
                    oauthToken: { serviceAccountEmail: account.email, scope: "https://www.googleapis.com/auth/cloud-platform" },
                },
            },
            { ...opts, dependsOn: [updateService, actAs] },
        );
    }
    return resources;
}

/** The two jobs of each window: the start raises the service's minimum to the window's replicas, the end restores it. */
function prewarmJobEdges(logicalName: string, spec: AutoscalerSpec) {
    return spec.prewarm.flatMap((window, i) =>
        (
            [
                ["start", window.replicas],
                ["end", spec.min],
            ] as const
        ).map(([edge, minInstanceCount]) => ({
            role: `prewarm-${i}-${edge}`,
            name: `${logicalName}-prewarm-${i}-${edge}`,
            description: `${edge === "start" ? "Raise" : "Restore"} the minimum instances of a Cloud Run service to ${minInstanceCount} (modelship pre-warming window ${i})`,
            schedule: unixCron(window.schedule, edge),
            timeZone: window.schedule.timezone,
            body: Buffer.from(JSON.stringify({ scaling: { minInstanceCount } })).toString("base64"),
        })),
    );
}

/**
 * The pre-warming jobs as the cost model reads them (it counts the hours they raise the service's minimum), from the
 * same edges as {@link createCloudRunPrewarm}; the project does not enter the price, so the URI names none.
 */
export function cloudRunPrewarmShapes(logicalName: string, spec: AutoscalerSpec, serviceName: string, region: string): CostedResource[] {
    const uri = `https://run.googleapis.com/v2/projects/-/locations/${region}/services/${serviceName}?updateMask=scaling.minInstanceCount`;
    return prewarmJobEdges(logicalName, spec).map((edge) => ({
        urn: edge.name,
        type: "gcp:cloudscheduler/job:Job",
        name: edge.name,
        inputs: { region, schedule: edge.schedule, timeZone: edge.timeZone, httpTarget: { uri, httpMethod: "PATCH", body: edge.body } },
    }));
}

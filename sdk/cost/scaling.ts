/**
 * Links between resources that change a price: autoscalers that bound a workload's replicas (HPA, KEDA
 * ScaledObject, with its cron triggers as pre-warming), Application Auto Scaling targets and scheduled actions that
 * bound a SageMaker variant's instances, Cloud Scheduler jobs that raise a Cloud Run service's minimum, CronJobs
 * that raise a Knative Configuration's min-scale (knative-schedules.ts), and node pools whose nodes the pods of the
 * stack land on.
 */
import { get, list, num, record, str } from "./inputs";
import { podDemand } from "./pods";
import { NODE_TYPES, nodePoolView, poolOf, type NodePoolView } from "./pools";
import { knativeMinScaleJobs } from "./knative-schedules";
import { knativeScale, WORKLOADS, workloadReplicas } from "./pricers/kubernetes";
import { awsScheduleAsCron, scheduledExtra, type MinimumEvent } from "./schedules";
import type { CostedResource, PodsOnPool, Prewarm, ReplicaBounds, ResourceScaling } from "./types";

/** Type tokens of the HorizontalPodAutoscaler versions the cost model (and the policy pack) reads. */
export const HPA_TYPES: ReadonlySet<string> = new Set([
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
]);
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const APP_AUTOSCALING_TARGET = "aws:appautoscaling/target:Target";
const SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction";
const SAGEMAKER_ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
const SAGEMAKER_ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const CLOUD_RUN_SERVICE = "gcp:cloudrunv2/service:Service";
const SCHEDULER_JOB = "gcp:cloudscheduler/job:Job";
/** Workloads whose replicas an autoscaler may set (their pods are counted on the pools they land on). */
const SCALABLE: Record<string, string> = { "kubernetes:apps/v1:Deployment": "Deployment", "kubernetes:apps/v1:StatefulSet": "StatefulSet" };

/** A Kubernetes object's name: the provider's (auto-named) output when known, else the input, else the resource name. */
export function kubernetesName(r: CostedResource): string {
    return str(r.outputs, "metadata.name") ?? str(r.inputs, "metadata.name") ?? r.name;
}

/** A Kubernetes object's namespace: the input, else the provider's output; `default` when neither is set. */
export function kubernetesNamespace(r: CostedResource): string {
    return str(r.inputs, "metadata.namespace") ?? str(r.outputs, "metadata.namespace") ?? "default";
}

/** A cloud resource's physical name: the `name` input, else the provider's output, else the resource name. */
function physicalName(r: CostedResource): string {
    return str(r.inputs, "name") ?? str(r.outputs, "name") ?? r.name;
}

function workloadKey(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
}

/** `h` hours rounded for a basis: `65.25`. */
function hours(value: number): string {
    return String(Number(value.toFixed(2)));
}

/** The pre-warming of a schedule above `base`, in words; a schedule that cannot be read makes it unknown. */
function prewarmOf(base: number, events: MinimumEvent[], what: string): Prewarm {
    try {
        const extra = scheduledExtra(base, events);
        return {
            replicaHoursPerMonth: extra.replicaHoursPerMonth,
            words: `${what} raise the minimum above ${base} for ${hours(extra.hoursPerMonth)} h a month, ${hours(extra.replicaHoursPerMonth)} replica-hours (the windows of 2026 / 12)`,
        };
    } catch (error) {
        return { replicaHoursPerMonth: null, words: `${what} cannot be read: ${(error as Error).message}` };
    }
}

/** KEDA cron triggers of a ScaledObject: each window sets `desiredReplicas` from `start` to `end`. */
function kedaPrewarm(r: CostedResource, min: number): Prewarm | undefined {
    const triggers = list(r.inputs, "spec.triggers").filter((t) => str(t, "type") === "cron");
    if (triggers.length === 0) return undefined;
    const events = triggers.flatMap((t): MinimumEvent[] => {
        const timezone = str(t, "metadata.timezone") ?? "UTC";
        const desired = Number(get(t, "metadata.desiredReplicas"));
        return [
            { cron: str(t, "metadata.start") ?? "", timezone, level: Number.isFinite(desired) ? desired : min },
            { cron: str(t, "metadata.end") ?? "", timezone, level: min },
        ];
    });
    const names = triggers.map((t, i) => str(t, "name") ?? `#${i}`).join(", ");
    return prewarmOf(min, events, `KEDA cron trigger(s) ${names}`);
}

/** Reads one autoscaler; undefined when it does not target something the cost model prices. */
function autoscalerBounds(r: CostedResource): { key: string; bounds: ReplicaBounds } | undefined {
    const namespace = kubernetesNamespace(r);
    const resourceName = kubernetesName(r);
    if (HPA_TYPES.has(r.type)) {
        const kind = str(r.inputs, "spec.scaleTargetRef.kind") ?? "Deployment";
        const target = str(r.inputs, "spec.scaleTargetRef.name");
        const max = num(r.inputs, "spec.maxReplicas");
        if (target === undefined || max === undefined) return undefined;
        const min = num(r.inputs, "spec.minReplicas") ?? 1;
        return { key: workloadKey(kind, namespace, target), bounds: { min, max, by: `HorizontalPodAutoscaler "${resourceName}" (${min}-${max})` } };
    }
    if (r.type === SCALED_OBJECT) {
        const kind = str(r.inputs, "spec.scaleTargetRef.kind") ?? "Deployment";
        const target = str(r.inputs, "spec.scaleTargetRef.name");
        if (target === undefined) return undefined;
        // KEDA's defaults: minReplicaCount 0, maxReplicaCount 100.
        const min = num(r.inputs, "spec.minReplicaCount") ?? 0;
        const max = num(r.inputs, "spec.maxReplicaCount") ?? 100;
        const defaults = [
            num(r.inputs, "spec.minReplicaCount") === undefined ? "minReplicaCount default 0" : "",
            num(r.inputs, "spec.maxReplicaCount") === undefined ? "maxReplicaCount default 100" : "",
        ].filter(Boolean);
        const bounds: ReplicaBounds = { min, max, by: `KEDA ScaledObject "${resourceName}" (${min}-${max}${defaults.length ? `, ${defaults.join(", ")}` : ""})` };
        const prewarm = kedaPrewarm(r, min);
        if (prewarm) bounds.prewarm = prewarm;
        return { key: workloadKey(kind, namespace, target), bounds };
    }
    return undefined;
}

/** The scalable target key of Application Auto Scaling: namespace, resource and dimension. */
function scalableKey(r: CostedResource): string | undefined {
    const namespace = str(r.inputs, "serviceNamespace");
    const resourceId = str(r.inputs, "resourceId");
    return namespace !== undefined && resourceId !== undefined ? `${namespace}|${resourceId}|${str(r.inputs, "scalableDimension") ?? ""}` : undefined;
}

/** Scheduled actions by scalable target: each sets `scalableTargetAction.minCapacity` from its schedule on. */
function scheduledActions(resources: ReadonlyArray<CostedResource>): Map<string, { events: MinimumEvent[]; unread: string[]; names: string[] }> {
    const byTarget = new Map<string, { events: MinimumEvent[]; unread: string[]; names: string[] }>();
    for (const r of resources.filter((x) => x.type === SCHEDULED_ACTION)) {
        const read = tryRead(() => {
            const key = scalableKey(r);
            const level = num(r.inputs, "scalableTargetAction.minCapacity");
            if (key === undefined || level === undefined) return undefined;
            const schedule = str(r.inputs, "schedule") ?? "";
            return { key, level, schedule, cron: awsScheduleAsCron(schedule), timezone: str(r.inputs, "timezone") ?? "UTC" };
        });
        if (!read) continue;
        const entry = byTarget.get(read.key) ?? { events: [], unread: [], names: [] };
        entry.names.push(`"${r.name}"`);
        if (read.cron === undefined) entry.unread.push(`${r.name} (${read.schedule})`);
        else entry.events.push({ cron: read.cron, timezone: read.timezone, level: read.level });
        byTarget.set(read.key, entry);
    }
    return byTarget;
}

/** Reads one Application Auto Scaling target of a SageMaker variant: bounds keyed `<endpoint name>/<variant name>`. */
function sagemakerTarget(r: CostedResource, actions: ReturnType<typeof scheduledActions>): { key: string; bounds: ReplicaBounds } | undefined {
    if (r.type !== APP_AUTOSCALING_TARGET || str(r.inputs, "serviceNamespace") !== "sagemaker") return undefined;
    const match = /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(str(r.inputs, "resourceId") ?? "");
    const min = num(r.inputs, "minCapacity");
    const max = num(r.inputs, "maxCapacity");
    if (!match || min === undefined || max === undefined) return undefined;
    const bounds: ReplicaBounds = { min, max, by: `aws:appautoscaling Target "${r.name}" (${min}-${max})` };
    const scheduled = actions.get(scalableKey(r) ?? "");
    if (scheduled) {
        bounds.prewarm =
            scheduled.unread.length > 0
                ? { replicaHoursPerMonth: null, words: `scheduled action(s) ${scheduled.unread.join(", ")}: only cron(...) schedules with year * are read` }
                : prewarmOf(min, scheduled.events, `scheduled action(s) ${scheduled.names.join(", ")}`);
    }
    return { key: `${match[1]}/${match[2]}`, bounds };
}

/** Cloud Scheduler jobs that patch a Cloud Run service's `scaling.minInstanceCount`, by service name. */
function cloudRunJobs(resources: ReadonlyArray<CostedResource>): Map<string, { events: MinimumEvent[]; names: string[] }> {
    const byService = new Map<string, { events: MinimumEvent[]; names: string[] }>();
    for (const r of resources.filter((x) => x.type === SCHEDULER_JOB)) {
        const read = tryRead(() => {
            const service = /\/services\/([^/?]+)\?(.*&)?updateMask=scaling\.minInstanceCount/.exec(str(r.inputs, "httpTarget.uri") ?? "")?.[1];
            const body = str(r.inputs, "httpTarget.body");
            if (service === undefined || body === undefined) return undefined;
            const level = num(JSON.parse(Buffer.from(body, "base64").toString("utf8")) as unknown, "scaling.minInstanceCount");
            const cron = str(r.inputs, "schedule");
            return level === undefined || cron === undefined ? undefined : { service, event: { cron, timezone: str(r.inputs, "timeZone") ?? "UTC", level } };
        });
        if (!read) continue;
        const entry = byService.get(read.service) ?? { events: [], names: [] };
        entry.events.push(read.event);
        entry.names.push(`"${r.name}"`);
        byService.set(read.service, entry);
    }
    return byService;
}

/**
 * A Knative Service's or Configuration's bounds with the CronJobs that raise its revisions' min-scale (a Service's
 * Configuration has the Service's name); undefined without such jobs, or without a max-scale (the pricer says why).
 */
function knativeBounds(r: CostedResource, minScaleJobs: ReturnType<typeof knativeMinScaleJobs>): ReplicaBounds | undefined {
    const scheduled = minScaleJobs.get(`${kubernetesNamespace(r)}/${kubernetesName(r)}`);
    const bounds = scheduled ? knativeScale(r.inputs) : undefined;
    if (!scheduled || bounds === undefined || typeof bounds === "string") return undefined;
    return { ...bounds, prewarm: prewarmOf(bounds.min, scheduled.events, `CronJob(s) ${scheduled.names.join(", ")}`) };
}

/** Safe read: a resource whose fields are not known yet (Outputs) links nothing; the others still link. */
function tryRead<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch {
        return undefined;
    }
}

/**
 * Reads every link in a set of resources once, and returns what applies to each resource. A workload with
 * two autoscalers takes the first in registration order.
 */
export function collectScaling(resources: ReadonlyArray<CostedResource>): (resource: CostedResource) => ResourceScaling {
    const nodesInStack = resources.some((r) => NODE_TYPES.has(r.type));
    const pools = resources.map((r) => tryRead(() => nodePoolView(r))).filter((p): p is NodePoolView => p !== undefined);
    const workloads = new Map<string, ReplicaBounds>();
    const variantTargets = new Map<string, ReplicaBounds>();
    const actions = scheduledActions(resources);
    for (const r of resources) {
        const found = tryRead(() => autoscalerBounds(r));
        if (found && !workloads.has(found.key)) workloads.set(found.key, found.bounds);
        const target = tryRead(() => sagemakerTarget(r, actions));
        if (target) variantTargets.set(target.key, target.bounds);
    }
    // Endpoint configuration name -> the names of the endpoints that use it.
    const endpointsOfConfig = new Map<string, string[]>();
    for (const r of resources.filter((x) => x.type === SAGEMAKER_ENDPOINT)) {
        const config = tryRead(() => str(r.inputs, "endpointConfigName"));
        const endpoint = tryRead(() => physicalName(r));
        if (config !== undefined && endpoint !== undefined) endpointsOfConfig.set(config, [...(endpointsOfConfig.get(config) ?? []), endpoint]);
    }
    const jobs = cloudRunJobs(resources);
    const minScaleJobs = knativeMinScaleJobs(resources, kubernetesNamespace);

    const replicasOf = (r: CostedResource): ReplicaBounds | undefined => {
        if (WORKLOADS[r.type]?.replicas === "knative-scale") return tryRead(() => knativeBounds(r, minScaleJobs));
        const kind = SCALABLE[r.type];
        const key = kind ? tryRead(() => workloadKey(kind, kubernetesNamespace(r), kubernetesName(r))) : undefined;
        return key !== undefined ? workloads.get(key) : undefined;
    };
    const poolOfWorkload = (r: CostedResource): NodePoolView | undefined => {
        const shape = WORKLOADS[r.type];
        return shape && pools.length > 0 ? tryRead(() => poolOf(record(r.inputs, `${shape.podSpec}.nodeSelector`), pools)) : undefined;
    };
    // The counted pods on each pool: workloads with a replica count (not DaemonSets or Jobs).
    const podsOnPool = new Map<string, PodsOnPool[]>();
    for (const r of resources) {
        const shape = WORKLOADS[r.type];
        const pool = poolOfWorkload(r);
        if (!shape || !pool || typeof shape.replicas !== "string") continue;
        const pods = tryRead((): PodsOnPool => {
            const demand = podDemand(record(r.inputs, shape.podSpec));
            return { name: r.name, devices: demand.devices, vcpus: demand.vcpus, memoryGiB: demand.memoryGiB, replicas: workloadReplicas(r.inputs, shape, replicasOf(r)) };
        });
        if (pods) podsOnPool.set(pool.urn, [...(podsOnPool.get(pool.urn) ?? []), pods]);
    }

    return (resource) => {
        const scaling: ResourceScaling = { nodesInStack };
        const bounds = replicasOf(resource);
        if (bounds) scaling.replicas = bounds;
        const pool = poolOfWorkload(resource);
        if (pool) scaling.pool = { urn: pool.urn, name: pool.name, type: pool.type };
        const onPool = podsOnPool.get(resource.urn);
        if (onPool) scaling.podsOnPool = onPool;
        if (resource.type === SAGEMAKER_ENDPOINT_CONFIG) {
            const configName = tryRead(() => physicalName(resource));
            const variants: Record<string, ReplicaBounds> = {};
            for (const endpoint of configName !== undefined ? (endpointsOfConfig.get(configName) ?? []) : []) {
                for (const [key, variantBounds] of variantTargets) {
                    const [ep, variant] = key.split("/");
                    if (ep === endpoint && variants[variant] === undefined) variants[variant] = variantBounds;
                }
            }
            if (Object.keys(variants).length > 0) scaling.variants = variants;
        }
        if (resource.type === CLOUD_RUN_SERVICE) {
            const scheduled = jobs.get(tryRead(() => physicalName(resource)) ?? "");
            const base = tryRead(() => Math.max(num(resource.inputs, "scaling.minInstanceCount") ?? 0, num(resource.inputs, "template.scaling.minInstanceCount") ?? 0));
            if (scheduled && base !== undefined) scaling.prewarm = prewarmOf(base, scheduled.events, `Cloud Scheduler job(s) ${scheduled.names.join(", ")}`);
        }
        return scaling;
    };
}

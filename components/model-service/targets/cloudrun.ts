/**
 * `target: gcp-cloudrun`: the model as a Cloud Run v2 Service, on CPU or one NVIDIA L4 GPU per instance.
 *
 * - Identity: a dedicated service account with no project roles; it is granted only what the revisions read
 *   (`secretAccessor` on each of its secrets, `objectViewer` on the model bucket of a gs:// artifact).
 * - Private by default: internal-only ingress and no `allUsers` invoker. `public` opens ingress; `allUsers` gets
 *   `run.invoker` only with `auth: none` chosen explicitly, and `auth: iam` leaves invocation to IAM principals
 *   (`cloudRun.invokers`). `cloudRun.loadBalancerIngress` admits a load balancer (a ModelGateway on gcp-loadbalancer) and
 *   nothing from the internet: ingress for the VPC and load balancers, the invoker check left to the gateway's Cloud Armor.
 * - Secrets live in Secret Manager (their values as Pulumi secrets) and reach the container as pinned versions.
 * - gs:// artifacts are mounted read-only from Cloud Storage at /models (Cloud Run has no init containers).
 * - Canaries are revision traffic: the last entry of `versions` is the template (revision `<service>-<name>`),
 *   the others name revisions that earlier deployments created. See examples/gcp-cloudrun/README.md.
 * - Queue mode (`scaling.mode: queue`): a Pub/Sub push subscription to the private service, whose ingress container is
 *   the queue consumer beside the model server (cloudrun-queue.ts; examples/gcp-cloudrun-queue).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { cloudTags, gcpLabels, shortHash } from "../../../sdk/naming";
import { AuthMode, Target } from "../args";
import { MODEL_MOUNT_PATH } from "../../../sdk/catalog/runtimes";
import { ServingSpec, ServingVersion } from "../spec";
import {
    cloudRunAutoscaling,
    cloudRunNames,
    cloudRunProblems,
    cloudRunSettings,
    CloudRunSettings,
    cloudRunTiming,
    containerLimits,
    costShape,
    gcsLocation,
    nodeSelector,
    startupProbeTiming,
    templateRevision,
} from "./cloudrun-spec";
import { ServingTarget, TargetDeployment } from "./target";
import { CloudRunQueue, connectCloudRunPush, prepareCloudRunQueue } from "./cloudrun-queue";
import { cloudRunQueueShapes, CONSUMER_RESOURCES, CONTAINERS } from "./cloudrun-queue-spec";
import { cloudRunPrewarmShapes, cloudRunReplicaShape, createCloudRunPrewarm } from "../../spike-autoscaler/cloudrun";
import { CloudRunMonitoringInputs, cloudRunMonitoringShapes, createCloudRunMonitoring } from "./gcp/monitoring";

type Env = gcp.types.input.cloudrunv2.ServiceTemplateContainerEnv;
type Volume = gcp.types.input.cloudrunv2.ServiceTemplateVolume;
type VolumeMount = gcp.types.input.cloudrunv2.ServiceTemplateContainerVolumeMount;
type Traffic = gcp.types.input.cloudrunv2.ServiceTraffic;

const INVOKER_ROLE = "roles/run.invoker";
const MODEL_VOLUME = "model";

/** What the children share: the parent, the service account as an IAM member, the labels, the escape hatches. */
interface Context {
    spec: ServingSpec;
    parent: pulumi.ComponentResource;
    member: pulumi.Output<string>;
    labels: Record<string, string>;
    resources: Record<string, pulumi.Resource>;
}

/** One Secret Manager secret per secret variable, readable by this service account only; env refs pin the version. */
function secretEnv(ctx: Context): { envs: Env[]; grants: pulumi.Resource[] } {
    const { spec, parent } = ctx;
    const names = cloudRunNames(spec);
    const envs: Env[] = [];
    const grants: pulumi.Resource[] = [];
    for (const [key, value] of Object.entries(spec.secrets)) {
        const secret = new gcp.secretmanager.Secret(`${spec.name}-secret-${key}`, { secretId: names.secretId(key), replication: { auto: {} }, labels: ctx.labels }, { parent });
        const version = new gcp.secretmanager.SecretVersion(`${spec.name}-secret-${key}`, { secret: secret.id, secretData: pulumi.secret(value) }, { parent });
        const access = new gcp.secretmanager.SecretIamMember(
            `${spec.name}-secret-${key}-access`,
            { project: secret.project, secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member: ctx.member },
            { parent },
        );
        // A pinned version (not "latest"): a new value makes a new revision, rolled out like any other change.
        envs.push({ name: key, valueSource: { secretKeyRef: { secret: secret.secretId, version: version.version } } });
        grants.push(access);
        Object.assign(ctx.resources, { [`secret-${key}`]: secret, [`secretVersion-${key}`]: version, [`secretAccess-${key}`]: access });
    }
    return { envs, grants };
}

/**
 * The gs:// artifact of the template's version as a read-only Cloud Storage volume. Every version's bucket is
 * readable, since the older revisions of a canary share the service account and mount theirs on each start.
 */
function modelVolume(ctx: Context, version: ServingVersion): { volumes: Volume[]; mounts: VolumeMount[]; grants: pulumi.Resource[] } {
    const { spec, parent } = ctx;
    const buckets = [...new Set(spec.versions.filter((v) => v.artifact).map((v) => gcsLocation((v.artifact as { uri: string }).uri).bucket))];
    const grants = buckets.map((bucket) => {
        const grant = new gcp.storage.BucketIAMMember(`${spec.name}-model-bucket-${bucket}`, { bucket, role: "roles/storage.objectViewer", member: ctx.member }, { parent });
        ctx.resources[`modelBucketAccess-${bucket}`] = grant;
        return grant;
    });
    if (!version.artifact) return { volumes: [], mounts: [], grants };
    const { bucket, prefix } = gcsLocation(version.artifact.uri);
    // implicit-dirs: buckets uploaded without directory placeholder objects still show their folders.
    const mountOptions = prefix ? ["implicit-dirs", `only-dir=${prefix}`] : ["implicit-dirs"];
    return {
        volumes: [{ name: MODEL_VOLUME, gcs: { bucket, readOnly: true, mountOptions } }],
        mounts: [{ name: MODEL_VOLUME, mountPath: MODEL_MOUNT_PATH }],
        grants,
    };
}

/** Revision traffic: one entry per version (tagged with its name, so each has its own URL), else all to the latest. */
function traffic(spec: ServingSpec): Traffic[] {
    if (!spec.canary) return [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }];
    const { revisionOf } = cloudRunNames(spec);
    return spec.versions.map((v) => ({ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: revisionOf(v.name), percent: v.weight, tag: v.name }));
}

function service(ctx: Context, settings: CloudRunSettings, account: gcp.serviceaccount.Account, email: pulumi.Output<string>, queue: CloudRunQueue | undefined): gcp.cloudrunv2.Service {
    const { spec, parent } = ctx;
    const version = spec.versions[spec.versions.length - 1];
    const secrets = secretEnv(ctx);
    const model = modelVolume(ctx, version);
    const volumes = [...model.volumes, ...(queue?.volumes ?? [])];
    const plainEnv: Env[] = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
    const probe = { path: spec.startupPath, port: spec.port };
    // Pre-warming moves the service-level minimum (components/spike-autoscaler/cloudrun.ts): the base minimum lives
    // there too, not on the revision, and Pulumi leaves it to the scheduler's jobs after creation.
    const prewarmed = (spec.autoscaling?.prewarm.length ?? 0) > 0;
    return new gcp.cloudrunv2.Service(
        `${spec.name}-service`,
        {
            name: cloudRunNames(spec).service,
            location: settings.region,
            description: `modelship ModelService ${spec.name}`,
            ingress: spec.exposure.public ? "INGRESS_TRAFFIC_ALL" : settings.loadBalancerIngress ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
            // Behind a load balancer's serverless NEG requests carry no Google identity: its Cloud Armor policy admits them.
            invokerIamDisabled: settings.loadBalancerIngress ? true : undefined,
            labels: ctx.labels,
            // The service holds no model data (weights live in the image or the bucket, which modelship never
            // deletes); the provider's default (true) would make `pulumi destroy` and every replacement fail.
            deletionProtection: false,
            scaling: prewarmed ? { minInstanceCount: spec.replicas.min } : undefined,
            template: {
                revision: templateRevision(spec, settings),
                serviceAccount: email,
                labels: ctx.labels,
                executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
                maxInstanceRequestConcurrency: settings.concurrency,
                timeout: `${settings.requestTimeoutSeconds}s`,
                scaling: prewarmed ? { maxInstanceCount: spec.replicas.max } : { minInstanceCount: spec.replicas.min, maxInstanceCount: spec.replicas.max },
                nodeSelector: nodeSelector(spec),
                gpuZonalRedundancyDisabled: spec.gpu ? !settings.gpuZonalRedundancy : undefined,
                volumes: volumes.length > 0 ? volumes : undefined,
                containers: [
                    // In queue mode the consumer is the ingress container, and the model server a sidecar without a port.
                    ...(queue ? [queue.consumer] : []),
                    {
                        name: CONTAINERS.model,
                        image: version.image,
                        commands: spec.command,
                        args: version.args.length > 0 ? version.args : undefined,
                        ports: queue ? undefined : { containerPort: spec.port, name: "http1" },
                        envs: plainEnv.length + secrets.envs.length > 0 ? [...plainEnv, ...secrets.envs] : undefined,
                        resources: { limits: containerLimits(spec), cpuIdle: !settings.cpuAlwaysAllocated },
                        startupProbe: { httpGet: probe, ...startupProbeTiming(spec) },
                        livenessProbe: { httpGet: { path: spec.livenessPath, port: spec.port }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
                        volumeMounts: model.mounts.length > 0 ? model.mounts : undefined,
                    },
                ],
            },
            traffics: traffic(spec),
        },
        // The first revision must be able to read its secrets and model when it starts.
        { parent, dependsOn: [account, ...secrets.grants, ...model.grants, ...(queue?.grants ?? [])], ignoreChanges: prewarmed ? ["scaling"] : undefined },
    );
}

/** `allUsers` only for a public service with `auth: none`; named principals always. */
function invokers(ctx: Context, settings: CloudRunSettings, svc: gcp.cloudrunv2.Service): void {
    const { spec, parent } = ctx;
    const bind = (logicalName: string, member: string) =>
        new gcp.cloudrunv2.ServiceIamMember(logicalName, { project: svc.project, location: svc.location, name: svc.name, role: INVOKER_ROLE, member }, { parent });
    if (spec.exposure.public && spec.exposure.auth === AuthMode.None) {
        ctx.resources.publicInvoker = bind(`${spec.name}-public-invoker`, "allUsers");
    }
    for (const member of settings.invokers) {
        // Named by a hash of the principal, so that reordering the list replaces nothing.
        ctx.resources[`invoker-${member}`] = bind(`${spec.name}-invoker-${shortHash(member, 8)}`, member);
    }
}

/** What the alert policies and the dashboard are built from (the same for the deployment and the cost model). */
function monitoringInputs(spec: ServingSpec, labels: Record<string, string>): CloudRunMonitoringInputs {
    return { serviceName: cloudRunNames(spec).service, requestTimeoutSeconds: cloudRunTiming(spec).requestTimeoutSeconds, labels };
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const settings = cloudRunSettings(spec);
    const names = cloudRunNames(spec);
    const account = new gcp.serviceaccount.Account(
        `${spec.name}-sa`,
        {
            accountId: names.accountId,
            displayName: `modelship ${spec.name} model server`,
            description: `Identity of the Cloud Run service ${names.service}: no project roles, only its own secrets and model bucket.`,
        },
        { parent },
    );
    // The documented email of a user-managed service account; built from outputs that are known offline too.
    const email = pulumi.interpolate`${account.accountId}@${account.project}.iam.gserviceaccount.com`;
    const ctx: Context = { spec, parent, member: pulumi.interpolate`serviceAccount:${email}`, labels: gcpLabels(cloudTags(spec.owner)), resources: { serviceAccount: account } };
    const queue = spec.queue ? prepareCloudRunQueue(ctx, settings, spec.queue) : undefined;
    const svc = service(ctx, settings, account, email, queue);
    ctx.resources.service = svc;
    invokers(ctx, settings, svc);
    if (queue) connectCloudRunPush(ctx, settings, queue, svc);
    if (spec.autoscaling) {
        const ref = { project: svc.project, region: settings.region, serviceName: svc.name, serviceAccountEmail: email };
        Object.assign(ctx.resources, createCloudRunPrewarm(spec.name, spec.autoscaling, ref, { parent }));
    }
    // Alert policies and a dashboard in the service's project (gcp/monitoring.ts), with observability on.
    Object.assign(ctx.resources, createCloudRunMonitoring(spec, monitoringInputs(spec, ctx.labels), svc.project, parent));
    // Cloud Run has one URL per service; with internal ingress it answers from the VPC only, so both are the same.
    return { url: svc.uri, internalUrl: svc.uri, endpointName: svc.name, resources: ctx.resources, queue: queue?.store.outputs() };
}

export const cloudRunTarget: ServingTarget<CloudRunSettings> = {
    target: Target.GcpCloudRun,
    settings: cloudRunSettings,
    autoscaling: cloudRunAutoscaling,
    validate: cloudRunProblems,
    timing: cloudRunTiming,
    deploy,
    replicaPricing: (spec) => {
        const settings = cloudRunSettings(spec);
        // In queue mode an instance bills the consumer container too.
        const shape = {
            region: settings.region,
            cpu: spec.cpu + (spec.queue ? CONSUMER_RESOURCES.cpu : 0),
            memoryGiB: spec.memoryGiB + (spec.queue ? CONSUMER_RESOURCES.memoryGiB : 0),
            gpu: spec.gpu !== undefined,
            cpuIdle: !settings.cpuAlwaysAllocated,
            gpuZonalRedundancy: settings.gpuZonalRedundancy,
        };
        return { shape: cloudRunReplicaShape(`${spec.name}-one-replica`, shape) };
    },
    costedResources: (spec) => {
        const settings = cloudRunSettings(spec);
        const service = costShape(spec, settings);
        // The pre-warming jobs raise the service's minimum: the cost model counts their hours in the minimum.
        const prewarm = spec.autoscaling ? cloudRunPrewarmShapes(spec.name, spec.autoscaling, service.name as string, settings.region) : [];
        const queue = spec.queue ? cloudRunQueueShapes(spec) : [];
        const monitoring = cloudRunMonitoringShapes(spec, monitoringInputs(spec, gcpLabels(cloudTags(spec.owner))));
        return [{ urn: `${spec.name}-service`, type: "gcp:cloudrunv2/service:Service", name: `${spec.name}-service`, inputs: service }, ...prewarm, ...queue, ...monitoring];
    },
};

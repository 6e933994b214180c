/**
 * Pre-warming windows with engine knative: the window's replicas as a raised `autoscaling.knative.dev/min-scale` on
 * the revisions that serve, set and restored on schedule by Kubernetes CronJobs. No new revision is made.
 *
 * Why the Revision, from Knative Serving's source (knative/serving, main of 2026-08-21):
 * - A Service's or Configuration's template is the revision: changing its min-scale annotation makes a new revision
 *   (pkg/reconciler/configuration/resources/revision.go:32-37, `MakeRevision` copies the template's metadata and spec),
 *   so a schedule on the template would roll the pods at every window's edge.
 * - A Revision's spec is immutable but its metadata is not: an update is refused only when the spec differs
 *   (pkg/apis/serving/v1/revision_validation.go:43-57), and its autoscaling annotations are validated like the
 *   template's (line 39, `ValidateObjectMetadata` with autoscaling annotations allowed).
 * - The revision reconciler runs on every Revision update (pkg/reconciler/revision/controller.go:134) and copies the
 *   Revision's annotations onto its PodAutoscaler (resources/pa.go:38, meta.go:84-86), on every reconcile: the PA's
 *   autoscaling annotations are replaced by the Revision's, which are "the source of truth"
 *   (reconcile_resources.go:196-219, `syncAnnotationsForKPA` 224-243). So patching the PodAutoscaler itself is undone
 *   at the next reconcile; patching the Revision is kept.
 * - The KPA reads min-scale from the PA on each reconcile (pkg/apis/autoscaling/v1alpha1/pa_lifecycle.go:88-95,
 *   `ScaleBounds`; pkg/reconciler/autoscaling/kpa/scaler.go:341) and raises the revision to it, from zero too.
 *   A revision the Route no longer sends traffic to is unreachable and keeps no minimum (pa_lifecycle.go:90).
 * - The Deployment and its pods do not carry the autoscaling annotations (resources/meta.go:72-96 filters them out of
 *   the Deployment's and the pods' annotations): raising min-scale adds pods, it restarts none.
 *
 * Which revisions: every revision carries `serving.knative.dev/configuration` (its Configuration's name, which is the
 * Service's name for a Service: pkg/reconciler/service/resources/names/names.go:22-24; configuration/resources/
 * revision.go:101-104), and `serving.knative.dev/routingState=active` while a Route sends it traffic
 * (pkg/reconciler/labeler/accessors.go:102-118; a routed Configuration's new revision is active from its creation,
 * configuration/resources/revision.go:92-95). A window's start raises the active revisions of the Configuration (the
 * one serving, and during a rollout the one rolled out too); its end restores every revision of it, so a revision that
 * stopped serving during the window keeps no raised minimum should it serve again.
 *
 * The job: `kubectl annotate revisions.serving.knative.dev --selector=... --overwrite autoscaling.knative.dev/min-scale=N`,
 * one command, no shell (the official kubectl image may have none), in the job's own namespace, the service's (kubectl
 * in a pod reads it from the mounted ServiceAccount token's directory: kubernetes/client-go tools/clientcmd
 * client_config.go, `inClusterClientConfig.Namespace`). With a selector kubectl lists the revisions and
 * sends each a JSON merge patch of its annotations (kubernetes/cli-runtime pkg/resource/builder.go:903-955
 * `visitBySelector`, selector.go:57 `List`; kubernetes/kubectl pkg/cmd/annotate/annotate.go:317-329): the Role grants
 * exactly `list` and `patch` on revisions. Revision names are generated (`<configuration>-00001`), so RBAC cannot name
 * them: the ServiceAccount may annotate any revision of the namespace (docs/scaling.md says so).
 *
 * A `pulumi up` that changes the template during a window makes a new revision at the template's minimum: the window
 * applies to it from its next start (or at once with `kubectl create job --from=cronjob/<start job> <name>`).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CostedResource } from "../../sdk/cost/types";
import { kubernetesLabels, labelValue, Ownership, physicalName } from "../../sdk/naming";
import { idleMinutesAfter, unixCron } from "./cron";
import { KNATIVE_AUTOSCALING } from "./knative";
import type { AutoscalerSpec } from "./spec";

/**
 * kubectl v1.34.1, the official image (registry.k8s.io/kubectl, built from kubernetes/kubernetes
 * build/server-image/kubectl/Dockerfile: the binary at /bin/kubectl, its ENTRYPOINT), pinned by the digest of its
 * multi-architecture index: the digest that three unrelated projects pinning `registry.k8s.io/kubectl:v1.34.1` in
 * their Dockerfiles agree on (found by code search; not re-read from the registry here, which this build cannot reach).
 */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.1@sha256:59bafa07ff3a6d4b417e7633ddb9d79a9606ca98bf64bac080b3e65748669250";
/** The user the job runs as: distroless's `nonroot` (65532), set explicitly since the image may declare root. */
export const KUBECTL_USER = 65532;
/** Revisions' label naming their Configuration (knative/serving pkg/apis/serving/register.go:33). */
export const CONFIGURATION_LABEL = "serving.knative.dev/configuration";
/** Revisions' label saying whether a Route sends them traffic (register.go:65; values pending, active, reserve). */
export const ROUTING_STATE_LABEL = "serving.knative.dev/routingState";
/** The min-scale annotation the jobs set. */
export const MIN_SCALE_ANNOTATION = `${KNATIVE_AUTOSCALING}/min-scale`;
/** Suffix of the ServiceAccount, Role and RoleBinding: `<service>-prewarm`. */
export const PREWARM_SUFFIX = "prewarm";
/**
 * The longest CronJob name: the controller names each Job `<cronjob>-<scheduled minute>` (11 characters more) within
 * the 63 of a label, and the API server refuses longer CronJob names ("must be no more than 52 characters",
 * kubernetes pkg/apis/batch/validation ValidateCronJob). Longer names are shortened with a hash (physicalName).
 */
export const CRONJOB_NAME_MAX = 52;
/** Retries of a failed job (its pods restart with the Job controller's back-off: 10 s, 20 s, 40 s). */
const JOB_RETRIES = 3;
/** A job that has not finished after this long (an API server out of reach) is stopped, and counted failed. */
const JOB_DEADLINE_SECONDS = 300;
/** kubectl's timeout per request (it waits for ever by default), so a retry comes well within the job's deadline. */
const REQUEST_TIMEOUT = "30s";
/** Where kubectl keeps its discovery cache: a writable emptyDir, the root filesystem being read-only. */
const CACHE_DIR = "/tmp/kube-cache";

/** A Configuration whose revisions the windows raise: the Service's own (named as the Service) or a canary version's. */
export interface KnativePrewarmTarget {
    /** The Configuration's name (the CronJobs are named after it). */
    configuration: string;
    /** The version, in a canary: the key of its CronJobs in the component's resources. */
    version?: string;
    /** Maps the service's replica counts to this Configuration's (a canary version's share). Defaults to identity. */
    replicasOf?: (n: number) => number;
}

/** The service whose windows these are. */
export interface KnativePrewarmRef {
    owner: Ownership;
    /** The service's name: the ServiceAccount, Role and RoleBinding are `<name>-prewarm`. */
    name: string;
    namespace: pulumi.Input<string>;
    configurations: KnativePrewarmTarget[];
}

/** One CronJob: the key in the component's resources, and its arguments. */
export interface PrewarmCronJob {
    role: string;
    name: string;
    args: kubernetes.batch.v1.CronJobArgs;
}

/** The objects of a service's windows (what is created and, for the CronJobs, priced). */
export interface KnativePrewarmObjects {
    serviceAccount: kubernetes.core.v1.ServiceAccountArgs;
    role: kubernetes.rbac.v1.RoleArgs;
    roleBinding: kubernetes.rbac.v1.RoleBindingArgs;
    cronJobs: PrewarmCronJob[];
}

/** `kubectl annotate` of a Configuration's revisions (the active ones at a start, all at an end) to `level`. */
function annotateArgs(configuration: string, edge: "start" | "end", level: number): string[] {
    const selector = `${CONFIGURATION_LABEL}=${configuration}${edge === "start" ? `,${ROUTING_STATE_LABEL}=active` : ""}`;
    return [
        "annotate",
        "revisions.serving.knative.dev",
        `--selector=${selector}`,
        "--overwrite",
        `--request-timeout=${REQUEST_TIMEOUT}`,
        `--cache-dir=${CACHE_DIR}`,
        `${MIN_SCALE_ANNOTATION}=${level}`,
    ];
}

/** The pod of every job: kubectl as a non-root user with the restricted profile, its token mounted (it talks to the API). */
function jobPod(serviceAccountName: string, args: string[]): kubernetes.types.input.core.v1.PodSpec {
    return {
        serviceAccountName,
        automountServiceAccountToken: true,
        enableServiceLinks: false,
        restartPolicy: "Never",
        securityContext: { runAsNonRoot: true, runAsUser: KUBECTL_USER, runAsGroup: KUBECTL_USER, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
            {
                name: "kubectl",
                image: KUBECTL_IMAGE,
                command: ["/bin/kubectl"],
                args,
                // A kubectl client uses tens of MiB; the limit leaves room for the discovery of a cluster with many CRDs.
                resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
    };
}

/**
 * The ServiceAccount, Role, RoleBinding and CronJobs of the service's windows; undefined without windows. Per window
 * and Configuration two CronJobs, in the window's time zone: the start sets the window's replicas, the end the
 * service's minimum (each a canary version's share); a version whose share the window does not raise gets none.
 */
export function knativePrewarmObjects(spec: AutoscalerSpec, ref: KnativePrewarmRef): KnativePrewarmObjects | undefined {
    if (spec.prewarm.length === 0) return undefined;
    const identity = physicalName(ref.name, PREWARM_SUFFIX);
    const labels = kubernetesLabels(ref.owner);
    // Not the service's selector labels: the service's PodDisruptionBudget must not count the jobs' pods.
    const podLabels = { ...labels, "app.kubernetes.io/name": "knative-prewarm", "app.kubernetes.io/instance": labelValue(ref.owner.service) };
    const cronJobs = spec.prewarm.flatMap((window, i) =>
        ref.configurations.flatMap(({ configuration, version, replicasOf = (n: number) => n }) => {
            const levels = { start: replicasOf(window.replicas), end: replicasOf(spec.min) };
            if (levels.start <= levels.end) return [];
            return (["start", "end"] as const).map((edge): PrewarmCronJob => {
                const name = physicalName(configuration, `${PREWARM_SUFFIX}-${i}-${edge}`, CRONJOB_NAME_MAX);
                const late = edge === "start" ? window.schedule.durationMinutes : idleMinutesAfter(window.schedule);
                return {
                    role: `prewarm-${i}-${edge}${version ? `-${version}` : ""}`,
                    name,
                    args: {
                        metadata: { name, namespace: ref.namespace, labels },
                        spec: {
                            schedule: unixCron(window.schedule, edge),
                            timeZone: window.schedule.timezone,
                            // Two runs of one edge never overlap; a run missed (controller down) still starts while it
                            // means something: a start within its window, an end before the next window starts.
                            concurrencyPolicy: "Forbid",
                            startingDeadlineSeconds: late * 60,
                            successfulJobsHistoryLimit: 1,
                            failedJobsHistoryLimit: 3,
                            jobTemplate: {
                                metadata: { labels: podLabels },
                                spec: {
                                    backoffLimit: JOB_RETRIES,
                                    activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
                                    template: { metadata: { labels: podLabels }, spec: jobPod(identity, annotateArgs(configuration, edge, levels[edge])) },
                                },
                            },
                        },
                    },
                };
            });
        }),
    );
    return {
        serviceAccount: { metadata: { name: identity, namespace: ref.namespace, labels }, automountServiceAccountToken: false },
        role: {
            metadata: { name: identity, namespace: ref.namespace, labels },
            rules: [{ apiGroups: ["serving.knative.dev"], resources: ["revisions"], verbs: ["list", "patch"] }],
        },
        roleBinding: {
            metadata: { name: identity, namespace: ref.namespace, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: identity },
            subjects: [{ kind: "ServiceAccount", name: identity, namespace: ref.namespace }],
        },
        cronJobs,
    };
}

/** The CronJobs as the cost model reads them (the hours they raise the revisions' minimum). */
export function knativePrewarmCostedResources(objects: KnativePrewarmObjects | undefined): CostedResource[] {
    return (objects?.cronJobs ?? []).map(({ name, args }) => ({ urn: name, type: "kubernetes:batch/v1:CronJob", name, inputs: args as unknown as Record<string, unknown> }));
}

/**
 * Creates the windows' objects; the CronJobs after the RoleBinding and `after` (the Knative objects whose revisions
 * they annotate). Returns them keyed for the component's resources.
 */
export function createKnativePrewarm(objects: KnativePrewarmObjects, opts: pulumi.CustomResourceOptions, after: pulumi.Resource[]): Record<string, pulumi.Resource> {
    const name = objects.serviceAccount.metadata as { name: string };
    const serviceAccount = new kubernetes.core.v1.ServiceAccount(name.name, objects.serviceAccount, opts);
    const role = new kubernetes.rbac.v1.Role(name.name, objects.role, opts);
    const roleBinding = new kubernetes.rbac.v1.RoleBinding(name.name, objects.roleBinding, { ...opts, dependsOn: [serviceAccount, role] });
    const resources: Record<string, pulumi.Resource> = { prewarmServiceAccount: serviceAccount, prewarmRole: role, prewarmRoleBinding: roleBinding };
    const dependsOn = [...((opts.dependsOn as pulumi.Resource[] | undefined) ?? []), roleBinding, ...after];
    for (const job of objects.cronJobs) resources[job.role] = new kubernetes.batch.v1.CronJob(job.name, job.args, { ...opts, dependsOn });
    return resources;
}

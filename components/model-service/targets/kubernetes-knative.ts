/**
 * `target: kubernetes` with `kubernetes.autoscaler.engine: knative`: the model as a Knative Serving workload, scaled
 * by Knative's KPA, which scales HTTP traffic to zero (its activator holds the requests while the first replica starts).
 *
 * One version: a `serving.knative.dev/v1` Service. A canary (`versions`): one Configuration per version
 * (`<service>-<version>`, each making its own revisions) and a Route splitting the traffic by the versions' weights:
 * a Service has one template, so it cannot hold two versions at once. Both are cluster-local
 * (`networking.knative.dev/visibility`), beside the ServiceAccount, the Secret of `secrets` and a PodDisruptionBudget
 * per version (Knative makes none; `maxUnavailable: 1` never blocks a drain, and at zero it selects nothing). Pre-warming
 * windows: CronJobs that raise the serving revisions' min-scale and restore it, with their ServiceAccount, Role and
 * RoleBinding (components/spike-autoscaler/knative-prewarm.ts).
 *
 * The revision template is the pod template every workload gets (components/kubernetes/workload.ts: containers,
 * probes, GPUs, placement, security, volumes), less what Knative's webhook refuses or owns
 * (knative/serving pkg/apis/serving/fieldmask.go, k8s_validation.go): the container's `lifecycle` (the queue-proxy
 * drains requests), `terminationGracePeriodSeconds` (Knative sets it to the request timeout), the pod's
 * `fsGroupChangePolicy`, a second port (one port, named `http1`), probes on a named port (they use the port's number).
 * The config-features flags the remaining fields need are listed on the object (`modelship.dev/knative-features`) and
 * in docs/scaling.md.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { kubernetesLabels, LABEL_PREFIX, physicalName } from "../../../sdk/naming";
import { clusterDnsName, createDisruptionBudget, podTemplate } from "../../kubernetes";
import { knativeAutoscalingAnnotations } from "../../spike-autoscaler/knative";
import { createKnativeInstall, KNATIVE_DEFAULT_MAX_REVISION_TIMEOUT_SECONDS } from "../../spike-autoscaler/knative-install";
import { createKnativePrewarm, KnativePrewarmObjects, knativePrewarmCostedResources, knativePrewarmObjects } from "../../spike-autoscaler/knative-prewarm";
import type { AutoscalerSpec } from "../../spike-autoscaler/spec";
import { ServingSpec } from "../spec";
import { layouts, VersionLayout, versionReplicas, workloadSpec } from "./kubernetes";
import { knativeProgressDeadlineSeconds, knativeTimeoutSeconds, requiredFeatureFlags } from "./kubernetes-knative-spec";
import { knativeControlPlaneMonitorArgs } from "./kubernetes-observability";
import { kubernetesSettings, SECRETS_SUFFIX } from "./kubernetes-spec";
import { TargetDeployment } from "./target";

type PodSpec = kubernetes.types.input.core.v1.PodSpec;
type Json = Record<string, unknown>;

/** API group and version of Knative Serving's objects. */
export const KNATIVE_SERVING_API = "serving.knative.dev/v1";
/** The label that keeps a Knative Service or Route off the public ingress (knative.dev/docs/serving/services/private-services). */
export const KNATIVE_VISIBILITY_LABEL = "networking.knative.dev/visibility";
/** Annotation on the Knative Service (or Route) naming the config-features flags its revisions need. */
export const KNATIVE_FEATURES_ANNOTATION = `${LABEL_PREFIX}/knative-features`;

/** The ServiceAccount and Secret the revisions use, and where `deploy` puts what it creates. */
export interface KnativeRefs {
    opts: pulumi.CustomResourceOptions;
    resources: Record<string, pulumi.Resource>;
    serviceAccountName: pulumi.Input<string>;
    secretName?: pulumi.Input<string>;
}

/** A probe on the serving port by number: Knative accepts no port name but the port's own (`http1`). */
function onPort(probe: unknown, port: number): unknown {
    const p = probe as Json | undefined;
    const httpGet = p?.httpGet as Json | undefined;
    return p && httpGet ? { ...p, httpGet: { ...httpGet, port } } : probe;
}

/** The pod spec of a workload, as Knative's webhook accepts it (see the file's comment). */
export function knativePodSpec(pod: PodSpec, port: number): PodSpec {
    const { terminationGracePeriodSeconds: _grace, securityContext, containers, ...rest } = pod as PodSpec & Json;
    const { fsGroupChangePolicy: _policy, ...podSecurity } = (securityContext ?? {}) as Json;
    const [server, ...others] = containers as unknown as Json[];
    const { lifecycle: _lifecycle, ports: _ports, ...container } = server;
    const serving = {
        ...container,
        ports: [{ name: "http1", containerPort: port, protocol: "TCP" }],
        startupProbe: onPort(container.startupProbe, port),
        readinessProbe: onPort(container.readinessProbe, port),
        livenessProbe: onPort(container.livenessProbe, port),
    };
    return { ...rest, securityContext: podSecurity, containers: [serving, ...others] } as unknown as PodSpec;
}

/** The revision template of one version: the pod, the KPA's annotations, the request timeout and progress deadline. */
function revisionTemplate(spec: ServingSpec, layout: VersionLayout, refs: Pick<KnativeRefs, "serviceAccountName" | "secretName">): { template: Json; features: string[] } {
    const autoscaling = spec.autoscaling as AutoscalerSpec;
    const pod = podTemplate(workloadSpec(spec, layout, refs));
    const podSpec = knativePodSpec(pod.spec as PodSpec, spec.port);
    const replicasOf = spec.canary ? (n: number) => versionReplicas(n, layout.version.weight) : undefined;
    const timeoutSeconds = knativeTimeoutSeconds(autoscaling);
    const annotations = {
        ...((pod.metadata as Json | undefined)?.annotations as Record<string, string>),
        ...knativeAutoscalingAnnotations(autoscaling, replicasOf),
        "serving.knative.dev/progress-deadline": `${knativeProgressDeadlineSeconds(spec.startupTimeoutSeconds)}s`,
    };
    return {
        // The activator applies the revision's timeouts from a request's arrival: both cover the wait for a replica.
        template: { metadata: { labels: layout.podLabels, annotations }, spec: { ...podSpec, timeoutSeconds, responseStartTimeoutSeconds: timeoutSeconds } },
        features: requiredFeatureFlags(podSpec),
    };
}

type KnativeObject = { layout?: VersionLayout; args: kubernetes.apiextensions.CustomResourceArgs };

/**
 * The objects of the service, with names as given (strings or Outputs): a Service, or Configurations and a Route; and
 * the config-features flags their revisions need.
 */
function knativeObjects(spec: ServingSpec, refs: Pick<KnativeRefs, "serviceAccountName" | "secretName">): { objects: KnativeObject[]; features: string[] } {
    const namespace = kubernetesSettings(spec).namespace;
    const base = physicalName(spec.name);
    const visible = { [KNATIVE_VISIBILITY_LABEL]: "cluster-local" };
    const versions = layouts(spec);
    const built = versions.map((layout) => ({ layout, ...revisionTemplate(spec, layout, refs) }));
    const features = [...new Set(built.flatMap((b) => b.features))].sort();
    const annotations = { [KNATIVE_FEATURES_ANNOTATION]: features.join(",") };
    if (!spec.canary) {
        const metadata = { name: base, namespace, labels: { ...kubernetesLabels(spec.owner), ...visible }, annotations };
        return {
            objects: [
                { layout: versions[0], args: { apiVersion: KNATIVE_SERVING_API, kind: "Service", metadata, spec: { template: built[0].template, traffic: [{ latestRevision: true, percent: 100 }] } } },
            ],
            features,
        };
    }
    const configurations = built.map(({ layout, template }) => ({
        layout,
        args: { apiVersion: KNATIVE_SERVING_API, kind: "Configuration", metadata: { name: layout.name, namespace, labels: layout.labels, annotations }, spec: { template } },
    }));
    const traffic = versions.map((layout) => ({ configurationName: layout.name, percent: layout.version.weight }));
    const route = { apiVersion: KNATIVE_SERVING_API, kind: "Route", metadata: { name: base, namespace, labels: { ...kubernetesLabels(spec.owner), ...visible } }, spec: { traffic } };
    return { objects: [...configurations, { args: route }], features };
}

/** The objects of the pre-warming windows: per window, CronJobs on the Service's Configuration or on each version's (its share). */
function prewarmObjects(spec: ServingSpec): KnativePrewarmObjects | undefined {
    const configurations = spec.canary
        ? layouts(spec).map((layout) => ({ configuration: layout.name, version: layout.version.name, replicasOf: (n: number) => versionReplicas(n, layout.version.weight) }))
        : [{ configuration: physicalName(spec.name) }];
    return knativePrewarmObjects(spec.autoscaling as AutoscalerSpec, { owner: spec.owner, name: physicalName(spec.name), namespace: kubernetesSettings(spec).namespace, configurations });
}

/** Creates the Knative objects, a PodDisruptionBudget per version and the windows' CronJobs; the URL is the Route's cluster-local host. */
export function deployKnative(spec: ServingSpec, refs: KnativeRefs): TargetDeployment {
    const namespace = kubernetesSettings(spec).namespace;
    const { resources } = refs;
    let opts = refs.opts;
    const { objects, features } = knativeObjects(spec, refs);
    const autoscaling = spec.autoscaling as AutoscalerSpec;
    const timeoutSeconds = knativeTimeoutSeconds(autoscaling);
    if (!autoscaling.kubernetes?.installKnative && timeoutSeconds > KNATIVE_DEFAULT_MAX_REVISION_TIMEOUT_SECONDS) {
        void pulumi.log.warn(
            `the revision's request timeout, ${timeoutSeconds} s (a request waits for a cold start at zero), is above Knative's default max-revision-timeout-seconds ` +
                `(${KNATIVE_DEFAULT_MAX_REVISION_TIMEOUT_SECONDS} s): raise it in config-defaults, or set kubernetes.autoscaler.installKnative (docs/scaling.md)`,
            refs.opts.parent,
        );
    }
    if (autoscaling.kubernetes?.installKnative) {
        const prometheusMetrics = spec.observability.enabled;
        const install = createKnativeInstall(`${spec.name}-knative`, { features, timeoutSeconds, prometheusMetrics }, opts);
        Object.assign(resources, install.resources);
        if (prometheusMetrics) {
            // Knative's autoscaler and activator metrics, which the dashboard reads, scraped once Knative runs.
            resources.knativeControlPlaneMonitor = new kubernetes.apiextensions.CustomResource(`${spec.name}-knative-metrics`, knativeControlPlaneMonitorArgs(spec), {
                ...opts,
                dependsOn: [install.serving],
            });
        }
        // Knative's webhook must run before it can admit the service.
        opts = { ...opts, dependsOn: [...((opts.dependsOn as pulumi.Resource[] | undefined) ?? []), install.serving] };
    }
    const configurations: pulumi.Resource[] = [];
    for (const { layout, args } of objects) {
        if (layout) {
            resources[layout.role("disruptionBudget")] = createDisruptionBudget(layout.name, { name: layout.name, namespace, labels: layout.labels, selector: layout.selector }, opts);
        }
        const kind = args.kind as string;
        const name = (args.metadata as { name: string }).name;
        const resource = new kubernetes.apiextensions.CustomResource(
            name,
            args,
            kind === "Route" ? { ...opts, dependsOn: [...configurations, ...((opts.dependsOn as pulumi.Resource[]) ?? [])] } : opts,
        );
        if (kind === "Configuration") configurations.push(resource);
        resources[kind === "Service" ? "knativeService" : kind === "Route" ? "route" : (layout as VersionLayout).role("configuration")] = resource;
    }
    const prewarm = prewarmObjects(spec);
    // The jobs annotate the revisions of the Service or Configurations: after them.
    if (prewarm) Object.assign(resources, createKnativePrewarm(prewarm, opts, resources.knativeService ? [resources.knativeService] : configurations));
    // Knative answers cluster-local routes on port 80 of the Route's name.
    const routed = (resources.knativeService ?? resources.route) as kubernetes.apiextensions.CustomResource;
    const url = clusterDnsName(routed.metadata.name, namespace).apply((host) => `http://${host}`);
    return { url, internalUrl: url, endpointName: url, resources };
}

/**
 * The Knative objects exactly as `deploy` creates them (names as strings), for the cost model: their pods are priced from
 * the template and min/max-scale, and the hours the windows' CronJobs raise min-scale.
 */
export function knativeCostedResources(spec: ServingSpec): CostedResource[] {
    const secretName = Object.keys(spec.secrets).length > 0 ? physicalName(spec.name, SECRETS_SUFFIX) : undefined;
    return knativeObjects(spec, { serviceAccountName: physicalName(spec.name), secretName })
        .objects.filter(({ args }) => args.kind !== "Route")
        .map(({ args }) => {
            const name = (args.metadata as { name: string }).name;
            return { urn: name, type: `kubernetes:${KNATIVE_SERVING_API}:${args.kind}`, name, inputs: args as unknown as Record<string, unknown> } as CostedResource;
        })
        .concat(knativePrewarmCostedResources(prewarmObjects(spec)));
}

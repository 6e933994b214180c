/**
 * `target: kubernetes`: the model on any Kubernetes cluster (EKS, GKE or your own), built with the shared
 * workload builder in `components/kubernetes`.
 *
 * Per version (one for a single model; one per `versions[]` entry for a canary, named after the version):
 * a Deployment, a PodDisruptionBudget and, with `scaling.autoscaling`, its KEDA ScaledObject or HPA
 * (components/spike-autoscaler; the Deployment then leaves `replicas` to it). Per service: a ServiceAccount, a ClusterIP Service over every
 * version, a Secret for `secrets`, and, when public or with versions, an HTTPRoute on `kubernetes.gateway`
 * (weighted per-version Services behind it) with Envoy Gateway's SecurityPolicy for `api-key` or `jwt`.
 *
 * Queue mode (`scaling.mode: queue`, kubernetes-queue/): the queue's backend, the consumer beside the server in every pod
 * (its script in a ConfigMap), and a ScaledObject on the queue's backlog; no Service, no HTTPRoute.
 *
 * With `observability.enabled` (the default), a PodMonitor for the server's metrics and a PrometheusRule of alerts
 * (kubernetes-observability.ts), on both engines.
 *
 * Names come from the component's name (plus the version's name in a canary), never from an image, so a
 * model update changes only the Deployment's pod template.
 *
 * The settings step, the rules and the autoscaling part: kubernetes-spec.ts.
 */
import { grafanaDashboard } from "../observability/dashboard";
import { createDashboardConfigMap } from "../observability/dashboard-configmap";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { kubernetesLabels, LABEL_PREFIX, physicalName, selectorLabels } from "../../../sdk/naming";
import {
    ACCELERATOR_LABEL,
    clusterDnsName,
    createAuthPolicy,
    createDeployment,
    createDisruptionBudget,
    createHttpRoute,
    createSecret,
    createService,
    createServiceAccount,
    deploymentArgs,
    parseGatewayRef,
    PRE_STOP_SLEEP_SECONDS,
    WorkloadSpec,
} from "../../kubernetes";
import type { ReplicaPricing } from "../../spike-autoscaler/budget";
import { createKedaRelease } from "../../spike-autoscaler/keda";
import { createKubernetesAutoscaler, KubernetesScaleRef, kubernetesAutoscalerShape, kubernetesReplicaShape } from "../../spike-autoscaler/kubernetes";
import { AuthMode, Target } from "../args";
import { MODEL_MOUNT_PATH } from "../../../sdk/catalog/runtimes";
import { createModelCacheClaim, modelCacheClaimArgs, modelVolume } from "../model-cache";
import { ServingSpec, ServingVersion } from "../spec";
import { ServingTiming } from "../timing";
import type { AutoscalerSpec } from "../../spike-autoscaler/spec";
import {
    API_KEYS_SUFFIX,
    deploymentTiming,
    kubernetesAutoscaling,
    kubernetesProblems,
    KubernetesSettings,
    kubernetesSettings,
    onKnative,
    PRE_START_BUDGET_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    routed,
    routeTimeoutSeconds,
    SECRETS_SUFFIX,
} from "./kubernetes-spec";
import { deployKnative, knativeCostedResources } from "./kubernetes-knative";
import { deployObservability } from "./kubernetes-observability";
import { knativeServiceProblems, knativeTiming } from "./kubernetes-knative-spec";
import { consumerRefsShape, deployQueueMode, queueCostedResources } from "./kubernetes-queue/deploy";
import { ConsumerRefs, queuePodResources, withConsumer } from "./kubernetes-queue/sidecar";
import { queueModeProblems } from "./kubernetes-queue/spec";
import { ServingTarget, TargetDeployment } from "./target";

/** Pod label that tells the versions of a canary apart (part of each version's selector). */
export const VERSION_LABEL = `${LABEL_PREFIX}/version`;

/** Names, labels and replicas of one version's Deployment (or, on Knative, Configuration). */
export interface VersionLayout {
    version: ServingVersion;
    /** Resource and physical name of the Deployment, its PodDisruptionBudget and (canary) its Service. */
    name: string;
    /** Key in the component's `resources`: `deployment` or `deployment-<version>`. */
    role: (kind: string) => string;
    selector: Record<string, string>;
    labels: Record<string, string>;
    podLabels: Record<string, string>;
    replicas: { min: number; max: number };
}

/**
 * Replicas of a canary version: its share of the service's, rounded up, and at least one while the service
 * runs any (a version the gateway sends traffic to must have a pod to answer).
 */
export function versionReplicas(count: number, weight: number): number {
    return count === 0 ? 0 : Math.max(1, Math.ceil((count * weight) / 100));
}

export function layouts(spec: ServingSpec): VersionLayout[] {
    const accelerator: Record<string, string> = spec.gpu ? { [ACCELERATOR_LABEL]: spec.gpu.accelerator } : {};
    return spec.versions.map((version) => {
        const versioned: Record<string, string> = spec.canary ? { [VERSION_LABEL]: version.name } : {};
        const replicas = spec.canary ? { min: versionReplicas(spec.replicas.min, version.weight), max: versionReplicas(spec.replicas.max, version.weight) } : spec.replicas;
        return {
            version,
            name: spec.canary ? physicalName(spec.name, version.name) : physicalName(spec.name),
            role: (kind: string) => (spec.canary ? `${kind}-${version.name}` : kind),
            selector: { ...selectorLabels(spec.owner), ...versioned },
            labels: kubernetesLabels(spec.owner, versioned),
            podLabels: kubernetesLabels(spec.owner, { ...versioned, ...accelerator }),
            replicas,
        };
    });
}

/** The workload of one version (with the queue's consumer in queue mode). Names of the ServiceAccount and Secret are Outputs in `deploy` (dependencies). */
export function workloadSpec(spec: ServingSpec, layout: VersionLayout, refs: { serviceAccountName: pulumi.Input<string>; secretName?: pulumi.Input<string>; consumer?: ConsumerRefs }): WorkloadSpec {
    const settings = kubernetesSettings(spec);
    const secretEnv = refs.secretName !== undefined ? { secretName: refs.secretName, keys: Object.keys(spec.secrets) } : undefined;
    const metricsAnnotations: Record<string, string> = spec.metricsPath
        ? { "prometheus.io/scrape": "true", "prometheus.io/port": String(spec.metricsPort ?? spec.port), "prometheus.io/path": spec.metricsPath }
        : {};
    const workload: WorkloadSpec = {
        name: layout.name,
        namespace: settings.namespace,
        labels: layout.labels,
        selector: layout.selector,
        podLabels: layout.podLabels,
        podAnnotations: metricsAnnotations,
        serviceAccountName: refs.serviceAccountName,
        // Left out when an autoscaler owns the count (and its drift ignored), else fixed at the minimum.
        replicas: spec.autoscaling ? undefined : layout.replicas.min,
        server: {
            image: layout.version.image,
            command: spec.command,
            args: layout.version.args,
            port: spec.port,
            metricsPort: spec.metricsPort,
            env: spec.env,
            secretEnv,
            probes: { startupPath: spec.startupPath, readinessPath: spec.readinessPath, livenessPath: spec.livenessPath, startupTimeoutSeconds: spec.startupTimeoutSeconds },
            resources: { cpu: spec.cpu, memoryGiB: spec.memoryGiB, accelerator: spec.gpu },
            readOnlyRootFilesystem: settings.readOnlyRootFilesystem,
        },
        // The fetcher and the volume it fills: a per-pod emptyDir, or the model cache (model-cache.ts).
        ...modelVolume(spec, layout.version, secretEnv),
        modelMountPath: MODEL_MOUNT_PATH,
        sharedMemoryGiB: spec.sharedMemoryGiB,
        placement: { nodeSelector: settings.nodeSelector, tolerations: settings.tolerations, priorityClassName: settings.priorityClassName },
        terminationGracePeriodSeconds: PRE_STOP_SLEEP_SECONDS + REQUEST_TIMEOUT_SECONDS,
        progressDeadlineSeconds: spec.startupTimeoutSeconds + PRE_START_BUDGET_SECONDS,
    };
    return refs.consumer ? withConsumer(workload, spec, refs.consumer) : workload;
}

/** The Grafana dashboard's ConfigMap (observability.dashboard) over every version's pods, the Deployments' or the Knative revisions'. */
function deployDashboard(spec: ServingSpec, labels: Record<string, string>, opts: pulumi.CustomResourceOptions): Record<string, pulumi.Resource> {
    if (!spec.observability.dashboard) return {};
    const namespace = kubernetesSettings(spec).namespace;
    const name = physicalName(spec.name, "dashboard");
    const json = pulumi.output(namespace).apply((ns) => grafanaDashboard(spec, { namespace: ns, workloads: layouts(spec).map((l) => l.name) }));
    return { dashboard: createDashboardConfigMap(name, namespace, { service: labels, grafanaDashboard: spec.observability.grafanaDashboardLabels }, json, opts) };
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const settings = kubernetesSettings(spec);
    const namespace = settings.namespace;
    const labels = kubernetesLabels(spec.owner);
    const resources: Record<string, pulumi.Resource> = {};
    // A kubeconfig holds cluster credentials: secret in the state whatever the caller passed.
    const provider = settings.kubeconfig !== undefined ? new kubernetes.Provider(`${spec.name}-provider`, { kubeconfig: pulumi.secret(settings.kubeconfig) }, { parent }) : undefined;
    if (provider) resources.provider = provider;
    const opts: pulumi.CustomResourceOptions = provider ? { parent, provider } : { parent };
    const base = physicalName(spec.name);
    const kedaRelease = spec.autoscaling?.kubernetes?.installKeda ? createKedaRelease(`${spec.name}-keda`, opts) : undefined;
    if (kedaRelease) resources.kedaRelease = kedaRelease;
    // Queue mode: the backend first, as the ServiceAccount may carry its identity.
    const queue = spec.queue ? deployQueueMode(spec, { namespace, serviceAccountName: base, labels, parent, opts, kedaRelease }) : undefined;
    if (queue) Object.assign(resources, queue.resources);

    const serviceAccount = createServiceAccount(base, { name: base, namespace, labels, annotations: queue ? queue.serviceAccountAnnotations : settings.serviceAccountAnnotations }, opts);
    resources.serviceAccount = serviceAccount;
    let secretName: pulumi.Output<string> | undefined;
    if (Object.keys(spec.secrets).length > 0) {
        const name = physicalName(spec.name, SECRETS_SUFFIX);
        const secret = createSecret(name, { name, namespace, labels, values: spec.secrets }, opts);
        resources.secret = secret;
        secretName = secret.metadata.name;
    }

    // The model cache's claim, before the workloads that mount it.
    const claimArgs = modelCacheClaimArgs(spec, namespace, labels);
    const claim = claimArgs ? createModelCacheClaim(claimArgs, opts) : undefined;
    if (claim) resources.modelCacheClaim = claim;
    const workloadOpts = claim || queue ? { ...opts, dependsOn: [...(claim ? [claim] : []), ...(queue?.dependencies ?? [])] } : opts;

    // The PodMonitor and the alerts (observability.enabled): they select the pods by label, so they need nothing created first.
    Object.assign(resources, deployObservability(spec, timing(spec), opts));

    if (onKnative(spec)) {
        const knative = deployKnative(spec, { opts: workloadOpts, resources, serviceAccountName: serviceAccount.metadata.name, secretName });
        Object.assign(resources, deployDashboard(spec, labels, opts));
        return knative;
    }

    const versions = layouts(spec);
    if (spec.replicas.max > spec.replicas.min && !spec.autoscaling) {
        void pulumi.log.warn(`replicas stay at ${spec.replicas.min}: give scaling.autoscaling to scale the Deployment toward ${spec.replicas.max}`, parent);
    }
    for (const layout of versions) {
        const workload = workloadSpec(spec, layout, { serviceAccountName: serviceAccount.metadata.name, secretName, consumer: queue?.consumer });
        const deployment = createDeployment(layout.name, workload, workloadOpts);
        resources[layout.role("deployment")] = deployment;
        resources[layout.role("disruptionBudget")] = createDisruptionBudget(layout.name, { name: layout.name, namespace, labels: layout.labels, selector: layout.selector }, opts);
        if (spec.autoscaling) {
            const ref = { ...scaleRef(spec, layout, deployment.metadata.name), trigger: queue?.trigger };
            const made = createKubernetesAutoscaler(layout.name, spec.autoscaling, ref, { ...opts, dependsOn: [...(kedaRelease ? [kedaRelease] : []), ...(queue?.dependencies ?? [])] });
            resources[layout.role(made.role)] = made.resource;
        }
    }

    Object.assign(resources, deployDashboard(spec, labels, opts));

    if (queue) return { url: queue.submitUrl, internalUrl: pulumi.output(""), endpointName: pulumi.output(""), queue: queue.outputs, resources };
    // The service-wide Service selects every version: in-cluster callers are spread by ready replicas.
    const service = createService(base, { name: base, namespace, labels, selector: selectorLabels(spec.owner), port: spec.port, metricsPort: spec.metricsPort }, opts);
    resources.service = service;
    // From the Service's name, so the URL depends on the Service.
    const internalUrl = clusterDnsName(service.metadata.name, namespace, spec.port);
    if (!routed(spec)) return { url: internalUrl, internalUrl, endpointName: internalUrl, resources };

    const backends = spec.canary
        ? versions.map((layout) => {
              const perVersion = createService(layout.name, { name: layout.name, namespace, labels: layout.labels, selector: layout.selector, port: spec.port }, opts);
              resources[layout.role("service")] = perVersion;
              return { serviceName: perVersion.metadata.name, port: spec.port, weight: layout.version.weight };
          })
        : [{ serviceName: service.metadata.name, port: spec.port }];
    const hostname = spec.exposure.hostname;
    const route = createHttpRoute(
        base,
        {
            name: base,
            namespace,
            labels,
            gateway: parseGatewayRef(settings.gateway as string),
            hostnames: hostname ? [hostname] : undefined,
            backends,
            // With no replica running, a request waits for a cold start first: the timing's two parts.
            requestTimeoutSeconds: routeTimeoutSeconds(spec),
        },
        opts,
    );
    resources.route = route;

    const auth = spec.exposure.auth;
    if (auth === AuthMode.ApiKey || auth === AuthMode.Jwt) {
        let apiKey: { secretName: pulumi.Input<string> } | undefined;
        if (auth === AuthMode.ApiKey && settings.apiKeys !== undefined) {
            const name = physicalName(spec.name, API_KEYS_SUFFIX);
            const keys = createSecret(name, { name, namespace, labels, values: settings.apiKeys }, opts);
            resources.apiKeySecret = keys;
            apiKey = { secretName: keys.metadata.name };
        } else if (auth === AuthMode.ApiKey) {
            apiKey = { secretName: settings.apiKeySecret as string };
        }
        const jwt = auth === AuthMode.Jwt ? spec.exposure.jwt : undefined;
        resources.authPolicy = createAuthPolicy(base, { name: base, namespace, labels, routeName: route.metadata.name, jwt, apiKey }, opts);
    }
    const url = hostname ? pulumi.output(`https://${hostname}`) : internalUrl;
    return { url, internalUrl, endpointName: internalUrl, resources };
}

/**
 * The timing (timing.ts): on Knative the revision's (its timeout is their sum); on a Deployment the startup probe's budget
 * at zero and {@link REQUEST_TIMEOUT_SECONDS}, or the queue's request time in queue mode (the HTTPRoute's timeout is their sum).
 */
function timing(spec: ServingSpec): ServingTiming {
    return onKnative(spec) ? knativeTiming(spec.autoscaling as AutoscalerSpec) : deploymentTiming(spec);
}

/** The Deployment an autoscaler object scales: a canary version gets its share of every replica count. */
function scaleRef(spec: ServingSpec, layout: VersionLayout, deploymentName: pulumi.Input<string>): KubernetesScaleRef {
    return {
        name: layout.name,
        namespace: kubernetesSettings(spec).namespace,
        labels: layout.labels,
        deploymentName,
        replicasOf: spec.canary ? (n: number) => versionReplicas(n, layout.version.weight) : undefined,
    };
}

/**
 * The Deployments exactly as `deploy` creates them (names as strings instead of Outputs), and their autoscalers,
 * for the cost model: each GPU pod is priced as the cheapest node shape that fits it, at the bounds of the autoscaler
 * that targets them (with its pre-warming windows).
 */
function costedResources(spec: ServingSpec): CostedResource[] {
    // The model cache's claim: billed per GB-month through its StorageClass (disk prices are not in the catalog: unknown).
    const claimArgs = modelCacheClaimArgs(spec, kubernetesSettings(spec).namespace, kubernetesLabels(spec.owner));
    const claimName = (claimArgs?.metadata as { name?: string } | undefined)?.name ?? "";
    const claim: CostedResource[] = claimArgs ? [{ urn: claimName, type: "kubernetes:core/v1:PersistentVolumeClaim", name: claimName, inputs: claimArgs as unknown as Record<string, unknown> }] : [];
    if (onKnative(spec)) return [...claim, ...knativeCostedResources(spec)];
    const secretName = Object.keys(spec.secrets).length > 0 ? physicalName(spec.name, SECRETS_SUFFIX) : undefined;
    const workloads = layouts(spec).flatMap((layout) => {
        const deployment: CostedResource = {
            urn: layout.name,
            type: "kubernetes:apps/v1:Deployment",
            name: layout.name,
            inputs: deploymentArgs(workloadSpec(spec, layout, { serviceAccountName: physicalName(spec.name), secretName, consumer: spec.queue && consumerRefsShape(spec) })) as unknown as Record<
                string,
                unknown
            >,
        };
        return spec.autoscaling ? [deployment, kubernetesAutoscalerShape(spec.autoscaling, scaleRef(spec, layout, layout.name))] : [deployment];
    });
    return [...claim, ...workloads, ...(spec.queue ? queueCostedResources(spec) : [])];
}

/** One pod of the service for the autoscaling budget; a canary bills each version's share, rounded up. */
function replicaPricing(spec: ServingSpec): ReplicaPricing {
    const weights = spec.versions.map((v) => v.weight);
    return {
        shape: kubernetesReplicaShape(`${spec.name}-one-replica`, spec.gpu, spec.queue ? queuePodResources(spec) : { cpu: spec.cpu, memoryGiB: spec.memoryGiB }),
        billedReplicas: spec.canary ? (n) => weights.reduce((sum, w) => sum + versionReplicas(n, w), 0) : undefined,
    };
}

export const kubernetesTarget: ServingTarget<KubernetesSettings> = {
    target: Target.Kubernetes,
    settings: kubernetesSettings,
    autoscaling: kubernetesAutoscaling,
    validate: (spec) => [...kubernetesProblems(spec), ...(onKnative(spec) ? knativeServiceProblems(spec) : []), ...queueModeProblems(spec)],
    timing,
    deploy,
    costedResources,
    replicaPricing,
};

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
 * Names come from the component's name (plus the version's name in a canary), never from an image, so a
 * model update changes only the Deployment's pod template.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CostedResource } from "../../../sdk/cost/types";
import { DerivedKubernetesName, KubernetesNameKind, kubernetesLabels, kubernetesResourceNameProblem, LABEL_PREFIX, physicalName, selectorLabels } from "../../../sdk/naming";
import { describeValue, ValidationProblem } from "../../../sdk/validate";
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
import { AuthMode, ServingRuntime, Target } from "../args";
import { MODEL_MOUNT_PATH } from "../presets";
import { ServingSpec, ServingVersion } from "../spec";
import { ServingTarget, TargetDeployment } from "./target";

/** Pod label that tells the versions of a canary apart (part of each version's selector). */
export const VERSION_LABEL = `${LABEL_PREFIX}/version`;

/** Longest request the gateway lets run and a stopping pod finishes, in seconds (long generations included). */
export const REQUEST_TIMEOUT_SECONDS = 300;

/**
 * Time a rollout may take before the startup probe's clock starts, in seconds: a GPU node from a node
 * autoscaler (2 to 10 min), a multi-gigabyte image pull and the artifact download.
 */
export const PRE_START_BUDGET_SECONDS = 600;

/** Suffixes of the Secret of `secrets` and of the Secret of `kubernetes.apiKeys`: `<name>-secrets`, `<name>-api-keys`. */
const SECRETS_SUFFIX = "secrets";
const API_KEYS_SUFFIX = "api-keys";

/** Presets known to write only to /tmp and $HOME, so their root filesystem can be read-only. */
const READ_ONLY_ROOT_RUNTIMES: readonly ServingRuntime[] = [ServingRuntime.Triton, ServingRuntime.Vllm];

/** True when an HTTPRoute is made: public endpoints, and canaries (the gateway applies the weights). */
function routed(spec: ServingSpec): boolean {
    return spec.exposure.public || spec.canary;
}

/** The namespace every object goes into. */
function namespaceOf(spec: ServingSpec): pulumi.Input<string> {
    return spec.args.kubernetes?.namespace ?? "default";
}

/** Every Kubernetes object `deploy` names after the service, by the suffix of its name, for the name check. */
function derivedNames(spec: ServingSpec): DerivedKubernetesName[] {
    const settings = spec.args.kubernetes ?? {};
    const perService = ["ServiceAccount", "Service", ...(spec.canary ? [] : ["Deployment", "PodDisruptionBudget"]), ...(routed(spec) ? ["HTTPRoute"] : [])];
    const names: DerivedKubernetesName[] = [{ suffix: "", objects: `the ${perService.slice(0, -1).join(", ")} and ${perService[perService.length - 1]}` }];
    if (Object.keys(spec.secrets).length > 0) names.push({ suffix: SECRETS_SUFFIX, objects: "the Secret of secrets" });
    if (settings.apiKeys !== undefined) names.push({ suffix: API_KEYS_SUFFIX, objects: "the Secret of kubernetes.apiKeys" });
    if (spec.canary) for (const v of spec.versions) names.push({ suffix: v.name, objects: `the Deployment, PodDisruptionBudget and Service of version ${JSON.stringify(v.name)}` });
    return names;
}

function validate(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const settings = spec.args.kubernetes ?? {};
    const auth = spec.exposure.auth;
    // The objects carry the name as given (a Service's name is an RFC 1035 label): never lower-cased or hashed.
    const name = kubernetesResourceNameProblem(spec.name, KubernetesNameKind.Service, derivedNames(spec));
    if (name) problems.push({ path: "name", ...name });
    if (settings.gateway === undefined && spec.exposure.public) {
        problems.push({ path: "kubernetes.gateway", received: describeValue(undefined), expected: "a Gateway as 'namespace/name' for a public endpoint (its HTTPRoute attaches there)" });
    } else if (settings.gateway === undefined && spec.canary) {
        problems.push({
            path: "kubernetes.gateway",
            received: describeValue(undefined),
            expected: "a Gateway as 'namespace/name' with versions: the gateway applies the traffic weights (a Service alone splits traffic by ready replicas, not by weight)",
        });
    }
    if (auth === AuthMode.Iam) {
        problems.push({ path: "exposure.auth", received: describeValue(auth), expected: '"api-key" or "jwt" (checked by Envoy Gateway), or "none": Kubernetes has no cloud IAM to check callers with' });
    } else if ((auth === AuthMode.ApiKey || auth === AuthMode.Jwt) && !routed(spec)) {
        problems.push({
            path: "exposure.auth",
            received: describeValue(auth),
            expected: `"none" for a private service without versions: callers reach its ClusterIP Service directly and nothing checks ${auth} (make it public with kubernetes.gateway to enforce it)`,
        });
    }
    if (spec.exposure.hostname !== undefined && !routed(spec)) {
        problems.push({
            path: "exposure.hostname",
            received: describeValue(spec.exposure.hostname),
            expected: "no hostname for a private service without versions: it names the HTTPRoute's host, and no HTTPRoute is made (make it public with kubernetes.gateway)",
        });
    }
    const keysGiven = settings.apiKeys !== undefined || settings.apiKeySecret !== undefined;
    if (auth === AuthMode.ApiKey && routed(spec) && !keysGiven) {
        problems.push({ path: "kubernetes.apiKeys", received: describeValue(undefined), expected: "API keys (client id to key, as Pulumi secrets), or kubernetes.apiKeySecret, with auth api-key" });
    }
    if (settings.apiKeys !== undefined && settings.apiKeySecret !== undefined) {
        problems.push({ path: "kubernetes.apiKeySecret", received: describeValue(settings.apiKeySecret), expected: "either kubernetes.apiKeys or kubernetes.apiKeySecret, not both" });
    }
    if (keysGiven && auth !== AuthMode.ApiKey) {
        const path = settings.apiKeys !== undefined ? "kubernetes.apiKeys" : "kubernetes.apiKeySecret";
        problems.push({ path, received: describeValue(settings.apiKeys ?? settings.apiKeySecret), expected: `no API keys unless exposure.auth is "api-key" (it is ${describeValue(auth)})` });
    }
    return problems;
}

/** Names, labels and replicas of one version's Deployment. */
interface VersionLayout {
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
function versionReplicas(count: number, weight: number): number {
    return count === 0 ? 0 : Math.max(1, Math.ceil((count * weight) / 100));
}

function layouts(spec: ServingSpec): VersionLayout[] {
    const accelerator: Record<string, string> = spec.gpu ? { [ACCELERATOR_LABEL]: spec.gpu.accelerator } : {};
    return spec.versions.map((version) => {
        const versioned: Record<string, string> = spec.canary ? { [VERSION_LABEL]: version.name } : {};
        const replicas = spec.canary
            ? { min: versionReplicas(spec.replicas.min, version.weight), max: versionReplicas(spec.replicas.max, version.weight) }
            : spec.replicas;
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

/** The workload of one version. Names of the ServiceAccount and Secret are Outputs in `deploy` (dependencies). */
function workloadSpec(spec: ServingSpec, layout: VersionLayout, refs: { serviceAccountName: pulumi.Input<string>; secretName?: pulumi.Input<string> }): WorkloadSpec {
    const settings = spec.args.kubernetes ?? {};
    const secretEnv = refs.secretName !== undefined ? { secretName: refs.secretName, keys: Object.keys(spec.secrets) } : undefined;
    const fetcher = layout.version.artifact?.fetcher;
    const metricsAnnotations: Record<string, string> = spec.metricsPath
        ? { "prometheus.io/scrape": "true", "prometheus.io/port": String(spec.metricsPort ?? spec.port), "prometheus.io/path": spec.metricsPath }
        : {};
    return {
        name: layout.name,
        namespace: namespaceOf(spec),
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
            readOnlyRootFilesystem: settings.readOnlyRootFilesystem ?? READ_ONLY_ROOT_RUNTIMES.includes(spec.runtime),
        },
        // The fetcher sees the secrets too: gated Hugging Face models need HF_TOKEN, buckets may need keys.
        modelFetcher: fetcher ? { image: fetcher.image, command: fetcher.command, env: fetcher.env, secretEnv } : undefined,
        modelMountPath: MODEL_MOUNT_PATH,
        sharedMemoryGiB: spec.sharedMemoryGiB,
        placement: { nodeSelector: settings.nodeSelector, tolerations: settings.tolerations, priorityClassName: settings.priorityClassName },
        terminationGracePeriodSeconds: PRE_STOP_SLEEP_SECONDS + REQUEST_TIMEOUT_SECONDS,
        progressDeadlineSeconds: spec.startupTimeoutSeconds + PRE_START_BUDGET_SECONDS,
    };
}

function deploy(spec: ServingSpec, parent: pulumi.ComponentResource): TargetDeployment {
    const settings = spec.args.kubernetes ?? {};
    const namespace = namespaceOf(spec);
    const labels = kubernetesLabels(spec.owner);
    const resources: Record<string, pulumi.Resource> = {};
    // A kubeconfig holds cluster credentials: secret in the state whatever the caller passed.
    const provider = settings.kubeconfig !== undefined ? new kubernetes.Provider(`${spec.name}-provider`, { kubeconfig: pulumi.secret(settings.kubeconfig) }, { parent }) : undefined;
    if (provider) resources.provider = provider;
    const opts: pulumi.CustomResourceOptions = provider ? { parent, provider } : { parent };
    const base = physicalName(spec.name);

    const serviceAccount = createServiceAccount(base, { name: base, namespace, labels, annotations: settings.serviceAccountAnnotations }, opts);
    resources.serviceAccount = serviceAccount;
    let secretName: pulumi.Output<string> | undefined;
    if (Object.keys(spec.secrets).length > 0) {
        const name = physicalName(spec.name, SECRETS_SUFFIX);
        const secret = createSecret(name, { name, namespace, labels, values: spec.secrets }, opts);
        resources.secret = secret;
        secretName = secret.metadata.name;
    }

    const versions = layouts(spec);
    if (spec.replicas.max > spec.replicas.min && !spec.autoscaling) {
        void pulumi.log.warn(`replicas stay at ${spec.replicas.min}: give scaling.autoscaling to scale the Deployment toward ${spec.replicas.max}`, parent);
    }
    const kedaRelease = spec.autoscaling?.kubernetes?.installKeda ? createKedaRelease(`${spec.name}-keda`, opts) : undefined;
    if (kedaRelease) resources.kedaRelease = kedaRelease;
    for (const layout of versions) {
        const workload = workloadSpec(spec, layout, { serviceAccountName: serviceAccount.metadata.name, secretName });
        const deployment = createDeployment(layout.name, workload, opts);
        resources[layout.role("deployment")] = deployment;
        resources[layout.role("disruptionBudget")] = createDisruptionBudget(layout.name, { name: layout.name, namespace, labels: layout.labels, selector: layout.selector }, opts);
        if (spec.autoscaling) {
            const ref = scaleRef(spec, layout, deployment.metadata.name);
            const made = createKubernetesAutoscaler(layout.name, spec.autoscaling, ref, { ...opts, dependsOn: kedaRelease ? [kedaRelease] : [] });
            resources[layout.role(made.role)] = made.resource;
        }
    }

    // The service-wide Service selects every version: in-cluster callers are spread by ready replicas.
    const service = createService(base, { name: base, namespace, labels, selector: selectorLabels(spec.owner), port: spec.port, metricsPort: spec.metricsPort }, opts);
    resources.service = service;
    const internalUrl = pulumi.interpolate`http://${clusterDnsName(service.metadata.name, namespace)}:${spec.port}`;
    if (!routed(spec)) return { url: internalUrl, internalUrl, resources };

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
            // With no replica running, a request waits for a cold start (through the autoscaler's proxy) first.
            requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS + (spec.replicas.min === 0 ? spec.startupTimeoutSeconds : 0),
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
    return { url, internalUrl, resources };
}

/** The Deployment an autoscaler object scales: a canary version gets its share of every replica count. */
function scaleRef(spec: ServingSpec, layout: VersionLayout, deploymentName: pulumi.Input<string>): KubernetesScaleRef {
    return {
        name: layout.name,
        namespace: namespaceOf(spec),
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
    const secretName = Object.keys(spec.secrets).length > 0 ? physicalName(spec.name, SECRETS_SUFFIX) : undefined;
    return layouts(spec).flatMap((layout) => {
        const deployment: CostedResource = {
            urn: layout.name,
            type: "kubernetes:apps/v1:Deployment",
            name: layout.name,
            inputs: deploymentArgs(workloadSpec(spec, layout, { serviceAccountName: physicalName(spec.name), secretName })) as unknown as Record<string, unknown>,
        };
        return spec.autoscaling ? [deployment, kubernetesAutoscalerShape(spec.autoscaling, scaleRef(spec, layout, layout.name))] : [deployment];
    });
}

/** One pod of the service for the autoscaling budget; a canary bills each version's share, rounded up. */
function replicaPricing(spec: ServingSpec): ReplicaPricing {
    const weights = spec.versions.map((v) => v.weight);
    return {
        shape: kubernetesReplicaShape(`${spec.name}-one-replica`, spec.gpu, { cpu: spec.cpu, memoryGiB: spec.memoryGiB }),
        billedReplicas: spec.canary ? (n) => weights.reduce((sum, w) => sum + versionReplicas(n, w), 0) : undefined,
    };
}

export const kubernetesTarget: ServingTarget = {
    target: Target.Kubernetes,
    validate,
    deploy,
    costedResources,
    replicaPricing,
};

/**
 * Warm GPU headroom (`headroom`): placeholder pods that hold GPUs of the pool so that its nodes are running before a
 * serving pod needs them. This is the cluster-overprovisioner pattern of the Cluster Autoscaler FAQ ("How can I
 * configure overprovisioning with Cluster Autoscaler?",
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#how-can-i-configure-overprovisioning-with-cluster-autoscaler;
 * the same on GKE: https://cloud.google.com/kubernetes-engine/docs/how-to/capacity-provisioning, and in the Kubernetes
 * docs: https://kubernetes.io/docs/tasks/administer-cluster/node-overprovisioning/):
 *
 * - A PriorityClass of value {@link HEADROOM_PRIORITY} (-5): below every serving pod (0 without a class, 100000 with the
 *   pool's `<pool>-serving` class on cloud kubernetes), so the scheduler preempts placeholders for them; and not below the
 *   Cluster Autoscaler's expendable cutoff (`--expendable-pods-priority-cutoff`, default -10: "Pods with priority below
 *   cutoff will be expendable. They can be killed without any consideration during scale down and they don't cause scale
 *   up", cluster-autoscaler's flag help), so a pending placeholder still brings up a node. `preemptionPolicy: Never`: a
 *   placeholder never evicts anything itself; `globalDefault: false`.
 * - A Deployment of pause containers, one GPU each (`nvidia.com/gpu: 1`): the scheduler preempts as many placeholders as
 *   a serving pod needs GPUs, whatever its size. `terminationGracePeriodSeconds: 0` frees the GPU at once.
 * - With `windows`, a KEDA ScaledObject whose cron triggers (the pre-warming windows' builder of SpikeAutoscaler,
 *   `components/spike-autoscaler/cron.ts`) scale the Deployment to `gpus` during each window and to 0 outside them.
 *
 * Karpenter provisions for any pending pod whatever its priority (it has no expendable cutoff: aws/karpenter-provider-aws#3240
 * names these placeholder pods as the way to keep headroom, and #4452 runs them), and its consolidation counts them as
 * pods: a node holding a placeholder is not empty, and is removed or replaced only where a scheduling simulation of its
 * pods, placeholders included, finds them room elsewhere (https://karpenter.sh/docs/concepts/disruption/). Karpenter sizes a node to its pending pods, so on
 * Karpenter a placeholder asks for the pool's per-GPU share of `minNodeVcpus` and `minNodeMemoryGiB` (the room the pool
 * sizes its nodes for, a default ModelService pod's): the node it brings up then fits the serving pod that preempts it.
 * On a node group, a node pool or a cluster of your own the node's shape is fixed, and placeholders ask for next to nothing.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cpuQuantity, memoryQuantity } from "../kubernetes/container";
import { ACCELERATOR_LABEL } from "../kubernetes/placement";
import { Accelerator } from "../../sdk/catalog/accelerators";
import { DerivedKubernetesName, kubernetesLabels, labelValue, Ownership, physicalName } from "../../sdk/naming";
import { count } from "../../sdk/schema-fields";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { parsePrewarmWindow, PrewarmSchedule, unixCron } from "../spike-autoscaler/cron";
import { GpuPoolCloud, GpuPoolPlacement } from "./args";
import type { ParsedGpuPoolArgs } from "./schema";
import type { PoolDeployment, PoolSpec, PricedNodes } from "./spec";

/** Priority of the placeholder pods: below every serving pod (0 or more), not below the Cluster Autoscaler's cutoff. */
export const HEADROOM_PRIORITY = -5;
/** The Cluster Autoscaler's default `--expendable-pods-priority-cutoff`: pods below it never trigger a scale-up. */
export const EXPENDABLE_PRIORITY_CUTOFF = -10;

/**
 * Kubernetes' pause image 3.10, pinned by the digest of its multi-architecture index on registry.k8s.io: the digest that
 * independent projects pinning `registry.k8s.io/pause:3.10` agree on (found by code search; not re-read from the registry
 * here, which this build cannot reach). It sleeps until it is stopped, needs no privilege and writes nothing.
 */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a";
/**
 * The namespace of the placeholders: `default` exists in every cluster. A GPU ResourceQuota there (`kubernetes.gpuQuotas`)
 * counts the placeholders' GPUs.
 */
export const HEADROOM_NAMESPACE = "default";
/** The user and group the pause image runs as (`USER 65535:65535` in kubernetes/build/pause/Dockerfile), set explicitly here. */
const PAUSE_USER = 65535;
/** What a placeholder (and each container of the image pre-puller) asks for on a node of fixed shape: next to nothing (pause uses well under 1 MiB). */
export const TINY = { cpu: "10m", memory: "16Mi" } as const;
/** The most windows, as SpikeAutoscaler's pre-warming (one KEDA trigger each). */
const MAX_WINDOWS = 20;

export const headroomSchema = z
    .object({
        gpus: count(1),
        windows: z
            .array(
                z
                    .object({
                        schedule: z.string().min(1),
                        timezone: z.string().min(1).optional(),
                        durationMinutes: z.number().int().min(1).max(10080),
                    })
                    .strict(),
            )
            .min(1)
            .max(MAX_WINDOWS)
            .optional(),
    })
    .strict();

/** The headroom, resolved. */
export interface HeadroomSpec {
    gpus: number;
    /** The windows, parsed; empty for always-on headroom. */
    windows: PrewarmSchedule[];
    /** CPU and memory requests of one placeholder (Kubernetes quantities). */
    cpu: string;
    memory: string;
    /** The pool's accelerator, as the placeholders' `modelship.dev/accelerator` label (for the cost model off the pool). */
    accelerator?: Accelerator;
}

/** The largest GPU count of the pool: maxNodes x gpusPerNode, with their defaults. */
function poolMaxGpus(args: ParsedGpuPoolArgs): { gpus: number; words: string } {
    const maxNodes = args.maxNodes ?? 1;
    const gpusPerNode = args.gpusPerNode ?? 1;
    const defaulted = (given: unknown) => (given === undefined ? " (its default)" : "");
    return { gpus: maxNodes * gpusPerNode, words: `maxNodes ${maxNodes}${defaulted(args.maxNodes)} x gpusPerNode ${gpusPerNode}${defaulted(args.gpusPerNode)}` };
}

/** The problems of `headroom`: none without it; the cloud, the GPU count against the pool's maximum, each window. */
export function headroomProblems(args: ParsedGpuPoolArgs): ValidationProblem[] {
    const headroom = args.headroom;
    if (headroom === undefined) return [];
    if (args.cloud === GpuPoolCloud.Docker) {
        return [{ path: "headroom", received: describeValue(headroom), expected: "nothing with cloud docker: the local engine's GPUs are always there, there is no node to keep warm" }];
    }
    const problems: ValidationProblem[] = [];
    const max = poolMaxGpus(args);
    if (headroom.gpus > max.gpus) {
        problems.push({ path: "headroom.gpus", received: String(headroom.gpus), expected: `at most the pool's maximum of ${max.gpus} GPU(s), ${max.words}: raise maxNodes or keep fewer GPUs warm` });
    }
    const quota = args.cloud === GpuPoolCloud.Kubernetes ? args.kubernetes?.gpuQuotas?.[HEADROOM_NAMESPACE] : undefined;
    if (quota !== undefined && quota < headroom.gpus) {
        problems.push({
            path: `kubernetes.gpuQuotas.${HEADROOM_NAMESPACE}`,
            received: String(quota),
            expected: `at least headroom.gpus (${headroom.gpus}): the placeholders run in the ${HEADROOM_NAMESPACE} namespace and count against its quota`,
        });
    }
    (headroom.windows ?? []).forEach((window, i) => problems.push(...parsePrewarmWindow(window, `headroom.windows[${i}]`).problems));
    return problems;
}

/** The name of the headroom's objects, for the check that the pool's name can name them. */
export function headroomNames(args: ParsedGpuPoolArgs): DerivedKubernetesName[] {
    if (args.headroom === undefined || args.cloud === GpuPoolCloud.Docker) return [];
    return [{ suffix: "headroom", objects: args.headroom.windows ? "the headroom PriorityClass, Deployment and ScaledObject" : "the headroom PriorityClass and Deployment" }];
}

/**
 * The resolved headroom of valid arguments (see {@link headroomProblems}), or undefined without it. On Karpenter a placeholder
 * asks for the per-GPU share of the pool's node minimums (`minNodeVcpus` and `minNodeMemoryGiB` with their defaults,
 * `nodeMinimums` in spec.ts), elsewhere for {@link TINY}.
 */
export function resolveHeadroom(args: ParsedGpuPoolArgs, nodeMinimums: { vcpus: number; memoryGiB: number }): HeadroomSpec | undefined {
    const headroom = args.headroom;
    if (headroom === undefined || args.cloud === GpuPoolCloud.Docker) return undefined;
    const windows = (headroom.windows ?? []).flatMap((window, i) => {
        const parsed = parsePrewarmWindow(window, `headroom.windows[${i}]`).schedule;
        return parsed ? [parsed] : [];
    });
    const gpusPerNode = args.gpusPerNode ?? 1;
    const karpenter = args.cloud === GpuPoolCloud.Aws && args.aws?.karpenter === true;
    const size = karpenter ? { cpu: cpuQuantity(nodeMinimums.vcpus / gpusPerNode), memory: memoryQuantity(nodeMinimums.memoryGiB / gpusPerNode) } : { ...TINY };
    return { gpus: headroom.gpus, windows, ...size, accelerator: args.accelerator };
}

/** The Kubernetes objects of the headroom (PriorityClass, Deployment, ScaledObject with windows): what is created and priced. */
export interface HeadroomObjects {
    name: string;
    priorityClass: kubernetes.scheduling.v1.PriorityClassArgs;
    deployment: kubernetes.apps.v1.DeploymentArgs;
    scaledObject?: kubernetes.apiextensions.CustomResourceArgs;
}

/** One KEDA cron trigger per window: `gpus` placeholders from its start to its end. */
function cronTriggers(headroom: HeadroomSpec): Record<string, unknown>[] {
    return headroom.windows.map((window, i) => ({
        type: "cron",
        name: `headroom-${i}`,
        metadata: { timezone: window.timezone, start: unixCron(window, "start"), end: unixCron(window, "end"), desiredReplicas: String(headroom.gpus) },
    }));
}

/** The headroom's objects for a pool of `owner`, placed as `placement` says. */
export function headroomObjects(owner: Ownership, headroom: HeadroomSpec, placement: GpuPoolPlacement): HeadroomObjects {
    const name = physicalName(owner.service, "headroom");
    const selector = { "app.kubernetes.io/name": "gpu-headroom", "app.kubernetes.io/instance": labelValue(owner.service) };
    const labels = { ...kubernetesLabels(owner), ...selector };
    const podLabels = headroom.accelerator ? { ...labels, [ACCELERATOR_LABEL]: headroom.accelerator } : labels;
    const windowed = headroom.windows.length > 0;
    const hasSelector = Object.keys(placement.nodeSelector).length > 0;
    const deployment: kubernetes.apps.v1.DeploymentArgs = {
        metadata: {
            name,
            namespace: HEADROOM_NAMESPACE,
            labels,
            // Placeholders are ready only once a GPU node is up (minutes): `pulumi up` does not wait for them.
            annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
            // With windows the ScaledObject owns the count (unset here, so an update never resets it).
            replicas: windowed ? undefined : headroom.gpus,
            selector: { matchLabels: selector },
            // A rolling update would add surge placeholders, each asking for one more GPU (a node bought for nothing):
            // the placeholders hold nothing, so they are replaced in place.
            strategy: { type: "Recreate" },
            template: {
                metadata: { labels: podLabels },
                spec: {
                    priorityClassName: name,
                    terminationGracePeriodSeconds: 0,
                    nodeSelector: hasSelector ? { ...placement.nodeSelector } : undefined,
                    affinity: placement.affinity.nodeAffinity ? { nodeAffinity: placement.affinity.nodeAffinity } : undefined,
                    tolerations: placement.tolerations.map((t) => ({ ...t })),
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    securityContext: { runAsNonRoot: true, runAsUser: PAUSE_USER, runAsGroup: PAUSE_USER, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "pause",
                            image: PAUSE_IMAGE,
                            resources: {
                                requests: { cpu: headroom.cpu, memory: headroom.memory, "nvidia.com/gpu": "1" },
                                limits: { memory: headroom.memory, "nvidia.com/gpu": "1" },
                            },
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                        },
                    ],
                },
            },
        },
    };
    const objects: HeadroomObjects = {
        name,
        priorityClass: {
            metadata: { name, labels: kubernetesLabels(owner) },
            value: HEADROOM_PRIORITY,
            globalDefault: false,
            preemptionPolicy: "Never",
            description: `Warm GPU headroom of the ${owner.service} pool: placeholder pods that any serving pod preempts; above the Cluster Autoscaler's expendable cutoff (${EXPENDABLE_PRIORITY_CUTOFF}), so they keep nodes up.`,
        },
        deployment,
    };
    if (windowed) {
        objects.scaledObject = {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name, namespace: HEADROOM_NAMESPACE, labels },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
                minReplicaCount: 0,
                maxReplicaCount: headroom.gpus,
                triggers: cronTriggers(headroom),
            },
        };
    }
    return objects;
}

/**
 * Creates the headroom's objects on the pool's cluster: with the Kubernetes provider of a cluster the pool created
 * (`resources.provider`), else the component's own, as the device plugin. The Deployment and ScaledObject come back as
 * `pricedPods`, for the pool's cost. Unchanged without headroom.
 */
export function deployHeadroom(spec: PoolSpec, deployed: PoolDeployment, parent: pulumi.ComponentResource): PoolDeployment {
    if (spec.headroom === undefined) return deployed;
    const provider = deployed.resources.provider;
    const opts: pulumi.CustomResourceOptions = provider instanceof pulumi.ProviderResource ? { parent, provider } : { parent };
    const objects = headroomObjects(spec.owner, spec.headroom, deployed.placement);
    const logical = `${spec.name}-headroom`;
    const priorityClass = new kubernetes.scheduling.v1.PriorityClass(logical, objects.priorityClass, opts);
    const deployment = new kubernetes.apps.v1.Deployment(logical, objects.deployment, { ...opts, dependsOn: [priorityClass] });
    const resources: Record<string, pulumi.Resource> = { ...deployed.resources, headroomPriorityClass: priorityClass, headroomDeployment: deployment };
    const pricedPods: PricedNodes[] = [{ type: "kubernetes:apps/v1:Deployment", inputs: objects.deployment as unknown as Record<string, unknown> }];
    if (objects.scaledObject) {
        resources.headroomScaledObject = new kubernetes.apiextensions.CustomResource(logical, objects.scaledObject, { ...opts, dependsOn: [deployment] });
        pricedPods.push({ type: "kubernetes:keda.sh/v1alpha1:ScaledObject", inputs: objects.scaledObject as unknown as Record<string, unknown> });
    }
    return { ...deployed, resources, pricedPods };
}

/**
 * A standalone SpikeAutoscaler on Kubernetes: the Deployment named in `kubernetes`, scaled by a KEDA ScaledObject or
 * an HPA (../kubernetes.ts), optionally with KEDA installed and a provider of its own.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ServingRuntime } from "../../../sdk/catalog/runtimes";
import { KubernetesNameKind, kubernetesLabels, kubernetesResourceNameProblem, physicalName } from "../../../sdk/naming";
import type { ValidationProblem } from "../../../sdk/validate";
import { createKedaRelease } from "../keda";
import { createKubernetesAutoscaler, kubernetesReplicaShape } from "../kubernetes";
import { standaloneTarget } from "./target";

export const kubernetesStandalone = standaloneTarget({
    block: "kubernetes",
    described: "the Deployment: kubernetes.deploymentName (and namespace)",
    // The ScaledObject (or HorizontalPodAutoscaler) carries the autoscaler's name as given; KEDA also writes it into a
    // label, so it is an RFC 1123 label.
    nameProblems: (name) => {
        const problem = kubernetesResourceNameProblem(name, KubernetesNameKind.Label, [{ suffix: "", objects: "the ScaledObject (or HorizontalPodAutoscaler)" }]);
        return problem ? [{ path: "name", ...problem }] : [];
    },
    problems: (k8s) => {
        const problems: ValidationProblem[] = [];
        if (k8s.gpusPerReplica !== undefined && k8s.accelerator === undefined) {
            problems.push({ path: "kubernetes.gpusPerReplica", received: String(k8s.gpusPerReplica), expected: "kubernetes.accelerator with it (the GPU a replica gets)" });
        }
        return problems;
    },
    context: (k8s, shapeName) => {
        const gpu = k8s.accelerator ? { accelerator: k8s.accelerator, count: k8s.gpusPerReplica ?? 1 } : undefined;
        return {
            gpu: gpu !== undefined,
            pricing: { shape: kubernetesReplicaShape(shapeName, gpu) },
            kubernetes: { args: k8s, runtime: k8s.runtime ?? ServingRuntime.Custom, gpusPerReplica: gpu?.count ?? 0 },
        };
    },
    deploy: (name, k8s, spec, parent) => {
        const resources: Record<string, pulumi.Resource> = {};
        const provider = k8s.kubeconfig !== undefined ? new kubernetes.Provider(`${name}-provider`, { kubeconfig: pulumi.secret(k8s.kubeconfig) }, { parent }) : undefined;
        if (provider) resources.provider = provider;
        const opts: pulumi.CustomResourceOptions = provider ? { parent, provider } : { parent };
        const dependsOn: pulumi.Resource[] = [];
        if (spec.kubernetes?.installKeda) {
            resources.kedaRelease = createKedaRelease(`${name}-keda`, opts);
            dependsOn.push(resources.kedaRelease);
        }
        const owner = { component: "SpikeAutoscaler", service: name };
        const ref = { name: physicalName(name), namespace: k8s.namespace ?? "default", labels: kubernetesLabels(owner), deploymentName: k8s.deploymentName };
        const made = createKubernetesAutoscaler(name, spec, ref, { ...opts, dependsOn });
        resources[made.role] = made.resource;
        return resources;
    },
});

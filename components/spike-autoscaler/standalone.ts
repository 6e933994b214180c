/**
 * A standalone SpikeAutoscaler's context and resources: what it knows about the workload it scales comes from its
 * target block (a Deployment, an endpoint variant, a Lambda alias, a Cloud Run service), passed as data.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { awsInstanceAccelerators } from "../../sdk/catalog";
import { stackCostOptions } from "../../sdk/cost/estimate";
import { stackGcpRegion } from "../../sdk/cost/regions";
import { cloudTags, KubernetesNameKind, kubernetesLabels, kubernetesResourceNameProblem, Ownership, physicalName } from "../../sdk/naming";
import { describeValue, foreignBlockProblems, ValidationProblem } from "../../sdk/validate";
import { ServingRuntime } from "../model-service/args";
import { AutoscalerTarget } from "./args";
import { cloudRunReplicaShape, createCloudRunPrewarm } from "./cloudrun";
import { createKedaRelease } from "./keda";
import { createKubernetesAutoscaler, kubernetesReplicaShape } from "./kubernetes";
import { createLambdaScaling, LAMBDA_PRICE_UNKNOWN } from "./lambda";
import { createSageMakerScaling, sagemakerGpusPerInstance, sagemakerReplicaShape } from "./sagemaker";
import type { ParsedSpikeAutoscalerArgs } from "./schema";
import type { AutoscalerContext, AutoscalerSpec } from "./spec";

/** Settings-block key of each target. */
const BLOCKS: Record<AutoscalerTarget, "kubernetes" | "sagemaker" | "lambda" | "cloudRun"> = {
    [AutoscalerTarget.Kubernetes]: "kubernetes",
    [AutoscalerTarget.AwsSageMaker]: "sagemaker",
    [AutoscalerTarget.AwsLambda]: "lambda",
    [AutoscalerTarget.GcpCloudRun]: "cloudRun",
};
const DESCRIBED: Record<AutoscalerTarget, string> = {
    [AutoscalerTarget.Kubernetes]: "the Deployment: kubernetes.deploymentName (and namespace)",
    [AutoscalerTarget.AwsSageMaker]: "the endpoint variant: sagemaker.endpointName (and variantName)",
    [AutoscalerTarget.AwsLambda]: "the alias: lambda.functionName and lambda.alias",
    [AutoscalerTarget.GcpCloudRun]: "the service: cloudRun.serviceName",
};

function cloudRunRegion(args: ParsedSpikeAutoscalerArgs): string {
    return args.cloudRun?.region ?? stackGcpRegion();
}

function cloudRunProject(args: ParsedSpikeAutoscalerArgs): pulumi.Input<string> | undefined {
    return args.cloudRun?.project ?? new pulumi.Config("gcp").get("project");
}

function blockProblems(args: ParsedSpikeAutoscalerArgs): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const block = BLOCKS[args.target];
    if (args[block] === undefined) problems.push({ path: block, received: describeValue(undefined), expected: `${DESCRIBED[args.target]} with target ${JSON.stringify(args.target)}` });
    problems.push(...foreignBlockProblems(args, { field: "target", value: args.target }, BLOCKS));
    const k8s = args.kubernetes;
    if (k8s?.gpusPerReplica !== undefined && k8s.accelerator === undefined) {
        problems.push({ path: "kubernetes.gpusPerReplica", received: String(k8s.gpusPerReplica), expected: "kubernetes.accelerator with it (the GPU a replica gets)" });
    }
    if (args.target === AutoscalerTarget.GcpCloudRun && (args.prewarm?.length ?? 0) > 0) {
        if (args.cloudRun?.serviceAccountEmail === undefined) {
            problems.push({ path: "cloudRun.serviceAccountEmail", received: describeValue(undefined), expected: "the service's runtime service account with prewarm (the jobs that update the service must act as it)" });
        }
        if (cloudRunProject(args) === undefined) {
            problems.push({ path: "cloudRun.project", received: describeValue(undefined), expected: "the service's project with prewarm (or set the gcp:project config)" });
        }
    }
    return problems;
}

/**
 * On Kubernetes the ScaledObject (or HorizontalPodAutoscaler) carries the autoscaler's name as given; KEDA also writes
 * it into a label, so it is an RFC 1123 label.
 */
function nameProblems(name: string, args: ParsedSpikeAutoscalerArgs): ValidationProblem[] {
    if (args.target !== AutoscalerTarget.Kubernetes) return [];
    const problem = kubernetesResourceNameProblem(name, KubernetesNameKind.Label, [{ suffix: "", objects: "the ScaledObject (or HorizontalPodAutoscaler)" }]);
    return problem ? [{ path: "name", ...problem }] : [];
}

/** The context of a standalone autoscaler, or the problems of its name and target block. */
export function standaloneContext(name: string, args: ParsedSpikeAutoscalerArgs): { ctx?: AutoscalerContext; problems: ValidationProblem[] } {
    const problems = [...nameProblems(name, args), ...blockProblems(args)];
    if (problems.length > 0) return { problems };
    const base = {
        target: args.target,
        paths: { block: "", min: "minReplicas", max: "maxReplicas", kubernetes: "kubernetes" },
        min: args.minReplicas ?? 1,
        max: args.maxReplicas,
        startupTimeoutSeconds: args.startupTimeoutSeconds,
        costOptions: stackCostOptions(),
    };
    const shapeName = `${name}-one-replica`;
    switch (args.target) {
        case AutoscalerTarget.Kubernetes: {
            const k8s = args.kubernetes!;
            const gpu = k8s.accelerator ? { accelerator: k8s.accelerator, count: k8s.gpusPerReplica ?? 1 } : undefined;
            return {
                problems,
                ctx: {
                    ...base,
                    gpu: gpu !== undefined,
                    pricing: { shape: kubernetesReplicaShape(shapeName, gpu) },
                    kubernetes: { args: k8s, runtime: k8s.runtime ?? ServingRuntime.Custom, gpusPerReplica: gpu?.count ?? 0 },
                },
            };
        }
        case AutoscalerTarget.AwsSageMaker: {
            const instanceType = args.sagemaker!.instanceType;
            const shape = sagemakerReplicaShape(shapeName, instanceType);
            return { problems, ctx: { ...base, gpu: instanceType !== undefined && awsInstanceAccelerators(instanceType).accelerated, pricing: { shape, unknownReason: "sagemaker.instanceType is not given" } } };
        }
        case AutoscalerTarget.AwsLambda:
            return { problems, ctx: { ...base, gpu: false, pricing: { unknownReason: LAMBDA_PRICE_UNKNOWN } } };
        default: {
            const run = args.cloudRun!;
            const gpu = run.gpu ?? false;
            const shape = { region: cloudRunRegion(args), cpu: run.cpu ?? (gpu ? 4 : 1), memoryGiB: run.memoryGiB ?? (gpu ? 16 : 2), gpu, cpuIdle: !gpu };
            return { problems, ctx: { ...base, gpu, pricing: { shape: cloudRunReplicaShape(shapeName, shape) } } };
        }
    }
}

/** Creates what a standalone autoscaler needs on its target, as children of `parent`. */
export function deployStandalone(name: string, args: ParsedSpikeAutoscalerArgs, spec: AutoscalerSpec, parent: pulumi.ComponentResource): Record<string, pulumi.Resource> {
    const owner: Ownership = { component: "SpikeAutoscaler", service: name };
    switch (args.target) {
        case AutoscalerTarget.Kubernetes: {
            const k8s = args.kubernetes!;
            const resources: Record<string, pulumi.Resource> = {};
            const provider = k8s.kubeconfig !== undefined ? new kubernetes.Provider(`${name}-provider`, { kubeconfig: pulumi.secret(k8s.kubeconfig) }, { parent }) : undefined;
            if (provider) resources.provider = provider;
            const opts: pulumi.CustomResourceOptions = provider ? { parent, provider } : { parent };
            const dependsOn: pulumi.Resource[] = [];
            if (spec.kubernetes?.installKeda) {
                resources.kedaRelease = createKedaRelease(`${name}-keda`, opts);
                dependsOn.push(resources.kedaRelease);
            }
            const ref = { name: physicalName(name), namespace: k8s.namespace ?? "default", labels: kubernetesLabels(owner), deploymentName: k8s.deploymentName };
            const made = createKubernetesAutoscaler(name, spec, ref, { ...opts, dependsOn });
            resources[made.role] = made.resource;
            return resources;
        }
        case AutoscalerTarget.AwsSageMaker: {
            const sm = args.sagemaker!;
            const ref = { endpointName: sm.endpointName, variantName: sm.variantName ?? "default", gpusPerInstance: sagemakerGpusPerInstance(sm.instanceType) };
            return createSageMakerScaling(name, spec, ref, cloudTags(owner), parent);
        }
        case AutoscalerTarget.AwsLambda:
            return createLambdaScaling(name, spec, { functionName: args.lambda!.functionName, alias: args.lambda!.alias }, cloudTags(owner), { parent });
        default: {
            const run = args.cloudRun!;
            if (spec.prewarm.length === 0) {
                void pulumi.log.info(
                    `Cloud Run has no autoscaling resource apart from the service: set minInstanceCount ${spec.min}, maxInstanceCount ${spec.max} and ` +
                        `maxInstanceRequestConcurrency ${spec.metricTarget} on the service (or use ModelService's scaling.autoscaling)`,
                    parent,
                );
            }
            const ref = { project: cloudRunProject(args) as pulumi.Input<string>, region: cloudRunRegion(args), serviceName: run.serviceName, serviceAccountEmail: run.serviceAccountEmail as pulumi.Input<string> };
            return createCloudRunPrewarm(name, spec, ref, { parent });
        }
    }
}

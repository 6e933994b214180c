/**
 * `target: kubernetes`: KServe's InferenceGraph chains the stages. Chosen over Knative Eventing's Sequence because
 * the graph answers the caller synchronously (a Sequence delivers CloudEvents asynchronously and has no reply to the
 * caller), calls plain HTTP URLs (`serviceUrl`) so the stages stay ordinary ModelService Deployments, and has the
 * two shapes a pipeline needs: `Sequence` (each step gets the previous response with `data: $response`) and
 * `Ensemble` (steps in parallel, responses merged into one object keyed by step name). It runs in raw deployment mode
 * (a Deployment and a Service, no Knative), KServe 0.12 or later.
 *
 * The flow maps onto it wave by wave: a wave of one stage is a step of the root Sequence; a wave of several is a step
 * that runs an Ensemble node. So on Kubernetes each stage after the first wave must take exactly the stages of the
 * wave before it (a graph step cannot pick some responses of a previous step). Every step is a `Hard` dependency:
 * the first failing stage ends the request with its own status and body. The router forwards only the headers listed
 * in KServe's `router.headers.propagate` config: add `X-Request-Id` there for tracing across stages.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterHost } from "../kubernetes/service";
import { kubernetesLabels, physicalName } from "../../sdk/naming";
import { describeValue, ValidationProblem } from "../../sdk/validate";
import { criticalPathSeconds, flowStage } from "./flow";
import { DeployedStage, OrchestratorDeployment, PipelineOrchestrator } from "./orchestrator";
import { PipelineSpec, stageNamed, pipelineOwner } from "./spec";

/** Group nodes are named `wave-<n>`; a stage of that name would be ambiguous in the graph. */
const WAVE_NODE = /^wave-\d+$/;

function sameSet(a: string[], b: string[]): boolean {
    return a.length === b.length && a.every((x) => b.includes(x));
}

function validate(spec: PipelineSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    spec.flow.waves.forEach((wave, w) => {
        for (const name of wave) {
            const stage = stageNamed(spec, name);
            const inputs = flowStage(spec.flow, name).inputs;
            if (WAVE_NODE.test(name)) {
                problems.push({
                    path: `stages[${stage.index}].name`,
                    received: describeValue(name),
                    expected: "a name other than wave-<number> on target kubernetes (the graph's group nodes are named so)",
                });
            }
            if (w > 0 && !sameSet(inputs, spec.flow.waves[w - 1])) {
                problems.push({
                    path: `stages[${stage.index}].after`,
                    received: describeValue(inputs),
                    expected: `every stage of the wave before it (${spec.flow.waves[w - 1].join(", ")}) on target kubernetes: a KServe InferenceGraph step takes the whole response of the step before it`,
                });
            }
        }
    });
    return problems;
}

/** One Kubernetes provider from `kubernetes.kubeconfig`, shared by every stage and the graph. */
function prepare(spec: PipelineSpec, parent: pulumi.ComponentResource): { options: pulumi.ComponentResourceOptions; resources: Record<string, pulumi.Resource> } {
    const kubeconfig = spec.kubernetes.kubeconfig;
    if (kubeconfig === undefined) return { options: {}, resources: {} };
    // A kubeconfig holds cluster credentials: secret in the state whatever the caller passed.
    const provider = new kubernetes.Provider(`${spec.name}-provider`, { kubeconfig: pulumi.secret(kubeconfig) }, { parent });
    return { options: { providers: { kubernetes: provider } }, resources: { provider } };
}

/** The graph's nodes: the root Sequence, one step per wave, and an Ensemble node per wave of several stages. */
function graphNodes(spec: PipelineSpec, stepUrls: Record<string, string>): Record<string, unknown> {
    const nodes: Record<string, unknown> = {};
    const rootSteps = spec.flow.waves.map((wave, w) => {
        // The first wave takes the request (the default); later ones the previous step's response.
        const data = w > 0 ? { data: "$response" } : {};
        if (wave.length === 1) return { name: wave[0], serviceUrl: stepUrls[wave[0]], ...data, dependency: "Hard" };
        const node = `wave-${w + 1}`;
        nodes[node] = { routerType: "Ensemble", steps: wave.map((name) => ({ name, serviceUrl: stepUrls[name], dependency: "Hard" })) };
        return { name: node, nodeName: node, ...data, dependency: "Hard" };
    });
    return { root: { routerType: "Sequence", steps: rootSteps }, ...nodes };
}

/** The graph's request timeout (its `timeout`): the slowest path through the flow. */
function graphTimeoutSeconds(spec: PipelineSpec): number {
    return criticalPathSeconds(spec.flow);
}

/** The InferenceGraph's spec around its nodes: router size and replicas, and timeouts from the stages'. */
function graphSpec(spec: PipelineSpec, nodes: Record<string, unknown>): Record<string, unknown> {
    const s = spec.kubernetes;
    const memory = `${s.routerMemoryMiB}Mi`;
    const slowestPath = criticalPathSeconds(spec.flow);
    return {
        nodes,
        resources: { requests: { cpu: String(s.routerCpu), memory }, limits: { memory } },
        minReplicas: s.routerMinReplicas,
        maxReplicas: s.routerMaxReplicas,
        // The whole request (serverless mode), and the router's own limits (KServe 0.15+): one client timeout for every
        // step (the longest stage's), and time to write the answer after the slowest path through the flow.
        timeout: graphTimeoutSeconds(spec),
        routerTimeouts: { serviceClient: Math.max(...spec.flow.stages.map((f) => f.timeoutSeconds)), serverWrite: slowestPath + 10 },
    };
}

function deploy(spec: PipelineSpec, stages: DeployedStage[], parent: pulumi.ComponentResource, shared: pulumi.ComponentResourceOptions): OrchestratorDeployment {
    const s = spec.kubernetes;
    const name = physicalName(spec.name);
    const provider = (shared.providers as Record<string, pulumi.ProviderResource> | undefined)?.kubernetes;
    const stepUrls = pulumi.all(Object.fromEntries(stages.map(({ stage, service }) => [stage.name, pulumi.interpolate`${service.internalUrl}${stage.path}`])));
    const graph = new kubernetes.apiextensions.CustomResource(
        `${spec.name}-graph`,
        {
            apiVersion: "serving.kserve.io/v1alpha1",
            kind: "InferenceGraph",
            metadata: {
                name,
                namespace: s.namespace,
                labels: kubernetesLabels(pipelineOwner(spec)),
                annotations: { "serving.kserve.io/deploymentMode": "RawDeployment" },
            },
            spec: stepUrls.apply((urls) => graphSpec(spec, graphNodes(spec, urls))),
        },
        { parent, provider, dependsOn: stages.map((d) => d.service) },
    );
    // In raw deployment mode KServe serves the graph through a ClusterIP Service named after it, on port 80.
    return {
        url: pulumi.output(`http://${clusterHost(name, s.namespace)}`),
        id: pulumi.output(`${s.namespace}/${name}`),
        resources: { inferenceGraph: graph },
    };
}

export const kubernetesOrchestrator: PipelineOrchestrator = {
    validate,
    prepare,
    requestTimeoutSeconds: graphTimeoutSeconds,
    deploy,
    // Nothing to price: the graph's router pods are CPU-only, and the cost model prices Kubernetes pods only for their GPUs.
    costedResources: () => [],
};

import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { useMockRuntime } from "./harness";
import { findSchema, KINDS_WITHOUT_SCHEMA, objectType, validateKubernetesObjects } from "./kubernetes-schemas";
import type { ResourceRecord } from "../sdk/plan/runtime";

const rt = useMockRuntime();

const labels = { app: "llm" };

/** A Deployment of one container; `container` is untyped so that tests can misspell its fields. */
function deployment(container: object): k8s.apps.v1.Deployment {
    return new k8s.apps.v1.Deployment("llm", {
        metadata: { namespace: "models", labels },
        spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [container as k8s.types.input.core.v1.Container] } },
        },
    });
}

const validContainer = {
    name: "server",
    image: "vllm/vllm-openai@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ports: [{ name: "http", containerPort: 8000 }],
    // A number is a valid quantity in the schema and for the API server.
    resources: { requests: { cpu: 4, memory: "16Gi" }, limits: { "nvidia.com/gpu": "1", memory: "16Gi" } },
    readinessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 5 },
};

function customResource(name: string, apiVersion: string, kind: string, spec: Record<string, unknown>): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata: { namespace: "models" }, spec });
}

/** Every Kubernetes object kind later work emits, valid. */
function validObjects(): void {
    deployment(validContainer);
    // No metadata.name: auto-named by Pulumi, which the validation fills in.
    new k8s.core.v1.Service("llm", {
        metadata: { namespace: "models" },
        spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    new k8s.policy.v1.PodDisruptionBudget("llm", { metadata: { namespace: "models" }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } });
    new k8s.autoscaling.v2.HorizontalPodAutoscaler("llm", {
        metadata: { namespace: "models" },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" },
            minReplicas: 1,
            maxReplicas: 8,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
        },
    });
    customResource("llm-scaler", "keda.sh/v1alpha1", "ScaledObject", {
        scaleTargetRef: { name: "llm" },
        minReplicaCount: 1,
        maxReplicaCount: 8,
        triggers: [{ type: "prometheus", metadata: { serverAddress: "http://prometheus:9090", query: "sum(rate(requests[1m]))", threshold: "50" } }],
    });
    customResource("gpu", "karpenter.sh/v1", "NodePool", {
        template: {
            metadata: { labels: { "modelship.dev/pool": "gpu" } },
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" },
                requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }],
                taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
            },
        },
        limits: { "nvidia.com/gpu": 8 },
    });
    customResource("gpu-class", "karpenter.k8s.aws/v1", "EC2NodeClass", {
        role: "KarpenterNodeRole",
        amiSelectorTerms: [{ alias: "al2023@latest" }],
        subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "cluster" } }],
        securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "cluster" } }],
    });
    customResource("llm-route", "gateway.networking.k8s.io/v1", "HTTPRoute", {
        parentRefs: [{ name: "public", namespace: "gateways" }],
        hostnames: ["llm.example.com"],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "llm", port: 80 }] }],
    });
    customResource("llm-knative", "serving.knative.dev/v1", "Service", {
        // Knative would default the container name, but its published schema (from the Go types) requires one.
        template: { spec: { containers: [{ name: "server", image: validContainer.image, ports: [{ containerPort: 8000 }] }] } },
    });
}

describe("Kubernetes objects against their upstream schemas", () => {
    it("accepts valid objects of every kind, each checked against a schema found for it", async () => {
        const { resources } = await rt.construct(validObjects);
        // Registration order depends on when each resource's inputs resolve: compare as sets.
        expect(resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
            [
                "kubernetes:apps/v1:Deployment llm",
                "kubernetes:core/v1:Service llm",
                "kubernetes:policy/v1:PodDisruptionBudget llm",
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler llm",
                "kubernetes:keda.sh/v1alpha1:ScaledObject llm-scaler",
                "kubernetes:karpenter.sh/v1:NodePool gpu",
                "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gpu-class",
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute llm-route",
                "kubernetes:serving.knative.dev/v1:Service llm-knative",
            ].sort(),
        );
        // None was skipped: each kind has a schema (not the allowlist).
        expect(resources.map((r) => objectType(r)).filter(({ apiVersion, kind }) => !findSchema(apiVersion, kind))).toEqual([]);
    });

    it("rejects a misspelled field, naming the resource and the path", async () => {
        const { resources, ...rest } = validContainer;
        await expect(rt.construct(() => deployment({ ...rest, resorces: resources }))).rejects.toThrow(
            "1 Kubernetes object(s) do not match their upstream schema:\n" +
                '  kubernetes:apps/v1:Deployment "llm":\n' +
                '    - spec.template.spec.containers[0].resorces: unknown field, not in the apps/v1 Deployment schema; did you mean "resources"?',
        );
    });

    it("rejects a misspelled field in a custom resource", async () => {
        const build = () =>
            customResource("llm-scaler", "keda.sh/v1alpha1", "ScaledObject", {
                scaleTargetRef: { name: "llm" },
                maxReplicas: 8,
                triggers: [{ type: "cpu", metdata: { value: "70" } }],
            });
        await expect(rt.construct(build)).rejects.toThrow(
            '  kubernetes:keda.sh/v1alpha1:ScaledObject "llm-scaler":\n' +
                "    - spec.triggers[0].metadata: missing; the schema requires it\n" +
                "    - spec.maxReplicas: unknown field, not in the keda.sh/v1alpha1 ScaledObject schema\n" +
                '    - spec.triggers[0].metdata: unknown field, not in the keda.sh/v1alpha1 ScaledObject schema; did you mean "metadata"?',
        );
    });

    it("rejects a value of the wrong type", async () => {
        const build = () => deployment({ ...validContainer, ports: [{ name: "http", containerPort: "8000" }] });
        await expect(rt.construct(build)).rejects.toThrow('    - spec.template.spec.containers[0].ports[0].containerPort: received "8000"; expected integer');
    });

    it("rejects a missing required field and a value outside the enum", async () => {
        const build = () =>
            customResource("gpu", "karpenter.sh/v1", "NodePool", {
                template: { spec: { requirements: [{ key: "karpenter.sh/capacity-type", operator: "Equals", values: ["spot"] }] } },
            });
        await expect(rt.construct(build)).rejects.toThrow(
            '  kubernetes:karpenter.sh/v1:NodePool "gpu":\n' +
                "    - spec.template.spec.nodeClassRef: missing; the schema requires it\n" +
                '    - spec.template.spec.requirements[0].operator: received "Equals"; expected one of "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"',
        );
    });

    it("rejects a name the API server refuses", async () => {
        const build = () => new k8s.core.v1.Service("llm", { metadata: { name: "LLM_v2" }, spec: { ports: [{ port: 80 }] } });
        await expect(rt.construct(build)).rejects.toThrow(
            "    - metadata.name: received \"LLM_v2\"; expected an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)",
        );
    });

    it("rejects a kind without a published schema, saying how to allow it", async () => {
        const build = () => customResource("w", "example.com/v1", "Widget", { size: 1 });
        await expect(rt.construct(build)).rejects.toThrow(
            '  kubernetes:example.com/v1:Widget "w":\n' +
                '    - no published schema for apiVersion "example.com/v1" kind "Widget" in kubernetes-models, @kubernetes-models/gateway-api, ' +
                "@kubernetes-models/keda, @kubernetes-models/knative, @kubernetes-models/karpenter, @kubernetes-models/envoy-gateway, @kubernetes-models/prometheus-operator. " +
                'If none exists, add "example.com/v1/Widget" to KINDS_WITHOUT_SCHEMA in test/kubernetes-schemas.ts with the reason.',
        );
    });

    it("names the kinds that have no published schema, and each indeed has none", () => {
        expect(Object.keys(KINDS_WITHOUT_SCHEMA)).toEqual(["helm.sh/v3/Release", "helm.sh/v4/Chart", "serving.kserve.io/v1alpha1/InferenceGraph"]);
        for (const key of Object.keys(KINDS_WITHOUT_SCHEMA)) {
            const slash = key.lastIndexOf("/");
            expect(findSchema(key.slice(0, slash), key.slice(slash + 1)), key).toBeUndefined();
        }
        // Knative Eventing's Sequence is published (flows.knative.dev), so it is validated, not allowlisted.
        expect(findSchema("flows.knative.dev/v1", "Sequence")).toBeDefined();
        // ModelService's PodMonitor and PrometheusRule: the Prometheus Operator's models.
        expect(findSchema("monitoring.coreos.com/v1", "PodMonitor")).toBeDefined();
        expect(findSchema("monitoring.coreos.com/v1", "PrometheusRule")).toBeDefined();
    });

    it("skips allowlisted kinds and the Kubernetes provider", () => {
        const record = (type: string, inputs: Record<string, unknown>): ResourceRecord => ({
            urn: `urn:pulumi:dev::test::${type}::x`,
            type,
            name: "x",
            custom: true,
            inputs,
            secretInputs: [],
            outputs: {},
            options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependencies: [] },
        });
        expect(() =>
            validateKubernetesObjects([
                record("kubernetes:helm.sh/v3:Release", { chart: "dcgm-exporter", values: { anything: true } }),
                record("kubernetes:helm.sh/v4:Chart", { chart: "keda" }),
                record("kubernetes:serving.kserve.io/v1alpha1:InferenceGraph", { apiVersion: "serving.kserve.io/v1alpha1", kind: "InferenceGraph", spec: { nodes: {} } }),
                record("pulumi:providers:kubernetes", { kubeconfig: "{}" }),
            ]),
        ).not.toThrow();
    });

    it("does not judge values unknown until deployment", () => {
        const record: ResourceRecord = {
            urn: "urn:pulumi:dev::test::kubernetes:core/v1:ConfigMap::cfg",
            type: "kubernetes:core/v1:ConfigMap",
            name: "cfg",
            custom: true,
            inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: pulumi.unknown }, data: pulumi.unknown },
            secretInputs: [],
            outputs: {},
            options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependencies: [] },
        };
        expect(() => validateKubernetesObjects([record])).not.toThrow();
    });
});

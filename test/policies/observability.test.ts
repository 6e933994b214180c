/**
 * observability-required over hand-written resources (ModelService's own are checked through the examples, which
 * must pass the pack): a GPU workload without a scrape target or alerts is flagged with what is missing; a PodMonitor,
 * or a ServiceMonitor through a Service, and a PrometheusRule alert naming it make it pass; SageMaker GPU endpoints
 * need a CloudWatch alarm on their endpoint and Cloud Run GPU services an alert policy; CPU services are not asked. GPU
 * nodes need a PrometheusRule alert on the DCGM exporter's metrics; CPU nodes are not asked.
 */
import { describe, expect, it } from "vitest";
import type { ResourceRecord } from "../../sdk/plan/runtime";
import { findingsOf, record, validateStack } from "./helpers";

const found = (resources: ResourceRecord[]) => findingsOf("observability-required", resources).map((f) => `${f.enforcement} ${f.urn?.split("::").pop()}: ${f.message}`);

const LABELS = { app: "llm" };
const deployment = (gpus: number) =>
    record("kubernetes:apps/v1:Deployment", "llm", {
        metadata: { name: "llm", namespace: "ml" },
        spec: {
            replicas: 1,
            selector: { matchLabels: LABELS },
            template: {
                metadata: { labels: LABELS },
                spec: { containers: [{ name: "server", image: "vllm/vllm-openai@sha256:" + "a".repeat(64), resources: { limits: gpus > 0 ? { "nvidia.com/gpu": String(gpus) } : { cpu: "2" } } }] },
            },
        },
    });
const podMonitor = (matchLabels: Record<string, string>, namespace = "ml") =>
    record("kubernetes:monitoring.coreos.com/v1:PodMonitor", "llm-metrics", {
        metadata: { name: "llm", namespace },
        spec: { selector: { matchLabels }, podMetricsEndpoints: [{ port: "http", path: "/metrics" }] },
    });
const rule = (expr: string) =>
    record("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "llm-alerts", {
        metadata: { name: "llm", namespace: "ml" },
        spec: { groups: [{ name: "llm", rules: [{ alert: "LlmQueueBuilding", expr, for: "5m" }] }] },
    });
const EXPR = 'sum(vllm:num_requests_waiting{namespace="ml", pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) > 10';

describe("observability-required", () => {
    it("flags a GPU Deployment without a scrape target or alerts, saying what is missing", async () => {
        const resources = [deployment(1)];
        const message =
            "llm runs on GPUs and nobody is told when it fails or its queue builds: no PodMonitor or ServiceMonitor selects its pods, so Prometheus never scrapes its metrics " +
            "(the Prometheus Operator ignores prometheus.io annotations) and an autoscaler on them sees no data; no PrometheusRule alert names it";
        expect(found(resources)).toEqual([`advisory llm: ${message}`]);
        expect((await validateStack("observability-required", resources)).map((v) => v.message)).toEqual([message]);
        // A monitor in another namespace, or selecting other pods, does not count; an alert on another workload neither.
        expect(found([deployment(1), podMonitor(LABELS, "other"), rule('up{pod=~"chat-.*"} == 0')])).toHaveLength(1);
        expect(found([deployment(1), podMonitor({ app: "chat" }), rule(EXPR)])[0]).toContain("no PodMonitor or ServiceMonitor selects its pods");
        expect(found([deployment(1), podMonitor(LABELS)])[0]).toMatch(/: no PrometheusRule alert names it$/);
    });

    it("passes a GPU Deployment with a PodMonitor, or a ServiceMonitor through its Service, and an alert naming it; never asks a CPU one", () => {
        expect(found([deployment(1), podMonitor(LABELS), rule(EXPR)])).toEqual([]);
        const service = record("kubernetes:core/v1:Service", "llm-svc", { metadata: { name: "llm", namespace: "ml", labels: { "app.kubernetes.io/name": "llm" } }, spec: { selector: LABELS } });
        const serviceMonitor = record("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "llm-sm", {
            metadata: { name: "llm", namespace: "monitoring" },
            spec: { selector: { matchLabels: { "app.kubernetes.io/name": "llm" } }, namespaceSelector: { matchNames: ["ml"] }, endpoints: [{ port: "http" }] },
        });
        expect(found([deployment(1), service, serviceMonitor, rule(EXPR)])).toEqual([]);
        expect(found([deployment(0)])).toEqual([]);
        // GpuPool's warm headroom: pause containers holding GPUs for others serve nothing to scrape.
        const headroom = deployment(1);
        (headroom.inputs as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers[0].image =
            "registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a";
        expect(found([headroom])).toEqual([]);
    });

    it("asks a canary's Knative Configurations on GPUs too, and passes them with a PodMonitor on their labels and an alert naming them", () => {
        const configuration = record("kubernetes:serving.knative.dev/v1:Configuration", "llm-next", {
            metadata: { name: "llm-next", namespace: "ml" },
            spec: {
                template: {
                    metadata: { labels: LABELS },
                    spec: { containers: [{ image: "vllm/vllm-openai@sha256:" + "a".repeat(64), resources: { limits: { "nvidia.com/gpu": "1" } } }] },
                },
            },
        });
        expect(found([configuration])).toEqual([
            "advisory llm-next: llm-next runs on GPUs and nobody is told when it fails or its queue builds: no PodMonitor or ServiceMonitor selects its pods, so Prometheus never scrapes its metrics " +
                "(the Prometheus Operator ignores prometheus.io annotations) and an autoscaler on them sees no data; no PrometheusRule alert names it",
        ]);
        // Its revisions' pods carry the template's labels and serving.knative.dev/configuration: either selects them.
        const revisionPods = 'sum(vllm:num_requests_waiting{namespace="ml", pod=~"llm-next-[0-9]+-deployment-[a-z0-9]+-[a-z0-9]+"}) > 10';
        expect(found([configuration, podMonitor(LABELS), rule(revisionPods)])).toEqual([]);
        expect(found([configuration, podMonitor({ "serving.knative.dev/configuration": "llm-next" }), rule(revisionPods)])).toEqual([]);
        expect(found([configuration, podMonitor({ "serving.knative.dev/configuration": "llm" }), rule(revisionPods)])[0]).toContain("no PodMonitor or ServiceMonitor selects its pods");
    });

    it("asks a SageMaker GPU endpoint for a CloudWatch alarm on its endpoint, and a Cloud Run GPU service for an alert policy", () => {
        const config = record("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "qwen-config", {
            name: "qwen-config",
            productionVariants: [{ variantName: "primary", instanceType: "ml.g5.xlarge", initialInstanceCount: 1, modelName: "qwen" }],
        });
        const endpoint = record("aws:sagemaker/endpoint:Endpoint", "qwen", { name: "qwen", endpointConfigName: "qwen-config" });
        expect(found([config, endpoint])).toEqual([
            "advisory qwen-config: qwen-config runs on GPUs and nobody is told when it fails or its queue builds: no CloudWatch alarm watches its endpoint's metrics (EndpointName dimension)",
        ]);
        const alarm = record("aws:cloudwatch/metricAlarm:MetricAlarm", "qwen-errors", {
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 5,
            threshold: 5,
            metricQueries: [
                { id: "errors", metric: { namespace: "AWS/SageMaker", metricName: "Invocation5XXErrors", dimensions: { EndpointName: "qwen", VariantName: "primary" }, period: 60, stat: "Sum" } },
            ],
        });
        expect(found([config, endpoint, alarm])).toEqual([]);

        const run = record("gcp:cloudrunv2/service:Service", "chat", {
            name: "chat",
            location: "us-central1",
            template: { containers: [{ image: "us-docker.pkg.dev/acme/chat@sha256:" + "b".repeat(64), resources: { limits: { "nvidia.com/gpu": "1" } } }], nodeSelector: { accelerator: "nvidia-l4" } },
        });
        expect(found([run])).toEqual([
            "advisory chat: chat runs on GPUs and nobody is told when it fails or its queue builds: no Cloud Monitoring alert policy filters on the service (resource.labels.service_name)",
        ]);
        const policy = record("gcp:monitoring/alertPolicy:AlertPolicy", "chat-5xx", {
            displayName: "chat 5xx",
            combiner: "OR",
            conditions: [
                { displayName: "5xx", conditionThreshold: { filter: 'resource.type="cloud_run_revision" AND resource.labels.service_name="chat" AND metric.type="run.googleapis.com/request_count"' } },
            ],
        });
        expect(found([run, policy])).toEqual([]);
    });
    it("asks GPU nodes for an alert on the DCGM exporter's metrics (GpuPool's observability), not CPU nodes", () => {
        const nodes = (name: string, amiType: string, instanceType: string) =>
            record("aws:eks/nodeGroup:NodeGroup", name, { clusterName: "ml", amiType, instanceTypes: [instanceType], scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 0 } });
        const gpu = nodes("l4-gpu-nodes", "AL2023_x86_64_NVIDIA", "g6.xlarge");
        const cpu = nodes("system-nodes", "AL2023_x86_64_STANDARD", "m6i.large");
        expect(found([gpu, cpu])).toEqual([
            "advisory l4-gpu-nodes: l4-gpu-nodes holds GPUs and no PrometheusRule alert reads NVIDIA's DCGM exporter (DCGM_FI_DEV_*): nobody is told when a GPU's memory fills, it reports an XID error or the nodes sit idle (GpuPool's observability creates the exporter and these alerts)",
        ]);
        // Any alert on DCGM metrics (GpuPool's, a hand-written one) watches them; an alert on other metrics does not.
        expect(found([gpu, rule(EXPR)])).toHaveLength(1);
        expect(found([gpu, rule('DCGM_FI_DEV_XID_ERRORS{modelship_pool="l4"} > 0')])).toEqual([]);
    });
});

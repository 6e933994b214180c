/**
 * ModelService on Kubernetes with `kubernetes.autoscaler.engine: knative`: the Knative Service (or Configurations and
 * a Route for versions) with the KPA annotations resolved from `scaling.autoscaling`, the revision template from the
 * shared pod builder less what Knative refuses, cluster-local exposure, cost, and the errors. Every object is
 * validated against the Knative CRD schemas by the harness.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AuthMode, AutoscalerTarget, KubernetesScalingEngine, ModelCacheMode, ModelService, ModelServiceArgs, ScalingMetric, ServingRuntime, SpikeAutoscaler, Target } from "../../index";
import { estimateCost } from "../../sdk/cost";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";
import { validateKubernetesObjects } from "../kubernetes-schemas";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const KNATIVE_SERVICE = "kubernetes:serving.knative.dev/v1:Service";
const CONFIGURATION = "kubernetes:serving.knative.dev/v1:Configuration";
const ROUTE = "kubernetes:serving.knative.dev/v1:Route";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const SELECTOR = { "app.kubernetes.io/name": "llm", "app.kubernetes.io/instance": "llm" };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const templateOf = (r: ResourceRecord): Json => (r.inputs.spec as Json).template;
const keys = (resources: ResourceRecord[]) =>
    resources
        .filter((r) => r.custom)
        .map((r) => `${r.type}::${r.name}`)
        .sort();

/** The example's service: vLLM on one L4, scaling to zero on Knative. */
const knativeArgs = (over: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 0, maxReplicas: 8, autoscaling: {} },
    secrets: { HF_TOKEN: pulumi.secret("hf_s3cr3t") },
    kubernetes: { namespace: "ml", nodeSelector: { "modelship.dev/accelerator": "l4" }, autoscaler: { engine: KubernetesScalingEngine.Knative } },
    target: Target.Kubernetes,
    ...over,
});

describe("ModelService on kubernetes with engine knative", () => {
    it("runs a vLLM model as a cluster-local Knative Service that scales to zero: no Deployment, no ScaledObject, no ClusterIP Service", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", knativeArgs()));
        expect(keys(resources)).toEqual(
            [
                `${KNATIVE_SERVICE}::llm`,
                `${PDB}::llm`,
                "kubernetes:core/v1:ConfigMap::llm-dashboard",
                "kubernetes:core/v1:Secret::llm-secrets",
                "kubernetes:core/v1:ServiceAccount::llm",
                "kubernetes:monitoring.coreos.com/v1:PodMonitor::llm",
                "kubernetes:monitoring.coreos.com/v1:PrometheusRule::llm",
            ].sort(),
        );
        const service = rt.one(KNATIVE_SERVICE);
        expect(service.inputs).toMatchObject({
            apiVersion: "serving.knative.dev/v1",
            kind: "Service",
            metadata: {
                name: "llm",
                namespace: "ml",
                labels: { ...SELECTOR, "networking.knative.dev/visibility": "cluster-local" },
                annotations: {
                    "modelship.dev/knative-features":
                        "kubernetes.podspec-init-containers,kubernetes.podspec-nodeselector,kubernetes.podspec-securitycontext,kubernetes.podspec-tolerations,kubernetes.podspec-topologyspreadconstraints,kubernetes.podspec-volumes-emptydir",
                },
            },
            spec: { traffic: [{ latestRevision: true, percent: 100 }] },
        });
        const template = templateOf(service);
        // The KPA's settings, from scaling.autoscaling and its Kubernetes defaults: in flight 4 per GPU replica at 100%
        // (not Knative's 70%), zero to 8, Knative's own scale-down delay (0 s), the last replica kept for the cold-start budget.
        expect(template.metadata.annotations).toEqual({
            "kubectl.kubernetes.io/default-container": "server",
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "8000",
            "prometheus.io/path": "/metrics",
            "autoscaling.knative.dev/class": "kpa.autoscaling.knative.dev",
            "autoscaling.knative.dev/metric": "concurrency",
            "autoscaling.knative.dev/target": "4",
            "autoscaling.knative.dev/target-utilization-percentage": "100",
            "autoscaling.knative.dev/min-scale": "0",
            "autoscaling.knative.dev/max-scale": "8",
            "autoscaling.knative.dev/initial-scale": "1",
            "autoscaling.knative.dev/window": "60s",
            "autoscaling.knative.dev/panic-window-percentage": "10.0",
            "autoscaling.knative.dev/panic-threshold-percentage": "200.0",
            "autoscaling.knative.dev/scale-down-delay": "0s",
            "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "600s",
            "serving.knative.dev/progress-deadline": "1200s",
        });
        expect(template.metadata.labels).toMatchObject({ ...SELECTOR, "modelship.dev/accelerator": "l4" });
        const pod = template.spec;
        // A request that wakes the service waits for the first replica: the longest request (300 s) plus the cold-start budget.
        expect(pod.timeoutSeconds).toBe(1500);
        expect(pod.responseStartTimeoutSeconds).toBe(1500);
        expect(pod.terminationGracePeriodSeconds).toBeUndefined();
        expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
        expect(pod).toMatchObject({
            serviceAccountName: "llm",
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            nodeSelector: { "modelship.dev/accelerator": "l4" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        });
        expect(pod.initContainers.map((c: Json) => c.name)).toEqual(["fetch-model"]);
        const [server] = pod.containers;
        expect(server.lifecycle).toBeUndefined();
        expect(server.ports).toEqual([{ name: "http1", containerPort: 8000, protocol: "TCP" }]);
        expect(server.startupProbe.httpGet).toEqual({ path: "/health", port: 8000 });
        expect(server.readinessProbe.httpGet).toEqual({ path: "/health", port: 8000 });
        expect(server.resources).toEqual({ requests: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" }, limits: { memory: "16Gi", "nvidia.com/gpu": "1" } });
        expect(rt.one(PDB).inputs).toMatchObject({ metadata: { name: "llm", namespace: "ml" }, spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR } } });
        expect(await outputValue(svc.url)).toBe("http://llm.ml.svc.cluster.local");
        // The activator holds a request through the cold start: the revision's progress deadline (600 s startup probe
        // plus 600 s for a node and the image), then 300 s of request; the revision's 1500 s timeout is their sum.
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(1200);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);
        expect(await outputValue(svc.endpointName)).toBe("http://llm.ml.svc.cluster.local");
    });

    it("reports no cold start when a replica stays warm, and a revision timeout of the request alone", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", knativeArgs({ scaling: { minReplicas: 1, maxReplicas: 8, autoscaling: {} } })));
        expect(templateOf(rt.one(KNATIVE_SERVICE)).spec.timeoutSeconds).toBe(300);
        expect(await outputValue(svc.coldStartBudgetSeconds)).toBe(0);
        expect(await outputValue(svc.requestTimeoutSeconds)).toBe(300);
    });

    it("prices the pods from min-scale and max-scale, the same in the plan and the component", async () => {
        const { value: svc } = await rt.construct(() => new ModelService("llm", knativeArgs()));
        const cost = await outputValue(svc.estimatedMonthlyCost);
        const plan = estimateCost(rt.ofType(KNATIVE_SERVICE));
        const line = plan.items.find((l) => l.type === KNATIVE_SERVICE);
        expect(line?.basis).toMatch(/^0-8 replica\(s\) x 1 x NVIDIA L4.*; replicas from autoscaling\.knative\.dev\/min-scale 0 and autoscaling\.knative\.dev\/max-scale 8/);
        expect(line?.monthly.min).toBe(0);
        expect(plan.unknownItems).toBe(0);
        // The component's estimate is the plan's price of the Knative Service it created: one cost model.
        expect(cost).toMatchObject({ min: 0, max: plan.monthly.max, known: true });
        expect(cost.max).toBeGreaterThan(0);
    });
    it("splits a canary with a Configuration per version and a cluster-local Route, each version scaled on its share", async () => {
        const { value: svc } = await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    knativeArgs({
                        versions: [
                            { name: "stable", weight: 90 },
                            { name: "next", weight: 10, uri: "hf://Qwen/Qwen2.5-7B-Instruct-1M" },
                        ],
                        scaling: { minReplicas: 2, maxReplicas: 20, autoscaling: { metric: ScalingMetric.RequestsPerSecond, metricTarget: 3 } },
                    }),
                ),
        );
        expect(rt.ofType(KNATIVE_SERVICE)).toEqual([]);
        expect(rt.ofType(CONFIGURATION).map((r) => r.name)).toEqual(["llm-stable", "llm-next"]);
        expect(rt.ofType(PDB).map((r) => r.name)).toEqual(["llm-stable", "llm-next"]);
        const annotations = (name: string) => templateOf(rt.one(CONFIGURATION, name)).metadata.annotations;
        expect(annotations("llm-stable")).toMatchObject({
            "autoscaling.knative.dev/metric": "rps",
            "autoscaling.knative.dev/target": "3",
            "autoscaling.knative.dev/min-scale": "2",
            "autoscaling.knative.dev/max-scale": "18",
            "autoscaling.knative.dev/initial-scale": "2",
        });
        // A version the Route sends traffic to keeps a replica while the service runs any.
        expect(annotations("llm-next")).toMatchObject({ "autoscaling.knative.dev/min-scale": "1", "autoscaling.knative.dev/max-scale": "2" });
        expect(annotations("llm-next")["autoscaling.knative.dev/scale-to-zero-pod-retention-period"]).toBeUndefined();
        // With a replica always running, the request timeout is the longest request's.
        expect(templateOf(rt.one(CONFIGURATION, "llm-next")).spec.timeoutSeconds).toBe(300);
        expect(templateOf(rt.one(CONFIGURATION, "llm-next")).metadata.labels).toMatchObject({ "modelship.dev/version": "next" });
        expect(rt.one(ROUTE).inputs).toMatchObject({
            metadata: { name: "llm", namespace: "ml", labels: { "networking.knative.dev/visibility": "cluster-local" } },
            spec: {
                traffic: [
                    { configurationName: "llm-stable", percent: 90 },
                    { configurationName: "llm-next", percent: 10 },
                ],
            },
        });
        expect(await outputValue(svc.url)).toBe("http://llm.ml.svc.cluster.local");
    });

    it("installs Knative Serving with the flags and the request timeout limit the service needs, before the service", async () => {
        const { resources } = await rt.construct(
            () => new ModelService("llm", knativeArgs({ kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative, installKnative: true } } })),
        );
        expect(rt.one("kubernetes:helm.sh/v3:Release").inputs).toMatchObject({
            name: "knative-operator",
            chart: "knative-operator",
            version: "v1.23.0",
            repositoryOpts: { repo: "https://knative.github.io/operator" },
            namespace: "knative-operator",
            createNamespace: true,
            atomic: true,
        });
        expect(rt.one("kubernetes:core/v1:Namespace").inputs).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "knative-serving" } });
        const serving = rt.one("kubernetes:operator.knative.dev/v1beta1:KnativeServing");
        expect(serving.inputs).toEqual({
            apiVersion: "operator.knative.dev/v1beta1",
            kind: "KnativeServing",
            metadata: { name: "knative-serving", namespace: "knative-serving" },
            spec: {
                version: "1.23",
                // Cluster-local: Kourier's gateway gets no cloud load balancer.
                ingress: { kourier: { enabled: true, "service-type": "ClusterIP" } },
                config: {
                    network: { "ingress-class": "kourier.ingress.networking.knative.dev" },
                    features: {
                        "kubernetes.podspec-init-containers": "enabled",
                        "kubernetes.podspec-securitycontext": "enabled",
                        "kubernetes.podspec-tolerations": "enabled",
                        "kubernetes.podspec-topologyspreadconstraints": "enabled",
                        "kubernetes.podspec-volumes-emptydir": "enabled",
                    },
                    // The revision's 1500 s request timeout is above Knative's default limit (600 s).
                    defaults: { "max-revision-timeout-seconds": "1500" },
                    // observability on (the default): the autoscaler and activator export Prometheus metrics (none by default since 1.19).
                    observability: { "metrics-protocol": "prometheus" },
                },
            },
        });
        const service = resources.find((r) => r.type === KNATIVE_SERVICE) as ResourceRecord;
        expect(service.options.dependencies).toContain(serving.urn);
        // ...scraped by a PodMonitor of the control plane, once Knative runs.
        const monitor = rt.one("kubernetes:monitoring.coreos.com/v1:PodMonitor", "llm-knative-metrics");
        expect(monitor.inputs).toMatchObject({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: "knative-serving-control-plane", namespace: "knative-serving" },
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": "knative-serving" }, matchExpressions: [{ key: "app", operator: "In", values: ["autoscaler", "activator"] }] },
                podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }],
            },
        });
        expect(monitor.options.dependencies).toContain(serving.urn);
        validateKubernetesObjects(resources);

        // observability off: neither.
        await rt.construct(
            () =>
                new ModelService(
                    "llm",
                    knativeArgs({ kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative, installKnative: true } }, observability: { enabled: false } }),
                ),
        );
        expect((rt.one("kubernetes:operator.knative.dev/v1beta1:KnativeServing").inputs.spec as Json).config).not.toHaveProperty("observability");
        expect(rt.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor")).toEqual([]);
    });

    it("mounts a cluster model cache, listing the claim and field-reference flags its revisions need", async () => {
        const cached = knativeArgs({
            model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm, sizeGiB: 15, cache: { mode: ModelCacheMode.Cluster, storageClassName: "efs-sc" } },
        });
        await rt.construct(() => new ModelService("llm", cached));
        const service = rt.one(KNATIVE_SERVICE);
        expect((service.inputs.metadata as Json).annotations["modelship.dev/knative-features"].split(",")).toEqual([
            "kubernetes.podspec-fieldref",
            "kubernetes.podspec-init-containers",
            "kubernetes.podspec-nodeselector",
            "kubernetes.podspec-persistent-volume-claim",
            "kubernetes.podspec-persistent-volume-write",
            "kubernetes.podspec-securitycontext",
            "kubernetes.podspec-tolerations",
            "kubernetes.podspec-topologyspreadconstraints",
            "kubernetes.podspec-volumes-emptydir",
        ]);
        expect(templateOf(service).spec.volumes).toContainEqual(expect.objectContaining({ persistentVolumeClaim: { claimName: "llm-model-cache" } }));
        // The claim exists before the service that mounts it.
        expect(service.options.dependencies).toContain(rt.one("kubernetes:core/v1:PersistentVolumeClaim").urn);
    });

    const invalid: [string, ModelServiceArgs, RegExp][] = [
        [
            "a metric the KPA does not have",
            knativeArgs({ scaling: { minReplicas: 0, maxReplicas: 8, autoscaling: { metric: ScalingMetric.GpuUtilization } } }),
            /scaling\.autoscaling\.metric: received "gpu-utilization"; expected in-flight-requests or requests-per-second with kubernetes\.autoscaler\.engine knative/,
        ],
        [
            "a setting of KEDA",
            knativeArgs({ kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Knative, prometheusUrl: "http://prometheus:9090" } } }),
            /kubernetes\.autoscaler\.prometheusUrl: received "http:\/\/prometheus:9090"; expected nothing with kubernetes\.autoscaler\.engine knative \(KEDA's Prometheus server/,
        ],
        [
            "a setting of the HPA",
            knativeArgs({ kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Knative, hpaMetricName: "in_flight" } } }),
            /kubernetes\.autoscaler\.hpaMetricName: received "in_flight"; expected nothing with kubernetes\.autoscaler\.engine knative/,
        ],
        [
            "a burst multiplier (Knative's is cluster-wide)",
            knativeArgs({ scaling: { minReplicas: 0, maxReplicas: 8, autoscaling: { burstMultiplier: 10 } } }),
            /scaling\.autoscaling\.burstMultiplier: received 10; expected nothing with kubernetes\.autoscaler\.engine knative: the scale-up rate is Knative's cluster-wide max-scale-up-rate/,
        ],
        [
            "a public endpoint",
            knativeArgs({ exposure: { public: true, auth: AuthMode.Jwt, jwt: { issuer: "https://id.example.com", jwksUri: "https://id.example.com/jwks" } } }),
            /exposure\.public: received true; expected false with kubernetes\.autoscaler\.engine knative: the Knative Service is cluster-local/,
        ],
        [
            "a port Knative's queue-proxy listens on",
            knativeArgs({ model: { image: "registry.example.com/llm@sha256:" + "a".repeat(64), port: 8012 } }),
            /model\.port: received 8012; expected a port other than 8008, 8012, 8013, 8022, 9090, 9091/,
        ],
        [
            "a node model cache (a writable hostPath)",
            knativeArgs({ model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm, cache: { mode: ModelCacheMode.Node } } }),
            /model\.cache\.mode: received "node"; expected none or cluster with kubernetes\.autoscaler\.engine knative: Knative's webhook refuses the node cache's writable hostPath mount/,
        ],
        [
            "an environment variable Knative sets",
            knativeArgs({ env: { PORT: "9000" } }),
            /env\.PORT: received "9000"; expected no PORT with kubernetes\.autoscaler\.engine knative \(Knative sets PORT, K_SERVICE, K_CONFIGURATION, K_REVISION itself\)/,
        ],
        [
            "installKnative with engine keda",
            knativeArgs({
                scaling: { minReplicas: 1, maxReplicas: 8, autoscaling: {} },
                kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Keda, prometheusUrl: "http://prometheus:9090", installKnative: true } },
            }),
            /kubernetes\.autoscaler\.installKnative: received true; expected false unless kubernetes\.autoscaler\.engine is knative \(it is keda\)/,
        ],
        [
            "engine knative without scaling.autoscaling",
            knativeArgs({ scaling: { replicas: 1 } }),
            /kubernetes\.autoscaler: received an object with engine; expected nothing without scaling\.autoscaling/,
        ],
    ];
    for (const [what, args, message] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                expect(() => new ModelService("bad", args)).toThrow(message);
            });
            expect(resources).toEqual([]);
        });
    }

    it("refuses engine knative on a standalone SpikeAutoscaler, which scales a Deployment it did not make", () => {
        const args = { target: AutoscalerTarget.Kubernetes, maxReplicas: 4, kubernetes: { deploymentName: "llm", engine: KubernetesScalingEngine.Knative, runtime: ServingRuntime.Vllm } };
        expect(() => new SpikeAutoscaler("llm", args)).toThrow(
            /kubernetes\.engine: received "knative"; expected keda or hpa: engine knative serves the model as a Knative Service, which a ModelService makes/,
        );
    });

    it("names the two ways to zero when KEDA is asked to scale HTTP traffic to zero", async () => {
        const args = knativeArgs({ kubernetes: { autoscaler: { engine: KubernetesScalingEngine.Keda, prometheusUrl: "http://prometheus:9090" } } });
        expect(() => new ModelService("bad", args)).toThrow(
            /scaling\.minReplicas: received 0; expected at least 1 with metric in-flight-requests and engine keda.*Two ways to zero: kubernetes\.autoscaler\.engine knative/,
        );
    });
});

/**
 * SpikeAutoscaler on Kubernetes: the exact KEDA ScaledObject (Prometheus trigger, cron pre-warming, activation for
 * scale from zero) and HorizontalPodAutoscaler, both checked against their upstream schemas by the harness
 * (kubernetes-models, @kubernetes-models/keda; unknown fields rejected), KEDA's Helm release, and what Kubernetes
 * cannot do.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, AutoscalerTarget, KubernetesScalingEngine, ScalingMetric, ServingRuntime, SpikeAutoscaler, SpikeAutoscalerArgs } from "../../index";
import { outputValue, useMockRuntime } from "../harness";

const rt = useMockRuntime({ config: { "aws:region": "us-east-1" } });

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PROMETHEUS = "http://prometheus-operated.monitoring.svc:9090";
const LABELS = {
    "app.kubernetes.io/name": "llm",
    "app.kubernetes.io/instance": "llm",
    "app.kubernetes.io/component": "spikeautoscaler",
    "app.kubernetes.io/managed-by": "modelship",
    "modelship.dev/service": "llm",
    "modelship.dev/environment": "dev",
};
/** The HPA behavior every autoscaler gets with the defaults and a 600 s cold-start budget: x1000 (99900%) or +4 pods per 15 s up. */
const DEFAULT_BEHAVIOR = {
    scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
            { type: "Percent", value: 99900, periodSeconds: 15 },
            { type: "Pods", value: 4, periodSeconds: 15 },
        ],
    },
    scaleDown: { stabilizationWindowSeconds: 240, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
};

const POD = 'namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"';
const RUNNING = `sum(vllm:num_requests_running{${POD}})`;
/** vLLM's arrival-rate query for the Deployment `llm` in `ml`. */
const ARRIVAL_QUERY =
    `clamp_min((sum(rate(vllm:request_success_total{${POD}}[60s])) + deriv((sum(vllm:num_requests_running{${POD}}) + sum(vllm:num_requests_waiting{${POD}}))[60s:15s])) * ` +
    `avg_over_time(sum(vllm:num_requests_running{${POD}})[60s:15s]) / (sum(rate(vllm:request_success_total{${POD}}[60s])) > 0), 0)`;

const vllm = (extra: Partial<SpikeAutoscalerArgs> = {}, k8s: Partial<NonNullable<SpikeAutoscalerArgs["kubernetes"]>> = {}): SpikeAutoscalerArgs => ({
    target: AutoscalerTarget.Kubernetes,
    kubernetes: { deploymentName: "llm", namespace: "ml", accelerator: Accelerator.L4, runtime: ServingRuntime.Vllm, prometheusUrl: PROMETHEUS, ...k8s },
    maxReplicas: 20,
    ...extra,
});

describe("SpikeAutoscaler on kubernetes with KEDA", () => {
    it("emits one ScaledObject: vLLM's in-flight query per pod, burst and scale-down behavior, a cron trigger per window", async () => {
        const { value, resources } = await rt.construct(
            () => new SpikeAutoscaler("llm", vllm({ prewarm: [{ schedule: "45 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 120, replicas: 8 }] })),
        );
        expect(resources.map((r) => `${r.type}::${r.name}`)).toEqual(["modelship:index:SpikeAutoscaler::llm", `${SCALED_OBJECT}::llm`]);
        expect(rt.one(SCALED_OBJECT).inputs).toEqual({
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name: "llm", namespace: "ml", labels: LABELS },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" },
                pollingInterval: 15,
                cooldownPeriod: 600,
                minReplicaCount: 1,
                maxReplicaCount: 20,
                advanced: { horizontalPodAutoscalerConfig: { behavior: DEFAULT_BEHAVIOR } },
                triggers: [
                    {
                        type: "prometheus",
                        name: "in-flight-requests",
                        metricType: "AverageValue",
                        metadata: {
                            serverAddress: PROMETHEUS,
                            // Running + queued, the queue counted at most 8 x the running requests.
                            query: 'sum(vllm:num_requests_running{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) + (sum(vllm:num_requests_waiting{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) < 8 * sum(vllm:num_requests_running{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) or 8 * sum(vllm:num_requests_running{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}))',
                            threshold: "4",
                        },
                    },
                    {
                        type: "prometheus",
                        name: "arrival-rate",
                        metricType: "AverageValue",
                        metadata: {
                            serverAddress: PROMETHEUS,
                            // The in flight the last minute's arrivals make: (completed + growth of running + queued) x mean running / completed.
                            query: ARRIVAL_QUERY,
                            threshold: "4",
                        },
                    },
                    {
                        type: "prometheus",
                        name: "panic",
                        metricType: "AverageValue",
                        metadata: {
                            serverAddress: PROMETHEUS,
                            // The whole in flight, only while the arrivals' in flight is above 4x the running requests.
                            query: `(${RUNNING} + sum(vllm:num_requests_waiting{${POD}})) and on() (${ARRIVAL_QUERY} > 4 * ${RUNNING})`,
                            threshold: "4",
                        },
                    },
                    { type: "cron", name: "prewarm-0", metadata: { timezone: "Europe/Paris", start: "45 7 * * 1-5", end: "45 9 * * 1-5", desiredReplicas: "8" } },
                ],
            },
        });
        expect(await outputValue(value.effectiveMin)).toBe(1);
        expect(await outputValue(value.effectiveMax)).toBe(20);
        expect(await outputValue(value.bindingBound)).toBe("spec");
        // One L4 pod: g6.xlarge $0.8048/h x 730 h = $587.504. Pre-warming: 261 weekday windows of 2 h in 2026
        // = 43.5 h a month x 7 replicas above the minimum x $0.8048 = $245.06; max 20 x $587.504 = $11,750.08.
        expect(await outputValue(value.estimatedMonthlyCost)).toMatchObject({ known: true, min: 832.56, max: 11750.08 });
        expect(Object.keys(value.resources)).toEqual(["scaledObject"]);
    });

    it("scales from zero on a queue outside the pods: activation above 0, the idle time before zero as cooldown", async () => {
        await rt.construct(
            () =>
                new SpikeAutoscaler(
                    "llm",
                    vllm({
                        minReplicas: 0,
                        metric: ScalingMetric.QueueDepth,
                        metricTarget: 10,
                        query: 'sum(sqs_messages_visible{queue="llm-jobs"})',
                        scaleToZeroAfterSeconds: 900,
                        burstMultiplier: 3,
                        scaleDownDelaySeconds: 120,
                    }),
                ),
        );
        const spec = rt.one(SCALED_OBJECT).inputs.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 20, cooldownPeriod: 900 });
        expect(spec.triggers).toEqual([
            {
                type: "prometheus",
                name: "queue-depth",
                metricType: "AverageValue",
                metadata: { serverAddress: PROMETHEUS, query: 'sum(sqs_messages_visible{queue="llm-jobs"})', threshold: "10", activationThreshold: "0" },
            },
        ]);
        expect(spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies[0]).toEqual({ type: "Percent", value: 200, periodSeconds: 15 });
        expect(spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(120);
    });

    it("caps TGI's queue at the factor given, and counts only the running requests with 0", async () => {
        const pods = 'namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"';
        await rt.construct(() => new SpikeAutoscaler("llm", vllm({ maxQueuedPerRunning: 2.5 }, { runtime: ServingRuntime.Tgi })));
        const query = (rt.one(SCALED_OBJECT).inputs.spec as Record<string, any>).triggers[0].metadata.query; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(query).toBe(`sum(tgi_batch_current_size{${pods}}) + (sum(tgi_queue_size{${pods}}) < 2.5 * sum(tgi_batch_current_size{${pods}}) or 2.5 * sum(tgi_batch_current_size{${pods}}))`);
        await rt.construct(() => new SpikeAutoscaler("llm2", vllm({ maxQueuedPerRunning: 0 }, { deploymentName: "llm" })));
        const running = (rt.one(SCALED_OBJECT, "llm2").inputs.spec as Record<string, any>).triggers[0].metadata.query; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(running).toBe(`sum(vllm:num_requests_running{${pods}})`);
    });

    it("adds the arrival-rate and panic triggers for TGI from its own metric names, and none beside a query of one's own", async () => {
        await rt.construct(() => new SpikeAutoscaler("llm", vllm({ maxQueuedPerRunning: 2.5 }, { runtime: ServingRuntime.Tgi })));
        const triggers = (rt.one(SCALED_OBJECT).inputs.spec as Record<string, any>).triggers; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(triggers.map((t: { name: string }) => t.name)).toEqual(["in-flight-requests", "arrival-rate", "panic"]);
        expect(triggers[1].metadata.query).toContain(`sum(rate(tgi_request_success{${POD}}[60s]))`);
        expect(triggers[1].metadata.query).toContain(`deriv((sum(tgi_batch_current_size{${POD}}) + sum(tgi_queue_size{${POD}}))[60s:15s])`);
        // Panic above 1 + 2.5 = 3.5x the running requests.
        expect(triggers[2].metadata.query).toMatch(/ > 3\.5 \* sum\(tgi_batch_current_size\{[^}]+\}\)\)$/);
        await rt.construct(() => new SpikeAutoscaler("own", vllm({ query: "sum(my_in_flight)" })));
        const own = (rt.one(SCALED_OBJECT, "own").inputs.spec as Record<string, any>).triggers; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(own.map((t: { name: string }) => t.name)).toEqual(["in-flight-requests"]);
    });

    it("measures GPU utilisation per GPU from the DCGM exporter, over every GPU of a replica", async () => {
        await rt.construct(() => new SpikeAutoscaler("llm", vllm({ metric: ScalingMetric.GpuUtilization }, { gpusPerReplica: 2 })));
        const trigger = (rt.one(SCALED_OBJECT).inputs.spec as Record<string, any>).triggers[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(trigger.metadata).toMatchObject({ query: 'sum(DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod=~"llm-[a-z0-9]+-[a-z0-9]+"}) / 2', threshold: "70" });
    });

    it("installs KEDA from the pinned chart first, and reaches the cluster through its own provider", async () => {
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", vllm({}, { installKeda: true, kubeconfig: "apiVersion: v1" })));
        const release = rt.one("kubernetes:helm.sh/v3:Release");
        expect(release.name).toBe("llm-keda");
        expect(release.inputs).toMatchObject({
            name: "keda",
            chart: "keda",
            version: "2.18.2",
            repositoryOpts: { repo: "https://kedacore.github.io/charts" },
            namespace: "keda",
            createNamespace: true,
            atomic: true,
            timeout: 600,
        });
        const scaledObject = rt.one(SCALED_OBJECT);
        expect(scaledObject.options.dependencies).toContain(release.urn);
        expect(rt.one("pulumi:providers:kubernetes").secretInputs).toContain("kubeconfig");
        expect(Object.keys(value.resources).sort()).toEqual(["kedaRelease", "provider", "scaledObject"]);
    });
});

describe("SpikeAutoscaler on kubernetes with a HorizontalPodAutoscaler", () => {
    it("emits an autoscaling/v2 HPA on a per-pod custom metric with explicit behavior policies", async () => {
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", vllm({ minReplicas: 2, metricTarget: 6 }, { engine: KubernetesScalingEngine.Hpa, prometheusUrl: undefined })));
        expect(rt.ofType(SCALED_OBJECT)).toEqual([]);
        expect(rt.one(HPA).inputs).toEqual({
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { name: "llm", namespace: "ml", labels: LABELS },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" },
                minReplicas: 2,
                maxReplicas: 20,
                metrics: [{ type: "Pods", pods: { metric: { name: "in_flight_requests" }, target: { type: "AverageValue", averageValue: "6" } } }],
                behavior: DEFAULT_BEHAVIOR,
            },
        });
        expect(Object.keys(value.resources)).toEqual(["horizontalPodAutoscaler"]);
    });

    it("reads a backlog as an External metric by the adapter's name", async () => {
        await rt.construct(
            () => new SpikeAutoscaler("llm", vllm({ metric: ScalingMetric.QueueDepth, metricTarget: 0.5 }, { engine: KubernetesScalingEngine.Hpa, hpaMetricName: "sqs_visible_messages" })),
        );
        expect((rt.one(HPA).inputs.spec as Record<string, unknown>).metrics).toEqual([
            { type: "External", external: { metric: { name: "sqs_visible_messages" }, target: { type: "AverageValue", averageValue: "0.5" } } },
        ]);
    });
});

describe("SpikeAutoscaler on kubernetes refuses", () => {
    const refuse = (args: SpikeAutoscalerArgs) => () => new SpikeAutoscaler("llm", args);

    it("a target of 0 or less, and a minimum above the maximum", () => {
        expect(refuse(vllm({ metricTarget: -2 }))).toThrow('modelship:index:SpikeAutoscaler "llm": 1 invalid argument:\n  - metricTarget: received -2; expected a number > 0');
        expect(refuse(vllm({ minReplicas: 5, maxReplicas: 2 }))).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 1 invalid argument:\n  - minReplicas: received 5; expected a number <= maxReplicas (2)',
        );
        expect(refuse({ ...vllm(), kubernetes: undefined, sagemaker: { endpointName: "llm" } })).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 2 invalid arguments:\n' +
                '  - kubernetes: received nothing (the field is missing); expected the Deployment: kubernetes.deploymentName (and namespace) with target "kubernetes"\n' +
                '  - sagemaker: received an object with endpointName; expected no sagemaker settings with target "kubernetes" (they apply to target "aws-sagemaker")',
        );
    });

    it("scale to zero for HTTP metrics: nothing holds the first requests", () => {
        expect(refuse(vllm({ minReplicas: 0 }))).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 1 invalid argument:\n' +
                "  - minReplicas: received 0; expected at least 1 with metric in-flight-requests and engine keda: at zero replicas nothing holds the first requests " +
                "(the gateway answers 503 until a pod is ready) and the pods' metrics do not exist to wake on. Two ways to zero: a ModelService with " +
                "kubernetes.autoscaler.engine knative (its activator holds the requests while the first replica starts), or metric queue-depth or custom, " +
                "whose work waits outside the pods; else keep 1 and pre-warm (docs/scaling.md)",
        );
    });

    it("scale to zero on the pods' own queue, which does not exist at zero", () => {
        expect(refuse(vllm({ minReplicas: 0, metric: ScalingMetric.QueueDepth, metricTarget: 8 }))).toThrow(
            "  - query: received nothing (the field is missing); expected a query that counts the backlog outside the pods with minReplicas 0 (the preset reads the pods' own queue, which does not exist at zero)",
        );
    });

    it("pre-warming and zero with an HPA, and KEDA's Helm release with it", () => {
        expect(refuse(vllm({ minReplicas: 0, prewarm: [{ schedule: "0 8 * * *", durationMinutes: 60, replicas: 2 }] }, { engine: KubernetesScalingEngine.Hpa, installKeda: true }))).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 3 invalid arguments:\n' +
                "  - minReplicas: received 0; expected at least 1 with kubernetes.engine hpa (a HorizontalPodAutoscaler cannot scale to zero; use engine keda)\n" +
                "  - prewarm: received an array of 1; expected no pre-warming with kubernetes.engine hpa (a HorizontalPodAutoscaler has no schedules; use engine keda)\n" +
                "  - kubernetes.installKeda: received true; expected false with kubernetes.engine hpa",
        );
    });

    it("KEDA without a Prometheus server, and a metric the server has no query for", () => {
        expect(refuse(vllm({ metric: ScalingMetric.RequestsPerSecond, metricTarget: 2 }, { prometheusUrl: undefined, runtime: ServingRuntime.Custom }))).toThrow(
            'modelship:index:SpikeAutoscaler "llm": 2 invalid arguments:\n' +
                "  - kubernetes.prometheusUrl: received nothing (the field is missing); expected the Prometheus server KEDA queries, such as http://prometheus-operated.monitoring.svc:9090 (engine keda)\n" +
                "  - query: received nothing (the field is missing); expected a Prometheus query for metric requests-per-second: the custom server has no preset query for it (presets: vllm, tgi, triton, torchserve; docs/scaling.md)",
        );
    });

    it("a queue cap where no preset query applies it", () => {
        const expected =
            "expected nothing here: it applies to metric in-flight-requests with the preset query of vllm or tgi on kubernetes with engine keda (give the cap inside your own query otherwise)";
        expect(refuse(vllm({ maxQueuedPerRunning: 4, query: "sum(my_in_flight)" }))).toThrow(`1 invalid argument:\n  - maxQueuedPerRunning: received 4; ${expected}`);
        expect(refuse(vllm({ maxQueuedPerRunning: 4 }, { runtime: ServingRuntime.Triton, engine: KubernetesScalingEngine.Hpa }))).toThrow(`  - maxQueuedPerRunning: received 4; ${expected}`);
        expect(refuse(vllm({ maxQueuedPerRunning: -1 }))).toThrow("  - maxQueuedPerRunning: received -1; expected a number >= 0");
    });

    it("a GPU pool smaller than the pods' maximum, known now", () => {
        expect(refuse(vllm({ maxReplicas: 6 }, { gpusPerReplica: 2, gpuPoolMaxGpus: 8 }))).toThrow(
            "  - kubernetes.gpuPoolMaxGpus: received 8; expected at least 12 GPUs: the pods' maximum (6 replica(s) x 2 GPU) must fit in the pool's maximum (raise the GpuPool's maxNodes, or lower maxReplicas)",
        );
    });

    it("a GPU pool smaller than the pods' maximum, known at deployment (a GpuPool output): the deployment fails", async () => {
        const { value } = await rt.construct(() => new SpikeAutoscaler("llm", vllm({ maxReplicas: 6 }, { gpuPoolMaxGpus: pulumi.output(4) })));
        expect(await outputValue(value.effectiveMax)).toBe(6);
        await rt.settle();
        const failure = rt.asyncErrors.map(String).find((e) => e.includes("gpuPoolMaxGpus"));
        expect(failure).toContain("kubernetes.gpuPoolMaxGpus: received 4; expected at least 6 GPUs");
    });
});

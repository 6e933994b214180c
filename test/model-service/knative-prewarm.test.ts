/**
 * Pre-warming windows of a ModelService with `kubernetes.autoscaler.engine: knative`: per window a start and an end
 * CronJob in the window's time zone that set the serving revisions' `autoscaling.knative.dev/min-scale` with kubectl
 * (no new revision: the template is untouched), their ServiceAccount, Role and RoleBinding, restricted pod security,
 * the windows' hours priced the same in the plan and the component, and the errors. Every object is validated against
 * the upstream schemas by the harness.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Accelerator, KubernetesScalingEngine, ModelService, ModelServiceArgs, ServingRuntime, Target } from "../../index";
import { estimateCost } from "../../sdk/cost";
import { ResourceRecord } from "../../sdk/plan/runtime";
import { outputValue, useMockRuntime } from "../harness";
import { podSecurityViolations, writableRootContainers } from "../pod-security";

const rt = useMockRuntime({ config: { "modelship:team": "ml-platform" } });

const KNATIVE_SERVICE = "kubernetes:serving.knative.dev/v1:Service";
const CRONJOB = "kubernetes:batch/v1:CronJob";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const KUBECTL = "registry.k8s.io/kubectl:v1.34.1@sha256:59bafa07ff3a6d4b417e7633ddb9d79a9606ca98bf64bac080b3e65748669250";
/** The labels of every object of the service (component, team from the stack's config). */
const LABELS = {
    "app.kubernetes.io/name": "llm",
    "app.kubernetes.io/instance": "llm",
    "app.kubernetes.io/component": "modelservice",
    "app.kubernetes.io/managed-by": "modelship",
    "modelship.dev/service": "llm",
    "modelship.dev/environment": "dev",
    "modelship.dev/team": "ml-platform",
};
/** The jobs' pods: not the service's selector (its PodDisruptionBudget must not count them). */
const JOB_LABELS = { ...LABELS, "app.kubernetes.io/name": "knative-prewarm" };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const spec = (r: ResourceRecord): Json => r.inputs.spec as Json;
const container = (r: ResourceRecord): Json => spec(r).jobTemplate.spec.template.spec.containers[0];
type Window = { schedule: string; timezone?: string; durationMinutes: number; replicas: number };

/** vLLM on one L4 that scales to zero on Knative, with `prewarm` windows. */
const knativeArgs = (prewarm: Window[], over: Partial<ModelServiceArgs> = {}): ModelServiceArgs => ({
    model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", runtime: ServingRuntime.Vllm },
    resources: { gpu: { accelerator: Accelerator.L4 } },
    scaling: { minReplicas: 0, maxReplicas: 8, autoscaling: { prewarm } },
    secrets: { HF_TOKEN: pulumi.secret("hf_s3cr3t") },
    kubernetes: { namespace: "ml", autoscaler: { engine: KubernetesScalingEngine.Knative } },
    target: Target.Kubernetes,
    ...over,
});
/** Weekdays 07:45-09:45 in Paris, three replicas. */
const MORNING: Window = { schedule: "45 7 * * 1-5", timezone: "Europe/Paris", durationMinutes: 120, replicas: 3 };

describe("pre-warming windows with engine knative", () => {
    it("creates a start and an end CronJob per window, in its time zone, that annotate the serving revisions' min-scale", async () => {
        await rt.construct(() => new ModelService("llm", knativeArgs([MORNING])));
        expect(rt.ofType(CRONJOB).map((r) => r.name)).toEqual(["llm-prewarm-0-start", "llm-prewarm-0-end"]);
        const start = rt.one(CRONJOB, "llm-prewarm-0-start");
        expect(start.inputs).toEqual({
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "llm-prewarm-0-start", namespace: "ml", labels: LABELS },
            spec: {
                schedule: "45 7 * * 1-5",
                timeZone: "Europe/Paris",
                concurrencyPolicy: "Forbid",
                // A start missed (the controller down) still runs within the window: 120 minutes.
                startingDeadlineSeconds: 7200,
                successfulJobsHistoryLimit: 1,
                failedJobsHistoryLimit: 3,
                jobTemplate: {
                    metadata: { labels: JOB_LABELS },
                    spec: {
                        backoffLimit: 3,
                        activeDeadlineSeconds: 300,
                        template: {
                            metadata: { labels: JOB_LABELS },
                            spec: {
                                serviceAccountName: "llm-prewarm",
                                automountServiceAccountToken: true,
                                enableServiceLinks: false,
                                restartPolicy: "Never",
                                securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                                containers: [
                                    {
                                        name: "kubectl",
                                        image: KUBECTL,
                                        command: ["/bin/kubectl"],
                                        // The revisions of the Service's Configuration (named as the Service) that its Route sends traffic to.
                                        args: [
                                            "annotate",
                                            "revisions.serving.knative.dev",
                                            "--selector=serving.knative.dev/configuration=llm,serving.knative.dev/routingState=active",
                                            "--overwrite",
                                            "--request-timeout=30s",
                                            "--cache-dir=/tmp/kube-cache",
                                            "autoscaling.knative.dev/min-scale=3",
                                        ],
                                        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
                                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                    },
                                ],
                                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                            },
                        },
                    },
                },
            },
        });
        const end = rt.one(CRONJOB, "llm-prewarm-0-end");
        // The end restores the service's minimum on every revision of the Configuration (one that stopped serving included).
        expect(spec(end)).toMatchObject({ schedule: "45 9 * * 1-5", timeZone: "Europe/Paris", concurrencyPolicy: "Forbid", startingDeadlineSeconds: (24 * 60 - 120) * 60 });
        expect(container(end).args).toEqual([
            "annotate",
            "revisions.serving.knative.dev",
            "--selector=serving.knative.dev/configuration=llm",
            "--overwrite",
            "--request-timeout=30s",
            "--cache-dir=/tmp/kube-cache",
            "autoscaling.knative.dev/min-scale=0",
        ]);
    });

    it("leaves the revision template as it is: a window makes no new revision", async () => {
        await rt.construct(() => new ModelService("llm", knativeArgs([])));
        const without = (rt.one(KNATIVE_SERVICE).inputs.spec as Json).template;
        await rt.construct(() => new ModelService("llm", knativeArgs([MORNING, { ...MORNING, schedule: "0 13 * * 1-5", replicas: 6 }])));
        expect((rt.one(KNATIVE_SERVICE).inputs.spec as Json).template).toEqual(without);
        expect(without.metadata.annotations["autoscaling.knative.dev/min-scale"]).toBe("0");
    });

    it("grants the jobs exactly list and patch on revisions in the namespace, through a ServiceAccount of their own", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", knativeArgs([MORNING])));
        expect(rt.one(ROLE).inputs).toEqual({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "llm-prewarm", namespace: "ml", labels: LABELS },
            rules: [{ apiGroups: ["serving.knative.dev"], resources: ["revisions"], verbs: ["list", "patch"] }],
        });
        expect(rt.one(ROLE_BINDING).inputs).toEqual({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "llm-prewarm", namespace: "ml", labels: LABELS },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "llm-prewarm" },
            subjects: [{ kind: "ServiceAccount", name: "llm-prewarm", namespace: "ml" }],
        });
        // Its token is mounted only in the jobs' pods, which ask for it; the model server's ServiceAccount stays as it was.
        expect(rt.one(SERVICE_ACCOUNT, "llm-prewarm").inputs).toMatchObject({ metadata: { name: "llm-prewarm", namespace: "ml" }, automountServiceAccountToken: false });
        expect(rt.one(SERVICE_ACCOUNT, "llm").inputs.automountServiceAccountToken).toBe(false);
        expect((rt.one(KNATIVE_SERVICE).inputs.spec as Json).template.spec.serviceAccountName).toBe("llm");
        // Nothing else is granted: no ClusterRole, no other binding.
        expect(resources.filter((r) => /rbac/.test(r.type)).map((r) => `${r.type}::${r.name}`)).toEqual([`${ROLE}::llm-prewarm`, `${ROLE_BINDING}::llm-prewarm`]);
    });

    it("runs the jobs' pods under the restricted profile, with a read-only root filesystem", async () => {
        const { resources } = await rt.construct(() => new ModelService("llm", knativeArgs([MORNING])));
        expect(podSecurityViolations(resources)).toEqual([]);
        expect(writableRootContainers(resources).filter((c) => c.includes("prewarm"))).toEqual([]);
    });

    it("ends a window that runs past midnight on the next days of the week, in the window's zone", async () => {
        await rt.construct(() => new ModelService("llm", knativeArgs([{ schedule: "0 22 * * 1-5", timezone: "America/New_York", durationMinutes: 240, replicas: 2 }])));
        const start = spec(rt.one(CRONJOB, "llm-prewarm-0-start"));
        const end = spec(rt.one(CRONJOB, "llm-prewarm-0-end"));
        expect([start.schedule, start.timeZone, start.startingDeadlineSeconds]).toEqual(["0 22 * * 1-5", "America/New_York", 240 * 60]);
        // 02:00 Tuesday to Saturday; an end missed may still run until the next start, 20 hours later.
        expect([end.schedule, end.timeZone, end.startingDeadlineSeconds]).toEqual(["0 2 * * 2-6", "America/New_York", 20 * 3600]);
        expect(container(rt.one(CRONJOB, "llm-prewarm-0-start")).args).toContain("autoscaling.knative.dev/min-scale=2");
    });

    it("raises each canary version's Configuration by its share, and makes no jobs for a version a window does not raise", async () => {
        const windows = [
            { schedule: "0 8 * * *", durationMinutes: 60, replicas: 10 },
            { schedule: "0 18 * * *", durationMinutes: 60, replicas: 20 },
        ];
        const versions = [
            { name: "stable", weight: 90 },
            { name: "next", weight: 10, uri: "hf://Qwen/Qwen2.5-7B-Instruct-1M" },
        ];
        await rt.construct(() => new ModelService("llm", knativeArgs([], { versions, scaling: { minReplicas: 2, maxReplicas: 20, autoscaling: { prewarm: windows } } })));
        // Window 0 (10 replicas): stable 9 of its minimum 2; next would keep its 1 (10% of 10, rounded up): no jobs.
        // Window 1 (20 replicas): stable 18, next 2.
        const levels = Object.fromEntries(rt.ofType(CRONJOB).map((r) => [r.name, container(r).args.filter((a: string) => /selector|min-scale/.test(a))]));
        expect(levels).toEqual({
            "llm-stable-prewarm-0-start": ["--selector=serving.knative.dev/configuration=llm-stable,serving.knative.dev/routingState=active", "autoscaling.knative.dev/min-scale=9"],
            "llm-stable-prewarm-0-end": ["--selector=serving.knative.dev/configuration=llm-stable", "autoscaling.knative.dev/min-scale=2"],
            "llm-stable-prewarm-1-start": ["--selector=serving.knative.dev/configuration=llm-stable,serving.knative.dev/routingState=active", "autoscaling.knative.dev/min-scale=18"],
            "llm-stable-prewarm-1-end": ["--selector=serving.knative.dev/configuration=llm-stable", "autoscaling.knative.dev/min-scale=2"],
            "llm-next-prewarm-1-start": ["--selector=serving.knative.dev/configuration=llm-next,serving.knative.dev/routingState=active", "autoscaling.knative.dev/min-scale=2"],
            "llm-next-prewarm-1-end": ["--selector=serving.knative.dev/configuration=llm-next", "autoscaling.knative.dev/min-scale=1"],
        });
        // One identity for the service's jobs.
        expect(rt.ofType(ROLE).map((r) => r.name)).toEqual(["llm-prewarm"]);
    });

    it("bills the windows' hours: 43.5 h a month x 3 replicas at the pod's node price, the same in the plan and the component", async () => {
        const { value: svc, resources } = await rt.construct(() => new ModelService("llm", knativeArgs([MORNING])));
        const cost = await outputValue(svc.estimatedMonthlyCost);
        const plan = estimateCost(resources.filter((r) => r.custom));
        const line = plan.items.find((l) => l.type === KNATIVE_SERVICE);
        // 2026 has 261 weekdays: 261 x 2 h / 12 = 43.5 h a month; 3 replicas above min-scale 0: 130.5 replica-hours
        // at a g6.xlarge's $0.8048/h (the cheapest node that fits one L4, 4 vCPU, 16 GiB) = $105.03.
        expect(line?.basis).toContain('pre-warming: CronJob(s) "llm-prewarm-0-start", "llm-prewarm-0-end" raise the minimum above 0 for 43.5 h a month, 130.5 replica-hours');
        expect(line?.monthly).toEqual({ min: 105.03, max: 4700.03 });
        expect(cost).toMatchObject({ min: 105.03, max: 4700.03, known: true });
        // The CronJobs' own pods are CPU pods, on the cluster's nodes.
        expect(plan.free.filter((f) => f.type === CRONJOB).map((f) => f.urn.split("::").pop())).toEqual(["llm-prewarm-0-start", "llm-prewarm-0-end"]);
        expect(plan.unknownItems).toBe(0);
        // Without the jobs the same Knative Service costs nothing at its minimum: the hours come from them.
        expect(estimateCost(rt.ofType(KNATIVE_SERVICE)).monthly.min).toBe(0);
    });

    it("keeps CronJob names within the 52 characters the API server allows, shortened with a hash", async () => {
        // 38 characters: "-prewarm-0-end" makes 52, "-prewarm-0-start" 54.
        const name = "a-thirty-eight-character-service-names";
        await rt.construct(() => new ModelService(name, knativeArgs([MORNING])));
        const names = rt.ofType(CRONJOB).map((r) => (r.inputs.metadata as Json).name as string);
        expect(names.map((n) => n.length)).toEqual([52, 52]);
        // Cut to 52 with a hash of the whole name, so that it stays unique.
        expect(names[0]).toMatch(/^a-thirty-eight-character-service-names-prewa-[a-z0-9]{7}$/);
        expect(names[1]).toBe(`${name}-prewarm-0-end`);
        expect(rt.one(ROLE).inputs.metadata).toMatchObject({ name: `${name}-prewarm` });
    });

    const invalid: [string, Window[], RegExp][] = [
        ["a window above maxReplicas", [{ ...MORNING, replicas: 9 }], /scaling\.autoscaling\.prewarm\[0\]\.replicas: received 9; expected at most scaling\.maxReplicas \(8\)/],
        [
            "a window as long as the time between its starts",
            [{ ...MORNING, schedule: "0 8 * * *", timezone: "UTC", durationMinutes: 1440 }],
            /scaling\.autoscaling\.prewarm\[0\]\.durationMinutes: received 1440; expected less than 1440 \(the shortest time between two starts of "0 8 \* \* \*"\)/,
        ],
        [
            "a cron expression with a seconds field",
            [{ ...MORNING, schedule: "0 45 7 * * 1-5" }],
            /scaling\.autoscaling\.prewarm\[0\]\.schedule: received "0 45 7 \* \* 1-5"; expected five cron fields/,
        ],
        [
            "a cron day other schedulers read differently",
            [{ ...MORNING, schedule: "45 7 L * *" }],
            /scaling\.autoscaling\.prewarm\[0\]\.schedule: received "45 7 L \* \*"; expected standard cron in the day of month field/,
        ],
        ["a time zone that does not exist", [{ ...MORNING, timezone: "Europe/Lyon" }], /scaling\.autoscaling\.prewarm\[0\]\.timezone: received "Europe\/Lyon"; expected an IANA time zone/],
    ];
    for (const [what, prewarm, message] of invalid) {
        it(`rejects ${what} before registering anything`, async () => {
            const { resources } = await rt.construct(() => {
                expect(() => new ModelService("bad", knativeArgs(prewarm))).toThrow(message);
            });
            expect(resources).toEqual([]);
        });
    }
});

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { outputValue, useMockRuntime } from "../../test/harness";
import { cpuQuantity, memoryQuantity, startupProbeTiming } from "./container";
import { createDeployment, deploymentArgs, WorkloadSpec } from "./workload";

const rt = useMockRuntime();

const spec: WorkloadSpec = {
    name: "stage",
    namespace: "ml",
    labels: { app: "stage" },
    selector: { app: "stage" },
    podLabels: { app: "stage" },
    serviceAccountName: "stage",
    replicas: 2,
    server: {
        image: "registry.example.com/stage:1",
        port: 8080,
        env: {},
        probes: { startupPath: "/", readinessPath: "/", livenessPath: "/", startupTimeoutSeconds: 60 },
        resources: { cpu: 1, memoryGiB: 2 },
        readOnlyRootFilesystem: true,
    },
    placement: {},
    terminationGracePeriodSeconds: 30,
    progressDeadlineSeconds: 600,
};

describe("the shared workload builder", () => {
    it("leaves replicas to an autoscaler when none are given, and ignores their drift", async () => {
        await rt.construct(() => createDeployment("stage", { ...spec, replicas: undefined }, {}));
        const deployment = rt.one("kubernetes:apps/v1:Deployment");
        expect(deployment.inputs.spec).not.toHaveProperty("replicas");
        expect(deployment.options.ignoreChanges).toEqual(["spec.replicas"]);
    });

    it("keeps fixed replicas managed", async () => {
        await rt.construct(() => createDeployment("stage", spec, {}));
        const deployment = rt.one("kubernetes:apps/v1:Deployment");
        expect((deployment.inputs.spec as { replicas: number }).replicas).toBe(2);
        expect(deployment.options.ignoreChanges).toEqual([]);
    });

    it("drops an empty PriorityClass name, also when it arrives as an Output (a GpuPool without one)", async () => {
        const podSpec = (priorityClassName: pulumi.Input<string>) =>
            (deploymentArgs({ ...spec, placement: { priorityClassName } }).spec as { template: { spec: { priorityClassName?: pulumi.Input<string> } } }).template.spec;
        expect(podSpec("").priorityClassName).toBeUndefined();
        expect(await outputValue(podSpec(pulumi.output("")).priorityClassName ?? "absent")).toBeUndefined();
        expect(await outputValue(podSpec(pulumi.output("gpu-serving")).priorityClassName ?? "absent")).toBe("gpu-serving");
    });

    it("adds no accelerator toleration to a CPU pod", async () => {
        const template = deploymentArgs(spec).spec as { template: { spec: { tolerations?: unknown } } };
        expect(await outputValue(template.template.spec.tolerations ?? "none")).toBe("none");
    });

    it("runs sidecars after the server, restricted with a read-only root, with the volumes they bring; the server's pre-stop sleep as asked", () => {
        const sidecar = {
            container: {
                name: "helper",
                image: "registry.example.com/helper:1",
                command: ["helper"],
                env: { MODE: "x" },
                resources: { cpu: "100m", memory: "64Mi" },
                volumeMounts: [{ name: "helper", mountPath: "/opt/helper", readOnly: true }],
            },
            volumes: [{ name: "helper", configMap: { name: "helper" } }],
        };
        const pod = (
            deploymentArgs({ ...spec, server: { ...spec.server, preStopSleepSeconds: 40 }, sidecars: [sidecar] }).spec as unknown as {
                template: { metadata: { annotations: Record<string, string> }; spec: { containers: Record<string, unknown>[]; volumes: unknown[] } };
            }
        ).template;
        expect(pod.metadata.annotations["kubectl.kubernetes.io/default-container"]).toBe("server");
        expect(pod.spec.containers.map((c) => c.name)).toEqual(["server", "helper"]);
        expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 40 } } });
        expect(pod.spec.containers[1]).toEqual({
            name: "helper",
            image: "registry.example.com/helper:1",
            command: ["helper"],
            env: [{ name: "MODE", value: "x" }],
            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "64Mi" } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
            volumeMounts: [{ name: "helper", mountPath: "/opt/helper", readOnly: true }],
            terminationMessagePolicy: "FallbackToLogsOnError",
        });
        expect(pod.spec.volumes).toEqual([
            { name: "tmp", emptyDir: {} },
            { name: "home", emptyDir: {} },
            { name: "helper", configMap: { name: "helper" } },
        ]);
        // Without sidecars and a sleep of its own, the server is alone and sleeps the default 10 s.
        const plain = (deploymentArgs(spec).spec as unknown as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
        expect(plain.map((c) => [c.name, c.lifecycle])).toEqual([["server", { preStop: { sleep: { seconds: 10 } } }]]);
    });

    it("gives the server a preStop httpGet in place of the sleep, to the pod's IP on a port by number, and refuses both at once", () => {
        const containers = (
            deploymentArgs({ ...spec, server: { ...spec.server, preStopHttpGet: { port: 9099, path: "/drained" } } }).spec as unknown as {
                template: { spec: { containers: Record<string, unknown>[] } };
            }
        ).template.spec.containers;
        expect(containers[0].lifecycle).toEqual({ preStop: { httpGet: { path: "/drained", port: 9099, scheme: "HTTP" } } });
        expect(() => deploymentArgs({ ...spec, server: { ...spec.server, preStopHttpGet: { port: 9099, path: "/drained" }, preStopSleepSeconds: 40 } })).toThrow(
            "server container: preStopHttpGet and preStopSleepSeconds (40) exclude each other",
        );
    });

    it("renders quantities and probe timing Kubernetes accepts", () => {
        expect([cpuQuantity(4), cpuQuantity(0.25), memoryQuantity(16), memoryQuantity(0.5)]).toEqual(["4", "250m", "16Gi", "512Mi"]);
        expect(startupProbeTiming(600)).toEqual({ periodSeconds: 10, failureThreshold: 60 });
        expect(startupProbeTiming(13)).toEqual({ periodSeconds: 1, failureThreshold: 13 });
    });
});

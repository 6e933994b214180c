/**
 * The restricted Pod Security check (test/pod-security.ts) catches each control it claims to: a pod that breaks one
 * control at a time is reported at that field, a compliant pod is not, and the device plugin's hostPath is the one
 * documented exception. The examples are checked with it in test/examples.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { ResourceRecord } from "../sdk/plan/runtime";
import { podSecurityViolations, podTemplates, writableRootContainers } from "./pod-security";

type Json = Record<string, unknown>;

const COMPLIANT_CONTAINER = {
    name: "server",
    image: "registry.example.com/server@sha256:" + "ab".repeat(32),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
};
const COMPLIANT_POD = {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    containers: [COMPLIANT_CONTAINER],
    volumes: [{ name: "tmp", emptyDir: {} }],
};

function deployment(name: string, podSpec: Json): ResourceRecord {
    return {
        urn: `urn:pulumi:test::p::kubernetes:apps/v1:Deployment::${name}`,
        type: "kubernetes:apps/v1:Deployment",
        name,
        custom: true,
        inputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, spec: { selector: {}, template: { spec: podSpec } } },
        secretInputs: [],
        outputs: {},
        options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [] },
    } as unknown as ResourceRecord;
}

function withContainer(patch: Json): Json {
    return { ...COMPLIANT_POD, containers: [{ ...COMPLIANT_CONTAINER, securityContext: { ...COMPLIANT_CONTAINER.securityContext, ...patch } }] };
}

describe("the restricted Pod Security check", () => {
    it("passes a compliant pod", () => {
        expect(podSecurityViolations([deployment("ok", COMPLIANT_POD)])).toEqual([]);
        expect(writableRootContainers([deployment("ok", COMPLIANT_POD)])).toEqual([]);
    });

    const cases: [string, Json, string, string][] = [
        [
            "privilege escalation allowed",
            withContainer({ allowPrivilegeEscalation: undefined }),
            "allowPrivilegeEscalation",
            "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        ],
        ["capabilities not dropped", withContainer({ capabilities: { drop: ["NET_RAW"] } }), "capabilities.drop", "spec.template.spec.containers[0].securityContext.capabilities.drop"],
        ["a capability added", withContainer({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }), "capabilities.add", "spec.template.spec.containers[0].securityContext.capabilities.add"],
        ["privileged", withContainer({ privileged: true }), "privileged", "spec.template.spec.containers[0].securityContext.privileged"],
        ["root user", withContainer({ runAsUser: 0 }), "runAsUser", "spec.template.spec.containers[0].securityContext.runAsUser"],
        ["runAsNonRoot false", withContainer({ runAsNonRoot: false }), "runAsNonRoot", "spec.template.spec.containers[0].securityContext.runAsNonRoot"],
        ["no seccomp profile", { ...COMPLIANT_POD, securityContext: { runAsNonRoot: true } }, "seccompProfile", "spec.template.spec.containers[0].securityContext.seccompProfile.type"],
        ["a hostPath volume", { ...COMPLIANT_POD, volumes: [{ name: "h", hostPath: { path: "/var" } }] }, "volumes.hostPath", "spec.template.spec.volumes[0].hostPath"],
        ["host networking", { ...COMPLIANT_POD, hostNetwork: true }, "hostNamespaces", "spec.template.spec.hostNetwork"],
        [
            "a host port",
            { ...COMPLIANT_POD, containers: [{ ...COMPLIANT_CONTAINER, ports: [{ containerPort: 80, hostPort: 80 }] }] },
            "hostPorts",
            "spec.template.spec.containers[0].ports[0].hostPort",
        ],
        [
            "an unsafe sysctl",
            { ...COMPLIANT_POD, securityContext: { ...COMPLIANT_POD.securityContext, sysctls: [{ name: "kernel.msgmax", value: "1" }] } },
            "sysctls",
            "spec.template.spec.securityContext.sysctls[0].name",
        ],
        [
            "an init container without the context",
            { ...COMPLIANT_POD, initContainers: [{ name: "init", image: "busybox" }] },
            "allowPrivilegeEscalation",
            "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation",
        ],
    ];
    for (const [what, pod, control, field] of cases) {
        it(`reports ${what}`, () => {
            const violations = podSecurityViolations([deployment("bad", pod)]);
            expect(violations).toContainEqual(expect.objectContaining({ object: "Deployment/bad", control, field }));
        });
    }

    it("waives only the device plugin's hostPath, on the device plugin DaemonSet", () => {
        const plugin = deployment("l4-nvidia-device-plugin", { ...COMPLIANT_POD, volumes: [{ name: "device-plugins", hostPath: { path: "/var/lib/kubelet/device-plugins" } }] });
        const daemonSet = { ...plugin, type: "kubernetes:apps/v1:DaemonSet", inputs: { ...plugin.inputs, kind: "DaemonSet" } } as ResourceRecord;
        expect(podSecurityViolations([daemonSet])).toEqual([]);
        // The same volume on a Deployment, or another control on the plugin, is reported.
        expect(podSecurityViolations([plugin]).map((v) => v.control)).toEqual(["volumes.hostPath"]);
        const asRoot = {
            ...daemonSet,
            inputs: {
                ...daemonSet.inputs,
                spec: { selector: {}, template: { spec: { ...withContainer({ runAsNonRoot: undefined }), securityContext: { seccompProfile: { type: "RuntimeDefault" } } } } },
            },
        } as ResourceRecord;
        expect(podSecurityViolations([asRoot])).toEqual([]);
        const privileged = { ...daemonSet, inputs: { ...daemonSet.inputs, spec: { selector: {}, template: { spec: { ...withContainer({ privileged: true }), volumes: [] } } } } } as ResourceRecord;
        expect(podSecurityViolations([privileged]).map((v) => v.control)).toEqual(["privileged"]);
    });

    it("waives the DCGM exporter's root, hostPath and GKE privilege on its DaemonSet only", () => {
        const exporter = deployment("l4-dcgm-exporter", {
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            containers: [{ name: "dcgm-exporter", image: "nvcr.io/nvidia/k8s/dcgm-exporter@sha256:" + "cd".repeat(32), securityContext: { privileged: true } }],
            volumes: [{ name: "pod-resources", hostPath: { path: "/var/lib/kubelet/pod-resources" } }],
        });
        const daemonSet = { ...exporter, type: "kubernetes:apps/v1:DaemonSet", inputs: { ...exporter.inputs, kind: "DaemonSet" } } as ResourceRecord;
        expect(podSecurityViolations([daemonSet])).toEqual([]);
        // The same pod as a Deployment is reported on every waived control.
        expect(podSecurityViolations([exporter]).map((v) => v.control)).toEqual(["volumes.hostPath", "privileged", "allowPrivilegeEscalation", "runAsNonRoot", "capabilities.drop"]);
        // A control the exception does not name (a host port) is still reported on the DaemonSet.
        const hostPort = {
            ...daemonSet,
            inputs: {
                ...daemonSet.inputs,
                spec: { selector: {}, template: { spec: { ...COMPLIANT_POD, containers: [{ ...COMPLIANT_CONTAINER, ports: [{ containerPort: 9400, hostPort: 9400 }] }] } } },
            },
        } as ResourceRecord;
        expect(podSecurityViolations([hostPort]).map((v) => v.control)).toEqual(["hostPorts"]);
    });

    it("finds pod templates in CronJobs and Knative Services", () => {
        const cron = {
            ...deployment("c", COMPLIANT_POD),
            type: "kubernetes:batch/v1:CronJob",
            inputs: { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: COMPLIANT_POD } } } } },
        } as ResourceRecord;
        const knative = {
            ...deployment("k", COMPLIANT_POD),
            type: "kubernetes:serving.knative.dev/v1:Service",
            inputs: { apiVersion: "serving.knative.dev/v1", kind: "Service", metadata: { name: "k" }, spec: { template: { spec: COMPLIANT_POD } } },
        } as ResourceRecord;
        expect(podTemplates([cron, knative]).map((t) => `${t.kind} ${t.path}`)).toEqual(["CronJob spec.jobTemplate.spec.template.spec", "serving.knative.dev/Service spec.template.spec"]);
    });

    it("lists containers with a writable root filesystem", () => {
        expect(writableRootContainers([deployment("w", withContainer({ readOnlyRootFilesystem: false }))])).toEqual(["Deployment/w server"]);
    });
});

/**
 * The `restricted` Pod Security Standard, checked on every pod template a plan registers: what a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted` would refuse to admit. The rules are the standard's own, control by
 * control (https://kubernetes.io/docs/concepts/security/pod-security-standards/, "Baseline" and "Restricted", policy
 * version latest = v1.34), as the API server's admission plugin evaluates them (k8s.io/pod-security-admission/policy).
 *
 * Beside the standard, {@link writableRootContainers} lists the containers whose root filesystem is writable: not part of
 * the profile, but modelship sets it read-only wherever the image allows, and tests say where it does not.
 *
 * Exceptions are named here with the reason, matched on the object's kind and the container's name.
 */
import type { ResourceRecord } from "../sdk/plan/runtime";
import { kubernetesObject } from "./kubernetes-schemas";

type Json = Record<string, unknown>;

/** One pod template and where it sits in its object. */
export interface PodTemplate {
    /** `<kind>/<metadata.name>` of the object holding the template. */
    object: string;
    kind: string;
    /** Path of the pod spec in the object, for messages (`spec.template.spec`). */
    path: string;
    spec: Json;
}

/**
 * Where each kind keeps its pod spec. Kinds that run pods and are not listed fail the check (see {@link podTemplates}),
 * so a new workload kind is never skipped quietly.
 */
const POD_SPEC_PATHS: Readonly<Record<string, string[]>> = {
    Pod: ["spec"],
    Deployment: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
    // Knative Serving: a Service's and a Configuration's template is a RevisionTemplateSpec holding a PodSpec.
    "serving.knative.dev/Service": ["spec", "template", "spec"],
    "serving.knative.dev/Configuration": ["spec", "template", "spec"],
};

/** The standard's controls this check may report, with the exceptions modelship documents. */
export interface PodSecurityException {
    /** Kind and container (or `*` for the pod-level controls) the exception covers. */
    kind: string;
    /** Prefix of the object's name (`metadata.name`). */
    namePrefix?: string;
    /** Suffix of the object's name. */
    nameSuffix?: string;
    /** The controls the exception waives. */
    controls: string[];
    reason: string;
}

/**
 * The documented exceptions: the NVIDIA device plugin registers with the kubelet through a Unix socket in
 * `/var/lib/kubelet/device-plugins`, a root-owned hostPath no other volume type can reach; the DCGM exporter of a
 * GpuPool's observability reads the kubelet's pod-resources socket, and on GKE reaches the GPUs only privileged.
 */
export const EXCEPTIONS: readonly PodSecurityException[] = [
    {
        kind: "DaemonSet",
        nameSuffix: "-nvidia-device-plugin",
        controls: ["volumes.hostPath", "runAsNonRoot"],
        reason:
            "the NVIDIA device plugin registers with the kubelet through a socket it creates in /var/lib/kubelet/device-plugins, a hostPath " +
            "directory owned by root (0755): only root can create the socket there",
    },
    {
        kind: "DaemonSet",
        nameSuffix: "-dcgm-exporter",
        controls: ["volumes.hostPath", "runAsNonRoot", "privileged", "allowPrivilegeEscalation", "capabilities.drop"],
        reason:
            "NVIDIA's DCGM exporter reads the kubelet's pod-resources socket (hostPath /var/lib/kubelet/pod-resources, root's) to name the pod of " +
            "each GPU, so it runs as root with that hostPath; every capability dropped and no escalation where the NVIDIA container toolkit gives " +
            "it the GPUs (EKS, clusters of your own). On GKE only, it runs privileged with the host's driver directory, as Google's manifest " +
            "runs it (no container toolkit there): privileged, hence escalation allowed and no capability list (components/gpu-pool/observability/dcgm-exporter.ts)",
    },
];

function at(object: Json, path: string[]): unknown {
    let value: unknown = object;
    for (const key of path) value = (value as Json | undefined)?.[key];
    return value;
}

function kindKey(object: Json): string {
    const apiVersion = String(object.apiVersion ?? "");
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    const kind = String(object.kind ?? "");
    return group === "" || group === "apps" || group === "batch" ? kind : `${group}/${kind}`;
}

/** Every pod template in the plan's Kubernetes objects. */
export function podTemplates(resources: readonly ResourceRecord[]): PodTemplate[] {
    const templates: PodTemplate[] = [];
    for (const record of resources) {
        if (!record.custom || !record.type.startsWith("kubernetes:")) continue;
        const object = kubernetesObject(record);
        const key = kindKey(object);
        const path = POD_SPEC_PATHS[key];
        if (!path) continue;
        const spec = at(object, path);
        const name = String((object.metadata as Json | undefined)?.name ?? record.name);
        if (spec && typeof spec === "object") templates.push({ object: `${object.kind as string}/${name}`, kind: key, path: path.join("."), spec: spec as Json });
    }
    return templates;
}

/** One violation of the profile: the object, the field, the control and what it found. */
export interface PodSecurityViolation {
    object: string;
    field: string;
    control: string;
    found: string;
}

/** Volume types the restricted profile allows (control "Volume Types"). */
const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
/** Sysctls the baseline profile allows (control "Sysctls"). */
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
]);
const SECCOMP_ALLOWED = new Set(["RuntimeDefault", "Localhost"]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

function containersOf(spec: Json): { field: string; container: Json }[] {
    const out: { field: string; container: Json }[] = [];
    for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
        const containers = (spec[list] as Json[] | undefined) ?? [];
        containers.forEach((container, i) => out.push({ field: `${list}[${i}]`, container }));
    }
    return out;
}

/** The violations of one pod template, before exceptions. */
function templateViolations(template: PodTemplate): PodSecurityViolation[] {
    const { spec } = template;
    const found: PodSecurityViolation[] = [];
    const report = (field: string, control: string, value: unknown) => found.push({ object: template.object, field: `${template.path}.${field}`, control, found: JSON.stringify(value) ?? "nothing" });
    const pod = (spec.securityContext as Json | undefined) ?? {};

    // Baseline.
    for (const host of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[host] === true) report(host, "hostNamespaces", true);
    const podSysctls = (pod.sysctls as { name: string }[] | undefined) ?? [];
    podSysctls.forEach((s, i) => {
        if (!SAFE_SYSCTLS.has(s.name)) report(`securityContext.sysctls[${i}].name`, "sysctls", s.name);
    });
    if ((pod.windowsOptions as Json | undefined)?.hostProcess === true) report("securityContext.windowsOptions.hostProcess", "hostProcess", true);
    const podSeLinux = pod.seLinuxOptions as Json | undefined;
    if (podSeLinux && (!SELINUX_TYPES.has(String(podSeLinux.type ?? "")) || podSeLinux.user !== undefined || podSeLinux.role !== undefined))
        report("securityContext.seLinuxOptions", "seLinux", podSeLinux);
    const podSeccomp = (pod.seccompProfile as Json | undefined)?.type as string | undefined;
    if (podSeccomp === "Unconfined") report("securityContext.seccompProfile.type", "seccompProfile", podSeccomp);
    // Restricted: volumes.
    ((spec.volumes as Json[] | undefined) ?? []).forEach((volume, i) => {
        const type = Object.keys(volume).find((k) => k !== "name");
        if (type === "hostPath") report(`volumes[${i}].hostPath`, "volumes.hostPath", volume.hostPath);
        else if (type !== undefined && !RESTRICTED_VOLUME_TYPES.has(type)) report(`volumes[${i}].${type}`, "volumes.type", type);
    });
    // Restricted: running as non-root, at the pod or in every container.
    if (pod.runAsUser === 0) report("securityContext.runAsUser", "runAsUser", 0);

    for (const { field, container } of containersOf(spec)) {
        const sc = (container.securityContext as Json | undefined) ?? {};
        const f = (name: string) => `${field}.securityContext.${name}`;
        if (sc.privileged === true) report(f("privileged"), "privileged", true);
        if ((sc.windowsOptions as Json | undefined)?.hostProcess === true) report(f("windowsOptions.hostProcess"), "hostProcess", true);
        if (sc.procMount !== undefined && sc.procMount !== "Default") report(f("procMount"), "procMount", sc.procMount);
        ((container.ports as Json[] | undefined) ?? []).forEach((port, i) => {
            if (port.hostPort !== undefined && port.hostPort !== 0) report(`${field}.ports[${i}].hostPort`, "hostPorts", port.hostPort);
        });
        const seLinux = sc.seLinuxOptions as Json | undefined;
        if (seLinux && (!SELINUX_TYPES.has(String(seLinux.type ?? "")) || seLinux.user !== undefined || seLinux.role !== undefined)) report(f("seLinuxOptions"), "seLinux", seLinux);
        const appArmor = (sc.appArmorProfile as Json | undefined)?.type;
        if (appArmor !== undefined && appArmor !== "RuntimeDefault" && appArmor !== "Localhost") report(f("appArmorProfile.type"), "appArmor", appArmor);
        // Restricted.
        if (sc.allowPrivilegeEscalation !== false) report(f("allowPrivilegeEscalation"), "allowPrivilegeEscalation", sc.allowPrivilegeEscalation);
        const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        if (runAsNonRoot !== true) report(f("runAsNonRoot"), "runAsNonRoot", sc.runAsNonRoot);
        if (sc.runAsUser === 0) report(f("runAsUser"), "runAsUser", 0);
        const seccomp = ((sc.seccompProfile as Json | undefined)?.type as string | undefined) ?? podSeccomp;
        if (seccomp === undefined || !SECCOMP_ALLOWED.has(seccomp)) report(f("seccompProfile.type"), "seccompProfile", seccomp);
        const caps = (sc.capabilities as { drop?: string[]; add?: string[] } | undefined) ?? {};
        if (!(caps.drop ?? []).includes("ALL")) report(f("capabilities.drop"), "capabilities.drop", caps.drop);
        for (const cap of caps.add ?? []) if (cap !== "NET_BIND_SERVICE") report(f("capabilities.add"), "capabilities.add", cap);
    }
    return found;
}

function excepted(template: PodTemplate, violation: PodSecurityViolation): boolean {
    const name = template.object.slice(template.object.indexOf("/") + 1);
    return EXCEPTIONS.some(
        (e) =>
            e.kind === template.kind &&
            (e.namePrefix === undefined || name.startsWith(e.namePrefix)) &&
            (e.nameSuffix === undefined || name.endsWith(e.nameSuffix)) &&
            e.controls.includes(violation.control),
    );
}

/** Every violation of the restricted profile in the plan's pod templates, the documented exceptions left out. */
export function podSecurityViolations(resources: readonly ResourceRecord[]): PodSecurityViolation[] {
    return podTemplates(resources).flatMap((template) => templateViolations(template).filter((v) => !excepted(template, v)));
}

/** `<object> <container>` of every container whose root filesystem is writable (`readOnlyRootFilesystem` not true). */
export function writableRootContainers(resources: readonly ResourceRecord[]): string[] {
    return podTemplates(resources).flatMap((template) =>
        containersOf(template.spec)
            .filter(({ container }) => (container.securityContext as Json | undefined)?.readOnlyRootFilesystem !== true)
            .map(({ container }) => `${template.object} ${String(container.name)}`),
    );
}

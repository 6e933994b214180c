/** Reading Kubernetes objects: pod templates of workloads (names and namespaces: sdk/cost/scaling, as the cost model reads them). */
import { get, record } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";
import { K8S } from "./types";

/** Where each workload kind keeps its pod template (the Pod is its own). */
const POD_TEMPLATE_PATHS: Readonly<Record<string, string>> = {
    [K8S.deployment]: "spec.template",
    [K8S.statefulSet]: "spec.template",
    [K8S.daemonSet]: "spec.template",
    [K8S.replicaSet]: "spec.template",
    [K8S.job]: "spec.template",
    [K8S.cronJob]: "spec.jobTemplate.spec.template",
    // Knative Serving: the revision template (a RevisionTemplateSpec holding a PodSpec).
    [K8S.knativeService]: "spec.template",
    [K8S.knativeConfiguration]: "spec.template",
};

/** True for the kinds that run pods: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Knative Service and Configuration. */
export function runsPods(type: string): boolean {
    return type === K8S.pod || POD_TEMPLATE_PATHS[type] !== undefined;
}

/** A workload's pod template: its path (for messages), pod spec and labels; undefined for other kinds. */
export function podTemplate(r: PlainResource): { path: string; spec: unknown; labels: Record<string, unknown> } | undefined {
    if (r.type === K8S.pod) return { path: "", spec: get(r.inputs, "spec"), labels: record(r.inputs, "metadata.labels") };
    const path = POD_TEMPLATE_PATHS[r.type];
    if (path === undefined) return undefined;
    return { path: `${path}.`, spec: get(r.inputs, `${path}.spec`), labels: record(r.inputs, `${path}.metadata.labels`) };
}

/**
 * The rules of queue mode on `target: kubernetes` (and of `kubernetes.queue` in HTTP mode), before anything is created:
 * a provider this build has, with its own fields; nothing routed or public; one version; a route for the requests. Its
 * part in autoscaling (KEDA on the queue's backlog, metric `queue-depth`) is in ../kubernetes-spec.ts.
 */
import { describeValue, ValidationProblem } from "../../../../sdk/validate";
import { AuthMode, KubernetesQueueProvider } from "../../args";
import { inferencePathProblems } from "../../queue";
import type { ServingSpec } from "../../spec";
import { PROVIDER_FIELDS, QUEUE_BACKENDS } from "./backends";

/** `kubernetes.queue` in HTTP mode, or missing in queue mode; the provider's fields given to another provider. */
function blockProblems(spec: ServingSpec): ValidationProblem[] {
    const block = spec.given.kubernetes?.queue;
    if (!spec.queue) {
        return block === undefined ? [] : [{ path: "kubernetes.queue", received: describeValue(block), expected: 'nothing without scaling.mode "queue" (an HTTP service has no queue)' }];
    }
    if (block === undefined) {
        return [
            {
                path: "kubernetes.queue.provider",
                received: describeValue(undefined),
                expected: `the queue's cloud with scaling.mode "queue": ${Object.values(KubernetesQueueProvider).join(" or ")} (docs/queue-mode.md)`,
            },
        ];
    }
    const problems: ValidationProblem[] = [];
    for (const [provider, fields] of Object.entries(PROVIDER_FIELDS) as [KubernetesQueueProvider, readonly string[]][]) {
        if (provider === block.provider) continue;
        for (const field of fields) {
            const value = (block as Record<string, unknown>)[field];
            if (value !== undefined)
                problems.push({ path: `kubernetes.queue.${field}`, received: describeValue(value), expected: `nothing with provider ${block.provider} (a setting of ${provider})` });
        }
    }
    return [...problems, ...QUEUE_BACKENDS[block.provider].problems(spec)];
}

/** Nothing routed, nothing public: callers submit to the queue, and the server takes HTTP only from its consumer on loopback. */
function exposureProblems(spec: ServingSpec): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const why =
        "in queue mode callers submit to the queue (the queue output's submitUrl) with their cloud identity, and the model server takes requests only from its consumer on loopback: no Service or HTTPRoute is made";
    if (spec.exposure.public) problems.push({ path: "exposure.public", received: "true", expected: `false: ${why}` });
    const auth = spec.exposure.auth;
    if (auth !== undefined && auth !== AuthMode.None) problems.push({ path: "exposure.auth", received: describeValue(auth), expected: `nothing, or "none": ${why}` });
    if (spec.exposure.hostname !== undefined) problems.push({ path: "exposure.hostname", received: describeValue(spec.exposure.hostname), expected: `nothing: ${why}` });
    const k8s = spec.given.kubernetes ?? {};
    for (const field of ["gateway", "apiKeys", "apiKeySecret"] as const) {
        if (k8s[field] !== undefined) problems.push({ path: `kubernetes.${field}`, received: describeValue(k8s[field]), expected: `nothing: ${why}` });
    }
    return problems;
}

/** The rules of queue mode on `target: kubernetes` (and `kubernetes.queue` in HTTP mode), in ModelService's paths. */
export function queueModeProblems(spec: ServingSpec): ValidationProblem[] {
    const problems = blockProblems(spec);
    if (!spec.queue) return problems;
    problems.push(...exposureProblems(spec));
    if (spec.canary) {
        problems.push({
            path: "versions",
            received: `an array of ${spec.versions.length}`,
            expected:
                'no versions with scaling.mode "queue": every version\'s replicas would take from the same queue at their own pace, so the weights could not split the requests; deploy a second ModelService with its own queue instead',
        });
    }
    if (spec.replicas.max < 1) {
        problems.push({
            path: "scaling.replicas",
            received: String(spec.replicas.max),
            expected: "maxReplicas 1 or more (minReplicas 0 scales to zero and back): with no replica nothing takes the queue's requests",
        });
    }
    return [...problems, ...inferencePathProblems(spec)];
}

/**
 * Cloud Run services anyone can invoke: an invoker grant to allUsers, or the IAM check turned off. A queue-mode service
 * (ModelService on gcp-cloudrun) is internal and invoked by its push subscription's account only; its submit endpoint is
 * the Pub/Sub topic, which fails when anyone may publish to it.
 */
import { bool, list, str } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";
import { CLOUD_RUN_IAM, GCP, PUBSUB_TOPIC_IAM } from "./types";

/** Roles that let a principal invoke a Cloud Run service. */
const INVOKER_ROLES = ["roles/run.invoker", "roles/run.servicesInvoker"];
/** Principals that are everyone (allAuthenticatedUsers: anyone with a Google account). */
const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];
/** Ingress settings that keep a service off the internet. */
const INTERNAL_INGRESS = ["INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"];

function internalIngress(service: PlainResource): boolean {
    return INTERNAL_INGRESS.includes(str(service.inputs, "ingress") ?? "INGRESS_TRAFFIC_ALL");
}

/** Roles that let a principal publish to a Pub/Sub topic. */
const PUBLISHER_ROLES = ["roles/pubsub.publisher", "roles/pubsub.editor", "roles/pubsub.admin"];

/** IAM resource types of one resource kind: member, binding, policy. */
interface IamTypes {
    members: readonly string[];
    bindings: readonly string[];
    policies: readonly string[];
}

/** The role and members an IAM resource grants (members, bindings, and the bindings of a policy document). */
function grants(r: PlainResource, types: IamTypes = CLOUD_RUN_IAM): Array<{ role: string; members: string[] }> {
    const strings = (root: unknown, path: string) => list(root, path).filter((v): v is string => typeof v === "string");
    if (types.members.includes(r.type)) return [{ role: str(r.inputs, "role") ?? "", members: [str(r.inputs, "member") ?? ""] }];
    if (types.bindings.includes(r.type)) return [{ role: str(r.inputs, "role") ?? "", members: strings(r.inputs, "members") }];
    if (types.policies.includes(r.type)) {
        let policy: unknown;
        try {
            policy = JSON.parse(str(r.inputs, "policyData") ?? "{}");
        } catch {
            return [];
        }
        return list(policy, "bindings").map((b) => ({ role: str(b, "role") ?? "", members: strings(b, "members") }));
    }
    return [];
}

/** Why a Cloud Run service (or an IAM resource on one) lets anyone invoke it; empty when it does not. */
export function cloudRunProblem(r: PlainResource, resources: ReadonlyArray<PlainResource>): string[] {
    if (r.type === GCP.cloudRunService) {
        if (bool(r.inputs, "invokerIamDisabled") !== true || internalIngress(r)) return [];
        return ["invokerIamDisabled is true and ingress admits the internet: anyone who has the URL can invoke the service; keep the IAM invoker check"];
    }
    const open = grants(r).filter((g) => INVOKER_ROLES.includes(g.role) && g.members.some((m) => PUBLIC_MEMBERS.includes(m)));
    if (open.length === 0) return [];
    const serviceName = str(r.inputs, "name") ?? str(r.inputs, "service") ?? "";
    const service = resources.find((s) => s.type === GCP.cloudRunService && (str(s.inputs, "name") ?? s.name) === serviceName);
    if (service && internalIngress(service)) return [];
    const everyone = [...new Set(open.flatMap((g) => g.members.filter((m) => PUBLIC_MEMBERS.includes(m))))].join(" and ");
    const unknownIngress = service ? "" : " (the service is not in this stack, so its ingress is taken as public)";
    return [`grants ${open[0].role} to ${everyone}: anyone on the internet can invoke Cloud Run service ${serviceName}${unknownIngress}; grant the role to the callers' identities instead`];
}

/** Why a Pub/Sub topic's IAM lets anyone publish to it (a queue anyone can fill); empty when it does not. */
export function pubsubTopicProblem(r: PlainResource): string[] {
    const open = grants(r, PUBSUB_TOPIC_IAM).filter((g) => PUBLISHER_ROLES.includes(g.role) && g.members.some((m) => PUBLIC_MEMBERS.includes(m)));
    if (open.length === 0) return [];
    const everyone = [...new Set(open.flatMap((g) => g.members.filter((m) => PUBLIC_MEMBERS.includes(m))))].join(" and ");
    return [
        `grants ${open[0].role} to ${everyone}: anyone on the internet can publish to Pub/Sub topic ${str(r.inputs, "topic") ?? ""} (a queue's submit endpoint); grant roles/pubsub.publisher to the callers' identities instead`,
    ];
}

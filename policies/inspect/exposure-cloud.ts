/** Cloud Run services anyone can invoke: an invoker grant to allUsers, or the IAM check turned off. */
import { bool, list, str } from "../../sdk/cost/inputs";
import type { PlainResource } from "../framework/types";
import { CLOUD_RUN_IAM, GCP } from "./types";

/** Roles that let a principal invoke a Cloud Run service. */
const INVOKER_ROLES = ["roles/run.invoker", "roles/run.servicesInvoker"];
/** Principals that are everyone (allAuthenticatedUsers: anyone with a Google account). */
const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];
/** Ingress settings that keep a service off the internet. */
const INTERNAL_INGRESS = ["INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"];

function internalIngress(service: PlainResource): boolean {
    return INTERNAL_INGRESS.includes(str(service.inputs, "ingress") ?? "INGRESS_TRAFFIC_ALL");
}

/** The role and members an IAM resource grants (members, bindings, and the bindings of a policy document). */
function grants(r: PlainResource): Array<{ role: string; members: string[] }> {
    const strings = (root: unknown, path: string) => list(root, path).filter((v): v is string => typeof v === "string");
    if ((CLOUD_RUN_IAM.members as readonly string[]).includes(r.type)) return [{ role: str(r.inputs, "role") ?? "", members: [str(r.inputs, "member") ?? ""] }];
    if ((CLOUD_RUN_IAM.bindings as readonly string[]).includes(r.type)) return [{ role: str(r.inputs, "role") ?? "", members: strings(r.inputs, "members") }];
    if ((CLOUD_RUN_IAM.policies as readonly string[]).includes(r.type)) {
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

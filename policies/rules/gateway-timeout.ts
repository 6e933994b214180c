/**
 * gateway-timeout (advisory): a gateway route whose timeout is below what its backend needs when it is cold. A
 * ModelGateway route needs its backend's cold-start budget plus its request time; a hand-written HTTPRoute in front of
 * a Deployment that can be at zero needs at least the Deployment's startup budget. See ../inspect/gateway-timeouts.ts
 * for what is read and what is not checked.
 *
 * Advisory, not mandatory: a short timeout costs availability (a 504 for requests that wake the backend), not money or
 * exposure, and it is sometimes the right trade (callers that retry, a backend kept warm by traffic). ModelGateway
 * already refuses a given timeout below the need unless `allowShortTimeout` says so; what this policy adds is the
 * capped default, which the component only warns about in a log that nobody reads, and hand-written routes.
 */
import { collectScaling } from "../../sdk/cost";
import type { Finding, StackRule } from "../framework/types";
import { httpRouteTimeoutFindings, modelGatewayTimeoutFindings } from "../inspect/gateway-timeouts";
import { GATEWAY_ROUTES, MODEL_GATEWAY_TYPE } from "../inspect/types";

export const gatewayTimeout: StackRule<Record<string, never>> = {
    kind: "stack",
    name: "gateway-timeout",
    description:
        "Gateway routes whose timeout is below their backend's cold start: a ModelGateway route whose timeout (given, or the default capped at the target's limit) is below coldStartSeconds + requestSeconds without allowShortTimeout, and a Gateway API HTTPRoute whose timeouts.request is below the startupProbe budget of a Deployment behind it that can be at zero replicas.",
    enforcementLevel: "advisory",
    settings: {},
    remediationSteps:
        "Raise the route's timeout (ModelGateway: timeoutSeconds, or on aws-apigateway the integration timeout quota and aws.maxIntegrationTimeoutSeconds; HTTPRoute: timeouts.request), keep a replica of the backend warm (minimum replicas 1 or more), or accept 504s while the backend starts with allowShortTimeout: true on the ModelGateway route.",
    check(resources) {
        const findings: Finding[] = [];
        const scalingOf = collectScaling(resources);
        for (const r of resources) {
            if (r.type === MODEL_GATEWAY_TYPE) findings.push(...modelGatewayTimeoutFindings(r));
            else if (GATEWAY_ROUTES.has(r.type) && r.type.endsWith(":HTTPRoute")) findings.push(...httpRouteTimeoutFindings(r, resources, scalingOf));
        }
        return findings;
    },
};

/**
 * public-endpoint-auth: no endpoint reachable from the internet without authentication. Checked: Lambda
 * function URLs, Cloud Run invoker grants to allUsers, Kubernetes Services of type LoadBalancer, Gateway API
 * routes on a Gateway not listed as internal without an Envoy Gateway SecurityPolicy that authenticates, Knative
 * Services and Routes not labelled cluster-local, and Docker containers publishing ports on every interface.
 * SageMaker endpoints, real-time or asynchronous (queue mode: InvokeEndpointAsync, with its request payloads in a bucket
 * that blocks public access), accept only SigV4-signed requests: they are IAM-only, and there is nothing to check.
 * Queue mode on Cloud Run: the service is covered as any Cloud Run service (internal, invoked by its push subscription's
 * account), and its submit endpoint, the Pub/Sub topic, fails when allUsers or allAuthenticatedUsers may publish to it.
 * A queue-mode ModelService on Kubernetes makes no Service or route at all: callers send to its SQS queue (no queue
 * policy: only IAM principals of the account that are granted sqs:SendMessage) and read from a bucket that blocks
 * public access (test/policies/kubernetes-queue.test.ts). An SQS queue or queue policy that lets every principal ("*")
 * send without a condition narrowing the senders fails, as a topic anyone may publish to does (../inspect/exposure-sqs.ts).
 *
 * Gateways, ModelGateway's and hand-written alike (../inspect/exposure-gateways.ts): an API Gateway REST API method with
 * authorization NONE and no API key required, an HTTP API route with authorizationType NONE, and a GCP global external
 * load balancer whose backend services have neither IAP nor a Cloud Armor policy that denies by default; Gateway API
 * routes as above. A route anonymous on purpose is listed in `anonymousRoutes`: `<gateway>/<route>` for a
 * ModelGateway's route (on every target), else the flagged resource's name. ModelGateway's docker target listens on
 * 127.0.0.1 only: its anonymous routes are not public.
 */
import { list, num, str } from "../../sdk/cost/inputs";
import type { Finding, PlainResource, StackRule } from "../framework/types";
import { checking } from "../framework/unknowns";
import { cloudRunProblem, pubsubTopicProblem } from "../inspect/exposure-cloud";
import { SQS, sqsQueueProblem } from "../inspect/exposure-sqs";
import { GATEWAY_EXPOSURE_CHECKS } from "../inspect/exposure-gateways";
import { gatewayRouteProblems, knativeVisibilityProblem, loadBalancerServiceProblem } from "../inspect/exposure-kubernetes";
import { AWS, DOCKER, GATEWAY_ROUTES, K8S } from "../inspect/types";

/** Config of public-endpoint-auth. */
export interface ExposureConfig {
    internalGateways: string[];
    anonymousRoutes: string[];
}

/** The Docker ports a container publishes on every interface. */
function dockerProblems(r: PlainResource): string[] {
    return list(r.inputs, "ports").flatMap((port, i) => {
        const ip = str(port, "ip");
        if (ip !== undefined && ip !== "" && ip !== "0.0.0.0" && ip !== "::") return [];
        const published = num(port, "external") ?? num(port, "internal");
        const where = ip === undefined || ip === "" ? `every interface (ports[${i}].ip not set: Docker's default 0.0.0.0)` : `every interface (${ip})`;
        return [`the container publishes port ${published} on ${where}, with no authentication in front; bind it to 127.0.0.1 (ports[${i}].ip)`];
    });
}

/** What one resource exposes without authentication. */
function problemsOf(r: PlainResource, resources: ReadonlyArray<PlainResource>, config: ExposureConfig): string[] {
    if (r.type === AWS.lambdaFunctionUrl) {
        return str(r.inputs, "authorizationType") === "NONE" ? ['the function URL has authorizationType "NONE": anyone on the internet can invoke the function; use "AWS_IAM"'] : [];
    }
    if (r.type === K8S.service) return loadBalancerServiceProblem(r);
    if (r.type === K8S.knativeService || r.type === K8S.knativeRoute) return knativeVisibilityProblem(r);
    if (GATEWAY_ROUTES.has(r.type)) return gatewayRouteProblems(r, resources, config.internalGateways, config.anonymousRoutes);
    const gateway = GATEWAY_EXPOSURE_CHECKS[r.type];
    if (gateway) return gateway(r, resources, config.anonymousRoutes);
    if (r.type === DOCKER.container) return dockerProblems(r);
    if (r.type.startsWith("gcp:pubsub/")) return pubsubTopicProblem(r);
    if (r.type === SQS.queue || r.type === SQS.queuePolicy) return sqsQueueProblem(r);
    if (r.type.startsWith("gcp:")) return cloudRunProblem(r, resources);
    return [];
}

export const publicEndpointAuth: StackRule<ExposureConfig> = {
    kind: "stack",
    name: "public-endpoint-auth",
    description:
        "No public endpoint without authentication: Lambda function URLs with authorizationType NONE, Cloud Run services invokable by allUsers, Pub/Sub topics (queue submit endpoints) anyone may publish to, SQS queue policies that let every principal send without a narrowing condition, Kubernetes LoadBalancer Services, Gateway API routes on a public Gateway without an authenticating SecurityPolicy, API Gateway REST methods with authorization NONE and no API key, HTTP API routes with authorizationType NONE, GCP global external load balancers whose backend services have neither IAP nor a Cloud Armor policy that denies by default, Knative Services and Routes not labelled cluster-local, Docker ports on 0.0.0.0. Routes anonymous on purpose are listed in anonymousRoutes.",
    enforcementLevel: "mandatory",
    settings: {
        internalGateways: {
            type: "strings",
            default: [],
            description:
                "Gateway API Gateways (namespace/name) that are reachable only from inside the network: routes on them need no authentication. Defaults to none: every Gateway counts as public.",
        },
        anonymousRoutes: {
            type: "strings",
            default: [],
            description:
                "Gateway routes allowed without authentication, written out on purpose: <gateway>/<route> for a ModelGateway's route (the component's name and the route's name, on every target), else the resource name of the flagged route (HTTPRoute, API Gateway Method or Route, GCP backend service). Defaults to none.",
        },
    },
    remediationSteps:
        "Require authentication (ModelService: exposure.auth iam, jwt or api-key; ModelGateway: consumers on the route, not anonymous; API Gateway: an authorizer, AWS_IAM or an API key with a usage plan; GCP load balancer: a Cloud Armor policy that denies by default, or IAP), keep the endpoint private (exposure.public false, an internal load balancer, 127.0.0.1), list an internal Gateway in internalGateways, or list a route anonymous on purpose in anonymousRoutes (<gateway>/<route> for a ModelGateway's route).",
    check(resources, config) {
        const findings: Finding[] = [];
        for (const r of resources) {
            checking(findings, "whether this endpoint is public", r.urn, () => {
                for (const message of problemsOf(r, resources, config)) findings.push({ urn: r.urn, message });
            });
        }
        return findings;
    },
};

/**
 * `target: gcp-loadbalancer`: a global external Application Load Balancer (EXTERNAL_MANAGED) with Cloud Armor, in
 * front of Cloud Run services (serverless NEGs) and HTTPS URLs (internet NEGs). Why a load balancer and not GCP API
 * Gateway: Cloud Armor limits the rate per key (`enforceOnKey: HTTP_HEADER`) and a key is any string the team names,
 * whereas API Gateway's keys are Google Cloud API keys and its quotas count per consumer project
 * (cloud.google.com/api-gateway/docs/authenticate-api-keys). See docs/gateway.md and the files in gcp/.
 */
import { GatewayTarget } from "../args";
import { BackendKind } from "../spec";
import { gcpCostedResources } from "./gcp/cost";
import { gcpProblems, gcpTimeoutLimit } from "./gcp/limits";
import { deployGcpGateway } from "./gcp/load-balancer";
import { GatewayTargetImpl } from "./target";

export const gcpLoadBalancer: GatewayTargetImpl = {
    target: GatewayTarget.GcpLoadBalancer,
    backends: [BackendKind.CloudRunService, BackendKind.Url],
    timeoutLimit: gcpTimeoutLimit,
    validate: gcpProblems,
    deploy: deployGcpGateway,
    costedResources: gcpCostedResources,
};

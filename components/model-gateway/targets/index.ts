/**
 * Every ModelGateway target, one file each. The table is exhaustive: a new GatewayTarget does not compile until its
 * implementation is listed here.
 */
import { GatewayTarget } from "../args";
import { awsApiGateway } from "./aws-apigateway";
import { dockerGateway } from "./docker";
import { gcpLoadBalancer } from "./gcp-loadbalancer";
import { kubernetesGateway } from "./kubernetes";
import { GatewayTargetImpl } from "./target";

export const GATEWAY_TARGETS: Record<GatewayTarget, GatewayTargetImpl> = {
    [GatewayTarget.Kubernetes]: kubernetesGateway,
    [GatewayTarget.AwsApiGateway]: awsApiGateway,
    [GatewayTarget.GcpLoadBalancer]: gcpLoadBalancer,
    [GatewayTarget.Docker]: dockerGateway,
};

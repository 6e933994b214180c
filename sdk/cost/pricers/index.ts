/**
 * The pricer of each resource type, keyed by Pulumi type token. A type not listed costs nothing by itself
 * (a Service account, a Kubernetes Service, an IAM role). A type listed as unpriced is billed, but the
 * catalog has no price for it: its figures are unknown, never 0.
 */
import { unknown, type PricedFigure } from "../figures";
import { bool, str } from "../inputs";
import { priceEc2Instance, priceEksNodeGroup } from "./aws";
import { priceLambdaFunction, priceSageMakerEndpointConfig } from "./aws-serverless";
import { priceCloudRunService } from "./cloudrun";
import type { PricingContext } from "./context";
import { priceDockerContainer } from "./docker";
import { priceGceInstance, priceGkeNodePool } from "./gcp";
import { priceGpuWorkload, priceKarpenterNodePool } from "./kubernetes";

/** Prices one resource from its inputs; undefined when it costs nothing by itself. */
export type Pricer = (inputs: Record<string, unknown>, ctx: PricingContext) => PricedFigure | undefined;

function unpriced(what: string): Pricer {
    return () => unknown(`${what} is billed, but its price is not in the catalog`);
}

/** Billed per request or execution only: nothing without traffic, an unknown amount at full scale. */
function perUse(what: string): Pricer {
    return () => ({ min: 0, max: null, basis: `${what}: $0 without requests; at full scale unknown (billed per use at a price not in the catalog)` });
}

/** A Kubernetes Service of type LoadBalancer makes the cloud create a load balancer, which is billed. */
const priceKubernetesService: Pricer = (inputs) =>
    str(inputs, "spec.type") === "LoadBalancer" ? unknown("a Service of type LoadBalancer creates a cloud load balancer, whose price is not in the catalog") : undefined;

/** The cluster's worker nodes: when one of these is in the stack, pods are not priced on their own. */
export const NODE_TYPES: ReadonlySet<string> = new Set([
    "aws:eks/nodeGroup:NodeGroup",
    "gcp:container/nodePool:NodePool",
    "kubernetes:karpenter.sh/v1:NodePool",
    "kubernetes:karpenter.sh/v1beta1:NodePool",
]);

export const PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:eks/nodeGroup:NodeGroup": priceEksNodeGroup,
    "aws:ec2/instance:Instance": priceEc2Instance,
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": priceSageMakerEndpointConfig,
    "aws:lambda/function:Function": priceLambdaFunction,
    "gcp:container/nodePool:NodePool": priceGkeNodePool,
    "gcp:compute/instance:Instance": priceGceInstance,
    "gcp:cloudrunv2/service:Service": priceCloudRunService,
    "kubernetes:apps/v1:Deployment": priceGpuWorkload,
    "kubernetes:apps/v1:StatefulSet": priceGpuWorkload,
    "kubernetes:karpenter.sh/v1:NodePool": priceKarpenterNodePool,
    "kubernetes:karpenter.sh/v1beta1:NodePool": priceKarpenterNodePool,
    "kubernetes:core/v1:Service": priceKubernetesService,
    "docker:index/container:Container": priceDockerContainer,
    "aws:eks/cluster:Cluster": unpriced("the EKS control plane"),
    "gcp:container/cluster:Cluster": (inputs) =>
        // Autopilot bills the pods' resources, which the catalog does not price either.
        unknown(`the GKE cluster fee${bool(inputs, "enableAutopilot") ? " and Autopilot pod resources are" : " is"} billed, but not in the catalog`),
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": unpriced("Lambda provisioned concurrency"),
    "aws:lb/loadBalancer:LoadBalancer": unpriced("an Elastic Load Balancer"),
    "aws:alb/loadBalancer:LoadBalancer": unpriced("an Elastic Load Balancer"),
    "aws:ec2/natGateway:NatGateway": unpriced("a NAT gateway"),
    "aws:sfn/stateMachine:StateMachine": perUse("Step Functions executions"),
    "aws:apigatewayv2/api:Api": perUse("API Gateway HTTP API requests"),
    "gcp:workflows/workflow:Workflow": perUse("Workflows steps and external HTTP calls"),
};
